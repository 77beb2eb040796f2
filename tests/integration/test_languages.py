"""A book in many scripts: tests/projects/scripts, an English anthology whose essays quote or are
written in polytonic Greek, Russian, French, Arabic, Hebrew, Japanese and German.

Checked as a reader (and a screen reader) meets it: the EPUB passes EPUBCheck; every document says
the book's language and every essay its own (`lang` and `xml:lang`), right-to-left essays say
`dir="rtl"`; passages marked with attribute lists (`{: lang="fr" }`) keep their language; every
script's text arrives unchanged (compared after Unicode NFC); the nav and the PDF outline give the
titles in their own scripts; and the PDF carries the text as extractable text, in fonts that have
its glyphs.

The project is built once for this module (EPUB and PDF by separate `build()` calls, so a bug in
one output fails only that output's tests); EPUBCheck runs while the PDF is laid out.

PDF text is read here with pdfium (`pypdfium2`, a bookify dependency), not with
`tests.support.pdf.page_texts` (pypdf): when a font in the PDF has missing glyphs, WeasyPrint
gives that font a custom /Encoding CMap, which pypdf decodes wrongly, garbling the text of every
page set in that font (EB Garamond: the whole book). pdfium and poppler read the same file
correctly. Missing glyphs themselves are the subject of their own test.
"""

from __future__ import annotations

import re
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from tests.support.epub import NS, EpubFile
from tests.support.pdf import normalize_text, outline

from .conftest import PROJECTS, REPORT, BuiltBook, lazy_project

XHTML_NS = NS["xhtml"]
X = f"{{{XHTML_NS}}}"
EPUB_TYPE = f"{{{NS['epub']}}}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BOOK_LANGUAGE = "en"
MANUSCRIPTS = PROJECTS / "scripts" / "manuscripts"
RIGHT_TO_LEFT = {"ar", "he"}


@dataclass(frozen=True)
class Essay:
    file: str
    title: str
    author: str
    lang: str | None  # the front matter's `lang`, None for the book's language
    sentence: str  # a distinctive sentence of its own language, as written in the manuscript
    word: str  # a distinctive word that a PDF reader should be able to extract


#: The essays in reading order (file-name order: the project has no `contents`).
ESSAYS = [
    Essay("01-borrowed-voices.md", "Borrowed Voices", "Iris Calloway", None,
          "Time runs like a river, and no one sees the same dawn twice.", "breathings"),
    Essay("02-daw-al-sabah.md", "عن ضوء الصباح", "ليلى حداد", "ar",
          "في المدينة القديمة تتعلم الجدران الصبر، فهي تسمع كل شيء ولا تقول شيئاً.", "الجدران"),
    Essay("03-michtav-la-yam.md", "מכתב אל הים", "תמר אלון", "he",
          "הים אינו ממהר לשום מקום, כי הוא יודע שהזמן שייך לו.", "מקשיבות"),
    Essay("04-ame-no-toshokan.md", "雨の日の図書館", "森本葵", "ja",
          "古い本の匂いと小さな足音だけが、天井の高い部屋に残る。", "図書館"),
    Essay("05-am-bahnsteig.md", "Über das Warten am Bahnsteig", "Jonas Wehrli", "de",
          "Die große Uhr über dem Gleis zählt die Minuten, als müsste sie sich selbst davon "
          "überzeugen, dass die Zeit vergeht.", "Großvater"),
]
BY_LANG = {essay.lang: essay for essay in ESSAYS}


@dataclass(frozen=True)
class Passage:
    tag: str
    lang: str
    text: str  # as the reader sees it (smart punctuation applied)
    script: str


#: Passages of 01-borrowed-voices.md marked with attribute lists: three paragraphs (block level,
#: `{: lang="…" }` as the paragraph's last line) and two inline emphases (`*…*{: lang="fr" }`).
PASSAGES = [
    Passage("p", "grc", "Ὁ χρόνος ῥέει ὡς ποταμός, καὶ οὐδεὶς δὶς τὸν αὐτὸν ὄρθρον ὁρᾷ.", "Greek"),
    Passage("p", "ru", "Тихий снег ложится на крыши, и город забывает своё имя до весны.", "Cyrillic"),
    Passage("p", "fr", "Le matin, la boulangerie du coin sent le pain chaud et la patience des gens "
                       "qui attendent.", "French"),
    Passage("em", "fr", "l\u2019esprit de l\u2019escalier", "French"),
    Passage("em", "fr", "la flânerie", "French"),
]

