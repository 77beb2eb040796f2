"""The printers bookify knows, and what each asks of the files it takes.

A print-on-demand service rejects an interior whose inside margin is too narrow for the book's
thickness, a file with crop marks or (KDP) with bookmarks and metadata, and a cover whose spine
does not match the page count and paper. Their rules are declared here once, as data; the page
geometry, the print file's finishing, the cover wrap and the configuration's checks read them.
Where each figure comes from is in `docs/printers.md`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

PrinterName = Literal["kdp", "ingramspark", "lulu", "generic", "offset"]

#: Bleed beyond the trim, on the edges that have it: 0.125 in, as every printer here asks.
BLEED_IN = 0.125
#: The area printers keep for the ISBN barcode at the bottom right of the back cover (w, h, in).
BARCODE_IN = (2.0, 1.2)
#: No printer binds a paperback thicker than this; a page count beyond it is a mistake.
MAX_PAGES = 2000
#: No paperback's spine is wider than this, whatever the printer (`[print] spine_width`).
MAX_SPINE_IN = 4.0

#: Paper thickness per page in inches (`[print] paper`), as KDP publishes it: white 0.002252,
#: cream 0.0025, standard colour 0.002252 (printed on the white stock), premium colour 0.002347.
KDP_CALIPERS: dict[str, float] = {
    "white": 0.002252, "cream": 0.0025, "colour": 0.002252, "premium-colour": 0.002347}


@dataclass(frozen=True, slots=True)
class Printer:
    """One printer's rules for an interior file and a cover wrap."""

    name: str
    #: The page counts it binds as a paperback (None: no published limit).
    min_pages: int
    max_pages: int | None
    #: The narrowest inside margin by page count: (last page count of the band, inches); past
    #: the last band, the last figure. Never less than `min_gutter_in`.
    gutter_by_pages: tuple[tuple[int, float], ...]
    min_gutter_in: float
    #: The narrowest top, bottom and outside margins, without and with bleed (running heads
    #: and folios count as content that must stay inside them).
    min_edge_in: float
    min_edge_bleed_in: float
    #: Bleed on the spine edge too (a file trimmed on four sides), or on the other three only.
    spine_bleed: bool
    #: What the print file may carry: crop marks, an outline (bookmarks), document metadata.
    marks: bool
    outline: bool
    metadata: bool
    #: The book must end on a blank page (the printer adds one otherwise).
    blank_last_page: bool
    #: Paper thickness per page, by `[print] paper`, for the spine width.
    calipers: dict[str, float] = field(default_factory=lambda: dict(KDP_CALIPERS))
    #: The trims it prints, as the smallest and the largest (width, height) in inches; None:
    #: any trim a book may have.
    trim_range_in: tuple[tuple[float, float], tuple[float, float]] | None = None
    #: The fewest pages a book may have and still carry text on its spine.
    spine_text_min_pages: int = 0
    #: Whether the print file may carry annotations (links, comments); bookify drops them for
    #: every printer, and `bookify check` refuses them where the printer does.
    annotations: bool = True
    #: The smallest type the printer accepts in the interior, in points (0: none published).
    min_type_pt: float = 0.0
    #: How far the cover's text and important art stay inside the trim and the folds.
    cover_safe_in: float = 0.25
    #: The printer prints the ISBN barcode itself in the area left clear on the back cover.
    prints_barcode: bool = False

    def minimum_gutter_in(self, pages: int) -> float:
        """The narrowest inside margin for a book of `pages` pages."""
        band = next((inches for last, inches in self.gutter_by_pages if pages <= last),
                    self.gutter_by_pages[-1][1] if self.gutter_by_pages else 0.0)
        return max(band, self.min_gutter_in)

    def gutter_rule(self) -> str:
        """The gutter rule in words, for an error message."""
        if not self.gutter_by_pages:
            return f"at least {self.min_gutter_in:g} in"
        bands, first = [], self.min_pages
        for last, inches in self.gutter_by_pages:
            bands.append(f"{first}–{last} pages {max(inches, self.min_gutter_in):g} in")
            first = last + 1
        return ", ".join(bands)

    def trim_problem(self, width_in: float, height_in: float) -> str | None:
        """Why the printer does not print a book of this trim, or None when it does."""
        if self.trim_range_in is None:
            return None
        (low_w, low_h), (high_w, high_h) = self.trim_range_in
        if low_w - 0.005 <= width_in <= high_w + 0.005 and low_h - 0.005 <= height_in <= high_h + 0.005:
            return None
        return (f"{self.name} prints paperbacks from {low_w:g} × {low_h:g} in to "
                f"{high_w:g} × {high_h:g} in, not {width_in:.3g} × {height_in:.3g} in")

    def cover_problem(self, width_in: float, height_in: float) -> str | None:
        """Why a cover wrap of this trim cannot be printed (its back cover cannot hold the
        barcode area inside its safe margins), or None."""
        if width_in < BARCODE_IN[0] + 2 * self.cover_safe_in:
            return f"the trim is too narrow for a back cover with a {BARCODE_IN[0]:g} in barcode area"
        if height_in < BARCODE_IN[1] + 2 * self.cover_safe_in:
            return f"the trim is too short for a back cover with a {BARCODE_IN[1]:g} in barcode area"
        return None

    def thickest_spine_in(self, paper: str) -> float:
        """The widest spine the printer binds on `paper`: its most pages, at most
        `MAX_SPINE_IN`."""
        pages = self.max_pages or MAX_PAGES
        return min(MAX_SPINE_IN, pages * self.calipers.get(paper, max(self.calipers.values())))


