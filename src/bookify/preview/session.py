"""The preview's build state: what the browser is shown, and how a saved file gets there fast.

A session owns one book project. It keeps the latest `Snapshot` (pages, contents, warnings,
errors) and rebuilds when told files changed:

- one essay's manuscript changed, and the book was laid out before: an **essay job** lays out
  that essay alone, as it sits in the book (same starting folio, same side, same gutter), and its
  pages are spliced in place of the old ones (`splice`). The snapshot is then *provisional*:
  the contents' page numbers and the folios after the essay are the old ones until
- a **full job** lays out the whole book, which follows every essay job, and runs alone for any
  other change (bookify.toml, styles, contributors, the theme, an essay added or removed).

Jobs run one at a time on a thread of their own, each in a child process (`jobs.py`). A full
job made stale by a newer save is stopped and the plan made again; an essay job (a second or
two) always finishes. A job that fails leaves the last good pages in place and adds its errors
to the snapshot, and the next save tries again — the preview never stops over a broken book.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from .jobs import JobCancelled, ProcessRunner
from .raster import PageRasterizer
from .state import Division, Job, JobResult, PageInfo, Problem
from .worker import structure


@dataclass(frozen=True)
class Snapshot:
    """Everything the browser shows, as of one generation.

    `errors` non-empty means the latest build failed: the pages, contents and warnings are then
    those of the last good build, and the browser shows the errors over them.
    """

    generation: int = 0
    title: str = ""
    pages: tuple[PageInfo, ...] = ()
    divisions: tuple[Division, ...] = ()
    diagnostics: tuple[Problem, ...] = ()
    layout_diagnostics: tuple[Problem, ...] = ()
    errors: tuple[Problem, ...] = ()
    #: The PDF each page's `pdf` names, by job id.
    pdfs: dict[str, Path] = field(default_factory=dict)
    #: The HTML edition (the reading view): its job id and index.html.
    reading: tuple[str, Path] | None = None
    #: Pages were spliced in: folios after the changed essay and the contents are not redone yet.
    provisional: bool = False
    #: The inside margin of the last full layout (essay jobs must match it).
    gutter: float | None = None
    #: What made it: "full" or "essay", how long it took, and which essay.
    kind: str = ""
    seconds: float = 0.0
    essay: str | None = None

    @property
    def laid_out(self) -> bool:
        return bool(self.pages)

    def division(self, division_id: str) -> Division | None:
        return next((d for d in self.divisions if d.id == division_id), None)

    def page(self, key: str) -> tuple[Path, int] | None:
        """The PDF and page index a page key (`j3-12`) names, if it is one of this snapshot's."""
        job_id, _, index = key.rpartition("-")
        if job_id not in self.pdfs or not index.isdigit():
            return None
        if not any(page.key == key for page in self.pages):  # a page index out of range
            return None
        return self.pdfs[job_id], int(index)

    def to_json(self) -> dict[str, Any]:
        problems = [*self.diagnostics, *self.layout_diagnostics]
        return {
            "generation": self.generation,
            "title": self.title,
            "pages": [p.to_json() for p in self.pages],
            "divisions": [d.to_json() for d in self.divisions],
            "warnings": [p.to_json() for p in problems],
            "errors": [p.to_json() for p in self.errors],
            "reading": f"/read/{self.reading[0]}/index.html" if self.reading else None,
            "provisional": self.provisional,
            "build": {"kind": self.kind, "seconds": round(self.seconds, 2), "essay": self.essay},
        }


@dataclass(frozen=True, slots=True)
class Plan:
    """The next job: `full`, or `essay` with the essay's id."""

    kind: Literal["full", "essay"]
    essay: str | None = None


def plan_rebuild(changed: Iterable[Path], good: Snapshot | None, root: Path,
                 need_full: bool) -> Plan | None:
    """What to run for the files `changed` since the last good snapshot (None: nothing).

    Only a change to a single essay's manuscript, in a book already laid out, is done as an
    essay job; anything else needs the whole book.
    """
    changed = {Path(p).resolve() for p in changed}
    if good is None or not good.laid_out:
        return Plan("full")
    if not changed:
        return Plan("full") if need_full else None
    if len(changed) == 1:
        path = next(iter(changed))
        essays = {(root / d.source).resolve(): d for d in good.divisions
                  if d.kind == "essay" and d.source and d.start is not None}
        if path in essays and path.is_file():
            return Plan("essay", essays[path].id)
    return Plan("full")


def essay_job(plan: Plan, good: Snapshot, job_id: str, root: Path, folder: Path) -> Job:
    """The job that lays out `plan.essay` where it stands in `good`."""
    division = good.division(plan.essay)
    assert division is not None and division.start is not None
    return Job(job_id, root, folder, "essay", division.id, division.start,
               good.pages[division.start].label, len(good.pages), good.gutter,
               structure(good.divisions))


