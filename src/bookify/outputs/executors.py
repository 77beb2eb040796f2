"""Where layouts run: one small interface, a process pool on this machine or a Dask cluster.

The layout runner (`layouts.py`) decides what needs laying out; an executor only runs a layout
request somewhere and hands back `(layout, reads)` through a `concurrent.futures.Future`. Two
executors keep to the interface:

- `LocalPool`, the default: worker processes on this machine, forked from a clean server process
  that has imported WeasyPrint (`forkserver`); they read the project's files where they are;
- `DaskExecutor` (`bookify.cluster`, the `bookify[cluster]` extra): the workers of a Dask
  distributed cluster, which read nothing from this machine's disk: a job carries the hashes of
  the files its layout may read (`BookFiles`), and the files themselves travel once to each
  worker, as Dask data.

One executor can serve several books at once (`bookify build --catalogue`), so the cores stay
busy across books.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import itertools
import multiprocessing
import multiprocessing.forkserver
import os
import queue
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..cache import fingerprint

#: How often a waiting build looks at the workers' progress, in seconds.
_POLL = 0.1


class LayoutRequest(Protocol):
    """Something to lay out: plain data that says what the layout cache keeps it under, and
    lays itself out (in a worker)."""

    def key(self) -> str: ...

    def lay_out(self, progress: Callable[[int], None] | None,
                reads: dict[str, str] | None = None) -> object: ...


class LayoutExecutor(Protocol):
    """Runs layout requests somewhere; each future's result is `(layout, reads)`, `reads` being
    every file the layout read with its SHA-256 (the layout cache checks them)."""

    @property
    def capacity(self) -> int:
        """How many layouts it runs at once."""

    @property
    def remote(self) -> bool:
        """Its workers are elsewhere: every layout goes to them, none is made in this process."""

    def prepare(self) -> None:
        """Get ready to run layouts soon (start what is slow to start), without waiting."""

    def submit(self, request: LayoutRequest, files: BookFiles,
               progress: Callable[[int], None] | None = None) -> Future[Any]:
        """Run `request.lay_out` in a worker; `progress` hears its pages laid out so far (if
        the executor can tell). `files` says which files the layout may read."""

    def wait(self, future: Future[Any]) -> None:
        """Return once `future` is done, reporting progress meanwhile."""

    def forget(self, files: BookFiles) -> None:
        """A book is done: drop what was kept for its files."""

    def close(self) -> None:
        """Stop the workers this executor started (or its connection to them)."""


def default_jobs() -> int:
    """One layout process per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# ---------------------------------------------------------------------- the files a book reads


@dataclass(frozen=True, slots=True)
class Manifest:
    """The files under a layout's roots (the project, the theme's folders), by content: what a
    worker elsewhere needs to lay the book out as this machine would. `files` holds (root
    number, path relative to the root, SHA-256)."""

    roots: tuple[Path, ...]
    files: tuple[tuple[int, str, str], ...]

    @property
    def key(self) -> str:
        """The same for the same files under the same relative paths, wherever the roots are
        (two copies of a project share one set of files on a worker)."""
        return fingerprint("bookify manifest", len(self.roots), list(map(list, self.files)))

    @property
    def hashes(self) -> list[str]:
        return list(dict.fromkeys(digest for _, _, digest in self.files))


class BookFiles:
    """The files one book's layouts may read, hashed once per build (on first need: a local
    build never needs them). `skip` are folders left out (the book's outputs and its cache)."""

    def __init__(self, skip: Iterable[Path] = ()) -> None:
        self.skip = tuple(path.resolve() for path in skip)
        self._manifests: dict[tuple[Path, ...], Manifest] = {}
        self._paths: dict[str, Path] = {}
        self._lock = threading.Lock()

    def manifest(self, roots: tuple[Path, ...]) -> Manifest:
        """Every file under `roots` (hidden files and folders, and `skip`, left out)."""
        roots = tuple(Path(root).resolve() for root in roots)
        with self._lock:
            if roots not in self._manifests:
                files = []
                for number, root in enumerate(roots):
                    for relative, path in _files_under(root, self.skip):
                        digest = hashlib.sha256(path.read_bytes()).hexdigest()
                        self._paths.setdefault(digest, path)
                        files.append((number, relative, digest))
                self._manifests[roots] = Manifest(roots, tuple(files))
            return self._manifests[roots]

    def blob(self, digest: str) -> bytes:
        """The bytes of the file with SHA-256 `digest`, read now and checked."""
        data = self._paths[digest].read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise OSError(f"{self._paths[digest]} changed while the book was being built")
        return data


