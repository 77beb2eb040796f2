"""Benchmark: how well a print PDF is set, read from the PDF alone (issue 12's figures).

A book designer's faults are visible on the page, so this script reads nothing but the built print
PDF: the glyph boxes pdfplumber finds on each page. It prints, per book:

- loose lines: justified body lines whose word spaces average more than 2× (and 1.5×) the
  font's own space (the width of the space glyph at that size);
- uneven spreads: full spreads (a verso and its recto both inside an essay, neither an opener
  nor an essay's last page) whose last lines are a line or more apart, and those apart by part of
  a line (more than half a point, less than the leading);
- short last pages: essays ending on a page of fewer than five lines (running head and folio
  not counted);
- paragraphs whose last line is only the tail of a hyphenated word ("dis- / covered?");
- hyphens across a recto-to-verso page turn (the last body line of a recto ends with a hyphen);
- lines opening with an em dash inside a paragraph (not indented, directly under another line).

Body text is the commonest font and size in the book; the text block's edges and leading are
read from it. A line is justified when it reaches the right edge of the text block and its
paragraph goes on (a last line is not stretched). In a ragged-right theme (modern) few lines
reach the edge and the loose-line figures say so.

    python bench/typesetting.py --project DIR            # builds DIR's print PDF (or --pdf FILE)
    python bench/typesetting.py --corpus ../shared/corpus/anthology-small --theme classic [--theme pocket]
"""

from __future__ import annotations

import argparse
import collections
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

BOOKIFY = [sys.executable, "-m", "bookify"]
HYPHENS = ("-", "\u2010")
EM_DASH = "\u2014"


@dataclass
class Line:
    """One line of glyphs on a page: its characters left to right and its baseline."""

    chars: list[dict]
    baseline: float  # distance from the top of the page, in points

    @property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def x0(self) -> float:
        return self.chars[0]["x0"]

    @property
    def x1(self) -> float:
        return max(c["x1"] for c in self.chars)


@dataclass
class Page:
    number: int
    lines: list[Line]
    body: list[Line] = field(default_factory=list)  # lines in the body font and size


def read_lines(page) -> list[Line]:
    """Group a page's glyphs into lines by baseline (superscripts join the line they sit on)."""
    height = page.height
    chars = sorted(page.chars, key=lambda c: (round(height - c["matrix"][5], 1), c["x0"]))
    lines: list[Line] = []
    for char in chars:
        baseline = height - char["matrix"][5]
        if lines and abs(lines[-1].baseline - baseline) < 0.4 * char["size"] + 0.5:
            lines[-1].chars.append(char)
            continue
        lines.append(Line([char], baseline))
    for line in lines:
        line.chars.sort(key=lambda c: c["x0"])
        # The line's baseline is that of its commonest glyphs (not of a raised footnote call).
        line.baseline = collections.Counter(
            round(height - c["matrix"][5], 2) for c in line.chars).most_common(1)[0][0]
    return sorted(lines, key=lambda line: line.baseline)


def words_and_gaps(line: Line) -> list[float]:
    """The widths of the word spaces of a line: from a word's last glyph to the next word's first."""
    gaps, last_end, in_space = [], None, False
    for char in line.chars:
        if char["text"].isspace():
            in_space = True
            continue
        if in_space and last_end is not None:
            gaps.append(char["x0"] - last_end)
        in_space = False
        last_end = char["x1"]
    return gaps


def is_folio(line: Line) -> bool:
    text = line.text.strip()
    return bool(text) and (text.isdigit() or set(text.lower()) <= set("ivxlc"))


@dataclass
class Book:
    pages: list[Page]
    font: tuple[str, float]
    space: float
    leading: float
    left: float
    right_by_parity: dict[int, float]
    left_by_parity: dict[int, float]
    top: float


