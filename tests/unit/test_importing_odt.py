"""`bookify import` of LibreOffice files: real .odt documents built with odfdo, read back as the
same Markdown a .docx gives."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from odfdo import (
    Annotation,
    Document,
    Element,
    Frame,
    Header,
    LineBreak,
    Link,
    List,
    Note,
    Paragraph,
    Style,
    Table,
)

from bookify.errors import ManuscriptError
from bookify.importing.essay import build_essay
from tests.support.docx_factory import picture

ORDERED = ('<text:list-style style:name="LNum"><text:list-level-style-number text:level="1" '
           'style:num-format="1" style:num-suffix="."/></text:list-style>')


def _text_style(document: Document, name: str, **properties: str) -> None:
    style = Style("text", name=name)
    style.set_properties(area="text", **properties)
    document.insert_style(style, automatic=True)


def _odt(folder: Path, name: str = "rambling.odt", build=None) -> Path:
    document = Document("text")
    document.set_language("en-GB")
    document.body.clear()
    if build:
        build(document)
    path = folder / name
    document.save(path)
    return path


def _everything(document: Document, folder: Path) -> None:
    body = document.body
    _text_style(document, "Tit", **{"fo:font-style": "italic"})
    _text_style(document, "Tbold", **{"fo:font-weight": "bold"})
    _text_style(document, "Tsc", **{"fo:font-variant": "small-caps"})
    _text_style(document, "Tsup", **{"style:text-position": "super 58%"})
    _text_style(document, "Tfr", **{"fo:language": "fr", "fo:country": "FR",
                                     "fo:font-style": "italic"})
    _text_style(document, "Tfont", **{"style:font-name": "Comic Sans MS", "fo:color": "#ff0000"})
    indent = Style("paragraph", name="Pindent")
    indent.set_properties(area="paragraph", **{"fo:margin-left": "1.5cm"})
    document.insert_style(indent, automatic=True)
    document.content.get_element("//office:automatic-styles").append(Element.from_tag(ORDERED))

    body.append(Paragraph("On Rambling", style="Title"))
    body.append(Paragraph("Jane Roe", style="Author"))
    body.append(Header(1, "The Lane"))
    first = Paragraph("It was early and bright in London, mc2 to the end.")
    first.set_span("Tit", regex="early")
    first.set_span("Tbold", regex="bright")
    first.set_span("Tsc", regex="London")
    first.set_span("Tsup", regex="2")
    first.set_span("Tfont", regex="to the end")
    first.append(Note(note_class="footnote", note_id="ftn1", citation="1",
                      body="Rambling Papers, 1902."))
    first.append(" More.")
    first.append(Note(note_class="endnote", note_id="edn1", citation="i", body="An endnote."))
    first.append(Annotation("Is this right?", creator="Ed Itor"))
    body.append(first)
    french = Paragraph("The French call it la flânerie, “walking” – always.")
    french.set_span("Tfr", regex="la flânerie")
    body.append(french)
    body.append(Paragraph("Quoted by the Quotations style.", style="Quotations"))
    body.append(Paragraph("Indented by its margin.", style="Pindent"))
    body.append(Paragraph("Back to the text."))
    body.append(Paragraph("* * *"))
    verse = Paragraph("Roses are red,")
    verse.append(LineBreak())
    verse.append("violets are blue.")
    body.append(verse)
    body.append(Paragraph(""))
    body.append(Paragraph(""))
    body.append(Paragraph("After the gap."))
    body.append(List(["boots", "map"]))
    body.append(List(["leave early", "walk far"], style="LNum"))
    table = Table("Distances", width=2, height=2)
    table.set_values([["Year", "Miles"], ["1902", "14"]])
    body.append(table)
    link = Paragraph("See ")
    link.append(Link("https://example.org/rambles", text="the guide"))
    body.append(link)
    for number, alt in ((1, "A stile in the hedge"), (2, None)):
        image = document.add_file(str(picture(folder / f"p{number}.png")))
        frame = Frame.image_frame(image, size=("2cm", "1.5cm"), anchor_type="as-char")
        if alt:
            frame.svg_title = alt
        holder = Paragraph("")
        holder.append(frame)
        body.append(holder)
    captioned = Frame.image_frame(document.add_file(str(picture(folder / "p3.png"))),
                                  size=("2cm", "1.5cm"), anchor_type="as-char")
    captioned.svg_title = "A hedge"
    holder = Paragraph("")
    holder.append(Element.from_tag(
        '<draw:frame draw:name="Figure" text:anchor-type="paragraph" svg:width="3cm">'
        '<draw:text-box><text:p text:style-name="Illustration">Figure 3: The hedge in May'
        '</text:p></draw:text-box></draw:frame>'))
    holder.get_element("//draw:text-box/text:p").insert(captioned, position=0)
    body.append(holder)
    box = Paragraph("Before the box. ")
    box.append(Element.from_tag(
        '<draw:frame draw:name="Box" text:anchor-type="as-char" svg:width="3cm">'
        '<draw:text-box><text:p>Boxed words</text:p></draw:text-box></draw:frame>'))
    body.append(box)


@pytest.fixture(scope="module")
def essay(tmp_path_factory):
    folder = tmp_path_factory.mktemp("odt")
    path = _odt(folder, build=lambda d: _everything(d, folder))
    return build_essay(path, "rambling", book_language="en")


def test_front_matter_and_headings(essay):
    assert essay.text.startswith("---\ntitle: On Rambling\nauthor: Jane Roe\n---\n\n## The Lane\n")


def test_inline_formatting_notes_and_languages(essay):
    text = essay.text
    assert ("It was *early* and **bright** in <span class=\"smallcaps\">London</span>, "
            "mc<sup>2</sup> to the end.[^1] More.[^2]") in text
    assert "[^1]: Rambling Papers, 1902.\n\n[^2]: An endnote." in text
    assert 'call it *la flânerie*{: lang="fr-FR" }, “walking” – always.' in text


def test_quotes_verse_and_scene_breaks(essay):
    text = essay.text
    assert ("> Quoted by the Quotations style.\n>\n> Indented by its margin.\n\n"
            "Back to the text.\n\n***\n\nRoses are red,\nviolets are blue.\n{: .verse }\n\n"
            "***\n\nAfter the gap.") in text


def test_lists_tables_links_and_images(essay):
    text = essay.text
    assert "- boots\n- map" in text
    assert "1. leave early\n2. walk far" in text
    assert "| Year | Miles |\n|---|---|\n| 1902 | 14 |" in text
    assert "See [the guide](https://example.org/rambles)" in text
    assert "![A stile in the hedge](images/rambling/image-1.png)" in text
    assert "![](images/rambling/image-2.png)" in text
    assert '![A hedge](images/rambling/image-3.png "Figure 3: The hedge in May")' in text
    assert essay.images["image-1.png"].startswith(b"\x89PNG")
    assert any("image 2 (images/rambling/image-2.png) has no alt text" in w
               for w in essay.report.warnings)


def test_comments_apart_and_the_report(essay):
    assert "Is this right?" not in essay.text
    assert "Is this right?" in essay.comments_text and "**Ed Itor**" in essay.comments_text
    assert "on “It was early and bright in London, mc2 to the end. More.”" in essay.comments_text
    report = essay.report.render()
    assert "not imported: text box (“Boxed words”) at paragraph 26 (“Before the box.”)" in report
    assert "Boxed words" not in essay.text
    assert "direct formatting: fonts, sizes, colours, underlining (runs) (1)" in report


def _with_tracked_changes(document: Document) -> None:
    document.body.append(Element.from_tag(
        '<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion>'
        '<office:change-info><dc:creator>Ed</dc:creator><dc:date>2026-01-01T00:00:00</dc:date>'
        '</office:change-info><text:p>short</text:p></text:deletion></text:changed-region>'
        '</text:tracked-changes>'))
    paragraph = Paragraph("The walk was ")
    paragraph.append(Element.from_tag('<text:change text:change-id="ct1"/>'))
    paragraph.append("long.")
    document.body.append(paragraph)


def test_tracked_changes_refused_then_accepted(tmp_path):
    path = _odt(tmp_path, build=_with_tracked_changes)
    with pytest.raises(ManuscriptError) as caught:
        build_essay(path, "x")
    assert "tracked changes (1 deletions)" in caught.value.message
    assert "--accept-changes" in caught.value.hint
    essay = build_essay(path, "x", accept_changes=True)
    assert "The walk was long." in essay.text and "short" not in essay.text


def test_not_an_odt_and_encrypted_files_are_refused(tmp_path):
    text = tmp_path / "notes.odt"
    text.write_text("plain text")
    with pytest.raises(ManuscriptError, match="not an OpenDocument text"):
        build_essay(text, "notes")
    sheet = tmp_path / "sheet.odt"
    with zipfile.ZipFile(sheet, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", "<x/>")
    with pytest.raises(ManuscriptError, match="spreadsheet"):
        build_essay(sheet, "sheet")
    locked = tmp_path / "locked.odt"
    with zipfile.ZipFile(locked, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        package.writestr("content.xml", b"\x00\x17encrypted")
        package.writestr("META-INF/manifest.xml", '<manifest:manifest xmlns:manifest="urn:oasis:'
                         'names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
                         'manifest:full-path="content.xml"><manifest:encryption-data/>'
                         '</manifest:file-entry></manifest:manifest>')
    with pytest.raises(ManuscriptError, match="encrypted"):
        build_essay(locked, "locked")


def test_indentation_is_no_quotation_when_most_of_the_text_is_indented(tmp_path):
    def build(document: Document) -> None:
        indent = Style("paragraph", name="Pindent")
        indent.set_properties(area="paragraph", **{"fo:margin-left": "2cm"})
        document.insert_style(indent, automatic=True)
        for number in range(3):
            document.body.append(Paragraph(f"Indented {number}.", style="Pindent"))
        document.body.append(Paragraph("Flush."))

    essay = build_essay(_odt(tmp_path, build=build), "x")
    assert ">" not in essay.text and "Indented 0.\n\nIndented 1." in essay.text
