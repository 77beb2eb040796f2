"""Justified paragraphs composed whole inside WeasyPrint's line-by-line breaking.

WeasyPrint fills each line as full as it can (`split_inline_box` with the line's width). For a
justified paragraph, bookify measures the paragraph once (every text box shaped by Pango in its
own style, the first line in its `::first-line` style), chooses all its breaks with
`linebreak.compose`, and then gives WeasyPrint, line by line, a width just wide enough for the
planned line and too narrow for anything longer: its own greedy breaking then ends the line
where the plan says, and everything else it does (inline boxes, notes, hyphens) is unchanged.
`text_align` then sets the line to its real measure, its letters and word spaces sharing the
difference (shrinking them on a line planned tight).

Whenever the plan cannot apply, WeasyPrint's own breaking sets the line: a paragraph holding
something not measured here (an image, an inline block, a float, a `nowrap` span), the line
beside a `::first-letter` drop cap, a line planned wider than it can be set (a word longer
than the measure), and a line after one that did not end where planned once a paragraph has
been planned `MAX_REPLANS` times (until then, the rest of it is planned again from where the
line did end).
"""

from __future__ import annotations

import contextvars
import math
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from weasyprint.css.properties import INHERITED, Dimension
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text import line_break

from .linebreak import (
    EXPLICIT_HYPHEN_PENALTY,
    HYPHEN_PENALTY,
    LETTER_SHRINK,
    LETTER_STRETCH,
    SHRINK,
    STRETCH,
    Breakpoint,
    Line,
    Paragraph,
    compose,
)

_PANGO_SCALE = 1024

#: Replans allowed in one paragraph before the rest of it is left to WeasyPrint's breaking (a
#: paragraph whose lines keep landing off the plan is one this module measures wrongly).
MAX_REPLANS = 8

_HYPHENS = ("-", "\u2010", "\u2013")
_DASHES = ("\u2014", "/")
_NOT_WORD = re.compile(r"[^\w]|_")
_BETWEEN_LETTERS = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\ua4cf"
                              "\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_PRESERVED_BREAKS = ("pre", "pre-line", "pre-wrap", "break-spaces")

#: The planned line WeasyPrint is laying out now (read by `split_first_line`).
_planned: contextvars.ContextVar[Line | None] = contextvars.ContextVar(
    "bookify_planned_line", default=None)

_ZERO = Dimension(0, "px")


class _Unplannable(Exception):
    """The paragraph holds something the line breaker does not measure."""


@dataclass
class _Composition:
    """What is known of one paragraph (one WeasyPrint line box before it is split)."""

    paragraph: Paragraph | None = None
    first_line: Paragraph | None = None  # measured in the `::first-line` style, if any
    starts: dict[int, tuple[int, boxes.Box]] = field(default_factory=dict)
    lines: dict[int, Line] = field(default_factory=dict)
    replans: int = 0
    unplannable: bool = False


_compositions: weakref.WeakKeyDictionary[boxes.LineBox, _Composition] = \
    weakref.WeakKeyDictionary()
#: The lines WeasyPrint set from a plan, with the plan's line (for `text_align`).
_set_lines: weakref.WeakKeyDictionary[boxes.LineBox, Line] = weakref.WeakKeyDictionary()
_dictionaries: dict[tuple[str, int, int], object] = {}


