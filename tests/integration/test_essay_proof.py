"""`bookify build --essay ID`: a contributor's proof is their text's pages as the book prints
them — the book's folios, its running heads — with their own warnings and nobody else's."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from bookify.build import build
from bookify.diagnostics import Diagnostics
from bookify.errors import BookifyError
from bookify.project import load_project
from tests.unit.helpers import essay, write_project

TOML = """\
[book]
title = "Proofs"
[front_matter]
files = ["preface.md"]
[back_matter]
files = ["afterword.md"]
"""


def _paragraphs(word: str, count: int) -> str:
    return "".join(f"{word.capitalize()} paragraph {n} " + "of plain prose, " * 30 + "\n\n"
                   for n in range(count))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):
    root = write_project(tmp_path_factory.mktemp("proof") / "book", TOML, files={
        "manuscripts/preface.md": essay("Preface", _paragraphs("preface", 2)),
        "manuscripts/01-first.md": essay("The First", _paragraphs("first", 14)),
        # An undefined note reference: a warning located in this file alone.
        "manuscripts/02-second.md": essay("The Second", _paragraphs("second", 9)
                                          + "A call to nothing.[^9]\n"),
        "manuscripts/03-third.md": essay("The Third", _paragraphs("third", 6)),
        "manuscripts/afterword.md": essay("Afterword", _paragraphs("afterword", 1)),
    })
    project = load_project(root)
    whole = build(project, ["pdf"], editions=["print"], jobs=1)
    return project, PdfReader(next(a.path for a in whole.artifacts if a.edition == "print"))


def _proof(project, essay_id: str):
    diagnostics = Diagnostics()
    result = build(project, essay=essay_id, diagnostics=diagnostics, jobs=1)
    (artifact,) = result.artifacts
    return PdfReader(artifact.path), [d.message for d in diagnostics.warnings]


def _pages_of(book: PdfReader, title: str, next_title: str | None) -> list[str]:
    """The folios of the pages from the one opening on `title` to the one before `next_title`,
    blank pages at the end left out."""
    texts = [page.extract_text() or "" for page in book.pages]
    start = next(i for i, t in enumerate(texts) if t.lstrip().startswith(title))
    stop = next((i for i, t in enumerate(texts) if i > start and next_title
                 and t.lstrip().startswith(next_title)), len(texts))
    while not texts[stop - 1].strip():
        stop -= 1
    return book.page_labels[start:stop]


@pytest.mark.parametrize("essay_id, title, next_title", [
    ("second", "The Second", "The Third"),
    ("preface", "Preface", "The First"),
    ("afterword", "Afterword", None),
])
def test_a_proof_has_the_pages_and_folios_of_the_book(project, essay_id, title,
                                                      next_title) -> None:
    project, book = project
    proof, _ = _proof(project, essay_id)
    expected = _pages_of(book, title, next_title)
    assert proof.page_labels == expected
    assert proof.pages[0].extract_text().lstrip().startswith(title)
    assert expected[0] != "1" or essay_id == "first", "the folios are the book's, not from 1"
    book_texts = [p.extract_text() for p in book.pages]
    first = book.page_labels.index(expected[0])
    assert [p.extract_text() for p in proof.pages] == book_texts[first:first + len(expected)]


def test_a_proof_reports_its_own_warnings_only(project) -> None:
    project, _ = project
    _, mine = _proof(project, "second")
    _, others = _proof(project, "third")
    assert any("[^9]" in message for message in mine), mine
    assert not any("[^9]" in message for message in others), others


def test_an_unknown_id_names_the_texts_that_can_be_proofed(project) -> None:
    project, _ = project
    with pytest.raises(BookifyError, match="front- or back-matter piece") as caught:
        build(project, essay="prefce", jobs=1)
    assert "did you mean 'preface'" in (caught.value.hint or "")
