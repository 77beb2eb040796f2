"""The sample EPUB's accessibility, judged as publishers and stores judge it: by DAISY Ace.

Ace (Node.js + Chromium, about 10 s a run) checks the sample book once; its tests skip, saying how
to install it, where it is missing.  Our own checks of the rules Ace applies that matter most for a
book of essays (document language, epub:type/role pairs, heading order, image alt text, the
package's accessibility metadata and language) read the EPUB directly, so they run everywhere.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from lxml import etree

from bookify.build import BuildResult
from tests.support.ace import AceReport, ace_available, run_ace
from tests.support.epub import NS, EpubFile

from .conftest import REPORT

XHTML = NS["xhtml"]
EPUB_TYPE = f"{{{NS['epub']}}}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HEADINGS = {f"{{{XHTML}}}h{level}": level for level in range(1, 7)}

#: epub:type → the DPUB-ARIA role an element carrying it must also have: the DPUB part of the
#: mapping Ace's epub-type-has-matching-role rule uses, less the roles DPUB-ARIA 1.1 deprecates
#: (doc-endnote, doc-biblioentry). Types absent here (titlepage, copyright-page, bodymatter,
#: frontmatter, halftitlepage, endnote, ...) have no role and need none; ``cover`` is handled
#: apart, since doc-cover is a role for the cover image only.
_DOC_ROLE_TYPES = (
    "abstract", "acknowledgments", "afterword", "appendix", "bibliography", "biblioref", "chapter",
    "colophon", "conclusion", "credit", "credits", "dedication", "endnotes", "epigraph", "epilogue",
    "errata", "footnote", "foreword", "glossary", "glossref", "index", "introduction", "noteref",
    "notice", "pagebreak", "part", "preface", "prologue", "pullquote", "qna", "subtitle", "tip",
    "toc",
)
DPUB_ROLES = {epub_type: f"doc-{epub_type}" for epub_type in _DOC_ROLE_TYPES} | {
    "page-list": "doc-pagelist",
    "referrer": "doc-backlink",
}

ACCESSIBILITY_METADATA = (
    "schema:accessMode",
    "schema:accessModeSufficient",
    "schema:accessibilityFeature",
    "schema:accessibilityHazard",
    "schema:accessibilitySummary",
)

needs_ace = pytest.mark.skipif(
    not ace_available(),
    reason="DAISY Ace is not installed (needs node, /usr/bin/chromium or $CHROMIUM, and "
           "tests/a11y/node_modules): run `bash tests/a11y/install.sh`",
)


@pytest.fixture(scope="module")
def sample_epub(sample_build: BuildResult) -> Path:
    """The sample book's EPUB, from the session's single build of the repository's sample."""
    return next(a.path for a in sample_build.artifacts if a.format == "epub")


@pytest.fixture(scope="module")
def ebook(sample_epub: Path) -> EpubFile:
    """The sample EPUB opened once, for the checks that read it without Ace."""
    return EpubFile(sample_epub)


@pytest.fixture(scope="module")
def ace_report(sample_epub: Path, tmp_path_factory: pytest.TempPathFactory) -> AceReport:
    """Ace's report on the sample EPUB, run once for every Ace test in this module."""
    start = time.perf_counter()
    report = run_ace(sample_epub, tmp_path_factory.mktemp("ace-sample") / "report")
    REPORT.append(f"DAISY Ace {report.version} on the sample EPUB: {report.outcome}, "
                  f"{len(report.violations)} violations, {time.perf_counter() - start:.1f} s")
    return report


def documents(ebook: EpubFile) -> list[tuple[str, etree._Element]]:
    """(href, root) of every XHTML content document in the manifest, navigation document included."""
    return [(item.href, ebook.xhtml(item.href)) for item in ebook.manifest.values()
            if item.media_type == "application/xhtml+xml"]


def describe(element: etree._Element) -> str:
    """A short start tag for a failure message, e.g. ``<section id="x" epub:type="chapter">``."""
    attributes = " ".join(
        f'{"epub:type" if name == EPUB_TYPE else etree.QName(name).localname}="{value}"'
        for name, value in element.attrib.items()
        if name in (EPUB_TYPE, "id", "role", "class", "src")
    )
    return f"<{etree.QName(element).localname}{' ' + attributes if attributes else ''}>"


# ---------------------------------------------------------------------- DAISY Ace


@needs_ace
def test_ace_finds_no_serious_or_critical_violations(ace_report: AceReport) -> None:
    """Serious and critical failures are what accessibility reviews and stores reject a book for."""
    assert not ace_report.at_least("serious"), ace_report.summary()


