"""Putting a PDF edition together from its separately laid-out stretches.

Each stretch of the book (`divisions.py`) is a small PDF of its pages without furniture; the
furniture (`furniture.py`) is one PDF with a page of running heads and folio for each page of the
book. The assembly lays each furniture page over its page and gives the whole what one document
of the book would have had: the destinations of every anchor (so links between essays and from
the contents land), the outline, page labels matching the folios, the document's metadata and the
printer's padding; the print edition is then finished for its printer (`print_file.py`).
"""

from __future__ import annotations

import copy
import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import fontTools
import pikepdf
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name, OutlineItem, PageLocation
from weasyprint.anchors import make_page_bookmark_tree
from weasyprint.matrix import Matrix

from .. import __version__
from ..cache import LayoutCache, fingerprint
from .pdf import COVER_LABEL, PT_PER_PX


@dataclass(frozen=True, slots=True)
class PlacedPage:
    """A page of the book: page `page` of stretch `stretch`, with its bookmarks (as WeasyPrint
    gathers them, in CSS pixels from the top) and height."""

    stretch: int
    page: int
    bookmarks: tuple[tuple[int, str, tuple[float, float], str], ...] = ()
    height: float = 0.0


def assemble_pdf(
    stretches: Sequence[bytes],
    anchors: Sequence[Sequence[str]],
    pages: Sequence[PlacedPage],
    furniture: bytes | None,
    *,
    front_start: int | None,
    body_start: int | None,
    finish: Callable[[pikepdf.Pdf], None] | None = None,
    padding: int = 0,
    blank: PlacedPage | None = None,
    date: str | None = None,
    cache: LayoutCache | None = None,
) -> bytes:
    """The edition's PDF: `pages` in order, each with furniture page of the same index laid
    over it, then `padding` copies of the `blank` page. `anchors[s]` are the ids laid out in
    stretch `s` (its PDF may name others, stand-ins for links to other stretches). The
    document's metadata is the first stretch's, with `date` (a PDF date) as its creation and
    modification date. Merged fonts are kept in `cache`, if given; `finish` makes the whole
    what its reader takes (the print edition's printer, `print_file.py`)."""
    book = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(data)) for data in stretches]
    furniture_pdf = pikepdf.open(io.BytesIO(furniture)) if furniture is not None else None
    where: dict[tuple[int, int], int] = {}
    for index, placed in enumerate(pages):
        book.pages.append(sources[placed.stretch].pages[placed.page])
        where[placed.stretch, placed.page] = index
        if furniture_pdf is not None:
            _lay_over(book, book.pages[index], furniture_pdf.pages[index], index)
    if blank is not None:
        for _ in range(padding):
            copy = Dictionary(book.pages[where[blank.stretch, blank.page]].obj)
            _drop(copy, "/Annots")
            book.pages.append(pikepdf.Page(book.make_indirect(copy)))

    _merge_font_subsets(book, cache)
    _add_destinations(book, sources, anchors, where)
    _add_outline(book, pages)
    _add_page_labels(book, front_start, body_start)
    first = sources[0]
    book.docinfo = book.copy_foreign(first.docinfo)
    if date is not None:
        book.docinfo.CreationDate = book.docinfo.ModDate = pikepdf.String(date)
    if "/Lang" in first.Root:
        book.Root.Lang = first.Root.Lang
    if finish is not None:
        finish(book)
    output = io.BytesIO()
    book.save(output, deterministic_id=True, min_version=first.pdf_version,
              object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return output.getvalue()


def _lay_over(book: pikepdf.Pdf, page: pikepdf.Page, furniture: pikepdf.Page,
              index: int) -> None:
    """Draw `furniture` (a page of the same size) over page `index`, under a name of its own
    (pikepdf's overlay picks a random one, and the same book must give the same bytes; the
    pages of a stretch share one resource dictionary)."""
    name = Name(f"/BookifyFurniture{index}")
    page.add_resource(book.copy_foreign(furniture.as_form_xobject()), Name.XObject, name)
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"Q\nq " + name.unparse() + b" Do Q\n")


