"""The `bookify.toml` schema: every key declared once, with its type, default and meaning.

`load_config` reads the file and validates it in one go: its TOML, every key against the schema
(pydantic's errors translated by `validation.py`), then what one key asks of another that needs
no layout to judge (the trim against the printer and the barcode area, the spine width against
the printer's thickest book). Every problem becomes a `ConfigError` that names the key, the line
it is on, and the fix. `project.load_project` keeps the text it read and adds the checks that
look at the disk (the cover image, the manuscripts listed); nothing else reads `bookify.toml`.

(Longer than most modules because the schema is the keys' documentation: each key carries a
docstring saying what it does and what it accepts.)
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
    Tag,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .errors import ConfigError, Location
from .formats import Format
from .printers import MAX_SPINE_IN, PRINTERS, PrinterName
from .validation import Wording, dotted, located_errors

CONFIG_FILE = "bookify.toml"
#: The folder of the themes bookify ships, one folder each (see `themes.py`).
BUILTIN_THEMES = Path(str(resources.files("bookify") / "themes"))


def available_themes() -> list[str]:
    """The names of the built-in themes, which `[theme] name` may choose from."""
    return sorted(p.name for p in BUILTIN_THEMES.iterdir() if (p / "templates").is_dir())


_POINTS_PER = {"in": 72.0, "mm": 72.0 / 25.4, "cm": 72.0 / 2.54, "pt": 1.0}


@dataclass(frozen=True, slots=True)
class TrimSize:
    """The finished page size of the printed book, kept in the unit the user wrote."""

    width: float
    height: float
    unit: str  # "in", "mm", "cm" or "pt"

    #: Trim sizes print-on-demand services offer, by the names authors use for them.
    NAMED = {
        "5x8": "5x8in",
        "5.06x7.81": "5.06x7.81in",
        "5.25x8": "5.25x8in",
        "5.5x8.5": "5.5x8.5in",
        "6x9": "6x9in",
        "6.14x9.21": "6.14x9.21in",
        "7x10": "7x10in",
        "8.5x11": "8.5x11in",
        "a5": "148x210mm",
        "b-format": "129x198mm",
        "royal": "156x234mm",
    }

    @classmethod
    def parse(cls, text: str) -> TrimSize:
        """Read `6x9`, `6x9in`, `A5`, `129x198mm` or `5.5 x 8.5 in`."""
        raw = text.strip().lower().replace(" ", "").replace("×", "x")
        raw = cls.NAMED.get(raw, raw)
        match = re.fullmatch(r"(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)(in|mm|cm|pt)?", raw)
        if not match:
            names = ", ".join(sorted(cls.NAMED))
            raise ValueError(
                f"'{text}' is not a trim size; write it as WIDTHxHEIGHT with a unit "
                f"(for example '6x9in' or '129x198mm') or use a name: {names}"
            )
        width, height, unit = float(match[1]), float(match[2]), match[3] or "in"
        size = cls(width, height, unit)
        if not (72 <= size.width_pt <= 17 * 72 and 72 <= size.height_pt <= 17 * 72):
            raise ValueError(f"'{text}' is not a plausible book size; a book's sides are "
                             "between 1in and 17in, such as '5.5x8.5in' or '6x9in'")
        return size

    @property
    def width_pt(self) -> float:
        return self.width * _POINTS_PER[self.unit]

    @property
    def height_pt(self) -> float:
        return self.height * _POINTS_PER[self.unit]

    def __str__(self) -> str:
        return f"{self.width:g}x{self.height:g}{self.unit}"


_LENGTH = re.compile(r"^\d+(\.\d+)?(in|mm|cm|pt)$")


def check_length(value: str) -> str:
    """Accept a CSS length in a print unit: `0.75in`, `18mm`, `1.2cm`, `54pt`."""
    if not _LENGTH.match(value.strip()):
        raise ValueError(f"'{value}' is not a length; write a number and a unit, such as "
                         "'0.75in', '18mm' or '54pt'")
    return value.strip()


def length_pt(value: str) -> float:
    """A length written as `check_length` accepts it, in points."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(in|mm|cm|pt)", value)
    assert match, value
    return float(match[1]) * _POINTS_PER[match[2]]


