"""Unit tests for tests.support.pdf against small PDFs built here with WeasyPrint and pypdf."""

from __future__ import annotations

from pathlib import Path

import pytest
import weasyprint
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from tests.support import pdf

BOOK_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Support Sample</title>
  <meta name="author" content="Ada Lovelace">
  <meta name="keywords" content="essays, testing">
  <meta name="description" content="A three-page sample">
  <meta name="generator" content="bookify-tests">
  <style>
    @page { size: 5in 8in; margin: 0.5in }
    h1 { break-before: page }
    .narrow { width: 1.3in; hyphens: manual }
  </style>
</head>
<body>
  <h1 id="a">Alpha Chapter</h1>
  <p>She said “hello” and it’s fine. <a href="#b">beta</a>
     or <a href="https://example.com/">the web</a>.</p>
  <p>line one<br>line two</p>
  <p class="narrow">Incompre&shy;hensibilities abound</p>
  <p class="narrow"><a href="#c">on to the gamma chapter</a></p>
  <h1 id="b">Beta Chapter</h1>
  <h2 id="b1">Beta Section</h2>
  <p>Unique beta text.</p>
  <h1 id="c">Gamma Chapter</h1>
  <p>Unique gamma text, and SHOUTING.</p>
</body>
</html>
"""

BLEED_HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bleed</title>
<style>@page { size: 5in 8in; bleed: 0.125in; marks: crop }</style></head>
<body><p>Bleed page</p></body></html>"""

# 5in x 8in in PostScript points.
WIDTH, HEIGHT = 360.0, 576.0


@pytest.fixture(scope="module")
def book_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "book.pdf"
    weasyprint.HTML(string=BOOK_HTML).write_pdf(path)
    return path


@pytest.fixture(scope="module")
def bleed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "bleed.pdf"
    weasyprint.HTML(string=BLEED_HTML).write_pdf(path)
    return path


@pytest.fixture(scope="module")
def bare_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One page, no TrimBox, an unembedded standard-14 font: what a careless producer writes."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=300)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    path = tmp_path_factory.mktemp("pdf") / "bare.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _rewrite_first_link(source: Path, target: Path, mode: str) -> Path:
    """Copy ``source`` replacing the first internal link's named /Dest with an explicit array or a GoTo action."""
    writer = PdfWriter(clone_from=PdfReader(source))
    annot = writer.pages[0]["/Annots"][0].get_object()
    assert annot["/Dest"] == "b"
    explicit = ArrayObject([writer.pages[1].indirect_reference, NameObject("/Fit")])
    del annot[NameObject("/Dest")]
    if mode == "explicit":
        annot[NameObject("/Dest")] = explicit
    elif mode == "goto-explicit":
        annot[NameObject("/A")] = DictionaryObject(
            {NameObject("/S"): NameObject("/GoTo"), NameObject("/D"): explicit}
        )
    elif mode == "goto-named":
        annot[NameObject("/A")] = DictionaryObject(
            {NameObject("/S"): NameObject("/GoTo"), NameObject("/D"): TextStringObject("b")}
        )
    elif mode == "dangling":
        annot[NameObject("/Dest")] = TextStringObject("nowhere")
    with target.open("wb") as handle:
        writer.write(handle)
    return target


def test_page_sizes_and_trim_boxes(book_pdf: Path) -> None:
    assert pdf.page_sizes(book_pdf) == [pytest.approx((WIDTH, HEIGHT))] * 3
    assert pdf.trim_boxes(book_pdf) == [pytest.approx((WIDTH, HEIGHT))] * 3


def test_bleed_grows_media_box_but_not_trim_box(bleed_pdf: Path) -> None:
    bleed = 0.125 * 72
    assert pdf.page_sizes(bleed_pdf) == [pytest.approx((WIDTH + 2 * bleed, HEIGHT + 2 * bleed))]
    assert pdf.trim_boxes(bleed_pdf) == [pytest.approx((WIDTH, HEIGHT))]


