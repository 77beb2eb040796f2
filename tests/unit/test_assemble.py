"""Assembling the book: reading order, parts, drafts, essay ids, and what the author is told."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookify.assemble import essay_id_for, slugify
from bookify.errors import ConfigError, ManuscriptError
from bookify.model import Essay, Part

from .helpers import PNG, assembled, essay, rendered_messages, write_project


def ids(book) -> list[str]:
    return [e.id for e in book.essays()]


def outline(book) -> list:
    """Contents as nested ids: ['a', ('part-one', ['b', 'c'])]."""
    return [
        (entry.id, [e.id for e in entry.essays]) if isinstance(entry, Part) else entry.id
        for entry in book.contents
    ]


# --- reading order --------------------------------------------------------------------------


def test_file_name_order_without_contents(tmp_path):
    root = write_project(
        tmp_path,
        files={
            "manuscripts/02-second.md": essay("Second"),
            "manuscripts/10-tenth.markdown": essay("Tenth"),
            "manuscripts/01-first.md": essay("First"),
            "manuscripts/notes.txt": "not an essay",
            "manuscripts/image.png": b"\x89PNG",
        },
    )
    _, book, diagnostics = assembled(root)
    assert ids(book) == ["first", "second", "tenth"]
    assert [e.title for e in book.essays()] == ["First", "Second", "Tenth"]
    assert all(isinstance(e, Essay) for e in book.contents)
    assert diagnostics.items == []


def test_subfolders_are_read_in_path_order(tmp_path):
    root = write_project(
        tmp_path,
        files={
            "manuscripts/b-part/01-x.md": essay("BX"),
            "manuscripts/a-part/02-y.md": essay("AY"),
            "manuscripts/a-part/01-z.md": essay("AZ"),
        },
    )
    _, book, _ = assembled(root)
    assert [e.title for e in book.essays()] == ["AZ", "AY", "BX"]


def test_contents_with_parts(tmp_path):
    root = write_project(
        tmp_path,
        """
        contents = [
          "preface.md",
          { part = "Part One: *Truth*", essays = ["02-b.md", "01-a.md"] },
          { part = "Part Two", essays = ["sub/03-c.md"] },
        ]
        [book]
        title = "Essays"
        """,
        files={
            "manuscripts/preface.md": essay("Preface"),
            "manuscripts/01-a.md": essay("A"),
            "manuscripts/02-b.md": essay("B"),
            "manuscripts/sub/03-c.md": essay("C"),
        },
    )
    _, book, diagnostics = assembled(root)
    assert outline(book) == ["preface", ("part-part-one-truth", ["b", "a"]), ("part-part-two", ["c"])]
    assert book.contents[1].title == "Part One: *Truth*"
    assert ids(book) == ["preface", "b", "a", "c"]
    assert diagnostics.items == []
    assert book.slug == "essays"


def test_listed_file_that_does_not_exist(tmp_path):
    root = write_project(
        tmp_path,
        'contents = [\n  "01-a.md",\n  "02-missing.md",\n]\n[book]\ntitle = "X"\n',
        files={"manuscripts/01-a.md": essay("A")},
    )
    with pytest.raises(ConfigError) as info:
        assembled(root)
    e = info.value
    assert e.render(root) == (
        "bookify.toml:3: contents lists '02-missing.md', but there is no such file in manuscripts/\n"
        "  hint: check the spelling, or remove the entry from contents (or delete 'contents' to "
        "use every file in manuscripts/ in file-name order)"
    )
    assert e.location.key == "contents[1]"


def test_listed_file_in_a_part_that_does_not_exist(tmp_path):
    root = write_project(
        tmp_path,
        'contents = [\n  { part = "P", essays = [\n    "01-a.md",\n    "nope.md",\n  ] },\n]\n'
        '[book]\ntitle = "X"\n',
        files={"manuscripts/01-a.md": essay("A")},
    )
    with pytest.raises(ConfigError) as info:
        assembled(root)
    assert info.value.location.line == 4
    assert info.value.location.key == "contents[0].essays[1]"
    assert "'nope.md'" in info.value.message


def test_listed_twice(tmp_path):
    root = write_project(
        tmp_path,
        'contents = [\n  "01-a.md",\n  "01-a.md",\n]\n[book]\ntitle = "X"\n',
        files={"manuscripts/01-a.md": essay("A")},
    )
    with pytest.raises(ConfigError) as info:
        assembled(root)
    assert info.value.message == "contents lists '01-a.md' twice"
    assert info.value.hint == "remove one of the entries"


def test_manuscript_not_listed_gives_a_warning(tmp_path):
    root = write_project(
        tmp_path,
        'contents = ["01-a.md"]\n[book]\ntitle = "X"\n',
        files={"manuscripts/01-a.md": essay("A"), "manuscripts/02-forgotten.md": essay("F")},
    )
    _, book, diagnostics = assembled(root)
    assert ids(book) == ["a"]
    assert rendered_messages(diagnostics, root) == [
        "warning: manuscripts/02-forgotten.md: not in the book: this manuscript is not listed in "
        "contents\n  hint: add it to contents (or [front_matter] / [back_matter] files) in "
        "bookify.toml, or mark it 'draft: true'"
    ]


def test_comments_kept_by_bookify_import_are_never_essays(tmp_path):
    """`bookify import` keeps a Word file's comments in `<id>.comments.md` beside the essay."""
    comments = "# Comments on “A”\n\n1. **Ed**: cut this?\n"
    for config in ('contents = ["a.md"]\n[book]\ntitle = "X"\n', '[book]\ntitle = "X"\n'):
        root = write_project(tmp_path / str(len(config)), config,
                             files={"manuscripts/a.md": essay("A"),
                                    "manuscripts/a.comments.md": comments})
        _, book, diagnostics = assembled(root)
        assert ids(book) == ["a"]
        assert diagnostics.items == []


