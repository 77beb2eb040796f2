"""The print cover wrap: back cover, spine and front cover as one PDF page, for the printer.

Print-on-demand services (Amazon KDP, IngramSpark) take a paperback's cover as one flat page
that wraps round the book: back, spine, front, with 0.125 in of bleed on every outer edge. The
spine is as thick as the book, so the wrap can only be made once the print edition is laid
out and its real page count known:

    spine = pages × the paper's thickness per page   (or `[print] spine_width`)
    width = bleed + trim width + spine + trim width + bleed
    height = bleed + trim height + bleed

The geometry (`CoverWrap`) is pure arithmetic and the rules it follows are the printers' as
published (see `printers.py`). `lay_out_cover_wrap` sets the theme's
`cover-wrap.html.j2` on a page that size through the sandboxed WeasyPrint runner and checks the
laid-out page against the rules (text inside the safe areas, the spine's text inside the spine,
nothing in the barcode area); `write_cover_wrap_pdf` writes it atomically (`write_cover_wrap`
does both). The PDF's MediaBox is the whole wrap with its bleed; its TrimBox is the wrap
without it, and WeasyPrint's output is the same bytes for the same sources.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from PIL import Image, UnidentifiedImageError
from weasyprint.anchors import rectangle_aabb
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes

from ..compose import template_context
from ..config import PrintSection, TrimSize, length_pt
from ..diagnostics import Diagnostics
from ..fsutil import atomic_output
from ..model import RenderedBook
from ..printers import BARCODE_IN, BLEED_IN, MAX_PAGES, MAX_SPINE_IN, PRINTERS, Printer
from ..project import Project
from ..themes import Theme, join_names
from .weasy import render_document

POINTS_PER_INCH = 72.0
#: WeasyPrint lays out in CSS pixels, 96 to the inch.
_PT_PER_PX = 0.75

#: The wrap bleeds 0.125 in (`BLEED_IN`) on every outer edge.
#: How far the spine's text keeps from each fold: the binding may be off by 1/16 in either way.
FOLD_CLEARANCE_IN = 0.0625

#: Paper thickness per page comes from the printer's rules (`printers.py`). IngramSpark publishes
#: no constants: its cover template generator, which takes the ISBN, trim, paper and page count,
#: is the authority for the spine, and the figures used for it are the closest known calipers of
#: its stocks; set `[print] spine_width` to the template's figure to match it exactly.



#: Spine type: no larger than this, and no smaller (a thinner spine is left plain).
MAX_SPINE_FONT_PT = 14.0
MIN_SPINE_FONT_PT = 6.0
#: The height of a line of type as WeasyPrint sets it, in ems (EB Garamond's ascent and
#: descent come to 1.305): the spine's type is sized so that this fits between the clearances.
SPINE_LINE_EM = 1.32
#: Spine type smaller than this is set only when the title alone would be no larger.
SPINE_COMFORTABLE_PT = 9.0
#: How far the spine's line keeps from the head and the foot of the spine (at least the safe
#: margin): a little more than the printers' minimum, as a bookbinder would set it.
SPINE_END_IN = 0.4
#: The least room between the title and the names on the spine, in ems.
SPINE_GAP_EM = 1.5
#: A cover image below this resolution on the front panel is a warning; below the next, a notice.
MIN_IMAGE_DPI = 200
GOOD_IMAGE_DPI = 300


class Rect(NamedTuple):
    """A rectangle in points, from the top left corner of the trimmed wrap (y grows downwards)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def contains(self, other: Rect, tolerance: float = 0.01) -> bool:
        return (other.x >= self.x - tolerance and other.y >= self.y - tolerance
                and other.right <= self.right + tolerance
                and other.bottom <= self.bottom + tolerance)

    def overlaps(self, other: Rect) -> bool:
        return (other.x < self.right and other.right > self.x
                and other.y < self.bottom and other.bottom > self.y)

    def inset(self, dx: float, dy: float | None = None) -> Rect:
        dy = dx if dy is None else dy
        return Rect(self.x + dx, self.y + dy, self.width - 2 * dx, self.height - 2 * dy)


