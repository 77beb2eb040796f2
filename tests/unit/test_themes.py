"""Themes: built-in templates and stylesheets, and how a project's styles/ overrides them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookify.compose import compose_book_html
from bookify.errors import ConfigError, ThemeError
from bookify.markdown import render_book
from bookify.project import load_project
from bookify.themes import BUILTIN_THEMES, available_themes, join_names, load_theme

from .helpers import assembled, essay, write_project

CLASSIC = BUILTIN_THEMES / "classic"

ESSAY_OVERRIDE = """\
<section class="my-essay" id="{{ essay.essay.id }}">
<h1>OVERRIDDEN {{ essay.title_html | safe }}</h1>
{{ essay.body_html | safe }}
</section>
"""


def test_default_theme_without_styles_folder(tmp_path):
    theme = load_theme(load_project(write_project(tmp_path)))
    assert theme.name == "classic"
    assert theme.root == CLASSIC
    assert theme.overrides is None
    assert theme.stylesheets("print") == [CLASSIC / "print-structure.css", CLASSIC / "fonts.css",
                                          CLASSIC / "print.css"]
    assert theme.stylesheets("epub") == [CLASSIC / "fonts.css", CLASSIC / "epub.css"]
    assert theme.stylesheets("screen") == [CLASSIC / "fonts.css", CLASSIC / "screen.css"]
    assert theme.fonts() and all(f.suffix == ".ttf" for f in theme.fonts())


def test_an_inheriting_theme_shares_the_book_structure_and_keeps_its_own_design(tmp_path):
    root = write_project(tmp_path, toml='[book]\ntitle = "X"\n[theme]\nname = "modern"\n')
    theme = load_theme(load_project(root))
    modern = CLASSIC.parent / "modern"
    assert theme.roots == [modern, CLASSIC]
    # classic's fonts.css declares EB Garamond, modern's fallback face for polytonic Greek
    assert theme.stylesheets("print") == [CLASSIC / "print-structure.css", CLASSIC / "fonts.css",
                                          modern / "fonts.css", modern / "print.css"]
    assert [name for name, _ in theme.published_stylesheets("epub")] == ["fonts.css", "epub.css"]


def test_project_stylesheet_comes_after_the_themes(tmp_path):
    root = write_project(
        tmp_path,
        files={"manuscripts/a.md": essay("A"), "styles/print.css": "h1 { color: red }\n",
               "styles/epub.css": "h1 { color: blue }\n"},
    )
    theme = load_theme(load_project(root))
    assert theme.overrides == root.resolve() / "styles"
    assert theme.stylesheets("print") == [
        CLASSIC / "print-structure.css", CLASSIC / "fonts.css", CLASSIC / "print.css",
        root.resolve() / "styles/print.css",
    ]
    assert theme.stylesheets("epub")[-1] == root.resolve() / "styles/epub.css"
    # no styles/screen.css: the theme's alone
    assert theme.stylesheets("screen") == [CLASSIC / "fonts.css", CLASSIC / "screen.css"]


def test_project_template_overrides_the_themes(tmp_path):
    root = write_project(
        tmp_path,
        files={"manuscripts/a.md": essay("Of Truth", "What is truth?\n"),
               "styles/templates/essay.html.j2": ESSAY_OVERRIDE},
    )
    project, book, diagnostics = assembled(root)
    theme = load_theme(project)
    env = theme.environment()
    assert Path(env.get_template("essay.html.j2").filename) == (
        root.resolve() / "styles/templates/essay.html.j2"
    )
    # every other template still comes from the theme
    assert Path(env.get_template("toc.html.j2").filename) == CLASSIC / "templates/toc.html.j2"

    html = compose_book_html(render_book(book, project, diagnostics), theme, project)
    assert '<section class="my-essay" id="a">' in html
    assert "<h1>OVERRIDDEN Of Truth</h1>" in html
    assert 'class="essay-title"' not in html  # the theme's essay template was not used


def test_without_override_the_themes_essay_template_is_used(tmp_path):
    project, book, diagnostics = assembled(write_project(tmp_path))
    theme = load_theme(project)
    html = compose_book_html(render_book(book, project, diagnostics), theme, project)
    assert '<h1 class="essay-title">A</h1>' in html


def test_unknown_theme_is_refused_as_the_project_loads(tmp_path):
    root = write_project(tmp_path, '[book]\ntitle = "X"\n[theme]\nname = "fancy"\n')
    with pytest.raises(ConfigError) as info:
        load_project(root)  # before any theme is loaded or page laid out
    error = info.value
    assert error.message == "theme.name: unknown theme 'fancy'"
    assert "classic" in available_themes()
    assert error.hint == "built-in themes: " + ", ".join(available_themes())
    assert error.exit_code == 2
    assert (error.location.key, error.location.line) == ("theme.name", 4)


def test_a_misspelt_theme_suggests_the_built_in_one(tmp_path):
    root = write_project(tmp_path, '[book]\ntitle = "X"\n[theme]\nname = "modrn"\n')
    with pytest.raises(ConfigError) as info:
        load_project(root)
    assert info.value.hint.startswith("did you mean 'modern'? built-in themes: ")


def test_theme_name_cannot_reach_outside_the_themes(tmp_path):
    # a folder with templates/ beside the project must not be usable as "../…" or an absolute path
    (tmp_path / "elsewhere" / "templates").mkdir(parents=True)
    root = write_project(tmp_path / "book", f'[book]\ntitle = "X"\n[theme]\nname = "{tmp_path / "elsewhere"}"\n')
    with pytest.raises(ConfigError) as info:
        load_theme(load_project(root))
    assert "is not a theme name" in info.value.message
    assert info.value.location.line == 4


def test_template_syntax_error_in_an_override(tmp_path):
    root = write_project(
        tmp_path,
        files={"manuscripts/a.md": essay("A"),
               "styles/templates/essay.html.j2": "<section>\n{% if %}\n</section>\n"},
    )
    theme = load_theme(load_project(root))
    with pytest.raises(ThemeError) as info:
        theme.render("essay.html.j2")
    assert info.value.message.startswith("template error: ")
    assert info.value.location.path == root.resolve() / "styles/templates/essay.html.j2"
    assert info.value.location.line == 2


def test_missing_template(tmp_path):
    theme = load_theme(load_project(write_project(tmp_path)))
    with pytest.raises(ThemeError) as info:
        theme.render("nope.html.j2")
    assert info.value.message == "template 'nope.html.j2' not found in theme 'classic'"


def test_undefined_variable_in_a_template(tmp_path):
    root = write_project(
        tmp_path,
        files={"manuscripts/a.md": essay("A"), "styles/templates/x.html.j2": "{{ nothing.here }}"},
    )
    theme = load_theme(load_project(root))
    with pytest.raises(ThemeError) as info:
        theme.render("x.html.j2")
    assert info.value.message == "template 'x.html.j2': 'nothing' is undefined"


def test_templates_escape_text(tmp_path):
    root = write_project(
        tmp_path, files={"manuscripts/a.md": essay("A"), "styles/templates/x.html.j2": "{{ v }}"}
    )
    theme = load_theme(load_project(root))
    assert theme.render("x.html.j2", v="<b>&") == "&lt;b&gt;&amp;"


@pytest.mark.parametrize(
    ("names", "text"),
    [([], ""), (["A"], "A"), (["A", "B"], "A and B"), (["A", "B", "C"], "A, B and C")],
)
def test_join_names(names, text):
    assert join_names(names) == text


def test_available_themes():
    assert "classic" in available_themes()
