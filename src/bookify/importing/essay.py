"""One contributor's file → the essay bookify will build: front matter, Markdown body, pictures
and the comments file, all in memory until the whole import has been read without error."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import Location, ManuscriptError
from .document import ReadDocument, primary
from .markdown_writer import to_markdown
from .report import ImportReport

#: What document properties say when nobody typed an author: not a name to print.
PLACEHOLDER_AUTHORS = {"python-docx", "microsoft office user", "windows user", "user", "admin",
                       "administrator", "unknown", "author"}
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
#: What document properties say when nobody typed a title.
PLACEHOLDER_TITLE = re.compile(r"^(microsoft word - .*|untitled.*|document\d*|doc\d*)$", re.I)


@dataclass
class ImportedEssay:
    """An essay ready to be written: `<id>.md`, `images/<id>/…` and maybe `<id>.comments.md`."""

    essay_id: str
    source: Path
    text: str
    report: ImportReport
    images: dict[str, bytes] = field(default_factory=dict)
    comments_text: str | None = None


def read_source(path: Path, essay_id: str, accept_changes: bool) -> ReadDocument:
    """Read a .docx or .odt file (chosen by its suffix, checked by its content)."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from .docx import read_docx
        return read_docx(path, essay_id, accept_changes)
    if suffix == ".odt":
        from .odt import read_odt
        return read_odt(path, essay_id, accept_changes)
    hint = ("open it in Word or LibreOffice and save it as .docx" if suffix in (".doc", ".rtf",
                                                                               ".pages")
            else "import Word (.docx) or LibreOffice (.odt) documents")
    raise ManuscriptError(f"cannot import a '{suffix or path.name}' file", Location(path), hint)


def build_essay(path: Path, essay_id: str, *, accept_changes: bool = False,
                title: str | None = None, author: str | None = None,
                book_language: str | None = None) -> ImportedEssay:
    """Read `path` and make its essay: front matter from the options, then the document's
    Title/Subtitle/Author styles, then its properties, then the file name."""
    document = read_source(path, essay_id, accept_changes)
    report = document.report
    markdown = to_markdown(document.html)
    report.dropped.update(markdown.dropped)
    report.notes = markdown.notes
    report.images = len(document.images)

    meta: dict[str, str] = {}
    property_title = document.title if document.title and not PLACEHOLDER_TITLE.match(
        document.title) else None
    for value, origin in ((title, None), (markdown.title, None),
                          (property_title, "title from the document properties: check it"),
                          (_title_from_name(path), "no title in the document: title from the "
                                                   "file name, set `title:` in the essay")):
        if value:
            meta["title"] = value
            if origin:
                report.provenance.append(origin)
            break
    if markdown.subtitle:
        meta["subtitle"] = markdown.subtitle
    property_author = document.author if document.author and (
        document.author.lower() not in PLACEHOLDER_AUTHORS) else None
    for value, origin in ((author, None), (markdown.author, None),
                          (property_author, "author from the document properties: check it")):
        if value:
            meta["author"] = value
            if origin:
                report.provenance.append(origin)
            break
    if (document.language and book_language and LANGUAGE_TAG.fullmatch(document.language)
            and primary(document.language) != primary(book_language)):
        meta["lang"] = document.language

    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    text = f"---\n{front}---\n\n{markdown.body}"
    comments = _comments_text(document, meta.get("title", essay_id)) if document.comments else None
    return ImportedEssay(essay_id=essay_id, source=path, text=text, report=report,
                         images=document.images, comments_text=comments)


def _title_from_name(path: Path) -> str:
    stem = re.sub(r"^\d+[-_. ]+", "", path.stem)
    return re.sub(r"[-_]+", " ", stem).strip() or path.stem


def _comments_text(document: ReadDocument, title: str) -> str:
    lines = [f"# Comments on “{title}”", "",
             f"The comments in `{document.report.source.name}`, kept out of the essay's text "
             "by `bookify import`. This file is not part of the book.", ""]
    for number, comment in enumerate(document.comments, start=1):
        head = f"{number}. **{comment.author}**"
        if comment.date:
            head += f", {comment.date}"
        if comment.where:
            head += f", {comment.where}"
        if comment.anchor:
            head += f", on “{comment.anchor}”"
        lines.append(head + ":")
        for line in (comment.text or "(empty)").splitlines():
            lines.append(f"   {line}" if line.strip() else "")
        lines.append("")
    return "\n".join(lines)
