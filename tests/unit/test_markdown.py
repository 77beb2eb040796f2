"""Markdown → book-ready HTML: punctuation, notes, headings, links, sanitising, images, XML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from bookify.errors import BookifyError, ManuscriptError

from .helpers import PNG, essay, named_entities, rendered, rendered_messages, write_project

NETWORK_TOML = '[book]\ntitle = "X"\n[build]\nallow_network = true\n'


def render_one(tmp_path, body: str, toml: str | None = None, extra: dict | None = None, **front):
    """Render a one-essay book (`manuscripts/01-a.md`); return (essay, diagnostics, root)."""
    files = {"manuscripts/01-a.md": essay(front.pop("title", "A"), body, **front), **(extra or {})}
    root = write_project(tmp_path, toml or '[book]\ntitle = "X"\n', files)
    book, diagnostics = rendered(root)
    (first, *_) = book.essays()
    return first, diagnostics, root


def as_xml(fragment: str) -> etree._Element:
    return etree.fromstring(f"<div>{fragment}</div>")


# --- punctuation ----------------------------------------------------------------------------


def test_smart_punctuation_in_the_body(tmp_path):
    e, _, _ = render_one(tmp_path, "\"Hello,\" she said -- it's 1900--1910 --- so...\n")
    assert without_block_ids(e.body_html) == "<p>“Hello,” she said – it’s 1900–1910 — so…</p>"


def test_no_line_opens_with_a_closed_up_em_dash(tmp_path):
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    body = " ".join(["the things that matter---in philosophy, *Clarissa*---and loyalty"] * 6)
    e, _, _ = render_one(tmp_path, body + " --- said he.\n")
    openings = []
    for width in range(80, 200, 6):  # columns of 80 to 200 points
        html = (f'<html lang="en"><style>p {{ width: {width}pt; font-size: 11pt; '
                f'text-align: justify }}</style>{e.body_html}</html>')

        def walk(box):
            if isinstance(box, boxes.LineBox):
                openings.append("".join(t.text for t in box.descendants()
                                        if isinstance(t, boxes.TextBox)).lstrip("\u2060")[:2])
            for child in getattr(box, "children", None) or ():
                walk(child)

        walk(HTML(string=html).render().pages[0]._page_box)
    assert len(openings) > 100
    assert not {"—i", "—a"} & set(openings), "a line opens with a closed-up dash"
    assert "matter\u2060—in" in e.body_html and "</em>\u2060—and" in e.body_html
    assert "loyalty — said" in e.body_html, "a spaced dash is left alone"


def test_smart_punctuation_in_titles(tmp_path):
    root = write_project(
        tmp_path,
        '[book]\ntitle = "The \\"Idle\\" Hours -- Essays"\nsubtitle = "It\'s... *new*"\n',
        {"manuscripts/a.md": essay('It\'s "Truth" --- or...', subtitle="A -- B")},
    )
    book, _ = rendered(root)
    (e,) = book.essays()
    assert e.title_html == "It’s “Truth” — or…"
    assert e.title_text == "It’s “Truth” — or…"
    assert e.subtitle_html == "A – B"
    assert book.title_html == "The “Idle” Hours – Essays"
    assert book.subtitle_html == "It’s… <em>new</em>"


def test_inline_markdown_in_a_title(tmp_path):
    e, _, _ = render_one(tmp_path, "x\n", title="On *Walden* & Other Things")
    assert e.title_html == "On <em>Walden</em> &amp; Other Things"
    assert e.title_text == "On Walden & Other Things"


def test_numbered_title_stays_a_title(tmp_path):
    """Once a bug, now fixed: titles are rendered as full Markdown, so "1. The Beginning" becomes a numbered
    list (<ol><li>The Beginning</li></ol>) inside the <h1>, and its text loses the number.
    The same happens to "- A Dash", "+ …" and "> …" titles."""
    e, _, _ = render_one(tmp_path, "x\n", title="1. The Beginning")
    assert e.title_text == "1. The Beginning"
    assert "<ol" not in e.title_html and "<li" not in e.title_html


def test_part_titles_are_rendered_inline(tmp_path):
    root = write_project(
        tmp_path,
        'contents = [{ part = "Part *One* -- Early", essays = ["a.md"] }]\n[book]\ntitle = "X"\n',
        {"manuscripts/a.md": essay("A")},
    )
    book, _ = rendered(root)
    (part,) = book.contents
    assert part.title_html == "Part <em>One</em> – Early"
    assert part.title_text == "Part One – Early"


def test_epigraph_and_credit(tmp_path):
    e, _, _ = render_one(
        tmp_path, "x\n", epigraph='"To be, or not..."', epigraph_source="*Hamlet*",
        credit="First published in *The Dial*, 1921.",
    )
    assert e.epigraph_html == "<p>“To be, or not…”</p>"
    assert e.epigraph_source_html == "<em>Hamlet</em>"
    assert e.credit_html == "First published in <em>The Dial</em>, 1921."


# --- footnotes ------------------------------------------------------------------------------


def test_footnotes_are_split_out_and_prefixed(tmp_path):
    e, diagnostics, _ = render_one(
        tmp_path, "A claim.[^1] Another.[^why]\n\n[^1]: The source.\n[^why]: Because.\n"
    )
    assert "footnote" not in e.body_html.replace("footnote-ref", "")
    assert 'href="#a--fn-1"' in e.body_html and 'id="a--fnref-1"' in e.body_html
    assert 'href="#a--fn-why"' in e.body_html
    notes = as_xml(e.notes_html)
    assert [li.get("id") for li in notes.iter("li")] == ["a--fn-1", "a--fn-why"]
    assert [a.get("href") for a in notes.iter("a")] == ["#a--fnref-1", "#a--fnref-why"]
    assert "The source." in e.notes_html
    assert diagnostics.items == []


def test_no_footnotes_means_empty_notes(tmp_path):
    e, _, _ = render_one(tmp_path, "No notes here.\n")
    assert e.notes_html == ""


def test_two_essays_with_the_same_note_label_do_not_collide(tmp_path):
    root = write_project(
        tmp_path,
        files={
            "manuscripts/01-a.md": essay("A", "A.[^1]\n\n[^1]: Note A.\n"),
            "manuscripts/02-b.md": essay("B", "B.[^1]\n\n[^1]: Note B.\n"),
        },
    )
    book, diagnostics = rendered(root)
    a, b = book.essays()
    all_ids = re.findall(r'id="([^"]+)"', "".join(x.body_html + x.notes_html for x in (a, b)))
    assert len(all_ids) == len(set(all_ids))
    assert 'id="a--fn-1"' in a.notes_html and 'id="b--fn-1"' in b.notes_html
    assert 'href="#b--fn-1"' in b.body_html
    assert diagnostics.items == []


# --- headings -------------------------------------------------------------------------------


def test_body_h1_is_shifted_to_h2_and_headings_are_collected(tmp_path):
    e, _, _ = render_one(
        tmp_path, "# Section One\n\ntext\n\n## Sub *part*\n\n### Deeper\n\n# Section One\n"
    )
    assert [(h.id, h.level, h.text) for h in e.headings] == [
        ("a--section-one", 2, "Section One"),
        ("a--sub-part", 3, "Sub part"),
        ("a--deeper", 4, "Deeper"),
        ("a--section-one-2", 2, "Section One"),
    ]
    assert '<h2 id="a--section-one">Section One</h2>' in e.body_html
    assert '<h3 id="a--sub-part">Sub <em>part</em></h3>' in e.body_html
    assert "<h1" not in e.body_html


def test_h2_stays_h2_without_an_h1(tmp_path):
    e, _, _ = render_one(tmp_path, "## Only Sections\n\n### Below\n")
    assert [(h.level, h.text) for h in e.headings] == [(2, "Only Sections"), (3, "Below")]


def test_explicit_heading_id_is_prefixed(tmp_path):
    e, _, _ = render_one(tmp_path, "## Notes {#my-notes}\n")
    assert e.headings[0].id == "a--my-notes"


# --- links ----------------------------------------------------------------------------------


def two_essays(tmp_path, a_body: str, b_body: str = "## Section B\n\ntext\n"):
    root = write_project(
        tmp_path,
        files={"manuscripts/01-a.md": essay("A", a_body), "manuscripts/02-b.md": essay("B", b_body)},
    )
    book, diagnostics = rendered(root)
    a, b = book.essays()
    return a, b, diagnostics, root


def test_link_to_another_essay(tmp_path):
    a, _, diagnostics, _ = two_essays(tmp_path, "See [B](02-b.md) and [its section](02-b.md#section-b).\n")
    assert '<a href="#b">B</a>' in a.body_html
    assert '<a href="#b--section-b">its section</a>' in a.body_html
    assert diagnostics.items == []


def test_link_inside_the_essay(tmp_path):
    a, _, diagnostics, _ = two_essays(tmp_path, "## Intro\n\nBack to [the intro](#intro).\n")
    assert '<a href="#a--intro">the intro</a>' in a.body_html
    assert diagnostics.items == []


def test_link_to_a_missing_fragment_in_this_essay_is_dropped(tmp_path):
    a, _, diagnostics, root = two_essays(tmp_path, "Text.\n\nSee [nowhere](#nope) now.\n")
    assert "<span>nowhere</span>" in a.body_html
    assert "#nope" not in a.body_html
    assert rendered_messages(diagnostics, root) == [
        "warning: manuscripts/01-a.md:6: link to '#nope', which is not in this essay\n"
        "  hint: check the spelling of the id"
    ]


def test_link_to_a_missing_fragment_in_another_essay_points_at_that_essay(tmp_path):
    a, _, diagnostics, root = two_essays(tmp_path, "See [there](02-b.md#nope).\n")
    assert '<a href="#b">there</a>' in a.body_html
    assert rendered_messages(diagnostics, root) == [
        "warning: manuscripts/01-a.md:4: link to '02-b.md#nope': that essay has no '#nope'\n"
        "  hint: the link now points at the start of the essay"
    ]


def test_link_to_a_markdown_file_that_is_not_an_essay(tmp_path):
    a, _, diagnostics, root = two_essays(tmp_path, "Text.\n\nSee [my notes](notes.md) here.\n")
    assert "<span>my notes</span>" in a.body_html
    assert "notes.md" not in a.body_html
    assert rendered_messages(diagnostics, root) == [
        "warning: manuscripts/01-a.md:6: link to 'notes.md', which is not an essay in this book\n"
        "  hint: link to another essay's .md file, or to a web address"
    ]


def test_link_to_a_draft_essay_is_dropped(tmp_path):
    root = write_project(
        tmp_path,
        files={
            "manuscripts/01-a.md": essay("A", "See [B](02-b.md).\n"),
            "manuscripts/02-b.md": essay("B", draft=True),
        },
    )
    book, diagnostics = rendered(root)
    (a,) = book.essays()
    assert "<span>B</span>" in a.body_html
    assert [d.message for d in diagnostics.warnings] == [
        "link to '02-b.md', which is not an essay in this book"
    ]


def test_links_in_footnotes_are_resolved(tmp_path):
    a, _, _, _ = two_essays(tmp_path, "Text.[^1]\n\n[^1]: Compare [B](02-b.md#section-b).\n")
    assert 'href="#b--section-b"' in a.notes_html


def test_web_and_mail_links_are_kept(tmp_path):
    a, _, diagnostics, _ = two_essays(
        tmp_path, "[web](https://example.com/a?b=1&c=2) [mail](mailto:a@example.com)\n"
    )
    assert '<a href="https://example.com/a?b=1&amp;c=2">web</a>' in a.body_html
    assert '<a href="mailto:a@example.com">mail</a>' in a.body_html
    assert diagnostics.items == []


# --- sanitising -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<script>alert('x')</script>\n\nText.\n", ["<script", "alert"]),
        ('<p onclick="steal()" onmouseover="x()">Click</p>\n', ["onclick", "onmouseover", "steal"]),
        ("[click](javascript:alert(1))\n", ["javascript"]),
        ('<a href="JavaScript:alert(1)">raw</a>\n', ["javascript", "JavaScript"]),
        ('<iframe src="https://evil.example/"></iframe>\n\nText.\n', ["<iframe", "evil"]),
        ("<style>body { display: none }</style>\n\nText.\n", ["<style", "display"]),
        ('<object data="x.swf"></object><embed src="x.swf">\n', ["<object", "<embed"]),
        ('<form action="https://evil.example"><input name="q"></form>\n', ["<form", "<input"]),
        ('<svg><script>alert(1)</script></svg>\n', ["<svg", "<script"]),
        ('<div style="position:fixed">x</div>\n', ["position", "style"]),
        ("<!-- secret comment -->\n\nText.\n", ["secret"]),
    ],
)
def test_dangerous_html_is_removed(tmp_path, markdown, forbidden):
    e, _, _ = render_one(tmp_path, markdown)
    for text in forbidden:
        assert text not in e.body_html


def test_harmless_html_is_kept(tmp_path):
    e, _, _ = render_one(
        tmp_path,
        '<aside class="note" lang="fr">Une <em>note</em></aside>\n\n'
        '<table><tr><td style="color: red; text-align: center">c</td></tr></table>\n',
    )
    assert '<aside class="note" lang="fr">Une <em>note</em></aside>' in e.body_html
    assert '<td style="text-align:center">c</td>' in e.body_html


# --- images ---------------------------------------------------------------------------------


def test_lone_image_with_title_becomes_a_figure(tmp_path):
    e, diagnostics, root = render_one(
        tmp_path, 'Text.\n\n![A bridge at dusk](bridge.png "The old bridge")\n',
        extra={"manuscripts/bridge.png": PNG},
    )
    assert (
        '<figure><img alt="A bridge at dusk" src="manuscripts/bridge.png"/>'
        "<figcaption>The old bridge</figcaption></figure>"
    ) in without_block_ids(e.body_html)
    assert e.images == ((root / "manuscripts/bridge.png").resolve(),)
    assert diagnostics.items == []


def test_lone_image_without_title_is_a_figure_without_caption(tmp_path):
    e, _, _ = render_one(tmp_path, "![A bridge](../images/b.png)\n", extra={"images/b.png": PNG})
    assert e.body_html == '<figure><img alt="A bridge" src="images/b.png"/></figure>'


def test_inline_image_stays_inline(tmp_path):
    e, _, _ = render_one(tmp_path, "A ![dot](dot.png) in text.\n", extra={"manuscripts/dot.png": PNG})
    assert without_block_ids(e.body_html) == '<p>A <img alt="dot" src="manuscripts/dot.png"/> in text.</p>'


def test_missing_image(tmp_path):
    with pytest.raises(ManuscriptError) as info:
        render_one(tmp_path, "Text.\n\n![A bridge](bridge.png)\n")
    assert info.value.render(tmp_path) == (
        "manuscripts/01-a.md:6: image 'bridge.png' not found\n"
        "  hint: check the path; it is relative to the essay's file"
    )


def test_image_without_alt_text_gives_a_warning(tmp_path):
    e, diagnostics, root = render_one(
        tmp_path, "Text.\n\n![](bridge.png)\n", extra={"manuscripts/bridge.png": PNG}
    )
    assert rendered_messages(diagnostics, root) == [
        "warning: manuscripts/01-a.md:6: image 'bridge.png' has no alt text\n"
        "  hint: describe the image in the brackets: ![A bridge at dusk](bridge.jpg)"
    ]
    assert '<img alt="" src="manuscripts/bridge.png"/>' in e.body_html


def test_alt_text_warning_names_the_right_line(tmp_path):
    """Once a bug, now fixed: lines are found by searching the Markdown for the first occurrence of the image's
    src, so when an image is used twice the warning about the second use (line 8) points at
    the first (line 4). The same applies to links and to any src that occurs earlier as text."""
    _, diagnostics, _ = render_one(
        tmp_path, "![A bridge](bridge.png)\n\nText.\n\n![](bridge.png)\n",
        extra={"manuscripts/bridge.png": PNG},
    )
    (warning,) = diagnostics.warnings
    assert warning.location.line == 8


@pytest.mark.parametrize("src", ["https://example.com/a.png", "//example.com/a.png"])
def test_remote_image_is_refused(tmp_path, src):
    with pytest.raises(ManuscriptError) as info:
        render_one(tmp_path, f"![A](  {src}  )\n")
    assert info.value.message == f"image '{src}' is not a file in the project"
    assert info.value.hint == (
        "download the image into the project (e.g. images/) and link to it there"
    )
    assert info.value.location.line == 4


def test_remote_image_is_allowed_with_allow_network(tmp_path):
    e, _, _ = render_one(tmp_path, "![A](https://example.com/a.png)\n", toml=NETWORK_TOML)
    assert 'src="https://example.com/a.png"' in e.body_html
    assert e.images == ()


def test_data_uri_image_is_refused_even_with_allow_network(tmp_path):
    with pytest.raises(ManuscriptError):
        render_one(tmp_path, "![A](data:image/png;base64,iVBORw0KGgo=)\n", toml=NETWORK_TOML)


def test_image_outside_the_project_is_refused(tmp_path):
    (tmp_path / "secret.png").write_bytes(PNG)
    with pytest.raises(BookifyError) as info:
        render_one(tmp_path / "book", "![A](../../secret.png)\n")
    assert info.value.message == "image '../../secret.png' is outside the book project"
    assert info.value.location.line == 4


def test_image_outside_the_project_is_a_manuscript_error(tmp_path):
    """Once a minor bug, now fixed: the refusal comes from Project.resolve as a ConfigError, so `bookify build`
    exits 2 ("bookify.toml is wrong") for a mistake in an essay, which is exit 3 elsewhere."""
    (tmp_path / "secret.png").write_bytes(PNG)
    with pytest.raises(BookifyError) as info:
        render_one(tmp_path / "book", "![A](../../secret.png)\n")
    assert isinstance(info.value, ManuscriptError)
    assert info.value.exit_code == 3


def test_image_that_is_not_an_image_file(tmp_path):
    with pytest.raises(ManuscriptError) as info:
        render_one(tmp_path, "![A](notes.txt)\n", extra={"manuscripts/notes.txt": "x"})
    assert info.value.message == "image 'notes.txt' is not a JPEG, PNG, GIF, WebP or SVG file"


def test_image_path_with_spaces(tmp_path):
    e, _, _ = render_one(tmp_path, "![A](my%20image.png)\n", extra={"manuscripts/my image.png": PNG})
    assert e.images[0].name == "my image.png"


# --- the serialized HTML --------------------------------------------------------------------

RICH = """\
Plain & simple < text > with "quotes" &amp; &lt;escapes&gt; &nbsp;&copy;&mdash;&hellip;

