"""Project + manuscripts → `Book`: reading order, parts, drafts left out, unique essay ids.

The order comes from `contents` in `bookify.toml` when it is given, else from the file names in
`manuscripts/` (so `01-…`, `02-…` prefixes order a book without any config).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from pathlib import Path

from .config import PartEntry
from .contributors import CONTRIBUTORS_FILE, Roster, load_roster
from .diagnostics import Diagnostics
from .errors import BookifyError, ConfigError, Location, ManuscriptError
from .manuscript import (
    Manuscript,
    front_matter_line,
    read_manuscript,
    read_markdown_text,
    split_front_matter,
)
from .model import BackMatter, Book, Essay, Part
from .project import Project, cover_path, manuscript_path

MARKDOWN_SUFFIXES = (".md", ".markdown")
#: Reviewers' comments `bookify import` keeps beside an essay: never part of the book.
COMMENTS_SUFFIX = ".comments.md"


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphenated: 'Æs Triplex' → 'aes-triplex'."""
    text = text.replace("æ", "ae").replace("Æ", "Ae").replace("œ", "oe").replace("Œ", "Oe")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


#: Ids of the pages bookify makes itself; an essay never takes one of them.
RESERVED_IDS = frozenset({
    "cover", "half-title", "title-page", "copyright", "contents", "contents-title", "nav", "toc",
    "toc-title", "landmarks", "contributors", "contributors-title", "credits", "credits-title",
    "author-index", "author-index-title", "page-list", "dedication", "epigraph",
})


def essay_id_for(path: Path) -> str:
    """An essay's default id: its file name without a leading `01-` style number."""
    stem = re.sub(r"^\d+[-_. ]+", "", path.stem) or path.stem
    return _safe_id(slugify(stem) or "essay")


def _safe_id(slug: str) -> str:
    """An id that is valid in XML and cannot meet the ids of generated pages and parts."""
    if not slug[0].isalpha() or slug in RESERVED_IDS or slug.startswith("part-"):
        return f"essay-{slug}"
    return slug


