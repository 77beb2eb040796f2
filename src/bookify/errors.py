"""Errors a user can act on.

Every problem bookify reports about a book is a `BookifyError`: it names the file, the line where
known, what is wrong and how to fix it. Only `cli.py` turns one into output and an exit code, so
the library never prints and a user never sees a traceback for a mistake in their book.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: a file, and the line (1-based) and config key when known."""

    path: Path | None = None
    line: int | None = None
    key: str | None = None

    def describe(self, root: Path | None = None) -> str:
        """`manuscripts/a.md:12` style text, relative to the project root when possible."""
        if self.path is None:
            return ""
        path = self.path
        if root is not None:
            for candidate in (path.absolute(), path.resolve()):  # a link is named as itself
                try:
                    path = candidate.relative_to(root.resolve())
                    break
                except ValueError:
                    pass
        text = path.as_posix()
        if self.line is not None:
            text += f":{self.line}"
        return text


class BookifyError(Exception):
    """A problem with the book or its project, reported to the user without a traceback."""

    #: Process exit status the CLI uses for this kind of error.
    exit_code = 1

    def __init__(
        self, message: str, location: Location | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location or Location()
        self.hint = hint
        #: Further problems found in the same pass, reported together so one run shows them all.
        self.also: tuple[BookifyError, ...] = ()

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors raised in a layout worker process cross back to the build whole.
        return _rebuild_error, (type(self), self.message, self.location, self.hint, self.also)

    def render(self, root: Path | None = None) -> str:
        """The message as the CLI prints it: location, message, then an indented hint."""
        where = self.location.describe(root)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        for other in self.also:
            text += "\n" + other.render(root)
        return text


class ConfigError(BookifyError):
    """`bookify.toml` is missing, malformed or has a wrong key or value."""

    exit_code = 2


class ManuscriptError(BookifyError):
    """An essay's front matter or Markdown cannot be used."""

    exit_code = 3


class ThemeError(BookifyError):
    """A theme, template or stylesheet is missing or broken."""

    exit_code = 4


class RenderError(BookifyError):
    """Laying out or writing an output failed (for example a resource outside the project)."""

    exit_code = 5


def unknown_key_hint(key: str, known: Iterable[str]) -> str:
    """The hint for a misspelt key: the nearest known key, or the list of them all."""
    known = list(known)
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(known)


def _rebuild_error(kind: type[BookifyError], message: str, location: Location, hint: str | None,
                   also: tuple[BookifyError, ...]) -> BookifyError:
    error = kind.__new__(kind)
    BookifyError.__init__(error, message, location, hint)
    error.also = also
    return error
