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


def _paragraph_lines(html: str) -> list[list[str]]:
    """The text of each line of each paragraph (or block) on the first page, as laid out."""
    page = HTML(string=html).render().pages[0]
    paragraphs: list[list[str]] = []

    def text(box) -> str:
        if isinstance(box, boxes.TextBox):
            return box.text
        return "".join(text(child) for child in getattr(box, "children", None) or ())

    def walk(box, lines: list[str] | None) -> None:
        if isinstance(box, boxes.LineBox):
            lines.append(text(box))
            return
        if isinstance(box, boxes.BlockBox) and any(
                isinstance(child, boxes.LineBox) for child in box.children):
            lines = []
            paragraphs.append(lines)
        for child in getattr(box, "children", None) or ():
            walk(child, lines)

    walk(page._page_box, None)
    return paragraphs


def _hyphenated_breaks(paragraphs: list[list[str]]) -> list[tuple[str, str]]:
    """(head, tail) of every word broken by a hyphen at a line's end."""
    breaks = []
    for lines in paragraphs:
        for line, following in zip(lines, lines[1:]):
            if line.endswith("\u2010"):
                breaks.append((line.split()[-1][:-1], following.split()[0]))
    return breaks


#: Words that American and British patterns break differently ("sto-ries" / "stor-ies").
REGIONAL_WORDS = " ".join(["stories", "remedy", "discovered", "philosophy", "democracy",
                           "laboratory", "character", "knowledge", "progress", "records"] * 14)


def _breaks_in(lang: str) -> list[tuple[str, str]]:
    html = (f'<html lang="{lang}"><style>@page {{ size: 3in 30in }} p {{ hyphens: auto; '
            'hyphenate-limit-chars: 5 2 2; text-align: justify; width: 1.1in; font-size: 11pt }'
            f'</style><p>{REGIONAL_WORDS}</p>')
    return _hyphenated_breaks(_paragraph_lines(html))


def _pyphen_positions(lang: str, word: str) -> set[int]:
    import pyphen
    return set(pyphen.Pyphen(lang=lang, left=2, right=2).positions(word))


def test_english_without_a_region_hyphenates_with_american_patterns() -> None:
    breaks = _breaks_in("en")
    assert len(breaks) > 10
    for head, tail in breaks:
        word = (head + tail).rstrip(".,")
        assert len(head) in _pyphen_positions("en_US", word), f"{head}‐{tail} is not American"
    assert any(len(head) not in _pyphen_positions("en_GB", (head + tail))
               for head, tail in breaks), "some break differs from the British patterns"


def test_british_english_keeps_british_patterns() -> None:
    breaks = _breaks_in("en-GB")
    assert len(breaks) > 10
    for head, tail in breaks:
        assert len(head) in _pyphen_positions("en_GB", head + tail), f"{head}‐{tail} is not British"


#: Paragraphs of growing length, each ending with a long word a narrow column must break.
ENDINGS = "".join(f"<p>{' '.join(['an idle fellow'] * n)} misunderstandings.</p>"
                  for n in range(1, 16))


def test_no_paragraph_ends_with_the_tail_of_a_hyphenated_word() -> None:
    html = ('<html lang="en"><style>@page { size: 3in 60in } p { hyphens: auto; '
            'text-align: justify; width: 2in; font-size: 11pt; margin: 0 }</style>'
            f'{ENDINGS}</html>')
    paragraphs = _paragraph_lines(html)
    assert len(paragraphs) == 15
    assert _hyphenated_breaks(paragraphs), "the column is narrow enough to hyphenate"
    for lines in paragraphs:
        fragment = lines[-2].endswith("\u2010") and len(lines[-1].split()) == 1
        assert not fragment, f"the last line is the tail of a word: {lines[-2:]}"


def test_no_hyphen_before_a_forced_line_break() -> None:
    verse = "".join(f"{' '.join(['an idle fellow'] * n)} misunderstandings<br>"
                    for n in range(1, 16))
    html = ('<html lang="en"><style>@page { size: 3in 60in } p { hyphens: auto; '
            'text-align: justify; width: 2in; font-size: 11pt }</style>'
            f'<p>{verse} and so on.</p></html>')
    [lines] = _paragraph_lines(html)
    assert any(line.endswith("\u2010") for line in lines), "the column hyphenates"
    words = [word for line in lines for word in line.split()]
    assert words.count("misunderstandings") == 15, "each verse line's last word stays whole"


def test_bookifys_patches_of_weasyprint_hold_on_the_pinned_version() -> None:
    """Both source patches (footnotes kept with their calls, glyph adjustments rounded) found
    their line in the installed WeasyPrint: a new WeasyPrint that moved it fails here, not
    silently in a book."""
    from weasyprint.draw import text as draw_text
    from weasyprint.layout import block

    import bookify.outputs.weasy  # noqa: F401 (applies the patches)

    assert getattr(block._linebox_layout, "_bookify", False)
    assert getattr(draw_text.draw_first_line, "_bookify", False)
