"""The readers' HTML → an essay's Markdown, in the dialect bookify builds from.

Both readers (mammoth for .docx, ours for .odt) give the same small HTML: headings, paragraphs
(`p.title`, `p.subtitle`, `p.author`, `p.verse`), block quotes, lists, tables, inline emphasis,
`span.smallcaps`, `span[lang]`, `sup`/`sub`, links, images and notes in mammoth's shape
(`a[href="#footnote-1"]` calls, `li#footnote-1` bodies). Writing Markdown in one place keeps the
two formats' imports identical.
"""

from __future__ import annotations

import builtins
import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree, html

#: A paragraph that is only a scene-break mark: `***`, `* * *`, `#`, `⁂`, `~`, `§`, dingbats.
SCENE_BREAK = re.compile(r"^[\s\u00a0]*(?:(?:[*\u2217\u2731\u2042]\s*){1,5}|#|~|§|\u2766|\u2767|"
                         r"\u25c6|(?:\u2022\s*){3})[\s\u00a0]*$")
_NOTE_CALL = re.compile(r"^#(footnote|endnote)-(\d+)$")
_NOTE_BODY = re.compile(r"^(footnote|endnote)-(\d+)$")
_SPACES = re.compile(r"[ \t\r\n]+")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
_LINE_START = re.compile(r"^(\s*)([#>+=|]|-(?=\s|$)|\d+(?=[.)]\s)|\*(?=\s))", re.MULTILINE)


@dataclass
class MarkdownEssay:
    """An essay's Markdown body and what the document said about itself in styled paragraphs."""

    body: str
    title: str | None = None
    subtitle: str | None = None
    author: str | None = None
    notes: int = 0
    dropped: Counter[str] = field(default_factory=Counter)


def classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").split())


def plain_text(element: etree._Element) -> str:
    """The element's text with spaces collapsed (for titles and scene-break marks)."""
    return _SPACES.sub(" ", "".join(element.itertext())).strip()


