"""The EPUB edition, checked the way a store's ingestion and a reading system check it: EPUBCheck,
navigation, landmarks, spine, package metadata, cover, well-formed and labelled documents, notes,
links between essays, and nothing executable."""

from __future__ import annotations

import datetime as dt
import io
import os
import posixpath
import re
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urldefrag

import pytest
from lxml import etree
from PIL import Image

from tests.support.epub import NS, EpubFile
from tests.support.pdf import outline

from .bookcheck import (
    DRAFT_PHRASES,
    FEATURES_AUTHORS,
    FEATURES_CONTENTS,
    MINIMAL_ESSAYS,
    UNSAFE_MARKERS,
    flat,
)
from .conftest import PROJECTS, BuiltBook, build_project, lazy_project

BOOKS = ["sample_book", "features_book", "minimal_book"]
#: The back pages' EPUB documents: (file name without .xhtml, title).
BACK_FILES = [("contributors", "Contributors"), ("credits", "Credits"), ("author-index", "Index of Authors")]
XHTML_NS = NS["xhtml"]
EPUB_TYPE = f"{{{NS['epub']}}}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OPF_ID = "unique-identifier"


@pytest.fixture(scope="module")
def epubcheck_in_parallel(request: pytest.FixtureRequest) -> None:
    """Start EPUBCheck on every book's EPUB at once (each run is mostly JVM start-up).

    Problems (a build that fails, no Java) are left for the tests themselves to report.
    """
    books = [request.getfixturevalue(name) for name in BOOKS]

    def check(book: BuiltBook) -> None:
        try:
            book.epubcheck  # noqa: B018 - the property runs EPUBCheck once
        except (Exception, pytest.skip.Exception):  # noqa: BLE001 - the test that needs it reports it
            pass

    with ThreadPoolExecutor(len(books)) as pool:
        list(pool.map(check, books))


