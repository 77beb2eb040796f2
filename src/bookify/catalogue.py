"""A press's catalogue: many books built in one run, their page layouts sharing one executor.

`bookify build --project A --project B` or `--catalogue FILE` builds every book as `build` does
(each in its own thread, its outputs staged and moved into place only when all are made), but
all their layouts go to one executor — the local process pool, or a Dask cluster — so the cores
stay busy across books: while one book is being read or assembled here, the others' pages are
laid out. A book that fails is reported with its project and does not stop the others.

A catalogue file is TOML:

    [build]                       # optional: for the whole run
    scheduler = "tcp://10.0.0.5:8786"
    jobs = 8

    [[book]]
    project = "titles/the-idle-hours"   # relative to the catalogue file
    formats = ["pdf"]                   # optional overrides of the project's bookify.toml
    editions = ["print"]
    printer = "ingramspark"
    output = "/srv/press/out/idle-hours"
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import re
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError

from .build import BuildResult, build
from .config import PrintSection, toml_error
from .diagnostics import Diagnostics
from .errors import BookifyError, ConfigError, Location, unknown_key_hint
from .formats import Format
from .outputs.executors import LayoutExecutor, LocalPool, default_jobs
from .printers import PrinterName
from .project import Project, load_project

_SCHEDULER = r"^(tcp|tls|inproc|ucx)://\S+$"


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _BuildTable(_Table):
    scheduler: str | None = Field(default=None, pattern=_SCHEDULER)
    jobs: StrictInt | None = Field(default=None, ge=1)


class _BookTable(_Table):
    project: str = Field(min_length=1)
    formats: list[Format] | None = Field(default=None, min_length=1)
    editions: list[Literal["print", "digital"]] | None = Field(default=None, min_length=1)
    printer: PrinterName | None = None
    output: str | None = Field(default=None, min_length=1)


class _CatalogueFile(_Table):
    build: _BuildTable = _BuildTable()
    book: list[_BookTable] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Title:
    """One book of a catalogue: its project folder and what it overrides of its bookify.toml."""

    project: Path
    formats: tuple[Format, ...] | None = None
    editions: tuple[str, ...] | None = None
    printer: str | None = None
    output: Path | None = None
    #: Where the catalogue names it (for messages).
    location: Location = Location()


@dataclass(frozen=True, slots=True)
class Catalogue:
    titles: tuple[Title, ...]
    scheduler: str | None = None
    jobs: int | None = None


def catalogue_of(projects: Sequence[Path]) -> Catalogue:
    """The books of `--project A --project B`, with nothing overridden."""
    return Catalogue(tuple(Title(path.resolve()) for path in projects))


def load_catalogue(path: Path) -> Catalogue:
    """Read a catalogue file, or raise a `ConfigError` naming its line and key."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"no catalogue file {path}",
                          hint="pass a TOML file listing the books, one [[book]] table each "
                          'with project = "FOLDER"') from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read the catalogue: {error}", Location(path),
                          "save it as UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise toml_error(error, text, path, "check quotes, commas and brackets on that line "
                         "(strings need double quotes)") from None
    try:
        parsed = _CatalogueFile.model_validate(data)
    except ValidationError as error:
        raise _problem(error.errors()[0], path, text) from None
    base = path.resolve().parent
    titles = []
    for number, book in enumerate(parsed.book):
        titles.append(Title(
            (base / book.project).resolve(),
            tuple(dict.fromkeys(book.formats)) if book.formats else None,
            tuple(dict.fromkeys(book.editions)) if book.editions else None,
            book.printer,
            (base / book.output).resolve() if book.output else None,
            Location(path, _line(text, ("book", number, "project")), f"book[{number}].project")))
    return Catalogue(tuple(titles), parsed.build.scheduler, parsed.build.jobs)


def _problem(error: Any, path: Path, text: str) -> ConfigError:
    loc = tuple(error["loc"])
    key = "".join(f"[{part}]" if isinstance(part, int) else (f".{part}" if i else str(part))
                  for i, part in enumerate(loc))
    location = Location(path, _line(text, loc), key or None)
    if error["type"] == "extra_forbidden":
        tables: dict[str, type[BaseModel]] = {"book": _BookTable, "build": _BuildTable}
        table = tables.get(loc[0] if len(loc) > 1 else "")
        known = sorted((table or _CatalogueFile).model_fields)
        where = f"[[{loc[0]}]]" if len(loc) > 2 else f"[{loc[0]}]" if len(loc) > 1 else "the file"
        return ConfigError(f"unknown key '{loc[-1]}' in {where}", location,
                           unknown_key_hint(str(loc[-1]), known))
    if error["type"] == "missing" and loc == ("book",):
        return ConfigError("the catalogue lists no book", location,
                           'add a [[book]] table with project = "FOLDER" for each book')
    if error["type"] == "missing":
        return ConfigError(f"missing required key '{key}'", location,
                           f'add {loc[-1]} = "…" to that [[book]]')
    message = str(error["msg"]).removeprefix("Value error, ")
    return ConfigError(f"{key}: {message}", location, None)


