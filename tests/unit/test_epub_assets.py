"""EPUB assets: images scaled, turned upright and cleaned for an ebook; fonts subset to the book's
text with their features and licence; the characters of XHTML pages."""

from __future__ import annotations

import io
import shutil
import struct
import zlib

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageFile

from bookify.outputs.epub_assets import (
    EXTRA_CHARACTERS,
    PreparedImage,
    characters_of,
    prepare_image,
    subset_font,
)
from bookify.themes import BUILTIN_THEMES

FONTS = BUILTIN_THEMES / "classic" / "fonts"
REGULAR = FONTS / "EBGaramond-Regular.ttf"
ORIENTATION = 0x0112
RED = (255, 0, 0)


def decode(prepared: PreparedImage) -> Image.Image:
    image = Image.open(io.BytesIO(prepared.data))
    image.load()
    assert image.size == (prepared.width, prepared.height)
    return image


def close_to(pixel, expected, tolerance=12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


def photo(size: tuple[int, int]) -> Image.Image:
    """Something with detail to compress, and a red block in the top-left corner as stored."""
    image = Image.new("RGB", size, (40, 90, 160))
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 37):
        draw.line([(x, 0), (size[0] - x, size[1])], fill=(x % 251, (x * 7) % 253, 120), width=5)
    draw.rectangle([0, 0, size[0] // 10, size[1] // 10], fill=RED)
    return image


def exif(**tags: object) -> bytes:
    data = Image.Exif()
    for number, value in tags.items():
        data[int(number.lstrip("t"), 16)] = value
    return data.tobytes()


def icc_rgb_profile(description: str, red, green, blue) -> bytes:
    """A minimal ICC v2 RGB matrix/TRC profile with these (D50) primaries."""

    def s15(value: float) -> bytes:
        return round(value * 65536).to_bytes(4, "big", signed=True)

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + bytes(4) + s15(x) + s15(y) + s15(z)

    text = description.encode("ascii") + b"\0"
    desc = b"desc" + bytes(4) + len(text).to_bytes(4, "big") + text + bytes(4 + 4 + 2 + 1 + 67)
    curve = b"curv" + bytes(4) + (1).to_bytes(4, "big") + (0x0233).to_bytes(2, "big")  # γ 2.2
    tags = [(b"desc", desc), (b"wtpt", xyz(0.9642, 1.0, 0.8249)), (b"rXYZ", xyz(*red)),
            (b"gXYZ", xyz(*green)), (b"bXYZ", xyz(*blue)), (b"rTRC", curve), (b"gTRC", curve),
            (b"bTRC", curve), (b"cprt", b"text" + bytes(4) + b"none\0")]
    table, body, start = b"", b"", 128 + 4 + 12 * len(tags)
    for signature, data in tags:
        data += bytes(-len(data) % 4)
        table += signature + (start + len(body)).to_bytes(4, "big") + len(data).to_bytes(4, "big")
        body += data
    header = ((start + len(body)).to_bytes(4, "big") + bytes(4) + bytes([2, 0x10, 0, 0])
              + b"mntrRGB XYZ " + bytes(12) + b"acsp" + bytes(4 * 4 + 8 + 4)
              + s15(0.9642) + s15(1.0) + s15(0.8249) + bytes(4 + 16 + 28))
    return header + len(tags).to_bytes(4, "big") + table + body


#: sRGB's primaries, adapted to D50, as an ICC profile states them.
SRGB_RED = (0.4361, 0.2225, 0.0139)
SRGB_GREEN = (0.3851, 0.7169, 0.0971)
SRGB_BLUE = (0.1431, 0.0606, 0.7141)


# --- images ---------------------------------------------------------------------------------


def test_large_jpeg_is_scaled_down_turned_upright_and_cleaned(tmp_path):
    source = tmp_path / "camera.jpg"
    # Stored landscape; orientation 6 means "rotate 90° clockwise to display": a portrait photo.
    photo((4000, 3000)).save(source, quality=95, exif=exif(t0112=6, t010F="Camera Maker"),
                             icc_profile=ImageCms.ImageCmsProfile(
                                 ImageCms.createProfile("sRGB")).tobytes())
    prepared = prepare_image(source, 1600)
    image = decode(prepared)
    assert (prepared.media_type, prepared.suffix) == ("image/jpeg", ".jpg")
    assert (prepared.width, prepared.height) == (1200, 1600)
    assert image.mode == "RGB"
    # The stored top-left corner is the displayed top-right one once turned upright.
    assert close_to(image.getpixel((image.width - 5, 5)), RED, 20)
    assert not close_to(image.getpixel((5, 5)), RED, 60)
    assert ORIENTATION not in image.getexif() and not image.getexif()
    assert "icc_profile" not in image.info and "exif" not in image.info
    assert len(prepared.data) < source.stat().st_size / 4


def test_portrait_and_landscape_fit_on_the_long_side(tmp_path):
    photo((450, 1500)).save(tmp_path / "tall.png")
    photo((3000, 900)).save(tmp_path / "wide.jpg")
    tall = prepare_image(tmp_path / "tall.png", 500)
    wide = prepare_image(tmp_path / "wide.jpg", 1000)
    assert (tall.width, tall.height) == (150, 500)
    assert (wide.width, wide.height) == (1000, 300)
    assert decode(tall).size == (150, 500) and decode(wide).size == (1000, 300)


def test_a_small_image_is_never_upscaled(tmp_path):
    photo((300, 200)).save(tmp_path / "small.jpg", quality=90)
    photo((300, 200)).save(tmp_path / "small.png")
    for name in ("small.jpg", "small.png"):
        prepared = prepare_image(tmp_path / name, 1600)
        assert (prepared.width, prepared.height) == (300, 200)
        assert decode(prepared).size == (300, 200)


def test_a_cmyk_jpeg_becomes_rgb(tmp_path):
    source = tmp_path / "print.jpg"
    Image.new("CMYK", (300, 200), (255, 0, 0, 0)).save(source, quality=90)  # pure cyan ink
    image = decode(prepare_image(source, 1600))
    assert image.mode == "RGB"
    assert close_to(image.getpixel((10, 10)), (0, 255, 255))


def test_a_wide_gamut_profile_is_applied_and_an_srgb_one_dropped(tmp_path):
    # A profile whose "red" primary is sRGB's blue: its (255, 0, 0) is blue on screen.
    swapped = icc_rgb_profile("Swapped primaries", SRGB_BLUE, SRGB_GREEN, SRGB_RED)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for suffix in (".jpg", ".png"):
        Image.new("RGB", (60, 40), RED).save(tmp_path / f"wide{suffix}", icc_profile=swapped)
        Image.new("RGB", (60, 40), RED).save(tmp_path / f"srgb{suffix}", icc_profile=srgb)
        converted = decode(prepare_image(tmp_path / f"wide{suffix}", 1600))
        plain = decode(prepare_image(tmp_path / f"srgb{suffix}", 1600))
        assert close_to(converted.getpixel((5, 5)), (0, 0, 255)), suffix
        assert close_to(plain.getpixel((5, 5)), RED), suffix
        assert "icc_profile" not in converted.info and "icc_profile" not in plain.info


def test_a_png_with_alpha_keeps_it(tmp_path):
    source = tmp_path / "badge.png"
    image = Image.new("RGBA", (1600, 800), (255, 0, 0, 0))
    ImageDraw.Draw(image).ellipse([160, 160, 1440, 640], fill=(0, 128, 0, 200))
    image.save(source)
    prepared = prepare_image(source, 600)
    result = decode(prepared)
    assert (prepared.media_type, prepared.suffix) == ("image/png", ".png")
    assert result.mode == "RGBA" and result.size == (600, 300)
    assert result.getpixel((2, 2))[3] == 0
    assert close_to(result.getpixel((300, 150)), (0, 128, 0, 200), 2)


def test_a_palette_png_stays_a_palette_with_its_transparency(tmp_path):
    palette = Image.new("P", (1200, 1200), 0)
    palette.putpalette([255, 255, 255, 0, 0, 0, 200, 0, 0] + [0] * (253 * 3))
    draw = ImageDraw.Draw(palette)
    draw.line([(0, 0), (1200, 1200)], fill=1, width=5)
    draw.ellipse([300, 300, 900, 900], outline=2, width=6)
    palette.save(tmp_path / "diagram.png", transparency=0)
    palette.resize((300, 300)).save(tmp_path / "small-diagram.png", transparency=0)
    for name, size in (("diagram.png", (600, 600)), ("small-diagram.png", (300, 300))):
        result = decode(prepare_image(tmp_path / name, 600))
        assert result.mode == "P" and result.size == size, name
        assert result.convert("RGBA").getpixel((size[0] - 1, 0))[3] == 0, name  # still clear


def test_sixteen_bit_png_becomes_eight_bit_without_clipping(tmp_path):
    Image.new("I;16", (50, 50), 40000).save(tmp_path / "scan.png")
    result = decode(prepare_image(tmp_path / "scan.png", 1600))
    assert result.mode == "L"
    assert abs(result.getpixel((3, 3)) - 40000 / 257) <= 1  # not clipped to 255


def test_a_png_is_turned_upright_too(tmp_path):
    image = Image.new("RGB", (40, 20), "blue")
    image.paste(RED, (0, 0, 5, 5))
    image.save(tmp_path / "scan.png", exif=exif(t0112=6))
    prepared = prepare_image(tmp_path / "scan.png", 1600)
    result = decode(prepared)
    assert result.size == (20, 40)
    assert result.getpixel((19, 0)) == RED and not result.getexif()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (len(data).to_bytes(4, "big") + kind + data
            + zlib.crc32(kind + data).to_bytes(4, "big"))


def test_a_sixteen_bit_colour_key_still_marks_the_transparent_pixels(tmp_path):
    # 16-bit RGB with a tRNS colour key: the left half is the key (transparent), the right green.
    key, green = (40000, 1000, 300), (0, 65535, 0)
    row = b"\0" + b"".join(struct.pack(">HHH", *(key if x < 20 else green)) for x in range(40))
    (tmp_path / "key.png").write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 40, 20, 16, 2, 0, 0, 0))
        + png_chunk(b"tRNS", struct.pack(">HHH", *key))
        + png_chunk(b"IDAT", zlib.compress(row * 20)) + png_chunk(b"IEND", b""))
    for max_px in (100, 20):  # as it is, and scaled down
        result = decode(prepare_image(tmp_path / "key.png", max_px)).convert("RGBA")
        assert result.getpixel((0, 0))[3] == 0, max_px
        assert result.getpixel((result.width - 1, 0)) == (0, 255, 0, 255), max_px