def _files_under(root: Path, skip: tuple[Path, ...]) -> list[tuple[str, Path]]:
    found = []
    for folder, folders, names in os.walk(root):
        here = Path(folder)
        folders[:] = sorted(name for name in folders if not name.startswith(".")
                            and name != "__pycache__" and (here / name).resolve() not in skip)
        for name in sorted(names):
            path = here / name
            if not name.startswith(".") and path.is_file():
                found.append((path.relative_to(root).as_posix(), path))
    return found


# ---------------------------------------------------------------------- this machine's cores


class LocalPool:
    """Layouts in up to `jobs` worker processes on this machine. A worker is forked from a clean
    server process that has imported WeasyPrint (`forkserver`): nothing of the build's state
    (threads, open files, a progress bar) is shared with it, and what it returns is plain data.
    The processes start on the first layout that needs them."""

    remote = False

    def __init__(self, jobs: int) -> None:
        self.capacity = max(1, jobs)
        self._executor: concurrent.futures.ProcessPoolExecutor | None = None
        self._queue: Any = None
        self._listeners: dict[int, Callable[[int], None]] = {}
        self._numbers = itertools.count()
        self._lock = threading.Lock()

    @property
    def started(self) -> bool:
        return self._executor is not None

    def prepare(self) -> None:
        """Start the process workers are forked from now, so it imports WeasyPrint while this
        process reads and converts the essays: a rebuild that needs a layout or two then does
        not wait for it."""
        if self.capacity > 1 and _context().get_start_method() == "forkserver":
            multiprocessing.forkserver.ensure_running()

    def start(self, workers: int | None = None) -> None:
        """Start the worker processes (at most `workers` of them, if given)."""
        with self._lock:
            if self._executor is not None:
                return
            context = _context()
            self._queue = context.Queue()
            self._executor = concurrent.futures.ProcessPoolExecutor(
                min(self.capacity, workers or self.capacity), mp_context=context,
                initializer=_start_worker, initargs=(self._queue,))

    def submit(self, request: LayoutRequest, files: BookFiles,
               progress: Callable[[int], None] | None = None) -> Future[Any]:
        self.start()
        number = next(self._numbers)
        if progress is not None:
            self._listeners[number] = progress
        assert self._executor is not None
        future = self._executor.submit(_lay_out_in_worker, request, number)
        future.add_done_callback(lambda _done: self._listeners.pop(number, None))
        return future

    def wait(self, future: Future[Any]) -> None:
        while not future.done():
            self._drain(block=True)
        self._drain(block=False)

    def forget(self, files: BookFiles) -> None:
        pass

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None

    def _drain(self, block: bool) -> None:
        if self._queue is None:
            if block:
                threading.Event().wait(_POLL)
            return
        try:
            number, pages = self._queue.get(timeout=_POLL) if block else self._queue.get_nowait()
            while True:
                listener = self._listeners.get(number)
                if listener is not None:
                    listener(pages)
                number, pages = self._queue.get_nowait()
        except queue.Empty:
            pass


def _context() -> multiprocessing.context.BaseContext:
    """Workers are forked from a server process that has imported WeasyPrint once (started the
    first time it is needed, with nothing of the build in it); where there is no such server
    (not on Linux), each worker is a fresh interpreter."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["bookify.outputs.divisions", "bookify.outputs.furniture",
                                          "bookify.outputs.epub_assets"])
        return context
    return multiprocessing.get_context("spawn")


# ---------------------------------------------------------------------- in the worker process

_progress_queue: Any = None


def _start_worker(progress_queue: Any) -> None:
    global _progress_queue
    _progress_queue = progress_queue


def _lay_out_in_worker(request: LayoutRequest, number: int) -> tuple[object, dict[str, str]]:
    reads: dict[str, str] = {}

    def progress(pages: int) -> None:
        if _progress_queue is not None:
            _progress_queue.put((number, pages))

    return request.lay_out(progress, reads=reads), reads