def spine_width(page_count: int, paper: str, printer: str) -> float:
    """The spine's width in inches for a book of `page_count` pages on `paper`.

    >>> spine_width(300, "cream", "kdp")
    0.75
    """
    if printer not in PRINTERS:
        raise ValueError(f"unknown printer '{printer}'; known: {', '.join(PRINTERS)}")
    calipers = PRINTERS[printer].calipers
    if paper not in calipers:
        raise ValueError(f"unknown paper '{paper}'; known: {', '.join(calipers)}")
    _check_page_count(page_count)
    return round(page_count * calipers[paper], 6)


def _check_page_count(page_count: int) -> None:
    if isinstance(page_count, bool) or not isinstance(page_count, int):
        raise TypeError(f"the page count must be a whole number, not {page_count!r}")
    if not 1 <= page_count <= MAX_PAGES:
        raise ValueError(f"{page_count} pages is not a book a printer binds "
                         f"(a paperback has 1 to {MAX_PAGES} pages)")


@dataclass(frozen=True, slots=True)
class CoverWrap:
    """The cover wrap's geometry, in points.

    Coordinates are from the top left corner of the trimmed wrap: the back cover from x = 0,
    then the spine, then the front cover; the bleed lies outside, at negative coordinates and
    beyond the width and height.
    """

    trim_width: float
    trim_height: float
    spine_width: float
    page_count: int
    printer: str
    paper: str
    #: True when the spine width came from `[print] spine_width` rather than the paper.
    spine_from_config: bool = False
    bleed: float = BLEED_IN * POINTS_PER_INCH
    fold_clearance: float = FOLD_CLEARANCE_IN * POINTS_PER_INCH

    @property
    def rules(self) -> Printer:
        return PRINTERS[self.printer]

    @property
    def safe_margin(self) -> float:
        return self.rules.cover_safe_in * POINTS_PER_INCH

    # The page.
    @property
    def width(self) -> float:
        """The trimmed wrap's width: back, spine and front."""
        return 2 * self.trim_width + self.spine_width

    @property
    def height(self) -> float:
        return self.trim_height

    @property
    def media_width(self) -> float:
        """The PDF page's width, bleed included: what the printer's calculator asks for."""
        return self.width + 2 * self.bleed

    @property
    def media_height(self) -> float:
        return self.height + 2 * self.bleed

    # The panels.
    @property
    def back(self) -> Rect:
        return Rect(0.0, 0.0, self.trim_width, self.trim_height)

    @property
    def spine(self) -> Rect:
        return Rect(self.trim_width, 0.0, self.spine_width, self.trim_height)

    @property
    def front(self) -> Rect:
        return Rect(self.trim_width + self.spine_width, 0.0, self.trim_width, self.trim_height)

    @property
    def front_with_bleed(self) -> Rect:
        """The front panel and the bleed round its three outer edges, for a full-bleed image."""
        return Rect(self.front.x, -self.bleed, self.trim_width + self.bleed,
                    self.trim_height + 2 * self.bleed)

    @property
    def folds(self) -> tuple[Rect, Rect]:
        """The two fold lines (rectangles of no width) either side of the spine."""
        return (Rect(self.spine.x, 0.0, 0.0, self.height),
                Rect(self.front.x, 0.0, 0.0, self.height))

    @property
    def barcode(self) -> Rect:
        """The barcode area: 2 × 1.2 in at the bottom right of the back cover, inside its
        safe area."""
        width, height = (v * POINTS_PER_INCH for v in BARCODE_IN)
        return Rect(self.back.right - self.safe_margin - width,
                    self.back.bottom - self.safe_margin - height, width, height)

    @property
    def safe_areas(self) -> tuple[Rect, Rect, Rect]:
        """Where text may go on the back, the spine and the front."""
        return (self.back.inset(self.safe_margin), self.spine_safe_area,
                self.front.inset(self.safe_margin))

    @property
    def spine_safe_area(self) -> Rect:
        return self.spine.inset(self.fold_clearance, self.safe_margin)

    # The spine's text.
    @property
    def spine_text_allowed(self) -> bool:
        """Whether the spine may carry text: the printer's page rule, and room for legible
        type with 1/16 in of clearance from each fold."""
        return (self.page_count >= self.rules.spine_text_min_pages
                and self.spine_font_size >= MIN_SPINE_FONT_PT)

    @property
    def spine_font_size(self) -> float:
        """The largest type that fits across the spine between its clearances (at most 14 pt)."""
        return min(MAX_SPINE_FONT_PT, max(0.0, self.spine_safe_area.width) / SPINE_LINE_EM)

    def check(self) -> None:
        """Refuse a wrap no printer could print (a trim too small for the barcode area; a
        project's `[print]` is checked for this when it loads)."""
        problem = self.rules.cover_problem(self.trim_width / POINTS_PER_INCH,
                                           self.trim_height / POINTS_PER_INCH)
        if problem:
            raise ValueError(problem)


