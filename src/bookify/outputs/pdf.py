"""The print edition: the whole book laid out by WeasyPrint as one document, written as a PDF.

Laying out the book as one document is what makes the contents' page numbers
(`target-counter()`), the running heads and the PDF outline true to the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pydyf
from weasyprint.document import Document

from ..compose import compose_book_html
from ..diagnostics import Diagnostics
from ..fsutil import atomic_output
from ..model import RenderedBook
from ..project import Project
from ..themes import Theme
from .weasy import ProgressCallback, render_document


@dataclass(frozen=True, slots=True)
class PdfResult:
    path: Path
    pages: int


def write_pdf(
    rendered: RenderedBook,
    theme: Theme,
    project: Project,
    target: Path,
    diagnostics: Diagnostics,
    progress: ProgressCallback | None = None,
) -> PdfResult:
    """Lay out the book and write it to `target` (atomically)."""
    html = compose_book_html(rendered, theme, project, body_class="print")
    document = lay_out(html, theme, project, diagnostics, progress)
    labels = _page_labels(document, rendered)
    with atomic_output(target) as temporary:
        document.write_pdf(temporary, finisher=labels)
    return PdfResult(path=target, pages=len(document.pages))


def lay_out(
    html: str,
    theme: Theme,
    project: Project,
    diagnostics: Diagnostics,
    progress: ProgressCallback | None = None,
) -> Document:
    """Lay out an HTML page of the book with the theme's (and project's) print stylesheets."""
    return render_document(
        html,
        base_url=project.root,
        stylesheets=theme.stylesheets("print"),
        roots=[project.root, theme.root],
        diagnostics=diagnostics,
        allow_network=project.config.build.allow_network,
        progress=progress,
    )


def _page_labels(document, rendered: RenderedBook):
    """A finisher giving the PDF page labels that match the printed folios.

    PDF viewers then show "iii" or "12" for a page, as printed, instead of its position: the cover
    pages are labelled "Cover", the front matter in lower-case roman from the half title (i), the
    text in arabic from its first page (1).
    """
    def first_page_with(anchor: str) -> int | None:
        return next((i for i, page in enumerate(document.pages) if anchor in page.anchors), None)

    front = first_page_with("half-title")
    body = first_page_with(rendered.contents[0].id)

    def finish(_document, pdf: pydyf.PDF) -> None:
        ranges = [0, pydyf.Dictionary({"P": pydyf.String("Cover")})]
        if front is not None:
            ranges += [front, pydyf.Dictionary({"S": "/r"})]
        if body is not None:
            ranges += [body, pydyf.Dictionary({"S": "/D"})]
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array(ranges)})

    return finish
