"""Check an image file before anything is laid out or written: readable, of a sane size, and
(for SVG) free of scripts, entities and outside references.

Every image a book names (in an essay, a footnote, a bio, the cover) passes here while the
manuscripts are read, so a corrupt PNG, a decompression bomb or a hostile SVG is a located
error before any output is touched, never a failure halfway through the writers.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from lxml import etree
from PIL import Image, ImageFile, UnidentifiedImageError

#: The largest raster image a book may use, in pixels: a 600 dpi print of a 17-inch square
#: plate is about 100 million; anything bigger is a mistake or a decompression bomb.
MAX_PIXELS = 120_000_000

_RASTER_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
_SVG_NS = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


class ImageProblem(ValueError):
    """What is wrong with an image, and how to fix it (the caller adds the location)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def check_image(path: Path) -> None:
    """Raise `ImageProblem` if `path` is not an image a book can safely use."""
    if path.suffix.lower() == ".svg":
        check_svg(path.read_bytes())
    else:
        _check_raster(path)


def _check_raster(path: Path) -> None:
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False  # WeasyPrint turns it on for the whole process
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=_RASTER_FORMATS) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise _too_large(image.width, image.height)
                image.verify()  # checksums and the end marker: a cut-short PNG fails here
            with Image.open(path, formats=_RASTER_FORMATS) as image:
                image.load()  # every pixel decodes
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem(
            "the image is too large to open safely (a decompression bomb?)",
            f"images may have at most {MAX_PIXELS // 1_000_000} million pixels; scale it down",
        ) from None
    except UnidentifiedImageError:
        raise ImageProblem("not a JPEG, PNG, GIF or WebP image that can be read",
                           "open it in an image editor and save it again as PNG or JPEG") from None
    except Exception as exc:  # Pillow's plugins raise many kinds of errors on broken files
        raise ImageProblem(f"the image is broken or cut short ({exc})",
                           "open it in an image editor and save it again as PNG or JPEG") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _too_large(width: int, height: int) -> ImageProblem:
    return ImageProblem(
        f"the image is {width} × {height} pixels, too large to lay out",
        f"images may have at most {MAX_PIXELS // 1_000_000} million pixels; scale it down",
    )


_SAFE_REFERENCE = re.compile(r"^(#|data:image/(png|jpeg|gif|webp);)", re.I)


def check_svg(data: bytes) -> None:
    """Refuse an SVG that could run script, expand entities or fetch anything.

    Entities are refused rather than expanded (a billion-laughs file is a few hundred bytes);
    references may only point inside the file or hold an embedded raster image, so an SVG can
    reach neither the network nor files outside the project.
    """
    if re.search(rb"<!ENTITY", data, re.I):
        raise ImageProblem("the SVG declares XML entities (<!ENTITY …>), which bookify "
                           "does not expand", "save the SVG again without a DOCTYPE")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImageProblem(f"not a well-formed SVG file ({exc})",
                           "open it in a drawing program and export it as SVG again") from None
    if root.tag != f"{_SVG_NS}svg":
        raise ImageProblem("not an SVG image (its root element is not <svg>)",
                           "export the drawing as SVG, PNG or JPEG")
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        name = etree.QName(node).localname
        if name in ("script", "foreignObject", "iframe", "embed", "object", "handler"):
            raise ImageProblem(f"the SVG holds a <{name}> element, which a book cannot use",
                               f"remove the <{name}> from the SVG")
        for attribute, value in node.attrib.items():
            local = etree.QName(attribute).localname
            if local.lower().startswith("on"):
                raise ImageProblem(f"the SVG has an event handler ({local}=…), a script",
                                   f"remove the {local} attribute")
            if local == "href" and not _SAFE_REFERENCE.match(value.strip()):
                raise ImageProblem(
                    f"the SVG refers to '{value[:60]}' outside itself",
                    "embed what it refers to in the SVG, or export it as PNG")
        if name == "style" or node.get("style"):
            style = (node.text or "") + (node.get("style") or "")
            if re.search(r"url\(\s*['\"]?(?!#|data:)|@import", style, re.I):
                raise ImageProblem("the SVG's styles load something from outside it",
                                   "remove url(…) and @import from its styles")