def cover_wrap(
    trim: TrimSize,
    page_count: int,
    *,
    paper: str = "cream",
    printer: str = "kdp",
    spine_width_pt: float | None = None,
) -> CoverWrap:
    """The wrap for a book of `page_count` pages; `spine_width_pt` overrides the paper's spine."""
    width = spine_width(page_count, paper, printer) * POINTS_PER_INCH
    if spine_width_pt is not None:
        if not (math.isfinite(spine_width_pt) and 0 < spine_width_pt <= MAX_SPINE_IN * POINTS_PER_INCH):
            raise ValueError(f"a spine {spine_width_pt:g} pt wide is not one a printer binds")
        width = spine_width_pt
    wrap = CoverWrap(trim.width_pt, trim.height_pt, width, page_count, printer, paper,
                     spine_from_config=spine_width_pt is not None)
    wrap.check()
    return wrap


def cover_wrap_for(settings: PrintSection, page_count: int) -> CoverWrap:
    """The wrap `[print]` asks for, for a print edition of `page_count` pages."""
    override = length_pt(settings.spine_width) if settings.spine_width else None
    return cover_wrap(settings.trim, page_count, paper=settings.paper, printer=settings.printer,
                      spine_width_pt=override)


# Writing it.

@dataclass(frozen=True, slots=True)
class SpineText:
    """What the spine carries and how: `box` is the line before it is turned, in the spine
    panel's coordinates."""

    box: Rect
    font_size: float
    names: str | None


@dataclass(frozen=True, slots=True)
class CoverWrapLayout:
    """The wrap laid out and checked, ready to write: its geometry and WeasyPrint's page."""

    wrap: CoverWrap
    document: Document


def write_cover_wrap(
    rendered: RenderedBook,
    theme: Theme,
    project: Project,
    page_count: int,
    target: Path,
    diagnostics: Diagnostics,
    *,
    proof: bool = False,
) -> Path:
    """Lay out and write the cover wrap for a print edition of `page_count` pages to `target`
    (atomically). See `lay_out_cover_wrap` and `write_cover_wrap_pdf` to lay out first and
    write later, as a build does so that a problem found anywhere stops every output."""
    layout = lay_out_cover_wrap(rendered, theme, project, page_count, diagnostics, proof=proof)
    return write_cover_wrap_pdf(layout, target)


def lay_out_cover_wrap(
    rendered: RenderedBook,
    theme: Theme,
    project: Project,
    page_count: int,
    diagnostics: Diagnostics,
    *,
    proof: bool = False,
) -> CoverWrapLayout:
    """The cover wrap for a print edition of `page_count` pages, laid out and checked against
    the printer's rules (what strays outside them is a warning).

    With `proof`, the folds, safe areas and barcode area are outlined: a file to check the
    design with, never to upload.
    """
    # The print edition's own count, and `[print]` checked when the project loaded (the spine
    # width, the trim against the printer and the barcode area): a failure here is a bug.
    wrap = cover_wrap_for(rendered.book.print, page_count)
    _explain(wrap, rendered, project, diagnostics)
    document = _lay_out(rendered, theme, project, wrap, diagnostics, proof)
    for problem in check_cover_layout(document, wrap):
        diagnostics.warn(f"cover: {problem}", hint="shorten the text, or move it in "
                         "styles/cover-wrap.css (the printer may trim or cover it)")
    return CoverWrapLayout(wrap, document)


