"""`bookify.toml`: the schema's defaults, and every message a mistake in it produces."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from bookify.config import BookSection, ProjectConfig, TrimSize, check_isbn, load_config
from bookify.errors import ConfigError

from .helpers import dedent


def config_error(tmp_path: Path, toml: str) -> ConfigError:
    path = tmp_path / "bookify.toml"
    path.write_text(dedent(toml), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value


def load(tmp_path: Path, toml: str) -> ProjectConfig:
    path = tmp_path / "bookify.toml"
    path.write_text(dedent(toml), encoding="utf-8")
    return load_config(path)


def all_problems(error: ConfigError) -> list[ConfigError]:
    return [error, *error.also]


# --- defaults -------------------------------------------------------------------------------


def test_defaults_of_a_minimal_config(tmp_path):
    config = load(tmp_path, '[book]\ntitle = "Essays"\n')
    assert config.contents is None
    book = config.book
    assert book.title == "Essays"
    assert book.subtitle is None
    assert book.authors == [] and book.editors == [] and book.keywords == []
    assert book.language == "en"
    assert book.rights == "All rights reserved."
    assert book.isbn_print is None and book.isbn_ebook is None and book.identifier is None
    assert book.date is None and book.cover is None
    assert config.print.trim == TrimSize(5.5, 8.5, "in")
    assert config.print.recto_openers is True
    assert config.theme.name == "classic"
    assert config.build.formats == ["pdf", "epub"]
    assert config.build.output_dir == "build"
    assert config.build.allow_network is False
    assert config.build.jobs is None
    assert config.build.cache is True
    assert config.build.cache_max_mb == 1024


def test_a_full_config_is_read(tmp_path):
    config = load(
        tmp_path,
        """
        contents = ["a.md", { part = "Part One", essays = ["b.md", "c.md"] }]

        [book]
        title = "  The Idle Hours  "
        subtitle = "Essays"
        editors = ["Jane Editor"]
        language = "en-GB"
        date = 2026-01-01
        isbn_print = "978-0-306-40615-7"
        keywords = ["essays", "idleness"]

        [print]
        trim = "6x9"
        recto_openers = false

        [build]
        formats = ["html"]
        output_dir = "out"
        allow_network = true
        jobs = 4
        cache = false
        cache_max_mb = 256
        """,
    )
    assert config.book.title == "The Idle Hours"  # surrounding blanks are stripped
    assert config.book.date.isoformat() == "2026-01-01"
    assert config.book.isbn_print == "978-0-306-40615-7"  # kept as written
    assert config.contents[0] == "a.md"
    assert config.contents[1].part == "Part One"
    assert config.contents[1].essays == ["b.md", "c.md"]
    assert config.print.trim == TrimSize(6, 9, "in")
    assert config.print.recto_openers is False
    assert config.build.formats == ["html"]
    assert config.build.output_dir == "out"
    assert config.build.allow_network is True
    assert config.build.jobs == 4
    assert config.build.cache is False
    assert config.build.cache_max_mb == 256


# --- unknown keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "key", "section", "hint", "line"),
    [
        ('[book]\ntitle = "X"\ntitel = "Y"\n', "titel", "[book]", "did you mean 'title'?", 3),
        ('[book]\ntitle = "X"\nsubtitel = "Y"\n', "subtitel", "[book]",
         "did you mean 'subtitle'?", 3),
        ('[book]\ntitle = "X"\nauthor = ["Y"]\n', "author", "[book]",
         "did you mean 'authors'?", 3),
        ('[book]\ntitle = "X"\n\n[print]\n# a comment\ntrm = "6x9"\n', "trm", "[print]",
         "did you mean 'trim'?", 6),
        ('[book]\ntitle = "X"\n[print]\nrecto_opener = true\n', "recto_opener", "[print]",
         "did you mean 'recto_openers'?", 4),
        ('[book]\ntitle = "X"\n[theme]\nnmae = "classic"\n', "nmae", "[theme]",
         "did you mean 'name'?", 4),
        ('[book]\ntitle = "X"\n[build]\n\nformat = ["pdf"]\n', "format", "[build]",
         "did you mean 'formats'?", 5),
        ('[book]\ntitle = "X"\n[build]\noutput_dri = "out"\n', "output_dri", "[build]",
         "did you mean 'output_dir'?", 4),
        ('conten = ["a.md"]\n[book]\ntitle = "X"\n', "conten", "the top level",
         "did you mean 'contents'?", 1),
    ],
)
def test_unknown_key_names_section_line_and_suggestion(tmp_path, toml, key, section, hint, line):
    error = config_error(tmp_path, toml)
    assert error.message == f"unknown key '{key}' in {section}"
    assert error.hint == hint
    assert error.location.line == line
    assert error.render(tmp_path) == (
        f"bookify.toml:{line}: unknown key '{key}' in {section}\n  hint: {hint}"
    )
    assert error.exit_code == 2


def test_misspelt_table_name_points_at_its_header(tmp_path):
    """Once a bug, now fixed: a misspelt table (`[bild]`, `[prnt]`) is reported without a line: `_find_line`
    looks for `bild =`, never for the `[bild]` header."""
    error = config_error(tmp_path, '[book]\ntitle = "X"\n\n[bild]\nformats = ["pdf"]\n')
    assert error.message == "unknown key 'bild' in the top level"
    assert error.hint == "did you mean 'build'?"
    assert error.location.line == 4


def test_unknown_key_without_a_close_match_lists_the_known_keys(tmp_path):
    # (`paper` was the example until [print] gained a real `paper` key.)
    error = config_error(tmp_path, '[book]\ntitle = "X"\n[print]\nink = "black"\n')
    assert error.message == "unknown key 'ink' in [print]"
    assert error.hint == ("known keys: bleed, cover_wrap, crop_marks, editions, gutter, notes, paper, "
                          "printer, recto_openers, running_heads, spine_width, trim")
    assert error.location.line == 4


def test_unknown_key_line_is_found_in_its_own_section(tmp_path):
    # `language` is a real key in [book] (line 3); the mistake is the one in [build] (line 6).
    error = config_error(
        tmp_path, '[book]\ntitle = "X"\nlanguage = "en"\n\n[build]\nlanguage = "en"\n'
    )
    assert error.message == "unknown key 'language' in [build]"
    assert error.location.line == 6


def test_unknown_key_in_an_inline_table(tmp_path):
    """Once a minor bug, now fixed: for `book = { … }` the key's line is not found: `_find_line` gives up when
    there is no `[book]` header, before its inline fallback."""
    error = config_error(tmp_path, 'book = { title = "X", titel = "Y" }\n')
    assert error.message == "unknown key 'titel' in [book]"
    assert error.hint == "did you mean 'title'?"
    assert error.location.line == 1


def test_unknown_key_in_a_part_entry_is_reported_cleanly(tmp_path):
    """Once a bug, now fixed: a mistake inside `{ part = …, essays = … }` also reports the union's other branch,
    with pydantic's internal name 'constrained-str' and no line."""
    error = config_error(
        tmp_path,
        """
        contents = [
          "a.md",
          { part = "One", essays = ["b.md"], titel = "x" },
        ]
        [book]
        title = "X"
        """,
    )
    text = error.render(tmp_path)
    assert "constrained-str" not in text
    assert "Input should be a valid string" not in text
    assert error.message.startswith("unknown key 'titel' in ")
    assert error.location.line == 3
    assert error.also == ()