def read_book(pdf_path: Path) -> Book:
    with pdfplumber.open(pdf_path) as pdf:
        pages = [Page(i + 1, read_lines(page)) for i, page in enumerate(pdf.pages)]
    fonts = collections.Counter((c["fontname"], round(c["size"], 2))
                                for page in pages for line in page.lines for c in line.chars)
    font = fonts.most_common(1)[0][0]
    spaces = [c["x1"] - c["x0"] for page in pages for line in page.lines for c in line.chars
              if c["text"] == " " and (c["fontname"], round(c["size"], 2)) == font]
    for page in pages:
        page.body = [line for line in page.lines if _share(line, font) >= 0.6]
    steps = collections.Counter(round(b.baseline - a.baseline, 1) for page in pages
                                for a, b in zip(page.body, page.body[1:]))
    leading = steps.most_common(1)[0][0]
    edges = {parity: collections.Counter(round(line.x1, 0) for page in pages
                                         if page.number % 2 == parity for line in page.body)
             for parity in (0, 1)}
    lefts = {parity: collections.Counter(round(line.x0, 0) for page in pages
                                         if page.number % 2 == parity for line in page.body)
             for parity in (0, 1)}
    tops = collections.Counter(round(page.body[0].baseline, 0) for page in pages if page.body)
    return Book(pages, font, statistics.median(spaces) if spaces else font[1] / 4, leading,
                0.0, {p: (c.most_common(1)[0][0] if c else 0) for p, c in edges.items()},
                {p: (c.most_common(1)[0][0] if c else 0) for p, c in lefts.items()},
                tops.most_common(1)[0][0] if tops else 0)


def _share(line: Line, font: tuple[str, float]) -> float:
    glyphs = [c for c in line.chars if not c["text"].isspace()]
    if not glyphs:
        return 0.0
    return sum((c["fontname"], round(c["size"], 2)) == font for c in glyphs) / len(glyphs)


def text_lines(book: Book, page: Page) -> list[Line]:
    """The page's lines without running head and folio: those of the text block."""
    return [line for line in page.lines
            if not is_folio(line) and line.baseline >= book.top - 2]


def is_continuation(book: Book, page: Page) -> bool:
    """A page whose text starts at the top of the text block in body type (not an opener, a
    part title or a blank)."""
    lines = text_lines(book, page)
    return bool(page.body) and bool(lines) and abs(lines[0].baseline - book.top) < 2 \
        and any(abs(line.baseline - book.top) < book.leading * 3 for line in page.body)


def measure(pdf_path: Path) -> dict[str, object]:
    book = read_book(pdf_path)
    pages = book.pages
    right = book.right_by_parity
    left = book.left_by_parity

    def reaches_right(page: Page, line: Line) -> bool:
        return abs(line.x1 - right[page.number % 2]) < 1.0

    # Loose lines: justified body lines (reaching the right edge, with a line of the same
    # paragraph after them) by their average word space.
    justified = loose2 = loose15 = 0
    body_lines = 0
    worst: list[tuple[float, int, str]] = []
    for page in pages:
        for line, following in zip(page.body, page.body[1:] + [None]):
            body_lines += 1
            if not reaches_right(page, line):
                continue
            if following is not None and abs(following.x0 - left[page.number % 2]) > 2 \
                    and following.baseline - line.baseline < book.leading + 1:
                continue  # the next line is indented: this is a paragraph's last line
            gaps = words_and_gaps(line)
            if not gaps:
                continue
            justified += 1
            ratio = statistics.fmean(gaps) / book.space
            loose2 += ratio > 2
            loose15 += ratio > 1.5
            worst.append((ratio, page.number, line.text.strip()))

    # Spreads: verso (even) and recto (odd) both continuation pages followed by a continuation.
    by_number = {page.number: page for page in pages}
    full = level_off_line = level_off_part = 0
    for verso in pages:
        if verso.number % 2:
            continue
        recto = by_number.get(verso.number + 1)
        after = by_number.get(verso.number + 2)
        if not (recto and after and all(is_continuation(book, p) for p in (verso, recto, after))):
            continue
        full += 1
        ends = [text_lines(book, p)[-1].baseline for p in (verso, recto)]
        apart = abs(ends[0] - ends[1])
        if apart >= book.leading - 0.5:
            level_off_line += 1
        elif apart > 0.5:
            level_off_part += 1

    # Essays' last pages: a page with body text after which comes no continuation (the last
    # pages of front and back matter pieces too).
    short_pages: list[tuple[int, int]] = []
    essays = 0
    first = next((p.number for p in pages if is_continuation(book, p)), len(pages))
    for page in pages[first - 1:]:
        nxt = by_number.get(page.number + 1)
        if not page.body or not text_lines(book, page) or (nxt and is_continuation(book, nxt)):
            continue
        if not (is_continuation(book, page) or len(text_lines(book, page)) > 4):
            continue  # a one-page piece or a part title: not an essay's run-on last page
        essays += 1
        count = len(text_lines(book, page))
        if count < 5:
            short_pages.append((page.number, count))

    # Hyphenation and em dashes, along the body lines of the whole book in reading order.
    sequence = [(page, line) for page in pages for line in page.body]
    fragments = turns = dash_lines = 0
    for (page_a, a), (page_b, b) in zip(sequence, sequence[1:]):
        ends_hyphen = a.text.rstrip().endswith(HYPHENS) and not a.text.rstrip().endswith("--")
        same_para = (abs(b.x0 - left[page_b.number % 2]) < 2
                     and (page_a is not page_b or b.baseline - a.baseline < book.leading + 1))
        if ends_hyphen and same_para and " " not in b.text.strip() \
                and not reaches_right(page_b, b):
            fragments += 1
        if ends_hyphen and page_a is not page_b and page_a.number % 2 == 1 \
                and a is page_a.body[-1] and is_continuation(book, page_b):
            turns += 1
        if b.text.lstrip().startswith(EM_DASH) and same_para and reaches_right(page_a, a):
            dash_lines += 1

    worst.sort(reverse=True)
    return {
        "pages": len(pages), "justified": justified, "body_lines": body_lines,
        "loose2": loose2, "loose15": loose15, "worst": worst[:3],
        "spreads": full, "off_line": level_off_line, "off_part": level_off_part,
        "essays": essays, "short_pages": short_pages,
        "fragments": fragments, "turns": turns, "dash_lines": dash_lines,
    }


