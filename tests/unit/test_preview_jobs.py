"""The preview's job runner: a spare layout process that died while waiting is not used."""

from __future__ import annotations

from pathlib import Path

from bookify.preview.jobs import ProcessRunner
from bookify.preview.state import Job

from .helpers import write_project


def test_a_killed_spare_process_is_replaced_not_reused(tmp_path: Path) -> None:
    root = write_project(tmp_path / "book", files={"manuscripts/a.md": "---\ntitle: [\n---\nText\n"})
    runner = ProcessRunner(tmp_path / "logs")
    runner.warm_up()
    try:
        spare = runner._spare[0]
        spare.kill()  # as the system's out-of-memory killer, or a user's kill -9, would
        spare.wait()
        result = runner.run(Job("j1", root, tmp_path / "j1"), lambda pages: None, lambda: False)
    finally:
        runner.close()
    # The job ran: its result is the book's own error, not "the layout process stopped".
    assert [e.file for e in result.errors] == ["manuscripts/a.md"], result.errors
