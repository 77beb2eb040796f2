"""Benchmark: how long `bookify import` takes for an anthology's worth of Word files.

Fifty .docx essays are generated first (not timed) with python-docx: the text of the corpus
anthology's essays when ../shared/corpus is there (headings, paragraphs, italics and footnotes as
their Markdown has them), otherwise generated paragraphs of the same shape. Then one
`bookify import FOLDER` runs in a subprocess into a fresh project, timed from its start (so the
figure includes start-up), and the per-essay cost is printed beside it.

    python bench/import_speed.py [--corpus ../shared/corpus/anthology-large] [--count 50] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.docx_factory import Manuscript  # noqa: E402  (needs the test extra)

WORDS = ("walk road hedge stile field morning evening river hill town idle hour thought friend "
         "book letter silence weather season garden").split()


def corpus_essays(folder: Path, count: int) -> list[str]:
    files = sorted(folder.glob("*.md"))[:count] if folder.is_dir() else []
    return [f.read_text(encoding="utf-8") for f in files]


def generated_essay(number: int) -> str:
    paragraphs = []
    for p in range(24):
        words = [WORDS[(number * 7 + p * 3 + i) % len(WORDS)] for i in range(110)]
        words[5] = f"*{words[5]}*"
        paragraphs.append(" ".join(words).capitalize() + "." + (f"[^{p}]" if p % 6 == 0 else ""))
        if p % 6 == 0:
            paragraphs.append(f"[^{p}]: A note on paragraph {p}.")
        if p % 8 == 7:
            paragraphs.append(f"## Part {p // 8 + 2}")
    return f"---\ntitle: Essay {number}\nauthor: Writer {number}\n---\n\n" + "\n\n".join(paragraphs)


def to_docx(markdown: str, path: Path) -> None:
    """A Word file with the essay's title, author, headings, italics and footnotes."""
    front = re.match(r"---\n(.*?)\n---\n", markdown, re.S)
    meta = dict(re.findall(r"^(\w+): \"?(.*?)\"?$", front.group(1), re.M)) if front else {}
    body = markdown[front.end():] if front else markdown
    notes = dict(re.findall(r"^\[\^([^\]]+)\]: (.*)$", body, re.M))
    m = Manuscript()
    m.title(meta.get("title", path.stem), author=meta.get("author"))
    for block in re.split(r"\n{2,}", body):
        block = block.strip()
        if not block or block.startswith("[^"):
            continue
        if block.startswith("#"):
            m.heading(block.lstrip("#").strip(), 1)
            continue
        runs = []
        for piece in re.split(r"(\*[^*\n]+\*|\[\^[^\]]+\])", block.replace("\n", " ")):
            if piece.startswith("[^") and piece[2:-1] in notes:
                runs.append((notes[piece[2:-1]], {"footnote": True}))
            elif piece.startswith("*") and piece.endswith("*") and len(piece) > 2:
                runs.append((piece[1:-1], {"italic": True}))
            elif piece:
                runs.append(piece)
        m.para(*runs)
    m.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path,
                        default=REPO.parent / "shared" / "corpus" / "anthology-large")
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bookify-import-bench-") as temporary:
        root = Path(temporary)
        sources = root / "contributions"
        sources.mkdir()
        texts = corpus_essays(args.corpus, args.count)
        origin = f"the corpus ({args.corpus})" if texts else "generated text"
        texts += [generated_essay(n) for n in range(len(texts), args.count)]
        for number, text in enumerate(texts, start=1):
            to_docx(text, sources / f"{number:02d}-essay.docx")
        size = sum(p.stat().st_size for p in sources.iterdir())
        words = sum(len(t.split()) for t in texts)
        print(f"{len(texts)} .docx essays from {origin}: {words:,} words, {size / 1e6:.1f} MB; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

        times = []
        for run in range(args.runs):
            project = root / f"book-{run}"
            (project / "manuscripts").mkdir(parents=True)
            (project / "bookify.toml").write_text('contents = []\n\n[book]\ntitle = "Bench"\n')
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "bookify", "import", str(sources),
                            "--project", str(project), "-q"], check=True)
            times.append(time.perf_counter() - start)
            imported = len(list((project / "manuscripts").glob("*.md")))
            assert imported == len(texts), f"imported {imported} of {len(texts)}"
        best, median = min(times), statistics.median(times)
        print(f"bookify import of {len(texts)} essays: best {best:.2f} s, median {median:.2f} s "
              f"over {args.runs} runs ({best / len(texts) * 1000:.0f} ms an essay, start-up "
              "included)")


if __name__ == "__main__":
    main()