Length = Annotated[str, AfterValidator(check_length)]


def _within(low: str, high: str, what: str) -> AfterValidator:
    """A validator that keeps a length between two bounds no book goes beyond (a 40-inch
    margin makes 40-inch pages; 0pt type prints nothing)."""
    def check(value: str) -> str:
        if not length_pt(low) <= length_pt(value) <= length_pt(high):
            raise ValueError(f"'{value}' is not a plausible {what}; use a length between "
                             f"{low} and {high}")
        return value
    return AfterValidator(check)


#: The type size of a book's text, from pocket editions' smallest to large print.
FontSize = Annotated[str, AfterValidator(check_length), _within("6pt", "24pt", "type size")]
#: A page margin: up to 3 inches, more than any book's widest.
Margin = Annotated[str, AfterValidator(check_length), _within("0pt", "3in", "margin")]


def _check_colour(value: str) -> str:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise ValueError(f"'{value}' is not a colour; write it as #rrggbb, such as '#8a1c1c'")
    return value


def _parse_trim(value: Any) -> Any:
    return TrimSize.parse(value) if isinstance(value, str) else value


_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def check_language(value: str) -> str:
    """Accept a well-formed BCP 47 tag (`en`, `en-GB`, `fr-CA`, `zh-Hant`)."""
    if not _LANGUAGE_TAG.match(value):
        raise ValueError(f"'{value}' is not a BCP 47 language tag such as 'en', 'en-GB' or 'fr'")
    return value


def check_isbn(value: str) -> str:
    """Accept an ISBN-13 (hyphens and spaces allowed, and kept) whose check digit is right."""
    digits = re.sub(r"[\s-]", "", value)
    if not re.fullmatch(r"97[89]\d{10}", digits):
        raise ValueError(f"'{value}' is not an ISBN-13 (13 digits starting with 978 or 979)")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
    if (10 - total % 10) % 10 != int(digits[12]):
        raise ValueError(f"'{value}' has a wrong check digit; copy the ISBN again from your agency")
    return value


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class BookSection(_Section):
    """`[book]`: what the book is, for the title page, copyright page and metadata."""

    title: str = Field(min_length=1, max_length=1000)
    """The book's title, as printed on the cover and title page."""
    subtitle: str | None = Field(default=None, max_length=1000)
    """A subtitle, printed under the title."""
    authors: list[str] = []
    """The book's authors. An anthology usually names editors instead."""
    editors: list[str] = []
    """The book's editors, credited as "Edited by" on the cover and title page."""
    translators: list[str] = []
    """Who translated the book, credited on the title page (essay translators go in essays)."""
    illustrators: list[str] = []
    """Who illustrated the book, credited on the title page."""
    foreword_by: list[str] = []
    """Authors of the foreword, credited on the title page ("With a foreword by")."""
    introduction_by: list[str] = []
    """Authors of the introduction, credited on the title page."""
    language: str = "en"
    """The book's main language, a BCP 47 tag: drives hyphenation and the EPUB's language."""
    identifier: str | None = None
    """A stable identifier for the EPUB when there is no ebook ISBN (a `urn:uuid:…`)."""
    isbn_print: str | None = None
    """The paperback's ISBN-13, printed on the copyright page."""
    isbn_ebook: str | None = None
    """The ebook's ISBN-13, used as the EPUB's identifier."""
    publisher: str | None = None
    """The publisher's name."""
    date: dt.date | None = None
    """Publication date (YYYY-MM-DD)."""
    edition: str | None = None
    """Edition line for the copyright page, for example "First edition"."""
    copyright: str | None = None
    """The copyright line, for example "© 2026 Jane Editor"."""
    rights: str = "All rights reserved."
    """The rights statement or licence, printed on the copyright page and in the EPUB."""
    cataloguing: str | None = None
    """Cataloguing-in-publication data (from a national library), printed as given on the
    copyright page; line breaks are kept."""
    description: str | None = None
    """A blurb, for the EPUB's and PDF's metadata."""
    dedication: str | None = None
    """A dedication, set on its own page after the copyright page (Markdown)."""
    epigraph: str | None = None
    """An epigraph for the whole book, on its own page before the contents (Markdown)."""
    epigraph_source: str | None = None
    """Who or what the book's epigraph is from."""
    keywords: list[str] = []
    """Subjects and keywords, for the EPUB's and PDF's metadata."""
    cover: str | None = None
    """A cover image (JPEG or PNG) inside the project; without one a typographic cover is made."""

    _language = field_validator("language")(lambda cls, v: check_language(v))
    _isbns = field_validator("isbn_print", "isbn_ebook")(
        lambda cls, v: None if v is None else check_isbn(v)
    )

    def epub_identifier(self) -> str:
        """The EPUB's `dc:identifier`: the ebook ISBN, the configured id, or a UUID from the title.

        The UUID is derived from the title so rebuilds keep it and readers keep their place.
        """
        if self.isbn_ebook:
            return "urn:isbn:" + re.sub(r"[\s-]", "", self.isbn_ebook)
        if self.identifier:
            return self.identifier
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'bookify:' + self.title)}"


