"""Read a LibreOffice .odt manuscript into the same HTML the .docx reader gives.

odfdo opens the package and reads its metadata and pictures; the text is walked here, style by
style, because what a book keeps from an .odt lives in its automatic styles (a span's italic,
a paragraph's indentation, a passage's language) rather than in named styles.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path

from lxml import etree

from ..errors import Location, ManuscriptError
from .document import Comment, ReadDocument, primary, read_xml, snippet, to_png
from .report import ImportReport

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
MIMETYPE = "application/vnd.oasis.opendocument.text"
#: A paragraph indented this far (in cm) on the left, outside a list, is a quotation.
QUOTE_INDENT_CM = 1.0
QUOTE_STYLES = {"quotations", "quotation", "quote", "intense quote", "block quote", "blockquote",
                "block text"}
VERSE_STYLES = {"verse", "poem", "poetry", "verse text", "poem text"}
ROLE_STYLES = {"title": "title", "subtitle": "subtitle", "author": "author", "byline": "author"}
PLAIN_STYLES = {"standard", "default", "default paragraph style", "text body", "body text",
                "first line indent", "text_20_body", "normal", "footnote", "endnote",
                "table contents", "table heading", "list", "list contents", "contents",
                "first paragraph", "hanging indent", "text body indent", "caption",
                "illustration", "figure", "frame contents", "heading", "list paragraph",
                "footnote text", "endnote text"}
PLAIN_SPAN_STYLES = {"internet link", "visited internet link", "footnote anchor",
                     "endnote anchor", "footnote characters", "endnote characters",
                     "footnote symbol", "endnote symbol", "default paragraph font"}
IMAGE_SUFFIXES = {".png": "png", ".jpg": "jpg", ".jpeg": "jpg", ".gif": "gif", ".webp": "webp",
                  ".svg": "svg", ".tif": "png", ".tiff": "png", ".bmp": "png"}
CONVERTED_SUFFIXES = {".tif", ".tiff", ".bmp"}
FIELDS = {"page-number", "page-count", "date", "time", "title", "subject", "author-name",
          "author-initials", "chapter", "file-name", "sequence", "bookmark-ref", "reference-ref",
          "sequence-ref", "note-ref", "user-defined", "variable-get", "word-count",
          "initial-creator", "creation-date", "sender-firstname", "sender-lastname"}


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _error(path: Path, message: str, hint: str) -> ManuscriptError:
    return ManuscriptError(message, Location(path), hint)


def _length_cm(value: str | None) -> float:
    match = re.fullmatch(r"(-?[\d.]+)(cm|mm|in|pt|pc)", (value or "").strip())
    if not match:
        return 0.0
    number, unit = float(match.group(1)), match.group(2)
    return number * {"cm": 1, "mm": 0.1, "in": 2.54, "pt": 2.54 / 72, "pc": 2.54 / 6}[unit]


class _Styles:
    """The document's styles, named and automatic, with their inheritance."""

    def __init__(self, content: etree._Element, styles: etree._Element | None) -> None:
        self.by_key: dict[tuple[str, str], etree._Element] = {}
        self.automatic: set[tuple[str, str]] = set()
        self.defaults: dict[str, etree._Element] = {}
        self.list_styles: dict[str, etree._Element] = {}
        for root in (styles, content):
            if root is None:
                continue
            for container in root.iter(q("office:styles"), q("office:automatic-styles")):
                automatic = container.tag == q("office:automatic-styles")
                for style in container:
                    if style.tag == q("style:style"):
                        key = (style.get(q("style:family")), style.get(q("style:name")))
                        self.by_key[key] = style
                        if automatic:
                            self.automatic.add(key)
                    elif style.tag == q("style:default-style"):
                        self.defaults[style.get(q("style:family"))] = style
                    elif style.tag == q("text:list-style"):
                        self.list_styles[style.get(q("style:name"))] = style

    def chain(self, family: str, name: str | None) -> list[etree._Element]:
        out, seen = [], set()
        while name and (family, name) in self.by_key and name not in seen:
            seen.add(name)
            style = self.by_key[(family, name)]
            out.append(style)
            name = style.get(q("style:parent-style-name"))
        return out

    def properties(self, family: str, name: str | None, kind: str,
                   automatic_only: bool = False) -> dict[str, str]:
        """The `kind` ('text' or 'paragraph') properties a style sets, nearest first."""
        merged: dict[str, str] = {}
        for style in self.chain(family, name):
            key = (family, style.get(q("style:name")))
            if automatic_only and key not in self.automatic:
                break
            for props in style.iter(q(f"style:{kind}-properties")):
                for attribute, value in props.attrib.items():
                    merged.setdefault(attribute, value)
        return merged

    def named(self, family: str, name: str | None) -> str | None:
        """The display name of the nearest named (not automatic) style (a style the document
        uses without defining it is named too)."""
        chain = self.chain(family, name)
        for style in chain:
            if (family, style.get(q("style:name"))) not in self.automatic:
                return (style.get(q("style:display-name")) or style.get(q("style:name"))
                        ).replace("_20_", " ")
        last = chain[-1].get(q("style:parent-style-name")) if chain else name
        return last.replace("_20_", " ") if last else None

    def default_language(self) -> str | None:
        default = self.defaults.get("paragraph")
        if default is None:
            return None
        for props in default.iter(q("style:text-properties")):
            return _language(props.attrib)
        return None

    def ordered(self, list_style: str | None, level: int) -> bool:
        style = self.list_styles.get(list_style or "")
        if style is None:
            return False
        for child in style:
            if child.get(q("text:level")) == str(level):
                return child.tag == q("text:list-level-style-number") and bool(
                    child.get(q("style:num-format")))
        return False


