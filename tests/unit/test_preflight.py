"""The preflight's rules on small PDFs and stylesheets made here: the page a printer expects
(with crop marks, the slug round the trim), crop marks a print-on-demand printer refuses, a
font without its program, IngramSpark's blank last page, page count limits, and the CSS
Kindle mangles. Real built books are checked in tests/integration/test_preflight.py."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from pikepdf import Dictionary, Name

from bookify.config import PrintSection
from bookify.geometry import page_geometry
from bookify.outputs.print_file import finish_print_file
from bookify.preflight.epub import _check_css
from bookify.preflight.findings import CheckReport
from bookify.preflight.print_pdf import check_print_pdf
from bookify.printers import PRINTERS

THEME = {"margin_top": "0.8in", "margin_bottom": "0.8in", "margin_inside": "0.7in",
         "margin_outside": "0.6in"}


def _finished(tmp_path: Path, settings: PrintSection, pages: int, text_on: tuple[int, ...] = ()
              ) -> Path:
    """A `pages`-page print file as bookify finishes it for `settings`, with a word of
    (unembedded Helvetica) text on the pages in `text_on`."""
    geometry = page_geometry(settings.trim, THEME, printer=settings.printer, bleed=settings.bleed,
                             crop_marks=settings.crop_marks, gutter="auto", pages=pages)
    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1,
                                        BaseFont=Name.Helvetica))
    for index in range(pages):
        pdf.add_blank_page(page_size=(geometry.width_pt, geometry.height_pt))
        if index in text_on:
            page = pdf.pages[index]
            page.Resources = Dictionary(Font=Dictionary(F1=font))
            page.Contents = pdf.make_stream(b"BT /F1 10 Tf 150 300 Td (Folio) Tj ET")
    data = io.BytesIO()
    pdf.save(data)
    path = tmp_path / "book-print.pdf"
    path.write_bytes(finish_print_file(data.getvalue(), geometry, PRINTERS[settings.printer],
                                       settings.crop_marks))
    return path


def _check(path: Path, settings: PrintSection) -> CheckReport:
    report = CheckReport(settings.printer, [path])
    check_print_pdf(path, settings, report)
    return report


def test_an_offset_file_with_crop_marks_and_bleed_passes(tmp_path: Path) -> None:
    settings = PrintSection(printer="offset", bleed=True, crop_marks=True)
    report = _check(_finished(tmp_path, settings, 4), settings)
    assert report.findings == []


def test_crop_marks_in_a_kdp_file_are_named(tmp_path: Path) -> None:
    marked = _finished(tmp_path, PrintSection(printer="offset", crop_marks=True), 24)
    report = _check(marked, PrintSection(printer="kdp"))
    assert {f.check for f in report.errors} == {"crop-marks"}
    assert "KDP takes no crop or printer's marks" in report.errors[0].message
    assert report.errors[0].page == 1


def test_lulu_bleed_on_four_edges_passes_and_kdp_size_does_not(tmp_path: Path) -> None:
    lulu = PrintSection(printer="lulu", bleed=True)
    path = _finished(tmp_path, lulu, 32)
    assert _check(path, lulu).findings == []
    report = _check(path, PrintSection(printer="kdp", bleed=True))
    assert {f.check for f in report.errors} == {"page-size"}
    assert "the top, bottom and outside edges is 5.625 × 8.75 in" in report.errors[0].message


def test_ingramspark_wants_a_blank_last_page(tmp_path: Path) -> None:
    settings = PrintSection(printer="ingramspark")
    report = _check(_finished(tmp_path, settings, 18, text_on=(17,)), settings)
    assert {f.check for f in report.errors} == {"blank-last-page", "font-embedded"}
    blank = next(f for f in report.errors if f.check == "blank-last-page")
    assert blank.page == 18 and "IngramSpark wants the last page blank" in blank.message
    font = next(f for f in report.errors if f.check == "font-embedded")
    assert "Helvetica is not embedded" in font.message and font.page == 18


def test_page_count_limits_and_parity(tmp_path: Path) -> None:
    settings = PrintSection(printer="kdp")
    report = _check(_finished(tmp_path, settings, 23), settings)
    assert [(f.severity, f.check) for f in report.findings] == [
        ("error", "page-count"), ("warning", "page-parity")]
    assert "23 pages; KDP binds a paperback of 24–828 pages" in report.findings[0].message


def test_css_kindle_mangles_is_named_with_its_line() -> None:
    report = CheckReport("kdp")
    css = "p { margin: 0; }\ntable { margin: 1em auto; }\n.hidden { display:none }\n"
    _check_css(Path("book.epub"), "EPUB/epub.css", css, report)
    assert [(f.page, f.severity) for f in report.findings] == [
        ("EPUB/epub.css:2", "warning"), ("EPUB/epub.css:3", "warning")]
    assert "auto margins" in report.findings[0].message


def test_type_under_kdps_seven_points_is_an_error_and_elsewhere_a_warning(tmp_path: Path) -> None:
    path = _finished(tmp_path, PrintSection(printer="kdp"), 24, text_on=(2,))
    data = pikepdf.open(path)
    data.pages[2].Contents = data.make_stream(b"BT /F1 6.5 Tf 150 300 Td (Folio) Tj ET")
    data.save(tmp_path / "small.pdf")
    small = tmp_path / "small.pdf"
    kdp = [f for f in _check(small, PrintSection(printer="kdp")).findings
           if f.check == "type-size"]
    assert [(f.severity, f.page) for f in kdp] == [("error", 3)]
    assert "6.5 pt" in kdp[0].message and "KDP requires 7 pt" in kdp[0].message
    generic = [f for f in _check(small, PrintSection(printer="generic")).findings
               if f.check == "type-size"]
    assert [f.severity for f in generic] == ["warning"]


def test_without_java_epubcheck_is_a_notice(tmp_path: Path, monkeypatch) -> None:
    import zipfile

    from bookify.preflight import epub

    book = tmp_path / "book.epub"
    with zipfile.ZipFile(book, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
    monkeypatch.setattr(epub, "_java", lambda: None)
    report = CheckReport("kdp", [book])
    epub.check_epub(book, report)
    notice = next(f for f in report.findings if f.check == "epubcheck")
    assert notice.severity == "notice" and "Java is not installed" in notice.message
    assert report.errors and report.errors[0].check == "epub"  # no package document


ACE_REPORT = {"assertions": [{
    "earl:testSubject": {"url": "essay-1.xhtml"},
    "assertions": [
        {"earl:test": {"dct:title": "image-alt", "earl:impact": "serious"},
         "earl:result": {"earl:outcome": "fail", "dct:description": "Images must have\n alt text"}},
        {"earl:test": {"dct:title": "region", "earl:impact": "moderate"},
         "earl:result": {"earl:outcome": "fail"}},
        {"earl:test": {"dct:title": "lang", "earl:impact": "serious"},
         "earl:result": {"earl:outcome": "pass"}},
    ]}]}


def test_ace_violations_are_findings_by_impact(tmp_path: Path, monkeypatch) -> None:
    import json
    import stat

    from bookify.preflight import epub

    ace = tmp_path / "bin" / "ace"
    ace.parent.mkdir()
    # a stand-in for DAISY Ace's CLI: writes its report.json into --outdir
    ace.write_text("#!/bin/sh\nwhile [ \"$1\" != --outdir ]; do shift; done\n"
                   f"cat > \"$2/report.json\" <<'END'\n{json.dumps(ACE_REPORT)}\nEND\n")
    ace.chmod(ace.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{ace.parent}:/usr/bin:/bin")
    report = CheckReport("kdp")
    epub._run_ace(tmp_path / "book.epub", report)
    assert [(f.severity, f.page) for f in report.findings] == [
        ("error", "essay-1.xhtml"), ("warning", "essay-1.xhtml")]
    assert report.findings[0].message == "DAISY Ace, serious: image-alt: Images must have alt text"


def test_without_ace_a_notice_says_so(tmp_path: Path, monkeypatch) -> None:
    from bookify.preflight import epub

    monkeypatch.setenv("PATH", str(tmp_path))
    report = CheckReport("kdp")
    epub._run_ace(tmp_path / "book.epub", report)
    [notice] = report.findings
    assert notice.severity == "notice" and "DAISY Ace was not run" in notice.message


def test_annotations_are_refused_for_kdp_and_queried_elsewhere(tmp_path: Path) -> None:
    path = _finished(tmp_path, PrintSection(printer="kdp"), 24)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[4].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Text, Rect=pikepdf.Array([10, 10, 20, 20])))]))
        pdf.save(path)
    [kdp] = _check(path, PrintSection(printer="kdp")).findings
    assert (kdp.severity, kdp.check, kdp.page) == ("error", "annotations", 5)
    [generic] = _check(path, PrintSection(printer="generic")).findings
    assert generic.severity == "warning"
