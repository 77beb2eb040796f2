"""outputs/cover_wrap.py without WeasyPrint: the spine formulas, the wrap's geometry and the
printers' rules (spine text, barcode area, safe areas)."""

from __future__ import annotations

import math

import pytest

from bookify.config import PrintSection, TrimSize
from bookify.outputs import cover_wrap as cw
from bookify.outputs.cover_wrap import Rect, cover_wrap, cover_wrap_for, spine_width
from bookify.themes import BUILTIN_THEMES, Theme

IN = 72.0


@pytest.mark.parametrize("pages, paper, printer, inches", [
    (300, "cream", "kdp", 0.75),
    (300, "white", "kdp", 0.6756),
    (300, "colour", "kdp", 0.6756),
    (300, "premium-colour", "kdp", 0.7041),
    (120, "white", "kdp", 0.27024),
    (828, "cream", "kdp", 2.07),
    (24, "cream", "kdp", 0.06),
    (300, "cream", "ingramspark", 0.75),
    (200, "white", "ingramspark", 0.4504),
])
def test_spine_width_follows_the_published_formulas(pages, paper, printer, inches) -> None:
    assert spine_width(pages, paper, printer) == pytest.approx(inches, abs=1e-6)


def test_cream_paper_is_thicker_than_white() -> None:
    assert spine_width(200, "cream", "kdp") > spine_width(200, "white", "kdp")


@pytest.mark.parametrize("pages", [0, -4, cw.MAX_PAGES + 1, 10**6])
def test_absurd_page_counts_are_refused(pages) -> None:
    with pytest.raises(ValueError, match="pages"):
        spine_width(pages, "cream", "kdp")


@pytest.mark.parametrize("pages", [2.5, True, "300", None])
def test_a_page_count_must_be_a_whole_number(pages) -> None:
    with pytest.raises(TypeError, match="whole number"):
        spine_width(pages, "cream", "kdp")


def test_unknown_paper_and_printer_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown paper 'glossy'"):
        spine_width(100, "glossy", "kdp")
    with pytest.raises(ValueError, match="unknown printer 'blurb'"):
        spine_width(100, "cream", "blurb")


def test_wrap_size_is_bleed_back_spine_front_bleed() -> None:
    wrap = cover_wrap(TrimSize(5.5, 8.5, "in"), 300, paper="cream", printer="kdp")
    assert wrap.spine_width == pytest.approx(0.75 * IN)
    assert wrap.width == pytest.approx((5.5 + 0.75 + 5.5) * IN)
    assert wrap.media_width == pytest.approx(12.0 * IN)  # KDP's calculator: 12.0 x 8.75 in
    assert wrap.media_height == pytest.approx(8.75 * IN)
    assert wrap.height == pytest.approx(8.5 * IN)
    assert wrap.bleed == pytest.approx(0.125 * IN)


def test_panels_tile_the_wrap() -> None:
    wrap = cover_wrap(TrimSize(6, 9, "in"), 200, paper="white", printer="kdp")
    assert wrap.back == Rect(0, 0, 6 * IN, 9 * IN)
    assert wrap.spine.x == pytest.approx(wrap.back.right)
    assert wrap.front.x == pytest.approx(wrap.spine.right)
    assert wrap.front.right == pytest.approx(wrap.width)
    assert [f.x for f in wrap.folds] == pytest.approx([6 * IN, 6 * IN + wrap.spine_width])
    # A full-bleed front image reaches over the top, bottom and outside edges, not the spine.
    bled = wrap.front_with_bleed
    assert (bled.x, bled.y) == pytest.approx((wrap.front.x, -wrap.bleed))
    assert (bled.right, bled.bottom) == pytest.approx((wrap.width + wrap.bleed,
                                                        wrap.height + wrap.bleed))


def test_metric_trim_sizes() -> None:
    wrap = cover_wrap(TrimSize.parse("a5"), 240, paper="cream", printer="ingramspark")
    assert wrap.trim_width == pytest.approx(148 / 25.4 * IN)
    assert wrap.media_width == pytest.approx((2 * 148 / 25.4 + 0.6 + 0.25) * IN)