def build(project: Path) -> Path:
    """Build the project's print PDF (pdf format only) and return its path."""
    subprocess.run([*BOOKIFY, "build", "--project", str(project), "--format", "pdf", "-q"],
                   check=True)
    found = sorted((project / "build").glob("*-print.pdf"))
    if not found:
        raise SystemExit(f"no print PDF in {project / 'build'}")
    return found[0]


def corpus_project(corpus: Path, theme: str, folder: Path) -> Path:
    """A throwaway project holding the corpus's essays, in a theme's default trim."""
    (folder / "manuscripts").mkdir(parents=True)
    for essay in sorted(corpus.glob("[0-9][0-9]-*.md")):
        shutil.copy2(essay, folder / "manuscripts" / essay.name)
    (folder / "bookify.toml").write_text(
        f'[book]\ntitle = "Typesetting Bench"\neditors = ["The bookify Editors"]\n'
        f'language = "en"\n\n[theme]\nname = "{theme}"\n', encoding="utf-8")
    return folder


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} % ({part})" if whole else "–"


def report(label: str, figures: dict[str, object]) -> str:
    f = figures
    ragged = f["justified"] < 0.3 * f["body_lines"]
    loose2 = "ragged right" if ragged else percent(f["loose2"], f["justified"])
    short = ", ".join(f"p. {n}: {c}" for n, c in f["short_pages"]) or "none"
    loose15 = "–" if ragged else percent(f["loose15"], f["justified"])
    return (f"| {label} | {f['pages']} | {loose2} | {loose15} | "
            f"{f['off_line']} / {f['spreads']} (+{f['off_part']} part) | "
            f"{len(f['short_pages'])} ({short}) | {f['fragments']} | "
            f"{f['turns']} | {f['dash_lines']} |")


HEADER = ("| book | pages | word spaces > 2× | > 1.5× | spreads a line+ apart / full (part of a line) "
          "| essays ending on < 5 lines | hyphenated fragment ends a paragraph "
          "| hyphen over recto→verso turn | em dash opens a line |\n"
          "|---|---:|---:|---:|---|---|---:|---:|---:|")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--project", type=Path, help="a bookify project: build its print PDF")
    source.add_argument("--pdf", type=Path, help="an already built print PDF")
    source.add_argument("--corpus", type=Path, help="a folder of NN-*.md essays")
    parser.add_argument("--theme", action="append", help="with --corpus: theme(s) to build in")
    parser.add_argument("--worst", action="store_true", help="also print the loosest lines")
    args = parser.parse_args()

    rows: list[tuple[str, dict[str, object]]] = []
    if args.pdf:
        rows.append((args.pdf.name, measure(args.pdf)))
    elif args.project:
        rows.append((args.project.name, measure(build(args.project))))
    else:
        for theme in args.theme or ["classic"]:
            with tempfile.TemporaryDirectory() as tmp:
                project = corpus_project(args.corpus, theme, Path(tmp) / "book")
                rows.append((f"{args.corpus.name}, {theme}", measure(build(project))))
    print(HEADER)
    for label, figures in rows:
        print(report(label, figures))
    if args.worst:
        for label, figures in rows:
            for ratio, number, text in figures["worst"]:
                print(f"{label}: p. {number} {ratio:.1f}× “{text}”")


if __name__ == "__main__":
    main()
