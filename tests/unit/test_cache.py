"""The layout cache: fingerprints name content, entries round-trip, and nothing bad is returned."""

from __future__ import annotations

import dataclasses
import errno
import os
import pickle
import time
from pathlib import Path

import pytest

from bookify import fsutil
from bookify.cache import MAGIC, LayoutCache, fingerprint

KEY = fingerprint("a key")


def entry_path(folder: Path, key: str) -> Path:
    return folder / key[:2] / key


def entry_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def age(path: Path, seconds_ago: float) -> None:
    """Set an entry's mtime explicitly, so LRU order does not depend on clock resolution."""
    when = time.time() - seconds_ago
    os.utime(path, (when, when))


@dataclasses.dataclass(frozen=True)
class Laid:
    pages: int
    names: tuple[str, ...]


# fingerprint


def test_fingerprint_is_stable_hex_sha256():
    value = fingerprint("essay", b"\x00\x01", 3, 2.5, True, None, ("x", ["y"]), {"b": 1, "a": 2})
    assert value == fingerprint("essay", b"\x00\x01", 3, 2.5, True, None, ("x", ["y"]), {"a": 2, "b": 1})
    assert len(value) == 64 and int(value, 16) >= 0


def test_fingerprint_delimits_parts():
    assert fingerprint("ab", "c") != fingerprint("a", "bc")
    assert fingerprint(("ab", "c")) != fingerprint(("a", "bc"))
    assert fingerprint(b"ab", b"c") != fingerprint(b"a", b"bc")
    assert fingerprint(["a", "b"], "c") != fingerprint(["a"], "b", "c")
    assert fingerprint({"a": "bc"}) != fingerprint({"ab": "c"})
    assert fingerprint() != fingerprint("")


def test_fingerprint_is_sensitive_to_every_part_and_its_kind():
    base = fingerprint("x", 1)
    assert fingerprint("x", 2) != base
    assert fingerprint("y", 1) != base
    assert fingerprint(1, "x") != base  # order matters
    assert len({fingerprint(v) for v in (1, "1", b"1", 1.0, True, None, "None", (1,))}) == 8


def test_fingerprint_of_a_file_is_its_content_not_its_path(tmp_path):
    first = tmp_path / "one" / "essay.md"
    second = tmp_path / "two" / "other-name.md"
    first.parent.mkdir()
    second.parent.mkdir()
    first.write_bytes(b"# An essay\n")
    second.write_bytes(b"# An essay\n")
    os.utime(second, (1, 1))
    assert fingerprint(first) == fingerprint(second)
    second.write_bytes(b"# An essay!")  # one byte changed
    assert fingerprint(first) != fingerprint(second)


def test_fingerprint_of_a_folder_ignores_creation_order_but_not_names_or_content(tmp_path):
    def make(name: str, files: list[tuple[str, bytes]]) -> Path:
        root = tmp_path / name
        for relative, data in files:
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_bytes(data)
        return root

    files = [("a.md", b"A"), ("sub/b.md", b"B"), ("z.css", b"Z")]
    forwards = make("forwards", files)
    backwards = make("backwards", list(reversed(files)))
    assert fingerprint(forwards) == fingerprint(backwards)
    renamed = make("renamed", [("a.md", b"A"), ("sub/c.md", b"B"), ("z.css", b"Z")])
    assert fingerprint(renamed) != fingerprint(forwards)
    changed = make("changed", [("a.md", b"A"), ("sub/b.md", b"b"), ("z.css", b"Z")])
    assert fingerprint(changed) != fingerprint(forwards)
    (backwards / "extra").write_bytes(b"")
    assert fingerprint(backwards) != fingerprint(forwards)


def test_fingerprint_rejects_other_types(tmp_path):
    with pytest.raises(TypeError):
        fingerprint(object())
    with pytest.raises(TypeError):
        fingerprint(["fine", {1, 2}])
    with pytest.raises(FileNotFoundError):
        fingerprint(tmp_path / "missing.md")


