"""Block quotes as a book designer sets them: verse kept in its lines, mottoes set as epigraphs.

Authors type verse as a block quote with hard line breaks (two spaces or a backslash at the end
of each line) and open an essay with a quoted motto; Python-Markdown makes both ordinary block
quotes, which print would justify as prose and set as the text's first paragraph. This pass,
run on each essay's HTML after sanitising, decides what each quote is:

- a paragraph of a block quote whose lines are hard-broken is **verse**: it gets the class
  `verse`, its lines become one element each (`span.verse-line`, a hanging indent for a line too
  long for the measure) and the EPUB's `z3998:verse` semantics;
- a short paragraph opening with a dash after the first ("— Muhammad"), or such a last line of
  verse, is the quote's **attribution** (`p.attribution`, set right);
- the block quotes that open an essay, before any of its text, are its **epigraph**
  (`class="epigraph"`, `epub:type="epigraph"`, `role="doc-epigraph"`), and the paragraph after
  them opens the text (`p.opener`: the theme's drop cap or small-capital lead-in).

Authors can say otherwise with a class on the quote or one of its paragraphs (`{: .prose }`,
`{: .verse }`, `{: .poem }` for a whole poem, `{: .epigraph }`, `{: .not-epigraph }`).
"""

from __future__ import annotations

import re

from lxml import etree

#: Classes an author puts on a block quote (or one of its paragraphs) to decide what it is.
PROSE, VERSE, POEM, EPIGRAPH, NOT_EPIGRAPH = "prose", "verse", "poem", "epigraph", "not-epigraph"

#: The longest stanza kept whole on one page; a longer one may break between its lines.
SHORT_STANZA_LINES = 6

#: The longest attribution ("— Epilogue to Beaumont and Fletcher's *Honest Man's Fortune*"):
#: a longer paragraph opening with a dash is the quote's own text.
ATTRIBUTION_LENGTH = 120

#: An attribution opens with an em dash, a horizontal bar, or an en dash and a space.
_ATTRIBUTION = re.compile(r"^\s*(?:[\u2014\u2015]|\u2013\s)")

_EPUB_TYPE = "epub:type"


def has_class(node: etree._Element, name: str) -> bool:
    return name in (node.get("class") or "").split()


def add_class(node: etree._Element, name: str) -> None:
    if not has_class(node, name):
        node.set("class", " ".join([*(node.get("class") or "").split(), name]))


def _add_epub_type(node: etree._Element, value: str) -> None:
    kinds = (node.get(_EPUB_TYPE) or "").split()
    if value not in kinds:
        node.set(_EPUB_TYPE, " ".join([*kinds, value]))


def _marked(quote: etree._Element, name: str) -> bool:
    """Whether the author gave the quote, or any paragraph of it, the class `name` (Markdown's
    `{: .name }` under a quote lands on its last paragraph)."""
    return has_class(quote, name) or any(has_class(p, name) for p in _paragraphs(quote))


def _paragraphs(quote: etree._Element) -> list[etree._Element]:
    return [child for child in quote if child.tag == "p"]


def set_quotations(root: etree._Element, opening: bool = True) -> None:
    """Decide what each block quote of an essay's body is (verse, attribution, epigraph) and mark
    the paragraph that opens the text; then split every verse paragraph into its lines.

    With `opening` false, `root` is not an essay's body but an epigraph given in its front matter
    (set inside the theme's epigraph): its hard-broken paragraphs are verse, nothing else."""
    for quote in root.iter("blockquote"):
        _set_quote(quote)
    if opening:
        _set_epigraphs(root)
        _mark_opening(root)
    else:
        for paragraph in _paragraphs(root):
            if _says(paragraph) == VERSE or (_says(paragraph) is None
                                             and paragraph.find("br") is not None):
                add_class(paragraph, VERSE)
    for poem in root.xpath('.//*[contains(concat(" ", normalize-space(@class), " "), " poem ")]'):
        add_class(poem, VERSE)
    set_verse(root)


def _set_quote(quote: etree._Element) -> None:
    paragraphs = _paragraphs(quote)
    if not paragraphs:
        return
    for paragraph in paragraphs[1:]:
        if _is_attribution(paragraph):
            add_class(paragraph, "attribution")
    quote_says = _says(quote)
    text = [p for p in paragraphs if not has_class(p, "attribution")]
    verse = [p for p in text
             if (_says(p) or quote_says) == VERSE
             or ((_says(p) or quote_says) is None and p.find("br") is not None)]
    if verse:
        _split_off_attribution(verse[-1])
    poem = _marked(quote, POEM)
    if verse and len(verse) == len(text) and not _marked(quote, EPIGRAPH):
        # A quote of verse alone: the quote is the verse, each paragraph a stanza.
        add_class(quote, VERSE)
        if poem:
            add_class(quote, POEM)
        for paragraph in verse:
            _remove_class(paragraph, VERSE, POEM)
            add_class(paragraph, "stanza")
    else:
        for paragraph in verse:
            add_class(paragraph, VERSE)
            if poem:
                add_class(paragraph, POEM)


def _says(node: etree._Element) -> str | None:
    """What the author's class says an element is: VERSE (`.verse`, `.poem`), PROSE or nothing."""
    if has_class(node, VERSE) or has_class(node, POEM):
        return VERSE
    return PROSE if has_class(node, PROSE) else None


