"""The `bookify` command: exit codes, what goes to stdout and stderr, and what a failure leaves.

Most tests build `--format html` (no page layout); the one test that needs a PDF builds the
two-essay project `bookify new` makes.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import bookify
from bookify.cli import main

from .helpers import essay, write_project


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch):
    """No colours or live progress, whatever the environment running the tests asks for."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")


def run(*args: str, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


@pytest.fixture
def new_book(tmp_path) -> Path:
    folder = tmp_path / "idle-hours"
    result = run("new", folder, "--title", "The Idle Hours")
    assert result.exit_code == 0, result.output
    return folder


def no_traceback(result) -> None:
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- version and new ------------------------------------------------------------------------


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"bookify, version {bookify.__version__}\n"


def test_help_lists_every_command_with_what_it_does():
    result = run("--help")
    assert result.exit_code == 0
    listed = re.findall(r"^  (\w+) +(\S.*)$", result.stdout.split("Commands:\n", 1)[1], re.M)
    assert [name for name, _ in listed] == sorted(main.commands)  # each with its summary


#: What `--version` and `--help` must not load: the layout and ebook pipeline, and the schema.
HEAVY_MODULES = ("weasyprint", "ebooklib", "fontTools", "PIL", "pydantic")

#: Runs the command line in a fresh interpreter, then prints which heavy modules it loaded.
LOADED_MODULES_SCRIPT = f"""
import sys
from bookify.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    assert exit.code in (0, None), exit.code
heavy = {HEAVY_MODULES!r}
print("heavy modules:", sorted({{m.split(".")[0] for m in sys.modules}} & set(heavy)))
"""


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["build", "--help"],
                                  ["proof", "--help"], ["new", "--help"]])
def test_version_and_help_import_nothing_heavy(args):
    """`bookify --version` and `--help` answer at once: WeasyPrint alone takes a second or more
    to import, so the commands import the build pipeline only when they run."""
    done = subprocess.run([sys.executable, "-c", LOADED_MODULES_SCRIPT, *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    *output, loaded = done.stdout.splitlines()
    assert output and (output[0].startswith("Usage: ") or output[0].startswith("bookify, version"))
    assert loaded == "heavy modules: []"


def test_build_and_proof_offer_jobs_and_no_cache():
    for command in ("build", "proof"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "--jobs N" in result.stdout and "--no-cache" in result.stdout


@pytest.mark.parametrize("command", ["build", "proof"])
@pytest.mark.parametrize(("options", "jobs", "cache"), [
    ([], None, True),
    (["--jobs", "3"], 3, True),
    (["--no-cache"], None, False),
    (["--jobs", "1", "--no-cache"], 1, False),
])
def test_jobs_and_no_cache_reach_the_build(new_book, monkeypatch, command, options, jobs, cache):
    seen = {}

    def recording(*args, **kwargs):
        seen.update(kwargs)
        raise RuntimeError("stop here")

    monkeypatch.setattr("bookify.build.build", recording)
    result = run(command, "--project", new_book, *options)
    assert result.exit_code == 70  # the stand-in's RuntimeError
    assert seen["jobs"] == jobs and seen["cache"] is cache


@pytest.mark.parametrize("command", ["build", "proof"])
@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_jobs_must_be_a_positive_whole_number(new_book, command, value):
    result = run(command, "--project", new_book, "--jobs", value)
    assert result.exit_code == 2
    assert "Invalid value for '--jobs'" in result.stderr
    assert not (new_book / "build").exists()


def test_new_then_build_html(tmp_path):
    folder = tmp_path / "idle-hours"
    result = run("new", folder, "--title", "The Idle Hours")
    assert result.exit_code == 0
    assert result.stdout == (
        f"Created {folder}/ with 6 files. Next:\n  cd {folder} && bookify build\n"
    )
    result = run("build", "--project", folder, "--format", "html")
    assert result.exit_code == 0, result.output
    index = folder / "build" / "html" / "index.html"
    assert index.is_file()
    assert "The Idle Hours" in index.read_text(encoding="utf-8")
    assert "Reading manuscripts…" in result.stdout
    assert re.search(r"Wrote .*index\.html \([\d,]+ words, [\d.]+ s\)", result.stdout)
    assert result.stderr == ""


def test_new_refuses_a_folder_that_is_not_empty(new_book):
    result = run("new", new_book)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {new_book} already exists and is not empty\n"
        "  hint: choose a new folder name; bookify new never overwrites files\n"
    )
    no_traceback(result)


# --- errors ---------------------------------------------------------------------------------


def test_bad_config_exit_code_and_message(new_book):
    toml = new_book / "bookify.toml"
    text = toml.read_text(encoding="utf-8")
    assert '\ntrim = "5.5x8.5in"' in text
    toml.write_text(text.replace('\ntrim = "5.5x8.5in"', '\ntrm = "5.5x8.5in"'), encoding="utf-8")
    lines = toml.read_text(encoding="utf-8").split("\n")
    line = next(n for n, text in enumerate(lines, start=1) if text.startswith("trm = "))
    result = run("build", "--project", new_book, "--format", "html")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: bookify.toml:{line}: unknown key 'trm' in [print]\n"
        "  hint: did you mean 'trim'?\n"
    )
    assert result.stdout == ""
    assert not (new_book / "build").exists()
    no_traceback(result)


def test_misspelt_title_is_reported_with_a_line_first(new_book):
    """Once a bug, now fixed: misspelling `title` gives two problems, and the first one printed has no line:
    "error: bookify.toml: missing required key 'book.title'", then the useful
    "bookify.toml:12: unknown key 'titel' in [book] / hint: did you mean 'title'?"."""
    toml = new_book / "bookify.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("\ntitle = ", "\ntitel = "),
                    encoding="utf-8")
    result = run("build", "--project", new_book, "--format", "html")
    assert result.exit_code == 2
    assert "did you mean 'title'?" in result.stderr
    assert re.match(r"error: bookify\.toml:\d+: ", result.stderr), result.stderr