# LayoutCache


def test_round_trip_and_layout(tmp_path):
    cache = LayoutCache(tmp_path / ".cache")
    assert cache.get(KEY) is None
    cache.put(KEY, b"laid out pages")
    assert cache.get(KEY) == b"laid out pages"
    path = entry_path(tmp_path / ".cache", KEY)
    assert path.read_bytes().startswith(MAGIC)
    assert entry_files(tmp_path / ".cache") == [path]  # no temporary files left behind
    cache.put(KEY, b"")
    assert cache.get(KEY) == b""


def test_uppercase_keys_name_the_same_entry(tmp_path):
    cache = LayoutCache(tmp_path)
    cache.put(KEY.upper(), b"data")
    assert cache.get(KEY) == b"data"


@pytest.mark.parametrize(
    "key", ["", "a", "../" + KEY, KEY + "/", "zz" + KEY[2:], "ab cd", "0" * 129, None, b"ab"]
)
def test_invalid_keys_raise(tmp_path, key):
    cache = LayoutCache(tmp_path)
    for call in (lambda: cache.get(key), lambda: cache.put(key, b""),
                 lambda: cache.get_object(key), lambda: cache.put_object(key, 1)):
        with pytest.raises(ValueError):
            call()
    disabled = LayoutCache(tmp_path, enabled=False)
    with pytest.raises(ValueError):
        disabled.get(key)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda b: b[:-1] + bytes([b[-1] ^ 1]), id="flipped-payload-byte"),
        pytest.param(lambda b: b[: len(b) - 5], id="truncated-payload"),
        pytest.param(lambda b: b[: len(MAGIC) + 10], id="truncated-checksum"),
        pytest.param(lambda b: b"", id="empty"),
        pytest.param(lambda b: b"garbage header\n" + b[len(MAGIC):], id="garbage-header"),
        pytest.param(lambda b: b"bookify-cache 0\n" + b[len(MAGIC):], id="old-format"),
    ],
)
def test_a_corrupt_entry_is_a_miss_and_is_deleted(tmp_path, damage):
    cache = LayoutCache(tmp_path)
    cache.put(KEY, b"a payload of some length")
    path = entry_path(tmp_path, KEY)
    path.write_bytes(damage(path.read_bytes()))
    assert cache.get(KEY) is None
    assert not path.exists()
    cache.put(KEY, b"again")
    assert cache.get(KEY) == b"again"


def test_a_hit_refreshes_the_mtime(tmp_path):
    cache = LayoutCache(tmp_path)
    cache.put(KEY, b"x")
    path = entry_path(tmp_path, KEY)
    age(path, 1000)
    assert cache.get(KEY) == b"x"
    assert path.stat().st_mtime > time.time() - 100


def test_eviction_keeps_the_most_recently_used_under_max_bytes(tmp_path):
    payload = b"p" * 100
    entry_size = len(MAGIC) + 32 + len(payload)
    cache = LayoutCache(tmp_path, max_bytes=3 * entry_size)
    keys = [fingerprint(i) for i in range(4)]
    for seconds_ago, key in zip((400, 300, 200), keys):
        cache.put(key, payload)
        age(entry_path(tmp_path, key), seconds_ago)
    assert cache.get(keys[0]) == payload  # now the most recently used
    cache.put(keys[3], payload)
    assert cache.get(keys[1]) is None  # the least recently used went
    assert [cache.get(k) for k in (keys[0], keys[2], keys[3])] == [payload] * 3
    total = sum(p.stat().st_size for p in entry_files(tmp_path))
    assert total <= cache.max_bytes

    for seconds_ago, key in zip((300, 200, 100), (keys[0], keys[2], keys[3])):
        age(entry_path(tmp_path, key), seconds_ago)
    big = b"b" * (2 * entry_size - (len(MAGIC) + 32))  # an entry the size of two
    cache.put(keys[1], big)  # evicts the two older entries to fit
    assert cache.get(keys[1]) == big
    assert cache.get(keys[3]) == payload
    assert cache.get(keys[0]) is None and cache.get(keys[2]) is None
    assert sum(p.stat().st_size for p in entry_files(tmp_path)) == cache.max_bytes


