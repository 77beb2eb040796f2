"""Benchmark: how soon `bookify preview` shows an edited essay, as a fraction of a full layout.

The book is the anthology-large test project (tests/projects/anthology-large: 49 essays from
../shared/corpus/anthology-large in seven parts, with contributors and back matter). A preview
session runs as `bookify preview` runs it (layout jobs in child processes); the benchmark saves
an edit to one essay in the middle of the book and times, from the save:

- until the essay's new pages are in the preview and its first page's picture is drawn
  (what the author waits for), and
- until the follow-up full layout has redone the contents and every folio after the essay.

Both are compared with the full layout of the same book in the same run, so the ratios stay
comparable across machines where seconds do not.

    python bench/preview_rebuild.py [--corpus ../shared/corpus] [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bookify.preview.session import PreviewSession

REPO = Path(__file__).resolve().parent.parent
PROJECT = REPO / "tests" / "projects" / "anthology-large"
#: Essays edited in turn: one early, one in the middle, one late in the book.
EDITED = ["06-on-being-idle.md", "28-aes-triplex.md", "39-walking-tours.md"]
#: The edit: a paragraph added after the first, so the essay grows (and may gain a page).
ADDED = ("The preview benchmark added this paragraph, long enough to move the lines after it "
         "and perhaps push the essay onto another page; its words are ordinary ones. " * 4)


def make_project(corpus: Path, folder: Path) -> Path:
    shutil.copytree(PROJECT, folder)
    (folder / "manuscripts").mkdir()
    for essay in sorted((corpus / "anthology-large").glob("[0-9][0-9]-*.md")):
        shutil.copy(essay, folder / "manuscripts" / essay.name)
    return folder


def edit(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    first, _, rest = body.strip("\n").partition("\n\n")
    path.write_text(f"{head}\n---\n{first}\n\n{ADDED}\n\n{rest}\n", encoding="utf-8")


def wait(session: PreviewSession, generation: int, timeout: float = 600):
    snapshot = session.wait_for(lambda s: s.generation > generation, timeout)
    if snapshot.errors:
        raise SystemExit(f"the build failed: {snapshot.errors[0]}")
    return snapshot


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--runs", type=int, default=3, help="essay edits to time (at most 3)")
    args = parser.parse_args()
    if not (args.corpus / "anthology-large").is_dir():
        print(f"skipped: no corpus at {args.corpus / 'anthology-large'} (it sits beside the "
              "repository; pass --corpus)", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(args.corpus, Path(tmp) / "book")
        session = PreviewSession(root)
        session.start()
        try:
            started = time.perf_counter()
            first = wait(session, 0)
            opened = time.perf_counter() - started
            essays = sum(1 for d in first.divisions if d.kind == "essay")
            print(f"anthology-large: {len(first.pages)} pages, {essays} essays; "
                  f"preview opened in {opened:.1f} s (full layout job {first.seconds:.1f} s)")
            full_jobs, essay_waits, redone_waits = [first.seconds], [], []
            for name in EDITED[:max(1, min(args.runs, len(EDITED)))]:
                path = root / "manuscripts" / name
                generation = session.snapshot.generation
                saved = time.perf_counter()
                edit(path)
                session.changed({path})
                spliced = wait(session, generation)
                division = spliced.division(spliced.essay)
                session.page_png(spliced.pages[division.start].key, 96)  # its first page, drawn
                shown = time.perf_counter() - saved
                redone = wait(session, spliced.generation)
                full = time.perf_counter() - saved
                essay_waits.append(shown)
                redone_waits.append(full)
                full_jobs.append(redone.seconds)
                print(f"  {name:<28} {division.count:3d} pages on screen {shown:5.1f} s "
                      f"(essay job {spliced.seconds:.1f} s); whole book redone {full:5.1f} s")
        finally:
            session.stop()
    full = statistics.median(full_jobs)
    shown = statistics.median(essay_waits)
    print(f"median full layout {full:.1f} s; an edited essay's pages on screen in {shown:.1f} s "
          f"= ×{shown / full:.3f} of a full layout ({full / shown:.0f}× sooner); "
          f"everything redone in {statistics.median(redone_waits):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
