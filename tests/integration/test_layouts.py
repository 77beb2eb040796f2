"""The PDF editions laid out on every core and never twice: the same bytes from worker processes,
from this process and from the layout cache; a rebuild lays out only the stretches that changed
(an edited essay; after a page more early in the book, the contents and the pages that print
its page numbers, never the essays after it), nor merges the same fonts twice; a changed file, a corrupt cache entry or
`--no-cache` lays out again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bookify.build import build
from bookify.diagnostics import Diagnostics
from bookify.outputs import assembly, divisions, furniture
from bookify.project import load_project

from .conftest import copy_project


def _build(root: Path, **options) -> dict[str, bytes]:
    result = build(load_project(root), ["pdf", "epub"], diagnostics=Diagnostics(), **options)
    return {artifact.path.name: artifact.path.read_bytes() for artifact in result.artifacts}


class _Counted:
    """What was laid out in this process (with one job, every layout is made here): the first
    division of each stretch, and how many times the furniture was."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.stretches: list[str] = []
        self.furniture = 0
        lay_out_stretch, lay_out_furniture = divisions.lay_out_stretch, furniture.lay_out_furniture

        def stretch(request, *args, **kwargs):
            first = re.search(r'<body[^>]*>\s*(?:<div id="bookify-lead"[^>]*></div>)?\s*<[^>]*\sid="([^"]+)"',
                              request.html)
            self.stretches.append(first.group(1) if first else "?")
            return lay_out_stretch(request, *args, **kwargs)

        def furniture_(request, *args, **kwargs):
            self.furniture += 1
            return lay_out_furniture(request, *args, **kwargs)

        monkeypatch.setattr(divisions, "lay_out_stretch", stretch)
        monkeypatch.setattr(furniture, "lay_out_furniture", furniture_)


@pytest.fixture(scope="module")
def two_ways(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """The features fixture built in two worker processes, and again in this process alone."""
    root = copy_project("features", tmp_path_factory.mktemp("layouts") / "features")
    pooled = _build(root, jobs=2, cache=False)
    alone = _build(root, jobs=1, cache=False)
    return root, pooled, alone


def test_worker_processes_write_the_same_bytes_as_one_process(two_ways) -> None:
    _, pooled, alone = two_ways
    assert set(pooled) == set(alone) and len(pooled) == 4  # print, digital, cover, EPUB
    assert pooled == alone


def test_a_rebuild_with_nothing_changed_lays_nothing_out(two_ways, monkeypatch) -> None:
    root, pooled, _ = two_ways
    first = _build(root, jobs=1)  # fills the cache
    counted = _Counted(monkeypatch)
    merged: list[int] = []
    merge = assembly._merged_truetype
    monkeypatch.setattr(assembly, "_merged_truetype",
                        lambda subsets: merged.append(len(subsets)) or merge(subsets))
    again = _build(root, jobs=1)
    assert counted.stretches == [] and counted.furniture == 0
    assert merged == []  # the typefaces merged from the stretches' subsets came from the cache
    assert again == first == pooled


def test_an_edited_essay_is_the_only_stretch_laid_out_again(tmp_path: Path, monkeypatch) -> None:
    root = copy_project("features", tmp_path / "features")
    _build(root, jobs=1)
    essay = root / "manuscripts" / "the-crossing.md"
    text = essay.read_text(encoding="utf-8")
    essay.write_text(text.replace(" the ", " a ", 1), encoding="utf-8")
    counted = _Counted(monkeypatch)
    edited = _build(root, jobs=1)
    assert counted.stretches == ["the-crossing", "the-crossing"], "once in each edition"
    assert counted.furniture == 0, "the same pages, the same running heads and folios"
    assert edited == _build(root, jobs=1, cache=False), "the same book as laid out afresh"


def test_a_page_more_early_in_the_book_lays_out_only_what_prints_page_numbers(
        tmp_path: Path, monkeypatch) -> None:
    root = copy_project("features", tmp_path / "features")
    _build(root, jobs=1)
    essay = root / "manuscripts" / "introduction.md"
    text = essay.read_text(encoding="utf-8")
    paragraph = "\n\n" + " ".join(["The long digression goes on and on, page after page."] * 60)
    essay.write_text(text.rstrip() + paragraph * 2 + "\n", encoding="utf-8")
    counted = _Counted(monkeypatch)
    grown = _build(root, jobs=1)
    laid_out = set(counted.stretches)
    assert "introduction" in laid_out
    assert not laid_out & {"on-notes", "unfinished", "tables-and-code", "the-crossing",
                           "the-lighthouse"}, "the later essays' pages are kept"
    assert counted.furniture == 2, "the folios of both editions are set again"
    assert grown == _build(root, jobs=1, cache=False), "the same book as laid out afresh"


def test_a_changed_stylesheet_or_image_is_laid_out_again(tmp_path: Path, monkeypatch) -> None:
    root = copy_project("features", tmp_path / "features")
    _build(root, jobs=1)
    counted = _Counted(monkeypatch)
    image = next((root / "manuscripts").rglob("*.png"))
    image.write_bytes(image.read_bytes() + b"\0")  # same picture, other bytes
    _build(root, jobs=1)
    assert counted.stretches == ["the-lighthouse", "the-lighthouse"], "the essay with the image"
    (root / "styles").mkdir(exist_ok=True)
    (root / "styles" / "print.css").write_text("p { word-spacing: 0.01em }\n", encoding="utf-8")
    before = len(counted.stretches)
    _build(root, jobs=1)
    assert len(counted.stretches) - before >= 2 * 8, "every stretch of both editions"


def test_a_corrupt_cache_entry_is_laid_out_again(tmp_path: Path, monkeypatch) -> None:
    root = copy_project("minimal", tmp_path / "minimal")
    first = _build(root, jobs=1)
    for entry in (root / "build" / ".cache").rglob("*"):
        if entry.is_file():
            data = bytearray(entry.read_bytes())
            data[-10] ^= 0xFF
            entry.write_bytes(bytes(data))
    counted = _Counted(monkeypatch)
    assert _build(root, jobs=1) == first
    assert counted.stretches and counted.furniture == 2


def test_no_cache_lays_out_afresh(tmp_path: Path, monkeypatch) -> None:
    root = copy_project("minimal", tmp_path / "minimal")
    _build(root, jobs=1)
    counted = _Counted(monkeypatch)
    _build(root, jobs=1, cache=False)
    assert counted.stretches and counted.furniture == 2