def test_trim_boxes_missing(bare_pdf: Path) -> None:
    with pytest.raises(LookupError, match="TrimBox"):
        pdf.trim_boxes(bare_pdf)
    assert pdf.trim_boxes(bare_pdf, strict=False) == [(200.0, 300.0)]
    assert pdf.page_sizes(bare_pdf) == [(200.0, 300.0)]


def test_page_texts(book_pdf: Path) -> None:
    texts = pdf.page_texts(book_pdf)
    assert len(texts) == 3
    first = texts[0].splitlines()
    assert first[0] == "Alpha Chapter"
    assert "line one" in first and "line two" in first  # <br> keeps its line structure
    assert "Incompre\u2010" in first  # automatic hyphen character, U+2010
    assert texts[1].splitlines()[:2] == ["Beta Chapter", "Beta Section"]
    assert texts[2].splitlines()[0] == "Gamma Chapter"
    for text in texts:
        assert "  " not in text and "\r" not in text
        assert all(line == line.strip() and line for line in text.splitlines())


def test_normalize_text() -> None:
    assert pdf.normalize_text(" a\u00a0 b\r\n\r\n  c\u200b d \n") == "a b\nc d"
    assert pdf.normalize_text("e\u0301") == "\u00e9"


def test_find_pages(book_pdf: Path) -> None:
    assert pdf.find_pages(book_pdf, "Unique beta text.") == [1]
    assert pdf.find_pages(book_pdf, "Chapter") == [0, 1, 2]
    assert pdf.find_pages(book_pdf, "nowhere to be found") == []
    # Whitespace and line breaks in the PDF or the needle don't matter.
    assert pdf.find_pages(book_pdf, "line one   line\ntwo") == [0]


def test_find_pages_hyphenation(book_pdf: Path) -> None:
    assert pdf.find_pages(book_pdf, "Incomprehensibilities abound") == [0]
    assert pdf.find_pages(book_pdf, "Incomprehensibilities", join_hyphenated=False) == []


def test_find_pages_quotes_are_strict_unless_asked(book_pdf: Path) -> None:
    assert pdf.find_pages(book_pdf, "She said “hello” and it’s fine.") == [0]
    assert pdf.find_pages(book_pdf, "She said \"hello\" and it's fine.") == []
    assert pdf.find_pages(book_pdf, "She said \"hello\" and it's fine.", normalize_quotes=True) == [0]


def test_find_pages_case(book_pdf: Path) -> None:
    assert pdf.find_pages(book_pdf, "shouting") == []
    assert pdf.find_pages(book_pdf, "shouting", ignore_case=True) == [2]


def test_find_pages_rejects_blank(book_pdf: Path) -> None:
    with pytest.raises(ValueError):
        pdf.find_pages(book_pdf, "  \n")


def test_outline(book_pdf: Path) -> None:
    assert pdf.outline(book_pdf) == [
        pdf.OutlineEntry("Alpha Chapter", 0, 1),
        pdf.OutlineEntry("Beta Chapter", 1, 1),
        pdf.OutlineEntry("Beta Section", 1, 2),
        pdf.OutlineEntry("Gamma Chapter", 2, 1),
    ]
    entry = pdf.outline(book_pdf)[2]
    assert (entry.title, entry.page_index, entry.level) == ("Beta Section", 1, 2)


def test_outline_empty(bare_pdf: Path) -> None:
    assert pdf.outline(bare_pdf) == []


def test_link_targets_named_destination(book_pdf: Path) -> None:
    # WeasyPrint writes /Dest (b) resolved through /Root /Names /Dests; the
    # external https link is not reported.  A link broken over several lines
    # becomes one annotation per line.
    links = pdf.link_targets(book_pdf)
    assert links[0] == (0, 1)
    assert len(links) >= 3 and set(links[1:]) == {(0, 2)}


@pytest.mark.parametrize("mode", ["explicit", "goto-explicit", "goto-named"])
def test_link_targets_other_forms(book_pdf: Path, tmp_path: Path, mode: str) -> None:
    variant = _rewrite_first_link(book_pdf, tmp_path / f"{mode}.pdf", mode)
    assert pdf.link_targets(variant) == pdf.link_targets(book_pdf)


