"""An essay job lays out one essay exactly as the book has it: the same pixels on every page
(folios, running heads, the blank verso after it), in a fraction of the book's pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import ImageChops

from bookify.outputs.png import open_pdf, render_page
from bookify.preview.state import Job
from bookify.preview.worker import book_divisions, place_divisions, run_job, structure

from .helpers import essay, rendered, write_project


def long_essay(title: str, paragraphs: int, author: str) -> str:
    return essay(title, ("Words of the essay, set and justified. " * 25 + "\n\n") * paragraphs,
                 author=author)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("worker") / "book", files={
        "manuscripts/01-one.md": long_essay("One", 5, "Ann Author"),
        "manuscripts/02-two.md": long_essay("Two", 6, "Bea Writer"),
        "manuscripts/03-three.md": long_essay("Three", 3, "Cy Penman"),
    })


@pytest.fixture(scope="module")
def full(book: Path):
    return run_job(Job("j1", book, book.parent / "j1"))


def test_a_full_job_places_every_division(full) -> None:
    assert full.kind == "full" and not full.errors
    ids = [d.id for d in full.divisions]
    assert ids[-3:] == ["one", "two", "three"] and "contents" in ids
    for division in full.divisions:
        assert all(p.division == division.id
                   for p in full.pages[division.start:division.start + division.count])
    assert sum(d.count for d in full.divisions) + full.divisions[0].start == len(full.pages)
    assert full.pages[full.divisions[-3].start].label == "1"


@pytest.mark.parametrize("essay_id", ["two", "three"])
def test_an_essay_job_matches_the_full_layout_pixel_for_pixel(book: Path, full, essay_id: str) -> None:
    division = next(d for d in full.divisions if d.id == essay_id)
    job = Job("j2", book, book.parent / f"j2-{essay_id}", "essay", essay_id, division.start,
              full.pages[division.start].label, len(full.pages), full.gutter,
              structure(full.divisions))
    result = run_job(job)
    assert result.kind == "essay" and not result.errors
    old = full.pages[division.start:division.start + division.count]
    assert [p.label for p in result.pages] == [p.label for p in old]
    assert [(p.size, p.trim, p.content) for p in result.pages] == [(p.size, p.trim, p.content) for p in old]
    book_pdf, essay_pdf = open_pdf(full.pdf), open_pdf(result.pdf)
    try:
        for before, after in zip(old, result.pages):
            a, b = render_page(book_pdf, before.index, 40), render_page(essay_pdf, after.index, 40)
            assert a.size == b.size
            assert ImageChops.difference(a, b).getbbox() is None, f"page {before.label} differs"
    finally:
        book_pdf.close()
        essay_pdf.close()


def test_an_essay_job_lays_out_the_whole_book_when_its_shape_changed(book: Path, full) -> None:
    division = next(d for d in full.divisions if d.id == "two")
    job = Job("j3", book, book.parent / "j3", "essay", "two", division.start, "1",
              len(full.pages), full.gutter, ("one", "two"))  # not the book's shape
    result = run_job(job)
    assert result.kind == "full" and len(result.pages) == len(full.pages)


def test_an_error_is_a_result_not_an_exception(tmp_path: Path) -> None:
    root = write_project(tmp_path / "book", files={"manuscripts/a.md": "---\ntitle: [\n---\nText\n"})
    result = run_job(Job("j1", root, tmp_path / "j1"))
    assert result.errors and result.errors[0].file == "manuscripts/a.md" and not result.pages


def test_divisions_are_placed_on_the_first_page_holding_their_id(tmp_path: Path) -> None:
    root = write_project(tmp_path / "book", files={"manuscripts/01-a.md": essay("A"),
                                                   "manuscripts/02-b.md": essay("B")})
    divisions = book_divisions(rendered(root)[0], root)
    anchors = [["half-title"], [], ["title-page"], ["contents", "x"], ["a", "a-p1"], [], ["b"]]
    placed, owner = place_divisions(divisions, anchors)
    assert [(d.id, d.start, d.count) for d in placed] == [
        ("half-title", 0, 2), ("title-page", 2, 1), ("contents", 3, 1), ("a", 4, 2), ("b", 6, 1)]
    assert owner == ["half-title", "half-title", "title-page", "contents", "a", "a", "b"]
    assert structure(placed) == ("a", "b")
