"""Golden files: outputs pinned in the repository, compared exactly (text) or within a tolerance
(page images), and rewritten only when asked.

`BOOKIFY_UPDATE_GOLDEN=1 pytest …` writes what the tests produce over the pinned files instead of
failing; review the diff (`git diff tests/`) before committing it. Without the flag a golden test
never writes into the repository, so a test run cannot approve its own output.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from PIL import Image, ImageChops

#: Set to rewrite the golden files from this run's outputs.
UPDATE_FLAG = "BOOKIFY_UPDATE_GOLDEN"


def updating() -> bool:
    """Whether this run rewrites golden files (the `BOOKIFY_UPDATE_GOLDEN` flag)."""
    return bool(os.environ.get(UPDATE_FLAG))


def assert_text_golden(expected_file: Path, actual: str, what: str) -> None:
    """Fail with a unified diff unless `actual` is exactly the text of `expected_file`; with the
    update flag, write `actual` there instead."""
    if updating() and (not expected_file.is_file()
                       or expected_file.read_text(encoding="utf-8") != actual):
        expected_file.parent.mkdir(parents=True, exist_ok=True)
        expected_file.write_text(actual, encoding="utf-8")
    if not expected_file.is_file():
        raise AssertionError(f"{what}: no golden file {expected_file}; write it with "
                             f"{UPDATE_FLAG}=1 and review it")
    expected = expected_file.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            str(expected_file), "actual"))
        raise AssertionError(f"{what} changed (rerun with {UPDATE_FLAG}=1 if that is meant):\n"
                             + diff)


#: Two grey levels further apart than this count as a different pixel; anti-aliasing that
#: another FreeType or PDFium draws a little differently stays under it. At the low
#: resolutions the reference pages are drawn at, a line moved by one pixel changes 2–3 % of a
#: page and a missing word about 0.1 %: the images catch layout, the text goldens words.
PIXEL_THRESHOLD = 64


def image_difference(expected: Image.Image, actual: Image.Image) -> tuple[float, Image.Image]:
    """The share of pixels (0–1) that differ by more than `PIXEL_THRESHOLD` grey levels, and an
    image of the differences (white where the pages differ). Images of different sizes differ
    everywhere."""
    expected, actual = expected.convert("L"), actual.convert("L")
    if expected.size != actual.size:
        return 1.0, Image.new("L", actual.size, 255)
    diff = ImageChops.difference(expected, actual).point(
        lambda value: 255 if value > PIXEL_THRESHOLD else 0)
    changed = diff.histogram()[255]
    return changed / (diff.width * diff.height), diff


def assert_image_golden(expected_file: Path, actual: Image.Image, failures: Path, what: str,
                        tolerance: float = 0.001) -> None:
    """Fail unless `actual` differs from the PNG `expected_file` in at most `tolerance` of its
    pixels, leaving `<name>-actual.png`, `-expected.png` and `-diff.png` in `failures` to look
    at; with the update flag, write `actual` there when it is beyond the tolerance (or missing)."""
    share = 1.0
    if expected_file.is_file():
        with Image.open(expected_file) as pinned:
            share, diff = image_difference(pinned, actual)
    if updating() and share > tolerance:
        expected_file.parent.mkdir(parents=True, exist_ok=True)
        actual.convert("L").save(expected_file, optimize=True)
        return
    if not expected_file.is_file():
        raise AssertionError(f"{what}: no reference image {expected_file}; write it with "
                             f"{UPDATE_FLAG}=1 and look at it")
    if share > tolerance:
        failures.mkdir(parents=True, exist_ok=True)
        stem = expected_file.stem
        actual.convert("L").save(failures / f"{stem}-actual.png")
        with Image.open(expected_file) as pinned:
            pinned.save(failures / f"{stem}-expected.png")
        diff.save(failures / f"{stem}-diff.png")
        raise AssertionError(
            f"{what}: {share:.2%} of the pixels differ from {expected_file} (at most "
            f"{tolerance:.2%} may); actual, expected and diff images are in {failures} "
            f"(rerun with {UPDATE_FLAG}=1 if the change is meant)")
