"""Pages as PNG pictures for the browser, made when first asked for and kept for a while.

A 500-page book is never rasterised whole: the browser asks for the spread it shows and the
ones beside it. Pictures are cached by PDF, page and resolution, so a page an incremental
rebuild did not touch is never drawn twice. PDFium is not thread-safe, so every call into it in
this process goes through `PDFIUM_LOCK`.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from pathlib import Path

import pypdfium2

from ..outputs.png import open_pdf, render_page

#: Held around every PDFium call in this process (the HTTP server's threads share PDFium).
PDFIUM_LOCK = threading.RLock()

#: The resolutions pages are drawn at: the browser's wish is rounded up to one of these, so a
#: window resized by a few pixels does not draw the book again.
RESOLUTIONS = (48, 72, 96, 144, 192, 288)


def resolution_for(wanted: float) -> int:
    """The smallest offered resolution at least `wanted` dpi (or the largest one)."""
    return next((dpi for dpi in RESOLUTIONS if dpi >= wanted), RESOLUTIONS[-1])


class PageRasterizer:
    """PNG pictures of PDF pages, with the PDFs kept open and the pictures in a bounded cache."""

    def __init__(self, budget_bytes: int = 192 * 1024 * 1024) -> None:
        self._budget = budget_bytes
        self._used = 0
        self._pictures: OrderedDict[tuple[Path, int, int], bytes] = OrderedDict()
        self._documents: dict[Path, pypdfium2.PdfDocument] = {}

    def png(self, pdf: Path, index: int, dpi: int) -> bytes:
        """Page `index` of `pdf` at `dpi` as PNG bytes."""
        key = (pdf, index, dpi)
        with PDFIUM_LOCK:
            cached = self._pictures.get(key)
            if cached is not None:
                self._pictures.move_to_end(key)
                return cached
            document = self._documents.get(pdf)
            if document is None:
                document = self._documents[pdf] = open_pdf(pdf)
            picture = render_page(document, index, dpi)
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG", compress_level=1)  # fast: it only crosses loopback
        data = buffer.getvalue()
        with PDFIUM_LOCK:
            self._pictures[key] = data
            self._used += len(data)
            while self._used > self._budget and len(self._pictures) > 1:
                _key, old = self._pictures.popitem(last=False)
                self._used -= len(old)
        return data

    def forget(self, pdf: Path) -> None:
        """Close `pdf` and drop its pictures (its job's folder is about to be deleted)."""
        with PDFIUM_LOCK:
            for key in [k for k in self._pictures if k[0] == pdf]:
                self._used -= len(self._pictures.pop(key))
            document = self._documents.pop(pdf, None)
            if document is not None:
                document.close()

    def close(self) -> None:
        with PDFIUM_LOCK:
            for pdf in list(self._documents):
                self.forget(pdf)
