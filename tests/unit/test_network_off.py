"""`[build] allow_network = false` (the default) holds for every way a book can name a URL: a
local web server counts the requests a build makes, and there must be none (issue 15 item 25)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .helpers import PNG, essay, write_project
from .test_cli import no_traceback, plain_terminal, run  # noqa: F401 (plain_terminal: autouse)


class _Counter(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
       '<image xlink:href="{url}/svg-ref.png" width="1" height="1"/></svg>')

CASES = {
    "an image in an essay": {"manuscripts/01-a.md": essay("A", "![M]({url}/essay.png)\n")},
    "an image in a footnote": {"manuscripts/01-a.md": essay("A", "A.[^1]\n\n[^1]: ![M]({url}/note.png)\n")},
    "an image in raw HTML": {"manuscripts/01-a.md": essay("A", '<img src="{url}/raw.png" alt="M">\n')},
    "a reference inside an SVG": {"manuscripts/01-a.md": essay("A", "![M](map.svg)\n"),
                                  "manuscripts/map.svg": SVG},
    "a font in a stylesheet": {
        "manuscripts/01-a.md": essay("A"),
        "styles/print.css": '@font-face { font-family: X; src: url({url}/font.ttf) }\n'
                            'body { font-family: X }\n',
        "styles/epub.css": '@font-face { font-family: X; src: url({url}/font.ttf) }\n'},
    "an import in a stylesheet": {"manuscripts/01-a.md": essay("A"),
                                  "styles/print.css": '@import url({url}/more.css);\n'},
    "an image in a template": {
        "manuscripts/01-a.md": essay("A"),
        "styles/templates/dedication.html.j2": '<section><img src="{url}/template.png" alt=""/></section>'},
}


@pytest.mark.parametrize("case", CASES)
def test_no_request_leaves_a_build_with_the_network_off(tmp_path, server, case):
    files = {name: text.replace("{url}", server) for name, text in CASES[case].items()}
    root = write_project(tmp_path, '[book]\ntitle = "T"\ndedication = "For X"\n', files=files)
    _Counter.requests.clear()
    result = run("build", "--project", root, "--format", "pdf,epub,html", "--no-cache")
    no_traceback(result)
    assert result.exit_code != 70, result.output
    assert _Counter.requests == [], (case, result.output)
    if result.exit_code:
        assert "error: " in result.stderr and "hint: " in result.stderr
