"""What bookify adds to WeasyPrint's line breaking: at most two hyphenated lines in a row."""

from __future__ import annotations

from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from bookify.outputs import weasy

LONG_WORDS = " ".join(["incomprehensibility", "extraordinarily", "multidisciplinary",
                       "internationalisation", "characteristically", "misunderstandings"] * 12)


def _line_endings(html: str) -> list[bool]:
    page = HTML(string=html).render().pages[0]
    endings = []

    def walk(box):
        if isinstance(box, boxes.LineBox):
            endings.append(weasy._ends_with_hyphen(box))
            return
        for child in getattr(box, "children", None) or ():
            walk(child)

    walk(page._page_box)
    return endings


def _longest_run(endings: list[bool]) -> int:
    longest = run = 0
    for hyphenated in endings:
        run = run + 1 if hyphenated else 0
        longest = max(longest, run)
    return longest


def test_no_more_than_two_hyphenated_lines_in_a_row() -> None:
    html = (f'<html lang="en"><style>@page {{ size: 3in 30in }} p {{ hyphens: auto; '
            f'text-align: justify; width: 1.6in; font-size: 11pt }}</style><p>{LONG_WORDS}</p>')
    endings = _line_endings(html)
    assert sum(endings) > 10, "the column is narrow enough to need many hyphens"
    assert _longest_run(endings) <= weasy.HYPHENATE_LIMIT_LINES


def test_manual_hyphenation_is_untouched() -> None:
    html = ('<html lang="en"><style>@page { size: 3in 30in } p { hyphens: manual; width: 1.6in }'
            f'</style><p>{LONG_WORDS}</p>')
    assert not any(_line_endings(html))
