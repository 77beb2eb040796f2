"""`Book` → `RenderedBook`: the only stage that parses Markdown.

Each essay goes through Python-Markdown (footnotes, tables, smart punctuation, attribute and
definition lists, fenced code, abbreviations), then through nh3 so raw HTML cannot carry
scripts or event handlers into the book, then through one lxml pass that makes the fragment
book-ready: ids prefixed with the essay id (unique book-wide), links between essays resolved,
images checked and turned into figures, footnotes split out, headings collected.
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape as xml_escape

import markdown as python_markdown
import nh3
from lxml import etree, html as lxml_html

from . import __version__
from .assemble import slugify
from .cache import LayoutCache, fingerprint
from .diagnostics import Diagnostics
from .errors import Location, ManuscriptError
from .imagecheck import ImageProblem, check_image
from .manuscript import drop_control_characters
from .model import (
    Book,
    Essay,
    Heading,
    Part,
    RenderedBook,
    RenderedEssay,
    RenderedPart,
    RenderedPerson,
)
from .project import Project
from .xmltree import remove_keeping_text

EXTENSIONS = [
    "footnotes",
    "tables",
    "smarty",
    "attr_list",
    "def_list",
    "fenced_code",
    "abbr",
    "sane_lists",
    "md_in_html",
]
EXTENSION_CONFIGS = {
    "footnotes": {"SEPARATOR": "-", "BACKLINK_TEXT": "\u2191", "BACKLINK_TITLE": "Back to the text"},
}

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg"}

#: Elements and attributes raw HTML in a manuscript may use; everything else is removed.
ALLOWED_TAGS = {
    "a", "abbr", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code",
    "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "samp", "section", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "lang", "dir", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style", "scope"},
    "ol": {"start", "type", "reversed"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "time": {"datetime"},
}
VOID_ELEMENTS = {"br", "hr", "img", "col", "wbr"}

#: The deepest nesting of elements an essay may have: far beyond any book (a list in a quote in
#: a list…), well within what the page layout's recursion can take.
MAX_NESTING = 40


_DEEP_LINE = re.compile(rf"^(?:[ \t]*>){{{MAX_NESTING + 1}}}|^(?: {{4}}|\t){{{MAX_NESTING + 1}}}",
                        re.M)


def _refuse_deep_source(essay: Essay) -> None:
    """Refuse quotes or lists nested past `MAX_NESTING` from the source, before Python-Markdown
    spends minutes on them (its nested lists cost the square of their depth)."""
    match = _DEEP_LINE.search(essay.markdown)
    if match:
        line = essay.body_line + essay.markdown.count("\n", 0, match.start())
        raise ManuscriptError(
            f"the text is nested more than {MAX_NESTING} levels deep (quotes or lists inside "
            "one another)", Location(essay.source, line),
            "no book needs this much nesting: flatten the quotes or lists")


#: The longest paragraph (in characters) bookify lays out: far beyond any book's (a page holds
#: about 2,500), short of where breaking it into lines takes minutes.
MAX_PARAGRAPH = 100_000
_TEXT_BLOCKS = ("p", "li", "td", "th", "dd", "dt", "pre", "h1", "h2", "h3", "h4", "h5", "h6")


def _text_of(markdown: str) -> str:
    """The start of a piece of Markdown, to quote in a message."""
    text = " ".join(markdown.split())
    return text if len(text) <= 40 else text[:39] + "…"


def _depth(root: etree._Element) -> int:
    """How many elements deep a tree goes, counted without recursion."""
    deepest, stack = 0, [(root, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node)
    return deepest


def render_book(
    book: Book,
    project: Project,
    diagnostics: Diagnostics,
    progress: Callable[[int, int], None] | None = None,
    cache: LayoutCache | None = None,
) -> RenderedBook:
    """Render every essay's Markdown, then resolve links between essays.

    `progress(done, total)` is called after each essay, for a progress display. Python-Markdown
    is the slow part, and a rebuild mostly finds the same essays: their HTML comes from `cache`,
    if given.
    """
    converter = _Converter(project, diagnostics, cache)
    drafts: dict[Path, _Draft] = {}
    essays = [*book.front, *book.essays(), *book.back]
    for number, essay in enumerate(essays, start=1):
        drafts[essay.source.resolve()] = converter.convert(essay)
        if progress:
            progress(number, len(essays))
    for draft in drafts.values():
        _resolve_links(draft, drafts, diagnostics)

    def rendered(essay: Essay) -> RenderedEssay:
        return drafts[essay.source.resolve()].finish()

    # What follows comes from bookify.toml (part titles, the book's own texts) or the
    # contributors file: messages about it name that file.
    converter.where = Location(project.config_path)
    contents: list[RenderedEssay | RenderedPart] = []
    for entry in book.contents:
        if isinstance(entry, Part):
            title_html = converter.inline(entry.title)
            contents.append(
                RenderedPart(
                    part=entry,
                    title_html=title_html,
                    title_text=_text(title_html),
                    essays=tuple(rendered(e) for e in entry.essays),
                    intro_html=converter.html(entry.intro) if entry.intro else None,
                )
            )
        else:
            contents.append(rendered(entry))
    subtitle = book.meta.subtitle
    meta = book.meta
    result = RenderedBook(
        book=book,
        title_html=converter.inline(meta.title),
        subtitle_html=converter.inline(subtitle) if subtitle else None,
        contents=tuple(contents),
        dedication_html=converter.html(meta.dedication) if meta.dedication else None,
        epigraph_html=converter.html(meta.epigraph) if meta.epigraph else None,
        epigraph_source_html=converter.inline(meta.epigraph_source) if meta.epigraph_source else None,
        front=tuple(rendered(piece) for piece in book.front),
        back=tuple(rendered(piece) for piece in book.back),
    )
    if book.back_matter.contributors or book.back_matter.author_index:
        result = dataclasses.replace(result, people=_people(result, converter))
    converter.keep_short_texts()
    return result


def _people(rendered: RenderedBook, converter: _Converter) -> tuple[RenderedPerson, ...]:
    """Every author and translator, sorted by sort name, with their texts in reading order —
    the essays' people, and those of the foreword and other authored pieces (and of
    `foreword_by`, `introduction_by`) that the contributors file describes."""
    book = rendered.book
    essays = list(rendered.texts())
    names = dict.fromkeys(book.contributor_names())
    people = []
    used: set[str] = set()
    root = converter.project.root.resolve()
    converter.where = Location(book.roster.source)
    for name in names:
        person = book.person(name)
        anchor = "contributor-" + (slugify(person.id) or "x")
        while anchor in used:
            anchor += "-2"
        used.add(anchor)
        people.append(RenderedPerson(
            id=anchor,
            contributor=person,
            bio_html=converter.html(person.bio) if person.bio else None,
            essays=tuple(e for e in essays if name in e.essay.authors),
            translated=tuple(e for e in essays if name in e.essay.translators),
            photo_src=(person.photo.relative_to(root).as_posix() if person.photo else None),
        ))
    return tuple(sorted(people, key=lambda p: p.contributor.sort_name.casefold()))


def _text(fragment: str) -> str:
    """Plain text of an inline HTML fragment."""
    return lxml_html.fragment_fromstring(fragment, create_parent="span").text_content()


@dataclass
class _Draft:
    """An essay between conversion and link resolution."""

    essay: Essay
    body: etree._Element
    notes: etree._Element | None
    headings: tuple[Heading, ...]
    images: tuple[Path, ...]
    ids: set[str]
    title_html: str
    subtitle_html: str | None
    epigraph_html: str | None
    epigraph_source_html: str | None
    credit_html: str | None
    note_html: str | None
    inlines: dict[str, str]

    def finish(self) -> RenderedEssay:
        text = self.body.text_content()
        return RenderedEssay(
            essay=self.essay,
            title_html=self.title_html,
            title_text=_text(self.title_html),
            subtitle_html=self.subtitle_html,
            epigraph_html=self.epigraph_html,
            epigraph_source_html=self.epigraph_source_html,
            credit_html=self.credit_html,
            note_html=self.note_html,
            collection_html=self.inlines.get("collection"),
            copyright_html=self.inlines.get("copyright"),
            license_html=self.inlines.get("license"),
            source_html=self.inlines.get("source_note"),
            body_html=_serialize_children(self.body),
            body_with_footnotes_html=(_serialize_children(_footnotes_inline(self.body, self.notes))
                                      if self.notes is not None else None),
            notes_html=_serialize_children(self.notes) if self.notes is not None else "",
            headings=self.headings,
            images=self.images,
            words=len(re.findall(r"\w[\w’'-]*", text)),
        )


#: Texts at least this long (essays, not titles) are kept in the cache one by one; shorter ones
#: all together.
CACHED_LENGTH = 2000


class _Converter:
    def __init__(self, project: Project, diagnostics: Diagnostics,
                 cache: LayoutCache | None = None) -> None:
        self.project = project
        self.diagnostics = diagnostics
        self.cache = cache
        #: The short texts (titles, bylines, credits, bios) converted in this build, and those
        #: the last build converted: one cache entry for all of them.
        self._short: dict[str, str] = {}
        self._kept_short: dict[str, str] = {}
        if cache is not None:
            kept = cache.get_object(self._short_key())
            self._kept_short = kept if isinstance(kept, dict) else {}
        #: Where the text being converted comes from, for messages about it.
        self.where = Location()
        self.md = python_markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
        )

    def tree(self, text: str, location: Location | None = None,
             images: bool = False) -> etree._Element:
        """Markdown → sanitised HTML, parsed into a `<div>` holding the blocks.

        Text that did not come through `read_manuscript` (config strings, bios) may still hold
        characters XML cannot; they are dropped here with a warning. Nesting deeper than any
        book needs is refused before it can exhaust the layout's recursion.
        """
        location = location or self.where
        text, dropped = drop_control_characters(text)
        if dropped:
            self.diagnostics.warn(
                f"dropped {len(dropped)} control character{'s' if len(dropped) > 1 else ''} "
                f"from '{text[:40]}'", location or Location(),
                "delete the form feeds, escapes or vertical tabs from the text")
        try:
            root = lxml_html.fragment_fromstring(self._sanitized_html(text), create_parent="div")
        except RecursionError:
            root = None
        if root is None or _depth(root) > MAX_NESTING:
            raise ManuscriptError(
                f"the text is nested more than {MAX_NESTING} levels deep (quotes, lists, "
                "emphasis or HTML blocks inside one another)", location,
                "no book needs this much nesting: flatten the quotes or lists")
        for block in root.iter(*_TEXT_BLOCKS):
            if len(block.text_content()) > MAX_PARAGRAPH:
                raise ManuscriptError(
                    f"a paragraph of {len(block.text_content()):,} characters, starting "
                    f"'{_text_of(block.text_content())}'; bookify sets at most "
                    f"{MAX_PARAGRAPH:,} in one paragraph", location,
                    "break it into paragraphs with blank lines")
        if not images and (img := next(root.iter("img"), None)) is not None:
            raise ManuscriptError(
                f"image '{(img.get('src') or '')[:60]}' in '{_text_of(text)}': images belong in "
                "an essay's text, its footnotes or its epigraph", location,
                "move the image into an essay (a title, byline, dedication, bio or part "
                "introduction cannot hold one)")
        return root

    def _sanitized_html(self, text: str) -> str:
        """Markdown → sanitised HTML: a function of the text alone (and of this module and the
        libraries it calls, which the cache key names), so it can be kept."""
        key = None
        if len(text) < CACHED_LENGTH:
            kept_short = self._short.get(text, self._kept_short.get(text))
            if isinstance(kept_short, str):
                self._short[text] = kept_short
                return kept_short
        elif self.cache is not None:
            key = fingerprint("bookify markdown", _conversion_version(), text)
            kept = self.cache.get(key)
            if kept is not None:
                return kept.decode("utf-8")
        self.md.reset()
        html = _sanitize(self.md.convert(text))
        if key is not None:
            self.cache.put(key, html.encode("utf-8"))
        elif len(text) < CACHED_LENGTH:
            self._short[text] = html
        return html

    def keep_short_texts(self) -> None:
        """Keep this build's short texts for the next one (only these, so the entry does not
        grow with every edit)."""
        if self.cache is not None and self._short != self._kept_short:
            self.cache.put_object(self._short_key(), self._short)

    @staticmethod
    def _short_key() -> str:
        return fingerprint("bookify markdown short texts", _conversion_version())

    def html(self, text: str) -> str:
        """Markdown → sanitised HTML blocks, serialised as XHTML-safe text."""
        return _serialize_children(self.tree(text))

    def inline(self, text: str) -> str:
        """Render a title or byline: inline Markdown and smart punctuation, never a block.

        A title such as "1. The Beginning" or "- and then" must not become a list, so characters
        that would start a block are escaped first.
        """
        text = re.sub(r"[ \t\r\n]+", " ", text).strip()
        text = re.sub(r"^(\d+)([.)])(\s)", r"\1\\\2\3", text)
        text = re.sub(r"^([-+*])(\s)", r"\\\1\2", text)
        text = re.sub(r"^([>#])", r"\\\1", text)
        root = self.tree(text)
        if len(root) == 1 and root[0].tag == "p":
            root = root[0]
        return _serialize_children(root).strip()

    def convert(self, essay: Essay) -> _Draft:
        self.where = Location(essay.source)
        try:
            return self._convert(essay)
        finally:
            self.where = Location()

    def _convert(self, essay: Essay) -> _Draft:
        _refuse_deep_source(essay)
        root = self.tree(essay.markdown, Location(essay.source), images=True)
        prefix = essay.id + "--"
        notes = None
        for container in root.xpath('./div[@class="footnote"]'):
            notes = container.find("ol")
            root.remove(container)
        for element in [root, notes] if notes is not None else [root]:
            for node in element.iter():
                if node.get("id"):
                    node.set("id", prefix + node.get("id"))
        headings = self._headings(essay, root, prefix)
        epigraph = self.tree(essay.epigraph, Location(essay.source), images=True) \
            if essay.epigraph else None
        # Images in the notes and the epigraph go through the same checks as the text's.
        images = [path for tree in (root, notes, epigraph) if tree is not None
                  for path in self._images(essay, tree)]
        self._warn_undefined_notes(essay, [root, notes] if notes is not None else [root])
        _mark_languages(root)
        _set_verse(root)
        _mark_opening(root)
        language = essay.lang or self.project.config.book.language
        for tree in (root, notes):
            if tree is not None:
                _dash_spaced_hyphens(tree)
                punctuate(tree, language)
        _number_blocks(root, essay.id)
        ids = {n.get("id") for tree in (root, notes) if tree is not None for n in tree.iter() if n.get("id")}
        return _Draft(
            essay=essay,
            body=root,
            notes=notes,
            headings=headings,
            images=tuple(dict.fromkeys(images)),
            ids=ids,
            title_html=self.inline(essay.title),
            subtitle_html=self.inline(essay.subtitle) if essay.subtitle else None,
            epigraph_html=_serialize_children(epigraph) if epigraph is not None else None,
            epigraph_source_html=self.inline(essay.epigraph_source) if essay.epigraph_source else None,
            credit_html=self.inline(essay.credit) if essay.credit else None,
            note_html=self.inline(essay.note) if essay.note else None,
            inlines={key: self.inline(getattr(essay, key)) for key in
                     ("collection", "copyright", "license", "source_note") if getattr(essay, key)},
        )

    def _headings(self, essay: Essay, root: etree._Element, prefix: str) -> tuple[Heading, ...]:
        """Collect section headings, with levels a reader's navigation can follow.

        The essay title is the only h1, so body headings start at h2, and a level is never
        skipped (an h4 straight after an h2 becomes an h3), as accessibility rules require.
        """
        found = [n for n in root.iter() if n.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
        shift = 1 if any(n.tag == "h1" for n in found) else 0
        headings = []
        used: set[str] = set()
        previous = 1
        lines = _Lines(essay)
        for node in found:
            written = min(int(node.tag[1]) + shift, 6)
            level = min(written, previous + 1)
            if level != written:
                self.diagnostics.warn(
                    f"heading '{node.text_content().strip()}' skips a level; it is set as a "
                    f"level-{level - shift} heading",
                    Location(essay.source, lines.of(node.text_content().strip())),
                    "use one more # than the heading above it",
                )
            previous = level
            node.tag = f"h{level}"
            if not node.get("id"):
                base = prefix + (slugify(node.text_content()) or "section")
                candidate, n = base, 2
                while candidate in used:
                    candidate, n = f"{base}-{n}", n + 1
                node.set("id", candidate)
            used.add(node.get("id"))
            headings.append(Heading(node.get("id"), level, node.text_content().strip()))
        return tuple(headings)

    def _warn_undefined_notes(self, essay: Essay, trees: list[etree._Element]) -> None:
        """A call `[^9]` with no `[^9]: …` is left as written by Python-Markdown: say where."""
        lines = _Lines(essay)
        for tree in trees:
            for node in tree.iter():
                if not isinstance(node.tag, str):
                    continue
                for text in _prose_texts(node):
                    for call in _NOTE_CALL.findall(text or ""):
                        self.diagnostics.warn(
                            f"footnote {call} is called but never defined",
                            Location(essay.source, lines.of(call)),
                            f"add a line '{call}: the note's text' at the end of the essay, "
                            "or remove the call",
                        )

    def _images(self, essay: Essay, root: etree._Element) -> tuple[Path, ...]:
        images: list[Path] = []
        lines = _Lines(essay)
        for img in root.iter("img"):
            src = img.get("src", "")
            location = Location(essay.source, lines.of(src))
            if not src.strip():  # no address, or one the sanitiser removed (data:, javascript:)
                raise ManuscriptError(
                    "an image without a file (data: and other addresses are not allowed)",
                    Location(essay.source, lines.of("![") or lines.of("<img")),
                    "save the image as a file in the project and link to it: ![A map](map.png)")
            if urlsplit(src).scheme in ("http", "https", "data") or src.startswith("//"):
                if not self.project.config.build.allow_network or src.startswith("data:"):
                    raise ManuscriptError(
                        f"image '{src[:60]}' is not a file in the project",
                        location,
                        "download the image into the project (e.g. images/) and link to it there",
                    )
                continue
            path = self.project.resolve(unquote(src), base=essay.source.parent,
                                        what="image", location=location, error=ManuscriptError)
            if not path.is_file():
                raise ManuscriptError(
                    f"image '{src}' not found", location,
                    "check the path; it is relative to the essay's file",
                )
            if path.suffix.lower() not in IMAGE_SUFFIXES:
                raise ManuscriptError(
                    f"image '{src}' is not a JPEG, PNG, GIF, WebP or SVG file", location,
                    "convert it to PNG or JPEG",
                )
            try:
                check_image(path)
            except ImageProblem as problem:
                raise ManuscriptError(f"image '{src}': {problem.message}", location,
                                      problem.hint) from None
            if "decorative" in (img.get("class") or "").split():
                img.set("alt", "")
                img.set("role", "presentation")
            elif img.get("alt") is None or not img.get("alt").strip():
                self.diagnostics.warn(
                    f"image '{src}' has no alt text", location,
                    "describe the image in the brackets: ![A bridge at dusk](bridge.jpg)",
                )
                img.set("alt", "")
            img.set("src", path.relative_to(self.project.root.resolve()).as_posix())
            images.append(path)
            _make_figure(img)
        return tuple(dict.fromkeys(images))


@functools.cache
def _conversion_version() -> str:
    """What the Markdown conversion is made of: this module's code and the versions of bookify,
    Python-Markdown and nh3."""
    return fingerprint(__version__, python_markdown.__version__, nh3.__version__,
                       Path(__file__))


#: A footnote call Python-Markdown left as text because no note of that name is defined.
_NOTE_CALL = re.compile(r"\[\^[^\]\s]+\]")


#: Languages written right to left; an element in one of them gets `dir="rtl"`.
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ps", "sd", "syr", "ug", "ur", "yi"})


def text_direction(lang: str | None) -> str | None:
    """'rtl' for a right-to-left language tag ('ar', 'he-IL', 'fa'), else None."""
    if not lang:
        return None
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else None


def _mark_languages(root: etree._Element) -> None:
    """Passages marked with another language (`{: lang="ar" }`) get their writing direction."""
    for node in root.iter():
        direction = text_direction(node.get("lang"))
        if direction and not node.get("dir"):
            node.set("dir", direction)


def _mark_opening(root: etree._Element) -> None:
    """The theme gives the text's first paragraph a drop cap or a first line in small capitals.
    A first paragraph wholly in italics ("*To the Lady of the Manor…*") is an inscription, not
    the text: it is marked `inscription`, and the paragraph after it `opener`, so that one
    opens the text and a drop cap never splits an italic word from its first letter."""
    blocks = [node for node in root if isinstance(node.tag, str)]
    if not blocks or blocks[0].tag != "p" or not _wholly_emphasised(blocks[0]):
        return
    _add_class(blocks[0], "inscription")
    if len(blocks) > 1 and blocks[1].tag == "p" and not _has_class(blocks[1], "verse"):
        _add_class(blocks[1], "opener")


def _wholly_emphasised(paragraph: etree._Element) -> bool:
    """Whether every word of `paragraph` is inside one `<em>` or `<i>`."""
    children = [child for child in paragraph if isinstance(child.tag, str)]
    return (len(children) == 1 and children[0].tag in ("em", "i")
            and not (paragraph.text or "").strip() and not (children[0].tail or "").strip())


def _has_class(node: etree._Element, name: str) -> bool:
    return name in (node.get("class") or "").split()


def _add_class(node: etree._Element, name: str) -> None:
    node.set("class", " ".join([*(node.get("class") or "").split(), name]))


#: Blocks that get an id, so the print edition's page breaks can be marked in the EPUB.
NUMBERED_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre", "figcaption"})


def _number_blocks(root: etree._Element, essay_id: str) -> None:
    """Give every paragraph-like block an id (`essay.12`): the print layout reports the ids that
    begin on each page, and the EPUB marks its page breaks at those blocks."""
    number = 0
    for node in root.iter():
        if node.tag in NUMBERED_BLOCKS and not node.get("id"):
            number += 1
            node.set("id", f"{essay_id}.{number}")


def _make_figure(img: etree._Element) -> None:
    """A paragraph holding only an image becomes a figure; the image's title is its caption."""
    parent = img.getparent()
    if parent is None or parent.tag != "p" or len(parent) != 1:
        return
    if (parent.text or "").strip() or (img.tail or "").strip():
        return
    parent.tag = "figure"
    parent.text = None
    img.tail = None
    caption = img.attrib.pop("title", None)
    if caption:
        figcaption = etree.SubElement(parent, "figcaption")
        figcaption.text = caption


