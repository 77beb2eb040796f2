"""Themes: the templates, stylesheets and fonts a book is dressed in, and how a project overrides them.

Lookup order, documented once here and in the README:

1. the project's `styles/templates/<name>` replaces the theme's template of the same name;
2. the theme's own `templates/<name>`;
3. the templates of the theme it `inherits` (in its `theme.toml`), so a theme restyles the book
   without copying every template.

A theme's `theme.toml` also declares its variables (type size, leading, margins, accent colour,
opener style) with their defaults; `[theme]` in bookify.toml sets them without any CSS.

Stylesheets stack instead of replacing: the theme's `print.css` (or `epub.css`, `screen.css`) comes
first, then the project's `styles/print.css` (or `epub.css`, `screen.css`), so a project restyles
the book with a few rules and keeps everything else.
"""

from __future__ import annotations

import functools
import tomllib
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from .config import (
    BUILTIN_THEMES as BUILTIN_THEMES,  # re-exported: themes live in config's list
    available_themes as available_themes,
)
from .errors import Location, ThemeError
from .markdown import text_direction
from .project import Project


@dataclass(frozen=True, slots=True)
class Theme:
    """A theme folder, plus the project's `styles/` overrides on top of it."""

    name: str
    root: Path
    overrides: Path | None
    #: The theme's variables with the project's `[theme]` settings applied, by name.
    variables: dict[str, str] = field(default_factory=dict)
    #: The theme whose templates this one falls back to.
    parent: Theme | None = None
    description: str = ""
    #: The typefaces the theme sets the book in, as the copyright page credits them.
    typefaces: str = ""
    #: The family the text is set in ("Source Serif 4"), and the families its stylesheet falls
    #: back to, in order, for characters the text face lacks (modern's polytonic Greek).
    text_face: str = ""
    fallback_faces: tuple[str, ...] = ()

    @property
    def roots(self) -> list[Path]:
        """The theme's folder, then those of the themes it inherits from (nearest first)."""
        roots = []
        current: Theme | None = self
        while current is not None:
            roots.append(current.root)
            current = current.parent
        return roots

    def nearest(self, name: str) -> Path | None:
        """The file `name` from the nearest theme along the inheritance that has one."""
        return next((root / name for root in self.roots if (root / name).is_file()), None)

    def stylesheets(self, medium: str) -> list[Path]:
        """The CSS files for `print`, `epub` or `screen`: the shared book structure for the
        medium (`print-structure.css`, from the nearest theme that has one), the theme's fonts
        and stylesheet, the project's last."""
        sheets = [self.nearest(f"{medium}-structure.css"), *self.fallback_font_sheets(medium),
                  self.root / "fonts.css", self.root / f"{medium}.css"]
        if self.overrides is not None:
            sheets.append(self.overrides / f"{medium}.css")
        return [s for s in sheets if s is not None and s.is_file()]

    def fallback_font_sheets(self, medium: str) -> list[Path]:
        """In print, the `fonts.css` of each inherited theme that ships a fallback face (modern's
        EB Garamond is classic's), so the text falls back to it, never to whatever the machine
        has; its font files are read from that theme's folder."""
        if medium != "print":
            return []
        return [root / "fonts.css" for root in self.roots[1:]
                if any(root / "fonts" in path.parents for face in self.fallback_faces
                       for path in self.face_files(face))]

    def published_stylesheets(self, medium: str) -> list[tuple[str, Path]]:
        """The stylesheets for `medium` as an ebook or web page ships them: (file name, source).
        The theme's keep their names; the project's override is published as `book.css`."""
        return [("book.css" if sheet.parent == self.overrides else sheet.name, sheet)
                for sheet in self.stylesheets(medium)]

    def fonts(self) -> list[Path]:
        return sorted((self.root / "fonts").glob("*.[ot]tf"))

    def face_files(self, family: str) -> list[Path]:
        """The font files of `family` the theme (or a theme it inherits) ships: by the fonts'
        naming, "EB Garamond" is `fonts/EBGaramond-*.ttf`."""
        stem = family.replace(" ", "")
        return sorted(path for root in self.roots for path in (root / "fonts").glob(f"{stem}-*.[ot]tf"))

    def environment(self) -> jinja2.Environment:
        """A Jinja2 environment that finds project templates before the theme's.

        One per theme and overrides folder, so each template is compiled once per build, not
        once per EPUB page.
        """
        search = [root / "templates" for root in self.roots]
        if self.overrides is not None and (self.overrides / "templates").is_dir():
            search.insert(0, self.overrides / "templates")
        return _environment(tuple(str(p) for p in search))

    def css_variables(self) -> str:
        """The variables as CSS custom properties (`--font-size: 11pt;` …) for `:root`."""
        return " ".join(f"--{name.replace('_', '-')}: {value};"
                        for name, value in sorted(self.variables.items()))

    def render(self, template: str, **context: object) -> str:
        """Render one template, turning template mistakes into a `ThemeError`."""
        env = self.environment()
        context.setdefault("typefaces", self.typefaces)
        try:
            return env.get_template(template).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            raise ThemeError(
                f"template error: {exc.message}",
                Location(Path(exc.filename) if exc.filename else None, exc.lineno),
                "check the {{ … }} and {% … %} tags on that line (Jinja syntax)",
            ) from None
        except jinja2.TemplateNotFound as exc:
            raise ThemeError(f"template '{exc.name}' not found in theme '{self.name}'",
                             _template_location(exc),
                             "check the name in {% include %} or {% extends %}; a project's "
                             "templates live in styles/templates/") from None
        except ThemeError:
            raise
        except jinja2.UndefinedError as exc:
            raise ThemeError(f"template '{template}': {exc.message}",
                             _template_location(exc),
                             "check the spelling; the theme's own templates show the names "
                             "a template is given") from None
        except SecurityError as exc:
            raise ThemeError(f"template '{template}' tried something templates may not do: {exc}",
                             _template_location(exc),
                             "templates format the book's data; they cannot reach Python "
                             "internals, files or programs") from None
        except RecursionError as exc:
            raise ThemeError(f"template '{template}' includes itself without end",
                             _template_location(exc),
                             "remove the {% include %} or {% extends %} that leads back to "
                             "the same template") from None
        except UnicodeDecodeError as exc:
            raise ThemeError(f"a template of '{template}' is not UTF-8 text (byte {exc.start})",
                             hint="save the template as UTF-8") from None
        except Exception as exc:  # an error in the template's own logic: 1/0, essay + 1…
            raise ThemeError(f"template '{template}' failed: {type(exc).__name__}: {exc}",
                             _template_location(exc),
                             "fix the expression on that line of the template") from None


