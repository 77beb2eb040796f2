"""Laying out on every core, and never laying out the same thing twice.

WeasyPrint lays a document out on one core, so the stretches of the book (`editions.py`) are
laid out side by side in worker processes, the largest first. Each layout is kept in the
project's layout cache (`build/.cache/`), keyed by everything that reaches it (the request's
`key()`) and checked against every file it read (its stylesheets, fonts and images), so a
rebuild lays out only what changed.

A worker is forked from a clean server process that has imported WeasyPrint (`forkserver`):
nothing of the build's state (threads, open files, a progress bar) is shared with it, and what it
returns is plain data.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import hashlib
import multiprocessing
import multiprocessing.forkserver
import os
import queue
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Protocol, TypeVar

from ..cache import LayoutCache
from .pdf import PrintLayout

K = TypeVar("K")


class Request(Protocol):
    """Something to lay out: plain data that says what the layout cache keeps it under, and
    lays itself out (in a worker process)."""

    def key(self) -> str: ...

    def lay_out(self, progress: Callable[[int], None] | None,
                reads: dict[str, str] | None = None) -> object: ...


#: How often the build looks at the workers' progress, in seconds.
_POLL = 0.1


def default_jobs() -> int:
    """One layout process per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class LayoutRunner:
    """Lays out requests (a stretch of the book, an edition's furniture, a whole edition) through
    the layout cache: in up to `jobs` worker processes, or in this process when `jobs` is 1.
    `progress` hears the pages laid out so far, summed over every layout under way."""

    def __init__(self, jobs: int, cache: LayoutCache,
                 progress: Callable[[int], None] | None = None) -> None:
        self.jobs = max(1, jobs)
        self.cache = cache
        self.progress = progress
        self._executor: concurrent.futures.ProcessPoolExecutor | None = None
        self._queue = None
        self._pages: dict[int, int] = {}
        #: What each layout under way in a worker lays out, should it have to be done here.
        self._here: dict[Future, tuple[Request, int]] = {}

    def __enter__(self) -> LayoutRunner:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def prepare(self) -> None:
        """Start the process workers are forked from now, so it imports WeasyPrint while this
        process reads and converts the essays: a rebuild that needs a layout or two then does
        not wait for it."""
        if self.jobs > 1 and _context().get_start_method() == "forkserver":
            multiprocessing.forkserver.ensure_running()

    def submit_all(self, requests: Mapping[K, Request]) -> dict[K, Future]:
        """Lay out every request (`request.lay_out(progress, reads=…)`): from the cache when it
        has it, else in worker processes (the largest first, up to `jobs` at once), or here when
        only one needs laying out. Read each layout with `result`."""
        layouts: dict[K, Future] = {name: Future() for name in requests}
        missing = []
        for name, request in requests.items():
            cached = self._cached(request)
            if cached is not None:
                layouts[name].set_result(cached)
            else:
                missing.append(name)
        if len(missing) > 1 and self.jobs > 1:
            self._start(min(len(missing), self.jobs))
        missing.sort(key=lambda name: -_size(requests[name]))
        for name in missing:
            self._lay_out(requests[name], layouts[name])
        return layouts

    def _start(self, workers: int) -> None:
        if self._executor is not None:
            return
        context = _context()
        self._queue = context.Queue()
        self._executor = concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_worker, initargs=(self._queue,))

    def _lay_out(self, request: Request, layout: Future) -> None:
        job = len(self._pages)
        self._pages[job] = 0
        if self._executor is None:
            self._lay_out_here(request, layout, job)
            return

        def finished(done: Future) -> None:
            error = done.exception()
            if error is not None:
                layout.set_exception(error)
                return
            laid_out, reads = done.result()
            self._store(request, laid_out, reads)
            layout.set_result(laid_out)

        self._here[layout] = (request, job)
        try:
            self._executor.submit(_lay_out_in_worker, request, job).add_done_callback(finished)
        except BrokenProcessPool as error:
            layout.set_exception(error)

    def _lay_out_here(self, request: Request, layout: Future, job: int) -> None:
        reads: dict[str, str] = {}
        try:
            laid_out = request.lay_out(lambda pages: self._laid_out(job, pages), reads=reads)
        except BaseException as error:  # noqa: BLE001 — handed to whoever reads the result
            layout.set_exception(error)
            return
        self._store(request, laid_out, reads)
        layout.set_result(laid_out)

    def result(self, layout: Future) -> object:
        """The layout `layout` stands for, reporting progress while it is under way. If the
        worker processes could not run it (a worker killed, or a script that starts a build
        without `if __name__ == "__main__":`), it is laid out here instead."""
        while not layout.done():
            self._drain_progress(block=True)
        self._drain_progress(block=False)
        if isinstance(layout.exception(), BrokenProcessPool) and layout in self._here:
            request, job = self._here.pop(layout)
            again: Future = Future()
            self._lay_out_here(request, again, job)
            return again.result()
        self._here.pop(layout, None)
        return layout.result()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _laid_out(self, job: int, pages: int) -> None:
        self._pages[job] = pages
        if self.progress is not None:
            self.progress(sum(self._pages.values()))

    def _drain_progress(self, block: bool) -> None:
        if self._queue is None:
            return
        try:
            job, pages = self._queue.get(timeout=_POLL) if block else self._queue.get_nowait()
            while True:
                self._laid_out(job, pages)
                job, pages = self._queue.get_nowait()
        except queue.Empty:
            pass

    def _cached(self, request: Request) -> object | None:
        entry = self.cache.get_object(request.key())
        if not isinstance(entry, tuple) or len(entry) != 2:
            return None
        reads, layout = entry
        if layout is None or not isinstance(reads, dict) or not _unchanged(reads):
            return None
        return layout

    def _store(self, request: Request, layout: object, reads: dict[str, str]) -> None:
        if isinstance(layout, PrintLayout):
            layout = dataclasses.replace(layout, document=None)
        self.cache.put_object(request.key(), (reads, layout))


def _context() -> multiprocessing.context.BaseContext:
    """Workers are forked from a server process that has imported WeasyPrint once (started the
    first time it is needed, with nothing of the build in it); where there is no such server
    (not on Linux), each worker is a fresh interpreter."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["bookify.outputs.divisions", "bookify.outputs.furniture"])
        return context
    return multiprocessing.get_context("spawn")


def _unchanged(reads: dict[str, str]) -> bool:
    """Whether every file a cached layout read still has the same content."""
    for path, digest in reads.items():
        try:
            data = Path(path).read_bytes()
        except OSError:
            return False
        if hashlib.sha256(data).hexdigest() != digest:
            return False
    return True


# ---------------------------------------------------------------------- in the worker process

_progress_queue = None


def _start_worker(progress_queue) -> None:
    global _progress_queue
    _progress_queue = progress_queue


def _lay_out_in_worker(request: Request, job: int) -> tuple[object, dict[str, str]]:
    reads: dict[str, str] = {}

    def progress(pages: int) -> None:
        if _progress_queue is not None:
            _progress_queue.put((job, pages))

    return request.lay_out(progress, reads=reads), reads


def _size(request: Request) -> int:
    """How big a layout is likely to be: the length of its HTML, where it has one."""
    return len(getattr(request, "html", ""))