def install(hyphenated_run: Callable[[], int]) -> None:
    """Wrap WeasyPrint's `split_inline_box` (the width a line gets) and `split_first_line` (its
    hyphenation zone) so justified paragraphs are set as `linebreak.compose` plans them.

    `hyphenated_run` tells how many lines in a row just before the one being set end with a
    hyphen (so a plan made there allows no more than the rest of the run).
    """
    original_split_box = inline.split_inline_box
    original_split_line = inline.split_first_line
    original_align = inline.text_align
    if getattr(original_split_box, "_bookify", False):
        return

    def split_inline_box(context, box, position_x, max_x, bottom_space, skip_stack,
                         containing_block, absolute_boxes, fixed_boxes, line_placeholders,
                         waiting_floats, line_children, first_letter_style, first_line_style):
        line = None
        if (isinstance(box, boxes.LineBox) and not first_letter_style
                and box.style["text_align_all"] == "justify"
                and box.style["direction"] == "ltr"):
            line = _planned_line(context, box, skip_stack, max_x - position_x,
                                 containing_block, hyphenated_run(), first_line_style)
        if line is None:
            return original_split_box(
                context, box, position_x, max_x, bottom_space, skip_stack, containing_block,
                absolute_boxes, fixed_boxes, line_placeholders, waiting_floats, line_children,
                first_letter_style, first_line_style)
        # The line gets the room it is planned in, even past its measure (a line planned tight,
        # or one our measure makes a hair narrower than WeasyPrint's): `text_align` then sets
        # it to the measure, taking in its word spaces and letters.
        if line.limit < math.inf:
            limited_x = position_x + line.limit
        else:  # nothing can come after the line: only its width matters
            limited_x = max(max_x, position_x + line.natural + 1.0)
        token = _planned.set(line)
        try:
            result = original_split_box(
                context, box, position_x, limited_x, bottom_space, skip_stack, containing_block,
                absolute_boxes, fixed_boxes, line_placeholders, waiting_floats, line_children,
                first_letter_style, first_line_style)
        finally:
            _planned.reset(token)
        _set_lines[result[0]] = line
        return result

    def text_align(context, line, available_width, last):
        planned = _set_lines.get(line)
        if (planned is None or line.style["text_align_all"] != "justify"
                or line.style["white_space"] not in ("normal", "pre-line")
                or (last and line.width <= available_width)):
            return original_align(context, line, available_width, last)
        _justify(context, line, available_width, planned)
        return 0

    def split_first_line(text, style, *args, **kwargs):
        line = _planned.get()
        if line is None or not line.hyphenated or style["hyphens"] != "auto":
            return original_split_line(text, style, *args, **kwargs)
        # A planned hyphen may fall in WeasyPrint's hyphenation zone (where it would rather
        # leave the space empty): the plan has weighed that line against the others already.
        zone = style["hyphenate_limit_zone"]
        style["hyphenate_limit_zone"] = _ZERO
        try:
            return original_split_line(text, style, *args, **kwargs)
        finally:
            style["hyphenate_limit_zone"] = zone

    split_inline_box._bookify = True  # type: ignore[attr-defined]
    inline.split_inline_box = split_inline_box
    inline.split_first_line = split_first_line
    inline.text_align = text_align


def _planned_line(context, linebox: boxes.LineBox, skip_stack, available: float,
                  containing_block, hyphenated_run: int, first_line_style) -> Line | None:
    """The planned line starting where `skip_stack` says, planning (again) if need be; a
    paragraph's first line set in its `::first-line` style is measured in that style."""
    composition = _compositions.get(linebox)
    if composition is None:
        composition = _compositions[linebox] = _Composition()
    if composition.unplannable:
        return None
    if composition.paragraph is None:
        try:
            composition.paragraph = _measure(context, linebox, composition.starts)
            if first_line_style:
                composition.first_line = _measure(context, linebox, {}, first_line_style)
        except _Unplannable:
            composition.unplannable = True
            return None
    start = _offset(composition, linebox, skip_stack)
    if start is None:
        return None
    line = composition.lines.get(start)
    if line is None or abs(line.width - available) > 0.01:
        if composition.replans >= MAX_REPLANS:
            return None
        composition.replans += 1
        widths, varying = _widths(context, linebox, containing_block, available)
        lines = compose(composition.paragraph, start, widths, varying_lines=varying,
                        first_run=hyphenated_run,
                        first_line=composition.first_line if first_line_style else None)
        # Earlier plans stay: WeasyPrint lays a paragraph out again from an earlier line when
        # it moves it to the next page, and should find the same breaks.
        composition.lines.update((line.start, line) for line in lines or ())
        line = composition.lines.get(start)
    if line is None:
        return None
    if line.natural - available > line.spaces * SHRINK + line.letters * LETTER_SHRINK + 1e-6:
        return None  # overfull as planned (a word longer than the line): WeasyPrint's way
    return line


