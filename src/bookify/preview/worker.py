"""The preview's layout job: the book (or one changed essay) laid out by WeasyPrint, as a PDF and
the page records the browser needs. It runs in a child process (see `jobs.py`), so WeasyPrint's
memory goes back to the system after every job and a superseded job can simply be stopped.

A full job runs the build's stages for the print edition (through the build's layout cache, so
only what changed since the last build or preview is laid out again) and the HTML edition (the
reading view). An essay job does the same reading and converting (about a second for a 50-essay book:
the whole book is read so links between essays and every warning stay right), but lays out only
the changed essay, as the book would have it:

- at the folio the essay started on, via a `counter-reset` on its first page;
- on the same side: a lead page is put before it when it started on a verso;
- with the blank verso after it when the next division opens on a recto: a marker element that
  breaks like the next division is put after it, and its page is left out.

The essay's pages then replace its old pages in the book (`session.splice`), and a full job
runs after it to redo the contents' page numbers and the folios after the essay.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from .. import anatomy
from ..assemble import assemble_book
from ..cache import LayoutCache
from ..diagnostics import Diagnostics
from ..errors import BookifyError
from ..fsutil import display_path
from ..markdown import render_book
from ..model import BackMatter, RenderedBook, RenderedPart
from ..outputs import pdf as pdf_output
from ..outputs.editions import lay_out_edition, lay_out_editions
from ..outputs.html import write_html
from ..outputs.layouts import LayoutRunner, default_jobs
from ..outputs.png import open_pdf
from ..project import load_project
from ..themes import Theme, load_theme
from .raster import PDFIUM_LOCK
from .state import Division, Job, JobResult, PageInfo, Problem

#: The ids of the elements an essay job adds around the essay (see `splice.css`).
LEAD_ID = "bookify-preview-lead"
END_ID = "bookify-preview-end"

ProgressCallback = Callable[[int], None]


def run_job(job: Job, progress: ProgressCallback | None = None) -> JobResult:
    """Do `job`; a problem with the book comes back as the result's `errors`, never raised."""
    started = time.perf_counter()
    root = job.root
    diagnostics = Diagnostics()
    try:
        project = load_project(root)
        book = assemble_book(project, diagnostics)
        theme = load_theme(project)
        # The build's own cache: after a save, only what changed is converted and laid out again.
        settings = project.config.build
        cache = LayoutCache(project.output_dir / ".cache", settings.cache_max_mb * 2**20,
                            enabled=settings.cache)
        rendered = render_book(book, project, diagnostics, cache=cache)
        pdf_output.check_font_coverage(rendered, theme, diagnostics)
        divisions = book_divisions(rendered, project.root)
        html = job.folder / "html" / "index.html"
        # The reading view; its own warnings repeat the ones above.
        write_html(rendered, theme, project, html, Diagnostics())
        source = [Problem.of_diagnostic(d, root) for d in diagnostics.items]
        layout_diagnostics = Diagnostics()
        pdf = job.folder / "book.pdf"
        kind, gutter = "full", job.book_gutter
        if job.kind == "essay" and structure(divisions) == job.divisions:
            pages = _lay_out_essay(job, rendered, theme, project, layout_diagnostics, pdf)
            if pages is not None:
                kind = "essay"  # its divisions are placed by the splice
        if kind == "full":
            pages, divisions, gutter = _lay_out_book(job, rendered, theme, project, cache,
                                                     layout_diagnostics, pdf, divisions, progress)
    except BookifyError as error:
        return JobResult(job, job.kind, time.perf_counter() - started,
                         diagnostics=tuple(Problem.of_diagnostic(d, root) for d in diagnostics.items),
                         errors=tuple(Problem.of_error(error, root)))
    return JobResult(
        job, kind, time.perf_counter() - started,
        title=rendered.book.meta.title,
        pages=tuple(pages),
        divisions=tuple(divisions),
        diagnostics=tuple(source),
        layout_diagnostics=tuple(Problem.of_diagnostic(d, root) for d in layout_diagnostics.items),
        pdf=pdf,
        html=html,
        gutter=gutter,
    )


