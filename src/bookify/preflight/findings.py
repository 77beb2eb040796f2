"""What a preflight finds: one `Finding` per problem, with the file, the page and the fix.

A printer's or a store's preflight rejects a file for an error and queries it for a warning;
a notice says what was not checked (EPUBCheck without Java) so a clean report is not mistaken
for a complete one. The report is data: the CLI prints it for a person or as JSON for CI.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from ..fsutil import display_path

Severity = Literal["error", "warning", "notice"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one built file: `page` is the 1-based PDF page, or for an EPUB the
    document inside it (`OEBPS/x.xhtml:12`), None when it concerns the whole file."""

    severity: Severity
    check: str
    file: Path
    message: str
    fix: str
    page: int | str | None = None

    def to_json(self, root: Path | None = None) -> dict:
        data = asdict(self)
        data["file"] = display_path(self.file, root)
        return data


@dataclass
class CheckReport:
    """The findings of one preflight, in the order the files and their pages were read."""

    printer: str
    files: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when a printer and the stores would take every file (no error)."""
        return not self.errors

    def to_json(self, root: Path | None = None) -> dict:
        return {
            "ok": self.ok,
            "printer": self.printer,
            "files": [display_path(path, root) for path in self.files],
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [finding.to_json(root) for finding in self.findings],
        }
