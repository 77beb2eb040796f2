"""Proof spreads: chosen openings of a PDF edition as PNG pictures, for a person to look at.

A designer judges a book by its spreads, verso beside recto, not by single pages; `bookify proof`
writes them from the real PDF (rasterised by PDFium), so what is seen is what will be printed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import BookifyError
from .fsutil import atomic_output
from .model import RenderedBook
from .outputs.pdf import PrintLayout
from .outputs.png import open_pdf, render_spread, spread_of

#: A lower-case roman folio (i … mmmcmxcix), as the front matter prints them.
_ROMAN = re.compile(r"(?=[mdclxvi])m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})")


def _folio_value(folio: str) -> tuple[str, int] | None:
    """("arabic", 12) for "12", ("roman", 4) for "iv", None for anything a book does not print."""
    if folio.isascii() and folio.isdigit() and not folio.startswith("0"):
        return "arabic", int(folio)
    if _ROMAN.fullmatch(folio):
        return "roman", _roman_value(folio)
    return None


def _roman_value(numeral: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for letter, following in zip(numeral, [*numeral[1:], ""]):
        value = values[letter]
        total += -value if values.get(following, 0) > value else value
    return total


@dataclass(frozen=True, slots=True)
class PageSelection:
    """The pages a proof shows: ranges of printed folios ("1-6", "iii,v,12", "all") and the
    opening spreads of named essays. Read and checked before anything is laid out, so a typo
    costs no layout."""

    ranges: tuple[tuple[str, str], ...] = ()
    everything: bool = False
    essays: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str | None, essays: Iterable[str] = ()) -> PageSelection:
        """The selection `text` names, or a clear error for an item no book prints."""
        ranges: list[tuple[str, str]] = []
        everything = False
        for item in (text or "").split(","):
            item = item.strip().lower()
            if not item:
                continue
            if item == "all":
                everything = True
                continue
            first, dash, last = (part.strip() for part in item.partition("-"))
            last = last if dash else first
            values = _folio_value(first), _folio_value(last)
            if None in values:
                raise BookifyError(f"--pages: '{item}' is not a printed folio or a range of them",
                                   hint="name pages by their printed folios: 1-6, iii, 12, all")
            (first_kind, first_value), (last_kind, last_value) = values  # type: ignore[misc]
            if first_kind != last_kind or first_value > last_value:
                raise BookifyError(f"--pages: the range '{item}' runs backwards or from roman "
                                   "to arabic folios",
                                   hint="give the first folio first, and a range of roman folios "
                                   "(i-iv) apart from one of arabic folios (1-6): 'i-iv,1-6'")
            ranges.append((first, last))
        return cls(tuple(ranges), everything, tuple(essays))

    def check_essays(self, rendered: RenderedBook) -> None:
        """Refuse an essay id that is not in the book, before the book is laid out."""
        known = [text.id for text in rendered.texts()]
        for essay in self.essays:
            if essay not in known:
                close = difflib.get_close_matches(essay, known, n=1)
                raise BookifyError(f"no essay with the id '{essay}' in the book",
                                   hint=(f"did you mean '{close[0]}'? " if close else "")
                                   + "an essay's id is its file name without a leading number, "
                                   "or its 'slug:'")

    def pages(self, layout: PrintLayout) -> list[int]:
        """The page indices chosen in `layout`: the named folios and the essays' opening spreads;
        with neither, the first spreads of the text."""
        labels = {layout.label(i): i for i in range(layout.pages)}
        chosen: list[int] = list(range(layout.pages)) if self.everything else []
        for essay in self.essays:
            index = layout.first_page_with(essay)
            if index is not None:
                chosen += [index, index + 1]
        for first, last in self.ranges:
            missing = next((f for f in (first, last) if f not in labels), None)
            if missing is not None:
                raise BookifyError(f"no page '{missing}' in the book: it prints "
                                   f"{_folio_spans(layout)}",
                                   hint="the book stays laid out in the layout cache: the next "
                                   "proof with a page it has is quick")
            chosen += range(labels[first], labels[last] + 1)
        if not chosen:
            start = layout.body_start or 0
            chosen = list(range(max(start - 1, 0), min(start + 4, layout.pages)))
        return sorted({i for i in chosen if 0 <= i < layout.pages})


def _folio_spans(layout: PrintLayout) -> str:
    """"i–xii and 1–80": the folios a book prints, for an error message."""
    spans = []
    for start, stop in ((layout.front_start, layout.body_start), (layout.body_start, None)):
        if start is None:
            continue
        end = (stop if stop is not None else layout.pages) - 1
        if end >= start:
            spans.append(f"{layout.label(start)}–{layout.label(end)}")
    return " and ".join(spans) or "no numbered pages"


def write_spreads(pdf_path: Path, layout: PrintLayout, pages: list[int], folder: Path,
                  dpi: float = 100) -> list[Path]:
    """Write each opening holding one of `pages` as `folder/spread-<verso>-<recto>.png`."""
    written = []
    document = open_pdf(pdf_path)
    try:
        openings = dict.fromkeys(spread_of(i) for i in pages)
        for verso, recto in openings:
            recto_index = recto if recto < layout.pages else None
            names = "-".join(layout.label(i) for i in (verso, recto_index) if i is not None)
            target = folder / f"spread-{names}.png"
            picture = render_spread(document, verso, recto_index, dpi)
            with atomic_output(target) as temporary:
                picture.save(temporary, format="PNG", optimize=True)
            written.append(target)
    finally:
        document.close()
    return written