def test_an_entry_larger_than_max_bytes_is_not_stored(tmp_path):
    cache = LayoutCache(tmp_path, max_bytes=100)
    cache.put(fingerprint("small"), b"s")
    cache.put(KEY, b"x" * 100)
    assert cache.get(KEY) is None
    assert cache.get(fingerprint("small")) == b"s"  # and nothing was evicted for it


def test_eviction_removes_stale_temporaries_but_not_other_files(tmp_path):
    cache = LayoutCache(tmp_path)
    shard = tmp_path / KEY[:2]
    shard.mkdir()
    stale = shard / f".{KEY}.abc.tmp"
    fresh = shard / f".{KEY}.def.tmp"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    age(stale, 2 * 3600)
    (tmp_path / "notes.txt").write_text("keep me")
    cache.put(KEY, b"x")
    assert not stale.exists() and fresh.exists()
    assert (tmp_path / "notes.txt").exists()


def test_a_disabled_cache_stores_and_returns_nothing(tmp_path):
    LayoutCache(tmp_path).put(KEY, b"from before")
    disabled = LayoutCache(tmp_path / "new", enabled=False)
    disabled.put(KEY, b"x")
    disabled.put_object(KEY, {"x": 1})
    assert not (tmp_path / "new").exists()
    assert LayoutCache(tmp_path, enabled=False).get(KEY) is None
    assert LayoutCache(tmp_path, enabled=False).get_object(KEY) is None


def test_clear_removes_entries_only(tmp_path):
    cache = LayoutCache(tmp_path)
    for i in range(5):
        cache.put(fingerprint(i), b"x")
    (tmp_path / "other").mkdir()
    cache.clear()
    assert [cache.get(fingerprint(i)) for i in range(5)] == [None] * 5
    assert [p.name for p in tmp_path.iterdir()] == ["other"]
    LayoutCache(tmp_path / "never-made").clear()


def test_an_unwritable_folder_does_not_raise(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: chmod does not stop writes")
        cache = LayoutCache(folder)
        cache.put(KEY, b"x")
        cache.put_object(KEY, [1])
        assert cache.get(KEY) is None
        LayoutCache(folder / "below").put(KEY, b"x")
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize("where", ["mkstemp", "replace"])
def test_a_full_disk_does_not_raise(tmp_path, monkeypatch, where):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    if where == "mkstemp":
        monkeypatch.setattr(fsutil.tempfile, "mkstemp", full)
    else:
        monkeypatch.setattr(os, "replace", full)
    cache = LayoutCache(tmp_path)
    cache.put(KEY, b"x")
    monkeypatch.undo()
    assert cache.get(KEY) is None
    assert entry_files(tmp_path) == []  # no temporary left behind either


def test_objects_round_trip(tmp_path):
    cache = LayoutCache(tmp_path)
    value = {"pages": [Laid(3, ("a", "b")), Laid(1, ())], "total": 4}
    cache.put_object(KEY, value)
    assert cache.get_object(KEY) == value
    assert pickle.loads(cache.get(KEY)) == value


def test_a_broken_pickle_is_corrupt(tmp_path):
    cache = LayoutCache(tmp_path)
    cache.put(KEY, b"not a pickle")  # a valid entry whose payload does not unpickle
    assert cache.get_object(KEY) is None
    assert not entry_path(tmp_path, KEY).exists()
    cache.put(KEY, pickle.dumps(Laid(1, ()), protocol=5).replace(b"Laid", b"Gone"))
    assert cache.get_object(KEY) is None  # a renamed class reads as corrupt, too
    assert not entry_path(tmp_path, KEY).exists()