@needs_ace
def test_ace_finds_no_violations(ace_report: AceReport) -> None:
    """Moderate and minor ones too: the sample is the book every user's first build is judged by."""
    assert ace_report.outcome == "pass" and not ace_report.violations, ace_report.summary()


@needs_ace
def test_ace_sees_the_accessibility_metadata(ace_report: AceReport) -> None:
    """Ace must read the metadata we write the way we mean it (property names, not just presence)."""
    missing = [name for name in ACCESSIBILITY_METADATA if name not in ace_report.metadata_present]
    assert not missing, ace_report.summary()


# ---------------------------------------------------------------------- our own checks (no Ace needed)


def test_every_document_declares_its_language(ebook: EpubFile) -> None:
    """Ace's html-has-lang / html-lang-valid / html-xml-lang-mismatch: screen readers pick a voice by it."""
    problems = []
    for href, root in documents(ebook):
        lang, xml_lang = root.get("lang"), root.get(XML_LANG)
        if not lang or not xml_lang or lang.strip().lower() != xml_lang.strip().lower():
            problems.append(f"{href}: lang={lang!r} xml:lang={xml_lang!r}")
    assert not problems, "documents without matching lang and xml:lang:\n  " + "\n  ".join(problems)


def expected_role(element: etree._Element) -> str | None:
    """The DPUB-ARIA role the element's epub:type calls for (its first type that has one), if any."""
    for epub_type in (element.get(EPUB_TYPE) or "").split():
        if epub_type == "cover":
            if element.tag == f"{{{XHTML}}}img":
                return "doc-cover"
        elif epub_type in DPUB_ROLES:
            return DPUB_ROLES[epub_type]
    return None


def in_landmarks(element: etree._Element) -> bool:
    """Inside the landmarks nav, where epub:type on a link names its target's type, not the link's."""
    return any(nav.tag == f"{{{XHTML}}}nav" and "landmarks" in (nav.get(EPUB_TYPE) or "").split()
               for nav in element.iterancestors())


def test_every_epub_type_has_its_aria_role(ebook: EpubFile) -> None:
    """Ace's epub-type-has-matching-role: assistive technology reads the role, not epub:type."""
    problems = []
    for href, root in documents(ebook):
        for element in root.iter():
            if not isinstance(element.tag, str) or element.get(EPUB_TYPE) is None or in_landmarks(element):
                continue
            wanted = expected_role(element)
            role = next(iter((element.get("role") or "").split()), None)
            if wanted is not None and role != wanted:
                problems.append(f"{href}: {describe(element)} should have role={wanted!r}")
    assert not problems, "epub:type without its DPUB-ARIA role:\n  " + "\n  ".join(problems)


def test_heading_levels_never_skip(ebook: EpubFile) -> None:
    """axe's heading-order: a jump from h1 to h3 loses a level of the outline readers navigate by."""
    problems = []
    for href, root in documents(ebook):
        previous: int | None = None
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            level = HEADINGS.get(element.tag)
            if element.get("role") == "heading":
                level = int(element.get("aria-level") or 2)
            if level is None:
                continue
            if previous is not None and level > previous + 1:
                text = " ".join("".join(element.itertext()).split())
                problems.append(f"{href}: h{level} {text!r} follows h{previous}")
            previous = level
    assert not problems, "heading levels skipped:\n  " + "\n  ".join(problems)


def test_every_image_has_alt_text(ebook: EpubFile) -> None:
    """axe's image-alt: an image without alt is read out as its file name, or not at all."""
    problems = [f"{href}: {describe(img)}" for href, root in documents(ebook)
                for img in root.iter(f"{{{XHTML}}}img") if img.get("alt") is None]
    assert not problems, "images without an alt attribute:\n  " + "\n  ".join(problems)


def test_package_has_accessibility_metadata(ebook: EpubFile) -> None:
    """Ace's metadata checks: stores show these fields to readers deciding whether they can use the book."""
    missing = [name for name in ACCESSIBILITY_METADATA if not any(ebook.metadata(name))]
    assert not missing, f"{ebook.opf_path} lacks {', '.join(missing)}"


def test_package_declares_its_language(ebook: EpubFile) -> None:
    """Ace's epub-lang (serious): the package's xml:lang is the language of its metadata."""
    assert (ebook.opf.get(XML_LANG) or "").strip(), f"<package> in {ebook.opf_path} has no xml:lang"