# --- wrong types and values -----------------------------------------------------------------


def test_authors_must_be_a_list(tmp_path):
    error = config_error(tmp_path, '[book]\ntitle = "X"\nauthors = "Jane Doe"\n')
    assert error.render(tmp_path) == (
        "bookify.toml:3: book.authors: Input should be a valid list\n"
        '  hint: write a list in square brackets: ["a", "b"]'
    )


def test_title_must_be_a_string(tmp_path):
    error = config_error(tmp_path, "[book]\ntitle = 1984\n")
    assert error.message == "book.title: Input should be a valid string"
    assert error.hint == "put the value in double quotes"
    assert error.location.line == 2


def test_recto_openers_false_and_true_are_accepted(tmp_path):
    assert load(tmp_path, '[book]\ntitle="X"\n[print]\nrecto_openers = false\n').print.recto_openers is False


@pytest.mark.parametrize("value", ['"yes"', '"no"'])
def test_recto_openers_must_be_a_toml_boolean(tmp_path, value):
    """Once a bug, now fixed: pydantic's lax mode turns "yes", "no", "false", "off" and 1 into booleans, so the hint
    'write true or false (no quotes)' is never shown and `"no"` silently means false."""
    error = config_error(tmp_path, f'[book]\ntitle = "X"\n[print]\nrecto_openers = {value}\n')
    assert error.message.startswith("print.recto_openers: ")
    assert error.hint == "write true or false (no quotes)"
    assert error.location.line == 4


