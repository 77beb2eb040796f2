"""Finding and loading a book project: its folders, its build date, its output folder."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from bookify.errors import ConfigError
from bookify.project import load_project

from .helpers import essay, write_project

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
