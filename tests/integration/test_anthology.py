"""An anthology's contributors, read as a reader reads the finished book: the Contributors page
(bios, and the page each contributor's essays start on), Credits, the Index of Authors, the
copyright page's pointer to the credits, and the same pages in the EPUB.

Three books: the repository's sample anthology (contributors.toml), "Water and Stone", a small
project written here that uses every anthology option (contributors/*.md, references by id and
by name, title-page credits, a part introduction, book-title running heads, no author index,
contributors without a bio), and — slow, with ../shared/corpus — the 49-essay anthology-large
project in seven parts.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import urldefrag

import pytest
import yaml

from bookify.model import RenderedPart
from tests.support.epub import NS, EpubFile
from tests.support.pdf import link_targets, outline

from .bookcheck import flat, folio, reading
from .conftest import REPO, BuiltBook, build_project

XHTML = f"{{{NS['xhtml']}}}"
BACK_FILES = {"Contributors": "contributors.xhtml", "Credits": "credits.xhtml",
              "Index of Authors": "author-index.xhtml"}

#: The sample book's contributors in sort-name order, with the essays they wrote and translated.
SAMPLE_PEOPLE = {
    "Anonymous": (["Look Back"], []),
    "Francis Bacon": (["Of Truth"], []),
    "G. K. Chesterton": (["A Piece of Chalk"], []),
    "Charles Cotton": ([], ["Of Idleness"]),
    "Ralph Waldo Emerson": (["Gifts"], []),
    "William Hazlitt": (["On Going a Journey"], []),
    "Jerome K. Jerome": (["On Being Idle"], []),
    "Michel de Montaigne": (["Of Idleness"], []),
    "Robert Louis Stevenson": (["An Apology for Idlers", "Old Mortality"], []),
}


# ---------------------------------------------------------------------------- reading helpers


def opener_folios(book: BuiltBook) -> list[str]:
    """The folio printed on each essay's opening page, in reading order."""
    return [folio(book.printed.pages[i]) for i in book.printed.opener_pages(book.essay_titles)]


def folios_by_title(book: BuiltBook) -> dict[str, str]:
    """Essay title → folio of its opener (for books whose essay titles are all different)."""
    assert len(set(book.essay_titles)) == len(book.essay_titles)
    return dict(zip(book.essay_titles, opener_folios(book)))


def part_pages(book: BuiltBook) -> dict[str, int]:
    """0-based page of each part's title page (with its introduction, if any)."""
    pages, start = {}, book.printed.contents_pages[-1] + 1
    for entry in book.rendered.contents:
        if isinstance(entry, RenderedPart):
            pages[entry.title_text] = start = book.printed.part_page(
                entry.title_text, after=start, intro=entry.intro_html is not None)
    return pages


def back_pages(book: BuiltBook, edition: str = "print") -> dict[str, range]:
    """The physical pages (0-based) of each back page, from its first page to the page before
    the next one (or the end of the book). The authored back pieces (a colophon) come first."""
    printed = book.printed_edition(edition)
    titles = book.back_titles
    last_opener = max(printed.opener_pages(book.essay_titles))
    if book.back_piece_titles:
        last_opener = max(printed.back_page_openers(book.back_piece_titles, after=last_opener))
    starts = printed.back_page_openers(titles, after=last_opener)
    return {t: range(s, e) for t, s, e in zip(titles, starts, starts[1:] + [len(printed.pages)])}


def back_lines(book: BuiltBook, title: str) -> list[str]:
    """The lines printed on a back page and the pages it runs on to, without its title, running
    heads and folios."""
    lines: list[str] = []
    for n, index in enumerate(back_pages(book)[title]):
        page = book.printed.pages[index].splitlines()
        if folio(book.printed.pages[index]) is not None:
            page = page[:-1]
        if n == 0:
            assert page[:1] == [title], page[:3]
            page = page[1:]
        elif page and page[-1].casefold() == title.casefold():
            page = page[:-1]
        lines.extend(page)
    return lines