#: Sentences the printed book must carry as extractable text (scripts EB Garamond covers).
PDF_SENTENCES = {
    "Greek": PASSAGES[0].text,
    "Cyrillic": PASSAGES[1].text,
    "German": BY_LANG["de"].sentence,
    "German quotation": "\u201eWarten ist eine Kunst\u201c, sagte mein Großvater",
}


def nfc(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


# ---------------------------------------------------------------------------- the build


@pytest.fixture(scope="module")
def scripts_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """tests/projects/scripts, built once: the EPUB, then the PDF while EPUBCheck runs on the EPUB.

    A build that fails is remembered by BuiltBook and re-raised in the tests of that output."""
    book = lazy_project(PROJECTS / "scripts", tmp_path_factory.mktemp("scripts-build"), "scripts")
    times = {}

    def timed(fmt: str) -> None:
        started = time.perf_counter()
        try:
            book.build_result(fmt)
        except Exception:  # noqa: BLE001 - re-raised by every test of this output
            pass
        times[fmt] = time.perf_counter() - started

    def check() -> None:
        try:
            book.epubcheck  # noqa: B018 - the property runs EPUBCheck once
        except (Exception, pytest.skip.Exception):  # noqa: BLE001 - the EPUBCheck test reports it
            pass

    with ThreadPoolExecutor(1) as pool:
        timed("epub")
        started = time.perf_counter()
        checking = pool.submit(check)
        timed("pdf")
        checking.result()
        times["epubcheck"] = time.perf_counter() - started
    REPORT.append("scripts: EPUB built in {epub:.1f} s, PDF in {pdf:.1f} s; "
                  "EPUBCheck done {epubcheck:.1f} s after the EPUB".format(**times))
    return book


@pytest.fixture(scope="module")
def epub(scripts_book: BuiltBook) -> EpubFile:
    return scripts_book.ebook


def chapters(epub: EpubFile) -> list[tuple[str, etree._Element]]:
    """(href, essay element) of each essay in spine order: the documents holding a chapter."""
    found = []
    for item in epub.spine:
        for element in epub.xhtml(item.href).iter(f"{X}section", f"{X}article", f"{X}body"):
            if "chapter" in (element.get(EPUB_TYPE) or "").split():
                found.append((item.href, element))
                break
    return found


@pytest.fixture(scope="module")
def essay_documents(epub: EpubFile) -> dict[str, tuple[str, etree._Element]]:
    """Essay file name → (EPUB href, its chapter element), matched in reading order."""
    found = chapters(epub)
    assert len(found) == len(ESSAYS), [href for href, _ in found]
    return {essay.file: pair for essay, pair in zip(ESSAYS, found)}


# ---------------------------------------------------------------------------- the fixture itself


def test_the_fixture_says_what_these_tests_expect() -> None:
    """The manuscripts hold the titles, languages and sentences listed here (no drift)."""
    assert sorted(p.name for p in MANUSCRIPTS.glob("*.md")) == [e.file for e in ESSAYS]
    for essay in ESSAYS:
        text = nfc((MANUSCRIPTS / essay.file).read_text(encoding="utf-8"))
        assert f'title: "{essay.title}"' in text, essay.file
        assert f'author: "{essay.author}"' in text, essay.file
        assert (f"lang: {essay.lang}" in text) == (essay.lang is not None), essay.file
        assert nfc(essay.sentence) in text and essay.word in text, essay.file
    borrowed = nfc((MANUSCRIPTS / ESSAYS[0].file).read_text(encoding="utf-8"))
    for passage in PASSAGES:
        assert nfc(passage.text.replace("\u2019", "'")) in borrowed, passage


# ---------------------------------------------------------------------------- EPUB


def test_epubcheck_is_clean(scripts_book: BuiltBook) -> None:
    result = scripts_book.epubcheck
    assert (result.fatals, result.errors, result.warnings) == (0, 0, 0), result.summary()


def test_every_essay_document_says_the_books_language(essay_documents) -> None:
    for href, chapter in essay_documents.values():
        html = chapter.getroottree().getroot()
        assert html.tag == f"{X}html", href
        assert (html.get("lang"), html.get(XML_LANG)) == (BOOK_LANGUAGE, BOOK_LANGUAGE), href


@pytest.mark.parametrize("essay", [e for e in ESSAYS if e.lang], ids=lambda e: e.lang)
def test_each_essay_says_its_own_language(essay: Essay, essay_documents) -> None:
    href, chapter = essay_documents[essay.file]
    assert chapter.get("lang") is not None and chapter.get(XML_LANG) is not None, \
        f"{href}: the essay's element needs both lang and xml:lang"
    assert (chapter.get("lang"), chapter.get(XML_LANG)) == (essay.lang, essay.lang), href


def test_an_essay_in_the_books_language_is_in_the_books_language(essay_documents) -> None:
    href, chapter = essay_documents[ESSAYS[0].file]
    declared = (chapter.get("lang"), chapter.get(XML_LANG))
    assert declared in {(None, None), (BOOK_LANGUAGE, BOOK_LANGUAGE)}, f"{href}: {declared}"


@pytest.mark.parametrize("essay", [e for e in ESSAYS if e.lang in RIGHT_TO_LEFT], ids=lambda e: e.lang)
def test_right_to_left_essays_say_dir_rtl(essay: Essay, essay_documents) -> None:
    href, chapter = essay_documents[essay.file]
    assert chapter.get("dir") == "rtl", (
        f"{href}: the {essay.lang} essay's <{etree.QName(chapter).localname}> has "
        f"dir={chapter.get('dir')!r}; a reading system lays it out left to right")


@pytest.mark.parametrize("essay", [e for e in ESSAYS if e.lang not in RIGHT_TO_LEFT],
                         ids=lambda e: e.lang or BOOK_LANGUAGE)
def test_left_to_right_essays_are_not_marked_rtl(essay: Essay, essay_documents) -> None:
    href, chapter = essay_documents[essay.file]
    assert chapter.get("dir") in (None, "ltr"), href
    assert not chapter.xpath(".//*[@dir='rtl']"), href


@pytest.mark.parametrize("passage", PASSAGES, ids=[f"{p.tag}-{p.lang}-{n}" for n, p in enumerate(PASSAGES)])
def test_marked_passages_keep_their_language(passage: Passage, essay_documents) -> None:
    href, chapter = essay_documents[ESSAYS[0].file]
    matches = [el for el in chapter.iter(f"{X}{passage.tag}") if nfc("".join(el.itertext())) == nfc(passage.text)]
    assert len(matches) == 1, f"{href}: {len(matches)} <{passage.tag}> elements read {passage.text!r}"
    element = matches[0]
    assert element.get("lang") == passage.lang, f"{href}: <{passage.tag}> lang={element.get('lang')!r}"
    assert element.get(XML_LANG) == passage.lang, (
        f"{href}: <{passage.tag} lang={element.get('lang')!r}> has xml:lang={element.get(XML_LANG)!r}; "
        f"an XHTML content document should carry both")


@pytest.mark.parametrize("essay", ESSAYS, ids=lambda e: e.lang or BOOK_LANGUAGE)
def test_each_languages_text_arrives_intact(essay: Essay, epub: EpubFile, essay_documents) -> None:
    href, _ = essay_documents[essay.file]
    text = nfc(epub.text(href))
    assert nfc(essay.sentence) in text, f"{href} lost or changed: {essay.sentence}"
    assert nfc(essay.title) in text and nfc(essay.author) in text, href


@pytest.mark.parametrize("passage", PASSAGES[:3], ids=lambda p: p.script)
def test_quoted_scripts_arrive_intact(passage: Passage, epub: EpubFile, essay_documents) -> None:
    href, _ = essay_documents[ESSAYS[0].file]
    assert nfc(passage.text) in nfc(epub.text(href)), f"{href} lost or changed: {passage.text}"


def test_the_arabic_note_links_both_ways(epub: EpubFile, essay_documents) -> None:
    href, chapter = essay_documents[BY_LANG["ar"].file]
    refs = [a for a in chapter.iter(f"{X}a") if "noteref" in (a.get(EPUB_TYPE) or "").split()]
    assert len(refs) == 1, f"{href}: {len(refs)} note references"
    note_id = refs[0].get("href").partition("#")[2]
    notes = chapter.xpath(".//*[@id=$id]", id=note_id)
    assert len(notes) == 1 and "دفتر قديم" in nfc("".join(notes[0].itertext())), f"{href}: note {note_id!r}"
    backs = [a.get("href").partition("#")[2] for a in notes[0].iter(f"{X}a") if a.get("href", "").startswith("#")]
    assert backs, f"{href}: the note does not link back"
    targets = chapter.xpath(".//*[@id=$id]", id=backs[-1])
    assert targets and refs[0] in targets[0].iter(), f"{href}: the note's back link misses its reference"


def test_the_english_essay_links_to_the_german_and_arabic_essays(epub: EpubFile, essay_documents) -> None:
    href, chapter = essay_documents[ESSAYS[0].file]
    links = {"".join(a.itertext()): epub.resolve(href, a.get("href")) for a in chapter.iter(f"{X}a") if a.get("href")}
    assert links.get("waiting for trains") == essay_documents[BY_LANG["de"].file][0], links
    assert links.get("morning light") == essay_documents[BY_LANG["ar"].file][0], links


def test_nav_lists_the_titles_in_their_scripts(epub: EpubFile, essay_documents) -> None:
    entries = epub.toc_entries()
    assert [(level, nfc(text)) for level, text, _ in entries] == \
        [(1, nfc(f"{e.title} — {e.author}")) for e in ESSAYS]
    assert [href for _, _, href in entries] == [essay_documents[e.file][0] for e in ESSAYS]


# ---------------------------------------------------------------------------- PDF


@pytest.fixture(scope="module")
def pdf_pages(scripts_book: BuiltBook) -> list[str]:
    """Each page's text as pdfium extracts it: NFC, lines kept, hyphenated line ends rejoined."""
    document = pdfium.PdfDocument(scripts_book.pdf)
    try:
        pages = []
        for page in document:
            text = normalize_text(page.get_textpage().get_text_range())
            pages.append(re.sub("\u2010\n", "", text))
        return pages
    finally:
        document.close()


def pages_with(pages: list[str], text: str) -> list[int]:
    needle = nfc(text)
    return [i for i, page in enumerate(pages) if needle in nfc(page)]


def test_the_pdf_is_built(scripts_book: BuiltBook) -> None:
    assert scripts_book.pdf.read_bytes().startswith(b"%PDF-")
    assert scripts_book.pages_reported() == len(PdfReader(scripts_book.pdf).pages) > len(ESSAYS)


@pytest.mark.parametrize("script", PDF_SENTENCES)
def test_pdf_text_is_extractable(script: str, pdf_pages: list[str]) -> None:
    assert pages_with(pdf_pages, PDF_SENTENCES[script]), f"no page of the PDF reads: {PDF_SENTENCES[script]}"


@pytest.mark.parametrize("essay", ESSAYS, ids=lambda e: e.lang or BOOK_LANGUAGE)
def test_a_distinctive_word_of_each_essay_is_extractable(essay: Essay, pdf_pages: list[str]) -> None:
    """Right-to-left lines come out of a PDF in visual order and ligatures (lam-alef) may come
    apart, so for Arabic and Hebrew a single word is what a reader can reliably find."""
    assert pages_with(pdf_pages, essay.word), f"{essay.word!r} is on no page of the PDF"


def test_pdf_outline_gives_the_titles_in_their_scripts(scripts_book: BuiltBook) -> None:
    assert [(e.level, nfc(e.title)) for e in outline(scripts_book.pdf_edition("digital"))] == [(1, nfc(e.title)) for e in ESSAYS]


# Fonts: which font set each script, and which characters were drawn as .notdef (a box).


def _cmap_pairs(data: str, section: str) -> dict[int, str]:
    """`<code> <value>` / `<code> value` pairs of the `beginbf…`/`begincid…` sections of a CMap."""
    pairs: dict[int, str] = {}
    for block in re.findall(rf"begin{section}(.*?)end{section}", data, re.DOTALL):
        for code, value in re.findall(r"<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\d+)", block):
            pairs[int(code, 16)] = value
    return pairs


def _unicode(value: str) -> str:
    raw = bytes.fromhex(value.strip("<>"))
    return raw.decode("utf-16-be", errors="replace")


def _font_usage(path: Path) -> dict[str, tuple[set[str], set[str]]]:
    """Font name → (characters drawn with a real glyph, characters drawn as .notdef), read from each
    font's ToUnicode CMap and, when WeasyPrint wrote one, its /Encoding CMap (code → CID, where CID 0
    is .notdef; WeasyPrint writes one only for a font with missing glyphs, otherwise Identity-H)."""
    usage: dict[str, tuple[set[str], set[str]]] = {}
    seen: set[int] = set()
    for page in PdfReader(path).pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        for ref in (fonts.get_object().values() if fonts is not None else []):
            if isinstance(ref, IndirectObject):
                if ref.idnum in seen:
                    continue
                seen.add(ref.idnum)
            font = ref.get_object()
            name = re.sub(r"^[A-Z]{6}\+", "", str(font.get("/BaseFont", "?")).lstrip("/"))
            drawn, missing = usage.setdefault(name, (set(), set()))
            to_unicode = font.get("/ToUnicode")
            if to_unicode is None:
                continue
            chars = {code: _unicode(v) for code, v in
                     _cmap_pairs(to_unicode.get_object().get_data().decode("latin-1"), "bfchar").items()}
            encoding = font.get("/Encoding")
            encoding = encoding.get_object() if encoding is not None else None
            if isinstance(encoding, StreamObject):
                cids = {code: int(v) for code, v in
                        _cmap_pairs(encoding.get_data().decode("latin-1"), "cidchar").items()}
            else:  # Identity-H: the code is the glyph id
                cids = {code: code for code in chars}
            for code, text in chars.items():
                (missing if cids.get(code, code) == 0 else drawn).update(c for c in text if not c.isspace())
    return usage


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    for script in ("LATIN", "GREEK", "CYRILLIC", "ARABIC", "HEBREW", "HIRAGANA", "KATAKANA", "CJK"):
        if name.startswith(script) or f" {script} " in f" {name} ":
            return {"HIRAGANA": "Japanese", "KATAKANA": "Japanese", "CJK": "Japanese"}.get(script, script.title())
    return "other"


@pytest.fixture(scope="module")
def font_usage(scripts_book: BuiltBook) -> dict[str, tuple[set[str], set[str]]]:
    usage = _font_usage(scripts_book.pdf)
    by_script: dict[str, set[str]] = {}
    for name, (drawn, missing) in usage.items():
        for char in drawn:
            by_script.setdefault(_script(char), set()).add(name)
        for char in missing:
            by_script.setdefault(_script(char), set()).add(f"{name} .notdef (missing glyphs)")
    REPORT.append("scripts: PDF fonts by script: " + "; ".join(
        f"{script}: {', '.join(sorted(names))}" for script, names in sorted(by_script.items()) if script != "other"))
    return usage


def test_latin_greek_and_cyrillic_are_set_in_the_themes_font(font_usage) -> None:
    """EB Garamond has Latin, polytonic Greek and Cyrillic: no fallback font for those scripts."""
    for name, (drawn, _) in font_usage.items():
        foreign = {c for c in drawn if _script(c) in {"Latin", "Greek", "Cyrillic"} and c.isalpha()}
        assert name.startswith("EB-Garamond") or not foreign, f"{name} set {''.join(sorted(foreign))}"


def test_no_character_is_printed_as_a_missing_glyph(font_usage) -> None:
    """A character no available font has is drawn as .notdef (an empty box) — silently, since the
    text layer still reads correctly. Which fonts exist depends on the machine (CI installs only
    fonts-dejavu-core; the classic theme ships only EB Garamond)."""
    missing = {name: "".join(sorted(chars)) for name, (_, chars) in font_usage.items() if chars}
    assert not missing, f"drawn as .notdef (no font has these glyphs): {missing}"


# Direction in print: a right-to-left paragraph's short lines (its last line, a note) are set
# flush right; laid out left to right they are flush left.


def _lines(page: pdfium.PdfPage) -> list[tuple[float, float, str]]:
    """(left, right, text) of each printed line of a page, from pdfium's character boxes."""
    textpage = page.get_textpage()
    lines: list[list] = []  # [bottom, top, left, right, chars]
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        if not char.strip() or unicodedata.category(char[0]).startswith("M"):  # marks sit above the line
            continue
        left, bottom, right, top = textpage.get_charbox(index)
        if right <= left:
            continue
        middle = (bottom + top) / 2
        line = next((ln for ln in lines if ln[0] <= middle <= ln[1]), None)
        if line is None:
            lines.append([bottom, top, left, right, char])
        else:
            line[0], line[1] = min(line[0], bottom), max(line[1], top)
            line[2], line[3] = min(line[2], left), max(line[3], right)
            line[4] += char
    return [(left, right, text) for _, _, left, right, text in lines]


@pytest.mark.parametrize("essay", [e for e in ESSAYS if e.lang in RIGHT_TO_LEFT], ids=lambda e: e.lang)
def test_right_to_left_paragraphs_are_set_right_to_left_in_print(essay: Essay, scripts_book: BuiltBook,
                                                                 pdf_pages: list[str]) -> None:
    pages = pages_with(pdf_pages, essay.word)
    assert pages, f"{essay.word!r} is on no page"
    document = pdfium.PdfDocument(scripts_book.pdf)
    try:
        lines = _lines(document[pages[0]])
    finally:
        document.close()
    left, right = min(ln[0] for ln in lines), max(ln[1] for ln in lines)
    measure = right - left
    short = [ln for ln in lines if ln[1] - ln[0] < 0.8 * measure and any(_script(c) in {"Arabic", "Hebrew"} for c in ln[2])]
    flush_left = [text for l_, r_, text in short if l_ - left < 2 and right - r_ > 10]
    flush_right = [text for l_, r_, text in short if right - r_ < 2 and l_ - left > 10]
    assert not flush_left and flush_right, (
        f"page {pages[0] + 1}: short lines of the {essay.lang} essay flush left {flush_left}, "
        f"flush right {flush_right}")