def test_same_input_gives_the_same_bytes(tmp_path):
    photo((1200, 900)).save(tmp_path / "a.jpg", quality=92, exif=exif(t0112=8))
    photo((1200, 900)).convert("RGBA").save(tmp_path / "a.png")
    for name in ("a.jpg", "a.png"):
        copy = tmp_path / f"copy-of-{name}"
        shutil.copyfile(tmp_path / name, copy)
        first = prepare_image(tmp_path / name, 500)
        assert prepare_image(tmp_path / name, 500) == first
        assert prepare_image(copy, 500).data == first.data


def test_a_small_optimised_jpeg_passes_through_without_its_metadata(tmp_path):
    # Re-encoding at quality 85 would make this quality-50 file larger: its pixels are kept as
    # they are, and only the metadata segments (EXIF: camera, GPS...) are dropped.
    source = tmp_path / "thumb.jpg"
    photo((320, 240)).save(source, quality=50, optimize=True, exif=exif(t010F="Phone", t0112=1))
    prepared = prepare_image(source, 1600)
    result = decode(prepared)
    assert len(prepared.data) < source.stat().st_size
    assert not ImageChops.difference(result, Image.open(source).convert("RGB")).getbbox()
    assert not result.getexif() and "exif" not in result.info


def test_png_text_and_time_chunks_are_not_carried(tmp_path):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Someone")
    info.add_text("Comment", "x" * 500)
    photo((200, 100)).save(tmp_path / "meta.png", pnginfo=info)
    prepared = prepare_image(tmp_path / "meta.png", 1600)
    assert b"tEXt" not in prepared.data and b"Someone" not in prepared.data
    assert decode(prepared).size == (200, 100)


