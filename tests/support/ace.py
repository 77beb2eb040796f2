"""Run DAISY Ace, the accessibility checker publishers and stores use on EPUBs, and read its report.

Ace is a Node.js program that opens each content document in a headless
Chromium and runs axe-core plus its own EPUB checks.  It is not a Python
package: ``bash tests/a11y/install.sh`` installs the pinned CLI into
``tests/a11y/node_modules`` and a system Chromium (Puppeteer's own browser
download is skipped).  A run takes about 10 s, so call :func:`run_ace` once
per book.

The JSON report (``report.json``) is EARL: a top-level ``assertions`` list
holds one assertion per checked document (the OPF and each XHTML file), and
each of those holds one sub-assertion per failing node, with the rule
(``earl:test`` / ``dct:title``), its impact (``earl:impact``: minor,
moderate, serious or critical), the node's location (``earl:pointer``) and
HTML.  :func:`run_ace` flattens that into :class:`AceViolation` rows.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "ACE_JS",
    "IMPACTS",
    "AceReport",
    "AceViolation",
    "ace_available",
    "chromium_path",
    "parse_report",
    "run_ace",
]

REPO = Path(__file__).resolve().parents[2]
ACE_JS = REPO / "tests" / "a11y" / "node_modules" / "@daisy" / "ace-cli" / "bin" / "ace.js"
"""The CLI entry point that ``tests/a11y/install.sh`` installs (``npx ace`` would fetch an unrelated package)."""

IMPACTS = ("minor", "moderate", "serious", "critical")
"""axe-core's impact levels, least to most severe."""


def chromium_path() -> Path:
    """The Chromium Ace should drive ($CHROMIUM, else /usr/bin/chromium), since Puppeteer's own download is skipped."""
    return Path(os.environ.get("CHROMIUM") or "/usr/bin/chromium")


def ace_available() -> bool:
    """True when node, a Chromium and the installed Ace CLI are all present, so Ace tests can skip cleanly otherwise."""
    return shutil.which("node") is not None and chromium_path().is_file() and ACE_JS.is_file()


@dataclass(frozen=True)
class AceViolation:
    """One failing node (or package-level check) as Ace reports it, so a test can say exactly what to fix."""

    rule: str
    """The rule id, e.g. ``image-alt``, ``heading-order`` or ``epub-lang``."""
    impact: str
    """``minor``, ``moderate``, ``serious`` or ``critical``."""
    file: str
    """The checked document as Ace names it, e.g. ``cover.xhtml`` or ``EPUB/content.opf``."""
    html: str
    """The offending element's markup (empty for package-level checks)."""
    description: str = ""
    """Ace's explanation of this failure (what is wrong with this node)."""
    selector: str = ""
    """CSS selector(s) of the node within ``file``, comma-separated; empty when Ace gives none."""

    def line(self) -> str:
        """One readable line for an assertion message."""
        where = f"{self.file} {self.selector}".strip()
        text = f"{self.impact} {self.rule} at {where}"
        if self.description:
            text += ": " + " / ".join(part.strip() for part in self.description.splitlines() if part.strip())
        if self.html:
            html = self.html if len(self.html) <= 200 else self.html[:197] + "..."
            text += f"\n      {html}"
        return text


