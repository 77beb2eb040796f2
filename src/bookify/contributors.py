"""The book's contributors: who wrote, translated or edited what, with their bios.

Read from `contributors.toml` (one table per person, keyed by a short id) or from
`contributors/*.md` (one file per person: front matter, then the bio in Markdown). Essays name
their authors by id or by name; `Roster.resolve` turns either into the person.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .config import find_key_line, refuse_control_characters, toml_error
from .errors import ConfigError, Location
from .imagecheck import ImageProblem, check_image
from .manuscript import front_matter_line
from .validation import Wording, located_errors

CONTRIBUTORS_FILE = "contributors.toml"
CONTRIBUTORS_DIR = "contributors"


class _ContributorEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: str = Field(min_length=1)
    """The name as printed in bylines."""
    sort_name: str | None = None
    """How the name sorts: "Montaigne, Michel de". Default: the last word first."""
    bio: str | None = None
    """A short biography (Markdown)."""
    photo: str | None = None
    """A portrait, relative to the project folder."""
    links: list[str] = []
    """Web pages about the contributor."""

    @field_validator("links")
    @classmethod
    def _web_addresses(cls, links: list[str]) -> list[str]:
        """Only web and mail addresses: a `javascript:` or `data:` link would run or smuggle
        content in the EPUB's contributors page."""
        for link in links:
            parts = urlsplit(link.strip())
            scheme = parts.scheme.lower()
            if not (scheme in ("http", "https") and parts.netloc or scheme == "mailto"):
                raise ValueError(f"'{link[:60]}' is not a web address; links must start with "
                                 "https://, http:// or mailto:")
        return [link.strip() for link in links]


@dataclass(frozen=True, slots=True)
class Contributor:
    """A person who contributed to the book."""

    id: str
    name: str
    sort_name: str
    bio: str | None
    photo: Path | None
    links: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Roster:
    """Everyone the contributors file describes; empty when the project has none."""

    people: tuple[Contributor, ...] = ()
    #: The file or folder they were read from, or None.
    source: Path | None = None

    def resolve(self, reference: str) -> Contributor | None:
        """The contributor an essay means by `reference`: an id, or a name."""
        for person in self.people:
            if reference == person.id or reference == person.name:
                return person
        return None


def default_sort_name(name: str) -> str:
    """'Jerome K. Jerome' → 'Jerome, Jerome K.'; a single word stays as it is."""
    parts = name.split()
    return name if len(parts) < 2 else f"{parts[-1]}, {' '.join(parts[:-1])}"


def load_roster(root: Path) -> Roster:
    """Read the project's contributors file (or folder), if it has one."""
    path = root / CONTRIBUTORS_FILE
    folder = root / CONTRIBUTORS_DIR
    if path.is_file():
        _inside(root, path)
        return Roster(tuple(_from_toml(root, path)), path)
    if folder.is_dir() and any(folder.glob("*.md")):
        files = sorted(folder.glob("*.md"))
        for file in files:
            _inside(root, file)
        return Roster(tuple(_from_markdown(root, p) for p in files), folder)
    return Roster()


def _inside(root: Path, path: Path) -> None:
    """Refuse a contributors file that is a link leading outside the project."""
    real = path.resolve()
    if not real.is_relative_to(root.resolve()):
        raise ConfigError(f"this file is a link to {real}, outside the book project",
                          Location(path), "copy the file into the project instead of linking to it")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start})", Location(path),
                          "save the file as UTF-8") from None


def _from_toml(root: Path, path: Path) -> list[Contributor]:
    text = _read(path)
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ConfigError("not valid TOML: nested too deeply to read", Location(path),
                          "each contributor is one table of a few keys") from None
    except tomllib.TOMLDecodeError as exc:
        raise toml_error(exc, text, path, "check quotes, commas and brackets on that line") from None
    refuse_control_characters(data, path, text)
    people = []
    for key, entry in data.items():
        if not isinstance(entry, dict):
            raise ConfigError(
                f"'{key}' should be a table of one contributor", Location(path, find_key_line(text, (key,))),
                f'write it as [{key}] followed by name = "…", bio = "…"')
        people.append(_validated(root, key, entry, path, lambda loc: find_key_line(text, (key, *loc))))  # noqa: B023 - called in this iteration
    return people


def _from_markdown(root: Path, path: Path) -> Contributor:
    text = _read(path)
    match = re.match(r"^---\n(.*?)\n---\n?(.*)$", text, flags=re.S)
    if not match:
        raise ConfigError("a contributor file starts with front matter between '---' lines",
                          Location(path, 1), "write name: … (and sort_name:, photo:, links:) "
                          "between --- lines, then the bio")
    try:
        data = yaml.safe_load(match[1]) or {}
    except (RecursionError, ValueError) as exc:  # deep nesting, or a date like 2020-02-30
        reason = type(exc).__name__ if isinstance(exc, RecursionError) else exc
        raise ConfigError(f"front matter cannot be read: {reason}",
                          Location(path, 2), "write plain 'key: value' lines with real dates") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}",
                          Location(path, mark.line + 2 if mark else None)) from None
    if not isinstance(data, dict):
        raise ConfigError("front matter must be 'key: value' lines", Location(path, 2))
    if match[2].strip():
        data.setdefault("bio", match[2].strip())

    def line_of(loc: tuple[Any, ...]) -> int | None:
        return front_matter_line(match[1], str(loc[0])) if loc else None

    return _validated(root, path.stem, data, path, line_of)


def _validated(root: Path, key: str, entry: dict[str, Any], path: Path,
               line_of: Callable[[tuple[Any, ...]], int | None]) -> Contributor:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", key):
        raise ConfigError(f"'{key}' is not a contributor id", Location(path, line_of(())),
                          "use lower-case letters, digits and hyphens, e.g. [jane-doe]")
    try:
        valid = _ContributorEntry.model_validate(entry)
    except ValidationError as exc:
        wording = Wording(
            syntax="toml" if path.suffix == ".toml" else "yaml",
            key=lambda name: f"contributor '{key}': {name}",
            unknown=lambda name, table: f"unknown key '{name}' for contributor '{key}'",
            missing=lambda name: f"contributor '{key}': missing required key '{name}'",
        )
        raise located_errors(exc, entry, _ContributorEntry, wording, path, line_of,
                             ConfigError) from None
    photo = None
    if valid.photo:
        photo = (root / valid.photo).resolve()
        if not photo.is_relative_to(root.resolve()) or not photo.is_file():
            raise ConfigError(f"contributor '{key}': no photo '{valid.photo}' in the project",
                              Location(path, line_of(("photo",))),
                              "give the photo's path relative to the project folder")
        try:
            check_image(photo)
        except ImageProblem as problem:
            raise ConfigError(f"contributor '{key}': photo '{valid.photo}': {problem.message}",
                              Location(path, line_of(("photo",))), problem.hint) from None
    return Contributor(
        id=key, name=valid.name, sort_name=valid.sort_name or default_sort_name(valid.name),
        bio=valid.bio, photo=photo, links=tuple(valid.links),
    )
