"""Laying out on every core, and never laying out the same thing twice.

WeasyPrint lays a document out on one core, so the stretches of the book (`editions.py`) are
laid out side by side by an executor (`executors.py`: worker processes on this machine, or a Dask
cluster), the largest first. Each layout is kept in the project's layout cache
(`build/.cache/`), keyed by everything that reaches it (the request's `key()`) and checked against
every file it read (its stylesheets, fonts and images), so a rebuild lays out only what changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TypeVar

from ..cache import LayoutCache
from .executors import BookFiles, LayoutExecutor, LayoutRequest as Request, LocalPool, default_jobs
from .pdf import PrintLayout

__all__ = ["LayoutRunner", "Request", "default_jobs"]

K = TypeVar("K")


class LayoutRunner:
    """Lays out requests (a stretch of the book, an edition's furniture, a whole edition) through
    the layout cache, for one book: by `executor` when it is given (shared with other books, or
    a cluster), else in up to `jobs` local worker processes, or in this process when `jobs` is 1
    or only one layout is missing. `progress` hears the pages laid out so far, summed over every
    layout under way. `skip` are the book's folders no layout reads (its outputs), left out of
    what is sent to a cluster."""

    def __init__(self, jobs: int, cache: LayoutCache,
                 progress: Callable[[int], None] | None = None, *,
                 executor: LayoutExecutor | None = None, skip: Iterable[Path] = ()) -> None:
        self.jobs = max(1, jobs) if executor is None else executor.capacity
        self.cache = cache
        self.progress = progress
        #: Given from outside: other books use it too, so it is neither sized nor closed here.
        self._shared = executor is not None
        self._executor: LayoutExecutor = executor or LocalPool(self.jobs)
        self._files = BookFiles(skip)
        self._pages: dict[int, int] = {}
        #: What each layout under way in a worker lays out, should it have to be done here.
        self._here: dict[Future, tuple[Request, int]] = {}

    def __enter__(self) -> LayoutRunner:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def prepare(self) -> None:
        """Get the executor ready while this process reads and converts the essays (the local
        pool starts the process its workers are forked from, which imports WeasyPrint): a
        rebuild that needs a layout or two then does not wait for it."""
        self._executor.prepare()

    def submit_all(self, requests: Mapping[K, Request]) -> dict[K, Future]:
        """Lay out every request (`request.lay_out(progress, reads=…)`): from the cache when it
        has it, else by the executor (the largest first), or here when only one needs laying out
        and the executor is this book's own. Read each layout with `result`."""
        layouts: dict[K, Future] = {name: Future() for name in requests}
        missing = []
        for name, request in requests.items():
            cached = self._cached(request)
            if cached is not None:
                layouts[name].set_result(cached)
            else:
                missing.append(name)
        elsewhere = self._executor.remote or (
            self._executor.capacity > 1 and (len(missing) > 1 or self._shared))
        if elsewhere and isinstance(self._executor, LocalPool) and not self._shared:
            self._executor.start(len(missing))
        missing.sort(key=lambda name: -_size(requests[name]))
        for name in missing:
            self._lay_out(requests[name], layouts[name], elsewhere)
        return layouts

    def _lay_out(self, request: Request, layout: Future, elsewhere: bool) -> None:
        job = len(self._pages)
        self._pages[job] = 0
        if not elsewhere:
            self._lay_out_here(request, layout, job)
            return

        def finished(done: Future) -> None:
            error = done.exception()
            if error is not None:
                layout.set_exception(error)
                return
            laid_out, reads = done.result()
            if self._executor.remote:  # no progress on the way: count its pages now
                self._laid_out(job, _pages_of(laid_out))
            self._store(request, laid_out, reads)
            layout.set_result(laid_out)

        self._here[layout] = (request, job)
        try:
            self._executor.submit(request, self._files,
                                  lambda pages: self._laid_out(job, pages)
                                  ).add_done_callback(finished)
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
        local worker processes could not run it (a worker killed, or a script that starts a
        build without `if __name__ == "__main__":`), it is laid out here instead."""
        if not layout.done():
            self._executor.wait(layout)
        if isinstance(layout.exception(), BrokenProcessPool) and layout in self._here:
            request, job = self._here.pop(layout)
            again: Future = Future()
            self._lay_out_here(request, again, job)
            return again.result()
        self._here.pop(layout, None)
        return layout.result()

    def close(self) -> None:
        """Close this book's own executor; a shared one only forgets the book's files."""
        if self._shared:
            self._executor.forget(self._files)
        else:
            self._executor.close()

    def _laid_out(self, job: int, pages: int) -> None:
        self._pages[job] = pages
        if self.progress is not None:
            self.progress(sum(self._pages.values()))

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


def _pages_of(layout: object) -> int:
    """How many pages a layout has (a stretch's or an edition's; furniture counts none)."""
    pages = getattr(layout, "pages", 0)
    return pages if isinstance(pages, int) else len(pages)


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


def _size(request: Request) -> int:
    """How big a layout is likely to be: the length of its HTML, where it has one."""
    return len(getattr(request, "html", ""))
