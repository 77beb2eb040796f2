"""Themes: the templates, stylesheets and fonts a book is dressed in, and how a project overrides them.

Lookup order, documented once here and in the README:

1. the project's `styles/templates/<name>` replaces the theme's template of the same name;
2. the theme's own `templates/<name>`.

Stylesheets stack instead of replacing: the theme's `print.css` (or `epub.css`, `screen.css`) comes
first, then the project's `styles/print.css` (or `epub.css`, `screen.css`), so a project restyles
the book with a few rules and keeps everything else.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from .errors import Location, ThemeError
from .markdown import text_direction
from .project import Project, key_line

BUILTIN_THEMES = Path(str(resources.files("bookify") / "themes"))


@dataclass(frozen=True, slots=True)
class Theme:
    """A theme folder, plus the project's `styles/` overrides on top of it."""

    name: str
    root: Path
    overrides: Path | None

    def stylesheets(self, medium: str) -> list[Path]:
        """The CSS files for `print`, `epub` or `screen`, theme first, project last."""
        sheets = [self.root / "fonts.css", self.root / f"{medium}.css"]
        if self.overrides is not None and (self.overrides / f"{medium}.css").is_file():
            sheets.append(self.overrides / f"{medium}.css")
        return [s for s in sheets if s.is_file()]

    def published_stylesheets(self, medium: str) -> list[tuple[str, Path]]:
        """The stylesheets for `medium` as an ebook or web page ships them: (file name, source).
        The theme's keep their names; the project's override is published as `book.css`."""
        return [("book.css" if sheet.parent != self.root else sheet.name, sheet)
                for sheet in self.stylesheets(medium)]

    def fonts(self) -> list[Path]:
        return sorted((self.root / "fonts").glob("*.[ot]tf"))

    def environment(self) -> jinja2.Environment:
        """A Jinja2 environment that finds project templates before the theme's.

        One per theme and overrides folder, so each template is compiled once per build, not
        once per EPUB page.
        """
        search = [self.root / "templates"]
        if self.overrides is not None and (self.overrides / "templates").is_dir():
            search.insert(0, self.overrides / "templates")
        return _environment(tuple(str(p) for p in search))

    def render(self, template: str, **context: object) -> str:
        """Render one template, turning template mistakes into a `ThemeError`."""
        env = self.environment()
        try:
            return env.get_template(template).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            raise ThemeError(
                f"template error: {exc.message}",
                Location(Path(exc.filename) if exc.filename else None, exc.lineno),
            ) from None
        except jinja2.TemplateNotFound as exc:
            raise ThemeError(f"template '{exc.name}' not found in theme '{self.name}'") from None
        except jinja2.UndefinedError as exc:
            raise ThemeError(f"template '{template}': {exc.message}") from None


@functools.lru_cache(maxsize=8)
def _environment(search: tuple[str, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(search)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["join_names"] = join_names
    env.filters["direction"] = text_direction
    env.filters["sentence"] = sentence
    return env


def join_names(names: list[str] | tuple[str, ...], conjunction: str = "and") -> str:
    """'A', 'A and B', 'A, B and C': how a byline lists several people."""
    names = list(names)
    if len(names) <= 2:
        return f" {conjunction} ".join(names)
    return ", ".join(names[:-1]) + f" {conjunction} " + names[-1]


def sentence(text: str) -> str:
    """End a phrase with a full stop unless it already ends with punctuation (HTML stays HTML)."""
    markup = isinstance(text, Markup)
    plain = str(text).rstrip()
    ends = plain[-1:] if not plain.endswith("</i>") and not plain.endswith("</em>") else ""
    result = plain if ends in (".", "!", "?", "…") else plain + "."
    return Markup(result) if markup else result


def available_themes() -> list[str]:
    return sorted(p.name for p in BUILTIN_THEMES.iterdir() if (p / "templates").is_dir())


def load_theme(project: Project) -> Theme:
    """The project's theme with its `styles/` overrides."""
    name = project.config.theme.name
    root = BUILTIN_THEMES / name
    if not (root / "templates").is_dir():
        raise ThemeError(
            f"unknown theme '{name}'",
            Location(project.config_path, key_line(project.root, ("theme", "name")), "theme.name"),
            "built-in themes: " + ", ".join(available_themes()),
        )
    styles = project.styles_dir
    return Theme(name=name, root=root, overrides=styles if styles.is_dir() else None)
