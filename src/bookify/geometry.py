"""The printed page's geometry: trim, bleed and margins, and the printers' rules that bound them.

Print-on-demand services reject interiors whose inside margin (the gutter) is too narrow for the
book's thickness, so the gutter depends on the page count, which is only known after layout: the
print edition is laid out, measured, and laid out again if the gutter had to grow.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import TrimSize, length_pt

#: Bleed on the three outer edges of an interior page (KDP and IngramSpark): 0.125 in.
BLEED_PT = 9.0

#: KDP's minimum inside margin by page count: (last page count of the band, gutter in inches).
KDP_GUTTER = ((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (828, 0.875))
#: IngramSpark asks for at least 0.5 in on every side, folios included.
INGRAM_MIN_PT = 36.0


def minimum_gutter_pt(printer: str, pages: int) -> float:
    """The narrowest inside margin the printer accepts for a book of `pages` pages."""
    if printer == "ingramspark":
        return INGRAM_MIN_PT
    for last, inches in KDP_GUTTER:
        if pages <= last:
            return inches * 72
    return KDP_GUTTER[-1][1] * 72


#: Room the running head (in the top margin) and the folio (in the bottom one) take, which
#: printers count as content that must stay inside their minimum margins.
FURNITURE_PT = 25.0


def minimum_edge_pt(printer: str, bleed: bool) -> float:
    """The narrowest outside margin the printer accepts (measured from the trim); the top and
    bottom margins also hold the running head and folio, so they need `FURNITURE_PT` more."""
    if printer == "ingramspark":
        return INGRAM_MIN_PT
    return 27.0 if bleed else 18.0  # KDP: 0.375 in with bleed, 0.25 in without


@dataclass(frozen=True, slots=True)
class PageGeometry:
    """One edition's page: the trim, whether it bleeds, and its margins in points (from the trim).

    With bleed, the page is 0.125 in wider on the outside edge and 0.125 in taller at the top and
    the bottom, as KDP and IngramSpark want it (none at the spine); the margins grow with it so
    the text block stays where it was on the trimmed page.
    """

    trim: TrimSize
    bleed: bool
    top: float
    bottom: float
    inside: float
    outside: float
    crop_marks: bool = False

    @property
    def bleed_pt(self) -> float:
        return BLEED_PT if self.bleed and not self.crop_marks else 0.0

    @property
    def width_pt(self) -> float:
        return self.trim.width_pt + self.bleed_pt

    @property
    def height_pt(self) -> float:
        return self.trim.height_pt + 2 * self.bleed_pt

    def css(self) -> str:
        """The `@page` rules that size the page and set its margins."""
        b = self.bleed_pt
        rules = [
            f"@page {{ size: {self.width_pt:.3f}pt {self.height_pt:.3f}pt; "
            f"margin-top: {self.top + b:.3f}pt; margin-bottom: {self.bottom + b:.3f}pt; }}",
            f"@page :left {{ margin-left: {self.outside + b:.3f}pt; "
            f"margin-right: {self.inside:.3f}pt; }}",
            f"@page :right {{ margin-left: {self.inside:.3f}pt; "
            f"margin-right: {self.outside + b:.3f}pt; }}",
        ]
        if self.crop_marks:
            # A printer's proof: WeasyPrint's bleed is drawn on all four sides, around the trim.
            rules.append("@page { bleed: 0.125in; marks: crop; }")
        return "\n".join(rules)

    def trim_box(self, recto: bool) -> tuple[float, float, float, float]:
        """The trimmed page inside the bled one, as a PDF box (x0, y0, x1, y1) in points."""
        b = self.bleed_pt
        left = 0.0 if recto else b
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
    return PageGeometry(
        trim=trim,
        bleed=bleed,
        crop_marks=crop_marks,
        top=max(length_pt(variables["margin_top"]), edge + FURNITURE_PT),
        bottom=max(length_pt(variables["margin_bottom"]), edge + FURNITURE_PT),
        inside=inside,
        outside=max(length_pt(variables["margin_outside"]), edge),
    )