def contributor_entries(book: BuiltBook, names: list[str]) -> tuple[list[str], dict[str, str]]:
    """(the contributors' names in the order printed, {name: text of the entry under the name}).

    A name is printed on a line of its own (in small capitals, so compared case-insensitively);
    a bio that starts with the name runs on after it and is not taken for a heading."""
    lines = back_lines(book, "Contributors")
    wanted = {name.casefold(): name for name in names}
    heads = [(i, wanted[line.casefold()]) for i, line in enumerate(lines) if line.casefold() in wanted]
    ends = [i for i, _ in heads[1:]] + [len(lines)]
    entries = {name: reading("\n".join(lines[i + 1:end])) for (i, name), end in zip(heads, ends)}
    return [name for _, name in heads], entries


def works(essays: list[str], translated: list[str], folios: dict[str, str], *, index: bool = False) -> str:
    """A contributor's essays as the back pages print them: "Title, 7; Other, 12"."""
    def listed(titles: list[str]) -> str:
        return "; ".join(f"{title}, {folios[title]}" for title in titles)
    text = listed(essays)
    if translated:
        role = "tr." if index else "Translated:"
        text = (f"{text}; " if essays and index else f"{text} " if essays else "") + f"{role} {listed(translated)}"
    return text


def markdown_text(markdown: str) -> str:
    """Markdown as a reader sees it: emphasis marks gone, read across line ends."""
    return reading(re.sub(r"\*+", "", markdown))


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])


def epub_links(epub: EpubFile, href: str) -> list[tuple[str, str]]:
    """(link text, target resolved against the document) of every link in an EPUB document."""
    return [("".join(a.itertext()).strip(), a.get("href") if re.match(r"^[a-z]+:", a.get("href"))
             else epub.resolve(href, a.get("href")))
            for a in epub.xhtml(href).iter(f"{XHTML}a") if a.get("href")]


def ncx_entries(epub: EpubFile) -> list[tuple[int, str, str]]:
    entries = []

    def walk(parent, level: int) -> None:
        for point in parent.findall("ncx:navPoint", NS):
            label = "".join(point.find("ncx:navLabel/ncx:text", NS).itertext()).strip()
            entries.append((level, label, point.find("ncx:content", NS).get("src")))
            walk(point, level + 1)

    walk(epub.ncx.find("ncx:navMap", NS), 1)
    return entries


def opf_roles(epub: EpubFile) -> dict[str, list[str]]:
    """Every dc:creator and dc:contributor with its MARC roles."""
    meta = epub.opf.find("opf:metadata", NS)
    people = {}
    for tag in ("creator", "contributor"):
        for element in meta.findall(f"dc:{tag}", NS):
            people[element.text] = [m.text for m in meta.findall("opf:meta", NS)
                                    if m.get("refines") == f"#{element.get('id')}" and m.get("property") == "role"]
    return people


# ---------------------------------------------------------------------------- the sample book


@pytest.fixture(scope="module")
def sample_bios() -> dict[str, str]:
    """Name → bio, read straight from the repository's contributors.toml."""
    data = tomllib.loads((REPO / "contributors.toml").read_text(encoding="utf-8"))
    return {entry["name"]: entry["bio"] for entry in data.values()}


def test_only_a_project_with_a_contributors_file_gets_back_pages(sample_book, features_book, minimal_book) -> None:
    assert sample_book.back_titles == ["Contributors", "Credits", "Index of Authors"]
    assert features_book.back_titles == [] and minimal_book.back_titles == []


def test_every_author_and_translator_is_a_sample_contributor(sample_book: BuiltBook) -> None:
    """The expectations below cover everyone the sample's essays name."""
    named = {n for e in sample_book.rendered.essays() for n in (*e.essay.authors, *e.essay.translators)}
    assert named == set(SAMPLE_PEOPLE)
    assert {t for essays, translated in SAMPLE_PEOPLE.values() for t in essays} == set(sample_book.essay_titles)