def write_cover_wrap_pdf(layout: CoverWrapLayout, target: Path) -> Path:
    """Write a laid-out wrap to `target` atomically: the MediaBox is the wrap with its bleed,
    the TrimBox and the folds' positions as `layout.wrap` says."""
    with atomic_output(target) as temporary:
        layout.document.write_pdf(temporary)
    return target


def _lay_out(rendered: RenderedBook, theme: Theme, project: Project, wrap: CoverWrap,
             diagnostics: Diagnostics, proof: bool) -> Document:
    """Lay out the wrap. The spine's line is set once at the largest size the spine allows;
    when the title and names do not fit its length, it is set again smaller, or with the
    title alone, and the spine is left plain when even that would be too small to read."""
    meta = rendered.book.meta
    names = list(meta.authors) or list(meta.editors)
    spine = _spine_text(wrap, join_names(names) if names else None)
    # Each layout gathers its own diagnostics; only the one kept reports them.
    notes = Diagnostics()
    document = _render(rendered, theme, project, wrap, spine, proof, notes)
    if spine is None:
        if wrap.page_count >= wrap.rules.spine_text_min_pages and not wrap.spine_text_allowed:
            notes.notice(f"cover: the spine ({_inches(wrap.spine_width)}) is too thin for "
                         "legible text; it is left plain")
    elif (measured := _measure_spine(document)) is not None:
        fitted, message = _fit_spine(spine, *measured)
        if fitted != spine:
            notes = Diagnostics()
            document = _render(rendered, theme, project, wrap, fitted, proof, notes)
        if message:
            notes.notice(message)
    diagnostics.items.extend(notes.items)
    return document


def _fit_spine(spine: SpineText, title: float, names: float) -> tuple[SpineText | None, str | None]:
    """The spine's line fitted to the spine's length, given the widths (pt) of its title and
    names as first set, and what to say about it (see `lay_out_cover_wrap`)."""

    def fitting(needed: float) -> float:
        if needed <= spine.box.width:
            return spine.font_size
        # Type scales linearly, so the size that fits follows from the widths measured.
        return math.floor(spine.font_size * spine.box.width / needed * 10) / 10

    alone = fitting(title)
    if spine.names:
        together = fitting(title + SPINE_GAP_EM * spine.font_size + names)
        if together == spine.font_size:
            return spine, None  # it fits as first set
        # The names as well, unless that would set the title much smaller than it could be.
        if together >= min(alone, SPINE_COMFORTABLE_PT) and together >= MIN_SPINE_FONT_PT:
            return replace(spine, font_size=together), None
    if alone >= MIN_SPINE_FONT_PT:
        if not spine.names:
            return replace(spine, font_size=alone), None
        return replace(spine, font_size=alone, names=None), (
            "cover: the names do not fit on the spine with the title; the spine carries the "
            "title only")
    return None, ("cover: the title is too long for the spine at a legible size; the spine is "
                  "left plain")


def _spine_text(wrap: CoverWrap, names: str | None) -> SpineText | None:
    if not wrap.spine_text_allowed:
        return None
    area = wrap.spine_safe_area
    band = min(area.width, SPINE_LINE_EM * wrap.spine_font_size)
    length = wrap.spine.height - 2 * max(wrap.safe_margin, SPINE_END_IN * POINTS_PER_INCH)
    box = Rect((wrap.spine.width - length) / 2, (wrap.spine.height - band) / 2, length, band)
    return SpineText(box, round(wrap.spine_font_size, 2), names)


