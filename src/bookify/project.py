"""A book project on disk: its folder, its validated config, and the folders bookify uses.

`load_project` is the first stage of every build: it finds `bookify.toml`, validates it once,
and fixes the build's timestamp so that the same sources always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from .config import CONFIG_FILE, ProjectConfig, find_key_line, load_config
from .errors import BookifyError, ConfigError, Location

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
    """Load the project in `root` (the folder holding `bookify.toml`)."""
    root = root.resolve()
    if not root.is_dir():
        raise ConfigError(f"{root} is not a folder", hint="pass the book project's folder to --project")
    config = load_config(root / CONFIG_FILE)
    output = (root / config.build.output_dir).resolve()
    if not output.is_relative_to(root) or output == root:
        raise ConfigError(
            f"build.output_dir '{config.build.output_dir}' must be a folder inside the project",
            Location(root / CONFIG_FILE, key_line(root, ("build", "output_dir")), "build.output_dir"),
            'use a relative folder name such as "build"',
        )
    return Project(root=root, config=config, source_date=_source_date(root))


def key_line(root: Path, loc: tuple[str, ...]) -> int | None:
    """The line of a key in the project's bookify.toml, for messages about its value."""
    return find_key_line((root / CONFIG_FILE).read_text(encoding="utf-8-sig"), loc)


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
