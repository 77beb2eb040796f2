"""Unit tests for the proof-reader's helpers in tests/integration/bookcheck.py, on page texts
written here (as tests.support.pdf.page_texts extracts them) and on small Markdown sources."""

from __future__ import annotations

from pathlib import Path

from tests.integration.bookcheck import (
    PrintedBook,
    calls_note,
    footnote_start,
    manuscript_call_words,
    manuscript_notes,
)

MANUSCRIPT = """\
---
title: "Noted"
---

The second note is called first.[^b] Then the first.[^a] And again.[^b]

> A quotation.[^c]

[^a]: The *first* note, with 'quotes'.
[^b]: The second note
    runs on to an indented line.
[^c]: Third.
[^unused]: Never called.
"""


def test_manuscript_notes_in_the_order_they_are_called() -> None:
    assert manuscript_notes(MANUSCRIPT) == [
        "The second note runs on to an indented line.",
        "The first note, with 'quotes'.",
        "Third.",
    ]


def test_manuscript_call_words_are_the_words_the_calls_follow() -> None:
    assert manuscript_call_words(MANUSCRIPT) == ["first", "first", "quotation"]
    spaced = "Look quite out of [^20] himself.\n\n[^20]: for\n"
    assert manuscript_call_words(spaced) == ["of"]
    assert manuscript_call_words("[^a] opens the paragraph.\n\n[^a]: A note.\n") == [None]
    assert manuscript_call_words("As *[Lothair](#x)*[^a] says.\n\n[^a]: A note.\n") == ["Lothair"]


def test_manuscript_notes_of_a_text_without_notes() -> None:
    assert manuscript_notes("Plain text, [a link](#x) and [^not a note] here.\n") == []


PAGE = """\
—in which wild agitation there is no folly:—
“Velut aegri somnia, vanae
Finguntur species.”2
The soul that has no established aim loses itself, as it is said in 1598—
“Quisquis ubique habitat, Maxime, nusquam habitat.”3
2 “As a sick man’s dreams, creating vain phantasms.”— Hor., De Arte
Poetica, 7.
3 “He who lives everywhere, lives nowhere.”—Martial, vii. 73.
michel de montaigne
8"""


def test_footnote_start_finds_the_note_at_the_foot() -> None:
    assert footnote_start(PAGE, 2, "\"As a sick man's dreams, creating vain phantasms.\"— Hor., De Arte Poetica, 7.") == 5
    assert footnote_start(PAGE, 3, "“He who lives everywhere, lives nowhere.”—Martial, vii. 73.") == 7


def test_footnote_start_wants_the_right_number_and_text() -> None:
    assert footnote_start(PAGE, 4, "“He who lives everywhere, lives nowhere.”") is None
    assert footnote_start(PAGE, 2, "Some other note.") is None
    # "8" is the folio, not a note.
    assert footnote_start(PAGE, 8, "") is None


def test_calls_note_is_a_number_set_against_the_text() -> None:
    body = "\n".join(PAGE.splitlines()[:5])
    assert calls_note(body, 2) and calls_note(body, 3)
    assert not calls_note(body, 1), "no call 1 on this page"
    assert not calls_note(body, 5), "the 5 of 1598 is part of a number"
    assert not calls_note("in the year 1 of the era", 1), "a number after a space is not a call"
    assert calls_note("the first.12 Then", 12) and not calls_note("the first.12 Then", 1)


def test_calls_note_after_the_word_it_follows() -> None:
    """A call the author set after a space ("out of [^20] himself") prints after a space, even
    at the start of a line: found by the word it follows."""
    assert calls_note("that he should look quite out of 20 himself.", 20, "of")
    assert calls_note("of his last novel,\n1 “it is extraordinary", 1, "novel")
    assert calls_note("laquearia tecti.”\n1 “As when", 1, "tecti")
    assert calls_note("inimag‐\ninable.3 Then", 3, "inimaginable")
    assert not calls_note("that he should look quite out of 20 himself.", 2, "of")
    assert not calls_note("the year 20 of the reign", 20, "of"), "after another word"


def test_contents_pages_stop_at_a_front_piece(tmp_path: Path) -> None:
    """The contents run on over pages with roman folios; a preface after them is folioed in
    roman too, and must not be read as more of the contents."""
    pages = ["Look Back", "", "Contents\nPreface xi\nLook Back 1\nix", "Gifts 65\nColophon 71\nx",
             "Preface\nThe editors\nNine essays make up this book.\nxi", "", "Look Back\nText.\n1"]
    with_pieces = PrintedBook(tmp_path / "book.pdf", pages, ("Preface",))
    assert with_pieces.contents_pages == [2, 3]
    assert PrintedBook(tmp_path / "book.pdf", pages).contents_pages == [2, 3, 4], \
        "without the piece's title, its roman folio makes it look like contents"
    assert with_pieces.contents_numbers(["Look Back", "Gifts", "Colophon"]) == [1, 65, 71]


def test_contents_folios_read_roman_and_arabic(tmp_path: Path) -> None:
    pages = ["Contents\nPreface xi\nLook Back 1\nAnonymous\nix", "Preface\nText.\nxi"]
    book = PrintedBook(tmp_path / "book.pdf", pages, ("Preface",))
    assert book.contents_folios(["Preface", "Look Back"]) == ["xi", "1"]
    assert book.contents_numbers(["Look Back"]) == [1]
