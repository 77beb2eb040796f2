"""Ebook-sized images and fonts for the EPUB: photographs scaled down to what a reading device can
show and stripped of camera metadata, and the theme's fonts cut down to the glyphs the book uses.

Print-resolution images and whole font families can make an EPUB many times larger than its text,
which readers download, sideload and store, so it carries only what is displayed, encoded
deterministically so that the same sources still give the same bytes.
"""

from __future__ import annotations

import io
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import cast

from fontTools import subset
from fontTools.ttLib import TTLibError
from lxml import etree
from PIL import ExifTags, Image, ImageFile, ImageOps, UnidentifiedImageError

__all__ = ["EXTRA_CHARACTERS", "JPEG_QUALITY", "LAYOUT_FEATURES", "PreparedImage",
           "characters_of", "prepare_image", "subset_font", "FontSubsetRequest"]

#: JPEG quality for re-encoded photographs: visually clean on a tablet at a fraction of the size.
JPEG_QUALITY = 85

#: Characters every font subset keeps besides the book's own text: typography the reading system,
#: the theme's CSS (`hr::after` uses an em space) or a later edit may put on the page.
EXTRA_CHARACTERS = (
    string.printable.strip()  # ASCII letters, digits and punctuation
    + " \u00a0\u00ad\u2002\u2003\u2009\u200a\u202f"  # spaces, no-break spaces, soft hyphen
    + "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"  # hyphens, dashes, minus
    + "\u2018\u2019\u201a\u201b\u201c\u201d\u201e"  # ‘ ’ ‚ ‛ “ ” „
    + "\u2039\u203a\u00ab\u00bb\u2032\u2033"  # ‹ › « » ′ ″
    + "\u2026\u00b7\u2022\u2020\u2021\u00a7\u00b6\u2042\u2766"  # … · • † ‡ § ¶ ⁂ ❦
    + "\u2190\u2191\u2192\u21a9\ufe0e"  # ← ↑ → ↩ (footnote back-links), text presentation
    + "\u00a9\u00ae\u2122\u00b0\u00d7\u00f7\u2044\u00bc\u00bd\u00be"  # © ® ™ ° × ÷ ⁄ ¼ ½ ¾
    + "\u00b9\u00b2\u00b3\u00aa\u00ba\u00a1\u00bf\u00a2\u00a3\u20ac"  # ¹ ² ³ ª º ¡ ¿ ¢ £ €
)

#: OpenType features a font subset keeps: fontTools' defaults (kerning, marks, standard and
#: contextual ligatures, localised forms, every script's shaping features) and what a book's CSS
#: can ask for. Left out: `aalt` (only font menus use it; it alone pulls in every alternate glyph),
#: `dlig`, `hlig`, `hist`, `swsh`, `pcap`, `c2pc` and `sinf` (about 20 KB a face together).
LAYOUT_FEATURES = tuple(subset.Options().layout_features) + (
    "onum", "lnum", "pnum", "tnum", "smcp", "c2sc", "frac", "numr", "dnom", "sups", "subs",
    "ordn", "case", "ss01", "ss02", "ss03", "ss04", "ss05", "ss06", "ss07",
)

_ORIENTATION = ExifTags.Base.Orientation
_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")  # "JPEG" also opens MPO, a phone's multi-picture JPEG
_PASS_THROUGH = {"GIF": ("image/gif", ".gif"), "WEBP": ("image/webp", ".webp")}
_JPEG = ("image/jpeg", ".jpg")
_PNG = ("image/png", ".png")
_PNG_MODES = {"1", "L", "LA", "P", "RGB", "RGBA"}
_SIXTEEN_BIT = {"I;16", "I;16B", "I;16L", "I;16N"}
#: PNG chunks a stripped pass-through keeps: the image itself, its transparency and APNG frames.
_PNG_KEEP = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"acTL", b"fcTL", b"fdAT"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SVG_UNITS = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54,
              "mm": 96 / 25.4}


