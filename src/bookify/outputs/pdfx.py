"""Making a finished print PDF a PDF/X-1a:2003 file: CMYK and grey only, no transparency, an
output intent, and the PDF/X identification.

WeasyPrint 70 can label a document PDF/X, but it converts no colour and an edition laid out in
stretches is put together by `assembly.py`, which keeps no stretch's catalogue; so the whole
book, once assembled, is converted here in one place (for the edition laid out as one document
too, and the cover wrap):

- every colour the pages set in RGB (or Lab) becomes CMYK: neutral greys and black become black
  ink alone (body text `0 0 0 1 k`, never a four-colour grey that would register badly), other
  colours go through the shipped ICC profile (`colour/`), or to black ink by their lightness in
  a black-and-white interior; colours already given as `device-cmyk()` are kept as they are;
- raster images become CMYK through the same profile (a colour interior, a cover) or grey (a
  black-and-white interior), their transparency flattened against the white paper;
- the output intent (the profile and its printing condition), the PDF/X keys of the document
  information, the XMP metadata that repeats them;
- the result is checked (`pdfx_problems`) before it is written: a file that would not pass a
  printer's PDF/X preflight is never written.

Transparency that is not an image's own (CSS `opacity`, `rgba()` colours) cannot be flattened
faithfully without a renderer; it stops the build with the fix.
"""

from __future__ import annotations

import functools
import io
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator
from PIL import Image, ImageCms

from ..errors import RenderError

#: The standard the PDF/X presets write, and the PDF version it is based on.
PDFX_VERSION = "PDF/X-1a:2003"
PDFX_PDF_VERSION = "1.4"

#: The CMYK profile shipped with bookify (basICColor's ISO Coated v2 300%, zlib licence; see
#: `colour/` and docs/printers.md): the FOGRA39 printing condition, coated paper, total ink
#: limited to 300 %.
PROFILE_FILE = "ISOcoated_v2_300_bas.icc"
PROFILE_NAME = "ISO Coated v2 300% (basICColor)"
OUTPUT_CONDITION = "FOGRA39"
OUTPUT_CONDITION_TEXT = ("Offset printing according to ISO 12647-2:2004/Amd 1, coated paper "
                         "(paper type 1 or 2), total area coverage 300 %")
REGISTRY = "http://www.color.org"

#: RGB channels closer than this (of 1) are a neutral grey, printed in black ink alone.
NEUTRAL_TOLERANCE = 1.5 / 255

_RGB_OPERATORS = {"rg", "RG"}
_SET_SPACE = {"cs", "CS"}
_SET_COLOUR = {"sc", "scn", "SC", "SCN"}


def profile_bytes() -> bytes:
    """The shipped CMYK profile."""
    return _profile_data()


@functools.cache
def _profile_data() -> bytes:
    return (files("bookify") / "colour" / PROFILE_FILE).read_bytes()


@functools.cache
def _cmyk_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(io.BytesIO(_profile_data()))


@functools.cache
def _to_cmyk(intent: ImageCms.Intent) -> ImageCms.ImageCmsTransform:
    """sRGB to the shipped profile's CMYK, with black point compensation."""
    return ImageCms.buildTransform(ImageCms.createProfile("sRGB"), _cmyk_profile(), "RGB",
                                   "CMYK", renderingIntent=intent,
                                   flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)


@functools.cache
def _lab_to_rgb() -> ImageCms.ImageCmsTransform:
    return ImageCms.buildTransform(ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB"),
                                   "LAB", "RGB")


@dataclass(frozen=True, slots=True)
class ColourPlan:
    """How a file's colours are printed: in black ink only (a black-and-white interior), or in
    four colours through the shipped profile (a colour interior, a cover)."""

    black_only: bool


def rgb_to_cmyk(red: float, green: float, blue: float, plan: ColourPlan
                ) -> tuple[float, float, float, float]:
    """One colour (channels 0–1) as the page prints it: black ink alone for a neutral grey
    (and for everything in a black-and-white interior), otherwise through the profile."""
    if plan.black_only or (abs(red - green) <= NEUTRAL_TOLERANCE
                           and abs(green - blue) <= NEUTRAL_TOLERANCE):
        lightness = 0.299 * red + 0.587 * green + 0.114 * blue  # as Pillow's "L"
        return (0.0, 0.0, 0.0, _round(1.0 - lightness))
    return _profiled(round(red * 255), round(green * 255), round(blue * 255))