def test_a_phone_mpo_becomes_a_plain_jpeg(tmp_path):
    frames = [Image.new("RGB", (2000, 1500), colour) for colour in ((200, 10, 10), "green")]
    frames[0].save(tmp_path / "phone.jpg", "MPO", save_all=True, append_images=frames[1:])
    prepared = prepare_image(tmp_path / "phone.jpg", 1000)
    result = decode(prepared)
    assert result.format == "JPEG" and result.size == (1000, 750)
    assert close_to(result.getpixel((5, 5)), (200, 10, 10))


def test_gif_webp_and_svg_pass_through(tmp_path):
    Image.new("P", (3000, 20)).save(tmp_path / "anim.gif")
    Image.new("RGB", (3000, 20), RED).save(tmp_path / "photo.webp")
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="300" viewBox="0 0 600 200">'
           b'<rect width="10" height="10"/></svg>')
    (tmp_path / "figure.svg").write_bytes(svg)
    gif = prepare_image(tmp_path / "anim.gif", 100)
    webp = prepare_image(tmp_path / "photo.webp", 100)
    assert gif == PreparedImage((tmp_path / "anim.gif").read_bytes(), "image/gif", ".gif", 3000, 20)
    assert webp == PreparedImage((tmp_path / "photo.webp").read_bytes(), "image/webp", ".webp",
                                 3000, 20)
    assert prepare_image(tmp_path / "figure.svg", 100) == PreparedImage(
        svg, "image/svg+xml", ".svg", 300, 100)


