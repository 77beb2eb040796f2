"""`bookify preview` in a real browser: Debian's Chromium, headless, over the DevTools protocol.

The preview runs as the command runs it — layout jobs in child processes, the project watched
for saves — on a copy of tests/projects/minimal. The test does what an author does: opens the
page, goes to an essay, edits it on disk, breaks its front matter and mends it, and checks what
the page shows after each step.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bookify.preview import Preview
from tests.support.browser import Chromium, find_chromium
from tests.unit.helpers import PNG

PROJECTS = Path(__file__).resolve().parents[1] / "projects"

pytestmark = pytest.mark.skipif(find_chromium() is None, reason="needs chromium (apt-get install chromium)")

def image(index: int) -> str:
    """JavaScript: the picture the spread shows for page `index`, or null."""
    return f"document.querySelector('#spread img[data-index=\"{index}\"]')"


def loaded(index: int) -> str:
    """JavaScript: the address of page `index`'s picture once it has loaded, else null."""
    return (f"(() => {{ const i = {image(index)}; "
            "return i && i.complete && i.naturalWidth > 0 ? i.getAttribute('src') : null; })()")


def pixels(index: int) -> str:
    """JavaScript: a fingerprint of page `index`'s pixels (same origin, so a canvas reads them)."""
    return (f"(() => {{ const i = {image(index)}; const c = document.createElement('canvas'); "
            "c.width = i.naturalWidth; c.height = i.naturalHeight; const g = c.getContext('2d'); "
            "g.drawImage(i, 0, 0); const d = g.getImageData(0, 0, c.width, c.height).data; "
            "let h = 0; for (let n = 0; n < d.length; n += 7) h = (h * 31 + d[n]) | 0; return h; })()")


#: JavaScript: what the page shows, for a failure message.
SHOWN = ("JSON.stringify({generation: document.body.dataset.generation, "
         "status: document.getElementById('status').textContent, "
         "images: [...document.querySelectorAll('#spread img')].map(i => [i.dataset.index, i.src, i.naturalWidth]), "
         "error: document.getElementById('error-overlay').hidden ? null : document.getElementById('error-overlay').innerText})")


@pytest.fixture
def browser(tmp_path: Path):
    pytest.importorskip("websocket", reason="needs websocket-client (the test extra)")
    with Chromium.launch(tmp_path / "chromium-profile") as chromium:
        yield chromium


@pytest.fixture
def preview(tmp_path: Path):
    root = tmp_path / "book"
    shutil.copytree(PROJECTS / "minimal", root)
    with Preview(root) as running:
        yield running


def test_preview_follows_edits_errors_and_recovery(preview: Preview, browser: Chromium) -> None:
    browser.navigate(preview.url)
    # The first spread: the half title, a recto standing alone, as WeasyPrint laid it out.
    assert browser.wait_for(loaded(0), 60, SHOWN).startswith("/pages/")

    # Go to the second essay from the contents.
    browser.evaluate("document.querySelector('#contents li[data-division=\"an-almanac\"] a').click()")
    start = preview.session.snapshot.division("an-almanac").start
    before = browser.wait_for(loaded(start), 30, SHOWN)
    pixels_before = browser.evaluate(pixels(start))
    assert browser.evaluate("location.hash") == "#an-almanac/0"

    # Edit it on disk: a new opening paragraph, and an image without alt text.
    essay = preview.root / "manuscripts" / "02-an-almanac.md"
    text = essay.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    (preview.root / "manuscripts" / "tide-table.png").write_bytes(PNG)
    essay.write_text(f"{head}\n---\nQuartz, quinces and the quiet tide tables come first now.\n\n"
                     f"![](tide-table.png)\n\n{body}", encoding="utf-8")
    changed = f"(() => {{ const s = {loaded(start)}; return s && s !== {before!r} ? s : null; }})()"
    after = browser.wait_for(changed, 60, SHOWN)
    assert after != before
    assert browser.evaluate(pixels(start)) != pixels_before
    # Still on the same essay, and the warnings panel names the file and line of the image.
    assert browser.evaluate("location.hash") == "#an-almanac/0"
    warning = browser.wait_for(
        "[...document.querySelectorAll('#warning-list li')].map(li => li.innerText)"
        ".find(t => t.includes('manuscripts/02-an-almanac.md:') && t.includes('alt'))", 30, SHOWN)
    assert "manuscripts/02-an-almanac.md:" in warning

    # Break the front matter: the error shows over the last good pages, with file and line.
    essay.write_text('---\ntitle: "An Almanac\n---\nText.\n', encoding="utf-8")
    overlay = browser.wait_for(
        "(() => { const o = document.getElementById('error-overlay'); return o.hidden ? null : o.innerText; })()",
        60, SHOWN)
    assert "manuscripts/02-an-almanac.md:" in overlay and "YAML" in overlay
    assert browser.evaluate(f"{image(start)} !== null")  # the pages stay

    # Mend it: the error goes, and the page shows the mended essay, without a restart.
    essay.write_text('---\ntitle: "An Almanac, Mended"\n---\nText of the mended essay.\n',
                     encoding="utf-8")
    browser.wait_for("document.getElementById('error-overlay').hidden", 60, SHOWN)
    browser.wait_for("[...document.querySelectorAll('#contents li')].some(li => "
                     "li.innerText.includes('An Almanac, Mended'))", 30, SHOWN)
    assert browser.wait_for(loaded(start), 30, SHOWN) not in (before, after)