@functools.cache
def _profiled(red: int, green: int, blue: int) -> tuple[float, float, float, float]:
    pixel = Image.new("RGB", (1, 1), (red, green, blue))
    cyan, magenta, yellow, black = _pixel(ImageCms.applyTransform(
        pixel, _to_cmyk(ImageCms.Intent.RELATIVE_COLORIMETRIC)))
    return (_round(cyan / 255), _round(magenta / 255), _round(yellow / 255),
            _round(black / 255))


def _pixel(image: Image.Image | None) -> tuple[int, ...]:
    """The first pixel of a converted one-pixel image, as a tuple of channels."""
    assert image is not None  # applyTransform returns the image when not in place
    value = image.getpixel((0, 0))
    assert isinstance(value, tuple)
    return value


def _lab_to_cmyk(lightness: float, a: float, b: float, plan: ColourPlan
                 ) -> tuple[float, float, float, float]:
    pixel = Image.new("LAB", (1, 1), (round(lightness * 255 / 100), _signed(a), _signed(b)))
    red, green, blue = _pixel(ImageCms.applyTransform(pixel, _lab_to_rgb()))
    return rgb_to_cmyk(red / 255, green / 255, blue / 255, plan)


def _signed(value: float) -> int:
    """An a* or b* value as Pillow's 8-bit Lab stores it (offset by 128)."""
    return min(max(round(value) + 128, 0), 255)


def _round(value: float) -> float:
    return round(min(max(value, 0.0), 1.0), 4)


# ---------------------------------------------------------------------- colour spaces


def _space_kind(space: Any, resources: Dictionary | None) -> str:
    """`rgb`, `lab`, `cmyk`, `gray`, `pattern`, or `other` for a colour space operand or
    object (a name is looked up in the resources' /ColorSpace)."""
    if isinstance(space, Name):
        name = str(space)
        if name in ("/DeviceRGB", "/RGB", "/CalRGB"):
            return "rgb"
        if name in ("/DeviceCMYK", "/CMYK"):
            return "cmyk"
        if name in ("/DeviceGray", "/G"):
            return "gray"
        if name == "/Pattern":
            return "pattern"
        spaces = resources.get("/ColorSpace") if resources is not None else None
        if spaces is not None and name in spaces:
            return _space_kind(spaces[name], None)
        return "other"
    if isinstance(space, Array) and len(space):
        family = str(space[0])
        if family == "/ICCBased":
            components = int(space[1].get("/N", 0))
            return {1: "gray", 3: "rgb", 4: "cmyk"}.get(components, "other")
        if family == "/CalRGB":
            return "rgb"
        if family == "/CalGray":
            return "gray"
        if family == "/Lab":
            return "lab"
        if family == "/Pattern":
            return "pattern"
        if family == "/Indexed":
            return "indexed-" + _space_kind(space[1], None)
        return "other"
    return "other"


def _is_icc(space: Any, resources: Dictionary | None) -> bool:
    """Whether a colour space operand is (or names) an ICC-based space."""
    if isinstance(space, Name):
        spaces = resources.get("/ColorSpace") if resources is not None else None
        if spaces is None or str(space) not in spaces:
            return False
        space = spaces[str(space)]
    return isinstance(space, Array) and len(space) > 0 and str(space[0]) == "/ICCBased"


