"""The PDF editions, checked the way a printer and a proof-reader check a PDF: sheet size, cover,
contents against folios, recto openers, bookmarks, roman front matter, fonts, metadata, links,
and nothing in print that should not be there.

A build writes two PDFs: the print edition (`<slug>-print.pdf`: the printer's interior, from
the half title, blank versos kept, no live links) and the digital edition
(`<slug>-digital.pdf`: the cover first, no forced blank pages, live links). What both must get
right (contents against folios, roman and arabic folios, bookmarks, fonts, metadata) is checked
on both; links on the digital edition; recto openers, blank versos and running heads on print.
(tests/integration/test_print_rules.py has the printer's own rules.)"""

from __future__ import annotations

import re
from collections import Counter

import pikepdf
import pytest
from pypdf import PdfReader

from tests.support.pdf import (
    find_pages,
    fonts,
    link_targets,
    metadata,
    outline,
    page_sizes,
    trim_boxes,
)

from .bookcheck import (
    ARABIC,
    CROSSING,
    DRAFT_PHRASES,
    FEATURES_CONTENTS,
    FEATURES_PARTS,
    MINIMAL_ESSAYS,
    ROMAN,
    UNSAFE_MARKERS,
    back_pages,
    back_piece_pages,
    calls_note,
    essay_ranges as _essay_ranges,
    first_body_page,
    flat,
    folio,
    footnote_start,
    front_piece_pages,
    openers,
    part_pages,
    roman_to_int,
)
from .conftest import BuiltBook, build_project, copy_project

DEFAULT_TRIM = (396.0, 612.0)  # 5.5 × 8.5 in
A5 = (148 * 72 / 25.4, 210 * 72 / 25.4)
SIX_BY_NINE = (432.0, 648.0)

BOOKS = ["sample_book", "features_book", "minimal_book"]
EDITIONS = ["print", "digital"]


@pytest.fixture(scope="module")
def a5_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """The minimal project on A5, with essays allowed to open on either page."""
    root = tmp_path_factory.mktemp("a5") / "minimal-a5"
    copy_project("minimal", root, toml_edit=lambda t: t + '\n[print]\ntrim = "a5"\nrecto_openers = false\n')
    return build_project(root, ["pdf"], root / "out", "minimal-a5")


@pytest.fixture(scope="module")
def six_by_nine_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """The features project on 6 × 9 in, reordered so that the book opens with a part."""

    def edit(toml: str) -> str:
        toml = toml.replace('  "introduction.md",\n  { part = "Notes', '  { part = "Notes', 1)
        toml = toml.replace("  ] },\n]\n", '  ] },\n  "introduction.md",\n]\n', 1)
        return toml + '\n[print]\ntrim = "6x9"\n'

    root = tmp_path_factory.mktemp("six-by-nine") / "features-6x9"
    copy_project("features", root, toml_edit=edit)
    return build_project(root, ["pdf"], root / "out", "features-6x9")


@pytest.fixture(params=BOOKS)
def book(request: pytest.FixtureRequest) -> BuiltBook:
    return request.getfixturevalue(request.param)


@pytest.fixture(params=BOOKS + ["a5_book", "six_by_nine_book"])
def any_book(request: pytest.FixtureRequest) -> BuiltBook:
    return request.getfixturevalue(request.param)


@pytest.fixture(params=EDITIONS)
def edition(request: pytest.FixtureRequest) -> str:
    return request.param


# ---------------------------------------------------------------------------- the sheet


@pytest.mark.parametrize("book", BOOKS, indirect=True)
def test_every_page_is_the_default_trim_size(book: BuiltBook, edition: str) -> None:
    """Without [print] trim every sheet is 5.5 × 8.5 in, and the TrimBox says so too."""
    pdf = book.pdf_edition(edition)
    assert set(page_sizes(pdf)) == {DEFAULT_TRIM}
    assert set(trim_boxes(pdf)) == {DEFAULT_TRIM}