def _resolve_links(draft: _Draft, drafts: dict[Path, _Draft], diagnostics: Diagnostics) -> None:
    """Point every link at a book-wide id: `#x` in the essay, `other.md#x` in another essay."""
    essay = draft.essay
    prefix = essay.id + "--"
    lines = _Lines(essay)
    for tree in (draft.body, draft.notes):
        if tree is None:
            continue
        for link in tree.iter("a"):
            href = link.get("href")
            if href is None:
                continue
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue
            location = Location(essay.source, lines.of(href))
            if not parts.path:
                target = prefix + unquote(parts.fragment)
                if target not in draft.ids:
                    diagnostics.warn(f"link to '#{parts.fragment}', which is not in this essay",
                                     location, "check the spelling of the id")
                    _unlink(link)
                else:
                    link.set("href", "#" + target)
                continue
            path = (essay.source.parent / unquote(parts.path)).resolve()
            other = drafts.get(path)
            if other is None:
                diagnostics.warn(f"link to '{parts.path}', which is not an essay in this book",
                                 location, "link to another essay's .md file, or to a web address")
                _unlink(link)
                continue
            if not parts.fragment:
                link.set("href", "#" + other.essay.id)
            elif other.essay.id + "--" + unquote(parts.fragment) in other.ids:
                link.set("href", "#" + other.essay.id + "--" + unquote(parts.fragment))
            else:
                diagnostics.warn(
                    f"link to '{href}': that essay has no '#{parts.fragment}'", location,
                    "the link now points at the start of the essay",
                )
                link.set("href", "#" + other.essay.id)


