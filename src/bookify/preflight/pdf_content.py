"""What is printed on a PDF page, as a preflight measures it: the glyphs (where each sits and at
what size) and the placed images (where, at what resolution, in which colour space).

PDFium (pypdfium2, already bookify's rasteriser) reads the page as a printer's RIP would: each
character's box and its effective size (the font size times the text and page matrices, so a
WeasyPrint page drawn in CSS pixels under a 0.75 scale reads in points), and each image's
effective resolution at the size it is placed.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points, y upwards

#: PDFium's names for image colour spaces (FPDF_COLORSPACE_*).
COLOUR_SPACES = {1: "DeviceGray", 2: "DeviceRGB", 3: "DeviceCMYK", 4: "CalGray", 5: "CalRGB",
                 6: "Lab", 7: "ICCBased", 8: "Separation", 9: "DeviceN", 10: "Indexed",
                 11: "Pattern"}


@dataclass(frozen=True, slots=True)
class Glyph:
    char: str
    box: Box
    size: float


@dataclass(frozen=True, slots=True)
class PlacedImage:
    box: Box
    pixels: tuple[int, int]
    dpi: float
    colour_space: str


def glyphs(page: pdfium.PdfPage) -> Iterator[Glyph]:
    """The page's printed characters (not the spaces and line ends PDFium infers)."""
    text = page.get_textpage()
    try:
        for index in range(text.count_chars()):
            if pdfium_c.FPDFText_IsGenerated(text.raw, index) == 1:
                continue
            char = chr(pdfium_c.FPDFText_GetUnicode(text.raw, index) or 32)
            if char.isspace():
                continue
            matrix = pdfium_c.FS_MATRIX()
            pdfium_c.FPDFText_GetMatrix(text.raw, index, ctypes.byref(matrix))
            size = pdfium_c.FPDFText_GetFontSize(text.raw, index) * (matrix.c**2 + matrix.d**2) ** 0.5
            left, bottom, right, top = text.get_charbox(index)
            yield Glyph(char, (left, bottom, right, top), size)
    finally:
        text.close()


def images(page: pdfium.PdfPage) -> Iterator[PlacedImage]:
    """The page's images, with the resolution they print at (the lower of the two axes)."""
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=8):
        meta = obj.get_metadata()
        dpi = min(meta.horizontal_dpi, meta.vertical_dpi)
        yield PlacedImage(tuple(obj.get_bounds()), (meta.width, meta.height), float(dpi),
                          COLOUR_SPACES.get(meta.colorspace, "unknown"))


def extent(boxes: list[Box]) -> Box | None:
    """The smallest box holding every one of `boxes`."""
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]
