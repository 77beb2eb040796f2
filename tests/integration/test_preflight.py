"""`bookify check` (issue #13, item 3): the preflight passes a good book and names the exact
problem in broken ones.

One small KDP book (the minimal project with eight more short essays and a 1400-px plate, so
it reaches KDP's 24 pages) is built once for the module; each test copies its files, breaks one
the way a file goes wrong after a build (edited with pikepdf, as a tool or a person would), and
runs the command on the copy.
"""

from __future__ import annotations

import json
import shutil
import zipfile
import zlib
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw

from bookify.cli import main
from tests.support.epub import java_available

from .conftest import BuiltBook, build_project, copy_project

#: A paragraph long enough that each extra essay fills its opening page.
PARAGRAPH = ("The harbour light turned slowly over the water and the boats came in one by one, "
             "while the town above them went on with its evening as it always had. ") * 3


def _with_essays(toml: str) -> str:
    return toml + '\n[print]\neditions = ["print"]\n'


@pytest.fixture(scope="module")
def kdp_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    root = copy_project("minimal", tmp_path_factory.mktemp("preflight") / "book",
                        toml_edit=_with_essays)
    images = root / "manuscripts" / "images"
    images.mkdir()
    plate = Image.new("RGB", (1400, 933), "white")
    draw = ImageDraw.Draw(plate)
    for x in range(0, 1400, 40):
        draw.line([(x, 0), (1400 - x, 933)], fill=(30, 60, 90), width=3)
    plate.save(images / "plate.png")
    for number in range(3, 11):
        figure = "\n\n![Crossing lines](images/plate.png)\n\n" if number == 3 else "\n\n"
        (root / "manuscripts" / f"{number:02d}-essay-{number}.md").write_text(
            f'---\ntitle: "Essay Number {number}"\n---\n\n{PARAGRAPH}\n\n{PARAGRAPH}{figure}'
            f"{PARAGRAPH}\n", encoding="utf-8")
    return build_project(root, ["pdf", "epub"], root / "build", "preflight")


def _copy(book: BuiltBook, folder: Path, *files: str) -> dict[str, Path]:
    """Copy the built files named by kind (print, cover, epub) into `folder`."""
    sources = {"print": book.print_pdf, "cover": book.artifact("pdf", "cover"),
               "epub": book.epub}
    folder.mkdir(parents=True, exist_ok=True)
    return {kind: Path(shutil.copy2(sources[kind], folder / sources[kind].name))
            for kind in files}


def _check(book: BuiltBook, folder: Path, *options: str):
    result = CliRunner().invoke(main, ["check", "--project", str(book.project),
                                       "--output", str(folder), *options])
    assert "Traceback" not in result.output and result.exception is None or \
        isinstance(result.exception, SystemExit), result.output
    return result


def _findings(book: BuiltBook, folder: Path) -> tuple[int, list[dict]]:
    result = _check(book, folder, "--json")
    return result.exit_code, json.loads(result.output)["findings"]


def _errors(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["severity"] == "error"]


def _image_page(pdf: pikepdf.Pdf) -> tuple[int, pikepdf.Stream]:
    for index, page in enumerate(pdf.pages):
        xobjects = page.Resources.get("/XObject", {})
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "Do" and xobjects[operands[0]].get("/Subtype") == "/Image":
                return index, xobjects[operands[0]]
    raise AssertionError("the fixture book prints no image")


def test_a_good_book_passes(kdp_book: BuiltBook, tmp_path: Path) -> None:
    _copy(kdp_book, tmp_path, "print", "cover", "epub")
    code, findings = _findings(kdp_book, tmp_path)
    assert code == 0, findings
    assert _errors(findings) == []
    checks = {f["check"] for f in findings}
    if java_available():  # EPUBCheck ran and found nothing
        assert "epubcheck" not in checks
    # the plate prints at over 300 dpi: no resolution finding
    assert "image-resolution" not in checks


def test_an_outline_in_a_kdp_print_file_is_an_error(kdp_book: BuiltBook, tmp_path: Path) -> None:
    files = _copy(kdp_book, tmp_path, "print")
    with pikepdf.open(files["print"], allow_overwriting_input=True) as pdf:
        with pdf.open_outline() as outline:
            outline.root.append(pikepdf.OutlineItem("Essay Number 3", 0))
        pdf.save(files["print"])
    code, findings = _findings(kdp_book, tmp_path)
    assert code == 1
    [finding] = _errors(findings)
    assert finding["check"] == "outline" and "bookmarks" in finding["message"]
    assert "KDP" in finding["message"] and finding["file"].endswith("-print.pdf")


