"""Verse, epigraphs and the page's rhythm (issue 12), on tests/projects/verse: an essay opening
with a verse motto and its attribution, with verse (one line long enough to turn over), a prose
quote, a section break, a heading, a list and footnotes in its text; a second essay whose quotes
say otherwise with classes. Checked on the print edition's boxes and text and in the EPUB."""

from __future__ import annotations

import pytest
from lxml import html
from weasyprint.formatting_structure import boxes

from bookify.themes import available_themes
from tests.support.epub import NS
from tests.support.layout import lines_by_section, text_baselines
from tests.support.pdf import page_texts

from .conftest import PROJECTS, BuiltBook, copy_project, lazy_project

PX_PER_PT = 4 / 3
X = {"x": NS["xhtml"], "epub": NS["epub"]}
MOTTO = ["One thought, and that one told,", "Again, again, and yet again,",
         "Till every ear has heard it old", "And every hearer counts it vain."]


@pytest.fixture(scope="module")
def verse_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    return lazy_project(PROJECTS / "verse", tmp_path_factory.mktemp("verse-build"), "verse")


def _elements(document, test) -> list[tuple[int, object, list]]:
    """(page index, element, its line boxes) for the elements passing `test(element, the
    elements around it)`, in order of their first line."""
    found: dict[object, tuple[int, list]] = {}

    def walk(box, page, inside):
        element = getattr(box, "element", None)
        if element is not None and (not inside or inside[-1] is not element):
            inside = (*inside, element)
        if isinstance(box, boxes.LineBox) and box.element is not None \
                and test(box.element, inside):
            found.setdefault(box.element, (page, []))[1].append(box)
            return
        for child in getattr(box, "children", None) or ():
            walk(child, page, inside)

    for index, page in enumerate(document.pages):
        walk(page._page_box, index, ())
    return [(page, element, lines) for element, (page, lines) in found.items()]


def _text(element) -> str:
    return "".join(element.itertext())


def _text_extent(line) -> tuple[float, float]:
    """The left and right edges of a line box's text, in CSS pixels."""
    texts = [box for box in line.descendants() if isinstance(box, boxes.TextBox) and box.text.strip()]
    return min(t.position_x for t in texts), max(t.position_x + t.width for t in texts)


def _classes(element) -> list[str]:
    return (element.get("class") or "").split()


def test_verse_lines_are_printed_as_written(verse_book: BuiltBook) -> None:
    text = "\n".join(page_texts(verse_book.print_pdf))
    assert "\n".join(MOTTO) in text
    assert "And still he talks,\nAnd still he talks of Reform." in text
    assert "A letter typed in lines, as a letter is, and read as prose." in " ".join(text.split())


def test_a_long_verse_line_turns_over_with_a_hanging_indent_and_is_not_justified(
        verse_book: BuiltBook) -> None:
    document = verse_book.print_layout.document
    verse_lines = _elements(document, lambda e, _: "verse-line" in _classes(e))
    long = [lines for _, element, lines in verse_lines if len(lines) > 1]
    assert len(long) == 1, "the one long line of the fixture turns over, once"
    first, turnover = long[0]
    assert _text_extent(turnover)[0] - _text_extent(first)[0] > 10 * PX_PER_PT, "hanging indent"
    for _, _, lines in verse_lines:
        for line in lines:
            words = [t for t in line.descendants() if isinstance(t, boxes.TextBox)]
            assert not any(getattr(t, "justification_spacing", 0) for t in words), \
                "verse is never justified"


def test_the_opening_quote_is_an_epigraph_with_its_attribution_set_right(
        verse_book: BuiltBook) -> None:
    document = verse_book.print_layout.document
    [(page, _, [line])] = _elements(document, lambda e, inside: "attribution" in _classes(e)
                                    and "Common" in _text(e)
                                    and any("epigraph" in _classes(a) for a in inside))
    motto = _elements(document, lambda e, _: "verse-line" in _classes(e) and _text(e) in MOTTO)
    assert {p for p, _, _ in motto} == {page}
    right = max(_text_extent(lines[0])[1] for _, _, lines in motto)
    left = min(_text_extent(lines[0])[0] for _, _, lines in motto)
    start, end = _text_extent(line)
    assert end > right and start > left, "the attribution is set right, under the verse"
    body_right = max(_text_extent(line)[1] for _, e, lines in _elements(
        document, lambda e, _: e.tag == "p" and "opener" in _classes(e)) for line in lines[:1])
    assert end < body_right - 20 * PX_PER_PT, "the epigraph is narrower than the text"


