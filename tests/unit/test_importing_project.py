"""`bookify import` and `bookify new --from` on the command line: what lands in the project,
what bookify.toml says afterwards, and what a refused or failed import leaves (nothing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookify.cli import main
from tests.support.docx_factory import Manuscript, picture

from .test_cli import plain_terminal  # noqa: F401 - an autouse fixture: plain terminal output


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def contribution(folder: Path, name: str, title: str, *, comment: bool = False,
                 image: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    m = Manuscript()
    m.title(title, author="Ann Smith")
    paragraph = m.para("The first words of ", (title.lower(), {"italic": True}), ".")
    if comment:
        m.comment(paragraph, "SECRET EDITOR REMARK")
    if image:
        m.image(picture(folder / f"{name}.png"), "A gate")
    return m.save(folder / f"{name}.docx")


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture
def book(tmp_path) -> Path:
    assert run("new", tmp_path / "book", "--title", "Walks").exit_code == 0
    return tmp_path / "book"


def test_import_writes_the_essay_images_comments_and_lists_it_in_contents(book, tmp_path):
    source = contribution(tmp_path / "in", "Smith - On Gates", "On Gates", comment=True,
                          image=True)
    result = run("import", source, "--project", book)
    assert result.exit_code == 0, result.output
    essay = book / "manuscripts" / "smith-on-gates.md"
    assert essay.read_text().startswith("---\ntitle: On Gates\nauthor: Ann Smith\n---\n")
    assert (book / "manuscripts/images/smith-on-gates/image-1.png").is_file()
    comments = book / "manuscripts" / "smith-on-gates.comments.md"
    assert "SECRET EDITOR REMARK" in comments.read_text()
    assert "SECRET" not in essay.read_text()
    config = (book / "bookify.toml").read_text()
    assert ('contents = [\n  "01-first-essay.md",\n  "02-second-essay.md",\n'
            '  "smith-on-gates.md",\n]') in config
    assert "# Reading order. Without it (delete these lines)" in config  # comments kept
    assert "# publisher = \"Your Press\"" in config
    assert "Smith - On Gates.docx → manuscripts/smith-on-gates.md" in result.output
    assert "comments: 1, kept apart from the text → manuscripts/smith-on-gates.comments.md" in (
        result.output)
    assert "added to contents in bookify.toml" in result.output
    assert "  kept: 1 image" in result.output

    built = run("build", "--project", book, "--format", "html")
    assert built.exit_code == 0, built.output
    page = (book / "build" / "html" / "index.html").read_text()
    assert "<em>on gates</em>" in page and "SECRET" not in page
    assert "not listed in contents" not in built.output  # the comments file is not an essay


def test_an_existing_essay_is_never_overwritten_without_force(book, tmp_path):
    source = contribution(tmp_path / "in", "gates", "On Gates", comment=True)
    assert run("import", source, "--project", book).exit_code == 0
    essay = book / "manuscripts" / "gates.md"
    essay.write_text(essay.read_text() + "\nAn editor's change.\n")
    before = snapshot(book)
    result = run("import", source, "--project", book)
    assert result.exit_code == 1
    assert "manuscripts/gates.md: already exists" in result.output
    assert "--force" in result.output
    assert snapshot(book) == before
    result = run("import", source, "--project", book, "--force")
    assert result.exit_code == 0, result.output
    assert "An editor's change." not in essay.read_text()
    assert (book / "bookify.toml").read_text().count('"gates.md"') == 1
    source = contribution(tmp_path / "again", "gates", "On Gates")  # its comments resolved
    assert run("import", source, "--project", book, "--force").exit_code == 0
    assert not (book / "manuscripts" / "gates.comments.md").exists()


def test_a_bad_file_in_a_folder_stops_the_import_and_changes_nothing(book, tmp_path):
    folder = tmp_path / "in"
    contribution(folder, "a-good-one", "A Good One")
    (folder / "b-broken.docx").write_bytes(b"PK\x03\x04 this is no document")
    before = snapshot(book)
    result = run("import", folder, "--project", book)
    assert result.exit_code == 3
    assert "b-broken.docx" in result.output and "not a Word document" in result.output
    assert "Traceback" not in result.output
    assert snapshot(book) == before


def test_tracked_changes_refused_unless_accepted(book, tmp_path):
    m = Manuscript()
    paragraph = m.para("Walk ")
    m.tracked_insertion(paragraph, "slowly")
    source = m.save(tmp_path / "tracked.docx")
    before = snapshot(book)
    result = run("import", source, "--project", book)
    assert result.exit_code == 3
    assert "tracked.docx: the document has tracked changes (1 insertions)" in result.output
    assert snapshot(book) == before
    result = run("import", source, "--project", book, "--accept-changes", "--as", "walk",
                 "--title", "Walk", "--author", "Bo Lee")
    assert result.exit_code == 0, result.output
    text = (book / "manuscripts" / "walk.md").read_text()
    assert text.startswith("---\ntitle: Walk\nauthor: Bo Lee\n---\n\nWalk slowly\n")
    assert "tracked changes accepted: 1 insertions" in result.output


def test_a_whole_folder_in_file_name_order(book, tmp_path):
    folder = tmp_path / "in"
    contribution(folder, "02-second", "Second")
    contribution(folder, "01-first", "First")
    (folder / "~$01-first.docx").write_bytes(b"Word's lock file")
    (folder / "notes.txt").write_text("not a document")
    result = run("import", folder, "--project", book)
    assert result.exit_code == 0, result.output
    config = (book / "bookify.toml").read_text()
    assert config.index('"01-first.md"') < config.index('"02-second.md"')


def test_one_name_for_many_files_is_refused(book, tmp_path):
    folder = tmp_path / "in"
    contribution(folder, "a", "A")
    contribution(folder, "b", "B")
    result = run("import", folder, "--project", book, "--as", "essay")
    assert result.exit_code == 2
    assert "--as names one essay, but 2 files are imported" in result.output


def test_a_project_without_contents_is_left_in_file_name_order(tmp_path):
    project = tmp_path / "plain"
    (project / "manuscripts").mkdir(parents=True)
    (project / "bookify.toml").write_text('[book]\ntitle = "Plain"  # no contents\n')
    result = run("import", contribution(tmp_path / "in", "x", "X"), "--project", project)
    assert result.exit_code == 0, result.output
    assert (project / "bookify.toml").read_text() == '[book]\ntitle = "Plain"  # no contents\n'
    assert "added to contents" not in result.output


def test_import_outside_a_project_says_how_to_start_one(tmp_path):
    result = run("import", contribution(tmp_path / "in", "x", "X"), "--project", tmp_path)
    assert result.exit_code == 2
    assert "no bookify.toml" in result.output and "bookify new NAME --from FOLDER" in result.output


def test_new_from_a_folder_of_documents(tmp_path):
    folder = tmp_path / "contributions"
    contribution(folder, "b-brook", "The Brook", comment=True)
    contribution(folder, "a-hill", "The Hill")
    result = run("new", tmp_path / "anthology", "--from", folder, "--title", "Walks")
    assert result.exit_code == 0, result.output
    project = tmp_path / "anthology"
    manuscripts = sorted(p.name for p in (project / "manuscripts").iterdir())
    assert manuscripts == ["a-hill.md", "b-brook.comments.md", "b-brook.md"]
    config = (project / "bookify.toml").read_text()
    assert 'contents = [\n  "a-hill.md",\n  "b-brook.md",\n]' in config
    assert "and 2 imported essays" in result.output
    built = run("build", "--project", project, "--format", "html")
    assert built.exit_code == 0, built.output
    assert "not in the book" not in built.output


def test_new_from_refuses_a_bad_folder_and_creates_nothing(tmp_path):
    folder = tmp_path / "contributions"
    folder.mkdir()
    (folder / "essay.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    result = run("new", tmp_path / "anthology", "--from", folder)
    assert result.exit_code == 3
    assert "old Word 97–2003 .doc" in result.output
    assert not (tmp_path / "anthology").exists()


def test_the_command_line_stays_light():
    code = ("import sys, bookify.cli; heavy = {'mammoth', 'odfdo', 'tomlkit', 'docx', "
            "'bookify.importing.docx'} & set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_essay_id_already_taken_by_another_file_is_refused(book, tmp_path):
    (book / "manuscripts" / "03-gates.md").write_text("---\ntitle: Gates\n---\n\nText.\n")
    before = snapshot(book)
    result = run("import", contribution(tmp_path / "in", "gates", "On Gates"), "--project", book,
                 "--force")
    assert result.exit_code == 1
    assert ("gates.docx would become gates.md, but 03-gates.md already has the essay id 'gates'"
            in result.output)
    assert "--as ID" in result.output
    assert snapshot(book) == before
    assert run("import", tmp_path / "in" / "gates.docx", "--project", book, "--as",
               "more-gates").exit_code == 0


def test_a_large_folder_is_read_in_worker_processes_with_the_same_errors(book, tmp_path,
                                                                       monkeypatch):
    import bookify.importing.project as importing

    monkeypatch.setattr(importing.os, "cpu_count", lambda: 2)
    folder = tmp_path / "in"
    for number in range(importing.MIN_FILES_FOR_PROCESSES):
        contribution(folder, f"{number:02d}-essay", f"Essay {number}", comment=True)
    (folder / "99-locked.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
                                            + "EncryptedPackage".encode("utf-16-le"))
    before = snapshot(book)
    result = run("import", folder, "--project", book)
    assert result.exit_code == 3
    assert "99-locked.docx: the document is encrypted (password-protected)" in result.output
    assert snapshot(book) == before
    (folder / "99-locked.docx").unlink()
    result = run("import", folder, "--project", book)
    assert result.exit_code == 0, result.output
    for number in range(importing.MIN_FILES_FOR_PROCESSES):
        text = (book / "manuscripts" / f"{number:02d}-essay.md").read_text()
        assert text.startswith(f"---\ntitle: Essay {number}\n")
        assert (book / "manuscripts" / f"{number:02d}-essay.comments.md").is_file()
