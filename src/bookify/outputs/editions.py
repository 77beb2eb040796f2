"""A PDF edition laid out stretch by stretch: on every core, and never laying out twice what has
not changed.

The book's divisions (`anatomy.py`) are cut into stretches — the display pages before the
contents, the contents, each authored piece, part opener and essay, each generated back page —
and each stretch is laid out as its own WeasyPrint document (`divisions.py`) in a worker process,
through the layout cache. Its pages do not depend on where it falls in the book, except for its
side (in print, the margins mirror) and the page numbers it cites (the contents, "page 12" on the
copyright page), so:

1. every stretch is laid out at once, on the side and with the page numbers expected (from the
   previous build, if any);
2. the pages are placed one after another; a stretch that came out on the other side, or whose
   cited page numbers changed, is laid out again, until nothing changes (the cache makes the
   repeats cheap, and a second round is rare once a book has been built);
3. the furniture (running heads and folios) of every page is laid out in one light document
   (`furniture.py`), and the PDF is assembled (`assembly.py`).

`lay_out_edition` is a generator: it yields the requests of each round and is sent their
layouts, so the build can run the rounds of both editions in one pool of workers.
"""

from __future__ import annotations

import html as html_text
import re
from collections import defaultdict
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import tinycss2

from ..anatomy import Division, book_divisions
from ..cache import LayoutCache, fingerprint
from ..compose import compose_book_html
from ..diagnostics import Diagnostic
from ..geometry import PageGeometry
from ..model import RenderedBook
from ..printers import printer_rules
from ..project import Project
from ..themes import Theme
from .assembly import PlacedPage, assemble_pdf
from .digital_file import finish_digital_pdf
from .divisions import LEAD_ID, NEXT_ID, PAGE_TOKEN, StretchLayout, StretchPage, StretchRequest
from .furniture import FurnitureMismatch, FurniturePage, FurnitureRequest
from .layouts import LayoutRunner
from .pdf import (
    Edition,
    EditionPage,
    PageFacts,
    PrintLayout,
    PrintStyles,
    folio,
    layout_request,
    to_roman,
)
from .print_file import finish_print_pdf

#: How many rounds of laying out again before the edition is taken as it is.
MAX_ROUNDS = 4

#: The kinds of division laid out together with the ones around them: the display pages before
#: the contents are a handful of short pages that change together.
_DISPLAY = {"cover", "half-title", "title-page", "copyright", "dedication", "epigraph"}

Requests = Mapping[object, object]
#: An edition being laid out (see `lay_out_edition`).
EditionLayout = Generator[Requests, Mapping[object, object], PrintLayout]


@dataclass
class _Stretch:
    """A run of divisions laid out as one document."""

    divisions: tuple[Division, ...]
    html: str
    #: The ids in its HTML, and the ids it links to in other stretches.
    ids: frozenset[str]
    cited: tuple[str, ...]
    #: The start tag of its first element, for the marker that ends the stretch before it.
    opening: str


