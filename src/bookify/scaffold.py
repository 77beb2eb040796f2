"""`bookify new`: a new book project with a commented config, two example essays and override
stylesheets, so an author starts from something that builds."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jinja2

from .errors import ConfigError

TEMPLATE = Path(str(resources.files("bookify") / "project_template"))


def new_project(folder: Path, title: str | None = None) -> list[Path]:
    """Create a project in `folder` (which must not exist or be empty); return the files made."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ConfigError(
            f"{folder} already exists and is not empty",
            hint="choose a new folder name; bookify new never overwrites files",
        )
    title = title or folder.name.replace("-", " ").replace("_", " ").strip().title() or "My Book"
    written = []
    for source in sorted(TEMPLATE.rglob("*")):
        if source.is_dir():
            continue
        relative = source.relative_to(TEMPLATE)
        if relative.name == "gitignore":
            relative = relative.with_name(".gitignore")
        if relative.suffix == ".j2":
            relative = relative.with_suffix("")
            text = jinja2.Template(source.read_text(encoding="utf-8"), keep_trailing_newline=True)
            content = text.render(title=title, toml_title=json.dumps(title, ensure_ascii=False))
        else:
            content = source.read_text(encoding="utf-8")
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(target)
    return written