def _unlink(link: etree._Element) -> None:
    """Keep a dead link's text, drop the link."""
    link.attrib.pop("href", None)
    link.tag = "span"


class _Lines:
    """Finds the source line of each occurrence of a text, in order: the second use of an image
    is reported at its own line, not at the first one's.

    Texts are looked for in reading order, so each search starts where the last one ended (and
    only falls back to the whole text), and lines are counted by bisection: an essay with
    thousands of notes costs time in proportion to its length, not to its length squared.
    """

    def __init__(self, essay: Essay) -> None:
        self.essay = essay
        self.after: dict[str, int] = {}
        self.cursor = 0
        self._newlines: list[int] | None = None

    def of(self, needle: str) -> int | None:
        text = self.essay.markdown
        if not needle:
            return None
        start = max(self.after.get(needle, 0), self.cursor)
        index = text.find(needle, start)
        if index < 0:
            index = text.find(needle, self.after.get(needle, 0))
        if index < 0:
            index = text.find(needle)
        if index < 0:
            return None
        self.after[needle] = self.cursor = index + len(needle)
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", text)]
        return self.essay.body_line + bisect.bisect_left(self._newlines, index)


def _set_verse(root: etree._Element) -> None:
    """Keep a poem's lines: each line of a `{: .verse }` paragraph becomes a line of its own
    (a block, so a line too long for the measure wraps with a hanging indent)."""
    for verse in root.xpath('.//*[contains(concat(" ", normalize-space(@class), " "), " verse ")]'):
        for paragraph in ([verse] if verse.tag == "p" else verse.iter("p")):
            _split_lines(paragraph)


