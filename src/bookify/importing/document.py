"""What a reader hands on: the document as the writer's HTML, its properties, pictures and
comments, and the report so far. Shared by the .docx and .odt readers."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import Location, ManuscriptError
from .report import ImportReport


@dataclass(frozen=True, slots=True)
class Comment:
    """One reviewer's comment, kept out of the essay and written beside it."""

    author: str
    date: str
    text: str
    #: The passage it was made on, and where that is ("paragraph 4").
    anchor: str
    where: str


@dataclass
class ReadDocument:
    """A contributor's file, read: nothing is written until every file of an import is read."""

    html: str
    report: ImportReport
    #: Title, subtitle and author from the document's properties (used when no style gives them).
    title: str | None = None
    author: str | None = None
    #: The language most of the text is in, as a BCP 47 tag.
    language: str | None = None
    #: Pictures by file name under manuscripts/images/<id>/.
    images: dict[str, bytes] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)


def primary(tag: str | None) -> str:
    """The language subtag of a BCP 47 tag: 'en-GB' → 'en'."""
    return (tag or "").replace("_", "-").split("-")[0].lower()


def snippet(text: str, length: int = 40) -> str:
    """The first words of a passage, to say where something was."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def to_png(data: bytes) -> bytes:
    """A TIFF or BMP picture as PNG, which books and ebooks can carry."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as picture:
        out = io.BytesIO()
        picture.save(out, "PNG")
    return out.getvalue()


def read_xml(package: zipfile.ZipFile, name: str, path: Path, editor: str) -> etree._Element | None:
    """Part `name` of a document package, parsed without entities or network access; None when
    the package has no such part. `editor` (Word, LibreOffice) is named in the hint when the
    part is damaged."""
    if name not in package.namelist():
        return None
    try:
        return etree.fromstring(package.read(name), etree.XMLParser(
            resolve_entities=False, no_network=True, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise ManuscriptError(
            f"the document is damaged: {name} is not well-formed XML ({exc})", Location(path),
            f"open it in {editor}, which may repair it, and save it again") from None