@dataclass(frozen=True, slots=True)
class PreparedImage:
    """An image as the EPUB stores it: bytes, media type, file suffix and size in pixels.

    `suffix` follows the actual format, not the source file's name (a PNG saved as `.jpg` comes
    back as `.png`). An SVG's size comes from its `width`/`height` or `viewBox`, 0 when it has none.
    """

    data: bytes
    media_type: str
    suffix: str
    width: int
    height: int


def prepare_image(path: Path, max_px: int) -> PreparedImage:
    """Return the image at `path` ready for an ebook (upright, at most `max_px` on its long side,
    8-bit sRGB, no metadata), so a camera photograph costs a few hundred kilobytes instead of
    megabytes; GIF, WebP, SVG and animated PNG pass through unchanged.

    Raises ValueError naming the file when it is not an image that can be read."""
    if max_px < 1:
        raise ValueError(f"max_px must be at least 1, not {max_px}")
    path = Path(path)
    data = path.read_bytes()
    if path.suffix.lower() == ".svg":
        return _svg(path, data)
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    # WeasyPrint turns this on for the whole process when imported, and a truncated photo would
    # then go into the EPUB half grey without a word; bookify builds in one thread, so restoring
    # the setting afterwards is enough.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        # Only the EPUB's core raster types: Pillow's other plugins are not needed, and some (EPS)
        # run external programs.
        image: Image.Image = Image.open(io.BytesIO(data), formats=_FORMATS)
        kind = image.format
        if kind in _PASS_THROUGH:
            image.load()  # fails on a broken file, as the re-encoded formats do
            media_type, suffix = _PASS_THROUGH[kind]
            return PreparedImage(data, media_type, suffix, image.width, image.height)
        stored_size = image.size
        if kind in ("JPEG", "MPO"):
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale, keeping at least twice the final size
            # for Lanczos to work from (what Image.thumbnail does), when the photo is that large.
            target = _fit(_upright_size(stored_size, _orientation(image)), max_px)
            if target is not None:
                scale = max(target) / max(stored_size)
                image.draft(None, (max(1, int(image.width * scale * 2)),
                                   max(1, int(image.height * scale * 2))))
        image.load()
    except UnidentifiedImageError:
        raise ValueError(f"{path}: not a JPEG, PNG, GIF, WebP or SVG image") from None
    except Exception as exc:  # Pillow's plugins raise many kinds of errors on broken files
        raise ValueError(f"{path}: a broken or unreadable image ({exc})") from exc
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient

    orientation = _orientation(image)  # after load(): a PNG may put its eXIf chunk after the image
    target = _fit(_upright_size(stored_size, orientation), max_px)
    sixteen_bit = kind == "PNG" and data[24:25] == b"\x10"  # IHDR bit depth
    if sixteen_bit and "transparency" in image.info:
        # Pillow keeps the tRNS colour key in 16 bits: bring it to 8 as the pixels are (grey by
        # _to_srgb, rounding; RGB by Pillow itself, which keeps the high byte).
        key = image.info["transparency"]
        image.info["transparency"] = (round(key / 257) if isinstance(key, int)
                                      else tuple(value >> 8 for value in key))
    if kind == "PNG" and getattr(image, "is_animated", False):
        stripped = _strip_png(data) or data  # APNG: re-encoding would keep only the first frame
        return PreparedImage(stripped, *_PNG, image.width, image.height)
    if orientation != 1:
        image = ImageOps.exif_transpose(image)
    if kind in ("JPEG", "MPO"):
        return _jpeg(image, data, target, unchanged=kind == "JPEG" and orientation == 1)
    return _png(image, data, target, unchanged=orientation == 1 and not sixteen_bit)