class PartEntry(_Section):
    """One titled part in `contents`: `{ part = "Title", essays = ["a.md", …] }`."""

    part: str = Field(min_length=1)
    """The part's title, printed on its part page and in the contents."""
    essays: list[str] = Field(min_length=1)
    """Manuscript paths (relative to `manuscripts/`) in reading order."""
    intro: str | None = None
    """A Markdown file (relative to `manuscripts/`) whose text is set on the part's page."""


def _contents_entry_kind(value: Any) -> str:
    """A `contents` entry is a part when written as a table, else a manuscript's path: deciding
    by the input means only the branch meant is validated and reported on. (The tags are no
    key a part has, so `validation.user_loc` drops them from an error's location.)"""
    return "part table" if isinstance(value, (dict, PartEntry)) else "path"


#: One entry of `contents`: a manuscript path, or a part (see `_contents_entry_kind`).
ContentsEntry = Annotated[
    Annotated[str, Tag("path")] | Annotated[PartEntry, Tag("part table")],
    Discriminator(_contents_entry_kind),
]


class PrintSection(_Section):
    """`[print]`: the printed edition's page."""

    trim: Annotated[TrimSize, BeforeValidator(_parse_trim)] = TrimSize(5.5, 8.5, "in")
    """Trim size: a name (`5x8`, `5.5x8.5`, `6x9`, `a5`, …) or `WIDTHxHEIGHT` with a unit."""
    recto_openers: StrictBool = True
    """Start every essay and part on a right-hand page, leaving a blank verso where needed."""
    level_spreads: StrictBool = True
    """Make the facing pages of each essay end on the same line (an essay whose spreads end
    apart is laid out again, up to four times): about half as long again for a first build;
    `false` for speed while drafting."""
    running_heads: Literal["auto", "author-title", "book-title"] = "auto"
    """Verso running head: the essay's author (`author-title`) or the book's title
    (`book-title`); `auto` chooses by whether the essays have different authors."""
    editions: list[Literal["print", "digital"]] = ["print", "digital"]
    """PDF editions to build: `print` (the interior a printer takes: no cover, blank versos
    kept, bleed and marks if asked) and `digital` (for reading on screen: the cover first, live
    links, no forced blank pages)."""
    printer: PrinterName = "kdp"
    """The printer whose rules the print edition and cover follow: `kdp`, `ingramspark`,
    `lulu`, `generic` (another print-on-demand service) or `offset` (a house offset printer).
    It decides the minimum margins, the gutter by page count, where the bleed goes, whether the
    file may carry crop marks, bookmarks and metadata, the spine width and a blank last page."""
    bleed: StrictBool = False
    """Extend the print edition's pages by 0.125 in beyond the trim at the top, bottom and outside
    edge, for pictures printed to the edge."""
    crop_marks: StrictBool = False
    """Draw crop marks outside the trim and bleed of each page, for an offset printer
    (`printer = "offset"`; print-on-demand services refuse files with marks)."""
    gutter: Annotated[str, AfterValidator(
        lambda v: v if v == "auto" else _within("0pt", "3in", "gutter").func(check_length(v)))] = "auto"
    """The inside margin: `auto` takes the theme's, widened to the printer's minimum for the
    book's page count; or a length such as `0.875in`."""
    notes: Literal["footnotes", "endnotes", "book-endnotes"] = "footnotes"
    """Where notes go in print: at the foot of the page (`footnotes`), at the end of each essay
    (`endnotes`), or gathered before the back matter (`book-endnotes`)."""
    paper: Literal["white", "cream", "colour", "premium-colour"] = "cream"
    """The paper the book is printed on; it decides the spine width of the cover wrap."""
    spine_width: Length | None = None
    """The spine width from your printer's cover template, instead of the computed one."""
    cover_wrap: StrictBool = True
    """Build the print cover (back, spine and front as one PDF) with the print edition."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    @field_validator("crop_marks")
    @classmethod
    def _marks_allowed(cls, value: bool, info: ValidationInfo) -> bool:
        rules = PRINTERS.get(info.data.get("printer", ""))
        if value and rules is not None and not rules.marks:
            raise ValueError(
                f"{rules.name} does not accept crop marks in an interior file (no crop, trim "
                f"or printer's marks); remove crop_marks, or set printer = \"offset\" for a "
                f"printer that trims with marks")
        return value

    @field_validator("spine_width")
    @classmethod
    def _spine_possible(cls, value: str | None, info: ValidationInfo) -> str | None:
        """A spine is wider than nothing and no wider than the thickest book the printer binds
        on the paper chosen (one beyond `MAX_SPINE_IN` is no paperback at all)."""
        if value is None:
            return None
        rules = PRINTERS.get(info.data.get("printer", ""))
        widest = rules.thickest_spine_in(info.data.get("paper", "cream")) if rules else MAX_SPINE_IN
        if length_pt(value) <= 0:
            raise PydanticCustomError(
                "spine_width", "'{value}' is no spine: a book's spine has a width",
                {"value": value, "hint": "take the spine width from the printer's cover "
                 "calculator or template, or delete the line to have it computed"})
        if length_pt(value) > widest * 72 + 0.01:
            thickest = (f"any spine {rules.name} binds: its thickest paperback ({rules.max_pages} "
                        f"pages on {info.data.get('paper', 'cream')} paper) has a "
                        f"{widest:.3g} in spine"
                        if rules and rules.max_pages else
                        f"any paperback's spine ({MAX_SPINE_IN:g} in at most)")
            raise PydanticCustomError(
                "spine_width", "'{value}' is wider than {thickest}",
                {"value": value, "thickest": thickest,
                 "hint": "take the spine width from the printer's cover calculator or "
                 "template, or delete the line to have it computed"})
        return value

    @field_validator("gutter")
    @classmethod
    def _gutter_allowed(cls, value: str, info: ValidationInfo) -> str:
        rules = PRINTERS.get(info.data.get("printer", ""))
        if value != "auto" and rules is not None:
            narrowest = rules.minimum_gutter_in(rules.min_pages)
            if length_pt(value) < narrowest * 72 - 0.01:
                raise ValueError(
                    f"{rules.name} needs an inside margin of at least {narrowest:g} in "
                    f"({rules.gutter_rule()}); write gutter = \"auto\" to follow its rule "
                    f"for the book's page count")
        return value


class EpubSection(_Section):
    """`[epub]`: the ebook edition."""

    page_list: StrictBool = True
    """Mark where the print edition's pages begin and list them in the EPUB's navigation (so
    readers can cite "page 42"). This lays out the print edition even for an EPUB-only build."""
    embed_fonts: StrictBool = True
    """Embed the theme's fonts (subset to the characters the book uses)."""
    image_max_px: int = Field(default=1600, ge=320, le=8000)
    """Longest side, in pixels, of images in the EPUB; larger ones are scaled down, never up."""
    accessibility_summary: str | None = None
    """A sentence on the book's accessibility for readers and stores (a default is written)."""
    conforms_to: Literal[
        "EPUB Accessibility 1.1 - WCAG 2.0 Level A",
        "EPUB Accessibility 1.1 - WCAG 2.0 Level AA",
        "EPUB Accessibility 1.1 - WCAG 2.1 Level A",
        "EPUB Accessibility 1.1 - WCAG 2.1 Level AA",
        "EPUB Accessibility 1.1 - WCAG 2.2 Level A",
        "EPUB Accessibility 1.1 - WCAG 2.2 Level AA",
    ] | None = None
    """An accessibility conformance claim; claim it only after checking the book (needs
    `certified_by`)."""
    certified_by: str | None = None
    """Who checked the conformance claim (a person or organisation)."""
    exemption: Literal[
        "eaa-microenterprise", "eaa-disproportionate-burden", "eaa-fundamental-alteration"
    ] | None = None
    """An exemption from the European Accessibility Act, instead of a conformance claim."""

    @model_validator(mode="after")
    def _claim_is_whole(self) -> EpubSection:
        if self.conforms_to and not self.certified_by:
            raise ValueError("conforms_to needs certified_by: say who checked the claim")
        if self.conforms_to and self.exemption:
            raise ValueError("give either conforms_to or exemption, not both")
        return self


