"""Authored front and back matter, low-resolution images and proof spreads, on real builds of a
small project (the minimal fixture with a foreword, acknowledgements and a picture added)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from bookify.build import build
from bookify.diagnostics import Diagnostics
from bookify.project import load_project
from tests.support.epub import EpubFile, java_available, run_epubcheck
from tests.support.pdf import find_pages, page_texts

PROJECTS = Path(__file__).resolve().parents[1] / "projects"

TOML = """
[book]
title = "A Minimal Book"
authors = ["Pat Example"]

[front_matter]
files = ["foreword.md"]

[back_matter]
files = ["acknowledgements.md"]
"""


@pytest.fixture(scope="module")
def anatomy(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("anatomy") / "book"
    shutil.copytree(PROJECTS / "minimal", root)
    (root / "bookify.toml").write_text(TOML, encoding="utf-8")
    manuscripts = root / "manuscripts"
    (manuscripts / "foreword.md").write_text(
        "---\ntitle: Foreword\nauthor: Sam Friend\n---\n\nThis foreword precedes the essays.\n",
        encoding="utf-8")
    (manuscripts / "acknowledgements.md").write_text(
        "---\ntitle: Acknowledgements\n---\n\nThanks are due to everyone.\n\n"
        "![A small picture](images/small.png)\n", encoding="utf-8")
    (manuscripts / "images").mkdir()
    Image.new("RGB", (300, 200), (120, 90, 60)).save(manuscripts / "images" / "small.png")
    diagnostics = Diagnostics()
    result = build(load_project(root), ["pdf", "epub"], root / "build", diagnostics=diagnostics)
    return root, result, diagnostics


def _artifact(result, edition: str) -> Path:
    return next(a.path for a in result.artifacts if a.edition == edition)


def test_foreword_is_front_matter_folioed_in_roman_and_listed_in_the_contents(anatomy) -> None:
    _, result, _ = anatomy
    pdf = _artifact(result, "print")
    labels = PdfReader(pdf).page_labels
    foreword = find_pages(pdf, "This foreword precedes the essays")[0]
    first_essay = labels.index("1")
    assert foreword < first_essay and labels[foreword] in ("v", "vii", "ix")
    assert foreword % 2 == 0, "the foreword opens on a recto"
    contents = page_texts(pdf)[find_pages(pdf, "Contents")[0]]
    assert f"Foreword {labels[foreword]}" in " ".join(contents.split())


def test_acknowledgements_follow_the_essays_in_arabic(anatomy) -> None:
    _, result, _ = anatomy
    pdf = _artifact(result, "print")
    labels = PdfReader(pdf).page_labels
    (page,) = find_pages(pdf, "Thanks are due to everyone")
    assert labels[page].isdigit() and page % 2 == 0
    contents = " ".join(page_texts(pdf)[find_pages(pdf, "Contents")[0]].split())
    assert f"Acknowledgements {labels[page]}" in contents


def test_pieces_are_front_and_back_matter_in_the_epub(anatomy) -> None:
    _, result, _ = anatomy
    epub = EpubFile(next(a.path for a in result.artifacts if a.format == "epub"))
    foreword = epub.xhtml("foreword.xhtml")
    assert foreword.find(".//{*}body").get("{http://www.idpf.org/2007/ops}type") == "frontmatter"
    section = foreword.find(".//{*}section")
    assert section.get("{http://www.idpf.org/2007/ops}type") == "foreword"
    assert section.get("role") == "doc-foreword"
    nav = epub.text("nav.xhtml")
    assert nav.index("Foreword") < nav.index("Zephyr") < nav.index("Acknowledgements")


@pytest.mark.skipif(not java_available(), reason="epubcheck needs Java")
def test_the_epub_with_pieces_passes_epubcheck(anatomy) -> None:
    _, result, _ = anatomy
    report = run_epubcheck(next(a.path for a in result.artifacts if a.format == "epub"))
    assert (report.fatals, report.errors, report.warnings) == (0, 0, 0), report.summary()


def test_a_low_resolution_image_is_reported_with_its_file_and_page(anatomy) -> None:
    root, _, diagnostics = anatomy
    (warning,) = [d for d in diagnostics.warnings if "dpi" in d.message]
    assert warning.location.path == root / "manuscripts" / "images" / "small.png"
    assert "printers want at least 300 dpi" in warning.message and "on page" in warning.message


def test_proof_writes_the_chosen_spreads(anatomy, tmp_path: Path) -> None:
    from bookify.proof import PageSelection, write_spreads

    _, result, _ = anatomy
    layout = result.layouts["print"]
    pages = PageSelection.parse("1-2", ["an-almanac"]).pages(layout)
    written = write_spreads(_artifact(result, "print"), layout, pages, tmp_path, dpi=40)
    first = layout.body_start
    almanac = layout.first_page_with("an-almanac")
    assert first % 2 == 0 and almanac % 2 == 0, "both open on rectos"
    # Folios 1-2 span two openings (… | 1, then 2 | 3); the essay's opening and the one after it.
    expected = {f"spread-{layout.label(first - 1)}-1.png", "spread-2-3.png",
                f"spread-{layout.label(almanac - 1)}-{layout.label(almanac)}.png",
                f"spread-{layout.label(almanac + 1)}-{layout.label(almanac + 2)}.png"}
    assert {p.name for p in written} == expected
    with Image.open(written[0]) as picture:
        width, height = picture.size
        assert width > height, "a spread is two pages side by side"