def test_contributors_are_sorted_by_sort_name_with_bios_and_the_pages_of_their_essays(
        sample_book: BuiltBook, sample_bios: dict[str, str]) -> None:
    """Each contributor once, in sort-name order, with their bio and then each of their essays
    followed by the folio printed on that essay's opening page."""
    order, entries = contributor_entries(sample_book, list(SAMPLE_PEOPLE))
    assert order == list(SAMPLE_PEOPLE)
    folios = folios_by_title(sample_book)
    for name, (essays, translated) in SAMPLE_PEOPLE.items():
        expected = f"{markdown_text(sample_bios[name])} {works(essays, translated, folios)}"
        assert entries[name] == expected, name


def test_cotton_is_listed_as_the_translator_of_of_idleness(sample_book: BuiltBook) -> None:
    _, entries = contributor_entries(sample_book, list(SAMPLE_PEOPLE))
    assert entries["Charles Cotton"].endswith(f"Translated: Of Idleness, {folios_by_title(sample_book)['Of Idleness']}")
    assert "Of Idleness" not in entries["Charles Cotton"].removesuffix(
        f"Translated: Of Idleness, {folios_by_title(sample_book)['Of Idleness']}")


def test_credits_list_every_essay_in_reading_order_with_its_source(sample_book: BuiltBook) -> None:
    text = reading("\n".join(back_lines(sample_book, "Credits")))
    essays = list(sample_book.rendered.essays())
    starts, position = [], 0
    for essay in essays:
        start = text.find(f'"{essay.title_text}" by ', position)
        assert start >= 0, f"no credit for {essay.title_text!r} after position {position}: {text!r}"
        starts.append(start)
        position = start + 1
    segments = [text[a:b].strip() for a, b in zip(starts, starts[1:] + [len(text)])]
    assert text.startswith(segments[0])
    for essay, segment in zip(essays, segments):
        meta = front_matter(essay.essay.source)
        by = f'"{essay.title_text}" by {meta["author"]}'
        if meta.get("translator"):
            by += f", translated by {meta['translator']}"
        assert segment.startswith(by + "."), (segment, by)
        for key in ("collection", "license"):
            if meta.get(key):
                assert reading(str(meta[key])) in segment, (key, segment)
        if meta.get("source"):
            assert f"Text: {reading(meta['source'])}" in segment, segment
    assert segments[1] == ('"Of Idleness" by Michel de Montaigne, translated by Charles Cotton. From Essays '
                           "(tr. Charles Cotton, ed. W. C. Hazlitt), 1580. Public domain. "
                           "Text: Project Gutenberg eBook #3600.")


def test_the_index_of_authors_puts_surnames_first_with_the_pages(sample_book: BuiltBook) -> None:
    lines = back_lines(sample_book, "Index of Authors")
    data = tomllib.loads((REPO / "contributors.toml").read_text(encoding="utf-8"))
    sort_names = {entry["name"]: entry["sort_name"] for entry in data.values()}
    folios = folios_by_title(sample_book)
    expected = [f"{sort_names[name]} {works(essays, translated, folios, index=True)}"
                for name, (essays, translated) in SAMPLE_PEOPLE.items()]
    assert reading("\n".join(lines)).casefold() == " ".join(expected).casefold()
    starts = [line for line in lines if any(line.casefold().startswith(s.casefold() + " ") for s in sort_names.values())]
    assert len(starts) == len(SAMPLE_PEOPLE), "each name starts an entry of its own"


@pytest.mark.parametrize("edition", ["print", "digital"])
def test_the_copyright_page_gives_the_credits_page_number(sample_book: BuiltBook, edition: str) -> None:
    """In each edition the copyright page gives the folio the Credits page has in that edition;
    in the digital edition the mention is a link to it (the print edition has no links)."""
    printed = sample_book.printed_edition(edition)
    pages = printed.pages
    mentions = [(i, m) for i, text in enumerate(pages) if (m := re.search(r"Credits \(page (\d+)\)", flat(text)))]
    assert len(mentions) == 1, mentions
    index, match = mentions[0]
    assert index < printed.contents_pages[0], "on the copyright page, before the contents"
    credits = back_pages(sample_book, edition)["Credits"].start
    assert match[1] == folio(pages[credits])
    if edition == "digital":
        assert (index, credits) in link_targets(sample_book.digital_pdf), "and the mention links to the Credits page"


