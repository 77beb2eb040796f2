"""The preview's web server: its routes, what it refuses, and the event stream."""

from __future__ import annotations

import http.client
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bookify.cli import main
from bookify.errors import BookifyError, ConfigError
from bookify.preview import Preview
from bookify.preview.jobs import InlineRunner

from .helpers import PNG, essay, write_project


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory):
    root = write_project(tmp_path_factory.mktemp("server") / "book", files={
        "manuscripts/01-a.md": essay("Alpha", "Text of alpha.\n"),
        "manuscripts/02-b.md": essay("Beta", "Text of beta.\n\n![](missing-alt.png)\n"),
        "manuscripts/missing-alt.png": PNG,
    })
    with Preview(root, runner=InlineRunner(), watch=False) as running:
        running.session.wait_for(lambda s: s.laid_out, 60)
        yield running


def get(preview: Preview, path: str, host: str | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", preview.server.port, timeout=10)
    headers = {"Host": host} if host else {}
    connection.request("GET", path, headers=headers)
    return connection.getresponse()


def test_it_listens_on_loopback_only(preview: Preview) -> None:
    assert preview.server.server_address[0] == "127.0.0.1"
    assert preview.url.startswith("http://127.0.0.1:")


def test_the_page_and_its_files(preview: Preview) -> None:
    page = get(preview, "/")
    assert page.status == 200 and b"/static/preview.js" in page.read()
    for name, kind in [("preview.js", "javascript"), ("preview.css", "text/css")]:
        response = get(preview, f"/static/{name}")
        assert response.status == 200 and kind in response.getheader("Content-Type")


def test_state_lists_pages_divisions_and_warnings(preview: Preview) -> None:
    state = json.loads(get(preview, "/api/state").read())
    assert state["title"] == "A Test Book" and state["status"]["phase"] == "ready"
    assert [d["title"] for d in state["divisions"] if d["kind"] == "essay"] == ["Alpha", "Beta"]
    page = state["pages"][0]
    assert set(page) == {"key", "label", "division", "size", "trim", "content", "stale"}
    assert any(w["file"] == "manuscripts/02-b.md" and w["line"] for w in state["warnings"])
    assert state["reading"].startswith("/read/")


def test_a_page_picture_is_a_png_cached_for_good(preview: Preview) -> None:
    key = preview.session.snapshot.pages[0].key
    response = get(preview, f"/pages/{key}.png?dpi=30")
    assert response.status == 200 and response.read(8) == b"\x89PNG\r\n\x1a\n"
    assert "immutable" in response.getheader("Cache-Control")
    assert get(preview, "/pages/j999-0.png").status == 404


def test_the_reading_view_is_the_html_edition(preview: Preview) -> None:
    reading = preview.session.snapshot.to_json()["reading"]
    response = get(preview, reading)
    assert response.status == 200 and b"Alpha" in response.read()


@pytest.mark.parametrize("path", [
    "/static/../server.py", "/static/..%2fserver.py", "/static/%2e%2e/session.py",
    "/read/j1/../../../etc/passwd", "/read/j1/..%2f..%2f..%2fetc%2fpasswd", "/etc/passwd",
    "/pages/../../x.png",
])
def test_nothing_outside_its_own_files(preview: Preview, path: str) -> None:
    response = get(preview, path)
    assert response.status == 404
    assert b"root:" not in response.read()


def test_a_request_for_another_host_is_refused(preview: Preview) -> None:
    # A page elsewhere reaching the preview through DNS rebinding names its own host.
    assert get(preview, "/api/state", host="evil.example").status == 421
    assert get(preview, "/api/state", host=f"localhost:{preview.server.port}").status == 200


def test_the_event_stream_starts_with_the_state(preview: Preview) -> None:
    response = get(preview, "/events")
    assert response.getheader("Content-Type").startswith("text/event-stream")
    assert response.readline() == b"event: state\n"
    data = response.readline()
    assert data.startswith(b"data: ") and json.loads(data[6:])["generation"] >= 1
    response.close()


def test_no_bookify_toml_is_an_error_before_anything_starts(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no bookify.toml"):
        Preview(tmp_path)


def test_a_port_in_use_says_so(preview: Preview, tmp_path: Path) -> None:
    root = write_project(tmp_path / "book")
    with pytest.raises(BookifyError, match="cannot listen") as caught:
        Preview(root, port=preview.server.port, runner=InlineRunner(), watch=False)
    assert "--port" in caught.value.hint


def test_the_command_reports_a_missing_project(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["preview", "--project", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "no bookify.toml" in result.output


def test_the_command_has_help_with_its_options() -> None:
    result = CliRunner().invoke(main, ["preview", "--help"])
    assert result.exit_code == 0
    assert all(option in result.output for option in ("--project", "--port", "--open", "--quiet"))


# --- robustness and the reading view's images (issue 15 items 25, 28) --------------------------

def test_a_nul_byte_or_a_page_out_of_range_is_a_404(preview: Preview) -> None:
    key = preview.session.snapshot.pages[0].key
    job = key.rpartition("-")[0]
    reading = preview.session.snapshot.to_json()["reading"]
    for path in ["/read/" + reading.split("/")[2] + "/index.html%00.png", "/static/preview.js%00",
                 f"/pages/{job}-99999.png", f"/pages/{job}-{10**30}.png", "/%00"]:
        response = get(preview, path)
        assert response.status == 404, path
        response.read()


def test_the_reading_view_is_served_with_a_strict_content_security_policy(preview: Preview) -> None:
    reading = preview.session.snapshot.to_json()["reading"]
    response = get(preview, reading)
    policy = response.getheader("Content-Security-Policy") or ""
    assert "script-src 'none'" in policy and "sandbox" in policy and "default-src 'none'" in policy
    assert "connect-src" not in policy  # nothing may be fetched from script, and no script runs


def test_a_silent_client_is_dropped_after_the_request_timeout(preview: Preview, monkeypatch) -> None:
    import socket
    import time

    from bookify.preview.server import PreviewHandler

    assert PreviewHandler.timeout is not None and 0 < PreviewHandler.timeout <= 30  # was None
    monkeypatch.setattr(PreviewHandler, "timeout", 0.5)  # the same, without waiting for it
    client = socket.create_connection(("127.0.0.1", preview.server.port), timeout=10)
    client.sendall(b"GET /api/state HTTP/1.1\r\n")  # …and never the rest
    started = time.monotonic()
    assert client.recv(1024) == b""  # the server hung up
    assert time.monotonic() - started < 5
    client.close()


def test_an_event_stream_thread_ends_soon_after_its_client(preview: Preview) -> None:
    import threading
    import time

    def streams() -> int:
        return sum(1 for t in threading.enumerate() if "process_request" in t.name
                   or t.name.startswith("Thread-"))

    before = streams()
    response = get(preview, "/events")
    assert response.readline() == b"event: state\n"
    response.close()
    deadline = time.monotonic() + 5
    while streams() > before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert streams() <= before
