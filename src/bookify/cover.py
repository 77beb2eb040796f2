"""The book's front cover as an image, for the EPUB: the author's image, or the theme's
typographic cover (the same design as the print edition's first page) rendered to pixels.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import weasyprint
from PIL import Image, UnidentifiedImageError

from . import __version__
from .cache import LayoutCache, fingerprint
from .compose import template_context
from .diagnostics import Diagnostics
from .errors import ConfigError
from .model import RenderedBook
from .outputs.pdf import render_html
from .project import Project
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
    rendered: RenderedBook, theme: Theme, project: Project, diagnostics: Diagnostics,
    cache: LayoutCache | None = None,
) -> CoverImage:
    """The cover image the EPUB embeds; a typographic one comes from `cache` when its HTML and
    the theme are what they were."""
    path = rendered.book.cover_image
    if path is not None:
        return _supplied(path, project, diagnostics)
    return _typographic(rendered, theme, project, diagnostics, cache)


def _supplied(path: Path, project: Project, diagnostics: Diagnostics) -> CoverImage:
    location = project.config_location(("book", "cover"))
    data = path.read_bytes()
    # load_project checked the file; this refuses one replaced while the book was built.
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
    rendered: RenderedBook, theme: Theme, project: Project, diagnostics: Diagnostics,
    cache: LayoutCache | None,
) -> CoverImage:
    context = template_context(rendered, project, lambda target: f"#{target}", None)
    html = theme.render("cover-image.html.j2", **context)
    # Laying the cover out and rasterising it is most of a rebuilt EPUB's own time: kept under
    # everything it reads (the HTML, the theme's and the project's styles folders, fonts
    # included, the variables) and the versions that draw it.
    if cache is None:
        return _draw(html, theme, project, diagnostics)
    key = fingerprint("bookify typographic cover", __version__, weasyprint.__version__,
                      str(pypdfium2.PYPDFIUM_INFO), COVER_WIDTH_PX, html, theme.css_variables(),
                      list(theme.roots), theme.overrides if theme.overrides
                      and theme.overrides.is_dir() else None, project.config.build.allow_network)
    kept = cache.get_object(key)
    cover: CoverImage
    found: Diagnostics
    if (isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], CoverImage)
            and isinstance(kept[1], Diagnostics)):
        cover, found = kept[0], kept[1]
    else:
        found = Diagnostics()
        cover = _draw(html, theme, project, found)
        cache.put_object(key, (cover, found))
    diagnostics.extend(found)  # the layout's warnings, on every build, as a laid-out page's
    return cover


def _draw(html: str, theme: Theme, project: Project, diagnostics: Diagnostics) -> CoverImage:
    document = render_html(html, theme, project, diagnostics)
    pdf = pypdfium2.PdfDocument(document.write_pdf())
    page = pdf[0]
    bitmap = page.render(scale=COVER_WIDTH_PX / page.get_width())
    image = bitmap.to_pil().convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return CoverImage(out.getvalue(), "image/jpeg", ".jpg", image.width, image.height)
