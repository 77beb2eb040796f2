"""What a preview build produces, as plain records: pages, divisions, problems, jobs and results.

These cross a process boundary (the layout runs in a child process, see `jobs.py`) and go to the
browser as JSON, so they hold only strings, numbers and tuples — never a WeasyPrint document or
a `Path` the browser could not use. Positions are in PDF points, measured from the top-left
corner of the rendered page (its media box, bleed included).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..diagnostics import Diagnostic
from ..errors import BookifyError
from ..fsutil import display_path

Rect = tuple[float, float, float, float]  # x, y, width, height in points, from the top-left


@dataclass(frozen=True, slots=True)
class PageInfo:
    """One page of the print edition as the preview shows it.

    `pdf` and `index` say where the pixels come from: page `index` of the PDF written by job
    `pdf`. After an incremental rebuild, a book's pages come from several PDFs (the last full
    build's, and the changed essay's), so a page's key changes exactly when its picture does.
    """

    pdf: str
    index: int
    #: The folio as printed ("iv", "17"), or "" for a page before the half title.
    label: str
    #: The id of the division (essay, part, contents, back page…) the page belongs to.
    division: str | None
    #: The whole page as rendered (bleed included): width and height.
    size: tuple[float, float]
    #: The trimmed page inside it.
    trim: Rect
    #: The text area: the page box inside its margins.
    content: Rect
    #: The picture still shows an older folio or side: a full build is on its way to redo it.
    stale: bool = False

    @property
    def key(self) -> str:
        """The page's picture's name, unique per PDF and page."""
        return f"{self.pdf}-{self.index}"

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "division": self.division,
                "size": list(self.size), "trim": list(self.trim),
                "content": list(self.content), "stale": self.stale}


DivisionKind = Literal["front", "contents", "part", "essay", "back"]


@dataclass(frozen=True, slots=True)
class Division:
    """A stretch of the book that starts on a page of its own: an essay, a part page, the
    contents, a front- or back-matter page. The contents sidebar lists them."""

    id: str
    title: str
    kind: DivisionKind
    #: The essay's byline, or None.
    author: str | None = None
    #: The manuscript the essay comes from, relative to the project, or None.
    source: str | None = None
    #: The id of the part holding the essay, or None.
    part: str | None = None
    #: Its first page's index in the book, and how many pages it has (None before layout).
    start: int | None = None
    count: int = 0

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class Problem:
    """A warning or error, where it is (relative to the project) and how to fix it."""

    severity: Literal["error", "warning", "notice"]
    message: str
    file: str | None = None
    line: int | None = None
    hint: str | None = None

    @classmethod
    def of_diagnostic(cls, diagnostic: Diagnostic, root: Path) -> Problem:
        location = diagnostic.location
        return cls(diagnostic.severity, diagnostic.message, _relative(location.path, root),
                   location.line, diagnostic.hint)

    @classmethod
    def of_error(cls, error: BookifyError, root: Path) -> list[Problem]:
        """The error and the further ones found in the same pass (`error.also`)."""
        problems = [cls("error", error.message, _relative(error.location.path, root),
                        error.location.line, error.hint)]
        for other in error.also:
            problems.extend(cls.of_error(other, root))
        return problems

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _relative(path: Path | None, root: Path) -> str | None:
    return None if path is None else display_path(path, root)


@dataclass(frozen=True, slots=True)
class Job:
    """One run of the layout process.

    A `full` job lays out the whole book. An `essay` job lays out only `essay`, as if it stood at
    page `start_index` of the book with folio `first_folio` (so its pages come out as they will
    in the book), in a book of `book_pages` pages (the gutter depends on the page count); if the
    book's shape (`divisions`: its parts, essays and back pages, in order) has changed since, it
    does a full layout instead.
    """

    id: str
    root: Path
    folder: Path
    kind: Literal["full", "essay"] = "full"
    essay: str | None = None
    start_index: int = 0
    first_folio: str = "1"
    book_pages: int = 0
    #: The inside margin the book was last laid out with (it grows with the page count).
    book_gutter: float | None = None
    divisions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class JobResult:
    """What a job made. With `errors`, the book could not be built and the rest is empty.

    `kind` is what was done: an `essay` job whose book changed shape reports `full`.
    `diagnostics` come from reading and converting the book; `layout_diagnostics` from
    WeasyPrint (an essay job's cover only that essay).
    """

    job: Job
    kind: Literal["full", "essay"]
    seconds: float
    title: str = ""
    pages: tuple[PageInfo, ...] = ()
    divisions: tuple[Division, ...] = ()
    diagnostics: tuple[Problem, ...] = ()
    layout_diagnostics: tuple[Problem, ...] = ()
    errors: tuple[Problem, ...] = ()
    #: The PDF the pages come from, and the HTML edition's index.html (for the reading view).
    pdf: Path | None = None
    html: Path | None = None
    #: A full layout's inside margin, for the essay jobs that follow it.
    gutter: float | None = None
