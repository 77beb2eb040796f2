"""Which saved files make the preview rebuild."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookify.preview.watch import is_source

ROOT = Path("/books/anthology")
THEMES = Path("/site/bookify/themes")


@pytest.mark.parametrize(("path", "rebuilds"), [
    ("bookify.toml", True),
    ("contributors.toml", True),
    ("contributors/jane.md", True),
    ("manuscripts/01-essay.md", True),
    ("manuscripts/parts/intro.md", True),
    ("manuscripts/images/chalk.jpg", True),
    ("styles/print.css", True),
    ("styles/templates/essay.html.j2", True),
    ("cover.png", True),                      # images may sit anywhere in the project
    ("build/look-back.pdf", False),           # the output folder
    ("build/html/images/chalk.jpg", False),
    ("README.md", False),
    ("notes.txt", False),
    (".git/index", False),
    ("manuscripts/.01-essay.md.swp", False),  # editors' files
    ("manuscripts/01-essay.md~", False),
    ("manuscripts/4913", False),              # vim probes a folder with this
])
def test_sources_of_the_book(path: str, rebuilds: bool) -> None:
    assert is_source(ROOT / path, ROOT, ROOT / "build", THEMES) is rebuilds


def test_the_themes_are_watched_too() -> None:
    assert is_source(THEMES / "classic" / "print.css", ROOT, ROOT / "build", THEMES)
    assert not is_source(Path("/elsewhere/print.css"), ROOT, ROOT / "build", THEMES)