def _convert_stream(stream_owner: pikepdf.Page | pikepdf.Stream, resources: Dictionary | None,
                    plan: ColourPlan) -> bytes:
    """The content stream of a page or form with its RGB and Lab colours set in CMYK."""
    instructions = pikepdf.parse_content_stream(stream_owner)
    out: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
    fill, stroke = "gray", "gray"
    stack: list[tuple[str, str]] = []
    changed = False
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            out.append(instruction)
            continue
        operands, operator = instruction.operands, str(instruction.operator)
        if operator == "q":
            stack.append((fill, stroke))
        elif operator == "Q" and stack:
            fill, stroke = stack.pop()
        elif operator in _RGB_OPERATORS and len(operands) == 3:
            red, green, blue = (float(v) for v in operands)
            cmyk = rgb_to_cmyk(red, green, blue, plan)
            out.append(pikepdf.ContentStreamInstruction(
                list(cmyk), Operator("k" if operator == "rg" else "K")))
            if operator == "rg":
                fill = "cmyk"
            else:
                stroke = "cmyk"
            changed = True
            continue
        elif operator in ("k", "K", "g", "G"):
            kind = "cmyk" if operator in ("k", "K") else "gray"
            fill, stroke = (kind, stroke) if operator.islower() else (fill, kind)
        elif operator in _SET_SPACE and len(operands) == 1:
            kind = _space_kind(operands[0], resources)
            if kind in ("cmyk", "gray") and _is_icc(operands[0], resources):
                # PDF/X-1a takes device colour only: the same values, in the press's space
                device = Name.DeviceCMYK if kind == "cmyk" else Name.DeviceGray
                out.append(pikepdf.ContentStreamInstruction([device], Operator(operator)))
                changed = True
                if operator == "cs":
                    fill = kind
                else:
                    stroke = kind
                continue
            if kind in ("rgb", "lab"):
                out.append(pikepdf.ContentStreamInstruction([Name.DeviceCMYK],
                                                           Operator(operator)))
                changed = True
                kind = "from-" + kind
            if operator == "cs":
                fill = kind
            else:
                stroke = kind
            if kind.startswith("from-"):
                continue
        elif operator in _SET_COLOUR:
            kind = fill if operator in ("sc", "scn") else stroke
            if kind.startswith("from-") and len(operands) == 3:
                first, second, third = (float(v) for v in operands)
                cmyk = (rgb_to_cmyk(first, second, third, plan) if kind == "from-rgb"
                        else _lab_to_cmyk(first, second, third, plan))
                out.append(pikepdf.ContentStreamInstruction(list(cmyk), Operator(operator)))
                changed = True
                continue
        out.append(instruction)
    return pikepdf.unparse_content_stream(out) if changed else b""


def _convert_function(function: Any, plan: ColourPlan) -> bool:
    """An RGB shading function (exponential, or stitched from exponential ones) made CMYK in
    place; False when it is of a kind that cannot be converted so."""
    kind = int(function.get("/FunctionType", -1))
    if kind == 2:
        for key in ("/C0", "/C1"):
            default = [0.0, 0.0, 0.0] if key == "/C0" else [1.0, 1.0, 1.0]
            values = [float(v) for v in function.get(key, default)]
            if len(values) != 3:
                return False
            function[key] = Array(list(rgb_to_cmyk(values[0], values[1], values[2], plan)))
        return True
    if kind == 3:
        return all(_convert_function(part, plan) for part in function.Functions)
    return False


def _convert_shading(shading: Any, plan: ColourPlan) -> None:
    if _space_kind(shading.get("/ColorSpace"), None) != "rgb" or "/Function" not in shading:
        return
    functions = shading.Function if isinstance(shading.Function, Array) else [shading.Function]
    if all(_convert_function(function, plan) for function in functions):
        shading.ColorSpace = Name.DeviceCMYK
        if "/Background" in shading:
            del shading["/Background"]


# ---------------------------------------------------------------------- images