@pytest.mark.parametrize(("fixture", "size"), [("a5_book", A5), ("six_by_nine_book", SIX_BY_NINE)])
def test_every_page_is_the_configured_trim_size(request: pytest.FixtureRequest, fixture: str, size,
                                                edition: str) -> None:
    book = request.getfixturevalue(fixture)
    pdf = book.pdf_edition(edition)
    for width, height in page_sizes(pdf) + trim_boxes(pdf):
        assert (width, height) == pytest.approx(size, abs=0.01)


@pytest.mark.parametrize("book", BOOKS, indirect=True)
def test_the_cover_is_the_first_page_of_the_digital_edition(book: BuiltBook) -> None:
    cover = book.printed_digital.pages[0]
    assert flat(book.rendered.book.meta.title) in flat(cover)
    assert folio(cover) is None, "the cover carries no page number"
    assert PdfReader(book.digital_pdf).page_labels[0] == "Cover"


@pytest.mark.parametrize("book", BOOKS, indirect=True)
def test_the_print_edition_starts_with_the_half_title(book: BuiltBook) -> None:
    """The printer's interior has no cover (the cover is printed apart): its first page is the
    half title, the book's title alone, folioed i (not printed)."""
    first = book.printed.pages[0]
    assert flat(first) == flat(book.rendered.book.meta.title), first
    assert PdfReader(book.print_pdf).page_labels[0] == "i"


# ---------------------------------------------------------------------------- contents and folios


def test_contents_page_numbers_are_the_folios_of_the_essay_openers(any_book: BuiltBook, edition: str) -> None:
    """Look up each essay in the printed contents, turn to that page: the essay opens there."""
    book = any_book
    pages = book.printed_edition(edition)
    listed = pages.contents_numbers(book.essay_titles)
    printed = [folio(pages.pages[index]) for index in openers(book, edition)]
    assert printed == [str(n) for n in listed], list(zip(book.essay_titles, listed, printed))


def test_contents_page_numbers_of_parts_are_their_pages(any_book: BuiltBook, edition: str) -> None:
    """A part page prints no folio; the contents give the number it would have."""
    book = any_book
    if not book.part_titles:
        pytest.skip("this book has no parts")
    body = first_body_page(book, edition)
    listed = book.printed_edition(edition).contents_numbers([title for _, title in book.structure],
                                                            ignore_case=True)
    numbers = dict(zip([title for _, title in book.structure], listed))
    pages = part_pages(book, edition)
    assert {t: numbers[t] for t in pages} == {t: index - body + 1 for t, index in pages.items()}


def test_contents_entries_link_to_their_pages(any_book: BuiltBook) -> None:
    """Clicking an entry of the contents in the digital edition turns to that front piece,
    essay, part, back piece or back page (Contributors, Credits, Index of Authors). (The print
    edition has no links at all: test_print_rules.py.)"""
    book = any_book
    printed = book.printed_digital
    contents = set(printed.contents_pages)
    targets = {target for source, target in link_targets(book.digital_pdf) if source in contents}
    front = front_piece_pages(book, "digital").values()
    assert targets == (set(front) | set(openers(book, "digital")) | set(part_pages(book, "digital").values())
                       | set(back_piece_pages(book, "digital").values())
                       | set(back_pages(book, "digital").values()))


def test_contents_end_with_the_back_pages_and_their_folios(any_book: BuiltBook, edition: str) -> None:
    """The back pages are the last entries of the printed contents, after every essay, part
    and back piece, each with the folio printed on its first page."""
    book = any_book
    if not book.back_titles:
        pytest.skip("this book has no back pages")
    pages = book.printed_edition(edition)
    titles = [title for _, title in book.structure] + book.back_piece_titles + book.back_titles
    listed = pages.contents_numbers(titles, ignore_case=True)[-len(book.back_titles):]
    printed = [folio(pages.pages[index]) for index in back_pages(book, edition).values()]
    assert [str(n) for n in listed] == printed, list(zip(book.back_titles, listed, printed))
    contents = flat("\n".join(pages.pages[i] for i in pages.contents_pages))
    last = f"{book.back_titles[-1]} {listed[-1]}"
    assert contents.endswith(f"{last} {folio(pages.pages[pages.contents_pages[-1]])}"), \
        f"the contents should end with {last!r}: {contents[-200:]!r}"


