"""Real books, built once per session: the fixture projects in tests/projects/ and the sample book.

Each build is an ordinary `bookify.build.build(load_project(...), formats, output_dir=...)`, the
same call the CLI makes. Tests only read the outputs, so one build serves every test that looks at
it, and EPUBCheck (several seconds a run) runs at most once per EPUB (`BuiltBook.epubcheck`).
A build the bookify code cannot finish fails the tests of that output, not the session.
"""

from __future__ import annotations

import functools
import shutil
import time
from pathlib import Path

import pytest

from bookify.assemble import assemble_book
from bookify.build import BuildResult, build
from bookify.diagnostics import Diagnostics
from bookify.markdown import render_book
from bookify.model import RenderedBook, RenderedPart
from bookify.project import load_project
from tests.support.epub import EpubcheckResult, EpubFile, java_available, run_epubcheck

from .bookcheck import PrintedBook

REPO = Path(__file__).resolve().parents[2]
PROJECTS = REPO / "tests" / "projects"

#: The back pages a book may end with: (BackMatter attribute, title as printed), in book order.
BACK_PAGES = [("contributors", "Contributors"), ("credits", "Credits"), ("author_index", "Index of Authors")]


class BuiltBook:
    """One fixture project and the outputs built from it, each format built on first use.

    Formats are built by separate `build()` calls, so a bug that breaks one output (say the EPUB)
    fails the tests of that output and leaves the others standing. A failed build is remembered
    and re-raised, not retried.
    """

    def __init__(self, name: str, project: Path, output: Path,
                 results: dict[str, BuildResult] | None = None) -> None:
        self.name = name
        self.project = project
        self.output = output
        self._results: dict[str, BuildResult | BaseException] = dict(results or {})

    def __repr__(self) -> str:
        return f"BuiltBook({self.name!r}, {str(self.project)!r})"

    def build_result(self, fmt: str) -> BuildResult:
        if fmt not in self._results:
            try:
                self._results[fmt] = build(load_project(self.project), [fmt], output_dir=self.output)
            except Exception as exc:  # noqa: BLE001 - re-raised in every test that needs this output
                self._results[fmt] = exc
        result = self._results[fmt]
        if isinstance(result, BaseException):
            raise result
        return result

    def _artifact(self, fmt: str, edition: str | None = None):
        found = [a for a in self.build_result(fmt).artifacts
                 if a.format == fmt and (edition is None or a.edition == edition)]
        if not found:
            raise LookupError(f"the {self.name} build wrote no {fmt}"
                              + (f" ({edition} edition)" if edition else ""))
        return found[0]

    def artifact(self, fmt: str, edition: str | None = None) -> Path:
        """The file written for `fmt`; a PDF is the print edition unless `edition` says
        otherwise ("print" or "digital")."""
        if fmt == "pdf" and edition is None:
            edition = "print"
        return self._artifact(fmt, edition).path

    def pages_reported(self, edition: str = "print") -> int | None:
        """The page count the build reported for a PDF edition."""
        return self._artifact("pdf", edition).pages

    @property
    def pdf(self) -> Path:
        """The print edition (`<slug>-print.pdf`): the interior a printer takes."""
        return self.artifact("pdf", "print")

    @property
    def print_pdf(self) -> Path:
        return self.artifact("pdf", "print")

    @property
    def digital_pdf(self) -> Path:
        """The digital edition (`<slug>-digital.pdf`): cover first, no forced blanks, live links."""
        return self.artifact("pdf", "digital")

    def pdf_edition(self, edition: str) -> Path:
        return self.artifact("pdf", edition)

    @property
    def epub(self) -> Path:
        return self.artifact("epub")

    @property
    def html(self) -> Path:
        return self.artifact("html")

    @functools.cached_property
    def rendered(self) -> RenderedBook:
        """The book as bookify reads it (reading order, titles), independent of any output."""
        built = [r for r in self._results.values() if isinstance(r, BuildResult)]
        if built:
            return built[0].rendered
        project = load_project(self.project)
        return render_book(assemble_book(project, Diagnostics()), project, Diagnostics())

    @functools.cached_property
    def printed(self) -> PrintedBook:
        """The print edition as pages of text (extracted once)."""
        return PrintedBook.read(self.print_pdf, front_titles=self.front_titles)

    @functools.cached_property
    def printed_digital(self) -> PrintedBook:
        """The digital edition as pages of text (extracted once)."""
        return PrintedBook.read(self.digital_pdf, front_titles=self.front_titles)

    def printed_edition(self, edition: str) -> PrintedBook:
        return self.printed if edition == "print" else self.printed_digital

    @functools.cached_property
    def print_layout(self):
        """The print edition's layout (`bookify.outputs.pdf.PrintLayout`) as one document, with
        WeasyPrint's document kept (its boxes are read): laid out again in this process from
        the same sources. It is the book the build assembled from its stretches, page for page
        (tests/integration/test_division_layout.py)."""
        result = self.build_result("pdf")
        from bookify.outputs.pdf import lay_out_book
        from bookify.themes import load_theme

        project = load_project(self.project)
        layout = lay_out_book(result.rendered, load_theme(project), project, Diagnostics(),
                              edition="print")
        built = result.layouts.get("print")
        assert built is not None, f"the {self.name} build laid out no print edition"
        assert built.page_facts == layout.page_facts, "laid out again, the book came out different"
        return layout

    @functools.cached_property
    def ebook(self) -> EpubFile:
        return EpubFile(self.epub)

    @functools.cached_property
    def epubcheck(self) -> EpubcheckResult:
        """EPUBCheck's report, run once for this EPUB (skips when Java is missing)."""
        if not java_available():
            pytest.skip("EPUBCheck needs Java, which is not installed")
        return run_epubcheck(self.epub)

    # What the book should contain, from the build's own reading of the project: titles in
    # reading order, as (level, title) with parts at level 1 and their essays at level 2.
    @property
    def structure(self) -> list[tuple[int, str]]:
        entries = []
        for entry in self.rendered.contents:
            entries.append((1, entry.title_text))
            if isinstance(entry, RenderedPart):
                entries.extend((2, essay.title_text) for essay in entry.essays)
        return entries

    @property
    def back_titles(self) -> list[str]:
        """Titles of the generated pages after the essays (Contributors, Credits, Index of
        Authors), in the order the book has them, from the build's [back_matter] choice."""
        back = self.rendered.book.back_matter
        return [title for attr, title in BACK_PAGES if getattr(back, attr)]

    @property
    def front_titles(self) -> list[str]:
        """Titles of the authored front-matter pieces ([front_matter] files: a preface…), in
        order; they come between the contents and the first essay."""
        return [piece.title_text for piece in self.rendered.front]

    @property
    def back_piece_titles(self) -> list[str]:
        """Titles of the authored back-matter pieces ([back_matter] files: a colophon…), set
        after the essays and before the generated back pages."""
        return [piece.title_text for piece in self.rendered.back]

    @property
    def outline_structure(self) -> list[tuple[int, str]]:
        """The front pieces, `structure`, the back pieces and the generated back pages, the
        pieces and back pages each at level 1: the PDF outline, the EPUB navigation and the NCX."""
        return ([(1, title) for title in self.front_titles] + self.structure
                + [(1, title) for title in self.back_piece_titles]
                + [(1, title) for title in self.back_titles])

    @property
    def essay_titles(self) -> list[str]:
        return [essay.title_text for essay in self.rendered.essays()]

    @property
    def part_titles(self) -> list[str]:
        return [e.title_text for e in self.rendered.contents if isinstance(e, RenderedPart)]

    @property
    def parts_with_intros(self) -> list[tuple[str, bool]]:
        """(title, whether it has an introduction on its page) of each part, in reading order."""
        return [(e.title_text, e.intro_html is not None) for e in self.rendered.contents
                if isinstance(e, RenderedPart)]

    def nav_titles(self) -> list[tuple[int, str]]:
        """(level, title) of each EPUB nav entry, an anthology's " — Author" byline taken off."""
        bylined = {f"{e.title_text} — {' and '.join(e.essay.authors)}": e.title_text
                   for e in self.rendered.essays() if e.essay.authors}
        return [(level, bylined.get(text, text)) for level, text, _ in self.ebook.toc_entries()]