Line one  
line two.

***

| a | b |
|---|---|
|   | x |

```
if a < b && c > d:
    pass
```

<span></span><br><hr>

*[HTML]: HyperText Markup Language

HTML term
: its definition

<details><summary>More</summary>Hidden.</details>

Text.[^1]

[^1]: A note with <br> and &nbsp;.
"""


def test_body_and_notes_are_well_formed_xml_without_named_entities(tmp_path):
    e, _, _ = render_one(tmp_path, RICH)
    as_xml(e.body_html)
    as_xml(e.notes_html)
    assert named_entities(e.body_html) == []
    assert named_entities(e.notes_html) == []
    assert "\u00a0©\u2060—…" in e.body_html  # written as characters (a closed-up dash joined)
    assert "<br/>" in e.body_html and "<hr/>" in e.body_html
    assert "<span></span>" in e.body_html  # not <span/>, which HTML parsers leave open
    assert "<td></td>" in e.body_html


def test_titles_and_front_matter_html_have_no_named_entities(tmp_path):
    """Once a bug, now fixed: titles, subtitles, epigraphs, their sources and credits are the raw output of nh3,
    which writes a no-break space (French typography: "Essais : …") as `&nbsp;`. That entity
    is not defined in XHTML, so the EPUB build fails: "the EPUB page title-page.xhtml is not
    well-formed XHTML: Entity 'nbsp' not defined" (exit 4, with a hint about the theme's
    templates). The body is fine: it is re-serialized by lxml."""
    e, _, _ = render_one(
        tmp_path, "Corps\u00a0: texte.\n",
        title="Pourquoi\u00a0?", subtitle="Essai\u00a0; suite", epigraph="Oui\u00a0!",
        epigraph_source="M.\u00a0Proust", credit="Publi\u00e9 en 1921\u00a0: repris",
    )
    fields = {name: getattr(e, name) for name in (
        "title_html", "subtitle_html", "epigraph_html", "epigraph_source_html", "credit_html")}
    assert {name: named_entities(html) for name, html in fields.items() if named_entities(html)} == {}
    for html in fields.values():
        as_xml(html)
    assert named_entities(e.body_html) == []


def test_book_title_html_has_no_named_entities(tmp_path):
    """Once a bug of the same cause, now fixed: the book's title from bookify.toml."""
    root = write_project(tmp_path, '[book]\ntitle = "Essais\u00a0: premi\u00e8re s\u00e9rie"\n')
    book, _ = rendered(root)
    assert named_entities(book.title_html) == []