class FrontMatterSection(_Section):
    """`[front_matter]`: authored pages between the contents and the first essay."""

    files: list[str] = []
    """Markdown files (relative to `manuscripts/`) such as a foreword, preface or introduction,
    set like essays but folioed in roman numerals with the front matter."""


class BackMatterSection(_Section):
    """`[back_matter]`: the pages after the essays. The generated ones (contributors, credits,
    author index) are made automatically when the project has a contributors file; `true` or
    `false` decides."""

    files: list[str] = []
    """Authored Markdown files (relative to `manuscripts/`) set after the essays, before the
    generated pages: acknowledgements, an afterword, about the editor, a colophon."""

    contributors: StrictBool | None = None
    """A "Contributors" page: each author's bio and essays (with their pages in print)."""
    credits: StrictBool | None = None
    """A "Credits" page: each essay's source, first publication, copyright or licence."""
    author_index: StrictBool | None = None
    """An index of authors: each author's essays, with page numbers in print."""


class ThemeSection(_Section):
    """`[theme]`: which built-in theme to start from (`styles/` then overrides it)."""

    name: str = "classic"
    """A built-in theme: `classic`, `modern` or `pocket`."""
    font_size: FontSize | None = None
    """The text's type size, such as `11pt` (each theme has its own default)."""
    leading: float | None = Field(default=None, ge=1.0, le=2.2)
    """Line height as a multiple of the type size, such as `1.4`."""
    margin_top: Margin | None = None
    """The top margin of text pages (the running head sits in it)."""
    margin_bottom: Margin | None = None
    """The bottom margin (the folio sits in it)."""
    margin_inside: Margin | None = None
    """The inside margin, at the spine; `[print] gutter` may widen it for a thick book."""
    margin_outside: Margin | None = None
    """The outside margin, at the fore-edge."""
    accent: Annotated[str, AfterValidator(lambda v: _check_colour(v))] | None = None
    """The accent colour of headings and ornaments, as `#rrggbb`."""
    opener: Literal["plain", "drop-cap", "small-caps"] | None = None
    """How an essay's first paragraph starts: plainly, with a drop cap, or with its first line
    in small capitals."""
    opener_folio: Literal["drop", "none"] | None = None
    """The folio on an essay's opening page: at the foot (`drop`) or none."""

    def variables(self) -> dict[str, str]:
        """The theme variables this project sets, by name."""
        names = ("font_size", "leading", "margin_top", "margin_bottom", "margin_inside",
                 "margin_outside", "accent", "opener", "opener_folio")
        return {name: str(getattr(self, name)) for name in names if getattr(self, name) is not None}

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", value):
            raise ValueError(f"'{value}' is not a theme name; name a built-in theme such as 'classic'")
        themes = available_themes()
        if value not in themes:
            close = difflib.get_close_matches(value, themes, n=1)
            raise PydanticCustomError(
                "unknown_theme", "unknown theme '{name}'",
                {"name": value, "hint": (f"did you mean '{close[0]}'? " if close else "")
                 + "built-in themes: " + ", ".join(themes)})
        return value


