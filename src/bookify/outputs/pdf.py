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
import io
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pikepdf
import pydyf
from fontTools.ttLib import TTFont
from weasyprint.document import Document, Page
from weasyprint.formatting_structure import boxes

from ..compose import compose_book_html
from ..config import TrimSize
from ..diagnostics import Diagnostic, Diagnostics
from ..fsutil import atomic_output
from ..geometry import PageGeometry, page_geometry
from ..model import RenderedBook
from ..printers import printer_rules
from ..project import Project
from ..themes import Theme
from .digital_file import finish_digital_file
from .epub_assets import characters_of
from .layout_checks import check_layout
from .print_file import finish_print_file
from .weasy import ProgressCallback, layout_key, render_document

#: The label of the pages before the half title (the cover and its blank verso).
COVER_LABEL = "Cover"

Edition = Literal["print", "digital"]
EDITIONS: tuple[Edition, ...] = ("print", "digital")

#: Points per CSS pixel (WeasyPrint measures in CSS pixels, PDF in points).
PT_PER_PX = 0.75


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What later stages need to know of one laid-out page, as plain data: it crosses from a
    layout worker process, and it is kept in the layout cache with the PDF."""

    #: The ids of the elements on the page.
    anchors: tuple[str, ...]
    #: The first text laid out on the page (running heads, folios and notes aside), and the
    #: nearest element with an id around it; None for a page with no text of its own.
    opening_anchor: str | None
    opening_text: str | None
    #: A page left blank before a recto opener (no running head, no folio).
    blank: bool
    #: The text area (left, top, width, height) in points from the page's top left corner.
    content: tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class PrintLayout:
    """One PDF edition laid out: the finished PDF's bytes, what is on each page, and the folio
    printed (or implied) on each."""

    pdf: bytes
    page_facts: tuple[PageFacts, ...]
    #: Index of the half title, where lower-case roman folios start (i), if there is one.
    front_start: int | None
    #: Index of the first page of the text, where arabic folios start (1).
    body_start: int | None
    edition: Edition = "print"
    geometry: PageGeometry | None = None
    #: What the layout found (WeasyPrint's warnings, and for the print edition the layout
    #: checks: widows, low-resolution images…), for the build to report.
    diagnostics: tuple[Diagnostic, ...] = ()
    #: The same findings by division id (each division gets its stretch's), so a proof of one
    #: essay reports its own; empty when the edition was laid out as one document.
    division_diagnostics: dict[str, tuple[Diagnostic, ...]] = dataclasses.field(
        default_factory=dict, compare=False)
    #: WeasyPrint's document, when laid out in this process and asked for (tests read its boxes).
    document: Document | None = dataclasses.field(default=None, compare=False)

    @property
    def pages(self) -> int:
        return len(self.page_facts)

    def label(self, index: int) -> str:
        """The folio of page `index` as printed: "Cover", "iv", "17"."""
        return folio(index, self.front_start, self.body_start)

    def first_page_with(self, anchor: str) -> int | None:
        """The index of the first page holding the element with id `anchor`."""
        return next((i for i, page in enumerate(self.page_facts) if anchor in page.anchors), None)

    def page_openings(self) -> Iterator[PageOpening]:
        """Where each page after the cover begins: the first text laid out on it (running heads
        and folios aside) and the nearest element with an id around that text."""
        for index, page in enumerate(self.page_facts):
            label = self.label(index)
            if label != COVER_LABEL:
                yield PageOpening(label, page.opening_anchor, page.opening_text)


def folio(index: int, front_start: int | None, body_start: int | None) -> str:
    """The folio printed on page `index` of a book whose roman folios start at `front_start`
    and arabic ones at `body_start`."""
    if body_start is not None and index >= body_start:
        return str(index - body_start + 1)
    if front_start is not None and index >= front_start:
        return to_roman(index - front_start + 1)
    return COVER_LABEL


@dataclass(frozen=True, slots=True)
class PageOpening:
    """The start of a printed page: its folio, and the first words on it inside `anchor`."""

    label: str
    anchor: str | None
    text: str | None


def first_text(box, anchor: str | None) -> tuple[str | None, str] | None:
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
        found = first_text(child, anchor)
        if found is not None:
            return found
    return None


@dataclass(frozen=True, slots=True)
class EditionPage:
    """How an edition's page is set, as plain data. The print edition's gutter grows with the
    page count, so the geometry is asked for with the number of pages.

    The digital edition is read one page at a time on a screen, so its margins are even (the
    mean of the inside and outside ones) and it has no bleed or marks.
    """

    edition: Edition
    trim: TrimSize
    variables: tuple[tuple[str, str], ...]
    printer: str
    bleed: bool
    crop_marks: bool
    gutter: str

    @classmethod
    def of(cls, theme: Theme, project: Project, edition: Edition) -> EditionPage:
        settings = project.config.print
        return cls(edition, settings.trim, tuple(sorted(theme.variables.items())),
                   settings.printer, settings.bleed, settings.crop_marks, settings.gutter)

    def geometry(self, pages: int) -> PageGeometry:
        variables = dict(self.variables)
        if self.edition == "print":
            return page_geometry(self.trim, variables, printer=self.printer, bleed=self.bleed,
                                 crop_marks=self.crop_marks, gutter=self.gutter, pages=pages)
        geometry = page_geometry(self.trim, variables, printer=self.printer, bleed=False,
                                 crop_marks=False, gutter="auto", pages=0)
        side = (geometry.inside + geometry.outside) / 2
        return dataclasses.replace(geometry, inside=side, outside=side)


@dataclass(frozen=True, slots=True)
class PrintStyles:
    """What every layout of the book reads besides its HTML, as plain data: the theme's
    variables, the print stylesheets (the theme's and the project's), the folders a layout may
    read from, and whether it may reach the network."""

    variables_css: str
    base_url: Path
    stylesheets: tuple[Path, ...]
    roots: tuple[Path, ...]
    allow_network: bool

    @classmethod
    def of(cls, theme: Theme, project: Project) -> PrintStyles:
        return cls(f":root {{ {theme.css_variables()} }}", project.root,
                   tuple(theme.stylesheets("print")), (project.root, *theme.roots),
                   project.config.build.allow_network)

    def render(self, html: str, page_css: str, diagnostics: Diagnostics,
               progress: ProgressCallback | None = None, **options) -> Document:
        """Lay out `html` on the pages `page_css` sets (a `PageGeometry`'s CSS), after the
        theme's variables (see `render_document` for `options`)."""
        return render_document(
            html, base_url=self.base_url, stylesheets=list(self.stylesheets),
            roots=list(self.roots), diagnostics=diagnostics, allow_network=self.allow_network,
            progress=progress, preamble=f"{self.variables_css}\n{page_css}", **options)


@dataclass(frozen=True, slots=True)
class LayoutRequest:
    """Everything laying out one edition needs, as plain data: it is sent to a layout worker
    process, and (with the files the layout reads) it is what the layout cache is keyed on."""

    html: str
    page: EditionPage
    #: The id of the first essay, where arabic folios start.
    body_anchor: str | None
    styles: PrintStyles
    #: Only the text (a contributor's proof): no printer's padding.
    proof: bool = False
    #: Run the layout checks (widows, low-resolution images…): the print edition a reader gets.
    check: bool = False

    @property
    def edition(self) -> Edition:
        return self.page.edition

    def key(self) -> str:
        return layout_key("book", self)

    def lay_out(self, progress: ProgressCallback | None = None,
                reads: dict[str, str] | None = None) -> PrintLayout:
        return lay_out(self, progress, reads=reads)


def layout_request(
    rendered: RenderedBook,
    theme: Theme,
    project: Project,
    *,
    edition: Edition = "print",
    proof: bool = False,
    check: bool = False,
) -> LayoutRequest:
    """Compose one edition's HTML and gather what its layout needs (in this process: the
    templates and the theme stay here; only plain data goes to a worker)."""
    return LayoutRequest(
        html=compose_book_html(rendered, theme, project, edition=edition, proof=proof),
        page=EditionPage.of(theme, project, edition),
        body_anchor=rendered.contents[0].id if rendered.contents else None,
        styles=PrintStyles.of(theme, project),
        proof=proof,
        check=check,
    )


def lay_out_book(
    rendered: RenderedBook,
    theme: Theme,
    project: Project,
    diagnostics: Diagnostics,
    progress: ProgressCallback | None = None,
    proof: bool = False,
    edition: Edition = "print",
    check: bool = False,
) -> PrintLayout:
    """Lay out one edition of the book in this process (with `proof`, only its text: no cover
    or front matter), keeping WeasyPrint's document on the layout."""
    layout = lay_out(layout_request(rendered, theme, project, edition=edition, proof=proof,
                                    check=check), progress, keep_document=True)
    diagnostics.items.extend(layout.diagnostics)
    return layout


def lay_out(
    request: LayoutRequest,
    progress: ProgressCallback | None = None,
    keep_document: bool = False,
    reads: dict[str, str] | None = None,
) -> PrintLayout:
    """Lay out `request` with WeasyPrint and write its PDF (in memory).

    The print edition's gutter grows with the page count, so when the first layout comes out
    too thick for the gutter it was set with, the book is laid out again with the wider one.
    `reads` receives the files the layout read, with their SHA-256.
    """
    geometry = request.page.geometry(pages=0)
    for _attempt in range(3):
        scratch = Diagnostics()
        document = request.styles.render(request.html, geometry.css(), scratch, progress,
                                         reads=reads)
        needed = request.page.geometry(pages=len(document.pages))
        if needed.inside <= geometry.inside:
            break
        geometry = needed
    if request.edition == "print" and not request.proof:
        _pad_for_printer(document, request.page.printer)

    def first_page_with(anchor: str | None) -> int | None:
        return next((i for i, page in enumerate(document.pages) if anchor in page.anchors), None)

    front_start, body_start = first_page_with("half-title"), first_page_with(request.body_anchor)
    if request.check:
        check_layout(document, lambda index: folio(index, front_start, body_start),
                     request.styles.base_url, scratch)
    output = io.BytesIO()
    layout = PrintLayout(b"", tuple(_page_facts(page) for page in document.pages), front_start,
                         body_start, request.edition, geometry, tuple(scratch.items))
    document.write_pdf(output, finisher=lambda _doc, pdf: _finish(layout, pdf))
    data = output.getvalue()
    if request.edition == "print" and not request.proof:
        # What the printer takes (no bookmarks for KDP, crop marks…), as the assembled book is.
        data = finish_print_file(data, geometry, printer_rules(request.page.printer),
                                 request.page.crop_marks)
    elif request.edition == "digital":
        data = finish_digital_file(data)
    return dataclasses.replace(layout, pdf=data, document=document if keep_document else None)


def _page_facts(page: Page) -> PageFacts:
    box = page._page_box  # the laid-out page: its margins are the real ones
    found = first_text(box, None)
    content = (box.margin_left * PT_PER_PX, box.margin_top * PT_PER_PX,
               (page.width - box.margin_left - box.margin_right) * PT_PER_PX,
               (page.height - box.margin_top - box.margin_bottom) * PT_PER_PX)
    return PageFacts(
        anchors=tuple(page.anchors),
        opening_anchor=found[0] if found else None,
        opening_text=" ".join(found[1].split()) if found else None,
        blank=bool(box.page_type.blank),
        content=tuple(round(value, 2) for value in content),  # type: ignore[arg-type]
    )


def _pad_for_printer(document: Document, printer: str) -> None:
    """End the book as the printer wants it: an even page count, and a blank last page where
    the printer asks for one (IngramSpark adds one otherwise). The padding repeats one of the
    book's own blank pages."""
    blank = next((page for page in document.pages if page._page_box.page_type.blank), None)
    if blank is None:
        return
    last_is_blank = document.pages[-1]._page_box.page_type.blank
    if printer_rules(printer).blank_last_page and not last_is_blank:
        document.pages.append(blank)
    if len(document.pages) % 2:
        document.pages.append(blank)


def check_font_coverage(rendered: RenderedBook, theme: Theme, diagnostics: Diagnostics) -> None:
    """Say which characters the theme's text face cannot set, and what sets them instead: the
    theme's fallback face (a notice), a system font (a notice), or nothing (a warning).

    WeasyPrint quietly sets a character the book's typeface lacks in the next face of the
    stylesheet's list, or in some system font (so the PDF differs between machines), and one
    that no font has as an empty box.
    """
    characters = set(characters_of(_book_text(rendered)))
    text_face = theme.text_face
    covered = _coverage(theme.face_files(text_face) if text_face else theme.fonts())
    missing = sorted(c for c in characters
                     if ord(c) not in covered and unicodedata.category(c) not in _INVISIBLE)
    for fallback in theme.fallback_faces:
        if not missing:
            break
        has = _coverage(theme.face_files(fallback))
        set_there = [c for c in missing if ord(c) in has]
        if set_there:
            diagnostics.notice(
                f"{len(set_there)} characters are not in {text_face}, the theme's text face, and "
                f"are set in {fallback}: {_sample(set_there)}")
        missing = [c for c in missing if ord(c) not in has]
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


def _coverage(fonts: list[Path]) -> set[int]:
    """The code points the font files have glyphs for."""
    covered: set[int] = set()
    for font in fonts:
        with TTFont(font, lazy=True) as face:
            covered.update(face.getBestCmap())
    return covered


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
                    essay.epigraph_source_html or "", essay.credit_html or "", essay.note_html or "",
                    essay.body_html,
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
    """Write the laid-out edition to `target` (atomically)."""
    with atomic_output(target) as temporary:
        temporary.write_bytes(layout.pdf)
    return target


def write_excerpt(layout: PrintLayout, pages: range, target: Path) -> Path:
    """Write pages `pages` of the laid-out edition to `target` (atomically), labelled with the
    book's folios: a contributor's proof shows the page numbers the book will print."""
    with pikepdf.open(io.BytesIO(layout.pdf)) as book, pikepdf.new() as excerpt:
        excerpt.pages.extend(book.pages[pages.start:pages.stop])
        labels: list = []
        style = None
        for offset, index in enumerate(pages):
            arabic = layout.body_start is not None and index >= layout.body_start
            roman = not arabic and layout.front_start is not None and index >= layout.front_start
            if (arabic, roman) != style or not labels:
                style = (arabic, roman)
                if arabic or roman:
                    number = index - (layout.body_start if arabic else layout.front_start) + 1
                    labels += [offset, pikepdf.Dictionary(S=pikepdf.Name.D if arabic
                                                          else pikepdf.Name.r, St=number)]
                else:
                    labels += [offset, pikepdf.Dictionary(P=pikepdf.String(layout.label(index)))]
        excerpt.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(labels))
        excerpt.docinfo = excerpt.copy_foreign(book.docinfo)
        if "/Lang" in book.Root:
            excerpt.Root.Lang = book.Root.Lang
        with atomic_output(target) as temporary:
            excerpt.save(temporary, deterministic_id=True, min_version=book.pdf_version)
    return target


def _finish(layout: PrintLayout, pdf: pydyf.PDF) -> None:
    """Page labels matching the folios; for the print edition its trim and bleed boxes and no
    live links."""
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


def render_html(
    html: str,
    theme: Theme,
    project: Project,
    diagnostics: Diagnostics,
    progress: ProgressCallback | None = None,
    page_css: str = "",
) -> Document:
    """Lay out an HTML page of the book (the typographic cover) with the theme's (and
    project's) print stylesheets, after `page_css` and the theme's variables."""
    return PrintStyles.of(theme, project).render(html, page_css, diagnostics, progress)


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