def test_unlisted_draft_is_not_reported_as_missing_from_contents(tmp_path):
    """Once a bug, now fixed: with `contents`, a manuscript that is not listed gets the warning "not in the book …
    hint: add it to contents in bookify.toml, or mark it 'draft: true'" even when it is already
    marked `draft: true`: following the hint does not silence the warning."""
    root = write_project(
        tmp_path,
        'contents = ["01-a.md"]\n[book]\ntitle = "X"\n',
        files={"manuscripts/01-a.md": essay("A"), "manuscripts/02-idea.md": essay("I", draft=True)},
    )
    _, book, diagnostics = assembled(root)
    assert ids(book) == ["a"]
    assert diagnostics.warnings == []


# --- drafts ---------------------------------------------------------------------------------


def test_draft_is_left_out_with_a_notice(tmp_path):
    root = write_project(
        tmp_path,
        files={
            "manuscripts/01-a.md": essay("A"),
            "manuscripts/02-b.md": essay("B", draft=True),
            "manuscripts/03-c.md": essay("C"),
        },
    )
    _, book, diagnostics = assembled(root)
    assert ids(book) == ["a", "c"]
    assert rendered_messages(diagnostics, root) == ["notice: manuscripts/02-b.md: left out: marked draft"]
    assert diagnostics.warnings == []


def test_listed_draft_is_left_out_and_an_emptied_part_disappears(tmp_path):
    root = write_project(
        tmp_path,
        'contents = ["01-a.md", { part = "Only Drafts", essays = ["02-b.md"] }]\n'
        '[book]\ntitle = "X"\n',
        files={"manuscripts/01-a.md": essay("A"), "manuscripts/02-b.md": essay("B", draft=True)},
    )
    _, book, diagnostics = assembled(root)
    assert outline(book) == ["a"]
    assert diagnostics.warnings == []  # a listed draft is not also "not in contents"


def test_a_book_of_drafts(tmp_path):
    root = write_project(tmp_path, files={"manuscripts/01-a.md": essay("A", draft=True)})
    with pytest.raises(ConfigError) as info:
        assembled(root)
    assert info.value.render(root) == (
        "bookify.toml: the book has no essays (every manuscript is a draft)\n"
        "  hint: remove 'draft: true' from at least one essay"
    )


def test_no_manuscripts(tmp_path):
    root = write_project(tmp_path, files={"manuscripts/README.txt": "x"})
    with pytest.raises(ConfigError) as info:
        assembled(root)
    assert info.value.message == "manuscripts/ holds no Markdown files"
    assert info.value.hint == "add essays as .md files, one per essay"


def test_no_manuscripts_folder(tmp_path):
    root = write_project(tmp_path, files={})
    (root / "manuscripts").rmdir()
    with pytest.raises(ConfigError) as info:
        assembled(root)
    assert info.value.message == f"no manuscripts/ folder in {root.resolve()}"


def test_a_manuscript_error_stops_assembly(tmp_path):
    root = write_project(tmp_path, files={"manuscripts/01-a.md": "---\ntitle: A\nauthr: x\n---\n"})
    with pytest.raises(ManuscriptError) as info:
        assembled(root)
    assert info.value.render(root).startswith("manuscripts/01-a.md:3: unknown front matter key")


