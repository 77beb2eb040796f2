"""atomic_output: an output is replaced whole, or not at all."""

from __future__ import annotations

import os
import stat

import pytest

from bookify.fsutil import atomic_output


class Boom(Exception):
    pass


def test_success_replaces_the_target(tmp_path):
    target = tmp_path / "book.pdf"
    target.write_bytes(b"old")
    with atomic_output(target) as temporary:
        assert temporary != target
        assert temporary.parent == target.parent  # same folder, so the rename is atomic
        assert target.read_bytes() == b"old"  # untouched while the block runs
        temporary.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.pdf"]


def test_success_creates_missing_folders_and_a_readable_file(tmp_path):
    target = tmp_path / "build" / "html" / "index.html"
    with atomic_output(target) as temporary:
        temporary.write_text("<html/>", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "<html/>"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_failure_leaves_the_previous_file_untouched(tmp_path):
    target = tmp_path / "book.pdf"
    target.write_bytes(b"%PDF old bytes")
    before = target.stat().st_mtime_ns
    with pytest.raises(Boom):
        with atomic_output(target) as temporary:
            temporary.write_bytes(b"half a PDF")
            raise Boom()
    assert target.read_bytes() == b"%PDF old bytes"
    assert target.stat().st_mtime_ns == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.pdf"]


def test_failure_without_a_previous_file_leaves_nothing(tmp_path):
    target = tmp_path / "out" / "book.epub"
    with pytest.raises(Boom):
        with atomic_output(target) as temporary:
            temporary.write_bytes(b"partial")
            raise Boom()
    assert not target.exists()
    assert list((tmp_path / "out").iterdir()) == []


def test_failure_before_writing_anything(tmp_path):
    target = tmp_path / "book.pdf"
    target.write_bytes(b"old")
    with pytest.raises(Boom):
        with atomic_output(target):
            raise Boom()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["book.pdf"]


def test_temporary_name_is_hidden_beside_the_target(tmp_path):
    target = tmp_path / "book.pdf"
    with atomic_output(target) as temporary:
        assert temporary.name.startswith(".book.pdf.")
        assert temporary.name.endswith(".tmp")
        assert temporary.exists()
        temporary.write_bytes(b"x")


def test_writer_that_replaces_the_temporary_path(tmp_path):
    # Some writers (zip libraries) delete and recreate the path they are given.
    target = tmp_path / "book.epub"
    with atomic_output(target) as temporary:
        os.unlink(temporary)
        temporary.write_bytes(b"zip")
    assert target.read_bytes() == b"zip"
    assert [p.name for p in tmp_path.iterdir()] == ["book.epub"]


def test_keyboard_interrupt_also_cleans_up(tmp_path):
    target = tmp_path / "book.pdf"
    target.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt):
        with atomic_output(target) as temporary:
            temporary.write_bytes(b"partial")
            raise KeyboardInterrupt
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["book.pdf"]
