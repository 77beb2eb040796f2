"""Read a Word .docx manuscript through mammoth, after looking at its XML for what mammoth
would silently pass over: tracked changes, comments, text boxes, equations, charts, foreign
languages and formatting noise.

mammoth turns Word's semantic structure (styles, notes, lists, tables, links, pictures) into
clean HTML and ignores direct formatting by design, which is what a book wants. What it cannot
see — the language of a passage, a paragraph indented as a quotation — is marked here first:
runs in another language get a character style mammoth's style map turns into a `span`, and
indented paragraphs a style mapped to a block quote.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from ..errors import Location, ManuscriptError
from .document import Comment, ReadDocument, primary, read_xml, snippet, to_png
from .report import ImportReport

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "v": "urn:schemas-microsoft-com:vml",
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: 1 cm in twentieths of a point: a paragraph indented this far on the left is a quotation.
QUOTE_INDENT = 567
LANG_STYLE = "BookifyLang-"
INDENTED_QUOTE = "Bookify Indented Quote"

#: Word's and LibreOffice's styles for plain text: no need to report them as unknown.
PLAIN_PARAGRAPH_STYLES = (
    "Normal", "Body Text", "Body Text 2", "Body Text 3", "Body Text First Indent",
    "Body Text First Indent 2", "First Paragraph", "Text Body", "Normal (Web)", "No Spacing",
    "Plain Text", "Default", "Standard", "Normal Indent", "Footnote Text", "Endnote Text",
    "Compact", "Text body", "Default Paragraph Style",
)
PLAIN_RUN_STYLES = ("Hyperlink", "Footnote Reference", "Endnote Reference",
                    "Default Paragraph Font", "FollowedHyperlink", "Footnote Characters",
                    "Endnote Characters", "Internet Link", "Footnote anchor", "Endnote anchor")
QUOTE_STYLES = ("Quote", "Intense Quote", "Block Text", "Quotation", "Quotations",
                "Block Quote", "Blockquote", INDENTED_QUOTE)
VERSE_STYLES = ("Verse", "Poem", "Poetry", "Verse Text", "Poem Text")


def _style_map(languages: set[str]) -> str:
    rules = [
        "p[style-name='Title'] => p.title:fresh",
        "p[style-name='Subtitle'] => p.subtitle:fresh",
        "p[style-name='Caption'] => p.caption:fresh",
        "p[style-name='Author'] => p.author:fresh",
        "p[style-name='Byline'] => p.author:fresh",
        *(f"p[style-name='{name}'] => blockquote > p:fresh" for name in QUOTE_STYLES),
        *(f"p[style-name='{name}'] => p.verse:fresh" for name in VERSE_STYLES),
        *(f"p[style-name='{name}'] => p:fresh" for name in PLAIN_PARAGRAPH_STYLES),
        "r[style-name='Emphasis'] => em",
        "r[style-name='Intense Emphasis'] => em",
        "r[style-name='Book Title'] => em",
        "r[style-name='Strong'] => strong",
        *(f"r[style-name='{name}'] => " for name in PLAIN_RUN_STYLES),
        *(f"r.{LANG_STYLE}{lang} => span.lang-{lang}" for lang in sorted(languages)),
        "r.CommentReference => ",
        "r[style-name='annotation reference'] => ",
        "small-caps => span.smallcaps",
        "comment-reference => !",
    ]
    return "\n".join(rules)


def _error(path: Path, message: str, hint: str) -> ManuscriptError:
    return ManuscriptError(message, Location(path), hint)


def open_package(path: Path) -> zipfile.ZipFile:
    """The .docx as a ZIP package, or a clear error for an encrypted, old-format or broken file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _error(path, f"cannot read the file: {exc.strerror}", "check the path") from None
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise _error(path, "the document is encrypted (password-protected)",
                         "open it in Word, remove the password (File → Info → Protect "
                         "Document) and save it again")
        raise _error(path, "this is an old Word 97–2003 .doc file, not a .docx",
                     "open it in Word or LibreOffice and save it as .docx")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        broken = package.testzip()
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise _error(path, "not a Word document: the file is not a .docx package (or it is "
                     "damaged)", "open it in Word or LibreOffice and save it as .docx") from None
    if broken is not None:
        raise _error(path, f"the document is damaged ({broken} cannot be read)",
                     "open it in Word, which may repair it, and save it again")
    if _main_part(package) not in package.namelist():
        raise _error(path, "not a Word document: the package has no document text",
                     "save the file from Word or LibreOffice as .docx")
    return package