def test_allow_network_must_be_a_toml_boolean(tmp_path):
    """Once a bug of the same cause, now fixed: `allow_network = "no"` is read as false, "yes" as true, silently."""
    error = config_error(tmp_path, '[book]\ntitle = "X"\n[build]\nallow_network = "yes"\n')
    assert error.hint == "write true or false (no quotes)"


def test_unknown_output_format(tmp_path):
    error = config_error(tmp_path, '[book]\ntitle = "X"\n[build]\nformats = ["pdf", "docx"]\n')
    assert error.render(tmp_path) == (
        "bookify.toml:4: build.formats[1]: Input should be 'pdf', 'epub' or 'html'"
    )


def test_formats_must_be_a_list(tmp_path):
    error = config_error(tmp_path, '[book]\ntitle = "X"\n[build]\nformats = "pdf"\n')
    assert error.message == "build.formats: Input should be a valid list"
    assert error.location.line == 4


@pytest.mark.parametrize(("line", "value"), [("jobs = 1", 1), ("jobs = 16", 16),
                                           ("cache_max_mb = 16", 16), ("cache = true", True)])
def test_layout_cache_and_jobs_keys_are_read(tmp_path, line, value):
    key = line.split()[0]
    config = load(tmp_path, f'[book]\ntitle = "X"\n[build]\n{line}\n')
    assert getattr(config.build, key) == value


@pytest.mark.parametrize("value", ["0", "-1"])
def test_jobs_must_be_at_least_one(tmp_path, value):
    error = config_error(tmp_path, f'[book]\ntitle = "X"\n[build]\njobs = {value}\n')
    assert error.render(tmp_path) == (
        "bookify.toml:4: build.jobs: Input should be greater than or equal to 1\n"
        "  hint: use a larger number, or delete the line for the default"
    )


@pytest.mark.parametrize("value", ['"4"', "2.5", "true", '"auto"'])
def test_jobs_must_be_a_whole_number(tmp_path, value):
    """Not lax: `jobs = "4"` or `jobs = true` is a mistake to point out, not to guess at."""
    error = config_error(tmp_path, f'[book]\ntitle = "X"\n[build]\n\njobs = {value}\n')
    assert error.message == "build.jobs: Input should be a valid integer"
    assert error.hint == "write a whole number (no quotes)"
    assert error.location.line == 5


def test_cache_must_be_a_toml_boolean(tmp_path):
    error = config_error(tmp_path, '[book]\ntitle = "X"\n[build]\ncache = "no"\n')
    assert error.message.startswith("build.cache: ")
    assert error.hint == "write true or false (no quotes)"
    assert error.location.line == 4


@pytest.mark.parametrize(("value", "message"), [
    ("8", "build.cache_max_mb: Input should be greater than or equal to 16"),
    ('"1GB"', "build.cache_max_mb: Input should be a valid integer"),
])
def test_cache_max_mb_is_a_number_of_megabytes_of_at_least_16(tmp_path, value, message):
    error = config_error(tmp_path, f'[book]\ntitle = "X"\n[build]\ncache_max_mb = {value}\n')
    assert error.message == message
    assert error.location.line == 4


