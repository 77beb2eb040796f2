"""Every built-in theme, checked on a real book the way a reader and a printer check one.

The features project is built once per theme (PDF and EPUB) and once more with `[theme]`
variables set in bookify.toml, and each output is read back: which typefaces are embedded, the
page size, where the essays open, whether the printed contents agree with the folios, whether
EPUBCheck passes, and whether the variables (type size, margins, accent, opener, opener folio)
changed what they name. Nothing here knows how a theme is written; a new theme in
`src/bookify/themes/` is checked by these tests as soon as it exists.
"""

from __future__ import annotations

import re
import tomllib
import zipfile
from collections import Counter
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from bookify.outputs.png import open_pdf, render_page
from bookify.themes import BUILTIN_THEMES, available_themes, builtin_theme
from tests.support.golden import assert_image_golden
from tests.support.pdf import fonts, page_sizes, page_texts, trim_boxes

from .bookcheck import ARABIC, FEATURES_ESSAYS, PrintedBook, flat, folio
from .conftest import PROJECTS, BuiltBook, build_project, copy_project, lazy_project

THEMES = available_themes()

#: The trim every themed build uses: a common trade size that is not bookify's default.
TRIM = "5x8"
TRIM_PT = (360.0, 576.0)

#: The `[theme]` settings of the variant build, and what they should do.
VARIANT = {
    "font_size": "13pt",
    "margin_inside": "1.1in",
    "margin_outside": "0.9in",
    "accent": "#1f7a3d",
    "opener": "drop-cap",
    "opener_folio": "none",
}


def _project(tmp_path_factory: pytest.TempPathFactory, theme: str, settings: dict[str, str],
              label: str) -> BuiltBook:
    """tests/projects/features in `theme` on a 5 × 8 in trim, with `settings` in `[theme]`."""
    lines = [f'name = "{theme}"', *(f'{key} = "{value}"' for key, value in settings.items())]
    table = "\n[print]\ntrim = \"" + TRIM + "\"\n\n[theme]\n" + "\n".join(lines) + "\n"
    root = tmp_path_factory.mktemp(f"{label}-{theme}") / f"features-{theme}"
    copy_project("features", root, toml_edit=lambda toml: toml + table)
    return lazy_project(root, root / "out", f"features-{label}-{theme}")


@pytest.fixture(scope="module", params=THEMES)
def themed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """The features project in each built-in theme, with the theme's own defaults."""
    book = _project(tmp_path_factory, request.param, {}, "themed")
    book.theme = request.param
    return book


