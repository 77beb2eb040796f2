"""Unit tests for tests.support.layout against small documents laid out here by WeasyPrint, with
page breaks placed on purpose: every line is one `<br>`-separated line of a fixed height, and a
page holds exactly nine of them."""

from __future__ import annotations

import pytest
import weasyprint

from tests.support import layout

STYLE = """
@page { size: 4in 190px; margin: 0; }
html { font: 10px/20px "DejaVu Sans Mono", monospace; }
body { margin: 0; }
p, h1 { margin: 0; font-size: 10px; line-height: 20px; }
.loose { orphans: 1; widows: 1; }
.note { float: footnote; }
"""


def lines(prefix: str, count: int) -> str:
    return "<br>".join(f"{prefix} line {n}" for n in range(1, count + 1))


def lay_out(body: str):
    html = f"<!DOCTYPE html><html><head><style>{STYLE}</style></head><body>{body}</body></html>"
    return weasyprint.HTML(string=html).render()


@pytest.fixture(scope="module")
def loose():
    """A: 8 lines; B: 3 lines, its first alone at the foot of page 1 (an orphan); C: 8 lines,
    7 fit under B's other two, its last alone at the head of page 3 (a widow). Orphans and widows
    are allowed (`orphans: 1; widows: 1`), so WeasyPrint breaks exactly there."""
    return lay_out(f'<section id="s1"><p id="a" class="loose">{lines("a", 8)}</p>'
                   f'<p id="b" class="loose">{lines("b", 3)}</p></section>'
                   f'<section id="s2"><p id="c" class="loose">{lines("c", 8)}</p></section>')


def by_id(counts: dict) -> dict:
    return {element.get("id"): pages for element, pages in counts.items()}


def test_the_fixture_breaks_where_intended(loose) -> None:
    assert len(loose.pages) == 3


def test_lines_by_element_counts_each_paragraphs_lines_per_page(loose) -> None:
    assert by_id(layout.lines_by_element(loose, lambda e: e.tag == "p")) == {
        "a": {0: 8}, "b": {0: 1, 1: 2}, "c": {1: 7, 2: 1}}


def test_lone_lines_finds_the_orphan_and_the_widow(loose) -> None:
    found = layout.lone_lines(loose)
    assert [(lone.kind, lone.page, lone.element.get("id")) for lone in found] == [
        ("orphan", 0, "b"), ("widow", 2, "c")]
    assert found[0].text.startswith("b line 1")
    assert "orphan on page index 0" in str(found[0])


def test_lines_by_section_counts_every_line_of_the_section(loose) -> None:
    counts = layout.lines_by_section(loose, lambda e: e.tag == "section")
    assert by_id(counts) == {"s1": {0: 9, 1: 2}, "s2": {1: 7, 2: 1}}


def test_widows_and_orphans_2_leave_no_lone_line() -> None:
    """The same text with CSS's default `orphans: 2; widows: 2`: WeasyPrint moves lines, and
    nothing is reported."""
    document = lay_out(f'<p id="a">{lines("a", 8)}</p><p id="b">{lines("b", 3)}</p>'
                       f'<p id="c">{lines("c", 8)}</p>')
    assert layout.lone_lines(document) == []
    counts = by_id(layout.lines_by_element(document))
    assert sum(sum(pages.values()) for pages in counts.values()) == 19


def test_footnotes_are_not_lines_of_the_flow() -> None:
    """A note floated to the foot of the page is counted in the footnote area, not as a line of
    the paragraph (or section) that calls it."""
    document = lay_out('<section id="s"><p id="a">First line with a note'
                       '<span class="note" id="n1">The note, set at the foot.</span><br>second line</p></section>')
    assert by_id(layout.lines_by_element(document)) == {"a": {0: 2}}
    assert by_id(layout.lines_by_section(document, lambda e: e.tag == "section")) == {"s": {0: 2}}
    assert layout.footnote_lines(document) == {0: 1}


def test_margin_boxes_are_not_lines_of_the_flow() -> None:
    html = ('<!DOCTYPE html><html><head><style>'
            '@page { size: 4in 200px; margin: 40px 0; @bottom-center { content: counter(page) } '
            '@top-center { content: "Running head" } } p { margin: 0; font: 10px/20px monospace; }'
            '</style></head><body><p id="a">only line</p></body></html>')
    document = weasyprint.HTML(string=html).render()
    assert by_id(layout.lines_by_element(document)) == {"a": {0: 1}}
    assert layout.footnote_lines(document) == {}