def _main_part(package: zipfile.ZipFile) -> str:
    try:
        rels = etree.fromstring(package.read("_rels/.rels"))
    except (KeyError, etree.XMLSyntaxError):
        return "word/document.xml"
    for rel in rels.iter(f"{{{NS['rel']}}}Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            target: str = rel.get("Target", "word/document.xml").lstrip("/")
            return target
    return "word/document.xml"


def _xml(package: zipfile.ZipFile, name: str, path: Path) -> etree._Element | None:
    return read_xml(package, name, path, "Word")


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{{{W}}}t"))


def _where(element: etree._Element, paragraphs: dict[etree._Element, int], part: str) -> str:
    """"paragraph 12 (“The first words…”)": the body paragraph holding `element`."""
    node = element
    while node is not None and node not in paragraphs:
        node = node.getparent()
    if node is None:  # between paragraphs: say which one it follows
        before = next((p for p in element.itersiblings(preceding=True) if p in paragraphs),
                      None)
        return f"after {_where(before, paragraphs, part)}" if before is not None else part
    text = "".join(t.text or "" for t in node.iter(f"{{{W}}}t")
                   if not any(a.tag == f"{{{W}}}txbxContent" for a in t.iterancestors()))
    label = f"paragraph {paragraphs[node]}"
    if part != "the text":
        label = f"{part}, {label}"
    return f"{label} (“{snippet(text)}”)" if text.strip() else label


def read_docx(path: Path, essay_id: str, accept_changes: bool) -> ReadDocument:
    """Read one .docx into the writer's HTML; raise a `ManuscriptError` if it cannot be used."""
    package = open_package(path)
    report = ImportReport(source=path)
    main = _main_part(package)
    folder = str(PurePosixPath(main).parent)
    parts = {"the text": main, "footnotes": f"{folder}/footnotes.xml",
             "endnotes": f"{folder}/endnotes.xml"}
    trees = {label: _xml(package, name, path) for label, name in parts.items()}
    if trees["the text"] is None or trees["the text"].find(f"{{{W}}}body") is None:
        raise _error(path, "not a Word document: the package has no document body",
                     "save the file from Word or LibreOffice as .docx")

    _refuse_tracked_changes(path, trees, report, accept_changes)
    default_language = _default_language(_xml(package, f"{folder}/styles.xml", path))
    language = _main_language(trees, default_language)
    languages = set()
    for label, tree in trees.items():
        if tree is None:
            continue
        # Numbered as a reader counts them: a text box's paragraphs are not the text's.
        paragraphs = {p: n for n, p in enumerate(
            (p for p in tree.iter(f"{{{W}}}p") if not any(
                a.tag == f"{{{W}}}txbxContent" for a in p.iterancestors())), start=1)}
        _remove_unsupported(tree, paragraphs, label, report)
        _count_noise(tree, report)
        languages |= _mark_languages(tree, language)
    comments = _read_comments(package, f"{folder}/comments.xml", trees["the text"], path)
    report.comments = len(comments)

    rewritten = io.BytesIO()
    with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as out:
        for info in package.infolist():
            rewritten_part = next((k for k, v in parts.items() if v == info.filename), None)
            if rewritten_part is not None and trees[rewritten_part] is not None:
                out.writestr(info.filename, etree.tostring(trees[rewritten_part], xml_declaration=True,
                                                           encoding="UTF-8", standalone=True))
            else:
                out.writestr(info, package.read(info.filename))
    rewritten.seek(0)

    images: dict[str, bytes] = {}
    quotes_by_indent = not _mostly_indented(trees["the text"])
    fragment = _convert(path, rewritten, essay_id, languages, images, report, quotes_by_indent)
    title, author = _core_properties(package, path)
    return ReadDocument(html=fragment, report=report, title=title, author=author,
                        language=language, images=images, comments=comments)


def _refuse_tracked_changes(path: Path, trees: dict[str, Any], report: ImportReport,
                            accept_changes: bool) -> None:
    kinds = {"ins": "insertions", "del": "deletions", "moveFrom": "moves", "moveTo": "moves",
             "rPrChange": "formatting changes", "pPrChange": "formatting changes"}
    found: Counter[str] = Counter()
    for tree in trees.values():
        if tree is None:
            continue
        for tag, kind in kinds.items():
            found[kind] += sum(1 for _ in tree.iter(f"{{{W}}}{tag}"))
    found = +found
    if not found:
        return
    described = ", ".join(f"{count} {kind}" for kind, count in sorted(found.items()))
    if not accept_changes:
        raise _error(path, f"the document has tracked changes ({described}) that are not "
                     "accepted or rejected",
                     "accept or reject them in Word (Review → Accept All Changes) and save, "
                     "or import with --accept-changes to take the text as if all were accepted")
    report.accepted_changes.update(found)
    for tree in trees.values():
        if tree is None:
            continue
        for change in list(tree.iter(f"{{{W}}}rPrChange", f"{{{W}}}pPrChange")):
            change.getparent().remove(change)


def _default_language(styles: etree._Element | None) -> str | None:
    if styles is None:
        return None
    for xpath in ("w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val",
                  "w:style[@w:type='paragraph' and @w:default='1']/w:rPr/w:lang/@w:val"):
        found = styles.xpath(xpath, namespaces=NS)
        if found:
            return str(found[0])
    return None


def _run_language(run: etree._Element) -> str | None:
    found = run.xpath("w:rPr/w:lang/@w:val", namespaces=NS)
    return str(found[0]) if found else None


def _main_language(trees: dict[str, Any], default: str | None) -> str | None:
    """The language most of the text is in (by characters), its tag as the document gives it."""
    counts: Counter[str] = Counter()
    tags: dict[str, str] = {}
    for tree in trees.values():
        if tree is None:
            continue
        for run in tree.iter(f"{{{W}}}r"):
            tag = _run_language(run) or default
            if tag:
                counts[primary(tag)] += len(_text(run))
                tags.setdefault(primary(tag), tag)
    if default and (not counts or counts[primary(default)] == max(counts.values())):
        return default
    return tags[counts.most_common(1)[0][0]] if counts else None


def _mark_languages(tree: etree._Element, main: str | None) -> set[str]:
    """Give runs in another language than `main` a character style mammoth maps to a span."""
    marked = set()
    for run in tree.iter(f"{{{W}}}r"):
        tag = _run_language(run)
        if not tag or not main or primary(tag) == primary(main) or not _text(run).strip():
            continue
        if not re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", tag):
            continue
        properties = run.find(f"{{{W}}}rPr")
        if properties.find(f"{{{W}}}rStyle") is not None:
            continue
        style = etree.Element(f"{{{W}}}rStyle")
        style.set(f"{{{W}}}val", LANG_STYLE + tag)
        properties.insert(0, style)
        marked.add(tag)
    return marked


def _remove_unsupported(tree: etree._Element, paragraphs: dict[Any, int], part: str,
                        report: ImportReport) -> None:
    """Take out what a book cannot carry, saying where it was: text boxes, equations, charts,
    diagrams and embedded objects (mammoth would mix a text box's text into the paragraph)."""
    def drop(element: etree._Element, kind: str) -> None:
        report.unsupported.append((kind, _where(element, paragraphs, part)))
        element.getparent().remove(element)

    for box in tree.xpath(".//w:drawing[.//w:txbxContent] | .//w:pict[.//w:txbxContent] | "
                          ".//*[local-name()='AlternateContent'][.//w:txbxContent]",
                          namespaces=NS):
        if box.getparent() is not None and not any(
                a.tag == f"{{{W}}}txbxContent" for a in box.iterancestors()):
            text = _text(box)
            kind = f"text box (“{snippet(text)}”)" if text.strip() else "text box"
            drop(box, kind)
    for equation in tree.xpath(".//m:oMathPara | .//m:oMath[not(ancestor::m:oMathPara)]",
                               namespaces=NS):
        drop(equation, "equation")
    for graphic in tree.xpath(".//w:drawing[.//a:graphicData]", namespaces=NS):
        uri = graphic.xpath("string(.//a:graphicData/@uri)", namespaces=NS)
        if "chart" in uri:
            drop(graphic, "chart")
        elif "diagram" in uri:
            drop(graphic, "SmartArt diagram")
    for obj in tree.xpath(".//w:object", namespaces=NS):
        drop(obj, "embedded object")
    for chunk in tree.xpath(".//w:altChunk", namespaces=NS):
        drop(chunk, "embedded document (an imported HTML or RTF chunk)")
    for contents in tree.xpath(".//w:sdt[w:sdtPr/w:docPartObj/w:docPartGallery"
                               "[starts-with(@w:val, 'Table of Contents')]]", namespaces=NS):
        report.dropped["generated tables of contents"] += 1
        contents.getparent().remove(contents)


def _count_noise(tree: etree._Element, report: ImportReport) -> None:
    noise = ("rFonts", "sz", "szCs", "color", "highlight", "u", "shd", "kern", "spacing", "w",
             "position", "effect")
    runs = sum(1 for props in tree.iter(f"{{{W}}}rPr")
               if any(props.find(f"{{{W}}}{tag}") is not None for tag in noise)
               and props.getparent().tag == f"{{{W}}}r")
    if runs:
        report.dropped["direct formatting: fonts, sizes, colours, underlining (runs)"] += runs
    fields = (sum(1 for f in tree.iter(f"{{{W}}}fldChar")
                  if f.get(f"{{{W}}}fldCharType") == "begin")
              + sum(1 for _ in tree.iter(f"{{{W}}}fldSimple")))
    if fields:
        report.dropped["field codes (their shown text kept)"] += fields


def _read_comments(package: zipfile.ZipFile, name: str, document: etree._Element,
                   path: Path) -> list[Comment]:
    tree = _xml(package, name, path)
    if tree is None:
        return []
    anchors: dict[str, list[str]] = {}
    where: dict[str, int] = {}
    open_ids: set[str] = set()
    paragraph = 0
    for node in document.iter(f"{{{W}}}p", f"{{{W}}}commentRangeStart", f"{{{W}}}commentRangeEnd",
                              f"{{{W}}}t", f"{{{W}}}commentReference"):
        tag = etree.QName(node).localname
        ident = node.get(f"{{{W}}}id")
        if tag == "p":
            paragraph += 1
        elif tag == "commentRangeStart":
            open_ids.add(ident)
            where.setdefault(ident, paragraph)
        elif tag == "commentRangeEnd":
            open_ids.discard(ident)
        elif tag == "commentReference":
            where.setdefault(ident, paragraph)
        elif tag == "t":
            for comment_id in open_ids:
                anchors.setdefault(comment_id, []).append(node.text or "")
    comments = []
    for comment in tree.iter(f"{{{W}}}comment"):
        ident = comment.get(f"{{{W}}}id")
        text = "\n".join(_text(p) for p in comment.iter(f"{{{W}}}p")).strip()
        comments.append(Comment(
            author=comment.get(f"{{{W}}}author") or "unknown",
            date=(comment.get(f"{{{W}}}date") or "")[:10],
            text=text,
            anchor=snippet("".join(anchors.get(ident, [])), 80),
            where=f"paragraph {where[ident]}" if ident in where else "",
        ))
    return comments


def _core_properties(package: zipfile.ZipFile, path: Path) -> tuple[str | None, str | None]:
    tree = _xml(package, "docProps/core.xml", path)
    if tree is None:
        return None, None
    title = tree.findtext("dc:title", namespaces=NS)
    author = tree.findtext("dc:creator", namespaces=NS)
    return (title or "").strip() or None, (author or "").strip() or None


_UNRECOGNISED = re.compile(r"Unrecognised (\w+) style: '?(.*?)'? \(Style ID: (.*)\)")
_IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg", "image/gif": "gif",
                "image/webp": "webp", "image/svg+xml": "svg"}
