"""Reading a built book the way a proof-reader does: where each essay opens, which folio is printed
at the foot of that page, and which page number the printed contents give for it.

These helpers work on the text a reader sees (``tests.support.pdf.page_texts``), never on
bookify's internals, so a wrong page number in the contents cannot hide behind a matching wrong
anchor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.support.pdf import normalize_text, page_texts

ROMAN = re.compile(r"^[ivxlcdm]+$")
ARABIC = re.compile(r"^\d+$")
_SPACES = re.compile(r"\s+")

#: The features project (tests/projects/features) in reading order: (level, title), as a reader
#: sees it in the PDF outline and the EPUB navigation (smart punctuation applied).
FEATURES_CONTENTS = [
    (1, "Introduction"),
    (1, "Notes and Numbers"),
    (2, "On Notes"),
    (2, "Of Tables and Code"),
    (1, "Crossings"),
    (2, "The \u201cCrossing\u201d \u2013 Or, Waiting\u2026"),
    (2, "The Lighthouse"),
]
FEATURES_PARTS = {"Notes and Numbers", "Crossings"}
FEATURES_ESSAYS = [title for _, title in FEATURES_CONTENTS if title not in FEATURES_PARTS]
#: the-crossing.md's title, written 'The "Crossing" -- Or, Waiting...' in its front matter.
CROSSING = "The \u201cCrossing\u201d \u2013 Or, Waiting\u2026"
#: Essay authors in the features project, for the nav's "Title — Author" labels.
FEATURES_AUTHORS = {
    "Introduction": "Mara Quill",
    "On Notes": "Ivo Marchetti",
    "Of Tables and Code": "Saoirse Byrne",
    "The \u201cCrossing\u201d \u2013 Or, Waiting\u2026": "Tomasz Wren",
    "The Lighthouse": "Saoirse Byrne",
}
#: Text of the draft essay (draft: true), which must appear in no output.
DRAFT_PHRASES = ["marmalade manifesto", "An Unfinished Thing"]
#: Raw HTML in introduction.md that sanitising must remove from every output.
UNSAFE_MARKERS = ["<script", "alert(1)", "onclick", "javascript:", "evil()"]

MINIMAL_ESSAYS = ["Zephyr at Dawn", "An Almanac"]  # file-name order, not title order


def flat(text: str) -> str:
    """Text on one line, whitespace collapsed."""
    return _SPACES.sub(" ", normalize_text(text)).strip()


def roman_to_int(text: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for char, following in zip(text, text[1:] + " "):
        value = values[char]
        total += -value if following != " " and values[following] > value else value
    return total


def folio(page_text: str) -> str | None:
    """The page number printed at the foot of a page: the last extracted line, if it is one.

    WeasyPrint's margin boxes (running head, folio) are extracted after the body text, and the
    folio (bottom-centre) after the running head, so the folio is always the last line.
    """
    lines = page_text.splitlines()
    if not lines:
        return None
    last = lines[-1].strip()
    return last if ARABIC.match(last) or ROMAN.match(last) else None


_LINE_END_HYPHEN = re.compile("\u2010\n")
_LINE_END_DASH = re.compile(r"(?<=\S)([-\u2013\u2014])\n")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def reading(text: str) -> str:
    """Text as a reader reads it across line ends, for comparing printed paragraphs with their
    source: words hyphenated at a line end joined again, a line ending in a dash joined to the
    next without a space, whitespace collapsed, curly quotes made straight."""
    text = normalize_text(text)
    text = _LINE_END_DASH.sub(r"\1", _LINE_END_HYPHEN.sub("", text))
    return _SPACES.sub(" ", text).strip().translate(_QUOTES)


def starts_with_title(page_text: str, title: str) -> bool:
    """True if the page opens with `title` (possibly set over several lines), as an opener does."""
    lines = page_text.splitlines()
    wanted = flat(title)
    return any(" ".join(lines[:n]).strip() == wanted for n in range(1, min(len(lines), 5) + 1))


@dataclass(frozen=True)
class PrintedBook:
    """A PDF read as pages of text, with its printed contents located."""

    path: Path
    pages: list[str]

    @classmethod
    def read(cls, path: Path) -> PrintedBook:
        return cls(Path(path), page_texts(path))

    @property
    def contents_pages(self) -> list[int]:
        """0-based indices of the printed table of contents: the page headed "Contents" and the
        pages after it that carry a roman folio (its continuation)."""
        start = next(i for i, text in enumerate(self.pages) if text.splitlines()[:1] == ["Contents"])
        pages = [start]
        for index in range(start + 1, len(self.pages)):
            number = folio(self.pages[index])
            if number is None or not ROMAN.match(number):
                break
            pages.append(index)
        return pages

    def contents_numbers(self, titles: list[str], *, ignore_case: bool = False) -> list[int]:
        """The page number the printed contents gives after each title (in reading order).

        `ignore_case` is for part titles, which the contents set in small capitals."""
        lines: list[str] = []
        for index in self.contents_pages:
            page_lines = self.pages[index].splitlines()
            if folio(self.pages[index]) is not None:
                page_lines = page_lines[:-1]
            if page_lines[:1] == ["Contents"]:
                page_lines = page_lines[1:]
            lines.extend(page_lines)
        text = flat("\n".join(lines))
        numbers, position = [], 0
        for title in titles:
            pattern = re.compile(re.escape(flat(title)) + r" (\d+)\b", re.IGNORECASE if ignore_case else 0)
            match = pattern.search(text, position)
            assert match, f"the printed contents give no page number after {title!r}:\n{text}"
            numbers.append(int(match[1]))
            position = match.end()
        return numbers

    def opener_pages(self, titles: list[str]) -> list[int]:
        """0-based index of the page on which each essay's title is printed as its opener.

        Openers are looked for in reading order after the contents, so two essays with the same
        title, or an essay titled like the book, are told apart.
        """
        found, start = [], self.contents_pages[-1] + 1
        for title in titles:
            index = next((i for i in range(start, len(self.pages)) if starts_with_title(self.pages[i], title)), None)
            assert index is not None, f"no page after page {start + 1} opens with the title {title!r}"
            found.append(index)
            start = index + 1
        return found

    def part_page(self, title: str, after: int = 0, *, intro: bool = False) -> int:
        """0-based index of a part's title page: its title is the only text on it, bar ornaments
        (lines without a letter) and, when the part has an `intro`, the introduction under the
        title. A part page prints no folio, so an essay titled like the part is not taken for
        it. Small caps make the extracted case differ, so compare case-insensitively."""
        wanted = flat(title).casefold()
        for index in range(after, len(self.pages)):
            words = flat("\n".join(line for line in self.pages[index].splitlines()
                                   if any(c.isalnum() for c in line))).casefold()
            if words == wanted or (intro and words.startswith(wanted + " ")
                                   and folio(self.pages[index]) is None):
                return index
        raise AssertionError(f"no part page for {title!r}")

    def part_intro(self, index: int, title: str) -> str:
        """The text printed under the part title on the part page `index`, hyphenation undone,
        on one line."""
        lines = [line for line in self.pages[index].splitlines() if any(c.isalnum() for c in line)]
        text = reading("\n".join(lines))
        assert text.casefold().startswith(reading(title).casefold()), (title, text)
        return text[len(reading(title)):].strip()

    def back_page_openers(self, titles: list[str], after: int) -> list[int]:
        """0-based index of the first page of each generated back page (Contributors, Credits…),
        looked for in order after page `after`: a page that opens with the title and carries a
        folio (a part page has none)."""
        found, start = [], after + 1
        for title in titles:
            index = next((i for i in range(start, len(self.pages))
                          if starts_with_title(self.pages[i], title) and folio(self.pages[i])), None)
            assert index is not None, f"no page after page {start} opens with the back page {title!r}"
            found.append(index)
            start = index + 1
        return found

    def folios(self) -> dict[int, str]:
        """Printed folio of every page that has one."""
        return {i: number for i, text in enumerate(self.pages) if (number := folio(text)) is not None}

    def pages_between(self, first: int, last: int) -> str:
        return "\n".join(self.pages[first:last + 1])
