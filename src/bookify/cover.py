"""The book's front cover as an image, for the EPUB: the author's image, or the theme's
typographic cover (the same design as the print edition's first page) rendered to pixels.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from PIL import Image, UnidentifiedImageError

from .compose import template_context
from .diagnostics import Diagnostics
from .errors import ConfigError, Location
from .model import RenderedBook
from .outputs.pdf import render_html
from .project import Project, key_line
from .themes import Theme

#: Stores ask for about 1600 × 2560 px (1 : 1.6); the typographic cover is made at this size.
COVER_WIDTH_PX = 1600
#: Below this width a supplied cover looks soft on tablets; the build warns.
MIN_COVER_WIDTH_PX = 1400


@dataclass(frozen=True, slots=True)
class CoverImage:
    data: bytes
    media_type: str
    suffix: str
    width: int
    height: int


def cover_image(
    rendered: RenderedBook, theme: Theme, project: Project, diagnostics: Diagnostics
) -> CoverImage:
    """The cover image the EPUB embeds."""
    path = rendered.book.cover_image
    if path is not None:
        return _supplied(path, project, diagnostics)
    return _typographic(rendered, theme, project, diagnostics)


def _supplied(path: Path, project: Project, diagnostics: Diagnostics) -> CoverImage:
    location = Location(project.config_path, key_line(project.root, ("book", "cover")), "book.cover")
    data = path.read_bytes()
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError):
        raise ConfigError(
            f"book.cover: '{path.name}' is not an image bookify can read", location,
            "use a JPEG or PNG file",
        ) from None
    if image.width < MIN_COVER_WIDTH_PX:
        diagnostics.warn(
            f"the cover image is {image.width} × {image.height} px; ebook stores ask for about "
            "1600 × 2560 px", location, "use a larger cover image",
        )
    if image.format in ("JPEG", "PNG") and image.mode in ("RGB", "L"):
        suffix = ".jpg" if image.format == "JPEG" else ".png"
        return CoverImage(data, f"image/{image.format.lower()}", suffix, image.width, image.height)
    converted = io.BytesIO()
    image.convert("RGB").save(converted, "JPEG", quality=92)
    return CoverImage(converted.getvalue(), "image/jpeg", ".jpg", image.width, image.height)


def _typographic(
    rendered: RenderedBook, theme: Theme, project: Project, diagnostics: Diagnostics
) -> CoverImage:
    context = template_context(rendered, project, lambda target: f"#{target}", None)
    html = theme.render("cover-image.html.j2", **context)
    document = render_html(html, theme, project, diagnostics)
    pdf = pypdfium2.PdfDocument(document.write_pdf())
    page = pdf[0]
    bitmap = page.render(scale=COVER_WIDTH_PX / page.get_width())
    image = bitmap.to_pil().convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return CoverImage(out.getvalue(), "image/jpeg", ".jpg", image.width, image.height)