@dataclass(frozen=True, slots=True)
class FontSubsetRequest:
    """A font to cut down to a book's characters, as plain data (the font's bytes): a job for
    the layout runner, so the EPUB's fonts are cut down by the layout workers, side by side,
    and kept in the layout cache."""

    #: The font file's name, for messages.
    name: str
    data: bytes
    #: The book's characters, each once, sorted.
    characters: str

    def key(self) -> str:
        import fontTools

        from .. import __version__
        from ..cache import fingerprint

        return fingerprint("bookify epub font", __version__, fontTools.version, self.data,
                           self.characters)

    def lay_out(self, progress: Callable[[int], None] | None = None,
                reads: dict[str, str] | None = None) -> bytes:
        return subset_font(self.data, self.characters, name=self.name)


def subset_font(path: Path | bytes, text: str, name: str | None = None) -> bytes:
    """Return the font at `path` cut down to the glyphs for `text` and `EXTRA_CHARACTERS`, so the
    EPUB carries tens of kilobytes per face instead of all of Latin, Greek and Cyrillic.

    Small caps, old-style figures and the other features a book uses still work, the OFL notice
    stays in the name table, and the same font and text always give the same bytes."""
    # Upper- and lower-case forms of the text are added for CSS `text-transform`; the
    # LAYOUT_FEATURES are kept for the glyphs they reach (layout closure); all name records stay
    # (IDs 0, 13 and 14 hold the copyright and licence); hinting goes; the format (TTF/OTF, WOFF,
    # WOFF2) and the `head` timestamps stay those of the source.
    options = subset.Options()
    options.layout_features = list(LAYOUT_FEATURES)
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.hinting = False
    options.notdef_outline = True
    options.recalc_timestamp = False
    try:
        font = subset.load_font(io.BytesIO(path) if isinstance(path, bytes) else str(path),
                                options)
    except (TTLibError, OSError, ValueError, AssertionError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        named = name or (str(path) if isinstance(path, Path) else "the font")
        raise ValueError(f"{named}: not a font bookify can read ({exc})") from exc
    try:
        options.flavor = font.flavor
        characters = set(EXTRA_CHARACTERS)
        for character in set(text):
            characters.update(character, character.upper(), character.lower())
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(sorted(characters)))
        subsetter.subset(font)
        buffer = io.BytesIO()
        subset.save_font(font, buffer, options)
    finally:
        font.close()
    return buffer.getvalue()


def characters_of(html_fragments: Iterable[str | bytes]) -> str:
    """Return the sorted set of characters in the text of these HTML/XHTML fragments or pages, which
    is what `subset_font` must cover (entities decoded; markup, `<style>` and `<script>` left out;
    `alt` text kept, since readers show it in the book's font; bytes are read as UTF-8)."""
    characters: set[str] = set()
    for fragment in html_fragments:
        if isinstance(fragment, bytes):
            fragment = fragment.decode("utf-8")
        collector = _TextCollector(characters)
        collector.feed(fragment)
        collector.close()
    return "".join(sorted(characters))


def characters_of_trees(roots: Iterable[etree._Element]) -> str:
    """`characters_of` for documents already parsed (the EPUB's pages): the same characters,
    without serializing each page to parse it again."""
    characters: set[str] = set()
    for root in roots:
        for element in root.iter():
            if element.tail:
                characters.update(element.tail)
            if not isinstance(element.tag, str):
                continue  # a comment or processing instruction: only its tail is text
            if element.text and etree.QName(element).localname not in _TextCollector._HIDDEN:
                characters.update(element.text)
            alt = element.get("alt")
            if alt:
                characters.update(alt)
    return "".join(sorted(characters))


# --- images ---------------------------------------------------------------------------------


def _orientation(image: Image.Image) -> int:
    try:
        value = int(image.getexif().get(_ORIENTATION, 1))
    except Exception:  # a broken EXIF block must not stop the book; show the image as stored
        return 1
    return value if 2 <= value <= 8 else 1


def _upright_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


def _fit(size: tuple[int, int], max_px: int) -> tuple[int, int] | None:
    """The size that brings the long side down to `max_px`, or None when it already fits."""
    width, height = size
    if max(width, height) <= max_px:
        return None
    if width >= height:
        return max_px, max(1, round(height * max_px / width))
    return max(1, round(width * max_px / height)), max_px