class _Writer:
    """One conversion: numbers notes in order of their calls, gathers their bodies."""

    def __init__(self, note_bodies: dict[str, etree._Element]) -> None:
        self.note_bodies = note_bodies
        self.note_numbers: dict[str, int] = {}
        self.dropped: Counter[str] = Counter()

    # ------------------------------------------------------------------ inline
    def inline(self, element: etree._Element, verse: bool = False) -> str:
        """The Markdown of an element's content (text, children, not its own tail)."""
        parts = [self.text(element.text or "", verse)]
        for child in element:
            if isinstance(child.tag, str):
                parts.append(self.inline_element(child, verse))
            parts.append(self.text(child.tail or "", verse))
        return "".join(parts)

    def text(self, text: str, verse: bool) -> str:
        text = text.replace("\t", " ")
        text = re.sub(r"[ \r\n]+", " ", text)
        return re.sub(r"([\\`*_\[\]]|<(?=[A-Za-z/!?]))", r"\\\1", text)

    def inline_element(self, element: etree._Element, verse: bool) -> str:
        tag = element.tag
        if tag == "br":
            return "\n" if verse else "  \n"
        if tag == "img":
            alt = (element.get("alt") or "").replace("]", "\\]").replace("[", "\\[")
            title = _SPACES.sub(" ", element.get("title") or "").strip().replace('"', '\\"')
            title = f' "{title}"' if title else ""
            return f"![{_SPACES.sub(' ', alt).strip()}]({element.get('src')}{title})"
        if tag == "a":
            return self.link(element, verse)
        content = self.inline(element, verse)
        if tag in ("em", "i"):
            return _wrap(content, "*", "*")
        if tag in ("strong", "b"):
            return _wrap(content, "**", "**")
        if tag in ("sup", "sub"):
            call = self.note_call(element)
            if call is not None:
                return call
            return _wrap(content, f"<{tag}>", f"</{tag}>")
        if tag in ("s", "del", "strike"):
            return _wrap(content, "<s>", "</s>")
        if tag == "span":
            if element.get("lang") and _LANGUAGE_TAG.fullmatch(element.get("lang")):
                lang = element.get("lang")
                inner = content.strip()
                if re.fullmatch(r"\*[^*].*[^*]\*|\*[^*]\*", inner) and "*" not in inner[1:-1]:
                    return _wrap(content, "", f'{{: lang="{lang}" }}')
                return _wrap(content, f'<span lang="{lang}">', "</span>")
            if "smallcaps" in classes(element):
                return _wrap(content, '<span class="smallcaps">', "</span>")
        return content

    def link(self, element: etree._Element, verse: bool) -> str:
        href = element.get("href")
        if href is not None:
            match = _NOTE_CALL.match(href)
            if match:
                return self.number_note(match.group(1), match.group(2))
        content = self.inline(element, verse)
        if href is None:
            if element.get("id") and not content:
                self.dropped["bookmarks"] += 1
            return content
        if href.startswith("#") or not content.strip():
            self.dropped["links inside the document"] += 1
            return content
        target = href if not re.search(r"[\s()<>]", href) else f"<{href}>"
        return _wrap(content, "[", f"]({target})")

    def note_call(self, element: etree._Element) -> str | None:
        """A `<sup><a href="#footnote-1">[1]</a></sup>` call, as `[^N]`."""
        links = list(element.iter("a"))
        if len(links) == 1 and _NOTE_CALL.match(links[0].get("href") or "") and (
                plain_text(element) == plain_text(links[0])):
            match = _NOTE_CALL.match(links[0].get("href"))
            return self.number_note(match.group(1), match.group(2))
        return None

    def number_note(self, kind: str, number: str) -> str:
        key = f"{kind}-{number}"
        if key not in self.note_numbers:
            self.note_numbers[key] = len(self.note_numbers) + 1
        return f"[^{self.note_numbers[key]}]"

    # ------------------------------------------------------------------ blocks
    def paragraph(self, element: etree._Element) -> str | None:
        """A paragraph's Markdown, or None for an empty one (spacing, or part of a scene break)."""
        has_image = element.find(".//img") is not None
        if not plain_text(element) and not has_image:
            return None
        if SCENE_BREAK.match(plain_text(element)) and not has_image:
            return "***"
        verse = "verse" in classes(element) or element.find(".//br") is not None
        lang = element.get("lang") or self.sole_language(element)
        if lang and not _LANGUAGE_TAG.fullmatch(lang):
            lang = None
        elif lang and not element.get("lang"):
            span = next(c for c in element if c.tag == "span")
            _unwrap(span)
        text = self.inline(element, verse)
        lines = [line.strip(" ") for line in text.split("\n")]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        text = "\n".join(_escape_line_start(line) for line in lines)
        attributes = []
        if verse:
            attributes.append(".verse")
        if lang:
            attributes.append(f'lang="{lang}"')
        if attributes:
            text += "\n{: " + " ".join(attributes) + " }"
        return text

    @staticmethod
    def sole_language(element: etree._Element) -> str | None:
        """The language of a paragraph that is one foreign-language span from end to end."""
        children = [c for c in element if isinstance(c.tag, str)]
        if (len(children) == 1 and children[0].tag == "span" and children[0].get("lang")
                and not (element.text or "").strip() and not (children[0].tail or "").strip()):
            return children[0].get("lang")
        return None

    def blocks(self, elements: list[etree._Element], top: bool = False) -> list[str]:
        """Markdown blocks; at the top level, runs of empty paragraphs longer than the document's
        usual spacing become scene breaks and the rest are dropped."""
        items: list[str | None] = []
        for element in elements:
            if not isinstance(element.tag, str):
                continue
            items.extend(self.block(element))
        if not top:
            return [item for item in items if item is not None]
        return self.scene_breaks(items)

    def scene_breaks(self, items: list[str | None]) -> list[str]:
        gaps: list[int] = []
        run = 0
        seen_text = False
        for item in items:
            if item is None:
                run += 1
                continue
            if seen_text:
                gaps.append(run)
            seen_text, run = True, 0
        usual = Counter(gaps).most_common(1)[0][0] if gaps else 0
        out: list[str] = []
        run = 0
        for item in items:
            if item is None:
                run += 1
                continue
            if run:
                heading_next = re.match(r"#{1,6} ", item) is not None
                if (out and run >= max(2, usual + 1) and out[-1] != "***" and item != "***"
                        and not heading_next and not re.match(r"#{1,6} ", out[-1])):
                    out.append("***")
                    self.dropped["empty paragraphs used for spacing"] += run - 1
                else:
                    self.dropped["empty paragraphs used for spacing"] += run
                run = 0
            if item == "***" and (not out or out[-1] == "***"):
                continue
            out.append(item)
        self.dropped["empty paragraphs used for spacing"] += run
        while out and out[-1] == "***":
            out.pop()
        if not self.dropped["empty paragraphs used for spacing"]:
            del self.dropped["empty paragraphs used for spacing"]
        return out

    def block(self, element: etree._Element) -> list[str | None]:
        tag = element.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = self.inline(element).strip()
            if not text:
                self.dropped["empty headings"] += 1
                return []
            return [f"{'#' * int(tag[1])} {text}"]
        if tag == "p":
            return [self.paragraph(element)]
        if tag == "hr":
            return ["***"]
        if tag == "blockquote":
            inner = self.blocks(list(element))
            if not inner:
                return []
            text = "\n\n".join(inner)
            return ["\n".join(f"> {line}" if line else ">" for line in text.split("\n"))]
        if tag in ("ul", "ol"):
            if any(_NOTE_BODY.match(li.get("id") or "") for li in element):
                return []
            return [self.list(element)]
        if tag == "table":
            return [self.table(element)]
        if tag in ("div", "section", "body"):
            return list(self.blocks(list(element)))
        text = self.inline(element).strip()
        return [text] if text else []

    def list(self, element: etree._Element) -> str:
        """A list, its items' paragraphs joined by line breaks, nested blocks indented."""
        lines = []
        for number, item in enumerate((c for c in element if c.tag == "li"), start=1):
            marker = f"{number}." if element.tag == "ol" else "-"
            children = list(item)
            nested = [c for c in children if c.tag in ("ul", "ol", "blockquote", "table")]
            content = etree.Element("li")
            content.text = item.text
            for child in children:
                if child in nested:
                    continue
                if child.tag == "p":
                    if len(content) or (content.text or "").strip():
                        content.append(etree.Element("br"))
                    child.tag = "span"
                    child.tail = None
                content.append(child)
            lines.append(f"{marker} {_escape_line_start(self.inline(content).strip())}".rstrip())
            for child in nested:
                for block in self.block(child):
                    if block:
                        lines.append("\n".join("    " + line if line else "" for line in
                                               block.split("\n")))
        return "\n".join(lines)

    def table(self, element: etree._Element) -> str:
        rows = []
        for row in element.iter("tr"):
            cells = []
            for cell in row:
                if cell.tag not in ("td", "th"):
                    continue
                texts = []
                for part in cell:
                    if part.tag == "p" or isinstance(part.tag, str):
                        texts.append(self.inline(part).strip())
                if not len(cell):
                    texts.append(self.inline(cell).strip())
                text = "<br>".join(t for t in texts if t).replace("\n", "<br>")
                cells.append(text.replace("|", "\\|"))
            rows.append(cells)
        if not rows:
            return ""
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)

    def notes(self) -> builtins.list[str]:
        """The notes' definitions, `[^N]: …`, in the order of their calls."""
        out = []
        for key, number in sorted(self.note_numbers.items(), key=lambda kv: kv[1]):
            body = self.note_bodies.get(key)
            if body is None:
                continue
            for backlink in body.xpath('.//a[starts-with(@href, "#footnote-ref") or '
                                       'starts-with(@href, "#endnote-ref")]'):
                _remove_keeping_tail(backlink)
            paragraphs = self.blocks(list(body)) if len(body) and body[0].tag in (
                "p", "ul", "ol", "blockquote", "table") else [self.inline(body).strip()]
            paragraphs = [p for p in paragraphs if p.strip()]
            if not paragraphs:
                paragraphs = [""]
            text = f"[^{number}]: " + paragraphs[0]
            for more in paragraphs[1:]:
                text += "\n\n" + "\n".join("    " + line for line in more.split("\n"))
            out.append(text.rstrip())
        return out


