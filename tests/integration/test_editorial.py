"""What an anthology's editor checks in the finished book (issue 15): every note printed, each
essay's headnote, a Credits page that says each thing once, the foreword's author among the
contributors, and the small typographic points a copy-editor marks.

tests/projects/editorial is built once (both PDF editions and the EPUB); the layout checks read
WeasyPrint's boxes of the print edition laid out as one document.
"""

from __future__ import annotations

import re

import pytest

from tests.support.pdf import page_texts

from .conftest import PROJECTS, BuiltBook, build_project


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    return build_project(PROJECTS / "editorial", ["pdf", "epub"],
                         tmp_path_factory.mktemp("editorial-build"), "editorial")


def flat(text: str) -> str:
    """Text as a reader reads it, across line ends and hyphenation."""
    return re.sub(r"\s+", " ", re.sub(r"-\n(?=[a-z])", "", text))


def epub_text(book: BuiltBook, essay_id: str) -> str:
    return flat(book.ebook.text(f"{essay_id}.xhtml"))


BACK_TITLES = ("Notes", "Contributors", "Credits", "Index of Authors")


def back_section(book: BuiltBook, title: str, edition: str = "print") -> str:
    """The text of a generated back page (from the page headed `title` to the next one), without
    its title and folios."""
    pages = page_texts(book.pdf_edition(edition))
    start = next(i for i, page in enumerate(pages) if page.split("\n", 1)[0] == title
                 and not page.startswith("Contents"))
    lines = pages[start].split("\n")[1:]
    for page in pages[start + 1:]:
        if page.split("\n", 1)[0] in BACK_TITLES:
            break
        lines += page.split("\n")
    return flat("\n".join(line for line in lines if not re.fullmatch(r"[0-9ivx]+", line)))


# ---------------------------------------------------------------------------- notes (item 2)


@pytest.mark.parametrize("edition", ["print", "digital"])
def test_book_endnotes_print_the_forewords_notes_too(book: BuiltBook, edition: str) -> None:
    text = flat("\n".join(page_texts(book.pdf_edition(edition))))
    assert "The hall burned down in 1901, foreword note." in text
    assert "The guild’s ledgers survive, essay note." in text
    notes = text[text.rindex("Notes"):]
    assert notes.index("Foreword") < notes.index("foreword note") < notes.index("The Guild")


# ---------------------------------------------------------------------------- headnote (item 3)


def test_an_essays_note_is_printed_as_its_headnote(book: BuiltBook) -> None:
    headnote = "Delivered before the Trades’ Guild of Learning, 1877."
    # (the drop cap's M is drawn, and extracted, apart from the rest of its word)
    opener = next(flat(page) for page in page_texts(book.pdf) if "have worked together" in page)
    assert headnote in opener
    assert opener.index(headnote) < opener.index("have worked together")
    ebook = epub_text(book, "guild")
    assert ebook.index(headnote) < ebook.index("Masons have worked")


# ---------------------------------------------------------------------------- credits (item 4)


def credit_entries(book: BuiltBook) -> dict[str, str]:
    text = back_section(book, "Credits")
    entries = re.split(r"(?=“)", text)
    return {entry.split("”")[0].strip("“"): entry.strip() for entry in entries if entry.strip()}


def test_the_credits_say_the_collection_and_year_once(book: BuiltBook) -> None:
    guild = credit_entries(book)["The Guild"]
    assert guild.count("Lectures on Art") == 1, guild
    assert guild.count("1897") == 1, guild


def test_the_credits_give_the_year_once_when_the_copyright_has_it(book: BuiltBook) -> None:
    letters = credit_entries(book)["Letters"]
    assert letters.count("2026") == 1, letters
    assert "Reprinted by permission of the author. © 2026 Cy Weaver" in letters


# ------------------------------------------------------------------ foreword's author (item 5)


def test_the_forewords_author_is_a_contributor_and_in_the_index(book: BuiltBook) -> None:
    contributors = back_section(book, "Contributors")
    assert re.search(r"Ada Lovelace Ada Lovelace wrote the foreword\. Foreword, ix Bob Mason",
                     contributors, re.I), contributors
    index = back_section(book, "Index of Authors")
    assert re.search(r"^Lovelace, Ada Foreword, ix Mason, Bob", index, re.I), index


def test_foreword_by_names_the_contributor_not_their_id(book: BuiltBook) -> None:
    title_page = next(flat(p) for p in page_texts(book.pdf) if "With a foreword by" in p)
    assert "With a foreword by Ada Lovelace" in title_page
    assert "Ada Lovelace" in book.ebook.metadata("dc:contributor")


def test_the_ebooks_contributors_page_lists_the_foreword(book: BuiltBook) -> None:
    contributors = flat(book.ebook.text("contributors.xhtml"))
    assert "Ada Lovelace" in contributors and "Foreword" in contributors


# ---------------------------------------------------------------------------- layout (items 7, 9, 18)


def laid_out_boxes(book: BuiltBook) -> list[tuple[int, object]]:
    """(page index, box) for every box of the print edition laid out as one document."""
    found = []

    def walk(page: int, box) -> None:
        found.append((page, box))
        for child in getattr(box, "children", None) or ():
            walk(page, child)

    for index, page in enumerate(book.print_layout.document.pages):
        walk(index, page._page_box)
    return found


@pytest.fixture(scope="module")
def boxes(book: BuiltBook) -> list[tuple[int, object]]:
    return laid_out_boxes(book)


def paragraph_box(boxes, words: str):
    """The block box of the paragraph whose text starts with `words`."""
    return next(box for _, box in boxes if getattr(box, "element_tag", "") == "p"
                and type(box).__name__ == "BlockBox"
                and "".join(box.element.itertext()).strip().startswith(words))


