"""A contributor's Word file, imported and built: what a reader sees on the printed pages.

One short essay, the print edition only (no cover wrap) and an EPUB without a page list, built
once for the module."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookify.build import build
from bookify.cli import main
from bookify.project import load_project
from tests.support.docx_factory import Manuscript, picture
from tests.support.epub import java_available, run_epubcheck
from tests.support.pdf import fonts, page_texts

from .bookcheck import calls_note, footnote_start

NOTE_ONE = "Hazlitt, On Going a Journey, 1822."
NOTE_TWO = "The stile is still there."


@pytest.fixture(scope="module")
def imported_book(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("imported")
    project = root / "book"
    (project / "manuscripts").mkdir(parents=True)
    (project / "bookify.toml").write_text(
        '# An anthology of walks.\ncontents = []  # filled by bookify import\n\n'
        '[book]\ntitle = "Walks"\n\n[print]\neditions = ["print"]\ncover_wrap = false\n\n'
        '[epub]\npage_list = false\n')
    m = Manuscript()
    m.title("On Stiles", author="Ann Smith")
    commented = m.para("One of the pleasantest things in the world is going a ",
                       ("journey", {"italic": True}), ".", (NOTE_ONE, {"footnote": True}),
                       " But I like to go by myself.")
    m.comment(commented, "EDITOR ONLY: cut this?")
    m.para("Roses are red,\nviolets are blue,\nthe stile is grey.")
    m.para("* * *", centre=True)
    m.para("After the break, the second part", (NOTE_TWO, {"footnote": True}), " begins, in ",
           ("Sussex", {"small_caps": True}), ", ", ("à pied", {"italic": True, "lang": "fr-FR"}),
           ".")
    table = m.document.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "Stile", (0, 1): "Mile", (1, 0): "Ash", (1, 1): "3"}.items():
        table.cell(row, col).text = text
    m.image(picture(root / "stile.png", size=(300, 200)), "An oak stile")
    source = m.save(root / "On Stiles.docx")
    result = CliRunner().invoke(main, ["import", str(source), "--project", str(project)])
    assert result.exit_code == 0, result.output
    build(load_project(project), ["pdf", "epub"], output_dir=project / "build")
    return next((project / "build").glob("*-print.pdf"))


@pytest.fixture(scope="module")
def imported_epub(imported_book) -> Path:
    return next(imported_book.parent.glob("*.epub"))


@pytest.fixture(scope="module")
def essay_pages(imported_book) -> list[str]:
    return [t for t in page_texts(imported_book) if "One of the pleasantest" in t
            or "After the break" in t]


def test_footnotes_at_the_foot_of_the_page_with_their_text(essay_pages):
    page = essay_pages[0]
    assert calls_note(page, 1, after="journey")
    start = footnote_start(page, 1, NOTE_ONE)
    assert start is not None and start > page.splitlines().index(
        next(line for line in page.splitlines() if "myself" in line))
    last = next(p for p in essay_pages if "After the break" in p)
    assert footnote_start(last, 2, NOTE_TWO) is not None


def test_italics_kept(imported_book):
    assert any("Italic" in font.base_font for font in fonts(imported_book))


def test_verse_lines_and_the_scene_break(essay_pages):
    text = "\n".join(essay_pages)
    assert "Roses are red,\nviolets are blue,\nthe stile is grey." in text
    lines = text.splitlines()
    grey = lines.index("the stile is grey.")
    after = next(i for i, line in enumerate(lines) if line.startswith("After the break"))
    # A page may turn there: its foot (a note, "1 Hazlitt, …", and the folio) is not the text.
    between = [line for line in lines[grey + 1: after] if line.strip()
               and not re.fullmatch(r"\d+( \S.*)?", line.strip())]
    assert len(between) == 1 and re.fullmatch(r"\*\s*\*\s*\*", between[0].strip())


def test_no_comment_text_in_the_book(imported_book):
    assert not any("EDITOR ONLY" in text for text in page_texts(imported_book))


def test_the_epub_keeps_the_markup_and_passes_epubcheck(imported_epub):
    with zipfile.ZipFile(imported_epub) as archive:
        text = "".join(archive.read(name).decode() for name in archive.namelist()
                       if name.endswith(".xhtml"))
    assert "<em>journey</em>" in text
    assert '<span class="smallcaps">Sussex</span>' in text
    assert 'lang="fr-FR"' in text and "à pied" in text
    assert 'epub:type="footnote"' in text and NOTE_ONE in text
    assert 'alt="An oak stile"' in text
    assert "EDITOR ONLY" not in text
    if not java_available():
        pytest.skip("EPUBCheck needs Java")
    result = run_epubcheck(imported_epub)
    assert (result.errors, result.warnings, result.fatals) == (0, 0, 0), result.messages
