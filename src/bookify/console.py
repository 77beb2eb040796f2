"""How bookify talks to a terminal: progress while it works, diagnostics and results after.

Policy, in one place: progress and results go to stdout, warnings and errors to stderr;
`--quiet` keeps only warnings and errors; live progress bars appear only on an interactive
terminal, so CI logs get a few plain lines instead of redraws.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress as RichProgress, TaskID, TextColumn, TimeElapsedColumn

from .build import Artifact, Progress
from .diagnostics import Diagnostic
from .errors import BookifyError

if TYPE_CHECKING:
    from .catalogue import BookOutcome


class Reporter(Progress):
    """Build progress on the terminal."""

    def __init__(self, root: Path, quiet: bool = False) -> None:
        self.root = root
        self.quiet = quiet
        self.out = Console(highlight=False, soft_wrap=True)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)
        self.live = self.out.is_terminal and not quiet
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None

    def stage(self, name: str) -> None:
        self._stop_bar()
        if self.quiet:
            return
        if name in ("Laying out pages", "Converting essays") and self.live:
            unit = "pages" if name == "Laying out pages" else "essays"
            self._bar = RichProgress(
                TextColumn("{task.description}"), BarColumn(bar_width=None),
                TextColumn("{task.completed} " + unit), TimeElapsedColumn(),
                console=self.out, transient=True,
            )
            self._task = self._bar.add_task(name, total=None)
            self._bar.start()
        else:
            self.out.print(f"{name}…")

    def essays(self, done: int, total: int) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=done, total=total)

    def pages(self, count: int) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=count)

    def done(self, artifact: Artifact) -> None:
        self._stop_bar()

    def _stop_bar(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def artifact(self, artifact: Artifact, words: int) -> None:
        """One line per written output: where, how big, how long."""
        if self.quiet:
            return
        path = _relative(artifact.path, self.root)
        details = [f"{artifact.pages} page{'s' if artifact.pages != 1 else ''}"] if artifact.pages else []
        if artifact.edition != "cover":
            details.append(f"{words:,} words")
        details.append(f"{artifact.seconds:.1f} s")
        self.out.print(f"[bold green]Wrote[/] {escape(path)} ({', '.join(details)})")

    def wrote(self, path: Path) -> None:
        """One line for a written file that is not a book output (a proof spread)."""
        if not self.quiet:
            self.out.print(f"[bold green]Wrote[/] {escape(_relative(path, self.root))}")

    def diagnostic(self, diagnostic: Diagnostic) -> None:
        if diagnostic.severity == "notice" and self.quiet:
            return
        colour = "yellow" if diagnostic.severity == "warning" else "cyan"
        self.err.print(f"[{colour}]{diagnostic.severity}:[/] {escape(diagnostic.render(self.root))}")

    def error(self, error: BookifyError) -> None:
        self._stop_bar()
        self.err.print(f"[bold red]error:[/] {escape(error.render(self.root))}")


class CatalogueReporter(Reporter):
    """A catalogue build on the terminal: a line per book as it is done, each book's warnings
    and error under its project's name, then a table of every book."""

    def __init__(self, root: Path, quiet: bool = False) -> None:
        super().__init__(root, quiet)
        self._lock = threading.Lock()

    def book(self, outcome: BookOutcome) -> None:
        """One book is done (called from the thread that built it)."""
        project = _relative(outcome.title.project, self.root)
        with self._lock:
            for item in outcome.diagnostics.items:
                if item.severity == "notice" and self.quiet:
                    continue
                colour = "yellow" if item.severity == "warning" else "cyan"
                self.err.print(f"[{colour}]{escape(project)}: {item.severity}:[/] "
                               f"{escape(item.render(outcome.title.project))}")
            if outcome.error is not None:
                self.err.print(f"[bold red]{escape(project)}: error:[/] "
                               f"{escape(outcome.error.render(outcome.title.project))}")
            elif not self.quiet:
                self.out.print(f"[bold green]Built[/] {escape(outcome.name)} "
                               f"({escape(project)}, {outcome.seconds:.1f} s)")

    def summary(self, outcomes: list[BookOutcome]) -> None:
        """The table of every book: outputs, pages, time, warnings, and whether it was built."""
        from rich.table import Table

        table = Table(title=None, show_edge=False, pad_edge=False)
        for column in ("book", "project", "outputs", "pages", "time", "warnings", "result"):
            table.add_column(column, justify="right" if column in ("pages", "time", "warnings")
                             else "left")
        for outcome in outcomes:
            artifacts = outcome.result.artifacts if outcome.result is not None else []
            outputs = ", ".join(f"{a.edition} PDF" if a.edition else a.format.upper()
                                for a in artifacts)
            pages = next((a.pages for a in artifacts if a.edition == "print"),
                         next((a.pages for a in artifacts if a.pages), None))
            table.add_row(
                escape(outcome.name), escape(_relative(outcome.title.project, self.root)),
                escape(outputs) or "—", str(pages) if pages else "—", f"{outcome.seconds:.1f} s",
                str(len(outcome.diagnostics.warnings)),
                "[green]built[/]" if outcome.ok else "[bold red]failed[/]")
        failed = sum(not outcome.ok for outcome in outcomes)
        with self._lock:
            if not self.quiet or failed:
                (self.err if failed and self.quiet else self.out).print(table)
            if failed:
                self.err.print(f"[bold red]{failed} of {len(outcomes)} books failed[/]")
            elif not self.quiet:
                self.out.print(f"All {len(outcomes)} books built.")


def print_error(error: BookifyError, root: Path | None = None) -> None:
    """Report an error that happened before a build started (for example in `bookify new`)."""
    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"[bold red]error:[/] {escape(error.render(root))}"
    )


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return str(path)

