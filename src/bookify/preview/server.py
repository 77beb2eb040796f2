"""The preview's web server: the page, its state as JSON, live updates, page pictures, and the
reading view. Standard library only (`http.server`): one user on the loopback interface needs
nothing more, and server-sent events are plain HTTP.

Routes (GET and HEAD only):

    /                          the preview page (static/index.html)
    /static/NAME               the page's own files: only the names in static/
    /api/state                 the current snapshot and build status, as JSON
    /events                    server-sent events: `state` on every new snapshot, `status`
                               while building; the current state first
    /pages/KEY.png?dpi=N       a page's picture (N is rounded up to a resolution on offer)
    /read/JOB/PATH             the HTML edition made by job JOB (the reading view)

It listens on 127.0.0.1 only, answers only requests addressed to it by a loopback name (so a
web page elsewhere cannot reach it through DNS rebinding), and serves no file outside the
preview's own static folder and the reading view's folder.
"""

from __future__ import annotations

import json
import mimetypes
import queue
import re
import select
import socket
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .raster import resolution_for
from .session import PreviewSession

STATIC = Path(str(resources.files("bookify.preview") / "static"))
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
#: How often an idle event stream sends a comment, so proxies and the browser keep it open.
KEEPALIVE_SECONDS = 15.0
#: How long a client may take to send a request (or to take an answer): a slow or silent
#: client gives its thread back after this many seconds.
REQUEST_TIMEOUT_SECONDS = 10.0
#: What the reading view (the book's own HTML, images and SVGs) may do: show itself, its
#: images, styles and fonts — never run a script, fetch anything or reach the preview's API.
READING_POLICY = ("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                  "font-src 'self' data:; script-src 'none'; object-src 'none'; "
                  "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox")

_PAGE = re.compile(r"^/pages/([A-Za-z0-9]+-\d+)\.png$")
_READ = re.compile(r"^/read/([A-Za-z0-9]+)/(.*)$")


class PreviewServer(ThreadingHTTPServer):
    """An HTTP server for one preview session, on 127.0.0.1."""

    daemon_threads = True

    def __init__(self, session: PreviewSession, port: int = 0) -> None:
        self.session = session
        self.closing = threading.Event()
        super().__init__(("127.0.0.1", port), PreviewHandler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def shutdown(self) -> None:
        self.closing.set()  # ends the event streams too
        super().shutdown()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Say nothing of a browser hanging up; a real bug in one line, not a traceback."""
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            print(f"bookify preview: internal error answering a request: "
                  f"{type(error).__name__}: {error}", file=sys.stderr)


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "bookify-preview"
    timeout = REQUEST_TIMEOUT_SECONDS

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet: no line per request (the terminal is for the book's news)."""

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:  # noqa: N802
        if not self._addressed_to_us():
            self._send_error(HTTPStatus.MISDIRECTED_REQUEST, "unknown host")
            return
        url = urlsplit(self.path)
        path = unquote(url.path)
        if "\x00" in path:  # no file has a NUL in its name
            self._send_error(HTTPStatus.NOT_FOUND, "no such page")
            return
        if path == "/":
            self._send_file(STATIC / "index.html", head, cache=False)
        elif path.startswith("/static/"):
            self._send_static(path[len("/static/"):], head)
        elif path == "/api/state":
            self._send_bytes(json.dumps(self.server.session.state()).encode(), "application/json",
                             head, cache=False)
        elif path == "/events":
            self._stream_events()
        elif match := _PAGE.match(path):
            self._send_page(match[1], parse_qs(url.query).get("dpi", ["96"])[0], head)
        elif match := _READ.match(path):
            self._send_reading(match[1], match[2] or "index.html", head)
        else:
            self._send_error(HTTPStatus.NOT_FOUND, "no such page")

    # ------------------------------------------------------------------ routes

    def _send_static(self, name: str, head: bool) -> None:
        # Only the names the static folder holds: nothing with a slash can match.
        if name in {p.name for p in STATIC.iterdir() if p.is_file()}:
            self._send_file(STATIC / name, head, cache=False)
        else:
            self._send_error(HTTPStatus.NOT_FOUND, "no such file")

    def _send_page(self, key: str, dpi: str, head: bool) -> None:
        try:
            wanted = float(dpi)
        except ValueError:
            wanted = 96
        png = self.server.session.page_png(key, resolution_for(wanted))
        if png is None:
            self._send_error(HTTPStatus.NOT_FOUND, "no such page (the book was rebuilt)")
        else:
            # A page key names one page of one PDF, which never changes: cache it for good.
            self._send_bytes(png, "image/png", head, cache=True)

    def _send_reading(self, job_id: str, relative: str, head: bool) -> None:
        folder = self.server.session.reading_folder(job_id)
        if folder is None:
            self._send_error(HTTPStatus.NOT_FOUND, "this reading view was replaced; reload")
            return
        target = (folder / relative).resolve()
        if not target.is_relative_to(folder.resolve()) or not target.is_file():
            self._send_error(HTTPStatus.NOT_FOUND, "no such file")
            return
        self._send_file(target, head, cache=False, policy=READING_POLICY)

    def _stream_events(self) -> None:
        events: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue(maxsize=256)

        def listener(kind: str, data: dict[str, Any]) -> None:
            try:
                events.put_nowait((kind, data))
            except queue.Full:
                pass  # a stalled browser: it gets the state again when it reconnects

        stop_listening = self.server.session.listen(listener)
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self._send_event("state", self.server.session.state())
            idle = 0.0
            while not self.server.closing.is_set() and not self._client_gone():
                try:
                    kind, data = events.get(timeout=0.5)
                except queue.Empty:
                    idle += 0.5
                    if idle >= KEEPALIVE_SECONDS:
                        self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
                        idle = 0.0
                    continue
                idle = 0.0
                self._send_event(kind, data)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the browser went away
        finally:
            stop_listening()

    # ------------------------------------------------------------------ helpers

    def _client_gone(self) -> bool:
        """Whether the browser has closed the event stream (its socket reads as ended), so the
        thread ends with its client rather than at the next keep-alive."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def _addressed_to_us(self) -> bool:
        host = self.headers.get("Host", "")
        return host in {f"{name}:{self.server.port}" for name in LOOPBACK_NAMES}

    def _send_event(self, kind: str, data: dict[str, Any]) -> None:
        self.wfile.write(f"event: {kind}\ndata: {json.dumps(data)}\n\n".encode())
        self.wfile.flush()

    def _send_file(self, path: Path, head: bool, cache: bool, policy: str | None = None) -> None:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        self._send_bytes(path.read_bytes(), kind, head, cache, policy)

    def _send_bytes(self, body: bytes, kind: str, head: bool, cache: bool,
                    policy: str | None = None) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        if policy:
            self.send_header("Content-Security-Policy", policy)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "public, max-age=31536000, immutable" if cache
                         else "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _send_error(self, status: HTTPStatus, message: str) -> None:
        body = message.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