def _justify(context, line: boxes.LineBox, available: float, planned: Line) -> None:
    """Set `line` to its measure as the plan has it: its letters take their share of the
    difference (`LETTER_STRETCH`, `LETTER_SHRINK` of their size) and its word spaces the rest
    (stretched or, on a line planned tight, shrunk). Each text box is shaped again once, with
    both spacings; what that leaves over (the letters' share is reckoned, not measured) goes
    to the word spaces as WeasyPrint justifies."""
    extra = available - line.width
    if abs(extra) < 1e-6:
        return
    if extra > 0:
        room = planned.spaces * STRETCH + planned.letters * LETTER_STRETCH
        letter = LETTER_STRETCH * min(1.0, extra / room) if room > 0 else 0.0
    else:
        room = planned.spaces * SHRINK + planned.letters * LETTER_SHRINK
        letter = -LETTER_SHRINK * min(1.0, -extra / room) if room > 0 else 0.0
    texts = _text_boxes(line)
    lettered = sum(_letter_spacing_added(box.style, letter) * len(box.text) for box in texts)
    spaces = sum(_expandable(box.text) for box in texts)
    word = (extra - lettered) / spaces if spaces else 0.0
    if not letter and not word:
        return
    _respace(context, line, letter, word, 0.0)
    left = available - line.width
    if abs(left) > 0.05 and inline.count_expandable_spaces(line):
        inline.justify_line(context, line, left)


def _letter_spacing_added(style, em: float) -> float:
    """What `em` more letter spacing adds after each character, as Pango applies it (in
    whole Pango units, 1/1024 of a pixel)."""
    spacing = style["letter_spacing"]
    spacing = 0 if spacing == "normal" else spacing
    return (int((spacing + em * style["font_size"]) * _PANGO_SCALE)
            - int(spacing * _PANGO_SCALE)) / _PANGO_SCALE


def _text_boxes(box: boxes.Box) -> list[boxes.TextBox]:
    if isinstance(box, boxes.TextBox):
        return [box]
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        return [text for child in box.children if child.is_in_normal_flow()
                for text in _text_boxes(child)]
    return []


def _expandable(text: str) -> int:
    """The spaces WeasyPrint's justification widens (`count_expandable_spaces`)."""
    return text.count(" ") + text.count("\u00a0")


def _respace(context, box: boxes.Box, em: float, word: float, x_advance: float) -> float:
    """Add `em` of each text box's font size to its letter spacing and `word` to its word
    spaces (moving what follows), as `add_word_spacing` does for word spaces alone; returns
    the distance added so far."""
    if isinstance(box, boxes.TextBox):
        box.position_x += x_advance
        spaces = _expandable(box.text)
        if box.text and box.style["font_size"] and (em or (word and spaces)):
            style = box.style
            if em:
                style = box.style = box.style.copy()
                spacing = style["letter_spacing"]
                style["letter_spacing"] = (0 if spacing == "normal" else spacing) \
                    + em * style["font_size"]
            box.justification_spacing = word
            layout = line_break.create_layout(box.text, style, context, None, word)
            if em:  # the layout is measured without its word spacing (added when drawn)
                width, _ = line_break.line_size(layout.get_first_line()[0], style)
                width += word * spaces
            else:
                width = box.width + word * spaces
            layout.deactivate()
            box.pango_layout = layout
            x_advance += width - box.width
            box.width = width
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _respace(context, child, em, word, x_advance)
        box.width += x_advance - before
    else:
        box.translate(x_advance, 0)
    return x_advance


def _widths(context, linebox: boxes.LineBox, containing_block,
            available: float) -> tuple[Callable[[int], float], int]:
    """The width of each line from the one being set (which has `available`), and how many
    lines differ from the last: floats beside the paragraph narrow the lines they reach."""
    full = containing_block.width
    shapes = [shape for shape in context.excluded_shapes
              if shape.position_y + shape.margin_height() > linebox.position_y]
    if not shapes:
        return (lambda n: available if n == 0 else full), 1
    height, _ = line_break.strut(linebox.style)
    left_edge = containing_block.content_box_x()
    widths = [available]
    top = linebox.position_y
    while True:
        top += height
        left, right = left_edge, left_edge + full
        for shape in shapes:
            if shape.position_y < top + height and top < shape.position_y + shape.margin_height():
                if shape.style["float"] in ("left", "inline-start"):
                    left = max(left, shape.position_x + shape.margin_width())
                else:
                    right = min(right, shape.position_x)
        widths.append(right - left)
        if right - left == full or len(widths) > 50:
            break
    return (lambda n: widths[n] if n < len(widths) else full), len(widths)


