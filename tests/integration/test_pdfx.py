"""An IngramSpark book is written as PDF/X-1a (issue #13, item 2), and `bookify check` names
what breaks PDF/X in a file.

One book is built once for the module: the minimal project with ten more short essays (so it
reaches IngramSpark's 18 pages), a colour plate with a transparent corner, the modern theme
(whose accent is vermilion) and `printer = "ingramspark"`. Everything is asserted from the
files alone.
"""

from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw

from bookify.cli import main
from bookify.outputs.pdfx import PDFX_VERSION, profile_bytes

from .conftest import BuiltBook, build_project, copy_project

PARAGRAPH = ("The harbour light turned slowly over the water and the boats came in one by one, "
             "while the town above them went on with its evening as it always had. ") * 3
PDFX_CHECKS = {"pdfx", "colour-space", "transparency", "pdfx-boxes"}


def _ingramspark(toml: str) -> str:
    return toml + '\n[print]\nprinter = "ingramspark"\n\n[theme]\nname = "modern"\n'


@pytest.fixture(scope="module")
def ingram_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    root = copy_project("minimal", tmp_path_factory.mktemp("pdfx") / "book",
                        toml_edit=_ingramspark)
    images = root / "manuscripts" / "images"
    images.mkdir()
    plate = Image.new("RGBA", (1400, 933), (255, 255, 255, 255))
    draw = ImageDraw.Draw(plate)
    for x in range(0, 1400, 40):
        draw.line([(x, 0), (1400 - x, 933)], fill=(200, 40, 30, 255), width=3)
    draw.rectangle([0, 0, 300, 200], fill=(0, 0, 0, 0))  # a transparent corner
    plate.save(images / "plate.png")
    for number in range(3, 13):
        figure = "\n\n![Crossing lines](images/plate.png)\n\n" if number == 3 else "\n\n"
        (root / "manuscripts" / f"{number:02d}-essay-{number}.md").write_text(
            f"# Essay {number}\n\n{PARAGRAPH}{figure}{PARAGRAPH}\n", encoding="utf-8")
    return build_project(root, ["pdf"], root / "build")


def _streams(pdf: pikepdf.Pdf):
    """Every page and form of the file with its resources (forms: the furniture laid over
    each page of an assembled edition)."""
    seen = set()

    def walk(owner, resources):
        yield owner, resources
        for item in (resources.get("/XObject", {}) if resources is not None else {}).values():
            if item.get("/Subtype") == "/Form" and item.objgen not in seen:
                seen.add(item.objgen)
                yield from walk(item, item.get("/Resources", resources))

    for page in pdf.pages:
        yield from walk(page, page.obj.get("/Resources"))


def _images(pdf: pikepdf.Pdf) -> list[pikepdf.Stream]:
    return [obj for obj in pdf.objects
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]


def _text_colours(pdf: pikepdf.Pdf) -> dict[tuple[float, ...], int]:
    """How many text-showing operators are drawn in each fill colour (as k operands)."""
    counts: dict[tuple[float, ...], int] = {}
    for owner, _ in _streams(pdf):
        fill: tuple[float, ...] = ()
        for operands, operator in pikepdf.parse_content_stream(owner, "k rg g Tj TJ"):
            name = str(operator)
            if name in ("k", "rg", "g"):
                fill = (name, *(round(float(v), 3) for v in operands))
            else:
                counts[fill] = counts.get(fill, 0) + 1
    return counts


def _assert_pdfx(pdf: pikepdf.Pdf) -> None:
    assert pdf.pdf_version == "1.4"
    assert str(pdf.docinfo.GTS_PDFXVersion) == PDFX_VERSION
    assert pdf.open_metadata()["pdfxid:GTS_PDFXVersion"] == PDFX_VERSION
    [intent] = pdf.Root.OutputIntents
    assert intent.S == "/GTS_PDFX" and intent.DestOutputProfile.read_bytes() == profile_bytes()
    assert all("/TrimBox" in page.obj for page in pdf.pages)
    for owner, resources in _streams(pdf):
        operators = {str(op) for _, op in pikepdf.parse_content_stream(owner, "rg RG")}
        assert not operators, f"RGB colour operators {operators} in {owner}"
        for space in (resources.get("/ColorSpace", {}) if resources is not None else {}).values():
            assert space not in ("/DeviceRGB",), space
    for image in _images(pdf):
        assert image.ColorSpace in ("/DeviceGray", "/DeviceCMYK") and "/SMask" not in image
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/ExtGState":
            assert float(obj.get("/ca", 1)) == 1 and float(obj.get("/CA", 1)) == 1