_CONVERTED_TYPES = {"image/tiff", "image/bmp", "image/x-bmp"}


def _mostly_indented(document: etree._Element) -> bool:
    """Whether most paragraphs with text are indented as far as a quotation: then the
    indentation is the document's layout, not a mark of quotations."""
    indented = total = 0
    for paragraph in document.iter(f"{{{W}}}p"):
        if not _text(paragraph).strip():
            continue
        total += 1
        indent = paragraph.find(f"{{{W}}}pPr/{{{W}}}ind")
        if indent is not None and max(_twips(indent.get(f"{{{W}}}left")),
                                      _twips(indent.get(f"{{{W}}}start"))) >= QUOTE_INDENT:
            indented += 1
    return total > 0 and indented * 2 > total


def _convert(path: Path, package: io.BytesIO, essay_id: str, languages: set[str],
             images: dict[str, bytes], report: ImportReport, quotes_by_indent: bool) -> str:
    import mammoth
    import mammoth.transforms

    counter = 0

    def quote_by_indent(paragraph: Any) -> Any:
        indent = paragraph.indent
        start = _twips(indent.start) if indent is not None else 0
        if (quotes_by_indent and paragraph.numbering is None and start >= QUOTE_INDENT
                and (paragraph.style_name is None or paragraph.style_name in ("Normal",
                                                                              "Body Text"))):
            return paragraph.copy(style_id="BookifyIndentedQuote", style_name=INDENTED_QUOTE)
        return paragraph

    def image(picture: Any) -> dict[str, str]:
        nonlocal counter
        counter += 1
        content_type = (picture.content_type or "").lower()
        with picture.open() as stream:
            data = stream.read()
        if content_type in _CONVERTED_TYPES:
            data, extension = to_png(data), "png"
        elif content_type in _IMAGE_TYPES:
            extension = _IMAGE_TYPES[content_type]
        else:
            report.unsupported.append((f"image in a format books cannot use ({content_type})",
                                       f"image {counter}"))
            return {"src": "", "data-unsupported": "1"}
        name = f"image-{counter}.{extension}"
        images[name] = data
        src = f"images/{essay_id}/{name}"
        if not (picture.alt_text or "").strip():
            report.warn(f"image {counter} ({src}) has no alt text: describe it in the essay, "
                        f"![what it shows]({src}), or mark it {{.decorative}}")
        return {"src": src}

    try:
        result = mammoth.convert_to_html(
            package,
            style_map=_style_map(languages),
            include_default_style_map=True,
            ignore_empty_paragraphs=False,
            convert_image=mammoth.images.img_element(image),
            transform_document=mammoth.transforms.paragraph(quote_by_indent),
        )
    except Exception as exc:  # mammoth's own errors on a damaged document
        raise _error(path, f"the document cannot be read: {exc}",
                     "open it in Word, which may repair it, and save it again") from None
    for message in result.messages:
        match = _UNRECOGNISED.match(message.message)
        if match:
            kind, name, style_id = match.groups()
            if not style_id.startswith(LANG_STYLE):
                report.unknown_styles[f"{kind} style '{name if name != 'None' else style_id}'"] += 1
    return _languages_to_attributes(result.value)


def _twips(value: str | None) -> int:
    try:
        return int(float(value or 0))
    except ValueError:
        return 0


def _languages_to_attributes(fragment: str) -> str:
    """mammoth's `span class="lang-fr-FR"` → `span lang="fr-FR"`; unusable images out."""
    fragment = re.sub(r'<span class="lang-([A-Za-z0-9-]+)">', r'<span lang="\1">', fragment)
    return re.sub(r'<img[^>]*data-unsupported="1"[^>]*/?>', "", fragment)