def assemble_book(project: Project, diagnostics: Diagnostics) -> Book:
    """Read every manuscript in reading order and build the `Book`."""
    config = project.config
    folder = project.manuscripts_dir
    if not folder.is_dir():
        raise ConfigError(
            f"no {folder.name}/ folder in {project.root}",
            hint="put the essays, one Markdown file each, in manuscripts/",
        )
    available = sorted(
        (p for p in folder.rglob("*") if p.suffix.lower() in MARKDOWN_SUFFIXES and p.is_file()
         and not p.name.endswith(COMMENTS_SUFFIX)),
        key=lambda p: p.relative_to(folder).as_posix(),
    )
    for path in [folder, *available]:
        project.check_inside(path, "this " + ("folder" if path.is_dir() else "file"),
                             ManuscriptError)
    ids: dict[str, Path] = {}
    #: The ids an essay's `slug:` gave it, with the slug as written.
    slugged: dict[str, str | None] = {}
    roster = load_roster(project.root)

    def load(path: Path) -> Essay | None:
        manuscript = read_manuscript(path)
        warn_dropped(manuscript.dropped, path, diagnostics)
        if manuscript.meta.draft:
            diagnostics.notice("left out: marked draft", Location(path))
            return None
        essay = _essay(manuscript, roster)
        meets = ids.get(essay.id)
        from_slug = bool(manuscript.meta.slug)
        if meets is not None and from_slug != (essay.id in slugged):
            # A slug never renames the essay whose file name gives the same id: that would
            # change its --essay id and EPUB file name behind the author's back.
            slug_file, named_file = (path, meets) if from_slug else (meets, path)
            front = split_front_matter(slug_file, slug_file.read_text(encoding="utf-8-sig"))[0]
            raise ManuscriptError(
                f"the slug '{slugged.get(essay.id) or manuscript.meta.slug}' is already the id "
                f"of {named_file.relative_to(project.root).as_posix()} (from its file name)",
                Location(slug_file, front_matter_line(front or "", "slug")),
                "give this essay a different 'slug:', or rename the other file",
            )
        if meets is not None and not from_slug:
            # Ids made from file names may meet ("24-of-friendship", "38-of-friendship"):
            # number them in reading order rather than ask the author to rename files.
            number = 2
            while f"{essay.id}-{number}" in ids:
                number += 1
            essay = dataclasses.replace(essay, id=f"{essay.id}-{number}")
        if essay.id in ids:
            raise ManuscriptError(
                f"two essays have the id '{essay.id}': this one and "
                f"{ids[essay.id].relative_to(project.root).as_posix()}",
                Location(path),
                "give one of them a different 'slug:' in its front matter",
            )
        ids[essay.id] = path
        if from_slug:
            slugged[essay.id] = manuscript.meta.slug
        return essay

    listed: set[Path] = set()
    pieces = {}
    for side, names in (("front", config.front_matter.files), ("back", config.back_matter.files)):
        loaded = []
        for number, name in enumerate(names):
            path = _listed(project, name, f"{side}_matter.files[{number}]", listed)
            if (piece := load(path)) is not None:
                role = piece_role(piece)
                if side == "back" and role == "preamble":
                    role = "appendix"
                loaded.append(dataclasses.replace(piece, role=role))
        pieces[side] = tuple(loaded)
    contents: list[Essay | Part] = []
    if config.contents is None:
        if not available:
            raise ConfigError(
                f"{folder.relative_to(project.root)}/ holds no Markdown files",
                hint="add essays as .md files, one per essay",
            )
        contents = [e for p in available
                    if p.resolve() not in listed and (e := load(p)) is not None]
    else:
        part_ids: set[str] = set()
        for index, entry in enumerate(config.contents):
            if isinstance(entry, PartEntry):
                essays = []
                for number, name in enumerate(entry.essays):
                    path = _listed(project, name, f"contents[{index}].essays[{number}]", listed)
                    if (essay := load(path)) is not None:
                        essays.append(essay)
                part_id = "part-" + (slugify(entry.part) or str(index + 1))
                while part_id in part_ids:
                    part_id += "-2"
                part_ids.add(part_id)
                intro = None
                if entry.intro:
                    intro_path = _listed(project, entry.intro, f"contents[{index}].intro", listed)
                    intro = _read_intro(intro_path, diagnostics)
                if essays:
                    contents.append(Part(id=part_id, title=entry.part, essays=tuple(essays),
                                         intro=intro))
            else:
                path = _listed(project, entry, f"contents[{index}]", listed)
                if (essay := load(path)) is not None:
                    contents.append(essay)
    if config.contents is not None:
        _warn_unlisted(available, listed, diagnostics)
    if not contents:  # parts are only kept when they hold an essay
        raise ConfigError(
            "the book has no essays (every manuscript is a draft)",
            Location(project.config_path),
            "remove 'draft: true' from at least one essay",
        )
    # `foreword_by = ["ada"]` may name a contributor by id, as an essay's `author:` does.
    meta = config.book.model_copy(update={
        key: [_person_name(roster, r) for r in getattr(config.book, key)]
        for key in ("foreword_by", "introduction_by")})
    cover = cover_path(project)  # checked as the project loaded; this finds the same file
    book = Book(
        meta=meta,
        print=config.print,
        contents=tuple(contents),
        cover_image=cover,
        slug=slugify(meta.title) or "book",
        roster=roster,
        front=pieces["front"],
        back=pieces["back"],
    )
    wanted = config.back_matter
    automatic = roster.source is not None
    back = BackMatter(
        contributors=automatic if wanted.contributors is None else wanted.contributors,
        credits=automatic if wanted.credits is None else wanted.credits,
        author_index=automatic if wanted.author_index is None else wanted.author_index,
    )
    book = dataclasses.replace(book, back_matter=back)
    if back.contributors:
        _warn_missing_bios(book, diagnostics)
    return book


def warn_dropped(dropped: tuple[tuple[int, str], ...], path: Path,
                 diagnostics: Diagnostics) -> None:
    """One warning per line that held characters a book cannot hold (they were dropped)."""
    lines: dict[int, list[str]] = {}
    for line, character in dropped:
        lines.setdefault(line, []).append(f"U+{ord(character):04X}")
    for line, codes in lines.items():
        diagnostics.warn(
            f"dropped {len(codes)} control character{'s' if len(codes) > 1 else ''} "
            f"({', '.join(dict.fromkeys(codes))})", Location(path, line),
            "form feeds, escapes and Word's manual line breaks (U+000B) have no place in a "
            "book; delete them, or end a verse line with a backslash",
        )