def test_the_print_interior_is_pdfx_1a_in_black_ink(ingram_book: BuiltBook) -> None:
    with pikepdf.open(ingram_book.print_pdf) as pdf:
        _assert_pdfx(pdf)
        # a black-and-white interior (cream paper): every image grey, every colour black ink
        assert _images(pdf) and all(i.ColorSpace == "/DeviceGray" for i in _images(pdf))
        colours = _text_colours(pdf)
        assert all(c[0] == "k" and c[1:4] == (0, 0, 0) for c in colours), colours
        # the text, running heads and folios in 100 % K: most of what is set
        assert max(colours, key=colours.get) == ("k", 0, 0, 0, 1)
        assert colours[("k", 0, 0, 0, 1)] > 0.9 * sum(colours.values())


def test_the_cover_wrap_is_pdfx_1a_in_four_colours(ingram_book: BuiltBook) -> None:
    with pikepdf.open(ingram_book.artifact("pdf", "cover")) as pdf:
        _assert_pdfx(pdf)
        fills = {tuple(round(float(v), 2) for v in operands)
                 for owner, _ in _streams(pdf)
                 for operands, _ in pikepdf.parse_content_stream(owner, "k")}
        # modern's vermilion field, through the coated profile: magenta and yellow
        assert any(m > 0.7 and y > 0.7 and c < 0.3 for c, m, y, _ in fills), fills


def test_the_digital_edition_stays_rgb(ingram_book: BuiltBook) -> None:
    with pikepdf.open(ingram_book.digital_pdf) as pdf:
        assert "/OutputIntents" not in pdf.Root
        assert "/GTS_PDFXVersion" not in pdf.docinfo


def _check(book: BuiltBook, folder: Path) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(main, ["check", "--project", str(book.project),
                                       "--output", str(folder), "--json"])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, json.loads(result.output)["findings"]


def _copy(book: BuiltBook, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return (Path(shutil.copy2(book.print_pdf, folder / book.print_pdf.name)),
            Path(shutil.copy2(book.artifact("pdf", "cover"),
                              folder / book.artifact("pdf", "cover").name)))


def test_check_finds_nothing_against_pdfx_in_the_built_files(ingram_book: BuiltBook,
                                                             tmp_path: Path) -> None:
    _copy(ingram_book, tmp_path)
    _, findings = _check(ingram_book, tmp_path)
    assert [f for f in findings if f["check"] in PDFX_CHECKS] == []


def test_check_names_an_rgb_image_and_a_missing_output_intent(ingram_book: BuiltBook,
                                                             tmp_path: Path) -> None:
    interior, cover = _copy(ingram_book, tmp_path)
    with pikepdf.open(interior, allow_overwriting_input=True) as pdf:
        image = next(x for x in _images(pdf))
        drawn_on = {number for number, page in enumerate(pdf.pages, start=1)
                    for operands, operator in pikepdf.parse_content_stream(page, "Do")
                    if page.Resources.XObject[operands[0]].objgen == image.objgen}
        rgb = Image.new("RGB", (int(image.Width), int(image.Height)), (200, 40, 30))
        image.write(zlib.compress(rgb.tobytes()), filter=pikepdf.Name.FlateDecode)
        image.ColorSpace = pikepdf.Name.DeviceRGB
        pdf.save(interior)
    with pikepdf.open(cover, allow_overwriting_input=True) as pdf:
        del pdf.Root["/OutputIntents"]
        pdf.save(cover)
    code, findings = _check(ingram_book, tmp_path)
    assert code == 1
    pdfx = [f for f in findings if f["check"] in PDFX_CHECKS]
    [image_finding] = [f for f in pdfx if f["file"].endswith("-print.pdf")]
    assert image_finding["check"] == "colour-space" and image_finding["severity"] == "error"
    assert image_finding["message"].startswith("an image in RGB")
    assert "CMYK or greyscale" in image_finding["fix"]
    assert image_finding["page"] in drawn_on
    [intent] = [f for f in pdfx if f["file"].endswith("-cover.pdf")]
    assert "no PDF/X output intent" in intent["message"] and intent["page"] is None
