"""A catalogue of books built in one run: the catalogue file (its overrides, and its mistakes named
by line and key), one book's failure reported with its project while the others are built, the
summary and the exit status of `bookify build --project A --project B` and `--catalogue`.

The books are tests/projects/minimal and a copy under another title, built as HTML (no page
layout) where the layout does not matter, as PDF where the pages do.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookify.catalogue import Catalogue, Title, build_catalogue, catalogue_of, load_catalogue
from bookify.cli import main
from bookify.errors import ConfigError

from .test_cli import plain_terminal  # noqa: F401 - an autouse fixture: plain terminal output

MINIMAL = Path(__file__).resolve().parents[1] / "projects" / "minimal"


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def _book(folder: Path, title: str | None = None) -> Path:
    shutil.copytree(MINIMAL, folder)
    if title is not None:
        config = folder / "bookify.toml"
        config.write_text(config.read_text(encoding="utf-8").replace("A Minimal Book", title),
                          encoding="utf-8")
    return folder


def _broken(folder: Path) -> Path:
    folder.mkdir()
    (folder / "bookify.toml").write_text('[book]\nauthors = ["Nobody"]\n', encoding="utf-8")
    return folder


# --- the catalogue file -----------------------------------------------------------------------


def test_a_catalogue_lists_projects_relative_to_itself_with_their_overrides(tmp_path) -> None:
    path = tmp_path / "press" / "catalogue.toml"
    path.parent.mkdir()
    path.write_text('[build]\nscheduler = "tcp://10.0.0.5:8786"\njobs = 3\n\n'
                    '[[book]]\nproject = "titles/one"\n\n'
                    '[[book]]\nproject = "../two"\nformats = ["pdf", "pdf"]\n'
                    'editions = ["print"]\nprinter = "ingramspark"\noutput = "out/two"\n',
                    encoding="utf-8")
    catalogue = load_catalogue(path)
    assert (catalogue.scheduler, catalogue.jobs) == ("tcp://10.0.0.5:8786", 3)
    one, two = catalogue.titles
    assert one.project == (path.parent / "titles" / "one").resolve()
    assert (one.formats, one.editions, one.printer, one.output) == (None, None, None, None)
    assert two.project == (tmp_path / "two").resolve()
    assert two.formats == ("pdf",) and two.editions == ("print",)
    assert two.printer == "ingramspark" and two.output == path.parent / "out" / "two"
    assert two.location.line == 9 and two.location.key == "book[1].project"


@pytest.mark.parametrize(("text", "message", "line", "hint"), [
    ('[[book]]\nproject = "a"\n\n[[book]]\nproject = "b"\nprinter = "kdpp"\n',
     "book[1].printer: Input should be", 6, None),
    ('[[book]]\nproject = "a"\nformat = ["pdf"]\n', "unknown key 'format' in [[book]]", 3,
     "did you mean 'formats'?"),
    ('[build]\nschedular = "tcp://a:1"\n[[book]]\nproject = "a"\n',
     "unknown key 'schedular' in [build]", 2, "did you mean 'scheduler'?"),
    ('[build]\njobs = 2\n', "the catalogue lists no book", None, "add a [[book]] table"),
    ('[[book]]\nformats = ["pdf"]\n', "missing required key 'book[0].project'", 1,
     'add project = "…"'),
    ('[[book]]\nproject = "a\n', "not valid TOML", 2, None),
])
def test_a_mistake_in_the_catalogue_is_named_with_its_line(tmp_path, text, message, line,
                                                           hint) -> None:
    path = tmp_path / "catalogue.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_catalogue(path)
    assert message in raised.value.message
    assert raised.value.location.path == path
    if line is not None:
        assert raised.value.location.line == line
    if hint is not None:
        assert hint in (raised.value.hint or "")


def test_a_missing_catalogue_file_is_a_config_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match="no catalogue file"):
        load_catalogue(tmp_path / "nowhere.toml")


# --- building ---------------------------------------------------------------------------------


def test_one_broken_book_is_reported_and_the_others_are_built(tmp_path) -> None:
    one, two = _book(tmp_path / "one"), _book(tmp_path / "two", "A Second Book")
    broken = _broken(tmp_path / "broken")
    heard = []
    outcomes = build_catalogue(catalogue_of([one, broken, two]), ["html"], jobs=1,
                               finished=heard.append)
    assert [o.ok for o in outcomes] == [True, False, True]
    assert [o.name for o in outcomes] == ["A Minimal Book", "broken", "A Second Book"]
    assert sorted(o.title.project.name for o in heard) == ["broken", "one", "two"]
    error = outcomes[1].error
    assert isinstance(error, ConfigError) and "book.title" in error.message
    assert not (broken / "build").exists()
    for root in (one, two):
        assert (root / "build" / "html" / "index.html").is_file()


def test_a_catalogue_overrides_formats_editions_printer_and_output(tmp_path) -> None:
    root = _book(tmp_path / "one")
    title = Title(root, formats=("pdf",), editions=("print",), printer="ingramspark",
                  output=tmp_path / "out")
    [outcome] = build_catalogue(Catalogue((title,)), ["epub"], jobs=2)
    assert outcome.ok, outcome.error and outcome.error.render()
    assert outcome.project.config.print.printer == "ingramspark"
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_file()) == [
        "a-minimal-book-cover.pdf", "a-minimal-book-print.pdf"]
    assert not (root / "build").exists()


def test_a_printer_the_project_cannot_have_fails_that_book(tmp_path) -> None:
    root = _book(tmp_path / "one")
    config = root / "bookify.toml"
    config.write_text(config.read_text(encoding="utf-8")
                      + '\n[print]\nprinter = "offset"\ncrop_marks = true\n', encoding="utf-8")
    [outcome] = build_catalogue(Catalogue((Title(root, printer="kdp"),)), ["html"], jobs=1)
    assert not outcome.ok and 'printer = "kdp" does not fit the project' in outcome.error.message


# --- the command ------------------------------------------------------------------------------


def test_build_with_several_projects_prints_a_summary_and_exits_1_when_one_fails(tmp_path):
    one, two = _book(tmp_path / "one"), _book(tmp_path / "two", "A Second Book")
    broken = _broken(tmp_path / "broken")
    result = CliRunner().invoke(main, ["build", "--format", "html", "--jobs", "1",
                                       "--project", str(one), "--project", str(broken),
                                       "--project", str(two)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "error: bookify.toml:1: missing required key 'book.title'" in result.stderr
    assert "broken: error" in result.stderr
    table = result.stdout
    for name in ("A Minimal Book", "A Second Book", "broken"):
        assert name in table
    assert table.count("built") >= 2 and "failed" in table
    assert "1 of 3 books failed" in result.stderr


def test_build_with_a_catalogue_exits_0_when_every_book_is_built(tmp_path):
    _book(tmp_path / "one"), _book(tmp_path / "two", "A Second Book")
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text('[[book]]\nproject = "one"\n[[book]]\nproject = "two"\n'
                         'formats = ["pdf"]\neditions = ["digital"]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--catalogue", str(catalogue), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert "All 2 books built." in result.stdout
    assert (tmp_path / "one" / "build" / "html" / "index.html").is_file()
    assert [p.name for p in (tmp_path / "two" / "build").glob("*.pdf")] == [
        "a-second-book-digital.pdf"]


@pytest.mark.parametrize("option", [["--essay", "zephyr-at-dawn"], ["--output", "x"], ["--check"]])
def test_one_book_options_are_refused_for_several(tmp_path, option):
    one, two = _book(tmp_path / "one"), _book(tmp_path / "two")
    result = CliRunner().invoke(main, ["build", "--project", str(one), "--project", str(two),
                                       *option])
    assert result.exit_code == 2 and "is for one book" in result.output


def test_a_scheduler_address_must_look_like_one(tmp_path):
    result = CliRunner().invoke(main, ["build", "--project", str(_book(tmp_path / "one")),
                                       "--scheduler", "localhost:8786"])
    assert result.exit_code == 2 and "tcp://HOST:PORT" in result.output


def test_a_scheduler_nobody_answers_at_is_a_clear_error(tmp_path, monkeypatch):
    pytest.importorskip("distributed", reason="the cluster extra (distributed) is not installed")
    monkeypatch.setattr("bookify.cluster.CONNECT_TIMEOUT", 1)
    result = CliRunner().invoke(main, ["build", "--project", str(_book(tmp_path / "one")),
                                       "--format", "html", "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 5, result.output
    assert "no Dask scheduler answers at tcp://127.0.0.1:9" in result.stderr
    assert "dask scheduler" in result.stderr and "Traceback" not in result.output
