"""The EPUB 3 edition: one XHTML document per essay and per generated page, packaged by ebooklib.

We render every XHTML page ourselves (Jinja2 → checked as XML with lxml) and hand ebooklib raw
items, so it writes only the package document, the NCX and the ZIP; its own page builders drop
`<head>` content and attributes and make a cover page epubcheck rejects. The ZIP is then rewritten
with fixed timestamps so the same sources always give the same bytes.

When the print edition has been laid out, its page breaks are marked in the text
(`epub:type="pagebreak"`) and listed in the navigation's page list, so a reader of the ebook can
cite and find "page 42" of the paperback.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html as html_text
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import fontTools
from ebooklib import epub
from lxml import etree

from .. import __version__
from ..anatomy import Division, book_divisions
from ..cache import LayoutCache, fingerprint
from ..compose import template_context
from ..cover import cover_image
from ..diagnostics import Diagnostics
from ..errors import ThemeError
from ..fsutil import atomic_output
from ..markdown import text_direction
from ..model import Book, RenderedBook
from ..project import Project
from ..themes import Theme
from ..xmltree import remove_keeping_text
from .epub_assets import (
    FontSubsetRequest,
    PreparedImage,
    characters_of_trees,
    prepare_image,
    subset_font,
)
from .epub_fonts import font_faces, trimmed_fonts_css, used_faces
from .pdf import PrintLayout

if TYPE_CHECKING:
    from .layouts import LayoutRunner

XHTML = "application/xhtml+xml"
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{EPUB_NS}}}type"
_FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}
#: Elements a page-break marker cannot be put inside (their content model has no text).
_NO_MARKER_INSIDE = {"html", "head", "body", "nav", "ol", "ul", "dl", "table", "thead", "tbody",
                     "tfoot", "tr", "colgroup", "hr", "br", "img"}


@dataclass
class _Page:
    """One content document: its spine id, file name, and its XHTML as a parsed tree."""

    uid: str
    file_name: str
    root: etree._Element

    def serialize(self) -> bytes:
        return etree.tostring(self.root.getroottree(), xml_declaration=True, encoding="utf-8",
                              doctype="<!DOCTYPE html>")


def write_epub(
    rendered: RenderedBook,
    theme: Theme,
    project: Project,
    target: Path,
    diagnostics: Diagnostics,
    layout: PrintLayout | None = None,
    cache: LayoutCache | None = None,
    runner: LayoutRunner | None = None,
) -> Path:
    """Write the EPUB 3 edition to `target` (atomically); with `layout`, mark its print pages.
    `cache` keeps the fonts cut down to the book's characters for the next build; with
    `runner`, they are cut down by its workers (side by side) and kept in its cache."""
    settings = project.config.epub
    files = _file_names(rendered)
    cover = cover_image(rendered, theme, project, diagnostics, cache)
    cover_name = "images/cover" + cover.suffix
    stylesheets = [(name, path) for name, path in theme.published_stylesheets("epub")
                   if settings.embed_fonts or name != "fonts.css"]

    context = template_context(rendered, project, lambda target_id: files[target_id], cover_name)
    context["stylesheet_hrefs"] = [name for name, _ in stylesheets]
    context["first_body_id"] = rendered.contents[0].id
    pages = _render_pages(rendered, theme, context, files)

    page_list: list[tuple[str, str]] = []
    if layout is not None:
        markers = _page_markers(layout, pages)
        page_list = [(m.label, f"{m.page.file_name}#{_page_id(m.label)}") for m in markers]
        pages["nav"] = _parse("nav.xhtml", "nav", theme.render(
            "epub/nav.xhtml.j2", page_list=page_list, **context))
        _insert_markers(markers, pages)
    root = project.root.resolve()
    pictures = [path for essay in rendered.texts() for path in essay.images]
    pictures += [root / p.photo_src for p in rendered.people if p.photo_src]
    prepared = {path: prepare_image(path, settings.image_max_px) for path in pictures}
    images = _image_names(prepared)
    _finish_pages(pages, {p.relative_to(root).as_posix(): name for p, name in images.items()})

    ebook = epub.EpubBook()
    _describe(ebook, rendered, project, has_page_list=bool(page_list))
    ebook.set_cover(cover_name, cover.data, create_page=False)
    css = {name: path.read_text(encoding="utf-8") for name, path in stylesheets}
    used_files: set[str] = set()
    if "fonts.css" in css:
        # Only the faces the text is set in travel with the book (and their @font-face rules).
        faces = font_faces(css["fonts.css"])
        used = used_faces((page.root for page in pages.values()),
                          [text for name, text in css.items() if name != "fonts.css"], faces)
        used_files = {Path(face.url).name for face in used}
        css["fonts.css"] = trimmed_fonts_css(css["fonts.css"], used)
    for name, text in css.items():
        ebook.add_item(epub.EpubItem(uid=f"css-{Path(name).stem}", file_name=name,
                                     media_type="text/css", content=text.encode("utf-8")))
    if settings.embed_fonts:
        text = characters_of_trees(page.root for page in pages.values())
        fonts = [font for font in theme.fonts()
                 if font.suffix.lower() in _FONT_TYPES and font.name in used_files]
        if runner is not None:
            characters = "".join(sorted(set(text)))
            futures = runner.submit_all({font: FontSubsetRequest(font.name, font.read_bytes(),
                                                                 characters) for font in fonts})
            subsets = {font: runner.result(futures[font]) for font in fonts}
        else:
            subsets = {font: _subset(font, text, cache) for font in fonts}
        for font in fonts:
            ebook.add_item(epub.EpubItem(
                uid=f"font-{_xml_id(font.stem)}", file_name=f"fonts/{font.name}",
                media_type=_FONT_TYPES[font.suffix.lower()], content=subsets[font]))
    for source, name in images.items():
        image = prepared[source]
        ebook.add_item(epub.EpubItem(uid=f"img-{_xml_id(Path(name).stem)}", file_name=name,
                                     media_type=image.media_type, content=image.data))
    spine = []
    for page in pages.values():
        document = epub.EpubItem(uid=page.uid, file_name=page.file_name, media_type=XHTML,
                                 content=page.serialize())
        if page.uid == "nav":
            document.properties = ["nav"]
        # The cover page shows the cover image the package names already: out of the linear
        # reading order, Kindle's converter drops it instead of showing the cover twice, and
        # other readers open on the text while keeping the page (the landmarks link to it).
        document.is_linear = page.uid != "cover"
        ebook.add_item(document)
        spine.append(document)
    ebook.spine = spine
    ebook.toc = _ncx_toc(rendered, files)
    ebook.add_item(epub.EpubNcx())

    buffer = io.BytesIO()
    writer = _PackageWriter(buffer, ebook, {
        "epub3_landmark": False,
        "epub3_pages": False,
        "play_order": {"enabled": False, "start_from": 1},
        "mtime": project.source_date.astimezone(dt.UTC),
        "spine_direction": True,
    })
    writer.process()
    writer.write()
    with atomic_output(target) as temporary:
        temporary.write_bytes(_normalized_zip(buffer.getvalue(), project.source_date))
    return target


#: How each kind of division is set as an EPUB content document: the class of its `<body>` and
#: its `epub:type` (essays and authored pieces are set by `essay_page`, the contents is the nav).
_PAGE_KINDS = {
    "cover": ("cover-page", "cover"),
    "title-page": ("title-page-page", "frontmatter"),
    "copyright": ("copyright-page-page", "frontmatter"),
    "dedication": ("dedication-page", "frontmatter"),
    "epigraph": ("epigraph-page", "frontmatter"),
    "part": ("part-page", "bodymatter"),
}


def _render_pages(
    rendered: RenderedBook, theme: Theme, context: dict, files: dict[str, str]
) -> dict[str, _Page]:
    """Every content document in reading order (the book's anatomy), keyed by spine id."""
    meta = rendered.book.meta

    def page(division: Division, title: str, page_class: str, body_type: str,
             **extra: object) -> _Page:
        text = theme.render("epub/page.xhtml.j2", partial=division.template, page_title=title,
                            page_class=page_class, body_type=body_type, **{**context, **extra})
        return _parse(files[division.id], _spine_id(division), text)

    pages = []
    for division in book_divisions(rendered, "epub"):
        if division.kind == "contents":
            pages.append(_parse(files[division.id], "nav",
                                theme.render("epub/nav.xhtml.j2", page_list=[], **context)))
        elif division.essay is not None:
            side = division.piece_side
            matter = {"front": "frontmatter", "back": "backmatter"}.get(side, "bodymatter")
            pages.append(page(division, division.title, "essay-page", matter,
                              essay=division.essay, in_part=division.in_part, body_start=False,
                              piece_side=side))
        elif division.kind in _PAGE_KINDS:
            title = meta.title if division.kind == "title-page" else division.title
            extra = {"part": division.part, "body_start": False} if division.part else {}
            pages.append(page(division, title, *_PAGE_KINDS[division.kind], **extra))
        else:  # a generated back page: contributors, credits, the index of authors
            pages.append(page(division, division.title, "back-page", "backmatter"))
    return {p.uid: p for p in pages}


def _spine_id(division: Division) -> str:
    return "nav" if division.kind == "contents" else division.id


def _parse(file_name: str, uid: str, text: str) -> _Page:
    try:
        root = etree.fromstring(text.encode("utf-8"))
    except etree.XMLSyntaxError as exc:
        raise ThemeError(f"the EPUB page {file_name} is not well-formed XHTML: {exc}",
                         hint="if you override templates in styles/templates/, check them; "
                         "otherwise this is a bug in bookify") from None
    return _Page(uid, file_name, root)


def _page_id(label: str) -> str:
    return f"page-{label}"


@dataclass
class _Marker:
    """Where a print page begins in the EPUB: inside `element` at character `offset` of its
    text, or (element None) right after the previous page's marker."""

    label: str
    page: _Page
    element: etree._Element | None
    offset: int = 0


def _subset(font: Path, text: str, cache: LayoutCache | None) -> bytes:
    """The font cut down to `text` (the slowest part of writing an EPUB), from the cache when
    the font and the book's characters are the same as last time."""
    if cache is None:
        return subset_font(font, text)
    key = fingerprint("bookify epub font", __version__, fontTools.version, font,
                      "".join(sorted(set(text))))
    kept = cache.get(key)
    if kept is None:
        kept = subset_font(font, text)
        cache.put(key, kept)
    return kept


def _page_markers(layout: PrintLayout, pages: dict[str, _Page]) -> list[_Marker]:
    """Find, for each print page, the place in the EPUB's text where it begins.

    The layout reports each page's first words and the nearest element with an id around them;
    the same element exists in the EPUB, so the words are looked up in its text and the page is
    marked exactly there — mid-paragraph, mid-word after a hyphen. A page with no text of its own
    (a blank verso) is marked right after the previous page.
    """
    by_id: dict[str, tuple[_Page, etree._Element]] = {}
    for page in pages.values():
        for node in page.root.iter():
            if isinstance(node.tag, str) and node.get("id"):
                by_id.setdefault(node.get("id"), (page, node))
    searched_from: dict[int, int] = {}
    flat: dict[int, str] = {}  # an element's text, flattened once however many pages it spans
    markers: list[_Marker] = []
    for opening in layout.page_openings():
        found = by_id.get(opening.anchor) if opening.anchor else None
        if found is not None and etree.QName(found[1]).localname in _NO_MARKER_INSIDE:
            found = None
        if found is None:
            if markers:
                markers.append(_Marker(opening.label, markers[-1].page, None))
            continue
        page, element = found
        if id(element) not in flat:
            flat[id(element)] = _flat_text(element).text
        text = flat[id(element)]
        offset = _locate(text, opening.text or "", searched_from.get(id(element), 0))
        searched_from[id(element)] = offset + 1
        markers.append(_Marker(opening.label, page, element, offset))
    return markers


@dataclass
class _FlatText:
    """An element's text, whitespace collapsed and lower-cased for matching, with the text nodes
    it came from, so a position in it can be traced back to (element, "text" or "tail", index)."""

    text: str
    #: (position in `text` where the node's characters start, node, kind, its raw text, whether
    #: the character before it was a space).
    segments: list[tuple[int, etree._Element, str, str, bool]]

    def origin(self, offset: int) -> tuple[etree._Element, str, int] | None:
        """The text node and index the character at `offset` came from."""
        number = bisect.bisect_right([segment[0] for segment in self.segments], offset) - 1
        if number < 0:
            return None
        count, node, kind, raw, after_space = self.segments[number]
        for index, character in enumerate(raw):
            if character.isspace():
                if after_space:
                    continue
                after_space = True
            else:
                after_space = False
            if count == offset:
                return node, kind, index
            count += 1
        return None


def _flat_text(element: etree._Element) -> _FlatText:
    """The element's text, whitespace collapsed and lower-cased for matching."""
    parts: list[str] = []
    segments: list[tuple[int, etree._Element, str, str, bool]] = []
    length, after_space = 0, False
    for event, node in etree.iterwalk(element, events=("start", "end")):
        if not isinstance(node.tag, str):
            continue
        kind = "text" if event == "start" else "tail"
        if kind == "tail" and node is element:
            break
        raw = getattr(node, kind) or ""
        if not raw:
            continue
        collapsed = _SPACES.sub(" ", raw.lstrip() if after_space else raw)
        segments.append((length, node, kind, raw, after_space))
        # Each character lower-cased on its own, as the positions count them (a whole string
        # would turn a final capital sigma into ς).
        parts.append(collapsed.lower() if "Σ" not in collapsed else
                     "".join(character.lower() for character in collapsed))
        length += len(collapsed)
        if collapsed:
            after_space = collapsed[-1] == " "
    return _FlatText("".join(parts), segments)


_SPACES = re.compile(r"\s+")


def _locate(text: str, words: str, start: int) -> int:
    """Where `words` (the page's first words) begin in `text`, searching from `start`; 0 when
    they cannot be found (a page starting with generated text)."""
    words = " ".join(words.split()).lower()
    for length in (40, 15, 6):
        needle = words[:length]
        if needle:
            found = text.find(needle, start)
            if found >= 0:
                return found
    return 0


def _insert_markers(markers: list[_Marker], pages: dict[str, _Page]) -> None:
    """Put `<span epub:type="pagebreak">` markers into the pages' trees.

    Markers are inserted from the last to the first, so inserting one never moves the text
    positions the others were found at: an element's text is mapped once, however many pages
    it spans.
    """
    placed: dict[str, etree._Element] = {}
    origins: dict[int, _FlatText] = {}
    for marker in reversed(markers):
        if marker.element is None:
            continue
        element = marker.element
        if marker.page.uid == "nav":  # the nav was rendered again: find the element afresh
            element = _find_id(pages["nav"].root, element.get("id"))
            if element is None:
                continue
        span = _marker_span(marker.label)
        if id(element) not in origins:
            origins[id(element)] = _flat_text(element)
        origin = origins[id(element)].origin(marker.offset) if marker.offset else None
        if origin is not None:
            node, kind, at = origin
            raw = getattr(node, kind)
            setattr(node, kind, raw[:at])
            span.tail = raw[at:]
            if kind == "text":
                node.insert(0, span)
            else:
                node.addnext(span)
        else:
            span.tail = element.text
            element.text = None
            element.insert(0, span)
        placed[marker.label] = span
    # A page with no text of its own (a blank verso) is marked after all the text of the page
    # before: just before the next page's marker when that is in the same document, else at
    # the end of the document.
    following: tuple[_Marker, etree._Element] | None = None
    for marker in reversed(markers):
        if marker.label in placed:
            following = (marker, placed[marker.label])
            continue
        span = _marker_span(marker.label)
        if following is not None and following[0].page.uid == marker.page.uid:
            following[1].addprevious(span)
        else:
            root = pages[marker.page.uid].root  # the nav may have been rendered again
            body = root.find(f"{{{XHTML_NS}}}body")
            (body if body is not None else root).append(span)
        following = (marker, span)


def _marker_span(label: str) -> etree._Element:
    return etree.Element(f"{{{XHTML_NS}}}span", {
        EPUB_TYPE: "pagebreak", "role": "doc-pagebreak", "id": _page_id(label),
        "aria-label": label})


def _find_id(root: etree._Element, wanted: str | None) -> etree._Element | None:
    return next((n for n in root.iter() if isinstance(n.tag, str) and n.get("id") == wanted), None)


def _finish_pages(pages: dict[str, _Page], image_names: dict[str, str]) -> None:
    """Make each page stand on its own in the EPUB.

    Essays link to each other and to their notes by book-wide ids (`#id`); in the EPUB those ids
    live in different files, so each `#id` becomes `file.xhtml#id`. Notes get their EPUB
    semantics, every `lang` gets its `xml:lang`, and images point into `images/`.
    """
    owner: dict[str, str] = {}
    for page in pages.values():
        for node in page.root.iter():
            if isinstance(node.tag, str) and node.get("id"):
                owner.setdefault(node.get("id"), page.file_name)
    for page in pages.values():
        for node in page.root.iter():
            if not isinstance(node.tag, str):
                continue
            if node.get("lang") and not node.get(XML_LANG):
                node.set(XML_LANG, node.get("lang"))
            tag = etree.QName(node).localname
            classes = (node.get("class") or "").split()
            if tag == "a":
                href = node.get("href", "")
                target = owner.get(href[1:]) if href.startswith("#") else None
                if target is not None and target != page.file_name:
                    node.set("href", target if href[1:] == Path(target).stem else target + href)
                if "footnote-ref" in classes:
                    node.set(EPUB_TYPE, "noteref")
                    node.set("role", "doc-noteref")
                elif "footnote-backref" in classes:
                    node.set("role", "doc-backlink")
            elif tag == "img" and node.get("src", "") in image_names:
                node.set("src", image_names[node.get("src")])


        for section in page.root.iter(f"{{{XHTML_NS}}}section"):
            if section.get(EPUB_TYPE) == "endnotes":
                _notes_as_asides(section)


def _notes_as_asides(section: etree._Element) -> None:
    """Turn an essay's list of notes into `<aside epub:type="footnote">` notes.

    Apple Books and Kobo show such notes in a pop-up when their call is tapped; other readers
    show them at the end of the essay, each starting with its number, which links back to the
    call. (The list form's `epub:type="endnote"` is deprecated in EPUB 3.3.)
    """
    for notes in section.findall(f"{{{XHTML_NS}}}ol"):
        start = int(notes.get("start", "1"))
        for number, item in enumerate(notes.findall(f"{{{XHTML_NS}}}li"), start=start):
            aside = etree.Element(f"{{{XHTML_NS}}}aside", {
                "id": item.get("id", ""), EPUB_TYPE: "footnote", "role": "doc-footnote",
                "class": "note"})
            aside.text = item.text
            for child in list(item):
                aside.append(child)
            back = next((a for a in aside.iter(f"{{{XHTML_NS}}}a")
                         if "footnote-backref" in (a.get("class") or "")), None)
            link = etree.Element(f"{{{XHTML_NS}}}a", {"class": "note-number", "role": "doc-backlink"})
            link.text = f"{number}."
            link.tail = " "
            if back is not None:
                link.set("href", back.get("href"))
                remove_keeping_text(back)
            first = aside.find(f"{{{XHTML_NS}}}p")
            holder = first if first is not None else aside
            link.tail += holder.text.lstrip() if holder.text else ""
            holder.text = None
            holder.insert(0, link)
            notes.addprevious(aside)
        section.remove(notes)
    # A collection of footnotes, not endnotes: the two are not mixed in one section (there is
    # no DPUB-ARIA role for it; the notes' heading names it).
    section.set(EPUB_TYPE, "footnotes")
    section.attrib.pop("role", None)


class _PackageWriter(epub.EpubWriter):
    """ebooklib's writer, with the book's language on the package element (`xml:lang`), which
    accessibility checkers (DAISY Ace: epub-lang) require and ebooklib 0.20 leaves out."""

    def _write_opf_file(self, root) -> None:
        root.set(XML_LANG, self.book.language)
        super()._write_opf_file(root)


def _describe(ebook: epub.EpubBook, rendered: RenderedBook, project: Project,
              has_page_list: bool) -> None:
    """The package metadata: who, what, when, rights, and accessibility."""
    book = rendered.book
    meta = book.meta
    ebook.set_identifier(meta.epub_identifier())
    ebook.set_title(meta.title)
    ebook.set_language(meta.language)
    if text_direction(meta.language):
        ebook.set_direction("rtl")
    _people_metadata(ebook, book)
    if meta.subtitle:
        ebook.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        ebook.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    if meta.publisher:
        ebook.add_metadata("DC", "publisher", meta.publisher)
    if meta.date:
        ebook.add_metadata("DC", "date", meta.date.isoformat())
    for statement in (meta.copyright, meta.rights):
        if statement:
            ebook.add_metadata("DC", "rights", statement)
    if meta.description:
        ebook.add_metadata("DC", "description", meta.description)
    for keyword in meta.keywords:
        ebook.add_metadata("DC", "subject", keyword)
    if has_page_list:
        source = ("urn:isbn:" + re.sub(r"[\s-]", "", meta.isbn_print) if meta.isbn_print
                  else f"{meta.title}, print edition ({book.print.trim})")
        ebook.add_metadata("DC", "source", source)
        ebook.add_metadata(None, "meta", source, {"property": "pageBreakSource"})
    # Where each text was taken from (its `source:`), as Standard Ebooks records its sources.
    sources = dict.fromkeys(f"{text.title_text}: {_plain(text.source_html)}"
                            for text in rendered.texts() if text.source_html)
    for source in sources:
        ebook.add_metadata("DC", "source", source)
    _accessibility_metadata(ebook, rendered, project, has_page_list)


def _plain(html: str) -> str:
    """An inline HTML fragment's text (smart punctuation kept), for the package metadata."""
    return " ".join(html_text.unescape(re.sub(r"<[^>]+>", "", html)).split())


def _people_metadata(ebook: epub.EpubBook, book: Book) -> None:
    """One dc:creator (the book's authors and editors) or dc:contributor (essay authors,
    translators, foreword writers, illustrators) per person, with every MARC role they had."""
    meta = book.meta
    roles: dict[str, list[str]] = {}

    def add(names, role: str) -> None:
        for name in names:
            if role not in roles.setdefault(name, []):
                roles[name].append(role)

    add(meta.authors, "aut")
    add(meta.editors, "edt")
    creators = set(roles) or set(book.contributors)
    add(book.contributors, "aut")
    add((t for e in book.essays() for t in e.translators), "trl")
    add(meta.translators, "trl")
    add(meta.foreword_by, "aui")
    add(meta.introduction_by, "aui")
    add(meta.illustrators, "ill")
    for number, (name, person_roles) in enumerate(roles.items(), start=1):
        kind = "creator" if name in creators else "contributor"
        uid = f"{kind}{number}"
        ebook.add_metadata("DC", kind, name, {"id": uid})
        for role in person_roles:
            ebook.add_metadata(None, "meta", role, {
                "refines": f"#{uid}", "property": "role", "scheme": "marc:relators"})
        person = book.roster.resolve(name)
        if person is not None and person.sort_name != name:
            ebook.add_metadata(None, "meta", person.sort_name,
                               {"refines": f"#{uid}", "property": "file-as"})


def _accessibility_metadata(ebook: epub.EpubBook, rendered: RenderedBook, project: Project,
                            has_page_list: bool) -> None:
    """Schema.org discoverability metadata (EPUB Accessibility 1.1), claiming only what we do."""
    settings = project.config.epub
    images = [path for essay in rendered.texts() for path in essay.images]
    images += [p.photo_src for p in rendered.people if p.photo_src]

    def meta(prop: str, value: str) -> None:
        ebook.add_metadata(None, "meta", value, {"property": prop})

    meta("schema:accessMode", "textual")
    if images:
        meta("schema:accessMode", "visual")
    meta("schema:accessModeSufficient", "textual")
    features = ["structuralNavigation", "tableOfContents", "readingOrder",
                "displayTransformability"]
    if images:
        features.append("alternativeText")
    if has_page_list:
        features += ["pageNavigation", "printPageNumbers"]
    for feature in features:
        meta("schema:accessibilityFeature", feature)
    meta("schema:accessibilityHazard", "none")
    summary = settings.accessibility_summary or (
        "This publication is reflowable text with a navigable table of contents, a heading for "
        "every part and essay, linked notes"
        + (", described images" if images else "")
        + (" and the page numbers of the print edition" if has_page_list else "") + ".")
    meta("schema:accessibilitySummary", summary)
    if settings.conforms_to:
        meta("dcterms:conformsTo", settings.conforms_to)
        meta("a11y:certifiedBy", settings.certified_by)
    elif settings.exemption:
        meta("dcterms:conformsTo", "none")
        meta("a11y:exemption", settings.exemption)


def _file_names(rendered: RenderedBook) -> dict[str, str]:
    """Map every division id to its XHTML file name (the contents is the navigation document)."""
    return {division.id: f"{_spine_id(division)}.xhtml"
            for division in book_divisions(rendered, "epub")}


def _image_names(prepared: dict[Path, PreparedImage]) -> dict[Path, str]:
    """Give every image a unique name under `images/`, with the suffix of its real format."""
    names: dict[Path, str] = {}
    used: set[str] = {"cover"}
    for path, image in prepared.items():
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", path.stem).strip("-") or "image"
        candidate, number = stem, 2
        while candidate in used:
            candidate, number = f"{stem}-{number}", number + 1
        used.add(candidate)
        names[path] = f"images/{candidate}{image.suffix}"
    return names


def _ncx_toc(rendered: RenderedBook, files: dict[str, str]) -> list:
    """The NCX table of contents for EPUB 2 readers: the book's divisions from the authored front
    matter on, parts as sections holding their essays."""
    toc: list = []
    section: list | None = None
    for division in book_divisions(rendered, "epub"):
        if division.kind in _PAGE_KINDS.keys() - {"part"} or division.kind == "contents":
            continue
        link = epub.Link(files[division.id], division.title, f"ncx-{division.id}")
        if division.kind == "part":
            section = []
            toc.append((epub.Section(division.title, href=files[division.id]), section))
        elif division.in_part and section is not None:
            section.append(link)
        else:
            toc.append(link)
    return toc


def _xml_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def _normalized_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite the ZIP with `mimetype` first and stored, and one fixed timestamp on every entry."""
    stamp = max(when.astimezone(dt.UTC), dt.datetime(1980, 1, 1, tzinfo=dt.UTC))
    date_time = stamp.timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        for name in ["mimetype"] + [n for n in names if n != "mimetype"]:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.external_attr = 0o644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                target.writestr(info, source.read(name))
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()
