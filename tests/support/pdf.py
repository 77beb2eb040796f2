"""Read a built PDF the way a printer or a reader would see it.

Every function takes a path to a PDF file and returns plain Python values,
so integration tests can assert on page geometry, text, bookmarks, fonts,
document info and internal links without knowing PDF internals.

Notes on what WeasyPrint (70) writes, which shapes these helpers:

* Page boxes: without ``bleed`` the MediaBox and TrimBox are equal.  With
  ``@page { bleed: X }`` the MediaBox grows by X on every side and has a
  *negative* origin (e.g. ``[-9 -9 369 585]``), the TrimBox stays at the
  page size.  Sizes here are ``right - left`` / ``top - bottom``, so origins
  do not matter.
* Text is extracted with pypdf, which (unlike pdfium) does not break
  letter-spaced words into single letters and keeps superscripts on their
  line.  Automatic hyphenation (``hyphens: auto``) ends a line with U+2010
  HYPHEN, not U+002D.  Running heads and page numbers (page margin boxes)
  come *after* the body text of a page.  Synthesised small caps and
  ``text-transform`` can make the extracted case differ from the source.
* Every ``h1``-``h6`` becomes a bookmark unless CSS says
  ``bookmark-level: none``; the outline level is the *nesting depth*
  (an ``h3`` directly after an ``h1`` is level 2), whitespace in titles is
  collapsed.
* Internal links are ``/Link`` annotations whose ``/Dest`` is a *name*
  (the HTML id) resolved through ``/Root /Names /Dests``.  A link to an id
  that does not exist is silently dropped (no annotation at all), so broken
  anchors cannot be detected from the PDF.
* All pages share one ``/Resources`` dictionary, so "fonts on page N" by
  resources is meaningless; :func:`fonts` reports each font once.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    TextStringObject,
)

__all__ = [
    "FontInfo",
    "OutlineEntry",
    "PageBoxes",
    "annotations",
    "find_pages",
    "fonts",
    "link_targets",
    "metadata",
    "normalize_text",
    "outline",
    "page_boxes",
    "page_sizes",
    "page_texts",
    "pages_drawing_images",
    "trim_boxes",
]

StrPath = str | os.PathLike[str]

# Typographic quote marks mapped to their ASCII counterparts (find_pages only).
_QUOTES = str.maketrans(
    {
        "\u2018": "'",  # ‘
        "\u2019": "'",  # ’
        "\u201a": "'",  # ‚
        "\u201b": "'",  # ‛
        "\u2032": "'",  # ′
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u201f": '"',  # ‟
        "\u2033": '"',  # ″
    }
)
# Invisible characters that carry no reading content.
_INVISIBLE = str.maketrans({"\u00ad": None, "\u200b": None, "\u2060": None, "\ufeff": None})
_SPACES = re.compile(r"\s+")
# A line ending in U+2010 HYPHEN is how WeasyPrint's automatic hyphenation
# breaks a word; U+002D is left alone because "well-known" may break there.
_HYPHEN_BREAK = re.compile("\u2010\n")
_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


class OutlineEntry(NamedTuple):
    """One PDF bookmark, flattened in document order."""

    title: str
    page_index: int
    """0-based index of the page the bookmark jumps to."""
    level: int
    """Nesting depth, 1 for a top-level bookmark."""


@dataclass(frozen=True)
class FontInfo:
    """A font resource as a printer's preflight would report it."""

    base_font: str
    """``/BaseFont`` as written, without the slash, e.g. ``"BAWKYD+DejaVu-Serif"``."""
    subtype: str
    """Top-level font subtype without the slash: ``Type0``, ``TrueType``, ``Type1``, ``Type3``…"""
    embedded: bool
    """True if the font program is in the file (always True for Type3)."""
    subset: bool
    """True if the name has the ``ABCDEF+`` subset tag."""
    font_file: str | None
    """Which stream holds the program (``FontFile``, ``FontFile2``, ``FontFile3``), if any."""

    @property
    def name(self) -> str:
        """The PostScript name without the subset tag, e.g. ``"DejaVu-Serif"``."""
        return _SUBSET_PREFIX.sub("", self.base_font)


# --------------------------------------------------------------------------- geometry


def _box_size(box: Any) -> tuple[float, float]:
    """Width and height of a PDF rectangle, whatever its corner order."""
    x0, y0, x1, y1 = (float(v) for v in box)
    return abs(x1 - x0), abs(y1 - y0)


