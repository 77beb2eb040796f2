"""A corpus of bad and hostile book projects, one per kind of mistake an author, editor or
attacker makes, each with the exit status and message pinned in `golden/bad_input_corpus.txt`.

A case is a few files written over a one-essay project, and the `bookify build` options to run
with. Almost all fail before any page is laid out (`--format html`), so the corpus runs in
seconds. Cases build on the same base so each shows only what is wrong.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from PIL import Image

from .helpers import PNG

BASE_TOML = '[book]\ntitle = "T"\n'
GOOD = "---\ntitle: A\nauthor: Jane Doe\n---\nSome text.\n"


def fm(front: str, body: str = "Some text.\n") -> str:
    """An essay with these front-matter lines."""
    return f"---\n{front}\n---\n{body}"


def md(body: str) -> str:
    """An essay with this Markdown body."""
    return f"---\ntitle: A\n---\n{body}"


def _bomb() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")
    return buffer.getvalue()


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'


@dataclass(frozen=True)
class Case:
    name: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    toml: str = BASE_TOML
    options: tuple[str, ...] = ("--format", "html")
    #: Symbolic links to make: link path → target, relative to an "outside" folder if it starts
    #: with "outside/", else to the project.
    links: dict[str, str] = field(default_factory=dict)


def _front_matter() -> list[Case]:
    cases = [
        Case("fm-unknown-key", {"manuscripts/01-a.md": fm("title: A\ntitel: B")}),
        Case("fm-unknown-key-far", {"manuscripts/01-a.md": fm("title: A\nzzz: B")}),
        Case("fm-draft-not-bool", {"manuscripts/01-a.md": fm('title: A\ndraft: "yes"')}),
        Case("fm-keywords-not-list", {"manuscripts/01-a.md": fm("title: A\nkeywords: {a: 1}")}),
        Case("fm-title-is-list", {"manuscripts/01-a.md": fm("title: [a, b]")}),
        Case("fm-author-is-map", {"manuscripts/01-a.md": fm("title: A\nauthor: {a: 1}")}),
        Case("fm-impossible-date", {"manuscripts/01-a.md": fm("title: A\ndate: 2020-02-30")}),
        Case("fm-impossible-month", {"manuscripts/01-a.md": fm("title: A\ndate: 2020-13-01")}),
        Case("fm-impossible-date-in-list", {"manuscripts/01-a.md": fm("title: A\nkeywords: [1999-02-31]")}),
        Case("fm-unclosed", {"manuscripts/01-a.md": "---\ntitle: A\nSome text.\n"}),
        Case("fm-not-a-map", {"manuscripts/01-a.md": fm("- a\n- b")}),
        Case("fm-yaml-colon", {"manuscripts/01-a.md": fm("title: Essays: First Series: x")}),
        Case("fm-yaml-tab", {"manuscripts/01-a.md": fm("title: A\n\tauthor: B")}),
        Case("fm-yaml-unclosed-quote", {"manuscripts/01-a.md": fm('title: "A')}),
        Case("fm-yaml-python-tag", {"manuscripts/01-a.md": fm("title: !!python/object/apply:os.system [id]")}),
        Case("fm-yaml-deep", {"manuscripts/01-a.md": fm("title: A\nkeywords: " + "[" * 5000 + "]" * 5000)}),
        Case("fm-yaml-anchors-bomb", {"manuscripts/01-a.md": fm(
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ntitle: A")}),
        Case("fm-author-and-authors", {"manuscripts/01-a.md": fm("title: A\nauthor: X\nauthors: [Y]")}),
        Case("fm-title-megabyte", {"manuscripts/01-a.md": fm("title: " + "T" * 1_000_000)}),
        Case("fm-lang-invalid", {"manuscripts/01-a.md": fm("title: A\nlang: english!")}),
        Case("fm-lang-number", {"manuscripts/01-a.md": fm("title: A\nlang: 42")}),
        Case("fm-no-title", {"manuscripts/01-a.md": "Just text, no title.\n"}),
        Case("fm-empty-file", {"manuscripts/01-a.md": ""}),
        Case("fm-all-drafts", {"manuscripts/01-a.md": fm("title: A\ndraft: true")}),
        Case("fm-duplicate-slug", {"manuscripts/01-a.md": fm("title: A\nslug: same"),
                                   "manuscripts/02-b.md": fm("title: B\nslug: same")}),
        Case("fm-control-char", {"manuscripts/01-a.md": fm("title: A\x0c")}),
    ]
    return cases


def _markdown() -> list[Case]:
    return [
        Case("md-not-utf8", {"manuscripts/01-a.md": b"---\ntitle: A\n---\n\xff\xfe text\n"}),
        Case("md-control-chars-dropped", {"manuscripts/01-a.md": md("Form\x0cfeed, esc\x1b, vt\x0bline.\n")}),
        Case("md-noncharacter-dropped", {"manuscripts/01-a.md": md("A \ufffe here.\n")}),
        Case("md-missing-image", {"manuscripts/01-a.md": md("![A map](map.png)\n")}),
        Case("md-image-outside", {"manuscripts/01-a.md": md("![A map](../../etc/passwd.png)\n")}),
        Case("md-image-absolute", {"manuscripts/01-a.md": md("![A map](/etc/hosts.png)\n")}),
        Case("md-image-remote", {"manuscripts/01-a.md": md("![A map](https://example.org/map.png)\n")}),
        Case("md-image-protocol-relative", {"manuscripts/01-a.md": md("![A map](//example.org/m.png)\n")}),
        Case("md-image-data", {"manuscripts/01-a.md": md("![A map](data:image/png;base64,AAAA)\n")}),
        Case("md-image-wrong-suffix", {"manuscripts/01-a.md": md("![A map](map.tiff)\n"),
                                       "manuscripts/map.tiff": PNG}),
        Case("md-image-corrupt", {"manuscripts/01-a.md": md("![A map](map.png)\n"),
                                  "manuscripts/map.png": PNG[:40]}),
        Case("md-image-truncated", {"manuscripts/01-a.md": md("![A map](map.png)\n"),
                                    "manuscripts/map.png": PNG[:-20]}),
        Case("md-image-text-as-png", {"manuscripts/01-a.md": md("![A map](map.png)\n"),
                                      "manuscripts/map.png": b"not an image at all"}),
        Case("md-image-jpeg-garbage", {"manuscripts/01-a.md": md("![A map](map.jpg)\n"),
                                       "manuscripts/map.jpg": b"\xff\xd8\xff\xe0garbage"}),
        Case("md-image-bomb", {"manuscripts/01-a.md": md("![A map](map.png)\n"),
                               "manuscripts/map.png": _bomb()}),
        Case("md-image-in-footnote-missing", {"manuscripts/01-a.md": md("A.[^1]\n\n[^1]: ![M](gone.png)\n")}),
        Case("md-image-in-footnote-remote", {"manuscripts/01-a.md": md("A.[^1]\n\n[^1]: ![M](http://example.org/m.png)\n")}),
        Case("md-image-in-epigraph-remote", {"manuscripts/01-a.md": fm('title: A\nepigraph: "![M](http://example.org/m.png)"')}),
        Case("md-image-in-title", {"manuscripts/01-a.md": fm('title: "![M](m.png) Title"'),
                                   "manuscripts/m.png": PNG}),
        Case("md-svg-script", {"manuscripts/01-a.md": md("![M](m.svg)\n"),
                               "manuscripts/m.svg": SVG.format("<script>alert(1)</script>")}),
        Case("md-svg-onload", {"manuscripts/01-a.md": md("![M](m.svg)\n"),
                               "manuscripts/m.svg": SVG.format('<rect onload="alert(1)"/>')}),
        Case("md-svg-javascript-link", {"manuscripts/01-a.md": md("![M](m.svg)\n"),
                                        "manuscripts/m.svg": SVG.format('<a xlink:href="javascript:alert(1)"/>')}),
        Case("md-svg-foreign-object", {"manuscripts/01-a.md": md("![M](m.svg)\n"),
                                       "manuscripts/m.svg": SVG.format("<foreignObject/>")}),
        Case("md-svg-external-image", {"manuscripts/01-a.md": md("![M](m.svg)\n"),
                                       "manuscripts/m.svg": SVG.format('<image href="http://example.org/x.png"/>')}),
        Case("md-svg-file-reference", {"manuscripts/01-a.md": md("![M](m.svg)\n"),
                                       "manuscripts/m.svg": SVG.format('<image xlink:href="file:///etc/passwd"/>')}),
        Case("md-svg-billion-laughs", {"manuscripts/01-a.md": md("![M](m.svg)\n"), "manuscripts/m.svg":
                                       '<!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
                                       '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>'}),
        Case("md-svg-external-entity", {"manuscripts/01-a.md": md("![M](m.svg)\n"), "manuscripts/m.svg":
                                        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'}),
        Case("md-svg-not-xml", {"manuscripts/01-a.md": md("![M](m.svg)\n"), "manuscripts/m.svg": "<svg"}),
        Case("md-svg-not-svg", {"manuscripts/01-a.md": md("![M](m.svg)\n"), "manuscripts/m.svg": "<html/>"}),
        Case("md-svg-style-import", {"manuscripts/01-a.md": md("![M](m.svg)\n"), "manuscripts/m.svg":
                                     SVG.format("<style>@import url(http://example.org/x.css);</style>")}),
        Case("md-deep-lists", {"manuscripts/01-a.md": md("".join("  " * i + "- x\n" for i in range(300)))}),
        Case("md-deep-quotes", {"manuscripts/01-a.md": md("\n".join(">" * i + " x" for i in range(1, 300)))}),
        Case("md-deep-divs", {"manuscripts/01-a.md": md("<div>" * 2000 + "x" + "</div>" * 2000)}),
        Case("md-deep-emphasis", {"manuscripts/01-a.md": md("<em>" * 2000 + "x" + "</em>" * 2000)}),
        Case("md-long-paragraph", {"manuscripts/01-a.md": md("word " * 40_000)}),
        Case("md-huge-file", {"manuscripts/01-a.md": md("A line of text.\n\n" * 150_000)}),
        Case("md-dead-link-warning", {"manuscripts/01-a.md": md("[a link](#nowhere)\n")}),
        Case("md-script-stripped", {"manuscripts/01-a.md": md('<script>alert(1)</script><p onclick="x">Hi</p>\n')}),
        Case("md-javascript-link-stripped", {"manuscripts/01-a.md": md("[click](javascript:alert(1))\n")}),
        Case("md-no-alt-strict", {"manuscripts/01-a.md": md("![](m.png)\n"), "manuscripts/m.png": PNG},
             options=("--format", "html", "--strict")),
    ]


def _config() -> list[Case]:
    def toml(extra: str) -> str:
        return BASE_TOML + extra + "\n"
    return [
        Case("toml-not-utf8", {"bookify.toml": b'[book]\ntitle = "\xff"\n'}),
        Case("toml-syntax", toml='[book\ntitle = "T"\n'),
        Case("toml-unquoted-string", toml="[book]\ntitle = T\n"),
        Case("toml-duplicate-key", toml='[book]\ntitle = "T"\ntitle = "U"\n'),
        Case("toml-unknown-key", toml=toml('titel = "X"')),
        Case("toml-unknown-section", toml=toml('[bok]\ntitle = "X"')),
        Case("toml-no-title", toml='[book]\nsubtitle = "S"\n'),
        Case("toml-empty-title", toml='[book]\ntitle = ""\n'),
        Case("toml-title-megabyte", toml='[book]\ntitle = "' + "T" * 1_000_000 + '"\n'),
        Case("toml-title-number", toml="[book]\ntitle = 1984\n"),
        Case("toml-control-escape", toml='[book]\ntitle = "T\\u001b"\n'),
        Case("toml-deep-arrays", toml=toml("contents = " + "[" * 3000 + "]" * 3000)),
        Case("toml-impossible-date", toml=toml("date = 2020-02-30")),
        Case("toml-bad-trim", toml=toml('[print]\ntrim = "huge"')),
        Case("toml-absurd-trim", toml=toml('[print]\ntrim = "40x60in"')),
        Case("toml-margin-40in", toml=toml('[theme]\nmargin_inside = "40in"')),
        Case("toml-margin-no-unit", toml=toml('[theme]\nmargin_top = "12"')),
        Case("toml-font-size-zero", toml=toml('[theme]\nfont_size = "0pt"')),
        Case("toml-font-size-huge", toml=toml('[theme]\nfont_size = "200pt"')),
        Case("toml-leading-absurd", toml=toml("[theme]\nleading = 40")),
        Case("toml-gutter-absurd", toml=toml('[print]\ngutter = "12in"')),
        Case("toml-spine-absurd", toml=toml('[print]\nspine_width = "9in"')),
        Case("toml-spine-zero", toml=toml('[print]\nspine_width = "0in"')),
        Case("toml-spine-thicker-than-kdp-binds", toml=toml('[print]\nspine_width = "3in"')),
        Case("toml-trim-kdp-does-not-print", toml=toml('[print]\ntrim = "3x5in"')),
        Case("toml-trim-no-room-for-barcode",
             toml=toml('[print]\nprinter = "generic"\ntrim = "2x4in"')),
        Case("toml-unknown-theme", toml=toml('[theme]\nname = "fancy"')),
        Case("toml-theme-path", toml=toml('[theme]\nname = "../../etc"')),
        Case("toml-bad-colour", toml=toml('[theme]\naccent = "blue-ish"')),
        Case("toml-bad-format", toml=toml('[build]\nformats = ["pdf", "docx"]')),
        Case("toml-output-outside", toml=toml('[build]\noutput_dir = "../elsewhere"')),
        Case("toml-output-is-project", toml=toml('[build]\noutput_dir = "."')),
        Case("toml-contents-missing-file", toml='contents = ["01-a.md", "nope.md"]\n' + BASE_TOML),
        Case("toml-contents-outside", toml='contents = ["../bookify.toml"]\n' + BASE_TOML),
        Case("toml-contents-twice", toml='contents = ["01-a.md", "01-a.md"]\n' + BASE_TOML),
        Case("toml-contents-not-in-manuscripts", {"notes.md": GOOD},
             toml='contents = ["../notes.md"]\n' + BASE_TOML),
        Case("toml-cover-missing", toml=toml('cover = "cover.png"')),
        Case("toml-cover-corrupt", {"cover.png": PNG[:30]}, toml=toml('cover = "cover.png"')),
        Case("toml-cover-bomb", {"cover.png": _bomb()}, toml=toml('cover = "cover.png"')),
        Case("toml-cover-outside", toml=toml('cover = "../../etc/hosts"')),
        Case("toml-cover-svg", {"cover.svg": SVG.format("<rect width='1' height='1'/>")},
             toml=toml('cover = "cover.svg"')),
        Case("toml-cover-text-as-jpeg", {"cover.jpg": "not a picture"},
             toml=toml('cover = "cover.jpg"')),
        Case("toml-isbn-bad", toml=toml('isbn_print = "123"')),
        Case("toml-language-bad", toml=toml('language = "xx-!!"')),
        Case("toml-part-intro-not-utf8", {"manuscripts/intro.md": b"\xff\xfe intro"},
             toml=toml('[[contents]]\npart = "P"\nintro = "intro.md"\nessays = ["01-a.md"]')),
        Case("toml-image-in-dedication", toml=toml('dedication = "![x](http://example.org/x.png)"')),
        Case("toml-image-in-part-title", toml='[[contents]]\npart = "![x](x.png) P"\n'
             'essays = ["01-a.md"]\n' + BASE_TOML),
        Case("toml-bom-accepted", toml="\ufeff" + BASE_TOML),
        Case("toml-missing", toml=""),
    ]


def _contributors() -> list[Case]:
    essay = {"manuscripts/01-a.md": fm("title: A\nauthor: jane")}

    def people(text: str, **more: str | bytes) -> dict[str, str | bytes]:
        return {**essay, "contributors.toml": text, **more}
    return [
        Case("people-syntax", people('[jane\nname = "Jane"\n')),
        Case("people-unknown-key", people('[jane]\nname = "Jane"\nbioo = "x"\n')),
        Case("people-bad-id", people('["Jane Doe"]\nname = "Jane"\n')),
        Case("people-not-a-table", people('jane = "Jane"\n')),
        Case("people-link-javascript", people('[jane]\nname = "Jane"\nlinks = ["javascript:alert(1)"]\n')),
        Case("people-link-data", people('[jane]\nname = "Jane"\nlinks = ["data:text/html,x"]\n')),
        Case("people-link-file", people('[jane]\nname = "Jane"\nlinks = ["file:///etc/passwd"]\n')),
        Case("people-photo-missing", people('[jane]\nname = "Jane"\nphoto = "jane.png"\n')),
        Case("people-photo-corrupt", people('[jane]\nname = "Jane"\nphoto = "jane.png"\n', **{"jane.png": PNG[:30]})),
        Case("people-photo-outside", people('[jane]\nname = "Jane"\nphoto = "../../etc/hosts"\n')),
        Case("people-image-in-bio", people('[jane]\nname = "Jane"\nbio = "![x](http://example.org/x.png)"\n')),
        Case("people-not-utf8", {**essay, "contributors.toml": b'[jane]\nname = "\xff"\n'}),
        Case("people-link-out", essay, links={"contributors.toml": "outside/secret.toml"}),
        Case("people-control-escape", people('[jane]\nname = "Ja\\u000cne"\n')),
    ]


def _themes_and_outputs() -> list[Case]:
    def template(text: str | bytes) -> dict[str, str | bytes]:
        return {"styles/templates/dedication.html.j2": text}
    toml = BASE_TOML + 'dedication = "For X"\n'
    return [
        Case("tpl-syntax", template("{% if %}"), toml=toml),
        Case("tpl-undefined", template("{{ nothing.here }}"), toml=toml),
        Case("tpl-divide-by-zero", template("{{ 1 / 0 }}"), toml=toml),
        Case("tpl-type-error", template("{{ book + 1 }}"), toml=toml),
        Case("tpl-self-include", template("{% include 'dedication.html.j2' %}"), toml=toml),
        Case("tpl-sandbox-globals", template("{{ cycler.__init__.__globals__.os.popen('id').read() }}"), toml=toml),
        Case("tpl-sandbox-mro", template("{{ ''.__class__.__mro__[1].__subclasses__() }}"), toml=toml),
        Case("tpl-not-utf8", template(b"\xff\xfe{{ x }}"), toml=toml),
        Case("tpl-missing-include", template("{% include 'nope.html.j2' %}"), toml=toml),
        Case("tpl-link-out", {}, toml=toml, links={"styles/templates/dedication.html.j2": "outside/secret.j2"}),
        Case("css-link-out", {}, links={"styles/screen.css": "outside/secret.css"}),
        Case("styles-folder-link-out", {}, links={"styles": "outside"}),
        Case("manuscript-link-out", {}, links={"manuscripts/02-b.md": "outside/secret.md"}),
        Case("output-is-a-file", {"a-file": "keep"}, options=("--format", "html", "--output", "a-file")),
        Case("html-folder-link", {}, links={"build/html": "outside"}),
        Case("unknown-essay-proof", {}, options=("--essay", "nope")),
    ]


def cases() -> list[Case]:
    return [*_front_matter(), *_markdown(), *_config(), *_contributors(), *_themes_and_outputs()]
