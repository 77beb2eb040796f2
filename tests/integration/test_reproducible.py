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