def test_the_small_caps_lead_in_moves_to_the_first_paragraph(verse_book: BuiltBook) -> None:
    essay = verse_book.rendered.contents[0]
    body = html.fragment_fromstring(essay.body_html, create_parent="div")
    blocks = list(body)
    assert "epigraph" in _classes(blocks[0]) and blocks[1].get("class") == "opener"
    document = verse_book.print_layout.document
    [(_, _, lines)] = _elements(document, lambda e, _: "opener" in _classes(e))
    first_line = lines[0]
    variants = {t.style["font_variant_caps"] for t in first_line.descendants()
                if isinstance(t, boxes.TextBox)}
    assert variants == {"small-caps"}


def test_the_epub_marks_verse_one_element_a_line_and_passes_epubcheck(verse_book: BuiltBook) -> None:
    result = verse_book.epubcheck
    assert (result.fatals, result.errors, result.warnings) == (0, 0, 0), result.messages
    page = verse_book.ebook.xhtml("one-idea.xhtml")
    epigraph = page.xpath("//x:blockquote[contains(@class, 'epigraph')]", namespaces=X)[0]
    kinds = epigraph.get(f"{{{NS['epub']}}}type").split()
    assert "epigraph" in kinds and "z3998:verse" in kinds
    assert epigraph.get("role") == "doc-epigraph"
    lines = epigraph.xpath(".//x:span[@class='verse-line']", namespaces=X)
    assert ["".join(line.itertext()) for line in lines] == MOTTO
    assert "".join(epigraph.xpath(".//x:p[@class='attribution']", namespaces=X)[0].itertext()) \
        == "— A Common Saying"
    verse = page.xpath("//x:blockquote[not(contains(@class, 'epigraph'))]"
                       "[@epub:type='z3998:verse']", namespaces=X)
    assert len(verse) == 4  # the one that turns over, and the essay's own three
    beauty = verse_book.ebook.xhtml("of-beauty.xhtml")
    quotes = beauty.xpath("//x:blockquote", namespaces=X)
    assert [q.get(f"{{{NS['epub']}}}type") for q in quotes] == [None, None, "z3998:verse"]
    assert not beauty.xpath("//*[contains(@class, 'opener')]", namespaces=X), \
        "a quote marked .not-epigraph leaves the text's opening alone"


def _level_spreads(book: BuiltBook) -> list[tuple[int, float, float]]:
    """(verso index, its last baseline, the recto's) of every full spread whose pages end apart:
    both pages inside one essay, neither its first page nor its last."""
    document = book.print_layout.document
    sections = lines_by_section(document, lambda e: e.tag == "section"
                                and "essay" in _classes(e))
    bottoms = {index: last for index, (_, last) in text_baselines(document).items()}
    uneven = []
    for pages in sections.values():
        inside = sorted(pages)[1:-1]  # not the opener, not the last page
        for verso in inside:
            recto = verso + 1
            # index 1 is page 2, a verso
            if verso % 2 == 1 and recto in inside \
                    and abs(bottoms[verso] - bottoms[recto]) > 0.5 * PX_PER_PT:
                uneven.append((verso, bottoms[verso], bottoms[recto]))
    return uneven


def test_full_spreads_end_level(verse_book: BuiltBook) -> None:
    assert _level_spreads(verse_book) == []


@pytest.mark.parametrize("theme", sorted(set(available_themes()) - {"classic"}))
def test_pages_end_on_a_whole_line_in_every_theme(theme: str, tmp_path) -> None:
    """Quotes, verse, breaks, headings, lists and notes are spaced in whole lines: a page of
    text ends a whole number of lines below the top of the text block, notes or none."""
    root = copy_project("verse", tmp_path / "verse", toml_edit=lambda text: text + (
        f'\n[theme]\nname = "{theme}"\n'))
    book = lazy_project(root, tmp_path / "build", f"verse-{theme}")
    document = book.print_layout.document
    line = _body_line_px(document)
    sections = lines_by_section(document, lambda e: e.tag == "section" and "essay" in _classes(e))
    baselines = text_baselines(document)
    for pages in sections.values():
        for index in sorted(pages)[1:-1]:
            first, last = baselines[index]
            depth = (last - first) / line
            assert abs(depth - round(depth)) < 0.05, (index, depth)


def _body_line_px(document) -> float:
    """The body's line in CSS pixels: the commonest distance between two lines' tops."""
    from collections import Counter
    steps: Counter = Counter()
    for page in document.pages:
        tops = sorted({round(line.position_y, 2) for line in page._page_box.descendants()
                       if isinstance(line, boxes.LineBox)})
        steps.update(round(b - a, 2) for a, b in zip(tops, tops[1:]))
    return steps.most_common(1)[0][0]