#: Lines for the end of the test run's report (build times and sizes worth seeing).
REPORT: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    if REPORT:
        terminalreporter.section("bookify builds")
        for line in REPORT:
            terminalreporter.write_line(line)


def build_project(root: Path, formats: list[str], output: Path, name: str | None = None) -> BuiltBook:
    """Build `formats` of the project in `root` now, in one `build()` call, into `output`."""
    result = build(load_project(root), formats, output_dir=output)
    return BuiltBook(name or root.name, root, output, {fmt: result for fmt in formats})


def build_corpus_book(root: Path, essays: Path, name: str) -> BuiltBook:
    """Copy the corpus essays (`NN-*.md`) in `essays` into `root`'s manuscripts/, build PDF and
    EPUB once, and add the build time and page count to the report at the end of the run."""
    (root / "manuscripts").mkdir(parents=True, exist_ok=True)
    for source in sorted(essays.glob("[0-9][0-9]-*.md")):
        shutil.copy2(source, root / "manuscripts" / source.name)
    started = time.perf_counter()
    book = build_project(root, ["pdf", "epub"], root / "build", name)
    seconds = time.perf_counter() - started
    line = (f"{name}: PDF + EPUB built in {seconds:.1f} s; {book.pages_reported()} pages, "
            f"{book.rendered.words:,} words")
    REPORT.append(line)
    print(line)
    return book


def lazy_project(root: Path, output: Path, name: str | None = None) -> BuiltBook:
    """The project in `root`, each output built (into `output`) when a test first asks for it."""
    return BuiltBook(name or root.name, root, output)


def copy_project(name: str, target: Path, *, toml_edit=None) -> Path:
    """Copy tests/projects/<name> to `target`, optionally rewriting its bookify.toml."""
    shutil.copytree(PROJECTS / name, target)
    if toml_edit is not None:
        config = target / "bookify.toml"
        config.write_text(toml_edit(config.read_text(encoding="utf-8")), encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def features_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """tests/projects/features (PDF, EPUB and HTML, each built when first needed)."""
    return lazy_project(PROJECTS / "features", tmp_path_factory.mktemp("features-build"), "features")


@pytest.fixture(scope="session")
def minimal_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """tests/projects/minimal (each output built when first needed)."""
    return lazy_project(PROJECTS / "minimal", tmp_path_factory.mktemp("minimal-build"), "minimal")


@pytest.fixture(scope="session")
def sample_book(sample_build: BuildResult) -> BuiltBook:
    """The repository's sample anthology (built once by tests/conftest.py's `sample_build`)."""
    output = sample_build.artifacts[0].path.parent
    return BuiltBook("sample", REPO, output, {a.format: sample_build for a in sample_build.artifacts})


@pytest.fixture(scope="session")
def large_book(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """tests/projects/anthology-large with the corpus's 49 essays in seven parts, PDF and EPUB
    built once per session (minutes: only for tests marked slow)."""
    root = copy_project("anthology-large", tmp_path_factory.mktemp("anthology") / "anthology-large")
    return build_corpus_book(root, corpus / "anthology-large",
                             "anthology-large with parts and contributors")