def page_sizes(path: StrPath) -> list[tuple[float, float]]:
    """MediaBox (width, height) in points for each page, because that is the sheet a printer receives.

    ``/Rotate`` is not applied; compare with ``pytest.approx`` since sizes
    given in mm or in are rarely whole points.
    """
    reader = PdfReader(path)
    return [_box_size(page.mediabox) for page in reader.pages]


def trim_boxes(path: StrPath, *, strict: bool = True) -> list[tuple[float, float]]:
    """TrimBox (width, height) in points for each page, because that is the finished book's page size.

    With ``strict`` (the default) a page without an explicit ``/TrimBox``
    raises :class:`LookupError`, since print-on-demand services require one;
    otherwise the PDF default (CropBox, then MediaBox) is used.
    """
    reader = PdfReader(path)
    sizes = []
    for index, page in enumerate(reader.pages):
        if "/TrimBox" not in page and strict:
            raise LookupError(f"page {index} of {os.fspath(path)} has no /TrimBox")
        sizes.append(_box_size(page.trimbox))
    return sizes


Box = tuple[float, float, float, float]


class PageBoxes(NamedTuple):
    """A page's boxes as written, each ``(x0, y0, x1, y1)`` in points with its origin, so a test
    can see *where* the trimmed page sits inside the sheet, not only its size.

    ``trim`` and ``bleed`` are None when the page has no explicit ``/TrimBox`` or
    ``/BleedBox`` (a viewer would then fall back to the CropBox or MediaBox)."""

    media: Box
    trim: Box | None
    bleed: Box | None


def _box(value: Any) -> Box:
    x0, y0, x1, y1 = (float(v) for v in value)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def page_boxes(path: StrPath) -> list[PageBoxes]:
    """MediaBox, TrimBox and BleedBox of each page, with their origins, because a printer checks
    that the trim sits at the spine side of a bled page."""
    reader = PdfReader(path)
    found = []
    for page in reader.pages:
        trim, bleed = page.get("/TrimBox"), page.get("/BleedBox")
        found.append(PageBoxes(_box(page.mediabox),
                               _box(trim.get_object()) if trim is not None else None,
                               _box(bleed.get_object()) if bleed is not None else None))
    return found


# --------------------------------------------------------------------------- text


def normalize_text(text: str) -> str:
    """Normalise extracted (or expected) text so comparisons don't trip over invisible differences.

    Applies Unicode NFC, removes soft hyphens and zero-width characters,
    turns every run of whitespace inside a line (including no-break and thin
    spaces) into one space, strips each line and drops empty lines.  Line
    breaks are kept as ``"\\n"``.
    """
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


@functools.lru_cache(maxsize=16)
def _cached_page_texts(path: str, _mtime_ns: int, _size: int) -> tuple[str, ...]:
    reader = PdfReader(path)
    return tuple(normalize_text(page.extract_text()) for page in reader.pages)


def page_texts(path: StrPath) -> list[str]:
    """The text of each page, one line per printed line, because tests should check what a reader sees.

    Uses pypdf's extraction (more faithful than pdfium for letter-spaced
    headings and superscripts with WeasyPrint output), then
    :func:`normalize_text`.  Results are cached per file version.
    """
    resolved = Path(path).resolve()
    stat = resolved.stat()
    return list(_cached_page_texts(str(resolved), stat.st_mtime_ns, stat.st_size))


def _searchable(text: str, *, join_hyphenated: bool, normalize_quotes: bool, ignore_case: bool) -> str:
    text = normalize_text(text)
    if join_hyphenated:
        text = _HYPHEN_BREAK.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    if normalize_quotes:
        text = text.translate(_QUOTES)
    if ignore_case:
        text = text.casefold()
    return text


def find_pages(
    path: StrPath,
    text: str,
    *,
    join_hyphenated: bool = True,
    normalize_quotes: bool = False,
    ignore_case: bool = False,
) -> list[int]:
    """0-based indices of the pages containing ``text``, so tests can say where something was printed.

    Line breaks count as spaces and whitespace runs are collapsed on both
    sides.  ``join_hyphenated`` rejoins words that automatic hyphenation
    split across lines (line ending in U+2010).  ``normalize_quotes`` treats
    typographic quotes (‘’‚‛′ “”„‟″) as ``'`` and ``"``; off by default so
    tests of smart-quote conversion stay strict.  ``ignore_case`` compares
    case-folded text (useful for small caps and ``text-transform``).
    Text split across a page break is not found.
    """
    options = dict(join_hyphenated=join_hyphenated, normalize_quotes=normalize_quotes, ignore_case=ignore_case)
    needle = _searchable(text, **options)
    if not needle:
        raise ValueError("find_pages needs non-blank text to look for")
    return [index for index, page in enumerate(page_texts(path)) if needle in _searchable(page, **options)]


