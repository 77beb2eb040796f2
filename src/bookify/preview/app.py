"""`bookify preview`: a session, a watcher and a web server for one book project, and what the
terminal says while they run.

Terminal policy (as console.py's): news of the book on stdout — where the preview is, each
finished build in one line; errors on stderr with file, line and hint, as `bookify build` prints
them. `--quiet` keeps only the address and errors. No line per web request.
"""

from __future__ import annotations

import threading
import webbrowser
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from ..config import CONFIG_FILE
from ..errors import BookifyError, ConfigError
from ..project import load_project
from .server import PreviewServer
from .session import PreviewSession, Runner
from .watch import ProjectWatcher


class Preview:
    """A running preview of the project in `root`: build thread, file watcher and web server."""

    def __init__(self, root: Path, port: int | None = None, runner: Runner | None = None,
                 watch: bool = True) -> None:
        self.root = root.resolve()
        if not (self.root / CONFIG_FILE).is_file():
            raise ConfigError(f"no {CONFIG_FILE} in {self.root}",
                              hint="run bookify preview in a book project, or point at one with "
                                   "--project (bookify new makes one)")
        self.session = PreviewSession(self.root, runner=runner)
        try:
            self.server = PreviewServer(self.session, port or 0)
        except OSError as error:
            self.session.stop()
            raise BookifyError(f"cannot listen on 127.0.0.1:{port}: {error.strerror}",
                               hint="choose another --port, or leave it out to take a free one"
                               ) from None
        self.watcher = (ProjectWatcher(self.root, _output_dir(self.root), self.session.changed)
                        if watch else None)
        self._serving = threading.Thread(target=self.server.serve_forever,
                                         kwargs={"poll_interval": 0.2},
                                         name="bookify-preview-http", daemon=True)

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> Preview:
        self.session.start()
        if self.watcher is not None:
            self.watcher.start()
        self._serving.start()
        return self

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        if self._serving.is_alive():
            self.server.shutdown()
        self.server.server_close()
        self.session.stop()

    def __enter__(self) -> Preview:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def serve(project_dir: Path, port: int | None = None, open_browser: bool = False,
          quiet: bool = False) -> None:
    """Preview the book in `project_dir` until interrupted (Ctrl-C)."""
    preview = Preview(project_dir, port)
    report = _Report(preview.root, quiet)
    preview.session.listen(report)
    with preview:
        report.out.print(f"Previewing {escape(str(preview.root))} at [bold]{preview.url}[/] "
                         "(Ctrl-C to stop)")
        if open_browser:
            webbrowser.open(preview.url)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            report.out.print("Stopped.")


class _Report:
    """One terminal line per finished build; errors as `bookify build` prints them."""

    def __init__(self, root: Path, quiet: bool) -> None:
        self.quiet = quiet
        self.out = Console(highlight=False, soft_wrap=True)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)
        self._shown: tuple[tuple[Any, Any, Any], ...] = ()

    def __call__(self, kind: str, data: dict[str, Any]) -> None:
        if kind != "state":
            return
        if data["errors"]:
            shown = tuple((e["file"], e["line"], e["message"]) for e in data["errors"])
            if shown != self._shown:  # the same error again after another save: once is enough
                for error in data["errors"]:
                    where = f"{error['file']}:{error['line']}" if error["line"] else error["file"]
                    text = f"{where}: {error['message']}" if where else error["message"]
                    if error["hint"]:
                        text += f"\n  hint: {error['hint']}"
                    self.err.print(f"[bold red]error:[/] {escape(text)}")
            self._shown = shown
            return
        self._shown = ()
        if self.quiet:
            return
        build = data["build"]
        warnings = sum(1 for w in data["warnings"] if w["severity"] == "warning")
        news = (f"{warnings} warning{'s' if warnings != 1 else ''} (listed in the preview)"
                if warnings else "no warnings")
        if build["kind"] == "essay":
            division = next((d for d in data["divisions"] if d["id"] == build["essay"]), None)
            pages = division["count"] if division else 0
            self.out.print(f"Updated {escape(build['essay'])}: {pages} pages in "
                           f"{build['seconds']:.1f} s; {news}")
        else:
            self.out.print(f"Laid out {len(data['pages'])} pages in {build['seconds']:.1f} s; "
                           f"{news}")


def _output_dir(root: Path) -> Path:
    """The project's output folder, which the watcher ignores (`build` if the config is broken)."""
    try:
        return load_project(root).output_dir
    except BookifyError:
        return root / "build"