def test_back_pages_are_epub_documents_after_the_last_essay(sample_book: BuiltBook) -> None:
    epub = sample_book.ebook
    files = list(BACK_FILES.values())
    manifest = {item.href: item.media_type for item in epub.manifest.values()}
    assert all(manifest.get(f) == "application/xhtml+xml" for f in files), manifest
    spine = [item.href for item in epub.spine]
    last_essay = max(spine.index(f"{e.id}.xhtml") for e in sample_book.rendered.essays())
    # The authored back matter (the colophon) comes between the essays and the generated pages.
    pieces = [f"{piece.id}.xhtml" for piece in sample_book.rendered.back]
    assert pieces == ["colophon.xhtml"]
    assert spine[last_essay + 1:] == pieces + files
    assert epub.toc_entries()[-3:] == [(1, title, href) for title, href in BACK_FILES.items()]
    assert ncx_entries(epub)[-3:] == [(1, title, href) for title, href in BACK_FILES.items()]
    for title, href in BACK_FILES.items():
        assert epub.text(href).splitlines()[0] == title


def test_every_link_of_the_epub_back_pages_opens_an_essay(sample_book: BuiltBook, sample_bios) -> None:
    epub = sample_book.ebook
    essay_files = {f"{e.id}.xhtml": e.title_text for e in sample_book.rendered.essays()}
    external = {link for name in sample_bios for link in _sample_links().get(name, [])}
    for href in BACK_FILES.values():
        links = epub_links(epub, href)
        assert links, href
        for text, target in links:
            if target.startswith("https:"):
                assert href == "contributors.xhtml" and target in external, (href, target)
                continue
            path, fragment = urldefrag(target)
            assert path in essay_files, f"{href}: {text!r} links to {target}, not an essay"
            assert essay_files[path] in text, f"{href}: {text!r} links to {essay_files[path]!r}"
            assert not fragment or epub.xhtml(path).xpath("//*[@id=$id]", id=fragment), target
    credits = [target for _, target in epub_links(epub, "credits.xhtml")]
    assert credits == list(essay_files), "Credits link every essay once, in reading order"


def _sample_links() -> dict[str, list[str]]:
    data = tomllib.loads((REPO / "contributors.toml").read_text(encoding="utf-8"))
    return {entry["name"]: entry.get("links", []) for entry in data.values()}


def test_the_epub_contributors_page_has_the_bios_and_links_to_the_essays(
        sample_book: BuiltBook, sample_bios: dict[str, str]) -> None:
    epub = sample_book.ebook
    page = epub.xhtml("contributors.xhtml")
    names = ["".join(h.itertext()).strip() for h in page.iter(f"{XHTML}h2")]
    assert names == list(SAMPLE_PEOPLE)
    files = {e.title_text: f"{e.id}.xhtml" for e in sample_book.rendered.essays()}
    for section in page.iter(f"{XHTML}section"):
        heading = section.find(f"{XHTML}h2")
        if heading is None:
            continue
        name = "".join(heading.itertext()).strip()
        text = reading("".join(section.itertext()))
        assert markdown_text(sample_bios[name]) in text, name
        essays, translated = SAMPLE_PEOPLE[name]
        targets = [epub.resolve("contributors.xhtml", a.get("href")) for a in section.iter(f"{XHTML}a")
                   if not a.get("href").startswith("https:")]
        assert targets == [files[t] for t in essays + translated], name
        if translated:
            assert "Translated: Of Idleness" in text


