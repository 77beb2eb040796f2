"""The build pipeline, wired in one place: project → book → rendered book → outputs.

Every stage runs before any output is written (so a Markdown error never costs the previous
PDF), and the outputs are composed in a staging folder and moved into place together once all
are complete (so a failed build never leaves a mixed set).
The CLI (build, `--essay`, proof) calls `build`; the preview's layout job goes through the same
layout pipeline and cache (`outputs/editions.py`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .assemble import assemble_book
from .cache import LayoutCache
from .diagnostics import Diagnostics
from .errors import BookifyError, ConfigError, Location, RenderError
from .fsutil import OutputFolderError, OutputSet, prepare_output_folder
from .formats import FORMATS, Format  # noqa: F401 (FORMATS is re-exported)
from .markdown import render_book
from .model import BackMatter, RenderedBook
from .outputs.cover_wrap import lay_out_cover_wrap, write_cover_wrap_pdf
from .outputs.epub import write_epub
from .outputs.html import write_html
from .outputs.editions import lay_out_edition, lay_out_editions
from .outputs.executors import LayoutExecutor
from .outputs.layouts import LayoutRunner, default_jobs
from .outputs.pdf import PrintLayout, check_font_coverage, write_pdf
from .project import Project, key_line
from .themes import load_theme


@dataclass(frozen=True, slots=True)
class Artifact:
    """One written output."""

    format: Format
    path: Path
    pages: int | None = None
    seconds: float = 0.0
    #: For a PDF: `print`, `digital` or `cover` (the print cover wrap).
    edition: str | None = None


@dataclass
class BuildResult:
    rendered: RenderedBook
    artifacts: list[Artifact] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    #: The laid-out PDF editions, by edition (for proofs and the preview).
    layouts: dict[str, PrintLayout] = field(default_factory=dict)


class Progress:
    """What a build reports while it works; the CLI subclasses it to draw progress bars."""

    def stage(self, name: str) -> None:
        """A stage starts (for example "Laying out pages")."""

    def essays(self, done: int, total: int) -> None:
        """`done` of `total` essays have been converted."""

    def pages(self, count: int) -> None:
        """WeasyPrint has laid out `count` pages so far."""

    def done(self, artifact: Artifact) -> None:
        """An output has been written."""


def build(
    project: Project,
    formats: Sequence[Format] | None = None,
    output_dir: Path | None = None,
    progress: Progress | None = None,
    diagnostics: Diagnostics | None = None,
    strict: bool = False,
    essay: str | None = None,
    editions: Sequence[str] | None = None,
    jobs: int | None = None,
    cache: bool = True,
    cache_dir: Path | None = None,
    executor: LayoutExecutor | None = None,
    scheduler: str | None = None,
) -> BuildResult:
    """Build the requested outputs of `project` into `output_dir` (default: the project's).

    With `strict`, any warning (an image without alt text, a dead link…) stops the build before
    an output is written, for publishing pipelines that must not ship a flawed book.
    With `essay` (an essay's id), only a proof PDF of that essay is made, in the book's styles,
    for sending to its contributor: `<output_dir>/proofs/<id>.pdf`. `editions` chooses the PDF
    editions instead of `[print] editions`. `jobs` is how many processes lay out pages (default:
    `[build] jobs`, else one per core); `cache=False` lays everything out afresh, ignoring and
    not filling the layout cache in `<cache_dir or output_dir>/.cache/`. `executor` lays out
    the pages instead of this build's own processes (shared by the books of a catalogue);
    `scheduler` (default: `[build] scheduler`) is the address of a Dask scheduler whose
    workers lay them out.
    """
    scheduler = scheduler or project.config.build.scheduler
    if executor is None and scheduler:
        from .cluster import connect

        with connect(scheduler) as cluster:
            return build(project, formats, output_dir, progress, diagnostics, strict, essay,
                         editions, jobs, cache, cache_dir, executor=cluster)
    progress = progress or Progress()
    diagnostics = diagnostics if diagnostics is not None else Diagnostics()
    formats = list(dict.fromkeys(formats or project.config.build.formats))
    output_dir = output_dir or project.output_dir
    settings = project.config.build
    _writable(output_dir)
    runner = LayoutRunner(jobs or settings.jobs or default_jobs(),
                          LayoutCache((cache_dir or output_dir) / ".cache",
                                      settings.cache_max_mb * 2**20,
                                      enabled=cache and settings.cache),
                          progress.pages, executor=executor,
                          skip=(output_dir, (cache_dir or output_dir) / ".cache"))
    with runner:  # open until the EPUB's fonts are cut down too
        if essay is not None or "pdf" in formats or "epub" in formats:
            runner.prepare()

        if essay is None and "pdf" in formats and not (editions or project.config.print.editions):
            _no_editions(project, formats, diagnostics)
            formats = [fmt for fmt in formats if fmt != "pdf"]

        progress.stage("Reading manuscripts")
        book = assemble_book(project, diagnostics)
        theme = load_theme(project)
        progress.stage("Converting essays")
        rendered = render_book(book, project, diagnostics, progress.essays, runner.cache)
        page_list = "epub" in formats and project.config.epub.page_list
        if essay is not None or "pdf" in formats or page_list:
            check_font_coverage(rendered, theme, diagnostics)
        if strict and diagnostics.warnings:
            _refuse(diagnostics)
        result = BuildResult(rendered=rendered, diagnostics=diagnostics)
        if essay is not None:
            proof = _proof_of(rendered, essay)
            result.rendered = proof
            progress.stage("Laying out pages")
            started = time.perf_counter()
            layout = lay_out_editions(runner, {"proof": lay_out_edition(
                proof, theme, project, runner.cache, proof=True)})["proof"]
            diagnostics.items.extend(layout.diagnostics)
            target = output_dir / "proofs" / f"{essay}.pdf"
            with _outputs(output_dir) as outputs:
                write_pdf(layout, outputs.path(target))
                outputs.commit()
            artifact = Artifact("pdf", target, layout.pages, time.perf_counter() - started)
            result.artifacts.append(artifact)
            progress.done(artifact)
            return result

        editions = list(editions or project.config.print.editions) if "pdf" in formats else []
        # Every edition is laid out at once, stretch by stretch on every core; the print edition is
        # also the source of the EPUB's print page numbers, so it is laid out for them even when it
        # is not written.
        progress.stage("Laying out pages")
        started = time.perf_counter()
        layouts = lay_out_editions(runner, {
            edition: lay_out_edition(rendered, theme, project, runner.cache, edition=edition,
                                     check=edition == "print" and edition in editions)
            for edition in dict.fromkeys([*editions, *(["print"] if page_list else [])])})
        layout_seconds = time.perf_counter() - started
        for layout in layouts.values():  # the layouts' own findings, in a stable order
            diagnostics.items.extend(layout.diagnostics)

        cover = None
        if "print" in editions and project.config.print.cover_wrap:
            progress.stage("Laying out the cover")
            started = time.perf_counter()
            cover = (lay_out_cover_wrap(rendered, theme, project, layouts["print"].pages,
                                        diagnostics), time.perf_counter() - started)
        if strict and diagnostics.warnings:
            _refuse(diagnostics)  # layout found something (a widow, a low-resolution image…)

        result.layouts = layouts
        # Every output is composed in a staging folder first and moved into place only when all
        # are complete: a failure at the EPUB must not leave new PDFs beside an old EPUB.
        with _outputs(output_dir) as outputs:
            for fmt in formats:
                started = time.perf_counter()
                if fmt == "pdf":
                    for edition in editions:
                        progress.stage(f"Writing the {edition} PDF")
                        target = output_dir / f"{book.slug}-{edition}.pdf"
                        write_pdf(layouts[edition], outputs.path(target))
                        _finished(result, progress, Artifact(
                            "pdf", target, layouts[edition].pages,
                            time.perf_counter() - started + layout_seconds, edition))
                    if cover is not None:
                        progress.stage("Writing the cover")
                        started = time.perf_counter()
                        target = output_dir / f"{book.slug}-cover.pdf"
                        write_cover_wrap_pdf(cover[0], outputs.path(target))
                        _finished(result, progress, Artifact(
                            "pdf", target, 1, time.perf_counter() - started + cover[1], "cover"))
                    continue
                if fmt == "epub":
                    progress.stage("Writing EPUB")
                    target = output_dir / f"{book.slug}.epub"
                    write_epub(rendered, theme, project, outputs.path(target), diagnostics,
                               layouts["print"] if page_list else None, runner.cache,
                               runner)
                else:
                    progress.stage("Writing HTML")
                    target = output_dir / "html" / "index.html"
                    write_html(rendered, theme, project, outputs.path(target.parent) / target.name,
                               diagnostics)
                _finished(result, progress, Artifact(fmt, target, seconds=time.perf_counter() - started))
            outputs.commit()
        return result


def _no_editions(project: Project, formats: list[Format], diagnostics: Diagnostics) -> None:
    """`--format pdf` with `[print] editions = []`: nothing to write is an error when the PDF is
    all that was asked for, else a warning (the other formats are built)."""
    location = Location(project.config_path, key_line(project.root, ("print", "editions")),
                        "print.editions")
    if formats == ["pdf"]:
        raise ConfigError(
            "[print] editions is empty, so there is no PDF to build", location,
            'list the editions to build, editions = ["print", "digital"], or build another '
            "format (--format epub)")
    diagnostics.warn("[print] editions is empty, so no PDF was built", location,
                     'list the editions to build, editions = ["print", "digital"]')


def _writable(output_dir: Path) -> None:
    """Refuse, before any work, an output folder that is a file, a link or read-only."""
    try:
        prepare_output_folder(output_dir)
    except OutputFolderError as exc:
        raise RenderError(f"the output folder {exc.path} {exc.problem}", hint=exc.hint) from None


@contextlib.contextmanager
def _outputs(output_dir: Path) -> Iterator[OutputSet]:
    """An `OutputSet` whose file-system failures (a full disk, a folder made read-only while
    the book was laid out) are reported as the user's problem they are, not as a bug."""
    try:
        with OutputSet(output_dir) as outputs:
            yield outputs
    except OutputFolderError as exc:
        raise RenderError(f"cannot write {exc.path}: it {exc.problem}", hint=exc.hint) from None
    except OSError as exc:
        raise RenderError(
            f"cannot write the outputs in {output_dir}: {exc.strerror or exc}",
            hint="check the folder's permissions and the free disk space; the previous "
            "outputs are unchanged") from None


def _refuse(diagnostics: Diagnostics) -> None:
    count = len(diagnostics.warnings)
    raise BookifyError(
        f"{count} warning{'s' if count > 1 else ''} and --strict: nothing was written",
        hint="fix the warnings above, or build without --strict",
    )


def _finished(result: BuildResult, progress: Progress, artifact: Artifact) -> None:
    result.artifacts.append(artifact)
    progress.done(artifact)


def _proof_of(rendered: RenderedBook, essay_id: str) -> RenderedBook:
    """The rendered book cut down to one essay, for a contributor's proof."""
    essays = {e.id: e for e in rendered.essays()}
    if essay_id not in essays:
        close = difflib.get_close_matches(essay_id, essays, n=1)
        raise BookifyError(
            f"no essay with the id '{essay_id}'",
            hint=(f"did you mean '{close[0]}'? " if close else "")
            + "an essay's id is its file name without a leading number, or its 'slug:'",
        )
    book = dataclasses.replace(rendered.book, back_matter=BackMatter())
    return dataclasses.replace(rendered, book=book, contents=(essays[essay_id],), people=())