def test_a_96_dpi_image_is_an_error_on_its_page(kdp_book: BuiltBook, tmp_path: Path) -> None:
    files = _copy(kdp_book, tmp_path, "print")
    with pikepdf.open(files["print"], allow_overwriting_input=True) as pdf:
        index, image = _image_page(pdf)
        width, height = int(image.Width), int(image.Height)
        placed_in = width / 300  # at least 300 dpi as built: shrink to under a third
        small = Image.new("RGB", (round(placed_in * 96), round(height * placed_in * 96 / width)),
                          "grey")
        image.write(zlib.compress(small.tobytes()), filter=pikepdf.Name.FlateDecode)
        image.Width, image.Height = small.size
        for key in ("/DecodeParms", "/SMask"):
            if key in image:
                del image[key]
        pdf.save(files["print"])
    code, findings = _findings(kdp_book, tmp_path)
    assert code == 1
    [finding] = _errors(findings)
    assert finding["check"] == "image-resolution" and finding["page"] == index + 1
    assert f"{small.size[0]}×{small.size[1]} px" in finding["message"]
    dpi = int(finding["message"].split(" dpi")[0].rsplit(" ", 1)[1])
    assert dpi < 200


@pytest.mark.parametrize("kind", ["print", "cover"])
def test_a_font_without_its_program_is_named(kdp_book: BuiltBook, tmp_path: Path,
                                             kind: str) -> None:
    files = _copy(kdp_book, tmp_path, "print", "cover")
    with pikepdf.open(files[kind], allow_overwriting_input=True) as pdf:
        font = next(f for page in pdf.pages for f in page.Resources.Font.values())
        descriptor = font.DescendantFonts[0].FontDescriptor if "/DescendantFonts" in font \
            else font.FontDescriptor
        name = str(font.BaseFont).lstrip("/")
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            if key in descriptor:
                del descriptor[key]
        pdf.save(files[kind])
    code, findings = _findings(kdp_book, tmp_path)
    assert code == 1
    errors = _errors(findings)
    assert errors and {f["check"] for f in errors} == {"font-embedded"}
    assert name in errors[0]["message"] and "not embedded" in errors[0]["message"]
    assert errors[0]["file"].endswith("/" + files[kind].name)


def test_three_point_type_is_an_error(kdp_book: BuiltBook, tmp_path: Path) -> None:
    files = _copy(kdp_book, tmp_path, "print")
    with pikepdf.open(files["print"], allow_overwriting_input=True) as pdf:
        index, page = next((i, p) for i, p in enumerate(pdf.pages)
                           if any(str(op) == "Tf" for _, op in pikepdf.parse_content_stream(p)))
        commands = []
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "Tf":  # WeasyPrint draws in CSS px under a 0.75 scale
                operands = [operands[0], 4]
            commands.append((operands, operator))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(commands))
        pdf.save(files["print"])
    code, findings = _findings(kdp_book, tmp_path)
    assert code == 1
    [finding] = [f for f in _errors(findings) if f["check"] == "type-size"]
    assert finding["page"] == index + 1 and "3.0 pt" in finding["message"]


def test_text_in_the_gutter_is_an_error(kdp_book: BuiltBook, tmp_path: Path) -> None:
    files = _copy(kdp_book, tmp_path, "print")
    with pikepdf.open(files["print"], allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]  # the half title, a recto: its inside edge is on the left
        page.contents_add(b"q 1 0 0 1 -150 0 cm\n", prepend=True)
        page.contents_add(b"\nQ\n")
        pdf.save(files["print"])
    code, findings = _findings(kdp_book, tmp_path)
    assert code == 1
    [finding] = _errors(findings)
    assert finding["check"] == "margins" and finding["page"] == 1
    assert "inside edge" in finding["message"] and "0.375 in" in finding["message"]


def test_a_cover_for_another_page_count_is_an_error(kdp_book: BuiltBook, tmp_path: Path) -> None:
    files = _copy(kdp_book, tmp_path, "print", "cover")
    pages = len(pikepdf.open(files["print"]).pages)
    wider = 100 * 0.0025 * 72  # the spine of 100 more pages of cream paper
    with pikepdf.open(files["cover"], allow_overwriting_input=True) as pdf:
        for key in ("/MediaBox", "/TrimBox", "/BleedBox", "/CropBox"):
            if key in pdf.pages[0].obj:
                box = [float(v) for v in pdf.pages[0].obj[key]]
                box[2] += wider
                pdf.pages[0].obj[key] = pikepdf.Array(box)
        pdf.save(files["cover"])
    code, findings = _findings(kdp_book, tmp_path)
    assert code == 1
    [finding] = _errors(findings)
    assert finding["check"] == "cover-size" and finding["file"].endswith("-cover.pdf")
    assert f"{pages}-page interior" in finding["message"]
    assert f"made for about {pages + 100} pages" in finding["message"]


def test_an_epub_without_accessibility_metadata_or_cover(kdp_book: BuiltBook,
                                                          tmp_path: Path) -> None:
    source = kdp_book.epub
    target = tmp_path / source.name
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.endswith(".opf"):
                text = data.decode("utf-8")
                text = text.replace('property="schema:accessMode"', 'property="x:gone"')
                text = text.replace('properties="cover-image"', "")
                data = text.encode("utf-8")
            new.writestr(info, data)
    code, findings = _findings(kdp_book, tmp_path)
    assert code == 1
    checks = {(f["check"], f["message"].split(";")[0]) for f in _errors(findings)}
    assert ("accessibility-metadata", "no schema:accessMode in the package metadata") in checks
    assert any(check == "cover" for check, _ in checks)


