"""The print edition's file as its printer takes it: no annotations, trim and bleed boxes, no
bookmarks or metadata for KDP, and crop marks outside the bleed for an offset printer."""

from __future__ import annotations

import io

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, OutlineItem

from bookify.config import TrimSize
from bookify.geometry import BLEED_PT, page_geometry
from bookify.outputs.print_file import MARK_OFFSET_PT, SLUG_PT, finish_print_file
from bookify.printers import PRINTERS

SIX_BY_NINE = TrimSize(6, 9, "in")
THEME = {"margin_top": "0.8in", "margin_bottom": "0.8in", "margin_inside": "0.7in",
         "margin_outside": "0.6in"}


def _book(geometry, pages: int = 2) -> bytes:
    """A PDF of `pages` pages of the geometry's size, with a link, an outline and metadata."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(geometry.width_pt, geometry.height_pt))
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 10, 10])))])
    with pdf.open_outline() as outline:
        outline.root.append(OutlineItem("An essay", 0))
    pdf.docinfo.Title = "A Book"
    output = io.BytesIO()
    pdf.save(output)
    return output.getvalue()


def _geometry(printer: str, bleed: bool, crop_marks: bool = False):
    return page_geometry(SIX_BY_NINE, THEME, printer=printer, bleed=bleed, crop_marks=crop_marks,
                         gutter="auto", pages=100)


def test_a_kdp_file_has_no_annotations_bookmarks_or_metadata() -> None:
    geometry = _geometry("kdp", bleed=True)
    data = finish_print_file(_book(geometry), geometry, PRINTERS["kdp"], crop_marks=False)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert all("/Annots" not in page.obj for page in pdf.pages)
        assert "/Outlines" not in pdf.Root and "/Info" not in pdf.trailer
        recto, verso = pdf.pages
        assert [float(v) for v in recto.obj.TrimBox] == [0, BLEED_PT, 432, 648 + BLEED_PT]
        assert [float(v) for v in verso.obj.TrimBox] == [BLEED_PT, BLEED_PT, 432 + BLEED_PT,
                                                        648 + BLEED_PT]
        assert [float(v) for v in recto.obj.BleedBox] == [float(v) for v in recto.obj.MediaBox]


@pytest.mark.parametrize("printer", ["ingramspark", "lulu", "generic"])
def test_other_printers_keep_bookmarks_and_metadata(printer: str) -> None:
    geometry = _geometry(printer, bleed=False)
    data = finish_print_file(_book(geometry), geometry, PRINTERS[printer], crop_marks=False)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/Outlines" in pdf.Root and str(pdf.docinfo.Title) == "A Book"
        assert all("/Annots" not in page.obj for page in pdf.pages)
        for page in pdf.pages:  # no bleed: the page is the trim
            if printer == "ingramspark":  # which PDF/X asks to be said on every page
                assert [float(v) for v in page.obj.TrimBox] == [float(v) for v in page.MediaBox]
            else:
                assert "/TrimBox" not in page.obj


def test_crop_marks_sit_outside_the_bleed_at_every_corner() -> None:
    geometry = _geometry("offset", bleed=True, crop_marks=True)
    data = finish_print_file(_book(geometry, pages=1), geometry, PRINTERS["offset"],
                             crop_marks=True)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        x0, y0, x1, y1 = (float(v) for v in page.obj.TrimBox)
        assert (x0, y0, x1, y1) == (BLEED_PT, BLEED_PT, 432 + BLEED_PT, 648 + BLEED_PT)
        assert [float(v) for v in page.obj.BleedBox] == [0, 0, 432 + 2 * BLEED_PT,
                                                         648 + 2 * BLEED_PT]
        assert [float(v) for v in page.obj.MediaBox] == [x0 - SLUG_PT, y0 - SLUG_PT,
                                                         x1 + SLUG_PT, y1 + SLUG_PT]
        strokes = []
        for operands, operator in pikepdf.parse_content_stream(page):
            if operator == pikepdf.Operator("m"):
                start = [float(v) for v in operands]
            elif operator == pikepdf.Operator("l"):
                strokes.append((start, [float(v) for v in operands]))
        assert len(strokes) == 8  # two at each corner of the trim
        for (ax, ay), (bx, by) in strokes:
            # each mark lies on a trim line, beyond the bleed
            on_trim_line = (ay == by and ay in (y0, y1)) or (ax == bx and ax in (x0, x1))
            outside_bleed = all(
                x <= x0 - MARK_OFFSET_PT + 1e-6 or x >= x1 + MARK_OFFSET_PT - 1e-6
                or y <= y0 - MARK_OFFSET_PT + 1e-6 or y >= y1 + MARK_OFFSET_PT - 1e-6
                for x, y in ((ax, ay), (bx, by)))
            assert on_trim_line and outside_bleed
            assert MARK_OFFSET_PT > BLEED_PT


def test_the_same_file_gives_the_same_bytes() -> None:
    geometry = _geometry("offset", bleed=True, crop_marks=True)
    book = _book(geometry)
    assert (finish_print_file(book, geometry, PRINTERS["offset"], True)
            == finish_print_file(book, geometry, PRINTERS["offset"], True))
