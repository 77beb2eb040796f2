"""Reproducible builds: the same sources (and SOURCE_DATE_EPOCH) give the same bytes, so a
publisher can rebuild a book and get the file the printer and the store already have."""

from __future__ import annotations

import hashlib

import pytest

from .conftest import PROJECTS, BuiltBook, copy_project, lazy_project


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def features_again(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """The features project built a second time, into another folder."""
    return lazy_project(PROJECTS / "features", tmp_path_factory.mktemp("features-again"), "features-again")


@pytest.fixture(scope="module")
def features_elsewhere(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """The features project copied to another folder (another checkout) and built there."""
    root = copy_project("features", tmp_path_factory.mktemp("elsewhere") / "checkout" / "features")
    return lazy_project(root, root / "build", "features-elsewhere")


#: (format, edition): both PDF editions and the EPUB.
OUTPUTS = [("pdf", "print"), ("pdf", "digital"), ("epub", None)]


@pytest.mark.parametrize(("fmt", "edition"), OUTPUTS)
def test_two_builds_into_two_folders_are_byte_identical(features_book: BuiltBook, features_again: BuiltBook,
                                                        fmt: str, edition: str | None) -> None:
    first, second = features_book.artifact(fmt, edition), features_again.artifact(fmt, edition)
    assert first.parent != second.parent
    assert first.name == second.name
    assert digest(first) == digest(second), f"{first} and {second} differ"


@pytest.mark.parametrize(("fmt", "edition"), OUTPUTS)
def test_the_same_sources_in_another_folder_give_the_same_bytes(features_book: BuiltBook, features_elsewhere: BuiltBook,
                                                               fmt: str, edition: str | None) -> None:
    """Where the project is checked out is not part of the book."""
    first, second = features_book.artifact(fmt, edition), features_elsewhere.artifact(fmt, edition)
    assert digest(first) == digest(second), f"{first} and {second} differ"


def test_without_source_date_epoch_two_builds_still_agree(tmp_path) -> None:
    """The build's date then comes from the sources (their newest file): nothing may take the
    clock's time instead — a font merged from two stretches once carried it in its head table."""
    import os
    import subprocess
    import sys
    import time

    root = copy_project("minimal", tmp_path / "minimal")
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    digests = []
    for run in range(2):
        if run:
            time.sleep(1.1)  # a font's head table dates to the second
        subprocess.run([sys.executable, "-m", "bookify", "build", "--format", "pdf", "--no-cache",
                        "-q", "--output", str(tmp_path / f"out{run}")], cwd=root, env=environment,
                       check=True, capture_output=True, timeout=300)
        digests.append({p.name: digest(p) for p in (tmp_path / f"out{run}").glob("*.pdf")})
    assert len(digests[0]) == 3 and digests[0] == digests[1]