@pytest.fixture(params=BOOKS)
def book(request: pytest.FixtureRequest) -> BuiltBook:
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def minimal_rebuild(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """A second, independent build of the minimal project's EPUB."""
    return lazy_project(PROJECTS / "minimal", tmp_path_factory.mktemp("minimal-again"), "minimal-again")


def xhtml_documents(epub: EpubFile) -> list[str]:
    return [item.href for item in epub.manifest.values() if item.media_type == "application/xhtml+xml"]


# ---------------------------------------------------------------------------- EPUBCheck


@pytest.mark.usefixtures("epubcheck_in_parallel")
def test_epubcheck_reports_no_fatal_error_or_warning(book: BuiltBook) -> None:
    result = book.epubcheck
    assert (result.fatals, result.errors, result.warnings) == (0, 0, 0), result.summary()


# ---------------------------------------------------------------------------- navigation


def test_features_nav_lists_parts_and_essays_in_reading_order(features_book: BuiltBook) -> None:
    entries = features_book.ebook.toc_entries()
    expected = [
        (level, title if title not in FEATURES_AUTHORS else f"{title} — {FEATURES_AUTHORS[title]}")
        for level, title in FEATURES_CONTENTS
    ]
    assert [(level, text) for level, text, _ in entries] == expected


def test_nav_matches_the_pdf_outline(book: BuiltBook) -> None:
    """The reader's menu and the PDF's bookmarks list the same divisions at the same levels."""
    assert book.nav_titles() == [(e.level, e.title) for e in outline(book.pdf_edition("digital"))]


def test_ncx_for_epub2_readers_matches_the_nav(book: BuiltBook) -> None:
    epub = book.ebook
    ncx = epub.ncx
    assert ncx is not None
    entries = []

    def walk(parent, level: int) -> None:
        for point in parent.findall("ncx:navPoint", NS):
            label = "".join(point.find("ncx:navLabel/ncx:text", NS).itertext()).strip()
            src = point.find("ncx:content", NS).get("src")
            entries.append((level, label, src))
            walk(point, level + 1)

    walk(ncx.find("ncx:navMap", NS), 1)
    # The front pieces (a preface), parts and essays in reading order, then the back pieces
    # (a colophon) and back pages (Contributors…) at the top level.
    assert [(level, label) for level, label, _ in entries] == book.outline_structure
    assert [src for _, _, src in entries] == [href for _, _, href in epub.toc_entries()]
    front, body, pieces, back = _divisions(book, entries)
    assert [src for _, _, src in front] == [f"{piece.id}.xhtml" for piece in book.rendered.front]
    assert [src for _, _, src in pieces] == [f"{piece.id}.xhtml" for piece in book.rendered.back]
    assert [src for _, _, src in back] == [f"{page_id}.xhtml" for page_id, title in BACK_FILES
                                          if title in book.back_titles]


def _divisions(book: BuiltBook, entries: list) -> tuple[list, list, list, list]:
    """Navigation entries split into the front pieces, the parts and essays, the back pieces
    and the generated back pages."""
    nf, nb, ns = len(book.front_titles), len(book.back_piece_titles), len(book.structure)
    return entries[:nf], entries[nf:nf + ns], entries[nf + ns:nf + ns + nb], entries[nf + ns + nb:]


def test_nav_lists_the_back_pages_after_the_essays(book: BuiltBook) -> None:
    """The navigation ends with the back pieces (a colophon) and back pages, each at the top
    level, each a document of its own that comes after the last essay in the spine, in that
    order; the front pieces (a preface) come before the first essay."""
    entries = book.ebook.toc_entries()
    assert book.nav_titles() == book.outline_structure
    spine = [item.href for item in book.ebook.spine]
    front, body, pieces, back = _divisions(book, entries)
    back = [href for _, _, href in pieces + back]
    assert back == ([f"{piece.id}.xhtml" for piece in book.rendered.back]
                    + [f"{page_id}.xhtml" for page_id, title in BACK_FILES if title in book.back_titles])
    first_essay = min(spine.index(urldefrag(href)[0]) for _, _, href in body)
    last_essay = max(spine.index(urldefrag(href)[0]) for _, _, href in body)
    assert [spine.index(href) for href in back] == list(range(last_essay + 1, last_essay + 1 + len(back)))
    assert all(spine.index(urldefrag(href)[0]) < first_essay for _, _, href in front)


def test_minimal_nav_is_in_file_name_order_without_bylines(minimal_book: BuiltBook) -> None:
    """One author for the whole book: the nav shows bare titles, in file-name order."""
    assert [(level, text) for level, text, _ in minimal_book.ebook.toc_entries()] == [(1, t) for t in MINIMAL_ESSAYS]


def test_nav_links_open_the_division_they_name(book: BuiltBook) -> None:
    epub = book.ebook
    spine = [item.href for item in epub.spine]
    for _level, text, href in epub.toc_entries():
        assert href is not None, text
        path, fragment = urldefrag(href)
        assert path in spine, f"{text!r} links to {href}, which is not in the spine"
        heading = epub.xhtml(path).find(f".//{{{XHTML_NS}}}h1")
        assert heading is not None and text.startswith("".join(heading.itertext()).strip()), (text, href)


def test_landmarks_and_spine_start_with_the_cover(book: BuiltBook) -> None:
    epub = book.ebook
    landmarks = dict(epub.landmarks())
    assert {"cover", "toc", "bodymatter"} <= set(landmarks), landmarks
    assert epub.spine[0].href == landmarks["cover"]
    assert landmarks["toc"] == epub.nav_href
    first_division = book.rendered.contents[0].id
    assert urldefrag(landmarks["bodymatter"])[0] == f"{first_division}.xhtml"
    cover_image = next(i for i in epub.manifest.values() if "cover-image" in i.properties)
    cover_page = epub.xhtml(epub.spine[0].href)
    sources = [epub.resolve(epub.spine[0].href, img.get("src")) for img in cover_page.iter(f"{{{XHTML_NS}}}img")]
    assert sources == [cover_image.href], "the cover page shows the cover image"
    # Out of the reading order (Kindle would show it twice), the rest in it.
    assert [item.linear for item in epub.spine] == [False] + [True] * (len(epub.spine) - 1)


# ---------------------------------------------------------------------------- package metadata


def _refinements(epub: EpubFile, element_id: str, prop: str) -> list[tuple[str, str | None]]:
    meta = epub.opf.find("opf:metadata", NS)
    return [(m.text, m.get("scheme")) for m in meta.findall("opf:meta", NS)
            if m.get("refines") == f"#{element_id}" and m.get("property") == prop]


def _people(epub: EpubFile, tag: str) -> dict[str, list[tuple[str, str | None]]]:
    meta = epub.opf.find("opf:metadata", NS)
    return {el.text: _refinements(epub, el.get("id", ""), "role") for el in meta.findall(f"dc:{tag}", NS)}


def test_features_opf_metadata(features_book: BuiltBook) -> None:
    epub = features_book.ebook
    assert epub.metadata("dc:title")[0] == "The Features Anthology"
    assert "Essays on the Small Machinery of Books" in epub.metadata("dc:title")
    assert epub.metadata("dc:language") == ["en-GB"]
    assert epub.metadata("dc:identifier") == ["urn:isbn:9781861972712"]
    unique = epub.opf.get(OPF_ID)
    assert epub.opf.find(f"opf:metadata/dc:identifier[@id='{unique}']", NS).text == "urn:isbn:9781861972712"
    # The editor also wrote an essay: one creator with both roles, not a second entry.
    assert _people(epub, "creator") == {"Mara Quill": [("edt", "marc:relators"), ("aut", "marc:relators")]}
    contributors = _people(epub, "contributor")
    assert "Mara Quill" not in contributors
    for name in ("Ivo Marchetti", "Saoirse Byrne", "Tomasz Wren"):
        assert contributors.get(name) == [("aut", "marc:relators")], contributors
    assert epub.metadata("dc:publisher") == ["Testbed Press"]
    assert epub.metadata("dc:date") == ["2025-06-01"]
    rights = " ".join(epub.metadata("dc:rights"))
    assert "Selection and arrangement © 2025 Mara Quill" in rights and "All rights reserved." in rights
    assert epub.metadata("dc:description") == ["A test anthology of five essays that uses every feature bookify supports."]
    assert epub.metadata("dc:subject") == ["essays", "typography", "testing"]


def test_modified_date_is_source_date_epoch(book: BuiltBook) -> None:
    modified = book.ebook.metadata("dcterms:modified")
    assert len(modified) == 1 and modified[0].endswith("Z"), modified
    epoch = int(os.environ["SOURCE_DATE_EPOCH"])
    assert modified[0] == dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_every_creator_and_contributor_has_a_marc_role(book: BuiltBook) -> None:
    epub = book.ebook
    for tag in ("creator", "contributor"):
        for name, roles in _people(epub, tag).items():
            assert roles and all(scheme == "marc:relators" and re.fullmatch(r"[a-z]{3}", role)
                                 for role, scheme in roles), (name, roles)


def test_without_an_ebook_isbn_the_identifier_is_a_stable_uuid(minimal_book: BuiltBook, minimal_rebuild: BuiltBook) -> None:
    first = minimal_book.ebook.metadata("dc:identifier")
    again = minimal_rebuild.ebook.metadata("dc:identifier")
    assert len(first) == 1 and first[0].startswith("urn:uuid:")
    uuid.UUID(first[0].removeprefix("urn:uuid:"))
    assert again == first


def test_minimal_opf_metadata(minimal_book: BuiltBook) -> None:
    epub = minimal_book.ebook
    assert epub.metadata("dc:title") == ["A Minimal Book"]
    assert epub.metadata("dc:language") == ["en"]
    assert _people(epub, "creator") == {"Pat Example": [("aut", "marc:relators")]}
    assert " ".join(epub.metadata("dc:rights")) == "All rights reserved."


def test_sample_opf_metadata(sample_book: BuiltBook) -> None:
    epub = sample_book.ebook
    assert epub.metadata("dc:title")[0] == "Look Back"
    assert _people(epub, "creator") == {"The bookify Editors": [("edt", "marc:relators")]}
    assert epub.metadata("dc:publisher") == ["bookify Sample Editions"]
    assert epub.metadata("dc:description")[0].startswith("A sample anthology of nine essays")
    assert "are in the public domain" in " ".join(epub.metadata("dc:rights"))
    # Each essay's source (its front matter's `source:`), after the print edition's.
    sources = epub.metadata("dc:source")
    assert sources[0].startswith("Look Back, print edition")
    assert "Of Idleness: Project Gutenberg eBook #3600" in sources
    assert len(sources) == 1 + len([e for e in sample_book.rendered.texts() if e.source_html])


def test_the_cover_image_is_about_1600_pixels_wide(book: BuiltBook) -> None:
    epub = book.ebook
    covers = [item for item in epub.manifest.values() if "cover-image" in item.properties]
    assert len(covers) == 1
    assert covers[0].media_type in ("image/jpeg", "image/png")
    image = Image.open(io.BytesIO(epub.read(covers[0].href)))
    assert 1500 <= image.width <= 1700, image.size
    assert image.height > image.width, "a portrait cover"


# ---------------------------------------------------------------------------- content documents


def test_every_content_document_is_well_formed_and_says_its_language(book: BuiltBook) -> None:
    epub = book.ebook
    language = book.rendered.book.meta.language
    for href in xhtml_documents(epub):
        root = epub.xhtml(href)  # raises unless well-formed XML
        assert root.tag == f"{{{XHTML_NS}}}html", href
        assert root.get("lang") == language and root.get(XML_LANG) == language, href


def test_every_internal_link_resolves(book: BuiltBook) -> None:
    epub = book.ebook
    ids: dict[str, set[str]] = {}
    for href in xhtml_documents(epub):
        ids[href] = {el.get("id") for el in epub.xhtml(href).iter() if el.get("id")}
    for href in xhtml_documents(epub):
        for a in epub.xhtml(href).iter(f"{{{XHTML_NS}}}a"):
            target = a.get("href")
            if target is None or re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue
            path, fragment = urldefrag(epub.resolve(href, target))
            assert path in ids, f"{href}: link to {target} (no such document)"
            assert not fragment or fragment in ids[path], f"{href}: link to {target} (no such id)"


def test_features_documents_and_images_are_in_the_manifest(features_book: BuiltBook) -> None:
    epub = features_book.ebook
    essay_files = [f"{name}.xhtml" for name in ("introduction", "on-notes", "tables-and-code", "the-crossing", "the-lighthouse")]
    assert [i.href for i in epub.spine if i.href in essay_files] == essay_files
    lighthouse = epub.xhtml("the-lighthouse.xhtml")
    figure = lighthouse.find(f".//{{{XHTML_NS}}}figure")
    img = figure.find(f"{{{XHTML_NS}}}img")
    assert img.get("alt") == "A white lighthouse on a dark headland under a grey sky"
    assert "".join(figure.find(f"{{{XHTML_NS}}}figcaption").itertext()) == "The lighthouse at Cape Finis, drawn for this book"
    src = epub.resolve("the-lighthouse.xhtml", img.get("src"))
    assert any(i.href == src and i.media_type == "image/png" for i in epub.manifest.values())
    assert Image.open(io.BytesIO(epub.read(src))).size == (600, 400)


def _noterefs(epub: EpubFile, href: str) -> list[etree._Element]:
    return [a for a in epub.xhtml(href).iter(f"{{{XHTML_NS}}}a") if "noteref" in (a.get(EPUB_TYPE) or "").split()]


def _element_by_id(epub: EpubFile, href: str) -> etree._Element:
    path, fragment = urldefrag(href)
    found = epub.xhtml(path).xpath("//*[@id=$id]", id=fragment)
    assert len(found) == 1, f"{href}: {len(found)} elements with that id"
    return found[0]


@pytest.mark.parametrize(("document", "count"), [("on-notes.xhtml", 3), ("the-crossing.xhtml", 2)])
def test_footnote_references_link_to_notes_that_link_back(features_book: BuiltBook, document: str, count: int) -> None:
    epub = features_book.ebook
    refs = _noterefs(epub, document)
    assert ["".join(a.itertext()) for a in refs] == [str(n) for n in range(1, count + 1)]
    all_footnote_refs = [a for a in epub.xhtml(document).iter(f"{{{XHTML_NS}}}a") if "footnote-ref" in (a.get("class") or "")]
    assert len(all_footnote_refs) == count, "every note reference is marked as a noteref"
    for ref in refs:
        note = _element_by_id(epub, epub.resolve(document, ref.get("href")))
        assert urldefrag(epub.resolve(document, ref.get("href")))[0] == document, "the notes are in the essay's own file"
        back = [a for a in note.iter(f"{{{XHTML_NS}}}a") if a.get("href")]
        assert back, "the note links back"
        target = _element_by_id(epub, epub.resolve(document, back[-1].get("href")))
        assert any(a.get("href") == ref.get("href") for a in target.iter(f"{{{XHTML_NS}}}a")), \
            "the back link returns to the reference"


def test_footnotes_and_endnotes_are_not_mixed(features_book: BuiltBook) -> None:
    """An essay's notes are pop-up footnotes gathered in a section of footnotes: no
    `endnotes` section holds `footnote` asides."""
    epub = features_book.ebook
    page = epub.xhtml("on-notes.xhtml")
    sections = [s for s in page.iter(f"{{{XHTML_NS}}}section") if "notes" in (s.get("class") or "").split()]
    assert len(sections) == 1
    (section,) = sections
    assert section.get(f"{{{NS['epub']}}}type") == "footnotes" and section.get("role") is None
    notes = [e for e in section if e.tag == f"{{{XHTML_NS}}}aside"]
    assert len(notes) == 3
    assert all(n.get(f"{{{NS['epub']}}}type") == "footnote" and n.get("role") == "doc-footnote" for n in notes)
    assert not page.xpath("//*[@epub:type='endnotes' or @epub:type='endnote']", namespaces=NS)


def test_notes_of_different_essays_do_not_collide(features_book: BuiltBook) -> None:
    """Both essays have notes 1 and 2; their ids differ, so a reader's jump never lands in the other."""
    epub = features_book.ebook
    ids = [el.get("id") for href in xhtml_documents(epub) for el in epub.xhtml(href).iter() if el.get("id")]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_links_between_essays_point_at_the_other_essays_file(features_book: BuiltBook) -> None:
    epub = features_book.ebook
    links = {("".join(a.itertext()), epub.resolve("introduction.xhtml", a.get("href")))
             for a in epub.xhtml("introduction.xhtml").iter(f"{{{XHTML_NS}}}a") if a.get("href")}
    assert ("The Crossing", "the-crossing.xhtml") in links
    heading_link = next(href for text, href in links if text == "the passage on thresholds")
    assert urldefrag(heading_link)[0] == "the-crossing.xhtml"
    heading = _element_by_id(epub, heading_link)
    assert heading.tag == f"{{{XHTML_NS}}}h2" and "".join(heading.itertext()) == "Of Thresholds"


def test_features_markdown_reaches_the_reader(features_book: BuiltBook) -> None:
    epub = features_book.ebook
    x = f"{{{XHTML_NS}}}"
    tables = epub.xhtml("tables-and-code.xhtml")
    assert [th.text for th in tables.iter(f"{x}th")] == ["Trim name", "Width", "Height"]
    code = tables.find(f".//{x}pre/{x}code")
    assert "".join(code.itertext()) == 'def colophon(book):\n    return f"Set in {book.face}"\n'
    assert [dt_.text for dt_ in tables.iter(f"{x}dt")] == ["Recto", "Verso"]
    pull = tables.xpath("//x:p[contains(concat(' ', @class, ' '), ' pull-quote ')]", namespaces={"x": XHTML_NS})
    assert len(pull) == 1 and pull[0].get("id"), "the attribute list gave the paragraph its class and id"

    intro = epub.xhtml("introduction.xhtml")
    abbrs = list(intro.iter(f"{x}abbr"))
    assert abbrs and all(a.get("title") == "HyperText Markup Language" for a in abbrs)

    notes = epub.xhtml("on-notes.xhtml")
    epigraph = notes.xpath("//x:blockquote[contains(@class, 'epigraph')]", namespaces={"x": XHTML_NS})[0]
    assert "The footnote is the scholar’s whisper." in "".join(epigraph.itertext())
    assert "Anthony Grafton, paraphrased" in "".join(epigraph.itertext())
    assert [h.text for h in notes.iter(f"{x}h2") if "notes-title" not in (h.get("class") or "")] == ["The Uses of Notes", "The Abuse of Notes"]
    assert "A Defence of the Footnote" in epub.text("on-notes.xhtml")

    crossing = epub.text("the-crossing.xhtml")
    assert crossing.splitlines()[0] == "The “Crossing” – Or, Waiting…"
    assert "Translated by Jean Dupont" in crossing
    assert "It’s a small act – so small we don’t notice it – and yet the whole art of the book depends on it…" in flat(crossing)
    assert epub.xhtml("the-crossing.xhtml").find(f".//{x}hr") is not None, "the *** section break"

    verse = epub.text("the-lighthouse.xhtml")
    assert "The tide comes in like a slow idea,\nthe tide goes out like a settled doubt," in verse


# ---------------------------------------------------------------------------- what must not be there


def _all_text_entries(epub: EpubFile) -> dict[str, str]:
    """Every text file in the EPUB's zip (documents, package, NCX, stylesheets, container)."""
    with zipfile.ZipFile(epub.path) as archive:
        return {name: archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                if posixpath.splitext(name)[1] in (".xhtml", ".html", ".opf", ".ncx", ".css", ".xml", "")}


def test_no_script_handler_or_javascript_anywhere(book: BuiltBook) -> None:
    epub = book.ebook
    for name, text in _all_text_entries(epub).items():
        for marker in UNSAFE_MARKERS:
            assert marker not in text.lower(), f"{name} contains {marker!r}"
    for href in xhtml_documents(epub):
        root = epub.xhtml(href)
        assert not list(root.iter(f"{{{XHTML_NS}}}script")), href
        for element in root.iter():
            handlers = [name for name in element.attrib if etree.QName(name).localname.lower().startswith("on")]
            assert not handlers, f"{href}: <{etree.QName(element).localname} {handlers}>"


def test_sanitised_html_keeps_its_words(features_book: BuiltBook) -> None:
    text = features_book.ebook.text("introduction.xhtml")
    assert "This paragraph once carried a click handler; the reader should see only its words." in text
    assert "Here is a link that went nowhere good, kept as plain text." in text


def test_the_draft_essay_is_left_out(features_book: BuiltBook) -> None:
    epub = features_book.ebook
    for name, text in _all_text_entries(epub).items():
        for phrase in DRAFT_PHRASES:
            assert phrase not in text, f"{name} contains the draft's {phrase!r}"
    assert not any("unfinished" in item.href for item in epub.manifest.values())
    assert [title for level, title in features_book.nav_titles()] == [title for _, title in FEATURES_CONTENTS]


def test_a_title_with_an_ampersand_builds_a_valid_epub(tmp_path) -> None:
    """An ordinary title such as "Salt & Pepper": the EPUB must build, and show it as written."""
    root = tmp_path / "ampersand"
    (root / "manuscripts").mkdir(parents=True)
    (root / "bookify.toml").write_text('[book]\ntitle = "Kitchen Essays"\nauthors = ["A. Cook"]\n', encoding="utf-8")
    (root / "manuscripts" / "01-salt.md").write_text('---\ntitle: "Salt & Pepper"\n---\n\nSeason to taste.\n', encoding="utf-8")
    book = build_project(root, ["epub"], root / "build")
    epub = book.ebook
    for href in xhtml_documents(epub):
        epub.xhtml(href)  # well-formed
    assert [text for _, text, _ in epub.toc_entries()] == ["Salt & Pepper"]
    assert epub.text("salt.xhtml").splitlines()[0] == "Salt & Pepper"