def test_the_human_report_names_file_page_and_fix(kdp_book: BuiltBook, tmp_path: Path) -> None:
    files = _copy(kdp_book, tmp_path, "print")
    with pikepdf.open(files["print"], allow_overwriting_input=True) as pdf:
        pdf.trailer.Info = pikepdf.Dictionary(Title="A Minimal Book")
        pdf.save(files["print"])
    result = _check(kdp_book, tmp_path)
    assert result.exit_code == 1
    assert f"error: {files['print']}" in result.output or files["print"].name in result.output
    assert "document metadata" in result.output and "fix: rebuild" in result.output
    assert "Not ready: 1 error" in result.output


def test_nothing_built_is_a_clear_error(kdp_book: BuiltBook, tmp_path: Path) -> None:
    result = _check(kdp_book, tmp_path)
    assert result.exit_code == 1
    assert "nothing to check" in result.output and "bookify build" in result.output


def test_build_check_checks_what_it_wrote(kdp_book: BuiltBook) -> None:
    result = CliRunner().invoke(main, ["build", "--project", str(kdp_book.project), "--format",
                                       "pdf", "--output", str(kdp_book.output), "--check"])
    assert result.exit_code == 0, result.output
    assert "Ready for kdp" in result.output and "-cover.pdf" in result.output


def _write_on_cover(cover: Path, x: float, y: float, text: bytes, size: float = 9) -> None:
    """Add `text` at (x, y) from the cover's bottom left corner of its bleed."""
    with pikepdf.open(cover, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                    Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name.Helvetica))
        if "/Font" not in page.Resources:
            page.Resources.Font = pikepdf.Dictionary()
        page.Resources.Font.Added = font
        x0, y0 = (float(v) for v in page.MediaBox[:2])
        page.contents_add(b"q\n", prepend=True)  # the text in the page's own coordinates
        page.contents_add(b"Q BT /Added %g Tf %.2f %.2f Td (%s) Tj ET"
                          % (size, x0 + x, y0 + y, text))
        pdf.save(cover)


def test_text_in_the_barcode_area_is_an_error(kdp_book: BuiltBook, tmp_path: Path) -> None:
    files = _copy(kdp_book, tmp_path, "print", "cover")
    # 2 × 1.2 in at the bottom right of the back cover (5.5 in wide), 0.25 in inside its
    # trim; the bleed is 9 pt
    _write_on_cover(files["cover"], 9 + 396 - 18 - 100, 9 + 18 + 40, b"Price 12.99")
    code, findings = _findings(kdp_book, tmp_path)
    assert code == 1  # (and the unembedded Helvetica the text was written in is named too)
    [finding] = [f for f in _errors(findings) if f["check"] != "font-embedded"]
    assert finding["check"] == "barcode-area" and "Price12.99" in finding["message"]


def test_spine_text_under_kdps_79_pages_is_an_error(kdp_book: BuiltBook, tmp_path: Path) -> None:
    files = _copy(kdp_book, tmp_path, "print", "cover")
    pages = len(pikepdf.open(files["print"]).pages)
    assert pages < 79
    spine_middle = 9 + 396 + pages * 0.0025 * 72 / 2  # cream paper, after the back cover
    _write_on_cover(files["cover"], spine_middle - 0.5, 300, b"I", size=3)
    code, findings = _findings(kdp_book, tmp_path)
    assert code == 1
    [finding] = [f for f in _errors(findings) if f["check"] != "font-embedded"]
    assert finding["check"] == "spine-text"
    assert f"spine of a {pages}-page book; KDP allows spine text from 79 pages" in finding["message"]


def test_an_unreadable_pdf_is_a_finding_not_a_traceback(kdp_book: BuiltBook, tmp_path: Path) -> None:
    (tmp_path / kdp_book.print_pdf.name).write_bytes(b"%PDF-1.7 cut short")
    result = _check(kdp_book, tmp_path)
    assert result.exit_code == 1
    assert "not a PDF a printer can read" in result.output and "internal error" not in result.output


def test_an_essay_opening_on_a_verso_is_named(kdp_book: BuiltBook, tmp_path: Path) -> None:
    files = _copy(kdp_book, tmp_path, "print")
    with pikepdf.open(files["print"], allow_overwriting_input=True) as pdf:
        destinations = pikepdf.NameTree(pdf.Root.Names.Dests)
        opener = next(i for i, page in enumerate(pdf.pages)
                      if page.objgen == destinations["essay-4"][0].objgen)
        assert opener % 2 == 0  # a recto, after a blank verso
        del pdf.pages[opener - 1]  # the blank verso: essay 4 now opens on a verso
        pdf.save(files["print"])
    code, findings = _findings(kdp_book, tmp_path)
    assert code == 1
    versos = [f for f in _errors(findings) if f["check"] == "verso-opener"]
    assert versos[0]["page"] == opener
    assert versos[0]["message"].startswith(f"“Essay Number 4” opens on page {opener}, a left-hand")
