"""Bad input the book's author can fix is a located error or warning with a hint — never exit 70
("a bug in bookify") — and a failed build leaves the previous outputs as they were.

Each case builds `--format html` (no page layout) unless the case is about another output.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image

from .helpers import PNG, essay, write_project
from .test_cli import no_traceback, plain_terminal, run  # noqa: F401 (plain_terminal: autouse)

PART_TOML = '[book]\ntitle = "T"\n[[contents]]\npart = "P"\nintro = "intro.md"\nessays = ["01-a.md"]\n'


def build(root: Path, formats: str = "html", *options: str):
    result = run("build", "--project", root, "--format", formats, *options)
    no_traceback(result)
    assert result.exit_code != 70, result.output
    return result


def test_control_characters_are_dropped_with_a_located_warning(tmp_path):
    body = "Hello\x0cworld \x1b and\x0bline.\n\nA note.[^1]\n\n[^1]: In a\x0bnote \ufffe.\n"
    root = write_project(tmp_path, files={"manuscripts/01-a.md": essay("A", body)})
    result = build(root, "html,epub")
    assert result.exit_code == 0
    assert "manuscripts/01-a.md:4: dropped 3 control characters (U+000C, U+001B, U+000B)" in result.stderr
    assert "manuscripts/01-a.md:8: dropped 2 control characters (U+000B, U+FFFE)" in result.stderr
    html = (root / "build/html/index.html").read_text(encoding="utf-8")
    assert "Helloworld" in html and "and line." in html


def test_a_control_character_escaped_in_bookify_toml_names_the_key(tmp_path):
    root = write_project(tmp_path, '[book]\ntitle = "T\\u000c"\n')
    result = build(root)
    assert result.exit_code == 2
    assert "bookify.toml:2: book.title: holds a control character" in result.stderr


def test_an_impossible_date_is_located(tmp_path):
    text = "---\ntitle: A\ndate: 2020-02-30\n---\nText.\n"
    root = write_project(tmp_path, files={"manuscripts/01-a.md": text})
    result = build(root)
    assert result.exit_code == 3
    assert "manuscripts/01-a.md:3: front matter holds an impossible date" in result.stderr
    assert "hint: write a real date as YYYY-MM-DD" in result.stderr


@pytest.mark.parametrize("body", [
    "".join("  " * i + "- x\n" for i in range(300)),  # nested lists (RecursionError before)
    "\n".join(">" * i + " x" for i in range(1, 200)),  # 200 nested block quotes
    "<div>" * 1000 + "x" + "</div>" * 1000,
])
def test_deep_nesting_in_markdown_is_located(tmp_path, body):
    root = write_project(tmp_path, files={"manuscripts/01-a.md": essay("A", body)})
    result = build(root)
    assert result.exit_code == 3
    assert re.search(r"manuscripts/01-a.md(:\d+)?: the text is nested more than 40 levels deep",
                     result.stderr)


def test_nesting_a_book_uses_still_builds(tmp_path):
    body = "\n".join(">" * i + " x" for i in range(1, 8)) + "\n"
    root = write_project(tmp_path, files={"manuscripts/01-a.md": essay("A", body)})
    assert build(root).exit_code == 0


def test_deep_nesting_in_front_matter_and_bookify_toml(tmp_path):
    text = "---\ntitle: A\nkeywords: " + "[" * 10000 + "]" * 10000 + "\n---\nText.\n"
    root = write_project(tmp_path / "yaml", files={"manuscripts/01-a.md": text})
    result = build(root)
    assert result.exit_code == 3 and "manuscripts/01-a.md:2: front matter is nested too deeply" in result.stderr
    root = write_project(tmp_path / "toml", '[book]\ntitle = "T"\ncontents = ' + "[" * 5000 + "]" * 5000)
    result = build(root)
    assert result.exit_code == 2 and "bookify.toml: not valid TOML: arrays or tables nested" in result.stderr


@pytest.mark.parametrize("data", [PNG[:40], PNG[:-20], b"GIF89a not really"])
def test_a_corrupt_or_truncated_image_is_located(tmp_path, data):
    root = write_project(tmp_path, files={"manuscripts/01-a.md": essay("A", "![A map](map.png)\n"),
                                          "manuscripts/map.png": data})
    result = build(root)
    assert result.exit_code == 3
    assert "manuscripts/01-a.md:4: image 'map.png': " in result.stderr
    assert "save it again as PNG or JPEG" in result.stderr


def test_a_decompression_bomb_cover_is_refused(tmp_path):
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")  # 400 megapixels in 48 KB
    root = write_project(tmp_path, '[book]\ntitle = "T"\ncover = "cover.png"\n',
                         files={"manuscripts/01-a.md": essay("A"), "cover.png": buffer.getvalue()})
    result = build(root)
    assert result.exit_code == 2
    assert "bookify.toml:3: book.cover 'cover.png': the image is too large" in result.stderr


def test_a_non_utf8_part_intro_is_located(tmp_path):
    root = write_project(tmp_path, PART_TOML, files={"manuscripts/01-a.md": essay("A"),
                                                    "manuscripts/intro.md": b"\xff\xfe bad"})
    result = build(root)
    assert result.exit_code == 3
    assert "manuscripts/intro.md: not UTF-8 text (byte 0)" in result.stderr


def test_output_pointing_at_a_file(tmp_path):
    root = write_project(tmp_path)
    (root / "a-file").write_text("keep me", encoding="utf-8")
    result = build(root, "html", "--output", str(root / "a-file"))
    assert result.exit_code == 5
    assert "is a file, not a folder" in result.stderr and "hint: pass a folder" in result.stderr
    assert (root / "a-file").read_text(encoding="utf-8") == "keep me"


def test_a_read_only_output_folder(tmp_path, monkeypatch):
    root = write_project(tmp_path)
    (root / "build").mkdir()
    if os.geteuid() != 0:
        os.chmod(root / "build", 0o555)
    else:  # root writes anywhere: make the folder refuse as a read-only one would
        import tempfile

        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")
        monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
        monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    try:
        result = build(root)
    finally:
        os.chmod(root / "build", 0o755)
    assert result.exit_code == 5
    assert "cannot be written to (Permission denied)" in result.stderr


@pytest.mark.parametrize("template, message", [
    ("{{ 1 / 0 }}", "ZeroDivisionError: division by zero"),
    ("{{ book + 1 }}", "TypeError"),
    ("{% include 'dedication.html.j2' %}", "includes itself without end"),
    ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "tried something templates may not do"),
])
def test_template_errors_are_located(tmp_path, template, message):
    root = write_project(tmp_path, '[book]\ntitle = "T"\ndedication = "For X"\n',
                         files={"manuscripts/01-a.md": essay("A"),
                                "styles/templates/dedication.html.j2": template})
    result = build(root)
    assert result.exit_code == 4
    assert "styles/templates/dedication.html.j2:1: template " in result.stderr
    assert message in result.stderr


def test_a_non_utf8_template(tmp_path):
    root = write_project(tmp_path, '[book]\ntitle = "T"\ndedication = "For X"\n',
                         files={"manuscripts/01-a.md": essay("A"),
                                "styles/templates/dedication.html.j2": b"\xff\xfe{{ x }}"})
    result = build(root)
    assert result.exit_code == 4 and "is not UTF-8 text" in result.stderr


# --- reading outside the project (item 24) ----------------------------------------------------

@pytest.fixture
def outside(tmp_path) -> Path:
    """Files outside the project, which a build must never read."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text(essay("Secret", "SECRET-OUTSIDE\n"), encoding="utf-8")
    (folder / "secret.css").write_text("body { color: red }\n", encoding="utf-8")
    (folder / "secret.toml").write_text('[x]\nname = "SECRET-OUTSIDE"\n', encoding="utf-8")
    (folder / "secret.j2").write_text("SECRET-OUTSIDE", encoding="utf-8")
    return folder


