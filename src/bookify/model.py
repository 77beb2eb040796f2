"""The book model every stage after reading shares: plain, frozen data.

`Book` is the assembled book (Markdown still unrendered); `RenderedBook` adds each essay's HTML.
Outputs read only `RenderedBook`, so no writer ever parses Markdown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .config import BookSection, PrintSection
from .contributors import Contributor, Roster, default_sort_name


@dataclass(frozen=True, slots=True)
class BackMatter:
    """The generated pages after the essays."""

    contributors: bool = False
    credits: bool = False
    author_index: bool = False


@dataclass(frozen=True, slots=True)
class Essay:
    """One essay in the book, with its metadata and Markdown source."""

    #: Unique, XML-safe, stable id: used for anchors, EPUB file names and links.
    id: str
    #: The manuscript file the essay came from.
    source: Path
    title: str
    subtitle: str | None
    short_title: str | None
    authors: tuple[str, ...]
    translators: tuple[str, ...]
    epigraph: str | None
    epigraph_source: str | None
    credit: str | None
    #: An editor's headnote: where and when the text was delivered or first printed.
    note: str | None
    #: Where the text comes from and on what terms (for the credits page).
    year: str | None
    collection: str | None
    source_note: str | None
    license: str | None
    copyright: str | None
    #: The essay's language when it differs from the book's, else None.
    lang: str | None
    markdown: str
    #: The line of `source` where `markdown` begins, for error messages.
    body_line: int
    #: For a front- or back-matter piece, what it is (its EPUB structural semantics:
    #: `foreword`, `preface`, `introduction`, `acknowledgments`, `afterword`, `colophon`…);
    #: None for an essay.
    role: str | None = None

    @property
    def aria_role(self) -> str | None:
        """The DPUB-ARIA role matching `role` (an essay is a `doc-chapter`), if there is one."""
        role = self.role or "chapter"
        return f"doc-{role}" if role in ARIA_ROLES else None


#: Structural roles DPUB-ARIA has a `doc-` role for.
ARIA_ROLES = {"chapter", "foreword", "preface", "introduction", "prologue", "acknowledgments",
              "afterword", "epilogue", "conclusion", "colophon", "endnotes", "bibliography",
              "glossary", "appendix"}


@dataclass(frozen=True, slots=True)
class Part:
    """A titled group of essays."""

    id: str
    title: str
    essays: tuple[Essay, ...]
    #: Markdown set on the part's page under its title, or None.
    intro: str | None = None


@dataclass(frozen=True, slots=True)
class Book:
    """The whole book in reading order: essays, some of them grouped into parts."""

    meta: BookSection
    print: PrintSection
    #: Reading order: essays outside any part, and parts.
    contents: tuple[Essay | Part, ...]
    #: The configured cover image, or None for a typographic cover.
    cover_image: Path | None
    #: The slug output files are named after (`build/<slug>.pdf`).
    slug: str
    #: Everyone the contributors file describes (bios, sort names).
    roster: Roster = Roster()
    #: Which generated back-matter pages the book has.
    back_matter: BackMatter = BackMatter()
    #: Authored pages before the first essay (foreword, preface…) and after the last.
    front: tuple[Essay, ...] = ()
    back: tuple[Essay, ...] = ()

    def essays(self) -> Iterator[Essay]:
        """Every essay in reading order, parts flattened."""
        for entry in self.contents:
            if isinstance(entry, Part):
                yield from entry.essays
            else:
                yield entry

    @property
    def contributors(self) -> tuple[str, ...]:
        """Every essay author, in order of first appearance."""
        seen: dict[str, None] = {}
        for essay in self.essays():
            for name in essay.authors:
                seen.setdefault(name, None)
        return tuple(seen)

    def contributor_names(self) -> tuple[str, ...]:
        """Everyone the Contributors page lists, in order of first appearance: each essay's
        authors and translators, then the people of the foreword and other authored pieces
        (and of `foreword_by`, `introduction_by`) whom the contributors file describes — an
        editor's own unlisted preface does not make the editor a contributor."""
        essays = (n for e in self.essays() for n in (*e.authors, *e.translators))
        pieces = (n for e in (*self.front, *self.back) for n in (*e.authors, *e.translators))
        credited = (*self.meta.foreword_by, *self.meta.introduction_by)
        return tuple(dict.fromkeys([*essays, *(n for n in (*pieces, *credited)
                                               if self.roster.resolve(n) is not None)]))

    @property
    def is_anthology(self) -> bool:
        """True when essays have more than one distinct author (bylines are then printed)."""
        return len(self.contributors) > 1 or any(
            set(e.authors) - set(self.meta.authors) for e in self.essays()
        )

    @property
    def author_running_heads(self) -> bool:
        """Whether versos carry the essay's author (else the book's title)."""
        choice = self.print.running_heads
        return self.is_anthology if choice == "auto" else choice == "author-title"

    def person(self, name: str) -> Contributor:
        """The contributor called `name`: from the roster, or a bare name with no bio."""
        return self.roster.resolve(name) or Contributor(
            id=name, name=name, sort_name=default_sort_name(name), bio=None, photo=None, links=())


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading inside an essay."""

    id: str
    level: int
    text: str


@dataclass(frozen=True, slots=True)
class RenderedEssay:
    """An essay after Markdown: HTML fragments ready for templates."""

    essay: Essay
    title_html: str
    #: The title as plain text, for bookmarks, the EPUB nav and `<title>`.
    title_text: str
    subtitle_html: str | None
    epigraph_html: str | None
    epigraph_source_html: str | None
    credit_html: str | None
    #: The headnote (the front matter's `note:`), set under the essay's title, or None.
    note_html: str | None
    #: The credit details (collection, copyright, licence, source) with smart punctuation.
    collection_html: str | None
    copyright_html: str | None
    license_html: str | None
    source_html: str | None
    #: The body: a sequence of block elements; every id in it is prefixed with the essay's id.
    body_html: str
    #: The body with each note's text in a `<span class="footnote">` where it is called (for
    #: footnotes in print), or None when the essay has no notes.
    body_with_footnotes_html: str | None
    #: Footnotes: the body of the notes list, or "" when the essay has none.
    notes_html: str
    headings: tuple[Heading, ...]
    #: Images the essay uses, as paths inside the project.
    images: tuple[Path, ...]
    words: int

    @property
    def id(self) -> str:
        return self.essay.id


@dataclass(frozen=True, slots=True)
class RenderedPart:
    """A part after Markdown: its title as HTML and text, and its rendered essays."""

    part: Part
    title_html: str
    title_text: str
    essays: tuple[RenderedEssay, ...]
    intro_html: str | None = None

    @property
    def id(self) -> str:
        return self.part.id


@dataclass(frozen=True, slots=True)
class RenderedPerson:
    """A contributor for the contributors page and the index: bio rendered, essays in order."""

    #: The anchor of their entry on the contributors page.
    id: str
    contributor: Contributor
    bio_html: str | None
    essays: tuple[RenderedEssay, ...]
    #: The essays they translated.
    translated: tuple[RenderedEssay, ...] = ()
    #: Their portrait as a path relative to the project (how templates refer to it), or None.
    photo_src: str | None = None


@dataclass(frozen=True, slots=True)
class RenderedBook:
    """The book with every essay rendered: what templates and output writers consume."""

    book: Book
    title_html: str
    subtitle_html: str | None
    contents: tuple[RenderedEssay | RenderedPart, ...]
    #: Contributors in sort order, for the contributors page and the author index.
    people: tuple[RenderedPerson, ...] = ()
    #: The book's dedication and epigraph pages, rendered, or None.
    dedication_html: str | None = None
    epigraph_html: str | None = None
    epigraph_source_html: str | None = None
    #: The authored front- and back-matter pieces, rendered.
    front: tuple[RenderedEssay, ...] = ()
    back: tuple[RenderedEssay, ...] = ()

    def texts(self) -> Iterator[RenderedEssay]:
        """Every authored text in reading order: front matter, essays, back matter."""
        yield from self.front
        yield from self.essays()
        yield from self.back

    def essays(self) -> Iterator[RenderedEssay]:
        for entry in self.contents:
            if isinstance(entry, RenderedPart):
                yield from entry.essays
            else:
                yield entry

    @property
    def words(self) -> int:
        return sum(e.words for e in self.essays())
