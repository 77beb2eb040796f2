"""Reading one essay: front matter, title, body and the line numbers messages point at."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bookify.errors import ManuscriptError
from bookify.manuscript import read_manuscript

from .helpers import dedent


def write(tmp_path: Path, text: str | bytes, name: str = "essay.md") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(dedent(text), encoding="utf-8")
    return path


def read(tmp_path: Path, text: str | bytes):
    return read_manuscript(write(tmp_path, text))


def error(tmp_path: Path, text: str | bytes) -> ManuscriptError:
    with pytest.raises(ManuscriptError) as info:
        read(tmp_path, text)
    assert info.value.exit_code == 3
    return info.value


# --- front matter ---------------------------------------------------------------------------


def test_front_matter_and_body(tmp_path):
    m = read(
        tmp_path,
        """
        ---
        title: "Of Truth"
        subtitle: A Meditation
        author: Francis Bacon
        translator: [A. Translator, B. Translator]
        epigraph: "*What is truth?* said jesting Pilate"
        epigraph_source: John 18:38
        date: 1625-01-01
        year: 1625
        lang: en-GB
        keywords: [truth, essays]
        ---
        What is truth?
        """,
    )
    assert m.title == "Of Truth"
    assert m.meta.subtitle == "A Meditation"
    assert m.meta.author_names == ("Francis Bacon",)
    assert m.meta.translator_names == ("A. Translator", "B. Translator")
    assert m.meta.epigraph == "*What is truth?* said jesting Pilate"
    assert m.meta.epigraph_source == "John 18:38"
    assert m.meta.date == dt.date(1625, 1, 1)
    assert m.meta.year == 1625
    assert m.meta.lang == "en-GB"
    assert m.meta.keywords == ["truth", "essays"]
    assert m.meta.draft is False
    assert m.body == "What is truth?\n"
    assert m.body_line == 13


@pytest.mark.parametrize(
    ("front", "names"),
    [
        ("author: Jane Doe", ("Jane Doe",)),
        ("author: [Jane Doe, John Roe]", ("Jane Doe", "John Roe")),
        ("authors: [Jane Doe, John Roe]", ("Jane Doe", "John Roe")),
        ("authors:\n  - Jane Doe\n  - John Roe", ("Jane Doe", "John Roe")),
        ("subtitle: none", ()),
    ],
)
def test_author_forms(tmp_path, front, names):
    m = read(tmp_path, f"---\ntitle: T\n{front}\n---\nText.\n")
    assert m.meta.author_names == names


def test_translator_as_string(tmp_path):
    assert read(tmp_path, "---\ntitle: T\ntranslator: Jane\n---\nx\n").meta.translator_names == (
        "Jane",
    )


@pytest.mark.parametrize(("value", "draft"), [("true", True), ("false", False), ("yes", True)])
def test_draft(tmp_path, value, draft):
    assert read(tmp_path, f"---\ntitle: T\ndraft: {value}\n---\nx\n").meta.draft is draft


def test_draft_with_a_value_that_is_not_a_boolean(tmp_path):
    e = error(tmp_path, "---\ntitle: T\n\ndraft: maybe\n---\nx\n")
    assert e.render(tmp_path) == (
        "essay.md:4: front matter 'draft': Input should be a valid boolean\n"
        "  hint: write true or false (no quotes)"
    )


def test_unknown_key_has_a_suggestion_and_line(tmp_path):
    e = error(tmp_path, "---\ntitle: T\n# a comment\nauthr: Jane\n---\nx\n")
    assert e.message == "unknown front matter key 'authr'"
    assert e.hint == "did you mean 'author'?"
    assert e.location.line == 4
    assert e.location.key == "authr"
    assert e.render(tmp_path) == (
        "essay.md:4: unknown front matter key 'authr'\n  hint: did you mean 'author'?"
    )


def test_unknown_key_without_a_suggestion_lists_known_keys(tmp_path):
    e = error(tmp_path, "---\ntitle: T\nflavour: mint\n---\nx\n")
    assert e.hint.startswith("known keys: author, authors, collection, copyright, credit,")
    assert "draft" in e.hint


def test_several_front_matter_problems_are_all_reported(tmp_path):
    e = error(tmp_path, "---\ntitel: T\nauthr: Jane\ndraft: maybe\n---\nx\n")
    problems = [e, *e.also]
    assert sorted(p.location.line for p in problems) == [2, 3, 4]
    text = e.render(tmp_path)
    assert "did you mean 'title'?" in text and "did you mean 'author'?" in text


def test_bad_lang(tmp_path):
    e = error(tmp_path, "---\ntitle: T\nlang: english!\n---\nx\n")
    assert e.render(tmp_path) == (
        "essay.md:3: front matter 'lang': 'english!' is not a BCP 47 language tag such as "
        "'en', 'en-GB' or 'fr'"
    )


def test_yaml_syntax_error_reports_the_line_in_the_file(tmp_path):
    e = error(tmp_path, "---\ntitle: T\nsubtitle: x\nauthor: Jane: Doe\n---\nx\n")
    assert e.location.line == 4
    assert e.message == "front matter is not valid YAML: mapping values are not allowed here"
    assert e.hint == 'values with a colon need quotes, e.g. title: "Essays: First Series"'


def test_yaml_indentation_error_line(tmp_path):
    e = error(tmp_path, "---\ntitle: T\nauthor: Jane\n  subtitle: x\n---\nx\n")
    assert e.location.line == 4


def test_front_matter_that_is_not_a_mapping(tmp_path):
    e = error(tmp_path, "---\n- title\n- author\n---\nx\n")
    assert e.message == "front matter must be a set of 'key: value' lines"
    assert e.location.line == 2


def test_unclosed_front_matter(tmp_path):
    e = error(tmp_path, "---\ntitle: T\nauthor: Jane\n\nThe essay starts here.\n")
    assert e.render(tmp_path) == (
        "essay.md:1: the front matter that starts on line 1 with '---' is never closed\n"
        "  hint: end the front matter with a line holding only '---'"
    )


def test_front_matter_may_end_with_dots(tmp_path):
    m = read(tmp_path, "---\ntitle: T\n...\nText.\n")
    assert m.title == "T" and m.body == "Text.\n" and m.body_line == 4


def test_empty_front_matter(tmp_path):
    m = read(tmp_path, "---\n---\n# Heading Title\nText.\n")
    assert m.title == "Heading Title"
    assert m.body == "Text.\n"
    assert m.body_line == 4


def test_no_front_matter(tmp_path):
    m = read(tmp_path, "# Of Truth\n\nWhat is truth?\n")
    assert m.title == "Of Truth"
    assert m.body == "\nWhat is truth?\n"
    assert m.body_line == 2


def test_a_later_horizontal_rule_is_not_front_matter(tmp_path):
    m = read(tmp_path, "# T\n\nText.\n\n---\n\nMore.\n")
    assert "More." in m.body


# --- title ----------------------------------------------------------------------------------


def test_title_from_first_heading_is_removed_from_the_body(tmp_path):
    m = read(tmp_path, "---\nauthor: Jane\n---\n\n# Of Truth\n\nWhat is truth?\n")
    assert m.title == "Of Truth"
    assert "Of Truth" not in m.body
    assert m.body == "\nWhat is truth?\n"
    # The body now starts on line 6 of the file (the line after the heading).
    assert m.body_line == 6
    assert m.body.split("\n").index("What is truth?") + m.body_line == 7


def test_title_heading_with_closing_hashes(tmp_path):
    assert read(tmp_path, "# Of Truth ##\n\nx\n").title == "Of Truth"


def test_title_key_wins_and_the_heading_stays_in_the_body(tmp_path):
    m = read(tmp_path, "---\ntitle: From Front Matter\n---\n# A Heading\n\nx\n")
    assert m.title == "From Front Matter"
    assert m.body.startswith("# A Heading")
    assert m.body_line == 4


def test_empty_title_falls_back_to_the_heading(tmp_path):
    assert read(tmp_path, "---\ntitle: ''\n---\n# Heading\nx\n").title == "Heading"


@pytest.mark.parametrize(
    "text",
    [
        "---\nauthor: Jane\n---\nJust text.\n",
        "---\nauthor: Jane\n---\n\n## A second-level heading\n",
        "Just text, no front matter.\n",
        "",
    ],
)
def test_no_title(tmp_path, text):
    e = error(tmp_path, text)
    assert e.render(tmp_path) == (
        "essay.md:1: the essay has no title\n"
        "  hint: add 'title: …' to the front matter, or start the text with a '# Title' line"
    )


def test_numeric_title_is_read_as_text(tmp_path):
    """`title: 1984` (a number to YAML) is the title "1984", as its author meant. (It once failed
    with "front matter 'title': Input should be a valid string" and no hint.)"""
    path = write(tmp_path, "---\ntitle: 1984\n---\nx\n")
    assert read_manuscript(path).title == "1984"


def test_both_author_and_authors(tmp_path):
    e = error(tmp_path, "---\ntitle: T\nauthor: Jane\nauthors: [John]\n---\nx\n")
    assert e.render(tmp_path) == (
        "essay.md:4: both 'author' and 'authors' are set\n"
        "  hint: keep one of them: 'author' for one name, 'authors' for a list"
    )


# --- encodings and line endings -------------------------------------------------------------


def test_bom_and_crlf(tmp_path):
    m = read(tmp_path, b"\xef\xbb\xbf---\r\ntitle: T\r\nauthor: Jane\r\n---\r\nLine one.\r\nLine two.\r\n")
    assert m.title == "T"
    assert m.meta.author_names == ("Jane",)
    assert m.body == "Line one.\nLine two.\n"
    assert m.body_line == 5


def test_bom_and_crlf_keep_line_numbers_in_errors(tmp_path):
    e = error(tmp_path, b"\xef\xbb\xbf---\r\ntitle: T\r\n\r\nautor: Jane\r\n---\r\nx\r\n")
    assert e.location.line == 4
    assert e.hint == "did you mean 'author'?"


def test_bom_without_front_matter(tmp_path):
    m = read(tmp_path, "\ufeff# Heading Title\r\nText.\r\n".encode())
    assert m.title == "Heading Title"
    assert m.body == "Text.\n"


def test_not_utf8(tmp_path):
    e = error(tmp_path, b"---\ntitle: Caf\xe9\n---\nx\n")
    assert e.message == "not UTF-8 text (byte 14)"
    assert e.hint == "save the file as UTF-8"


def test_a_title_of_a_megabyte_is_refused_at_its_line(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: " + "T" * 1_000_000 + "\n---\nText.\n", encoding="utf-8")
    with pytest.raises(ManuscriptError) as caught:
        read_manuscript(path)
    assert caught.value.render(tmp_path) == (
        "a.md:2: front matter 'title': String should have at most 1000 characters\n"
        "  hint: a title is a line or two: shorten it (a short_title goes in running heads)")


def test_a_manuscript_larger_than_any_essay_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: A\n---\n" + "Words and words.\n\n" * 200_000, encoding="utf-8")
    with pytest.raises(ManuscriptError, match=r"the file is 3\.4 MB; an essay may be at most 2 MB"):
        read_manuscript(path)
