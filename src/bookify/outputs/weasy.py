"""Running WeasyPrint safely: reads confined to the project and theme, its log turned into diagnostics.

Every WeasyPrint render in bookify (the print PDF, the typographic cover image) goes through
`render_document`, so no output can read a file outside the book project and its theme or
reach the network unless `[build] allow_network` says so, and a missing image or stylesheet
stops the build instead of silently leaving a hole in the book.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from ..diagnostics import Diagnostics
from ..errors import RenderError

ProgressCallback = Callable[[int], None]


class SandboxedFetcher(URLFetcher):
    """A URL fetcher that reads only files under `roots` (and `data:` URLs)."""

    def __init__(self, roots: list[Path], allow_network: bool = False) -> None:
        super().__init__(timeout=20)
        self.roots = [root.resolve() for root in roots]
        self.allow_network = allow_network
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None):  # noqa: D102
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots):
                return super().fetch(url, headers)
        elif scheme in ("http", "https") and self.allow_network:
            return super().fetch(url, headers)
        self.refused.append(url)
        raise FatalURLFetchingError(f"bookify refused to load {url}")


class _Capture(logging.Handler):
    def __init__(self, progress: ProgressCallback | None) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "weasyprint.progress":
            if self.progress and "Creating layout - Page" in record.msg and record.args:
                self.progress(int(record.args[0]))
        elif record.levelno >= logging.WARNING:
            self.records.append(record)


@contextlib.contextmanager
def _captured(progress: ProgressCallback | None) -> Iterator[_Capture]:
    logger = logging.getLogger("weasyprint")
    progress_logger = logging.getLogger("weasyprint.progress")
    handler = _Capture(progress)
    old = (logger.level, logger.propagate, progress_logger.level)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if progress else logging.WARNING)
    progress_logger.setLevel(logging.INFO if progress else logging.WARNING)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old[0])
        logger.propagate = old[1]
        progress_logger.setLevel(old[2])


def render_document(
    html: str,
    *,
    base_url: Path,
    stylesheets: list[Path],
    roots: list[Path],
    diagnostics: Diagnostics,
    allow_network: bool = False,
    progress: ProgressCallback | None = None,
) -> Document:
    """Lay out `html` with the given stylesheets; refuse reads outside `roots`."""
    fetcher = SandboxedFetcher(roots, allow_network)
    fonts = FontConfiguration()
    with _captured(progress) as capture:
        try:
            sheets = [CSS(filename=str(s), url_fetcher=fetcher, font_config=fonts) for s in stylesheets]
            document = HTML(
                string=html, base_url=str(base_url) + "/", url_fetcher=fetcher
            ).render(stylesheets=sheets, font_config=fonts, optimize_images=False)
        except FatalURLFetchingError:
            document = None
    if fetcher.refused:
        raise RenderError(
            f"the book refers to {fetcher.refused[0]}, which is outside the book project",
            hint="copy the file into the project (for example into styles/ or images/) and "
            "refer to it there; web addresses load only with [build] allow_network = true",
        )
    for record in capture.records:
        message = record.getMessage()
        if message.startswith("Failed to load"):
            raise RenderError(
                message.split("\n")[0],
                hint="check that the file exists inside the project and is a readable image or stylesheet",
            )
        diagnostics.warn(f"layout: {message.splitlines()[0]}")
    assert document is not None
    # Keep the font configuration alive as long as the document: it owns the font files.
    document._bookify_fonts = fonts  # type: ignore[attr-defined]
    return document
