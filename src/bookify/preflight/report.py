"""The preflight's report for a person: each finding with its file, page and fix, errors
first, then a one-line verdict."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape

from ..fsutil import display_path
from .findings import CheckReport, Finding

_STYLES = {"error": "bold red", "warning": "yellow", "notice": "cyan"}
_ORDER = {"error": 0, "warning": 1, "notice": 2}


def print_report(report: CheckReport, root: Path | None, console: Console) -> None:
    """Print `report`: the findings grouped by severity, then the verdict."""
    for finding in sorted(report.findings, key=lambda f: _ORDER[f.severity]):
        console.print(_line(finding, root))
        console.print(f"  fix: {escape(finding.fix)}")
    checked = ", ".join(display_path(path, root) for path in report.files)
    errors, warnings = len(report.errors), len(report.warnings)
    if report.ok:
        console.print(f"[green]Ready for {escape(report.printer)}:[/] {escape(checked)} "
                      f"({warnings} warning{'s' * (warnings != 1)})")
    else:
        console.print(f"[bold red]Not ready:[/] {errors} error{'s' * (errors != 1)}, "
                      f"{warnings} warning{'s' * (warnings != 1)} in {escape(checked)}")


def _line(finding: Finding, root: Path | None) -> str:
    where = display_path(finding.file, root)
    if finding.page is not None:
        where += f", page {finding.page}" if isinstance(finding.page, int) else f" ({finding.page})"
    style = _STYLES[finding.severity]
    return (f"[{style}]{finding.severity}[/]: {escape(where)}: {escape(finding.message)} "
            f"[dim]\\[{finding.check}][/]")
