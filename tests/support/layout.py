"""Read a laid-out WeasyPrint document the way a compositor checks page breaks: how many lines of
each paragraph, and of each section, fall on each page.

The PDF alone cannot say where a paragraph begins or ends (an indent is not text), so widows and
orphans are found on WeasyPrint's own box tree, the one the PDF was drawn from: every
``Document.pages[i]._page_box``. A paragraph broken across pages is one element whose block box
appears (split) on each of those pages, its lines as ``LineBox`` children. Running heads and
folios (margin boxes) and the footnote area are not part of the page's text flow and are left
out, so a note at the foot never counts as a line of the paragraph that calls it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from weasyprint.formatting_structure import boxes

__all__ = ["LoneLine", "footnote_lines", "lines_by_element", "lines_by_section", "lone_lines",
           "text_baselines"]


def _flow_lines(box: Any, inside: tuple[Any, ...] = ()) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    """Every line box with text in the page's flow (margin boxes and the footnote area left out),
    with the elements enclosing it, outermost first."""
    if isinstance(box, (boxes.MarginBox, boxes.FootnoteAreaBox)):
        return
    element = getattr(box, "element", None)
    if element is not None and (not inside or inside[-1] is not element):
        inside = (*inside, element)
    if isinstance(box, boxes.LineBox):
        if _has_text(box):
            yield box, inside
        return
    for child in getattr(box, "children", None) or ():
        yield from _flow_lines(child, inside)


def _has_text(box: Any) -> bool:
    if isinstance(box, boxes.TextBox):
        return bool(box.text.strip())
    if isinstance(box, boxes.ReplacedBox):
        return False
    return any(_has_text(child) for child in getattr(box, "children", None) or ())


def lines_by_element(document: Any, keep: Callable[[Any], bool] = lambda element: True
                     ) -> dict[Any, dict[int, int]]:
    """For each block element that holds lines of text (a paragraph, a verse line, a heading…)
    and passes `keep`, the number of its lines on each page it is on: ``{element: {page: n}}``,
    pages 0-based and in order."""
    found: dict[Any, dict[int, int]] = defaultdict(dict)
    for index, page in enumerate(document.pages):
        for line, _ in _flow_lines(page._page_box):
            element = line.element
            if element is not None and keep(element):
                found[element][index] = found[element].get(index, 0) + 1
    return dict(found)


def lines_by_section(document: Any, is_section: Callable[[Any], bool]) -> dict[Any, dict[int, int]]:
    """For each element that `is_section` (an essay's ``<section>``), the number of lines of its
    text on each page: every line of text in its flow, whatever block it is in."""
    found: dict[Any, dict[int, int]] = defaultdict(dict)
    for index, page in enumerate(document.pages):
        for _, inside in _flow_lines(page._page_box):
            section = next((e for e in reversed(inside) if is_section(e)), None)
            if section is not None:
                found[section][index] = found[section].get(index, 0) + 1
    return dict(found)


def footnote_lines(document: Any) -> dict[int, int]:
    """Lines of text in each page's footnote area, for the pages that have one."""
    counts = {}
    for index, page in enumerate(document.pages):
        for area in page._page_box.children:
            if isinstance(area, boxes.FootnoteAreaBox):
                lines = sum(1 for line in _all_lines(area) if _has_text(line))
                if lines:
                    counts[index] = counts.get(index, 0) + lines
    return counts


def text_baselines(document: Any) -> dict[int, tuple[float, float]]:
    """The first and last baselines of text on each page that has text (its flow and its notes,
    not the running heads and folios), in CSS pixels from the top of the page."""
    found = {}
    for index, page in enumerate(document.pages):
        baselines = [line.position_y + line.baseline for line in _all_lines(page._page_box)
                     if _has_text(line) and not _in_margin_box(page._page_box, line)]
        if baselines:
            found[index] = (min(baselines), max(baselines))
    return found


def _in_margin_box(page: Any, line: Any) -> bool:
    return any(line in set(_all_lines(box)) for box in page.children
               if isinstance(box, boxes.MarginBox))


def _all_lines(box: Any) -> Iterator[Any]:
    if isinstance(box, boxes.LineBox):
        yield box
        return
    for child in getattr(box, "children", None) or ():
        yield from _all_lines(child)


@dataclass(frozen=True)
class LoneLine:
    """One line of a paragraph left alone on a page by a page break."""

    kind: str
    """``orphan``: the paragraph's first line alone at the foot of a page; ``widow``: its last
    line alone at the head of the next."""
    page: int
    """0-based index of the page the lone line is on."""
    element: Any
    """The paragraph's element."""

    @property
    def text(self) -> str:
        return " ".join("".join(self.element.itertext()).split())

    def __str__(self) -> str:
        return f"{self.kind} on page index {self.page}: {self.text[:70]!r}"


def lone_lines(document: Any, keep: Callable[[Any], bool] = lambda element: element.tag == "p"
               ) -> list[LoneLine]:
    """Every orphan and widow: a paragraph (by default a ``<p>``) broken across pages that leaves
    a single line on the first page of the break or on the last."""
    found = []
    for element, pages in lines_by_element(document, keep).items():
        if len(pages) < 2:
            continue
        ordered = sorted(pages.items())
        (first, first_count), (last, last_count) = ordered[0], ordered[-1]
        if first_count == 1:
            found.append(LoneLine("orphan", first, element))
        if last_count == 1:
            found.append(LoneLine("widow", last, element))
    return sorted(found, key=lambda lone: (lone.page, lone.kind))
