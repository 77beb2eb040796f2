"""Books laid out on a Dask cluster: a `distributed.LocalCluster` of two worker processes builds
two small books (tests/projects/minimal, and a copy under another title) to the same bytes as the
local process pool; a worker killed mid-build has its layouts run again elsewhere and both books
are still built; a layout that kills every worker it runs on fails its book with a message, and
leaves nothing of that book written, while the other book is built.

Skipped when the cluster extra (`distributed`) is not installed.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip(
    "distributed", reason="the cluster extra is not installed (pip install 'bookify[cluster]')")

from bookify.assemble import assemble_book  # noqa: E402
from bookify.build import build  # noqa: E402
from bookify.cache import LayoutCache  # noqa: E402
from bookify.catalogue import Catalogue, Title, build_catalogue  # noqa: E402
from bookify.cluster import DaskExecutor, lay_out_on_worker  # noqa: E402
from bookify.diagnostics import Diagnostics  # noqa: E402
from bookify.errors import RenderError  # noqa: E402
from bookify.markdown import render_book  # noqa: E402
from bookify.outputs.editions import lay_out_edition  # noqa: E402
from bookify.outputs.executors import BookFiles  # noqa: E402
from bookify.project import load_project  # noqa: E402
from bookify.themes import load_theme  # noqa: E402

from .conftest import copy_project  # noqa: E402

FORMATS = ["pdf", "epub"]


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture(scope="module")
def client():
    """Two worker processes of one thread each; a task may kill two workers before it fails."""
    import dask

    with (dask.config.set({"distributed.scheduler.allowed-failures": 2}),
          distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                   dashboard_address=None) as cluster,
          distributed.Client(cluster) as client):
        yield client


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("cluster-books")
    return [copy_project("minimal", folder / "minimal"),
            copy_project("minimal", folder / "second", toml_edit=lambda text: text.replace(
                "A Minimal Book", "A Second Minimal Book"))]


def _outputs(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


def _build(books: list[Path], out: Path, **how) -> list[dict[str, bytes]]:
    titles = tuple(Title(root, output=out / root.name) for root in books)
    outcomes = build_catalogue(Catalogue(titles), FORMATS, cache=False, **how)
    for outcome in outcomes:
        assert outcome.ok, outcome.error.render()
    return [_outputs(out / root.name) for root in books]


@pytest.fixture(scope="module")
def pooled(books, tmp_path_factory) -> list[dict[str, bytes]]:
    """Both books built with the local process pool (two processes)."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    try:
        return _build(books, tmp_path_factory.mktemp("pooled"), jobs=2)
    finally:
        # Put back the session's date (tests/conftest.py): the tests after this one count on it.
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def test_a_cluster_builds_the_same_bytes_as_the_local_pool(client, books, pooled, tmp_path):
    with DaskExecutor(client) as executor:
        clustered = _build(books, tmp_path, executor=executor)
    assert [sorted(made) for made in clustered] == [
        ["a-minimal-book-cover.pdf", "a-minimal-book-digital.pdf", "a-minimal-book-print.pdf",
         "a-minimal-book.epub"],
        ["a-second-minimal-book-cover.pdf", "a-second-minimal-book-digital.pdf",
         "a-second-minimal-book-print.pdf", "a-second-minimal-book.epub"]]
    assert clustered == pooled


def test_one_book_built_with_scheduler_is_laid_out_by_the_cluster(client, books, pooled,
                                                                 tmp_path, monkeypatch):
    """`bookify build --scheduler ADDRESS` for one book: connected by address, the pages laid
    out by the cluster's workers (none here), the same bytes."""
    laid_out_here = []
    monkeypatch.setattr("bookify.outputs.layouts.LayoutRunner._lay_out_here",
                        lambda *args: laid_out_here.append(args))
    result = build(load_project(books[0]), FORMATS, tmp_path, diagnostics=Diagnostics(),
                   cache=False, scheduler=client.scheduler.address)
    assert laid_out_here == []
    assert {a.path.name: a.path.read_bytes() for a in result.artifacts} == pooled[0]


def test_a_worker_lays_out_from_the_files_it_was_sent_not_the_clients_disk(tmp_path):
    """A stretch laid out by the worker's function, after the project folder has gone from
    where the request names it: the same layout as here, its reads named as the client's."""
    root = copy_project("minimal", tmp_path / "minimal")
    project = load_project(root)
    diagnostics = Diagnostics()
    rendered = render_book(assemble_book(project, diagnostics), project, diagnostics)
    edition = lay_out_edition(rendered, load_theme(project), project,
                              LayoutCache(tmp_path / "cache", enabled=False))
    request = next(iter(next(edition).values()))
    reads: dict[str, str] = {}
    here = request.lay_out(None, reads=reads)
    files = BookFiles(skip=[root / "build"])
    manifest = files.manifest(tuple(request.styles.roots))
    blobs = {digest: files.blob(digest) for digest in manifest.hashes}
    assert any(number == 0 for number, _, _ in manifest.files)  # the project's own files
    root.rename(tmp_path / "gone")
    there, their_reads = lay_out_on_worker(request, manifest, blobs)
    assert there == here and their_reads == reads


def test_a_worker_killed_mid_build_costs_no_book(client, books, pooled, tmp_path):
    with DaskExecutor(client) as executor:
        killed: list[str] = []

        def kill_a_busy_worker() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not killed:
                busy = [worker for worker, keys in client.processing().items()
                        if any(str(key).startswith("bookify-layout-") for key in keys)]
                if busy:
                    pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
                    os.kill(pid, signal.SIGKILL)
                    killed.append(busy[0])
                time.sleep(0.02)

        killer = threading.Thread(target=kill_a_busy_worker)
        killer.start()
        try:
            made = _build(books, tmp_path, executor=executor)
        finally:
            killer.join()
    assert killed, "no worker was laying out a page to be killed"
    assert made == pooled
    client.wait_for_workers(2, timeout=120)  # the nanny started another


class KillsItsWorker:
    """A layout request that kills the worker process running it, every time."""

    styles = None

    def key(self) -> str:
        return "00" * 32

    def lay_out(self, progress=None, reads=None):
        os.kill(os.getpid(), signal.SIGKILL)


class FailingOneBook:
    """A `DaskExecutor` whose first layout for the book in `doomed` kills its workers."""

    def __init__(self, executor: DaskExecutor, doomed: Path) -> None:
        self._executor = executor
        self._doomed = doomed
        self._failed = False
        self.capacity, self.remote = executor.capacity, True

    def __getattr__(self, name):
        return getattr(self._executor, name)

    def submit(self, request, files, progress=None):
        styles = getattr(request, "styles", None)
        if styles is not None and Path(styles.base_url) == self._doomed and not self._failed:
            request, self._failed = KillsItsWorker(), True
        return self._executor.submit(request, files, progress)


def test_a_layout_that_kills_every_worker_fails_its_book_and_only_its_book(client, books,
                                                                           pooled, tmp_path):
    with DaskExecutor(client) as executor:
        doomed, kept = books
        titles = tuple(Title(root, output=tmp_path / root.name) for root in books)
        outcomes = build_catalogue(Catalogue(titles), FORMATS, cache=False,
                                   executor=FailingOneBook(executor, doomed.resolve()))
    failed, built = outcomes
    assert isinstance(failed.error, RenderError)
    assert "was lost 3 times: the Dask worker laying it out died each time" in failed.error.message
    assert "nothing of the book was written" in failed.error.message
    assert not (tmp_path / doomed.name).exists() or not any((tmp_path / doomed.name).iterdir())
    assert built.ok and _outputs(tmp_path / kept.name) == pooled[1]

