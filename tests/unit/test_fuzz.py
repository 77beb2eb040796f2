"""A bounded-time fuzzer over what an author writes — essay front matter, Markdown, and
`bookify.toml` — asserting that bookify never crashes on it: no exit 70, no traceback, no hang,
and the previous output untouched whenever a build fails.

Each example is one `bookify build --format html` of a one-essay project (no page layout), so
the three fuzzers together take about half a minute. They are derandomised (the same examples on
every run, so CI cannot fail by chance); to explore further, set BOOKIFY_FUZZ_EXAMPLES=2000,
which also draws new examples each run. The minimised reproducers of the crashes found so far
are kept as `@example`s, so they run every time.
"""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings, strategies as st

from .helpers import write_files
from .test_cli import no_traceback, run

EXPLORE = int(os.environ.get("BOOKIFY_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=EXPLORE or 300,
    derandomize=not EXPLORE,
    deadline=timedelta(seconds=20),  # a hang fails the example
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PREVIOUS = "<p>the previous edition</p>"
GOOD_TOML = '[book]\ntitle = "T"\n'
GOOD_ESSAY = "---\ntitle: A\n---\nSome text.\n"

#: Characters that mean something to Markdown, YAML, TOML, HTML or XML, and ones that break them.
_SPECIAL = list("*_[]()!#>-|`:\"'{}\\<>&=.\n\t ") + [
    "\x00", "\x0b", "\x0c", "\x1b", "\ufffe", "\u2028", "\ud7ff", "é", "„", "Ω", "\u202e"]
_TOKENS = [
    "[^1]", "[^1]: ", "![a](x.png)", "![](http://127.0.0.1:9/x.png)", "<div>", "</div>", "<em>",
    "<script>", "javascript:", "{: .verse }", '{: lang="fr" }', "&amp;", "&nbsp;", "&#0;",
    "    ", "> ", "- ", "1. ", "| a | b |\n|---|---|\n", "```\n", "---\n", "***", "__", "\\",
    "[x](#y)", "[x](other.md)", "<img src=x>", "<!--", "-->", "<![CDATA[", "2020-02-30",
]
text = st.lists(st.one_of(st.sampled_from(_SPECIAL), st.sampled_from(_TOKENS),
                          st.text(max_size=8)), max_size=60).map("".join)
scalar = st.one_of(text, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False),
                   st.dates(), st.just("2020-02-30"))
value = st.recursive(scalar, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(text, inner, max_size=3)),
                     max_leaves=8)
FRONT_KEYS = ["title", "subtitle", "short_title", "author", "authors", "translator", "date",
              "year", "epigraph", "epigraph_source", "credit", "source", "collection", "license",
              "copyright", "note", "lang", "keywords", "slug", "draft"]


def _build(files: dict[str, str | bytes]) -> None:
    """Build the project `files` describe over a good one; check it failed cleanly or built."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "book"
        write_files(root, {"bookify.toml": GOOD_TOML, "manuscripts/01-a.md": GOOD_ESSAY,
                           "build/html/index.html": PREVIOUS, **files})
        result = run("build", "--project", root, "--format", "html", "-q")
        no_traceback(result)
        assert result.exit_code in (0, 1, 2, 3, 4, 5), result.output
        assert "internal error" not in result.output
        index = root / "build" / "html" / "index.html"
        if result.exit_code:
            assert "error: " in result.stderr
            assert index.read_text(encoding="utf-8") == PREVIOUS  # the failed build lost nothing
        else:
            assert index.read_text(encoding="utf-8") != PREVIOUS
        assert not list((root / "build").glob(".bookify-*"))


@FUZZ
@given(front=st.dictionaries(st.one_of(st.sampled_from(FRONT_KEYS), text), value, max_size=6),
       body=text)
@example(front={"title": "A", "date": "2020-02-30"}, body="x")  # impossible date → exit 70
@example(front={"title": "A\x0c"}, body="a\x0bb")  # control characters → exit 70
@example(front={"title": "A", "keywords": [[[[[]]]]]}, body="x")
def test_front_matter(front, body):
    try:
        front_text = yaml.safe_dump(front, allow_unicode=True, default_flow_style=False)
    except yaml.YAMLError:
        return
    front_text = front_text.replace("'2020-02-30'", "2020-02-30")  # an unquoted impossible date
    _build({"manuscripts/01-a.md": f"---\n{front_text}---\n{body}\n"})


@FUZZ
@given(body=text, raw=st.binary(max_size=64))
@example(body="- x\n" + "".join("  " * i + "- x\n" for i in range(60)), raw=b"")  # deep lists
@example(body=">" * 300 + " x", raw=b"")  # deep quotes → RecursionError
@example(body="a\x0cb\x1bc\ufffe", raw=b"")  # control characters in the text
@example(body="x[^1]\n\n[^1]: ![](http://127.0.0.1:9/x.png)", raw=b"")  # remote image in a note
def test_markdown(body, raw):
    _build({"manuscripts/01-a.md": f"---\ntitle: A\n---\n{body}\n".encode("utf-8", "surrogatepass")
            + raw})


_TOML_KEYS = {
    "book": ["title", "subtitle", "authors", "language", "date", "cover", "dedication", "epigraph"],
    "print": ["trim", "gutter", "spine_width", "notes", "bleed", "editions"],
    "theme": ["name", "font_size", "margin_inside", "margin_top", "leading", "accent"],
    "build": ["formats", "output_dir", "allow_network", "jobs"],
}


def _toml_value(data) -> str:
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, (int, float)):
        return repr(data)
    if isinstance(data, list):
        return "[" + ", ".join(_toml_value(v) for v in data) + "]"
    escaped = "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}"
                      for c in str(data) if not 0xD800 <= ord(c) <= 0xDFFF)
    return f'"{escaped}"'


toml_scalar = st.one_of(text, st.integers(-10**6, 10**6), st.booleans(),
                        st.sampled_from(["40in", "0pt", "6x9", "a5", "-1in", "1e9pt", "../x",
                                         "classic", "html", "build", "2020-02-30"]))
sections = st.dictionaries(
    st.sampled_from(sorted(_TOML_KEYS)),
    st.dictionaries(st.one_of(st.sampled_from(sum(_TOML_KEYS.values(), [])), text),
                    st.one_of(toml_scalar, st.lists(toml_scalar, max_size=3)), max_size=4),
    max_size=4)


@FUZZ
@given(config=sections, raw=st.one_of(st.just(""), text))
@example(config={"book": {"title": "T"}}, raw="contents = " + "[" * 3000 + "]" * 3000)
@example(config={"book": {"title": "T\x0c"}}, raw="")
@example(config={"book": {"title": "T"}, "theme": {"margin_inside": "40in"}}, raw="")
def test_bookify_toml(config, raw):
    lines = [raw] if raw else []
    for section, keys in config.items():
        lines.append(f"[{section}]")
        lines += [f"{_toml_value(key)} = {_toml_value(v)}" for key, v in keys.items()]
    if "book" not in config:
        lines += ["[book]", 'title = "T"']
    _build({"bookify.toml": "\n".join(lines) + "\n"})