def test_an_animated_png_keeps_its_frames(tmp_path):
    frames = [Image.new("RGB", (40, 30), colour) for colour in ("red", "blue")]
    frames[0].save(tmp_path / "anim.png", save_all=True, append_images=frames[1:], duration=100)
    result = decode(prepare_image(tmp_path / "anim.png", 20))
    assert getattr(result, "n_frames", 1) == 2


def test_the_suffix_follows_the_content_not_the_name(tmp_path):
    photo((50, 40)).save(tmp_path / "misnamed.jpg", format="PNG")
    prepared = prepare_image(tmp_path / "misnamed.jpg", 1600)
    assert (prepared.media_type, prepared.suffix) == ("image/png", ".png")


@pytest.mark.parametrize("name, data", [
    ("garbage.png", b"this is not an image"),
    ("truncated.jpg", None),
    ("old.bmp", None),
    ("broken.svg", b"<svg xmlns='http://www.w3.org/2000/svg'"),
    ("html.svg", b"<html/>"),
])
def test_an_unreadable_file_is_a_value_error_naming_it(tmp_path, name, data):
    path = tmp_path / name
    if name == "truncated.jpg":
        buffer = io.BytesIO()
        photo((800, 600)).save(buffer, "JPEG")
        data = buffer.getvalue()[:3000]
    elif name == "old.bmp":
        buffer = io.BytesIO()
        photo((8, 6)).save(buffer, "BMP")
        data = buffer.getvalue()
    path.write_bytes(data)
    with pytest.raises(ValueError, match=name.replace(".", r"\.")):
        prepare_image(path, 100)


def test_a_truncated_image_is_refused_even_when_pillow_was_made_lenient(tmp_path, monkeypatch):
    # Importing WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES = True for the whole process.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    buffer = io.BytesIO()
    photo((800, 600)).save(buffer, "JPEG")
    (tmp_path / "cut.jpg").write_bytes(buffer.getvalue()[:3000])
    with pytest.raises(ValueError, match=r"cut\.jpg.*truncated"):
        prepare_image(tmp_path / "cut.jpg", 100)
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # the process-wide setting is left as it was


def test_max_px_must_be_positive(tmp_path):
    photo((10, 10)).save(tmp_path / "a.png")
    with pytest.raises(ValueError, match="max_px"):
        prepare_image(tmp_path / "a.png", 0)


# --- fonts ----------------------------------------------------------------------------------

SAMPLE = "Quaint façade — “Œuvre” ½ 1789 ﬁ Ærø"


@pytest.fixture(scope="module")
def original() -> TTFont:
    return TTFont(REGULAR)


@pytest.fixture(scope="module")
def subset_bytes() -> bytes:
    return subset_font(REGULAR, SAMPLE)


@pytest.fixture(scope="module")
def subset(subset_bytes) -> TTFont:
    return TTFont(io.BytesIO(subset_bytes))


def substitutes(font: TTFont, feature: str, glyph: str) -> bool:
    """Whether GSUB `feature` maps `glyph` to something (single or alternate substitution)."""
    table = font["GSUB"].table
    for record in table.FeatureList.FeatureRecord:
        if record.FeatureTag != feature:
            continue
        for index in record.Feature.LookupListIndex:
            for subtable in table.LookupList.Lookup[index].SubTable:
                subtable = getattr(subtable, "ExtSubTable", subtable)
                mapping = getattr(subtable, "mapping", None) or getattr(subtable, "alternates", {})
                if glyph in mapping:
                    return True
    return False