def book_divisions(rendered: RenderedBook, root: Path) -> list[Division]:
    """Every division of the print edition, in reading order (`anatomy.book_divisions`), not
    yet placed on pages."""
    divisions = []
    part_of = {essay.id: entry.id for entry in rendered.contents
               if isinstance(entry, RenderedPart) for essay in entry.essays}
    for division in anatomy.book_divisions(rendered, "print"):
        kind = _KINDS.get(division.kind, "back")
        if division.kind == "essay" and division.essay is not None:
            essay = division.essay.essay
            divisions.append(Division(
                division.id, division.title, "essay",
                " and ".join(essay.authors) if essay.authors else None,
                display_path(essay.source, root), part_of.get(division.id)))
        else:
            divisions.append(Division(division.id, division.title, kind))
    return divisions


#: How the preview's contents files each kind of division.
_KINDS = {"cover": "front", "half-title": "front", "title-page": "front", "copyright": "front",
          "dedication": "front", "epigraph": "front", "contents": "contents",
          "front-piece": "front", "part": "part", "essay": "essay"}


def structure(divisions: Iterable[Division]) -> tuple[str, ...]:
    """The book's shape as an essay job must find it unchanged: its parts, essays and back
    pages, in order. (The front matter changes only with bookify.toml, which a full job redoes.)"""
    return tuple(d.id for d in divisions if d.kind in ("part", "essay", "back"))


def place_divisions(divisions: Iterable[Division], anchors: list[Iterable[str]]
                    ) -> tuple[list[Division], list[str | None]]:
    """Put each division on the first page holding its id (`anchors[i]` are page i's ids),
    drop the ones on no page, and say which division each page belongs to."""
    first_page: dict[str, int] = {}
    for index, ids in enumerate(anchors):
        for anchor in ids:
            first_page.setdefault(anchor, index)
    placed = sorted(((first_page[d.id], order, d) for order, d in enumerate(divisions)
                     if d.id in first_page), key=lambda item: item[:2])
    owner: list[str | None] = [None] * len(anchors)
    result = []
    for number, (start, _order, division) in enumerate(placed):
        end = placed[number + 1][0] if number + 1 < len(placed) else len(anchors)
        end = max(end, start + 1)
        for index in range(start, min(end, len(anchors))):
            owner[index] = division.id
        result.append(dataclasses.replace(division, start=start, count=end - start))
    return result, owner


def _lay_out_book(job: Job, rendered: RenderedBook, theme: Theme, project, cache: LayoutCache,
                  diagnostics: Diagnostics, pdf: Path, divisions: list[Division],
                  progress: ProgressCallback | None
                  ) -> tuple[list[PageInfo], list[Division], float | None]:
    # The build's own pipeline: after a save, only what changed is laid out again.
    with LayoutRunner(project.config.build.jobs or default_jobs(), cache, progress) as runner:
        layout = lay_out_editions(runner, {"print": lay_out_edition(
            rendered, theme, project, cache, edition="print", check=True)})["print"]
    diagnostics.items.extend(layout.diagnostics)
    pdf_output.write_pdf(layout, pdf)
    placed, owner = place_divisions(divisions, [page.anchors for page in layout.page_facts])
    labels = [_folio(layout.label(i)) for i in range(layout.pages)]
    pages = page_records(job.id, layout, pdf, range(layout.pages), labels, owner)
    return pages, placed, _gutter(layout)


