"""The printers' rules that bookify.toml is checked against as it loads: the trims a printer
prints, the barcode area a cover's back must hold, the widest spine it binds."""

from __future__ import annotations

import pytest

from bookify.printers import MAX_SPINE_IN, PRINTERS


@pytest.mark.parametrize("width, height, fits", [
    (4, 6, True), (5.5, 8.5, True), (8.5, 11.69, True), (5.83, 8.27, True),  # A5
    (3.99, 6, False), (4, 5.9, False), (8.6, 11, False), (8.5, 12, False),
])
def test_kdp_prints_trims_from_4x6_to_8_5x11_69(width, height, fits) -> None:
    assert (PRINTERS["kdp"].trim_problem(width, height) is None) == fits


def test_printers_without_a_published_range_take_any_trim() -> None:
    for name in ("generic", "offset", "ingramspark", "lulu"):
        assert PRINTERS[name].trim_problem(2, 3) is None


def test_the_back_cover_must_hold_the_barcode_area_inside_its_safe_margins() -> None:
    rules = PRINTERS["generic"]  # 0.25 in safe margins round a 2 × 1.2 in area
    assert rules.cover_problem(2.5, 1.7) is None
    assert "too narrow" in (rules.cover_problem(2.49, 4) or "")
    assert "too short" in (rules.cover_problem(4, 1.69) or "")


def test_the_widest_spine_is_the_thickest_book_on_the_paper() -> None:
    assert PRINTERS["kdp"].thickest_spine_in("cream") == pytest.approx(828 * 0.0025)
    assert PRINTERS["kdp"].thickest_spine_in("white") == pytest.approx(828 * 0.002252)
    assert PRINTERS["offset"].thickest_spine_in("cream") == MAX_SPINE_IN  # no page limit