def splice(good: Snapshot, result: JobResult) -> tuple[tuple[PageInfo, ...], tuple[Division, ...]]:
    """The book's pages and divisions with an essay job's pages in place of the essay's old ones.

    Pages after the essay move by the difference in its length, and their folios with them (so
    the next essay job starts at the right folio); their pictures still print the old folio, so
    they are marked stale until the full job redoes them. Titles and bylines come from the essay
    job, which read the whole book afresh.
    """
    essay_id = result.job.essay
    old = good.division(essay_id)
    assert old is not None and old.start is not None
    start, end = old.start, old.start + old.count
    delta = len(result.pages) - old.count
    after = good.pages[end:] if not delta else tuple(_moved(p, delta) for p in good.pages[end:])
    pages = good.pages[:start] + result.pages + after
    placed = {d.id: d for d in good.divisions}
    divisions = []
    for fresh in result.divisions:
        before = placed.get(fresh.id)
        if before is None or before.start is None:
            continue
        if fresh.id == essay_id:
            divisions.append(dataclasses.replace(fresh, start=start, count=len(result.pages)))
        else:
            moved = before.start + (delta if before.start > start else 0)
            divisions.append(dataclasses.replace(fresh, start=moved, count=before.count))
    divisions.sort(key=lambda d: d.start)
    return pages, tuple(divisions)


def _moved(page: PageInfo, delta: int) -> PageInfo:
    label = str(int(page.label) + delta) if page.label.isdigit() else page.label
    return dataclasses.replace(page, label=label, stale=True)


class Runner(Protocol):
    """Runs layout jobs: `jobs.ProcessRunner`, or `jobs.InlineRunner` in tests."""

    def warm_up(self) -> None: ...

    def run(self, job: Job, progress: Callable[[int], None],
            cancelled: Callable[[], bool]) -> JobResult: ...

    def close(self) -> None: ...


#: What a session tells its listeners: ("state", snapshot JSON) or ("status", status JSON).
Listener = Callable[[str, dict[str, Any]], None]