def _jpeg(image: Image.Image, original: bytes, target: tuple[int, int] | None, *,
          unchanged: bool) -> PreparedImage:
    image, converted = _to_srgb(image, {"L", "RGB"})
    if target is not None:
        image = image.resize(target, Image.Resampling.LANCZOS)
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False)
    data = _smaller(buffer.getvalue(), original, _strip_jpeg,
                    unchanged and target is None and not converted)
    return PreparedImage(data, *_JPEG, image.width, image.height)


def _png(image: Image.Image, original: bytes, target: tuple[int, int] | None, *,
         unchanged: bool) -> PreparedImage:
    image, converted = _to_srgb(image, _PNG_MODES)
    if target is not None:
        image = _resize_png(image, target)
    transparency = image.info.get("transparency")
    image.info = {}
    options: dict[str, object] = {"optimize": True}
    if transparency is not None and image.mode in ("1", "L", "P", "RGB"):
        options["transparency"] = transparency
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **options)
    data = _smaller(buffer.getvalue(), original, _strip_png,
                    unchanged and target is None and not converted)
    return PreparedImage(data, *_PNG, image.width, image.height)


def _smaller(encoded: bytes, original: bytes, strip: Callable[[bytes], bytes | None],
             pixels_unchanged: bool) -> bytes:
    """The re-encoded image, or the original with only its metadata stripped when the pixels are
    unchanged and that is no larger."""
    if pixels_unchanged:
        stripped = strip(original)
        if stripped is not None and len(stripped) <= len(encoded):
            return stripped
    return encoded


def _resize_png(image: Image.Image, target: tuple[int, int]) -> Image.Image:
    """Lanczos in a true-colour mode (Pillow only does nearest-neighbour on palettes), then back
    to a palette for palette images, since they are usually diagrams and much smaller as PNG-8."""
    has_alpha = image.mode in ("LA", "RGBA") or "transparency" in image.info
    if image.mode == "P":
        work = image.convert("RGBA" if has_alpha else "RGB")
        work = work.resize(target, Image.Resampling.LANCZOS)
        method = Image.Quantize.FASTOCTREE if has_alpha else Image.Quantize.MEDIANCUT
        return work.quantize(256, method=method, dither=Image.Dither.FLOYDSTEINBERG)
    if image.mode == "1":
        image = image.convert("L")
    elif image.mode in ("L", "RGB") and has_alpha:  # a tRNS colour key: blend it as real alpha
        image = image.convert("LA" if image.mode == "L" else "RGBA")
    return image.resize(target, Image.Resampling.LANCZOS)


def _to_srgb(image: Image.Image, allowed: set[str]) -> tuple[Image.Image, bool]:
    """The image in one of the `allowed` 8-bit modes and sRGB colours, and whether that changed
    its pixels (a different mode, 16 bits brought to 8, or a colour profile applied)."""
    profile = image.info.get("icc_profile")
    converted = False
    if profile and image.mode in ("RGB", "RGBA", "CMYK") and not _is_srgb(profile):
        transformed = _apply_profile(image, profile)
        if transformed is not None:
            image, converted = transformed, True
    if image.mode in _SIXTEEN_BIT or image.mode == "I":
        wide = image.convert("I")
        highest = cast("int | None", wide.getextrema()[1])  # mode I: (lowest, highest)
        if image.mode in _SIXTEEN_BIT or (highest or 0) > 255:
            wide = wide.point(lambda value: value / 257 + 0.5)  # 0..65535 → 0..255, rounded
        image, converted = wide.convert("L"), True
    if image.mode not in allowed:
        if image.mode == "1" and "L" in allowed:
            image = image.convert("L")
        elif "A" in image.getbands() and "RGBA" in allowed:
            image = image.convert("RGBA")
        else:
            image = image.convert("RGB")
        converted = True
    return image, converted