def test_the_sample_build_warns_of_no_missing_bio(sample_book: BuiltBook) -> None:
    warnings = [d.render() for d in sample_book.build_result("pdf").diagnostics.warnings]
    assert not [w for w in warnings if "bio" in w], warnings


# ---------------------------------------------------------------------------- "Water and Stone"
# A small anthology written here: contributors/*.md, essays naming "jane" by id and by name,
# title-page credits, a part with an introduction, book-title running heads, no author index,
# and two people (an author and a translator) with no bio.

WATER_TOML = """\
contents = [
  "opening.md",
  { part = "Rivers", intro = "part-intro.md", essays = ["01-source.md", "02-delta.md"] },
  { part = "Hills", essays = ["03-ridge.md", "04-cairn.md"] },
]

[book]
title = "Water and Stone"
editors = ["Pat Editor"]
foreword_by = ["Oona Foreword"]
translators = ["Tess Translator"]
illustrators = ["Ivo Illustrator"]
publisher = "Testbed Press"

[print]
running_heads = "book-title"

[back_matter]
author_index = false
"""

WORDS = ["water", "stone", "river", "hill", "bank", "ford", "reed", "heron", "gravel", "current",
         "mist", "ridge", "cairn", "moss", "lichen", "sky", "weather", "path", "field", "hedge",
         "bridge", "mill", "pool", "shallows", "estuary", "tide", "salt"]

INTRO = ("These essays follow water downhill, from the spring where it rises to the flats where "
         "it meets the sea.\n\nEach was written beside the river it describes.\n")


def prose(seed: int, paragraphs: int = 14) -> str:
    """Plain, deterministic paragraphs (about 1,300 words: several pages per essay)."""
    out = []
    for p in range(paragraphs):
        sentences = []
        for s in range(6):
            words = [WORDS[(seed * 7 + p * 13 + s * 5 + w * 3) % len(WORDS)] for w in range(15)]
            sentences.append(" ".join(words).capitalize() + ".")
        out.append(" ".join(sentences))
    return "\n\n".join(out) + "\n"


def water_essay(title: str, seed: int, **front: str) -> str:
    lines = ["---", f'title: "{title}"', *(f'{k}: "{v}"' for k, v in front.items()), "---", ""]
    return "\n".join(lines) + prose(seed)


WATER_ESSAYS = {  # file → (title, author as the essay names them, author as printed)
    "opening.md": ("Opening", "Ben Ash", "Ben Ash"),
    "01-source.md": ("Source", "jane", "Jane Doe"),
    "02-delta.md": ("Delta", "jane", "Jane Doe"),
    "03-ridge.md": ("Ridge", "Jane Doe", "Jane Doe"),
    "04-cairn.md": ("Cairn", "Nobody Known", "Nobody Known"),
}
JANE_BIO = "Jane Doe has walked the length of *three rivers* and written about each."
BEN_BIO = "Ben Ash keeps a mill."


@pytest.fixture(scope="module")
def water_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    root = tmp_path_factory.mktemp("water") / "water-and-stone"
    (root / "manuscripts").mkdir(parents=True)
    (root / "contributors").mkdir()
    (root / "bookify.toml").write_text(WATER_TOML, encoding="utf-8")
    (root / "contributors" / "jane.md").write_text(
        f'---\nname: Jane Doe\nsort_name: "Doe, Jane"\n---\n\n{JANE_BIO}\n', encoding="utf-8")
    (root / "contributors" / "ben.md").write_text(f"---\nname: Ben Ash\n---\n{BEN_BIO}\n", encoding="utf-8")
    for seed, (name, (title, author, _)) in enumerate(WATER_ESSAYS.items()):
        front = {"author": author}
        if name == "02-delta.md":
            front["translator"] = "Tim Notin"
        if name == "01-source.md":
            front.update(credit="First published in *The Tributary*, 2019", license="CC BY 4.0")
        (root / "manuscripts" / name).write_text(water_essay(title, seed, **front), encoding="utf-8")
    (root / "manuscripts" / "part-intro.md").write_text(INTRO, encoding="utf-8")
    return build_project(root, ["pdf", "epub"], root / "build", "water-and-stone")