# --- ids ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("01-of-truth.md", "of-truth"),
        ("of-truth.md", "of-truth"),
        ("001_of-truth.md", "of-truth"),
        ("12. Of Truth.md", "of-truth"),
        ("Æs Triplex.md", "aes-triplex"),
        ("Café Society.md", "cafe-society"),
        ("1984.md", "essay-1984"),
        ("01-1984.md", "essay-1984"),
        ("---.md", "essay"),
    ],
)
def test_essay_id_from_file_name(name, expected):
    assert essay_id_for(Path(name)) == expected


def test_slugify():
    assert slugify("Æs Triplex") == "aes-triplex"
    assert slugify("  Œuvres — Complètes! ") == "oeuvres-completes"
    assert slugify("!!!") == ""


def test_slug_in_front_matter_sets_the_id(tmp_path):
    root = write_project(tmp_path, files={"manuscripts/01-a.md": essay("A", slug="Hello World")})
    _, book, _ = assembled(root)
    assert ids(book) == ["hello-world"]


def test_numeric_slug_is_made_a_valid_id(tmp_path):
    root = write_project(tmp_path, files={"manuscripts/01-a.md": essay("A", slug="1984")})
    _, book, _ = assembled(root)
    assert ids(book) == ["essay-1984"]


def test_duplicate_explicit_slugs(tmp_path):
    root = write_project(
        tmp_path,
        files={
            "manuscripts/01-a.md": essay("A", slug="same"),
            "manuscripts/02-b.md": essay("B", slug="same"),
        },
    )
    with pytest.raises(ManuscriptError) as info:
        assembled(root)
    assert info.value.render(root) == (
        "manuscripts/02-b.md: two essays have the id 'same': this one and manuscripts/01-a.md\n"
        "  hint: give one of them a different 'slug:' in its front matter"
    )
    assert info.value.exit_code == 3


@pytest.mark.parametrize("slugged, named", [("01-maxims.md", "02-rochefoucauld.md"),
                                             ("02-maxims.md", "01-rochefoucauld.md")])
def test_a_slug_that_is_another_essays_id_is_an_error_naming_both_files(tmp_path, slugged, named):
    """A `slug:` never renames the essay whose file name gives it the same id (which would
    change that essay's --essay id and EPUB file name): it is an error, in either order."""
    root = write_project(
        tmp_path,
        files={
            f"manuscripts/{slugged}": essay("Maxims", slug="rochefoucauld"),
            f"manuscripts/{named}": essay("La Rochefoucauld"),
        },
    )
    with pytest.raises(ManuscriptError) as info:
        assembled(root)
    assert info.value.render(root) == (
        f"manuscripts/{slugged}:3: the slug 'rochefoucauld' is already the id of "
        f"manuscripts/{named} (from its file name)\n"
        "  hint: give this essay a different 'slug:', or rename the other file"
    )
    assert info.value.exit_code == 3


def test_colliding_ids_from_file_names_are_numbered(tmp_path):
    root = write_project(
        tmp_path,
        files={
            "manuscripts/24-of-friendship.md": essay("Of Friendship"),
            "manuscripts/38-of-friendship.md": essay("Of Friendship (again)"),
            "manuscripts/40-of_friendship.md": essay("Of Friendship (third)"),
            "manuscripts/41-of-truth.md": essay("Of Truth"),
        },
    )
    _, book, diagnostics = assembled(root)
    assert ids(book) == ["of-friendship", "of-friendship-2", "of-friendship-3", "of-truth"]
    assert diagnostics.items == []


def test_same_file_name_in_two_subfolders(tmp_path):
    root = write_project(
        tmp_path,
        files={"manuscripts/one/01-intro.md": essay("I"), "manuscripts/two/01-intro.md": essay("II")},
    )
    _, book, _ = assembled(root)
    assert ids(book) == ["intro", "intro-2"]


def test_ids_of_parts_and_essays_are_unique_book_wide(tmp_path):
    """Once a bug, now fixed: a part's id ('part-' + its title) is not checked against essay ids. An essay file
    `part-one.md` and a part titled "One" both get the id 'part-one': two elements with one id
    in the HTML, and in the EPUB two files named part-one.xhtml."""
    root = write_project(
        tmp_path,
        'contents = ["part-one.md", { part = "One", essays = ["02-b.md"] }]\n[book]\ntitle = "X"\n',
        files={"manuscripts/part-one.md": essay("A"), "manuscripts/02-b.md": essay("B")},
    )
    _, book, _ = assembled(root)
    every_id = [p.id for p in book.contents if isinstance(p, Part)] + ids(book)
    assert len(every_id) == len(set(every_id)), every_id


