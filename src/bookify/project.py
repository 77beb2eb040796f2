"""A book project on disk: its folder, its validated config, and the folders bookify uses.

`load_project` is the first stage of every build: it finds `bookify.toml`, validates it once,
and fixes the build's timestamp so that the same sources always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .config import (
    CONFIG_FILE,
    PartEntry,
    ProjectConfig,
    find_key_line,
    parse_config,
    read_config_text,
)
from .errors import BookifyError, ConfigError, Location
from .imagecheck import ImageProblem, check_image
from .validation import dotted

MANUSCRIPTS_DIR = "manuscripts"
STYLES_DIR = "styles"


@dataclass(frozen=True, slots=True)
class Project:
    """A book project: `root` holds `bookify.toml`, `manuscripts/` and optionally `styles/`."""

    root: Path
    config: ProjectConfig
    #: The moment the build claims to be from (PDF dates, EPUB `dcterms:modified`): the
    #: `SOURCE_DATE_EPOCH` environment variable, else the newest source file's mtime.
    source_date: dt.datetime
    #: The text of `bookify.toml` as it was read and validated, for the lines of its keys.
    config_text: str = ""

    def key_line(self, loc: tuple[str | int, ...]) -> int | None:
        """The line of a key (`("book", "cover")`) in bookify.toml, for messages about it."""
        return find_key_line(self.config_text, loc)

    def config_location(self, loc: tuple[str | int, ...]) -> Location:
        """Where a key of bookify.toml is: the file, the key's line and its dotted name."""
        return Location(self.config_path, self.key_line(loc), dotted(loc))

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def manuscripts_dir(self) -> Path:
        return self.root / MANUSCRIPTS_DIR

    @property
    def styles_dir(self) -> Path:
        return self.root / STYLES_DIR

    @property
    def output_dir(self) -> Path:
        return self.root / self.config.build.output_dir

    def resolve(self, relative: str, *, base: Path | None = None, what: str = "file",
                location: Location | None = None,
                error: type[BookifyError] = ConfigError) -> Path:
        """Resolve a path the user wrote, refusing anything outside the project folder.

        `error` is the kind of problem to report: a path from bookify.toml is a config error,
        one from a manuscript a manuscript error.
        """
        path = ((base or self.root) / relative).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise error(
                f"{what} '{relative}' is outside the book project",
                location or Location(self.config_path),
                f"move it into {self.root} and refer to it from there",
            )
        return path


    def check_inside(self, path: Path, what: str = "this file",
                     error: type[BookifyError] = ConfigError) -> Path:
        """Refuse a file the build would read that is a link leading outside the project: a
        build reads only the project and its theme, whatever links the folder holds."""
        real = path.resolve()
        if not real.is_relative_to(self.root.resolve()):
            raise error(
                f"{what} is a link to {real}, outside the book project", Location(path),
                "copy the file into the project instead of linking to it",
            )
        return real


def load_project(root: Path) -> Project:
    """Load the project in `root` (the folder holding `bookify.toml`): its config validated,
    and every setting that names something on disk checked against it, so a mistake in
    bookify.toml stops a build before anything is read or laid out."""
    root = root.resolve()
    if not root.is_dir():
        raise ConfigError(f"{root} is not a folder", hint="pass the book project's folder to --project")
    path = root / CONFIG_FILE
    text = read_config_text(path)
    config = parse_config(text, path)
    project = Project(root=root, config=config, source_date=_source_date(root), config_text=text)
    output = project.output_dir.resolve()
    if not output.is_relative_to(root) or output == root:
        raise ConfigError(
            f"build.output_dir '{config.build.output_dir}' must be a folder inside the project",
            project.config_location(("build", "output_dir")),
            'use a relative folder name such as "build"',
        )
    cover_path(project)
    check_listed_manuscripts(project)
    return project


