"""Preflight of the print edition's PDF against its printer's rules (`printers.py`).

Everything is measured from the file as a printer receives it: the page and its boxes, what is
actually printed on each page (glyph extents against the minimum margins, the smallest type,
each image's resolution at its placed size, every font's program), and what the file carries
besides its pages (bookmarks, metadata, annotations, printer's marks).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium

from ..config import PrintSection
from ..geometry import PageGeometry
from ..outputs.cover_wrap import GOOD_IMAGE_DPI, MIN_IMAGE_DPI
from ..outputs.pdfx import PDFX_VERSION, pdfx_problems
from ..outputs.print_file import SLUG_PT
from ..printers import Printer, printer_rules
from .findings import CheckReport, Finding
from .pdf_content import Box, extent, glyphs, images

#: Type smaller than this is queried where the printer publishes no minimum (KDP requires
#: 7 pt, `Printer.min_type_pt`) …
SMALL_TYPE_PT = 7.0
#: … and smaller than this no reader can read in print: an error for every printer.
ILLEGIBLE_TYPE_PT = 5.0
#: How far a measured size may stray from the expected one (rounding in the file), in points.
TOLERANCE_PT = 0.5
#: At most this many pages are named one by one for a problem found on many pages.
PAGES_NAMED = 5


class _PageFindings:
    """Findings of one kind found page after page: the first few are reported one by one,
    the rest summed up, so a book with its gutter too narrow is not a thousand lines."""

    def __init__(self, report: CheckReport, path: Path) -> None:
        self.report, self.path = report, path
        self.counts: dict[str, int] = {}
        self.last: dict[str, Finding] = {}

    def add(self, severity: str, check: str, page: int, message: str, fix: str) -> None:
        count = self.counts.get(check, 0) + 1
        self.counts[check] = count
        if count <= PAGES_NAMED:
            self.report.add(Finding(severity, check, self.path, message, fix, page))
        self.last[check] = Finding(severity, check, self.path, "", fix, page)

    def close(self) -> None:
        for check, count in self.counts.items():
            if count > PAGES_NAMED:
                last = self.last[check]
                self.report.add(Finding(
                    last.severity, check, self.path,
                    f"the same on {count - PAGES_NAMED} more pages (the last is page {last.page})",
                    last.fix, last.page))


def expected_geometry(settings: PrintSection) -> PageGeometry:
    """The page `[print]` asks for (margins aside), from the same geometry the build uses."""
    rules = printer_rules(settings.printer)
    return PageGeometry(trim=settings.trim, bleed=settings.bleed, top=0.0, bottom=0.0,
                        inside=0.0, outside=0.0, crop_marks=settings.crop_marks,
                        spine_bleed=rules.spine_bleed)


def check_print_pdf(path: Path, settings: PrintSection, report: CheckReport,
                    openers: Sequence[tuple[str, str]] = ()) -> int:
    """Check the print edition at `path`; return its page count (the cover wrap's spine).

    `openers` are the (id, title) of the essays and parts that must open on a recto
    (`[print] recto_openers`): each is found by its named destination in the file.
    """
    rules = printer_rules(settings.printer)
    geometry = expected_geometry(settings)
    with pikepdf.open(path) as pdf:
        pages = len(pdf.pages)
        _check_file_level(pdf, path, rules, report)
        check_pdf_standard(pdf, path, rules, report)
        _check_openers(pdf, path, openers, report)
        per_page = _PageFindings(report, path)
        for index, page in enumerate(pdf.pages):
            _check_boxes(page, index, geometry, rules, settings, per_page)
            check_fonts(page, index, per_page)
            if "/Annots" in page.obj and len(page.obj.Annots):
                per_page.add(
                    "warning" if rules.annotations else "error", "annotations", index + 1,
                    f"{len(page.obj.Annots)} annotation(s) (links or comments) on the page; "
                    f"{rules.name}'s preflight flags them",
                    "rebuild the print edition with bookify build, which drops annotations")
    document = pdfium.PdfDocument(path)
    try:
        last_page_printed = _check_content(document, geometry, rules, settings, pages, per_page)
    finally:
        document.close()
    per_page.close()
    _check_page_count(path, pages, rules, last_page_printed, report)
    return pages


def _check_file_level(pdf: pikepdf.Pdf, path: Path, rules: Printer, report: CheckReport) -> None:
    outlines = pdf.Root.get("/Outlines")
    if not rules.outline and outlines is not None and "/First" in outlines:
        report.add(Finding(
            "error", "outline", path,
            f"the file has bookmarks (a PDF outline); {rules.name} asks for a print file "
            "without bookmarks", "rebuild with bookify build (it leaves the outline out of a "
            f"{rules.name} print file), or remove the bookmarks before uploading"))
    info = pdf.trailer.get("/Info")
    if not rules.metadata and ("/Metadata" in pdf.Root or (info is not None and len(info))):
        report.add(Finding(
            "error", "metadata", path,
            f"the file carries document metadata (title, author…); {rules.name} asks for a "
            "print file without metadata", "rebuild with bookify build, which leaves it out"))


def check_pdf_standard(pdf: pikepdf.Pdf, path: Path, rules: Printer,
                       report: CheckReport) -> None:
    """For a printer that asks for PDF/X: the output intent, the identification, colour in
    CMYK or grey only (no RGB text, fills or images), no transparency, a trim box on every
    page — what its preflight rejects, each with the fix (`outputs/pdfx.py`)."""
    if rules.pdf_standard != "pdf/x-1a":
        return
    found = _PageFindings(report, path)
    for page, problem in pdfx_problems(pdf):
        check, fix = _pdfx_fix(problem, rules)
        message = f"{problem}; {rules.name} asks for {PDFX_VERSION} in CMYK or grey"
        if page is None:
            report.add(Finding("error", check, path, message, fix))
        else:
            found.add("error", check, page, message, fix)
    found.close()


def _pdfx_fix(problem: str, rules: Printer) -> tuple[str, str]:
    """The check's name and its fix, for a PDF/X problem."""
    rebuild = (f"rebuild with bookify build, which writes {rules.name}'s files as "
               f"{PDFX_VERSION}: colours and pictures in CMYK or grey, the output intent added")
    if "transparen" in problem or "soft mask" in problem:
        return "transparency", ("remove `opacity` and semi-transparent colours (rgba(), "
                                "#rrggbbaa) from the print CSS, then " + rebuild)
    if "image" in problem:
        return "colour-space", ("export the picture in CMYK or greyscale, or " + rebuild)
    if "RGB" in problem or "LAB" in problem or "ICC" in problem or "gradient" in problem:
        return "colour-space", rebuild
    if "trim" in problem:
        return "pdfx-boxes", rebuild
    return "pdfx", rebuild


def _check_openers(pdf: pikepdf.Pdf, path: Path, openers: Sequence[tuple[str, str]],
                   report: CheckReport) -> None:
    """Every essay and part opens on a right-hand page (an odd page, as PDF pages count)."""
    if not openers or "/Names" not in pdf.Root or "/Dests" not in pdf.Root.Names:
        return
    destinations = pikepdf.NameTree(pdf.Root.Names.Dests)
    index_of = {page.objgen: index for index, page in enumerate(pdf.pages)}
    for name, title in openers:
        if name not in destinations:
            continue
        target = destinations[name]
        target = target.D if isinstance(target, pikepdf.Dictionary) else target
        index = index_of.get(target[0].objgen)
        if index is not None and index % 2 == 1:
            report.add(Finding(
                "error", "verso-opener", path,
                f"“{title}” opens on page {index + 1}, a left-hand page; the book opens every "
                "essay and part on a right-hand page ([print] recto_openers)",
                "look in styles/print.css for a rule that forces a page break (break-before: "
                "left or page, page-break-before) and remove it, then rebuild", index + 1))


def _check_boxes(page: pikepdf.Page, index: int, geometry: PageGeometry, rules: Printer,
                 settings: PrintSection, found: _PageFindings) -> None:
    number = index + 1
    media = [float(v) for v in page.obj.MediaBox]
    width, height = media[2] - media[0], media[3] - media[1]
    want = _page_size(geometry, settings.crop_marks)
    bleed = _bleed_words(settings, rules)
    if abs(width - want[0]) > TOLERANCE_PT or abs(height - want[1]) > TOLERANCE_PT:
        with_marks = _page_size(geometry, crop_marks=True)
        marks = (not rules.marks and abs(width - with_marks[0]) <= TOLERANCE_PT
                 and abs(height - with_marks[1]) <= TOLERANCE_PT)
        if marks:
            found.add("error", "crop-marks", number,
                      f"the page is {inches(width)} × {inches(height)} in, with room for printer's "
                      f"marks round the bleed; {rules.name} takes no crop or printer's marks",
                      "set crop_marks = false in [print] and rebuild")
        else:
            found.add("error", "page-size", number,
                      f"the page is {inches(width)} × {inches(height)} in; the trim {bleed} is "
                      f"{inches(want[0])} × {inches(want[1])} in",
                      "rebuild with bookify build after setting [print] trim and bleed to "
                      "what you chose at the printer")
        return
    trim = _box(page.obj, "/TrimBox", media)
    expected_trim = geometry.trim_box(recto=index % 2 == 0)
    if (abs(trim[2] - trim[0] - settings.trim.width_pt) > TOLERANCE_PT
            or abs(trim[3] - trim[1] - settings.trim.height_pt) > TOLERANCE_PT
            or any(abs(a - b) > TOLERANCE_PT for a, b in zip(trim, expected_trim))):
        found.add("error", "trim-box", number,
                  f"the TrimBox {_box_words(trim)} is not the {inches(settings.trim.width_pt)} × "
                  f"{inches(settings.trim.height_pt)} in trim at {_box_words(expected_trim)}",
                  "rebuild with bookify build; a tool that edited the file moved the trim")
    if settings.bleed:
        bleed_box = _box(page.obj, "/BleedBox", None)
        if bleed_box is None or (abs(bleed_box[2] - bleed_box[0] - geometry.width_pt) > TOLERANCE_PT
                                 or abs(bleed_box[3] - bleed_box[1] - geometry.height_pt)
                                 > TOLERANCE_PT):
            found.add("error", "bleed-box", number,
                      "no BleedBox the size of the trim and its bleed "
                      f"({inches(geometry.width_pt)} × {inches(geometry.height_pt)} in)",
                      "rebuild with bookify build, which sets the BleedBox")


def _page_size(geometry: PageGeometry, crop_marks: bool) -> tuple[float, float]:
    """The print file's page: the trim and its bleed, or with crop marks the trim and the slug
    round it that holds the marks (`outputs/print_file.py`)."""
    if crop_marks:
        return (geometry.trim.width_pt + 2 * SLUG_PT, geometry.trim.height_pt + 2 * SLUG_PT)
    return (geometry.width_pt, geometry.height_pt)


def check_fonts(page: pikepdf.Page, index: int, found: _PageFindings) -> None:
    """Every font the page uses carries its program (a Type 3 font draws its own glyphs)."""
    for name, font in _fonts(page.obj.get("/Resources")):
        if font.get("/Subtype") == "/Type3":
            continue  # glyphs drawn by the file itself
        descriptor = font.get("/FontDescriptor")
        if font.get("/Subtype") == "/Type0":
            descendants = font.get("/DescendantFonts")
            descriptor = descendants[0].get("/FontDescriptor") if descendants else None
        if descriptor is None or not any(key in descriptor
                                         for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            base = str(font.get("/BaseFont", name)).lstrip("/")
            found.add("error", "font-embedded", index + 1,
                      f"the font {base} is not embedded; the printer would substitute another",
                      "rebuild with bookify build (it embeds every font); if this file was "
                      "edited elsewhere, export it with all fonts embedded")


def _fonts(resources, seen: set | None = None):
    """(name, font) of every font a page's resources use, forms included."""
    seen = set() if seen is None else seen
    if resources is None:
        return
    for name, font in (resources.get("/Font") or {}).items():
        key = font.objgen
        if key == (0, 0) or key not in seen:
            seen.add(key)
            yield name, font
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            yield from _fonts(xobject.get("/Resources"), seen)


def _check_content(document: pdfium.PdfDocument, geometry: PageGeometry, rules: Printer,
                   settings: PrintSection, pages: int, found: _PageFindings) -> bool:
    """Margins, type sizes and image resolution, page by page; return whether the last page
    has anything printed on it."""
    inside_min = rules.minimum_gutter_in(pages) * 72
    edge_min = (rules.min_edge_bleed_in if settings.bleed else rules.min_edge_in) * 72
    printed = False
    for index in range(len(document)):
        page = document[index]
        try:
            trim = geometry.trim_box(recto=index % 2 == 0)
            page_glyphs = list(glyphs(page))
            placed = list(images(page))
        finally:
            page.close()
        printed = bool(page_glyphs or placed)
        box = extent([g.box for g in page_glyphs])
        if box is not None:
            _check_margins(box, trim, index, inside_min, edge_min, rules, found)
            smallest = min(page_glyphs, key=lambda g: g.size)
            least = rules.min_type_pt or SMALL_TYPE_PT
            if smallest.size < least - 0.05:
                refused = smallest.size < ILLEGIBLE_TYPE_PT or bool(rules.min_type_pt)
                wants = (f"{rules.name} requires {least:g} pt at least" if rules.min_type_pt
                         else f"print wants {least:g} pt at least")
                found.add("error" if refused else "warning", "type-size", index + 1,
                          f"type set at {smallest.size:.1f} pt (“{smallest.char}”); {wants}",
                          "set the footnotes, captions or small type larger in the theme's "
                          "stylesheet (styles/print.css)")
        for image in placed:
            if image.dpi < GOOD_IMAGE_DPI:
                low = image.dpi < MIN_IMAGE_DPI
                needed = image.pixels[0] * GOOD_IMAGE_DPI / max(image.dpi, 1)
                found.add("error" if low else "warning", "image-resolution", index + 1,
                          f"an image of {image.pixels[0]}×{image.pixels[1]} px prints at "
                          f"{image.dpi:.0f} dpi; printers want {GOOD_IMAGE_DPI} dpi "
                          f"(under {MIN_IMAGE_DPI} it prints blurred)",
                          f"use a picture at least {needed:.0f} px wide, or print it smaller")
    return printed


def _check_margins(box: Box, trim: Box, index: int, inside_min: float, edge_min: float,
                   rules: Printer, found: _PageFindings) -> None:
    recto = index % 2 == 0
    left, right = box[0] - trim[0], trim[2] - box[2]
    inside, outside = (left, right) if recto else (right, left)
    room = {"inside": (inside, inside_min), "outside": (outside, edge_min),
            "top": (trim[3] - box[3], edge_min), "bottom": (box[1] - trim[1], edge_min)}
    for side, (measured, least) in room.items():
        if measured < least - TOLERANCE_PT:
            found.add("error", "margins", index + 1,
                      f"text {inches(max(measured, 0.0))} in from the trim at the {side} edge; "
                      f"{rules.name} needs {inches(least)} in (running heads and folios count)",
                      "widen the margin in [print] (gutter) or the theme's margin variables, "
                      "or take the text that strays back inside them")


def _check_page_count(path: Path, pages: int, rules: Printer, last_printed: bool,
                      report: CheckReport) -> None:
    if pages < rules.min_pages or (rules.max_pages is not None and pages > rules.max_pages):
        limit = (f"{rules.min_pages}–{rules.max_pages}" if rules.max_pages is not None
                 else f"at least {rules.min_pages}")
        report.add(Finding(
            "error", "page-count", path,
            f"{pages} pages; {rules.name} binds a paperback of {limit} pages",
            "add or remove pages (essays, back matter), or choose another [print] printer"))
    if pages % 2:
        report.add(Finding(
            "warning", "page-parity", path,
            f"{pages} pages, an odd number; the printer will add a blank page at the end",
            "rebuild with bookify build, which makes the page count even", pages))
    if rules.blank_last_page and last_printed:
        report.add(Finding(
            "error", "blank-last-page", path,
            f"the last page has something printed on it; {rules.name} wants the last page "
            "blank (and adds one otherwise)",
            "rebuild with bookify build, which ends the book on a blank page", pages))


def _box(obj: pikepdf.Dictionary, key: str, default):
    value = obj.get(key)
    return default if value is None else [float(v) for v in value]


def _bleed_words(settings: PrintSection, rules: Printer) -> str:
    if not settings.bleed:
        return "without bleed" + (" with crop marks" if settings.crop_marks else "")
    edges = "every edge" if rules.spine_bleed else "the top, bottom and outside edges"
    return f"with 0.125 in bleed on {edges}" + (" and crop marks" if settings.crop_marks else "")


def inches(points: float) -> str:
    """Points as inches in words: 0.375, 5.5."""
    return f"{points / 72:.3f}".rstrip("0").rstrip(".")


def _box_words(box) -> str:
    return "[" + " ".join(f"{v:.1f}" for v in box) + "]"