@pytest.mark.parametrize(("typo", "key"), [("job", "jobs"), ("cache_max", "cache_max_mb")])
def test_misspelt_build_keys_get_a_suggestion(tmp_path, typo, key):
    error = config_error(tmp_path, f'[book]\ntitle = "X"\n[build]\n{typo} = 2\n')
    assert error.message == f"unknown key '{typo}' in [build]"
    assert error.hint == f"did you mean '{key}'?"


def test_empty_title_is_refused(tmp_path):
    error = config_error(tmp_path, '[book]\ntitle = "   "\n')
    assert error.message.startswith("book.title: ")
    assert error.location.line == 2


# --- trim sizes -----------------------------------------------------------------------------

MM = 72 / 25.4


@pytest.mark.parametrize(
    ("text", "width_pt", "height_pt"),
    [
        ("5x8", 360, 576),
        ("5.25x8", 378, 576),
        ("5.5x8.5", 396, 612),
        ("6x9", 432, 648),
        ("6x9in", 432, 648),
        ("6 x 9 in", 432, 648),
        ("6×9", 432, 648),
        ("a5", 148 * MM, 210 * MM),
        ("A5", 148 * MM, 210 * MM),
        ("129x198mm", 129 * MM, 198 * MM),
        ("b-format", 129 * MM, 198 * MM),
        ("royal", 156 * MM, 234 * MM),
        ("7x10", 504, 720),
        ("8.5x11", 612, 792),
        ("14.8x21cm", 148 * MM, 210 * MM),
        ("432x648pt", 432, 648),
    ],
)
def test_trim_sizes_parse_to_points(text, width_pt, height_pt):
    trim = TrimSize.parse(text)
    assert trim.width_pt == pytest.approx(width_pt)
    assert trim.height_pt == pytest.approx(height_pt)


@pytest.mark.parametrize("name", sorted(TrimSize.NAMED))
def test_every_named_trim_size_parses(name):
    assert TrimSize.parse(name) == TrimSize.parse(TrimSize.NAMED[name])


def test_trim_size_text_keeps_the_unit():
    assert str(TrimSize.parse("a5")) == "148x210mm"
    assert str(TrimSize.parse("5.5x8.5")) == "5.5x8.5in"


def test_trim_from_config(tmp_path):
    config = load(tmp_path, '[book]\ntitle = "X"\n[print]\ntrim = "129x198mm"\n')
    assert config.print.trim == TrimSize(129, 198, "mm")


@pytest.mark.parametrize("text", ["7x", "six by nine", "6x9ft", "6x", "x9", "6-9"])
def test_bad_trim_size_message(tmp_path, text):
    error = config_error(tmp_path, f'[book]\ntitle = "X"\n\n[print]\ntrim = "{text}"\n')
    assert error.message == (
        f"print.trim: '{text}' is not a trim size; write it as WIDTHxHEIGHT with a unit "
        "(for example '6x9in' or '129x198mm') or use a name: 5.06x7.81, 5.25x8, 5.5x8.5, 5x8, "
        "6.14x9.21, 6x9, 7x10, 8.5x11, a5, b-format, royal"
    )
    assert error.location.line == 5


@pytest.mark.parametrize("text", ["100x100in", "0x0", "6x9mm", "1x1cm"])
def test_implausible_trim_size(tmp_path, text):
    error = config_error(tmp_path, f'[book]\ntitle = "X"\n[print]\ntrim = "{text}"\n')
    assert error.message == (f"print.trim: '{text}' is not a plausible book size; a book's "
                             "sides are between 1in and 17in, such as '5.5x8.5in' or '6x9in'")
    assert error.location.line == 4


# --- language and ISBN ----------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["en", "en-GB", "fr", "fr-CA", "zh-Hant", "de-1996"])
def test_good_language_tags(tmp_path, tag):
    assert load(tmp_path, f'[book]\ntitle = "X"\nlanguage = "{tag}"\n').book.language == tag