class PreviewSession:
    """A book project's preview state, rebuilt on its own thread as files change."""

    def __init__(self, root: Path, *, runner: Runner | None = None,
                 cache: Path | None = None) -> None:
        self.root = root.resolve()
        self.cache = cache or Path(tempfile.mkdtemp(prefix="bookify-preview-"))
        self.rasterizer = PageRasterizer()
        self._runner = runner or ProcessRunner(self.cache / "logs")
        self._condition = threading.Condition()
        self._pending: set[Path] = set()  # changed since the running job started
        self._dirty: set[Path] = set()    # changed since the last good snapshot
        self._need_full = True
        self._stopping = False
        self._snapshot = Snapshot()
        self._good: Snapshot | None = None
        self._status: dict[str, Any] = {"phase": "building", "kind": "full", "essay": None, "pages": 0}
        self._jobs = 0
        self._listeners: list[Listener] = []
        self._thread = threading.Thread(target=self._work, name="bookify-preview-builds", daemon=True)

    # ------------------------------------------------------------------ public

    def start(self) -> None:
        self._runner.warm_up()
        self._thread.start()

    def stop(self) -> None:
        """Stop building (a running job is stopped too) and delete the session's files."""
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self._runner.close()
        self.rasterizer.close()
        shutil.rmtree(self.cache, ignore_errors=True)

    def changed(self, paths: Iterable[Path]) -> None:
        """Files of the book changed on disk: rebuild (a stale full job is stopped)."""
        paths = {Path(p).resolve() for p in paths}
        if not paths:
            return
        with self._condition:
            self._pending |= paths
            self._condition.notify_all()

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    @property
    def status(self) -> dict[str, Any]:
        return dict(self._status)

    def state(self) -> dict[str, Any]:
        """The snapshot and the build status, as the browser reads them."""
        return {**self._snapshot.to_json(), "status": self.status}

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` on every new snapshot and status; returns the way to stop."""
        with self._condition:
            self._listeners.append(listener)

        def remove() -> None:
            with self._condition:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove

    def wait_for(self, predicate: Callable[[Snapshot], bool], timeout: float) -> Snapshot:
        """Block until the snapshot satisfies `predicate` (tests and benchmarks)."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while not predicate(self._snapshot):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no such snapshot within {timeout} s: {self.status}")
                self._condition.wait(left)
            return self._snapshot

    def idle(self) -> bool:
        """Nothing to build and nothing building."""
        with self._condition:
            return (self._status["phase"] != "building" and not self._pending
                    and not self._need_full)

    def page_png(self, key: str, dpi: int) -> bytes | None:
        """The picture of page `key` of the current snapshot, or None if there is no such page."""
        found = self._snapshot.page(key)
        if found is None:
            return None
        pdf, index = found
        try:
            return self.rasterizer.png(pdf, index, dpi)
        except (OSError, ValueError, IndexError):
            return None  # its job's files were just deleted: the browser asks again

    def reading_folder(self, job_id: str) -> Path | None:
        """The folder of the HTML edition made by job `job_id`, if the snapshot shows it."""
        reading = self._snapshot.reading
        return reading[1].parent if reading and reading[0] == job_id else None

    # ------------------------------------------------------------------ the build thread

    def _work(self) -> None:
        while True:
            with self._condition:
                while not self._stopping and not self._pending and not self._need_full:
                    self._condition.wait()
                if self._stopping:
                    return
                self._dirty |= self._pending
                self._pending.clear()
                dirty = frozenset(self._dirty)
                plan = plan_rebuild(dirty, self._good, self.root, self._need_full)
                if plan is None:
                    self._need_full = False
                    continue
                self._jobs += 1
                job_id = f"j{self._jobs}"
                folder = self.cache / job_id
                job = (essay_job(plan, self._good, job_id, self.root, folder)
                       if plan.kind == "essay" else Job(job_id, self.root, folder))
            self._set_status({"phase": "building", "kind": job.kind, "essay": job.essay, "pages": 0})
            try:
                result = self._runner.run(job, self._progress,
                                          lambda: self._superseded(job))  # noqa: B023 - this job's
            except JobCancelled:
                shutil.rmtree(folder, ignore_errors=True)
                continue
            self._publish(result, dirty)

    def _superseded(self, job: Job) -> bool:
        """A full job is stopped by any newer save (its book is already out of date); an essay
        job takes a second or two and always finishes."""
        return self._stopping or (job.kind == "full" and bool(self._pending))

    def _progress(self, pages: int) -> None:
        self._set_status({**self._status, "pages": pages})

    def _publish(self, result: JobResult, dirty: frozenset[Path]) -> None:
        with self._condition:
            generation = self._snapshot.generation + 1
            good = self._good or Snapshot()
            if result.errors:
                # Keep the last good book on show; wait for the next save to try again.
                snapshot = dataclasses.replace(good, generation=generation, errors=result.errors,
                                               diagnostics=result.diagnostics or good.diagnostics)
                self._need_full = False
            else:
                common = {"generation": generation, "title": result.title,
                          "diagnostics": result.diagnostics, "kind": result.kind,
                          "seconds": result.seconds, "essay": result.job.essay,
                          "reading": (result.job.id, result.html)}
                if result.kind == "essay":
                    pages, divisions = splice(good, result)
                    layout = _unique(good.layout_diagnostics + result.layout_diagnostics)
                    snapshot = Snapshot(pages=pages, divisions=divisions, layout_diagnostics=layout,
                                        pdfs={**good.pdfs, result.job.id: result.pdf},
                                        provisional=True, gutter=good.gutter, **common)
                    self._need_full = True
                else:
                    snapshot = Snapshot(pages=result.pages, divisions=result.divisions,
                                        layout_diagnostics=result.layout_diagnostics,
                                        pdfs={result.job.id: result.pdf}, gutter=result.gutter,
                                        **common)
                    self._need_full = False
                # Keep only the PDFs some page still shows.
                snapshot = dataclasses.replace(snapshot, pdfs={
                    k: v for k, v in snapshot.pdfs.items() if any(p.pdf == k for p in snapshot.pages)})
                self._good = snapshot
                self._dirty -= dirty
            self._snapshot = snapshot
            self._status = {"phase": "ready" if not snapshot.errors else "error",
                            "kind": None, "essay": None, "pages": 0}
            listeners = list(self._listeners)
            self._condition.notify_all()
        self._collect_garbage(snapshot)
        state = {**snapshot.to_json(), "status": self.status}
        for listener in listeners:
            listener("state", state)

    def _set_status(self, status: dict[str, Any]) -> None:
        with self._condition:
            self._status = status
            listeners = list(self._listeners)
        for listener in listeners:
            listener("status", dict(status))

    def _collect_garbage(self, snapshot: Snapshot) -> None:
        """Delete the folders of jobs the snapshot no longer shows anything from."""
        keep = set(snapshot.pdfs)
        if snapshot.reading:
            keep.add(snapshot.reading[0])
        for folder in self.cache.iterdir():
            if folder.name not in keep and folder.name.startswith("j"):
                self.rasterizer.forget(folder / "book.pdf")
                shutil.rmtree(folder, ignore_errors=True)


def _unique(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(dict.fromkeys(problems))
