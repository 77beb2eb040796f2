"""The page furniture of a PDF edition: every page's running heads and folio, laid out at once.

Running heads and folios (CSS margin boxes) depend on where a page falls in the book: its folio,
its side, the heads its division set. The divisions are laid out without them (`divisions.py`);
once their pages are placed, one light document stands in for the whole edition — an empty block
per page, under elements with the page names its division had (so `@page :nth(1 of essay)`,
`:blank`, `:left` and the folio resets match exactly) and setting the same strings (`string-set`)
— and WeasyPrint lays out its margin boxes as it would in one document of the whole book. Only
the margin boxes are drawn: the assembly lays each of these pages over the page it stands for.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass

from weasyprint.formatting_structure import boxes

from ..diagnostics import Diagnostics
from ..errors import BookifyError
from ..geometry import PageGeometry
from .pdf import PrintStyles
from .weasy import ProgressCallback, layout_key


@dataclass(frozen=True, slots=True)
class FurniturePage:
    """What decides a page's furniture: its side, whether it is a blank verso, its page name and
    page groups, and the strings set on it."""

    side: str
    blank: bool
    name: str
    groups: tuple[tuple[str, int], ...]
    strings: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class FurnitureRequest:
    """The furniture of one edition, as plain data (for a worker process and the cache)."""

    pages: tuple[FurniturePage, ...]
    body_class: str
    lang: str
    geometry: PageGeometry
    styles: PrintStyles

    def key(self) -> str:
        return layout_key("furniture", self)

    def lay_out(self, progress: ProgressCallback | None = None,
                reads: dict[str, str] | None = None) -> bytes:
        # Its pages are the book's, counted already: no progress of its own.
        return lay_out_furniture(self, reads)


def furniture_html(request: FurnitureRequest) -> str:
    """A document with a page for every page of the edition: nested elements carry the page
    names (a new element where a page group starts), each page an empty block that breaks to
    its side after a blank page and sets the page's strings."""
    out: list[str] = []
    open_groups: list[str] = []
    pages = request.pages
    for index, page in enumerate(pages):
        if page.blank:
            continue  # laid out by WeasyPrint itself, before a page that breaks to a recto
        kept = 0
        for depth, (name, group_index) in enumerate(page.groups):
            if depth < len(open_groups) and open_groups[depth] == name and group_index > 0:
                kept = depth + 1
            else:
                break
        while len(open_groups) > kept:
            out.append("</div>")
            open_groups.pop()
        for name, _group_index in page.groups[kept:]:
            out.append(f'<div style="page: {html.escape(name)}">')
            open_groups.append(name)
        style = []
        if index:
            after_blank = pages[index - 1].blank
            style.append(f"break-before: {page.side if after_blank else 'page'}")
        if page.strings:
            style.append("string-set: " + ", ".join(
                f"{name} {_css_string(text)}" for name, text in page.strings))
        out.append(f'<div class="bookify-page" style="{html.escape("; ".join(style))}"></div>')
    out.extend("</div>" for _ in open_groups)
    return (f'<!DOCTYPE html><html lang="{html.escape(request.lang)}"><head><meta charset="utf-8">'
            f'</head><body class="{html.escape(request.body_class)}">{"".join(out)}</body></html>')


def _css_string(text: str) -> str:
    escaped = "".join(c if c not in '"\\\n' else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


def lay_out_furniture(request: FurnitureRequest, reads: dict[str, str] | None = None) -> bytes:
    """The furniture of every page of the edition, as a PDF of as many pages with only the
    margin boxes drawn (no page background: it is drawn with the page's text)."""
    document = request.styles.render(furniture_html(request), request.geometry.css(),
                                     Diagnostics(), reads=reads)
    laid_out = [(p._page_box.page_type.side, bool(p._page_box.page_type.blank),
                 p._page_box.page_type.name or "",
                 tuple(tuple(g) for g in p._page_box.page_type.groups)) for p in document.pages]
    wanted = [(p.side, p.blank, p.name, p.groups) for p in request.pages]
    if laid_out != wanted:
        raise FurnitureMismatch(
            f"the page furniture came out with {len(laid_out)} pages where the book has "
            f"{len(wanted)}, or with other page names")
    for page in document.pages:
        box = page._page_box
        box.children = tuple(c for c in box.children if isinstance(c, boxes.MarginBox))
        box.background = None
        box.canvas_background = None
    output = io.BytesIO()
    document.write_pdf(output)
    return output.getvalue()


class FurnitureMismatch(BookifyError):
    """The stand-in document did not reproduce the book's pages (a theme feature the division
    layout does not model); the edition is then laid out as one document."""
