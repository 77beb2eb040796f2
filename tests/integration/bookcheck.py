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

from bookify.model import RenderedPart
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
    #: Titles of the authored front-matter pieces (a preface…), which follow the contents with
    #: roman folios of their own and so must not be taken for the contents' continuation.
    front_titles: tuple[str, ...] = ()

    @classmethod
    def read(cls, path: Path, front_titles=()) -> PrintedBook:
        return cls(Path(path), page_texts(path), tuple(front_titles))

    @property
    def contents_pages(self) -> list[int]:
        """0-based indices of the printed table of contents: the page headed "Contents" and the
        pages after it that carry a roman folio (its continuation), up to the first page that
        opens a front-matter piece (a preface is folioed in roman too)."""
        start = next(i for i, text in enumerate(self.pages) if text.splitlines()[:1] == ["Contents"])
        pages = [start]
        for index in range(start + 1, len(self.pages)):
            number = folio(self.pages[index])
            if number is None or not ROMAN.match(number):
                break
            if any(starts_with_title(self.pages[index], title) for title in self.front_titles):
                break
            pages.append(index)
        return pages

    def contents_numbers(self, titles: list[str], *, ignore_case: bool = False) -> list[int]:
        """The page number the printed contents gives after each title (in reading order).

        `ignore_case` is for part titles, which the contents set in small capitals."""
        return [int(n) for n in self._contents_folios(titles, r"\d+", ignore_case)]

    def contents_folios(self, titles: list[str], *, ignore_case: bool = False) -> list[str]:
        """The folio the printed contents gives after each title, arabic or (for front matter
        such as a preface) lower-case roman, as printed."""
        return self._contents_folios(titles, r"\d+|[ivxlcdm]+", ignore_case)

    def _contents_folios(self, titles: list[str], number: str, ignore_case: bool) -> list[str]:
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
            pattern = re.compile(re.escape(flat(title)) + rf" ({number})\b", re.IGNORECASE if ignore_case else 0)
            match = pattern.search(text, position)
            assert match, f"the printed contents give no page number after {title!r}:\n{text}"
            numbers.append(match[1])
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


# ---------------------------------------------------------------------------- divisions of a built book
# Where each division of a built book (tests.integration.conftest.BuiltBook) starts in one of its
# PDF editions, found in the text a reader sees: 0-based page indices.


def openers(book, edition: str = "print") -> list[int]:
    """The page on which each essay opens, in reading order."""
    return book.printed_edition(edition).opener_pages(book.essay_titles)


def part_pages(book, edition: str = "print") -> dict[str, int]:
    """Part title → its title page."""
    printed = book.printed_edition(edition)
    start = printed.contents_pages[-1] + 1
    pages = {}
    for title, has_intro in book.parts_with_intros:
        pages[title] = printed.part_page(title, after=start, intro=has_intro)
        start = pages[title] + 1
    return pages


def front_piece_pages(book, edition: str = "print") -> dict[str, int]:
    """Title → first page of each authored front-matter piece ([front_matter] files: a
    preface…), after the contents."""
    printed = book.printed_edition(edition)
    titles = book.front_titles
    return dict(zip(titles, printed.back_page_openers(titles, after=printed.contents_pages[-1])))


def back_piece_pages(book, edition: str = "print") -> dict[str, int]:
    """Title → first page of each authored back-matter piece ([back_matter] files: a
    colophon…), after the last essay's opener."""
    titles = book.back_piece_titles
    printed = book.printed_edition(edition)
    return dict(zip(titles, printed.back_page_openers(titles, after=max(openers(book, edition)))))


def back_pages(book, edition: str = "print") -> dict[str, int]:
    """Title → first page of each generated back page (Contributors, Credits, Index of Authors),
    after the last essay's opener and the authored back pieces."""
    titles = book.back_titles
    after = max([*openers(book, edition), *back_piece_pages(book, edition).values()])
    return dict(zip(titles, book.printed_edition(edition).back_page_openers(titles, after=after)))


def first_body_page(book, edition: str = "print") -> int:
    """The first page of the text: the first essay's opener or the first part's title page."""
    return min([*openers(book, edition)[:1], *part_pages(book, edition).values()])


def division_starts(book, edition: str = "print") -> list[tuple[str, int]]:
    """(title, first page) of every division after the contents, in reading order (the order
    the contents list them): front pieces, parts and essays, back pieces and back pages. Two
    essays may have the same title."""
    essays = iter(openers(book, edition))
    parts = part_pages(book, edition)
    starts = list(front_piece_pages(book, edition).items())
    for entry in book.rendered.contents:
        if isinstance(entry, RenderedPart):
            starts.append((entry.title_text, parts[entry.title_text]))
            starts.extend((essay.title_text, next(essays)) for essay in entry.essays)
        else:
            starts.append((entry.title_text, next(essays)))
    return starts + list(back_piece_pages(book, edition).items()) + list(back_pages(book, edition).items())


