"""Finding and loading a book project: its folders, its build date, its output folder."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from bookify.errors import ConfigError
from bookify.project import load_project

from .helpers import MINIMAL_TOML, essay, write_project

UTC = dt.UTC


def test_load_project_paths(tmp_path):
    root = write_project(tmp_path / "book")
    project = load_project(root)
    assert project.root == root.resolve()
    assert project.config.book.title == "A Test Book"
    assert project.config_path == root / "bookify.toml"
    assert project.manuscripts_dir == root / "manuscripts"
    assert project.styles_dir == root / "styles"
    assert project.output_dir == root / "build"


def test_relative_root_is_resolved(tmp_path, monkeypatch):
    write_project(tmp_path / "book")
    monkeypatch.chdir(tmp_path)
    assert load_project(Path("book")).root == (tmp_path / "book").resolve()


def test_missing_bookify_toml(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_project(tmp_path)
    error = info.value
    assert error.message == f"no bookify.toml in {tmp_path.resolve()}"
    assert error.hint == (
        "run bookify in a book project, pass --project DIR, or create one with `bookify new NAME`"
    )
    assert error.exit_code == 2


def test_project_folder_that_does_not_exist(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_project(tmp_path / "nowhere")
    assert info.value.message == f"{tmp_path.resolve() / 'nowhere'} is not a folder"
    assert info.value.hint == "pass the book project's folder to --project"


# --- SOURCE_DATE_EPOCH ----------------------------------------------------------------------


def test_source_date_epoch_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    project = load_project(write_project(tmp_path))
    assert project.source_date == dt.datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("value", ["soon", "1.5", "2026-01-01", "0x10"])
def test_bad_source_date_epoch(tmp_path, monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(ConfigError) as info:
        load_project(write_project(tmp_path))
    assert info.value.message == f"SOURCE_DATE_EPOCH='{value}' is not a whole number of seconds"
    assert info.value.hint == (
        "unset it, or set it to a Unix timestamp such as $(git log -1 --format=%ct)"
    )


def test_out_of_range_source_date_epoch_is_a_config_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999999")
    with pytest.raises(ConfigError):
        load_project(write_project(tmp_path))


def test_without_source_date_epoch_the_newest_source_file_counts(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = write_project(
        tmp_path,
        files={
            "manuscripts/01-a.md": essay("A"),
            "styles/print.css": "body {}\n",
            "build/old.pdf": "x",
            "notes.txt": "x",
        },
    )
    os.utime(root / "bookify.toml", (1_000_000_000, 1_000_000_000))
    os.utime(root / "manuscripts/01-a.md", (1_100_000_000, 1_100_000_000))
    os.utime(root / "styles/print.css", (1_200_000_000, 1_200_000_000))
    os.utime(root / "build/old.pdf", (1_900_000_000, 1_900_000_000))  # an output, not a source
    os.utime(root / "notes.txt", (1_900_000_000, 1_900_000_000))  # not read by a build
    assert load_project(root).source_date == dt.datetime.fromtimestamp(1_200_000_000, UTC)


def test_empty_source_date_epoch_means_unset(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    root = write_project(tmp_path)
    for path in (root / "bookify.toml", root / "manuscripts/01-a.md"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    assert load_project(root).source_date == dt.datetime.fromtimestamp(1_000_000_000, UTC)


# --- output_dir -----------------------------------------------------------------------------


@pytest.mark.parametrize("folder", ["out", "build/book", "./proofs"])
def test_output_dir_inside_the_project(tmp_path, folder):
    project = load_project(write_project(tmp_path, f'[book]\ntitle="X"\n[build]\noutput_dir="{folder}"\n'))
    assert project.output_dir.resolve() == (tmp_path / folder).resolve()


@pytest.mark.parametrize("folder", ["../out", "/tmp/bookify-out", ".", "build/../..", ""])
def test_output_dir_outside_the_project_is_refused(tmp_path, folder):
    root = write_project(tmp_path / "book", f'[book]\ntitle="X"\n[build]\noutput_dir="{folder}"\n')
    with pytest.raises(ConfigError) as info:
        load_project(root)
    error = info.value
    assert error.message == f"build.output_dir '{folder}' must be a folder inside the project"
    assert error.hint == 'use a relative folder name such as "build"'
    assert error.location.path == root.resolve() / "bookify.toml"
    assert error.location.key == "build.output_dir"


def test_output_dir_error_names_its_line(tmp_path):
    """Once a minor bug, now fixed: unlike every error from config.py, this one has no line number
    ('bookify.toml: build.output_dir …' instead of 'bookify.toml:5: …')."""
    root = write_project(tmp_path / "book", '[book]\ntitle="X"\n\n[build]\noutput_dir="../out"\n')
    with pytest.raises(ConfigError) as info:
        load_project(root)
    assert info.value.location.line == 5


# --- paths the user wrote -------------------------------------------------------------------


def test_resolve_refuses_a_path_outside_the_project(tmp_path):
    project = load_project(write_project(tmp_path / "book"))
    (tmp_path / "secret.jpg").write_bytes(b"x")
    with pytest.raises(ConfigError) as info:
        project.resolve("../secret.jpg", what="cover image")
    assert info.value.message == "cover image '../secret.jpg' is outside the book project"
    assert info.value.hint == f"move it into {project.root} and refer to it from there"


def test_resolve_accepts_paths_inside(tmp_path):
    project = load_project(write_project(tmp_path / "book"))
    assert project.resolve("a/../b.jpg") == project.root / "b.jpg"
    assert project.resolve("x.md", base=project.manuscripts_dir) == project.manuscripts_dir / "x.md"


def test_resolve_refuses_a_symlink_out_of_the_project(tmp_path):
    project = load_project(write_project(tmp_path / "book"))
    (tmp_path / "outside").mkdir()
    (project.root / "link").symlink_to(tmp_path / "outside")
    with pytest.raises(ConfigError):
        project.resolve("link/x.jpg")


# --- settings checked as the project loads, before anything is read or laid out --------------

#: (what bookify.toml adds, the files it needs, the message, the key it names). Each was found
#: only while laying out or writing before: the spine and the barcode area with the cover wrap
#: (after both editions), the theme when it was loaded, the cover when the EPUB embedded it.
LOAD_TIME_CHECKS = [
    ('[print]\nspine_width = "0in"\n', {},
     "print.spine_width: '0in' is no spine: a book's spine has a width", "print.spine_width"),
    ('[print]\nspine_width = "7in"\n', {},
     "print.spine_width: '7in' is wider than any spine KDP binds: its thickest paperback "
     "(828 pages on cream paper) has a 2.07 in spine", "print.spine_width"),
    ('[print]\nprinter = "lulu"\npaper = "white"\nspine_width = "2in"\n', {},
     "print.spine_width: '2in' is wider than any spine Lulu binds: its thickest paperback "
     "(800 pages on white paper) has a 1.8 in spine", "print.spine_width"),
    ('[print]\ntrim = "3x5in"\n', {},
     "print.trim: KDP prints paperbacks from 4 × 6 in to 8.5 × 11.69 in, not 3 × 5 in",
     "print.trim"),
    ('[print]\ntrim = "9x12in"\n', {},
     "print.trim: KDP prints paperbacks from 4 × 6 in to 8.5 × 11.69 in, not 9 × 12 in",
     "print.trim"),
    ('[print]\nprinter = "generic"\ntrim = "2x4in"\n', {},
     "print.trim: the trim is too narrow for a back cover with a 2 in barcode area",
     "print.trim"),
    ('[print]\nprinter = "offset"\ntrim = "4x1.5in"\n', {},
     "print.trim: the trim is too short for a back cover with a 1.2 in barcode area",
     "print.trim"),
    ('[theme]\nname = "fancy"\n', {}, "theme.name: unknown theme 'fancy'", "theme.name"),
]
COVER_CHECKS = [
    ({}, "book.cover: no file 'cover.png'"),
    ({"cover.png": b"not a picture"},
     "book.cover 'cover.png': not a JPEG, PNG, GIF or WebP image that can be read"),
    ({"cover.png": b'<svg xmlns="http://www.w3.org/2000/svg"/>'},
     "book.cover 'cover.png': not a JPEG, PNG, GIF or WebP image that can be read"),
    ({"cover.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>'},
     "book.cover 'cover.svg': a cover must be a picture in pixels, not SVG"),
]


@pytest.mark.parametrize("toml, files, message, key", LOAD_TIME_CHECKS)
def test_a_setting_no_book_can_have_is_refused_by_load_project(tmp_path, toml, files, message,
                                                               key):
    root = write_project(tmp_path / "book", MINIMAL_TOML + toml, {
        "manuscripts/01-a.md": essay("A"), **files})
    with pytest.raises(ConfigError) as caught:
        load_project(root)
    error = caught.value
    assert error.message == message
    assert error.location.key == key
    assert error.location.path == root.resolve() / "bookify.toml"
    written = (root / "bookify.toml").read_text(encoding="utf-8").splitlines()
    assert written[error.location.line - 1].startswith(key.split(".")[1])
    assert error.hint


@pytest.mark.parametrize("files, message", COVER_CHECKS)
def test_a_cover_that_cannot_be_used_is_refused_by_load_project(tmp_path, files, message):
    name = next(iter(files), "cover.png")
    root = write_project(tmp_path / "book", f'[book]\ntitle = "X"\ncover = "{name}"\n',
                         {"manuscripts/01-a.md": essay("A"), **files})
    with pytest.raises(ConfigError) as caught:
        load_project(root)
    assert caught.value.message == message
    assert (caught.value.location.line, caught.value.location.key) == (3, "book.cover")


def test_settings_a_printer_takes_load(tmp_path):
    root = write_project(tmp_path / "book", MINIMAL_TOML + (
        '[print]\nprinter = "generic"\ntrim = "2x4in"\ncover_wrap = false\n'))
    assert load_project(root).config.print.trim.width == 2  # no cover wrap: no barcode area
    root = write_project(tmp_path / "b2", MINIMAL_TOML + (
        '[print]\ntrim = "a5"\nspine_width = "2.07in"\n'))
    assert load_project(root).config.print.spine_width == "2.07in"


@pytest.mark.parametrize("toml, files, message, key", [*LOAD_TIME_CHECKS, (
    'cover = "cover.svg"\n', {"cover.svg": "<svg/>"},
    "book.cover 'cover.svg': a cover must be a picture in pixels, not SVG", "book.cover")])
def test_build_stops_at_the_setting_before_reading_or_laying_out(tmp_path, monkeypatch, toml,
                                                                  files, message, key):
    from bookify import build as build_module

    from .test_cli import run

    def never(*args, **kwargs):
        raise AssertionError("the manuscripts were read: the setting was checked too late")

    monkeypatch.setattr(build_module, "assemble_book", never)
    root = write_project(tmp_path / "book", MINIMAL_TOML + toml, {
        "manuscripts/01-a.md": essay("A"), **files})
    result = run("build", "--project", root, "-q")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    cache = root / "build" / ".cache"
    assert not cache.exists() or not any(p.is_file() for p in cache.rglob("*"))


@pytest.mark.parametrize("toml, message, key", [
    ('contents = ["nope.md"]\n', "contents lists 'nope.md', but there is no such file in "
     "manuscripts/", "contents[0]"),
    ('contents = ["01-a.md", "01-a.md"]\n', "contents lists '01-a.md' twice", "contents[1]"),
    ('contents = [{ part = "P", essays = ["01-a.md"], intro = "../x.md" }]\n',
     "contents lists '../x.md', which is not in manuscripts/", "contents[0].intro"),
    ('[front_matter]\nfiles = ["01-a.md"]\n[back_matter]\nfiles = ["01-a.md"]\n',
     "contents lists '01-a.md' twice", "back_matter.files[0]"),
])
def test_a_listed_manuscript_that_is_not_there_is_refused_by_load_project(tmp_path, toml,
                                                                           message, key):
    root = write_project(tmp_path / "book", toml + MINIMAL_TOML,
                         {"manuscripts/01-a.md": essay("A"), "x.md": essay("X")})
    with pytest.raises(ConfigError) as caught:
        load_project(root)
    assert caught.value.message == message
    assert caught.value.location.key == key
    written = (root / "bookify.toml").read_text(encoding="utf-8").splitlines()
    assert written[caught.value.location.line - 1] == toml.splitlines()[-1]  # the entry's line