def _convert_image(image: pikepdf.Stream, plan: ColourPlan) -> None:
    """An image XObject as the press prints it: grey for a black-and-white interior, CMYK
    through the profile otherwise; its soft mask (transparency) flattened against white."""
    if image.get("/ImageMask", False):
        return  # a stencil: painted in the current (converted) fill colour
    kind = _space_kind(image.get("/ColorSpace"), None)
    soft_mask = image.get("/SMask")
    wanted = "gray" if plan.black_only else ("gray" if kind == "gray" else "cmyk")
    if soft_mask is None and (kind == wanted or (kind == "gray" and not plan.black_only)
                              or (kind == "cmyk" and not plan.black_only)):
        if _is_icc(image.get("/ColorSpace"), None):  # the same samples, in device colour
            image.ColorSpace = Name.DeviceCMYK if kind == "cmyk" else Name.DeviceGray
        return
    picture = pikepdf.PdfImage(image).as_pil_image()
    if isinstance(soft_mask, pikepdf.Stream):
        alpha = pikepdf.PdfImage(soft_mask).as_pil_image().convert("L")
        if alpha.size != picture.size:
            alpha = alpha.resize(picture.size)
        base = picture.convert("RGB") if picture.mode not in ("L", "RGB", "CMYK") else picture
        paper = Image.new(base.mode, base.size,
                          (0, 0, 0, 0) if base.mode == "CMYK" else
                          255 if base.mode == "L" else (255, 255, 255))
        picture = Image.composite(base, paper, alpha)
    if wanted == "gray":
        if picture.mode == "CMYK":
            picture = _converted(picture, ImageCms.buildTransform(
                _cmyk_profile(), ImageCms.createProfile("sRGB"), "CMYK", "RGB"))
        picture = picture.convert("L")
        space = Name.DeviceGray
    elif picture.mode == "CMYK":
        space = Name.DeviceCMYK
    elif picture.mode == "L":
        space = Name.DeviceGray
    else:
        picture = _converted(picture.convert("RGB"), _to_cmyk(ImageCms.Intent.PERCEPTUAL))
        space = Name.DeviceCMYK
    image.write(zlib.compress(picture.tobytes(), 9), filter=Name.FlateDecode)
    for key in ("/SMask", "/Decode", "/DecodeParms", "/Mask", "/SMaskInData", "/Intent"):
        if key in image:
            del image[key]
    image.ColorSpace = space
    image.BitsPerComponent = 8
    image.Width, image.Height = picture.size


def _converted(picture: Image.Image, transform: ImageCms.ImageCmsTransform) -> Image.Image:
    converted = ImageCms.applyTransform(picture, transform)
    assert converted is not None  # a new image, not converted in place
    return converted


# ---------------------------------------------------------------------- walking the file


Owner = pikepdf.Page | pikepdf.Stream


def _contents(pdf: pikepdf.Pdf) -> Iterator[tuple[Owner, Any]]:
    """Every content stream of the file (pages, forms, tiling patterns), once, with its
    resources."""
    seen: set[tuple[int, int]] = set()

    def walk(owner: Owner, resources: Any) -> Iterator[tuple[Owner, Any]]:
        yield owner, resources
        if resources is None:
            return
        for group in ("/XObject", "/Pattern"):
            for item in (resources.get(group) or Dictionary()).values():
                if not isinstance(item, pikepdf.Stream) or item.objgen in seen:
                    continue
                seen.add(item.objgen)
                if item.get("/Subtype") == Name.Form or item.get("/PatternType") == 1:
                    yield from walk(item, item.get("/Resources", resources))

    for page in pdf.pages:
        yield from walk(page, page.obj.get("/Resources"))


def _resource_items(resources: Any, group: str) -> Iterator[Any]:
    if resources is None:
        return
    yield from (resources.get(group) or Dictionary()).values()


