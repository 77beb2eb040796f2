"""The print cover wrap, checked as a printer's preflight would: the sheet's size from trim, bleed
and spine, the trim and bleed boxes, embedded fonts, where the text really is (the spine's text
inside the spine, the title on the front), and a barcode area with nothing in it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image
from pypdf import PdfReader

from bookify.assemble import assemble_book
from bookify.diagnostics import Diagnostics
from bookify.errors import ConfigError, RenderError
from bookify.markdown import render_book
from bookify.outputs.cover_wrap import (
    CoverWrap,
    Rect,
    lay_out_cover_wrap,
    write_cover_wrap,
    write_cover_wrap_pdf,
)
from bookify.outputs.pdf import lay_out_book
from bookify.outputs.png import open_pdf, render_page
from bookify.project import load_project
from bookify.themes import load_theme
from tests.support.pdf import fonts, metadata

from .conftest import PROJECTS

#: The classic theme's cover colour (cover.css), which runs over the whole wrap.
NAVY = (0x1F, 0x2A, 0x36)
DPI = 144
#: The printers' rules, in points: the binding may wander 1/16 in either side of the folds, and
#: text keeps 0.25 in inside the trim and the folds.
FOLD_CLEARANCE = 0.0625 * 72
SAFE = 0.25 * 72


class Written:
    """A cover wrap written for a project, with what the build said about it."""

    def __init__(self, root: Path, pages: int, target: Path, proof: bool = False) -> None:
        project = load_project(root)
        self.diagnostics = Diagnostics()
        rendered = render_book(assemble_book(project, self.diagnostics), project, self.diagnostics)
        layout = lay_out_cover_wrap(rendered, load_theme(project), project, pages,
                                    self.diagnostics, proof=proof)
        self.wrap: CoverWrap = layout.wrap
        self.path = write_cover_wrap_pdf(layout, target)

    @property
    def messages(self) -> list[str]:
        return [f"{d.severity}: {d.message}" for d in self.diagnostics.items]

    def picture(self) -> Image.Image:
        pdf = open_pdf(self.path)
        try:
            return render_page(pdf, 0, dpi=DPI)
        finally:
            pdf.close()

    def pixels(self, picture: Image.Image, rect: Rect) -> Image.Image:
        """The pixels wholly inside `rect` (wrap coordinates; the picture includes the bleed)."""
        scale, bleed = DPI / 72, self.wrap.bleed
        return picture.crop((int((rect.x + bleed) * scale) + 1, int((rect.y + bleed) * scale) + 1,
                             int((rect.right + bleed) * scale) - 1,
                             int((rect.bottom + bleed) * scale) - 1))

    def chars(self) -> list[tuple[str, Rect]]:
        """Each character on the page and its box, in wrap coordinates (y down from the trim)."""
        pdf = pypdfium2.PdfDocument(str(self.path))
        try:
            text = pdf[0].get_textpage()
            found = []
            for index in range(text.count_chars()):
                char = text.get_text_range(index, 1)
                if char.strip():
                    left, bottom, right, top = text.get_charbox(index)
                    box = Rect(left, self.wrap.height - top, right - left, top - bottom)
                    found.append((char, box))
            return found
        finally:
            pdf.close()

    def text_in(self, rect: Rect) -> str:
        """The characters whose centre lies in `rect`, in reading order, spaces dropped."""
        return "".join(c for c, box in self.chars()
                       if rect.x <= box.x + box.width / 2 <= rect.right
                       and rect.y <= box.y + box.height / 2 <= rect.bottom)


def uniform(picture: Image.Image) -> tuple[int, int, int] | None:
    """The one colour of every pixel, or None when the pixels differ."""
    colours = picture.getcolors(maxcolors=1)
    return colours[0][1] if colours else None


def copy(name: str, target: Path, toml: str = "",
         files: dict[str, str | bytes] | None = None) -> Path:
    shutil.copytree(PROJECTS / name, target)
    if toml:
        config = target / "bookify.toml"
        config.write_text(config.read_text(encoding="utf-8") + toml, encoding="utf-8")
    for relative, content in (files or {}).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def features(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy("features", tmp_path_factory.mktemp("wrap") / "features")


@pytest.fixture(scope="module")
def thick(features: Path) -> Written:
    """tests/projects/features as a 300-page book on cream paper (KDP): a 0.75 in spine."""
    return Written(features, 300, features / "build" / "features-cover.pdf")


@pytest.fixture(scope="module")
def thin(features: Path) -> Written:
    """The same book at 60 pages: under KDP's 79, so its spine carries no text."""
    return Written(features, 60, features / "build" / "thin-cover.pdf")


