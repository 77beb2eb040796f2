"""What an import kept, dropped and could not carry over, per file, for the editor to read.

A contributor's Word file holds much that must not reach a book (fonts, colours, spacing
paragraphs, comments); the import drops it, but says so, so an editor knows what to check.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..fsutil import display_path


@dataclass
class ImportReport:
    """The findings of one file's import, in the order they are worth reading."""

    source: Path
    target: Path | None = None
    #: Where the title and author came from ("the Title style", "the document properties"…).
    provenance: list[str] = field(default_factory=list)
    #: Things left out on purpose, with how many: "empty paragraphs used for spacing" → 4.
    dropped: Counter[str] = field(default_factory=Counter)
    #: Styles the import does not know, "paragraph style 'Fancy'" → times used; set as plain text.
    unknown_styles: Counter[str] = field(default_factory=Counter)
    #: Objects a book cannot carry, each with where it was: ("text box", "paragraph 12, …").
    unsupported: list[tuple[str, str]] = field(default_factory=list)
    #: Things the editor must fix (an image without alt text).
    warnings: list[str] = field(default_factory=list)
    #: Tracked changes accepted with --accept-changes, by kind.
    accepted_changes: Counter[str] = field(default_factory=Counter)
    comments: int = 0
    comments_file: Path | None = None
    images: int = 0
    notes: int = 0
    added_to_contents: bool | None = None

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def render(self, root: Path | None = None) -> str:
        """The report as the CLI prints it: one header line, then indented findings."""
        head = f"{self.source.name}"
        if self.target is not None:
            head += f" → {display_path(self.target, root)}"
        lines = [head]
        kept = [f"{self.notes} note{'s' * (self.notes != 1)}"] if self.notes else []
        if self.images:
            kept.append(f"{self.images} image{'s' * (self.images != 1)}")
        if kept:
            lines.append("  kept: " + ", ".join(kept))
        lines += [f"  {line}" for line in self.provenance]
        for message in self.warnings:
            lines.append(f"  warning: {message}")
        for kind, where in self.unsupported:
            joint = " " if where.startswith("after ") else " at "
            lines.append(f"  not imported: {kind}{joint}{where}")
        if self.unknown_styles:
            styles = ", ".join(f"{name} ({count}×)" for name, count in
                               sorted(self.unknown_styles.items()))
            lines.append(f"  unknown styles, set as plain text: {styles}")
        if self.comments:
            where = f" → {display_path(self.comments_file, root)}" if self.comments_file else ""
            lines.append(f"  comments: {self.comments}, kept apart from the text{where}")
        if self.accepted_changes:
            changes = ", ".join(f"{count} {kind}" for kind, count in
                                sorted(self.accepted_changes.items()))
            lines.append(f"  tracked changes accepted: {changes}")
        if self.dropped:
            dropped = ", ".join(f"{what} ({count})" for what, count in
                                sorted(self.dropped.items()))
            lines.append(f"  dropped: {dropped}")
        if self.added_to_contents:
            lines.append("  added to contents in bookify.toml")
        return "\n".join(lines)