def _split_lines(paragraph: etree._Element) -> None:
    lines: list[etree._Element] = []
    current = etree.Element("span", {"class": "verse-line"})

    def add_text(text: str | None) -> None:
        nonlocal current
        parts = (text or "").split("\n")
        for number, part in enumerate(parts):
            if number:
                lines.append(current)
                current = etree.Element("span", {"class": "verse-line"})
            if part:
                if len(current):
                    current[-1].tail = (current[-1].tail or "") + part
                else:
                    current.text = (current.text or "") + part

    add_text(paragraph.text)
    for child in list(paragraph):
        tail, child.tail = child.tail, None
        if child.tag == "br":
            lines.append(current)
            current = etree.Element("span", {"class": "verse-line"})
        else:
            current.append(child)
        add_text(tail)
    lines.append(current)
    paragraph.text = None
    for child in list(paragraph):
        paragraph.remove(child)
    kept = 0
    for line in lines:
        if line.text and not line.text.strip() and not len(line):
            continue
        if line.text is None and not len(line):
            continue
        line.text = (line.text or "").lstrip() or None
        paragraph.append(line)
        kept += 1
    if kept <= SHORT_STANZA_LINES:
        # A short stanza read across a page turn loses its shape: it is kept whole.
        _add_class(paragraph, "short-stanza")