def test_link_targets_dangling(book_pdf: Path, tmp_path: Path) -> None:
    variant = _rewrite_first_link(book_pdf, tmp_path / "dangling.pdf", "dangling")
    with pytest.raises(LookupError, match="nowhere"):
        pdf.link_targets(variant)


def test_fonts_embedded_subsets(book_pdf: Path) -> None:
    found = pdf.fonts(book_pdf)
    assert found, "a page with text uses at least one font"
    assert len({f.base_font for f in found}) == len(found), "each font reported once"
    for font in found:
        assert font.embedded and font.subset, font
        assert font.subtype == "Type0"  # WeasyPrint embeds every font as a CID-keyed subset
        assert font.font_file in {"FontFile2", "FontFile3"}
        assert font.base_font.endswith(font.name) and "+" not in font.name
    # The h1/h2 headings are bold, the body is regular: at least two faces.
    assert len({f.name for f in found}) >= 2


def test_fonts_not_embedded(bare_pdf: Path) -> None:
    assert pdf.fonts(bare_pdf) == [pdf.FontInfo("Helvetica", "Type1", False, False, None)]


def test_metadata(book_pdf: Path) -> None:
    info = pdf.metadata(book_pdf)
    assert info["Title"] == "Support Sample"
    assert info["Author"] == "Ada Lovelace"
    assert info["Keywords"] == "essays, testing"
    assert info["Subject"] == "A three-page sample"
    assert info["Creator"] == "bookify-tests"
    assert info["Producer"].startswith("WeasyPrint")


def test_metadata_absent(bare_pdf: Path) -> None:
    assert "Title" not in pdf.metadata(bare_pdf)


# --------------------------------------------------------------------------- boxes, annotations, images

IMAGE_HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Images</title>
<style>@page { size: 3in 3in; margin: 0.25in } .next { break-before: page }</style></head>
<body><p>Text only.</p>
<p class="next"><img alt="dot" style="width: 1in; height: 1in"
 src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"></p>
<p class="next">More text.</p></body></html>"""


def test_page_boxes_give_each_box_with_its_origin(book_pdf: Path, bleed_pdf: Path) -> None:
    assert pdf.page_boxes(book_pdf) == [pdf.PageBoxes((0.0, 0.0, WIDTH, HEIGHT), (0.0, 0.0, WIDTH, HEIGHT),
                                                      (0.0, 0.0, WIDTH, HEIGHT))] * 3
    # WeasyPrint's own bleed grows the sheet on all four sides, around a TrimBox at the origin.
    bleed = 9.0
    (boxes,) = pdf.page_boxes(bleed_pdf)
    assert boxes.media == (-bleed, -bleed, WIDTH + bleed, HEIGHT + bleed)
    assert boxes.trim == (0.0, 0.0, WIDTH, HEIGHT)
    assert boxes.bleed == boxes.media


def test_page_boxes_without_trim_or_bleed_box(bare_pdf: Path) -> None:
    assert pdf.page_boxes(bare_pdf) == [pdf.PageBoxes((0.0, 0.0, 200.0, 300.0), None, None)]


def test_annotations_list_every_link_internal_or_not(book_pdf: Path, bare_pdf: Path) -> None:
    found = pdf.annotations(book_pdf)
    assert {subtype for _, subtype in found} == {"Link"}
    assert len(found) > len(pdf.link_targets(book_pdf)), "the https link is an annotation too"
    assert {page for page, _ in found} == {0}
    assert pdf.annotations(bare_pdf) == []


def test_pages_drawing_images(tmp_path: Path, book_pdf: Path) -> None:
    path = tmp_path / "images.pdf"
    weasyprint.HTML(string=IMAGE_HTML).write_pdf(path)
    assert pdf.pages_drawing_images(path) == [1]
    assert pdf.pages_drawing_images(book_pdf) == []
