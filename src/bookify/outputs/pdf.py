"""The PDF editions: the whole book laid out by WeasyPrint as one document, written as a PDF.

Laying out the book as one document is what makes the contents' page numbers
(`target-counter()`), the running heads and the PDF outline true to the pages. The print
edition's layout is also the source of the EPUB's print page numbers, so a build lays the book
out once per edition and every output reads the same `PrintLayout`.

Two editions come from the same HTML and stylesheets:

- `print`, the interior a printer takes: no cover, every opener on a recto with truly blank
  versos, mirrored margins with the gutter the printer wants for the page count, bleed and crop
  marks on request, no live links, padded to the page count the printer wants;
- `digital`, for reading on screen: the cover first, pages one after another with no forced
  blanks, even margins, live links and bookmarks.
"""

from __future__ import annotations

import dataclasses
import functools
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pydyf
from fontTools.ttLib import TTFont
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes

from ..compose import compose_book_html
from ..diagnostics import Diagnostics
from ..fsutil import atomic_output
from ..geometry import PageGeometry, page_geometry
from ..model import RenderedBook
from ..project import Project
from ..themes import Theme
from .epub_assets import characters_of
from .weasy import ProgressCallback, render_document

#: The label of the pages before the half title (the cover and its blank verso).
COVER_LABEL = "Cover"

Edition = Literal["print", "digital"]
EDITIONS: tuple[Edition, ...] = ("print", "digital")


@dataclass(frozen=True, slots=True)
class PrintLayout:
    """The print edition's pages, and the folio printed (or implied) on each."""

    document: Document
    #: Index of the half title, where lower-case roman folios start (i), if there is one.
    front_start: int | None
    #: Index of the first page of the text, where arabic folios start (1).
    body_start: int | None
    edition: Edition = "print"
    geometry: PageGeometry | None = None

    @property
    def pages(self) -> int:
        return len(self.document.pages)

    def label(self, index: int) -> str:
        """The folio of page `index` as printed: "Cover", "iv", "17"."""
        if self.body_start is not None and index >= self.body_start:
            return str(index - self.body_start + 1)
        if self.front_start is not None and index >= self.front_start:
            return to_roman(index - self.front_start + 1)
        return COVER_LABEL

    def page_openings(self) -> Iterator[PageOpening]:
        """Where each page after the cover begins: the first text laid out on it (running heads
        and folios aside) and the nearest element with an id around that text."""
        for index, page in enumerate(self.document.pages):
            label = self.label(index)
            if label == COVER_LABEL:
                continue
            found = _first_text(page._page_box, None)
            if found is None:
                yield PageOpening(label, None, None)
            else:
                yield PageOpening(label, found[0], " ".join(found[1].split()))


@dataclass(frozen=True, slots=True)
class PageOpening:
    """The start of a printed page: its folio, and the first words on it inside `anchor`."""

    label: str
    anchor: str | None
    text: str | None


def _first_text(box, anchor: str | None) -> tuple[str | None, str] | None:
    """Depth-first: the first visible text of the page body, and its nearest id."""
    if isinstance(box, (boxes.MarginBox, boxes.FootnoteAreaBox)):
        return None  # running heads, folios and footnotes are not where the page's text begins
    element = getattr(box, "element", None)
    tag = getattr(box, "element_tag", "") or ""
    if "::" in tag and tag.split("::")[-1] in ("marker", "before", "after", "footnote-call"):
        return None
    if element is not None and not isinstance(box, boxes.TextBox) and element.get("id"):
        anchor = element.get("id")
    if isinstance(box, boxes.TextBox):
        return (anchor, box.text) if box.text.strip() else None
    for child in getattr(box, "children", None) or ():
        found = _first_text(child, anchor)
        if found is not None:
            return found
    return None