@dataclass(frozen=True)
class AceReport:
    """What Ace found in one EPUB: its verdict, every violation, and the accessibility metadata it looked for."""

    outcome: str
    """Ace's overall ``earl:outcome``: ``pass`` when no document has a violation, else ``fail``."""
    violations: list[AceViolation]
    metadata_present: tuple[str, ...]
    """Accessibility metadata properties Ace found in the OPF (``schema:accessMode`` ...)."""
    metadata_missing: tuple[str, ...]
    """Properties Ace looked for and did not find (conformance and certification ones are optional)."""
    report_dir: Path
    """Where ``report.json`` and the human-readable ``report.html`` were written."""
    version: str = ""
    """The Ace release that produced the report."""

    def at_least(self, impact: str) -> list[AceViolation]:
        """Violations of ``impact`` or anything more severe, for tests that tolerate the milder ones."""
        floor = IMPACTS.index(impact)
        return [v for v in self.violations if v.impact in IMPACTS and IMPACTS.index(v.impact) >= floor]

    def summary(self) -> str:
        """A readable multi-line report to use as an assertion message."""
        counts = {impact: sum(v.impact == impact for v in self.violations) for impact in reversed(IMPACTS)}
        lines = [
            f"DAISY Ace {self.version}: {self.outcome}, {len(self.violations)} violation(s) "
            f"({', '.join(f'{n} {impact}' for impact, n in counts.items())}); "
            + f"full report: {self.report_dir / 'report.html'}"
        ]
        severity = {impact: rank for rank, impact in enumerate(reversed(IMPACTS))}
        ordered = sorted(self.violations, key=lambda v: severity.get(v.impact, len(IMPACTS)))
        lines.extend(f"  {v.line()}" for v in ordered)
        if self.metadata_missing:
            lines.append(f"  metadata missing: {', '.join(self.metadata_missing)}")
        return "\n".join(lines)


def _violations(document: dict[str, Any]) -> list[AceViolation]:
    file = str((document.get("earl:testSubject") or {}).get("url", ""))
    found = []
    for assertion in document.get("assertions") or []:
        result = assertion.get("earl:result") or {}
        if result.get("earl:outcome") != "fail":
            continue
        test = assertion.get("earl:test") or {}
        pointer = result.get("earl:pointer") or {}
        found.append(
            AceViolation(
                rule=str(test.get("dct:title", "")),
                impact=str(test.get("earl:impact", "")),
                file=file,
                html=str(result.get("html", "")),
                description=str(result.get("dct:description", "")),
                selector=", ".join(str(s) for s in pointer.get("css") or []),
            )
        )
    return found


def parse_report(report_dir: Path) -> AceReport:
    """Read ``report.json`` from an Ace output folder, because the test only needs violations, not Ace's HTML."""
    data = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    violations = [v for document in data.get("assertions") or [] for v in _violations(document)]
    metadata = data.get("a11y-metadata") or {}
    version = ((data.get("earl:assertedBy") or {}).get("doap:release") or {}).get("doap:revision", "")
    return AceReport(
        outcome=str((data.get("earl:result") or {}).get("earl:outcome", "")),
        violations=violations,
        metadata_present=tuple(metadata.get("present") or ()),
        metadata_missing=tuple(metadata.get("missing") or ()),
        report_dir=report_dir,
        version=str(version),
    )


def run_ace(epub: Path, report_dir: Path, timeout: float = 300) -> AceReport:
    """Check ``epub`` with DAISY Ace into ``report_dir`` (replaced if present), as an EPUB's accessibility is judged.

    Raises FileNotFoundError for a missing EPUB or Ace install and
    RuntimeError when Ace fails to produce a report (its log is in the
    message).  Ace's own Chromium processes are killed with it on timeout.
    """
    epub = Path(epub)
    report_dir = Path(report_dir)
    if not epub.is_file():
        raise FileNotFoundError(epub)
    if not ace_available():
        raise FileNotFoundError(f"DAISY Ace is not installed ({ACE_JS}); run: bash tests/a11y/install.sh")
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "report.json").unlink(missing_ok=True)  # never read a previous run's report
    temp_dir = report_dir.parent / f"{report_dir.name}-tmp"
    temp_dir.mkdir(parents=True, exist_ok=True)
    command = [
        shutil.which("node") or "node", str(ACE_JS),
        "--force",
        "--outdir", str(report_dir),
        "--tempdir", str(temp_dir),
        str(epub.resolve()),
    ]
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(chromium_path()), "PUPPETEER_SKIP_DOWNLOAD": "1"}
    # A session of its own, so a timeout can end node and the Chromium it started together.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=env, start_new_session=True)
    try:
        log, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise RuntimeError(f"DAISY Ace did not finish within {timeout} s on {epub}") from None
    report = report_dir / "report.json"
    if process.returncode != 0 or not report.is_file():
        raise RuntimeError(f"DAISY Ace failed on {epub} (exit {process.returncode}, report written: "
                           f"{report.is_file()}):\n{log}")
    return parse_report(report_dir)
