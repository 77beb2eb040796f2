"""Running layout jobs in child processes, so a long preview session keeps a steady memory
(WeasyPrint does not give all its memory back, ../shared/docs/standards.md §4.3) and a job made
pointless by a newer save can simply be stopped.

Each job gets a fresh `python -m bookify.preview.jobs` process, which does that one job and
exits. Importing WeasyPrint takes over a second, so the runner keeps one spare process started
ahead, already past its imports and waiting for a job on its standard input: a job starts at
once, and the next spare warms up on the other core while the job runs.

The protocol: the parent writes one pickled `Job` to the child's stdin; the child writes pickled
`("progress", pages)` messages and then one `("result", JobResult)` to its stdout. Anything else
the child prints goes to its log file, never into that stream.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from .state import Job, JobResult, Problem


class JobCancelled(Exception):
    """The job was stopped because its result would be stale."""


class ProcessRunner:
    """Runs each job in a child process of its own; `run` blocks until the job ends or is
    cancelled."""

    def __init__(self, log_dir: Path) -> None:
        self._log_dir = log_dir
        self._spare: tuple[subprocess.Popen, Path] | None = None
        self._started = 0
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Start the spare process now, so the first job does not wait for its imports."""
        with self._lock:
            if self._spare is None:
                self._spare = self._spawn()

    def run(self, job: Job, progress: Callable[[int], None],
            cancelled: Callable[[], bool]) -> JobResult:
        """Run `job`, passing on its page count while it lays out; raise `JobCancelled` as soon
        as `cancelled()` says so."""
        started = time.perf_counter()
        with self._lock:
            spare, self._spare = self._spare, None
            if spare is not None and spare[0].poll() is not None:
                spare[0].stdout.close()  # the spare died waiting (killed, out of memory)
                spare = None
            process, log = spare or self._spawn()
        messages: queue.Queue[tuple[str, Any] | None] = queue.Queue()
        try:
            pickle.dump(job, process.stdin)
            process.stdin.close()
        except (BrokenPipeError, OSError):
            pass  # it died before its job: reported below
        reader = threading.Thread(target=_read, args=(process.stdout, messages), daemon=True)
        reader.start()
        self.warm_up()
        try:
            while True:
                if cancelled():
                    raise JobCancelled(job.id)
                try:
                    message = messages.get(timeout=0.05)
                except queue.Empty:
                    continue
                if message is None:
                    break
                kind, value = message
                if kind == "progress":
                    progress(value)
                else:
                    return value
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            reader.join(timeout=1)
            process.stdout.close()
        return JobResult(job, job.kind, time.perf_counter() - started, errors=(Problem(
            "error", f"the layout process stopped unexpectedly (exit status {process.returncode})",
            str(log), None, "this is a bug in bookify, or the machine ran out of memory; its log "
            "is named above; save again to retry"),))

    def close(self) -> None:
        """Stop the spare process."""
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is not None:
            spare[0].kill()
            spare[0].wait()
            spare[0].stdout.close()

    def _spawn(self) -> tuple[subprocess.Popen, Path]:
        self._started += 1
        self._log_dir.mkdir(parents=True, exist_ok=True)
        log = self._log_dir / f"worker-{self._started}.log"
        env = dict(os.environ)
        # The child imports exactly what this process imports (a source checkout, a test run).
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        with open(log, "wb") as log_file:
            process = subprocess.Popen([sys.executable, "-m", "bookify.preview.jobs"],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=log_file, env=env, close_fds=True)
        return process, log


class InlineRunner:
    """Runs jobs in the calling thread: for tests and for benchmarks that time the work itself."""

    def warm_up(self) -> None:
        pass

    def run(self, job: Job, progress: Callable[[int], None],
            cancelled: Callable[[], bool]) -> JobResult:
        return run_guarded(job, progress)

    def close(self) -> None:
        pass


def run_guarded(job: Job, progress: Callable[[int], None] | None = None) -> JobResult:
    """`run_job`, with a bug in bookify reported as a problem rather than a dead preview."""
    from .worker import run_job

    started = time.perf_counter()
    try:
        return run_job(job, progress)
    except Exception as exc:  # noqa: BLE001 - a bug in bookify, shown in the page
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return JobResult(job, job.kind, time.perf_counter() - started, errors=(Problem(
            "error", f"internal error: {type(exc).__name__}: {exc}", where.filename, where.lineno,
            "this is a bug in bookify, not in your book; `bookify build --debug` shows the "
            "traceback"),))


def _read(stream: IO[bytes], messages: queue.Queue) -> None:
    """Pass the child's messages on until it closes its end (None marks the end)."""
    try:
        while True:
            messages.put(pickle.load(stream))
    except (EOFError, OSError, pickle.UnpicklingError, ValueError):
        messages.put(None)


def _child() -> None:
    """A job process: import the heavy modules, take one job from stdin, answer on stdout."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints go to the log, not into the answers
    from . import worker  # noqa: F401 - the imports a job needs, done before it arrives

    try:
        job = pickle.load(sys.stdin.buffer)
    except EOFError:
        return  # a spare nobody needed
    last = [0.0]

    def progress(pages: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.25:  # a few updates a second is plenty for a status line
            last[0] = now
            pickle.dump(("progress", pages), answers)
            answers.flush()

    pickle.dump(("result", run_guarded(job, progress)), answers)
    answers.close()


if __name__ == "__main__":
    _child()