def lay_out_book(
    rendered: RenderedBook,
    theme: Theme,
    project: Project,
    diagnostics: Diagnostics,
    progress: ProgressCallback | None = None,
    proof: bool = False,
    edition: Edition = "print",
) -> PrintLayout:
    """Lay out one edition of the book (with `proof`, only its text: no cover or front matter).

    The print edition's gutter grows with the page count, so when the first layout comes out
    too thick for the gutter it was set with, the book is laid out again with the wider one.
    """
    html = compose_book_html(rendered, theme, project, edition=edition, proof=proof)
    geometry = edition_geometry(theme, project, edition, pages=0)
    for _attempt in range(3):
        scratch = Diagnostics()
        document = lay_out(html, theme, project, scratch, progress, geometry.css())
        needed = edition_geometry(theme, project, edition, pages=len(document.pages))
        if needed.inside <= geometry.inside:
            break
        geometry = needed
    diagnostics.extend(scratch)
    if edition == "print" and not proof:
        _pad_for_printer(document, project.config.print.printer)

    def first_page_with(anchor: str) -> int | None:
        return next((i for i, page in enumerate(document.pages) if anchor in page.anchors), None)

    return PrintLayout(document, first_page_with("half-title"),
                       first_page_with(rendered.contents[0].id), edition, geometry)


def edition_geometry(theme: Theme, project: Project, edition: Edition, pages: int) -> PageGeometry:
    """The page of `edition` for a book of `pages` pages.

    The digital edition is read one page at a time on a screen, so its margins are even (the
    mean of the inside and outside ones) and it has no bleed or marks.
    """
    settings = project.config.print
    if edition == "print":
        return page_geometry(settings.trim, theme.variables, printer=settings.printer,
                             bleed=settings.bleed, crop_marks=settings.crop_marks,
                             gutter=settings.gutter, pages=pages)
    geometry = page_geometry(settings.trim, theme.variables, printer=settings.printer,
                             bleed=False, crop_marks=False, gutter="auto", pages=0)
    side = (geometry.inside + geometry.outside) / 2
    return dataclasses.replace(geometry, inside=side, outside=side)


def _pad_for_printer(document: Document, printer: str) -> None:
    """End the book as the printer wants it: an even page count (KDP), and a blank last page
    (IngramSpark adds one otherwise). The padding repeats one of the book's own blank pages."""
    blank = next((page for page in document.pages if page._page_box.page_type.blank), None)
    if blank is None:
        return
    last_is_blank = document.pages[-1]._page_box.page_type.blank
    if printer == "ingramspark" and not last_is_blank:
        document.pages.append(blank)
    if len(document.pages) % 2:
        document.pages.append(blank)


def check_font_coverage(rendered: RenderedBook, theme: Theme, diagnostics: Diagnostics) -> None:
    """Say which characters the theme's fonts cannot set, and which no font here can.

    WeasyPrint quietly sets a character the book's typeface lacks in some system font (so the
    PDF differs between machines), and one that no font has as an empty box.
    """
    characters = set(characters_of(_book_text(rendered)))
    covered: set[int] = set()
    for font in theme.fonts():
        with TTFont(font, lazy=True) as face:
            covered.update(face.getBestCmap())
    missing = sorted(c for c in characters
                     if ord(c) not in covered and unicodedata.category(c) not in _INVISIBLE)
    if not missing:
        return
    nowhere = [c for c in missing if not _system_font_has(c)]
    elsewhere = [c for c in missing if c not in nowhere]
    if elsewhere:
        diagnostics.notice(
            f"{len(elsewhere)} characters are not in the theme's fonts and are set in a system "
            f"font: {_sample(elsewhere)}")
    if nowhere:
        diagnostics.warn(
            f"no font on this machine has {len(nowhere)} characters of the book, which would "
            f"print as empty boxes: {_sample(nowhere)}",
            hint="install a font for that script (for Chinese, Japanese and Korean: "
            "apt-get install fonts-noto-cjk), or add one with @font-face in styles/print.css",
        )


#: Character categories that draw nothing (spaces, controls, format marks).
_INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}