def lay_out_edition(
    rendered: RenderedBook,
    theme: Theme,
    project: Project,
    cache: LayoutCache,
    *,
    edition: Edition = "print",
    check: bool = False,
) -> EditionLayout:
    """Lay out one edition stretch by stretch; yields the requests of each round and is sent
    their layouts. Returns the laid-out edition."""
    page = EditionPage.of(theme, project, edition)
    stretches = _stretches(rendered, theme, project, edition)
    counter_styles = _citation_styles(theme)
    citing_sheets = _citing_stylesheets(theme)
    hint_key = fingerprint("bookify layout hints", str(project.root), edition,
                           tuple(s.divisions[0].id for s in stretches))
    hints = cache.get_object(hint_key)
    hints = hints if isinstance(hints, dict) else {}
    folios: dict[str, dict[str, str]] = hints.get("folios", {})
    sides: list[str] = [hints.get("sides", {}).get(s.divisions[0].id, "right") for s in stretches]
    geometry = page.geometry(hints.get("pages", 0))
    styles = PrintStyles.of(theme, project)

    def request(number: int, lead: bool | None = None) -> StretchRequest:
        stretch = stretches[number]
        lead = sides[number] == "left" if lead is None else lead
        following = stretches[number + 1].opening if number + 1 < len(stretches) else None
        return StretchRequest(html=_prepared(stretch, folios, counter_styles, lead, following),
                              geometry=geometry,
                              rewritten=citing_sheets if stretch.cited else (),
                              lead=lead, check=check, styles=styles)

    layouts: dict[int, tuple[StretchRequest, StretchLayout]] = {}
    wanted = {number: request(number) for number in range(len(stretches))}
    for _round in range(MAX_ROUNDS):
        if not wanted:
            break
        results = yield {("stretch", n): r for n, r in wanted.items()}
        for number, made in wanted.items():
            layouts[number] = (made, results["stretch", number])  # type: ignore[assignment]
        ordered = [layouts[n][1] for n in range(len(stretches))]
        if not all(layout.clean_break for layout in ordered):
            return (yield from _whole(rendered, theme, project, edition, check,
                                      "a division of the theme does not start a new page"))
        placed = _placement(ordered)
        geometry = page.geometry(placed.pages)
        folios = _folios(placed, counter_styles, rendered, stretches)
        sides = ["right" if start % 2 == 0 else "left" for start in placed.starts]
        side_free = _side_free(geometry, ordered)
        wanted = {}
        for number, (made, layout) in layouts.items():
            if request(number) == made:
                continue
            if (side_free and not any(p.blank for p in layout.pages)
                    and request(number, lead=made.lead) == made):
                continue  # only its side changed, and both sides of a page are alike
            wanted[number] = request(number)

    ordered = [layouts[n][1] for n in range(len(stretches))]
    placed = _placement(ordered)
    body_class = re.search(r'<body class="([^"]*)"', stretches[0].html)
    furniture_request = FurnitureRequest(
        pages=tuple(FurniturePage("right" if i % 2 == 0 else "left", p.blank, p.name, p.groups,
                                  p.strings) for i, p in enumerate(placed.facts)),
        body_class=body_class.group(1) if body_class else "",
        lang=rendered.book.meta.language, geometry=geometry, styles=styles)
    try:
        results = yield {("furniture", 0): furniture_request}
    except FurnitureMismatch as mismatch:
        return (yield from _whole(rendered, theme, project, edition, check, str(mismatch)))
    furniture = results["furniture", 0]

    front_start = placed.first_page_with("half-title")
    body_anchor = rendered.contents[0].id if rendered.contents else None
    body_start = placed.first_page_with(body_anchor)
    padding, blank = 0, None
    if edition == "print":
        blank = next((PlacedPage(s, p) for s, p, facts in placed.where if facts.blank), None)
        if blank is not None:
            count = placed.pages
            if printer_rules(page.printer).blank_last_page and not placed.facts[-1].blank:
                padding, count = 1, count + 1
            padding += count % 2
    pdf = assemble_pdf(
        [layout.pdf for layout in ordered],
        [tuple(a for p in layout.pages for a in p.anchors) for layout in ordered],
        [PlacedPage(s, p, facts.bookmarks, facts.height) for s, p, facts in placed.where],
        furniture, front_start=front_start, body_start=body_start,
        finish=(_print_finish(page, geometry) if edition == "print"
                else finish_digital_pdf if edition == "digital" else None),
        padding=padding, blank=blank,
        date=project.source_date.strftime("D:%Y%m%d%H%M%SZ"), cache=cache)
    facts = [PageFacts(p.anchors, p.opening_anchor, p.opening_text, p.blank, p.content)
             for p in placed.facts]
    if blank is not None:
        facts += [facts[placed.index_of(blank)]] * padding
    diagnostics: list[Diagnostic] = []
    by_division: dict[str, tuple[Diagnostic, ...]] = {}
    for number, layout in enumerate(ordered):
        start = placed.starts[number]
        found = [Diagnostic(diagnostic.severity, PAGE_TOKEN.sub(
                     lambda m: folio(start + int(m.group(1)), front_start, body_start),  # noqa: B023
                     diagnostic.message), diagnostic.location, diagnostic.hint)
                 for diagnostic in layout.diagnostics]
        diagnostics += found
        for division in stretches[number].divisions:
            by_division[division.id] = tuple(dict.fromkeys(found))
    cache.put_object(hint_key, {
        "pages": placed.pages,
        "folios": folios,
        # The side each stretch was laid out on (which may not be where it stands, when both
        # sides are alike): the next build asks for the same layouts and finds them cached.
        "sides": {stretch.divisions[0].id: "left" if layouts[number][0].lead else "right"
                  for number, stretch in enumerate(stretches)},
    })
    # A stylesheet's warning comes from every stretch that read it: say it once.
    return PrintLayout(pdf, tuple(facts), front_start, body_start, edition, geometry,
                       tuple(dict.fromkeys(diagnostics)), by_division)