def test_barcode_area_is_two_by_one_point_two_inches_in_the_back_safe_area() -> None:
    wrap = cover_wrap(TrimSize(5, 8, "in"), 200)
    barcode = wrap.barcode
    assert (barcode.width, barcode.height) == pytest.approx((2 * IN, 1.2 * IN))
    back_safe = wrap.safe_areas[0]
    assert back_safe.contains(barcode)
    # At the bottom right of the back cover: against the safe area's corner, by the spine.
    assert (barcode.right, barcode.bottom) == pytest.approx((back_safe.right, back_safe.bottom))
    assert not barcode.overlaps(wrap.spine) and not barcode.overlaps(wrap.front)


def test_safe_areas_keep_a_quarter_inch_from_trim_and_folds_and_spine_clearance() -> None:
    wrap = cover_wrap(TrimSize(5.5, 8.5, "in"), 400, paper="cream")
    back, spine, front = wrap.safe_areas
    assert back == Rect(18, 18, 5 * IN, 8 * IN)
    assert front.x == pytest.approx(wrap.front.x + 18) and front.width == pytest.approx(5 * IN)
    assert spine.x == pytest.approx(wrap.spine.x + 0.0625 * IN)
    assert spine.right == pytest.approx(wrap.spine.right - 0.0625 * IN)


def test_kdp_allows_spine_text_from_79_pages() -> None:
    # A fixed half-inch spine, so that only KDP's page rule decides.
    trim = TrimSize(6, 9, "in")
    assert not cover_wrap(trim, 78, spine_width_pt=36).spine_text_allowed
    assert cover_wrap(trim, 79, spine_width_pt=36).spine_text_allowed
    # IngramSpark has no page rule, only the spine's width.
    assert cover_wrap(trim, 60, printer="ingramspark", spine_width_pt=36).spine_text_allowed


def test_a_spine_too_thin_for_legible_type_stays_plain() -> None:
    trim = TrimSize(5.5, 8.5, "in")
    # 80 pages of cream: 0.2 in, which leaves 0.075 in between the clearances: under 6 pt type.
    thin = cover_wrap(trim, 80, paper="cream")
    assert thin.page_count >= 79 and not thin.spine_text_allowed
    assert thin.spine_font_size < cw.MIN_SPINE_FONT_PT
    thick = cover_wrap(trim, 120, paper="cream")
    assert thick.spine_text_allowed
    # The type fits between the 1/16 in clearances, and never grows past 14 pt.
    assert thick.spine_font_size * cw.SPINE_LINE_EM <= thick.spine_safe_area.width + 1e-9
    assert cover_wrap(trim, 600).spine_font_size == cw.MAX_SPINE_FONT_PT


def test_spine_width_from_config_overrides_the_paper() -> None:
    wrap = cover_wrap_for(PrintSection(printer="ingramspark", spine_width="0.5in"), 300)
    assert wrap.spine_width == pytest.approx(36) and wrap.spine_from_config
    computed = cover_wrap_for(PrintSection(paper="white"), 300)
    assert computed.spine_width == pytest.approx(300 * 0.002252 * IN)
    assert not computed.spine_from_config
    assert cover_wrap_for(PrintSection(trim="a5", spine_width="12mm"), 100).spine_width == \
        pytest.approx(12 / 25.4 * IN)


@pytest.mark.parametrize("points", [0.0, -3.0, math.nan, math.inf, 7 * IN])
def test_absurd_spine_overrides_are_refused(points) -> None:
    with pytest.raises(ValueError, match="spine"):
        cover_wrap(TrimSize(6, 9, "in"), 100, spine_width_pt=points)


def test_a_trim_too_small_for_the_barcode_area_is_refused() -> None:
    with pytest.raises(ValueError, match="barcode"):
        cover_wrap(TrimSize(2.25, 4, "in"), 100)
    with pytest.raises(ValueError, match="barcode"):
        cover_wrap(TrimSize(4, 1.5, "in"), 100)


def test_rect_geometry() -> None:
    outer = Rect(0, 0, 100, 50)
    assert outer.contains(Rect(10, 10, 20, 20)) and not outer.contains(Rect(90, 10, 20, 20))
    assert outer.overlaps(Rect(99, 49, 5, 5)) and not outer.overlaps(Rect(100, 0, 5, 5))
    assert outer.inset(5) == Rect(5, 5, 90, 40)
    assert outer.inset(5, 10) == Rect(5, 10, 90, 30)


