"""The EPUB 3 edition: one XHTML document per essay and per generated page, packaged by ebooklib.

We render every XHTML page ourselves (Jinja2 → checked as XML with lxml) and hand ebooklib raw
items, so it writes only the package document, the NCX and the ZIP; its own page builders drop
`<head>` content and attributes and make a cover page epubcheck rejects. The ZIP is then rewritten
with fixed timestamps so the same sources always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ebooklib import epub
from lxml import etree

from ..compose import template_context
from ..cover import cover_image
from ..diagnostics import Diagnostics
from ..errors import ThemeError
from ..fsutil import atomic_output
from ..model import RenderedBook, RenderedEssay, RenderedPart
from ..project import Project
from ..themes import Theme

XHTML = "application/xhtml+xml"
EPUB_NS = "http://www.idpf.org/2007/ops"
_FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}
_IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
                ".gif": "image/gif", ".webp": "image/webp", ".svg": "image/svg+xml"}


@dataclass(frozen=True, slots=True)
class _Page:
    """One content document: its file name, spine id, title and XHTML."""

    uid: str
    file_name: str
    title: str
    xhtml: bytes


def write_epub(
    rendered: RenderedBook, theme: Theme, project: Project, target: Path, diagnostics: Diagnostics
) -> Path:
    """Write the EPUB 3 edition to `target` (atomically)."""
    book = rendered.book
    meta = book.meta
    files = _file_names(rendered)
    images = _image_names(rendered, project)
    cover = cover_image(rendered, theme, project, diagnostics)
    cover_name = "images/cover" + cover.suffix

    stylesheets = [("fonts.css", theme.root / "fonts.css"), ("epub.css", theme.root / "epub.css")]
    if theme.overrides is not None and (theme.overrides / "epub.css").is_file():
        stylesheets.append(("book.css", theme.overrides / "epub.css"))
    stylesheets = [(name, path) for name, path in stylesheets if path.is_file()]

    def href(target_id: str) -> str:
        return files[target_id]

    context = template_context(rendered, project, href, cover_name)
    context["stylesheet_hrefs"] = [name for name, _ in stylesheets]
    first_body = rendered.contents[0]
    context["first_body_id"] = first_body.id

    def page(uid: str, file_name: str, title: str, partial: str, page_class: str,
             body_type: str | None = None, **extra: object) -> _Page:
        text = theme.render(
            "epub/page.xhtml.j2", partial=partial, page_title=title, page_class=page_class,
            body_type=body_type, **{**context, **extra},
        )
        return _Page(uid, file_name, title, text.encode("utf-8"))

    pages = [
        page("cover", "cover.xhtml", "Cover", "cover.html.j2", "cover-page", "cover"),
        page("title-page", "title-page.xhtml", meta.title, "title-page.html.j2", "title-page-page",
             "frontmatter"),
        page("copyright", "copyright.xhtml", "Copyright", "copyright.html.j2", "copyright-page-page",
             "frontmatter"),
    ]
    nav = _Page("nav", "nav.xhtml", "Contents",
                theme.render("epub/nav.xhtml.j2", **context).encode("utf-8"))
    pages.append(nav)
    for entry in rendered.contents:
        if isinstance(entry, RenderedPart):
            pages.append(page(entry.id, files[entry.id], entry.title_text, "part.html.j2",
                              "part-page", "bodymatter", part=entry, body_start=False))
            for essay in entry.essays:
                pages.append(_essay_page(page, essay, files, in_part=True))
        else:
            pages.append(_essay_page(page, entry, files, in_part=False))
    root = project.root.resolve()
    pages = _link_pages(pages, {p.relative_to(root).as_posix(): n for p, n in images.items()})

    ebook = epub.EpubBook()
    ebook.set_identifier(meta.epub_identifier())
    ebook.set_title(meta.title)
    ebook.set_language(meta.language)
    for number, name in enumerate(meta.authors, start=1):
        ebook.add_author(name, role="aut", uid=f"author{number}")
    for number, name in enumerate(meta.editors, start=1):
        ebook.add_author(name, role="edt", uid=f"editor{number}")
    if not meta.authors and not meta.editors:
        for number, name in enumerate(book.contributors, start=1):
            ebook.add_author(name, role="aut", uid=f"author{number}")
    elif book.is_anthology:
        for number, name in enumerate(book.contributors, start=1):
            if name in meta.authors:
                continue
            if name in meta.editors:  # the editor also wrote an essay: one person, two roles
                creator = f"editor{meta.editors.index(name) + 1}"
            else:
                creator = f"contributor{number}"
                ebook.add_metadata("DC", "contributor", name, {"id": creator})
            ebook.add_metadata(None, "meta", "aut", {
                "refines": f"#{creator}", "property": "role", "scheme": "marc:relators"})
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
    if meta.isbn_print:
        ebook.add_metadata("DC", "source", "urn:isbn:" + re.sub(r"[\s-]", "", meta.isbn_print))
    _accessibility_metadata(ebook, rendered)

    ebook.set_cover(cover_name, cover.data, create_page=False)
    for name, path in stylesheets:
        ebook.add_item(epub.EpubItem(uid=f"css-{Path(name).stem}", file_name=name,
                                     media_type="text/css", content=path.read_bytes()))
    for font in theme.fonts():
        media_type = _FONT_TYPES.get(font.suffix.lower())
        if media_type:
            ebook.add_item(epub.EpubItem(uid=f"font-{_xml_id(font.stem)}", file_name=f"fonts/{font.name}",
                                         media_type=media_type, content=font.read_bytes()))
    for source, name in images.items():
        ebook.add_item(epub.EpubItem(uid=f"img-{_xml_id(Path(name).stem)}", file_name=name,
                                     media_type=_IMAGE_TYPES[source.suffix.lower()],
                                     content=source.read_bytes()))
    spine = []
    for item in pages:
        doc = epub.EpubItem(uid=item.uid, file_name=item.file_name, media_type=XHTML,
                            content=item.xhtml)
        if item.uid == "nav":
            doc.properties = ["nav"]
        ebook.add_item(doc)
        spine.append(doc)
    ebook.spine = spine
    ebook.toc = _ncx_toc(rendered, files)
    ebook.add_item(epub.EpubNcx())

    buffer = io.BytesIO()
    writer = _PackageWriter(buffer, ebook, {
        "epub3_landmark": False,
        "epub3_pages": False,
        "play_order": {"enabled": False, "start_from": 1},
        "mtime": project.source_date.astimezone(dt.timezone.utc),
    })
    writer.process()
    writer.write()
    with atomic_output(target) as temporary:
        temporary.write_bytes(_normalized_zip(buffer.getvalue(), project.source_date))
    return target


class _PackageWriter(epub.EpubWriter):
    """ebooklib's writer, with the book's language on the package element (`xml:lang`), which
    accessibility checkers (DAISY Ace: epub-lang) require and ebooklib 0.20 leaves out."""

    def _write_opf_file(self, root) -> None:
        root.set("{http://www.w3.org/XML/1998/namespace}lang", self.book.language)
        super()._write_opf_file(root)


def _essay_page(page, essay: RenderedEssay, files: dict[str, str], *, in_part: bool) -> _Page:
    title = essay.title_text
    return page(essay.id, files[essay.id], title, "essay.html.j2", "essay-page", "bodymatter",
                essay=essay, in_part=in_part, body_start=False)


def _file_names(rendered: RenderedBook) -> dict[str, str]:
    """Map every division id to its XHTML file name."""
    names = {}
    for entry in rendered.contents:
        names[entry.id] = f"{entry.id}.xhtml"
        if isinstance(entry, RenderedPart):
            for essay in entry.essays:
                names[essay.id] = f"{essay.id}.xhtml"
    return names


def _image_names(rendered: RenderedBook, project: Project) -> dict[Path, str]:
    """Give every image the essays use a unique name under `images/`."""
    names: dict[Path, str] = {}
    used: set[str] = {"cover"}
    for essay in rendered.essays():
        for path in essay.images:
            if path in names:
                continue
            stem = re.sub(r"[^A-Za-z0-9_-]+", "-", path.stem).strip("-") or "image"
            candidate, number = stem, 2
            while candidate in used:
                candidate, number = f"{stem}-{number}", number + 1
            used.add(candidate)
            names[path] = f"images/{candidate}{path.suffix.lower()}"
    return names


def _link_pages(pages: list[_Page], image_names: dict[str, str]) -> list[_Page]:
    """Parse every page as XML and point links and images at the right files.

    Essays link to each other and to their notes by book-wide ids (`#id`); in the EPUB those ids
    live in different files, so each `#id` becomes `file.xhtml#id`.
    """
    trees = {}
    owner: dict[str, str] = {}
    for item in pages:
        try:
            root = etree.fromstring(item.xhtml)
        except etree.XMLSyntaxError as exc:
            raise ThemeError(f"the EPUB page {item.file_name} is not well-formed XHTML: {exc}",
                             hint="check the theme's templates in styles/templates/") from None
        trees[item.file_name] = root
        for node in root.iter():
            if node.get("id"):
                owner.setdefault(node.get("id"), item.file_name)
    result = []
    for item in pages:
        root = trees[item.file_name]
        for node in root.iter("{http://www.w3.org/1999/xhtml}a"):
            href = node.get("href", "")
            if href.startswith("#"):
                target = owner.get(href[1:])
                if target is not None and target != item.file_name:
                    node.set("href", target if href[1:] == Path(target).stem else target + href)
            if "footnote-ref" in (node.get("class") or ""):
                node.set(f"{{{EPUB_NS}}}type", "noteref")
                node.set("role", "doc-noteref")
            elif "footnote-backref" in (node.get("class") or ""):
                node.set("role", "doc-backlink")
        for node in root.iter("{http://www.w3.org/1999/xhtml}img"):
            src = node.get("src", "")
            if src in image_names:
                node.set("src", image_names[src])
        result.append(_Page(item.uid, item.file_name, item.title, etree.tostring(
            root.getroottree(), xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")))
    return result


def _ncx_toc(rendered: RenderedBook, files: dict[str, str]) -> list:
    """The NCX table of contents for EPUB 2 readers: parts as sections, essays as links."""
    toc: list = []
    for entry in rendered.contents:
        if isinstance(entry, RenderedPart):
            section = epub.Section(entry.title_text, href=files[entry.id])
            links = [epub.Link(files[e.id], e.title_text, f"ncx-{e.id}") for e in entry.essays]
            toc.append((section, links))
        else:
            toc.append(epub.Link(files[entry.id], entry.title_text, f"ncx-{entry.id}"))
    return toc


def _accessibility_metadata(ebook: epub.EpubBook, rendered: RenderedBook) -> None:
    """Schema.org discoverability metadata (EPUB Accessibility 1.1), claiming only what we do."""
    has_images = any(e.images for e in rendered.essays())

    def meta(prop: str, value: str) -> None:
        ebook.add_metadata(None, "meta", value, {"property": f"schema:{prop}"})

    meta("accessMode", "textual")
    if has_images:
        meta("accessMode", "visual")
    meta("accessModeSufficient", "textual")
    for feature in ("structuralNavigation", "tableOfContents", "readingOrder",
                    "displayTransformability"):
        meta("accessibilityFeature", feature)
    meta("accessibilityHazard", "none")
    meta("accessibilitySummary",
         "Reflowable text with a navigable table of contents, headings for every part and "
         "essay, and linked notes.")


def _xml_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def _normalized_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite the ZIP with `mimetype` first and stored, and one fixed timestamp on every entry."""
    stamp = max(when.astimezone(dt.timezone.utc), dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc))
    date_time = stamp.timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        order = ["mimetype"] + [n for n in names if n != "mimetype"]
        for name in order:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.external_attr = 0o644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                target.writestr(info, source.read(name))
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()