def test_contents_list_the_front_and_back_pieces_with_their_folios(sample_book: BuiltBook, edition: str) -> None:
    """The sample's preface ([front_matter] files) is listed first, with the roman folio of its
    page; its colophon ([back_matter] files) after the last essay, with its arabic folio."""
    book = sample_book
    assert book.front_titles == ["Preface"] and book.back_piece_titles == ["Colophon"]
    pages = book.printed_edition(edition)
    contents = flat("\n".join(pages.pages[i] for i in pages.contents_pages))
    preface = front_piece_pages(book, edition)["Preface"]
    assert ROMAN.match(folio(pages.pages[preface]))
    assert contents.startswith(f"Contents Preface {folio(pages.pages[preface])} "), contents[:80]
    assert preface < first_body_page(book, edition)
    colophon = back_piece_pages(book, edition)["Colophon"]
    assert ARABIC.match(folio(pages.pages[colophon]))
    titles = [title for _, title in book.structure] + ["Colophon"] + book.back_titles
    numbers = dict(zip(titles, pages.contents_numbers(titles, ignore_case=True)))
    assert str(numbers["Colophon"]) == folio(pages.pages[colophon])
    assert max(openers(book, edition)) < colophon < min(back_pages(book, edition).values())


def test_recto_openers_put_every_essay_and_part_on_a_right_hand_page(any_book: BuiltBook) -> None:
    book = any_book
    if not book.rendered.book.print.recto_openers:
        pytest.skip("recto_openers is off for this book")
    starts = {**dict(zip(book.essay_titles, openers(book))), **part_pages(book), **back_pages(book)}
    versos = {title: index + 1 for title, index in starts.items() if (index + 1) % 2 == 0}
    assert not versos, f"opening on a left-hand page (physical page numbers): {versos}"


def test_without_recto_openers_no_blank_page_is_left_before_an_essay(a5_book: BuiltBook) -> None:
    pages = a5_book.printed.pages
    for index in openers(a5_book)[1:]:
        assert pages[index - 1].strip(), f"a blank page before the essay opening on page {index + 1}"


def test_the_six_by_nine_variant_opens_with_a_part(six_by_nine_book: BuiltBook) -> None:
    """The reordered features project really starts with a part (so part-first numbering is tested)."""
    assert six_by_nine_book.structure[0] == (1, "Notes and Numbers")
    assert first_body_page(six_by_nine_book) == part_pages(six_by_nine_book)["Notes and Numbers"]


def test_front_matter_is_roman_and_the_text_is_arabic_from_1(any_book: BuiltBook, edition: str) -> None:
    """Folios before the text are lower-case roman, from the text on arabic, both counting one per
    sheet side without jumps, and the text's first page is page 1 (printed or not)."""
    book = any_book
    body = first_body_page(book, edition)
    folios = book.printed_edition(edition).folios()
    front = {i: f for i, f in folios.items() if i < body}
    text = {i: f for i, f in folios.items() if i >= body}
    assert front, "the front matter (contents) carries roman folios"
    assert all(ROMAN.match(f) for f in front.values()), front
    assert all(ARABIC.match(f) for f in text.values()), text
    assert len({roman_to_int(f) - i for i, f in front.items()}) == 1, f"roman folios jump: {front}"
    assert {int(f) - i for i, f in text.items()} == {1 - body}, f"arabic folios do not count from 1 at page {body + 1}"


@pytest.mark.parametrize("book", BOOKS, indirect=True)
def test_the_first_essay_starts_on_folio_1(book: BuiltBook, edition: str) -> None:
    assert folio(book.printed_edition(edition).pages[openers(book, edition)[0]]) == "1"


