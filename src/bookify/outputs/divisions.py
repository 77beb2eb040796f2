"""Laying out one stretch of the book — a division, or a few small ones — as its own document.

A division is laid out by WeasyPrint on its own, as it will stand in the book, but without its
page furniture (running heads and folios, WeasyPrint's margin boxes): those depend on where the
division falls in the book, which is known only once every division before it is laid out. So a
division's pages can be laid out on any core, in any order, and kept in the layout cache for as
long as its own text, the theme and the page stay the same; an essay growing by a page early in
the book moves the later divisions' pages without laying them out again. The furniture of every
page is laid out afterwards in one light document (`furniture.py`), and the PDFs are put together
by `assembly.py`.

What a division must know of its place, it is given: whether it starts on a verso (a lead page,
left out, puts it there), how the next division opens (an empty element that breaks as the next
division does ends it, so the blank verso before a recto opener is laid out here too), and the
printed page numbers of what it cites in other divisions (the contents, the credits' "page 12").
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from weasyprint.document import Document, Page
from weasyprint.formatting_structure import boxes

from ..diagnostics import Diagnostic, Diagnostics
from ..geometry import PageGeometry
from .layout_checks import check_layout
from .pdf import PT_PER_PX, PrintStyles, first_text
from .weasy import ProgressCallback, layout_key

#: The id of the empty element that ends a stretch, breaking as the next division does.
NEXT_ID = "bookify-next"
#: The id of the element that fills a lead page, which puts a stretch that starts on a verso
#: there.
LEAD_ID = "bookify-lead"


@dataclass(frozen=True, slots=True)
class StretchRequest:
    """Everything laying out one stretch needs, as plain data: it is sent to a worker process,
    and (with the files the layout reads) it keys the layout cache."""

    html: str
    #: The page, its margins set for the book's page count (the print gutter grows with it).
    geometry: PageGeometry
    styles: PrintStyles
    #: Stylesheets read as this text instead (the theme's, taught to print the page numbers of
    #: what the stretch cites elsewhere).
    rewritten: tuple[tuple[Path, str], ...]
    #: The stretch starts on a verso.
    lead: bool
    check: bool

    def key(self) -> str:
        return layout_key("stretch", self)

    def lay_out(self, progress: ProgressCallback | None = None,
                reads: dict[str, str] | None = None) -> StretchLayout:
        return lay_out_stretch(self, progress, reads)


@dataclass(frozen=True, slots=True)
class StretchPage:
    """One page of a laid-out stretch: what the furniture, the assembly, the EPUB's page list
    and the preview need to know of it."""

    anchors: tuple[str, ...]
    opening_anchor: str | None
    opening_text: str | None
    blank: bool
    #: `left` or `right`, as laid out.
    side: str
    #: WeasyPrint's page name and page groups (for `:nth(1 of essay)` in the furniture).
    name: str
    groups: tuple[tuple[str, int], ...]
    #: The `string-set` assignments made on the page, in order: the running heads.
    strings: tuple[tuple[str, str], ...]
    #: Bookmarks (level, label, (x, y) in CSS pixels, state), as WeasyPrint gathers them.
    bookmarks: tuple[tuple[int, str, tuple[float, float], str], ...]
    #: The page's height in CSS pixels (bookmarks are placed from the top).
    height: float
    #: The text area (left, top, width, height) in points from the page's top left corner.
    content: tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class StretchLayout:
    """A laid-out stretch: its pages as a PDF without furniture, and what is on each page."""

    pdf: bytes
    pages: tuple[StretchPage, ...]
    #: The layout's findings; page numbers in messages are `page_token(i)` (i counted from the
    #: stretch's first page) until the book is assembled and the folios are known.
    diagnostics: tuple[Diagnostic, ...] = ()
    #: The next division began on a page of its own. When it did not (a theme that runs
    #: divisions on), the stretch cannot stand alone and the edition is laid out whole.
    clean_break: bool = True


def page_token(index: int) -> str:
    """Stands for the folio of a stretch's page `index` in a message, until it is known."""
    return f"\x00page {index}\x00"


PAGE_TOKEN = re.compile("\x00page (\\d+)\x00")


def lay_out_stretch(request: StretchRequest, progress: ProgressCallback | None = None,
                    reads: dict[str, str] | None = None) -> StretchLayout:
    """Lay out a stretch of the book with WeasyPrint, without its page furniture."""
    scratch = Diagnostics()
    document = request.styles.render(request.html, request.geometry.css(), scratch, progress,
                                     rewritten=dict(request.rewritten), reads=reads,
                                     margin_boxes=False)
    start = 1 if request.lead else 0
    end = next((i for i, page in enumerate(document.pages) if NEXT_ID in page.anchors), None)
    clean_break = end is None or (
        first_text(document.pages[end]._page_box, None) is None
        and set(document.pages[end].anchors) == {NEXT_ID})
    end = len(document.pages) if end is None else end
    document.pages[:] = document.pages[start:max(end, start + 1)]
    if request.check:
        check_layout(document, page_token, request.styles.base_url, scratch)
    pages = tuple(_stretch_page(page) for page in document.pages)
    _keep_links_to_other_stretches(document)
    output = io.BytesIO()
    document.write_pdf(output)
    return StretchLayout(output.getvalue(), pages, tuple(scratch.items), clean_break)


def _stretch_page(page: Page) -> StretchPage:
    box = page._page_box
    found = first_text(box, None)
    content = (box.margin_left * PT_PER_PX, box.margin_top * PT_PER_PX,
               (page.width - box.margin_left - box.margin_right) * PT_PER_PX,
               (page.height - box.margin_top - box.margin_bottom) * PT_PER_PX)
    strings: list[tuple[str, str]] = []
    for child in box.descendants():
        if isinstance(child, boxes.MarginBox):
            continue
        assigned = getattr(child, "string_set", None)
        if assigned and assigned != "none":
            strings.extend((name, text) for name, text in assigned)
    page_type = box.page_type
    return StretchPage(
        anchors=tuple(page.anchors),
        opening_anchor=found[0] if found else None,
        opening_text=" ".join(found[1].split()) if found else None,
        blank=bool(page_type.blank),
        side=page_type.side,
        name=page_type.name or "",
        groups=tuple((name, index) for name, index in page_type.groups),
        strings=tuple(strings),
        bookmarks=tuple((level, label, (float(x), float(y)), state)
                        for level, label, (x, y), state in page.bookmarks),
        height=page.height,
        content=tuple(round(value, 2) for value in content),
    )


def _keep_links_to_other_stretches(document: Document) -> None:
    """WeasyPrint drops a link to an anchor its document lacks; give each such anchor a stand-in
    (on the last page, never used: the assembled book's destinations replace the stretch's), so
    the link is written and finds its target in the book."""
    anchors = {name for page in document.pages for name in page.anchors}
    wanted = {target for page in document.pages for kind, target, _rect, _box in page.links
              if kind == "internal" and target not in anchors}
    if document.pages:
        for name in sorted(wanted):
            document.pages[-1].anchors[name] = (0, 0, 0, 0)

