"""Warnings and notices a build collects instead of printing.

Stages add `Diagnostic`s to the build's `Diagnostics`; the CLI (or the preview) decides how to
show them. Errors that stop a build are exceptions (`errors.py`), not diagnostics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import Location


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One thing the author should know: a `warning` to fix, or a `notice` of what was done."""

    severity: Literal["warning", "notice"]
    message: str
    location: Location = Location()
    hint: str | None = None

    def render(self, root: Path | None = None) -> str:
        where = self.location.describe(root)
        text = f"{where}: {self.message}" if where else self.message
        return text + (f"\n  hint: {self.hint}" if self.hint else "")


@dataclass
class Diagnostics:
    """The diagnostics of one build, in the order they were found."""

    items: list[Diagnostic] = field(default_factory=list)

    def warn(self, message: str, location: Location = Location(), hint: str | None = None) -> None:
        self.items.append(Diagnostic("warning", message, location, hint))

    def notice(self, message: str, location: Location = Location()) -> None:
        self.items.append(Diagnostic("notice", message, location))

    def extend(self, other: Diagnostics) -> None:
        """Take on the diagnostics of a step that ran apart (say, the layout that was kept)."""
        self.items.extend(other.items)

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]
