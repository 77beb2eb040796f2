"""Finishing the digital edition's PDF for reading on a screen.

A reader opening the digital edition should see its bookmarks beside the pages, and library and
store software reads a PDF's XMP metadata before its document information: the file opens on its
outline and carries XMP that repeats the title, authors, subject, keywords, language and dates.
The edition is a tagged PDF (its stretches are laid out tagged and their structure trees merged
by `assembly.py`), and its XMP says it is meant as PDF/UA-1 (`pdfuaid:part`) when it is tagged.
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Name


def finish_digital_pdf(pdf: pikepdf.Pdf) -> None:
    """Open `pdf` on its outline, and give it XMP metadata from its document information (and
    the PDF/UA identification, when it is tagged)."""
    if "/Outlines" in pdf.Root:
        pdf.Root.PageMode = Name.UseOutlines
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta.load_from_docinfo(pdf.docinfo)
        if "/Lang" in pdf.Root:
            meta["dc:language"] = [str(pdf.Root.Lang)]
        if "/StructTreeRoot" in pdf.Root:
            meta["pdfuaid:part"] = "1"


def finish_digital_file(data: bytes) -> bytes:
    """`finish_digital_pdf` for a PDF given as bytes; the same bytes for the same input."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        finish_digital_pdf(pdf)
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return output.getvalue()