@pytest.mark.parametrize("tag", ["english!", "e", "en_GB", "en GB", ""])
def test_bad_language_tag(tmp_path, tag):
    error = config_error(tmp_path, f'[book]\ntitle = "X"\nlanguage = "{tag}"\n')
    assert error.message == (
        f"book.language: '{tag}' is not a BCP 47 language tag such as 'en', 'en-GB' or 'fr'"
    )
    assert error.location.line == 3


@pytest.mark.parametrize("isbn", ["9780306406157", "978-1-86197-271-2", "978 0 306 40615 7",
                                  "979-10-90636-07-1"])
def test_valid_isbn13_is_kept_as_written(isbn):
    assert check_isbn(isbn) == isbn


def test_isbn_with_wrong_check_digit(tmp_path):
    error = config_error(tmp_path, '[book]\ntitle = "X"\nisbn_ebook = "9780306406158"\n')
    assert error.render(tmp_path) == (
        "bookify.toml:3: book.isbn_ebook: '9780306406158' has a wrong check digit; "
        "copy the ISBN again from your agency"
    )


@pytest.mark.parametrize("isbn", ["0306406152", "12345", "978030640615X", "9770306406157"])
def test_not_an_isbn13(tmp_path, isbn):
    error = config_error(tmp_path, f'[book]\ntitle = "X"\nisbn_print = "{isbn}"\n')
    assert error.message == (
        f"book.isbn_print: '{isbn}' is not an ISBN-13 (13 digits starting with 978 or 979)"
    )


# --- syntax errors and missing keys ---------------------------------------------------------


def test_toml_syntax_error_reports_the_line(tmp_path):
    error = config_error(tmp_path, '[book]\ntitle = "X"\nsubtitle = "unclosed\nlanguage = "en"\n')
    assert error.location.line == 3
    assert error.message.startswith("not valid TOML: ")
    assert "(at line" not in error.message  # the line is in the location, not repeated
    assert error.hint == (
        "check quotes, commas and brackets on that line (strings need double quotes)"
    )
    assert error.render(tmp_path).startswith("bookify.toml:3: not valid TOML: ")


def test_a_key_set_twice_says_so_and_where_the_first_is(tmp_path):
    error = config_error(tmp_path, '[book]\ntitle = "X"\nlanguage = "en"\ntitle = "Y"\n')
    assert error.render(tmp_path) == (
        "bookify.toml:4: not valid TOML: 'title' is set twice\n"
        "  hint: keep one of the two: the first is on line 2")


def test_a_table_written_twice_says_so_and_where_the_first_is(tmp_path):
    error = config_error(tmp_path, '[book]\ntitle = "X"\n\n[print]\ntrim = "6x9"\n[book]\n')
    assert error.render(tmp_path) == (
        "bookify.toml:6: not valid TOML: the table [book] is written twice\n"
        "  hint: put all of [book]'s keys under the first [book], on line 1")


def test_toml_single_word_value_reports_the_line(tmp_path):
    error = config_error(tmp_path, "[book]\n\n\ntitle = Essays\n")
    assert error.location.line == 4


def test_missing_book_section(tmp_path):
    error = config_error(tmp_path, '[print]\ntrim = "6x9"\n')
    assert error.message == "missing the [book] table"
    assert error.hint == 'add a [book] table with at least title = "…"'


def test_missing_title(tmp_path):
    error = config_error(tmp_path, '# my book\n[book]\nsubtitle = "Essays"\n')
    assert error.message == "missing required key 'book.title'"
    assert error.hint == "add `title = …` under [book]"


def test_missing_title_points_at_the_book_table(tmp_path):
    """Once a bug, now fixed: the intent (`_find_line(text, loc[:-1])`) is the line of `[book]`, but a one-name
    path only looks for `book =`, so the message has no line: 'bookify.toml: missing …'."""
    error = config_error(tmp_path, '# my book\n[book]\nsubtitle = "Essays"\n')
    assert error.location.line == 2
    assert error.render(tmp_path).startswith("bookify.toml:2: missing required key 'book.title'")