#: The longest stanza kept whole on one page; a longer one may break between its lines.
SHORT_STANZA_LINES = 6


#: A hyphen with a space on each side, between words: a typed dash ("walls - and").
_SPACED_HYPHEN = re.compile(r"(?<=[^\s-]) - (?=[^\s-])")


def _dash_spaced_hyphens(root: etree._Element) -> None:
    """A spaced hyphen in running text is a dash: set it as a spaced en dash (" – "), as smart
    punctuation does for `--`. Code is left as written."""
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if node.text and not _in_code(node):
            node.text = _SPACED_HYPHEN.sub(" – ", node.text)
        if node.tail and (node.getparent() is None or not _in_code(node.getparent())):
            node.tail = _SPACED_HYPHEN.sub(" – ", node.tail)


#: Elements whose text is code, left as written.
_CODE = frozenset({"code", "pre", "kbd", "samp"})


def _in_code(node: etree._Element) -> bool:
    """Whether `node`'s own text is code (it or an element around it is code)."""
    return node.tag in _CODE or any(a.tag in _CODE for a in node.iterancestors())


def _prose_texts(node: etree._Element) -> list[str | None]:
    """The text and tail of `node` that are prose, not code."""
    texts = [] if _in_code(node) else [node.text]
    parent = node.getparent()
    if parent is None or not _in_code(parent):
        texts.append(node.tail)
    return texts


