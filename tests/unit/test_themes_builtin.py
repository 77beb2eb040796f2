"""The built-in themes as shipped: each declares every variable with a valid default, carries
every stylesheet a build reads, ships the fonts its stylesheets name with their licence, and
leaves the page geometry to bookify. (How the themes lay out a real book is checked in
tests/integration/test_themes.py.)"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from bookify.config import ThemeSection
from bookify.themes import BUILTIN_THEMES, available_themes, builtin_theme

THEMES = available_themes()
VARIABLES = {"font_size", "leading", "margin_top", "margin_bottom", "margin_inside",
             "margin_outside", "accent", "opener", "opener_folio"}
STYLESHEETS = ["fonts.css", "print.css", "cover.css", "cover-wrap.css", "epub.css", "screen.css"]


def _manifest(theme: str) -> dict:
    return tomllib.loads((BUILTIN_THEMES / theme / "theme.toml").read_text(encoding="utf-8"))


def _css(theme: str, name: str) -> str:
    text = (BUILTIN_THEMES / theme / name).read_text(encoding="utf-8")
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def _page_rules(css: str) -> list[tuple[str, str]]:
    """(selector, declarations outside any margin box) of every @page rule."""
    rules = []
    for match in re.finditer(r"@page([^{]*)\{", css):
        depth, start, own = 1, match.end(), []
        position = start
        while depth:
            char = css[position]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            elif depth == 1:
                own.append(char)
            position += 1
        declarations = re.sub(r"@[\w-]+\s*", "", "".join(own))
        rules.append((match[1].strip(), declarations))
    return rules


@pytest.mark.parametrize("theme", THEMES)
def test_theme_declares_every_variable_with_a_valid_default(theme: str) -> None:
    manifest = _manifest(theme)
    assert manifest.get("description", "").strip()
    variables = manifest.get("variables", {})
    assert set(variables) == VARIABLES, set(variables) ^ VARIABLES
    section = ThemeSection(name=theme, **variables)  # the checks bookify.toml's [theme] gets
    assert section.variables() == {k: str(v) for k, v in variables.items()}
    assert builtin_theme(theme).variables == section.variables()


@pytest.mark.parametrize("theme", THEMES)
def test_theme_has_every_stylesheet(theme: str) -> None:
    missing = [name for name in STYLESHEETS if not (BUILTIN_THEMES / theme / name).is_file()]
    assert not missing
    assert '@import url("cover.css")' in _css(theme, "print.css")
    assert '@import url("epub.css")' in _css(theme, "screen.css")


@pytest.mark.parametrize("theme", THEMES)
def test_theme_ships_the_fonts_its_stylesheets_name_with_their_licence(theme: str) -> None:
    root = BUILTIN_THEMES / theme
    shipped = {path.name for path in root.glob("fonts/*.[ot]tf")}
    named = set(re.findall(r'url\("fonts/([^"]+)"\)', _css(theme, "fonts.css")))
    assert shipped and named == shipped
    assert {path.name for path in builtin_theme(theme).fonts()} == shipped
    assert list(root.glob("fonts/OFL*.txt")), "the SIL Open Font License goes with the fonts"
    readme = (root / "fonts" / "README.md").read_text(encoding="utf-8")
    assert all(name in readme for name in shipped), "fonts/README.md lists every file"
    assert re.search(r"version \*\*[\d.]+\*\*", readme), "fonts/README.md names the package version"


@pytest.mark.parametrize("theme", THEMES)
def test_page_size_and_margins_are_left_to_bookify(theme: str) -> None:
    """bookify writes `@page { size; margin… }` from [print] trim and the [theme] margins; a
    theme that set them would silently override the book's settings."""
    for selector, declarations in _page_rules(_css(theme, "print.css")):
        assert not re.search(r"(^|[;\s])size\s*:", declarations), selector
        margins = re.findall(r"margin[\w-]*\s*:\s*([^;]+)", declarations)
        assert all(value.strip() == "0" for value in margins) and (not margins or selector == "cover"), \
            (selector, margins)


