"""`bookify new`: the project it makes, and what it refuses."""

from __future__ import annotations

import re

import pytest

from bookify.config import load_config
from bookify.errors import ConfigError
from bookify.markdown import render_book
from bookify.project import load_project
from bookify.scaffold import default_language, new_project
from bookify.themes import load_theme

from .helpers import assembled

EXPECTED = [
    ".gitignore",
    "bookify.toml",
    "manuscripts/01-first-essay.md",
    "manuscripts/02-second-essay.md",
    "styles/epub.css",
    "styles/print.css",
]


def files_in(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_new_project_files(tmp_path):
    folder = tmp_path / "idle-hours"
    written = new_project(folder, "The Idle Hours")
    assert files_in(folder) == EXPECTED
    assert sorted(p.relative_to(folder).as_posix() for p in written) == EXPECTED
    toml = (folder / "bookify.toml").read_text(encoding="utf-8")
    assert 'title = "The Idle Hours"' in toml
    assert "{{" not in toml  # the template was rendered
    assert (folder / ".gitignore").read_text(encoding="utf-8").strip() == "/build/"


def test_the_templates_commented_build_keys_are_valid(tmp_path):
    """Uncommenting the [build] table the template shows gives a config bookify accepts."""
    folder = tmp_path / "book"
    new_project(folder, "The Idle Hours")
    toml = folder / "bookify.toml"
    head, build = toml.read_text(encoding="utf-8").split("# [build]\n")
    uncommented = "".join(line.removeprefix("# ") for line in build.splitlines(keepends=True))
    toml.write_text(head + "[build]\n" + uncommented, encoding="utf-8")
    config = load_project(folder).config.build
    assert config.formats == ["pdf", "epub"] and config.output_dir == "build"
    assert config.jobs == 4 and config.cache is True and config.cache_max_mb == 1024


def test_new_project_loads_and_assembles_cleanly(tmp_path):
    folder = tmp_path / "book"
    new_project(folder, "The Idle Hours")
    project, book, diagnostics = assembled(folder)
    assert project.config.book.title == "The Idle Hours"
    assert [e.title for e in book.essays()] == ["A First Essay", "A Second Essay"]
    load_theme(project)
    render_book(book, project, diagnostics)
    assert diagnostics.items == []


@pytest.mark.parametrize(
    ("name", "title"),
    [("idle-hours", "Idle Hours"), ("my_new-book", "My New Book"), ("essays", "Essays")],
)
def test_title_from_the_folder_name(tmp_path, name, title):
    new_project(tmp_path / name)
    assert load_project(tmp_path / name).config.book.title == title


@pytest.mark.parametrize(
    "title",
    ['The "Idle" Hours', "Æs Triplex & Other Essays", "Essays\u00a0: première série"],
)
def test_any_title_gives_a_loadable_project(tmp_path, title):
    new_project(tmp_path / "book", title)
    assert load_project(tmp_path / "book").config.book.title == title


def test_title_with_a_backslash_gives_a_loadable_project(tmp_path):
    """Once a bug, now fixed: only double quotes are escaped when the title goes into bookify.toml, so
    `bookify new x --title 'Either\\Or'` writes `title = "Either\\Or"`, which is not valid TOML:
    the new project fails at once with "bookify.toml:12: not valid TOML: Unescaped '\\' …"."""
    new_project(tmp_path / "book", "Either\\Or")
    assert load_project(tmp_path / "book").config.book.title == "Either\\Or"


def test_refuses_a_folder_that_is_not_empty(tmp_path):
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        new_project(folder, "X")
    assert info.value.message == f"{folder} already exists and is not empty"
    assert info.value.hint == "choose a new folder name; bookify new never overwrites files"
    assert files_in(folder) == ["notes.txt"]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_refuses_a_folder_holding_only_a_hidden_file(tmp_path):
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / ".git").mkdir()
    with pytest.raises(ConfigError):
        new_project(folder, "X")


def test_refuses_a_file(tmp_path):
    path = tmp_path / "book"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError):
        new_project(path, "X")
    assert path.read_text(encoding="utf-8") == "x"


def test_an_existing_empty_folder_is_used(tmp_path):
    folder = tmp_path / "book"
    folder.mkdir()
    new_project(folder, "X")
    assert files_in(folder) == EXPECTED


def test_the_scaffold_names_the_files_build_writes(tmp_path):
    new_project(tmp_path / "book", "The Idle Hours")
    head = (tmp_path / "book" / "bookify.toml").read_text(encoding="utf-8").split("\n\n")[0]
    assert "<title>.pdf" not in head
    for name in ("<slug>-print.pdf", "-digital.pdf", "-cover.pdf", "<slug>.epub"):
        assert name in head, head


#: The keys an anthology editor reaches for, which the scaffold shows (commented).
SHOWN_KEYS = [
    ("book", "dedication"), ("book", "epigraph"), ("book", "epigraph_source"),
    ("book", "foreword_by"), ("print", "notes"), ("print", "editions"), ("print", "printer"),
    ("print", "bleed"), ("front_matter", "files"), ("back_matter", "files"),
    ("back_matter", "contributors"), ("epub", "page_list"), ("epub", "image_max_px"),
]


def test_every_key_the_scaffold_shows_is_valid_when_uncommented(tmp_path):
    folder = tmp_path / "book"
    new_project(folder, "The Idle Hours")
    toml = folder / "bookify.toml"
    lines = []
    for line in toml.read_text(encoding="utf-8").splitlines():
        # (but for placeholders the author must fill in: "978-…")
        if re.match(r"# (\[[a-z_]+\]$|[a-z_]+ = )", line) and "…" not in line.split("#")[1]:
            line = line.removeprefix("# ")  # a commented table or key, not a comment
        lines.append(line)
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The values validate; the files they name (a cover, a foreword) are the author's to add,
    # which load_project would ask for.
    config = load_config(toml)
    for table, key in SHOWN_KEYS:
        assert key in getattr(config, table).model_fields_set, (table, key)
    assert "contributors.toml" in "\n".join(lines)


def test_deleting_the_example_essays_says_how_to_use_every_file(tmp_path):
    folder = tmp_path / "book"
    new_project(folder, "The Idle Hours")
    for example in (folder / "manuscripts").glob("*.md"):
        example.unlink()
    (folder / "manuscripts" / "mine.md").write_text("# Mine\n\nText.\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        assembled(folder)
    assert "01-first-essay.md" in info.value.message
    assert "delete 'contents' to use every file in manuscripts/ in file-name order" in info.value.hint


@pytest.mark.parametrize("environ, expected", [
    ({"LANG": "en_GB.UTF-8"}, "en-GB"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "fr_CA.UTF-8"}, "fr-CA"),
    ({"LANG": "de_DE@euro"}, "de-DE"),
    ({"LANG": "en"}, "en-US"),
    ({"LANG": "C.UTF-8"}, "en-US"),
    ({"LANG": "POSIX"}, "en-US"),
    ({}, "en-US"),
])
def test_the_language_comes_with_its_region(environ, expected):
    """Hyphenation and spelling follow the region: the scaffold never writes a bare 'en'."""
    assert default_language(environ) == expected


def test_the_scaffold_writes_the_language_it_is_given(tmp_path):
    new_project(tmp_path / "book", "X", language="en-GB")
    assert load_project(tmp_path / "book").config.book.language == "en-GB"
    with pytest.raises(ConfigError, match="--language"):
        new_project(tmp_path / "other", "X", language="english")
    assert not (tmp_path / "other").exists(), "nothing written for a bad language"
