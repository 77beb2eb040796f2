"""Benchmark: how long `bookify build` takes, cold and warm, on the public-domain corpus, as
ratios to a baseline.

The baseline, run in the same invocation on the same machine, is the bare engine: the same essays
through plain Python-Markdown into one HTML file with a minimal stylesheet (page size and font
only), laid out by WeasyPrint. Every row is a subprocess (`python -m bookify build --project P
-q`, the default formats: print and digital PDFs, cover wrap, EPUB), timed from its start, so the
figures include start-up; the baseline runs in a subprocess too. The ratio row / baseline is what
bookify's book features cost on top of the engine, and it stays comparable across machines where
seconds do not. The rows:

- `bookify --version`: start-up alone;
- cold: `build/` deleted first, so the layout cache in `build/.cache/` is empty;
- warm, nothing changed: the same command again;
- warm, one word edited: one letter of a long word in a middle paragraph of an essay in the
  second half of the book changed (same length, so the page count stays);
- warm, pages added early: two of the second essay's own paragraphs, together about 700 words,
  copied to the end of its text, before its footnote definitions (an essay of one long
  paragraph gets a copy of its first 400 words or so);
- cold with `--jobs 1`: the single-process build, when `bookify build` has `--jobs`;
- with `--before REV`: a cold build by bookify as it was at git revision REV (its `src/`, run
  with this environment's packages), to compare a change with what came before it.

Peak memory is the largest summed RSS of the subprocess and its descendants, sampled every 50 ms
(bench/procstat.py); PSS, which splits the pages processes share (libraries, a forked worker's
copy of its parent) between them, is shown beside it.
The project is a temporary copy of tests/projects/<anthology> (or, when there is none, a minimal
bookify.toml) with the corpus essays in manuscripts/. The numbers are also written as JSON to
bench/results/build_speed-<timestamp>.json.

    python bench/build_speed.py [--corpus ../shared/corpus] [--anthology anthology-large] [--runs 1]
                                [--jobs N] [--skip-jobs1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import markdown
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from bookify.themes import BUILTIN_THEMES

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procstat import measure  # noqa: E402 - bench/ is not a package

REPO = Path(__file__).resolve().parent.parent
PROJECTS = REPO / "tests" / "projects"
RESULTS = REPO / "bench" / "results"
ESSAYS = "[0-9][0-9]-*.md"
BOOKIFY = [sys.executable, "-m", "bookify"]

#: Row key → label, in the order they are printed.
ROWS = {
    "baseline": "baseline (Markdown + WeasyPrint)",
    "version": "bookify --version",
    "cold": "cold build (build/ deleted)",
    "warm": "warm, nothing changed",
    "edit": "warm, one word edited",
    "page": "warm, ~2 pages added early",
    "cold_jobs1": "cold build, --jobs 1",
    "before": "cold build by --before REV",
}


def make_project(anthology: str, source: Path, folder: Path) -> Path:
    """tests/projects/<anthology> (or a minimal bookify.toml) with the corpus essays in
    manuscripts/, as the tests' `copy_project` and `build_corpus_book` set it up."""
    if (PROJECTS / anthology).is_dir():
        shutil.copytree(PROJECTS / anthology, folder)
    else:
        folder.mkdir(parents=True)
        (folder / "bookify.toml").write_text(
            '[book]\ntitle = "Benchmark Anthology"\neditors = ["The bookify Editors"]\n',
            encoding="utf-8")
    restore_essays(source, folder)
    return folder


def restore_essays(source: Path, project: Path) -> None:
    """Put the corpus's essays, unedited, in the project's manuscripts/."""
    (project / "manuscripts").mkdir(parents=True, exist_ok=True)
    for essay in sorted(source.glob(ESSAYS)):
        shutil.copy2(essay, project / "manuscripts" / essay.name)


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


# --- The edits ----------------------------------------------------------------------------------