# ---------------------------------------------------------------------- cutting into stretches


def _stretches(rendered: RenderedBook, theme: Theme, project: Project, edition: str
               ) -> list[_Stretch]:
    groups: list[list[Division]] = []
    for division in book_divisions(rendered, edition):
        if groups and division.kind in _DISPLAY and groups[-1][-1].kind in _DISPLAY:
            groups[-1].append(division)
        else:
            groups.append([division])
    stretches = []
    for group in groups:
        html = compose_book_html(rendered, theme, project, edition=edition,
                                 divisions=group, dated=False)
        ids = frozenset(re.findall(r'\sid="([^"]+)"', html))
        cited = tuple(dict.fromkeys(
            html_text.unescape(target) for target in re.findall(r'<a\b[^>]*\shref="#([^"]+)"', html)
            if html_text.unescape(target) not in ids))
        opening = re.search(r"<body\b[^>]*>\s*(<[a-zA-Z][^>]*>)", html)
        stretches.append(_Stretch(tuple(group), html, ids, cited,
                                  opening.group(1) if opening else "<div>"))
    return stretches


def _lead_html() -> str:
    return f'<div id="{LEAD_ID}" style="height: 1px; break-after: page"></div>'


def _marker_html(opening: str) -> str:
    """An empty element that breaks as the division beginning with `opening` does."""
    tag = re.match(r"<([a-zA-Z][\w-]*)", opening).group(1)  # type: ignore[union-attr]
    attributes = re.sub(r'\s(id|style)="[^"]*"', "", opening[len(tag) + 1:].rstrip("/>"))
    return (f'<{tag}{attributes} id="{NEXT_ID}" style="height: 1px; margin: 0; padding: 0; '
            f'border: 0"></{tag}>')


def _prepared(stretch: _Stretch, folios: dict[str, dict[str, str]], styles: tuple[str, ...],
              lead: bool, following: str | None) -> str:
    """The stretch's HTML as laid out: a lead page when it starts on a verso, a marker that
    breaks as the next stretch does, and the page numbers of what it cites."""
    html = stretch.html
    if stretch.cited:
        def cite(link: re.Match) -> str:
            target = html_text.unescape(link.group(2))
            if target in stretch.ids:
                return link.group(0)
            values = folios.get(target, {})
            attributes = ' data-bookify-page=""' + "".join(
                f' data-bookify-page-{style}="{html_text.escape(values.get(style, "0"))}"'
                for style in styles)
            return f"<a{attributes}{link.group(1)}"

        html = re.sub(r'<a\b((?=[^>]*\shref="#([^"]+)")[^>]*>)', cite, html)
    if lead:
        html = re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + _lead_html(), html, count=1)
    if following is not None:
        body, closing, rest = html.rpartition("</body>")
        html = f"{body}{_marker_html(following)}{closing}{rest}"
    return html