def _book_text(rendered: RenderedBook) -> Iterator[str]:
    meta = rendered.book.meta
    yield from (x for x in (meta.title, meta.subtitle, meta.publisher, meta.copyright,
                            meta.rights, *meta.authors, *meta.editors) if x)
    for entry in rendered.contents:
        yield entry.title_html
    for essay in rendered.texts():
        yield from (essay.title_html, essay.subtitle_html or "", essay.epigraph_html or "",
                    essay.epigraph_source_html or "", essay.credit_html or "", essay.body_html,
                    essay.notes_html, *essay.essay.authors, *essay.essay.translators)


def _system_font_has(character: str) -> bool:
    """Whether fontconfig (which WeasyPrint falls back through) knows a font with `character`."""
    covered = _system_coverage()
    return covered is None or any(low <= ord(character) <= high for low, high in covered)


@functools.cache
def _system_coverage() -> tuple[tuple[int, int], ...] | None:
    """The code point ranges the machine's fonts cover, read once from `fc-list`."""
    try:
        listing = subprocess.run(["fc-list", "--format", "%{charset}\n"], capture_output=True,
                                 text=True, timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None  # cannot tell; do not cry wolf
    ranges = set()
    for item in listing.split():
        low, _, high = item.partition("-")
        try:
            ranges.add((int(low, 16), int(high or low, 16)))
        except ValueError:
            continue
    return tuple(sorted(ranges))


def _sample(characters: list[str]) -> str:
    shown = " ".join(characters[:24])
    return shown + (" …" if len(characters) > 24 else "")


def write_pdf(layout: PrintLayout, target: Path) -> Path:
    """Write the laid-out book to `target` (atomically), with page labels matching the folios,
    and for the print edition its trim and bleed boxes and no live links."""
    with atomic_output(target) as temporary:
        layout.document.write_pdf(temporary, finisher=lambda _doc, pdf: _finish(layout, pdf))
    return target


def _finish(layout: PrintLayout, pdf: pydyf.PDF) -> None:
    _add_page_labels(layout, pdf)
    if layout.edition != "print":
        return
    pages = [o for o in pdf.objects if isinstance(o, dict) and o.get("Type") == "/Page"]
    for index, page in enumerate(pages):
        # A printed page has nothing to click; printers' preflight flags annotations.
        page.pop("Annots", None)
        if layout.geometry is not None and layout.geometry.bleed_pt:
            trim = layout.geometry.trim_box(recto=index % 2 == 0)
            page["TrimBox"] = pydyf.Array(trim)
            page["BleedBox"] = page["MediaBox"]


def lay_out(
    html: str,
    theme: Theme,
    project: Project,
    diagnostics: Diagnostics,
    progress: ProgressCallback | None = None,
    page_css: str = "",
) -> Document:
    """Lay out an HTML page of the book with the theme's (and project's) print stylesheets,
    after `page_css` (the page geometry) and the theme's variables."""
    return render_document(
        html,
        base_url=project.root,
        stylesheets=theme.stylesheets("print"),
        roots=[project.root, *theme.roots],
        diagnostics=diagnostics,
        allow_network=project.config.build.allow_network,
        progress=progress,
        preamble=f":root {{ {theme.css_variables()} }}\n{page_css}",
    )


def _add_page_labels(layout: PrintLayout, pdf: pydyf.PDF) -> None:
    """PDF page labels, so viewers show "iii" or "12" for a page, as printed."""
    ranges = [] if layout.front_start == 0 else [0, pydyf.Dictionary({"P": pydyf.String(COVER_LABEL)})]
    if layout.front_start is not None:
        ranges += [layout.front_start, pydyf.Dictionary({"S": "/r"})]
    if layout.body_start is not None:
        ranges += [layout.body_start, pydyf.Dictionary({"S": "/D"})]
    pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array(ranges)})


def to_roman(number: int) -> str:
    """Lower-case roman numerals, as front matter is folioed: 4 → 'iv'."""
    numerals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    text = ""
    for value, letters in numerals:
        while number >= value:
            text, number = text + letters, number - value
    return text