def test_sheet_is_both_covers_the_spine_and_the_bleed(thick: Written) -> None:
    page = PdfReader(thick.path).pages[0]
    spine = 300 * 0.0025 * 72
    media = (2 * 396 + spine + 18, 612 + 18)  # (2 × trim w + spine + 0.25 in) × (trim h + 0.25 in)
    assert float(page.mediabox.width) == pytest.approx(media[0], abs=0.5)
    assert float(page.mediabox.height) == pytest.approx(media[1], abs=0.5)
    assert media == pytest.approx((12.0 * 72, 8.75 * 72))  # KDP's calculator for this book
    # The trimmed wrap sits inside the bleed, 0.125 in from every edge.
    trim, bleed = page.trimbox, page.bleedbox
    assert (float(trim.width), float(trim.height)) == pytest.approx((2 * 396 + spine, 612), abs=0.5)
    assert float(trim.left) - float(page.mediabox.left) == pytest.approx(9, abs=0.01)
    assert float(page.mediabox.top) - float(trim.top) == pytest.approx(9, abs=0.01)
    assert [float(v) for v in bleed] == pytest.approx([float(v) for v in page.mediabox])
    assert len(PdfReader(thick.path).pages) == 1


def test_fonts_are_the_themes_and_embedded(thick: Written) -> None:
    found = fonts(thick.path)
    assert found and all(f.embedded for f in found), found
    assert {f.name for f in found} <= {"EB-Garamond", "EB-Garamond-Italic"}


def test_metadata_names_the_cover(thick: Written) -> None:
    info = metadata(thick.path)
    assert info["Title"] == "The Features Anthology (cover)"
    assert info["Author"] == "Mara Quill"
    assert info["CreationDate"] == "D:20260101000000Z"  # SOURCE_DATE_EPOCH (tests/conftest.py)


def spine_band(wrap: CoverWrap) -> Rect:
    """Where the spine's text may be: 1/16 in inside each fold, 0.25 in inside the trim."""
    return Rect(wrap.spine.x + FOLD_CLEARANCE, SAFE, wrap.spine_width - 2 * FOLD_CLEARANCE,
                wrap.height - 2 * SAFE)


def on_spine(written: Written) -> list[tuple[str, Rect]]:
    wrap = written.wrap
    return [(c, box) for c, box in written.chars()
            if wrap.spine.x <= box.x + box.width / 2 <= wrap.spine.right]


def test_spine_carries_title_and_editor_inside_its_clearances(thick: Written) -> None:
    wrap = thick.wrap
    chars = on_spine(thick)
    assert "".join(c for c, _ in chars) == "TheFeaturesAnthologyMaraQuill"
    for char, box in chars:
        assert spine_band(wrap).contains(box, tolerance=0.1), (char, box)
    # Turned to read from the head down: the title is nearer the top, the names nearer the foot.
    title_y = [box.y for c, box in chars[:5]]
    assert title_y == sorted(title_y) and chars[-1][1].y > wrap.height / 2 > title_y[0]


def test_a_spine_just_wide_enough_carries_small_text_inside_its_clearances(
        features: Path, tmp_path: Path) -> None:
    narrow = Written(features, 100, tmp_path / "narrow.pdf")  # 0.25 in: 1/8 in left for type
    chars = on_spine(narrow)
    assert "".join(c for c, _ in chars).startswith("TheFeaturesAnthology")
    for char, box in chars:
        assert spine_band(narrow.wrap).contains(box, tolerance=0.1), (char, box)
    picture = narrow.picture()
    for fold in narrow.wrap.folds:
        strip = Rect(fold.x - FOLD_CLEARANCE, 0, 2 * FOLD_CLEARANCE, narrow.wrap.height)
        assert uniform(narrow.pixels(picture, strip)) == NAVY


def test_a_long_title_is_set_to_fit_the_spine(tmp_path: Path) -> None:
    root = copy("minimal", tmp_path / "book")
    config = root / "bookify.toml"
    config.write_text(config.read_text().replace(
        'title = "A Minimal Book"',
        'title = "The Uncommonly Long and Winding Title of a Collection of Essays on Everything '
        'Under the Sun"').replace('authors = ["Pat Example"]',
                                  'authors = ["Bartholomew Featherstonehaugh-Smythe", '
                                  '"Anastasia Montgomery-Wolstenholme"]'))
    written = Written(root, 400, tmp_path / "cover.pdf")
    wrap = written.wrap
    chars = on_spine(written)
    assert "".join(c for c, _ in chars) == \
        "TheUncommonlyLongandWindingTitleofaCollectionofEssaysonEverythingUndertheSun"
    assert all(spine_band(wrap).contains(box, tolerance=0.1) for _, box in chars)
    assert "notice: cover: the names do not fit on the spine with the title; the spine " \
        "carries the title only" in written.messages
    assert not [m for m in written.messages if m.startswith("warning")]