# --------------------------------------------------------------------------- outline and links


def outline(path: StrPath) -> list[OutlineEntry]:
    """The PDF bookmarks flattened in order, because the outline is the PDF's table of contents.

    Raises :class:`LookupError` for a bookmark whose destination is not a
    page of this document.
    """
    reader = PdfReader(path)
    entries: list[OutlineEntry] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)  # children of the preceding entry
                continue
            page_index = reader.get_destination_page_number(item)
            if page_index is None or page_index < 0:
                raise LookupError(f"bookmark {item.title!r} has no destination page")
            entries.append(OutlineEntry(str(item.title), page_index, level))

    walk(reader.outline, 1)
    return entries


def _name_key(value: Any) -> str:
    """A comparable key for a destination name (text string, byte string or name object)."""
    if isinstance(value, ByteStringObject):
        return bytes(value).decode("latin-1")
    if isinstance(value, NameObject):
        return str(value)[1:]
    return str(value)


def _iter_name_tree(node: DictionaryObject, seen: set[int]) -> Iterator[tuple[Any, Any]]:
    """(key, value) pairs of a PDF name tree, walking /Kids."""
    names = node.get("/Names")
    if names is not None:
        names = names.get_object()
        for i in range(0, len(names) - 1, 2):
            yield names[i], names[i + 1]
    for kid_ref in node.get("/Kids", []) or []:
        if isinstance(kid_ref, IndirectObject):
            if kid_ref.idnum in seen:
                continue
            seen.add(kid_ref.idnum)
        yield from _iter_name_tree(kid_ref.get_object(), seen)


def _named_destinations(reader: PdfReader) -> dict[str, Any]:
    """Named destinations from /Names /Dests (PDF 1.2+) and the legacy catalog /Dests."""
    root = reader.trailer["/Root"]
    dests: dict[str, Any] = {}
    legacy = root.get("/Dests")
    if legacy is not None:
        for key, value in legacy.get_object().items():
            dests[_name_key(key)] = value
    names = root.get("/Names")
    if names is not None and "/Dests" in names.get_object():
        for key, value in _iter_name_tree(names.get_object()["/Dests"].get_object(), set()):
            dests[_name_key(key)] = value
    return dests


def link_targets(path: StrPath) -> list[tuple[int, int]]:
    """(page with the link, page it jumps to) for every internal link, so tests can check cross-references land.

    Covers ``/Dest`` and ``/A << /S /GoTo /D … >>`` with either an explicit
    destination array or a named destination.  External (``/URI``) and
    other actions are skipped.  Links are listed page by page, in the order
    of each page's ``/Annots``.  Raises :class:`LookupError` for an internal
    link whose destination cannot be resolved to a page of this document.
    """
    reader = PdfReader(path)
    page_numbers = {
        page.indirect_reference.idnum: index
        for index, page in enumerate(reader.pages)
        if page.indirect_reference is not None
    }
    named = _named_destinations(reader)

    def resolve(dest: Any, where: int) -> int:
        dest = dest.get_object()
        if isinstance(dest, (TextStringObject, ByteStringObject, NameObject, str)):
            key = _name_key(dest)
            if key not in named:
                raise LookupError(f"link on page {where} points to unknown named destination {key!r}")
            dest = named[key].get_object()
        if isinstance(dest, DictionaryObject):  # a named destination may be << /D [...] >>
            dest = dest["/D"].get_object()
        if (isinstance(dest, ArrayObject) and dest and isinstance(dest[0], IndirectObject)
                and dest[0].idnum in page_numbers):
            return page_numbers[dest[0].idnum]
        raise LookupError(f"link on page {where} has a destination outside this document: {dest!r}")

    links: list[tuple[int, int]] = []
    for index, page in enumerate(reader.pages):
        for annot_ref in page.get("/Annots", []) or []:
            annot = annot_ref.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            dest = annot.get("/Dest")
            if dest is None or isinstance(dest, NullObject):
                action = annot.get("/A")
                action = action.get_object() if action is not None else None
                if action is None or action.get("/S") != "/GoTo":
                    continue
                dest = action["/D"]
            links.append((index, resolve(dest, index)))
    return links


def annotations(path: StrPath) -> list[tuple[int, str]]:
    """(page, subtype without the slash) of every annotation of every page, links of every
    kind included, because a print-ready file should have none."""
    reader = PdfReader(path)
    found = []
    for index, page in enumerate(reader.pages):
        for ref in page.get("/Annots", []) or []:
            found.append((index, str(ref.get_object().get("/Subtype", "/Unknown"))[1:]))
    return found


_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b")