def _merge_font_subsets(book: pikepdf.Pdf, cache: LayoutCache | None) -> None:
    """Embed each typeface once, not once per stretch. Each stretch (and the furniture) embedded
    its own subset of a font; WeasyPrint keeps the glyphs the text uses at their ids in the full
    font (the ids its `W` widths list), so the subsets of one TrueType font merge into one font
    that every stretch's text can use. A rebuild after an edit mostly finds the same subsets
    (a changed word rarely brings a new glyph), so the merged font comes from `cache`."""
    groups: dict[tuple[str, str], dict[tuple[int, int], tuple[Dictionary, set[int]]]] = {}
    seen: set[tuple[int, int]] = set()  # the pages of a stretch share their fonts
    for page in book.pages:
        fonts = page.obj.get("/Resources", Dictionary()).get("/Font", Dictionary())
        for font in fonts.values():
            if font.is_indirect:
                if font.objgen in seen:
                    continue
                seen.add(font.objgen)
            if font.get("/Subtype") != Name.Type0:
                continue
            descendant = font.DescendantFonts[0]
            descriptor = descendant.get("/FontDescriptor")
            if (descendant.get("/Subtype") != Name.CIDFontType2 or descriptor is None
                    or "/FontFile2" not in descriptor
                    or descendant.get("/CIDToGIDMap") != Name.Identity):
                continue
            group = groups.setdefault((str(font.BaseFont), str(descriptor.get("/FontName"))), {})
            _, used = group.setdefault(descriptor.FontFile2.objgen, (descriptor, set()))
            used.update(_glyph_ids(descendant.get("/W", Array())))
    for subsets in groups.values():
        if len(subsets) < 2:
            continue
        parts = [(descriptor.FontFile2.read_bytes(), used)
                 for descriptor, used in subsets.values()]
        key = fingerprint("bookify merged font", __version__, fontTools.version,
                          [(hashlib.sha256(data).digest(), " ".join(map(str, sorted(used))))
                           for data, used in parts])
        merged = cache.get(key) if cache is not None else None
        if merged is None:
            merged = _merged_truetype(parts)
            if merged is None:
                continue
            if cache is not None:
                cache.put(key, merged)
        stream = book.make_stream(merged)
        stream.Length1 = len(merged)
        for descriptor, _ in subsets.values():
            descriptor.FontFile2 = stream


def _glyph_ids(widths: Array) -> set[int]:
    """The glyph ids a CID font's `W` array gives widths for (`c [w…]` and `c1 c2 w`)."""
    ids: set[int] = set()
    items = list(widths)
    index = 0
    while index + 1 < len(items):
        first = int(items[index])
        if isinstance(items[index + 1], Array):
            ids.update(range(first, first + len(items[index + 1])))
            index += 2
        else:
            ids.update(range(first, int(items[index + 1]) + 1))
            index += 3
    return ids


def _merged_truetype(subsets: list[tuple[bytes, set[int]]]) -> bytes | None:
    """One TrueType font with the glyphs each subset's text uses, at their ids. A composite
    glyph's parts sit, in a subset, at ids of that subset's own: they are copied to new ids past
    the ones any text uses, so no subset's parts take another's glyph's place."""
    fonts = []
    for data, used in subsets:
        # Glyphs are copied as they are, bounding boxes included (the metrics go with them).
        font = TTFont(io.BytesIO(data), recalcBBoxes=False)
        if "glyf" not in font or "hmtx" not in font:
            return None
        fonts.append((font, used))
    size = max(max(used | {0}) + 1 for _, used in fonts)
    names = [f"glyph{gid:05d}" for gid in range(size)]
    glyphs: dict[str, object] = {}
    metrics: dict[str, tuple[int, int]] = {}

    def take(font: TTFont, source: str, name: str, parts: dict[str, str]) -> None:
        glyph = font["glyf"][source]
        if glyph.isComposite():  # its parts get new names: a copy, not the subset's own
            glyph = copy.deepcopy(glyph)
            for component in glyph.components:
                if component.glyphName not in parts:
                    parts[component.glyphName] = f"glyph{len(names):05d}"
                    names.append(parts[component.glyphName])
                    take(font, component.glyphName, parts[component.glyphName], parts)
                component.glyphName = parts[component.glyphName]
        glyphs[name] = glyph
        metrics[name] = font["hmtx"][source]

    for font, used in fonts:
        order, parts = font.getGlyphOrder(), {}
        for gid in sorted(used | {0}):
            if gid < len(order) and names[gid] not in glyphs:
                take(font, order[gid], names[gid], parts)
    base = fonts[0][0]
    glyf, hmtx = base["glyf"], base["hmtx"]
    empty = TTGlyphPen(None).glyph()
    base.setGlyphOrder(names)
    glyf.glyphOrder = names
    glyf.glyphs = {name: glyphs.get(name, empty) for name in names}
    hmtx.metrics = {name: metrics.get(name, (0, 0)) for name in names}
    if "post" in base:
        base["post"].formatType = 3.0
    output = io.BytesIO()
    base.save(output)
    return output.getvalue()