def test_toml_syntax_error(tmp_path):
    root = write_project(tmp_path, '[book]\ntitle = "X\n')
    result = run("build", "--project", root, "--format", "html")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: bookify.toml:2: not valid TOML: ")
    assert "  hint: check quotes, commas and brackets on that line" in result.stderr
    no_traceback(result)


def test_no_project_here(tmp_path):
    result = run("build", "--project", tmp_path, "--format", "html")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: no bookify.toml in {tmp_path.resolve()}\n"
        "  hint: run bookify in a book project, pass --project DIR, or create one with "
        "`bookify new NAME`\n"
    )


def test_bad_front_matter(new_book):
    path = new_book / "manuscripts" / "01-first-essay.md"
    path.write_text(path.read_text(encoding="utf-8").replace("author:", "authr:"), encoding="utf-8")
    result = run("build", "--project", new_book, "--format", "html")
    assert result.exit_code == 3
    assert result.stderr == (
        "error: manuscripts/01-first-essay.md:3: unknown front matter key 'authr'\n"
        "  hint: did you mean 'author'?\n"
    )
    no_traceback(result)


def test_errors_from_a_real_process_have_no_traceback(tmp_path):
    root = write_project(tmp_path, '[book]\ntitle = "X"\nauthors = "Jane"\n')
    process = subprocess.run(
        [sys.executable, "-m", "bookify", "build", "--project", str(root), "--format", "html"],
        capture_output=True, text=True, timeout=60,
    )
    assert process.returncode == 2
    assert process.stdout == ""
    assert process.stderr.startswith("error: bookify.toml:3: book.authors: Input should be a valid list")
    assert "Traceback" not in process.stderr


def test_unknown_format_is_a_usage_error(new_book):
    result = run("build", "--project", new_book, "--format", "docx")
    assert result.exit_code == 2
    assert "Invalid value for '--format': choose from pdf, epub, html (comma-separated)" in (
        result.stderr
    )
    assert not (new_book / "build").exists()


