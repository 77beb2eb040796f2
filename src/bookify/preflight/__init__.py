"""`bookify check`: a preflight of the built files against the printer and the stores.

It reads the files in the output folder as a printer's or a store's upload check would — not
the layout that made them — so it also catches a file edited, exported or swapped after the
build: the print edition against `[print] printer`'s rules, the cover wrap against the print
edition's page count, the EPUB against EPUBCheck, the accessibility metadata and Kindle.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..assemble import slugify
from ..errors import BookifyError, Location
from ..project import Project
from .findings import CheckReport, Finding

__all__ = ["CheckReport", "Finding", "book_files", "check_book", "check_files"]


def book_files(project: Project, output_dir: Path | None = None) -> list[Path]:
    """The built files of `project` there are to check: the print edition, the cover wrap and
    the EPUB, as `bookify build` names them in the output folder."""
    folder = output_dir or project.output_dir
    slug = slugify(project.config.book.title) or "book"
    candidates = [folder / f"{slug}-print.pdf", folder / f"{slug}-cover.pdf",
                  folder / f"{slug}.epub"]
    return [path for path in candidates if path.is_file()]


def check_book(project: Project, output_dir: Path | None = None) -> CheckReport:
    """Check the files `bookify build` wrote for `project` (in `output_dir`, default its build
    folder); a folder with none of them is an error telling the author to build first."""
    files = book_files(project, output_dir)
    if not files:
        folder = output_dir or project.output_dir
        raise BookifyError(
            "nothing to check: no print PDF, cover or EPUB of this book",
            Location(folder), "run bookify build first (or give its --output folder)")
    return check_files(project, files)


def check_files(project: Project, files: Iterable[Path]) -> CheckReport:
    """Check these built files of `project`: `-print.pdf`, `-cover.pdf` and `.epub` by name."""
    from .cover_pdf import check_cover_pdf
    from .epub import check_epub
    from .print_pdf import check_print_pdf

    settings = project.config.print
    files = list(files)
    report = CheckReport(printer=settings.printer, files=files)
    interior = next((p for p in files if p.name.endswith("-print.pdf")), None)
    pages = (_unreadable(interior, report, check_print_pdf, settings, _openers(project))
             if interior else None)
    for path in files:
        if path.name.endswith("-cover.pdf"):
            _unreadable(path, report, check_cover_pdf, settings, pages)
        elif path.suffix == ".epub":
            check_epub(path, report)
    return report


def _openers(project: Project) -> list[tuple[str, str]]:
    """(id, title) of the essays and parts that open on a recto, as the project lists them."""
    if not project.config.print.recto_openers:
        return []
    from ..assemble import assemble_book
    from ..diagnostics import Diagnostics

    return [(entry.id, entry.title) for entry in _divisions(assemble_book(project, Diagnostics()))]


def _divisions(book):
    for entry in book.contents:
        yield entry
        yield from getattr(entry, "essays", ())


def _unreadable(path: Path, report: CheckReport, check, settings, *args):
    """Run `check` on the PDF at `path`; a file no PDF reader can open is a finding."""
    import pikepdf
    import pypdfium2

    try:
        return check(path, settings, report, *args)
    except (pikepdf.PdfError, pypdfium2.PdfiumError) as error:
        report.add(Finding("error", "unreadable", path, f"not a PDF a printer can read ({error})",
                           "rebuild it with bookify build"))
        return None
