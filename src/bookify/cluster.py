"""Laying out on a Dask distributed cluster (`--scheduler tcp://HOST:8786`, `[build] scheduler`).

The layouts of one or many books are submitted to the cluster's scheduler as Dask tasks; Dask
places them on its workers, moves data between them, and runs again elsewhere a task whose
worker died. bookify's part is to make each task self-contained, since a worker reads nothing
from this machine's disk:

- every file a layout may read (everything under the project and the theme's folders, but the
  book's outputs and hidden files) is a Dask datum under a key made of its SHA-256
  (`bookify-blob-<sha256>`), sent from here once and copied by Dask to each worker that needs it;
  the same font in fifty books is one datum;
- a task carries its request (plain data: HTML, page, stylesheet paths), the book's `Manifest`
  (which file is where, by hash) and the file data; the worker lays the files out in a folder of
  its own, named by the manifest's hash, and lays the request out there. WeasyPrint sees every
  file under the same virtual address as on this machine (`file:///bookify/0/…`), so the bytes
  are the same as a local build's;
- what comes back is plain data (the PDF's bytes and what is on each page), with the paths in it
  written back as this machine's; the client keeps it in the book's layout cache as a local
  build would.

A task whose worker dies is run again on another (Dask's own bookkeeping); one that kills
`distributed.scheduler.allowed-failures` workers fails its book with a message saying so.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any, cast

from . import __version__
from .errors import BookifyError, Location, RenderError
from .outputs.executors import BookFiles, LayoutRequest, Manifest

#: How long to wait for a scheduler to answer, and for it to have a worker, in seconds.
CONNECT_TIMEOUT = 30

_HINT = ("start a scheduler with `dask scheduler` and workers with `dask worker ADDRESS "
         "--nthreads 1`, or build on this machine (leave out --scheduler and [build] scheduler)")


def connect(address: str) -> DaskExecutor:
    """A `DaskExecutor` on the scheduler at `address`, once it has a worker whose bookify lays
    pages out as this one does."""
    try:
        from distributed import Client
    except ImportError:
        raise RenderError(
            "laying out on a Dask cluster needs the distributed package",
            hint="pip install 'bookify[cluster]'") from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT,  # type: ignore[no-untyped-call]
                        set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise RenderError(f"no Dask scheduler answers at {address} ({error})",
                          Location(key="build.scheduler"), _HINT) from None
    try:
        return DaskExecutor(client, owns_client=True)
    except BaseException:
        client.close()  # type: ignore[no-untyped-call]
        raise


class DaskExecutor:
    """Runs layouts on the workers of a Dask cluster, through `client` (a `distributed.Client`).
    `capacity` is the number of worker processes (a worker process lays out one request at a
    time, whatever its threads)."""

    remote = True

    def __init__(self, client: Any, owns_client: bool = False) -> None:
        self._client = client
        self._owns_client = owns_client
        self._lock = threading.Lock()
        #: The file data sent to the cluster, by SHA-256, and which books hold each.
        self._blobs: dict[str, object] = {}
        self._holders: dict[str, set[int]] = {}
        #: The tasks under way, by book (Dask forgets a task nobody holds).
        self._running: dict[str, tuple[int, object]] = {}
        self._check_workers()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def capacity(self) -> int:
        return max(1, len(self._client.scheduler_info().get("workers", {})))

    def prepare(self) -> None:
        pass

    def submit(self, request: LayoutRequest, files: BookFiles,
               progress: Callable[[int], None] | None = None) -> Future[Any]:
        # A layout reads under its styles' roots; a font to cut down carries its bytes.
        styles = getattr(request, "styles", None)
        manifest = files.manifest(tuple(styles.roots) if styles is not None else ())
        blobs = self._send(files, manifest)
        key = f"bookify-layout-{uuid.uuid4().hex}"
        laid_out: Future[Any] = Future()
        task = self._client.submit(lay_out_on_worker, request, manifest, blobs, key=key,
                                   pure=False)
        with self._lock:
            self._running[key] = (id(files), task)

        def finished(done: Any) -> None:
            try:
                laid_out.set_result(done.result())
            except BaseException as error:  # noqa: BLE001 — handed to whoever reads the result
                laid_out.set_exception(_explained(error))
            finally:
                with self._lock:
                    self._running.pop(key, None)

        task.add_done_callback(finished)
        return laid_out

    def wait(self, future: Future[Any]) -> None:
        future.exception()  # blocks until it is done, raises nothing

    def forget(self, files: BookFiles) -> None:
        """Cancel the book's layouts still under way (a book that failed has no use for them),
        and let the cluster drop the files no other book under way holds."""
        with self._lock:
            unfinished = [task for book, task in self._running.values() if book == id(files)]
        if unfinished:
            self._client.cancel(unfinished)
        with self._lock:
            for digest in list(self._holders):
                holders = self._holders[digest]
                holders.discard(id(files))
                if not holders:
                    del self._holders[digest]
                    self._blobs.pop(digest, None)

    def close(self) -> None:
        with self._lock:
            self._blobs.clear()
            self._holders.clear()
        if self._owns_client:
            self._client.close()

    def _send(self, files: BookFiles, manifest: Manifest) -> dict[str, object]:
        """The book's files as Dask data, sending those the cluster does not have from us."""
        held = {}
        with self._lock:
            for digest in manifest.hashes:
                if digest not in self._blobs:
                    self._blobs[digest] = self._client.submit(
                        _blob, files.blob(digest), key=f"bookify-blob-{digest}", pure=False)
                self._holders.setdefault(digest, set()).add(id(files))
                held[digest] = self._blobs[digest]
        return held

    def _check_workers(self) -> None:
        """Wait for a worker, and refuse workers whose bookify or WeasyPrint would set the book
        otherwise (a layout's bytes depend on their versions)."""
        try:
            self._client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except TimeoutError:
            raise RenderError(f"the Dask scheduler at {self._client.scheduler.address} has no "
                              f"worker after {CONNECT_TIMEOUT} s", hint=_HINT) from None
        ours = worker_versions()
        for worker, theirs in self._client.run(worker_versions).items():
            if theirs != ours:
                differ = ", ".join(f"{name} {theirs.get(name)} (here {value})"
                                   for name, value in ours.items() if theirs.get(name) != value)
                raise RenderError(
                    f"the Dask worker {worker} has {differ}",
                    hint="install the same versions of bookify and WeasyPrint on the workers "
                    "as here, so they lay the book out as this machine would")