class BuildSection(_Section):
    """`[build]`: what `bookify build` writes, and where."""

    formats: list[Format] = ["pdf", "epub"]
    """Outputs to build when `--format` is not given."""
    output_dir: str = "build"
    """Folder (inside the project) for the outputs."""
    allow_network: StrictBool = False
    """Let stylesheets and Markdown load http(s) resources. Off: a build reads only the project."""
    jobs: StrictInt | None = Field(default=None, ge=1)
    """Processes that lay out pages at once. Default: one per core."""
    scheduler: str | None = Field(default=None, pattern=r"^(tcp|tls|inproc|ucx)://\S+$")
    """The address of a Dask scheduler (`tcp://HOST:8786`) whose workers lay out the pages
    instead of this machine's processes; needs `pip install 'bookify[cluster]'`."""
    cache: StrictBool = True
    """Keep laid-out pages in build/.cache/ so a rebuild lays out only what changed."""
    cache_max_mb: StrictInt = Field(default=1024, ge=16)
    """The most the layout cache may hold, in megabytes; the least recently used entries go
    first."""


class ProjectConfig(_Section):
    """The whole of `bookify.toml`."""

    contents: list[ContentsEntry] | None = None
    """Reading order: manuscript paths and `{ part = …, essays = […] }` groups. Default: every
    file in `manuscripts/` in file-name order."""
    book: BookSection
    print: PrintSection = PrintSection()
    epub: EpubSection = EpubSection()
    front_matter: FrontMatterSection = FrontMatterSection()
    back_matter: BackMatterSection = BackMatterSection()
    theme: ThemeSection = ThemeSection()
    build: BuildSection = BuildSection()