def test_pdf_page_labels_match_the_printed_folios(any_book: BuiltBook, edition: str) -> None:
    """A viewer's page box shows the number printed on the page."""
    labels = PdfReader(any_book.pdf_edition(edition)).page_labels
    folios = any_book.printed_edition(edition).folios()
    wrong = {i + 1: (labels[i], f) for i, f in folios.items() if labels[i] != f}
    assert not wrong, f"physical page: (label, printed folio) {wrong}"


@pytest.mark.parametrize("book", BOOKS, indirect=True)
def test_running_heads_name_the_essay_on_rectos_and_its_author_on_versos(book: BuiltBook) -> None:
    """After an essay's opening page, each right-hand page is headed with the essay's (short)
    title and each left-hand page with its author (in an anthology) or the book's title. After
    the first page of a back page (Contributors…), both sides are headed with its own title."""
    rendered = book.rendered
    essays = {e.title_text: e.essay for e in rendered.essays()}
    heads: dict[int, str] = {}
    for title, pages in _essay_ranges(book).items():
        essay = essays[title]
        recto = essay.short_title or title
        verso = " and ".join(essay.authors) if rendered.book.is_anthology and essay.authors else rendered.book.meta.title
        heads.update((index, recto if (index + 1) % 2 else verso) for index in pages[1:])
    starts = sorted({**back_piece_pages(book), **back_pages(book)}.items(), key=lambda item: item[1])
    for (title, start), (_, end) in zip(starts, starts[1:] + [(None, len(book.printed.pages))]):
        heads.update((index, title) for index in range(start + 1, end))
    assert len(heads) > 0
    wrong = []
    for index, want in sorted(heads.items()):
        lines = book.printed.pages[index].splitlines()
        if folio(book.printed.pages[index]) is None:
            continue  # a blank page before the next division
        if len(lines) < 2 or lines[-2].casefold() != want.casefold():
            wrong.append((index + 1, lines[-2] if len(lines) > 1 else None, want))
    assert not wrong, f"(page, running head, expected) {wrong}"
    if book.back_titles:
        assert any(index > min(back_pages(book).values()) and folio(book.printed.pages[index])
                   for index in heads), "no back page runs on to a second page to check"


def test_blank_pages_carry_no_folio_or_running_head(any_book: BuiltBook) -> None:
    """A page left empty so that the next division opens on a recto is blank: a folio or a
    running head alone on it would look like a printing fault."""
    book = any_book
    starts = (set(openers(book)) | set(part_pages(book).values()) | set(back_piece_pages(book).values())
              | set(back_pages(book).values()))
    furniture_only = [i + 1 for i, text in enumerate(book.printed.pages)
                      if i not in starts and folio(text) is not None and len(text.splitlines()) <= 2
                      and i > book.printed.contents_pages[-1]]
    assert not furniture_only, f"pages with only a folio or running head: {furniture_only}"


# ---------------------------------------------------------------------------- bookmarks


def test_features_outline_lists_parts_and_essays_in_reading_order(features_book: BuiltBook) -> None:
    edition = "digital"  # the print file carries none for KDP (see below)
    entries = outline(features_book.pdf_edition(edition))
    assert [(e.level, e.title) for e in entries] == FEATURES_CONTENTS


def test_outline_matches_the_book_and_points_at_the_openers(any_book: BuiltBook) -> None:
    edition = "digital"  # the print file carries none for KDP (see below)
    """Front pieces (a preface) at level 1, parts at level 1 with their essays at level 2,
    essays outside parts at level 1, then the back pieces (a colophon) and back pages
    (Contributors, Credits, Index of Authors) at level 1, nothing else (no section headings, no
    notes, no contributor names), each bookmark on the page where its division starts."""
    book = any_book
    entries = outline(book.pdf_edition(edition))
    assert [(e.level, e.title) for e in entries] == book.outline_structure
    starts = (front_piece_pages(book, edition) | dict(zip(book.essay_titles, openers(book, edition)))
              | part_pages(book, edition) | back_piece_pages(book, edition) | back_pages(book, edition))
    assert [e.page_index + 1 for e in entries] == [starts[e.title] + 1 for e in entries]