def _line(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line of `loc` (`("book", 2, "printer")`, `("build", "jobs")`) in the catalogue."""
    lines = text.splitlines()
    table, rest = loc[0], loc[1:]
    index = rest[0] if rest and isinstance(rest[0], int) else 0
    key = next((part for part in rest if isinstance(part, str)), None)
    headers = [n for n, line in enumerate(lines)
               if re.match(rf"\s*\[\[?\s*{re.escape(str(table))}\s*\]\]?\s*(#.*)?$", line)]
    if len(headers) <= index:
        return None
    start = headers[index]
    if key is None:
        return start + 1
    for number in range(start + 1, len(lines)):
        if lines[number].lstrip().startswith("["):
            break
        if re.match(rf"\s*{re.escape(key)}\s*=", lines[number]):
            return number + 1
    return start + 1


# ---------------------------------------------------------------------- building


@dataclass
class BookOutcome:
    """What became of one book of the catalogue."""

    title: Title
    diagnostics: Diagnostics
    seconds: float = 0.0
    result: BuildResult | None = None
    error: BookifyError | None = None
    project: Project | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.result is not None

    @property
    def name(self) -> str:
        """The book as the summary names it: its title, else its folder."""
        if self.result is not None:
            return self.result.rendered.book.meta.title
        return self.title.project.name


def build_catalogue(
    catalogue: Catalogue,
    formats: Sequence[Format] | None = None,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    executor: LayoutExecutor | None = None,
    strict: bool = False,
    cache: bool = True,
    finished: Callable[[BookOutcome], None] | None = None,
) -> list[BookOutcome]:
    """Build every book of `catalogue`, their layouts all through one executor: `executor` if
    given, else a Dask cluster at `scheduler` (or the catalogue's), else `jobs` local processes
    (or the catalogue's, else one per core). `formats` applies to books that do not override
    them. `finished` hears each book as it is done. Returns the books' outcomes in order."""
    if executor is None:
        scheduler = scheduler or catalogue.scheduler
        if scheduler:
            from .cluster import connect

            with connect(scheduler) as cluster:
                return build_catalogue(catalogue, formats, executor=cluster, strict=strict,
                                       cache=cache, finished=finished)
        pool = LocalPool(jobs or catalogue.jobs or default_jobs())
        try:
            return build_catalogue(catalogue, formats, executor=pool, strict=strict,
                                   cache=cache, finished=finished)
        finally:
            pool.close()
    executor.prepare()
    # Enough books at once to keep every worker busy while some are read or assembled here;
    # not all of a large catalogue, which would hold every book in memory.
    books = min(len(catalogue.titles), executor.capacity + 2)

    def one(title: Title) -> BookOutcome:
        outcome = _build_title(title, formats, executor, strict, cache)
        if finished is not None:
            finished(outcome)
        return outcome

    with concurrent.futures.ThreadPoolExecutor(books, thread_name_prefix="bookify-book") as threads:
        return list(threads.map(one, catalogue.titles))


def _build_title(title: Title, formats: Sequence[Format] | None, executor: LayoutExecutor,
                 strict: bool, cache: bool) -> BookOutcome:
    diagnostics = Diagnostics()
    outcome = BookOutcome(title, diagnostics)
    started = time.perf_counter()
    try:
        project = outcome.project = _overridden(load_project(title.project), title)
        outcome.result = build(project, list(title.formats or formats or ()) or None,
                               title.output, diagnostics=diagnostics, strict=strict,
                               editions=title.editions, cache=cache, executor=executor)
    except BookifyError as error:
        outcome.error = error
    except Exception as error:  # a bug in bookify: this book fails, the others go on
        outcome.error = BookifyError(
            f"internal error: {type(error).__name__}: {error}",
            hint="this is a bug in bookify, not in the book: build this project alone with "
            "--debug and report the traceback")
    outcome.seconds = time.perf_counter() - started
    return outcome


def _overridden(project: Project, title: Title) -> Project:
    """The project with the catalogue's overrides of its bookify.toml."""
    if title.printer is None:
        return project
    settings = project.config.print
    try:
        checked = PrintSection.model_validate(
            {**{name: getattr(settings, name) for name in PrintSection.model_fields
                if name in settings.model_fields_set}, "printer": title.printer})
    except ValidationError as error:
        message = str(error.errors()[0]["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"printer = \"{title.printer}\" does not fit the project: {message}",
                          title.location, "change the catalogue's printer for this book, or "
                          "the project's [print] settings") from None
    config = project.config.model_copy(update={"print": checked})
    return dataclasses.replace(project, config=config)
