"""A book of real size: the 49 essays of ../shared/corpus/anthology-large, edited into one
anthology (≈175,000 words, 500+ pages). Slow (about a minute and a half): run with `-m slow`.

The build time and page count are written to the terminal report ("bookify builds").
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.support.pdf import outline

from .bookcheck import folio
from .conftest import REPORT, BuiltBook, build_project

pytestmark = pytest.mark.slow

ESSAYS = 49


@pytest.fixture(scope="module")
def corpus_book(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    root = tmp_path_factory.mktemp("corpus") / "anthology-large"
    (root / "manuscripts").mkdir(parents=True)
    for source in sorted((corpus / "anthology-large").glob("[0-9][0-9]-*.md")):
        shutil.copy2(source, root / "manuscripts" / source.name)
    (root / "bookify.toml").write_text(
        '[book]\ntitle = "The Large Anthology"\neditors = ["A. N. Editor"]\n', encoding="utf-8"
    )
    started = time.perf_counter()
    book = build_project(root, ["pdf", "epub"], root / "build", "anthology-large")
    seconds = time.perf_counter() - started
    pages = book.pages_reported()
    REPORT.append(f"anthology-large: PDF + EPUB built in {seconds:.1f} s; {pages} pages, "
                  f"{book.rendered.words:,} words")
    return book


def test_every_essay_is_in_the_book(corpus_book: BuiltBook, corpus: Path) -> None:
    assert len(list((corpus / "anthology-large").glob("[0-9][0-9]-*.md"))) == ESSAYS
    assert len(corpus_book.essay_titles) == ESSAYS


def test_nav_lists_49_essays_in_file_name_order(corpus_book: BuiltBook) -> None:
    entries = corpus_book.ebook.toc_entries()
    assert len(entries) == ESSAYS and {level for level, _, _ in entries} == {1}
    assert corpus_book.nav_titles() == [(1, t) for t in corpus_book.essay_titles]
    assert len({href for _, _, href in entries}) == ESSAYS, "two essays share a file (same-named essays)"


def test_epubcheck_is_clean(corpus_book: BuiltBook) -> None:
    result = corpus_book.epubcheck
    assert (result.fatals, result.errors, result.warnings) == (0, 0, 0), result.summary()


def test_pdf_outline_has_49_entries_on_the_openers(corpus_book: BuiltBook) -> None:
    entries = outline(corpus_book.pdf)
    assert [(e.level, e.title) for e in entries] == [(1, t) for t in corpus_book.essay_titles]
    openers = corpus_book.printed.opener_pages(corpus_book.essay_titles)
    assert [e.page_index for e in entries] == openers


def test_every_contents_page_number_is_the_openers_folio(corpus_book: BuiltBook) -> None:
    printed = corpus_book.printed
    titles = corpus_book.essay_titles
    listed = printed.contents_numbers(titles)
    openers = printed.opener_pages(titles)
    found = [folio(printed.pages[i]) for i in openers]
    wrong = [(t, n, f) for t, n, f in zip(titles, listed, found) if str(n) != f]
    assert not wrong, f"(title, contents says, folio printed) {wrong}"
    assert all((i + 1) % 2 == 1 for i in openers), "every essay opens on a recto"
