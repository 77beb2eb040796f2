"""`bookify import` of Word files: real .docx documents built with python-docx (notes, tracked
changes and text boxes added as Word writes them), read back as the essay's Markdown."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from bookify.errors import ManuscriptError
from bookify.importing.essay import build_essay
from tests.support.docx_factory import Manuscript, picture

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def essay(tmp_path_factory):
    """One contributor's essay using every element the import keeps or drops."""
    folder = tmp_path_factory.mktemp("docx")
    m = Manuscript(language="en-GB")
    m.title("On Walking", subtitle="A Ramble in Four Parts", author="Jane Roe")
    m.heading("The Road", 1)
    call = m.para("It was ", ("early", {"italic": True}), " and ", ("bright", {"bold": True}),
                  " in ", ("London", {"small_caps": True}), "; E = mc", ("2", {"superscript": True}),
                  " and H", ("2", {"subscript": True}), "O.",
                  ("Walking Papers, 1901, p.\u00a012.", {"footnote": True}),
                  " Then the end.", ("An endnote at the back.", {"endnote": True}),
                  " And again.", ("A second footnote.", {"footnote": True}))
    m.comment(call, "Check the date of this walk")
    m.para("As the French say, ", ("la flânerie", {"italic": True, "lang": "fr-FR"}),
           f" is an{NBSP}art — “walk,” she said, ‘slowly’ – always.",
           (" In red Comic Sans.", {"font": "Comic Sans MS", "colour": "FF0000"}))
    m.para(("Tout ce paragraphe est en français.", {"lang": "fr-FR"}))
    m.heading("Quotations", 2)
    m.para("A quotation set in Word’s Quote style.", style="Quote")
    m.para("An indented quotation, set off by its margin.", indent_cm=1.5)
    m.para("Back to the text.")
    m.para("* * *", centre=True)
    m.para("Roses are red,\nviolets are blue,\nsugar is sweet.")
    m.para("First line in the Verse style", style="Verse")
    m.para("second line in the Verse style", style="Verse")
    m.para("#")
    m.para("After the hash break.")
    m.empty(3)
    m.para("After the empty paragraphs.")
    m.empty(1)
    m.para("One empty paragraph is only spacing.")
    m.heading("Lists and tables", 1)
    m.para("Boots", style="List Bullet")
    m.para("Map", style="List Bullet")
    m.para("Leave early", style="List Number")
    m.para("Walk far", style="List Number")
    table = m.document.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "Year", (0, 1): "Miles", (1, 0): "1901",
                             (1, 1): "12"}.items():
        table.cell(row, col).text = text
    link = m.para("See ")
    m.link(link, "the walkers’ guide", "https://example.org/walks")
    m.image(picture(folder / "chalk.png"), "A chalk pit on the Downs")
    m.image(picture(folder / "stile.png"), None)
    m.para("Styled oddly.", style="Fancy Custom")
    m.para("Literal *stars* and _underscores_ and [brackets].")
    m.text_box("A pull quote in a box")
    m.equation()
    m.chart()
    path = m.save(folder / "on-walking.docx")
    return build_essay(path, "on-walking", book_language="en")


def body(essay) -> str:
    return essay.text.split("---\n", 2)[2]


def test_front_matter_from_the_title_subtitle_and_author_styles(essay):
    assert essay.text.startswith("---\ntitle: On Walking\nsubtitle: A Ramble in Four Parts\n"
                                 "author: Jane Roe\n---\n")
    assert "On Walking" not in body(essay) and "Jane Roe" not in body(essay)


def test_headings_start_at_level_two(essay):
    assert "\n## The Road\n" in body(essay)
    assert "\n### Quotations\n" in body(essay)
    assert "\n## Lists and tables\n" in body(essay)


def test_inline_emphasis_small_caps_superscript_subscript(essay):
    text = body(essay)
    assert "It was *early* and **bright** in <span class=\"smallcaps\">London</span>" in text
    assert "E = mc<sup>2</sup> and H<sub>2</sub>O." in text


def test_footnotes_and_endnotes_become_notes_numbered_in_order(essay):
    text = body(essay)
    assert "O.[^1] Then the end.[^2] And again.[^3]" in text
    assert "[^1]: Walking Papers, 1901, p.\u00a012." in text
    assert "[^2]: An endnote at the back." in text
    assert "[^3]: A second footnote." in text
    assert text.rstrip().endswith("[^3]: A second footnote.")
    assert essay.report.notes == 3


