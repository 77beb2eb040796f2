"""PDF/X-1a for the printers that ask for it (issue #13, item 2): colours and images converted to
CMYK or black ink, transparency flattened or refused, the output intent and identification,
checked from the file alone; printers that do not ask for it get their file as before."""

from __future__ import annotations

import io
import zlib

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name
from PIL import Image

from bookify.config import TrimSize
from bookify.errors import RenderError
from bookify.geometry import page_geometry
from bookify.outputs.pdfx import (
    OUTPUT_CONDITION,
    PDFX_VERSION,
    ColourPlan,
    pdfx_problems,
    profile_bytes,
    rgb_to_cmyk,
)
from bookify.outputs.print_file import finish_print_file
from bookify.printers import PRINTERS

SIX_BY_NINE = TrimSize(6, 9, "in")
THEME = {"margin_top": "0.8in", "margin_bottom": "0.8in", "margin_inside": "0.7in",
         "margin_outside": "0.6in"}
GEOMETRY = page_geometry(SIX_BY_NINE, THEME, printer="ingramspark", bleed=False,
                         crop_marks=False, gutter="auto", pages=100)

#: Black text, a red box, a mid-grey rule, and a blue fill through a named RGB colour space,
#: then an image with a soft mask.
CONTENT = (b"0 0 0 rg BT /F1 10 Tf 72 72 Td (Text) Tj ET\n"
           b"1 0 0 rg 10 10 50 50 re f\n"
           b"0.5 0.5 0.5 RG 1 w 0 0 m 100 100 l S\n"
           b"/CS0 cs 0 0 1 scn 20 20 5 5 re f\n"
           b"q 40 0 0 20 100 100 cm /Im0 Do Q\n")