def test_word_count(tmp_path):
    e, _, _ = render_one(tmp_path, "One two three.\n\nIt's four-five *six*.\n")
    assert e.words == 6


def without_block_ids(html: str) -> str:
    """The body with the numbered block ids (`id="a.3"`) taken out, to compare the rest."""
    return re.sub(r' id="[a-z0-9-]+\.\d+"', "", html)


def test_blocks_are_numbered_for_page_break_markers(tmp_path):
    e, _, _ = render_one(tmp_path, "One.\n\n## Part\n\n- item\n\nTwo.\n")
    assert re.findall(r'<(\w+) id="a\.(\d+)"', e.body_html) == [("p", "1"), ("li", "2"), ("p", "3")]


def test_heading_levels_never_skip(tmp_path):
    e, diagnostics, _ = render_one(tmp_path, "## One\n\nText.\n\n#### Deep\n\nMore.\n")
    assert [h.level for h in e.headings] == [2, 3]
    assert any("skips a level" in d.message for d in diagnostics.warnings)


def test_decorative_image_needs_no_alt_text(tmp_path):
    e, diagnostics, _ = render_one(tmp_path, "![](dot.png){.decorative}\n",
                                   extra={"manuscripts/dot.png": PNG})
    assert 'alt=""' in e.body_html and 'role="presentation"' in e.body_html
    assert not diagnostics.warnings


