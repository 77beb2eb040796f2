"""The HTML edition: the whole book as one web page, with its stylesheets, fonts and images
copied beside it so the folder can be opened or published as it is.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..compose import compose_book_html
from ..diagnostics import Diagnostics
from ..fsutil import atomic_output
from ..model import RenderedBook
from ..project import Project
from ..themes import Theme


def write_html(
    rendered: RenderedBook, theme: Theme, project: Project, target: Path, diagnostics: Diagnostics
) -> Path:
    """Write `target` (an index.html) with the theme's screen styles and the book's images."""
    folder = target.parent
    stylesheets = theme.published_stylesheets("screen")
    for name, sheet in stylesheets + [("epub.css", theme.root / "epub.css")]:  # screen.css imports it
        _copy(sheet, folder / name)
    for font in theme.fonts():
        _copy(font, folder / "fonts" / font.name)
    root = project.root.resolve()
    images = {path for essay in rendered.texts() for path in essay.images}
    if rendered.book.cover_image:
        images.add(rendered.book.cover_image)
    images.update(root / person.photo_src for person in rendered.people if person.photo_src)
    for path in images:
        _copy(path, folder / path.relative_to(root))
    html = compose_book_html(rendered, theme, project,
                             stylesheet_hrefs=tuple(name for name, _ in stylesheets))
    with atomic_output(target) as temporary:
        temporary.write_text(html, encoding="utf-8")
    return target


def _copy(source: Path, target: Path) -> None:
    """Copy through a temporary file renamed into place: a link already at `target` is
    replaced, never written through."""
    with atomic_output(target) as temporary:
        shutil.copyfile(source, temporary)