def test_languages_typography_and_non_breaking_spaces_as_written(essay):
    text = body(essay)
    assert '*la flânerie*{: lang="fr-FR" }' in text
    assert f"is an{NBSP}art — “walk,” she said, ‘slowly’ – always." in text
    assert 'Tout ce paragraphe est en français.\n{: lang="fr-FR" }' in text
    assert "lang:" not in essay.text.split("---\n", 2)[1]  # the essay is in the book's language


def test_block_quotes_by_style_and_by_indentation(essay):
    assert ("> A quotation set in Word’s Quote style.\n>\n"
            "> An indented quotation, set off by its margin.\n\nBack to the text.") in body(essay)


def test_verse_keeps_its_lines(essay):
    text = body(essay)
    assert "Roses are red,\nviolets are blue,\nsugar is sweet.\n{: .verse }" in text
    assert ("First line in the Verse style\nsecond line in the Verse style\n{: .verse }"
            in text)


def test_scene_breaks_from_marks_and_runs_of_empty_paragraphs(essay):
    text = body(essay)
    assert "Back to the text.\n\n***\n\nRoses are red," in text
    assert "{: .verse }\n\n***\n\nAfter the hash break." in text
    assert "After the hash break.\n\n***\n\nAfter the empty paragraphs." in text
    assert "After the empty paragraphs.\n\nOne empty paragraph is only spacing." in text
    assert "* * *" not in text and "\n#\n" not in text


def test_lists_tables_and_links(essay):
    text = body(essay)
    assert "- Boots\n- Map" in text
    assert "1. Leave early\n2. Walk far" in text
    assert "| Year | Miles |\n|---|---|\n| 1901 | 12 |" in text
    assert "See [the walkers’ guide](https://example.org/walks)" in text


def test_images_with_alt_text_and_a_warning_without(essay):
    text = body(essay)
    assert "![A chalk pit on the Downs](images/on-walking/image-1.png)" in text
    assert "![](images/on-walking/image-2.png)" in text
    assert sorted(essay.images) == ["image-1.png", "image-2.png"]
    assert essay.images["image-1.png"].startswith(b"\x89PNG")
    assert [w for w in essay.report.warnings if "image 2 (images/on-walking/image-2.png) has "
            "no alt text" in w]
    assert not [w for w in essay.report.warnings if "image 1" in w]


def test_markdown_characters_in_the_text_are_escaped(essay):
    assert r"Literal \*stars\* and \_underscores\_ and \[brackets\]." in body(essay)


def test_comments_are_kept_apart_never_in_the_text(essay):
    assert "Check the date" not in essay.text
    assert essay.report.comments == 1
    assert "**Ed Itor**" in essay.comments_text
    assert "Check the date of this walk" in essay.comments_text
    assert "on “It was early and bright in London" in essay.comments_text


def test_report_lists_what_was_dropped_and_not_imported(essay):
    report = essay.report.render()
    assert "unknown styles, set as plain text: paragraph style 'Fancy Custom' (1×)" in report
    assert "not imported: text box (“A pull quote in a box”) at paragraph" in report
    assert "not imported: equation at paragraph" in report
    assert "not imported: chart at paragraph" in report and "(“Miles walked by year:”)" in report
    assert "direct formatting: fonts, sizes, colours, underlining (runs) (1)" in report
    assert "empty paragraphs used for spacing" in report
    assert "A pull quote in a box" not in essay.text and "a+b" not in essay.text
    assert "In red Comic Sans." in essay.text  # the text stays, its font and colour go


def _tracked(tmp_path: Path) -> Path:
    m = Manuscript()
    paragraph = m.para("The walk was ")
    m.tracked_deletion(paragraph, "short")
    m.tracked_insertion(paragraph, "long")
    return m.save(tmp_path / "tracked.docx")


def test_tracked_changes_are_refused_with_a_clear_message(tmp_path):
    with pytest.raises(ManuscriptError) as caught:
        build_essay(_tracked(tmp_path), "tracked")
    message = caught.value.render()
    assert "tracked.docx: the document has tracked changes (1 deletions, 1 insertions)" in message
    assert "--accept-changes" in message and "Accept All" in message


def test_tracked_changes_accepted_on_request(tmp_path):
    essay = build_essay(_tracked(tmp_path), "tracked", accept_changes=True)
    assert "The walk was long" in essay.text and "short" not in essay.text
    assert "tracked changes accepted: 1 deletions, 1 insertions" in essay.report.render()


