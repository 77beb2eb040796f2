"""Pages of a written PDF as pictures: single pages and facing-page spreads.

The proofs (`bookify proof`) and the preview show WeasyPrint's real pages, rasterised by PDFium,
never a browser's approximation of them. A spread is a verso beside its recto, as a reader holding
the book sees it; the first page of a book is a recto and stands alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pypdfium2
from PIL import Image

#: The grey a spread's missing page (before the first recto, after a last recto) is drawn in.
_EMPTY = (226, 226, 226)


def open_pdf(path: Path) -> pypdfium2.PdfDocument:
    """Open a PDF for rasterising (the caller closes it)."""
    return pypdfium2.PdfDocument(str(path))


def render_page(pdf: pypdfium2.PdfDocument, index: int, dpi: float = 96) -> Image.Image:
    """Page `index` (0-based) as an RGB picture at `dpi` dots per inch."""
    page = pdf[index]
    try:
        bitmap = page.render(scale=dpi / 72, may_draw_forms=False)
        image: Image.Image = bitmap.to_pil().convert("RGB")
        return image
    finally:
        page.close()


def spreads(page_count: int) -> Iterator[tuple[int | None, int | None]]:
    """The book's openings as (verso, recto) page indices: (None, 0), (1, 2), (3, 4)…

    Page index 0 is a recto, so it faces nothing; a last verso faces nothing either.
    """
    yield (None, 0) if page_count else (None, None)
    for verso in range(1, page_count, 2):
        yield verso, (verso + 1 if verso + 1 < page_count else None)


def spread_of(index: int) -> tuple[int | None, int]:
    """The (verso, recto) pair page `index` belongs to, with the recto as the larger index."""
    if index == 0:
        return None, 0
    verso = index if index % 2 else index - 1
    return verso, verso + 1


def render_spread(
    pdf: pypdfium2.PdfDocument, verso: int | None, recto: int | None, dpi: float = 96
) -> Image.Image:
    """A verso and a recto side by side, an empty grey page standing in for a missing one."""
    present = [i for i in (verso, recto) if i is not None and 0 <= i < len(pdf)]
    if not present:
        raise ValueError("a spread needs at least one page of the document")
    pictures = {i: render_page(pdf, i, dpi) for i in present}
    width, height = next(iter(pictures.values())).size
    spread = Image.new("RGB", (2 * width, height), _EMPTY)
    for slot, index in enumerate((verso, recto)):
        if index in pictures:
            page = pictures[index]
            # Bleed makes versos and rectos differ in width only at the outside edge; keep the
            # spine edges together.
            x = width - page.width if slot == 0 else width
            spread.paste(page, (x, 0))
    return spread
