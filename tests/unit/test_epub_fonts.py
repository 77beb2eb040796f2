"""Which font files an EPUB ships: the faces its text is set in under the theme's stylesheets."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from bookify.outputs.epub_fonts import font_faces, trimmed_fonts_css, used_faces

THEMES = Path(__file__).resolve().parents[2] / "src" / "bookify" / "themes"


def _page(body: str) -> etree._Element:
    return etree.fromstring(f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title>'
                            f"</head><body>{body}</body></html>")


def _files(theme: str, body: str, css: str | None = None) -> list[str]:
    faces = font_faces((THEMES / theme / "fonts.css").read_text(encoding="utf-8"))
    sheet = css if css is not None else (THEMES / theme / "epub.css").read_text(encoding="utf-8")
    return sorted(Path(f.url).stem for f in used_faces([_page(body)], [sheet], faces))


def test_each_theme_declares_a_face_for_each_of_its_files() -> None:
    for theme in ("classic", "modern", "pocket"):
        faces = font_faces((THEMES / theme / "fonts.css").read_text(encoding="utf-8"))
        assert {Path(f.url).name for f in faces} == {
            p.name for p in (THEMES / theme / "fonts").glob("*.ttf")}, theme


@pytest.mark.parametrize("body, expected", [
    ("<p>Plain text.</p>", ["EBGaramond-Regular"]),
    ("<p>A <em>word</em>.</p>", ["EBGaramond-Italic", "EBGaramond-Regular"]),
    ("<p><strong>Loud <em>and slanted</em></strong></p>", ["EBGaramond-Bold", "EBGaramond-BoldItalic"]),
    # Classic sets its headings in the regular weight, whatever HTML's default.
    ("<h1>A title</h1><h2>A heading</h2>", ["EBGaramond-Regular"]),
    # Text after an element (its tail) is in its parent's style.
    ("<p><em>Slanted</em> then upright.</p>", ["EBGaramond-Italic", "EBGaramond-Regular"]),
    ("<p><em> </em></p>", []),
])
def test_classic_faces_follow_the_text(body: str, expected: list[str]) -> None:
    assert _files("classic", body) == expected


def test_a_theme_rule_and_the_nearest_weight_choose_the_face() -> None:
    css = """
    body { font-family: "Source Serif 4", serif; }
    .label { font-family: "Source Sans 3", sans-serif; font-weight: 700; }
    blockquote em { font-style: normal; }
    .heavy { font: italic 650 1em/1.2 "Source Serif 4", serif; }
    """
    # Source Sans 3 has no bold: 700 falls to the nearest heavier-or-lighter face, SemiBold.
    assert _files("modern", '<p class="label">Tag</p>', css) == ["SourceSans3-SemiBold"]
    assert _files("modern", "<blockquote><p><em>Roman</em></p></blockquote>", css) == [
        "SourceSerif4-Regular"]
    # 650 → the next heavier face (Bold) in the italic faces: the font shorthand sets all three.
    assert _files("modern", '<p class="heavy">Heavy</p>', css) == ["SourceSerif4-BoldItalic"]


def test_a_face_set_on_a_pseudo_element_is_kept() -> None:
    css = 'body { font-family: "EB Garamond"; } p::first-line { font-weight: bold; }'
    assert _files("classic", "<p>Opening words.</p>", css) == ["EBGaramond-Bold",
                                                               "EBGaramond-Regular"]


def test_the_rules_of_unused_faces_leave_fonts_css() -> None:
    text = (THEMES / "classic" / "fonts.css").read_text(encoding="utf-8")
    faces = {Path(f.url).stem: f for f in font_faces(text)}
    trimmed = trimmed_fonts_css(text, {faces["EBGaramond-Regular"], faces["EBGaramond-Italic"]})
    assert trimmed.count("@font-face") == 2
    assert "EBGaramond-Bold" not in trimmed and "EBGaramond-Italic.ttf" in trimmed
    assert [Path(f.url).stem for f in font_faces(trimmed)] == ["EBGaramond-Regular",
                                                               "EBGaramond-Italic"]
