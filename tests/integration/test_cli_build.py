"""`bookify build` as an author runs it, in a real process: what it writes, what it says, how it exits."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.support.pdf import page_texts

from .conftest import copy_project

BOOKIFY = [sys.executable, "-m", "bookify"]


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory):
    """`bookify build --format pdf --output DIR`, run in a copy of the minimal project."""
    root = copy_project("minimal", tmp_path_factory.mktemp("cli") / "minimal")
    output = root.parent / "proofs"
    completed = subprocess.run(
        [*BOOKIFY, "build", "--format", "pdf", "--output", str(output)],
        cwd=root, capture_output=True, text=True, timeout=300,
    )
    return root, output, completed


def test_exit_status_is_zero(cli_run) -> None:
    _, _, completed = cli_run
    assert completed.returncode == 0, completed.stdout + completed.stderr


#: What `--format pdf` writes by default: the two editions ([print] editions) and the print
#: edition's cover wrap ([print] cover_wrap).
PDFS = {"print": "a-minimal-book-print.pdf", "digital": "a-minimal-book-digital.pdf",
        "cover": "a-minimal-book-cover.pdf"}


def test_only_the_pdfs_are_written_and_only_into_the_output_folder(cli_run) -> None:
    root, output, _ = cli_run
    # The layout cache lives beside the outputs (build/.cache/ by default).
    assert sorted(p.name for p in output.iterdir() if p.name != ".cache") == sorted(PDFS.values())
    assert (output / ".cache").is_dir()
    assert not (root / "build").exists(), "--output replaces the project's build/ folder"
    for name in PDFS.values():
        assert PdfReader(output / name).pages


def _body_words(root: Path) -> int:
    """Words of the essays' text as an author counts them (front matter and titles excluded)."""
    total = 0
    for path in sorted((root / "manuscripts").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
        text = re.sub(r"^# .*$", "", text, count=1, flags=re.M)
        total += len(text.split())
    return total


def test_summary_names_each_file_with_its_page_and_word_counts(cli_run) -> None:
    """One line per file: each edition with its page and word counts, the cover wrap (one
    sheet) with its page count."""
    root, output, completed = cli_run
    lines = [line for line in completed.stdout.splitlines() if line.startswith("Wrote ")]
    assert len(lines) == len(PDFS), completed.stdout
    for edition, line in zip(["print", "digital"], lines):
        pdf = output / PDFS[edition]
        match = re.fullmatch(r"Wrote (\S+) \((\d+) pages, ([\d,]+) words, [\d.]+ s\)", line)
        assert match, line
        assert Path(match[1]).name == pdf.name and (root / match[1]).resolve() == pdf.resolve()
        assert int(match[2]) == len(PdfReader(pdf).pages)
        assert int(match[3].replace(",", "")) == _body_words(root)
    cover = re.fullmatch(r"Wrote (\S+) \(1 page, [\d.]+ s\)", lines[2])
    assert cover and Path(cover[1]).name == PDFS["cover"], lines[2]
    # A clean book builds without warnings; a notice (such as the printer's minimum page count
    # for so short a book) is information, not a warning.
    problems = [line for line in completed.stderr.splitlines()
                if line.strip() and not line.startswith(("notice:", "  hint:"))]
    assert not problems, completed.stderr


def test_quiet_prints_nothing_for_a_clean_book(tmp_path: Path) -> None:
    root = copy_project("minimal", tmp_path / "minimal")
    completed = subprocess.run([*BOOKIFY, "build", "--format", "epub", "--quiet"], cwd=root,
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "" and completed.stderr == ""
    assert sorted(p.name for p in (root / "build").iterdir()) == [".cache", "a-minimal-book.epub"]


def test_a_proof_leaves_the_builds_outputs_as_they_were(tmp_path: Path) -> None:
    """`bookify proof` writes its spreads and the PDF they come from in build/proof/; the
    outputs of `bookify build` (the PDFs, the cover, the EPUB) stay one consistent set."""
    root = copy_project("minimal", tmp_path / "minimal")
    built = subprocess.run([*BOOKIFY, "build", "--format", "pdf", "-q"], cwd=root,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    before = {path.name: (path.read_bytes(), path.stat().st_mtime_ns)
              for path in (root / "build").glob("*.pdf")}
    (root / "manuscripts" / "01-zephyr-at-dawn.md").open("a", encoding="utf-8").write(
        "\nA paragraph added after the build, which the proof shows.\n")
    proof = subprocess.run([*BOOKIFY, "proof", "--pages", "1", "-q"], cwd=root,
                           capture_output=True, text=True, timeout=300)
    assert proof.returncode == 0, proof.stderr
    after = {path.name: (path.read_bytes(), path.stat().st_mtime_ns)
             for path in (root / "build").glob("*.pdf")}
    assert after == before and len(before) == 3
    assert list((root / "build" / "proof").glob("spread-*.png"))
    proof_text = " ".join(page_texts(root / "build" / "proof" / "a-minimal-book-print.pdf"))
    assert "A paragraph added after the build" in " ".join(proof_text.split())
