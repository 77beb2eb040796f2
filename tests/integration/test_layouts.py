"""The PDF editions laid out on every core and never twice: the same bytes from worker processes,
from this process and from the layout cache; a rebuild with nothing changed lays nothing out; a
changed file, a corrupt cache entry or `--no-cache` lays out again."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookify.build import build
from bookify.diagnostics import Diagnostics
from bookify.outputs import layouts
from bookify.project import load_project

from .conftest import copy_project


def _build(root: Path, **options) -> dict[str, bytes]:
    result = build(load_project(root), ["pdf", "epub"], diagnostics=Diagnostics(), **options)
    return {artifact.path.name: artifact.path.read_bytes() for artifact in result.artifacts}


class _Counted:
    """Counts the layouts made in this process (with one job, every layout is made here)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        original = layouts.lay_out

        def lay_out(*args, **kwargs):
            self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(layouts, "lay_out", lay_out)


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
    again = _build(root, jobs=1)
    assert counted.calls == 0
    assert again == first == pooled


def test_a_changed_stylesheet_or_image_is_laid_out_again(tmp_path: Path, monkeypatch) -> None:
    root = copy_project("features", tmp_path / "features")
    _build(root, jobs=1)
    counted = _Counted(monkeypatch)
    image = next((root / "manuscripts").rglob("*.png"))
    image.write_bytes(image.read_bytes() + b"\0")  # same picture, other bytes
    _build(root, jobs=1)
    assert counted.calls == 2, "both editions read the image"
    styles = root / "styles"
    styles.mkdir(exist_ok=True)
    (styles / "print.css").write_text("p { word-spacing: 0.01em }\n", encoding="utf-8")
    _build(root, jobs=1)
    assert counted.calls == 4


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
    assert counted.calls == 2


def test_no_cache_lays_out_afresh(tmp_path: Path, monkeypatch) -> None:
    root = copy_project("minimal", tmp_path / "minimal")
    _build(root, jobs=1)
    counted = _Counted(monkeypatch)
    _build(root, jobs=1, cache=False)
    assert counted.calls == 2