@pytest.mark.parametrize("link, target, status", [
    ("manuscripts/02-b.md", "secret.md", 3),
    ("styles/print.css", "secret.css", 4),
    ("styles/screen.css", "secret.css", 4),
    ("contributors.toml", "secret.toml", 2),
    ("styles/templates/dedication.html.j2", "secret.j2", 4),
])
def test_a_link_out_of_the_project_is_refused(tmp_path, outside, link, target, status):
    root = write_project(tmp_path / "book", '[book]\ntitle = "T"\ndedication = "For X"\n')
    (root / link).parent.mkdir(parents=True, exist_ok=True)
    (root / link).symlink_to(outside / target)
    result = build(root, "html")
    assert result.exit_code == status
    assert f"error: {link}: this file is a link to {outside / target}, outside the book project" \
        in result.stderr
    assert not (root / "build").exists()


def test_a_linked_print_stylesheet_is_a_clean_error_for_the_pdf(tmp_path, outside):
    root = write_project(tmp_path / "book")
    (root / "styles").mkdir()
    (root / "styles/print.css").symlink_to(outside / "secret.css")
    result = build(root, "pdf")
    assert result.exit_code == 4 and "styles/print.css: this file is a link" in result.stderr


def test_templates_cannot_reach_python_or_files(tmp_path, outside):
    template = "{{ cycler.__init__.__globals__.os.popen('cat " + str(outside / "secret.j2") + "').read() }}"
    root = write_project(tmp_path / "book", '[book]\ntitle = "T"\ndedication = "For X"\n',
                         files={"manuscripts/01-a.md": essay("A"),
                                "styles/templates/dedication.html.j2": template})
    result = build(root)
    assert result.exit_code == 4
    assert "tried something templates may not do" in result.stderr
    assert "SECRET-OUTSIDE" not in result.output