def worker_versions() -> dict[str, object]:
    """What decides a layout's bytes besides its inputs. Importing the layout modules here also
    readies a worker (WeasyPrint is slow to import) before its first task."""
    import pydyf
    import weasyprint

    from .outputs import divisions, epub_assets, furniture  # noqa: F401 — to be ready
    from .outputs.weasy import LINE_BREAKING_REVISION

    return {"bookify": __version__, "line breaking": LINE_BREAKING_REVISION,
            "WeasyPrint": weasyprint.__version__, "pydyf": pydyf.__version__}


def _explained(error: BaseException) -> BaseException:
    """Dask's word for a task that killed its workers, as a message about the book."""
    if type(error).__name__ == "KilledWorker":
        import dask

        tries = dask.config.get("distributed.scheduler.allowed-failures", 3) + 1
        return RenderError(
            f"a page layout of this book was lost {tries} times: the Dask worker laying it out "
            "died each time (killed, or out of memory); nothing of the book was written",
            hint="look at the workers' logs; give them more memory, or build the book on this "
            "machine (leave out --scheduler)")
    if type(error).__name__ in ("CancelledError", "FutureCancelledError"):
        return RenderError("a page layout of this book was cancelled by the Dask scheduler "
                           "(it restarted, or the connection to it was lost); nothing of the "
                           "book was written", hint=_HINT)
    return error