def test_internal_error_is_reported_without_a_traceback(new_book, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("bookify.build.build", broken)  # cli imports it when it runs
    result = run("build", "--project", new_book, "--format", "html")
    assert result.exit_code == 70
    assert result.stderr.startswith("internal error: RuntimeError: kaboom\n")
    assert "--debug" in result.stderr
    assert "Traceback" not in result.stderr
    result = run("build", "--project", new_book, "--format", "html", "--debug")
    assert result.exit_code == 70
    assert "Traceback" in result.stderr


def test_bad_source_date_epoch_is_a_user_error(new_book, monkeypatch):
    """Once a bug, now fixed: a huge SOURCE_DATE_EPOCH raises OSError/OverflowError from fromtimestamp, which
    project.py does not catch: "internal error: OSError: [Errno 75] Value too large …", exit 70."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999999")
    result = run("build", "--project", new_book, "--format", "html")
    assert result.stderr.startswith("error: SOURCE_DATE_EPOCH=")
    assert result.exit_code == 2


# --- what a failed build leaves -------------------------------------------------------------


def test_failed_build_leaves_the_previous_outputs(new_book):
    result = run("build", "--project", new_book, "--format", "pdf,html", "--quiet")
    assert result.exit_code == 0, result.output
    build = new_book / "build"
    pdf = build / "the-idle-hours-print.pdf"
    digital = build / "the-idle-hours-digital.pdf"
    index = build / "html" / "index.html"
    assert pdf.read_bytes().startswith(b"%PDF") and digital.read_bytes().startswith(b"%PDF")
    before = {p: p.read_bytes() for p in build.rglob("*") if p.is_file()}

    essay_path = new_book / "manuscripts" / "02-second-essay.md"
    essay_path.write_text(
        essay_path.read_text(encoding="utf-8").replace("title:", "titel:"), encoding="utf-8"
    )
    result = run("build", "--project", new_book, "--format", "pdf,html")
    assert result.exit_code == 3
    assert "manuscripts/02-second-essay.md:2: unknown front matter key 'titel'" in result.stderr
    after = {p: p.read_bytes() for p in build.rglob("*") if p.is_file()}
    assert after == before
    assert pdf in after and digital in after and index in after
    leftovers = [p for p in build.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers in ([], [build / ".cache"])  # the layout cache is kept, on purpose


def test_failed_markdown_stage_leaves_the_previous_output(tmp_path):
    root = write_project(tmp_path, files={"manuscripts/01-a.md": essay("A", "Text.\n")})
    assert run("build", "--project", root, "--format", "html", "-q").exit_code == 0
    index = root / "build" / "html" / "index.html"
    before = index.read_bytes()
    (root / "manuscripts/01-a.md").write_text(essay("A", "![A](missing.png)\n"), encoding="utf-8")
    result = run("build", "--project", root, "--format", "html")
    assert result.exit_code == 3
    assert result.stderr.startswith("error: manuscripts/01-a.md:4: image 'missing.png' not found")
    assert index.read_bytes() == before
    assert not list((root / "build").rglob("*.tmp"))


# --- quiet, warnings, --output --------------------------------------------------------------


def test_quiet_prints_nothing_on_success(new_book):
    result = run("build", "--project", new_book, "--format", "html", "--quiet")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == ""
    assert (new_book / "build" / "html" / "index.html").is_file()


def test_quiet_still_prints_warnings_but_not_notices(tmp_path):
    root = write_project(
        tmp_path,
        'contents = ["01-a.md", "03-c.md"]\n[book]\ntitle = "X"\n',
        files={"manuscripts/01-a.md": essay("A"), "manuscripts/02-b.md": essay("B"),
               "manuscripts/03-c.md": essay("C", draft=True)},
    )
    result = run("build", "--project", root, "--format", "html", "-q")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "warning: manuscripts/02-b.md: not in the book" in result.stderr
    assert "notice" not in result.stderr
    result = run("build", "--project", root, "--format", "html")
    assert "notice: manuscripts/03-c.md: left out: marked draft" in result.stderr
    assert "warning:" not in result.stdout


def test_output_option(new_book, tmp_path):
    out = tmp_path / "proofs"
    result = run("build", "--project", new_book, "--format", "html", "-q", "--output", out)
    assert result.exit_code == 0
    assert (out / "html" / "index.html").is_file()
    assert not (new_book / "build").exists()


# --- whole-book invariants found while testing ----------------------------------------------


def epub_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def test_an_essay_named_like_a_book_page_does_not_clash(tmp_path):
    """Once a bug, now fixed: essay ids share a namespace with the book's own pages (cover, title-page,
    copyright, nav, contents, …). An essay file `cover.md` gets the id 'cover', so the EPUB
    holds two entries named EPUB/cover.xhtml (Python warns "Duplicate name") and the HTML
    edition two elements with id="cover"."""
    root = write_project(
        tmp_path,
        files={"manuscripts/cover.md": essay("The Cover", "About covers.\n"),
               "manuscripts/copyright.md": essay("On Copyright", "About rights.\n")},
    )
    result = run("build", "--project", root, "--format", "epub,html", "-q")
    assert result.exit_code == 0, result.output
    names = epub_names(root / "build" / "a-test-book.epub")
    assert len(names) == len(set(names)), sorted(names)
    html = (root / "build" / "html" / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_epub_of_a_book_with_no_break_spaces_in_titles(tmp_path):
    """Once a bug, now fixed: see test_markdown.test_titles_and_front_matter_html_have_no_named_entities. A French
    title ("Essais : première série" with U+00A0) fails the EPUB with exit 4 and
    "error: the EPUB page title-page.xhtml is not well-formed XHTML: Entity 'nbsp' not defined"
    and a hint to check the theme's templates, which the author did not touch."""
    root = write_project(
        tmp_path,
        '[book]\ntitle = "Essais\u00a0: premi\u00e8re s\u00e9rie"\nlanguage = "fr"\n',
        files={"manuscripts/a.md": essay("Pourquoi\u00a0?", "Texte.\n")},
    )
    result = run("build", "--project", root, "--format", "epub", "-q")
    assert result.exit_code == 0, result.stderr


