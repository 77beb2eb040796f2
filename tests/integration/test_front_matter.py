"""The book's dedication and epigraph: display pages in print (roman-folioed front matter,
each on a recto), their own documents with DPUB-ARIA semantics in the EPUB."""

from __future__ import annotations

from pypdf import PdfReader

from tests.support.epub import EpubFile
from tests.support.pdf import find_pages

from .conftest import BuiltBook

DEDICATION = "For everyone who has lost a night to making something."
EPIGRAPH = "Variam semper dant otia mentem."


def test_print_sets_dedication_and_epigraph_on_rectos_before_the_contents(sample_book: BuiltBook) -> None:
    labels = PdfReader(sample_book.pdf).page_labels
    (dedication,) = find_pages(sample_book.pdf, DEDICATION)
    epigraph = [p for p in find_pages(sample_book.pdf, EPIGRAPH) if labels[p] != labels[p].lstrip("ivxlc")]
    contents = find_pages(sample_book.pdf, "Contents")[0]
    assert labels[dedication] == "v" and labels[epigraph[0]] == "vii"
    assert dedication % 2 == 0 and epigraph[0] % 2 == 0  # 0-based even index = recto
    assert dedication < epigraph[0] < contents


def test_epub_has_dedication_and_epigraph_documents(sample_book: BuiltBook) -> None:
    epub = EpubFile(sample_book.epub)
    hrefs = [item.href for item in epub.spine]
    assert hrefs.index("dedication.xhtml") < hrefs.index("epigraph.xhtml") < hrefs.index("nav.xhtml")
    ops = "{http://www.idpf.org/2007/ops}type"
    dedication = epub.xhtml("dedication.xhtml").xpath("//*[@id='dedication']")[0]
    assert dedication.get(ops) == "dedication" and dedication.get("role") == "doc-dedication"
    assert DEDICATION in "".join(dedication.itertext())
    epigraph = epub.xhtml("epigraph.xhtml").xpath("//*[@id='epigraph']")[0]
    assert epigraph.get(ops) == "epigraph" and epigraph.get("role") == "doc-epigraph"
    assert EPIGRAPH in "".join(epigraph.itertext())