def test_folds_are_clear_so_a_spine_bound_off_true_shows_no_text(thick: Written) -> None:
    picture = thick.picture()
    for fold in thick.wrap.folds:
        strip = Rect(fold.x - FOLD_CLEARANCE, 0, 2 * FOLD_CLEARANCE, thick.wrap.height)
        assert uniform(thick.pixels(picture, strip)) == NAVY


def test_thin_book_has_a_plain_spine(thin: Written) -> None:
    wrap = thin.wrap
    assert wrap.spine_width == pytest.approx(60 * 0.0025 * 72)
    assert thin.text_in(wrap.spine) == ""
    assert uniform(thin.pixels(thin.picture(), wrap.spine)) == NAVY
    assert "The Features" in PdfReader(thin.path).pages[0].extract_text()


def test_nothing_is_drawn_in_the_barcode_area(thick: Written) -> None:
    barcode = thick.wrap.barcode
    assert uniform(thick.pixels(thick.picture(), barcode)) == NAVY
    assert thick.text_in(barcode) == ""
    # The book has an ISBN: it is printed beside the area, not in it.
    assert "ISBN978-0-306-40615-7" in thick.text_in(thick.wrap.back)


def test_front_panel_is_the_typographic_cover(thick: Written) -> None:
    front = thick.text_in(thick.wrap.front)
    assert front.startswith("TheFeaturesAnthology")
    assert "EssaysontheSmallMachineryofBooks" in front and "MaraQuill" in front
    assert "TheFeatures" not in thick.text_in(thick.wrap.back)


def test_back_carries_the_blurb_essayists_and_publisher(thick: Written) -> None:
    back = thick.text_in(thick.wrap.back)
    assert back.startswith("Atestanthologyoffiveessaysthatuseseveryfeaturebookify")
    assert "Withessaysby" in back and "IvoMarchetti" in back
    assert "TESTBEDPRESS" in back.upper()


def test_every_text_is_inside_the_safe_areas(thick: Written) -> None:
    wrap = thick.wrap
    safe = [wrap.back.inset(SAFE), spine_band(wrap), wrap.front.inset(SAFE)]
    for char, box in thick.chars():
        assert any(area.contains(box, tolerance=0.5) for area in safe), (char, box)
    assert not [m for m in thick.messages if m.startswith("warning")]


def test_same_sources_give_the_same_bytes(features: Path, thick: Written, tmp_path: Path) -> None:
    again = Written(features, 300, tmp_path / "again.pdf")
    assert again.path.read_bytes() == thick.path.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.pdf"]  # no temporary left


def test_a_failed_render_leaves_the_previous_cover(tmp_path: Path) -> None:
    root = copy("minimal", tmp_path / "book")
    target = root / "build" / "book-cover.pdf"
    Written(root, 120, target)
    before = target.read_bytes()
    (root / "styles").mkdir()
    (root / "styles" / "cover-wrap.css").write_text('@import url("../../outside.css");\n')
    (tmp_path / "outside.css").write_text("body { color: red }\n")
    with pytest.raises(RenderError, match="outside the book project"):
        Written(root, 120, target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir() if p.name != ".cache") == ["book-cover.pdf"]


def test_project_restyles_the_wrap_in_styles_cover_wrap_css(tmp_path: Path) -> None:
    root = copy("minimal", tmp_path / "book", files={
        "styles/cover-wrap.css": "@page cover { background: #23382c; }\n"})
    written = Written(root, 200, tmp_path / "cover.pdf")
    picture = written.picture()
    assert uniform(written.pixels(picture, written.wrap.barcode)) == (0x23, 0x38, 0x2C)
    assert picture.getpixel((1, 1)) == (0x23, 0x38, 0x2C)  # into the bleed


def test_cover_image_fills_the_front_and_its_bleed(tmp_path: Path) -> None:
    image = Image.new("RGB", (1800, 2700), (200, 40, 40))
    root = tmp_path / "book"
    copy("minimal", root, files={"cover.png": _png(image)})
    config = root / "bookify.toml"
    config.write_text(config.read_text().replace("[book]\n", '[book]\ncover = "cover.png"\n'))
    written = Written(root, 200, tmp_path / "cover.pdf")
    picture = written.picture()
    assert picture.getpixel((picture.width - 1, 0)) == (200, 40, 40)  # the bleed's corner
    assert picture.getpixel((picture.width - 1, picture.height - 1)) == (200, 40, 40)
    front = written.pixels(picture, written.wrap.front)
    assert uniform(front) == (200, 40, 40)
    assert uniform(written.pixels(picture, written.wrap.barcode)) == NAVY
    assert written.text_in(written.wrap.front) == ""  # the image is the cover
    assert not [m for m in written.messages if "dpi" in m]  # 1800 px over 5.625 in: 320 dpi


