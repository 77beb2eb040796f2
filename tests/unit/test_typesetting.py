"""The Markdown stage's typesetting: language-aware punctuation, verse, and footnotes set where
they are called."""

from __future__ import annotations

from pathlib import Path

from lxml import html

from bookify.markdown import punctuate

from .helpers import essay, rendered, write_project


def _punctuated(text: str, language: str) -> str:
    root = html.fragment_fromstring(text, create_parent="div")
    punctuate(root, language)
    return html.tostring(root, encoding="unicode")


def test_french_gets_guillemets_and_spaces_before_high_punctuation() -> None:
    out = _punctuated("<p>Il dit : “Bonjour !” Vraiment ? Oui; à 10:30.</p>", "fr-CA")
    assert "dit\u00a0:" in out and "«\u00a0Bonjour\u00a0!\u00a0»" in out
    assert "Vraiment\u00a0?" in out and "Oui\u00a0;" in out
    assert "10:30" in out  # times are not punctuation


def test_french_code_and_addresses_are_left_alone() -> None:
    out = _punctuated("<p>Voir https://exemple.fr et <code>a: b?</code> fin.</p>", "fr")
    assert "https://exemple.fr" in out and "<code>a: b?</code>" in out


def test_german_quotation_marks() -> None:
    assert "„Hallo“" in _punctuated("<p>Er sagte “Hallo”.</p>", "de")


def test_english_is_untouched() -> None:
    assert "“Hello!”" in _punctuated("<p>“Hello!”</p>", "en")


def test_an_essays_language_decides_its_punctuation(tmp_path: Path) -> None:
    root = write_project(tmp_path, files={
        "manuscripts/a.md": essay("A", "Il dit : “Oui !”\n", lang="fr"),
        "manuscripts/b.md": essay("B", "He said: “Yes!”\n"),
    })
    book, _ = rendered(root)
    french, english = list(book.essays())
    assert "«\u00a0Oui\u00a0!\u00a0»" in french.body_html
    assert "said: “Yes!”" in english.body_html


def test_verse_keeps_its_lines(tmp_path: Path) -> None:
    poem = ("Shall I compare thee to a summer’s day?\nThou art more *lovely* and more temperate:\n"
            "{: .verse }\n\nProse follows.\n")
    root = write_project(tmp_path, files={"manuscripts/a.md": essay("A", poem)})
    book, _ = rendered(root)
    body = next(book.essays()).body_html
    lines = html.fragment_fromstring(body, create_parent="div").xpath('//span[@class="verse-line"]')
    assert [line.text_content() for line in lines] == [
        "Shall I compare thee to a summer’s day?", "Thou art more lovely and more temperate:"]
    assert "<em>lovely</em>" in body


def test_footnotes_are_set_inline_for_print_and_listed_for_the_ebook(tmp_path: Path) -> None:
    text = "A claim.[^1] Another.[^2]\n\n[^1]: The source.\n[^2]: First para.\n\n    Second para.\n"
    root = write_project(tmp_path, files={"manuscripts/a.md": essay("A", text)})
    book, _ = rendered(root)
    piece = next(book.essays())
    inline = html.fragment_fromstring(piece.body_with_footnotes_html, create_parent="div")
    notes = inline.xpath('//span[@class="footnote"]')
    assert [n.get("id") for n in notes] == ["a--fn-1", "a--fn-2"]
    assert notes[0].text_content() == "The source."  # no back link, no leading space
    assert len(notes[1].xpath('./span[contains(@class, "footnote-p")]')) == 2
    assert not inline.xpath("//sup")  # the calls are WeasyPrint's ::footnote-call
    assert 'href="#a--fn-1"' in piece.body_html and "The source." in piece.notes_html


def test_an_essay_without_notes_has_no_footnoted_body(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    book, _ = rendered(root)
    assert next(book.essays()).body_with_footnotes_html is None


def test_german_single_quotes_but_not_apostrophes(tmp_path: Path) -> None:
    root = write_project(tmp_path, files={
        "manuscripts/a.md": essay("A", "Er sagte, es sei 'gut', und geht's.\n", lang="de")})
    book, _ = rendered(root)
    body = next(book.essays()).body_html
    assert "‚gut‘" in body and "geht’s" in body


def test_a_marked_passage_takes_its_languages_punctuation(tmp_path: Path) -> None:
    text = ('She wrote *"so \'gut\' war es"*{: lang="de" } and "left".\n\n'
            'Il a dit "oui" : c\'est tout !\n{: lang="fr" }\n\n'
            'Back in "English" here: fine!\n')
    root = write_project(tmp_path, files={"manuscripts/a.md": essay("A", text)})
    book, _ = rendered(root)
    body = next(book.essays()).body_html
    assert "„so ‚gut‘ war es“" in body and "and “left”." in body
    assert "«\u00a0oui\u00a0»\u00a0: c’est tout\u00a0!" in body
    assert "in “English” here: fine!" in body


def test_a_spaced_hyphen_becomes_an_en_dash_but_not_in_code(tmp_path: Path) -> None:
    text = "Walls were raised - and argued over; well-made, 3 - 2, `a - b`.\n\n    x - y\n"
    root = write_project(tmp_path, files={"manuscripts/a.md": essay("A", text)})
    book, _ = rendered(root)
    body = next(book.essays()).body_html
    assert "raised – and argued" in body and "well-made" in body and "3 – 2" in body
    assert "<code>a - b</code>" in body and "x - y" in body


def test_stanzas_of_up_to_six_lines_are_marked_to_be_kept_whole(tmp_path: Path) -> None:
    short = "".join(f"Line {n}  \n" for n in range(6)) + "{: .verse }\n\n"
    long = "".join(f"Line {n}  \n" for n in range(7)) + "{: .verse }\n"
    root = write_project(tmp_path, files={"manuscripts/a.md": essay("A", short + long)})
    book, _ = rendered(root)
    stanzas = html.fragment_fromstring(next(book.essays()).body_html, create_parent="div")
    assert [p.get("class") for p in stanzas.xpath("p")] == ["verse short-stanza", "verse"]
