"""The typographic front cover: legible as a store's thumbnail, and naming who wrote the book."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from weasyprint.formatting_structure import boxes

from bookify.compose import template_context
from bookify.diagnostics import Diagnostics
from bookify.outputs.pdf import render_html
from bookify.project import load_project
from bookify.themes import load_theme
from tests.unit.helpers import essay, rendered, write_project

#: Stores show a cover at about 160 px wide in their lists and search results.
THUMBNAIL_PX = 160
#: Letters under 8 px high at that size are a grey smudge.
LEGIBLE_PX = 8


def _cover(root: Path):
    book, diagnostics = rendered(root)
    project = load_project(root)
    theme = load_theme(project)
    html = theme.render("cover-image.html.j2",
                        **template_context(book, project, lambda target: f"#{target}", None))
    return theme, render_html(html, theme, project, Diagnostics())


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _boxes(child)


def _first_text_of(page, class_name: str) -> boxes.TextBox:
    for box in _boxes(page._page_box):
        element = getattr(box, "element", None)
        if element is not None and class_name in (element.get("class") or "").split():
            return next(b for b in _boxes(box) if isinstance(b, boxes.TextBox))
    raise AssertionError(f"no .{class_name} on the cover")


@pytest.mark.parametrize("theme_name", ["classic", "modern", "pocket"])
def test_the_title_is_legible_on_a_store_thumbnail(tmp_path: Path, theme_name: str) -> None:
    root = write_project(tmp_path, f'[book]\ntitle = "Look Back"\neditors = ["A. Editor"]\n'
                                   f'[theme]\nname = "{theme_name}"\n')
    theme, document = _cover(root)
    page = document.pages[0]
    title = _first_text_of(page, "cover-title")
    style = title.style
    family = style["font_family"][0]
    weight = "SemiBold" if style["font_weight"] >= 600 else "Regular"
    font_file = next(p for p in theme.face_files(family) if p.stem.endswith(f"-{weight}"))
    font = TTFont(font_file)
    small_caps = style["text_transform"] == "lowercase" and style["font_variant_caps"] != "normal"
    height = (font["OS/2"].sxHeight if small_caps else font["OS/2"].sCapHeight)
    letters_px = style["font_size"] * height / font["head"].unitsPerEm
    at_thumbnail = letters_px * THUMBNAIL_PX / page.width
    assert at_thumbnail >= LEGIBLE_PX, f"{theme_name}: the title's letters are {at_thumbnail:.1f} px"


def _page_text(document) -> str:
    return re.sub(r"\s+", " ", " ".join(b.text for b in _boxes(document.pages[0]._page_box)
                                        if isinstance(b, boxes.TextBox)))


def test_an_anthology_without_editors_names_its_essayists(tmp_path: Path) -> None:
    files = {f"manuscripts/0{n}-e.md": essay(f"Essay {n}", author=f"Writer {name}")
             for n, name in enumerate("ABCDEF", start=1)}
    _, document = _cover(write_project(tmp_path / "many", files=files))
    assert "Essays by Writer A, Writer B, Writer C and others" in _page_text(document)

    few = {f"manuscripts/0{n}-e.md": essay(f"Essay {n}", author=f"Writer {name}")
           for n, name in enumerate("AB", start=1)}
    _, document = _cover(write_project(tmp_path / "few", files=few))
    assert "Essays by Writer A and Writer B" in _page_text(document)


def test_a_book_with_editors_is_named_by_them_alone(tmp_path: Path) -> None:
    files = {"manuscripts/01-a.md": essay("One", author="Writer A"),
             "manuscripts/02-b.md": essay("Two", author="Writer B")}
    root = write_project(tmp_path, '[book]\ntitle = "T"\neditors = ["An Editor"]\n', files)
    _, document = _cover(root)
    text = _page_text(document)
    assert "Edited by An Editor" in text and "Writer A" not in text


def test_the_typographic_cover_is_drawn_once_until_its_inputs_change(tmp_path: Path,
                                                                      monkeypatch) -> None:
    import bookify.cover as cover_module
    from bookify.cache import LayoutCache
    from bookify.cover import cover_image

    root = write_project(tmp_path / "book", '[book]\ntitle = "Kept"\n')
    cache = LayoutCache(tmp_path / "cache", 64 * 2**20)

    def image(root: Path):
        book, _ = rendered(root)
        project = load_project(root)
        return cover_image(book, load_theme(project), project, Diagnostics(), cache)

    first = image(root)
    drawn = []
    real_draw = cover_module._draw
    monkeypatch.setattr(cover_module, "_draw", lambda *a: drawn.append(a) or real_draw(*a))
    assert image(root) == first and drawn == [], "the same cover comes from the cache"
    (root / "bookify.toml").write_text('[book]\ntitle = "Kept"\n[theme]\naccent = "#224466"\n',
                                       encoding="utf-8")
    image(root)
    assert len(drawn) == 1, "a theme setting changed: the cover is drawn anew"
    (root / "bookify.toml").write_text('[book]\ntitle = "Changed"\n', encoding="utf-8")
    assert image(root).data != first.data and len(drawn) == 2, "a new title, a new cover"
