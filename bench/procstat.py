"""Run a command and measure it: wall time and the peak memory of its whole process tree.

A thread samples, every `interval` seconds (50 ms by default), the resident set (VmRSS in
/proc/<pid>/status) of the command's process and of all its descendants, summed, and keeps the
largest sum: the peak memory of a build that lays out pages in worker processes, not only of
its main process. Linux only (it reads /proc).

The RSS sum counts pages shared between processes once per process (a forked worker's copy of
the parent's imported modules, say), so with workers it is an upper bound; the proportional set
(Pss in /proc/<pid>/smaps_rollup), which splits shared pages between the processes sharing them,
is sampled too and is the fairer total. A process living less than one interval may be missed.

    from procstat import run_measured
    seconds, peak_mb, returncode = run_measured([sys.executable, "-m", "bookify", "--version"])
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path

PROC = Path("/proc")


@dataclasses.dataclass
class Measurement:
    seconds: float
    #: The largest summed RSS of the process and its descendants seen in one sample, in MB.
    peak_mb: float
    returncode: int
    #: The largest summed PSS seen in one sample, in MB (None where smaps_rollup is unreadable).
    peak_pss_mb: float | None = None
    #: The most processes (the command's and its descendants) seen in one sample.
    peak_processes: int = 0
    samples: int = 0


def _children_files_work() -> bool:
    me = os.getpid()
    return (PROC / str(me) / "task" / str(me) / "children").exists()


def _children_by_file(pid: int) -> list[int]:
    children = []
    try:
        for task in (PROC / str(pid) / "task").iterdir():
            try:
                children.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                pass
    except OSError:
        pass
    return children


def _parents() -> dict[int, int]:
    """pid → ppid of every process, from /proc/*/stat."""
    parents = {}
    for entry in os.scandir(PROC):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                data = stat.read()
        except OSError:
            continue
        # "pid (comm) state ppid …": comm may hold spaces and parentheses, so cut at the last ")".
        fields = data[data.rfind(b")") + 2:].split()
        if len(fields) > 1:
            parents[int(entry.name)] = int(fields[1])
    return parents


def process_tree(pid: int, *, use_children_files: bool | None = None) -> list[int]:
    """`pid` and every descendant of it that is alive now."""
    if use_children_files is None:
        use_children_files = _children_files_work()
    if use_children_files:
        found, queue = [pid], [pid]
        while queue:
            for child in _children_by_file(queue.pop()):
                found.append(child)
                queue.append(child)
        return found
    kids: dict[int, list[int]] = {}
    for child, parent in _parents().items():
        kids.setdefault(parent, []).append(child)
    found, queue = [pid], [pid]
    while queue:
        for child in kids.get(queue.pop(), ()):
            found.append(child)
            queue.append(child)
    return found


def _status_kb(pid: int, key: bytes = b"VmRSS:") -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0  # gone, or a zombie (no VmRSS line)


def _pss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return 0  # gone since the tree was read
    except (OSError, ValueError, IndexError):
        return None
    return 0  # a zombie: no mappings left


def measure(cmd: Sequence[str | os.PathLike], *, interval: float = 0.05, pss: bool = True,
            **popen) -> Measurement:
    """Run `cmd` (keyword arguments go to `subprocess.Popen`: cwd, env, stdout, stderr…) to the
    end, sampling its process tree's memory every `interval` seconds."""
    use_children_files = _children_files_work()
    peak = {"rss": 0, "pss": 0, "pss_seen": False, "processes": 0, "samples": 0}
    stop = threading.Event()

    def sample(pid: int) -> None:
        tree = process_tree(pid, use_children_files=use_children_files)
        rss = sum(_status_kb(p) for p in tree)
        peak["rss"] = max(peak["rss"], rss)
        peak["processes"] = max(peak["processes"], len(tree))
        peak["samples"] += 1
        if pss:
            # smaps_rollup is unreadable for a moment while a process execs (and always for
            # another user's process): such a sample's PSS is left out, not counted as 0.
            values = [_pss_kb(p) for p in tree]
            if values and None not in values:
                peak["pss_seen"] = True
                peak["pss"] = max(peak["pss"], sum(values))

    started = time.perf_counter()
    process = subprocess.Popen(cmd, **popen)

    def sampler() -> None:
        while True:
            sample(process.pid)
            if stop.wait(interval):
                return

    thread = threading.Thread(target=sampler, daemon=True)
    thread.start()
    try:
        returncode = process.wait()
    finally:
        seconds = time.perf_counter() - started
        stop.set()
        thread.join()
    return Measurement(seconds=seconds, peak_mb=peak["rss"] / 1024, returncode=returncode,
                       peak_pss_mb=peak["pss"] / 1024 if peak["pss_seen"] else None,
                       peak_processes=peak["processes"], samples=peak["samples"])


def run_measured(cmd: Sequence[str | os.PathLike], **popen) -> tuple[float, float, int]:
    """Run `cmd`; return (wall seconds, peak summed RSS of it and its descendants in MB,
    return code). Keyword arguments go to `measure`."""
    result = measure(cmd, **popen)
    return result.seconds, result.peak_mb, result.returncode


if __name__ == "__main__":
    import sys

    if len(sys.argv) < 2:
        sys.exit("usage: python bench/procstat.py COMMAND [ARG…]")
    m = measure(sys.argv[1:])
    pss = f", peak PSS {m.peak_pss_mb:.0f} MB" if m.peak_pss_mb is not None else ""
    print(f"{m.seconds:.2f} s, peak RSS {m.peak_mb:.0f} MB{pss}, up to {m.peak_processes} "
          f"processes, exit {m.returncode}", file=sys.stderr)
    sys.exit(m.returncode)
