"""Put imported essays into a book project: pick the files, refuse to overwrite, write every
essay with its pictures and comments, and list them in `contents`.

Every file is read and converted before anything is written, so a corrupt, encrypted or
refused file stops the import with the project unchanged.
"""

from __future__ import annotations

import concurrent.futures
import functools
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BookifyError, ConfigError, Location, ManuscriptError
from ..fsutil import atomic_output
from ..scaffold import check_new_folder
from .essay import ImportedEssay, build_essay
from .report import ImportReport

SUFFIXES = (".docx", ".odt")


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """The choices of one `bookify import` (or `bookify new --from`)."""

    essay_id: str | None = None
    title: str | None = None
    author: str | None = None
    force: bool = False
    accept_changes: bool = False


def source_files(paths: list[Path]) -> list[Path]:
    """The files to import: those given, and the .docx and .odt files of folders given."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and
                           p.suffix.lower() in SUFFIXES and not p.name.startswith(("~$", ".~")))
            if not found:
                raise ManuscriptError(f"no .docx or .odt files in {path}", Location(path),
                                      "put the contributors' Word or LibreOffice files there")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ManuscriptError("no such file or folder", Location(path),
                                  "check the path of the document to import")
    return files


def essay_id_of(path: Path) -> str:
    """An essay's id from its file name: 'Smith – On Walking.docx' → 'smith-on-walking'."""
    from ..assemble import slugify

    return slugify(path.stem) or "essay"


def read_imports(paths: list[Path], options: ImportOptions,
                 book_language: str | None) -> list[ImportedEssay]:
    """Read and convert every file; raise on the first that cannot be imported."""
    files = source_files(paths)
    if (options.essay_id or options.title) and len(files) != 1:
        which = "--as" if options.essay_id else "--title"
        raise ConfigError(f"{which} names one essay, but {len(files)} files are imported",
                          hint=f"import the files one at a time to use {which}")
    seen: dict[str, Path] = {}
    for path in files:
        essay_id = options.essay_id or essay_id_of(path)
        if essay_id in seen:
            raise ManuscriptError(
                f"this file would become {essay_id}.md, as {seen[essay_id].name} would",
                Location(path), "rename one of the files, or import it on its own with --as ID")
        seen[essay_id] = path
    read = functools.partial(_read_one, accept_changes=options.accept_changes,
                             title=options.title, author=options.author,
                             book_language=book_language)
    jobs = list(seen.items())
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers < 2 or len(jobs) < MIN_FILES_FOR_PROCESSES:
        return [read(job) for job in jobs]
    # mammoth parses XML in pure Python: a folder of essays is read on every core.
    with concurrent.futures.ProcessPoolExecutor(workers) as pool:
        return list(pool.map(read, jobs))


#: Below this many files, starting worker processes costs more than it saves.
MIN_FILES_FOR_PROCESSES = 4


def _read_one(job: tuple[str, Path], **options: Any) -> ImportedEssay:
    essay_id, path = job
    return build_essay(path, essay_id, **options)


def targets(manuscripts: Path, essay: ImportedEssay) -> list[Path]:
    """The paths an essay's import writes (its images folder counts as one)."""
    paths = [manuscripts / f"{essay.essay_id}.md"]
    if essay.images:
        paths.append(manuscripts / "images" / essay.essay_id)
    if essay.comments_text:
        paths.append(manuscripts / f"{essay.essay_id}.comments.md")
    return paths


def check_overwrites(manuscripts: Path, essays: list[ImportedEssay], force: bool) -> None:
    """Refuse to replace an existing essay without `force`, and always refuse an essay that
    would take the id of another file (the book could not tell them apart)."""
    from ..assemble import COMMENTS_SUFFIX, MARKDOWN_SUFFIXES, essay_id_for

    existing_ids = {essay_id_for(p): p for p in sorted(manuscripts.rglob("*"))
                    if p.suffix.lower() in MARKDOWN_SUFFIXES
                    and not p.name.endswith(COMMENTS_SUFFIX)} if manuscripts.is_dir() else {}
    for essay in essays:
        target = manuscripts / f"{essay.essay_id}.md"
        other = existing_ids.get(essay_id_for(target))
        if other is not None and other != target:
            raise BookifyError(
                f"{essay.source.name} would become {target.name}, but {other.name} already has "
                f"the essay id '{essay_id_for(target)}'", Location(other),
                "import it under another name with --as ID")
    if force:
        return
    existing = [path for essay in essays for path in targets(manuscripts, essay)
                if path.exists()]
    if existing:
        error = BookifyError(
            "already exists; an import never overwrites an essay without --force",
            Location(existing[0]),
            "import with --force to replace it, or --as ID to import under another name",
        )
        error.also = tuple(BookifyError("already exists", Location(p)) for p in existing[1:])
        raise error


