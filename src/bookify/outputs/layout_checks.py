"""Proofreading the laid-out pages: what CSS cannot promise, checked on WeasyPrint's real boxes.

A printer rejects (or prints badly) an image under 300 dpi at its printed size; WeasyPrint has
open bugs that can set a footnote on another page than its call; `widows` and `orphans` yield
when a paragraph cannot be split otherwise, and an essay may end with a page holding one line.
All of it can only be seen after layout, so it is reported with the page it is on (and the
preview lists it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from weasyprint.document import Document
from weasyprint.formatting_structure import boxes
from weasyprint.images import RasterImage

from ..diagnostics import Diagnostics
from ..errors import Location

#: The folio printed on page `index` of the document ("iv", "17").
Labeller = Callable[[int], str]

#: The resolution printers ask for, in dots per inch at the printed size.
PRINT_DPI = 300
#: CSS pixels per inch (WeasyPrint's box sizes are in CSS pixels).
_CSS_PX_PER_INCH = 96


@dataclass
class _Seen:
    """What one walk over the pages found, by page index."""

    #: The page each footnote's call and each footnote's text are on, by the note's id.
    calls: dict[str, int] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)
    #: Lines of each numbered paragraph, and of each essay's text, on each page.
    paragraph_lines: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    essay_lines: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    #: Raster images and the page they are on, in reading order.
    images: list[tuple[boxes.ReplacedBox, int]] = field(default_factory=list)


def check_layout(document: Document, label: Labeller, project_root: Path,
                 diagnostics: Diagnostics) -> None:
    """Warn about low-resolution images, footnotes set apart from their calls, lone lines at
    the foot or head of a page, and essays whose last page holds a single line.

    It reads WeasyPrint's boxes, so it runs where the document was laid out (a worker process),
    before the document is let go."""
    seen = _Seen()
    for index, page in enumerate(document.pages):
        _visit(page._page_box, index, None, True, seen)
    reported: set[str] = set()
    for box, index in seen.images:
        _check_image(box, label(index), project_root, diagnostics, reported)
    _lone_lines(label, seen.paragraph_lines, seen.essay_lines, diagnostics)
    for note_id, call_page in seen.calls.items():
        note_page = seen.notes.get(note_id)
        if note_page is not None and note_page != call_page:
            essay, _, number = note_id.partition("--fn-")
            diagnostics.warn(
                f"footnote {number or note_id} of '{essay}' is printed on page "
                f"{label(note_page)}, but its call is on page {label(call_page)}",
                hint="a WeasyPrint limitation; rewording the sentence around the call, or "
                "[print] notes = \"endnotes\", avoids it",
            )


def _visit(box: boxes.Box, page: int, essay: str | None, count: bool, seen: _Seen) -> None:
    """One walk over a page's boxes. Lines are counted in the page's text only (`count`): not
    in running heads and folios, not in the footnotes, not twice inside a line."""
    if isinstance(box, boxes.MarginBox):
        return
    element = getattr(box, "element", None)
    if isinstance(box, boxes.FootnoteAreaBox):
        for note in box.children:
            note_element = getattr(note, "element", None)
            if note_element is not None and note_element.get("id"):
                seen.notes.setdefault(note_element.get("id"), page)
        count = False
    elif isinstance(box, boxes.ReplacedBox) and isinstance(box.replacement, RasterImage):
        seen.images.append((box, page))
    elif ((getattr(box, "element_tag", "") or "").endswith("::footnote-call")
          and element is not None and element.get("id")):
        seen.calls.setdefault(element.get("id"), page)
    if element is not None and element.tag == "section" and "essay" in (
            element.get("class") or "").split():
        essay = element.get("id")
    if count and isinstance(box, boxes.LineBox):
        if essay is not None and any(isinstance(c, (boxes.TextBox, boxes.InlineBox))
                                     for c in box.children):
            seen.essay_lines[essay][page] += 1
        paragraph = element.get("id") if element is not None else None
        if paragraph and "." in paragraph:  # the essay's own blocks: "<essay>.<n>"
            seen.paragraph_lines[paragraph][page] += 1
        count = False
    for child in getattr(box, "children", None) or ():
        _visit(child, page, essay, count, seen)


def _lone_lines(label: Labeller, paragraph_lines: dict[str, dict[int, int]],
               essay_lines: dict[str, dict[int, int]], diagnostics: Diagnostics) -> None:
    for paragraph, pages in paragraph_lines.items():
        if len(pages) < 2:
            continue
        ordered = sorted(pages.items())
        first_page, first_count = ordered[0]
        last_page, last_count = ordered[-1]
        essay = paragraph.split(".")[0]
        if first_count == 1:
            diagnostics.warn(f"a paragraph of '{essay}' leaves its first line alone at the foot "
                             f"of page {label(first_page)} (an orphan)")
        if last_count == 1:
            diagnostics.warn(f"a paragraph of '{essay}' leaves its last line alone at the head "
                             f"of page {label(last_page)} (a widow)")
    for essay, pages in essay_lines.items():
        last_page, count = max(pages.items())
        if len(pages) > 1 and count == 1:
            diagnostics.warn(f"'{essay}' ends with a page holding a single line "
                             f"(page {label(last_page)})",
                             hint="shorten or lengthen the last paragraphs by a line")


def _check_image(box: boxes.ReplacedBox, page: str, root: Path, diagnostics: Diagnostics,
                 reported: set[str]) -> None:
    image = box.replacement
    printed_inches = (box.width or 0) / _CSS_PX_PER_INCH
    if printed_inches <= 0:
        return
    dpi = image.width / printed_inches
    source = box.element.get("src", "") if box.element is not None else ""
    if dpi >= PRINT_DPI or source in reported:
        return
    reported.add(source)
    path = root / source if source and not source.startswith("data:") else None
    diagnostics.warn(
        f"image printed at {dpi:.0f} dpi on page {page} ({image.width}×{image.height} px over "
        f"{printed_inches:.2f} in); printers want at least {PRINT_DPI} dpi",
        Location(path if path and path.is_file() else None),
        f"use a picture at least {round(printed_inches * PRINT_DPI)} px wide, or print it smaller",
    )