def _drop(dictionary: Dictionary, key: str) -> None:
    if key in dictionary:
        del dictionary[key]


def _add_destinations(book: pikepdf.Pdf, sources: Sequence[pikepdf.Pdf],
                      anchors: Sequence[Sequence[str]], where: dict[tuple[int, int], int]) -> None:
    """One name tree of every anchor of the book, pointing into the assembled pages (links
    inside a stretch and between stretches name their targets)."""
    names: dict[str, Array] = {}
    for number, source in enumerate(sources):
        tree = source.Root.get("/Names", Dictionary()).get("/Dests")
        if tree is None:
            continue
        pages = {page.objgen: index for index, page in enumerate(source.pages)}
        own = set(anchors[number])
        entries = tree.Names
        for i in range(0, len(entries), 2):
            name, target = str(entries[i]), entries[i + 1]
            if name not in own or name in names:
                continue
            page = where.get((number, pages.get(target[0].objgen, -1)))
            if page is not None:
                names[name] = Array([book.pages[page].obj, *list(target)[1:]])
    if names:
        flat = Array()
        for name in sorted(names):
            flat.append(pikepdf.String(name))
            flat.append(names[name])
        book.Root.Names = Dictionary(Dests=book.make_indirect(Dictionary(Names=flat)))


class _Bookmarked:
    """A page as WeasyPrint's bookmark tree builder reads it."""

    def __init__(self, placed: PlacedPage) -> None:
        self.bookmarks = list(placed.bookmarks)
        self.height = placed.height


def _add_outline(book: pikepdf.Pdf, pages: Sequence[PlacedPage]) -> None:
    """The outline (bookmarks) nested as WeasyPrint nests it in one document of the book."""
    root: list = []
    skipped: list[int] = []
    last_by_depth = [root]
    previous = 0
    for number, placed in enumerate(pages):
        matrix = Matrix(a=PT_PER_PX, d=-PT_PER_PX, f=placed.height * PT_PER_PX)
        previous = make_page_bookmark_tree(_Bookmarked(placed), skipped, last_by_depth, previous,
                                           number, matrix)
    if not root:
        return

    def items(subtrees: list) -> list[OutlineItem]:
        made = []
        for label, (page, x, y), children, state in subtrees:
            item = OutlineItem(label, page, PageLocation.XYZ, left=x, top=y, zoom=0)
            item.children.extend(items(children))
            item.is_closed = state == "closed"
            made.append(item)
        return made

    with book.open_outline() as outline:
        outline.root.extend(items(root))


def _add_page_labels(book: pikepdf.Pdf, front_start: int | None, body_start: int | None) -> None:
    """PDF page labels, so viewers show "iii" or "12" for a page, as printed."""
    ranges: list = [] if front_start == 0 else [0, Dictionary(P=pikepdf.String(COVER_LABEL))]
    if front_start is not None:
        ranges += [front_start, Dictionary(S=Name.r)]
    if body_start is not None:
        ranges += [body_start, Dictionary(S=Name.D)]
    book.Root.PageLabels = Dictionary(Nums=Array(ranges))