def listed_entries(config: ProjectConfig) -> Iterator[tuple[str, str]]:
    """Every manuscript bookify.toml names, as (key, path as written), in the order a book is
    assembled: front matter, back matter, then `contents` (a part's essays, then its intro)."""
    for side, names in (("front_matter", config.front_matter.files),
                        ("back_matter", config.back_matter.files)):
        for number, name in enumerate(names):
            yield f"{side}.files[{number}]", name
    for index, entry in enumerate(config.contents or ()):
        if isinstance(entry, PartEntry):
            for number, name in enumerate(entry.essays):
                yield f"contents[{index}].essays[{number}]", name
            if entry.intro:
                yield f"contents[{index}].intro", entry.intro
        else:
            yield f"contents[{index}]", entry


def check_listed_manuscripts(project: Project) -> None:
    """Refuse a manuscript bookify.toml names that is not a file in `manuscripts/`, or that is
    named twice: found from the folder alone, before any is read."""
    seen: set[Path] = set()
    for key, name in listed_entries(project.config):
        path = manuscript_path(project, name, key)
        if path in seen:
            raise ConfigError(f"contents lists '{name}' twice", _listed_location(project, name, key),
                              "remove one of the entries")
        seen.add(path)


def manuscript_path(project: Project, name: str, key: str) -> Path:
    """The file of a manuscript bookify.toml names at `key`, which must be in `manuscripts/`."""
    location = _listed_location(project, name, key)
    path = project.resolve(name, base=project.manuscripts_dir, what="manuscript", location=location)
    if not path.is_relative_to(project.manuscripts_dir.resolve()):
        raise ConfigError(
            f"contents lists '{name}', which is not in manuscripts/",
            location,
            "keep every essay in manuscripts/ and list it relative to that folder",
        )
    if not path.is_file():
        raise ConfigError(
            f"contents lists '{name}', but there is no such file in manuscripts/",
            location,
            "check the spelling, or remove the entry from contents (or delete 'contents' to "
            "use every file in manuscripts/ in file-name order)",
        )
    return path


def _listed_location(project: Project, name: str, key: str) -> Location:
    """Where bookify.toml names the manuscript `name` at `key`: the first line from the key's
    own that holds it in quotes."""
    tables = tuple(part for part in re.split(r"[.\[\]]", key) if part and not part.isdigit())
    start = project.key_line(tables) or 1
    lines = project.config_text.splitlines()
    line = next((number for number in range(start, len(lines) + 1)
                 if f'"{name}"' in lines[number - 1] or f"'{name}'" in lines[number - 1]), start)
    return Location(project.config_path, line, key)


def cover_path(project: Project) -> Path | None:
    """The cover image `[book] cover` names, checked: inside the project, a file, and a raster
    image that reads whole (the EPUB embeds it, the cover wrap prints it); None without one."""
    name = project.config.book.cover
    if not name:
        return None
    location = project.config_location(("book", "cover"))
    cover = project.resolve(name, what="cover image", location=location)
    if not cover.is_file():
        raise ConfigError(f"book.cover: no file '{name}'", location,
                          "give the cover image's path relative to the project folder")
    if cover.suffix.lower() == ".svg":
        raise ConfigError(f"book.cover '{name}': a cover must be a picture in pixels, not SVG",
                          location, "export the cover as JPEG or PNG (1600 × 2560 px or larger)")
    try:
        check_image(cover)
    except ImageProblem as problem:
        raise ConfigError(f"book.cover '{name}': {problem.message}", location,
                          problem.hint) from None
    return cover


def _source_date(root: Path) -> dt.datetime:
    """SOURCE_DATE_EPOCH if set (reproducible-builds.org), else the newest source file's time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        hint = "unset it, or set it to a Unix timestamp such as $(git log -1 --format=%ct)"
        try:
            seconds = int(epoch)
        except ValueError:
            raise ConfigError(
                f"SOURCE_DATE_EPOCH='{epoch}' is not a whole number of seconds", hint=hint
            ) from None
        try:
            return dt.datetime.fromtimestamp(seconds, dt.UTC)
        except (OverflowError, OSError, ValueError):
            raise ConfigError(
                f"SOURCE_DATE_EPOCH='{epoch}' is out of range for a date", hint=hint
            ) from None
    newest = (root / CONFIG_FILE).stat().st_mtime
    for folder in (root / MANUSCRIPTS_DIR, root / STYLES_DIR):
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file():
                    newest = max(newest, path.stat().st_mtime)
    return dt.datetime.fromtimestamp(int(newest), dt.UTC)