def floats_in(box) -> list:
    inside = []

    def walk(node) -> None:
        for child in getattr(node, "children", None) or ():
            if child.is_floated():
                inside.append(child)
            walk(child)

    walk(box)
    return inside


def test_an_italic_first_line_gets_no_drop_cap_and_the_text_after_it_does(boxes) -> None:
    inscription = paragraph_box(boxes, "To the Lady")
    assert floats_in(inscription) == []
    text = paragraph_box(boxes, "Masons have worked")
    (drop,) = floats_in(text)
    assert "".join(b.text for _, b in [(0, x) for x in drop.descendants()]
                   if hasattr(b, "text")).strip() == "M"
    assert len(floats_in(paragraph_box(boxes, "This book began"))) == 1  # an ordinary opener
    # The inscription keeps its line: the text follows straight after it, not below a cap.
    assert text.position_y - (inscription.position_y + inscription.height) < 30


def test_the_next_contributor_starts_below_a_portrait(boxes) -> None:
    (photo,) = {box for _, box in boxes if getattr(box, "element_tag", "") == "img"
                and box.is_floated() and "contributor-photo" in (box.element.get("class") or "")}
    name = next(box for _, box in boxes if getattr(box, "element_tag", "") == "h2"
                and "".join(box.element.itertext()).strip() == "Cy Weaver")
    assert name.position_y >= photo.position_y + photo.margin_height() - 0.5


def test_the_ebook_clears_a_portrait_before_the_next_contributor(book: BuiltBook) -> None:
    css = b"".join(book.ebook.read(item.href) for item in book.ebook.manifest.values()
                   if item.media_type == "text/css")
    assert re.search(rb"\.contributor\s*\{[^}]*clear:\s*both", css)


# ---------------------------------------------------------------------------- typography (item 18)


def text_boxes(boxes, text: str) -> list[tuple[int, object]]:
    return [(page, box) for page, box in boxes
            if type(box).__name__ == "TextBox" and box.text.strip() == text]


def test_emphasis_in_the_italic_dedication_is_roman(boxes) -> None:
    ((_, guild),) = [(p, b) for p, b in text_boxes(boxes, "Guild")
                     if b.element is not None and b.element.tag == "em"]
    assert guild.style["font_style"] == "normal"
    (_, around), = [(p, b) for p, b in boxes if type(b).__name__ == "TextBox"
                    and b.text.strip().startswith("For the")]
    assert around.style["font_style"] == "italic"


def test_figures_in_a_right_aligned_column_line_up(boxes) -> None:
    """Tabular figures: "111" and "888" (and "11.11" and "88.88") are as wide as each other."""
    for narrow, wide in (("111", "888"), ("11.11", "88.88")):
        ((_, a),) = text_boxes(boxes, narrow)
        ((_, b),) = text_boxes(boxes, wide)
        assert abs(a.width - b.width) < 0.01, (narrow, a.width, wide, b.width)


def test_the_copyright_block_sits_at_the_foot_of_the_verso(book: BuiltBook, boxes) -> None:
    (page, made), = [(p, b) for p, b in boxes if type(b).__name__ == "TextBox"
                     and "Made with bookify" in b.text]
    laid = book.print_layout.document.pages[page]
    foot = laid.height - laid._page_box.margin_bottom
    assert page % 2 == 1  # a verso
    assert foot - (made.position_y + made.height) < 4, (foot, made.position_y + made.height)


def test_a_spaced_hyphen_is_printed_as_an_en_dash(book: BuiltBook) -> None:
    text = flat("\n".join(page_texts(book.pdf)))
    assert "raised – and they" in text and "raised - and" not in text


def test_names_in_small_capitals_keep_their_capitals_in_the_text(book: BuiltBook) -> None:
    contributors = back_section(book, "Contributors")
    assert contributors.startswith("Ada Lovelace Ada Lovelace wrote"), contributors
    index = back_section(book, "Index of Authors")
    assert index.startswith("Lovelace, Ada"), index
    opener = next(flat(p) for p in page_texts(book.pdf) if "have worked together" in p)
    assert "Bob Mason" in opener


def test_a_short_stanza_is_never_split_over_a_page_turn(tmp_path) -> None:
    """Forty four-line stanzas between prose paragraphs of different lengths: wherever the page
    turns fall, no stanza has lines on two pages."""
    from bookify.outputs.pdf import lay_out_book
    from bookify.project import load_project
    from bookify.themes import load_theme
    from tests.support.layout import lines_by_section
    from tests.unit.helpers import essay, rendered, write_project

    stanza = ("Stone on stone the walls were raised,  \nHand on hand the work was praised,  \n"
              "Year on year the masons came,  \nEach to carve his humble name.\n{: .verse }\n\n")
    prose = "The hall was quiet after the singing, and the masons went home. "
    body = "".join(prose * (1 + (n * n + 3 * n) % 7) + "\n\n" + stanza for n in range(40))
    root = write_project(tmp_path, files={"manuscripts/a.md": essay("Songs", body)})
    book, diagnostics = rendered(root)
    project = load_project(root)
    layout = lay_out_book(book, load_theme(project), project, diagnostics, proof=True)
    stanzas = lines_by_section(layout.document, lambda e: "verse" in (e.get("class") or "").split())
    assert len(stanzas) == 40
    split = [pages for pages in stanzas.values() if len(pages) > 1]
    assert split == [], split


def test_the_ebook_passes_epubcheck(book: BuiltBook) -> None:
    assert book.epubcheck.valid, book.epubcheck.summary()
