"""Preflight of the cover wrap's PDF: its size against the interior it wraps, the spine's text
against the printer's page minimum, the barcode area left clear, and its fonts embedded.

The wrap's geometry comes from `outputs/cover_wrap.py` (the same `cover_wrap_for` the build
uses), for the page count read from the print edition as it is now: a cover made before the
interior grew by a signature is the classic rejected upload.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2 as pdfium

from ..config import PrintSection
from ..outputs.cover_wrap import CoverWrap, Rect, cover_wrap_for
from ..printers import printer_rules
from .findings import CheckReport, Finding
from .pdf_content import Box, glyphs, images, overlaps
from .print_pdf import TOLERANCE_PT, _PageFindings, check_fonts, check_pdf_standard, inches

REBUILD = "rebuild with bookify build, which sizes the cover from the interior's page count"


def check_cover_pdf(path: Path, settings: PrintSection, report: CheckReport,
                    pages: int | None) -> None:
    """Check the cover wrap at `path` against a print edition of `pages` pages (None: the
    interior is not there to compare with, so only what the wrap says of itself is checked)."""
    with pikepdf.open(path) as pdf:
        if len(pdf.pages) != 1:
            report.add(Finding("error", "cover-pages", path,
                               f"the cover has {len(pdf.pages)} pages; a printer takes the "
                               "back, spine and front as one page", REBUILD))
            return
        media = [float(v) for v in pdf.pages[0].obj.MediaBox]
        trim = pdf.pages[0].obj.get("/TrimBox")
        trim = [float(v) for v in trim] if trim is not None else None
        fonts = _PageFindings(report, path)
        check_fonts(pdf.pages[0], 0, fonts)
        fonts.close()
        check_pdf_standard(pdf, path, printer_rules(settings.printer), report)
    if pages is None:
        report.add(Finding("notice", "cover-size", path,
                           "no print edition beside the cover: its spine was not checked "
                           "against the page count", "build the print edition too"))
        return
    wrap = cover_wrap_for(settings, pages)
    width, height = media[2] - media[0], media[3] - media[1]
    if abs(width - wrap.media_width) > TOLERANCE_PT or abs(height - wrap.media_height) > TOLERANCE_PT:
        report.add(Finding(
            "error", "cover-size", path,
            f"the cover is {inches(width)} × {inches(height)} in; for the {pages}-page interior on "
            f"{settings.paper} paper it must be {inches(wrap.media_width)} × "
            f"{inches(wrap.media_height)} in (spine {inches(wrap.spine_width)} in, bleed included)"
            + _made_for(width, wrap, settings), REBUILD, 1))
        return
    expected_trim = (media[0] + wrap.bleed, media[1] + wrap.bleed,
                     media[2] - wrap.bleed, media[3] - wrap.bleed)
    if trim is None or any(abs(a - b) > TOLERANCE_PT for a, b in zip(trim, expected_trim)):
        report.add(Finding("error", "cover-trim-box", path,
                           "the cover's TrimBox is not the wrap without its 0.125 in bleed",
                           REBUILD, 1))
    document = pdfium.PdfDocument(path)
    try:
        page = document[0]
        printed = list(glyphs(page))
        placed = list(images(page))
        page.close()
    finally:
        document.close()
    _check_spine(path, wrap, media, printed, report)
    if wrap.rules.prints_barcode:
        _check_barcode(path, wrap, media, printed, placed, report)


def _pdf_box(rect: Rect, wrap: CoverWrap, media: list[float]) -> Box:
    """A rectangle of the wrap (from its trimmed top left, y down) in PDF coordinates."""
    left, top = media[0] + wrap.bleed, media[3] - wrap.bleed
    return (left + rect.x, top - rect.bottom, left + rect.right, top - rect.y)


def _check_spine(path: Path, wrap: CoverWrap, media: list[float], printed, report) -> None:
    spine = _pdf_box(wrap.spine, wrap, media)
    on_spine = [g for g in printed
                if spine[0] <= (g.box[0] + g.box[2]) / 2 <= spine[2]
                and spine[1] <= (g.box[1] + g.box[3]) / 2 <= spine[3]]
    if not on_spine:
        return
    rules = wrap.rules
    if wrap.page_count < rules.spine_text_min_pages:
        report.add(Finding(
            "error", "spine-text", path,
            f"text on the spine of a {wrap.page_count}-page book; {rules.name} allows spine "
            f"text from {rules.spine_text_min_pages} pages",
            "leave the spine plain (bookify build does so below the minimum)", 1))
        return
    safe = _pdf_box(wrap.spine_safe_area, wrap, media)
    if any(g.box[0] < safe[0] - TOLERANCE_PT or g.box[2] > safe[2] + TOLERANCE_PT
           for g in on_spine):
        report.add(Finding(
            "error", "spine-text", path,
            f"spine text closer than {inches(wrap.fold_clearance)} in to a fold; the binding "
            "may shift it onto the front or back", REBUILD, 1))


def _check_barcode(path: Path, wrap: CoverWrap, media: list[float], printed, placed,
                   report) -> None:
    barcode = _pdf_box(wrap.barcode, wrap, media)
    back = _pdf_box(wrap.back, wrap, media)
    text = "".join(g.char for g in printed if overlaps(g.box, barcode))
    covering = [image for image in placed if overlaps(image.box, barcode)
                and not (image.box[0] <= back[0] and image.box[2] >= back[2])]
    if text or covering:
        what = f"text (“{text[:30]}”)" if text else "an image"
        report.add(Finding(
            "error", "barcode-area", path,
            f"{what} in the barcode area (2 × 1.2 in at the bottom right of the back cover), "
            f"where {wrap.rules.name} prints the ISBN barcode",
            "shorten the blurb (description) or move the back cover's art; "
            "styles/cover-wrap.css must leave that area empty", 1))


def _made_for(width: float, wrap: CoverWrap, settings: PrintSection) -> str:
    """`; it was made for about N pages` when the width fits a spine for another page count."""
    if wrap.spine_from_config:
        return ""
    caliper = wrap.rules.calipers.get(settings.paper)
    spine = width - 2 * wrap.bleed - 2 * wrap.trim_width
    if not caliper or spine <= 0:
        return ""
    return f"; it was made for about {round(spine / 72 / caliper)} pages"