def test_right_to_left_passages_get_their_direction(tmp_path):
    e, _, _ = render_one(tmp_path, 'مرحبا بالعالم\n{: lang="ar" }\n')
    assert 'lang="ar"' in e.body_html and 'dir="rtl"' in e.body_html


def test_essays_converted_through_the_cache_are_the_same_and_not_converted_again(
        tmp_path, monkeypatch):
    from bookify import markdown as bookify_markdown
    from bookify.cache import LayoutCache
    from bookify.diagnostics import Diagnostics

    from .helpers import assembled

    long_text = "A paragraph with *emphasis* and a note.[^1]\n\n" * 60 + "[^1]: The note.\n"
    root = write_project(tmp_path / "book", files={
        "manuscripts/01-a.md": essay("A", long_text),
        "manuscripts/02-b.md": essay("B", "Short, kept with the titles."),
    })
    cache = LayoutCache(tmp_path / "cache")
    project, book, _ = assembled(root)
    plain = bookify_markdown.render_book(book, project, Diagnostics())
    first = bookify_markdown.render_book(book, project, Diagnostics(), cache=cache)
    converted: list[str] = []
    convert = bookify_markdown.python_markdown.Markdown.convert
    monkeypatch.setattr(bookify_markdown.python_markdown.Markdown, "convert",
                        lambda self, text: converted.append(text) or convert(self, text))
    again = bookify_markdown.render_book(book, project, Diagnostics(), cache=cache)
    assert plain == first == again
    assert "<em>emphasis</em>" in again.contents[0].body_html
    assert converted == []  # the essays one by one, the titles and short essays all together


