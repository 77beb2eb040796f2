"""Laid out division by division, the book is the book one WeasyPrint document would be: the same
pages with the same text and pixels, folios, page labels, outline, named destinations and links,
metadata and page boxes — in both editions, in every theme."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from PIL import ImageChops
from pypdf import PdfReader

from bookify.assemble import assemble_book
from bookify.cache import LayoutCache
from bookify.diagnostics import Diagnostics
from bookify.markdown import render_book
from bookify.outputs.editions import lay_out_edition, lay_out_editions
from bookify.outputs.layouts import LayoutRunner
from bookify.outputs.pdf import lay_out_book
from bookify.project import load_project
from bookify.themes import load_theme

from .conftest import REPO, copy_project


def _both_ways(root: Path, edition: str) -> tuple[bytes, bytes]:
    """The edition laid out as one document, and stretch by stretch (two workers, no cache)."""
    project = load_project(root)
    diagnostics = Diagnostics()
    rendered = render_book(assemble_book(project, diagnostics), project, diagnostics)
    theme = load_theme(project)
    whole = lay_out_book(rendered, theme, project, Diagnostics(), edition=edition)
    with LayoutRunner(2, LayoutCache(root / "build" / ".cache", enabled=False)) as runner:
        divided = lay_out_editions(runner, {edition: lay_out_edition(
            rendered, theme, project, runner.cache, edition=edition)})[edition]
    assert divided.page_facts == whole.page_facts
    assert (divided.front_start, divided.body_start) == (whole.front_start, whole.body_start)
    return whole.pdf, divided.pdf


def _text(pdf: pypdfium2.PdfDocument, index: int) -> str:
    """The page's characters in order. (Not the spaces between them: PDFium guesses those
    from the gaps and the embedded font's widths, and each stretch embeds its own subset.)"""
    return "".join(pdf[index].get_textpage().get_text_range().split())


def _pixels(pdf: pypdfium2.PdfDocument, index: int):
    return pdf[index].render(scale=50 / 72).to_pil().convert("L")


def _structure(data: bytes) -> dict[str, object]:
    reader = PdfReader(io.BytesIO(data))

    def outline(items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from outline(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item), \
                    round(float(item.top or 0), 2)

    def links():
        for number, page in enumerate(reader.pages):
            for annotation in page.get("/Annots") or []:
                annotation = annotation.get_object()
                action = annotation.get("/A")
                yield (number, [round(float(x), 2) for x in annotation["/Rect"]],
                       str(annotation.get("/Dest")), str(action["/URI"]) if action else None)

    return {
        "metadata": dict(reader.metadata or {}),
        "labels": list(reader.page_labels),
        "outline": list(outline(reader.outline)),
        "destinations": {name: (reader.get_destination_page_number(d), round(float(d.left or 0), 2),
                                round(float(d.top or 0), 2))
                         for name, d in reader.named_destinations.items()},
        "links": list(links()),
        "boxes": [(list(p.mediabox), list(p.trimbox), list(p.bleedbox)) for p in reader.pages],
    }


def _font_programs(data: bytes) -> dict[str, set[tuple[int, int]]]:
    """The embedded TrueType programs of each typeface the pages use."""
    programs: dict[str, set[tuple[int, int]]] = {}
    for page in pikepdf.open(io.BytesIO(data)).pages:
        for font in page.Resources.get("/Font", {}).values():
            descriptor = font.DescendantFonts[0].FontDescriptor
            if "/FontFile2" in descriptor:
                programs.setdefault(str(font.BaseFont), set()).add(descriptor.FontFile2.objgen)
    return programs


def _assert_same_book(whole: bytes, divided: bytes) -> None:
    assert _structure(divided) == _structure(whole)
    programs = _font_programs(divided)
    assert programs and all(len(found) == 1 for found in programs.values()), \
        "each typeface is embedded once, however many stretches set it"
    one, other = pypdfium2.PdfDocument(whole), pypdfium2.PdfDocument(divided)
    assert len(one) == len(other)
    for index in range(len(one)):
        assert _text(other, index) == _text(one, index), f"the text of page {index + 1}"
    # Every page of a short book, a sample of a longer one: the first, the last, and a spread
    # in every five.
    sample = sorted({0, len(one) - 1, *range(1, len(one), 5), *range(2, len(one), 5)})
    for index in sample:
        difference = ImageChops.difference(_pixels(one, index), _pixels(other, index))
        assert difference.getbbox() is None, f"the pixels of page {index + 1}"


@pytest.mark.parametrize("edition", ["print", "digital"])
def test_the_sample_laid_out_by_division_is_the_same_book(edition: str, tmp_path: Path) -> None:
    root = tmp_path / "sample"
    root.mkdir()
    for name in ("bookify.toml", "contributors.toml", "manuscripts", "styles"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.exists():
            shutil.copy(source, root / name)
    _assert_same_book(*_both_ways(root, edition))


@pytest.mark.parametrize("theme", ["classic", "modern", "pocket"])
@pytest.mark.parametrize("edition", ["print", "digital"])
def test_the_features_laid_out_by_division_are_the_same_book(edition: str, theme: str,
                                                             tmp_path: Path) -> None:
    def with_theme(toml: str) -> str:
        return toml + f'\n[theme]\nname = "{theme}"\n'

    root = copy_project("features", tmp_path / "features", toml_edit=with_theme)
    _assert_same_book(*_both_ways(root, edition))


def test_a_book_with_bleed_recto_openers_off_and_book_endnotes(tmp_path: Path) -> None:
    def variant(toml: str) -> str:
        return toml + ('\n[print]\nbleed = true\nrecto_openers = false\n'
                       'notes = "book-endnotes"\n')

    root = copy_project("features", tmp_path / "features", toml_edit=variant)
    _assert_same_book(*_both_ways(root, "print"))