PRINTERS: dict[str, Printer] = {
    # KDP paperback: 24–828 pages (black and white); gutter by page count; 0.25 in elsewhere
    # (0.375 in with bleed); bleed on three edges; no marks, bookmarks or metadata in the file.
    "kdp": Printer(
        "KDP", 24, 828,
        gutter_by_pages=((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (828, 0.875)),
        min_gutter_in=0.375, min_edge_in=0.25, min_edge_bleed_in=0.375, spine_bleed=False,
        marks=False, outline=False, metadata=False, blank_last_page=False,
        spine_text_min_pages=79, prints_barcode=True, min_type_pt=7.0,
        annotations=False, trim_range_in=((4.0, 6.0), (8.5, 11.69))),
    # IngramSpark: from 18 pages; 0.5 in on every side; bleed on three edges; no marks; the
    # last page blank. Its cover template generator is the authority for the spine.
    "ingramspark": Printer(
        "IngramSpark", 18, None, gutter_by_pages=(), min_gutter_in=0.5, min_edge_in=0.5,
        min_edge_bleed_in=0.5, spine_bleed=False, marks=False, outline=True, metadata=True,
        blank_last_page=True),
    # Lulu: a 0.5 in safety margin on every side, bleed on all four edges, no marks.
    "lulu": Printer(
        "Lulu", 32, 800, gutter_by_pages=(), min_gutter_in=0.5, min_edge_in=0.5,
        min_edge_bleed_in=0.5, spine_bleed=True, marks=False, outline=True, metadata=True,
        blank_last_page=False, spine_text_min_pages=80, prints_barcode=True),
    # A printer not named here: the trim as the page, no marks, the theme's margins kept
    # above the common minimums.
    "generic": Printer(
        "a print-on-demand service", 1, None, gutter_by_pages=(), min_gutter_in=0.375,
        min_edge_in=0.25, min_edge_bleed_in=0.375, spine_bleed=False, marks=False,
        outline=True, metadata=True, blank_last_page=False, spine_text_min_pages=79),
    # A house offset printer: pages imposed on sheets and trimmed on four sides, so bleed on
    # every edge, and crop marks when asked for.
    "offset": Printer(
        "an offset printer", 1, None, gutter_by_pages=(), min_gutter_in=0.375,
        min_edge_in=0.25, min_edge_bleed_in=0.375, spine_bleed=True, marks=True,
        outline=True, metadata=True, blank_last_page=False, spine_text_min_pages=79),
}


def printer_rules(name: str) -> Printer:
    """The rules of the printer `[print] printer` names."""
    return PRINTERS[name]