def _remove_class(node: etree._Element, *names: str) -> None:
    kept = [name for name in (node.get("class") or "").split() if name not in names]
    if kept:
        node.set("class", " ".join(kept))
    else:
        node.attrib.pop("class", None)


def _is_attribution(paragraph: etree._Element) -> bool:
    text = paragraph.text_content()
    return bool(_ATTRIBUTION.match(text)) and len(text.strip()) <= ATTRIBUTION_LENGTH \
        and paragraph.find("br") is None


def _split_off_attribution(paragraph: etree._Element) -> bool:
    """A verse paragraph whose last line opens with a dash ("…unquam,” / —Horace, Ep., i. 14")
    ends with its attribution: that line becomes a paragraph of its own after it."""
    breaks = paragraph.findall("br")
    if not breaks:
        return False
    last = breaks[-1]
    following = list(last.itersiblings())
    text = (last.tail or "") + "".join(
        node.text_content() + (node.tail or "") for node in following)
    if not _ATTRIBUTION.match(text) or len(text.strip()) > ATTRIBUTION_LENGTH:
        return False
    line = etree.Element("p", {"class": "attribution"})
    line.text = (last.tail or "").lstrip()
    for node in following:
        line.append(node)  # moved, with its tail
    line.tail = paragraph.tail
    previous = last.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "").rstrip() or None
    else:
        paragraph.text = (paragraph.text or "").rstrip()
    paragraph.remove(last)
    paragraph.addnext(line)
    return True


def _set_epigraphs(root: etree._Element) -> None:
    """The block quotes before an essay's first text are its epigraph, and so is a quote the
    author marked `{: .epigraph }` anywhere; `{: .not-epigraph }` keeps an opening quote a
    quote."""
    opening = True
    for block in root:
        if not isinstance(block.tag, str):
            continue
        if block.tag != "blockquote":
            opening = False
            continue
        if _marked(block, NOT_EPIGRAPH) or not (opening or _marked(block, EPIGRAPH)):
            continue
        for paragraph in _paragraphs(block):
            _remove_class(paragraph, EPIGRAPH)
        add_class(block, EPIGRAPH)
        _add_epub_type(block, "epigraph")
        block.set("role", "doc-epigraph")


def _mark_opening(root: etree._Element) -> None:
    """The theme gives the text's first paragraph a drop cap or a first line in small capitals.
    The epigraphs before it are passed over. A first paragraph wholly in italics ("*To the Lady
    of the Manor…*") is an inscription, not the text: it is marked `inscription`, and the
    paragraph after it `opener`, so that one opens the text and a drop cap never splits an
    italic word from its first letter. After an epigraph the first paragraph is marked `opener`
    too (it is no longer the body's first child)."""
    blocks = [node for node in root if isinstance(node.tag, str)]
    epigraphs = 0
    while epigraphs < len(blocks) and blocks[epigraphs].tag == "blockquote" \
            and has_class(blocks[epigraphs], EPIGRAPH):
        epigraphs += 1
    blocks = blocks[epigraphs:]
    if not blocks or blocks[0].tag != "p" or has_class(blocks[0], VERSE):
        return
    if _wholly_emphasised(blocks[0]):
        add_class(blocks[0], "inscription")
        if len(blocks) > 1 and blocks[1].tag == "p" and not has_class(blocks[1], VERSE):
            add_class(blocks[1], "opener")
    elif epigraphs:
        add_class(blocks[0], "opener")


def _wholly_emphasised(paragraph: etree._Element) -> bool:
    """Whether every word of `paragraph` is inside one `<em>` or `<i>`."""
    children = [child for child in paragraph if isinstance(child.tag, str)]
    return (len(children) == 1 and children[0].tag in ("em", "i")
            and not (paragraph.text or "").strip() and not (children[0].tail or "").strip())


def set_verse(root: etree._Element) -> None:
    """Keep a poem's lines: each line of a verse paragraph (`{: .verse }`, or a stanza of a verse
    quote) becomes a line of its own (a block, so a line too long for the measure wraps with a
    hanging indent), and the element gets the EPUB's structural semantics (`z3998:verse`, or
    `z3998:poem` for one marked `.poem`). An attribution under the verse is left as it is."""
    for verse in root.xpath('.//*[contains(concat(" ", normalize-space(@class), " "), " verse ")]'):
        _add_epub_type(verse, "z3998:poem" if has_class(verse, POEM) else "z3998:verse")
        for paragraph in ([verse] if verse.tag == "p" else verse.iter("p")):
            if not has_class(paragraph, "attribution"):
                _split_lines(paragraph)


def _split_lines(paragraph: etree._Element) -> None:
    if paragraph.find('span[@class="verse-line"]') is not None:
        return  # already split (a verse paragraph inside a verse quote)
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
        if kept:
            # A line break between lines, for a reader that shows the text without styles.
            paragraph[-1].tail = "\n"
        paragraph.append(line)
        kept += 1
    if kept <= SHORT_STANZA_LINES:
        # A short stanza read across a page turn loses its shape: it is kept whole.
        add_class(paragraph, "short-stanza")