#: French typography puts a no-break space inside guillemets and before ; : ! ? (the narrow
#: one, U+202F, is missing from most book fonts and e-readers, so the ordinary one is used).
_NBSP = "\u00a0"
_FRENCH = [
    (re.compile(r"“\s*"), "«" + _NBSP), (re.compile(r"\s*”"), _NBSP + "»"),
    (re.compile(r"«[ \u00a0\u202f]?"), "«" + _NBSP), (re.compile(r"[ \u00a0\u202f]?»"), _NBSP + "»"),
    (re.compile(r"(?<=[^\W\d_]|[»)])[ \u00a0\u202f]?([;!?])"), _NBSP + r"\1"),
    (re.compile(r"(?<=[^\W\d_]|[»)])[ \u00a0\u202f]?:(?!//)"), _NBSP + ":"),
]
#: German quotation marks: „so“ and ‚so‘, from the English ones smart quotes made; marks
#: already German (a „ and the “ closing it, which follows a letter or punctuation) are kept.
#: A ’ is also the apostrophe ("geht’s"), so only the one closing a ‚ in the same text becomes ‘.
_GERMAN = [(re.compile(r"(?<![^\s(\[—–-])“"), "„"), (re.compile("”"), "“"),
           (re.compile(r"(?<![^\s(\[—–„-])‘"), "‚"), (re.compile(r"‚([^‚‘’]*?)’(?!\w)"), r"‚\1‘")]

