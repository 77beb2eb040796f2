"""The book's anatomy: its divisions in reading order, declared once.

A printed book is a sequence of divisions — the half title, the title page, the copyright page, a
dedication and an epigraph, the contents, the authored front matter, part openers and essays,
the authored back matter and the generated pages (notes, contributors, credits, the index of
authors). The whole-book template sets them in this order, the PDF editions are laid out division
by division in it, the EPUB's spine and NCX follow it, and the preview lists it as the book's
contents.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from .model import RenderedBook, RenderedEssay, RenderedPart

DivisionKind = Literal[
    "cover", "half-title", "title-page", "copyright", "dedication", "epigraph", "contents",
    "front-piece", "part", "essay", "back-piece", "book-notes", "contributors", "credits",
    "author-index",
]

#: The generated back-matter pages, in order: (kind, title), each shown when `[back_matter]`
#: asks for it.
BACK_PAGES: tuple[tuple[DivisionKind, str], ...] = (
    ("contributors", "Contributors"), ("credits", "Credits"), ("author-index", "Index of Authors"))


@dataclass(frozen=True, slots=True)
class Division:
    """One division of the book: what it is, the template that sets it and the id of its first
    element (where links to it land, and by which its first page is found)."""

    kind: DivisionKind
    id: str
    title: str
    template: str
    #: The essay or part it sets, for essays, authored pieces and part openers.
    entry: RenderedEssay | RenderedPart | None = None
    #: The division the text begins with: arabic folio 1, on a recto.
    body_start: bool = False
    #: An essay inside a part (its bookmark nests under the part's).
    in_part: bool = False

    @property
    def essay(self) -> RenderedEssay | None:
        return self.entry if isinstance(self.entry, RenderedEssay) else None

    @property
    def part(self) -> RenderedPart | None:
        return self.entry if isinstance(self.entry, RenderedPart) else None

    @property
    def piece_side(self) -> str:
        """`front` or `back` for an authored piece (a preface, a colophon), else ""."""
        return {"front-piece": "front", "back-piece": "back"}.get(self.kind, "")


def book_divisions(rendered: RenderedBook, edition: str = "", proof: bool = False
                   ) -> tuple[Division, ...]:
    """The divisions of `edition` (`print`, `digital`, `epub`, or "" for the HTML edition) in
    reading order. A proof (a contributor's copy of their essay) has the text alone. An ebook
    opens on its cover and has no half title (the stores' guidelines ask for none)."""
    return tuple(_divisions(rendered, edition, proof))


def _divisions(rendered: RenderedBook, edition: str, proof: bool) -> Iterator[Division]:
    book = rendered.book
    if not proof:
        if edition != "print":
            yield Division("cover", "cover", "Cover", "cover.html.j2")
        if edition != "epub":
            yield Division("half-title", "half-title", "Half title", "half-title.html.j2")
        yield Division("title-page", "title-page", "Title page", "title-page.html.j2")
        yield Division("copyright", "copyright", "Copyright", "copyright.html.j2")
        if rendered.dedication_html:
            yield Division("dedication", "dedication", "Dedication", "dedication.html.j2")
        if rendered.epigraph_html:
            yield Division("epigraph", "epigraph", "Epigraph", "book-epigraph.html.j2")
        yield Division("contents", "contents", "Contents", "toc.html.j2")
        for piece in rendered.front:
            yield Division("front-piece", piece.id, piece.title_text, "essay.html.j2", piece)
    for number, entry in enumerate(rendered.contents):
        if isinstance(entry, RenderedPart):
            yield Division("part", entry.id, entry.title_text, "part.html.j2", entry,
                           body_start=number == 0)
            for essay in entry.essays:
                yield Division("essay", essay.id, essay.title_text, "essay.html.j2", essay,
                               in_part=True)
        else:
            yield Division("essay", entry.id, entry.title_text, "essay.html.j2", entry,
                           body_start=number == 0)
    if not proof:
        for piece in rendered.back:
            yield Division("back-piece", piece.id, piece.title_text, "essay.html.j2", piece)
    if (edition in ("print", "digital") and book.print.notes == "book-endnotes"
            and any(text.notes_html for text in rendered.texts())):
        yield Division("book-notes", "notes", "Notes", "book-notes.html.j2")
    wanted = {"contributors": book.back_matter.contributors, "credits": book.back_matter.credits,
              "author-index": book.back_matter.author_index}
    for kind, title in BACK_PAGES:
        if wanted[kind]:
            yield Division(kind, kind, title, f"{kind}.html.j2")
