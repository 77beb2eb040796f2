"""The printed page's geometry: trim, bleed and margins, and the printers' rules that bound them.

Print-on-demand services reject interiors whose inside margin (the gutter) is too narrow for the
book's thickness, so the gutter depends on the page count, which is only known after layout: the
print edition is laid out, measured, and laid out again if the gutter had to grow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .config import TrimSize, length_pt
from .printers import BLEED_IN, printer_rules

#: Bleed beyond the trim, on the edges that have it (0.125 in).
BLEED_PT = BLEED_IN * 72


def minimum_gutter_pt(printer: str, pages: int) -> float:
    """The narrowest inside margin the printer accepts for a book of `pages` pages."""
    return printer_rules(printer).minimum_gutter_in(pages) * 72


#: Room the running head (in the top margin) and the folio (in the bottom one) take, which
#: printers count as content that must stay inside their minimum margins — the descenders of
#: old-style figures included (`bookify check` measured a folio's 7 0.8 pt short at 25 pt).
FURNITURE_PT = 27.0


def minimum_edge_pt(printer: str, bleed: bool) -> float:
    """The narrowest outside margin the printer accepts (measured from the trim); the top and
    bottom margins also hold the running head and folio, so they need `FURNITURE_PT` more."""
    rules = printer_rules(printer)
    return (rules.min_edge_bleed_in if bleed else rules.min_edge_in) * 72


@dataclass(frozen=True, slots=True)
class PageGeometry:
    """One edition's page: the trim, whether it bleeds, and its margins in points (from the trim).

    With bleed, the page is 0.125 in wider on the outside edge and 0.125 in taller at the top and
    the bottom, as KDP and IngramSpark want it (none at the spine; a printer that trims all four
    edges, `spine_bleed`, has it there too); the margins grow with it so the text block stays
    where it was on the trimmed page. Crop marks are drawn around the page when the print file
    is finished (`outputs/print_file.py`), outside the bleed, so they change nothing here.
    """

    trim: TrimSize
    bleed: bool
    top: float
    bottom: float
    inside: float
    outside: float
    crop_marks: bool = False
    spine_bleed: bool = False

    @property
    def bleed_pt(self) -> float:
        return BLEED_PT if self.bleed else 0.0

    @property
    def spine_bleed_pt(self) -> float:
        return self.bleed_pt if self.spine_bleed else 0.0

    @property
    def width_pt(self) -> float:
        return self.trim.width_pt + self.bleed_pt + self.spine_bleed_pt

    @property
    def height_pt(self) -> float:
        return self.trim.height_pt + 2 * self.bleed_pt

    def css(self) -> str:
        """The `@page` rules that size the page and set its margins."""
        b, s = self.bleed_pt, self.spine_bleed_pt
        return "\n".join([
            f"@page {{ size: {self.width_pt:.3f}pt {self.height_pt:.3f}pt; "
            f"margin-top: {self.top + b:.3f}pt; margin-bottom: {self.bottom + b:.3f}pt; }}",
            f"@page :left {{ margin-left: {self.outside + b:.3f}pt; "
            f"margin-right: {self.inside + s:.3f}pt; }}",
            f"@page :right {{ margin-left: {self.inside + s:.3f}pt; "
            f"margin-right: {self.outside + b:.3f}pt; }}",
        ])

    def trim_box(self, recto: bool) -> tuple[float, float, float, float]:
        """The trimmed page inside the bled one, as a PDF box (x0, y0, x1, y1) in points."""
        b = self.bleed_pt
        left = self.spine_bleed_pt if recto else b
        return (left, b, left + self.trim.width_pt, b + self.trim.height_pt)


def page_geometry(
    trim: TrimSize,
    variables: dict[str, str],
    *,
    printer: str,
    bleed: bool,
    crop_marks: bool,
    gutter: str,
    pages: int,
) -> PageGeometry:
    """The page for a book of `pages` pages: the theme's margins, raised to the printer's minimums.

    `gutter` is `auto` (the theme's inside margin, widened by page count as the printer
    requires) or a fixed length the user chose.
    """
    edge = minimum_edge_pt(printer, bleed)
    inside = length_pt(variables["margin_inside"]) if gutter == "auto" else length_pt(gutter)
    if gutter == "auto":
        inside = max(inside, minimum_gutter_pt(printer, pages))
    top = max(length_pt(variables["margin_top"]), edge + FURNITURE_PT)
    bottom = whole_lines_bottom(trim.height_pt, top,
                                max(length_pt(variables["margin_bottom"]), edge + FURNITURE_PT),
                                body_line_pt(variables))
    return PageGeometry(
        trim=trim,
        bleed=bleed,
        crop_marks=crop_marks,
        spine_bleed=printer_rules(printer).spine_bleed,
        top=top,
        bottom=bottom,
        inside=inside,
        outside=max(length_pt(variables["margin_outside"]), edge),
    )


#: Room left under a text block of whole lines, so that its last line fits whatever the rounding
#: of the layout's arithmetic (a full page's lines end this far above the page area's foot).
LINE_SLACK_PT = 0.05


def body_line_pt(variables: dict[str, str]) -> float | None:
    """The body text's line (type size × leading) in points, or None if the theme's variables
    do not say it in units bookify reads."""
    try:
        return length_pt(str(variables["font_size"])) * float(variables["leading"])
    except (KeyError, ValueError, AssertionError):
        return None


def whole_lines_bottom(height: float, top: float, bottom: float, line: float | None) -> float:
    """The bottom margin that makes the text block a whole number of body lines deep (the
    margin only grows, by less than a line): a full page's last line then stands at the foot
    of the page area, where the footnotes end too, and facing full pages end level."""
    if not line:
        return bottom
    lines = math.floor((height - top - bottom) / line + 1e-9)
    return height - top - lines * line - LINE_SLACK_PT