#: The punctuation rules of each language that has its own, by primary language subtag.
_PUNCTUATION = {"fr": _FRENCH, "de": _GERMAN}

#: A word joiner (U+2060, invisible) before a closed-up em dash ("matter—in"): a line may end
#: after the dash but never open with it, in print and in every e-reader (Unicode lets a line
#: break on either side of an em dash). A spaced dash (" — ") is left alone.
_WORD_JOINER = "\u2060"
_CLOSED_UP_DASH = [(re.compile(r"(?<=[^\s\u2060])\u2014"), _WORD_JOINER + "\u2014")]


def punctuate(root: etree._Element, language: str) -> None:
    """Set the punctuation conventions of the text's language, after smart quotes made them
    English: French spacing and guillemets, German quotation marks. A passage marked with
    another language (`{: lang="de" }`) takes that language's; code is left as written.
    In every language a closed-up em dash is joined to the word before it (`_CLOSED_UP_DASH`)."""
    _punctuate(root, language)


def _punctuate(node: etree._Element, inherited: str) -> None:
    language = node.get("lang") or inherited
    rules = _PUNCTUATION.get(language.split("-")[0].lower(), []) + _CLOSED_UP_DASH

    def fix(text: str | None, rules: list) -> str | None:
        if not text:
            return text
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        return text

    if node.tag not in ("code", "pre", "kbd", "samp"):
        node.text = fix(node.text, rules)
        for child in node:
            if isinstance(child.tag, str):
                _punctuate(child, language)
            # the text after a child is the parent's, in the parent's language
            child.tail = fix(child.tail, rules)
            if (child.tail and child.tail.startswith("\u2014") and child.tag != "br"
                    and isinstance(child.tag, str)):  # "*Clarissa*—and": closed up to the word
                child.tail = _WORD_JOINER + child.tail


