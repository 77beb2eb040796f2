"""imagecheck: broken, oversized and hostile images are refused with what is wrong and the fix."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bookify.imagecheck import MAX_PIXELS, ImageProblem, check_image, check_svg

from .helpers import PNG

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ' \
      'width="10" height="10">{}</svg>'


def test_a_good_png_and_svg_pass(tmp_path):
    (tmp_path / "a.png").write_bytes(PNG)
    check_image(tmp_path / "a.png")
    check_svg(SVG.format('<rect width="5" height="5" fill="url(#g)"/><use xlink:href="#r"/>').encode())


@pytest.mark.parametrize("data, message", [
    (PNG[:40], "not a JPEG, PNG, GIF or WebP image"),
    (PNG[:-12], "the image is broken or cut short"),
    (b"\xff\xd8\xff\xe0 not a jpeg", "the image is broken or cut short"),
    (b"plain text", "not a JPEG, PNG, GIF or WebP image"),
])
def test_a_broken_raster_image(tmp_path, data, message):
    (tmp_path / "a.png").write_bytes(data)
    with pytest.raises(ImageProblem, match=message):
        check_image(tmp_path / "a.png")


def test_a_decompression_bomb(tmp_path):
    buffer = io.BytesIO()
    side = int(MAX_PIXELS ** 0.5) + 100  # just over the limit, under Pillow's own
    Image.new("1", (side, side)).save(buffer, "PNG")
    (tmp_path / "big.png").write_bytes(buffer.getvalue())
    with pytest.raises(ImageProblem, match="too large"):
        check_image(tmp_path / "big.png")


@pytest.mark.parametrize("inner, message", [
    ("<script>alert(1)</script>", "<script>"),
    ('<rect onload="alert(1)" width="1" height="1"/>', "event handler"),
    ('<a xlink:href="javascript:alert(1)"><rect width="1" height="1"/></a>', "javascript:alert"),
    ('<a href="javascript:alert(1)"><rect width="1" height="1"/></a>', "javascript:alert"),
    ("<foreignObject><p>x</p></foreignObject>", "<foreignObject>"),
    ('<image href="http://127.0.0.1:9/x.png" width="1" height="1"/>', "http://127.0.0.1:9/x.png"),
    ('<image xlink:href="file:///etc/passwd" width="1" height="1"/>', "file:///etc/passwd"),
    ('<style>@import url(http://127.0.0.1:9/x.css);</style>', "styles load something"),
    ('<rect style="fill: url(http://127.0.0.1:9/p.svg)" width="1" height="1"/>', "styles load something"),
])
def test_a_hostile_svg_is_refused(inner, message):
    with pytest.raises(ImageProblem, match=message.replace("(", r"\(")):
        check_svg(SVG.format(inner).encode())


def test_entities_and_billion_laughs_are_named():
    laughs = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;">'
              ']><svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>')
    with pytest.raises(ImageProblem, match="declares XML entities"):
        check_svg(laughs.encode())
    external = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>')
    with pytest.raises(ImageProblem, match="declares XML entities"):
        check_svg(external.encode())


def test_not_svg():
    with pytest.raises(ImageProblem, match="not a well-formed SVG"):
        check_svg(b"<svg")
    with pytest.raises(ImageProblem, match="root element is not <svg>"):
        check_svg(b"<html/>")
