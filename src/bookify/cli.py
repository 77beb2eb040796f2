"""The `bookify` command: parses options, calls the library, reports. No book logic lives here.

Only light modules are imported up here, so `bookify --version` and `--help` answer at once:
the build pipeline (WeasyPrint, ebooklib, fontTools, Pillow), the configuration schema
(pydantic) and the templates (Jinja) are imported inside the commands that use them.
"""

from __future__ import annotations

import contextlib
import re
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .diagnostics import Diagnostics
from .errors import BookifyError
from .formats import FORMATS

if TYPE_CHECKING:
    from .console import Reporter
    from .preflight import CheckReport

#: Exit status for a bug in bookify itself (sysexits EX_SOFTWARE).
INTERNAL_ERROR = 70


def _formats(ctx: click.Context, param: click.Parameter, value: str | None):
    if value is None:
        return None
    chosen = [v.strip().lower() for v in value.split(",") if v.strip()]
    unknown = [v for v in chosen if v not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(f"choose from {', '.join(FORMATS)} (comma-separated)")
    return chosen


def _layout_options(command):
    """`--jobs N` and `--no-cache`, for the commands that lay out pages."""
    command = click.option(
        "--no-cache", is_flag=True,
        help="Lay everything out afresh; ignore the layout cache in build/.cache/.",
    )(command)
    return click.option(
        "--jobs", type=click.IntRange(min=1), metavar="N",
        help="Lay out pages in N processes. Default: [build] jobs, else one per core.",
    )(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bookify")
def main() -> None:
    """Turn a folder of Markdown essays into a print-ready PDF and an EPUB 3."""


@main.command("build")
@click.option("--project", "project_dirs", type=click.Path(path_type=Path), multiple=True,
              help="The book project's folder (holding bookify.toml); default: this folder. "
              "Repeat it to build several books in one run.")
@click.option("--catalogue", "catalogue_file", type=click.Path(path_type=Path), metavar="FILE",
              help="Build every book a catalogue file (TOML, one [[book]] each) lists.")
@click.option("--format", "formats", callback=_formats, metavar="LIST",
              help="Outputs to build: pdf, epub, html (comma-separated). Default: [build] formats.")
@click.option("--output", "output_dir", type=click.Path(path_type=Path),
              help="Write the outputs here instead of the project's build/ folder.")
@click.option("--essay", metavar="ID",
              help="Make only a proof PDF of this essay (build/proofs/ID.pdf), for its contributor.")
@click.option("--strict", is_flag=True,
              help="Treat warnings (missing alt text, dead links…) as errors; write nothing.")
@click.option("--check", "preflight", is_flag=True,
              help="Then check the written files against the printer and the stores.")
@_layout_options
@click.option("--scheduler", metavar="ADDRESS",
              help="Lay out pages on the Dask cluster whose scheduler is at ADDRESS "
              "(tcp://HOST:8786). Default: [build] scheduler, else this machine.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("--debug", is_flag=True, help="Show a traceback for internal errors.")
def build_command(project_dirs: tuple[Path, ...], catalogue_file: Path | None, formats,
                  output_dir: Path | None, essay: str | None, strict: bool, preflight: bool,
                  jobs: int | None, no_cache: bool, scheduler: str | None, quiet: bool,
                  debug: bool) -> None:
    """Build the book: build/<slug>-print.pdf, -digital.pdf, -cover.pdf and build/<slug>.epub
    (<slug> from the title), and with --format html build/html/index.html.

    Several --project options, or --catalogue, build several books in one run.

    Example: bookify build --format pdf --output proofs/
    """
    if scheduler is not None and not re.fullmatch(r"(tcp|tls|inproc|ucx)://\S+", scheduler):
        raise click.BadParameter("a scheduler's address is tcp://HOST:PORT, e.g. "
                                 "tcp://10.0.0.5:8786", param_hint="--scheduler")
    if catalogue_file is not None or len(project_dirs) > 1:
        for given, name in ((essay, "--essay"), (output_dir, "--output"), (preflight, "--check")):
            if given:
                raise click.UsageError(f"{name} is for one book: leave it out when building "
                                       "several (--catalogue, or --project more than once)")
        _build_several(project_dirs, catalogue_file, formats, strict, jobs, no_cache, scheduler,
                       quiet, debug)
        return
    if preflight and essay is not None:
        raise click.UsageError("--check checks the book's files, not an essay's proof: "
                               "leave out --essay or --check")
    from .build import build
    from .console import Reporter
    from .project import load_project

    project_dir = project_dirs[0] if project_dirs else Path(".")
    reporter = Reporter(project_dir.resolve(), quiet)
    diagnostics = Diagnostics()
    with _reporting(reporter, diagnostics, debug):
        project = load_project(project_dir)
        result = build(project, formats, output_dir.resolve() if output_dir else None,
                       reporter, diagnostics, strict=strict, essay=essay, jobs=jobs,
                       cache=not no_cache, scheduler=scheduler)
    for artifact in result.artifacts:
        reporter.artifact(artifact, result.rendered.words if artifact.words is None
                          else artifact.words)
    if preflight:
        from .preflight import check_files

        with _reporting(reporter, Diagnostics(), debug):
            report = check_files(project, [a.path for a in result.artifacts
                                           if a.edition in ("print", "cover") or a.format == "epub"])
        _report_check(report, project.root, as_json=False)


def _build_several(project_dirs: tuple[Path, ...], catalogue_file: Path | None, formats,
                   strict: bool, jobs: int | None, no_cache: bool, scheduler: str | None,
                   quiet: bool, debug: bool) -> None:
    """Build a catalogue's books (or several --project), report each, then the summary; exit 1
    unless every book was built."""
    from .catalogue import Catalogue, build_catalogue, catalogue_of, load_catalogue
    from .console import CatalogueReporter

    reporter = CatalogueReporter(Path.cwd(), quiet)
    with _reporting(reporter, Diagnostics(), debug):
        catalogue = catalogue_of(project_dirs) if project_dirs else Catalogue(())
        if catalogue_file is not None:
            listed = load_catalogue(catalogue_file)
            catalogue = Catalogue(catalogue.titles + listed.titles, listed.scheduler,
                                  listed.jobs)
        outcomes = build_catalogue(catalogue, formats, jobs=jobs, scheduler=scheduler,
                                   strict=strict, cache=not no_cache, finished=reporter.book)
    reporter.summary(outcomes)
    if not all(outcome.ok for outcome in outcomes):
        sys.exit(1)


@main.command("check")
@click.option("--project", "project_dir", type=click.Path(path_type=Path), default=".",
              show_default=True, help="The book project's folder (holding bookify.toml).")
@click.option("--output", "output_dir", type=click.Path(path_type=Path),
              help="Check the files in this folder instead of the project's build/ folder.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON (for CI).")
@click.option("--debug", is_flag=True, help="Show a traceback for internal errors.")
def check_command(project_dir: Path, output_dir: Path | None, as_json: bool, debug: bool) -> None:
    """Check the built print PDF, cover and EPUB against the printer and the stores.

    Exits with status 1 when a printer or a store would refuse a file.

    Example: bookify check --json > preflight.json
    """
    from .console import Reporter
    from .preflight import check_book
    from .project import load_project

    reporter = Reporter(project_dir.resolve(), quiet=True)
    with _reporting(reporter, Diagnostics(), debug):
        project = load_project(project_dir)
        report = check_book(project, output_dir.resolve() if output_dir else None)
    _report_check(report, project.root, as_json)


def _report_check(report: CheckReport, root: Path, as_json: bool) -> None:
    """Print a preflight's findings (as JSON for CI) and exit 1 if any is an error."""
    if as_json:
        import json

        click.echo(json.dumps(report.to_json(root), indent=2, ensure_ascii=False))
    else:
        from rich.console import Console

        from .preflight.report import print_report

        print_report(report, root, Console(highlight=False, soft_wrap=True))
    if not report.ok:
        sys.exit(1)


@main.command("proof")
@click.option("--project", "project_dir", type=click.Path(path_type=Path), default=".",
              show_default=True, help="The book project's folder (holding bookify.toml).")
@click.option("--pages", metavar="FOLIOS",
              help="Printed folios to show, e.g. '1-6', 'iii,v,12' or 'all'.")
@click.option("--essay", "essays", multiple=True, metavar="ID",
              help="Show the opening spread of this essay (repeatable).")
@click.option("--edition", type=click.Choice(["print", "digital"]), default="print",
              show_default=True, help="The PDF edition to proof.")
@click.option("--dpi", type=click.FloatRange(30, 600), default=100, show_default=True,
              help="Resolution of the pictures.")
@click.option("--output", "output_dir", type=click.Path(path_type=Path),
              help="Folder for the PNG spreads (default: build/proof/).")
@_layout_options
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("--debug", is_flag=True, help="Show a traceback for internal errors.")
def proof_command(project_dir: Path, pages: str | None, essays: tuple[str, ...], edition: str,
                  dpi: float, output_dir: Path | None, jobs: int | None, no_cache: bool,
                  quiet: bool, debug: bool) -> None:
    """Lay the book out and write chosen spreads as PNG pictures: build/proof/spread-*.png.

    Example: bookify proof --pages 1-6 --essay of-idleness
    """
    from .build import build
    from .console import Reporter
    from .project import load_project
    from .proof import PageSelection, write_spreads

    reporter = Reporter(project_dir.resolve(), quiet)
    diagnostics = Diagnostics()
    with _reporting(reporter, diagnostics, debug):
        selection = PageSelection.parse(pages, essays)
        project = load_project(project_dir)
        folder = output_dir.resolve() if output_dir else project.output_dir / "proof"
        # The proof's PDF goes beside its spreads: the build's outputs stay as they are.
        result = build(project, ["pdf"], folder, reporter, diagnostics, editions=[edition],
                       jobs=jobs, cache=not no_cache, cache_dir=project.output_dir,
                       before_layout=selection.check_essays)
        layout = result.layouts[edition]
        pdf = next(a.path for a in result.artifacts if a.edition == edition)
        written = write_spreads(pdf, layout, selection.pages(layout), folder, dpi)
    for path in written:
        reporter.wrote(path)


@main.command("preview")
@click.option("--project", "project_dir", type=click.Path(path_type=Path), default=".",
              show_default=True, help="The book project's folder (holding bookify.toml).")
@click.option("--port", type=click.IntRange(1, 65535),
              help="Listen on this port of 127.0.0.1 (default: a free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a web browser.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the address and errors.")
def preview_command(project_dir: Path, port: int | None, open_browser: bool, quiet: bool) -> None:
    """Preview the book's pages in a browser, rebuilt each time you save.

    Example: bookify preview --open
    """
    from .console import print_error
    from .preview import serve

    try:
        serve(project_dir, port=port, open_browser=open_browser, quiet=quiet)
    except BookifyError as error:
        print_error(error, project_dir.resolve())
        sys.exit(error.exit_code)


def _essay_id(ctx: click.Context, param: click.Parameter, value: str | None):
    if value is not None and not re.fullmatch(r"[a-z][a-z0-9-]*", value):
        raise click.BadParameter("an essay id is lower-case letters, digits and hyphens, "
                                 "starting with a letter (e.g. on-walking)")
    return value


def _accept_changes_option(command):
    return click.option(
        "--accept-changes", is_flag=True,
        help="Import documents with tracked changes as if every change were accepted.",
    )(command)


@main.command("new")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--title", help="The book's title (default: from the folder name).")
@click.option("--from", "sources", type=click.Path(path_type=Path), metavar="FOLDER",
              help="Import the .docx and .odt files in FOLDER as the essays (no examples).")
@click.option("--language", metavar="TAG",
              help="The book's language and region, e.g. en-US or en-GB (default: the system's).")
@_accept_changes_option
def new_command(folder: Path, title: str | None, sources: Path | None, language: str | None,
                accept_changes: bool) -> None:
    """Start a book project in FOLDER, with example essays (or the documents of --from).

    Example: bookify new my-anthology --title "The Idle Hours" --from contributions/
    """
    from .console import print_error

    try:
        if sources is None:
            from .scaffold import new_project

            written, reports = new_project(folder, title, language=language), []
        else:
            from .importing.project import ImportOptions, new_project_from

            written, reports = new_project_from(folder, title, sources,
                                                ImportOptions(accept_changes=accept_changes),
                                                language)
    except BookifyError as error:
        print_error(error)
        sys.exit(error.exit_code)
    for report in reports:
        click.echo(report.render(folder.resolve()))
    imported = f" and {len(reports)} imported essays" if reports else ""
    click.echo(f"Created {folder}/ with {len(written)} files{imported}. Next:")
    click.echo(f"  cd {folder} && bookify build")


@main.command("import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--project", "project_dir", type=click.Path(path_type=Path), default=".",
              show_default=True, help="The book project's folder (holding bookify.toml).")
@click.option("--as", "essay_id", callback=_essay_id, metavar="ID",
              help="The essay's id and file name, manuscripts/ID.md (one file only).")
@click.option("--title", help="The essay's title, instead of the document's (one file only).")
@click.option("--author", metavar="NAME", help="The author, instead of the document's.")
@click.option("--force", is_flag=True, help="Replace essays that already exist.")
@_accept_changes_option
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("--debug", is_flag=True, help="Show a traceback for internal errors.")
def import_command(sources: tuple[Path, ...], project_dir: Path, essay_id: str | None,
                   title: str | None, author: str | None, force: bool, accept_changes: bool,
                   quiet: bool, debug: bool) -> None:
    """Import Word (.docx) and LibreOffice (.odt) files, or folders of them, as essays.

    Each becomes manuscripts/<id>.md (its pictures in manuscripts/images/<id>/, its comments in
    manuscripts/<id>.comments.md) and is added to contents in bookify.toml.

    Example: bookify import contributions/smith.docx --author "Ann Smith"
    """
    from .console import Reporter
    from .importing.project import ImportOptions, import_into_project

    reporter = Reporter(project_dir.resolve(), quiet)
    diagnostics = Diagnostics()
    options = ImportOptions(essay_id=essay_id, title=title, author=author, force=force,
                            accept_changes=accept_changes)
    with _reporting(reporter, diagnostics, debug):
        reports = import_into_project(project_dir, list(sources), options)
    for report in reports:
        if quiet:
            for line in report.render(project_dir.resolve()).splitlines()[1:]:
                if line.lstrip().startswith(("warning:", "not imported:")):
                    click.echo(f"{report.source.name}: {line.strip()}", err=True)
        else:
            click.echo(report.render(project_dir.resolve()))


@contextlib.contextmanager
def _reporting(reporter: Reporter, diagnostics: Diagnostics, debug: bool) -> Iterator[None]:
    """Run a command's work: print its diagnostics, and turn a book error into its message
    and exit status (an unexpected exception into the internal-error message)."""
    try:
        yield
    except BookifyError as error:
        for item in diagnostics.items:
            reporter.diagnostic(item)
        reporter.error(error)
        sys.exit(error.exit_code)
    except Exception as exc:  # a bug in bookify, not in the book
        _internal_error(exc, debug)
    for item in diagnostics.items:
        reporter.diagnostic(item)


def _internal_error(exc: Exception, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    else:
        click.echo(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "  This is a bug in bookify, not in your book. Run again with --debug and report "
            "the traceback.",
            err=True,
        )
    sys.exit(INTERNAL_ERROR)
