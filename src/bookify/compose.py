"""`RenderedBook` + `Theme` → HTML documents: the templates' shared context, and the book's page.

The HTML edition is one document holding every division; the PDF editions lay the book out a
stretch of divisions at a time (`outputs/editions.py`), each stretch the same page with only its
divisions; the EPUB writer renders the same partial templates one division per XHTML file with
the same context.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import __version__
from .anatomy import BACK_PAGES, Division, book_divisions
from .model import RenderedBook
from .project import Project
from .themes import Theme, join_names


def template_context(
    rendered: RenderedBook, project: Project, href: Callable[[str], str], cover_src: str | None
) -> dict[str, Any]:
    """What every template may use. `href(id)` links to a division by its id in this output."""
    book = rendered.book
    meta = book.meta
    credited = list(meta.authors) or list(meta.editors)
    title_text = meta.title + (f": {meta.subtitle}" if meta.subtitle else "")
    # A book that names no author or editor is named on its cover by its essays' authors, as
    # a store's thumbnail and a shop's shelf need a name ("Essays by …").
    essayists = [] if meta.authors or meta.editors else list(book.contributors)
    byline = f"{' and '.join(meta.authors)}" if meta.authors else (
        f"edited by {' and '.join(meta.editors)}" if meta.editors else
        f"essays by {join_names(essayists)}" if essayists else "")
    return {
        "book": book,
        "contents": rendered.contents,
        "all_essays": list(rendered.essays()),
        #: Every authored text in reading order: front-matter pieces, essays, back-matter pieces.
        "all_texts": list(rendered.texts()),
        "front_pieces": rendered.front,
        "back_pieces": rendered.back,
        "people": rendered.people,
        "back_pages": back_pages(rendered),
        "title_html": rendered.title_html,
        "dedication_html": rendered.dedication_html,
        "epigraph_html": rendered.epigraph_html,
        "epigraph_source_html": rendered.epigraph_source_html,
        "subtitle_html": rendered.subtitle_html,
        "title_text": meta.title,
        "credited_names": credited,
        "cover_essayists": essayists,
        "show_bylines": book.is_anthology,
        "href": href,
        "cover_src": cover_src,
        "cover_alt": f"Cover of {title_text}" + (f", {byline}" if byline else ""),
        "date_iso": project.source_date.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "version": __version__,
        #: `print` or `digital` in the PDF editions; empty in the EPUB and HTML editions.
        "edition": "",
    }


def back_pages(rendered: RenderedBook) -> list[tuple[str, str]]:
    """The generated pages after the essays, as (id, title), in order."""
    return [(division.id, division.title) for division in book_divisions(rendered)
            if division.kind in {kind for kind, _ in BACK_PAGES}]


def compose_book_html(
    rendered: RenderedBook,
    theme: Theme,
    project: Project,
    *,
    edition: str = "",
    stylesheet_hrefs: tuple[str, ...] = (),
    proof: bool = False,
    divisions: Sequence[Division] | None = None,
    dated: bool = True,
) -> str:
    """The whole book as one HTML document, linking divisions by `#id` — or, with `divisions`,
    only those divisions (a stretch the PDF editions lay out on its own).

    `edition` is `print` or `digital` for the PDF editions, empty for the HTML edition.
    `stylesheet_hrefs` are linked from the page (the HTML edition); the PDF editions pass their
    stylesheets to WeasyPrint instead. Without `dated`, the document carries no date (a stretch
    is the same document whatever day the book was last changed; the book gets its date when
    it is put together).
    """
    if divisions is None:
        divisions = book_divisions(rendered, edition, proof)
    cover = rendered.book.cover_image
    cover_src = cover.relative_to(project.root).as_posix() if cover else None
    context = template_context(rendered, project, lambda target: f"#{target}", cover_src)
    settings = rendered.book.print
    variables = theme.variables
    classes = [f"edition-{edition}" if edition else "screen"]
    if edition == "print" and settings.recto_openers:
        classes.append("recto-openers")
    else:
        classes.append("page-openers")
    classes.append(f"notes-{settings.notes}")
    classes.append(f"opener-{variables.get('opener', 'plain')}")
    classes.append(f"opener-folio-{variables.get('opener_folio', 'drop')}")
    context["edition"] = edition
    if not dated:
        context["date_iso"] = ""
    return theme.render("book.html.j2", body_class=" ".join(classes),
                        stylesheet_hrefs=stylesheet_hrefs, proof=proof, divisions=divisions,
                        **context)