def _blob(data: bytes) -> bytes:
    """A file's bytes as Dask data (a task, so that a worker lost with it is no loss: the
    scheduler runs it again from what it was sent)."""
    return data


# ---------------------------------------------------------------------- on a worker

#: One layout at a time in a worker process, whatever its threads: WeasyPrint's log and the
#: parsed stylesheets are the process's.
_LAYING_OUT = threading.Lock()


def lay_out_on_worker(request: LayoutRequest, manifest: Manifest,
                      blobs: Mapping[str, bytes]) -> tuple[object, dict[str, str]]:
    """Lay `request` out from the files `manifest` lists (their bytes in `blobs`), laid out in
    a folder of this worker's; returns `(layout, reads)` with paths as the client's."""
    here = _places(manifest, _files_folder(manifest, blobs))
    back = {place: root for root, place in here.items()}
    reads: dict[str, str] = {}
    with _LAYING_OUT:
        try:
            layout = cast(LayoutRequest, moved(request, here)).lay_out(None, reads=reads)
        except BookifyError as error:
            raise moved_error(error, back) from None
    return moved(layout, back), {str(moved(Path(path), back)): digest
                                 for path, digest in reads.items()}


def _files_folder(manifest: Manifest, blobs: Mapping[str, bytes]) -> Path:
    """This worker's copy of the manifest's files, made once (atomically) per manifest."""
    base = Path(_local_directory()) / "bookify-files"
    folder = base / manifest.key
    if folder.is_dir():
        return folder.resolve()
    staging = base / f"{manifest.key}.{uuid.uuid4().hex}.tmp"
    places = _places(manifest, staging)
    for place in places.values():
        place.mkdir(parents=True, exist_ok=True)
    for number, relative, digest in manifest.files:
        target = places[manifest.roots[number]] / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blobs[digest])
    try:
        os.rename(staging, folder)
    except OSError:  # another thread of this worker made it first
        shutil.rmtree(staging, ignore_errors=True)
    return folder.resolve()


def _places(manifest: Manifest, folder: Path) -> dict[Path, Path]:
    """Where each of the client's roots is in `folder`: `folder/<number>`, or inside the root
    it is inside of on the client (a theme kept in the project), so every file has the same
    virtual address as there."""
    places: dict[Path, Path] = {}
    for number, root in enumerate(manifest.roots):
        outer = next((other for other in manifest.roots[:number] if root.is_relative_to(other)),
                     None)
        places[root] = (places[outer] / root.relative_to(outer) if outer is not None
                        else folder / str(number))
    return places


def _local_directory() -> str:
    try:
        from distributed import get_worker

        return get_worker().local_directory
    except (ImportError, ValueError):
        return tempfile.gettempdir()


def moved(value: object, places: Mapping[Path, Path]) -> object:
    """`value` with every path under one of `places`' keys moved under its value (through
    dataclasses, tuples, lists and dicts)."""
    if isinstance(value, Path):
        for root, place in places.items():
            if value == root or value.is_relative_to(root):
                return place / value.relative_to(root)
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {field.name: moved(getattr(value, field.name), places)
                   for field in dataclasses.fields(value) if field.init}
        if all(changes[name] is getattr(value, name) for name in changes):
            return value
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        items = tuple(moved(item, places) for item in value)
        return value if all(a is b for a, b in zip(items, value)) else items
    if isinstance(value, list):
        return [moved(item, places) for item in value]
    if isinstance(value, dict):
        return {moved(key, places): moved(item, places) for key, item in value.items()}
    return value


def moved_error(error: BookifyError, places: Mapping[Path, Path]) -> BookifyError:
    """`error` with the paths of its location (and of the errors found with it) moved."""
    again = type(error).__new__(type(error))
    BookifyError.__init__(again, error.message, cast(Location, moved(error.location, places)),
                          error.hint)
    again.also = tuple(moved_error(other, places) for other in error.also)
    return again
