"""Benchmark: how long `bookify build` takes on the public-domain corpus, as a ratio to a baseline.

The baseline, run in the same invocation on the same machine, is the bare engine: the same essays
through plain Python-Markdown into one HTML file with a minimal stylesheet (page size and font
only), laid out by WeasyPrint. The ratio bookify / baseline is what bookify's book features (front
matter, contents with page numbers, running heads, footnotes, outline, the second PDF edition, the
cover wrap, EPUB) cost on top of the engine, and it stays comparable across machines where seconds
do not.

    python bench/build_speed.py [--corpus ../shared/corpus] [--anthology anthology-large] [--runs 1]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import markdown
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from bookify.build import build
from bookify.diagnostics import Diagnostics
from bookify.project import load_project
from bookify.themes import BUILTIN_THEMES

REPO = Path(__file__).resolve().parent.parent


def make_project(source: Path, folder: Path) -> Path:
    (folder / "manuscripts").mkdir(parents=True)
    for essay in sorted(source.glob("[0-9]*.md")):
        shutil.copy(essay, folder / "manuscripts" / essay.name)
    (folder / "bookify.toml").write_text(
        '[book]\ntitle = "Benchmark Anthology"\neditors = ["The bookify Editors"]\n', encoding="utf-8"
    )
    return folder


def baseline(source: Path, output: Path) -> tuple[float, int]:
    """Plain Markdown → one HTML → WeasyPrint, with the same font and trim: the bare engine."""
    started = time.perf_counter()
    parts = []
    for essay in sorted(source.glob("[0-9]*.md")):
        text = essay.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        parts.append("<section style='break-before: page'>" + markdown.markdown(
            text, extensions=["footnotes", "smarty"]) + "</section>")
    fonts = FontConfiguration()
    theme = BUILTIN_THEMES / "classic"
    css = [CSS(filename=str(theme / "fonts.css"), font_config=fonts),
           CSS(string="@page { size: 5.5in 8.5in; margin: 0.75in } "
                      "html { font: 11.25pt/1.38 'EB Garamond' }", font_config=fonts)]
    document = HTML(string="<html lang='en'><body>" + "".join(parts) + "</body></html>",
                    base_url=str(theme)).render(stylesheets=css, font_config=fonts)
    document.write_pdf(output)
    return time.perf_counter() - started, len(document.pages)


def bookify_build(project: Path, formats: list[str],
                  editions: list[str] | None = None) -> tuple[float, int | None]:
    started = time.perf_counter()
    result = build(load_project(project), formats, diagnostics=Diagnostics(), editions=editions)
    pages = next((a.pages for a in result.artifacts if a.edition == "print"), None)
    return time.perf_counter() - started, pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--anthology", default="anthology-large")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    source = args.corpus / args.anthology
    if not source.is_dir():
        print(f"no corpus at {source}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(source, Path(tmp) / "book")
        rows = {"baseline (Markdown + WeasyPrint)": [], "print edition only": [],
                "bookify build --format pdf": [], "bookify build --format pdf,epub": []}
        pages = {}
        for _ in range(args.runs):
            seconds, pages["baseline"] = baseline(source, Path(tmp) / "baseline.pdf")
            rows["baseline (Markdown + WeasyPrint)"].append(seconds)
            seconds, pages["bookify"] = bookify_build(project, ["pdf"], ["print"])
            rows["print edition only"].append(seconds)
            seconds, _ = bookify_build(project, ["pdf"])
            rows["bookify build --format pdf"].append(seconds)
            seconds, _ = bookify_build(project, ["pdf", "epub"])
            rows["bookify build --format pdf,epub"].append(seconds)
    base = statistics.median(rows["baseline (Markdown + WeasyPrint)"])
    print(f"{args.anthology}: baseline {pages['baseline']} pages, bookify {pages['bookify']} pages")
    for name, values in rows.items():
        median = statistics.median(values)
        print(f"  {name:<36} {median:7.1f} s   ×{median / base:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
