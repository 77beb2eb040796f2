"""A real browser for tests: Debian's Chromium, headless, driven over the DevTools protocol.

Just enough of the protocol to load a page, evaluate JavaScript in it, wait for something to
become true and take a screenshot — no Playwright download (its browsers cannot be fetched here)
and no Node. `websocket-client` carries the protocol.

    with Chromium.launch(tmp_path) as browser:
        browser.navigate("http://127.0.0.1:8000/")
        browser.wait_for("document.title.includes('preview')")
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

#: Flags that run Debian's Chromium headless in a container, without talking to the network.
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--no-default-browser-check",
         "--disable-dev-shm-usage", "--window-size=1400,900", "--remote-debugging-port=0"]


def find_chromium() -> str | None:
    """The Chromium to use: $CHROMIUM, or chromium / chromium-browser on the PATH."""
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


class BrowserError(AssertionError):
    """The browser did not do what the test waited for (with what it saw instead)."""


class Chromium:
    """A headless Chromium with one page, driven over its DevTools WebSocket."""

    def __init__(self, process: subprocess.Popen, socket: Any) -> None:
        self.process = process
        self._socket = socket
        self._ids = itertools.count(1)

    @classmethod
    def launch(cls, profile: Path, executable: str | None = None, timeout: float = 30) -> Chromium:
        import websocket  # the test extra's websocket-client

        executable = executable or find_chromium()
        if executable is None:
            raise FileNotFoundError("no chromium on the PATH")
        profile.mkdir(parents=True, exist_ok=True)
        process = subprocess.Popen([executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not (port_file.is_file() and port_file.read_text().strip()):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise BrowserError(f"chromium did not start (exit status {process.poll()})")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        while True:
            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
            pages = [t for t in targets if t.get("type") == "page"]
            if pages or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        if not pages:
            process.kill()
            raise BrowserError("chromium started without a page")
        socket = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=timeout,
                                             suppress_origin=True)
        return cls(process, socket)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._socket.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a DevTools method and return its result (events on the way are skipped)."""
        message_id = next(self._ids)
        self._socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._socket.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                return message.get("result", {})

    def navigate(self, url: str) -> None:
        self.send("Page.navigate", url=url)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises are awaited)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails'].get('text')} "
                               f"{result['exceptionDetails'].get('exception', {}).get('description', '')}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30, describe: str | None = None) -> Any:
        """Evaluate `expression` until it is truthy; return its value, or fail saying what the
        page showed (`describe`, a JavaScript expression) when time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.evaluate(expression)
            except BrowserError:
                value = None  # the page is (re)loading
            if value:
                return value
            if time.monotonic() > deadline:
                seen = self.evaluate(describe) if describe else None
                raise BrowserError(f"timed out after {timeout} s waiting for {expression}; "
                                   f"the page showed: {seen!r}")
            time.sleep(0.1)

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path