def _is_srgb(profile: bytes) -> bool:
    """Whether an embedded ICC profile is (by its description) sRGB, which readers assume anyway;
    an unreadable profile counts as sRGB, since nothing better can be done with it."""
    try:
        from PIL import ImageCms

        description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(profile)))
    except Exception:  # no LittleCMS in this Pillow, or a broken profile
        return True
    return "srgb" in description.lower()


def _apply_profile(image: Image.Image, profile: bytes) -> Image.Image | None:
    """Convert the pixels from the embedded profile to sRGB (Display P3, Adobe RGB, a print CMYK
    profile...), since reading systems ignore or drop ICC profiles; None if LittleCMS cannot."""
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        result = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                           outputMode=mode)
    except Exception:  # no LittleCMS in this Pillow, or a profile it cannot use with this mode
        return None
    return result


def _strip_jpeg(data: bytes) -> bytes | None:
    """The JPEG without its metadata segments (EXIF and XMP in APP1, ICC in APP2, Photoshop APP13,
    comments), the compressed image untouched; JFIF (APP0) and Adobe (APP14, which says how to
    read the colours) stay. None if the file's structure is not what this expects."""
    if data[:2] != b"\xff\xd8":
        return None
    parts = [b"\xff\xd8"]
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data
            parts.append(data[position:])
            return b"".join(parts)
        if marker == 0xD9 or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            return None
        length = int.from_bytes(data[position + 2:position + 4], "big")
        end = position + 2 + length
        if length < 2 or end > len(data):
            return None
        if not (0xE1 <= marker <= 0xED or marker == 0xEF or marker == 0xFE):
            parts.append(data[position:end])
        position = end
    return None


def _strip_png(data: bytes) -> bytes | None:
    """The PNG with only the chunks that draw it (`_PNG_KEEP`): no text, EXIF, ICC or time
    chunks. None if the file's structure is not what this expects."""
    if not data.startswith(_PNG_SIGNATURE):
        return None
    parts = [_PNG_SIGNATURE]
    position = len(_PNG_SIGNATURE)
    while position + 12 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        end = position + 12 + length
        if end > len(data):
            return None
        if kind in _PNG_KEEP:
            parts.append(data[position:end])
        position = end
        if kind == b"IEND":
            return b"".join(parts)
    return None


def _svg(path: Path, data: bytes) -> PreparedImage:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"{path}: not a well-formed SVG file ({exc})") from None
    if etree.QName(root).localname != "svg":
        raise ValueError(f"{path}: not an SVG file (its root element is <{root.tag}>)")
    width, height = _svg_length(root.get("width")), _svg_length(root.get("height"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if (width is None or height is None) and len(box) == 4:
        try:
            box_width, box_height = float(box[2]), float(box[3])
        except ValueError:
            box_width = box_height = 0.0
        if width is None and height is not None and box_height > 0:
            width = height * box_width / box_height
        elif height is None and width is not None and box_width > 0:
            height = width * box_height / box_width
        elif width is None and height is None:
            width, height = box_width, box_height
    return PreparedImage(data, "image/svg+xml", ".svg", round(width or 0), round(height or 0))


def _svg_length(value: str | None) -> float | None:
    """An SVG `width`/`height` in CSS pixels, or None for a missing or relative (%, em) one."""
    if not value:
        return None
    value = value.strip()
    number = value.rstrip("abcdefghijklmnopqrstuvwxyz%")
    unit = value[len(number):]
    if unit not in _SVG_UNITS:
        return None
    try:
        length = float(number) * _SVG_UNITS[unit]
    except ValueError:
        return None
    return length if length > 0 else None


# --- text -----------------------------------------------------------------------------------


class _TextCollector(HTMLParser):
    """Adds the characters of a document's text (and `alt` attributes) to a set."""

    _HIDDEN = frozenset({"script", "style"})

    def __init__(self, characters: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.characters = characters
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        for name, value in attrs:
            if name == "alt" and value:
                self.characters.update(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.characters.update(data)

    def unknown_decl(self, data: str) -> None:  # <![CDATA[...]]> in XHTML
        if data.startswith("CDATA[") and not self.hidden:
            self.characters.update(data[len("CDATA["):])
