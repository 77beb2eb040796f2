"""Justified text composed whole (issue 12), read from the print PDF alone as
bench/typesetting.py reads a book: on a fixture of public-domain prose and adversarial paragraphs
(long words, a long address, a paragraph that is one address, a note, italics) on the pocket
theme's narrow trim, no more lines are loose than the goal allows, and every word of the
manuscripts is printed, in order, whatever the line breaks.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import re
import sys
from pathlib import Path

import pytest

from .conftest import PROJECTS, REPO, build_project

pytest.importorskip("pdfplumber", reason="bench/typesetting.py reads glyph boxes with pdfplumber")


@functools.cache
def _bench():
    """bench/typesetting.py (not a package: loaded from its file)."""
    spec = importlib.util.spec_from_file_location("typesetting_bench",
                                                  REPO / "bench" / "typesetting.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def composed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    book = build_project(PROJECTS / "composition", ["pdf"], tmp_path_factory.mktemp("composition"))
    return book.artifact("pdf")


@pytest.mark.xfail(strict=True, reason=(
    "issue 12's goal is not met on this fixture yet: without letter spacing (off, see "
    "linebreak.py) the narrow pocket measure leaves 3 of 82 lines over 2x in its paragraph "
    "of long words"))
def test_no_more_loose_lines_than_the_goal(composed: Path) -> None:
    figures = _bench().measure(composed)
    justified = figures["justified"]
    assert justified > 60, "the fixture sets enough justified lines to count"
    # Issue 12's goal: word spaces over 2× the font's space on at most 1 % of justified lines,
    # over 1.5× on at most 10 % (a line in a fixture this size is 1.3 %: one is allowed).
    assert figures["loose2"] <= math.ceil(0.01 * justified), figures["worst"]
    assert figures["loose15"] <= 0.10 * justified, figures["worst"]


def _words(text: str) -> list[str]:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    return re.findall(r"[A-Za-z0-9']+", text)


def test_every_word_is_printed_in_order(composed: Path) -> None:
    bench = _bench()
    book = bench.read_book(composed)
    # The body's lines (in its font and size), so no note at a page's foot comes between the
    # halves of a word hyphenated over the page turn.
    lines = [line.text for page in book.pages for line in page.body]
    # Hyphens added at line ends joined up; a hyphen of the text ("home-keeping") kept.
    printed = _words(re.sub("\u2010\n", "", re.sub("-\n", "-", "\n".join(lines))))
    for manuscript in sorted((PROJECTS / "composition" / "manuscripts").glob("*.md")):
        body = manuscript.read_text(encoding="utf-8").split("---", 2)[2]
        for paragraph in body.split("\n\n"):
            if paragraph.startswith("[^"):
                continue  # a note's text, set at the foot of the page in a smaller size
            paragraph = re.sub(r"\[\^1\]", "", paragraph).replace("*", "").strip()
            if not paragraph:
                continue
            words = _words(paragraph)
            at = _find(printed, words[:6])
            assert at >= 0, f"{manuscript.name}: {paragraph[:50]!r} is not printed"
            # The paragraph's words follow on (a note call may come between).
            following = [word for word in printed[at:at + len(words) + 40]]
            assert _in_order(words, following), f"{manuscript.name}: {paragraph[:50]!r}"


def _find(words: list[str], run: list[str]) -> int:
    for i in range(len(words) - len(run) + 1):
        if words[i:i + len(run)] == run:
            return i
    return -1


def _in_order(words: list[str], printed: list[str]) -> bool:
    """`words` appear in `printed` in order (other words, a page's note, may come between)."""
    position = 0
    for word in words:
        try:
            position = printed.index(word, position) + 1
        except ValueError:
            return False
    return True