def test_water_contributors_come_from_the_markdown_folder(water_book: BuiltBook) -> None:
    roster = water_book.rendered.book.roster
    assert roster.source == water_book.project / "contributors"
    assert {p.id: (p.name, p.sort_name) for p in roster.people} == {
        "jane": ("Jane Doe", "Doe, Jane"), "ben": ("Ben Ash", "Ash, Ben")}


def test_an_id_and_a_name_both_credit_the_same_person(water_book: BuiltBook) -> None:
    """"jane" (by id) and "Jane Doe" (by name) are one person: the byline, the contents and
    the contributors page all say Jane Doe, with her three essays in one entry."""
    assert [e.essay.authors for e in water_book.rendered.essays()] == [(a,) for _, _, a in WATER_ESSAYS.values()]
    pages = water_book.printed.pages
    for index, (title, _, author) in zip(water_book.printed.opener_pages(water_book.essay_titles), WATER_ESSAYS.values()):
        assert pages[index].splitlines()[1].casefold() == author.casefold(), (title, pages[index][:80])
    contents = flat("\n".join(pages[i] for i in water_book.printed.contents_pages))
    assert "jane" not in contents.replace("Jane Doe", "")
    names = ["Ben Ash", "Jane Doe", "Nobody Known", "Tim Notin"]
    order, entries = contributor_entries(water_book, names)
    assert order == names, "sorted by sort name: Ash, Doe, Known, Notin"
    folios = folios_by_title(water_book)
    assert entries["Jane Doe"] == f"{markdown_text(JANE_BIO)} {works(['Source', 'Delta', 'Ridge'], [], folios)}"
    assert entries["Ben Ash"] == f"{BEN_BIO} {works(['Opening'], [], folios)}"
    assert entries["Nobody Known"] == works(["Cairn"], [], folios), "no bio: only the essays"
    assert entries["Tim Notin"] == works([], ["Delta"], folios)
    assert opf_roles(water_book.ebook).get("Jane Doe") == ["aut"]
    assert "jane" not in opf_roles(water_book.ebook)


def test_the_warning_lists_everyone_without_a_bio(water_book: BuiltBook) -> None:
    warnings = water_book.build_result("pdf").diagnostics.warnings
    assert len(warnings) == 1, [w.render() for w in warnings]
    message = warnings[0].message
    assert message.startswith("no bio for 2 contributors: "), message
    assert sorted(message.split(": ", 1)[1].split(", ")) == ["Nobody Known", "Tim Notin"]
    assert warnings[0].location.path == water_book.project / "contributors"


def test_a_part_intro_is_printed_on_the_part_page_and_is_not_an_essay(water_book: BuiltBook) -> None:
    printed = water_book.printed
    rivers = part_pages(water_book)["Rivers"]
    assert printed.part_intro(rivers, "Rivers") == reading(INTRO)
    assert folio(printed.pages[rivers]) is None
    assert printed.pages[part_pages(water_book)["Hills"]].casefold().strip() == "hills", "no intro there"
    assert water_book.essay_titles == ["Opening", "Source", "Delta", "Ridge", "Cairn"]
    messages = [d.render() for d in water_book.build_result("pdf").diagnostics.items]
    assert not [m for m in messages if "part-intro" in m or "not listed" in m], messages
    epub = water_book.ebook
    part_file = next(href for _, title, href in epub.toc_entries() if title == "Rivers")
    assert reading(epub.text(part_file)) == "Rivers " + reading(INTRO)
    assert not any("part-intro" in item.href for item in epub.manifest.values())


