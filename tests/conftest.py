"""Shared fixtures: fixture projects copied to a temporary folder, the repository's own sample
book, and the public-domain corpus beside the repository (skipped, with a reason, when absent).

Every test runs with SOURCE_DATE_EPOCH set, so builds are reproducible and comparable.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROJECTS = Path(__file__).resolve().parent / "projects"
CORPUS = REPO.parent / "shared" / "corpus"
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01T00:00:00Z

os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH


@pytest.fixture
def make_project(tmp_path: Path):
    """Copy `tests/projects/<name>` into a fresh temporary folder and return its path."""

    def make(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(PROJECTS / name, target)
        return target

    return make


@pytest.fixture(scope="session")
def corpus() -> Path:
    """../shared/corpus, the public-domain anthologies; tests that need it skip without it."""
    if not (CORPUS / "anthology-large").is_dir():
        pytest.skip(f"the corpus is not at {CORPUS} (it sits beside the repository in CI)")
    return CORPUS


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory):
    """The repository's sample anthology, built once (PDF, EPUB and HTML) for the whole session."""
    from bookify.build import build
    from bookify.project import load_project

    output = tmp_path_factory.mktemp("sample-build")
    project = load_project(REPO)
    return build(project, ["pdf", "epub", "html"], output_dir=output)