def test_a_small_cover_image_is_a_warning_for_print(tmp_path: Path) -> None:
    root = tmp_path / "book"
    copy("minimal", root, files={"cover.png": _png(Image.new("RGB", (800, 1280), (9, 9, 9)))})
    config = root / "bookify.toml"
    config.write_text(config.read_text().replace("[book]\n", '[book]\ncover = "cover.png"\n'))
    written = Written(root, 200, tmp_path / "cover.pdf")
    assert any(m.startswith("warning: the cover image prints at 142 dpi") for m in written.messages)


def test_a_blurb_too_long_for_the_back_is_a_warning(tmp_path: Path) -> None:
    blurb = " ".join(["A sentence that goes on about the book at some length."] * 70)
    root = copy("minimal", tmp_path / "book", toml=f'description = "{blurb}"\n')
    written = Written(root, 200, tmp_path / "cover.pdf")
    warnings = [m for m in written.messages if m.startswith("warning: cover:")]
    assert any("barcode area" in m for m in warnings), written.messages


def test_ingramspark_spine_is_an_estimate_unless_given(tmp_path: Path) -> None:
    root = copy("minimal", tmp_path / "book", toml='\n[print]\nprinter = "ingramspark"\n')
    estimated = Written(root, 200, tmp_path / "estimated.pdf")
    assert any("IngramSpark's cover template generator" in m for m in estimated.messages)
    config = root / "bookify.toml"
    config.write_text(config.read_text() + 'spine_width = "0.6in"\n')
    given = Written(root, 200, tmp_path / "given.pdf")
    assert not any("template generator" in m for m in given.messages)
    width = float(PdfReader(given.path).pages[0].mediabox.width)
    assert width == pytest.approx(2 * 396 + 0.6 * 72 + 18, abs=0.5)


@pytest.mark.parametrize("setting, message", [
    ('printer = "generic"\ntrim = "2x4in"',
     "print.trim: the trim is too narrow for a back cover with a 2 in barcode area"),
    ('spine_width = "0in"', "print.spine_width: '0in' is no spine: a book's spine has a width"),
])
def test_a_cover_no_printer_could_print_is_a_config_error(tmp_path: Path, setting, message) -> None:
    root = copy("minimal", tmp_path / "book", toml=f"\n[print]\n{setting}\n")
    with pytest.raises(ConfigError) as caught:
        load_project(root)  # as the project loads: nothing is read or laid out first
    assert caught.value.message == message
    assert caught.value.location.line == len((root / "bookify.toml").read_text().splitlines())


def test_the_wrap_refuses_a_trim_without_room_for_the_barcode_area() -> None:
    """The geometry keeps the rule for callers that build a wrap from their own settings."""
    from bookify.config import TrimSize
    from bookify.outputs.cover_wrap import cover_wrap

    with pytest.raises(ValueError, match="too narrow for a back cover"):
        cover_wrap(TrimSize(2, 4, "in"), 200, printer="generic")


def test_proof_outlines_the_barcode_area_but_the_upload_does_not(tmp_path: Path) -> None:
    root = copy("minimal", tmp_path / "book")
    upload = Written(root, 200, tmp_path / "upload.pdf")
    proof = Written(root, 200, tmp_path / "proof.pdf", proof=True)
    assert uniform(upload.pixels(upload.picture(), upload.wrap.barcode)) == NAVY
    barcode = proof.wrap.barcode
    outline = Rect(barcode.x - 2, barcode.y - 2, barcode.width + 4, barcode.height + 4)
    assert uniform(proof.pixels(proof.picture(), outline)) is None


def test_wrap_for_the_print_editions_real_page_count(tmp_path: Path) -> None:
    root = copy("minimal", tmp_path / "book", toml='\n[print]\npaper = "white"\n')
    project = load_project(root)
    diagnostics = Diagnostics()
    rendered = render_book(assemble_book(project, diagnostics), project, diagnostics)
    theme = load_theme(project)
    layout = lay_out_book(rendered, theme, project, diagnostics)
    target = write_cover_wrap(rendered, theme, project, layout.pages, root / "build" / "c.pdf",
                              diagnostics)
    media = PdfReader(target).pages[0].mediabox
    spine = layout.pages * 0.002252 * 72
    assert float(media.width) == pytest.approx(2 * 396 + spine + 18, abs=0.5)
    # A short book: under KDP's 24 pages it is said, and the spine stays plain.
    if layout.pages < 24:
        assert any("KDP binds paperbacks of 24 to 828 pages" in d.message
                   for d in diagnostics.items)


def _png(image: Image.Image) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
