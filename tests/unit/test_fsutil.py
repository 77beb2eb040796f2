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
    with pytest.raises(Boom), atomic_output(target) as temporary:
        temporary.write_bytes(b"half a PDF")
        raise Boom()
    assert target.read_bytes() == b"%PDF old bytes"
    assert target.stat().st_mtime_ns == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.pdf"]


def test_failure_without_a_previous_file_leaves_nothing(tmp_path):
    target = tmp_path / "out" / "book.epub"
    with pytest.raises(Boom), atomic_output(target) as temporary:
        temporary.write_bytes(b"partial")
        raise Boom()
    assert not target.exists()
    assert list((tmp_path / "out").iterdir()) == []


def test_failure_before_writing_anything(tmp_path):
    target = tmp_path / "book.pdf"
    target.write_bytes(b"old")
    with pytest.raises(Boom), atomic_output(target):
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
    with pytest.raises(KeyboardInterrupt), atomic_output(target) as temporary:
        temporary.write_bytes(b"partial")
        raise KeyboardInterrupt
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["book.pdf"]


# --- OutputSet: a build's outputs move into place together, or not at all ----------------------

from bookify.fsutil import OutputFolderError, OutputSet  # noqa: E402


def test_outputs_appear_only_when_committed(tmp_path):
    (tmp_path / "book.pdf").write_bytes(b"old pdf")
    with OutputSet(tmp_path) as outputs:
        outputs.path(tmp_path / "book.pdf").write_bytes(b"new pdf")
        staged = outputs.path(tmp_path / "book.epub")
        staged.write_bytes(b"new epub")
        assert (tmp_path / "book.pdf").read_bytes() == b"old pdf"
        assert not (tmp_path / "book.epub").exists()
        outputs.commit()
    assert (tmp_path / "book.pdf").read_bytes() == b"new pdf"
    assert (tmp_path / "book.epub").read_bytes() == b"new epub"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.epub", "book.pdf"]


def test_a_failure_before_commit_changes_nothing(tmp_path):
    (tmp_path / "book.pdf").write_bytes(b"old pdf")
    with pytest.raises(Boom), OutputSet(tmp_path) as outputs:
        outputs.path(tmp_path / "book.pdf").write_bytes(b"new pdf")
        raise Boom
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.pdf"]
    assert (tmp_path / "book.pdf").read_bytes() == b"old pdf"


def test_a_folder_output_is_replaced_whole(tmp_path):
    old = tmp_path / "html"
    old.mkdir()
    (old / "stale.css").write_text("old")
    with OutputSet(tmp_path) as outputs:
        folder = outputs.path(old)
        folder.mkdir()
        (folder / "index.html").write_text("new")
        outputs.commit()
    assert sorted(p.name for p in old.iterdir()) == ["index.html"]


def test_a_link_on_the_way_is_refused(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "html").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OutputFolderError, match="symbolic link"), OutputSet(tmp_path / "out") as outputs:
        outputs.path(tmp_path / "out" / "html" / "index.html")
