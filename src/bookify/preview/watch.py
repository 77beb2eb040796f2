"""Watching a book project for saves (watchfiles), and telling the session which sources changed.

What counts as a source of the book: `bookify.toml`, `contributors.toml` and `contributors/`,
everything in `manuscripts/` and `styles/`, images anywhere in the project (a cover may sit at
its root), and the built-in themes. Not the output folder, hidden files and folders, editors'
backup and swap files, or files without a suffix (some editors probe a folder with one).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

from ..config import CONFIG_FILE
from ..project import MANUSCRIPTS_DIR, STYLES_DIR
from ..themes import BUILTIN_THEMES

#: Top-level folders of a project whose every file is a source of the book.
SOURCE_FOLDERS = {MANUSCRIPTS_DIR, STYLES_DIR, "contributors"}
#: Top-level files of a project that are sources of the book.
SOURCE_FILES = {CONFIG_FILE, "contributors.toml"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp"}


def is_source(path: Path, root: Path, output_dir: Path, themes: Path = BUILTIN_THEMES) -> bool:
    """Whether a change to `path` can change the book of the project in `root`."""
    path = Path(path)
    if path.is_relative_to(themes):
        relative = path.relative_to(themes)
    elif path.is_relative_to(root) and not path.is_relative_to(output_dir):
        relative = path.relative_to(root)
    else:
        return False
    parts = relative.parts
    if not parts or any(part.startswith(".") for part in parts) or "__pycache__" in parts:
        return False
    if not path.suffix or path.name.endswith("~"):
        return False
    if path.is_relative_to(themes):
        return True
    return (parts[0] in SOURCE_FOLDERS and len(parts) > 1) or (
        len(parts) == 1 and parts[0] in SOURCE_FILES) or path.suffix.lower() in IMAGE_SUFFIXES


class ProjectWatcher:
    """Calls `on_change(paths)` from a thread of its own whenever sources of the book change.

    Saves close together (an editor writing a file in two steps, "save all") arrive as one call.
    """

    def __init__(self, root: Path, output_dir: Path, on_change: Callable[[set[Path]], None],
                 debounce_ms: int = 150) -> None:
        self.root = root.resolve()
        self.output_dir = output_dir.resolve()
        self._on_change = on_change
        self._debounce = debounce_ms
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="bookify-preview-watch",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _relevant(self, _change: watchfiles.Change, path: str) -> bool:
        return is_source(Path(path), self.root, self.output_dir)

    def _watch(self) -> None:
        paths = [self.root] + ([BUILTIN_THEMES] if BUILTIN_THEMES.is_dir() else [])
        for changes in watchfiles.watch(*paths, watch_filter=self._relevant,
                                        debounce=self._debounce, step=50, rust_timeout=500,
                                        stop_event=self._stop, raise_interrupt=False):
            self._on_change({Path(path) for _change, path in changes})
