"""The layout cache: a small content-addressed store in a project's `build/.cache/`.

Laying out a book is the slow part of a build, and most rebuilds change one essay or none. The
build names each piece of work by a `fingerprint` of everything it depends on (the inputs' bytes,
never their paths or mtimes, plus whatever versions the caller folds in) and keeps the result
here, so a rebuild never lays out the same thing twice.

The cache is only ever an optimisation. An entry that is missing, truncated, corrupt or from an
older format is a miss (and is deleted); a cache that cannot be written is skipped without an
error; and writes are atomic, so two builds sharing a folder cannot see each other's half-written
entries. Size is bounded by evicting the least recently used entries (by mtime, which a hit
refreshes).

Entries are pickles only in `get_object`/`put_object`, and unpickling runs code: the cache folder
is trusted exactly as much as the project it sits in.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import shutil
import time
from pathlib import Path

from .fsutil import atomic_output

#: The first bytes of every entry; bump the number when the entry format changes, so old entries
#: read as corrupt (and are deleted) instead of being misread.
MAGIC = b"bookify-cache 1\n"

_DIGEST_SIZE = hashlib.sha256().digest_size
_KEY = re.compile(r"[0-9a-fA-F]{2,128}")
_SHARD = re.compile(r"[0-9a-f]{2}")
#: A temporary file this old was left by a crashed writer and is removed when space is counted.
_STALE_TEMPORARY_SECONDS = 3600.0


def fingerprint(*parts: object) -> str:
    """A hex SHA-256 over `parts`, in order, unambiguously delimited (length-prefixed).

    `str` → its UTF-8; `bytes` → as is; `Path` → the file's bytes (its content, never its path or
    mtime), a folder → its files' relative paths and bytes in sorted order; `int`, `float`,
    `bool`, `None` → `repr`; `tuple`/`list` → each item recursively; `dict` → its items sorted
    (by their keys' encoding) recursively. Anything else raises `TypeError`.

    Each value is also tagged with its kind, so `1`, `"1"` and `b"1"` have different fingerprints.
    A Path that does not exist raises `FileNotFoundError`.
    """
    digest = hashlib.sha256()
    _feed(digest, parts)
    return digest.hexdigest()


def _feed(digest: hashlib._Hash, value: object) -> None:
    """Add one value to `digest` as a kind tag, a length or count, then its content."""
    if isinstance(value, str):
        _chunk(digest, b"s", value.encode("utf-8"))
    elif isinstance(value, (bytes, bytearray, memoryview)):
        _chunk(digest, b"b", bytes(value))
    elif isinstance(value, Path):
        if value.is_dir():
            files = _folder_files(value)
            _count(digest, b"D", len(files))
            for relative, path in files:
                _chunk(digest, b"s", relative.encode("utf-8"))
                _chunk(digest, b"f", path.read_bytes())
        else:
            _chunk(digest, b"f", value.read_bytes())
    elif value is None:
        _chunk(digest, b"n", b"None")
    elif isinstance(value, bool):  # before int, which it subclasses
        _chunk(digest, b"?", repr(value).encode("ascii"))
    elif isinstance(value, int):
        _chunk(digest, b"i", repr(value).encode("ascii"))
    elif isinstance(value, float):
        _chunk(digest, b"r", repr(value).encode("ascii"))
    elif isinstance(value, (tuple, list)):
        _count(digest, b"l", len(value))
        for item in value:
            _feed(digest, item)
    elif isinstance(value, dict):
        items = sorted(((_encoding_key(key), key, item) for key, item in value.items()),
                       key=lambda entry: entry[0])
        _count(digest, b"d", len(items))
        for _, key, item in items:
            _feed(digest, key)
            _feed(digest, item)
    else:
        raise TypeError(f"cannot fingerprint a {type(value).__name__}: {value!r:.80}")


def _chunk(digest: hashlib._Hash, tag: bytes, data: bytes) -> None:
    digest.update(tag + len(data).to_bytes(8, "big"))
    digest.update(data)


def _count(digest: hashlib._Hash, tag: bytes, count: int) -> None:
    digest.update(tag + count.to_bytes(8, "big"))


def _encoding_key(value: object) -> bytes:
    """A sort key for a dict key that works across kinds: the digest of its own encoding."""
    digest = hashlib.sha256()
    _feed(digest, value)
    return digest.digest()


def _folder_files(folder: Path) -> list[tuple[str, Path]]:
    """Every file under `folder` (not following linked folders), as (relative posix path, path)."""
    found: list[tuple[str, Path]] = []
    for root, _folders, names in os.walk(folder):
        for name in names:
            path = Path(root, name)
            found.append((path.relative_to(folder).as_posix(), path))
    found.sort(key=lambda entry: entry[0])
    return found


class LayoutCache:
    """Bytes (or picklable objects) by hex key, in `folder/<key[:2]>/<key>`, at most `max_bytes`."""

    def __init__(self, folder: Path, max_bytes: int = 1024 * 2**20, enabled: bool = True) -> None:
        if max_bytes < 0:
            raise ValueError(f"max_bytes must not be negative, not {max_bytes}")
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self.enabled = enabled

    def get(self, key: str) -> bytes | None:
        """The payload stored under `key`, or None when disabled, absent or corrupt.

        A corrupt or truncated entry is deleted. A hit refreshes the entry's mtime, which is what
        eviction orders by.
        """
        path = self._path(key)
        if not self.enabled:
            return None
        try:
            with open(path, "rb") as handle:
                entry = handle.read()
                identity = os.fstat(handle.fileno())
        except OSError:
            return None
        payload = _unwrap(entry)
        if payload is None:
            self._discard(path, identity)
            return None
        try:
            os.utime(path)
        except OSError:
            pass
        return payload

    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, then evict the least recently used entries down to max_bytes.

        A no-op when disabled or when the entry alone is larger than max_bytes. Never raises for
        a cache that cannot be written (full disk, no permission): the entry is simply skipped.
        """
        path = self._path(key)
        if not self.enabled:
            return
        entry = MAGIC + hashlib.sha256(data).digest() + bytes(data)
        if len(entry) > self.max_bytes:
            return
        try:
            with atomic_output(path) as temporary:
                temporary.write_bytes(entry)
        except OSError:
            return
        try:
            self._evict(keep=path)
        except OSError:
            pass

    def get_object(self, key: str) -> object | None:
        """The object `put_object` stored under `key`, or None (an unreadable pickle is corrupt).

        A stored None is indistinguishable from a miss.
        """
        data = self.get(key)
        if data is None:
            return None
        try:
            value: object = pickle.loads(data)
            return value
        except Exception:  # a pickle of a renamed class fails in many ways; all mean "corrupt"
            self._discard(self._path(key))
            return None

    def put_object(self, key: str, value: object) -> None:
        """Store `value`, pickled (protocol 5), under `key`; an unpicklable value raises."""
        self._path(key)
        if not self.enabled:
            return
        self.put(key, pickle.dumps(value, protocol=5))

    def clear(self) -> None:
        """Delete every entry (even when disabled); leaves anything else in the folder alone."""
        try:
            shards = [p for p in self.folder.iterdir() if _SHARD.fullmatch(p.name) and p.is_dir()]
        except OSError:
            return
        for shard in shards:
            shutil.rmtree(shard, ignore_errors=True)

    def _path(self, key: str) -> Path:
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ValueError(f"a cache key is 2 to 128 hex digits, not {key!r:.80}")
        key = key.lower()
        return self.folder / key[:2] / key

    def _discard(self, path: Path, identity: os.stat_result | None = None) -> None:
        """Delete a corrupt entry; with `identity`, only if it is still the file that was read."""
        try:
            if identity is not None:
                now = os.stat(path)
                if (now.st_ino, now.st_dev) != (identity.st_ino, identity.st_dev):
                    return  # another process replaced it meanwhile
            path.unlink()
        except OSError:
            pass

    def _evict(self, keep: Path) -> None:
        """Delete the least recently used entries (never `keep`) until the total fits max_bytes."""
        entries: list[tuple[int, str, Path, int]] = []
        total = 0
        stale = time.time() - _STALE_TEMPORARY_SECONDS
        for shard in self.folder.iterdir():
            if not _SHARD.fullmatch(shard.name) or not shard.is_dir():
                continue
            for path in shard.iterdir():
                try:
                    status = path.stat()
                except OSError:
                    continue  # evicted or replaced by another process meanwhile
                if not _KEY.fullmatch(path.name):
                    if path.name.endswith(".tmp") and status.st_mtime < stale:
                        _remove(path)
                    continue
                total += status.st_size
                if path != keep:
                    entries.append((status.st_mtime_ns, path.name, path, status.st_size))
        entries.sort()
        for _mtime, _name, path, size in entries:
            if total <= self.max_bytes:
                break
            if _remove(path):
                total -= size


def _remove(path: Path) -> bool:
    """Delete `path`; False when it could not be (it is still there, so still counts)."""
    try:
        path.unlink()
    except FileNotFoundError:
        return True  # another process evicted it first
    except OSError:
        return False
    return True


def _unwrap(entry: bytes) -> bytes | None:
    """The payload of an entry file, or None when its header or checksum is wrong."""
    start = len(MAGIC) + _DIGEST_SIZE
    if len(entry) < start or not entry.startswith(MAGIC):
        return None
    payload = entry[start:]
    if hashlib.sha256(payload).digest() != entry[len(MAGIC):start]:
        return None
    return payload