def test_minimal_book_is_in_file_name_order(minimal_book: BuiltBook) -> None:
    edition = "digital"  # the print file carries none for KDP (see below)
    assert [e.title for e in outline(minimal_book.pdf_edition(edition))] == MINIMAL_ESSAYS


def test_the_kdp_print_file_has_no_bookmarks_metadata_or_annotations(any_book: BuiltBook) -> None:
    """KDP's manuscript guidelines: no bookmarks, annotations or metadata in the file (the
    fixtures print with KDP, the default printer); the digital edition keeps them."""
    reader = PdfReader(any_book.pdf_edition("print"))
    assert "/Outlines" not in reader.trailer["/Root"] and "/Info" not in reader.trailer
    assert all("/Annots" not in page for page in reader.pages)
    assert outline(any_book.pdf_edition("digital"))
    assert metadata(any_book.pdf_edition("digital"))["Title"]


def test_the_digital_edition_opens_on_its_bookmarks_with_xmp_metadata(features_book: BuiltBook) -> None:
    """A screen reader of the PDF sees the outline beside the pages; catalogue software reads
    XMP before the document information."""
    pdf = pikepdf.open(features_book.pdf_edition("digital"))
    assert pdf.Root.PageMode == pikepdf.Name.UseOutlines
    meta = pdf.open_metadata()
    assert meta["dc:title"] == "The Features Anthology"
    assert meta["dc:creator"] == ["Mara Quill"]
    assert set(meta["dc:language"]) == {"en-GB"}
    assert meta["xmp:CreateDate"].startswith("2026-01-01T00:00:00")


# ---------------------------------------------------------------------------- fonts and metadata


def _characters_by_font(path) -> Counter:
    counts: Counter = Counter()
    for page in PdfReader(path).pages:
        def visit(text, cm, tm, font, size):
            if font is not None:
                name = str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1]
                for char in text:
                    if not char.isspace():
                        counts[(name, char)] += 1
        page.extract_text(visitor_text=visit)
    return counts


@pytest.mark.parametrize("book", BOOKS, indirect=True)
def test_all_fonts_are_embedded_and_the_text_is_set_in_eb_garamond(book: BuiltBook, edition: str) -> None:
    pdf = book.pdf_edition(edition)
    found = fonts(pdf)
    assert found and all(f.embedded for f in found), [f.base_font for f in found if not f.embedded]
    assert any(f.name.startswith("EB-Garamond") for f in found)
    by_font = Counter()
    for (name, _), count in _characters_by_font(pdf).items():
        by_font[name] += count
    garamond = sum(n for name, n in by_font.items() if name.startswith("EB-Garamond"))
    assert garamond / sum(by_font.values()) > 0.95, by_font


def test_no_glyph_of_the_text_falls_back_to_a_system_font(features_book: BuiltBook, edition: str) -> None:
    """Everything but code is set in the bundled EB Garamond; a glyph the face lacks falls back to
    whatever serif the build machine has (DejaVu here), so the book looks different elsewhere."""
    fallback = {
        char for (name, char), _ in _characters_by_font(features_book.pdf_edition(edition)).items()
        if not name.startswith("EB-Garamond") and "Mono" not in name
    }
    assert not fallback, f"set in a system fallback font: {sorted(fallback)} ({[hex(ord(c)) for c in sorted(fallback)]})"


def test_features_metadata(features_book: BuiltBook) -> None:
    edition = "digital"  # the print file carries none for KDP (see below)
    info = metadata(features_book.pdf_edition(edition))
    assert info["Title"] == "The Features Anthology"
    assert info["Author"] == "Mara Quill"
    assert info["Keywords"] == "essays, typography, testing"
    assert info["Subject"] == "A test anthology of five essays that uses every feature bookify supports."
    # SOURCE_DATE_EPOCH (tests/conftest.py) is 2026-01-01T00:00:00Z.
    assert info["CreationDate"].startswith("D:20260101000000")
    assert info["ModDate"].startswith("D:20260101000000")
    assert PdfReader(features_book.pdf_edition(edition)).trailer["/Root"].get("/Lang") == "en-GB"