def test_not_utf8(tmp_path):
    (tmp_path / "bookify.toml").write_bytes(b'[book]\ntitle = "Caf\xe9"\n')
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "bookify.toml")
    assert info.value.message == "not UTF-8 text (byte 19)"
    assert info.value.hint == "save the file as UTF-8"


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "bookify.toml")
    assert info.value.message == f"no bookify.toml in {tmp_path}"
    assert "bookify new" in info.value.hint and "--project" in info.value.hint


def test_every_problem_is_reported_with_its_line(tmp_path):
    error = config_error(
        tmp_path,
        """
        [book]
        title = "X"
        titel = "Y"
        authors = "Jane"
        isbn_ebook = "9780306406158"

        [print]
        trim = "huge"

        [build]
        format = ["pdf"]
        """,
    )
    problems = all_problems(error)
    assert sorted((p.location.line, p.location.key) for p in problems) == [
        (3, "book.titel"),
        (4, "book.authors"),
        (5, "book.isbn_ebook"),
        (8, "print.trim"),
        (11, "build.format"),
    ]
    text = error.render(tmp_path)
    assert text.count("bookify.toml:") == 5
    assert "hint: did you mean 'title'?" in text
    assert "hint: did you mean 'formats'?" in text


# --- the EPUB identifier --------------------------------------------------------------------


def test_epub_identifier_is_a_stable_uuid_from_the_title():
    first = BookSection(title="The Idle Hours").epub_identifier()
    again = BookSection(title="The Idle Hours", subtitle="changed").epub_identifier()
    other = BookSection(title="Other Hours").epub_identifier()
    assert first == again != other
    assert first == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'bookify:The Idle Hours')}"


def test_epub_identifier_from_isbn_ebook():
    book = BookSection(title="X", isbn_ebook="978-1-86197-271-2", identifier="urn:uuid:1")
    assert book.epub_identifier() == "urn:isbn:9781861972712"


def test_epub_identifier_from_configured_identifier():
    ident = "urn:uuid:12345678-1234-5678-1234-567812345678"
    assert BookSection(title="X", identifier=ident).epub_identifier() == ident


def test_print_isbn_is_not_the_epub_identifier():
    assert BookSection(title="X", isbn_print="9780306406157").epub_identifier().startswith(
        "urn:uuid:"
    )


def test_crop_marks_for_a_print_on_demand_printer_are_an_error_naming_its_rule(tmp_path):
    error = config_error(tmp_path, '[book]\ntitle = "X"\n[print]\ncrop_marks = true\n')
    assert "print.crop_marks" in str(error) and "KDP does not accept crop marks" in str(error)
    assert error.location.line == 4
    assert load(tmp_path, '[book]\ntitle = "X"\n[print]\nprinter = "offset"\n'
                          'crop_marks = true\n').print.crop_marks


@pytest.mark.parametrize("printer, gutter, rule", [
    ("kdp", "0.1in", "KDP needs an inside margin of at least 0.375 in (24–150 pages 0.375 in, "
                     "151–300 pages 0.5 in"),
    ("ingramspark", "0.4in", "IngramSpark needs an inside margin of at least 0.5 in"),
])
def test_a_gutter_narrower_than_the_printers_rule_is_an_error(tmp_path, printer, gutter, rule):
    error = config_error(tmp_path, f'[book]\ntitle = "X"\n[print]\nprinter = "{printer}"\n'
                                   f'gutter = "{gutter}"\n')
    assert "print.gutter" in str(error) and rule in str(error)
    assert load(tmp_path, f'[book]\ntitle = "X"\n[print]\nprinter = "{printer}"\n'
                          f'gutter = "0.9in"\n').print.gutter == "0.9in"


def test_a_book_title_of_a_megabyte_is_refused(tmp_path):
    path = tmp_path / "bookify.toml"
    path.write_text('[book]\ntitle = "' + "T" * 1_000_000 + '"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="book.title: String should have at most 1000 characters"):
        load_config(path)