def _language(attributes) -> str | None:
    language = attributes.get(q("fo:language"))
    if not language or language == "zxx" or language == "none":
        return None
    country = attributes.get(q("fo:country"))
    return f"{language}-{country}" if country and country != "none" else language


def _open(path: Path) -> zipfile.ZipFile:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _error(path, f"cannot read the file: {exc.strerror}", "check the path") from None
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        broken = package.testzip()
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise _error(path, "not an OpenDocument text: the file is not an .odt package (or it is "
                     "damaged)", "open it in LibreOffice or Word and save it as .odt or .docx"
                     ) from None
    if broken is not None:
        raise _error(path, f"the document is damaged ({broken} cannot be read)",
                     "open it in LibreOffice, which may repair it, and save it again")
    names = package.namelist()
    mimetype = package.read("mimetype").decode("ascii", "replace").strip() if (
        "mimetype" in names) else ""
    if mimetype != MIMETYPE or "content.xml" not in names:
        raise _error(path, "not an OpenDocument text document"
                     + (f" (it is {mimetype})" if mimetype else ""),
                     "save it from LibreOffice Writer as .odt, or from Word as .docx")
    if "META-INF/manifest.xml" in names and b"encryption-data" in package.read(
            "META-INF/manifest.xml"):
        raise _error(path, "the document is encrypted (password-protected)",
                     "open it in LibreOffice, remove the password (File → Properties → "
                     "Security) and save it again")
    return package


def _xml(package: zipfile.ZipFile, name: str, path: Path) -> etree._Element | None:
    return read_xml(package, name, path, "LibreOffice")


def read_odt(path: Path, essay_id: str, accept_changes: bool) -> ReadDocument:
    """Read one .odt into the writer's HTML; raise a `ManuscriptError` if it cannot be used."""
    from odfdo import Document

    package = _open(path)
    content = _xml(package, "content.xml", path)
    text_body = content.find(f"{q('office:body')}/{q('office:text')}")
    if text_body is None:
        raise _error(path, "not a text document: the package has no text body",
                     "save it from LibreOffice Writer as .odt")
    try:
        document = Document(path)
        title = (document.meta.get_title() or "").strip() or None
        author = (document.meta.get_initial_creator() or document.meta.get_creator() or "")
        author = author.strip() or None
    except Exception as exc:  # odfdo's own errors on a damaged package
        raise _error(path, f"the document cannot be read: {exc}",
                     "open it in LibreOffice, which may repair it, and save it again") from None
    report = ImportReport(source=path)
    _refuse_tracked_changes(path, text_body, report, accept_changes)
    styles = _Styles(content, _xml(package, "styles.xml", path))
    manifest = _xml(package, "META-INF/manifest.xml", path)
    media = {} if manifest is None else {
        e.get(q("manifest:full-path")).rstrip("/"): e.get(q("manifest:media-type"), "")
        for e in manifest.iter(q("manifest:file-entry"))}
    walker = _Walker(package, styles, media, essay_id, report)
    walker.language = _main_language(text_body, styles)
    walker.quotes_by_indent = not _mostly_indented(text_body, styles)
    root = walker.run(text_body)
    fragment = "".join(etree.tostring(child, encoding="unicode", method="html")
                       for child in root)
    return ReadDocument(html=fragment, report=report, title=title, author=author,
                        language=walker.language, images=walker.images,
                        comments=walker.comments)


