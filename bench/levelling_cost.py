"""Benchmark: what levelling the print edition's spreads costs (outputs/spreads.py).

Builds a project's PDF editions cold (`--no-cache`), in this process (`--jobs 1`, so the layouts
are counted), without the levelling and with it, and prints the times, their ratio and how many
layouts of print stretches the levelling made (each essay is laid out once, and again for each
spread it tries to level). Wrap it in /work/briefs/quiet.py or run it on a quiet machine: the
figure is a ratio of two builds in one invocation.

    python bench/levelling_cost.py --project DIR
    python bench/levelling_cost.py --corpus ../shared/corpus/anthology-small [--theme classic]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bookify import cli
from bookify.outputs import pdf

sys.path.insert(0, str(Path(__file__).parent))
from typesetting import corpus_project  # noqa: E402


def build(project: Path) -> float:
    """Seconds for one cold build of the PDF editions."""
    started = time.perf_counter()
    try:
        cli.main(["build", "--project", str(project), "--format", "pdf", "--no-cache",
                  "--jobs", "1", "-q"])
    except SystemExit as exit_:
        if exit_.code:
            raise
    return time.perf_counter() - started


def measure(project: Path) -> str:
    levelling = pdf.balance_spreads
    layouts = {"stretches": 0, "all": 0}

    def counting(lay_out):
        def counted(css: str, first: bool):
            layouts["all"] += 1
            layouts["stretches"] += first
            return lay_out(css, first)
        return levelling(counted)

    try:
        pdf.balance_spreads = lambda lay_out: lay_out("", True)
        build(project)  # warms the fonts and the Markdown conversion's caches in this process
        without = build(project)
        pdf.balance_spreads = counting
        with_ = build(project)
    finally:
        pdf.balance_spreads = levelling
    return (f"{project.name}: without levelling {without:.1f} s, with {with_:.1f} s "
            f"(×{with_ / without:.2f}); {layouts['all']} layouts of "
            f"{layouts['stretches']} print stretches")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--project", type=Path)
    source.add_argument("--corpus", type=Path, help="a folder of NN-*.md essays")
    parser.add_argument("--theme", default="classic", help="with --corpus: the theme")
    args = parser.parse_args()
    if args.project:
        print(measure(args.project))
        return
    with tempfile.TemporaryDirectory() as tmp:
        project = corpus_project(args.corpus, args.theme, Path(tmp) / args.corpus.name)
        print(measure(project) + f", {args.theme}")


if __name__ == "__main__":
    main()