def make_pdfx(pdf: pikepdf.Pdf, plan: ColourPlan, *, title: str, date: str | None,
              what: str = "the print interior") -> None:
    """Convert `pdf` (finished for its printer, its trim boxes set) to PDF/X-1a:2003: its
    colours and images as `plan` says, the output intent, the identification. Raises a
    `RenderError` naming what stays in the way (transparency the file itself uses) in `what`
    (the file, in words)."""
    seen_images: set[tuple[int, int]] = set()
    for owner, resources in _contents(pdf):
        data = _convert_stream(owner, resources, plan)
        if data:
            if isinstance(owner, pikepdf.Page):
                owner.obj.Contents = pdf.make_stream(data)
            else:
                owner.write(data)
        for image in _resource_items(resources, "/XObject"):
            if (isinstance(image, pikepdf.Stream) and image.get("/Subtype") == Name.Image
                    and image.objgen not in seen_images):
                seen_images.add(image.objgen)
                _convert_image(image, plan)
        for shading in _resource_items(resources, "/Shading"):
            _convert_shading(shading, plan)
        for pattern in _resource_items(resources, "/Pattern"):
            if pattern.get("/PatternType") == 2:
                _convert_shading(pattern.Shading, plan)
        if isinstance(owner, pikepdf.Stream) and "/Group" in owner:
            _drop_unused_group(owner.stream_dict)
    for page in pdf.pages:
        if "/Group" in page.obj:
            _drop_unused_group(page.obj)

    profile = pdf.make_stream(_profile_data())
    profile.N = 4
    pdf.Root.OutputIntents = Array([Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String(OUTPUT_CONDITION),
        OutputCondition=pikepdf.String(OUTPUT_CONDITION_TEXT),
        RegistryName=pikepdf.String(REGISTRY),
        Info=pikepdf.String(PROFILE_NAME),
        DestOutputProfile=profile)])
    info = pdf.docinfo
    info.Title = pikepdf.String(str(info.get("/Title", "")) or title)
    info.GTS_PDFXVersion = pikepdf.String(PDFX_VERSION)
    info.GTS_PDFXConformance = pikepdf.String(PDFX_VERSION)
    info.Trapped = Name("/False")
    if date is not None:
        info.CreationDate = info.ModDate = pikepdf.String(date)
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta, \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the PDF/X keys have no XMP twin: set below
        meta.load_from_docinfo(info)
        meta["pdfxid:GTS_PDFXVersion"] = PDFX_VERSION
        meta["pdfx:GTS_PDFXVersion"] = PDFX_VERSION
        meta["pdfx:GTS_PDFXConformance"] = PDFX_VERSION
    problems = pdfx_problems(pdf)
    if problems:
        number, message = problems[0]
        where = f"page {number}: " if number else ""
        raise RenderError(
            f"{what} cannot be written as {PDFX_VERSION}, which the printer asks for: "
            f"{where}{message}" + (f" (and {len(problems) - 1} more)" if len(problems) > 1
                                   else ""),
            hint=_fix(message))


def _drop_unused_group(owner: Dictionary) -> None:
    """A transparency group on a page or form that uses no transparency draws exactly as
    without one; PDF/X-1a refuses the group itself."""
    group = owner.get("/Group")
    if group is not None and group.get("/S") == Name.Transparency:
        del owner["/Group"]


def _fix(message: str) -> str:
    if "transparen" in message:
        return ("remove `opacity` and semi-transparent colours (rgba(), hsla(), #rrggbbaa) "
                "from the print CSS (styles/print.css or the cover's), or set the colour "
                "you want to see as an opaque one")
    return "rebuild with bookify build; if it persists, report it with the book's CSS"


def save_options(pdf: pikepdf.Pdf, min_version: str = "1.4") -> dict[str, Any]:
    """How to save `pdf`: a PDF/X-1a file as PDF 1.4 (no object streams, which 1.4 lacks);
    any other as it was."""
    if is_pdfx(pdf):
        return {"force_version": PDFX_PDF_VERSION,
                "object_stream_mode": pikepdf.ObjectStreamMode.disable,
                "deterministic_id": True}
    return {"min_version": min_version, "deterministic_id": True,
            "object_stream_mode": pikepdf.ObjectStreamMode.generate}


def is_pdfx(pdf: pikepdf.Pdf) -> bool:
    """Whether the file says it is PDF/X (its document information's GTS_PDFXVersion)."""
    info = pdf.trailer.get("/Info")
    return info is not None and "/GTS_PDFXVersion" in info


# ---------------------------------------------------------------------- checking


def pdfx_problems(pdf: pikepdf.Pdf) -> list[tuple[int | None, str]]:
    """What keeps `pdf` from being PDF/X-1a, as (page number or None, problem): no output
    intent or identification, a page without a trim box, colour in RGB or Lab (the pages'
    operators, colour spaces, images, shadings), transparency. Read from the file alone
    (`bookify check` reports these too)."""
    problems: list[tuple[int | None, str]] = []
    intents = pdf.Root.get("/OutputIntents") or Array()
    pdfx = [i for i in intents if i.get("/S") == Name.GTS_PDFX]
    if not pdfx:
        problems.append((None, "no PDF/X output intent (the printing condition and its CMYK "
                         "profile)"))
    elif "/DestOutputProfile" not in pdfx[0] or int(pdfx[0].DestOutputProfile.get("/N", 0)) != 4:
        problems.append((None, "the output intent carries no CMYK profile"))
    info = pdf.trailer.get("/Info")
    if info is None or "/GTS_PDFXVersion" not in info:
        problems.append((None, "no PDF/X identification (GTS_PDFXVersion)"))
    for number, page in enumerate(pdf.pages, start=1):
        if "/TrimBox" not in page.obj and "/ArtBox" not in page.obj:
            problems.append((number, "no trim box"))
        if "/Group" in page.obj and page.obj.Group.get("/S") == Name.Transparency:
            problems.append((number, "a transparency group"))
        _drawn_problems(page, page.obj.get("/Resources"), number, problems, set())
    return list(dict.fromkeys(problems))


