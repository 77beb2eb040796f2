"""Block quotes as the Markdown stage sets them (quotations.py): verse found by its hard line
breaks, the quotes opening an essay made its epigraph, attributions found by their dash, and the
classes an author writes to say otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from .helpers import essay, rendered, write_project


def _body(tmp_path: Path, text: str) -> html.HtmlElement:
    root = write_project(tmp_path, files={"manuscripts/a.md": essay("A", text)})
    book, _ = rendered(root)
    return html.fragment_fromstring(next(book.essays()).body_html, create_parent="div")


def _lines(node: html.HtmlElement) -> list[str]:
    return [line.text_content() for line in node.xpath('.//span[@class="verse-line"]')]


def test_a_hard_broken_quote_is_verse_with_a_line_each(tmp_path: Path) -> None:
    body = _body(tmp_path, "Some text first.\n\n> Shall I compare thee  \n> To a *summer’s* day?\n\n"
                           "More text.\n")
    quote = body.find("blockquote")
    assert "verse" in quote.get("class").split()
    assert quote.get("epub:type") == "z3998:verse"
    assert _lines(quote) == ["Shall I compare thee", "To a summer’s day?"]
    assert quote.xpath(".//em")[0].text == "summer’s"
    assert "epigraph" not in quote.get("class")  # text comes before it


def test_a_quote_without_line_breaks_stays_prose(tmp_path: Path) -> None:
    body = _body(tmp_path, "Text.\n\n> A long quoted passage, set as prose,\n> wrapped in the source.\n")
    quote = body.find("blockquote")
    assert quote.get("class") is None and quote.get("epub:type") is None
    assert not _lines(quote)


def test_stanzas_and_an_attribution(tmp_path: Path) -> None:
    body = _body(tmp_path, "Text.\n\n> One line,  \n> two lines.\n>\n> Three lines,  \n> four.\n>\n"
                           "> — The Poet, *Poems*\n")
    quote = body.find("blockquote")
    stanzas = quote.findall("p")
    assert [p.get("class") for p in stanzas] == ["stanza short-stanza", "stanza short-stanza",
                                                 "attribution"]
    assert stanzas[2].text_content() == "— The Poet, Poems"


def test_a_last_line_opening_with_a_dash_is_the_attribution(tmp_path: Path) -> None:
    body = _body(tmp_path, "Text.\n\n> “In culpa est animus, qui se non effugit unquam,”  \n"
                           "> —Horace, Ep., i. 14, 13.\n")
    quote = body.find("blockquote")
    verse, attribution = quote.findall("p")
    assert _lines(verse) == ["“In culpa est animus, qui se non effugit unquam,”"]
    assert attribution.get("class") == "attribution"
    assert attribution.text_content() == "—Horace, Ep., i. 14, 13."


def test_a_dash_inside_a_poem_is_not_an_attribution(tmp_path: Path) -> None:
    body = _body(tmp_path, "Text.\n\n> — Who goes there?  \n> — A friend.  \n> And so they met.\n")
    assert not body.xpath('.//*[@class="attribution"]')
    assert len(_lines(body)) == 3


def test_quotes_opening_an_essay_are_its_epigraph_and_the_text_gets_the_opener(
        tmp_path: Path) -> None:
    # Python-Markdown makes one quote of quotes a blank line apart: a prose motto, then a verse
    # one with its attribution.
    body = _body(tmp_path, "> A motto in prose.\n\n> A motto  \n> in verse.\n>\n> — Someone\n\n"
                           "The text begins.\n\nIt goes on.\n")
    quote = body.find("blockquote")
    assert "epigraph" in quote.get("class").split()
    assert quote.get("epub:type") == "epigraph"
    assert quote.get("role") == "doc-epigraph"
    prose, verse, attribution = quote.findall("p")
    assert prose.get("class") is None
    assert "verse" in verse.get("class").split() and verse.get("epub:type") == "z3998:verse"
    assert attribution.get("class") == "attribution"
    paragraphs = body.findall("p")
    assert paragraphs[0].get("class") == "opener"
    assert paragraphs[1].get("class") is None


def test_an_opening_quote_of_verse_alone(tmp_path: Path) -> None:
    body = _body(tmp_path, "> A motto  \n> in verse.\n\nThe text begins.\n")
    quote = body.find("blockquote")
    assert set(quote.get("class").split()) == {"verse", "epigraph"}
    assert set(quote.get("epub:type").split()) == {"epigraph", "z3998:verse"}


def test_a_quote_after_a_heading_is_not_the_essays_epigraph(tmp_path: Path) -> None:
    body = _body(tmp_path, "## A section\n\n> A quote.\n\nText.\n")
    assert body.find("blockquote").get("class") is None
    assert body.find("p").get("class") is None


@pytest.mark.parametrize(("mark", "verse", "epigraph"), [
    ("{: .prose }", False, True),          # an opening hard-broken quote kept as prose
    ("{: .not-epigraph }", True, False),   # verse, but not an epigraph
])
def test_classes_on_an_opening_quote(tmp_path: Path, mark: str, verse: bool, epigraph: bool) -> None:
    body = _body(tmp_path, f"> A letter typed  \n> in lines.\n{mark}\n\nThe text.\n")
    quote = body.find("blockquote")
    classes = (quote.get("class") or "").split()
    assert ("epigraph" in classes) is epigraph
    assert bool(_lines(quote)) is verse
    assert ("z3998:verse" in (quote.get("epub:type") or "")) is verse
    assert (body.find("p[@class='opener']") is not None) is epigraph


def test_verse_and_epigraph_classes_anywhere(tmp_path: Path) -> None:
    body = _body(tmp_path, "Text.\n\n> The fields his study, nature was his book.\n{: .verse }\n\n"
                           "More.\n\n> A whole poem,  \n> two lines.\n{: .poem }\n\n"
                           "Still more.\n\n> A motto in the middle.\n{: .epigraph }\n")
    one_line, poem, motto = body.findall("blockquote")
    assert _lines(one_line) == ["The fields his study, nature was his book."]
    assert poem.get("epub:type") == "z3998:poem"
    assert "epigraph" in motto.get("class").split()
    assert motto.find("p").get("class") is None  # the class moved to the quote


def test_verse_is_split_only_once_and_stays_text(tmp_path: Path) -> None:
    body = _body(tmp_path, "Text.\n\n> One,  \n> two.\n{: .verse }\n")
    quote = body.find("blockquote")
    assert _lines(quote) == ["One,", "two."]
    assert quote.text_content().strip() == "One,\ntwo."  # a reader without styles sees lines


def test_a_front_matter_epigraph_in_lines_is_verse(tmp_path: Path) -> None:
    manuscript = ('---\ntitle: "A"\nepigraph: |\n  One line,  \n  another.\n'
                  'epigraph_source: "Someone"\n---\nText.\n')
    root = write_project(tmp_path, files={"manuscripts/a.md": manuscript})
    book, _ = rendered(root)
    epigraph = html.fragment_fromstring(next(book.essays()).epigraph_html, create_parent="div")
    assert _lines(epigraph) == ["One line,", "another."]
