"""The preview's build state: what a save rebuilds, how an essay's new pages are spliced into the
book, and a session going through edits, errors and recoveries (jobs run inline, no processes)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bookify.preview.jobs import InlineRunner
from bookify.preview.session import Plan, PreviewSession, Snapshot, plan_rebuild, splice
from bookify.preview.state import Division, Job, JobResult, PageInfo

from .helpers import PNG, essay, write_project

PAGE = dict(size=(396.0, 612.0), trim=(0.0, 0.0, 396.0, 612.0), content=(50.0, 50.0, 290.0, 500.0))


def pages(pdf: str, labels: list[str], division: str | None, first_index: int = 0) -> tuple[PageInfo, ...]:
    return tuple(PageInfo(pdf, first_index + n, label, division, **PAGE)
                 for n, label in enumerate(labels))


def good_book(tmp_path: Path) -> Snapshot:
    """A laid-out book: contents (i–ii), essay a (1–4), essay b (5–6), back page (7)."""
    all_pages = (pages("j1", ["i", "ii"], "contents") + pages("j1", ["1", "2", "3", "4"], "a", 2)
                 + pages("j1", ["5", "6"], "b", 6) + pages("j1", ["7"], "credits", 8))
    divisions = (Division("contents", "Contents", "contents", start=0, count=2),
                 Division("a", "A", "essay", source="manuscripts/a.md", start=2, count=4),
                 Division("b", "B", "essay", source="manuscripts/b.md", start=6, count=2),
                 Division("credits", "Credits", "back", start=8, count=1))
    return Snapshot(generation=1, pages=all_pages, divisions=divisions,
                    pdfs={"j1": tmp_path / "j1.pdf"}, gutter=57.6)


@pytest.fixture
def good(tmp_path: Path) -> Snapshot:
    (tmp_path / "manuscripts").mkdir()
    for name in ("a.md", "b.md"):
        (tmp_path / "manuscripts" / name).write_text("x")
    return good_book(tmp_path)


def test_nothing_laid_out_yet_means_a_full_build(tmp_path: Path) -> None:
    assert plan_rebuild({tmp_path / "manuscripts/a.md"}, None, tmp_path, False) == Plan("full")


def test_one_essay_saved_is_an_essay_job(tmp_path: Path, good: Snapshot) -> None:
    assert plan_rebuild({tmp_path / "manuscripts/b.md"}, good, tmp_path, False) == Plan("essay", "b")


@pytest.mark.parametrize("changed", [
    ["bookify.toml"], ["styles/print.css"], ["manuscripts/new.md"],
    ["manuscripts/a.md", "manuscripts/b.md"], ["manuscripts/gone.md"],
])
def test_anything_else_is_a_full_build(tmp_path: Path, good: Snapshot, changed: list[str]) -> None:
    assert plan_rebuild({tmp_path / c for c in changed}, good, tmp_path, False) == Plan("full")


def test_a_deleted_essay_is_a_full_build(tmp_path: Path, good: Snapshot) -> None:
    (tmp_path / "manuscripts" / "a.md").unlink()
    assert plan_rebuild({tmp_path / "manuscripts/a.md"}, good, tmp_path, False) == Plan("full")


def test_after_an_essay_job_the_full_build_still_follows(tmp_path: Path, good: Snapshot) -> None:
    assert plan_rebuild(set(), good, tmp_path, need_full=True) == Plan("full")
    assert plan_rebuild(set(), good, tmp_path, need_full=False) is None


def essay_result(essay_id: str, labels: list[str], title: str = "A, revised") -> JobResult:
    job = Job("j2", Path("."), Path("."), "essay", essay_id)
    fresh = (Division("contents", "Contents", "contents"),
             Division("a", title, "essay", source="manuscripts/a.md"),
             Division("b", "B", "essay", source="manuscripts/b.md"),
             Division("credits", "Credits", "back"))
    return JobResult(job, "essay", 0.5, pages=pages("j2", labels, essay_id), divisions=fresh)


def test_a_longer_essay_moves_the_pages_after_it(good: Snapshot) -> None:
    new_pages, divisions = splice(good, essay_result("a", ["1", "2", "3", "4", "5", "6"]))
    assert [p.label for p in new_pages] == ["i", "ii", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
    assert [p.pdf for p in new_pages] == ["j1"] * 2 + ["j2"] * 6 + ["j1"] * 3
    # The moved pages still show their old folios until the full build redoes them.
    assert [p.stale for p in new_pages] == [False] * 8 + [True] * 3
    starts = {d.id: (d.start, d.count, d.title) for d in divisions}
    assert starts == {"contents": (0, 2, "Contents"), "a": (2, 6, "A, revised"),
                      "b": (8, 2, "B"), "credits": (10, 1, "Credits")}


def test_an_essay_of_the_same_length_leaves_the_rest_alone(good: Snapshot) -> None:
    new_pages, _ = splice(good, essay_result("b", ["5", "6"]))
    assert new_pages[:6] == good.pages[:6] and new_pages[8:] == good.pages[8:]
    assert [p.key for p in new_pages[6:8]] == ["j2-0", "j2-1"]
    assert not any(p.stale for p in new_pages)


def test_a_shorter_essay(good: Snapshot) -> None:
    new_pages, divisions = splice(good, essay_result("a", ["1", "2"]))
    assert [p.label for p in new_pages] == ["i", "ii", "1", "2", "3", "4", "5"]
    assert [(d.id, d.start) for d in divisions] == [("contents", 0), ("a", 2), ("b", 4), ("credits", 6)]


# ---------------------------------------------------------------- a session on a real project

def long_essay(title: str, paragraphs: int, word: str = "Text") -> str:
    return essay(title, (f"{word} " * 120 + "\n\n") * paragraphs)


@pytest.fixture
def session(tmp_path: Path):
    root = write_project(tmp_path / "book", files={
        "manuscripts/01-first.md": long_essay("First", 3),
        "manuscripts/02-second.md": long_essay("Second", 3),
        "manuscripts/03-third.md": long_essay("Third", 2),
    })
    session = PreviewSession(root, runner=InlineRunner(), cache=tmp_path / "cache")
    session.start()
    yield session
    session.stop()


def settled(session: PreviewSession, after: int, timeout: float = 60) -> Snapshot:
    """The snapshot once generation `after` has passed and nothing is left to build."""
    deadline = time.monotonic() + timeout
    session.wait_for(lambda s: s.generation > after, timeout)
    while not session.idle():
        if time.monotonic() > deadline:
            raise TimeoutError(session.status)
        time.sleep(0.05)
    return session.snapshot


def test_an_essay_edit_is_spliced_then_redone_in_full(session: PreviewSession) -> None:
    first = settled(session, 0)
    assert first.kind == "full" and not first.provisional and not first.errors
    second = first.division("second")
    third = first.division("third")
    source = session.root / "manuscripts" / "02-second.md"
    source.write_text(long_essay("Second, longer", 9), encoding="utf-8")
    session.changed({source})
    spliced = session.wait_for(lambda s: s.generation > first.generation, 60)
    assert spliced.kind == "essay" and spliced.essay == "second" and spliced.provisional
    grown = spliced.division("second")
    assert grown.title == "Second, longer" and grown.count > second.count
    # The essay starts where it did; its pages are new; the first essay's are untouched.
    assert grown.start == second.start
    assert {p.pdf for p in spliced.pages[grown.start:grown.start + grown.count]} == {"j2"}
    assert spliced.pages[:second.start] == first.pages[:second.start]
    assert spliced.division("third").start == third.start + grown.count - second.count
    final = settled(session, spliced.generation)
    assert final.kind == "full" and not final.provisional
    # The full build agrees with the splice on where everything is.
    assert [(d.id, d.start, d.count) for d in final.divisions] == \
        [(d.id, d.start, d.count) for d in spliced.divisions]
    assert [p.label for p in final.pages] == [p.label for p in spliced.pages]


def test_a_broken_essay_keeps_the_pages_and_recovers(session: PreviewSession) -> None:
    first = settled(session, 0)
    source = session.root / "manuscripts" / "03-third.md"
    good_text = source.read_text(encoding="utf-8")
    source.write_text('---\ntitle: "Unclosed\nauthor: x\n---\nText\n', encoding="utf-8")
    session.changed({source})
    broken = session.wait_for(lambda s: s.generation > first.generation, 60)
    assert broken.errors and broken.errors[0].file == "manuscripts/03-third.md"
    assert broken.errors[0].line is not None
    assert broken.pages == first.pages  # the last good book stays on show
    assert session.state()["errors"][0]["file"] == "manuscripts/03-third.md"
    source.write_text(good_text.replace("Third", "Third, mended"), encoding="utf-8")
    session.changed({source})
    mended = session.wait_for(lambda s: s.generation > broken.generation, 60)
    assert not mended.errors and mended.division("third").title == "Third, mended"


def test_a_broken_config_then_fixed(session: PreviewSession) -> None:
    first = settled(session, 0)
    config = session.root / "bookify.toml"
    config.write_text('[book]\ntitel = "Oops"\n', encoding="utf-8")
    session.changed({config})
    broken = session.wait_for(lambda s: s.generation > first.generation, 60)
    assert broken.errors[0].file == "bookify.toml" and broken.errors[0].line == 2
    assert "title" in (broken.errors[0].hint or "")
    config.write_text('[book]\ntitle = "Mended"\n', encoding="utf-8")
    session.changed({config})
    mended = session.wait_for(lambda s: s.generation > broken.generation, 60)
    assert not mended.errors and mended.title == "Mended" and mended.kind == "full"


def test_warnings_carry_file_and_line(tmp_path: Path) -> None:
    root = write_project(tmp_path / "book", files={
        "manuscripts/01-a.md": essay("A", "Text.\n\n![](pic.png)\n"),
        "manuscripts/pic.png": PNG,
    })
    session = PreviewSession(root, runner=InlineRunner(), cache=tmp_path / "cache")
    session.start()
    try:
        snapshot = session.wait_for(lambda s: s.generation > 0, 60)
    finally:
        session.stop()
    warnings = [w for w in snapshot.to_json()["warnings"] if w["severity"] == "warning"]
    assert any(w["file"] == "manuscripts/01-a.md" and w["line"] == 6 and "alt" in w["message"]
               for w in warnings), warnings
