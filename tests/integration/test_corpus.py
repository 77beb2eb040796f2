"""Books of real size: the 49 essays of ../shared/corpus/anthology-large, edited into one
anthology (≈175,000 words, 500+ pages), and the eleven of anthology-small.

The build time and page count are written to the terminal report ("bookify builds").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.pdf import outline

from .bookcheck import folio
from .conftest import PROJECTS, BuiltBook, build_corpus_book

pytestmark = pytest.mark.slow

ESSAYS = 49


def plain_anthology(corpus: Path, tmp_path_factory: pytest.TempPathFactory, name: str,
                    title: str) -> BuiltBook:
    """A project of the corpus anthology `name` with only a title and an editor, built once."""
    root = tmp_path_factory.mktemp(name) / name
    root.mkdir()
    (root / "bookify.toml").write_text(
        f'[book]\ntitle = "{title}"\neditors = ["A. N. Editor"]\n', encoding="utf-8"
    )
    return build_corpus_book(root, corpus / name, name)


# The 49 essays are built once per session as `large_book` (tests/integration/conftest.py: in
# seven parts, with contributors), shared with test_anthology.py and test_print_rules.py, which
# check its nav and contents pages; a plain book of the corpus is anthology-small's, below.


def _titles_in_contents_order(corpus: Path) -> list[str]:
    """The essays' titles as their front matter writes them, in the order the anthology-large
    project's `contents` lists them: what the book should hold, read without bookify."""
    import tomllib

    import yaml

    config = tomllib.loads((PROJECTS / "anthology-large" / "bookify.toml").read_text("utf-8"))
    titles = []
    for name in (name for part in config["contents"] for name in part["essays"]):
        front = (corpus / "anthology-large" / name).read_text(encoding="utf-8").split("---", 2)[1]
        titles.append(_straight(yaml.safe_load(front)["title"]))
    return titles


def _straight(text: str) -> str:
    """`text` with typographic quotes and apostrophes made straight (the book curls them)."""
    return text.translate(str.maketrans("‘’“”", "''\"\""))


def test_every_essay_is_in_the_book(large_book: BuiltBook, corpus: Path) -> None:
    """The EPUB's navigation lists every essay of the corpus, by the title its file gives, in
    the order `contents` sets (compared with the files, not with bookify's own reading)."""
    assert len(list((corpus / "anthology-large").glob("[0-9][0-9]-*.md"))) == ESSAYS
    expected = _titles_in_contents_order(corpus)
    assert len(expected) == ESSAYS
    assert [_straight(title) for level, title in large_book.nav_titles() if level == 2] == expected


def test_epubcheck_is_clean(large_book: BuiltBook) -> None:
    result = large_book.epubcheck
    assert (result.fatals, result.errors, result.warnings) == (0, 0, 0), result.summary()


def test_pdf_outline_has_49_essays(large_book: BuiltBook, corpus: Path) -> None:
    """The outline's titles and order; that each entry lands on its opener is checked on the
    small anthology below (reading the text of 570 pages costs a minute of the suite)."""
    entries = outline(large_book.pdf_edition("digital"))  # KDP's print file has none
    essays = [e for e in entries if e.level == 2]
    assert [_straight(e.title) for e in essays] == _titles_in_contents_order(corpus)
    assert len({e.page_index for e in essays}) == ESSAYS, "each essay's entry has its own page"


# ---------------------------------------------------------------------------- anthology-small
# The eleven essays of ../shared/corpus/anthology-small (≈27,000 words), built once (PDF and
# EPUB in one build() call) and read by every test below.

SMALL_ESSAYS = 11


@pytest.fixture(scope="module")
def small_corpus_book(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    return plain_anthology(corpus, tmp_path_factory, "anthology-small", "The Small Anthology")


def _front_matter_titles(folder: Path) -> list[str]:
    """Each essay's `title:` as written in its front matter, in file-name order."""
    import yaml

    titles = []
    for path in sorted(folder.glob("[0-9][0-9]-*.md")):
        front = path.read_text(encoding="utf-8").split("---", 2)[1]
        titles.append(yaml.safe_load(front)["title"])
    return titles


def test_small_epubcheck_is_clean(small_corpus_book: BuiltBook) -> None:
    result = small_corpus_book.epubcheck
    assert (result.fatals, result.errors, result.warnings) == (0, 0, 0), result.summary()


def test_small_nav_lists_11_essays_in_file_name_order(small_corpus_book: BuiltBook, corpus: Path) -> None:
    titles = _front_matter_titles(corpus / "anthology-small")
    assert len(titles) == SMALL_ESSAYS
    entries = small_corpus_book.ebook.toc_entries()
    assert len(entries) == SMALL_ESSAYS and {level for level, _, _ in entries} == {1}
    assert small_corpus_book.nav_titles() == [(1, t) for t in titles]
    spine = [item.href for item in small_corpus_book.ebook.spine]
    hrefs = [href for _, _, href in entries]
    assert len(set(hrefs)) == SMALL_ESSAYS and all(h in spine for h in hrefs)
    assert sorted(hrefs, key=spine.index) == hrefs, "the nav's order is the reading order"


def test_small_contents_page_numbers_are_the_openers_folios(small_corpus_book: BuiltBook) -> None:
    printed = small_corpus_book.printed
    titles = small_corpus_book.essay_titles
    assert len(titles) == SMALL_ESSAYS
    listed = printed.contents_numbers(titles)
    openers = printed.opener_pages(titles)
    found = [folio(printed.pages[i]) for i in openers]
    wrong = [(t, n, f) for t, n, f in zip(titles, listed, found) if str(n) != f]
    assert not wrong, f"(title, contents says, folio printed) {wrong}"
    assert all((i + 1) % 2 == 1 for i in openers), "every essay opens on a recto"


def test_small_pdf_outline_has_11_entries_on_the_openers(small_corpus_book: BuiltBook) -> None:
    entries = outline(small_corpus_book.pdf_edition("digital"))
    assert [(e.level, e.title) for e in entries] == [(1, t) for t in small_corpus_book.essay_titles]
    openers = small_corpus_book.printed_edition("digital").opener_pages(small_corpus_book.essay_titles)
    assert [e.page_index for e in entries] == openers