def test_strict_turns_warnings_into_errors_and_writes_nothing(tmp_path):
    from .helpers import PNG

    root = write_project(tmp_path, files={
        "manuscripts/a.md": essay("A", "![](dot.png)\n"),
        "manuscripts/dot.png": PNG,
    })
    result = run("build", "--project", root, "--format", "html", "--strict")
    assert result.exit_code == 1
    assert "warning: manuscripts/a.md:4: image 'dot.png' has no alt text" in result.stderr
    assert "error: 1 warning and --strict: nothing was written" in result.stderr
    # no output (the conversion cache in build/.cache/ may be kept: it is the same either way)
    assert [p.name for p in (root / "build").glob("*")] in ([], [".cache"])
    relaxed = run("build", "--project", root, "--format", "html")
    assert relaxed.exit_code == 0 and (root / "build" / "html" / "index.html").is_file()


def test_pdf_with_no_editions_is_an_error_before_any_layout(tmp_path):
    root = write_project(tmp_path, toml='[book]\ntitle = "X"\n\n[print]\neditions = []\n')
    result = run("build", "--project", root, "--format", "pdf")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: bookify.toml:5: [print] editions is empty, so there is no PDF to build\n"
        "  hint: list the editions to build, editions = [\"print\", \"digital\"], or build "
        "another format (--format epub)")
    assert not (root / "build").exists() or not list((root / "build").glob("*.pdf"))


def test_no_editions_with_other_formats_is_a_warning(tmp_path):
    root = write_project(tmp_path, toml='[book]\ntitle = "X"\n\n[print]\neditions = []\n')
    result = run("build", "--project", root, "--format", "pdf,html")
    assert result.exit_code == 0, result.output
    assert ("warning: bookify.toml:5: [print] editions is empty, so no PDF was built"
            in result.stderr)
    assert (root / "build" / "html" / "index.html").is_file()


def test_build_help_names_the_files_it_writes():
    result = run("build", "--help")
    text = " ".join(result.output.split())
    assert "<title>.pdf" not in text
    assert "build/<slug>-print.pdf, -digital.pdf, -cover.pdf and build/<slug>.epub" in text


def test_build_check_refuses_an_essay_proof(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--project", str(tmp_path), "--essay", "x",
                                       "--check"])
    assert result.exit_code == 2 and "--check checks the book's files" in result.output