def test_an_undefined_footnote_reference_is_a_warning_with_its_line(tmp_path: Path) -> None:
    text = "A claim.[^1]\n\nAnother claim.[^9] And `[^code]` is code.\n\n[^1]: The source.\n"
    root = write_project(tmp_path, files={"manuscripts/a.md": essay("A", text)})
    book, diagnostics = rendered(root)
    assert rendered_messages(diagnostics, root) == [
        "warning: manuscripts/a.md:6: footnote [^9] is called but never defined\n"
        "  hint: add a line '[^9]: the note's text' at the end of the essay, or remove the call"]
    assert "[^9]" in next(book.essays()).body_html  # the text is kept as written


# --- cost in proportion to the book; limits on what no book needs (issue 15 item 23) -----------

def test_finding_the_lines_of_thousands_of_notes_is_linear():
    import time
    from types import SimpleNamespace

    from bookify.markdown import _Lines

    count = 30_000
    text = "".join(f"Text {i}.[^{i}]\n\n" for i in range(count))
    lines = _Lines(SimpleNamespace(markdown=text, body_line=5))  # what _Lines reads of an essay
    started = time.perf_counter()
    found = [lines.of(f"[^{i}]") for i in range(count)]
    assert found[0] == 5 and found[-1] == 5 + 2 * (count - 1)
    assert time.perf_counter() - started < 2  # was minutes: every search started at the top


def test_a_paragraph_longer_than_any_book_has_is_refused(tmp_path):
    root = write_project(tmp_path, files={"manuscripts/01-a.md": essay("A", "word " * 30_000)})
    with pytest.raises(ManuscriptError, match="a paragraph of 150,000 characters, starting 'word word"):
        rendered(root)


def test_a_long_paragraph_a_book_might_have_is_kept(tmp_path):
    root = write_project(tmp_path, files={"manuscripts/01-a.md": essay("A", "word " * 10_000)})
    book, _ = rendered(root)
    assert next(book.essays()).words == 10_000
