"""The [epub] settings change the EPUB as documented (each checked on a real build)."""

from __future__ import annotations

import io

from PIL import Image

from bookify.build import build
from bookify.project import load_project
from tests.support.epub import EpubFile


def build_epub(project, extra_toml: str) -> EpubFile:
    toml = project / "bookify.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[epub]\n" + extra_toml, encoding="utf-8")
    result = build(load_project(project), ["epub"], output_dir=project / "out")
    return EpubFile(result.artifacts[0].path)


def test_images_are_scaled_to_image_max_px_and_fonts_can_be_left_out(make_project) -> None:
    epub = build_epub(make_project("features"), "image_max_px = 320\nembed_fonts = false\npage_list = false\n")
    (image,) = [i for i in epub.manifest.values()
                if i.media_type.startswith("image/") and "cover-image" not in i.properties]
    with Image.open(io.BytesIO(epub.read(image.href))) as picture:
        assert max(picture.size) == 320  # the source is 600 × 400: scaled down, proportions kept
        assert picture.size == (320, 213)
    assert not [i for i in epub.manifest.values() if i.media_type.startswith("font/")]
    assert b"@font-face" not in b"".join(epub.read(i.href) for i in epub.manifest.values()
                                         if i.media_type == "text/css")
    assert not epub.nav.xpath("//*[@*[local-name()='type']='page-list']")
    assert "printPageNumbers" not in epub.metadata("schema:accessibilityFeature")


def test_embedded_fonts_are_subset_to_the_book(make_project) -> None:
    epub = build_epub(make_project("minimal"), "")
    fonts = [i for i in epub.manifest.values() if i.media_type.startswith("font/")]
    # The minimal book's text is roman and italic: the bold faces stay out of the book.
    assert sorted(f.href for f in fonts) == ["fonts/EBGaramond-Italic.ttf",
                                             "fonts/EBGaramond-Regular.ttf"]
    assert all(len(epub.read(font.href)) < 200_000 for font in fonts)  # the originals are ~450 KB


def test_a_conformance_claim_is_written_only_when_configured(make_project) -> None:
    project = make_project("minimal")
    plain = build_epub(project, "")
    assert plain.metadata("dcterms:conformsTo") == []
    claimed = build_epub(make_project("features"), (
        'conforms_to = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"\n'
        'certified_by = "Testbed Press"\n'
        'accessibility_summary = "Checked by hand."\n'))
    assert claimed.metadata("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert claimed.metadata("a11y:certifiedBy") == ["Testbed Press"]
    assert claimed.metadata("schema:accessibilitySummary") == ["Checked by hand."]
