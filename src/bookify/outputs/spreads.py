"""Level spreads: facing pages of an essay end on the same baseline.

Everything in the text's flow is spaced in whole lines (the themes' print CSS) and the text block
is a whole number of lines deep (`geometry.whole_lines_bottom`), so a full page ends on the
block's last line. A page still runs short when a paragraph may not leave a widow or an orphan,
a heading or a stanza keeps with what follows, or an essay's last page takes its five lines: its
facing page then runs as short. After a layout, the first full spread of an essay whose pages
end apart gets rules that shorten both its pages' text blocks by the difference (`@page :nth(N)`
with a padding at the foot, so the folio stays where it is), and the document is laid out again;
an essay gets at most `MAX_FIXES` such spreads (the lines a levelled spread gives on may unsettle
the next one, levelled in its turn), and the essay keeps the layout that left it the fewest
uneven spreads. Essays are taken in order and each one's rules depend on its own
pages only, so a book laid out whole and the same book laid out essay by essay get the same
pages. Only the print edition is bound in spreads; the others are left as laid out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from weasyprint.document import Document
from weasyprint.formatting_structure import boxes

#: The most pages one essay may have shortened: each costs a layout of the document.
MAX_FIXES = 4

#: Changes when the levelling does: a layout cached before is laid out again.
SPREADS_REVISION = 1


@dataclass(frozen=True, slots=True)
class _PageFacts:
    essay: str | None  # the id of the essay whose text the page holds
    opener: bool  # the page holds the essay's title
    side: str  # "left" or "right"
    last_baseline: float | None  # of its text or its notes, CSS pixels from the page's top
    steps: tuple[float, ...]  # from each line of its text to the next, CSS pixels


@dataclass(frozen=True, slots=True)
class _Fix:
    page: int  # 1-based, as `@page :nth()` counts
    padding: float  # CSS pixels

    def css(self) -> str:
        return f"@page :nth({self.page}) {{ padding-bottom: {self.padding:.3f}px; }}"


T = TypeVar("T")


def balance_spreads(lay_out: Callable[[str, bool], tuple[Document, T]]) -> tuple[Document, T]:
    """Lay a document out with `lay_out(extra_page_css, first)` and again with rules that level
    its essays' spreads, until every essay's spreads are level or have had `MAX_FIXES` rules.

    `lay_out` returns the document and what else its layout gave (its diagnostics); `first` is
    true for the first layout only (the one that reports progress). Returns the document kept
    and what its layout gave."""
    fixes: dict[int, _Fix] = {}
    kept = lay_out("", True)
    done: set[str] = set()
    tried: Counter[str] = Counter()
    best: tuple[int, dict[int, _Fix], tuple[Document, T]] | None = None
    current = None
    while True:
        pages = [_facts(page) for page in kept[0].pages]
        found = _first_uneven(pages, done)
        if found is None:
            return kept
        essay, verso, spread_fixes, uneven = found
        if essay != current:
            current, best = essay, (uneven, fixes, kept)
        candidate_fixes = dict(fixes)
        for fix in spread_fixes:
            if fix.page in candidate_fixes:  # the page was shortened already: by as much again
                fix = _Fix(fix.page, candidate_fixes[fix.page].padding + fix.padding)
            candidate_fixes[fix.page] = fix
        candidate = lay_out("\n".join(f.css() for _, f in sorted(candidate_fixes.items())), False)
        after_pages = [_facts(page) for page in candidate[0].pages]
        after = _uneven_count(essay, after_pages)
        tried[essay] += 1
        if best is None or after < best[0]:
            best = (after, candidate_fixes, candidate)
        # Progress: fewer uneven spreads, or as many but the first of them further on (the
        # lines a levelled spread gave on unsettle the next; it is levelled in its turn).
        later = next((v for v, _ in _uneven_spreads(essay, after_pages)), None)
        if not (after < uneven or (later is not None and later > verso)) \
                or tried[essay] >= MAX_FIXES:
            done.add(essay)  # as good as it gets: the best layout seen is kept
            fixes, kept = best[1], best[2]
            continue
        fixes, kept = candidate_fixes, candidate


def _facts(page: Any) -> _PageFacts:
    box = page._page_box
    essay: str | None = None
    opener = False
    lines: list[boxes.LineBox] = []

    def walk(node: Any, section: str | None) -> None:
        nonlocal essay, opener
        if isinstance(node, boxes.MarginBox):
            return
        element = getattr(node, "element", None)
        classes = (element.get("class") or "").split() if element is not None else ()
        if element is not None and element.tag == "section" and {"essay", "piece"} & set(classes):
            section = element.get("id")
        if "essay-title" in classes:
            opener = True
        if isinstance(node, boxes.LineBox):
            if _has_text(node):
                lines.append(node)
                essay = essay or section
            return
        for child in getattr(node, "children", None) or ():
            walk(child, section)

    walk(box, None)
    tops = sorted(line.position_y for line in lines)
    return _PageFacts(essay, opener, box.page_type.side,
                      max((line.position_y + line.baseline for line in lines), default=None),
                      tuple(round(b - a, 3) for a, b in zip(tops, tops[1:])))


def _has_text(box: Any) -> bool:
    if isinstance(box, boxes.TextBox):
        return bool(box.text.strip())
    return any(_has_text(child) for child in getattr(box, "children", None) or ())


def _line(*pages: _PageFacts) -> float:
    """The body's line on these pages, in CSS pixels: the commonest step between their lines
    (read from the spread itself, so a book laid out whole or by essay finds the same)."""
    steps = Counter(step for page in pages for step in page.steps if step > 1)
    return steps.most_common(1)[0][0] if steps else 0.0


def _spreads(pages: list[_PageFacts], essay: str | None = None) -> Iterator[tuple[int, int]]:
    """(verso index, recto index) of every full spread: both pages in one essay, neither its
    opening page nor its last."""
    for index, verso in enumerate(pages[:-2]):
        recto, after = pages[index + 1], pages[index + 2]
        if verso.side != "left" or recto.side != "right" or verso.essay is None:
            continue
        if essay is not None and verso.essay != essay:
            continue
        if verso.essay == recto.essay == after.essay and not verso.opener and not recto.opener \
                and verso.last_baseline is not None and recto.last_baseline is not None:
            yield index, index + 1


def _apart(pages: list[_PageFacts], verso: int, recto: int) -> tuple[int, float]:
    """How many whole lines apart the two pages end, and the line."""
    line = _line(pages[verso], pages[recto])
    first, second = pages[verso].last_baseline, pages[recto].last_baseline
    if not line or first is None or second is None:
        return 0, line
    return round(abs(first - second) / line), line


def _uneven_spreads(essay: str, pages: list[_PageFacts]) -> Iterator[tuple[int, int]]:
    return ((verso, recto) for verso, recto in _spreads(pages, essay)
            if _apart(pages, verso, recto)[0])


def _uneven_count(essay: str, pages: list[_PageFacts]) -> int:
    return sum(1 for _ in _uneven_spreads(essay, pages))


def _first_uneven(pages: list[_PageFacts],
                  done: set[str]) -> tuple[str, int, tuple[_Fix, ...], int] | None:
    """The first essay (not yet done) with a spread whose pages end apart, its verso, the rules
    that make the spread run as short as its shorter page (both pages' text blocks end there:
    the deeper page gives its last lines on, and the other cannot take them), and how many
    uneven spreads the essay has."""
    for verso, recto in _spreads(pages):
        essay = pages[verso].essay
        if essay is None or essay in done:
            continue
        apart, line = _apart(pages, verso, recto)
        if not apart:
            continue
        padding = round(apart * line, 3)
        return essay, verso, (_Fix(verso + 1, padding), _Fix(recto + 1, padding)), \
            _uneven_count(essay, pages)
    return None