_WORDING = Wording(
    syntax="toml",
    key=lambda key: key,
    unknown=lambda name, table: f"unknown key '{name}' in "
    + (f"[{table}]" if table else "the top level"),
    hints={"string_too_long": "a title is a line or two: shorten it"},
)


def load_config(path: Path) -> ProjectConfig:
    """Read and validate `bookify.toml`, or raise a `ConfigError` naming every problem."""
    return parse_config(read_config_text(path), path)


def read_config_text(path: Path) -> str:
    """The text of `bookify.toml`, read once: the project keeps it to find keys' lines."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            f"no {CONFIG_FILE} in {path.parent}",
            hint="run bookify in a book project, pass --project DIR, or create one with "
            "`bookify new NAME`",
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"not UTF-8 text (byte {exc.start})",
            Location(path),
            "save the file as UTF-8",
        ) from None


def parse_config(text: str, path: Path) -> ProjectConfig:
    """Validate the text of `bookify.toml` (read from `path`): its syntax, every key against
    the schema, then what one key asks of another (the trim of the printer, the cover wrap's
    of the trim). Every problem is a `ConfigError` at its line."""
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ConfigError(
            "not valid TOML: arrays or tables nested too deeply to read", Location(path),
            "a book's settings are nested a level or two deep; remove the extra brackets",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise toml_error(exc, text, path, "check quotes, commas and brackets on that line "
                         "(strings need double quotes)") from None
    refuse_control_characters(data, path, text)
    try:
        config = ProjectConfig.model_validate(data)
    except ValidationError as exc:
        raise located_errors(exc, data, ProjectConfig, _WORDING, path,
                             lambda loc: find_key_line(text, loc), ConfigError) from None
    problems = print_problems(config.print)
    if problems:
        errors = [ConfigError(f"print.{key}: {message}",
                              Location(path, find_key_line(text, ("print", key)), f"print.{key}"),
                              hint) for key, message, hint in problems]
        first, *rest = errors
        first.also = tuple(rest)
        raise first
    return config


def print_problems(settings: PrintSection) -> list[tuple[str, str, str]]:
    """What `[print]` asks that its printer cannot do, as (key, problem, fix): a trim the
    printer does not print, or (with a cover wrap) one whose back cover cannot hold the
    barcode area. Known from the settings alone, so found before anything is laid out."""
    rules = PRINTERS[settings.printer]
    width, height = settings.trim.width_pt / 72, settings.trim.height_pt / 72
    problems = []
    if (problem := rules.trim_problem(width, height)) is not None:
        problems.append(("trim", problem, "choose a trim in that range (such as 5.5x8.5 or "
                         "6x9), or set printer = \"generic\" for a printer not named here"))
    elif settings.cover_wrap and (problem := rules.cover_problem(width, height)) is not None:
        problems.append(("trim", problem, "choose a larger trim, or set cover_wrap = false and "
                         "have the cover made another way"))
    return problems


def refuse_control_characters(data: Any, path: Path, text: str,
                               loc: tuple[Any, ...] = ()) -> None:
    """A string written with an escape such as "\\u000c" holds a character no book can print
    (XML cannot hold it): name the key rather than fail in the EPUB writer."""
    if isinstance(data, dict):
        for key, value in data.items():
            refuse_control_characters(value, path, text, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            refuse_control_characters(value, path, text, (*loc, index))
    elif isinstance(data, str) and re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", data):
        key = dotted(loc)
        raise ConfigError(f"{key}: holds a control character (such as \\u000c)",
                          Location(path, find_key_line(text, loc), key),
                          "remove the escaped control character from the value")


def toml_error(exc: tomllib.TOMLDecodeError, text: str, path: Path, hint: str) -> ConfigError:
    """A TOML syntax error as a `ConfigError` at its line; a key or table written twice says so
    and where the first one is, else `hint` (a syntax slip)."""
    line = _toml_error_line(str(exc))
    message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
    lines = text.split("\n")
    table = re.match(r"Cannot declare \((.*)\) twice", message)
    if table:
        name = ".".join(re.findall(r"'([^']*)'", table[1]))
        first = next((n for n, t in enumerate(lines, start=1)
                      if re.match(rf"\s*\[\s*{re.escape(name)}\s*\]\s*(#.*)?$", t)), None)
        return ConfigError(
            f"not valid TOML: the table [{name}] is written twice", Location(path, line),
            f"put all of [{name}]'s keys under the first [{name}]"
            + (f", on line {first}" if first else ""))
    if message.startswith("Cannot overwrite a value") and line is not None:
        key = _assigned_key(lines[line - 1]) if line <= len(lines) else None
        if key:
            first = None
            for number in range(line - 1, 0, -1):
                if lines[number - 1].lstrip().startswith("["):
                    break
                if _assigned_key(lines[number - 1]) == key:
                    first = number
            return ConfigError(
                f"not valid TOML: '{key}' is set twice", Location(path, line),
                "keep one of the two" + (f": the first is on line {first}" if first else ""))
    return ConfigError(f"not valid TOML: {message}", Location(path, line), hint)


def _assigned_key(line: str) -> str | None:
    """The key a `key = value` line sets, or None."""
    match = re.match(r'\s*([A-Za-z0-9_."-]+(?:\s*\.\s*[A-Za-z0-9_"-]+)*)\s*=', line)
    return re.sub(r'\s+|"', "", match[1]) if match else None


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"at line (\d+)", message)
    return int(match[1]) if match else None


def find_key_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line of the key or table at `loc` in the TOML `text`, for error messages.

    Looks for a `[table]` header for the whole path, then `key =` inside its parent table, then
    `key =` anywhere (inline tables), then the parent itself.
    """
    names = [str(p) for p in loc if isinstance(p, str)]
    if not names:
        return None
    lines = text.splitlines()

    def header(dotted: str) -> int | None:
        pattern = re.compile(
            rf"^\s*\[\[?\s*[\"']?{re.escape(dotted)}[\"']?\s*\]\]?\s*(#.*)?$")
        return next((n for n, line in enumerate(lines) if pattern.match(line)), None)

    found = header(".".join(names))
    if found is not None:
        return found + 1
    key = re.compile(rf"^\s*[\"']?{re.escape(names[-1])}[\"']?\s*=")
    start = 0
    if len(names) > 1:
        parent = header(".".join(names[:-1]))
        start = parent + 1 if parent is not None else len(lines)
    for number in range(start, len(lines)):
        if lines[number].lstrip().startswith("["):
            break
        if key.match(lines[number]):
            return number + 1
    inline = re.compile(rf"(^|[{{,\s]){re.escape(names[-1])}\s*=")
    for number, line in enumerate(lines):
        if inline.search(line):
            return number + 1
    return find_key_line(text, tuple(names[:-1])) if len(names) > 1 else None