def _wrap(content: str, before: str, after: str) -> str:
    """Wrap inline Markdown, keeping the spaces at its edges outside the markers."""
    stripped = content.strip(" ")
    if not stripped:
        return content
    lead = content[: len(content) - len(content.lstrip(" "))]
    trail = content[len(content.rstrip(" ")):]
    return f"{lead}{before}{stripped}{after}{trail}"


def _escape_line_start(line: str) -> str:
    """Escape what would make a line of text a heading, quote, list item or table row."""
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line, count=1)


def _unwrap(element: etree._Element) -> None:
    """Put an element's content in its place (its text, children and tail, in order)."""
    parent = element.getparent()
    index = parent.index(element)
    previous = element.getprevious()

    def add_before(text: str) -> None:
        if previous is None:
            parent.text = (parent.text or "") + text
        else:
            previous.tail = (previous.tail or "") + text

    add_before(element.text or "")
    children = list(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if children:
        children[-1].tail = (children[-1].tail or "") + (element.tail or "")
    else:
        add_before(element.tail or "")
    parent.remove(element)


def _remove_keeping_tail(element: etree._Element) -> None:
    parent = element.getparent()
    previous = element.getprevious()
    tail = element.tail or ""
    if previous is None:
        parent.text = (parent.text or "") + tail
    else:
        previous.tail = (previous.tail or "") + tail
    parent.remove(element)


def _merge_verse(root: etree._Element) -> None:
    """Lines of a poem typed as one paragraph each (a Verse style) become one verse paragraph;
    an empty paragraph between them starts a new stanza."""
    for container in [root, *root.iter("blockquote", "li", "td")]:
        previous = None
        for child in list(container):
            if child.tag == "p" and "verse" in classes(child) and plain_text(child):
                if previous is not None:
                    previous.append(etree.Element("br"))
                    last = previous[-1]
                    last.tail = child.text
                    for grandchild in list(child):
                        previous.append(grandchild)
                    container.remove(child)
                    continue
                previous = child
            else:
                previous = None


def _attach_captions(root: etree._Element) -> None:
    """A Caption-styled paragraph right after a picture becomes the picture's caption (its
    title, which bookify sets as the figure's caption)."""
    for caption in root.xpath('.//p[contains(concat(" ", @class, " "), " caption ")]'):
        previous = caption.getprevious()
        images = previous.findall(".//img") if previous is not None else []
        if (previous is not None and previous.tag == "p" and len(images) == 1
                and not plain_text(previous) and plain_text(caption)
                and not images[0].get("title")):
            images[0].set("title", plain_text(caption))
            caption.getparent().remove(caption)
        else:
            caption.attrib.pop("class")


def to_markdown(fragment: str) -> MarkdownEssay:
    """Convert the readers' HTML to Markdown: front-matter fields from the title, subtitle and
    author paragraphs, headings shifted so the essay's top section level is `##`, notes last."""
    root = html.fragment_fromstring(fragment, create_parent="div")
    note_bodies = {}
    for item in root.iter("li"):
        match = _NOTE_BODY.match(item.get("id") or "")
        if match:
            note_bodies[f"{match.group(1)}-{match.group(2)}"] = item
    found: dict[str, str] = {}
    for role in ("title", "subtitle", "author"):
        for paragraph in root.xpath(f'.//p[contains(concat(" ", @class, " "), " {role} ")]'):
            text = plain_text(paragraph)
            if not text:
                paragraph.getparent().remove(paragraph)
            elif role not in found and paragraph.getparent() is root:
                found[role] = text
                root.remove(paragraph)
            else:  # a second Title further on is a heading; anything else stays text
                paragraph.tag = "h1" if role == "title" else "p"
                paragraph.attrib.pop("class")
    if "title" not in found:
        first = next((c for c in root if isinstance(c.tag, str) and
                      (plain_text(c) or c.find(".//img") is not None)), None)
        if first is not None and first.tag == "h1" and len(root.findall("h1")) == 1:
            found["title"] = plain_text(first)
            root.remove(first)
    levels = sorted({int(h.tag[1]) for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6")})
    shift = 2 - levels[0] if levels else 0
    for heading in list(root.iter("h1", "h2", "h3", "h4", "h5", "h6")):
        heading.tag = f"h{min(6, max(2, int(heading.tag[1]) + shift))}"
    _merge_verse(root)
    _attach_captions(root)
    writer = _Writer(note_bodies)
    blocks = writer.blocks(list(root), top=True)
    body = "\n\n".join(b for b in blocks if b)
    notes = writer.notes()
    if notes:
        body += "\n\n" + "\n\n".join(notes)
    return MarkdownEssay(body=body.strip() + "\n", title=found.get("title"),
                         subtitle=found.get("subtitle"), author=found.get("author"),
                         notes=len(notes), dropped=writer.dropped)