def _drawn_problems(owner: Owner, resources: Any, number: int,
                    problems: list[tuple[int | None, str]], seen: set[tuple[int, int]]) -> None:
    """What PDF/X-1a refuses in what one content stream draws (and the forms it draws)."""
    def resource(group: str, name: Any) -> Any:
        items = resources.get(group) if resources is not None else None
        return items.get(str(name)) if items is not None else None

    for instruction in pikepdf.parse_content_stream(owner, "rg RG cs CS sh gs Do BI"):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            if _space_kind(instruction.iimage.obj.get("/ColorSpace"), resources) not in (
                    "gray", "cmyk"):
                problems.append((number, "an inline image in RGB"))
            continue
        operator, operands = str(instruction.operator), instruction.operands
        if operator in _RGB_OPERATORS:
            problems.append((number, "colour set in RGB (DeviceRGB)"))
        elif operator in _SET_SPACE:
            kind = _space_kind(operands[0], resources)
            if kind in ("rgb", "lab", "indexed-rgb"):
                problems.append((number, f"colour set in {kind.upper()} (a colour space "
                                 "PDF/X-1a refuses)"))
            elif _is_icc(operands[0], resources):
                problems.append((number, "colour set in an ICC-based colour space (PDF/X-1a "
                                 "takes device CMYK and grey only)"))
        elif operator == "sh":
            shading = resource("/Shading", operands[0])
            if shading is not None and _space_kind(shading.get("/ColorSpace"), None) not in (
                    "gray", "cmyk"):
                problems.append((number, "a gradient in RGB"))
        elif operator == "gs":
            state = resource("/ExtGState", operands[0])
            if state is not None and _transparent(state):
                problems.append((number, "transparency (opacity, a semi-transparent colour "
                                 "or a blend mode)"))
        elif operator == "Do":
            item = resource("/XObject", operands[0])
            if not isinstance(item, pikepdf.Stream):
                continue
            if item.get("/Subtype") == Name.Image:
                _image_problems(item, number, problems)
            elif item.get("/Subtype") == Name.Form and item.objgen not in seen:
                seen.add(item.objgen)
                if "/Group" in item and item.Group.get("/S") == Name.Transparency:
                    problems.append((number, "a transparency group"))
                _drawn_problems(item, item.get("/Resources", resources), number, problems,
                                seen)
    for pattern in _resource_items(resources, "/Pattern"):
        if pattern.get("/PatternType") == 2 and _space_kind(
                pattern.Shading.get("/ColorSpace"), None) not in ("gray", "cmyk"):
            problems.append((number, "a gradient in RGB"))


def _transparent(state: Any) -> bool:
    return (float(state.get("/ca", 1)) < 1 or float(state.get("/CA", 1)) < 1
            or state.get("/SMask", Name("/None")) != Name("/None")
            or state.get("/BM", Name.Normal) not in (Name.Normal, Name.Compatible))


def _image_problems(image: pikepdf.Stream, number: int,
                    problems: list[tuple[int | None, str]]) -> None:
    kind = _space_kind(image.get("/ColorSpace"), None)
    if _is_icc(image.get("/ColorSpace"), None):
        kind = "ICC-based " + kind
    if not image.get("/ImageMask", False) and kind not in ("gray", "cmyk", "indexed-gray",
                                                          "indexed-cmyk"):
        label = kind if kind.startswith("ICC") else kind.upper()
        problems.append((number, f"an image in {label} "
                         f"({int(image.get('/Width', 0))} × {int(image.get('/Height', 0))} px)"))
    if "/SMask" in image or int(image.get("/SMaskInData", 0)):
        problems.append((number, "an image with transparency (a soft mask)"))