# ---------------------------------------------------------------------- cited page numbers


_TARGET_COUNTER = re.compile(
    r"target-counter\(\s*attr\(\s*href(?:\s+url)?\s*\)\s*,\s*page\s*(?:,\s*([a-z-]+)\s*)?\)")
_PSEUDO_ELEMENT = re.compile(r"(::?(?:after|before|marker))\s*$")


def _citation_rules(theme: Theme) -> list[tuple[str, str]]:
    """The rules of the theme's print stylesheets that print a linked page's number, as
    (selector list, declarations)."""
    rules = []
    for sheet in theme.stylesheets("print"):
        for rule in tinycss2.parse_stylesheet(sheet.read_text(encoding="utf-8"),
                                              skip_comments=True, skip_whitespace=True):
            if rule.type == "qualified-rule":
                body = tinycss2.serialize(rule.content)
                if _TARGET_COUNTER.search(body):
                    rules.append((tinycss2.serialize(rule.prelude).strip(), body))
    return rules


def _citation_styles(theme: Theme) -> tuple[str, ...]:
    """The counter styles the theme prints linked page numbers in (`decimal`, `lower-roman`…)."""
    styles = {match.group(1) or "decimal" for _, body in _citation_rules(theme)
              for match in _TARGET_COUNTER.finditer(body)}
    return tuple(sorted(styles))


def _citing_stylesheets(theme: Theme) -> tuple[tuple[Path, str], ...]:
    """The theme's print stylesheets that print linked pages' numbers, each with every such
    rule followed by its twin for links to another stretch: the same selector narrowed, at no
    cost in specificity, to links that carry the number (`:where([data-bookify-page])`), which
    prints the number the link carries since its target is not in the document. Standing right
    after the rule it stands in for, the twin wins and loses against every other rule exactly
    as that rule would."""
    rewritten = []
    for sheet in theme.stylesheets("print"):
        nodes = tinycss2.parse_stylesheet(sheet.read_text(encoding="utf-8"))
        out, changed = [], False
        for node in nodes:
            out.append(tinycss2.serialize([node]))
            if node.type != "qualified-rule":
                continue
            body = tinycss2.serialize(node.content)
            if not _TARGET_COUNTER.search(body):
                continue
            selectors = []
            for selector in _split_selectors(tinycss2.serialize(node.prelude)):
                match = _PSEUDO_ELEMENT.search(selector)
                head, tail = (selector[:match.start()], match.group(1)) if match else (selector, "")
                selectors.append(f"{head}:where([data-bookify-page]){tail}")
            declarations = _TARGET_COUNTER.sub(
                lambda m: f"attr(data-bookify-page-{m.group(1) or 'decimal'})", body)
            out.append(f"\n{', '.join(selectors)} {{{declarations}}}")
            changed = True
        if changed:
            rewritten.append((sheet, "".join(out)))
    return tuple(rewritten)


