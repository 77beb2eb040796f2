"""Proof spreads: chosen openings of a PDF edition as PNG pictures, for a person to look at.

A designer judges a book by its spreads, verso beside recto, not by single pages; `bookify proof`
writes them from the real PDF (rasterised by PDFium), so what is seen is what will be printed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .errors import BookifyError
from .fsutil import atomic_output
from .outputs.pdf import PrintLayout
from .outputs.png import open_pdf, render_spread, spread_of


def pages_for(layout: PrintLayout, selection: str | None, essays: Iterable[str] = ()) -> list[int]:
    """Page indices for a selection of printed folios (`"1-6"`, `"iii,v,12"`, `"all"`) and the
    opening pages of the named essays. With neither, the first text spreads of the book."""
    labels = {layout.label(i): i for i in range(layout.pages)}
    chosen: list[int] = []
    for essay in essays:
        index = layout.first_page_with(essay)
        if index is None:
            raise BookifyError(f"no essay with the id '{essay}' in the book",
                               hint="an essay's id is its file name without a leading number, "
                               "or its 'slug:'")
        chosen += [index, index + 1]
    for item in (selection or "").split(","):
        item = item.strip()
        if not item:
            continue
        if item == "all":
            chosen += range(layout.pages)
            continue
        first, _, last = item.partition("-")
        if first not in labels or (last and last not in labels):
            raise BookifyError(f"no page '{first if first not in labels else last}' in the book",
                               hint="name pages by their printed folios: 1-6, iii, 12")
        chosen += range(labels[first], labels[last or first] + 1)
    if not chosen:
        start = layout.body_start or 0
        chosen = list(range(max(start - 1, 0), min(start + 4, layout.pages)))
    return sorted({i for i in chosen if 0 <= i < layout.pages})


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