def _read_intro(path: Path, diagnostics: Diagnostics) -> str:
    """A part's introduction: the Markdown of its file, without front matter."""
    text, dropped = read_markdown_text(path)
    warn_dropped(tuple(dropped), path, diagnostics)
    return split_front_matter(path, text)[1]


def _warn_unlisted(available: list[Path], listed: set[Path], diagnostics: Diagnostics) -> None:
    for path in available:
        if path.resolve() not in listed:
            if _is_draft(path):
                diagnostics.notice("left out: marked draft", Location(path))
                continue
            diagnostics.warn(
                "not in the book: this manuscript is not listed in contents",
                Location(path),
                "add it to contents (or [front_matter] / [back_matter] files) in bookify.toml, "
                "or mark it 'draft: true'",
            )


#: What a front- or back-matter piece is, by the words its file name or title starts with, as
#: EPUB structural semantics name them.
PIECE_ROLES = {
    "foreword": "foreword", "preface": "preface", "introduction": "introduction",
    "prologue": "prologue", "acknowledgements": "acknowledgments",
    "acknowledgments": "acknowledgments", "afterword": "afterword", "epilogue": "epilogue",
    "conclusion": "conclusion", "colophon": "colophon", "about": "contributors",
    "notes": "endnotes", "bibliography": "bibliography", "glossary": "glossary",
}


def piece_role(piece: Essay) -> str:
    """The structural role of a front- or back-matter piece, from its file name or title
    ("foreword.md", "Acknowledgements", "About the Editor"); a plain piece is a `preamble`
    before the essays and an `appendix` after them, which the caller may refine."""
    for text in (piece.source.stem, piece.title):
        first = slugify(text).split("-")
        for word in first[:2]:
            if word in PIECE_ROLES:
                return PIECE_ROLES[word]
    return "preamble"


def _warn_missing_bios(book: Book, diagnostics: Diagnostics) -> None:
    """The contributors page needs a bio for everyone it lists."""
    names = book.contributor_names()
    missing = [n for n in names if not book.person(n).bio]
    if missing:
        source = book.roster.source
        diagnostics.warn(
            f"no bio for {len(missing)} contributor{'s' if len(missing) > 1 else ''}: "
            + ", ".join(missing),
            Location(source),
            f"add them to {source.name if source else CONTRIBUTORS_FILE} with a bio",
        )


def _is_draft(path: Path) -> bool:
    """Whether an unlisted manuscript says `draft: true` (a broken one is simply not a draft)."""
    try:
        return read_manuscript(path).meta.draft
    except BookifyError:
        return False


def _listed(project: Project, name: str, key: str, listed: set[Path]) -> Path:
    """The file of a manuscript bookify.toml names (checked as the project loaded), noted as
    listed."""
    path = manuscript_path(project, name, key)
    listed.add(path)
    return path


def _person_name(roster: Roster, reference: str) -> str:
    """The name of the contributor `reference` (an id or a name) means, else the reference."""
    person = roster.resolve(reference)
    return person.name if person else reference


def _essay(manuscript: Manuscript, roster: Roster) -> Essay:
    meta = manuscript.meta

    def names(references: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_person_name(roster, r) for r in references)

    essay_id = _safe_id(slugify(meta.slug)) if meta.slug and slugify(meta.slug) else (
        essay_id_for(manuscript.path))
    return Essay(
        id=essay_id,
        source=manuscript.path,
        title=manuscript.title,
        subtitle=meta.subtitle,
        short_title=meta.short_title,
        authors=names(meta.author_names),
        translators=names(meta.translator_names),
        epigraph=meta.epigraph,
        epigraph_source=meta.epigraph_source,
        credit=meta.credit,
        note=meta.note,
        year=str(meta.year) if meta.year is not None else (
            str(meta.date) if meta.date is not None else None),
        collection=meta.collection,
        source_note=meta.source,
        license=meta.license,
        copyright=meta.copyright,
        lang=meta.lang,
        markdown=manuscript.body,
        body_line=manuscript.body_line,
    )
