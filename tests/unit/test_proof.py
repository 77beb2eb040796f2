"""`bookify proof`'s page selection: read and checked before the book is laid out, resolved
against the laid-out edition's printed folios."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bookify.cli import main
from bookify.errors import BookifyError
from bookify.outputs.pdf import PageFacts, PrintLayout
from bookify.proof import PageSelection
from tests.unit.helpers import essay, write_project


def _layout(front: int, body: int, essays: dict[str, int] | None = None) -> PrintLayout:
    """A laid-out edition of `front` roman-folioed pages then `body` arabic ones; `essays` maps
    an essay id to the index of its opening page."""
    openings = {index: name for name, index in (essays or {}).items()}
    facts = tuple(PageFacts((openings[i],) if i in openings else (), None, None, False,
                            (0, 0, 100, 100)) for i in range(front + body))
    return PrintLayout(b"", facts, front_start=0, body_start=front)


@pytest.mark.parametrize("text, expected", [
    ("1-3", [4, 5, 6]),
    ("ii, 2", [1, 5]),
    ("III-iv", [2, 3]),
    ("iv,1", [3, 4]),
])
def test_folios_name_the_pages_they_print_on(text: str, expected: list[int]) -> None:
    assert PageSelection.parse(text).pages(_layout(front=4, body=6)) == expected


def test_all_and_essays_and_the_default() -> None:
    layout = _layout(front=4, body=6, essays={"second": 7})
    assert PageSelection.parse("all").pages(layout) == list(range(10))
    assert PageSelection.parse(None, ["second"]).pages(layout) == [7, 8]
    assert PageSelection.parse(None).pages(layout) == [3, 4, 5, 6, 7], "the text's first spreads"


@pytest.mark.parametrize("text", ["abc", "0", "07", "3-", "-3", "5-2", "iv-ii", "iv-3", "1.5",
                                  "iiii", "vx"])
def test_what_no_book_prints_is_refused_before_layout(text: str) -> None:
    with pytest.raises(BookifyError, match="--pages"):
        PageSelection.parse(text)


def test_a_folio_past_the_end_names_the_folios_the_book_has() -> None:
    with pytest.raises(BookifyError, match="no page '999' in the book: it prints i–iv and 1–6"):
        PageSelection.parse("2,999").pages(_layout(front=4, body=6))


def test_proof_refuses_a_bad_selection_or_essay_before_laying_anything_out(tmp_path: Path
                                                                           ) -> None:
    root = write_project(tmp_path / "book", files={"manuscripts/01-first.md": essay("First")})
    for arguments, message in [(["--pages", "12-3"], "runs backwards"),
                               (["--essay", "frist"], "did you mean 'first'")]:
        result = CliRunner().invoke(main, ["proof", "--project", str(root), *arguments])
        assert result.exit_code == 1, result.output
        assert message in result.output
        assert not (root / "build" / "proof").exists(), "refused before the book was laid out"
