"""The contributors file: `contributors.toml` or `contributors/*.md`, default sort names, how an
essay's author reference is resolved, and every message a mistake in the file produces."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookify.contributors import Contributor, Roster, default_sort_name, load_roster
from bookify.errors import ConfigError

from .helpers import PNG, write_files

TOML = """
    # The book's contributors.
    [jane]
    name = "Jane Doe"
    sort_name = "Doe, Jane"
    bio = \"\"\"
    Jane Doe writes about *rivers*.
    \"\"\"
    links = ["https://example.org/jane", "https://example.org/jane/essays"]

    [montaigne]
    name = "Michel de Montaigne"
    """


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    return write_files(root, files, dedented=True)


def roster_error(root: Path, files: dict[str, str | bytes]) -> ConfigError:
    write(root, files)
    with pytest.raises(ConfigError) as info:
        load_roster(root)
    return info.value


# --- loading -----------------------------------------------------------------------------------


def test_a_project_without_a_contributors_file_has_an_empty_roster(tmp_path):
    roster = load_roster(tmp_path)
    assert roster == Roster()
    assert roster.people == () and roster.source is None
    assert roster.resolve("anyone") is None


def test_an_empty_contributors_folder_is_no_roster(tmp_path):
    (tmp_path / "contributors").mkdir()
    (tmp_path / "contributors" / "notes.txt").write_text("not a contributor", encoding="utf-8")
    assert load_roster(tmp_path) == Roster()


def test_toml_tables_become_contributors_in_file_order(tmp_path):
    write(tmp_path, {"contributors.toml": TOML})
    roster = load_roster(tmp_path)
    assert roster.source == tmp_path / "contributors.toml"
    jane, montaigne = roster.people
    assert jane == Contributor(
        id="jane", name="Jane Doe", sort_name="Doe, Jane", bio="Jane Doe writes about *rivers*.",
        photo=None, links=("https://example.org/jane", "https://example.org/jane/essays"),
    )
    assert (montaigne.id, montaigne.name) == ("montaigne", "Michel de Montaigne")
    assert montaigne.sort_name == "Montaigne, Michel de", "default: the last word first"
    assert montaigne.bio is None and montaigne.photo is None and montaigne.links == ()


def test_markdown_files_become_contributors_with_the_body_as_bio(tmp_path):
    write(tmp_path, {
        "contributors/jane.md": """
            ---
            name: Jane Doe
            sort_name: "Doe, Jane"
            links: [https://example.org/jane]
            ---

            Jane Doe writes about *rivers*.

            She lives by one.
            """,
        "contributors/a-kemp.md": "---\nname: Ann Kemp\n---\n",
        "contributors/README.txt": "ignored",
    })
    roster = load_roster(tmp_path)
    assert roster.source == tmp_path / "contributors"
    assert [p.id for p in roster.people] == ["a-kemp", "jane"], "ids from file names, in name order"
    kemp, jane = roster.people
    assert (kemp.name, kemp.sort_name, kemp.bio) == ("Ann Kemp", "Kemp, Ann", None)
    assert jane.name == "Jane Doe" and jane.sort_name == "Doe, Jane"
    assert jane.bio == "Jane Doe writes about *rivers*.\n\nShe lives by one."
    assert jane.links == ("https://example.org/jane",)


def test_a_markdown_file_with_windows_line_ends_loads(tmp_path):
    (tmp_path / "contributors").mkdir()
    (tmp_path / "contributors" / "jane.md").write_bytes(b"---\r\nname: Jane Doe\r\n---\r\nA bio.\r\n")
    (jane,) = load_roster(tmp_path).people
    assert (jane.name, jane.bio) == ("Jane Doe", "A bio.")


def test_contributors_toml_is_preferred_to_the_folder(tmp_path):
    write(tmp_path, {"contributors.toml": '[toml-person]\nname = "From Toml"\n',
                     "contributors/md-person.md": "---\nname: From Markdown\n---\n"})
    roster = load_roster(tmp_path)
    assert [p.id for p in roster.people] == ["toml-person"]
    assert roster.source == tmp_path / "contributors.toml"


def test_a_photo_inside_the_project_is_resolved(tmp_path):
    write(tmp_path, {"contributors.toml": '[jane]\nname = "Jane Doe"\nphoto = "photos/jane.png"\n',
                     "photos/jane.png": PNG})
    (jane,) = load_roster(tmp_path).people
    assert jane.photo == (tmp_path / "photos" / "jane.png").resolve()


# --- sort names --------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "sort_name"), [
    ("Jerome K. Jerome", "Jerome, Jerome K."),
    ("Francis Bacon", "Bacon, Francis"),
    ("Michel de Montaigne", "Montaigne, Michel de"),
    ("Anonymous", "Anonymous"),
    ("Robert Louis Stevenson", "Stevenson, Robert Louis"),
])
def test_default_sort_name_puts_the_last_word_first(name, sort_name):
    assert default_sort_name(name) == sort_name


def test_an_explicit_sort_name_wins(tmp_path):
    write(tmp_path, {"contributors.toml": '[vangogh]\nname = "Vincent van Gogh"\nsort_name = "Gogh, Vincent van"\n'})
    assert load_roster(tmp_path).people[0].sort_name == "Gogh, Vincent van"


# --- resolving an essay's reference ------------------------------------------------------------


def test_resolve_by_id_and_by_name(tmp_path):
    write(tmp_path, {"contributors.toml": TOML})
    roster = load_roster(tmp_path)
    jane = roster.people[0]
    assert roster.resolve("jane") is jane
    assert roster.resolve("Jane Doe") is jane
    assert roster.resolve("montaigne").name == "Michel de Montaigne"
    assert roster.resolve("Michel de Montaigne").id == "montaigne"


def test_resolve_an_unknown_reference_gives_none(tmp_path):
    write(tmp_path, {"contributors.toml": TOML})
    roster = load_roster(tmp_path)
    assert roster.resolve("John Smith") is None
    assert roster.resolve("Jane") is None, "a part of a name is not the name"
    assert roster.resolve("") is None


# --- mistakes ----------------------------------------------------------------------------------


def test_unknown_toml_key_suggests_the_close_one_and_names_its_line(tmp_path):
    error = roster_error(tmp_path, {"contributors.toml": """
        [jane]
        name = "Jane Doe"

        [tom]
        name = "Tom Roe"
        sortname = "Roe, Tom"
        """})
    assert error.message == "unknown key 'sortname' for contributor 'tom'"
    assert error.hint == "did you mean 'sort_name'?"
    assert error.location.path == tmp_path / "contributors.toml"
    assert error.location.line == 6
    assert error.exit_code == 2


def test_unknown_key_without_a_close_match_lists_the_known_keys(tmp_path):
    error = roster_error(tmp_path, {"contributors.toml": '[jane]\nname = "Jane Doe"\nshoe_size = 7\n'})
    assert error.message == "unknown key 'shoe_size' for contributor 'jane'"
    assert error.hint == "known keys: bio, links, name, photo, sort_name"
    assert error.location.line == 3


def test_unknown_markdown_key_suggests_the_close_one_and_names_its_line(tmp_path):
    error = roster_error(tmp_path, {"contributors/jane.md": "---\nname: Jane Doe\nbioo: Writes.\n---\n"})
    assert error.message == "unknown key 'bioo' for contributor 'jane'"
    assert error.hint == "did you mean 'bio'?"
    assert error.location == type(error.location)(tmp_path / "contributors" / "jane.md", 3, "bioo")


@pytest.mark.parametrize(("header", "key"), [("[Jane]", "Jane"), ("[-jane]", "-jane"), ("[jane_]", None)])
def test_a_table_name_that_is_not_an_id_is_an_error_on_its_line(tmp_path, header, key):
    toml = f'[ok]\nname = "Ok"\n\n{header}\nname = "Jane Doe"\n'
    if key is None:  # underscores are allowed after the first character
        write(tmp_path, {"contributors.toml": toml})
        assert [p.id for p in load_roster(tmp_path).people] == ["ok", "jane_"]
        return
    error = roster_error(tmp_path, {"contributors.toml": toml})
    assert error.message == f"'{key}' is not a contributor id"
    assert "lower-case letters, digits and hyphens" in error.hint
    assert error.location.line == 4


@pytest.mark.parametrize("header", ['["Jane Doe"]', '["jane.doe"]', "['Jane Doe']"])
def test_a_quoted_table_name_that_is_not_an_id_names_its_line(tmp_path, header):
    """A name with a space or a dot must be quoted in TOML, which is exactly when it is not an
    id: the error should still point at the table's header line."""
    error = roster_error(tmp_path, {"contributors.toml": f'[ok]\nname = "Ok"\n\n{header}\nname = "Jane Doe"\n'})
    assert error.message.endswith("is not a contributor id"), error.message
    assert error.location.line == 4


def test_a_markdown_file_name_that_is_not_an_id_is_an_error(tmp_path):
    error = roster_error(tmp_path, {"contributors/Jane Doe.md": "---\nname: Jane Doe\n---\n"})
    assert error.message == "'Jane Doe' is not a contributor id"
    assert error.location.path == tmp_path / "contributors" / "Jane Doe.md"


def test_a_key_that_is_not_a_table_is_an_error(tmp_path):
    error = roster_error(tmp_path, {"contributors.toml": 'jane = "Jane Doe"\n'})
    assert error.message == "'jane' should be a table of one contributor"
    assert error.location.line == 1
    assert error.hint.startswith("write it as [jane]")


def test_a_contributor_without_a_name_is_an_error(tmp_path):
    error = roster_error(tmp_path, {"contributors.toml": '[jane]\nbio = "Writes."\n'})
    assert error.message == "contributor 'jane': missing required key 'name'", error.message
    assert error.location.path == tmp_path / "contributors.toml"


def test_a_wrong_type_names_the_key_and_its_line(tmp_path):
    error = roster_error(tmp_path, {"contributors.toml": '[jane]\nname = "Jane Doe"\nlinks = "https://example.org"\n'})
    assert error.message.startswith("contributor 'jane': links:"), error.message
    assert error.location.line == 3


def test_a_missing_photo_is_an_error_on_its_line(tmp_path):
    error = roster_error(tmp_path, {"contributors.toml": '[jane]\nname = "Jane Doe"\nphoto = "photos/jane.jpg"\n'})
    assert error.message == "contributor 'jane': no photo 'photos/jane.jpg' in the project"
    assert error.hint == "give the photo's path relative to the project folder"
    assert error.location.line == 3


def test_a_photo_outside_the_project_is_an_error(tmp_path):
    project = tmp_path / "book"
    write(tmp_path, {"outside.png": PNG})
    error = roster_error(project, {"contributors.toml": '[jane]\nname = "Jane Doe"\nphoto = "../outside.png"\n'})
    assert error.message == "contributor 'jane': no photo '../outside.png' in the project"


def test_a_missing_photo_in_a_markdown_file_names_its_line(tmp_path):
    error = roster_error(tmp_path, {"contributors/jane.md": "---\nname: Jane Doe\nphoto: jane.jpg\n---\nBio.\n"})
    assert error.message == "contributor 'jane': no photo 'jane.jpg' in the project"
    assert error.location.line == 3


def test_a_toml_syntax_error_names_its_line(tmp_path):
    error = roster_error(tmp_path, {"contributors.toml": '[jane]\nname = "Jane Doe"\nbio = "unclosed\n'})
    assert error.message.startswith("not valid TOML:"), error.message
    assert error.location == type(error.location)(tmp_path / "contributors.toml", 3)
    assert error.hint == "check quotes, commas and brackets on that line"
    assert error.exit_code == 2


def test_a_markdown_file_without_front_matter_is_an_error(tmp_path):
    error = roster_error(tmp_path, {"contributors/jane.md": "Jane Doe writes about rivers.\n"})
    assert error.message == "a contributor file starts with front matter between '---' lines"
    assert error.location.line == 1


def test_invalid_yaml_front_matter_names_its_line(tmp_path):
    error = roster_error(tmp_path, {"contributors/jane.md": "---\nname: Jane Doe\nlinks: [unclosed\n---\nBio.\n"})
    assert error.message.startswith("front matter is not valid YAML"), error.message
    assert error.location.path == tmp_path / "contributors" / "jane.md"
    assert error.location.line is not None and 2 <= error.location.line <= 4


@pytest.mark.parametrize("name", ["contributors.toml", "contributors/jane.md"])
def test_a_file_that_is_not_utf8_is_reported_not_a_crash(tmp_path, name):
    """Like bookify.toml and the manuscripts, a contributors file saved in Latin-1 is the
    author's mistake to fix, reported with the file (exit 2), not an internal error (exit 70)."""
    content = "[jane]\nname = \"Jos\xe9 Doe\"\n" if name.endswith(".toml") else "---\nname: Jos\xe9 Doe\n---\n"
    error = roster_error(tmp_path, {name: content.encode("latin-1")})
    assert "UTF-8" in error.message
    assert error.location.path == tmp_path / name


def test_a_markdown_file_with_a_byte_order_mark_loads(tmp_path):
    """Some editors (Notepad) start a UTF-8 file with a byte order mark; a manuscript may start
    with one (read_manuscript reads utf-8-sig), so a contributor's Markdown file may too."""
    write(tmp_path, {"contributors/jane.md": "\ufeff---\nname: Jane Doe\n---\nA bio.\n"})
    assert [(p.name, p.bio) for p in load_roster(tmp_path).people] == [("Jane Doe", "A bio.")]


def test_a_contributor_written_twice_says_so(tmp_path):
    (tmp_path / "contributors.toml").write_text(
        '[ada]\nname = "Ada"\n\n[bob]\nname = "Bob"\n\n[ada]\nbio = "Again"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_roster(tmp_path)
    assert info.value.render(tmp_path) == (
        "contributors.toml:7: not valid TOML: the table [ada] is written twice\n"
        "  hint: put all of [ada]'s keys under the first [ada], on line 1")