def essay_spans(book, edition: str = "print") -> list[range]:
    """Physical pages (0-based) each essay occupies, in reading order: from its opener to the
    page before the next division starts (or the end of the book)."""
    essays = openers(book, edition)
    others = [*part_pages(book, edition).values(), *back_piece_pages(book, edition).values(),
              *back_pages(book, edition).values(), len(book.printed_edition(edition).pages)]
    starts = sorted([*essays, *others])
    return [range(start, next(s for s in starts if s > start)) for start in essays]


def essay_ranges(book, edition: str = "print") -> dict[str, range]:
    """Essay title → the pages it occupies (see `essay_spans`; for books whose essay titles
    are all different)."""
    return dict(zip(book.essay_titles, essay_spans(book, edition)))


# ---------------------------------------------------------------------------- footnotes

_NOTE_DEFINITION = re.compile(r"^\[\^([^\]]+)\]:[ \t]*(.*)$")
_NOTE_REFERENCE = re.compile(r"\[\^([^\]]+)\](?!:)")
_EMPHASIS = re.compile(r"(\*+|_{1,2})(?=\S)|(?<=\S)(\*+|_{1,2})")


def _split_notes(markdown: str) -> tuple[str, dict[str, list[str]]]:
    """A manuscript's text without its note definitions, and each definition's lines by label."""
    definitions: dict[str, list[str]] = {}
    body: list[str] = []
    current: list[str] | None = None
    for line in markdown.splitlines():
        match = _NOTE_DEFINITION.match(line)
        if match:
            current = definitions.setdefault(match[1], [])
            current.append(match[2])
        elif current is not None and (line.startswith(("    ", "\t")) or not line.strip()):
            current.append(line.strip())
        else:
            current = None
            body.append(line)
    return "\n".join(body), definitions


def _called_labels(body: str, definitions: dict) -> list[str]:
    return list(dict.fromkeys(label for label in _NOTE_REFERENCE.findall(body) if label in definitions))


def manuscript_notes(markdown: str) -> list[str]:
    """The notes of a Markdown manuscript (`[^label]: text`, continued on indented lines), in
    the order the text first calls them (the order they are numbered in), each as a reader reads
    it: emphasis marks dropped, quotes straight, on one line (see `reading`)."""
    body, definitions = _split_notes(markdown)
    return [reading(_EMPHASIS.sub("", "\n".join(definitions[label])))
            for label in _called_labels(body, definitions)]


def manuscript_call_words(markdown: str) -> list[str | None]:
    """For each note of `manuscript_notes`, the word its first call follows in the text ("tecti"
    for `…laquearia tecti.”[^1]`), or None when the call opens a paragraph."""
    body, definitions = _split_notes(markdown)
    words = []
    for label in _called_labels(body, definitions):
        before = body[:body.index(f"[^{label}]")].rsplit("\n\n", 1)[-1]
        before = _NOTE_REFERENCE.sub(" ", re.sub(r"\]\([^)]*\)", "", before))
        found = re.findall(r"\w+", _EMPHASIS.sub("", before))
        words.append(found[-1] if found else None)
    return words


def footnote_start(page_text: str, number: int, note: str) -> int | None:
    """The line of `page_text` where footnote `number` reading `note` begins at the foot of the
    page ("2 As a sick man's dreams…", possibly turning over onto more lines), or None."""
    lines = page_text.splitlines()
    wanted = reading(f"{number} {note}")[:60]
    for index, line in enumerate(lines):
        if line.startswith(f"{number} ") and reading("\n".join(lines[index:])).startswith(wanted):
            return index
    return None


def calls_note(text: str, number: int, after: str | None = None) -> bool:
    """Whether `text` carries the call of note `number`: the number set (superscript) right after
    a word or punctuation, with no space before it ("tecti.”1", "first.2 Others").

    Given the word the call follows in the manuscript (`manuscript_call_words`), the call is
    that word, any punctuation, and the number, with a space between them allowed (an author who
    wrote `out of [^20] himself` gets "out of 20 himself"), read across line ends."""
    if after is None:
        return re.search(rf"(?<=[^\s\d]){number}(?!\d)", text) is not None
    return re.search(rf"\b{re.escape(after)}[^\w\s]*\s?{number}(?!\d)", reading(text)) is not None
