"""Justified paragraphs composed whole inside WeasyPrint (paragraphs.py): the lines land where the
plan puts them, look more even than WeasyPrint's first fit, fit their measure and lose nothing."""

from __future__ import annotations

import re

import pytest
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from bookify.outputs import (
    paragraphs,
    weasy,  # noqa: F401 - installs bookify's line breaking
)

PROSE = (
    "It was for this last pleasure that we read so closely, and loved our books so dearly, in "
    "the bright, troubled period of boyhood. Eloquence and thought, character and conversation, "
    "were but obstacles to brush aside as we dug blithely after a certain sort of incident, like "
    "a pig for truffles. For my part, I liked a story to begin with an old wayside inn where "
    "several gentlemen in three-cocked hats were playing bowls. A friend of mine preferred the "
    "Malabar coast in a storm, with a ship beating to windward, and a scowling fellow of "
    "Herculean proportions striding along the beach; he, to be sure, was a pirate. This was "
    "further afield than my home-keeping fancy loved to travel, and designed altogether for a "
    "larger canvas than the tales that I affected.")

STYLE = ("@page { size: 5in 40in; margin: 0.5in } p { hyphens: auto; text-align: justify; "
         "width: 2.6in; font-size: 11pt; margin: 0 0 1em; text-indent: 1em; "
         "hyphenate-limit-chars: 6 3 3; hyphenate-limit-zone: 8% }")


def _lines(html: str) -> list[list[boxes.LineBox]]:
    """The line boxes of each paragraph on the first page."""
    page = HTML(string=html).render().pages[0]
    found: list[list[boxes.LineBox]] = []

    def walk(box) -> None:
        if isinstance(box, boxes.BlockBox) and box.children and all(
                isinstance(child, boxes.LineBox) for child in box.children):
            found.append(list(box.children))
            return
        for child in getattr(box, "children", None) or ():
            walk(child)

    walk(page._page_box)
    return found


def _text(box) -> str:
    if isinstance(box, boxes.TextBox):
        return box.text
    return "".join(_text(child) for child in getattr(box, "children", None) or ())


def _texts(box) -> list[boxes.TextBox]:
    if isinstance(box, boxes.TextBox):
        return [box]
    return [text for child in getattr(box, "children", None) or () for text in _texts(child)]


def _joined(lines: list[boxes.LineBox]) -> str:
    """A paragraph's text from its lines, hyphens added at line ends taken out (a hyphen of
    the text, as in "home-keeping", stays)."""
    text = "\n".join(_text(line).strip() for line in lines)
    text = re.sub("-\n", "-", re.sub("\u2010\n", "", text))
    return re.sub(r"\s+", " ", text)


def _widest_space(lines: list[boxes.LineBox]) -> float:
    """The most any justified line of a paragraph adds to each of its word spaces."""
    return max((max((box.justification_spacing for box in _texts(line)), default=0)
                for line in lines[:-1]), default=0)


def _page(body: str) -> str:
    return f'<html lang="en"><style>{STYLE}</style>{body}</html>'


def test_composed_paragraph_is_more_even_than_first_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    html = _page(f"<p>{PROSE}</p>")
    [composed] = _lines(html)
    monkeypatch.setattr(paragraphs, "MAX_REPLANS", 0)  # no plan: WeasyPrint's own breaking
    [first_fit] = _lines(html)
    assert _joined(composed) == _joined(first_fit) == PROSE
    assert _widest_space(composed) < 0.75 * _widest_space(first_fit)


def test_lines_fit_their_measure_and_keep_their_text() -> None:
    body = (f"<p>{PROSE}</p>"
            f"<p>Some <em>{PROSE[:200]}</em> and a <a href='#x'>link to {PROSE[200:320]}</a>"
            f"<sup>12</sup> then {PROSE[320:]}</p>"
            "<p>A paragraph of one long address: https://example.org/a/very/long/address/"
            "that/cannot/break/anywhere/at/all/in/a/narrow/column/of/text and then more.</p>"
            "<p>Incomprehensibilities notwithstanding, characteristically "
            "internationalisation misunderstandings multidisciplinary extraordinarily.</p>")
    paragraphs_lines = _lines(_page(body))
    assert len(paragraphs_lines) == 4
    measure = paragraphs_lines[0][0].width  # a justified line is as wide as its measure
    for lines in paragraphs_lines:
        for line in lines:
            words = _text(line).split()
            if len(words) > 1:  # a lone word longer than the measure may overflow it
                assert line.width <= measure + 0.01, _text(line)
    assert _joined(paragraphs_lines[0]) == PROSE
    assert "https://example.org/a/very/long/address/" in _joined(paragraphs_lines[2]).replace(
        " ", "")


def test_no_more_than_two_hyphens_in_a_row_and_none_in_a_last_word() -> None:
    words = " ".join(["incomprehensibility", "extraordinarily", "multidisciplinary",
                      "internationalisation", "characteristically", "misunderstandings"] * 8)
    [lines] = _lines(_page(f"<p style='width: 1.8in'>{words} misunderstandings</p>"))
    run = 0
    for line in lines:
        run = run + 1 if _text(line).rstrip().endswith("\u2010") else 0
        assert run <= 2
    assert not _text(lines[-2]).rstrip().endswith("\u2010")
    assert _joined(lines) == f"{words} misunderstandings"


def test_what_is_not_measured_falls_back_to_first_fit() -> None:
    image = ("<img style='width: 30px; height: 10px' "
             "src='data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'>")
    cut = PROSE.index(" so closely")
    body = (f"<p>{PROSE[:300]} {image} {PROSE[300:]}</p>"
            f"<p><span style='white-space: nowrap'>{PROSE[:cut]}</span>{PROSE[cut:]}</p>")
    lines = _lines(_page(body))
    assert len(lines) == 2
    assert _joined(lines[1]) == PROSE
