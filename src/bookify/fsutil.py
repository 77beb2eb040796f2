"""File-system helpers every writer uses, so a failed build never leaves a half-written output
or a mixed set of outputs."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target` in one step.

    If the block raises, the temporary file is removed and the previous `target` is untouched.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


class OutputSet:
    """A build's outputs, composed in a hidden folder inside the output folder and moved into
    place together once every one of them is complete.

    A failure while composing (a broken image at the EPUB, a template error) leaves the output
    folder exactly as it was, never the print PDF of one book beside the EPUB of another. A
    folder output (the HTML edition) is replaced whole, so links planted in the old one are
    never written through. Nothing is written through a symbolic link.
    """

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        self.staging: Path | None = None
        #: Final path → its composed version in the staging folder, in the order asked for.
        self.staged: dict[Path, Path] = {}

    def __enter__(self) -> OutputSet:
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=".bookify-", dir=self.output_dir))
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)

    def path(self, final: Path) -> Path:
        """Where to compose the output that belongs at `final` (a file or a folder)."""
        assert self.staging is not None, "use OutputSet as a context manager"
        for folder in [final, *final.parents]:
            if folder == self.output_dir:
                break
            if folder.is_symlink():
                raise OutputFolderError(folder, "is a symbolic link; bookify does not write "
                                        "through links", "delete the link; bookify makes the "
                                        "folder or file itself")
        staged = self.staging / "new" / final.relative_to(self.output_dir)
        staged.parent.mkdir(parents=True, exist_ok=True)
        self.staged[final] = staged
        return staged

    def commit(self) -> None:
        """Move every composed output into place: each rename is atomic, and they run one
        after the other only once all outputs are complete."""
        assert self.staging is not None
        old = self.staging / "old"
        for final, staged in self.staged.items():
            final.parent.mkdir(parents=True, exist_ok=True)
            if staged.is_dir():
                if final.is_dir() and not final.is_symlink():
                    old.mkdir(exist_ok=True)
                    os.replace(final, old / final.name)
                elif final.exists() or final.is_symlink():
                    final.unlink()
                os.replace(staged, final)
            else:
                if final.is_dir() and not final.is_symlink():
                    shutil.rmtree(final)
                os.chmod(staged, 0o644)
                os.replace(staged, final)  # replaces a link itself, never what it points at


class OutputFolderError(OSError):
    """The output folder (or a folder in it) cannot be written; `build.py` reports it."""

    def __init__(self, path: Path, problem: str, hint: str) -> None:
        super().__init__(f"{path} {problem}")
        self.path = path
        self.problem = problem
        self.hint = hint


def prepare_output_folder(output_dir: Path) -> None:
    """Check, before any work is done, that bookify will be able to write in `output_dir`
    (made later, when the outputs are written, if it does not exist yet)."""
    if output_dir.is_symlink():
        raise OutputFolderError(output_dir, "is a symbolic link; bookify does not write "
                                "through links", "delete the link, or pass a real folder to --output")
    existing = next(p for p in [output_dir, *output_dir.parents] if p.exists())
    if not existing.is_dir():
        raise OutputFolderError(existing, "is a file, not a folder",
                                "pass a folder to --output (bookify creates it if needed)")
    try:
        if existing != output_dir:  # made later; nothing is written beside it meanwhile
            if not os.access(existing, os.W_OK | os.X_OK):
                raise PermissionError(13, "Permission denied")
        else:
            with tempfile.NamedTemporaryFile(prefix=".bookify-", dir=existing):
                pass
    except OSError as exc:
        raise OutputFolderError(existing, f"cannot be written to ({exc.strerror})",
                                "give yourself write permission on it, or pass another "
                                "folder to --output") from None


def display_path(path: Path, root: Path | None) -> str:
    """`path` as a message shows it: relative to `root` when it is inside it, else as given."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()