# --- writing outside the project (item 26) and a failed build's outputs (items 19, 21) ----------

def test_a_link_planted_in_the_html_edition_is_replaced_not_written_through(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("VICTIM", encoding="utf-8")
    root = write_project(tmp_path / "book", files={"manuscripts/01-a.md": essay("A"),
                                                   "styles/screen.css": "p { color: black }\n"})
    (root / "build/html").mkdir(parents=True)
    for name in ("book.css", "epub.css", "index.html"):
        (root / "build/html" / name).symlink_to(victim)
    result = build(root)
    assert result.exit_code == 0, result.output
    assert victim.read_text(encoding="utf-8") == "VICTIM"
    html = root / "build/html"
    assert not any(p.is_symlink() for p in html.rglob("*"))
    assert (html / "book.css").read_text(encoding="utf-8") == "p { color: black }\n"


def test_a_linked_html_folder_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = write_project(tmp_path / "book")
    (root / "build").mkdir()
    (root / "build/html").symlink_to(elsewhere)
    result = build(root)
    assert result.exit_code == 5
    assert "build/html: it is a symbolic link; bookify does not write through links" in result.stderr
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in (root / "build").iterdir()) in (["html"], [".cache", "html"])


def snapshot(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and ".cache" not in p.parts}


def test_a_failure_at_the_epub_leaves_every_previous_output(tmp_path):
    root = write_project(tmp_path, files={"manuscripts/01-a.md": essay("A", "First text.\n")})
    assert build(root, "html,epub").exit_code == 0
    before = snapshot(root / "build")
    assert root / "build/a-test-book.epub" in before and root / "build/html/index.html" in before
    (root / "manuscripts/01-a.md").write_text(essay("A", "Second text.\n"), encoding="utf-8")
    (root / "styles/templates/epub").mkdir(parents=True)
    (root / "styles/templates/epub/nav.xhtml.j2").write_text("{{ 1 / 0 }}", encoding="utf-8")
    result = build(root, "html,epub")
    assert result.exit_code == 4
    assert "styles/templates/epub/nav.xhtml.j2:1: template" in result.stderr
    assert snapshot(root / "build") == before  # the HTML edition was not replaced either
    assert [p.name for p in (root / "build").iterdir() if p.name.startswith(".bookify")] == []


def test_a_broken_image_with_html_and_epub_writes_nothing(tmp_path):
    root = write_project(tmp_path, files={"manuscripts/01-a.md": essay("A", "![A map](map.png)\n"),
                                          "manuscripts/map.png": PNG[:-20]})
    result = build(root, "html,epub")
    assert result.exit_code == 3
    assert "error: manuscripts/01-a.md:4: image 'map.png': the image is broken" in result.stderr
    assert not (root / "build").exists()


# --- more of the same boundary (item 27) ----------------------------------------------------------

@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,<script>x</script>",
                                  "file:///etc/passwd", "vbscript:x"])
