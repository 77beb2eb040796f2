"""Which of the theme's font files an EPUB's text is set in, so the book ships those alone.

A face no text uses is dead weight in every reader's download (EB Garamond's bold and bold
italic were a quarter of a plain essay collection's EPUB). No library answers "which @font-face
does this text use" without laying the book out, so this runs a small cascade of the three
properties that choose a face (font-family, font-weight, font-style) over the EPUB's pages with
the theme's own stylesheets, then matches faces as CSS Fonts 3 §5.2 does. Where it cannot be
sure (a rule on a pseudo-element), it keeps the face: a missing face is drawn by the reader as a
faux bold or italic, an extra one only costs bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import cssselect2
import tinycss2
from lxml import etree

#: What a browser's own stylesheet says for the elements an essay uses (HTML's rendering
#: section): these set weight and style before any theme rule.
_USER_AGENT_CSS = """
b, strong, th, h1, h2, h3, h4, h5, h6 { font-weight: bold }
em, i, cite, var, dfn, address { font-style: italic }
"""


@dataclass(frozen=True, slots=True)
class FontFace:
    """One @font-face rule: the family it names, its weight and style, the file it loads."""

    family: str
    weight: int
    italic: bool
    url: str


def font_faces(fonts_css: str) -> list[FontFace]:
    """The @font-face rules of a theme's fonts.css."""
    faces = []
    for rule in tinycss2.parse_stylesheet(fonts_css, skip_comments=True, skip_whitespace=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face" or rule.content is None:
            continue
        values = _declarations(rule.content)
        url = next((t.value for t in values.get("src", []) if t.type == "url"), None)
        url = url or next((_url_function(t) for t in values.get("src", [])
                           if t.type == "function"), None)
        family = _families(values.get("font-family", []))
        if url and family:
            faces.append(FontFace(family[0], _weight(values.get("font-weight", []), 400),
                                  _italic(values.get("font-style", []), False), url))
    return faces


def used_faces(pages: Iterable[etree._Element], stylesheets: Iterable[str],
               faces: list[FontFace]) -> set[FontFace]:
    """The faces the text of `pages` (XHTML documents) is set in under `stylesheets`."""
    matcher = cssselect2.Matcher()
    order = 0
    for css in (_USER_AGENT_CSS, *stylesheets):
        for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
            if rule.type != "qualified-rule":
                continue  # @media and @supports blocks are left to the reader; so are @page's
            values = {k: v for k, v in _declarations(rule.content).items()
                      if k in ("font-family", "font-weight", "font-style", "font")}
            if not values:
                continue
            try:
                selectors = cssselect2.compile_selector_list(rule.prelude)
            except cssselect2.SelectorError:
                continue
            for selector in selectors:
                matcher.add_selector(selector, (order, values))
            order += 1
    used: set[FontFace] = set()
    for page in pages:
        for family, weight, italic in _text_styles(
                cssselect2.ElementWrapper.from_xml_root(page), matcher):
            face = _matching_face(faces, family, weight, italic)
            if face is not None:
                used.add(face)
    return used


def trimmed_fonts_css(fonts_css: str, kept: set[FontFace]) -> str:
    """`fonts_css` without the @font-face rules of the faces not `kept`."""
    out = []
    for rule in tinycss2.parse_stylesheet(fonts_css):
        if (rule.type == "at-rule" and rule.lower_at_keyword == "font-face"
                and not any(face.url in rule.serialize() for face in kept)):
            continue
        out.append(rule.serialize())
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip() + "\n"


# ----------------------------------------------------------------------------- the cascade

_Style = tuple[tuple[str, ...], int, bool]


def _text_styles(root: cssselect2.ElementWrapper, matcher: cssselect2.Matcher
                 ) -> Iterator[tuple[tuple[str, ...], int, bool]]:
    """(families, weight, italic) of every piece of text in the document's body."""
    # Each entry: an element, the style it inherits, and whether its parent is in the body.
    stack: list[tuple[cssselect2.ElementWrapper, _Style, bool]] = [(root, ((), 400, False), False)]
    while stack:
        wrapper, inherited, parent_in_body = stack.pop()
        element = wrapper.etree_element
        if not isinstance(element.tag, str):
            continue
        style, extra = _computed(wrapper, matcher, inherited)
        in_body = parent_in_body or element.tag.endswith("}body")
        if in_body:
            if (element.text or "").strip():
                yield style
            yield from extra
        if parent_in_body and (element.tail or "").strip():
            yield inherited  # the text after an element is its parent's
        stack.extend((child, style, in_body) for child in wrapper.iter_children())


def _computed(wrapper: cssselect2.ElementWrapper, matcher: cssselect2.Matcher,
              inherited: _Style) -> tuple[_Style, list[_Style]]:
    """The element's style, and the styles of its pseudo-elements that set a face."""
    families, weight, italic = inherited
    extra: list[_Style] = []
    matches = sorted(matcher.match(wrapper), key=lambda m: (m[0], m[1]))
    for _specificity, _order, pseudo, (_number, values) in matches:
        style = _apply(values, (families, weight, italic))
        if pseudo is None:
            families, weight, italic = style
        else:
            extra.append(style)
    return (families, weight, italic), [_apply_inherit(s, (families, weight, italic))
                                        for s in extra]


def _apply_inherit(style: _Style, base: _Style) -> _Style:
    return (style[0] or base[0], style[1], style[2])


def _apply(values: dict[str, list[Any]], style: _Style) -> _Style:
    families, weight, italic = style
    if "font" in values:
        tokens = [t for t in values["font"] if t.type not in ("whitespace", "comment")]
        italic = any(t.type == "ident" and t.lower_value in ("italic", "oblique") for t in tokens)
        weight = next((_weight([t], weight) for t in tokens
                       if (t.type == "ident" and t.lower_value in ("bold", "bolder", "lighter"))
                       or (t.type == "number" and t.is_integer)), 400)
        families = _families(_after_size(values["font"])) or families
    if "font-family" in values:
        families = _families(values["font-family"]) or families
    if "font-weight" in values:
        weight = _weight(values["font-weight"], weight)
    if "font-style" in values:
        italic = _italic(values["font-style"], italic)
    return families, weight, italic


def _matching_face(faces: list[FontFace], families: tuple[str, ...], weight: int,
                   italic: bool) -> FontFace | None:
    """The face CSS Fonts 3's matching picks: the first family with faces, then style, then
    the nearest weight in the direction the spec prescribes."""
    for family in families:
        candidates = [f for f in faces if f.family.casefold() == family.casefold()]
        if not candidates:
            continue
        styled = [f for f in candidates if f.italic == italic] or candidates
        weights = sorted({f.weight for f in styled})
        if weight in weights:
            chosen = weight
        elif 400 <= weight <= 500:
            up = [w for w in weights if weight < w <= 500]
            down = [w for w in weights if w < weight]
            chosen = up[0] if up else (down[-1] if down else weights[0])
        elif weight < 400:
            down = [w for w in weights if w < weight]
            chosen = down[-1] if down else weights[0]
        else:
            up = [w for w in weights if w > weight]
            chosen = up[0] if up else weights[-1]
        return next(f for f in styled if f.weight == chosen)
    return None


# ------------------------------------------------------------------------------ values

def _declarations(content: list[Any]) -> dict[str, list[Any]]:
    values: dict[str, list[Any]] = {}
    for declaration in tinycss2.parse_declaration_list(content, skip_comments=True,
                                                       skip_whitespace=True):
        if declaration.type == "declaration":
            values[declaration.lower_name] = declaration.value
    return values


def _url_function(token: Any) -> str | None:
    if token.lower_name != "url":
        return None
    return next((t.value for t in token.arguments if t.type == "string"), None)


def _families(tokens: list[Any]) -> tuple[str, ...]:
    families: list[str] = []
    current: list[str] = []
    for token in [*tokens, None]:
        if token is None or (token.type == "literal" and token.value == ","):
            if current:
                families.append(" ".join(current))
            current = []
        elif token.type in ("string", "ident"):
            current.append(token.value)
    return tuple(families)


def _after_size(tokens: list[Any]) -> list[Any]:
    """The font shorthand's family list: what follows its size (and line height)."""
    for index, token in enumerate(tokens):
        if token.type in ("dimension", "percentage") or (
                token.type == "ident" and token.lower_value in (
                    "small", "medium", "large", "smaller", "larger", "x-small", "x-large")):
            rest = tokens[index + 1:]
            while rest and (rest[0].type == "whitespace" or (
                    rest[0].type == "literal" and rest[0].value == "/")):
                rest = rest[1:]
                if rest and rest[0].type in ("number", "dimension", "percentage"):
                    rest = rest[1:]
            return rest
    return []


def _weight(tokens: list[Any], inherited: int) -> int:
    for token in tokens:
        if token.type == "number" and token.is_integer:
            return int(token.int_value)
        if token.type == "ident":
            value = token.lower_value
            if value == "normal":
                return 400
            if value == "bold":
                return 700
            if value == "bolder":
                return 400 if inherited < 350 else 700 if inherited < 550 else 900
            if value == "lighter":
                return 100 if inherited < 550 else 400 if inherited < 750 else 700
    return inherited


def _italic(tokens: list[Any], inherited: bool) -> bool:
    for token in tokens:
        if token.type == "ident":
            if token.lower_value in ("italic", "oblique"):
                return True
            if token.lower_value == "normal":
                return False
    return inherited