def _split_selectors(prelude: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in prelude:
        depth += 1 if char in "([" else -1 if char in ")]" else 0
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [part for part in parts if part]


# ---------------------------------------------------------------------- placement


@dataclass
class _Placement:
    starts: list[int]
    #: Every page of the book: (stretch, page in the stretch, what is on it).
    where: list[tuple[int, int, StretchPage]]

    @property
    def pages(self) -> int:
        return len(self.where)

    @property
    def facts(self) -> list[StretchPage]:
        return [facts for _, _, facts in self.where]

    def first_page_with(self, anchor: str | None) -> int | None:
        return next((i for i, (_, _, facts) in enumerate(self.where) if anchor in facts.anchors),
                    None)

    def index_of(self, placed: PlacedPage) -> int:
        return self.starts[placed.stretch] + placed.page


def _placement(layouts: list[StretchLayout]) -> _Placement:
    starts, where = [], []
    for number, layout in enumerate(layouts):
        starts.append(len(where))
        where.extend((number, index, facts) for index, facts in enumerate(layout.pages))
    return _Placement(starts, where)


def _folios(placed: _Placement, styles: tuple[str, ...], rendered: RenderedBook,
            stretches: list[_Stretch]) -> dict[str, dict[str, str]]:
    """The page number of every cited anchor, in each counter style the theme prints."""
    wanted = {target for stretch in stretches for target in stretch.cited}
    front_start = placed.first_page_with("half-title")
    body_start = placed.first_page_with(rendered.contents[0].id if rendered.contents else None)
    first: dict[str, int] = {}
    for index, (_, _, facts) in enumerate(placed.where):
        for anchor in facts.anchors:
            if anchor in wanted:
                first.setdefault(anchor, index)
    folios = {}
    for anchor, index in first.items():
        if body_start is not None and index >= body_start:
            value = index - body_start + 1
        elif front_start is not None and index >= front_start:
            value = index - front_start + 1
        else:
            value = index + 1
        folios[anchor] = {style: _counter(value, style) for style in styles}
    return folios


def _counter(value: int, style: str) -> str:
    if style == "lower-roman":
        return to_roman(value)
    if style == "upper-roman":
        return to_roman(value).upper()
    return str(value)


def _side_free(geometry: PageGeometry, layouts: list[StretchLayout]) -> bool:
    """Whether a page's text area is the same on both sides (the digital edition's even
    margins), so a stretch laid out on one side serves on the other."""
    if geometry.inside != geometry.outside or geometry.bleed_pt:
        return False
    areas: dict[tuple[str, str], set] = defaultdict(set)
    for layout in layouts:
        for page in layout.pages:
            areas[page.name, page.side].add(page.content)
    return all(areas[name, "left"] == content for (name, side), content in areas.items()
               if side == "right" and (name, "left") in areas)


# ---------------------------------------------------------------------- the safe way round


def lay_out_editions(runner: LayoutRunner, editions: Mapping[str, EditionLayout]
                     ) -> dict[str, PrintLayout]:
    """Run the rounds of every edition together, so the workers stay busy across editions."""
    laid_out: dict[str, PrintLayout] = {}
    asked = {}
    for name, edition in editions.items():
        try:
            asked[name] = next(edition)
        except StopIteration as stop:
            laid_out[name] = stop.value
    while asked:
        futures = runner.submit_all({(name, key): request for name, requests in asked.items()
                                     for key, request in requests.items()})
        answered = {}
        for name, requests in asked.items():
            results, error = {}, None
            for key in requests:
                try:
                    results[key] = runner.result(futures[name, key])
                except FurnitureMismatch as mismatch:
                    error = mismatch
            try:
                answered[name] = (editions[name].throw(error) if error is not None
                                  else editions[name].send(results))
            except StopIteration as stop:
                laid_out[name] = stop.value
        asked = answered
    return laid_out


def _print_finish(page: EditionPage, geometry: PageGeometry) -> Callable[[pikepdf.Pdf], None]:
    """How the assembled print edition is made the file its printer takes."""
    rules = printer_rules(page.printer)
    return lambda pdf: finish_print_pdf(pdf, geometry, rules, page.crop_marks)


def _whole(rendered: RenderedBook, theme: Theme, project: Project, edition: Edition,
           check: bool, why: str):
    """The edition laid out as one document, when its stretches cannot stand alone."""
    request = layout_request(rendered, theme, project, edition=edition, check=check)
    results = yield {("whole", 0): request}
    layout: PrintLayout = results["whole", 0]  # type: ignore[assignment]
    notice = Diagnostic("notice", f"the {edition} edition was laid out as one document ({why})")
    return PrintLayout(layout.pdf, layout.page_facts, layout.front_start, layout.body_start,
                       layout.edition, layout.geometry, (*layout.diagnostics, notice))

