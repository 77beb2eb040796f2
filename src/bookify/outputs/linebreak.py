"""Total-fit line breaking (Knuth and Plass) for justified paragraphs.

WeasyPrint breaks a paragraph one line at a time, filling each line as full as it can: a long
word that does not fit leaves a wide gap, stretched over the line's few spaces. A compositor
chooses all of a paragraph's breaks together, so that no line is much looser than the others.
This module is that choice, on a paragraph reduced to plain data (`Paragraph`: the text, the
advance of every character, the places it may break); `weasy.py` measures WeasyPrint's boxes
into one and makes WeasyPrint land on the chosen breaks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

#: How far a line's word spaces may stretch and shrink, as fractions of their natural width (a
#: line stretched by `STRETCH` has an adjustment ratio of 1: spaces at 1.5×; shrunk by `SHRINK`,
#: spaces at 70 %, as TeX lets them), and how much the spacing of its letters may grow or
#: tighten with them, in ems of each letter's size. Letter spacing is off: WeasyPrint 70 writes
#: letter-spaced glyphs into the PDF a little off its own layout, so a justified line's right
#: edge went ragged by up to 3 pt (measured on the corpus with 0.008 em); the breaker and
#: `paragraphs._justify` still take it into account where it is set.
STRETCH = 0.5
SHRINK = 0.3
LETTER_STRETCH = 0.0
LETTER_SHRINK = 0.0

#: Demerits, in TeX's units: a line's own cost, a hyphen's, two hyphenated lines in a row, a
#: hyphen on a paragraph's last-but-one line, and adjacent lines of very different tightness.
LINE_PENALTY = 10
HYPHEN_PENALTY = 50
EXPLICIT_HYPHEN_PENALTY = 50
DOUBLE_HYPHEN_DEMERITS = 3000
FINAL_HYPHEN_DEMERITS = 5000
ADJACENT_DEMERITS = 3000

#: The badness of a line that has no word space and does not fill its measure.
UNSTRETCHABLE_BADNESS = 100_000.0

#: Adjustment ratios tried in turn: a first pass without emergencies, then anything goes (a line
#: too long for its width is allowed only when nothing else can be done, as TeX's overfull box).
TOLERANCES = (2.0, 8.0, math.inf)


@dataclass(frozen=True)
class Breakpoint:
    """A place a line may end: before character `end`, the next line starting at `resume`.

    A break at a space ends the line before the space and resumes after it; a break after a
    hyphen or a dash has `end == resume`; a hyphenation point adds a hyphen `hyphen` wide.
    `forced` marks a forced line break and the paragraph's end (the line before is not
    justified there).
    """

    end: int
    resume: int
    penalty: float = 0.0
    hyphen: float = 0.0
    forced: bool = False


@dataclass
class Paragraph:
    """A paragraph as the line breaker sees it.

    `advance[i]` is the distance from the paragraph's start to character `i`'s left edge (so a
    line from `a` to `b` is `advance[b] - advance[a]` wide before any hyphen); `spaces[i]` is the
    natural width of the stretchable word spaces before character `i`, and `letters[i]` the sum
    of the font sizes of the other characters before it (what letter spacing in ems acts on).
    """

    text: str
    advance: list[float]
    spaces: list[float]
    letters: list[float]
    breakpoints: list[Breakpoint]


@dataclass(frozen=True)
class Line:
    """One line of a composed paragraph: from `start` to `end` (its breakpoint's), `natural`
    wide as set (with its hyphen), for a measure `width`; `ratio` is its adjustment ratio."""

    start: int
    end: int
    resume: int
    natural: float
    width: float
    ratio: float
    hyphenated: bool
    spaces: float  # the natural width of its word spaces
    letters: float  # the font sizes of its other characters, summed
    #: The widest the line's content may be allowed to grow (half way from the line with its
    #: trailing spaces to the next place it could break): a greedy line breaker given this width
    #: ends the line where it was planned even if its own measure differs slightly from ours.
    limit: float


@dataclass
class _Node:
    breakpoint: int  # index into breakpoints, -1 for the start
    resume: int
    line: int  # lines set before this break
    run: int  # hyphenated lines in a row ending here
    fitness: int
    demerits: float
    previous: _Node | None = field(default=None, repr=False)
    ratio: float = 0.0
    natural: float = 0.0
    width: float = 0.0


def _fitness(ratio: float) -> int:
    if ratio < -0.5:
        return 0
    if ratio <= 0.5:
        return 1
    if ratio <= 1:
        return 2
    return 3


def compose(paragraph: Paragraph, start: int, width: Callable[[int], float], *,
            stretch: float = STRETCH, shrink: float = SHRINK,
            letter_stretch: float = LETTER_STRETCH, letter_shrink: float = LETTER_SHRINK,
            hyphen_limit: int = 2,
            varying_lines: int = 1, first_run: int = 0,
            first_line: Paragraph | None = None) -> list[Line] | None:
    """The breaks of `paragraph` from character `start` that minimise the total demerits of its
    lines, line `n` (from 0) being `width(n)` wide; None if there is nothing to set.

    A line's word spaces may stretch by `stretch` and shrink by `shrink` of their width, its
    letters be spaced by up to `letter_stretch` em more or `letter_shrink` em less.

    No more than `hyphen_limit` lines in a row end with a hyphen (`first_run` of them already
    do just before `start`); the line from `start` is measured in `first_line` if given (the
    same text set in a paragraph's `::first-line` style). Lines from `varying_lines` on
    are taken to be as wide as each other (so nodes need not tell them apart). A line that cannot
    be set within the widths (a word longer than the measure) is set overfull, as the last
    resort of the last pass.
    """
    breakpoints = [b for b in paragraph.breakpoints if b.end >= start and b.resume > start
                   or (b.forced and b.end >= start)]
    if not breakpoints:
        return None
    for tolerance in TOLERANCES:
        last = _pass(paragraph, breakpoints, start, width, (stretch, letter_stretch),
                     (shrink, letter_shrink), hyphen_limit, varying_lines, tolerance, first_run,
                     first_line or paragraph)
        if last is not None:
            break
    else:  # pragma: no cover - the last pass always sets the paragraph
        return None
    lines: list[Line] = []
    node: _Node | None = last
    while node is not None and node.previous is not None:
        previous = node.previous
        breakpoint = breakpoints[node.breakpoint]
        measured = first_line if first_line is not None and previous.previous is None \
            else paragraph
        lines.append(Line(previous.resume, breakpoint.end, breakpoint.resume, node.natural,
                          node.width, node.ratio, breakpoint.hyphen > 0,
                          measured.spaces[breakpoint.end] - measured.spaces[previous.resume],
                          measured.letters[breakpoint.end] - measured.letters[previous.resume],
                          _limit(measured, breakpoints, node.breakpoint, previous.resume,
                                 node.natural)))
        node = previous
    lines.reverse()
    return lines


def _limit(paragraph: Paragraph, breakpoints: Sequence[Breakpoint], index: int, start: int,
           natural: float) -> float:
    """Half way from the line as set with the spaces after it (a greedy breaker counts them
    while it fills the line) to the narrowest longer line from its start; no limit before a
    forced break (nothing more can come onto the line)."""
    advance = paragraph.advance
    breakpoint = breakpoints[index]
    if breakpoint.forced:
        return math.inf
    base = max(natural, advance[breakpoint.resume] - advance[start] + breakpoint.hyphen)
    longer = math.inf
    for following in breakpoints[index + 1:]:
        candidate = advance[following.end] - advance[start] + following.hyphen
        if candidate > base + 1e-6:
            longer = min(longer, candidate)
            if following.hyphen == 0:
                break  # a break without a hyphen: nothing after it is narrower
    if longer == math.inf:
        return base + 1.0
    return (base + longer) / 2


def _pass(paragraph: Paragraph, breakpoints: Sequence[Breakpoint], start: int,
          width: Callable[[int], float], stretch: tuple[float, float],
          shrink: tuple[float, float], hyphen_limit: int, varying_lines: int, tolerance: float,
          first_run: int, first_line: Paragraph) -> _Node | None:
    """One pass of the breaker: the best node at the paragraph's end with no line looser than
    `tolerance`, or None. Nodes at one breakpoint are told apart by the hyphens in a row
    before them and their line (while the widths vary); keeping one per tightness too, as TeX
    does, costs four times the time for next to no difference in a book's lines."""
    advance, spaces, letters = paragraph.advance, paragraph.spaces, paragraph.letters
    final = tolerance == math.inf
    widths = [width(line) for line in range(varying_lines + 1)]
    last_width = widths[-1]
    stretch_space, stretch_letter = stretch
    shrink_space, shrink_letter = shrink
    active: list[_Node] = [_Node(-1, start, 0, first_run, 1, 0.0)]
    for index, breakpoint in enumerate(breakpoints):
        end, hyphen, forced = breakpoint.end, breakpoint.hyphen, breakpoint.forced
        end_advance, end_spaces, end_letters = advance[end], spaces[end], letters[end]
        penalty = breakpoint.penalty ** 2 if breakpoint.penalty > 0 else 0.0
        found: dict[tuple[int, int], _Node] = {}
        overfull: _Node | None = None
        survivors: list[_Node] = []
        for node in active:
            measure = widths[node.line] if node.line < varying_lines else last_width
            resume = node.resume
            if node.previous is None:  # the first line, in its own style
                natural = first_line.advance[end] - first_line.advance[resume] + hyphen
                between = first_line.spaces[end] - first_line.spaces[resume]
                lettered = first_line.letters[end] - first_line.letters[resume]
            else:
                natural = end_advance - advance[resume] + hyphen
                between = end_spaces - spaces[resume]
                lettered = end_letters - letters[resume]
            if natural > measure + 1e-6:
                room = between * shrink_space + lettered * shrink_letter if between > 0 else 0.0
                if room <= 0 or natural - measure > room:
                    if natural - hyphen > measure + 1e-6:  # too long from here on
                        # The last resort is the latest line start: an overfull line then
                        # holds only the word too long for any line.
                        if overfull is None or (node.resume, -node.demerits) > (
                                overfull.resume, -overfull.demerits):
                            overfull = node
                        continue
                    survivors.append(node)
                    continue
                ratio = (measure - natural) / room
            elif forced:
                ratio = 0.0
            elif between > 0:
                ratio = (measure - natural) / (between * stretch_space + lettered * stretch_letter)
            else:
                ratio = math.inf if measure - natural > 1e-6 else 0.0
            survivors.append(node)
            if ratio > tolerance and (ratio < math.inf or final or _extensible(
                    paragraph, breakpoints, index, resume, measure)):
                continue
            run = node.run + 1 if hyphen else 0
            if run > hyphen_limit:
                continue
            # Not capped at TeX's 10000: in the last pass a line at 6× must still cost less
            # than one at 50×. A line with no word space to stretch that could not hold more
            # (a long address alone) is allowed in every pass, at a high cost.
            badness = 100 * abs(ratio) ** 3 if ratio < math.inf else UNSTRETCHABLE_BADNESS
            demerits = (LINE_PENALTY + badness) ** 2 + penalty
            if node.run:
                if hyphen:
                    demerits += DOUBLE_HYPHEN_DEMERITS
                elif forced:
                    demerits += FINAL_HYPHEN_DEMERITS
            fitness = _fitness(ratio)
            if abs(fitness - node.fitness) > 1:
                demerits += ADJACENT_DEMERITS
            total = node.demerits + demerits
            line = node.line + 1
            found_key = (run, line if line < varying_lines else varying_lines)
            best = found.get(found_key)
            if best is None or total < best.demerits:
                found[found_key] = _Node(index, breakpoint.resume, line, run, fitness,
                                         total, node, ratio, natural, measure)
        if not found and not survivors and final and overfull is not None:
            # Nothing fits: set the line overfull (a word longer than the measure).
            line = overfull.line + 1
            found[(0, min(line, varying_lines))] = _Node(
                index, breakpoint.resume, line, 0, 1, overfull.demerits + 1e12, overfull, -1.0,
                end_advance - advance[overfull.resume] + hyphen,
                widths[overfull.line] if overfull.line < varying_lines else last_width)
        active = [] if forced else survivors
        active.extend(found.values())
        if not active:
            return None
    ends = [node for node in active if node.breakpoint == len(breakpoints) - 1]
    return min(ends, key=lambda node: node.demerits) if ends else None


def _extensible(paragraph: Paragraph, breakpoints: Sequence[Breakpoint], index: int,
                start: int, measure: float) -> bool:
    """Whether the line from `start` to breakpoint `index` could take more and still fit."""
    if index + 1 >= len(breakpoints):
        return False
    following = breakpoints[index + 1]
    return (paragraph.advance[following.end] - paragraph.advance[start] + following.hyphen
            <= measure)
