"""Small book projects written into a temporary folder, and the stages that read them.

Unit tests describe the project they need in a few lines (`write_project(tmp_path, files={...})`)
instead of keeping fixture folders, so each test shows its whole input.
"""

from __future__ import annotations

import base64
import re
import textwrap
from pathlib import Path

from bookify.assemble import assemble_book
from bookify.diagnostics import Diagnostics
from bookify.markdown import render_book
from bookify.model import Book, RenderedBook
from bookify.project import Project, load_project

#: A valid 1×1 PNG, for image tests.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)

MINIMAL_TOML = '[book]\ntitle = "A Test Book"\n'

#: The five entities XML knows without a DTD; any other `&name;` breaks an XHTML reader.
XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def essay(title: str | None = "An Essay", body: str = "Some text.\n", **front: object) -> str:
    """A manuscript with front matter: `essay("Title", "Body", author="Jane", draft=True)`."""
    lines = ["---"]
    if title is not None:
        lines.append(f"title: {_yaml(title)}")
    for key, value in front.items():
        lines.append(f"{key}: {_yaml(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body


def _yaml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def write_project(
    root: Path,
    toml: str = MINIMAL_TOML,
    files: dict[str, str | bytes] | None = None,
) -> Path:
    """Write `bookify.toml` and `files` (paths relative to `root`, e.g. 'manuscripts/a.md')."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "bookify.toml").write_text(dedent(toml), encoding="utf-8")
    if files is None:
        files = {"manuscripts/01-a.md": essay("A")}
    write_files(root, files)
    (root / "manuscripts").mkdir(exist_ok=True)
    return root


def write_files(root: Path, files: dict[str, str | bytes], *, dedented: bool = False) -> Path:
    """Write `files` (paths relative to `root`); text is dedented first when `dedented`."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(dedent(content) if dedented else content, encoding="utf-8")
    return root


def assembled(root: Path) -> tuple[Project, Book, Diagnostics]:
    project = load_project(root)
    diagnostics = Diagnostics()
    return project, assemble_book(project, diagnostics), diagnostics


def rendered(root: Path) -> tuple[RenderedBook, Diagnostics]:
    project, book, diagnostics = assembled(root)
    return render_book(book, project, diagnostics), diagnostics


def named_entities(html: str) -> list[str]:
    """Named character references other than the five XML ones (`&nbsp;`, `&copy;`, …)."""
    return [m for m in re.findall(r"&([A-Za-z][A-Za-z0-9]*);", html) if m not in XML_ENTITIES]


def rendered_messages(diagnostics: Diagnostics, root: Path) -> list[str]:
    return [f"{d.severity}: {d.render(root)}" for d in diagnostics.items]
