"""`bookify new`: a new book project with a commented config, two example essays and override
stylesheets, so an author starts from something that builds."""

from __future__ import annotations

import json
import os
import re
from importlib import resources
from pathlib import Path

import jinja2

from .config import check_language
from .errors import ConfigError

TEMPLATE = Path(str(resources.files("bookify") / "project_template"))


#: The template's example essays, listed in `contents` unless the project starts from imports.
EXAMPLE_ESSAYS = ("01-first-essay.md", "02-second-essay.md")


def check_new_folder(folder: Path) -> None:
    """Refuse a folder that holds anything: `bookify new` never overwrites files."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ConfigError(
            f"{folder} already exists and is not empty",
            hint="choose a new folder name; bookify new never overwrites files",
        )


def default_language(environ: dict[str, str] | None = None) -> str:
    """The book's language as the author's system names it (`en_GB.UTF-8` → `en-GB`), with its
    region, because hyphenation and spelling follow it: English without one is American."""
    environ = dict(os.environ) if environ is None else environ
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        match = re.match(r"([a-z]{2,3})(?:_([A-Z]{2}))?(?:[.@]|$)", environ.get(variable, ""))
        if match:
            language, region = match.groups()
            return f"{language}-{region}" if region else "en-US" if language == "en" else language
    return "en-US"


def new_project(folder: Path, title: str | None = None,
                essays: list[str] | None = None, language: str | None = None) -> list[Path]:
    """Create a project in `folder` (which must not exist or be empty); return the files made.

    With `essays` (file names in manuscripts/, as `bookify new --from` imports them) the
    example essays are left out and `contents` lists those instead. `language` is the book's
    BCP 47 tag (default: the system's, see `default_language`)."""
    try:
        language = check_language(language or default_language())
    except ValueError as exc:
        raise ConfigError(f"--language: {exc}", hint="name a language and its region, such as "
                          "en-US, en-GB, fr-FR or de-DE") from None
    check_new_folder(folder)
    listed = list(EXAMPLE_ESSAYS) if essays is None else essays
    title = title or folder.name.replace("-", " ").replace("_", " ").strip().title() or "My Book"
    written = []
    for source in sorted(TEMPLATE.rglob("*")):
        if source.is_dir():
            continue
        relative = source.relative_to(TEMPLATE)
        if essays is not None and relative.parent.name == "manuscripts":
            continue
        if relative.name == "gitignore":
            relative = relative.with_name(".gitignore")
        if relative.suffix == ".j2":
            relative = relative.with_suffix("")
            text = jinja2.Template(source.read_text(encoding="utf-8"), keep_trailing_newline=True)
            content = text.render(title=title, toml_title=json.dumps(title, ensure_ascii=False),
                                  language=json.dumps(language),
                                  essays=[json.dumps(e, ensure_ascii=False) for e in listed])
        else:
            content = source.read_text(encoding="utf-8")
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(target)
    return written