def test_blurb_paragraphs() -> None:
    assert cw._paragraphs(None) == []
    assert cw._paragraphs("One line\nwrapped.\n\n  Second   one. \n") == \
        ["One line wrapped.", "Second one."]


def test_wrap_stylesheets_are_fonts_cover_wrap_then_the_project(tmp_path) -> None:
    theme = Theme("classic", BUILTIN_THEMES / "classic", None)
    assert [p.name for p in cw.wrap_stylesheets(theme)] == ["fonts.css", "cover.css",
                                                            "cover-wrap.css"]
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "print.css").write_text("/* the interior's, not the cover's */")
    (styles / "cover-wrap.css").write_text("@page cover { background: #23382c }")
    sheets = cw.wrap_stylesheets(Theme("classic", BUILTIN_THEMES / "classic", styles))
    assert sheets[-1] == styles / "cover-wrap.css"
    assert styles / "print.css" not in sheets


def spine_line(font_size: float = 14.0, names: str | None = "Jane Doe") -> cw.SpineText:
    return cw.SpineText(Rect(0, 0, 500, 20), font_size, names)


def test_a_spine_line_that_fits_is_kept() -> None:
    spine = spine_line()
    assert cw._fit_spine(spine, 300, 150) == (spine, None)
    alone = spine_line(names=None)
    assert cw._fit_spine(alone, 499, 0) == (alone, None)


def test_a_long_spine_line_is_set_smaller() -> None:
    # 300 + 1.5 em (21) + 329 = 650 pt at 14 pt: 500 / 650 of it fits, 10.7 pt.
    fitted, message = cw._fit_spine(spine_line(), 300, 329)
    assert fitted == spine_line(font_size=10.7) and message is None


def test_names_go_before_the_title_gets_too_small() -> None:
    # With the names the line would be under 9 pt; the title alone fits at 14 pt.
    fitted, message = cw._fit_spine(spine_line(), 400, 600)
    assert fitted == spine_line(names=None) and "title only" in message
    # The names stay while the line is at least 9 pt: 600 + 21 + 60 pt at 14 pt → 10.2 pt.
    fitted, message = cw._fit_spine(spine_line(), 600, 60)
    assert fitted == spine_line(font_size=10.2) and message is None
    # Under 9 pt with them, 7.7 pt without: the title alone, as large as it can be.
    fitted, message = cw._fit_spine(spine_line(), 900, 60)
    assert fitted == spine_line(font_size=7.7, names=None) and "title only" in message


def test_a_title_too_long_for_legible_type_leaves_the_spine_plain() -> None:
    fitted, message = cw._fit_spine(spine_line(), 1400, 100)
    assert fitted is None and "left plain" in message


def test_the_spine_line_is_centred_across_the_spine_and_keeps_off_its_ends() -> None:
    wrap = cover_wrap(TrimSize(5.5, 8.5, "in"), 300)
    line = cw._spine_text(wrap, "Jane Doe")
    # Before it is turned, the line lies across the spine, centred on the spine's centre.
    assert line.box.x + line.box.width / 2 == pytest.approx(wrap.spine.width / 2)
    assert line.box.y + line.box.height / 2 == pytest.approx(wrap.spine.height / 2)
    # Turned, it runs the spine's length less 0.4 in at each end, inside the clearances.
    assert line.box.width == pytest.approx(wrap.height - 2 * cw.SPINE_END_IN * IN)
    assert line.box.height <= wrap.spine_safe_area.width
    assert cw._spine_text(cover_wrap(TrimSize(5.5, 8.5, "in"), 40), "Jane Doe") is None


def test_a_theme_that_inherits_finds_the_wrap_and_its_typeface(tmp_path) -> None:
    classic = Theme("classic", BUILTIN_THEMES / "classic", None)
    child_root = tmp_path / "child"
    child_root.mkdir()
    (child_root / "fonts.css").write_text("/* its own faces */")
    (child_root / "cover.css").write_text("@page cover { background: #fff }")
    child = Theme("child", child_root, None, parent=classic)
    assert cw.wrap_stylesheets(child) == [
        BUILTIN_THEMES / "classic" / "fonts.css", child_root / "fonts.css",
        child_root / "cover.css", BUILTIN_THEMES / "classic" / "cover-wrap.css"]
