"""Benchmark: a catalogue of N books built serially, with the local process pool, and on a Dask
cluster, as throughput ratios measured in one invocation.

The books are N copies of a fixture project (tests/projects/<fixture>, or `corpus:NAME` for a
book of ../shared/corpus; default `corpus:anthology-small`, a 92-page book: a small fixture
measures mostly each worker's start-up), each with its own title, in a temporary folder.
Three ways, each laying every page out afresh (no layout cache) into its own output folders:

- serial: one book after another, each built alone with `--jobs 1` (one core, as a press's
  script calling `bookify build` for each title would);
- pool: `build_catalogue` with the local process pool of `--jobs` processes (default: one per
  core), the pool's start-up included;
- cluster: `build_catalogue` on a `distributed.LocalCluster` of `--jobs` worker processes of one
  thread each, already started (the cluster's start-up is printed apart: a press starts its
  cluster once), the files sent to it included.

The rows are books per minute, the ratio to serial, and the CPU time this process (the client:
reading, converting, assembling, writing) spent per book — with workers, the client's share,
which bounds the throughput one client can reach however many workers there are; the cluster's
ratio to the pool is its scheduling and data-transfer overhead. Every PDF and EPUB is also
compared across the three ways: the bytes must be the same (SOURCE_DATE_EPOCH is set).
Figures are the best of `--runs`.

    python bench/catalogue.py [--books 4] [--fixture features] [--jobs N] [--runs 1]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")

from bookify.build import build  # noqa: E402
from bookify.catalogue import Catalogue, Title, build_catalogue  # noqa: E402
from bookify.diagnostics import Diagnostics  # noqa: E402
from bookify.outputs.executors import default_jobs  # noqa: E402
from bookify.project import load_project  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PROJECTS = REPO / "tests" / "projects"


def make_books(fixture: str, count: int, folder: Path) -> list[Path]:
    """`count` copies of the fixture project, the n-th titled "… (Volume n)". A fixture named
    `corpus:NAME` is ../shared/corpus/NAME made a project: a real book's length, where a small
    fixture measures mostly each process's start-up."""
    books = []
    for number in range(1, count + 1):
        root = folder / f"book-{number}"
        if fixture.startswith("corpus:"):
            essays = REPO.parent / "shared" / "corpus" / fixture.removeprefix("corpus:")
            (root / "manuscripts").mkdir(parents=True)
            for essay in sorted(essays.glob("[0-9][0-9]-*.md")):
                shutil.copy2(essay, root / "manuscripts" / essay.name)
            (root / "bookify.toml").write_text('[book]\ntitle = "A Catalogue Title"\n'
                                              'editors = ["A. N. Editor"]\n', encoding="utf-8")
        else:
            shutil.copytree(PROJECTS / fixture, root, ignore=shutil.ignore_patterns("build"))
        config = root / "bookify.toml"
        text = config.read_text(encoding="utf-8")
        text = re.sub(r'^(title\s*=\s*"[^"]*)"', rf'\1 (Volume {number})"', text, count=1,
                      flags=re.M)
        config.write_text(text, encoding="utf-8")
        books.append(root)
    return books


def outputs(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.glob("*")) if path.is_file()}


#: The CPU seconds this process (the client: every thread of it) spent in the last way run.
client_cpu: list[float] = [0.0]


def serial(books: list[Path], out: Path) -> tuple[float, list[dict[str, str]]]:
    started, cpu = time.perf_counter(), time.process_time()
    for number, root in enumerate(books):
        build(load_project(root), output_dir=out / str(number), diagnostics=Diagnostics(),
              jobs=1, cache=False)
    client_cpu[0] = time.process_time() - cpu
    return time.perf_counter() - started, [outputs(out / str(n)) for n in range(len(books))]


def catalogue(books: list[Path], out: Path, **how) -> tuple[float, list[dict[str, str]]]:
    titles = tuple(Title(root, output=out / str(n)) for n, root in enumerate(books))
    started, cpu = time.perf_counter(), time.process_time()
    outcomes = build_catalogue(Catalogue(titles), cache=False, **how)
    seconds = time.perf_counter() - started
    client_cpu[0] = time.process_time() - cpu
    failed = [o for o in outcomes if not o.ok]
    if failed:
        sys.exit(f"{failed[0].title.project}: {failed[0].error.render()}")
    return seconds, [outputs(out / str(n)) for n in range(len(books))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--books", type=int, default=4)
    parser.add_argument("--fixture", default="corpus:anthology-small",
                        help="a project in tests/projects, or corpus:NAME for ../shared/corpus/NAME")
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--runs", type=int, default=1)
    options = parser.parse_args()

    from distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory(prefix="bookify-catalogue-") as temporary:
        folder = Path(temporary)
        books = make_books(options.fixture, options.books, folder / "books")
        # Import and warm up WeasyPrint here before timing anything (every way needs it).
        build(load_project(books[0]), ["pdf"], output_dir=folder / "warm",
              diagnostics=Diagnostics(), jobs=1, cache=False)
        started = time.perf_counter()
        cluster = LocalCluster(n_workers=options.jobs, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
        from bookify.cluster import DaskExecutor

        executor = DaskExecutor(client)
        cluster_start = time.perf_counter() - started
        best: dict[str, float] = {}
        cpu: dict[str, float] = {}
        made: dict[str, list[dict[str, str]]] = {}
        try:
            for run in range(options.runs):
                for way, measure in (
                        ("serial", lambda out: serial(books, out)),
                        ("pool", lambda out: catalogue(books, out, jobs=options.jobs)),
                        ("cluster", lambda out: catalogue(books, out, executor=executor))):
                    out = folder / f"out-{way}-{run}"
                    seconds, made[way] = measure(out)
                    if seconds < best.get(way, float("inf")):
                        best[way], cpu[way] = seconds, client_cpu[0]
                    print(f"  run {run + 1}: {way:8} {seconds:6.1f} s (client CPU "
                          f"{client_cpu[0]:.1f} s)", flush=True)
        finally:
            executor.close()
            client.close()
            cluster.close()

    same = made["serial"] == made["pool"] == made["cluster"]
    print(f"\n{options.books} copies of tests/projects/{options.fixture}, --jobs {options.jobs} "
          f"on {os.cpu_count()} cores (cluster start-up {cluster_start:.1f} s, not counted)")
    print(f"{'way':10} {'seconds':>8} {'books/min':>10} {'× serial':>9} "
          f"{'client CPU s/book':>18}")
    for way in ("serial", "pool", "cluster"):
        print(f"{way:10} {best[way]:8.1f} {60 * options.books / best[way]:10.2f} "
              f"{best['serial'] / best[way]:9.2f} {cpu[way] / options.books:18.2f}")
    print(f"cluster / pool throughput: {best['pool'] / best['cluster']:.2f}")
    print(f"same bytes from all three ways: {'yes' if same else 'NO'}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
