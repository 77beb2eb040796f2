"""Finishing the print edition's PDF as its printer takes it.

The print edition is laid out like any other; what makes its file an upload a printer accepts is
done here, from the printer's rules (`printers.py`): nothing to click (printers' preflight flags
annotations), the trim and bleed boxes, no outline or document metadata where the printer asks
for none (KDP), and crop marks where they are wanted (a house offset printer's proof).

Crop marks are drawn here rather than by WeasyPrint's `marks: crop`, which puts them inside a
bleed added on all four sides: a printer's marks sit outside the bleed, in a slug around it, and
the bleed stays on the edges the printer trims.
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array

from ..geometry import BLEED_PT, PageGeometry
from ..printers import COLOUR_PAPERS, Printer
from .pdfx import ColourPlan, make_pdfx, save_options

#: Crop marks start this far outside the trim (clear of the bleed) and are this long, in points.
MARK_OFFSET_PT = BLEED_PT + 3.0
MARK_LENGTH_PT = 18.0
MARK_WIDTH_PT = 0.25
#: The slug around the trim that holds the marks.
SLUG_PT = MARK_OFFSET_PT + MARK_LENGTH_PT + 3.0


def finish_print_pdf(pdf: pikepdf.Pdf, geometry: PageGeometry | None, printer: Printer,
                     crop_marks: bool, paper: str = "cream") -> None:
    """Make `pdf` (the print edition, its pages in book order) the file `printer` takes: for
    a printer that asks for PDF/X, in black ink alone on a black-and-white `paper`, in CMYK
    on a colour one."""
    for index, page in enumerate(pdf.pages):
        if "/Annots" in page.obj:
            del page.obj["/Annots"]
        if geometry is None:
            continue
        trim = geometry.trim_box(recto=index % 2 == 0)
        if geometry.bleed_pt or crop_marks:
            page.obj.BleedBox = Array(_box(page.obj.MediaBox))
            page.obj.TrimBox = Array(trim)
        if crop_marks:
            _draw_crop_marks(pdf, page, trim)
    if not printer.outline:
        for key in ("/Outlines", "/PageMode"):
            if key in pdf.Root:
                del pdf.Root[key]
    if not printer.metadata:
        if "/Metadata" in pdf.Root:
            del pdf.Root["/Metadata"]
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
    if printer.pdf_standard == "pdf/x-1a":
        if geometry is not None and not (geometry.bleed_pt or crop_marks):
            for index, page in enumerate(pdf.pages):  # PDF/X wants the trim on every page
                page.obj.TrimBox = Array(geometry.trim_box(recto=index % 2 == 0))
        make_pdfx(pdf, ColourPlan(black_only=paper not in COLOUR_PAPERS),
                  title="Interior", date=None)


def finish_print_file(data: bytes, geometry: PageGeometry | None, printer: Printer,
                      crop_marks: bool, paper: str = "cream") -> bytes:
    """`finish_print_pdf` for a PDF given as bytes; the same bytes for the same input."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        finish_print_pdf(pdf, geometry, printer, crop_marks, paper)
        output = io.BytesIO()
        pdf.save(output, **save_options(pdf, pdf.pdf_version))
    return output.getvalue()


def _box(value: Array) -> list[float]:
    return [float(v) for v in value]


def _draw_crop_marks(pdf: pikepdf.Pdf, page: pikepdf.Page,
                     trim: tuple[float, float, float, float]) -> None:
    """Widen the page by the slug on every side (the trim stays where it is, so the page's
    content is untouched) and draw a pair of marks at each corner of the trim."""
    x0, y0, x1, y1 = trim
    page.obj.MediaBox = Array([x0 - SLUG_PT, y0 - SLUG_PT, x1 + SLUG_PT, y1 + SLUG_PT])
    if "/CropBox" in page.obj:
        del page.obj["/CropBox"]
    near, far = MARK_OFFSET_PT, MARK_OFFSET_PT + MARK_LENGTH_PT
    lines = []
    for x, y, sx, sy in ((x0, y0, -1, -1), (x1, y0, 1, -1), (x0, y1, -1, 1), (x1, y1, 1, 1)):
        lines.append(f"{x + sx * near:.3f} {y:.3f} m {x + sx * far:.3f} {y:.3f} l S")
        lines.append(f"{x:.3f} {y + sy * near:.3f} m {x:.3f} {y + sy * far:.3f} l S")
    marks = f"q {MARK_WIDTH_PT} w 0 G [] 0 d\n" + "\n".join(lines) + "\nQ\n"
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"Q\n" + marks.encode("ascii"))