def test_minimal_metadata(minimal_book: BuiltBook) -> None:
    edition = "digital"  # the print file carries none for KDP (see below)
    info = metadata(minimal_book.pdf_edition(edition))
    assert info["Title"] == "A Minimal Book"
    assert info["Author"] == "Pat Example"
    assert "Keywords" not in info or not info["Keywords"]


def test_sample_metadata(sample_book: BuiltBook) -> None:
    edition = "digital"  # the print file carries none for KDP (see below)
    info = metadata(sample_book.pdf_edition(edition))
    assert info["Title"] == "Look Back"
    assert info["Author"] == "The bookify Editors"
    assert info["Keywords"] == "essays, anthology, idleness, art, walking"


# ---------------------------------------------------------------------------- what is (not) printed


def test_the_draft_essay_is_printed_nowhere(features_book: BuiltBook, edition: str) -> None:
    text = flat("\n".join(features_book.printed_edition(edition).pages))
    for phrase in DRAFT_PHRASES:
        assert phrase.casefold() not in text.casefold()


def test_raw_html_leaves_no_script_or_handler_in_the_pdf(features_book: BuiltBook, edition: str) -> None:
    """(The digital edition is the one with links, so the one where a handler could survive.)"""
    pdf = features_book.pdf_edition(edition)
    text = "\n".join(features_book.printed_edition(edition).pages)
    for marker in UNSAFE_MARKERS:
        assert marker not in text
    # The sanitised paragraphs keep their words.
    assert find_pages(pdf, "This paragraph once carried a click handler")
    assert find_pages(pdf, "Here is a link that went nowhere good, kept as plain text.")
    reader = PdfReader(pdf)
    catalog = reader.trailer["/Root"]
    assert "/OpenAction" not in catalog and "/AA" not in catalog
    assert "/JavaScript" not in (catalog.get("/Names") or {})
    for number, page in enumerate(reader.pages, start=1):
        assert "/AA" not in page
        for ref in page.get("/Annots", []) or []:
            annot = ref.get_object()
            action = annot.get("/A")
            if action is None:
                continue
            action = action.get_object()
            assert action.get("/S") not in ("/JavaScript", "/Launch"), f"page {number}: {action}"
            uri = str(action.get("/URI", ""))
            assert not uri.lower().startswith("javascript:"), f"page {number}: {uri}"


def test_links_between_essays_land_on_the_target_pages(features_book: BuiltBook) -> None:
    """introduction.md links to the-crossing.md and to the-crossing.md#some-heading-id: live
    links in the digital edition (the print edition has none)."""
    pdf = features_book.digital_pdf
    ranges = _essay_ranges(features_book, "digital")
    crossing = CROSSING
    heading_page = [i for i in find_pages(pdf, "of thresholds", ignore_case=True) if i in ranges[crossing]]
    assert len(heading_page) == 1
    targets = sorted({target for source, target in link_targets(pdf) if source in ranges["Introduction"]})
    assert targets == sorted({ranges[crossing].start, heading_page[0]})
    assert heading_page[0] != ranges[crossing].start, "the heading should be on a later page than the opener"


def test_notes_are_printed_with_their_own_essay(features_book: BuiltBook, edition: str) -> None:
    """Two essays number their notes 1, 2, …: each essay's notes are printed within it, at the
    foot of the page where each is called ([print] notes = "footnotes", the default), so no
    link is needed to reach them; the links the digital edition has stay inside the essay."""
    pdf = features_book.pdf_edition(edition)
    pages = features_book.printed_edition(edition).pages
    ranges = _essay_ranges(features_book, edition)
    notes = {
        "On Notes": [
            "Marchetti’s first note: a margin is where the second voice lives.",
            "Marchetti’s second note: see any good edition of Gibbon.",
            "Marchetti’s third note: the best notes are essays in miniature.",
        ],
        CROSSING: [
            "Wren’s first note: thresholds belong to no room.",
            "Wren’s second note: the page-turner is a compliment.",
        ],
    }
    for title, texts in notes.items():
        for number, text in enumerate(texts, start=1):
            found = find_pages(pdf, text)
            assert len(found) == 1 and found[0] in ranges[title], (text, found, ranges[title])
            # The note is set as "N text" at the page foot, under the text that calls it.
            page = pages[found[0]]
            start = footnote_start(page, number, text)
            assert start is not None, (number, text, page)
            first_note = min(n for n in (footnote_start(page, k, t) for k, t in enumerate(texts, 1)) if n is not None)
            body = "\n".join(page.splitlines()[:first_note])
            assert calls_note(body, number), f"the call {number} is not on the page of its note: {page}"
    links = link_targets(pdf)
    for title in notes:
        inside = [(s, t) for s, t in links if s in ranges[title]]
        assert all(t in ranges[title] for _, t in inside), (title, inside, ranges[title])