def _mostly_indented(body: etree._Element, styles: _Styles) -> bool:
    """Whether most paragraphs with text are indented as far as a quotation (then that is the
    document's layout, not a mark of quotations)."""
    paragraphs = [p for p in body.iter(q("text:p")) if _plain(p).strip()]
    indented = sum(1 for p in paragraphs if _length_cm(styles.properties(
        "paragraph", p.get(q("text:style-name")), "paragraph").get(q("fo:margin-left")))
        >= QUOTE_INDENT_CM)
    return bool(paragraphs) and indented * 2 > len(paragraphs)


def _main_language(body: etree._Element, styles: _Styles) -> str | None:
    """The language most of the text is in (by characters), as the document tags it."""
    default = styles.default_language()
    counts: Counter[str] = Counter()
    tags: dict[str, str] = {}

    def visit(element: etree._Element, language: str | None) -> None:
        if element.tag in (q("text:span"), q("text:p"), q("text:h")):
            family = "text" if element.tag == q("text:span") else "paragraph"
            language = _language(styles.properties(family, element.get(q("text:style-name")),
                                                   "text")) or language
        if element.tag == q("text:tracked-changes"):
            return
        if language:
            counts[primary(language)] += len(element.text or "")
            tags.setdefault(primary(language), language)
        for child in element:
            visit(child, language)
            if language and child.tail:
                counts[primary(language)] += len(child.tail)

    visit(body, default)
    if not counts:
        return default
    best = counts.most_common(1)[0][0]
    return default if default and primary(default) == best else tags[best]