def _offset(composition: _Composition, linebox: boxes.LineBox, skip_stack) -> int | None:
    """The paragraph's character where WeasyPrint's `skip_stack` resumes."""
    box: boxes.Box = linebox
    while skip_stack is not None:
        (index, skip_stack), = skip_stack.items()
        if isinstance(box, boxes.TextBox):
            start = composition.starts.get(id(box))
            if start is None:
                return None
            return start[0] + len(box.text.encode()[:index].decode(errors="ignore"))
        children = getattr(box, "children", ())
        if index >= len(children):
            return None
        box = children[index]
    start = composition.starts.get(id(box))
    return start[0] if start is not None and start[1] is box else None


def _measure(context, linebox: boxes.LineBox, starts: dict[int, tuple[int, boxes.Box]],
             first_line_style=None) -> Paragraph:
    """The paragraph of `linebox` as `linebreak` sees it: its text, each character's advance
    (shaped by Pango in its box's style, with the inherited properties of `first_line_style`
    over it if given, as WeasyPrint sets a first line), and where it may break."""
    texts: list[str] = []
    advance: list[float] = []
    space_widths: list[float] = []  # per character: its width if it is a stretchable space
    letter_sizes: list[float] = []  # per character: its font size unless it is a space
    hyphen_points: list[tuple[int, float]] = []  # (offset, hyphen width)
    lang = linebox.style["lang"]
    x = 0.0
    length = 0

    def walk(box: boxes.Box) -> None:
        nonlocal x, length
        starts[id(box)] = (length, box)
        if isinstance(box, boxes.TextBox):
            style = box.style
            if first_line_style:
                style = style.copy()
                for key, value in first_line_style.items():
                    if key in INHERITED:
                        style[key] = value
            if style["white_space"] not in ("normal", "pre-line") or style["font_size"] == 0:
                raise _Unplannable
            text = box.text
            if not text:
                return
            positions = _positions(context, text, style)
            for i, char in enumerate(text):
                advance.append(x + positions[i])
                spaced = char in (" ", "\u00a0")
                space_widths.append(positions[i + 1] - positions[i] if spaced else 0.0)
                letter_sizes.append(0.0 if spaced or char == "\n" else style["font_size"])
            for offset in _hyphenation(text, style):
                hyphen_points.append((length + offset, _hyphen_width(context, style)))
            if "\u00ad" in text:
                width = _hyphen_width(context, style)
                hyphen_points.extend((length + i + 1, width)
                                     for i, char in enumerate(text) if char == "\u00ad")
            x += positions[-1]
            texts.append(text)
            length += len(text)
        elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            if box is not linebox:
                x += _edge(box.style, "left")
            for child in box.children:
                if child.is_in_normal_flow():
                    walk(child)
                elif child.is_floated() or child.is_absolutely_positioned():
                    raise _Unplannable
            if box is not linebox:
                x += _edge(box.style, "right")
        else:
            raise _Unplannable  # an image, an inline block: not measured here

    walk(linebox)
    text = "".join(texts)
    if not text.strip():
        raise _Unplannable
    advance.append(x)
    return Paragraph(text, advance, _running_sum(space_widths), _running_sum(letter_sizes),
                     _breakpoints(text, lang, hyphen_points))


def _running_sum(values: list[float]) -> list[float]:
    sums = [0.0]
    for value in values:
        sums.append(sums[-1] + value)
    return sums


def _edge(style, side: str) -> float:
    """The width an inline box's margin, border and padding add on one side (lengths in px;
    a percentage or `auto` counts as nothing, which only costs the plan some accuracy)."""
    width = style[f"border_{side}_width"] or 0
    for name in (f"margin_{side}", f"padding_{side}"):
        value = style[name]
        if isinstance(value, Dimension) and value.unit == "px":
            width += value.value
    return width