def _lay_out_essay(job: Job, rendered: RenderedBook, theme: Theme, project,
                   diagnostics: Diagnostics, pdf: Path) -> list[PageInfo] | None:
    """The changed essay's pages as they will be in the book, or None when they cannot be made
    to match (then the caller lays out the whole book)."""
    essays = {e.id: e for e in rendered.essays()}
    essay = essays[job.essay]
    first = int(job.first_folio) if job.first_folio.isdigit() else None
    lead = job.start_index % 2 == 1  # index 0 is a recto, so odd indices are versos
    last = job.divisions[-1] == job.essay
    cut = dataclasses.replace(rendered, book=dataclasses.replace(rendered.book, back_matter=BackMatter()),
                              contents=(essay,), people=())
    spliced = SpliceTheme(theme, first_folio=first, lead=lead, end=not last)
    layout = pdf_output.lay_out_book(cut, spliced, project, diagnostics, proof=True,
                                     edition="print")
    if job.book_gutter is not None and _gutter(layout) not in (None, job.book_gutter):
        return None  # the book's page count widened its gutter; only a full layout has it
    pdf_output.write_pdf(layout, pdf)
    start = 1 if lead else 0
    end = layout.first_page_with(END_ID)
    end = layout.pages if end is None else end
    indices = range(start, max(end, start + 1))
    labels = [str(first + n) if first is not None else _folio(layout.label(i))
              for n, i in enumerate(indices)]
    return page_records(job.id, layout, pdf, indices, labels, [job.essay] * layout.pages)


def page_records(job_id: str, layout: pdf_output.PrintLayout, pdf: Path, indices: Iterable[int],
                 labels: list[str], owner: list[str | None]) -> list[PageInfo]:
    """Page records for pages `indices` of `layout`, written to `pdf`: the PDF's own boxes
    for the page and its trim, the layout's text area."""
    records = []
    with PDFIUM_LOCK:
        opened = open_pdf(pdf)
    try:
        for label, index in zip(labels, indices):
            with PDFIUM_LOCK:
                pdf_page = opened[index]
                try:
                    left, bottom, right, top = pdf_page.get_cropbox()
                    t_left, t_bottom, t_right, t_top = pdf_page.get_trimbox()
                finally:
                    pdf_page.close()
            records.append(PageInfo(
                pdf=job_id, index=index, label=label, division=owner[index],
                size=(round(right - left, 2), round(top - bottom, 2)),
                trim=_rounded((t_left - left, top - t_top, t_right - t_left, t_top - t_bottom)),
                content=layout.page_facts[index].content))
    finally:
        with PDFIUM_LOCK:
            opened.close()
    return records


class SpliceTheme:
    """The project's theme, with the few rules and elements an essay job adds to the book's
    HTML (from `splice.css`) so one essay lays out as it does inside the book.

    Everything else is the theme's own, looked up on the wrapped theme.
    """

    def __init__(self, theme: Theme, *, first_folio: int | None, lead: bool, end: bool) -> None:
        self._theme = theme
        self._first_folio = first_folio
        self._lead = lead
        self._end = end

    def __getattr__(self, name: str) -> Any:
        return getattr(self._theme, name)

    def render(self, template: str, **context: object) -> str:
        html = self._theme.render(template, **context)
        if template != "book.html.j2":
            return html
        css = Template(_SPLICE_CSS).substitute(first_folio=self._first_folio or 1)
        if self._first_folio is None:
            css = css.split("/* folio */")[0]
        head, closing, rest = html.partition("</head>")
        html = f"{head}<style>{css}</style>{closing}{rest}"
        if self._lead:
            html = re.sub(r"(<body[^>]*>)", rf'\1<div id="{LEAD_ID}"></div>', html, count=1)
        if self._end:
            body, closing, rest = html.rpartition("</body>")
            html = f'{body}<div id="{END_ID}"></div>{closing}{rest}'
        return html


_SPLICE_CSS = (resources.files("bookify.preview") / "splice.css").read_text(encoding="utf-8")


def _gutter(layout) -> float | None:
    """The inside margin a layout was set with (it depends on the page count), where known."""
    geometry = getattr(layout, "geometry", None)
    return getattr(geometry, "inside", None)


def _folio(label: str) -> str:
    return "" if label == pdf_output.COVER_LABEL else label


def _rounded(rect: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return tuple(round(v, 2) for v in rect)  # type: ignore[return-value]
