"""The EPUB carries the print edition's page numbers: a marker where each printed page begins
and a page list in the navigation. Checked against the PDF itself: the words after each marker
are the words printed on that page."""

from __future__ import annotations

import re

import pytest
from lxml import etree
from pypdf import PdfReader

from tests.support.epub import EpubFile
from tests.support.pdf import find_pages

from .conftest import BuiltBook

OPS = "http://www.idpf.org/2007/ops"
XHTML = "http://www.w3.org/1999/xhtml"


@pytest.fixture(params=["sample_book", "features_book"])
def book(request: pytest.FixtureRequest) -> BuiltBook:
    return request.getfixturevalue(request.param)


def markers(epub: EpubFile) -> list[tuple[str, str, str]]:
    """(label, document, the words that follow the marker) for every page-break marker."""
    found = []
    for item in epub.spine:
        root = epub.xhtml(item.href)
        for span in root.iter(f"{{{XHTML}}}span"):
            if span.get(f"{{{OPS}}}type") == "pagebreak":
                following = "".join(_text_after(span))
                found.append((span.get("aria-label"), item.href, " ".join(following.split())))
    return found


def stacked(epub: EpubFile) -> set[str]:
    """Labels of markers set right after the previous one: pages with no text of their own
    in the EPUB (blank versos, a contents page's second page), placed after the page before."""
    labels = set()
    for item in epub.spine:
        for span in epub.xhtml(item.href).iter(f"{{{XHTML}}}span"):
            before = span.getprevious()
            if (span.get(f"{{{OPS}}}type") == "pagebreak" and before is not None
                    and before.get(f"{{{OPS}}}type") == "pagebreak" and not (before.tail or "").strip()):
                labels.add(span.get("aria-label"))
    return labels


def _text_after(span: etree._Element):
    """The text after `span` in document order, stopping at the next page-break marker."""
    yield span.tail or ""
    node = span
    while node is not None:
        if node is not span:
            yield node.tail or ""
        for sibling in node.itersiblings():
            for inner in sibling.iter():
                if inner.get(f"{{{OPS}}}type") == "pagebreak":
                    return
                if isinstance(inner.tag, str):
                    yield inner.text or ""
            yield sibling.tail or ""
        node = node.getparent()


def test_the_page_list_lists_every_page_of_the_text_in_order(book: BuiltBook) -> None:
    epub = EpubFile(book.epub)
    page_list = epub.nav.xpath("//*[local-name()='nav'][@*[local-name()='type']='page-list']")
    assert len(page_list) == 1 and page_list[0].get("hidden") is not None
    listed = [a.text for a in page_list[0].iter(f"{{{XHTML}}}a")]
    labels = PdfReader(book.pdf).page_labels
    first_text = labels.index("1")
    assert listed[listed.index("1"):] == labels[first_text:], "every page from 1 to the end"
    assert [label for label, _, _ in markers(epub)] == listed
    for a in page_list[0].iter(f"{{{XHTML}}}a"):
        href, fragment = a.get("href").split("#")
        assert epub.xhtml(href).xpath(f"//*[@id='{fragment}']"), a.get("href")


def test_each_marker_stands_where_its_page_begins_in_print(book: BuiltBook) -> None:
    labels = PdfReader(book.pdf).page_labels
    epub = EpubFile(book.epub)
    checked = 0
    skip = stacked(epub)
    for label, document, words in markers(epub):
        if label in skip:
            continue
        # The first run of plain words on the page (a dash or a note call ends a run: the PDF's
        # text may break or space the line there).
        runs = [run.strip() for run in re.findall(r"[\w’'“”,.;: -]+", words)]
        snippet = next((run[:14].strip() for run in runs if len(run) >= 8), "")
        if len(snippet) < 8:
            continue  # a blank page, or one that holds only a figure
        pages = find_pages(book.pdf, snippet, ignore_case=True)
        assert labels.index(label) in pages, (label, document, snippet, [labels[p] for p in pages])
        checked += 1
    # Fewer than 5 means most markers have no text after them: see the next test.
    assert checked >= 5, f"only {checked} markers could be checked against the print pages"


def test_a_blank_page_is_marked_after_the_text_of_the_page_before(book: BuiltBook) -> None:
    """A blank verso has no text of its own: its marker belongs after the last words of the page
    before (just before the next page's marker), so that no text follows it. Set before the
    page before's text, it leaves that page's marker with nothing after it, and "go to page 4"
    opens on the text of page 3."""
    labels = PdfReader(book.pdf).page_labels
    printed = book.printed.pages
    wrong = [(label, document, words[:50]) for label, document, words in markers(EpubFile(book.epub))
             if not printed[labels.index(label)].strip() and words.strip()]
    assert not wrong, f"(label of a blank print page, document, the text after its marker) {wrong}"


def test_the_print_edition_is_named_as_the_page_source(book: BuiltBook) -> None:
    epub = EpubFile(book.epub)
    # The first dc:source is the print edition; the texts' own sources may follow it.
    sources = epub.metadata("dc:source")
    assert sources and epub.metadata("pageBreakSource") == sources[:1]
    assert "print edition" in sources[0] or sources[0].startswith("urn:isbn:")
    assert "printPageNumbers" in epub.metadata("schema:accessibilityFeature")