def _plain(element: etree._Element) -> str:
    """A paragraph's own text as a reader sees it: spaces, tabs and line breaks as spaces;
    notes, comments and frames left out."""
    parts = [element.text or ""]
    for child in element:
        if child.tag in (q("text:s"), q("text:tab"), q("text:line-break")):
            parts.append(" " * int(child.get(q("text:c")) or 1))
        elif child.tag not in (q("text:note"), q("office:annotation"), q("draw:frame")):
            parts.append(_plain(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _refuse_tracked_changes(path: Path, body: etree._Element, report: ImportReport,
                            accept_changes: bool) -> None:
    found: Counter[str] = Counter()
    kinds = {"insertion": "insertions", "deletion": "deletions",
             "format-change": "formatting changes"}
    for region in body.iter(q("text:changed-region")):
        for child in region:
            kind = etree.QName(child).localname
            found[kinds.get(kind, kind)] += 1
    if not found:
        return
    described = ", ".join(f"{count} {kind}" for kind, count in sorted(found.items()))
    if not accept_changes:
        raise _error(path, f"the document has tracked changes ({described}) that are not "
                     "accepted or rejected",
                     "accept or reject them in LibreOffice (Edit → Track Changes → Manage → "
                     "Accept All) and save, or import with --accept-changes to take the text "
                     "as if all were accepted")
    report.accepted_changes.update(found)


class _Walker:
    """One walk over the text: blocks and inline content to HTML, notes gathered at the end."""

    def __init__(self, package: zipfile.ZipFile, styles: _Styles, media: dict[str, str],
                 essay_id: str, report: ImportReport) -> None:
        self.package = package
        self.styles = styles
        self.media = media
        self.essay_id = essay_id
        self.report = report
        self.language: str | None = None
        #: Whether a paragraph indented like a quotation is one (not when most paragraphs are).
        self.quotes_by_indent = True
        self.images: dict[str, bytes] = {}
        self.comments: list[Comment] = []
        self.notes: list[etree._Element] = []
        self.counts = {"footnote": 0, "endnote": 0}
        self.paragraph = 0
        self.paragraph_text = ""
        self.image_count = 0

    def run(self, body: etree._Element) -> etree._Element:
        root = etree.Element("div")
        self.blocks(body, root)
        if self.notes:
            notes = etree.SubElement(root, "ol")
            notes.extend(self.notes)
        return root

    # ------------------------------------------------------------------ blocks
    def blocks(self, container: etree._Element, out: etree._Element, in_list: bool = False):
        for child in container:
            self.block(child, out, in_list)

    def block(self, child: etree._Element, out: etree._Element, in_list: bool) -> None:
        tag = child.tag
        if tag == q("text:p") or tag == q("text:h"):
            self.paragraph += 1
            self.paragraph_text = _plain(child)
            self.block_paragraph(child, out, in_list)
        elif tag == q("text:list"):
            self.list(child, out, 1, child.get(q("text:style-name")))
        elif tag == q("table:table"):
            self.table(child, out)
        elif tag in (q("text:section"), q("text:soft-page-break")):
            self.blocks(child, out, in_list)
        elif tag in (q("text:table-of-content"), q("text:alphabetical-index"),
                     q("text:bibliography"), q("text:illustration-index")):
            self.report.dropped["generated indexes and tables of contents"] += 1
        elif tag in (q("text:tracked-changes"), q("text:sequence-decls"),
                     q("office:forms"), q("text:variable-decls"),
                     q("text:user-field-decls")):
            return

    def block_paragraph(self, element: etree._Element, out: etree._Element,
                        in_list: bool) -> None:
        style = element.get(q("text:style-name"))
        named = self.styles.named("paragraph", style)
        lowered = (named or "").lower()
        if element.tag == q("text:h"):
            level = int(element.get(q("text:outline-level")) or 1)
            target = etree.SubElement(out, f"h{min(max(level, 1), 6)}")
        elif lowered in ROLE_STYLES:
            target = etree.SubElement(out, "p", {"class": ROLE_STYLES[lowered]})
        elif lowered in VERSE_STYLES:
            target = etree.SubElement(out, "p", {"class": "verse"})
        else:
            paragraph_props = self.styles.properties("paragraph", style, "paragraph")
            indented = (_length_cm(paragraph_props.get(q("fo:margin-left"))) >= QUOTE_INDENT_CM
                        and not in_list and self.quotes_by_indent)
            if lowered in QUOTE_STYLES or indented:
                quote = out[-1] if len(out) and out[-1].tag == "blockquote" else (
                    etree.SubElement(out, "blockquote"))
                target = etree.SubElement(quote, "p")
            else:
                target = etree.SubElement(out, "p")
            if named and lowered not in PLAIN_STYLES and lowered not in QUOTE_STYLES and not (
                    lowered.startswith(("heading", "list ", "numbering", "contents"))):
                self.report.unknown_styles[f"paragraph style '{named}'"] += 1
        own = self.styles.properties("paragraph", style, "text", automatic_only=True)
        language = _language(own)
        if language and self.language and primary(language) != primary(self.language):
            target.set("lang", language)
        holder = self.wrap(target, own)
        self.inline(element, holder)

    def wrap(self, target: etree._Element, props: dict[str, str]) -> etree._Element:
        """Nest the elements a style's text properties call for; return the innermost."""
        weight = props.get(q("fo:font-weight"), "")
        position = props.get(q("style:text-position"), "").split()
        raise_by = position[0] if position else ""
        wrappers = []
        if props.get(q("fo:font-style")) in ("italic", "oblique"):
            wrappers.append(("em", {}))
        if weight == "bold" or (weight.isdigit() and int(weight) >= 600):
            wrappers.append(("strong", {}))
        if props.get(q("fo:font-variant")) == "small-caps":
            wrappers.append(("span", {"class": "smallcaps"}))
        if raise_by.startswith("super") or (raise_by.rstrip("%").lstrip("-").replace(
                ".", "").isdigit() and float(raise_by.rstrip("%")) > 0):
            wrappers.append(("sup", {}))
        elif raise_by.startswith("sub") or (raise_by.startswith("-") and raise_by != "-0%"):
            wrappers.append(("sub", {}))
        noise = {q("style:font-name"), q("fo:font-size"), q("fo:color"), q("fo:background-color"),
                 q("style:text-underline-style"), q("fo:font-family")}
        if noise & set(props):
            self.report.dropped["direct formatting: fonts, sizes, colours, underlining (runs)"] += 1
        for tag, attributes in wrappers:
            target = etree.SubElement(target, tag, attributes)
        return target

    def list(self, element: etree._Element, out: etree._Element, level: int,
             list_style: str | None) -> None:
        list_style = element.get(q("text:style-name")) or list_style
        tag = "ol" if self.styles.ordered(list_style, level) else "ul"
        html_list = etree.SubElement(out, tag)
        for item in element:
            if item.tag not in (q("text:list-item"), q("text:list-header")):
                continue
            li = etree.SubElement(html_list, "li")
            for child in item:
                if child.tag == q("text:list"):
                    self.list(child, li, level + 1, list_style)
                else:
                    self.block(child, li, in_list=True)

    def table(self, element: etree._Element, out: etree._Element) -> None:
        table = etree.SubElement(out, "table")
        for row in element.iter(q("table:table-row")):
            tr = etree.SubElement(table, "tr")
            for cell in row:
                if cell.tag != q("table:table-cell"):
                    continue
                td = etree.SubElement(tr, "td")
                self.blocks(cell, td, in_list=True)

    # ------------------------------------------------------------------ inline
    def inline(self, element: etree._Element, out: etree._Element) -> None:
        self.add_text(out, element.text)
        for child in element:
            self.inline_element(child, out)
            self.add_text(out, child.tail)

    @staticmethod
    def add_text(out: etree._Element, text: str | None) -> None:
        if not text:
            return
        if len(out):
            out[-1].tail = (out[-1].tail or "") + text
        else:
            out.text = (out.text or "") + text

    def inline_element(self, child: etree._Element, out: etree._Element) -> None:
        tag = child.tag
        local = etree.QName(tag).localname if isinstance(tag, str) else ""
        if tag == q("text:span"):
            style = child.get(q("text:style-name"))
            named = self.styles.named("text", style)
            lowered = (named or "").lower()
            props = self.styles.properties("text", style, "text")
            if lowered in ("emphasis", "citation"):
                props.setdefault(q("fo:font-style"), "italic")
            elif lowered in ("strong emphasis", "strong"):
                props.setdefault(q("fo:font-weight"), "bold")
            elif named and lowered not in PLAIN_SPAN_STYLES:
                self.report.unknown_styles[f"character style '{named}'"] += 1
            language = _language(props)
            target = out
            if language and self.language and primary(language) != primary(self.language):
                target = etree.SubElement(out, "span", {"lang": language})
            self.inline(child, self.wrap(target, props))
        elif tag == q("text:a"):
            href = child.get(q("xlink:href")) or ""
            link = etree.SubElement(out, "a", {"href": href})
            self.inline(child, link)
        elif tag == q("text:line-break"):
            etree.SubElement(out, "br")
        elif tag == q("text:s"):
            self.add_text(out, " " * int(child.get(q("text:c")) or 1))
        elif tag == q("text:tab"):
            self.add_text(out, " ")
        elif tag == q("text:note"):
            self.note(child, out)
        elif tag in (q("text:bookmark"), q("text:bookmark-start")):
            self.report.dropped["bookmarks"] += 1
        elif tag == q("office:annotation"):
            self.comment(child)
        elif tag == q("draw:frame"):
            self.frame(child, out)
        elif tag in (q("draw:a"),):
            for grandchild in child:
                self.inline_element(grandchild, out)
        elif local in FIELDS and tag.startswith("{" + NS["text"]):
            self.report.dropped["field codes (their shown text kept)"] += 1
            self.inline(child, out)
        elif tag in (q("text:change-start"), q("text:change-end"), q("text:change"),
                     q("text:bookmark-end"), q("office:annotation-end"),
                     q("text:soft-page-break"), q("text:reference-mark-start"),
                     q("text:reference-mark-end"), q("text:alphabetical-index-mark"),
                     q("text:toc-mark")):
            return
        elif tag in (q("draw:custom-shape"), q("draw:rect"), q("draw:line"), q("draw:g")):
            self.report.unsupported.append(("drawing", self.where()))
        else:
            self.inline(child, out)

    def where(self) -> str:
        text = snippet(self.paragraph_text)
        return f"paragraph {self.paragraph} (“{text}”)" if text else f"paragraph {self.paragraph}"

    def note(self, element: etree._Element, out: etree._Element) -> None:
        kind = "endnote" if element.get(q("text:note-class")) == "endnote" else "footnote"
        self.counts[kind] += 1
        number = self.counts[kind]
        sup = etree.SubElement(out, "sup")
        etree.SubElement(sup, "a", {"href": f"#{kind}-{number}",
                                    "id": f"{kind}-ref-{number}"}).text = f"[{number}]"
        body = element.find(q("text:note-body"))
        item = etree.Element("li", {"id": f"{kind}-{number}"})
        if body is not None:
            saved = (self.paragraph, self.paragraph_text)
            self.blocks(body, item, in_list=True)
            self.paragraph, self.paragraph_text = saved
        self.notes.append(item)

    def comment(self, element: etree._Element) -> None:
        author = element.findtext(q("dc:creator")) or "unknown"
        date = (element.findtext(q("dc:date")) or "")[:10]
        text = "\n".join(_plain(p) for p in element.iter(q("text:p"))).strip()
        self.comments.append(Comment(author=author, date=date, text=text,
                                     anchor=snippet(self.paragraph_text, 80),
                                     where=f"paragraph {self.paragraph}"))
        self.report.comments = len(self.comments)

    def frame(self, frame: etree._Element, out: etree._Element) -> None:
        image = frame.find(q("draw:image"))
        box = frame.find(q("draw:text-box"))
        inner = box.find(f".//{q('draw:frame')}[{q('draw:image')}]") if box is not None else None
        if inner is not None:
            # LibreOffice's captioned picture: the picture, and its caption around it.
            caption = " ".join(" ".join(_plain(p).split()) for p in box.iter(q("text:p"))).strip()
            self.frame(inner, out)
            if len(out) and out[-1].tag == "img" and caption:
                out[-1].set("title", caption)
            return
        if box is not None:
            text = snippet(" ".join(_plain(p) for p in frame.iter(q("text:p"))))
            self.report.unsupported.append(
                (f"text box (“{text}”)" if text else "text box", self.where()))
            return
        obj = frame.find(q("draw:object"))
        if obj is not None or frame.find(q("draw:object-ole")) is not None:
            href = (obj.get(q("xlink:href")) if obj is not None else "") or ""
            kind = self.media.get(href.lstrip("./").rstrip("/"), "")
            name = ("equation" if "formula" in kind else "chart" if "chart" in kind
                    else "embedded object")
            self.report.unsupported.append((name, self.where()))
            return
        if image is None:
            return
        href = image.get(q("xlink:href")) or ""
        self.image_count += 1
        suffix = Path(href).suffix.lower()
        if suffix not in IMAGE_SUFFIXES or href not in self.package.namelist():
            self.report.unsupported.append(
                (f"image in a format books cannot use ({suffix or href})",
                 f"image {self.image_count}, {self.where()}"))
            return
        data = self.package.read(href)
        if suffix in CONVERTED_SUFFIXES:
            data = to_png(data)
        name = f"image-{self.image_count}.{IMAGE_SUFFIXES[suffix]}"
        self.images[name] = data
        src = f"images/{self.essay_id}/{name}"
        alt = (frame.findtext(q("svg:desc")) or frame.findtext(q("svg:title")) or "").strip()
        attributes = {"src": src}
        if alt:
            attributes["alt"] = alt
        else:
            self.report.warn(f"image {self.image_count} ({src}) has no alt text: describe it "
                             f"in the essay, ![what it shows]({src}), or mark it {{.decorative}}")
        etree.SubElement(out, "img", attributes)