def test_book_title_running_heads_put_the_book_title_on_versos(water_book: BuiltBook) -> None:
    printed = water_book.printed
    openers = printed.opener_pages(water_book.essay_titles)
    starts = sorted([*openers, *part_pages(water_book).values(),
                     *(r.start for r in back_pages(water_book).values())])
    checked = {"recto": 0, "verso": 0}
    for title, start in zip(water_book.essay_titles, openers):
        end = next(s for s in starts + [len(printed.pages)] if s > start)
        for index in range(start + 1, end):
            if folio(printed.pages[index]) is None:
                continue
            side = "recto" if (index + 1) % 2 else "verso"
            want = title if side == "recto" else "Water and Stone"
            assert printed.pages[index].splitlines()[-2].casefold() == want.casefold(), (index + 1, title)
            checked[side] += 1
    assert checked["recto"] >= 5 and checked["verso"] >= 5, checked


def test_author_index_false_leaves_out_the_index_only(water_book: BuiltBook) -> None:
    assert water_book.back_titles == ["Contributors", "Credits"]
    assert [(e.level, e.title) for e in outline(water_book.pdf_edition("digital"))][-2:] == [(1, "Contributors"), (1, "Credits")]
    assert not any("Index of Authors" in text for text in water_book.printed.pages)
    epub = water_book.ebook
    assert [title for _, title, _ in epub.toc_entries()][-2:] == ["Contributors", "Credits"]
    assert not any("author-index" in item.href for item in epub.manifest.values())
    assert not any("Index of Authors" in label for _, label, _ in ncx_entries(epub))


def test_title_page_credits_the_foreword_translator_and_illustrator(water_book: BuiltBook) -> None:
    printed = water_book.printed
    front = [flat(t) for t in printed.pages[:printed.contents_pages[0]]]
    title_pages = [t for t in front if t.startswith("Water and Stone") and "Edited by Pat Editor" in t
                   and t.casefold().endswith("testbed press")]
    assert len(title_pages) == 1, front  # the title page (the print edition has no cover)
    digital = water_book.printed_digital
    digital_front = [flat(t) for t in digital.pages[:digital.contents_pages[0]]]
    digital_pages = [t for t in digital_front if t.startswith("Water and Stone") and "Edited by Pat Editor" in t
                     and t.casefold().endswith("testbed press")]
    # The digital edition opens with the typographic cover, then the same title page.
    assert len(digital_pages) == 2 and digital_pages[0] == digital_front[0], digital_front
    assert digital_pages[1] == title_pages[0]
    title_page = title_pages[0]
    for line in ("With a foreword by Oona Foreword", "Translated by Tess Translator",
                 "Illustrated by Ivo Illustrator", "Edited by Pat Editor"):
        assert line in title_page, title_page
    title_xhtml = water_book.ebook.text("title-page.xhtml")
    assert "With a foreword by Oona Foreword" in flat(title_xhtml)
    roles = opf_roles(water_book.ebook)
    assert roles.get("Oona Foreword") == ["aui"] and roles.get("Ivo Illustrator") == ["ill"]
    assert roles.get("Tess Translator") == ["trl"] and roles.get("Tim Notin") == ["trl"]


def test_credits_keep_the_credit_lines_markdown(water_book: BuiltBook) -> None:
    """An essay's `credit:` is Markdown (the essay's own page prints it in italics): on the
    Credits page too it must read "First published in The Tributary", never show HTML tags."""
    text = reading("\n".join(back_lines(water_book, "Credits")))
    assert '"Source" by Jane Doe. First published in The Tributary, 2019. CC BY 4.0.' in text, text
    page = water_book.ebook.xhtml("credits.xhtml")
    assert "<em>" not in "".join(page.itertext())
    assert [e.text for e in page.iter(f"{XHTML}em")] == ["The Tributary"]


def test_water_epub_passes_epubcheck(water_book: BuiltBook) -> None:
    result = water_book.epubcheck
    assert (result.fatals, result.errors, result.warnings) == (0, 0, 0), result.summary()


# ---------------------------------------------------------------------------- anthology-large (slow)

LARGE_ESSAYS = 49
LARGE_PARTS = 7


# `large_book` (tests/integration/conftest.py): the project built once per session, shared
# with test_print_rules.py.