def test_subset_keeps_the_glyphs_for_the_text(subset, original):
    cmap = subset.getBestCmap()
    wanted = set(SAMPLE) | set(EXTRA_CHARACTERS) - {"\ufe0e"}
    missing = {c for c in wanted if ord(c) in original.getBestCmap() and ord(c) not in cmap}
    assert not missing
    assert ord("Ç") in cmap and ord("ø".upper()) in cmap  # case forms, for text-transform
    for outside in "ЖλĦ":  # Cyrillic, Greek and Latin Extended the full font has
        assert ord(outside) in original.getBestCmap() and ord(outside) not in cmap


def test_subset_is_much_smaller_and_the_same_format(subset_bytes):
    assert len(subset_bytes) < REGULAR.stat().st_size / 3
    assert subset_bytes[:4] == REGULAR.read_bytes()[:4] == b"\x00\x01\x00\x00"  # TrueType


def test_subset_keeps_the_book_features(subset, original):
    cmap = subset.getBestCmap()
    features = {r.FeatureTag for r in subset["GSUB"].table.FeatureList.FeatureRecord}
    assert {"smcp", "c2sc", "onum", "lnum", "liga", "frac", "sups"} <= features
    assert "kern" in {r.FeatureTag for r in subset["GPOS"].table.FeatureList.FeatureRecord}
    assert substitutes(subset, "smcp", cmap[ord("a")])
    assert substitutes(subset, "onum", cmap[ord("7")])
    # The small cap and old-style glyphs those features reach are in the subset.
    assert len(subset.getGlyphOrder()) > len(cmap)


def test_subset_keeps_the_licence_and_copyright(subset, original):
    for name_id in (0, 13, 14):
        assert subset["name"].getDebugName(name_id) == original["name"].getDebugName(name_id)
    assert "Open Font License" in subset["name"].getDebugName(13)


def test_subset_is_deterministic(subset_bytes, original):
    # The same characters in another order (and with repeats): the same bytes.
    assert subset_font(REGULAR, "".join(reversed(SAMPLE)) + SAMPLE) == subset_bytes
    assert TTFont(io.BytesIO(subset_bytes))["head"].modified == original["head"].modified


def test_an_unreadable_font_is_a_value_error(tmp_path):
    (tmp_path / "broken.ttf").write_bytes(b"\x00\x01\x00\x00" + b"junk" * 10)
    with pytest.raises(ValueError, match=r"broken\.ttf"):
        subset_font(tmp_path / "broken.ttf", "abc")


# --- characters -----------------------------------------------------------------------------


def test_characters_of_decodes_entities_and_drops_markup():
    text = characters_of(['<p class="zzz">&amp;&#8212;&mdash;&#xA0;&lt;</p>'])
    assert text == "".join(sorted("&—\xa0<"))


def test_characters_of_reads_whole_xhtml_pages_and_fragments():
    page = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>T</title>'
            '<style>body { font: x }</style><script>var q = 1;</script></head>'
            '<body><!-- hidden comment --><p>é</p><img src="a.png" alt="Ω"/>'
            '<p><![CDATA[µ]]></p></body></html>').encode()
    text = characters_of([page, "<em>b</em>ô", "tail"])
    assert set(text) == set("Té\nΩµbôtail")
    assert text == "".join(sorted(set(text)))
    for absent in "{}:;=qv<>!-":
        assert absent not in text


def test_characters_of_feeds_subset_font():
    text = characters_of(["<p>Ŵ &amp; ŷ</p>"])
    cmap = TTFont(io.BytesIO(subset_font(REGULAR, text))).getBestCmap()
    assert {ord("Ŵ"), ord("ŷ"), ord("Ŷ"), ord("&")} <= set(cmap)


def test_characters_of_parsed_pages_are_those_of_their_markup() -> None:
    """The EPUB reads its pages' characters from the parsed trees: the same set as parsing the
    serialized page (text, tails, alt text; not scripts, styles or comments)."""
    from lxml import etree

    from bookify.outputs.epub_assets import characters_of, characters_of_trees

    page = etree.fromstring(
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Tïtle</title>'
        "<style>p { content: 'Ω'; }</style></head><body><p>Façade <em>naïve</em> tail "
        '<!-- hidden ß --> after ♥<img alt="Ünïcode alt" src="a.png"/></p>'
        "<script>var ж = 1;</script><p>&#8212; done</p></body></html>")
    text = characters_of_trees([page])
    assert text == characters_of([etree.tostring(page, encoding="unicode")])
    assert {"ï", "ç", "♥", "Ü", "—"} <= set(text) and not {"Ω", "ß", "ж"} & set(text)
