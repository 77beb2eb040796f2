"""The HTML edition: `bookify build --format html` writes build/html/index.html, a folder that can be
opened or published as it is."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html

from .bookcheck import DRAFT_PHRASES, FEATURES_ESSAYS, FEATURES_PARTS, UNSAFE_MARKERS
from .conftest import copy_project

BOOKIFY = [sys.executable, "-m", "bookify"]


@pytest.fixture(scope="module")
def html_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the features project after `bookify build --format html` in its folder."""
    root = copy_project("features", tmp_path_factory.mktemp("html") / "features")
    completed = subprocess.run([*BOOKIFY, "build", "--format", "html"], cwd=root, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return root


@pytest.fixture(scope="module")
def page(html_project: Path):
    return lxml_html.parse(str(html_project / "build" / "html" / "index.html")).getroot()


def test_html_is_written_to_build_html_index(html_project: Path) -> None:
    build = html_project / "build"
    index = lxml_html.parse(str(build / "html" / "index.html")).getroot()
    assert index.findtext(".//title") == "The Features Anthology"
    assert index.get("lang") == "en-GB"  # [book] language
    assert not list(build.glob("*.pdf")) and not list(build.glob("*.epub")), "only the HTML edition was asked for"


def test_every_essay_and_part_title_is_on_the_page(page) -> None:
    titles = [re.sub(r"\s+", " ", h.text_content()).strip() for h in page.xpath("//h1[contains(@class, 'essay-title')]")]
    assert titles == FEATURES_ESSAYS
    parts = [h.text_content().strip() for h in page.xpath("//h1[contains(@class, 'part-title')]")]
    assert set(parts) == FEATURES_PARTS


def test_images_are_copied_beside_the_page(html_project: Path, page) -> None:
    folder = html_project / "build" / "html"
    images = page.xpath("//img")
    assert images, "the features book has a figure"
    for img in images:
        target = folder / unquote(img.get("src"))
        assert target.is_file(), f"{img.get('src')} was not copied into {folder}"
    lighthouse = [img for img in images if img.get("alt") == "A white lighthouse on a dark headland under a grey sky"]
    assert len(lighthouse) == 1
    copied = folder / unquote(lighthouse[0].get("src"))
    source = html_project / "manuscripts" / "images" / "lighthouse.png"
    assert copied.read_bytes() == source.read_bytes()


def test_stylesheets_and_fonts_they_load_are_there(html_project: Path, page) -> None:
    folder = html_project / "build" / "html"
    sheets = [link.get("href") for link in page.xpath("//link[@rel='stylesheet']")]
    assert sheets
    pending = [folder / href for href in sheets]
    seen = set()
    while pending:
        sheet = pending.pop()
        if sheet in seen:
            continue
        seen.add(sheet)
        assert sheet.is_file(), f"{sheet.relative_to(folder)} is linked but missing"
        for ref in re.findall(r"url\(\s*[\"']?([^\"')]+)", sheet.read_text(encoding="utf-8")):
            if urlsplit(ref).scheme:
                continue
            target = (sheet.parent / ref).resolve()
            assert target.is_file(), f"{sheet.name} refers to {ref}, which is missing"
            if target.suffix == ".css":
                pending.append(target)


def test_internal_links_and_ids(page) -> None:
    ids = [el.get("id") for el in page.iter() if isinstance(el.tag, str) and el.get("id")]
    assert len(ids) == len(set(ids)), "every id appears once on the page (notes of two essays included)"
    for a in page.xpath("//a[@href]"):
        href = a.get("href")
        if href.startswith("#"):
            assert href[1:] in ids, f"link to {href}, which is not on the page"
    assert page.xpath("//a[@href='#the-crossing']"), "the link between essays points at the other essay"


def test_no_script_handler_javascript_or_draft(html_project: Path, page) -> None:
    source = (html_project / "build" / "html" / "index.html").read_text(encoding="utf-8")
    for marker in UNSAFE_MARKERS:
        assert marker not in source.lower(), marker
    assert not page.xpath("//script")
    assert not [el for el in page.iter() if isinstance(el.tag, str) and any(k.lower().startswith("on") for k in el.attrib)]
    for phrase in DRAFT_PHRASES:
        assert phrase not in source
    assert "This paragraph once carried a click handler" in source


def test_markup_written_as_text_in_a_title_stays_text(tmp_path: Path) -> None:
    """A title that *mentions* markup ("&lt;script&gt;" in the front matter) shows those characters
    to the reader; it must never turn into markup, here a live script, in the HTML or EPUB edition."""
    from bookify.build import build
    from bookify.project import load_project
    from tests.support.epub import NS, EpubFile

    root = tmp_path / "titles"
    (root / "manuscripts").mkdir(parents=True)
    (root / "bookify.toml").write_text('[book]\ntitle = "Titles"\nauthors = ["A. Writer"]\n', encoding="utf-8")
    (root / "manuscripts" / "01-tags.md").write_text(
        '---\ntitle: "Why &lt;script&gt;alert(1)&lt;/script&gt; Is Text"\n---\n\nText.\n', encoding="utf-8")
    result = build(load_project(root), ["html", "epub"], output_dir=root / "build")
    title = "Why <script>alert(1)</script> Is Text"

    page = lxml_html.parse(str(root / "build" / "html" / "index.html")).getroot()
    assert not page.xpath("//script"), "HTML edition: the title's text became a <script> element"
    assert [h.text_content() for h in page.xpath("//h1[contains(@class, 'essay-title')]")] == [title]

    epub = EpubFile(next(a.path for a in result.artifacts if a.format == "epub"))
    document = epub.xhtml("tags.xhtml")
    assert not list(document.iter(f"{{{NS['xhtml']}}}script")), "EPUB: the title's text became a <script> element"
    assert "".join(document.find(f".//{{{NS['xhtml']}}}h1").itertext()) == title