def _render(rendered: RenderedBook, theme: Theme, project: Project, wrap: CoverWrap,
            spine: SpineText | None, proof: bool, diagnostics: Diagnostics) -> Document:
    cover = rendered.book.cover_image
    cover_src = cover.relative_to(project.root).as_posix() if cover else None
    context = template_context(rendered, project, lambda target: f"#{target}", cover_src)
    book = rendered.book
    essayists = list(book.contributors) if book.is_anthology else []
    if len(essayists) > 12:
        essayists = essayists[:11] + ["others"]
    html = theme.render("cover-wrap.html.j2", wrap=wrap, spine_text=spine, proof=proof,
                        blurb=_paragraphs(book.meta.description), essayists=essayists, **context)
    variables = theme.css_variables()
    return render_document(
        html,
        base_url=project.root,
        stylesheets=wrap_stylesheets(theme),
        roots=[project.root, *theme.roots],
        diagnostics=diagnostics,
        allow_network=project.config.build.allow_network,
        preamble=f":root {{ {variables} }}" if variables else "",
    )


def wrap_stylesheets(theme: Theme) -> list[Path]:
    """The wrap's stylesheets: the fonts of the theme and of those it inherits from (so an
    inherited cover-wrap.css finds its typeface), the front cover's cover.css and cover-wrap.css
    from the nearest theme that has them, then the project's styles/cover-wrap.css."""
    sheets = [root / "fonts.css" for root in reversed(theme.roots) if (root / "fonts.css").is_file()]
    sheets += [found for name in ("cover.css", "cover-wrap.css") if (found := theme.nearest(name))]
    if theme.overrides is not None and (theme.overrides / "cover-wrap.css").is_file():
        sheets.append(theme.overrides / "cover-wrap.css")
    return sheets


def _paragraphs(text: str | None) -> list[str]:
    """The blurb's paragraphs: blank lines part them, other line breaks are spaces."""
    if not text:
        return []
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def _explain(wrap: CoverWrap, rendered: RenderedBook, project: Project,
             diagnostics: Diagnostics) -> None:
    """Notices and warnings about the wrap as a whole, before it is laid out."""
    rules = wrap.rules
    if wrap.page_count < rules.min_pages or (rules.max_pages and wrap.page_count > rules.max_pages):
        limit = f"{rules.min_pages} to {rules.max_pages}" if rules.max_pages else \
            f"at least {rules.min_pages}"
        diagnostics.notice(f"cover: {rules.name} binds paperbacks of {limit} pages; the print "
                           f"edition has {wrap.page_count}")
    if wrap.printer == "ingramspark" and not wrap.spine_from_config:
        diagnostics.notice(
            f"cover: the spine width ({_inches(wrap.spine_width)}) is an estimate; IngramSpark's "
            "cover template generator gives the exact one, which [print] spine_width sets")
    if not rules.prints_barcode and rendered.book.meta.isbn_print:
        diagnostics.notice(f"cover: {rules.name} does not add the barcode; place the one from "
                           "its cover template in the area left clear on the back")
    if rendered.book.cover_image is not None:
        _check_image_resolution(rendered.book.cover_image, wrap, project, diagnostics)


def _check_image_resolution(path: Path, wrap: CoverWrap, project: Project,
                            diagnostics: Diagnostics) -> None:
    try:
        with Image.open(path) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError):
        return  # the EPUB's cover check names an unreadable image
    panel = wrap.front_with_bleed
    # The image covers the panel (object-fit: cover): its lesser scale decides the resolution.
    dpi = min(width / (panel.width / POINTS_PER_INCH), height / (panel.height / POINTS_PER_INCH))
    message = (f"the cover image prints at {dpi:.0f} dpi on the front cover "
               f"({width} × {height} px over {_inches(panel.width)} × {_inches(panel.height)})")
    location = project.config_location(("book", "cover"))
    needed = (f"printers ask for {GOOD_IMAGE_DPI} dpi: "
              f"{math.ceil(panel.width / POINTS_PER_INCH * GOOD_IMAGE_DPI)} × "
              f"{math.ceil(panel.height / POINTS_PER_INCH * GOOD_IMAGE_DPI)} px")
    if dpi < MIN_IMAGE_DPI:
        diagnostics.warn(message, location, f"use a larger image; {needed}")
    elif dpi < GOOD_IMAGE_DPI - 0.5:
        diagnostics.notice(f"{message}; {needed}", location)


