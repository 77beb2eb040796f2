"""Golden outputs: what bookify writes and says, pinned in `tests/projects/*/expected/`.

- The features book's EPUB: its package document (`content.opf`), its navigation (`nav.xhtml`)
  and the XHTML of each essay, byte for byte (SOURCE_DATE_EPOCH fixes the dates).
- The broken projects (`tests/projects/broken-*`): the exit status and every line `bookify build
  --strict` prints, and that nothing was written.

The reference page images of each theme are pinned by tests/integration/test_themes.py. After a
deliberate change, regenerate them all with `BOOKIFY_UPDATE_GOLDEN=1 python -m pytest
tests/integration/test_golden.py tests/integration/test_themes.py tests/unit/test_bad_input_corpus.py`
and review the diff.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.support.golden import assert_text_golden
from tests.unit.test_cli import no_traceback, plain_terminal, run  # noqa: F401 (autouse)

from .conftest import PROJECTS, BuiltBook

FEATURES_EXPECTED = PROJECTS / "features" / "expected"
BROKEN = sorted(path.name for path in PROJECTS.glob("broken-*"))


def _check_all(checks: list[tuple[Path, str, str]]) -> None:
    """Compare (golden file, actual text, what) each, and report every file that differs, not
    only the first (with the update flag, every one is rewritten)."""
    failures = []
    for expected_file, actual, what in checks:
        try:
            assert_text_golden(expected_file, actual, what)
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n\n".join(failures)


def test_the_epub_package_and_navigation_are_as_pinned(features_book: BuiltBook) -> None:
    with zipfile.ZipFile(features_book.epub) as epub:
        _check_all([(FEATURES_EXPECTED / "epub" / name,
                     epub.read(f"EPUB/{name}").decode("utf-8"), f"the EPUB's {name}")
                    for name in ("content.opf", "nav.xhtml")])


def test_each_essays_xhtml_is_as_pinned(features_book: BuiltBook) -> None:
    ids = [essay.essay.id for essay in features_book.rendered.essays()]
    assert len(ids) >= 5, ids
    with zipfile.ZipFile(features_book.epub) as epub:
        _check_all([(FEATURES_EXPECTED / "epub" / f"{essay_id}.xhtml",
                     epub.read(f"EPUB/{essay_id}.xhtml").decode("utf-8"),
                     f"the EPUB's page of the essay '{essay_id}'")
                    for essay_id in ids])


def test_there_are_broken_projects() -> None:
    assert len(BROKEN) >= 5, BROKEN


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_project_gets_the_pinned_messages_and_no_output(name: str, tmp_path: Path) -> None:
    root = PROJECTS / name
    output = tmp_path / "out"
    result = run("build", "--project", root, "--output", output, "--strict", "-q")
    no_traceback(result)
    assert result.exit_code not in (0, 70), result.output
    written = sorted(p.name for p in output.iterdir() if not p.name.startswith(".")) if (
        output.exists()) else []
    assert written == [], written  # the layout cache (.cache/) may stay; no output may
    text = result.stderr.replace(str(tmp_path), "<tmp>").replace(str(root), "<project>")
    assert_text_golden(root / "expected" / "build.txt", f"exit {result.exit_code}\n{text}",
                       f"what `bookify build --strict` says about {name}")