def pages_drawing_images(path: StrPath) -> list[int]:
    """0-based indices of the pages whose content paints an image XObject, directly or inside a
    form XObject it draws (pages share one resource dictionary in WeasyPrint's output, so the
    resources alone say nothing about a page)."""
    reader = PdfReader(path)

    def draws_image(content: bytes, resources: Any, seen: set[int]) -> bool:
        xobjects = resources.get("/XObject") if resources is not None else None
        xobjects = xobjects.get_object() if xobjects is not None else {}
        for name in _DO.findall(content):
            ref = xobjects.get("/" + name.decode("latin-1"))
            if ref is None:
                continue
            if isinstance(ref, IndirectObject):
                if ref.idnum in seen:
                    continue
                seen.add(ref.idnum)
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Image":
                return True
            if xobject.get("/Subtype") == "/Form":
                inner = xobject.get("/Resources")
                if draws_image(xobject.get_data(), inner.get_object() if inner is not None else resources, seen):
                    return True
        return False

    found = []
    for index, page in enumerate(reader.pages):
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
        resources = page.get("/Resources")
        if draws_image(data, resources.get_object() if resources is not None else None, set()):
            found.append(index)
    return found


# --------------------------------------------------------------------------- fonts and metadata


def _font_info(font: DictionaryObject) -> FontInfo:
    subtype = str(font.get("/Subtype", "/Unknown"))[1:]
    base_font = font.get("/BaseFont") or font.get("/Name") or ""
    base_font = str(base_font).lstrip("/")
    if subtype == "Type3":  # glyphs are content streams inside the file
        return FontInfo(base_font, subtype, True, bool(_SUBSET_PREFIX.match(base_font)), None)
    described = font
    if subtype == "Type0":
        descendants = font.get("/DescendantFonts")
        if descendants:
            described = descendants.get_object()[0].get_object()
    descriptor = described.get("/FontDescriptor")
    font_file = None
    if descriptor is not None:
        descriptor = descriptor.get_object()
        font_file = next((key[1:] for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor), None)
    return FontInfo(base_font, subtype, font_file is not None, bool(_SUBSET_PREFIX.match(base_font)), font_file)


def _iter_fonts(resources: Any, seen: set[int]) -> Iterator[DictionaryObject]:
    """Font dictionaries in a resource dictionary and in form XObjects, Type3 fonts and patterns under it."""
    if resources is None:
        return
    if isinstance(resources, IndirectObject):
        if resources.idnum in seen:
            return
        seen.add(resources.idnum)
    resources = resources.get_object()
    font_dict = resources.get("/Font")
    for ref in (font_dict.get_object().values() if font_dict is not None else []):
        if isinstance(ref, IndirectObject):
            if ref.idnum in seen:
                continue
            seen.add(ref.idnum)
        font = ref.get_object()
        yield font
        yield from _iter_fonts(font.get("/Resources"), seen)  # Type3 glyph procedures
    for category in ("/XObject", "/Pattern"):
        group = resources.get(category)
        for ref in (group.get_object().values() if group is not None else []):
            if isinstance(ref, IndirectObject):
                if ref.idnum in seen:
                    continue
                seen.add(ref.idnum)
            obj = ref.get_object()
            if obj.get("/Resources") is not None:
                yield from _iter_fonts(obj["/Resources"], seen)


def fonts(path: StrPath) -> list[FontInfo]:
    """Every font resource reachable from the pages, once each, so tests can check embedding like a preflight.

    Includes fonts used by form XObjects, patterns and Type3 glyphs.  A
    Type0 font's embedding is read from its descendant CIDFont's
    descriptor.  Order is first appearance; duplicates of the same PDF
    object are reported once (two distinct subsets of one face appear twice).
    """
    reader = PdfReader(path)
    seen: set[int] = set()
    found: list[FontInfo] = []
    for page in reader.pages:
        found.extend(_font_info(font) for font in _iter_fonts(page.get("/Resources"), seen))
    return found


def metadata(path: StrPath) -> dict[str, str]:
    """The document information dictionary without slashes (``Title``, ``Author``…), because readers show it.

    Dates stay in PDF form (``D:20240101000000Z``).  WeasyPrint fills
    ``Title`` from ``<title>``, ``Author``/``Keywords``/``Subject`` from
    ``<meta name=author|keywords|description>``, ``Creator`` from
    ``<meta name=generator>`` and always sets ``Producer``.
    """
    reader = PdfReader(path)
    info = reader.metadata
    if info is None:
        return {}
    return {str(key).lstrip("/"): str(value.get_object() if hasattr(value, "get_object") else value) for key, value in info.items()}