def test_contributor_links_must_be_web_addresses(tmp_path, link):
    root = write_project(tmp_path, files={
        "manuscripts/01-a.md": essay("A", author="jane"),
        "contributors.toml": f'[jane]\nname = "Jane"\nbio = "B."\nlinks = ["https://x.org", "{link}"]\n'})
    result = build(root, "epub")
    assert result.exit_code == 2
    assert "contributors.toml:4: contributor 'jane': links: " in result.stderr
    assert "is not a web address; links must start with https://" in result.stderr


def test_a_script_in_an_svg_never_reaches_the_epub(tmp_path):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>'
    root = write_project(tmp_path, files={"manuscripts/01-a.md": essay("A", "![A map](map.svg)\n"),
                                          "manuscripts/map.svg": svg})
    result = build(root, "epub")
    assert result.exit_code == 3
    assert "manuscripts/01-a.md:4: image 'map.svg': the SVG has an event handler (onload=…)" in result.stderr
    assert not (root / "build").exists()


def test_an_image_in_a_footnote_is_checked_and_packaged(tmp_path):
    import zipfile

    from tests.support.epub import java_available, run_epubcheck

    body = "A river.[^1]\n\n[^1]: ![A map of the river](images/map.png)\n"
    root = write_project(tmp_path, files={
        "manuscripts/01-a.md": essay("A", body, epigraph="![An ornament](images/leaf.png)"),
        "manuscripts/images/map.png": PNG, "manuscripts/images/leaf.png": PNG})
    assert build(root, "epub").exit_code == 0
    with zipfile.ZipFile(root / "build/a-test-book.epub") as epub:
        assert len([name for name in epub.namelist() if name.endswith(".png")]) == 2
    if java_available():
        result = run_epubcheck(root / "build/a-test-book.epub")
        assert (result.fatals, result.errors, result.warnings) == (0, 0, 0), result.messages


@pytest.mark.parametrize("where, files, toml", [
    ("footnote", {"manuscripts/01-a.md": essay("A", "Text.[^1]\n\n[^1]: ![M](http://127.0.0.1:9/m.png)\n")}, ""),
    ("epigraph", {"manuscripts/01-a.md": essay("A", epigraph="![M](http://127.0.0.1:9/m.png)")}, ""),
    ("dedication", {"manuscripts/01-a.md": essay("A")}, 'dedication = "![M](http://127.0.0.1:9/m.png)"\n'),
    ("bio", {"manuscripts/01-a.md": essay("A", author="jane"), "contributors.toml":
             '[jane]\nname = "Jane"\nbio = "![M](http://127.0.0.1:9/m.png)"\n'}, ""),
])
def test_a_remote_image_anywhere_is_refused_with_the_network_off(tmp_path, where, files, toml):
    root = write_project(tmp_path, '[book]\ntitle = "T"\n' + toml, files=files)
    result = build(root, "epub")
    assert result.exit_code == 3, (where, result.output)
    assert "image 'http://127.0.0.1:9/m.png'" in result.stderr
    assert not (root / "build").exists()


@pytest.mark.parametrize("setting, message", [
    ('[theme]\nmargin_inside = "40in"', "theme.margin_inside: '40in' is not a plausible margin"),
    ('[theme]\nfont_size = "0pt"', "theme.font_size: '0pt' is not a plausible type size"),
    ('[print]\ngutter = "9in"', "print.gutter: '9in' is not a plausible gutter"),
])
def test_absurd_geometry_is_refused_at_the_key(tmp_path, setting, message):
    root = write_project(tmp_path, '[book]\ntitle = "T"\n' + setting + "\n")
    result = build(root, "pdf")
    assert result.exit_code == 2
    assert f"bookify.toml:4: {message}" in result.stderr


def test_a_byte_order_mark_in_bookify_toml_is_accepted(tmp_path):
    root = write_project(tmp_path, '\ufeff[book]\ntitle = "T"\n')
    assert build(root).exit_code == 0


def test_a_missing_image_in_a_stylesheet_names_the_file_not_a_virtual_address(tmp_path):
    root = write_project(tmp_path, files={"manuscripts/01-a.md": essay("A"),
                                          "styles/print.css": "p { background: url(gone.png) }\n"})
    result = build(root, "pdf", "--no-cache")
    assert "file:///bookify" not in result.output
    assert result.exit_code == 5
    assert "error: styles/gone.png: Failed to load image at 'styles/gone.png'" in result.stderr