def write_essays(manuscripts: Path, essays: list[ImportedEssay]) -> None:
    """Write each essay, its pictures and its comments (each file replaced in one step)."""
    for essay in essays:
        pictures = manuscripts / "images" / essay.essay_id
        if pictures.exists():
            shutil.rmtree(pictures)
        for name, data in sorted(essay.images.items()):
            with atomic_output(pictures / name) as temporary:
                temporary.write_bytes(data)
        target = manuscripts / f"{essay.essay_id}.md"
        with atomic_output(target) as temporary:
            temporary.write_text(essay.text, encoding="utf-8")
        essay.report.target = target
        comments = manuscripts / f"{essay.essay_id}.comments.md"
        if essay.comments_text:
            with atomic_output(comments) as temporary:
                temporary.write_text(essay.comments_text, encoding="utf-8")
            essay.report.comments_file = comments
        else:  # replaced with --force: the old comments were on the old text
            comments.unlink(missing_ok=True)


def add_to_contents(config_path: Path, names: list[str]) -> list[str]:
    """Append `names` to `contents` in bookify.toml, keeping its comments and layout, when the
    project lists its contents; return the names added (none when it does not list them)."""
    import tomlkit

    text = config_path.read_text(encoding="utf-8")
    document = tomlkit.parse(text)
    if "contents" not in document:
        return []
    contents = document["contents"]
    listed = set()
    for entry in contents:
        if isinstance(entry, str):
            listed.add(str(entry))
        elif hasattr(entry, "get"):
            listed.update(str(e) for e in entry.get("essays", []))
    added = [name for name in names if name not in listed]
    if not added:
        return []
    for name in added:
        contents.append(name)
    with atomic_output(config_path) as temporary:
        temporary.write_text(tomlkit.dumps(document), encoding="utf-8")
    return added


def import_into_project(project_dir: Path, paths: list[Path],
                        options: ImportOptions) -> list[ImportReport]:
    """`bookify import`: read every file, then write the essays and update `contents`."""
    from ..project import load_project

    if not (project_dir / "bookify.toml").is_file():
        raise ConfigError(
            f"no bookify.toml in {project_dir.resolve()}",
            hint="run bookify import in a book project or pass --project DIR; "
                 "bookify new NAME --from FOLDER starts a project from a folder of documents",
        )
    project = load_project(project_dir)
    essays = read_imports(paths, options, project.config.book.language)
    manuscripts = project.manuscripts_dir
    check_overwrites(manuscripts, essays, options.force)
    write_essays(manuscripts, essays)
    added = set(add_to_contents(project.config_path, [f"{e.essay_id}.md" for e in essays]))
    for essay in essays:
        essay.report.added_to_contents = f"{essay.essay_id}.md" in added
    return [essay.report for essay in essays]


def new_project_from(folder: Path, title: str | None, sources: Path, options: ImportOptions,
                     language: str | None = None) -> tuple[list[Path], list[ImportReport]]:
    """`bookify new FOLDER --from SOURCES`: a project whose essays are the documents in
    SOURCES, in file-name order, instead of the examples. Essays mostly in another language
    than the book's (`language`, default the system's) get `lang:`."""
    from ..scaffold import default_language, new_project

    check_new_folder(folder)
    if not sources.is_dir():
        raise ManuscriptError("not a folder", Location(sources),
                              "pass the folder holding the contributors' .docx or .odt files")
    language = language or default_language()
    essays = read_imports([sources], options, language)
    written = new_project(folder, title, essays=[f"{e.essay_id}.md" for e in essays],
                          language=language)
    write_essays(folder / "manuscripts", essays)
    for essay in essays:
        essay.report.added_to_contents = True
    return written, [essay.report for essay in essays]