def _rgb_book(extra: bytes = b"", state: Dictionary | None = None) -> bytes:
    """A one-page PDF drawn in RGB: text, fills, a stroke, and a 4 × 2 RGB image whose left
    half is transparent (a soft mask)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(GEOMETRY.width_pt, GEOMETRY.height_pt))
    picture = Image.new("RGB", (4, 2), (200, 30, 30))
    mask = Image.new("L", (4, 2), 255)
    mask.paste(0, (0, 0, 2, 2))
    smask = pdf.make_stream(zlib.compress(mask.tobytes()), Type=Name.XObject,
                            Subtype=Name.Image, Width=4, Height=2, ColorSpace=Name.DeviceGray,
                            BitsPerComponent=8, Filter=Name.FlateDecode)
    image = pdf.make_stream(zlib.compress(picture.tobytes()), Type=Name.XObject,
                            Subtype=Name.Image, Width=4, Height=2, ColorSpace=Name.DeviceRGB,
                            BitsPerComponent=8, Filter=Name.FlateDecode, SMask=smask)
    page = pdf.pages[0]
    page.obj.Resources = Dictionary(
        Font=Dictionary(F1=Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)),
        ColorSpace=Dictionary(CS0=Name.DeviceRGB), XObject=Dictionary(Im0=image),
        ExtGState=Dictionary(GS0=state) if state is not None else Dictionary())
    page.obj.Contents = pdf.make_stream(CONTENT + extra)
    page.obj.Group = Dictionary(S=Name.Transparency, CS=Name.DeviceRGB)
    pdf.docinfo.Title = "A Book"
    output = io.BytesIO()
    pdf.save(output)
    return output.getvalue()


def _colours(pdf: pikepdf.Pdf) -> list[tuple[str, tuple[float, ...]]]:
    return [(str(i.operator), tuple(round(float(v), 3) for v in i.operands))
            for i in pikepdf.parse_content_stream(pdf.pages[0], "rg RG k K g G sc scn")]


def _finished(paper: str, printer: str = "ingramspark", data: bytes | None = None) -> bytes:
    return finish_print_file(data or _rgb_book(), GEOMETRY, PRINTERS[printer], crop_marks=False,
                             paper=paper)


def test_a_black_and_white_interior_prints_in_black_ink_alone() -> None:
    with pikepdf.open(io.BytesIO(_finished("cream"))) as pdf:
        assert pdfx_problems(pdf) == []
        colours = _colours(pdf)
        assert colours[0] == ("k", (0.0, 0.0, 0.0, 1.0))  # the text: 100 % K, not 0 0 0 rg
        red = 1 - 0.299  # the red box as the grey of its lightness
        assert ("k", (0.0, 0.0, 0.0, round(red, 3))) in colours
        assert ("K", (0.0, 0.0, 0.0, 0.5)) in colours
        named = [i for i in pikepdf.parse_content_stream(pdf.pages[0], "cs scn")]
        assert [str(i.operands[0]) for i in named if str(i.operator) == "cs"] == ["/DeviceCMYK"]
        assert [float(v) for v in named[1].operands][:3] == [0, 0, 0]
        image = pdf.pages[0].Resources.XObject.Im0
        assert image.ColorSpace == Name.DeviceGray and "/SMask" not in image
        pixels = pikepdf.PdfImage(image).as_pil_image()
        assert pixels.getpixel((0, 0)) == 255  # transparent: the white of the paper
        assert pixels.getpixel((3, 0)) < 120  # the red, as a grey


def test_a_colour_interior_goes_through_the_shipped_profile() -> None:
    with pikepdf.open(io.BytesIO(_finished("premium-colour"))) as pdf:
        assert pdfx_problems(pdf) == []
        colours = _colours(pdf)
        assert colours[0] == ("k", (0.0, 0.0, 0.0, 1.0))  # neutrals stay black ink alone
        [red] = [c for op, c in colours if op == "k" and c[1] > 0.5]
        assert red[1] > 0.8 and red[2] > 0.8 and red[0] < 0.1  # magenta and yellow
        assert ("K", (0.0, 0.0, 0.0, 0.5)) in colours
        image = pdf.pages[0].Resources.XObject.Im0
        assert image.ColorSpace == Name.DeviceCMYK and "/SMask" not in image
        c, m, y, k = pikepdf.PdfImage(image).as_pil_image().getpixel((0, 0))
        assert (c, m, y, k) == (0, 0, 0, 0)  # flattened against white paper: no ink
        assert pikepdf.PdfImage(image).as_pil_image().getpixel((3, 1))[1] > 200


def test_the_file_says_what_it_is_and_how_it_prints() -> None:
    with pikepdf.open(io.BytesIO(_finished("white"))) as pdf:
        assert pdf.pdf_version == "1.4"
        assert str(pdf.docinfo.GTS_PDFXVersion) == PDFX_VERSION == "PDF/X-1a:2003"
        assert pdf.docinfo.Trapped == Name("/False")
        assert str(pdf.docinfo.Title) == "A Book"
        [intent] = pdf.Root.OutputIntents
        assert intent.S == Name.GTS_PDFX
        assert str(intent.OutputConditionIdentifier) == OUTPUT_CONDITION == "FOGRA39"
        assert intent.DestOutputProfile.read_bytes() == profile_bytes()
        assert int(intent.DestOutputProfile.N) == 4
        assert all("/TrimBox" in page.obj for page in pdf.pages)
        assert "/Group" not in pdf.pages[0].obj  # nothing transparent is left
        meta = pdf.open_metadata()
        assert meta["pdfxid:GTS_PDFXVersion"] == PDFX_VERSION
        assert meta["dc:title"] == "A Book"


def test_the_same_book_gives_the_same_bytes() -> None:
    assert _finished("cream") == _finished("cream")


def test_transparency_it_cannot_flatten_stops_the_build_with_the_fix() -> None:
    data = _rgb_book(b"/GS0 gs 0 0 0 rg 0 0 5 5 re f\n", Dictionary(Type=Name.ExtGState, ca=0.5))
    with pytest.raises(RenderError) as caught:
        _finished("cream", data=data)
    assert "page 1: transparency" in str(caught.value)
    assert PDFX_VERSION in str(caught.value) and "opacity" in caught.value.hint


def test_an_unused_semi_transparent_state_is_no_problem() -> None:
    data = _rgb_book(state=Dictionary(Type=Name.ExtGState, ca=0.5))
    with pikepdf.open(io.BytesIO(_finished("cream", data=data))) as pdf:
        assert pdfx_problems(pdf) == []


def test_a_plain_rgb_file_has_every_pdfx_problem_named() -> None:
    with pikepdf.open(io.BytesIO(_rgb_book())) as pdf:
        problems = pdfx_problems(pdf)
    messages = [message for _, message in problems]
    assert any("no PDF/X output intent" in m for m in messages)
    assert any("GTS_PDFXVersion" in m for m in messages)
    assert (1, "colour set in RGB (DeviceRGB)") in problems
    assert (1, "an image in RGB (4 × 2 px)") in problems
    assert (1, "an image with transparency (a soft mask)") in problems
    assert (1, "no trim box") in problems


@pytest.mark.parametrize("printer", ["kdp", "generic", "lulu"])
def test_printers_that_ask_for_no_pdfx_get_their_colours_as_laid_out(printer: str) -> None:
    with pikepdf.open(io.BytesIO(_finished("cream", printer))) as pdf:
        assert "/OutputIntents" not in pdf.Root
        assert "/Info" not in pdf.trailer or "/GTS_PDFXVersion" not in pdf.docinfo
        assert _colours(pdf)[0] == ("rg", (0.0, 0.0, 0.0))
        assert pdf.pages[0].Resources.XObject.Im0.ColorSpace == Name.DeviceRGB


def test_neutral_greys_are_black_ink_alone_whatever_the_paper() -> None:
    for plan in (ColourPlan(black_only=True), ColourPlan(black_only=False)):
        assert rgb_to_cmyk(0, 0, 0, plan) == (0, 0, 0, 1)
        assert rgb_to_cmyk(1, 1, 1, plan) == (0, 0, 0, 0)
        cyan, magenta, yellow, black = rgb_to_cmyk(0x61 / 255, 0x61 / 255, 0x61 / 255, plan)
        assert (cyan, magenta, yellow) == (0, 0, 0) and 0.6 < black < 0.63


def test_the_shipped_profile_is_a_cmyk_output_profile_with_its_licence() -> None:
    from importlib.resources import files

    from PIL import ImageCms
    profile = ImageCms.ImageCmsProfile(io.BytesIO(profile_bytes())).profile
    assert profile.xcolor_space.strip() == "CMYK" and profile.device_class == "prtr"
    assert "ISO Coated v2 300%" in profile.profile_description
    licence = (files("bookify") / "colour" / "ISOcoated_v2_300_bas-LICENSE.txt").read_text()
    assert "zlib/libpng License" in licence and "basICColor GmbH" in licence


def test_icc_based_cmyk_becomes_device_cmyk_with_the_same_values() -> None:
    data = _rgb_book(b"/ICC4 cs 0.1 0.2 0.3 0.4 scn 0 0 5 5 re f\n")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        profile = pdf.make_stream(profile_bytes(), N=4)
        pdf.pages[0].Resources.ColorSpace.ICC4 = Array([Name.ICCBased, profile])
        assert (1, "colour set in an ICC-based colour space (PDF/X-1a takes device CMYK "
                "and grey only)") in pdfx_problems(pdf)
        output = io.BytesIO()
        pdf.save(output)
    with pikepdf.open(io.BytesIO(_finished("premium-colour", data=output.getvalue()))) as pdf:
        assert pdfx_problems(pdf) == []
        named = [i for i in pikepdf.parse_content_stream(pdf.pages[0], "cs scn")]
        assert str(named[-2].operands[0]) == "/DeviceCMYK"
        assert [round(float(v), 3) for v in named[-1].operands] == [0.1, 0.2, 0.3, 0.4]
