"""The build pipeline, wired in one place: project → book → rendered book → outputs.

Every stage runs before any output is written (so a Markdown error never costs the previous
PDF), and the outputs are composed in a staging folder and moved into place together once all
are complete (so a failed build never leaves a mixed set).
The CLI (build, `--essay`, proof) calls `build`; the preview's layout job goes through the same
layout pipeline and cache (`outputs/editions.py`).
"""

from __future__ import annotations

import contextlib
import difflib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .anatomy import book_divisions
from .assemble import assemble_book
from .cache import LayoutCache
from .diagnostics import Diagnostics
from .errors import BookifyError, ConfigError, RenderError
from .formats import FORMATS, Format  # noqa: F401 (FORMATS is re-exported)
from .fsutil import OutputFolderError, OutputSet, prepare_output_folder
from .markdown import render_book
from .model import RenderedBook
from .outputs.cover_wrap import lay_out_cover_wrap, write_cover_wrap_pdf
from .outputs.editions import lay_out_edition, lay_out_editions
from .outputs.epub import write_epub
from .outputs.executors import LayoutExecutor
from .outputs.html import write_html
from .outputs.layouts import LayoutRunner, default_jobs
from .outputs.pdf import PrintLayout, check_font_coverage, write_excerpt, write_pdf
from .project import Project
from .themes import Theme, load_theme


@dataclass(frozen=True, slots=True)
class Artifact:
    """One written output."""

    format: Format
    path: Path
    pages: int | None = None
    seconds: float = 0.0
    #: For a PDF: `print`, `digital` or `cover` (the print cover wrap).
    edition: str | None = None
    #: The words it holds, when not the whole book's (a proof of one essay).
    words: int | None = None


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
    before_layout: Callable[[RenderedBook], None] | None = None,
    executor: LayoutExecutor | None = None,
    scheduler: str | None = None,
) -> BuildResult:
    """Build the requested outputs of `project` into `output_dir` (default: the project's).

    With `strict`, any warning (an image without alt text, a dead link…) stops the build before
    an output is written, for publishing pipelines that must not ship a flawed book.
    With `essay` (the id of an essay or of a front- or back-matter piece), only a proof PDF of
    that text is made for sending to its contributor: `<output_dir>/proofs/<id>.pdf`, its pages
    as the print edition has them (folios, running heads), with its own warnings alone. `editions`
    chooses the PDF editions instead of `[print] editions`. `jobs` is how many processes lay out
    pages (default: `[build] jobs`, else one per core); `cache=False` lays everything out afresh, ignoring and
    not filling the layout cache in `<cache_dir or output_dir>/.cache/`. `before_layout` is
    handed the rendered book before any page is laid out, to refuse what the caller asked of it
    (a proof's essay ids) while that costs nothing. `executor` lays out the pages instead of this
    build's own processes (shared by the books of a catalogue); `scheduler` (default:
    `[build] scheduler`) is the address of a Dask scheduler whose workers lay them out.
    """
    scheduler = scheduler or project.config.build.scheduler
    if executor is None and scheduler:
        from .cluster import connect

        with connect(scheduler) as cluster:
            return build(project, formats, output_dir, progress, diagnostics, strict, essay,
                         editions, jobs, cache, cache_dir, before_layout, executor=cluster)
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
        return _build_with(runner, project, formats, output_dir, progress, diagnostics, strict,
                           essay, editions, before_layout)


def _build_with(runner: LayoutRunner, project: Project, formats: list[Format],
                output_dir: Path, progress: Progress, diagnostics: Diagnostics, strict: bool,
                essay: str | None, editions: Sequence[str] | None,
                before_layout: Callable[[RenderedBook], None] | None) -> BuildResult:
    """`build`, once its layout runner is made."""
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
    if before_layout is not None:
        before_layout(rendered)
    result = BuildResult(rendered=rendered, diagnostics=diagnostics)
    if essay is not None:
        return _proof(result, essay, theme, project, runner, output_dir, progress, strict)
    if strict and diagnostics.warnings:
        _refuse(diagnostics)

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
                           layouts["print"] if page_list else None, runner.cache, runner)
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
    location = project.config_location(("print", "editions"))
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


def _proof(result: BuildResult, essay_id: str, theme: Theme, project: Project,
           runner: LayoutRunner, output_dir: Path, progress: Progress, strict: bool
           ) -> BuildResult:
    """A contributor's proof of one text (an essay, or a front- or back-matter piece): its
    pages cut from the print edition, with the book's folios and running heads, and the
    warnings of that text alone."""
    rendered, diagnostics = result.rendered, result.diagnostics
    divisions = book_divisions(rendered, "print")
    texts = {d.id: n for n, d in enumerate(divisions) if d.essay is not None}
    if essay_id not in texts:
        close = difflib.get_close_matches(essay_id, texts, n=1)
        raise BookifyError(
            f"no essay or front- or back-matter piece with the id '{essay_id}'",
            hint=(f"did you mean '{close[0]}'? " if close else "")
            + "an essay's id is its file name without a leading number, or its 'slug:'",
        )
    number = texts[essay_id]
    source = divisions[number].essay.essay.source.resolve()  # type: ignore[union-attr]
    diagnostics.items[:] = [d for d in diagnostics.items
                            if d.location.path is None or d.location.path.resolve() == source]
    if strict and diagnostics.warnings:
        _refuse(diagnostics)
    progress.stage("Laying out pages")
    started = time.perf_counter()
    with runner:
        layout = lay_out_editions(runner, {"print": lay_out_edition(
            rendered, theme, project, runner.cache, edition="print", check=True)})["print"]
    first = layout.first_page_with(essay_id) or 0
    following = (layout.first_page_with(divisions[number + 1].id)
                 if number + 1 < len(divisions) else None)
    stop = following if following is not None else layout.pages
    while stop > first + 1 and layout.page_facts[stop - 1].blank:
        stop -= 1  # the blank verso before the next recto opener is not the text's
    diagnostics.items.extend(layout.division_diagnostics.get(essay_id, layout.diagnostics))
    if strict and diagnostics.warnings:
        _refuse(diagnostics)
    target = output_dir / "proofs" / f"{essay_id}.pdf"
    with _outputs(output_dir) as outputs:
        write_excerpt(layout, range(first, stop), outputs.path(target))
        outputs.commit()
    artifact = Artifact("pdf", target, stop - first, time.perf_counter() - started, None,
                        divisions[number].essay.words)  # type: ignore[union-attr]
    _finished(result, progress, artifact)
    return result