def _inches(points: float) -> str:
    return f"{points / POINTS_PER_INCH:.3f} in"


# Reading the laid-out page.

def _measure_spine(document: Document) -> tuple[float, float] | None:
    """The widths (pt) of the spine's title and names as laid out, before turning."""
    widths = {}
    for box, _matrix, _ident in _walk(document.pages[0]._page_box):
        element = getattr(box, "element", None)
        if element is None or isinstance(box, (boxes.TextBox, boxes.LineBox)):
            continue
        ident = element.get("id")
        if ident in ("wrap-spine-title", "wrap-spine-names") and ident not in widths:
            widths[ident] = box.margin_width() * _PT_PER_PX
    if "wrap-spine-title" not in widths:
        return None
    return widths["wrap-spine-title"], widths.get("wrap-spine-names", 0.0)


def text_extents(document: Document) -> Iterator[tuple[str, Rect, str | None]]:
    """Every piece of text on the wrap, the rectangle it covers (pt, with transforms applied)
    and the id of the nearest element around it that has one."""
    for box, matrix, ident in _walk(document.pages[0]._page_box):
        if isinstance(box, boxes.TextBox) and box.text.strip():
            x1, y1, x2, y2 = rectangle_aabb(matrix, box.position_x, box.position_y,
                                            box.width, box.height)
            yield box.text, Rect(x1 * _PT_PER_PX, y1 * _PT_PER_PX,
                                 (x2 - x1) * _PT_PER_PX, (y2 - y1) * _PT_PER_PX), ident


def _walk(box: Any, matrix: Any = None,
          ident: str | None = None) -> Iterator[tuple[Any, Any, str | None]]:
    """Boxes depth first, each with the transformation that applies to it (as WeasyPrint draws
    it) and the nearest id around it."""
    own = getattr(box, "transformation_matrix", None)
    if own is not None:
        matrix = own @ matrix if matrix is not None else own
    element = getattr(box, "element", None)
    if element is not None and not isinstance(box, boxes.TextBox) and element.get("id"):
        ident = element.get("id")
    yield box, matrix, ident
    for child in box.all_children():
        yield from _walk(child, matrix, ident)


def check_cover_layout(document: Document, wrap: CoverWrap) -> list[str]:
    """What the laid-out wrap does against the printer's rules, in words (none: all well).

    Text must lie inside the safe area of its panel (on the spine, 1/16 in from each fold),
    nothing may be in the barcode area, and the blurb must end above the imprint.
    """
    problems = []
    safe = dict(zip(("back cover", "spine", "front cover"), wrap.safe_areas))
    blurb_bottom, imprint_top = -math.inf, math.inf
    for text, rect, ident in text_extents(document):
        if ident == "wrap-back-text":
            blurb_bottom = max(blurb_bottom, rect.bottom)
        elif ident == "wrap-imprint":
            imprint_top = min(imprint_top, rect.y)
        label = _quote(text)
        if rect.overlaps(wrap.barcode):
            problems.append(f"{label} is in the barcode area on the back cover")
            continue
        centre = rect.x + rect.width / 2
        panel = ("back cover" if centre < wrap.spine.x else
                 "spine" if centre < wrap.front.x else "front cover")
        if not safe[panel].contains(rect):
            where = ("within 1/16 in of a fold" if panel == "spine" else
                     f"within {wrap.rules.cover_safe_in:g} in of the trim or a fold")
            problems.append(f"{label} on the {panel} is {where}")
    if blurb_bottom > imprint_top:
        problems.append("the blurb runs into the publisher's name on the back cover")
    return problems


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"

