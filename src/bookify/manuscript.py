"""Read one essay file: YAML front matter, validated, and the Markdown body with its line offset.

The body's first line number is kept so that problems found later can still point at the
right line of the author's file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator

from .config import check_language
from .errors import Location, ManuscriptError
from .validation import Wording, located_errors

_FENCE = re.compile(r"^(---|\.\.\.)\s*$")

#: Characters XML (so XHTML, the EPUB and WeasyPrint) cannot hold: C0 controls other than tab,
#: line feed and carriage return (Word's manual line break is a vertical tab, \x0b), and the
#: noncharacters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def drop_control_characters(text: str) -> tuple[str, list[tuple[int, str]]]:
    """`text` without the characters XML cannot hold, and (line, character) of each dropped,
    so the author can be told where they were (a vertical tab, Word's line break, becomes a space)."""
    dropped = [(text.count("\n", 0, m.start()) + 1, m[0]) for m in _NOT_XML.finditer(text)]
    if not dropped:
        return text, []
    return _NOT_XML.sub(lambda m: " " if m[0] == "\x0b" else "", text), dropped


#: The longest title, subtitle or short title (in characters): a title is a line or two.
MAX_TITLE = 1000
#: The largest manuscript file: about 350,000 words, longer than any essay; a larger file is a
#: mistake (a whole library pasted in) that would only tie the layout up for hours.
MAX_MANUSCRIPT_BYTES = 2 * 2**20


class EssayMeta(BaseModel):
    """The front matter keys an essay may carry. Unknown keys are refused with a did-you-mean."""

    # `title: 1984` is a number to YAML and a title to the author.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True,
                              coerce_numbers_to_str=True)

    title: str | None = Field(default=None, max_length=MAX_TITLE)
    """The essay's title; without it the first `# ` heading of the body is used."""
    subtitle: str | None = Field(default=None, max_length=MAX_TITLE)
    """A subtitle, printed under the title."""
    short_title: str | None = Field(default=None, max_length=MAX_TITLE)
    """A shorter title for running heads."""
    author: str | list[str] | None = None
    """The essay's author, or a list of co-authors."""
    authors: list[str] | None = None
    """Same as `author`, for a list."""
    translator: str | list[str] | None = None
    """Who translated the essay."""
    date: dt.date | str | None = None
    """When the essay was written or first published."""
    year: int | str | None = None
    """The year of first publication."""
    epigraph: str | None = None
    """A short quotation set at the head of the essay (Markdown)."""
    epigraph_source: str | None = None
    """Who or what the epigraph is from."""
    credit: str | None = None
    """A credit or first-publication line, for example "First published in The Dial, 1921."."""
    source: str | None = None
    """Where this text was taken from (kept for the credits)."""
    collection: str | None = None
    """The collection the essay first appeared in."""
    license: str | None = None
    """The essay's licence or copyright status."""
    copyright: str | None = None
    """The essay's copyright line, for example "© 1998 Jane Doe"."""
    note: str | None = None
    """An editor's headnote: where and when the text was delivered or first printed, set under
    its title."""
    lang: str | None = None
    """The essay's language when it differs from the book's (BCP 47)."""
    keywords: list[str] = []
    """Subjects of the essay."""
    slug: str | None = None
    """The essay's id in links and file names; default: from the file name."""
    draft: StrictBool = False
    """`true` leaves the essay out of the book."""

    _lang = field_validator("lang")(lambda cls, v: None if v is None else check_language(v))

    @property
    def author_names(self) -> tuple[str, ...]:
        names = self.authors if self.authors is not None else self.author
        if names is None:
            return ()
        return (names,) if isinstance(names, str) else tuple(names)

    @property
    def translator_names(self) -> tuple[str, ...]:
        if self.translator is None:
            return ()
        return (self.translator,) if isinstance(self.translator, str) else tuple(self.translator)


@dataclass(frozen=True, slots=True)
class Manuscript:
    """One essay file as read from disk, before it is placed in the book."""

    path: Path
    meta: EssayMeta
    title: str
    body: str
    #: The 1-based line of `path` on which `body` starts.
    body_line: int
    #: (line, character) of each control character dropped from the file.
    dropped: tuple[tuple[int, str], ...] = ()