def split_essay(text: str) -> tuple[str, str]:
    """(front matter with its closing `---` line, body) of a manuscript."""
    if text.startswith("---\n") and "\n---\n" in text:
        head, _, body = text.partition("\n---\n")
        return head + "\n---\n", body
    return "", text


def blocks(body: str) -> list[re.Match]:
    """The blank-line-separated blocks of a Markdown body, as matches (with their offsets)."""
    return list(re.finditer(r"(?:^[^\n]*\S[^\n]*(?:\n|\Z))+", body, re.M))


def prose(body: str) -> list[re.Match]:
    """Blocks that are plain paragraphs of running text: no heading, quote, list, table, code or
    footnote (definition or reference), at least 40 words."""
    return [b for b in blocks(body)
            if (b.group()[0].isalpha() or b.group()[0] in "\"“‘'_(")
            and not re.match(r"\d+[.)] ", b.group())
            and "[^" not in b.group() and "`" not in b.group() and "![" not in b.group()
            and len(b.group().split()) >= 40]


#: One letter swapped for one of about its width (EB Garamond), inside a long lower-case word.
SWAPS = {"e": "o", "o": "e", "a": "o", "n": "u", "u": "n"}


def edit_one_word(path: Path) -> str:
    """Change one letter of the longest lower-case word in the essay's middle plain paragraph:
    the same length, so the lines (and the page count) almost surely stay. Returns a note."""
    head, body = split_essay(path.read_text(encoding="utf-8"))
    paragraphs = prose(body)
    if not paragraphs:
        raise SystemExit(f"no plain paragraph to edit in {path.name}")
    paragraph = paragraphs[len(paragraphs) // 2]
    words = [w for w in re.finditer(r"\b[a-z]{6,}\b", paragraph.group())
             if any(c in SWAPS for c in w.group()[1:-1])]
    if not words:
        raise SystemExit(f"no long word to edit in {path.name}")
    word = max(words, key=lambda w: len(w.group()))
    index = next(i for i, c in enumerate(word.group()) if 0 < i < len(word.group()) - 1
                 and c in SWAPS)
    new = word.group()[:index] + SWAPS[word.group()[index]] + word.group()[index + 1:]
    at = paragraph.start() + word.start()
    path.write_text(head + body[:at] + new + body[at + len(new):], encoding="utf-8")
    number = [b.start() for b in blocks(body)].index(paragraph.start()) + 1
    return f"{path.name}: '{word.group()}' → '{new}' in paragraph {number}"


def add_a_page(path: Path, words: int = 700) -> str:
    """Copy two of the essay's own plain paragraphs, together closest to `words` words, to the
    end of its text (before the footnote definitions at the end). Returns a note."""
    head, body = split_essay(path.read_text(encoding="utf-8"))
    paragraphs = prose(body)
    if len(paragraphs) >= 2:
        pair = [b.group().strip() for b in min(
            itertools.combinations(paragraphs, 2),
            key=lambda p: abs(sum(len(b.group().split()) for b in p) - words))]
        what = "two of its paragraphs"
    elif paragraphs:  # one long paragraph (Bacon): its first sentences, about `words` words
        sentences = re.split(r"(?<=[.!?])\s+", paragraphs[0].group().strip())
        taken: list[str] = []
        while sentences and sum(len(t.split()) for t in taken) < words:
            taken.append(sentences.pop(0))
        pair = [" ".join(taken)]
        what = "the first sentences of its paragraph"
    else:
        raise SystemExit(f"{path.name} has no plain paragraph to copy")
    # The footnote definitions at the end: `[^n]: …` blocks and their indented continuations.
    end = len(body)
    for block in reversed(blocks(body)):
        if re.match(r"\[\^[^\]]+\]:", block.group()) or block.group()[0] in " \t":
            end = block.start()
        else:
            break
    added = "\n\n".join(pair)
    before, after = body[:end].rstrip("\n"), body[end:]
    path.write_text(head + before + "\n\n" + added + "\n" + ("\n" + after if after else ""),
                    encoding="utf-8")
    count = sum(len(p.split()) for p in pair)
    where = "before its footnotes" if after else "at its end"
    return f"{path.name}: {count} words ({what}) added {where}"


def reading_order(project: Path) -> list[Path]:
    """The project's essays (manuscript paths) in reading order, as bookify reads them."""
    from bookify.assemble import assemble_book
    from bookify.diagnostics import Diagnostics
    from bookify.project import load_project

    book = assemble_book(load_project(project), Diagnostics())
    return [essay.source for essay in book.essays()]


# --- Running and reporting ----------------------------------------------------------------------

def print_pages(project: Path) -> int | None:
    """Pages of the print-edition PDF the last build wrote, if there is one."""
    found = sorted((project / "build").glob("*-print.pdf"))
    if not found:
        return None
    import pypdfium2

    document = pypdfium2.PdfDocument(found[0])
    try:
        return len(document)
    finally:
        document.close()


class Runner:
    def __init__(self, tmp: Path) -> None:
        self.samples: dict[str, list[dict]] = {key: [] for key in ROWS}
        self.failures: list[str] = []
        self.tmp = tmp

    def run(self, key: str, cmd: list[str], project: Path | None = None,
            env: dict[str, str] | None = None) -> dict:
        stdout, stderr = self.tmp / "stdout.txt", self.tmp / "stderr.txt"
        with open(stdout, "wb") as out, open(stderr, "wb") as err:
            m = measure(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        sample = {"seconds": m.seconds, "peak_rss_mb": m.peak_mb, "peak_pss_mb": m.peak_pss_mb,
                  "processes": m.peak_processes, "returncode": m.returncode}
        if project is not None and m.returncode == 0:
            sample["pages"] = print_pages(project)
        pages = f", {sample['pages']} pages" if sample.get("pages") else ""
        print(f"  {ROWS[key]:<34} {m.seconds:7.1f} s  {m.peak_mb:6.0f} MB{pages}", flush=True)
        if m.returncode != 0:
            tail = stderr.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
            self.failures.append(f"{ROWS[key]}: exit {m.returncode}")
            print(f"warning: {ROWS[key]} failed (exit {m.returncode}): {' '.join(map(str, cmd))}",
                  file=sys.stderr)
            for line in tail:
                print(f"    {line}", file=sys.stderr)
            sys.stderr.flush()
        sample["stdout"] = stdout.read_text(encoding="utf-8", errors="replace")
        self.samples[key].append(sample)
        return sample


def build_options() -> tuple[set[str], str]:
    """The options `bookify build --help` lists (of --jobs and --no-cache), and the help text."""
    help_text = subprocess.run([*BOOKIFY, "build", "--help"], capture_output=True, text=True,
                               check=False).stdout
    return {o for o in ("--jobs", "--no-cache") if re.search(rf"(^|\s){o}\b", help_text)}, help_text


def median(values: list[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def git_describe() -> str | None:
    try:
        return subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--anthology", default="anthology-large")
    parser.add_argument("--runs", type=int, default=1, help="runs of each row; the median counts")
    parser.add_argument("--jobs", type=int, help="passed as --jobs N to every build but the "
                        "--jobs 1 row")
    parser.add_argument("--before", metavar="REV", help="also time a cold build by bookify at "
                        "git revision REV (its src/, with this environment's packages): the "
                        "build before a change, measured in the same sitting")
    parser.add_argument("--skip-jobs1", action="store_true", help="leave out the --jobs 1 cold "
                        "build")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="make the project in DIR (new "
                        "or empty) and keep it")
    parser.add_argument("--baseline-only", nargs=2, type=Path, metavar=("ESSAYS", "PDF"),
                        help=argparse.SUPPRESS)  # the baseline's own subprocess
    args = parser.parse_args()
    if args.baseline_only:
        seconds, pages = baseline(*args.baseline_only)
        print(json.dumps({"seconds": seconds, "pages": pages}))
        return 0

    source = args.corpus / args.anthology
    if not source.is_dir() or not any(source.glob(ESSAYS)):
        print(f"skipped: no corpus at {source} (it sits beside the repository; pass --corpus)",
              file=sys.stderr)
        return 0
    if args.keep and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep}: the folder is not empty")

    options, _ = build_options()
    notes = []
    extra = []
    if args.jobs is not None:
        if "--jobs" in options:
            extra = ["--jobs", str(args.jobs)]
        else:
            notes.append(f"--jobs {args.jobs} ignored: `bookify build` has no --jobs option yet")
    run_jobs1 = not args.skip_jobs1 and "--jobs" in options
    if not args.skip_jobs1 and "--jobs" not in options:
        notes.append("no `--jobs 1` row: `bookify build` has no --jobs option yet")

    cpus = os.cpu_count() or 1
    load_before = os.getloadavg()
    started_at = dt.datetime.now()
    print(f"{args.anthology}: {cpus} CPUs, load average {load_before[0]:.2f} {load_before[1]:.2f} "
          f"{load_before[2]:.2f} before starting", flush=True)
    if cpus > 1 and load_before[0] >= 0.5:
        notes.append(f"the load average was {load_before[0]:.2f} before starting: about "
                     f"{min(load_before[0], cpus):.1f} of the {cpus} cores were busy with other "
                     "work, so a build that uses a second core is measured slower than it is")

    with tempfile.TemporaryDirectory(prefix="build-speed-") as tmp_name:
        tmp = Path(tmp_name)
        folder = args.keep.resolve() if args.keep else tmp / "book"
        if args.keep and folder.exists():
            folder.rmdir()
        project = make_project(args.anthology, source, folder)
        order = reading_order(project)
        edited, grown = order[(3 * len(order)) // 4], order[1]
        build = [*BOOKIFY, "build", "--project", str(project), "-q"]
        runner = Runner(tmp)
        edits = {}
        for number in range(1, args.runs + 1):
            print(f"run {number} of {args.runs}:", flush=True)
            restore_essays(source, project)
            shutil.rmtree(project / "build", ignore_errors=True)
            sample = runner.run("baseline", [sys.executable, str(Path(__file__).resolve()),
                                             "--baseline-only", str(project / "manuscripts"),
                                             str(tmp / "baseline.pdf")])
            if sample["returncode"] == 0:
                inner = json.loads(sample["stdout"].strip().splitlines()[-1])
                sample.update(pages=inner["pages"], engine_seconds=inner["seconds"])
            runner.run("version", [*BOOKIFY, "--version"])
            runner.run("cold", build + extra, project)
            runner.run("warm", build + extra, project)
            edits["edit"] = edit_one_word(edited)
            runner.run("edit", build + extra, project)
            edits["page"] = add_a_page(grown)
            runner.run("page", build + extra, project)
            if run_jobs1:
                restore_essays(source, project)
                shutil.rmtree(project / "build", ignore_errors=True)
                runner.run("cold_jobs1", build + ["--jobs", "1"], project)
            if args.before:
                restore_essays(source, project)
                shutil.rmtree(project / "build", ignore_errors=True)
                older = tmp / "before"
                older.mkdir(exist_ok=True)
                archive = subprocess.run(["git", "-C", str(REPO), "archive", args.before, "src"],
                                         capture_output=True, check=True).stdout
                subprocess.run(["tar", "-x", "-C", str(older)], input=archive, check=True)
                runner.run("before", [sys.executable, "-m", "bookify", "build", "--project",
                                      str(project), "-q"], project,
                           env={**os.environ, "PYTHONPATH": str(older / "src")})
        restore_essays(source, project)
    load_after = os.getloadavg()

    # The table: medians of the runs, as ratios to the baseline's median.
    summary = {}
    for key, samples in runner.samples.items():
        if samples:
            summary[key] = {
                "label": ROWS[key],
                "seconds": median([s["seconds"] for s in samples]),
                "peak_rss_mb": median([s["peak_rss_mb"] for s in samples]),
                "peak_pss_mb": median([s["peak_pss_mb"] for s in samples]),
                "processes": max(s["processes"] for s in samples),
                "pages": median([s.get("pages") for s in samples]),
                "failed": sum(s["returncode"] != 0 for s in samples),
            }
    base = summary["baseline"]["seconds"]
    for row in summary.values():
        row["ratio"] = row["seconds"] / base
    print()
    jobs_note = f", builds with --jobs {args.jobs}" if extra else ""
    print(f"{args.anthology}: {len(order)} essays, median of {args.runs} run(s){jobs_note}")
    header = f"  {'':<34} {'seconds':>8} {'× base':>7} {'peak RSS':>9} {'peak PSS':>9} " \
             f"{'procs':>5} {'pages':>6}"
    print(header)
    for row in summary.values():
        pss = f"{row['peak_pss_mb']:6.0f} MB" if row["peak_pss_mb"] is not None else f"{'–':>9}"
        pages = f"{row['pages']:6.0f}" if row["pages"] is not None else f"{'':>6}"
        failed = "  FAILED" if row["failed"] else ""
        print(f"  {row['label']:<34} {row['seconds']:8.2f} {row['ratio']:7.2f} "
              f"{row['peak_rss_mb']:6.0f} MB {pss} {row['processes']:5d} {pages}{failed}")
    print()
    ratios = {}
    jobs = f"--jobs {args.jobs}" if extra else "default jobs"
    for key, over, label in (("edit", "cold", "warm after one-word edit / cold"),
                             ("page", "cold", "warm after adding pages early / cold"),
                             ("warm", "cold", "warm, nothing changed / cold"),
                             ("cold_jobs1", "cold", f"cold --jobs 1 / cold ({jobs})"),
                             ("cold_jobs1", "before", f"cold --jobs 1 / cold by {args.before}")):
        if key in summary and over in summary:
            ratios[f"{key}/{over}"] = value = summary[key]["seconds"] / summary[over]["seconds"]
            print(f"  {label:<36} {value:6.2f}")
    print()
    print(f"  edit:  {edits.get('edit')}")
    print(f"  added: {edits.get('page')}")
    pages = {key: summary[key]["pages"] for key in ("warm", "edit", "page") if key in summary}
    if None not in pages.values() and len(pages) == 3:
        if pages["edit"] != pages["warm"]:
            notes.append(f"the one-word edit changed the page count ({pages['warm']:.0f} → "
                         f"{pages['edit']:.0f})")
        if pages["page"] == pages["edit"]:
            notes.append("adding the paragraphs did not change the print page count")
    print(f"  load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          f"(1 min), {cpus} CPUs")
    for note in notes:
        print(f"  note: {note}")

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"build_speed-{started_at:%Y%m%d-%H%M%S}.json"
    for samples in runner.samples.values():
        for sample in samples:
            sample.pop("stdout", None)
    out.write_text(json.dumps({
        "anthology": args.anthology, "corpus": str(args.corpus), "essays": len(order),
        "runs": args.runs, "jobs": args.jobs, "build_options": sorted(options),
        "started": started_at.isoformat(timespec="seconds"), "cpu_count": cpus,
        "loadavg_before": load_before, "loadavg_after": load_after,
        "python": platform.python_version(), "platform": platform.platform(),
        "git": git_describe(), "edits": edits, "rows": summary, "ratios": ratios,
        "samples": runner.samples, "notes": notes, "failures": runner.failures,
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"  written: {out.relative_to(REPO)}")
    if args.keep:
        print(f"  project kept in {folder}")
    if runner.failures:
        print(f"{len(runner.failures)} run(s) failed: " + "; ".join(runner.failures),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
