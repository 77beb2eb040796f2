"""Running WeasyPrint safely: reads confined to the project and theme, its log turned into diagnostics.

Every WeasyPrint render in bookify (the print PDF, the typographic cover image) goes through
`render_document`, so no output can read a file outside the book project and its theme or
reach the network unless `[build] allow_network` says so, and a missing image or stylesheet
stops the build instead of silently leaving a hole in the book.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import hashlib
import inspect
import logging
import mimetypes
import re
import textwrap
import threading
import types
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from urllib.parse import quote, urlsplit
from urllib.request import url2pathname

import pydyf
import pyphen
import weasyprint
from weasyprint import CSS, HTML, layout
from weasyprint.document import Document
from weasyprint.draw import text as draw_text
from weasyprint.formatting_structure import boxes
from weasyprint.layout import block, inline
from weasyprint.text import line_break
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import (
    FatalURLFetchingError,
    URLFetcher,
    URLFetcherResponse,
    URLFetchingError,
)

from .. import __version__
from ..cache import fingerprint
from ..diagnostics import Diagnostics
from ..errors import Location, RenderError
from . import paragraphs

ProgressCallback = Callable[[int], None]


class SandboxedFetcher(URLFetcher):
    """A URL fetcher that reads only files under its roots (and `data:` URLs).

    Each root is seen by WeasyPrint under a fixed virtual address (`file:///bookify/0/…`), never
    its real path: WeasyPrint names images after their address, so real paths would make the
    PDF's bytes depend on where the project folder is.
    """

    def __init__(self, roots: list[Path], allow_network: bool = False) -> None:
        super().__init__(timeout=20)
        self.roots = [root.resolve() for root in roots]
        self.allow_network = allow_network
        self.refused: list[str] = []
        #: Every file read, with the SHA-256 of what was read: what a layout depends on.
        self.reads: dict[str, str] = {}

    def virtual_url(self, path: Path) -> str:
        """The address WeasyPrint sees for `path`, a file or folder under one of the roots."""
        path = path.resolve()
        for number, root in enumerate(self.roots):
            if path.is_relative_to(root):
                relative = path.relative_to(root).as_posix()
                url = f"{_VIRTUAL}{number}/{quote(relative)}" if relative != "." else f"{_VIRTUAL}{number}"
                return url + ("/" if path.is_dir() else "")
        raise ValueError(f"{path} is not under the project or theme")

    def real_path(self, url: str) -> Path | None:
        """The file a virtual address stands for, or None if it is not one of ours."""
        if not url.startswith(_VIRTUAL):
            return None
        number, _, relative = url[len(_VIRTUAL):].partition("/")
        if not number.isdigit() or int(number) >= len(self.roots):
            return None
        root = self.roots[int(number)]
        path = (root / url2pathname(urlsplit("file:///" + relative).path).lstrip("/")).resolve()
        return path if path.is_relative_to(root) else None

    def fetch(self, url: str, headers: dict[str, str] | None = None):  # noqa: D102
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self.real_path(url.split("#")[0].split("?")[0])
            if path is not None and path.is_file():
                data = path.read_bytes()
                self.reads[str(path)] = hashlib.sha256(data).hexdigest()
                return URLFetcherResponse(url, data, {
                    "Content-Type": mimetypes.guess_type(path.name)[0] or "application/octet-stream"})
            if path is not None:
                raise URLFetchingError("no such file")
        elif scheme in ("http", "https") and self.allow_network:
            return super().fetch(url, headers)
        self.refused.append(url)
        raise FatalURLFetchingError(f"bookify refused to load {url}")


_VIRTUAL = "file:///bookify/"

#: The most consecutive lines that may end in a hyphen (CSS `hyphenate-limit-lines`, which
#: WeasyPrint does not implement; a column of hyphens down the margin is a typesetting fault).
HYPHENATE_LIMIT_LINES = 2

_hyphens_paused = contextvars.ContextVar("bookify_hyphens_paused", default=False)
#: How many lines in a row just before the one being set end with a hyphen.
_hyphenated_run = contextvars.ContextVar("bookify_hyphenated_run", default=0)

#: The text boxes of the paragraph being laid out that end a run of text: after them comes no
#: word space before the paragraph's end or a forced line break (ids, see `_run_ends`).
_run_ends: contextvars.ContextVar[frozenset[int]] = contextvars.ContextVar(
    "bookify_run_ends", default=frozenset())

#: Hyphenation patterns for a language tag without a region. pyphen's `en` is the British
#: dictionary ("stor-ies", "rem-edy"); a book that says only `en` is set with the US patterns,
#: as Word, InDesign and TeX's `english` do. `en-GB` keeps the British ones.
HYPHENATION_REGION = {"en": "en_US"}

_PRESERVED_BREAKS = ("pre", "pre-line", "pre-wrap", "break-spaces")


def _hyphenate_by_region() -> None:
    """Make WeasyPrint's pyphen lookup read a region-less language as `HYPHENATION_REGION` says.

    WeasyPrint picks the patterns with `pyphen.language_fallback(lang)`, which maps `en` to
    pyphen's British `en` dictionary; only that module's view of pyphen changes.
    """
    if getattr(line_break.pyphen, "_bookify", False):
        return
    original = pyphen.language_fallback

    def language_fallback(language: str) -> str | None:
        region = HYPHENATION_REGION.get(language.replace("-", "_").lower())
        return region if region else original(language)

    line_break.pyphen = types.SimpleNamespace(
        language_fallback=language_fallback, Pyphen=pyphen.Pyphen, _bookify=True)


_hyphenate_by_region()


def _limit_hyphenated_lines() -> None:
    """Teach WeasyPrint `hyphenate-limit-lines: 2`, and keep a hyphenated word whole at the end
    of a paragraph or before a forced line break.

    WeasyPrint lays a paragraph out line by line (`iter_line_boxes`); after two lines in a row
    end with a hyphen, the next line is broken as if hyphenation were manual. Only the decision
    for that line changes, so every other rule (justification, limits, languages) still holds.
    The same switch keeps a paragraph's (or a verse line's) last word unbroken, so no line holds
    only the tail of a hyphenated word ("dis- / covered?") and no hyphen stands before a `<br>`.
    A paragraph continued on a new page has no `::first-line` or `::first-letter` style there.
    """
    original_lines = inline.iter_line_boxes
    original_split = inline.split_first_line
    original_split_box = inline.split_text_box
    if getattr(original_lines, "_bookify", False):
        return

    def iter_line_boxes(context, box, position_y, bottom_space, skip_stack, containing_block,
                        absolute_boxes, fixed_boxes, first_letter_style, first_line_style):
        if skip_stack is not None:
            # A paragraph continued on a new page: its first line there is not its first
            # line (WeasyPrint sets `::first-line` small capitals on it again).
            first_letter_style = first_line_style = None
        lines = original_lines(context, box, position_y, bottom_space, skip_stack,
                               containing_block, absolute_boxes, fixed_boxes,
                               first_letter_style, first_line_style)
        ends = _text_run_ends(box)
        run = 0
        while True:
            token = _hyphens_paused.set(run >= HYPHENATE_LIMIT_LINES)
            run_token = _hyphenated_run.set(run)
            ends_token = _run_ends.set(ends)
            try:
                line, resume_at = next(lines)
            except StopIteration:
                return
            finally:
                _hyphens_paused.reset(token)
                _hyphenated_run.reset(run_token)
                _run_ends.reset(ends_token)
            run = run + 1 if _ends_with_hyphen(line) else 0
            yield line, resume_at

    def split_first_line(text, style, *args, **kwargs):
        if not _hyphens_paused.get() or style["hyphens"] != "auto":
            return original_split(text, style, *args, **kwargs)
        style["hyphens"] = "manual"
        try:
            return original_split(text, style, *args, **kwargs)
        finally:
            style["hyphens"] = "auto"

    def split_text_box(context, box, available_width, skip, *args, **kwargs):
        result = original_split_box(context, box, available_width, skip, *args, **kwargs)
        new_box, resume_index, _ = result
        if (id(box) not in _run_ends.get() or new_box is None or resume_index is None
                or _hyphens_paused.get()
                or not new_box.text.endswith(box.style["hyphenate_character"])
                or any(char.isspace() for char in box.text.encode()[resume_index:]
                       .decode().strip())):
            return result
        # The line ends in a hyphen and the rest of the word ends the run: set the line again
        # without hyphenating, unless the word then overflows the line on its own.
        token = _hyphens_paused.set(True)
        try:
            whole = original_split_box(context, box, available_width, skip, *args, **kwargs)
        finally:
            _hyphens_paused.reset(token)
        if whole[0] is not None and whole[0].width > available_width + 0.01:
            return result
        return whole

    iter_line_boxes._bookify = True  # type: ignore[attr-defined]
    inline.iter_line_boxes = iter_line_boxes
    inline.split_first_line = split_first_line
    inline.split_text_box = split_text_box
    block.iter_line_boxes = iter_line_boxes


def _text_run_ends(line: boxes.LineBox) -> frozenset[int]:
    """The ids of the text boxes in `line` (a paragraph's line box, before it is split) after
    which no word space comes before the paragraph's end or its next forced line break: the
    boxes that hold the last word of a run of text (with a footnote call after it, say)."""
    texts: list[boxes.TextBox] = []

    def walk(box: boxes.Box) -> None:
        if isinstance(box, boxes.TextBox):
            texts.append(box)
        elif isinstance(box, boxes.ParentBox) and not isinstance(box, boxes.AtomicInlineLevelBox):
            for child in box.children:
                walk(child)

    walk(line)
    ends: set[int] = set()
    spaced = False  # a word space comes later in the run
    for box in reversed(texts):
        if box.style["white_space"] in _PRESERVED_BREAKS and "\n" in box.text:
            spaced = False
            continue
        if not spaced:
            ends.add(id(box))
        if any(char.isspace() for char in box.text):
            spaced = True
    return frozenset(ends)


def _ends_with_hyphen(line: boxes.LineBox) -> bool:
    last = line
    while getattr(last, "children", None):
        last = last.children[-1]
    text = getattr(last, "text", "")
    return bool(text) and text.endswith(last.style["hyphenate_character"])


_limit_hyphenated_lines()
paragraphs.install(_hyphenated_run.get)


#: The line of WeasyPrint 70's `_linebox_layout` that lets a paragraph keep one more line on a
#: page by sending the page's last footnote to the next page, away from its call.
_REPORT_FOOTNOTES = "report = not context.in_column and can_break_now and not could_break_before"


def _keep_footnotes_with_their_calls() -> None:
    """Work around WeasyPrint's footnotes set a page after their call (Kozea/WeasyPrint#1564).

    When a paragraph needs one more line on a page to honour `orphans`, WeasyPrint makes room by
    deferring the page's last footnote to the next page; a book instead moves the paragraph's
    first line over. Turning that trade off leaves `orphans` to the ordinary page break. If the
    installed WeasyPrint has no such line, nothing is patched (and `check_layout` still warns
    about any footnote set apart from its call).
    """
    _patch_line(block, "_linebox_layout", _REPORT_FOOTNOTES, "report = False")


def _patch_line(module: types.ModuleType, name: str, old: str, new: str) -> bool:
    """Replace the one line `old` of WeasyPrint's function `module.name` with `new`, by compiling
    its edited source in its module. Returns whether the function is patched: an installed
    WeasyPrint without that exact line is left alone (tests/unit/test_weasy.py checks both
    patches hold on the pinned version)."""
    function = getattr(module, name)
    if getattr(function, "_bookify", False):
        return True
    source = textwrap.dedent(inspect.getsource(function))
    if source.count(old) != 1:
        return False
    namespace: dict[str, object] = {}
    exec(compile(source.replace(old, new), module.__file__ or name, "exec"),  # noqa: S102
         module.__dict__, namespace)
    patched = namespace[name]
    patched._bookify = True  # type: ignore[attr-defined]
    setattr(module, name, patched)
    return True


_keep_footnotes_with_their_calls()

#: The line of WeasyPrint 70's `draw_first_line` that writes a glyph's adjustment (kerning,
#: letter and word spacing) into the PDF in whole thousandths of an em, truncated.
_TRUNCATED_ADJUSTMENT = "string += f'>{int(kerning)}<'"


def _round_glyph_adjustments() -> None:
    """Write each glyph's position adjustment rounded, not truncated, as WeasyPrint lays it out.

    Truncation loses up to a thousandth of an em on every glyph, always the same way once
    letters are spaced (`paragraphs.py` spaces them by fractions of that): a justified line
    then ends short of the measure by up to a point or two, and the right edge is ragged.
    Rounded, the errors cancel out. If the installed WeasyPrint has no such line, nothing is
    patched.
    """
    _patch_line(draw_text, "draw_first_line", _TRUNCATED_ADJUSTMENT,
                "string += f'>{round(kerning)}<'")


_round_glyph_adjustments()

_without_margin_boxes = contextvars.ContextVar("bookify_without_margin_boxes", default=False)


def _margin_boxes_on_request() -> None:
    """Let a layout go without margin boxes (running heads, folios): the division layout draws
    them apart (`furniture.py`), so making them for every page of every division is wasted."""
    original = layout.make_margin_boxes
    if getattr(original, "_bookify", False):
        return

    def make_margin_boxes(context, page, state):
        if _without_margin_boxes.get():
            return iter(())
        return original(context, page, state)

    make_margin_boxes._bookify = True  # type: ignore[attr-defined]
    layout.make_margin_boxes = make_margin_boxes


_margin_boxes_on_request()


class _Capture(logging.Handler):
    def __init__(self, progress: ProgressCallback | None) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "weasyprint.progress":
            if self.progress and "Creating layout - Page" in record.msg and record.args:
                self.progress(int(record.args[0]))
        elif record.levelno >= logging.WARNING:
            self.records.append(record)


@contextlib.contextmanager
def _captured(progress: ProgressCallback | None) -> Iterator[_Capture]:
    logger = logging.getLogger("weasyprint")
    progress_logger = logging.getLogger("weasyprint.progress")
    handler = _Capture(progress)
    old = (logger.level, logger.propagate, progress_logger.level)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if progress else logging.WARNING)
    progress_logger.setLevel(logging.INFO if progress else logging.WARNING)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old[0])
        logger.propagate = old[1]
        progress_logger.setLevel(old[2])


#: Raised whenever bookify's changes to WeasyPrint's line breaking (above) change where lines
#: break, so a layout cached by an earlier revision of the same bookify version is not reused
#: beside new ones in one book.
LINE_BREAKING_REVISION = 4


def layout_key(kind: str, request: object) -> str:
    """The layout cache's key for `request` (a dataclass of plain data): everything in it, and
    the versions of bookify, its line breaking, WeasyPrint and pydyf. The files a layout reads
    are not in it: they are checked one by one when an entry is found (`layouts.py`)."""
    return fingerprint(f"bookify {kind}", __version__, LINE_BREAKING_REVISION,
                       weasyprint.__version__, pydyf.__version__, _plain(request))


def _plain(value: object) -> object:
    """`value` with paths as text and dataclasses as tuples, for a fingerprint (which would
    read a `Path`'s file)."""
    if isinstance(value, Path):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple(_plain(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, (tuple, list)):
        return tuple(_plain(item) for item in value)
    return value


@dataclasses.dataclass
class _Styles:
    """Stylesheets parsed once, with the fonts their `@font-face` rules loaded, for every
    document a process lays out with them (a build lays out many small ones): what they read
    and what WeasyPrint said while parsing them go with them."""

    fonts: FontConfiguration
    sheets: list[CSS]
    reads: dict[str, str]
    records: list[logging.LogRecord]


#: The stylesheets this process has parsed, the most recently used last.
_PARSED: dict[tuple, _Styles] = {}
_PARSED_KEEP = 4


def _styles(stylesheets: list[Path], rewritten: Mapping[Path, str], preamble: str,
            base_url: Path, roots: list[Path], allow_network: bool) -> _Styles:
    """The stylesheets parsed (from this process's store when they have not changed)."""
    key = (tuple((str(path), *_stamp(path)) for path in stylesheets),
           tuple(sorted((str(path), text) for path, text in rewritten.items())),
           preamble, str(base_url), tuple(map(str, roots)), allow_network)
    if key in _PARSED:
        _PARSED[key] = _PARSED.pop(key)
        return _PARSED[key]
    fetcher = SandboxedFetcher(roots, allow_network)
    fonts = FontConfiguration()
    sheets: list[CSS] = []
    with _captured(None) as capture:
        try:
            sheets = [CSS(string=rewritten[s], base_url=fetcher.virtual_url(s),
                          url_fetcher=fetcher, font_config=fonts) if s in rewritten else
                      CSS(url=fetcher.virtual_url(s), url_fetcher=fetcher, font_config=fonts)
                      for s in stylesheets]
            if preamble:
                sheets.insert(0, CSS(string=preamble, base_url=fetcher.virtual_url(base_url),
                                     url_fetcher=fetcher, font_config=fonts))
        except FatalURLFetchingError:
            pass
    styles = _Styles(fonts, sheets, dict(fetcher.reads), list(capture.records))
    if fetcher.refused:
        _refuse(fetcher.refused[0])
    _PARSED[key] = styles
    while len(_PARSED) > _PARSED_KEEP:
        _PARSED.pop(next(iter(_PARSED)))
    return styles


def _stamp(path: Path) -> tuple[int, int]:
    try:
        status = path.stat()
    except OSError:
        return (0, 0)
    return (status.st_mtime_ns, status.st_size)


def _readable(message: str, fetcher: SandboxedFetcher) -> tuple[str, Location]:
    """A WeasyPrint message with its virtual addresses (`file:///bookify/0/…`) written as the
    files they stand for, and the first such file of the project as the location."""
    location = Location()

    def name(match: re.Match[str]) -> str:
        nonlocal location
        path = fetcher.real_path(match[0])
        if path is None:
            return match[0]
        root = fetcher.roots[0]  # the project; the others are the theme's folders
        if path.is_relative_to(root):
            if location.path is None:
                location = Location(path)
            return path.relative_to(root).as_posix()
        return f"the theme's {path.name}"

    return re.sub(re.escape(_VIRTUAL) + r"[^\s'\"]*", name, message), location


def _refuse(url: str) -> None:
    raise RenderError(
        f"the book refers to {url}, which is outside the book project",
        hint="copy the file into the project (for example into styles/ or images/) and "
        "refer to it there; web addresses load only with [build] allow_network = true",
    )


#: WeasyPrint is laid out by one thread of a process at a time: its log (which `_captured`
#: turns into diagnostics) and the parsed stylesheets (`_PARSED`) are the process's, and a
#: catalogue build runs several books' builds (each laying out its cover) in threads.
_RENDERING = threading.RLock()


def render_document(
    html: str,
    *,
    base_url: Path,
    stylesheets: list[Path],
    roots: list[Path],
    diagnostics: Diagnostics,
    allow_network: bool = False,
    progress: ProgressCallback | None = None,
    preamble: str = "",
    rewritten: Mapping[Path, str] | None = None,
    reads: dict[str, str] | None = None,
    margin_boxes: bool = True,
) -> Document:
    """Lay out `html` with the given stylesheets; refuse reads outside `roots`.

    `preamble` is CSS generated for this book (page size, margins, theme variables); it comes
    before the stylesheets, so a theme's or project's CSS can still override any of it.
    `rewritten` gives the text to read for some of the stylesheets instead of the file. `reads`,
    if given, receives every file the layout read, with its SHA-256 (the layout cache checks them).
    Without `margin_boxes`, the pages have no running heads or folios.
    """
    with _RENDERING:
        return _render_document(html, base_url=base_url, stylesheets=stylesheets, roots=roots,
                                diagnostics=diagnostics, allow_network=allow_network,
                                progress=progress, preamble=preamble, rewritten=rewritten,
                                reads=reads, margin_boxes=margin_boxes)


def _render_document(html: str, *, base_url: Path, stylesheets: list[Path], roots: list[Path],
                     diagnostics: Diagnostics, allow_network: bool,
                     progress: ProgressCallback | None, preamble: str,
                     rewritten: Mapping[Path, str] | None, reads: dict[str, str] | None,
                     margin_boxes: bool) -> Document:
    fetcher = SandboxedFetcher(roots, allow_network)
    styles = _styles(stylesheets, rewritten or {}, preamble, base_url, roots, allow_network)
    fonts = styles.fonts
    with _captured(progress) as capture:
        token = _without_margin_boxes.set(not margin_boxes)
        try:
            document = HTML(
                string=html, base_url=fetcher.virtual_url(base_url), url_fetcher=fetcher
            ).render(stylesheets=styles.sheets, font_config=fonts, optimize_images=False)
        except FatalURLFetchingError:
            document = None
        finally:
            _without_margin_boxes.reset(token)
    fetcher.reads.update(styles.reads)
    capture.records[:0] = styles.records
    if reads is not None:
        reads.update(fetcher.reads)
    if fetcher.refused:
        _refuse(fetcher.refused[0])
    for record in capture.records:
        message = record.getMessage()
        if message.startswith("Failed to load"):
            text, location = _readable(message.split("\n")[0], fetcher)
            raise RenderError(
                text, location,
                hint="check that the file exists inside the project and is a readable image or stylesheet",
            )
        diagnostics.warn(f"layout: {_readable(message.splitlines()[0], fetcher)[0]}")
    assert document is not None
    # Keep the font configuration alive as long as the document: it owns the font files.
    document._bookify_fonts = fonts  # type: ignore[attr-defined]
    return document
