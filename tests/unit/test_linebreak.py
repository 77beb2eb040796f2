"""The total-fit line breaker on synthetic paragraphs: every character 1 unit wide (a space too),
breaks at spaces and at the hyphenation points a test gives, so what a line holds is plain."""

from __future__ import annotations

import random

import pytest

from bookify.outputs import linebreak
from bookify.outputs.linebreak import Breakpoint, Line, Paragraph, compose

HYPHEN = 1.0


def paragraph(text: str, hyphenation: dict[str, list[int]] | None = None) -> Paragraph:
    """`text` with every character 1 wide, breaks at its spaces and at the offsets
    `hyphenation` gives inside a word (a hyphen 1 wide is added there)."""
    advance = [float(i) for i in range(len(text) + 1)]
    spaces, letters = [0.0], [0.0]
    for char in text:
        spaces.append(spaces[-1] + (char == " "))
        letters.append(letters[-1] + (char != " "))
    found: dict[int, Breakpoint] = {}
    for i, char in enumerate(text):
        if char == " ":
            found[i + 1] = Breakpoint(i, i + 1)
    position = 0
    for word in text.split(" "):
        for offset in (hyphenation or {}).get(word, []):
            found[position + offset] = Breakpoint(position + offset, position + offset,
                                                  linebreak.HYPHEN_PENALTY, HYPHEN)
        position += len(word) + 1
    breakpoints = [found[i] for i in sorted(found)]
    breakpoints.append(Breakpoint(len(text), len(text), forced=True))
    return Paragraph(text, advance, spaces, letters, breakpoints)


def greedy(par: Paragraph, width: float) -> list[tuple[int, int, float]]:
    """First fit, as WeasyPrint breaks a line: (start, end, natural width) of each line."""
    lines, start = [], 0
    while True:
        fitting = None
        for breakpoint in par.breakpoints:
            if breakpoint.end <= start:
                continue
            natural = par.advance[breakpoint.end] - par.advance[start] + breakpoint.hyphen
            if natural > width and fitting is not None:
                break
            fitting = (breakpoint, natural)
            if breakpoint.forced:
                break
        breakpoint, natural = fitting
        lines.append((start, breakpoint.end, natural))
        if breakpoint.forced:
            return lines
        start = breakpoint.resume


def space_ratio(par: Paragraph, start: int, end: int, natural: float, width: float) -> float:
    """The width of a justified line's word spaces over their natural width."""
    spaces = par.spaces[end] - par.spaces[start]
    return (spaces + width - natural) / spaces


def lines_of(par: Paragraph, lines: list[Line]) -> list[str]:
    return [par.text[line.start:line.end] + ("-" if line.hyphenated else "") for line in lines]


def assert_whole(par: Paragraph, lines: list[Line]) -> None:
    """The lines hold the whole text, in order, each starting where the last one resumed."""
    assert lines[0].start == 0
    assert lines[-1].end == len(par.text)
    for line, following in zip(lines, lines[1:]):
        assert following.start == line.resume
        assert par.text[line.end:line.resume].strip() == ""


# First fit takes "ab abc a a" (10 wide) and leaves "ab a" alone on the next line, its one space
# 7 wide; total fit moves an "a" down: "ab abc a" / "a ab a", no space wider than 3.
TEXT = "ab abc a a ab a abcdef"


def test_total_fit_evens_out_a_paragraph_first_fit_leaves_loose() -> None:
    par = paragraph(TEXT)
    width = 10.0
    first_fit = greedy(par, width)
    first_fit_worst = max(space_ratio(par, s, e, n, width) for s, e, n in first_fit[:-1])
    lines = compose(par, 0, lambda n: width, shrink=0.0, letter_stretch=0.0, letter_shrink=0.0)
    assert lines is not None
    assert_whole(par, lines)
    worst = max(space_ratio(par, line.start, line.end, line.natural, width) for line in lines[:-1])
    assert [TEXT[s:e] for s, e, _ in first_fit] == ["ab abc a a", "ab a", "abcdef"]
    assert lines_of(par, lines) == ["ab abc a", "a ab a", "abcdef"]
    assert (first_fit_worst, worst) == (7.0, 3.0)


def test_no_line_is_set_wider_than_its_measure_allows() -> None:
    rng = random.Random(12)
    for _ in range(40):
        words = ["".join("x" * rng.randint(1, 9)) for _ in range(rng.randint(5, 60))]
        par = paragraph(" ".join(words))
        width = float(rng.randint(12, 40))
        lines = compose(par, 0, lambda n, width=width: width)
        assert lines is not None
        assert_whole(par, lines)
        for line in lines:
            room = line.spaces * linebreak.SHRINK + line.letters * linebreak.LETTER_SHRINK
            assert line.natural <= width + room + 1e-9, lines_of(par, lines)


def test_a_word_longer_than_the_measure_is_set_alone_and_nothing_is_lost() -> None:
    url = "https://example.org/a/very/long/address/that/cannot/break"
    par = paragraph(f"see {url} for more")
    lines = compose(par, 0, lambda n: 20.0)
    assert lines is not None
    assert_whole(par, lines)
    assert url in lines_of(par, lines)


def test_hyphenation_evens_the_lines_and_never_three_in_a_row() -> None:
    words = ["extraordinary", "circumstances", "notwithstanding", "unquestionably"] * 8
    points = {"extraordinary": [5, 8], "circumstances": [6], "notwithstanding": [3, 7],
              "unquestionably": [2, 8]}
    par = paragraph(" ".join(words), points)
    lines = compose(par, 0, lambda n: 24.0)
    assert lines is not None
    assert_whole(par, lines)
    assert any(line.hyphenated for line in lines)
    run = 0
    for line in lines:
        run = run + 1 if line.hyphenated else 0
        assert run <= 2


def test_the_first_line_of_a_plan_honours_the_hyphens_just_before_it() -> None:
    words = ["extraordinary", "circumstances"] * 10
    par = paragraph(" ".join(words), {"extraordinary": [5, 8], "circumstances": [6]})
    lines = compose(par, 0, lambda n: 18.0, first_run=2)
    assert lines is not None
    assert not lines[0].hyphenated


def test_lines_of_different_widths() -> None:
    par = paragraph(" ".join(["word"] * 40))
    widths = [10.0, 10.0, 30.0]
    lines = compose(par, 0, lambda n: widths[min(n, 2)], varying_lines=2)
    assert lines is not None
    assert [line.width for line in lines[:3]] == widths
    assert_whole(par, lines)


def test_starting_mid_paragraph_and_a_forced_break() -> None:
    text = "one two three four five six seven eight nine ten"
    par = paragraph(text)
    forced = text.index("six") - 1
    par.breakpoints = [b for b in par.breakpoints if b.end != forced] + [
        Breakpoint(forced, forced + 1, forced=True)]
    par.breakpoints.sort(key=lambda b: b.end)
    start = text.index("two")
    lines = compose(par, start, lambda n: 13.0)
    assert lines is not None
    assert lines[0].start == start
    assert any(line.end == forced for line in lines), "a forced break is always taken"


@pytest.mark.parametrize("limit", [1.0, 7.0])
def test_the_limit_lies_between_the_line_and_the_next_longer_one(limit: float) -> None:
    par = paragraph("aaaa bbbb cccc dddd eeee ffff gggg hhhh")
    width = 15.0 + limit
    lines = compose(par, 0, lambda n: width)
    assert lines is not None
    for line in lines[:-1]:
        following = par.advance[line.resume] - par.advance[line.start]
        assert following < line.limit < following + 5  # the next word does not fit under it
