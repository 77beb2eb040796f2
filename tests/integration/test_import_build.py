"""A contributor's Word file, imported and built: what a reader sees on the printed pages.

One short essay, the print edition only (no cover wrap), built once for the module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookify.build import build
from bookify.cli import main
from bookify.project import load_project
from tests.support.docx_factory import Manuscript
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
        '[book]\ntitle = "Walks"\n\n[print]\neditions = ["print"]\ncover_wrap = false\n')
    m = Manuscript()
    m.title("On Stiles", author="Ann Smith")
    commented = m.para("One of the pleasantest things in the world is going a ",
                       ("journey", {"italic": True}), ".", (NOTE_ONE, {"footnote": True}),
                       " But I like to go by myself.")
    m.comment(commented, "EDITOR ONLY: cut this?")
    m.para("Roses are red,\nviolets are blue,\nthe stile is grey.")
    m.para("* * *", centre=True)
    m.para("After the break, the second part", (NOTE_TWO, {"footnote": True}), " begins.")
    source = m.save(root / "On Stiles.docx")
    result = CliRunner().invoke(main, ["import", str(source), "--project", str(project)])
    assert result.exit_code == 0, result.output
    build(load_project(project), ["pdf"], output_dir=project / "build")
    return next((project / "build").glob("*-print.pdf"))


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
    between = [line for line in lines[grey + 1: after] if line.strip()]
    assert len(between) == 1 and re.fullmatch(r"\*\s*\*\s*\*", between[0].strip())


def test_no_comment_text_in_the_book(imported_book):
    assert not any("EDITOR ONLY" in text for text in page_texts(imported_book))