def test_title_from_a_lone_first_heading_then_the_file_name(tmp_path):
    m = Manuscript()
    m.heading("Of Idleness", 1)
    m.para("Text.")
    m.heading("A section", 2)
    essay = build_essay(m.save(tmp_path / "x.docx"), "x")
    assert essay.text.startswith("---\ntitle: Of Idleness\n---\n\nText.\n\n## A section\n")
    m = Manuscript()
    m.para("Only text.")
    essay = build_essay(m.save(tmp_path / "03-on_idle_hours.docx"), "x",
                        author="Ann Smith")
    assert essay.text.startswith("---\ntitle: on idle hours\nauthor: Ann Smith\n---\n")
    assert "title from the file name" in essay.report.render()


def test_an_essay_in_another_language_than_the_book_says_so(tmp_path):
    m = Manuscript(language="fr-FR")
    m.para("Il était une fois.")
    essay = build_essay(m.save(tmp_path / "fr.docx"), "fr", book_language="en")
    assert "\nlang: fr-FR\n" in essay.text
    assert "{: lang" not in essay.text


@pytest.mark.parametrize(("content", "message"), [
    (b"Just some text, not a document at all.", "not a Word document: the file is not a .docx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64,
     "the document is encrypted (password-protected)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old Word 97–2003 .doc file"),
])
def test_non_word_encrypted_and_old_files_get_a_clear_error(tmp_path, content, message):
    path = tmp_path / "contribution.docx"
    path.write_bytes(content)
    with pytest.raises(ManuscriptError) as caught:
        build_essay(path, "contribution")
    assert caught.value.location.path == path
    assert message in caught.value.message
    assert caught.value.hint


def test_a_damaged_document_gets_a_clear_error(tmp_path):
    m = Manuscript()
    m.para("Some text.")
    good = m.save(tmp_path / "good.docx")
    damaged = tmp_path / "damaged.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    with pytest.raises(ManuscriptError) as caught:
        build_essay(damaged, "damaged")
    assert re.search(r"damaged: word/document.xml is not well-formed XML", caught.value.message)


def test_a_word_table_of_contents_is_dropped_and_tiff_pictures_become_png(tmp_path):
    from docx.oxml import parse_xml
    from PIL import Image

    from tests.support.docx_factory import NSDECL

    m = Manuscript()
    m.document.element.body.insert(0, parse_xml(
        f'<w:sdt {NSDECL}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
        f'</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Contents entry 1</w:t></w:r>'
        f'</w:p></w:sdtContent></w:sdt>'))
    m.para("The text.")
    Image.new("RGB", (20, 20), (10, 90, 30)).save(tmp_path / "scan.tif")
    m.image(tmp_path / "scan.tif", "A scanned map")
    essay = build_essay(m.save(tmp_path / "toc.docx"), "toc")
    assert "Contents entry" not in essay.text
    assert "generated tables of contents (1)" in essay.report.render()
    assert "![A scanned map](images/toc/image-1.png)" in essay.text
    assert essay.images["image-1.png"].startswith(b"\x89PNG")


def test_a_caption_under_a_picture_becomes_its_caption(tmp_path):
    m = Manuscript()
    m.image(picture(tmp_path / "gate.png"), "A five-bar gate")
    m.para("Figure 1: The gate at \"Long Acre\", 1901", style="Caption")
    m.para("A caption with no picture above stays a paragraph.", style="Caption")
    essay = build_essay(m.save(tmp_path / "fig.docx"), "fig")
    assert ('![A five-bar gate](images/fig/image-1.png "Figure 1: The gate at \\"Long Acre\\", '
            '1901")\n\nA caption with no picture above stays a paragraph.\n') in essay.text


def test_indentation_is_no_quotation_when_most_of_the_text_is_indented(tmp_path):
    m = Manuscript()
    for number in range(3):
        m.para(f"Paragraph {number}, indented like all the others.", indent_cm=1.5)
    m.para("One flush paragraph.")
    essay = build_essay(m.save(tmp_path / "indented.docx"), "indented")
    assert ">" not in essay.text
    assert "Paragraph 0, indented like all the others.\n\nParagraph 1" in essay.text


def test_an_embedded_document_between_paragraphs_is_reported_after_the_one_before(tmp_path):
    from docx.oxml import parse_xml

    from tests.support.docx_factory import NSDECL

    m = Manuscript()
    m.para("The text before.")
    body = m.document.element.body
    body.insert(len(body) - 1, parse_xml(  # before the section properties, which end a body
        f'<w:altChunk {NSDECL} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships" r:id="rIdChunk"/>'))
    m.para("The text after.")
    essay = build_essay(m.save(tmp_path / "chunk.docx"), "chunk")
    assert ("not imported: embedded document (an imported HTML or RTF chunk) after "
            "paragraph 1 (“The text before.”)") in essay.report.render()
