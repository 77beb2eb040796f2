"""The printed page's geometry: trims, bleed, and the printers' margin rules."""

from __future__ import annotations

import pytest

from bookify.config import TrimSize
from bookify.geometry import BLEED_PT, minimum_gutter_pt, page_geometry

THEME = {"margin_top": "0.7in", "margin_bottom": "0.75in", "margin_inside": "0.5in",
         "margin_outside": "0.6in"}
SIX_BY_NINE = TrimSize.parse("6x9")


@pytest.mark.parametrize(("pages", "inches"), [
    (24, 0.375), (150, 0.375), (151, 0.5), (300, 0.5), (301, 0.625), (500, 0.625), (501, 0.75),
    (700, 0.75), (701, 0.875), (828, 0.875),
])
def test_kdp_gutter_grows_with_the_page_count(pages: int, inches: float) -> None:
    assert minimum_gutter_pt("kdp", pages) == pytest.approx(inches * 72)


def test_ingramspark_wants_half_an_inch_everywhere() -> None:
    geometry = page_geometry(SIX_BY_NINE, {**THEME, "margin_outside": "0.3in"}, printer="ingramspark",
                             bleed=False, crop_marks=False, gutter="auto", pages=100)
    assert geometry.inside >= 36 and geometry.outside >= 36


def test_auto_gutter_takes_the_theme_margin_until_the_book_is_too_thick() -> None:
    thin = page_geometry(SIX_BY_NINE, THEME, printer="kdp", bleed=False, crop_marks=False,
                         gutter="auto", pages=120)
    thick = page_geometry(SIX_BY_NINE, THEME, printer="kdp", bleed=False, crop_marks=False,
                          gutter="auto", pages=620)
    assert thin.inside == pytest.approx(0.5 * 72)
    assert thick.inside == pytest.approx(0.75 * 72)


def test_a_fixed_gutter_is_kept() -> None:
    geometry = page_geometry(SIX_BY_NINE, THEME, printer="kdp", bleed=False, crop_marks=False,
                             gutter="1in", pages=800)
    assert geometry.inside == 72


def test_without_bleed_the_page_is_the_trim() -> None:
    geometry = page_geometry(SIX_BY_NINE, THEME, printer="kdp", bleed=False, crop_marks=False,
                             gutter="auto", pages=100)
    assert (geometry.width_pt, geometry.height_pt) == (432, 648)
    assert geometry.trim_box(recto=True) == (0, 0, 432, 648)


def test_bleed_adds_an_eighth_inch_outside_top_and_bottom_but_not_at_the_spine() -> None:
    geometry = page_geometry(SIX_BY_NINE, THEME, printer="kdp", bleed=True, crop_marks=False,
                             gutter="auto", pages=100)
    assert (geometry.width_pt, geometry.height_pt) == (432 + BLEED_PT, 648 + 2 * BLEED_PT)
    assert geometry.trim_box(recto=True) == (0, BLEED_PT, 432, 648 + BLEED_PT)
    assert geometry.trim_box(recto=False) == (BLEED_PT, BLEED_PT, 432 + BLEED_PT, 648 + BLEED_PT)
    css = geometry.css()
    # The text block keeps its place on the trimmed page: the outside margin grows by the bleed.
    assert f"margin-right: {geometry.outside + BLEED_PT:.3f}pt" in css
    assert f"margin-left: {geometry.inside:.3f}pt" in css


def test_margins_never_fall_below_the_printers_minimum() -> None:
    tight = {**THEME, "margin_top": "0.1in", "margin_outside": "0.1in"}
    geometry = page_geometry(SIX_BY_NINE, tight, printer="kdp", bleed=True, crop_marks=False,
                             gutter="auto", pages=100)
    assert geometry.outside >= 0.375 * 72
    assert geometry.top > 0.375 * 72  # and room for the running head above the text


def test_crop_marks_leave_the_page_as_it_is() -> None:
    """The marks are drawn outside the trim and bleed when the file is finished
    (outputs/print_file.py): the page laid out is the same."""
    plain = page_geometry(SIX_BY_NINE, THEME, printer="offset", bleed=True, crop_marks=False,
                          gutter="auto", pages=100)
    marked = page_geometry(SIX_BY_NINE, THEME, printer="offset", bleed=True, crop_marks=True,
                           gutter="auto", pages=100)
    assert marked.css() == plain.css() and "marks" not in marked.css()


def test_a_printer_that_trims_four_edges_has_bleed_at_the_spine_too() -> None:
    """Lulu and an offset printer trim every edge: 0.25 in more in both directions, the trim
    centred; KDP's bleed is on the three outer edges only."""
    lulu = page_geometry(SIX_BY_NINE, THEME, printer="lulu", bleed=True, crop_marks=False,
                         gutter="auto", pages=100)
    assert (lulu.width_pt, lulu.height_pt) == (432 + 2 * BLEED_PT, 648 + 2 * BLEED_PT)
    assert lulu.trim_box(recto=True) == lulu.trim_box(recto=False) == (
        BLEED_PT, BLEED_PT, 432 + BLEED_PT, 648 + BLEED_PT)
    assert f"margin-left: {lulu.inside + BLEED_PT:.3f}pt" in lulu.css()
    kdp = page_geometry(SIX_BY_NINE, THEME, printer="kdp", bleed=True, crop_marks=False,
                        gutter="auto", pages=100)
    assert kdp.width_pt == 432 + BLEED_PT


@pytest.mark.parametrize("printer, pages, inches", [
    ("ingramspark", 100, 0.5), ("ingramspark", 700, 0.5), ("lulu", 300, 0.5),
    ("generic", 600, 0.375), ("kdp", 829, 0.875)])
def test_each_printers_narrowest_gutter(printer: str, pages: int, inches: float) -> None:
    assert minimum_gutter_pt(printer, pages) == pytest.approx(inches * 72)