def test_parts_with_the_same_title_get_different_ids(tmp_path):
    root = write_project(
        tmp_path,
        'contents = [{ part = "Essays", essays = ["a.md"] }, { part = "Essays", essays = ["b.md"] }]\n'
        '[book]\ntitle = "X"\n',
        files={"manuscripts/a.md": essay("A"), "manuscripts/b.md": essay("B")},
    )
    _, book, _ = assembled(root)
    assert [p.id for p in book.contents] == ["part-essays", "part-essays-2"]


# --- paths ----------------------------------------------------------------------------------


def test_contents_path_outside_the_project_is_refused(tmp_path):
    root = write_project(
        tmp_path / "book",
        'contents = [\n  "01-a.md",\n  "../../outside.md",\n]\n[book]\ntitle = "X"\n',
        files={"manuscripts/01-a.md": essay("A")},
    )
    (tmp_path / "outside.md").write_text(essay("Outside"), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        assembled(root)
    assert info.value.render(root) == (
        "bookify.toml:3: manuscript '../../outside.md' is outside the book project\n"
        f"  hint: move it into {root.resolve()} and refer to it from there"
    )


def test_contents_path_above_manuscripts_that_does_not_exist(tmp_path):
    root = write_project(
        tmp_path, 'contents = ["../x.md"]\n[book]\ntitle = "X"\n',
        files={"manuscripts/01-a.md": essay("A")},
    )
    with pytest.raises(ConfigError) as info:
        assembled(root)
    assert info.value.message == "contents lists '../x.md', which is not in manuscripts/"


def test_absolute_contents_path_is_refused(tmp_path):
    (tmp_path / "elsewhere.md").write_text(essay("E"), encoding="utf-8")
    root = write_project(
        tmp_path / "book", f'contents = ["{tmp_path / "elsewhere.md"}"]\n[book]\ntitle = "X"\n',
        files={"manuscripts/01-a.md": essay("A")},
    )
    with pytest.raises(ConfigError) as info:
        assembled(root)
    assert "is outside the book project" in info.value.message


# --- essay fields and the cover -------------------------------------------------------------


def test_essay_fields_come_from_the_manuscript(tmp_path):
    root = write_project(
        tmp_path,
        files={
            "manuscripts/01-a.md": "---\ntitle: T\nsubtitle: S\nshort_title: Sh\n"
            "authors: [Jane, John]\ntranslator: Tr\nepigraph: Ep\nepigraph_source: Src\n"
            "credit: Cr\nlang: fr\n---\nBody.\n"
        },
    )
    _, book, _ = assembled(root)
    (e,) = book.essays()
    assert (e.title, e.subtitle, e.short_title) == ("T", "S", "Sh")
    assert e.authors == ("Jane", "John") and e.translators == ("Tr",)
    assert (e.epigraph, e.epigraph_source, e.credit, e.lang) == ("Ep", "Src", "Cr", "fr")
    assert e.markdown == "Body.\n" and e.body_line == 12
    assert e.source == root / "manuscripts/01-a.md"
    assert book.contributors == ("Jane", "John")


def test_missing_cover_image(tmp_path):
    root = write_project(tmp_path, '[book]\ntitle = "X"\ncover = "cover.jpg"\n')
    with pytest.raises(ConfigError) as info:
        assembled(root)
    assert info.value.message == "book.cover: no file 'cover.jpg'"
    assert info.value.hint == "give the cover image's path relative to the project folder"


def test_cover_image_outside_the_project(tmp_path):
    (tmp_path / "cover.jpg").write_bytes(b"x")
    root = write_project(tmp_path / "book", '[book]\ntitle = "X"\ncover = "../cover.jpg"\n')
    with pytest.raises(ConfigError) as info:
        assembled(root)
    assert info.value.message == "cover image '../cover.jpg' is outside the book project"


def test_cover_image_is_resolved(tmp_path):
    root = write_project(tmp_path, '[book]\ntitle = "X"\ncover = "art/cover.png"\n',
                         files={"manuscripts/a.md": essay("A"), "art/cover.png": PNG})
    _, book, _ = assembled(root)
    assert book.cover_image == (root / "art/cover.png").resolve()
