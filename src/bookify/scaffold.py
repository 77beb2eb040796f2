"""`bookify new`: a new book project with a commented config, two example essays and override
stylesheets, so an author starts from something that builds."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jinja2

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


def new_project(folder: Path, title: str | None = None,
                essays: list[str] | None = None) -> list[Path]:
    """Create a project in `folder` (which must not exist or be empty); return the files made.

    With `essays` (file names in manuscripts/, as `bookify new --from` imports them) the
    example essays are left out and `contents` lists those instead."""
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
                                  essays=[json.dumps(e, ensure_ascii=False) for e in listed])
        else:
            content = source.read_text(encoding="utf-8")
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(target)
    return written