def _configured_contents(root: Path) -> list[tuple[int, str]]:
    """The nav the project's bookify.toml asks for, titles read from the essays' front matter
    (with the typographer's apostrophe bookify sets)."""
    config = tomllib.loads((root / "bookify.toml").read_text(encoding="utf-8"))
    entries = []
    for part in config["contents"]:
        entries.append((1, part["part"]))
        entries.extend((2, front_matter(root / "manuscripts" / name)["title"].replace("'", "\u2019"))
                       for name in part["essays"])
    return entries


@pytest.mark.slow
def test_large_nav_has_7_parts_and_49_essays_in_the_configured_order(large_book: BuiltBook) -> None:
    expected = _configured_contents(large_book.project)
    assert sum(level == 1 for level, _ in expected) == LARGE_PARTS
    assert sum(level == 2 for level, _ in expected) == LARGE_ESSAYS
    nav = large_book.nav_titles()
    assert nav == expected + [(1, "Contributors"), (1, "Credits"), (1, "Index of Authors")]
    hrefs = [href for _, _, href in large_book.ebook.toc_entries()]
    assert len(set(hrefs)) == len(hrefs), "two divisions share a file (the two 'Of Friendship's)"


@pytest.mark.slow
def test_large_build_has_no_warnings(large_book: BuiltBook) -> None:
    diagnostics = large_book.build_result("pdf").diagnostics
    assert not diagnostics.warnings, [d.render(large_book.project) for d in diagnostics.warnings]


@pytest.mark.slow
def test_large_contributors_page_lists_the_8_people(large_book: BuiltBook) -> None:
    data = tomllib.loads((large_book.project / "contributors.toml").read_text(encoding="utf-8"))
    people = sorted(data.values(), key=lambda p: p["sort_name"].casefold())
    assert len(people) == 8
    names = [p["name"] for p in people]
    order, entries = contributor_entries(large_book, names)
    assert order == names
    for person in people:
        assert entries[person["name"]].startswith(markdown_text(person["bio"])), person["name"]
    # Two essays are called "Of Friendship" (Montaigne's and Bacon's): each contributor's entry
    # gives the page of their own.
    openers = large_book.printed.opener_pages(large_book.essay_titles)
    friendship = {e.essay.authors[0]: folio(large_book.printed.pages[i])
                  for e, i in zip(large_book.rendered.essays(), openers) if e.title_text == "Of Friendship"}
    assert len(set(friendship.values())) == 2
    for author, number in friendship.items():
        assert f"Of Friendship, {number}" in entries[author], (author, number)


@pytest.mark.slow
def test_large_contents_page_numbers_match_the_printed_folios(large_book: BuiltBook) -> None:
    """Essays: the folio on the opener. Parts (no folio printed): their place counted from page
    1. Back pages: the folio on their first page."""
    printed = large_book.printed
    titles = [title for _, title in large_book.structure] + large_book.back_titles
    listed = printed.contents_numbers(titles, ignore_case=True)
    openers = printed.opener_pages(large_book.essay_titles)
    parts = part_pages(large_book)
    body = min([openers[0], *parts.values()])
    essay_folios = iter(folio(printed.pages[i]) for i in openers)
    back = {title: folio(printed.pages[r.start]) for title, r in back_pages(large_book).items()}
    wrong = []
    for title, number in zip(titles, listed):
        if title in back:
            want = back[title]
        elif title in parts:
            want = str(parts[title] - body + 1)
        else:
            want = next(essay_folios)
        if str(number) != want:
            wrong.append((title, number, want))
    assert not wrong, f"(title, contents says, printed) {wrong}"
    assert all((i + 1) % 2 == 1 for i in openers), "every essay opens on a recto"


@pytest.mark.slow
def test_large_epubcheck_is_clean(large_book: BuiltBook) -> None:
    result = large_book.epubcheck
    assert (result.fatals, result.errors, result.warnings) == (0, 0, 0), result.summary()