@pytest.fixture(scope="module")
def variant(themed: BuiltBook, tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """The same book and theme with the `VARIANT` settings in `[theme]`."""
    book = _project(tmp_path_factory, themed.theme, VARIANT, "variant")
    book.theme = themed.theme
    return book


# ---------------------------------------------------------------------------- reading helpers


#: Dot leaders between a title and its page number in the contents.
_LEADER = re.compile(r"(?: ?\.){3,} ?")


class ThemedPrint(PrintedBook):
    """A printed book in any theme. A theme may set titles as lower case in small capitals (so
    that copied text keeps one case): it prints "of idleness", so headings are compared without
    regard to case. A theme may lead the eye to the page numbers with dots: they are read as
    the space they stand for."""

    @classmethod
    def read(cls, path: Path) -> ThemedPrint:
        return cls(Path(path), [_LEADER.sub(" ", text) for text in page_texts(path)])

    @property
    def contents_pages(self) -> list[int]:
        start = next(i for i, text in enumerate(self.pages)
                     if text.splitlines()[:1] and text.splitlines()[0].casefold() == "contents")
        pages = [start]
        for index in range(start + 1, len(self.pages)):
            number = folio(self.pages[index])
            if number is None or number.isdigit():
                break
            pages.append(index)
        return pages

    def opener_pages(self, titles: list[str]) -> list[int]:
        found, start = [], self.contents_pages[-1] + 1
        for title in titles:
            index = next(i for i in range(start, len(self.pages)) if _opens_with(self.pages[i], title))
            found.append(index)
            start = index + 1
        return found


def _opens_with(page_text: str, title: str) -> bool:
    """True if the page opens with `title`; a drop cap, which the PDF holds before the title (it
    is a float), is passed over."""
    lines = page_text.splitlines()
    if lines and len(lines[0]) == 1:
        lines = lines[1:]
    wanted = flat(title).casefold()
    return any(" ".join(lines[:n]).strip().casefold() == wanted for n in range(1, min(len(lines), 5) + 1))


def _printed(book: BuiltBook) -> ThemedPrint:
    return ThemedPrint.read(book.pdf)


def _theme_families(theme: str) -> set[str]:
    """The font families the theme's fonts.css declares."""
    css = (BUILTIN_THEMES / theme / "fonts.css").read_text(encoding="utf-8")
    return set(re.findall(r'font-family:\s*"([^"]+)"', css))


def _pdf_families(path: Path) -> Counter:
    """Font family (as the PDF's font descriptors name it) → number of font resources."""
    families: Counter = Counter()
    seen: set[int] = set()

    def visit(resources) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        for ref in (resources.get("/Font") or {}).values():
            if isinstance(ref, IndirectObject):
                if ref.idnum in seen:
                    continue
                seen.add(ref.idnum)
            font = ref.get_object()
            described = font
            if font.get("/Subtype") == "/Type0":
                described = font["/DescendantFonts"][0].get_object()
            descriptor = described.get("/FontDescriptor")
            family = descriptor.get_object().get("/FontFamily") if descriptor is not None else None
            families[str(family) if family is not None else str(font.get("/BaseFont"))] += 1
        for ref in (resources.get("/XObject") or {}).values():
            visit(ref.get_object().get("/Resources"))

    for page in PdfReader(path).pages:
        visit(page.get("/Resources"))
    return families


def _text_metrics(path: Path, index: int) -> tuple[float, float]:
    """(most common type size, left edge of the text) on page `index`, as PDFium reads the page.

    The size is in PDFium's units (proportional to points), the edge in points from the left of
    the sheet; running heads and folios are outnumbered by the text and sit inside its edges."""
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        textpage = pdf[index].get_textpage()
        sizes: Counter = Counter()
        left = float("inf")
        for i in range(textpage.count_chars()):
            if chr(pdfium_c.FPDFText_GetUnicode(textpage, i)).isspace():
                continue
            sizes[round(pdfium_c.FPDFText_GetFontSize(textpage, i), 2)] += 1
            left = min(left, textpage.get_charbox(i)[0])
        return sizes.most_common(1)[0][0], left
    finally:
        pdf.close()


def _pixels_near(path: Path, index: int, colour: str, tolerance: int = 40) -> int:
    """How many pixels of page `index` (at 100 dpi) are within `tolerance` of `colour`."""
    target = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    pdf = open_pdf(path)
    try:
        image = render_page(pdf, index, dpi=100)
    finally:
        pdf.close()
    return sum(count for count, pixel in image.getcolors(maxcolors=1 << 20)
               if sum(abs(a - b) for a, b in zip(pixel, target)) <= tolerance)


def _inches(length: str) -> float:
    return float(length.removesuffix("in")) * 72


# ---------------------------------------------------------------------------- the themes as shipped


def test_there_are_several_built_in_themes() -> None:
    assert {"classic", "modern", "pocket"} <= set(THEMES)


def test_the_book_is_set_in_the_themes_own_typefaces(themed: BuiltBook) -> None:
    """Every typeface in the PDF is one the theme ships (code aside, which is set in a system
    monospace), every one the theme ships for the text is used, and all are embedded."""
    found = fonts(themed.pdf)
    assert found and all(f.embedded for f in found), [f.base_font for f in found if not f.embedded]
    assert all(f.font_file in ("FontFile2", "FontFile3") for f in found), found
    families = {family for family in _pdf_families(themed.pdf) if "Mono" not in family}
    # a fallback face (modern's EB Garamond, for polytonic Greek) only when the text needs it
    fallbacks = set(builtin_theme(themed.theme).fallback_faces)
    assert families - fallbacks == _theme_families(themed.theme) - fallbacks, (themed.theme, families)


def test_every_page_is_the_trim_size(themed: BuiltBook) -> None:
    assert page_sizes(themed.pdf) == [pytest.approx(TRIM_PT)] * len(page_sizes(themed.pdf))
    assert trim_boxes(themed.pdf) == [pytest.approx(TRIM_PT)] * len(trim_boxes(themed.pdf))


def test_essays_open_on_right_hand_pages_at_the_page_the_contents_give(themed: BuiltBook) -> None:
    """Turn to the page the contents give for each essay: it opens there, on a recto, and the
    first essay opens on page 1."""
    printed = _printed(themed)
    openers = printed.opener_pages(FEATURES_ESSAYS)
    assert all(index % 2 == 0 for index in openers), [index + 1 for index in openers]
    listed = printed.contents_numbers(FEATURES_ESSAYS, ignore_case=True)
    folios = [folio(printed.pages[index]) for index in openers]
    assert folios == [str(n) for n in listed], list(zip(FEATURES_ESSAYS, listed, folios))
    assert listed[0] == 1


def test_front_matter_folios_are_roman(themed: BuiltBook) -> None:
    printed = _printed(themed)
    contents_folio = folio(printed.pages[printed.contents_pages[-1]])
    assert contents_folio is not None and not ARABIC.match(contents_folio), contents_folio


def test_blank_pages_are_blank(themed: BuiltBook) -> None:
    """A page left empty before a right-hand opener carries neither folio nor running head: no
    left-hand page holds only furniture (folios and running heads, or both on one line)."""
    printed = _printed(themed)
    rendered = themed.rendered
    heads = {flat(t).casefold() for t in [rendered.book.meta.title, *themed.part_titles,
                                          *themed.back_titles, "Notes"]}
    heads |= {" and ".join(e.essay.authors).casefold() for e in rendered.essays() if e.essay.authors}
    assert any(not text.strip() for text in printed.pages), "recto openers leave some versos blank"
    furniture_only = []
    for index in range(1, len(printed.pages), 2):
        lines = [re.sub(r"^[0-9ivxlcdm]+ |[ ][0-9ivxlcdm]+$", "", line).casefold()
                 for line in printed.pages[index].splitlines() if folio(line) is None]
        if printed.pages[index].strip() and all(line in heads for line in lines):
            furniture_only.append(index + 1)
    assert not furniture_only, f"left-hand pages with only a folio or running head: {furniture_only}"


def test_the_epub_passes_epubcheck_and_carries_the_themes_fonts(themed: BuiltBook) -> None:
    result = themed.epubcheck
    assert result.fatals == result.errors == result.warnings == 0, result.summary()
    with zipfile.ZipFile(themed.epub) as epub:
        names = set(epub.namelist())
        css = epub.read("EPUB/fonts.css").decode("utf-8")
    theme_fonts = {path.name for path in (BUILTIN_THEMES / themed.theme / "fonts").glob("*.[ot]tf")}
    shipped = {name.removeprefix("EPUB/fonts/") for name in names if name.startswith("EPUB/fonts/")}
    # The faces the text is set in, and no other (tests/unit/test_epub_fonts.py says which);
    # each @font-face left in fonts.css loads a file the book ships.
    assert shipped <= theme_fonts
    assert set(re.findall(r'url\("fonts/([^"]+)"\)', css)) == shipped
    assert {"Regular", "Italic"} <= {Path(n).stem.rsplit("-", 1)[1] for n in shipped}, shipped



#: Reference pages of each theme, found by text they print: (name, text on that page).
REFERENCE_PAGES = [
    ("contents", "Contents"),
    ("essay-opening", "A Defence of the Footnote"),
    ("figure", "Cape Finis"),
]
#: Low enough that the images stay small and a change of anti-aliasing stays under the tolerance.
REFERENCE_DPI = 40


def test_reference_pages_look_as_pinned(themed: BuiltBook, tmp_path: Path) -> None:
    """A few pages of each theme, rasterised, match the pictures in
    tests/projects/features/expected/pages/ within a tolerance; on failure the actual, expected
    and diff images are left in the test's temporary folder (its path is in the message)."""
    texts = page_texts(themed.pdf)
    pdf = open_pdf(themed.pdf)
    try:
        for name, marker in REFERENCE_PAGES:
            index = next(i for i, text in enumerate(texts) if marker.lower() in text.lower())
            image = render_page(pdf, index, dpi=REFERENCE_DPI)
            assert_image_golden(PROJECTS / "features" / "expected" / "pages"
                                / f"{themed.theme}-{name}.png", image, tmp_path,
                                f"{themed.theme}: page {index + 1} ({name})")
    finally:
        pdf.close()


# ---------------------------------------------------------------------------- [theme] variables


def test_theme_variables_change_the_printed_book(themed: BuiltBook, variant: BuiltBook) -> None:
    """`[theme]` in bookify.toml, without any CSS: the type size, the margins, the accent colour
    of the drop cap, and no folio on the openers."""
    default = themed
    defaults = tomllib.loads((BUILTIN_THEMES / themed.theme / "theme.toml").read_text(encoding="utf-8"))["variables"]
    base, changed = _printed(default), _printed(variant)

    # The type size: the text of the first essay's opener, 13 pt against the theme's default.
    first, first_changed = base.opener_pages(FEATURES_ESSAYS)[0], changed.opener_pages(FEATURES_ESSAYS)[0]
    size, _ = _text_metrics(default.pdf, first)
    size_changed, _ = _text_metrics(variant.pdf, first_changed)
    assert size_changed / size == pytest.approx(13 / float(defaults["font_size"].removesuffix("pt")), rel=0.02)

    # The margins: the text's left edge is the inside margin on a recto, the outside on a verso.
    crossing = changed.opener_pages(FEATURES_ESSAYS)[3]  # the one essay that runs onto a verso
    _, recto_left = _text_metrics(variant.pdf, crossing)
    _, verso_left = _text_metrics(variant.pdf, crossing + 1)
    assert recto_left == pytest.approx(_inches(VARIANT["margin_inside"]), abs=2)
    assert verso_left == pytest.approx(_inches(VARIANT["margin_outside"]), abs=2)

    # The accent colour (the drop cap is in it) is on the opener, and only where it is asked for.
    assert _pixels_near(variant.pdf, first_changed, VARIANT["accent"]) > 40
    assert _pixels_near(default.pdf, first, VARIANT["accent"]) == 0

    # opener_folio = "none": no folio on an opener; the theme's default prints one.
    assert all(folio(base.pages[i]) is not None for i in base.opener_pages(FEATURES_ESSAYS))
    assert all(folio(changed.pages[i]) is None for i in changed.opener_pages(FEATURES_ESSAYS))


def test_modern_sets_polytonic_greek_in_its_fallback_face_and_says_so(tmp_path: Path) -> None:
    """Source Serif 4 has no polytonic Greek: modern sets it in EB Garamond, which it ships, not
    in whatever font the machine has, and the build names the characters."""
    root = tmp_path / "greek"
    (root / "manuscripts").mkdir(parents=True)
    (root / "bookify.toml").write_text(
        '[book]\ntitle = "Arete"\n\n[print]\neditions = ["print"]\ncover_wrap = false\n\n'
        '[theme]\nname = "modern"\n', encoding="utf-8")
    (root / "manuscripts" / "a.md").write_text(
        "---\ntitle: Virtue\n---\n\nThe Greeks called it ἀρετῆς ἕνεκα, for virtue’s sake.\n",
        encoding="utf-8")
    book = build_project(root, ["pdf"], root / "build")
    families = _pdf_families(book.pdf)
    assert "EB Garamond" in families and not any("DejaVu" in f for f in families), families
    (notice,) = [d for d in book.build_result("pdf").diagnostics.items
                 if "EB Garamond" in d.message]
    assert "Source Serif 4" in notice.message and "ῆ" in notice.message
