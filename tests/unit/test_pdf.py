"""outputs/pdf.py without WeasyPrint: folio labels and the font coverage check."""

from __future__ import annotations

import pytest

from bookify.diagnostics import Diagnostics
from bookify.outputs import pdf
from bookify.themes import builtin_theme

from .helpers import essay, rendered, write_project


@pytest.mark.parametrize("number, roman", [(1, "i"), (4, "iv"), (9, "ix"), (14, "xiv"), (40, "xl")])
def test_roman_folios(number: int, roman: str) -> None:
    assert pdf.to_roman(number) == roman


def coverage(tmp_path, text: str, system: tuple | None, theme: str = "classic") -> Diagnostics:
    root = write_project(tmp_path, files={"manuscripts/a.md": essay("A", text)})
    book, _ = rendered(root)
    theme = builtin_theme(theme)
    diagnostics = Diagnostics()
    pdf._system_coverage.cache_clear()
    original = pdf._system_coverage
    pdf._system_coverage = lambda: system  # type: ignore[assignment]
    try:
        pdf.check_font_coverage(book, theme, diagnostics)
    finally:
        pdf._system_coverage = original
    return diagnostics


def test_text_the_theme_covers_is_quiet(tmp_path) -> None:
    assert coverage(tmp_path, "Café, naïve — “Æs Triplex” … Ἀθῆναι, Москва.\n", ()).items == []


def test_characters_no_font_has_are_a_warning(tmp_path) -> None:
    diagnostics = coverage(tmp_path, "雨の図書館\n", ())
    (warning,) = diagnostics.warnings
    assert "would print as empty boxes" in warning.message and "雨" in warning.message
    assert "fonts-noto-cjk" in warning.hint


def test_characters_a_system_font_has_are_a_notice(tmp_path) -> None:
    diagnostics = coverage(tmp_path, "שלום\n", ((0x590, 0x5FF),))
    assert not diagnostics.warnings
    (notice,) = diagnostics.items
    assert "set in a system font" in notice.message and "ש" in notice.message


def test_modern_says_polytonic_greek_is_set_in_its_fallback_face(tmp_path) -> None:
    """Source Serif 4 has no polytonic Greek (Source Sans 3, modern's other face, has, but it
    sets only the furniture): the text's Greek is set in EB Garamond, and the build says so."""
    diagnostics = coverage(tmp_path, "Ἀρετῆς, said the Greeks: ἀρετή.\n", (), theme="modern")
    assert not diagnostics.warnings
    (notice,) = diagnostics.items
    assert "Source Serif 4" in notice.message and "EB Garamond" in notice.message
    assert "Ἀ" in notice.message and "ῆ" in notice.message and "ή" not in notice.message


def test_modern_sets_monotonic_greek_in_its_own_face_quietly(tmp_path) -> None:
    assert coverage(tmp_path, "Αθήνα, Ελλάδα.\n", (), theme="modern").items == []


@pytest.mark.parametrize("setting, levelled", [("", True), ("level_spreads = false\n", False)])
def test_level_spreads_can_be_turned_off(tmp_path, monkeypatch, setting: str, levelled: bool) -> None:
    """`[print] level_spreads = false` lays the print edition out once, unlevelled (and is part
    of the layout's cache key, through PrintStyles)."""
    from bookify.project import load_project
    from bookify.themes import load_theme

    root = write_project(tmp_path, f'[book]\ntitle = "T"\n[print]\n{setting}')
    book, diagnostics = rendered(root)
    project = load_project(root)
    calls = []
    real = pdf.balance_spreads
    monkeypatch.setattr(pdf, "balance_spreads", lambda lay_out: calls.append(1) or real(lay_out))
    styles = pdf.PrintStyles.of(load_theme(project), project)
    assert styles.level_spreads is levelled
    pdf.lay_out_book(book, load_theme(project), project, diagnostics)
    assert bool(calls) is levelled
