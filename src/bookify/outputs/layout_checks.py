"""Proofreading the laid-out pages: what CSS cannot promise, checked on WeasyPrint's real boxes.

A printer rejects (or prints badly) an image under 300 dpi at its printed size, and WeasyPrint has
open bugs that can set a footnote on another page than its call; both can only be seen after
layout, so they are reported as warnings with the page they are on (and the preview lists them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from weasyprint.formatting_structure import boxes
from weasyprint.images import RasterImage

from ..diagnostics import Diagnostics
from ..errors import Location
from .pdf import PrintLayout

#: The resolution printers ask for, in dots per inch at the printed size.
PRINT_DPI = 300
#: CSS pixels per inch (WeasyPrint's box sizes are in CSS pixels).
_CSS_PX_PER_INCH = 96


def check_layout(layout: PrintLayout, project_root: Path, diagnostics: Diagnostics) -> None:
    """Warn about low-resolution images and footnotes set apart from their calls."""
    reported: set[str] = set()
    calls: dict[str, int] = {}
    notes: dict[str, int] = {}
    for index, page in enumerate(layout.document.pages):
        for box in _walk(page._page_box):
            if isinstance(box, boxes.ReplacedBox) and isinstance(box.replacement, RasterImage):
                _check_image(box, layout.label(index), project_root, diagnostics, reported)
            element = getattr(box, "element", None)
            if (getattr(box, "element_tag", "") or "").endswith("::footnote-call") and (
                    element is not None and element.get("id")):
                calls.setdefault(element.get("id"), index)
        for area in page._page_box.children:
            if isinstance(area, boxes.FootnoteAreaBox):
                for note in area.children:
                    element = getattr(note, "element", None)
                    if element is not None and element.get("id"):
                        notes.setdefault(element.get("id"), index)
    for note_id, call_page in calls.items():
        note_page = notes.get(note_id)
        if note_page is not None and note_page != call_page:
            essay, _, number = note_id.partition("--fn-")
            diagnostics.warn(
                f"footnote {number or note_id} of '{essay}' is printed on page "
                f"{layout.label(note_page)}, but its call is on page {layout.label(call_page)}",
                hint="a WeasyPrint limitation; rewording the sentence around the call, or "
                "[print] notes = \"endnotes\", avoids it",
            )


def _walk(box: boxes.Box) -> Iterator[boxes.Box]:
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _walk(child)


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