#: Block elements a note may hold, set inside the inline note as spans of these classes.
_NOTE_BLOCKS = {"p", "blockquote", "ul", "ol", "li", "pre", "div", "dl", "dt", "dd", "table"}


def _footnotes_inline(body: etree._Element, notes: etree._Element) -> etree._Element:
    """A copy of the body with each note's text where it is called, for footnotes in print.

    CSS `float: footnote` moves an element to the foot of the page its call falls on, so the
    note must stand where the call does; inside a paragraph it can only hold inline elements,
    so its paragraphs become block-displayed spans. The number is WeasyPrint's footnote counter.
    """
    body = copy.deepcopy(body)
    by_id = {item.get("id"): item for item in notes.iter("li") if item.get("id")}
    placed: set[str] = set()
    for link in list(body.xpath('.//sup/a[contains(@class, "footnote-ref")]')):
        call, target = link.getparent(), (link.get("href") or "").lstrip("#")
        if target not in by_id:
            continue
        if target in placed:  # a second call of the same note: its number only
            call.attrib.pop("id", None)
            call.set("class", "footnote-again")
            continue
        placed.add(target)
        note = copy.deepcopy(by_id[target])
        for backref in note.xpath('.//a[contains(@class, "footnote-backref")]'):
            remove_keeping_text(backref)
        note.tag = "span"
        note.attrib.clear()
        note.set("class", "footnote")
        note.set("id", target)
        # WeasyPrint breaks the line after the note's number at a leading newline.
        note.text = (note.text or "").lstrip() or None
        if len(note):
            note[-1].tail = (note[-1].tail or "").rstrip() or None
        for block in note.iter():
            if block is not note and block.tag in _NOTE_BLOCKS:
                block.set("class", f"footnote-{block.tag} " + (block.get("class") or "").strip())
                block.tag = "span"
        note.tail = call.tail
        call.getparent().replace(call, note)
    return body


def _sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
    )


def _serialize_children(root: etree._Element) -> str:
    """Serialize a fragment's children as XHTML that is also valid HTML.

    Empty non-void elements get an explicit end tag (`<span></span>`, not `<span/>`, which an
    HTML parser would leave open), and characters are written as themselves, never as named
    entities, which XHTML readers reject.
    """
    for node in root.iter():
        if (isinstance(node.tag, str) and node.tag not in VOID_ELEMENTS and not len(node)
                and node.text is None):
            node.text = ""
    text = xml_escape(root.text or "")
    return text + "".join(
        etree.tostring(child, method="xml", encoding="unicode", with_tail=True) for child in root
    )
