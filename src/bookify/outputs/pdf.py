"""The print edition: the whole book laid out by WeasyPrint as one document, written as a PDF.

Laying out the book as one document is what makes the contents' page numbers
(`target-counter()`), the running heads and the PDF outline true to the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
    document = render_document(
        html,
        base_url=project.root,
        stylesheets=theme.stylesheets("print"),
        roots=[project.root, theme.root],
        diagnostics=diagnostics,
        allow_network=project.config.build.allow_network,
        progress=progress,
    )
    with atomic_output(target) as temporary:
        document.write_pdf(temporary)
    return PdfResult(path=target, pages=len(document.pages))