def test_features_content_is_printed_as_written(features_book: BuiltBook) -> None:
    book = features_book
    pages = book.printed.pages
    ranges = _essay_ranges(book)

    def printed(title: str) -> str:
        return "\n".join(pages[i] for i in ranges[title])

    on_notes = printed("On Notes")
    assert "A Defence of the Footnote" in on_notes  # subtitle
    assert "The footnote is the scholar’s whisper." in on_notes  # epigraph, smart apostrophe
    assert "Anthony Grafton, paraphrased" in on_notes  # epigraph source
    assert "the uses of notes" in on_notes.casefold()  # ## section (small caps)

    tables = printed("Of Tables and Code")
    assert "Trim name Width Height" in tables and "Royal 156mm 234mm" in tables
    assert "def colophon(book):" in tables and 'return f"Set in {book.face}"' in tables  # code keeps straight quotes
    assert "Recto\nThe right-hand page of an open book, where chapters begin." in tables

    crossing = flat(printed(CROSSING))
    assert "Translated by Jean Dupont" in crossing
    assert "It’s a small act – so small we don’t notice it – and yet the whole art of the book depends on it…" in crossing
    assert re.search(r"\*\s+\*\s+\*", crossing)  # the *** section break, set as a dinkus
    assert "“the crossing” is complete" in crossing

    lighthouse = printed("The Lighthouse")
    assert "The lighthouse at Cape Finis, drawn for this book" in lighthouse  # the caption
    verse = [
        "The tide comes in like a slow idea,",
        "the tide goes out like a settled doubt,",
        "and the lamp goes round for anyone near,",
        "and the lamp goes round when the ships are out.",
    ]
    assert "\n".join(verse) in lighthouse, "each verse line on its own printed line"
    image_pages = [i for i in _pages_drawing_images(book.pdf) if i in ranges["The Lighthouse"]]
    assert image_pages, "the figure's image is on a page of its essay"


def _pages_drawing_images(path) -> list[int]:
    """0-based pages whose content stream paints an image XObject (pages share one resource
    dictionary in WeasyPrint's output, so the resources alone say nothing about a page)."""
    reader = PdfReader(path)
    found = []
    for index, page in enumerate(reader.pages):
        xobjects = page["/Resources"].get("/XObject") or {}
        images = {name[1:] for name, ref in xobjects.items() if ref.get_object().get("/Subtype") == "/Image"}
        contents = page.get_contents()
        data = contents.get_data().decode("latin-1") if contents is not None else ""
        if any(f"/{name} Do" in data for name in images):
            found.append(index)
    return found


def test_print_notes_show_no_back_link_arrows(features_book: BuiltBook) -> None:
    """The notes' back links jump back to the text on screen; on paper they are dead marks."""
    marked = [i + 1 for i, page in enumerate(features_book.printed.pages) if "↩" in page or "↑" in page]
    assert not marked, f"back-link arrows printed on pages {marked}"


def test_parts_and_loose_essays_as_configured(features_book: BuiltBook) -> None:
    """The build's own structure (used by the generic checks above) is the configured one."""
    book = features_book
    assert book.structure == FEATURES_CONTENTS
    assert set(book.part_titles) == FEATURES_PARTS