def read_markdown_text(path: Path) -> tuple[str, list[tuple[int, str]]]:
    """A Markdown file's text (UTF-8, a BOM allowed, line ends made `\\n`) without the control
    characters no book can hold, and those dropped as (line, character)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ManuscriptError(
            f"not UTF-8 text (byte {exc.start})", Location(path), "save the file as UTF-8"
        ) from None
    return drop_control_characters(text.replace("\r\n", "\n"))


def read_manuscript(path: Path) -> Manuscript:
    """Read and validate one Markdown essay, or raise a `ManuscriptError` naming file and line."""
    size = path.stat().st_size
    if size > MAX_MANUSCRIPT_BYTES:
        raise ManuscriptError(
            f"the file is {size / 2**20:.1f} MB; an essay may be at most "
            f"{MAX_MANUSCRIPT_BYTES // 2**20} MB of text", Location(path),
            "split it into several essays, or check that it holds what you meant")
    text, dropped = read_markdown_text(path)
    front_text, body, body_line = split_front_matter(path, text)
    data = _parse_yaml(path, front_text) if front_text is not None else {}
    meta = _validate(path, data, front_text or "")
    if meta.author is not None and meta.authors is not None:
        raise ManuscriptError(
            "both 'author' and 'authors' are set",
            Location(path, front_matter_line(front_text or "", "authors")),
            "keep one of them: 'author' for one name, 'authors' for a list",
        )
    title = meta.title
    if not title:
        title, body, body_line = _title_from_heading(path, body, body_line)
    return Manuscript(path=path, meta=meta, title=title, body=body, body_line=body_line,
                      dropped=tuple(dropped))


def split_front_matter(path: Path, text: str) -> tuple[str | None, str, int]:
    """(front matter text or None, body, the body's first line number)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for number, line in enumerate(lines[1:], start=1):
        if _FENCE.match(line):
            front = "\n".join(lines[1:number])
            return front, "\n".join(lines[number + 1:]), number + 2
    raise ManuscriptError(
        "the front matter that starts on line 1 with '---' is never closed",
        Location(path, 1),
        "end the front matter with a line holding only '---'",
    )


def _parse_yaml(path: Path, front: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(front)
    except RecursionError:
        raise ManuscriptError(
            "front matter is nested too deeply to read", Location(path, 2),
            "front matter holds plain 'key: value' lines and short lists",
        ) from None
    except ValueError as exc:  # a well-formed but impossible date, such as 2020-02-30
        raise ManuscriptError(
            f"front matter holds an impossible date ({exc})",
            Location(path, _impossible_date_line(front)),
            "write a real date as YYYY-MM-DD, or put the value in quotes to keep it as text",
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ManuscriptError(
            f"front matter is not valid YAML: {problem}",
            Location(path, line),
            "values with a colon need quotes, e.g. title: \"Essays: First Series\"",
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ManuscriptError(
            "front matter must be a set of 'key: value' lines",
            Location(path, 2),
            "write for example\n    title: My Essay\n    author: Jane Doe",
        )
    return data


def _impossible_date_line(front: str) -> int | None:
    """The file line of the first YYYY-MM-DD date in front matter that is not a real date."""
    for number, line in enumerate(front.split("\n")):
        for match in re.finditer(r"(\d{4})-(\d{1,2})-(\d{1,2})", line):
            try:
                dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return number + 2
    return None


def _validate(path: Path, data: dict[str, Any], front: str) -> EssayMeta:
    try:
        return EssayMeta.model_validate(data)
    except ValidationError as exc:
        raise located_errors(
            exc, data, EssayMeta, _WORDING, path,
            lambda loc: front_matter_line(front, str(loc[0])) if loc else None,
            ManuscriptError) from None


_WORDING = Wording(
    syntax="yaml",
    key=lambda key: f"front matter '{key}'",
    unknown=lambda name, table: f"unknown front matter key '{name}'",
    hints={"string_too_long": "a title is a line or two: shorten it (a short_title goes in "
           "running heads)"},
)


def front_matter_line(front: str, key: str) -> int | None:
    """The file line of `key:` in front matter text (line 1 of the file is the opening '---')."""
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    for number, line in enumerate(front.split("\n")):
        if pattern.match(line):
            return number + 2  # line 1 is the opening '---'
    return None


def _title_from_heading(path: Path, body: str, body_line: int) -> tuple[str, str, int]:
    lines = body.split("\n")
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        match = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
        if match:
            rest = "\n".join(lines[number + 1:])
            return match[1], rest, body_line + number + 1
        break
    raise ManuscriptError(
        "the essay has no title",
        Location(path, 1),
        "add 'title: …' to the front matter, or start the text with a '# Title' line",
    )