def _template_location(exc: BaseException) -> Location:
    """The template file and line where a rendering error happened (Jinja puts the template's
    own file and line into the traceback it raises)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".j2") or "/templates/" in frame.filename:
            return Location(Path(frame.filename), frame.lineno)
    return Location()


class _ContainedLoader(jinja2.FileSystemLoader):
    """A template loader that reads only files inside their own search folder: a template
    symlinked to a file elsewhere on the computer is refused, not read into the book."""

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not any(real.is_relative_to(Path(folder).resolve()) for folder in self.searchpath):
            raise ThemeError(
                f"template '{template}' is a link to {real}, outside the project",
                Location(Path(filename)),
                "copy the template into styles/templates/ instead of linking to it",
            )
        return source, filename, uptodate


@functools.lru_cache(maxsize=8)
def _environment(search: tuple[str, ...]) -> jinja2.Environment:
    # Sandboxed: a project's templates format the book's data and can reach nothing else
    # (no `cycler.__init__.__globals__.os`, no `open`).
    env = SandboxedEnvironment(
        loader=_ContainedLoader(list(search)),
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


def load_theme(project: Project) -> Theme:
    """The project's theme with its `styles/` overrides and `[theme]` variables."""
    name = project.config.theme.name  # one of `available_themes()`: checked as the config loads
    theme = builtin_theme(name)
    styles = project.styles_dir
    if styles.is_dir():
        # Stylesheets, templates and fonts are read (and published in the EPUB) as they are:
        # none may be a link to a file elsewhere on the computer.
        for path in [styles, *sorted(styles.rglob("*"))]:
            project.check_inside(path, "this " + ("folder" if path.is_dir() else "file"),
                                 ThemeError)
    variables = {**theme.variables, **project.config.theme.variables()}
    return Theme(name=name, root=theme.root, overrides=styles if styles.is_dir() else None,
                 variables=variables, parent=theme.parent, description=theme.description,
                 typefaces=theme.typefaces, text_face=theme.text_face,
                 fallback_faces=theme.fallback_faces)


@functools.cache
def builtin_theme(name: str) -> Theme:
    """A built-in theme as it ships: its folder, `theme.toml` variables and parent theme."""
    root = BUILTIN_THEMES / name
    manifest = root / "theme.toml"
    data = tomllib.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}
    parent = builtin_theme(data["inherits"]) if data.get("inherits") else None
    variables = {**(parent.variables if parent else {}),
                 **{key: str(value) for key, value in data.get("variables", {}).items()}}
    faces = data.get("faces", {})
    return Theme(name=name, root=root, overrides=None, variables=variables, parent=parent,
                 description=data.get("description", ""), typefaces=data.get("typefaces", ""),
                 text_face=faces.get("text", parent.text_face if parent else ""),
                 fallback_faces=tuple(faces.get("fallback", ())))