def _breakpoints(text: str, lang: str | None,
                 hyphen_points: list[tuple[int, float]]) -> list[Breakpoint]:
    """Where `text` may break: Pango's line-break opportunities (spaces, after hyphens and
    dashes, forced breaks), the hyphenation points in its words, and its end."""
    attrs = line_break.get_log_attrs(text, lang)
    found: dict[int, Breakpoint] = {}
    # Latin text breaks only after something other than a letter or digit: only there is Pango
    # asked (each question costs more than the character test); scripts that break between
    # letters (Chinese, Japanese, Thai…) are asked everywhere.
    if _BETWEEN_LETTERS.search(text):
        candidates = range(1, len(text))
    else:
        candidates = (match.end() for match in _NOT_WORD.finditer(text, 0, len(text) - 1))
    for i in candidates:
        if not attrs[i].is_line_break:
            continue
        before = text[i - 1]
        if before == "\n":
            resume = i
            while resume < len(text) and text[resume] == " ":
                resume += 1  # WeasyPrint skips the spaces that open a line
            found[i] = Breakpoint(i - 1, resume, forced=True)
        elif before == " ":
            end = i - 1
            while end > 0 and text[end - 1] == " ":
                end -= 1
            if end > 0:
                found[i] = Breakpoint(end, i)
        elif before == "\u00ad":
            continue  # a soft hyphen: among the hyphenation points
        else:
            penalty = EXPLICIT_HYPHEN_PENALTY if before in _HYPHENS + _DASHES else 0.0
            found[i] = Breakpoint(i, i, penalty)
    # No hyphen in the last word before a forced break or the paragraph's end: a hyphenation
    # point needs a word space after it before the next forced break.
    spaced_after: list[bool] = [False] * (len(text) + 1)  # a space break comes later in the run
    later = False
    for i in range(len(text), -1, -1):
        breakpoint = found.get(i)
        if breakpoint is not None:
            if breakpoint.forced:
                later = False
            elif breakpoint.resume != breakpoint.end:
                later = True
        spaced_after[i] = later
    for offset, width in hyphen_points:
        if 0 < offset < len(text) and offset not in found and spaced_after[offset]:
            found[offset] = Breakpoint(offset, offset, HYPHEN_PENALTY, width)
    result = [found[i] for i in sorted(found)]
    result.append(Breakpoint(len(text), len(text), forced=True))  # trailing spaces count
    return result


def _positions(context, text: str, style) -> list[float]:
    """The advance before each character of `text` (and after the last), set in `style` on
    one line; a preserved newline is a break, with no width."""
    if "\n" in text:
        positions: list[float] = []
        for number, part in enumerate(text.split("\n")):
            offset = positions.pop() if positions else 0.0
            if number:
                positions.append(offset)  # the newline itself
            positions.extend(offset + x for x in _line_positions(context, part, style))
        return positions
    return _line_positions(context, text, style)


def _line_positions(context, text: str, style) -> list[float]:
    """`_positions` of a text without newlines, from the glyphs Pango shaped it into on one
    line: each cluster's advance is its first character's (the rest of a ligature has none)."""
    if not text:
        return [0.0]
    layout = line_break.create_layout(text, style, context, None, 0)
    line, _ = layout.get_first_line()
    encoded = text.encode()
    widths = [0] * (len(encoded) + 1)
    run = line.runs
    while run != line_break.ffi.NULL:
        item, glyphs = run.data.item, run.data.glyphs
        offset = item.offset
        infos, clusters = glyphs.glyphs, glyphs.log_clusters
        for i in range(glyphs.num_glyphs):
            widths[offset + clusters[i]] += infos[i].geometry.width
        run = run.next
    positions = [0.0]
    x = 0
    index = 0
    for char in text:
        x += widths[index]
        index += len(char.encode()) if char >= "\x80" else 1
        positions.append(x / _PANGO_SCALE)
    # positions[i + 1] is the advance after character i: shift to "before each character".
    return positions
def _hyphen_width(context, style) -> float:
    key = ("hyphen", line_break._font_style_cache_key(style, include_size=True),
           style["hyphenate_character"], str(style["letter_spacing"]))
    cache = context.dictionaries
    if key not in cache:
        cache[key] = _positions(context, style["hyphenate_character"], style)[-1]
    return cache[key]


def _hyphenation(text: str, style) -> list[int]:
    """The offsets in `text` where WeasyPrint's `hyphens: auto` may break a word (as
    `split_first_line` asks pyphen, with `hyphenate-limit-chars`)."""
    if style["hyphens"] != "auto" or not style["lang"] or "\u00ad" in text:
        return []
    lang = line_break.pyphen.language_fallback(style["lang"])
    if not lang:
        return []
    total, left, right = style["hyphenate_limit_chars"]
    key = (lang, left, right)
    dictionary = _dictionaries.get(key)
    if dictionary is None:
        dictionary = _dictionaries[key] = line_break.pyphen.Pyphen(lang=lang, left=left,
                                                                    right=right)
    offsets: list[int] = []
    for match in _WORD.finditer(text):
        word = match.group()
        if len(word) < total:
            continue
        offsets.extend(match.start() + position for position in dictionary.positions(word))
    return offsets