@pytest.mark.parametrize("theme", THEMES)
def test_the_colophon_names_the_themes_typefaces(theme: str) -> None:
    """The copyright page says what the book is set in ("Set in {{ typefaces }}."): theme.toml's
    `typefaces` names every family the theme's fonts.css declares, but for the faces the text
    only falls back to for characters its face lacks (which the build names when it uses them)."""
    families = set(re.findall(r'font-family:\s*"([^"]+)"', _css(theme, "fonts.css")))
    fallbacks = set(builtin_theme(theme).fallback_faces)
    assert all(builtin_theme(theme).face_files(face) for face in fallbacks)
    typefaces = _manifest(theme).get("typefaces", "")
    assert families and all(family in typefaces for family in families - fallbacks), (families, typefaces)
    template = builtin_theme(theme).environment().get_template("copyright.html.j2")
    colophon = re.search(r'class="colophon-line">([^<]*)<', Path(template.filename).read_text(encoding="utf-8"))
    assert colophon and "{{ typefaces }}" in colophon[1], colophon


@pytest.mark.parametrize("theme", THEMES)
def test_a_replaced_copyright_page_keeps_the_parents_lines(theme: str) -> None:
    """modern and pocket replace classic's copyright.html.j2 only to wrap its lines in a block
    they can set at the foot of the page; the lines themselves must not drift from classic's."""
    parent = _manifest(theme).get("inherits")
    own = BUILTIN_THEMES / theme / "templates" / "copyright.html.j2"
    if parent is None or not own.is_file():
        pytest.skip(f"{theme} does not replace a parent's copyright page")

    def lines(path) -> list[str]:
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        return [line for line in text.splitlines()
                if line.strip() and "copyright-block" not in line and line.strip() != "</div>"]

    assert lines(own) == lines(BUILTIN_THEMES / parent / "templates" / "copyright.html.j2")


@pytest.mark.parametrize("theme", THEMES)
def test_a_theme_overrides_only_templates_its_parent_has(theme: str) -> None:
    parent = _manifest(theme).get("inherits")
    if parent is None:
        pytest.skip(f"{theme} has every template itself")
    own = {p.relative_to(BUILTIN_THEMES / theme / "templates")
           for p in (BUILTIN_THEMES / theme / "templates").rglob("*.j2")}
    inherited = {p.relative_to(BUILTIN_THEMES / parent / "templates")
                 for p in (BUILTIN_THEMES / parent / "templates").rglob("*.j2")}
    assert own <= inherited, own - inherited


def _lines_per_page(body: str) -> list[int]:
    """Lay an essay body out with the shared print structure on a small page: lines per page."""
    from weasyprint import CSS, HTML
    from weasyprint.formatting_structure import boxes

    page_style = CSS(string="@page { size: 3in 2.5in; margin: 0.25in } "
                            "p { margin: 0; font: 10pt/12pt serif; orphans: 2; widows: 2 }")
    structure = CSS(filename=str(BUILTIN_THEMES / "classic" / "print-structure.css"))
    html = f'<html lang="en"><section class="essay"><div class="essay-body">{body}</div></section>'
    counts = []
    for page in HTML(string=html).render(stylesheets=[structure, page_style]).pages:
        counts.append(sum(isinstance(box, boxes.LineBox) for box in page._page_box.descendants()))
    return counts


@pytest.mark.parametrize("last_words", [8, 30, 60, 90])
def test_no_essay_ends_on_a_page_of_fewer_than_five_lines(last_words: int) -> None:
    """Whatever the length of the text before it, an essay's last page holds five lines or more
    (the page before it runs short instead)."""
    filler = "<p>" + " ".join(["an idle fellow walks"] * 10) + "</p>"
    last = "<p>" + " ".join(["out"] * last_words) + ".</p>"
    short = {}
    for paragraphs in range(1, 6):
        counts = _lines_per_page(filler * paragraphs + last)
        if len(counts) > 1 and counts[-1] < 5:
            short[paragraphs] = counts
    assert not short, f"last pages of fewer than five lines (paragraphs: lines per page): {short}"
