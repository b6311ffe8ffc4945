"""Where the memory of a long session goes, in the real app in tmux.

Drives `grok-tui` the way `bench_terminal.py`'s memory run does (tmux 160x50
under the pty relay, the loopback fake at full speed, N turns of 2,000-token
Markdown replies, RSS after each turn), but the app runs under tracemalloc
(`--frames` deep) with a SIGUSR2 handler: at the turns given by `--at` the
driver signals it, and the app collects garbage and writes a tracemalloc
snapshot and a count of live objects by type. Then the growth between each
pair of consecutive snapshots is printed: the biggest tracebacks (`--top`)
and the object types whose count grew most.

    .venv/bin/python bench/trace_terminal_memory.py [--turns 40] [--at 10,20,40]
                                                    [--top 15] [--frames 12]

tracemalloc roughly doubles the app's memory and slows it; the RSS printed
is that of the traced process (its shape, not its level, is what matters).
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import os
import pickle
import signal
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_terminal  # noqa: E402

from bench.fake_process import external_fake  # noqa: E402


def _mallinfo() -> dict[str, int]:
    """glibc's `mallinfo2()` (all arenas): {} elsewhere."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [
            (name, ctypes.c_size_t)
            for name in (
                "arena",
                "ordblks",
                "smblks",
                "hblks",
                "hblkhd",
                "usmblks",
                "fsmblks",
                "uordblks",
                "fordblks",
                "keepcost",
            )
        ]

    try:
        fn = ctypes.CDLL("libc.so.6").mallinfo2
    except (OSError, AttributeError):
        return {}
    fn.restype = MallInfo2
    info = fn()
    return {name: int(getattr(info, name)) for name, _ in MallInfo2._fields_}


def _sqlite_memory() -> int:
    """Bytes SQLite holds (page caches, FTS buffers): `sqlite3_memory_used()`."""
    import _sqlite3
    import ctypes

    try:
        used = ctypes.CDLL(_sqlite3.__file__).sqlite3_memory_used
    except (OSError, AttributeError):
        return -1
    used.restype = ctypes.c_int64
    return int(used())


def _pymalloc_summary(text: str) -> dict[str, int]:
    """The totals of `sys._debugmallocstats()`."""
    keys = {
        "arenas allocated current": "arenas",
        "bytes in allocated blocks": "allocated",
        "bytes in available blocks": "available",
        "bytes lost to pool headers": "pool_headers",
        "bytes lost to quantization": "quantization",
        "bytes lost to arena alignment": "alignment",
    }
    found: dict[str, int] = {}
    for line in text.splitlines():
        for key, name in keys.items():
            if line.lstrip("# ").startswith(key) and "=" in line:
                found[name] = int(line.split("=")[-1].strip().replace(",", ""))
    return found


def _app_main() -> int:
    """Run inside the app's process: tracemalloc + the SIGUSR2 dump, then the CLI."""
    out = Path(os.environ["TRACE_MEMORY_DIR"])
    frames = int(os.environ.get("TRACE_MEMORY_FRAMES", "12"))
    mode = os.environ.get("TRACE_MEMORY_MODE", "trace")
    if mode == "trace":
        tracemalloc.start(frames)
    count = [0]

    def dump(*_: object) -> None:
        try:
            _dump()
        except BaseException:
            import traceback

            (out / f"error-{count[0]}.txt").write_text(traceback.format_exc())
            raise

    def _dump() -> None:
        gc.collect()
        if mode == "late" and not tracemalloc.is_tracing():  # trace from the first snapshot on
            tracemalloc.start(frames)
        count[0] += 1
        # pymalloc's own statistics (arenas, pools, free blocks) go to fd 2.
        saved = os.dup(2)
        with open(out / f"pymalloc-{count[0]}.txt", "wb") as fh:
            os.dup2(fh.fileno(), 2)
            try:
                sys._debugmallocstats()
            finally:
                os.dup2(saved, 2)
                os.close(saved)
        stats = (out / f"pymalloc-{count[0]}.txt").read_text(errors="replace")
        summary = {
            "pymalloc": _pymalloc_summary(stats),
            "glibc": _mallinfo(),
            "sqlite": _sqlite_memory(),
        }
        (out / f"malloc-{count[0]}.json").write_text(json.dumps(summary))
        snap = tracemalloc.take_snapshot() if tracemalloc.is_tracing() else None
        objects = gc.get_objects()
        types = collections.Counter(type(o).__qualname__ for o in objects)
        # Bounded caches filled by what was rendered: functools' and Textual's.
        caches: dict[str, list[int]] = {}
        for o in objects:
            kind = type(o).__name__
            if kind in ("LRUCache", "FIFOCache") and type(o).__module__ == "textual.cache":
                got = caches.setdefault(kind, [0, 0])
                got[0] += len(o)
                got[1] += 1
        # functools caches (module level, so frozen by GcPolicy: not in get_objects).
        for module in list(sys.modules.values()):
            values = list(vars(module).values()) if module is not None else []
            for value in values:
                inner = list(vars(value).values()) if isinstance(value, type) else []
                for fn in [value, *inner]:
                    fn = getattr(fn, "__func__", fn)
                    if type(fn).__name__ == "_lru_cache_wrapper":
                        ci = fn.cache_info()
                        if ci.currsize > 50:
                            name = f"lru {fn.__module__}.{fn.__qualname__}"
                            caches[name] = [ci.currsize, ci.maxsize or 0]
        types.update({f"cache:{k}": v[0] for k, v in caches.items()})
        del objects
        with open(out / f"snap-{count[0]}.pickle", "wb") as fh:
            pickle.dump(snap, fh)
        (out / f"types-{count[0]}.json").write_text(json.dumps(types))
        (out / f"done-{count[0]}").write_text("")

    signal.signal(signal.SIGUSR2, dump)
    from grok_tui.cli import main

    return main(sys.argv[1:])


def _wait_file(path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {path.name}")
        time.sleep(0.05)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--turns", type=int, default=40)
    p.add_argument("--at", default="10,20,40", help="turns after which to snapshot")
    p.add_argument("--top", type=int, default=15)
    p.add_argument("--frames", type=int, default=12)
    p.add_argument("--lines", type=int, default=8, help="traceback lines printed per entry")
    p.add_argument(
        "--mode",
        choices=("trace", "late", "none"),
        default="trace",
        help="trace: tracemalloc from the start; late: from the first snapshot on (faster; "
        "shows what the later turns allocated and kept); none: no tracemalloc (object counts, "
        "pymalloc statistics and the process's memory map only, at full speed)",
    )
    opts = p.parse_args()
    at = sorted({int(x) for x in opts.at.split(",")})
    with tempfile.TemporaryDirectory(prefix="trace-mem-") as d:
        out = Path(d)
        os.environ["TRACE_MEMORY_DIR"] = str(out)
        os.environ["TRACE_MEMORY_FRAMES"] = str(opts.frames)
        os.environ["TRACE_MEMORY_MODE"] = opts.mode
        bench_terminal.GROK[:] = [sys.executable, __file__, "--app-child"]
        # The tmux server takes the environment of this process.
        rows: list[tuple[float, dict[str, float]]] = []
        taken = 0
        with external_fake(key=bench_terminal.KEY) as url:
            pane = bench_terminal.Pane("app", url, "chat", out, [])
            rows.append((bench_terminal.rss_mb(pane.pid), memory_map(pane.pid)))
            try:
                for i in range(opts.turns):
                    pane.turn(f"scenario:markdown tokens:2000 turn {i}", 600)
                    time.sleep(0.2)
                    rows.append((bench_terminal.rss_mb(pane.pid), memory_map(pane.pid)))
                    time.sleep(1.3)  # past the app's next idle tick (GcPolicy: trim)
                    rows[-1][1]["rss 1.5 s later"] = bench_terminal.rss_mb(pane.pid)
                    if i + 1 in at:
                        os.kill(pane.pid, signal.SIGUSR2)
                        taken += 1
                        _wait_file(out / f"done-{taken}", 300)
            finally:
                pane.close()
        snaps = [pickle.loads((out / f"snap-{k}.pickle").read_bytes()) for k in range(1, taken + 1)]
        types = [json.loads((out / f"types-{k}.json").read_text()) for k in range(1, taken + 1)]
        mallocs = [json.loads((out / f"malloc-{k}.json").read_text()) for k in range(1, taken + 1)]
    print("RSS by turn: " + " ".join(f"{r:.1f}" for r, _ in rows))
    for key in rows[0][1]:
        print(f"  {key} by turn: " + " ".join(f"{m.get(key, 0):.1f}" for _, m in rows))
    for k, info in enumerate(mallocs):
        py, libc = info["pymalloc"], info["glibc"]
        print(
            f"turn {at[k]}: pymalloc {py.get('arenas', 0)} arenas, "
            f"{py.get('allocated', 0) / 1e6:.1f} MB in use, "
            f"{py.get('available', 0) / 1e6:.1f} MB free in pools;"
            f" glibc heap {libc.get('arena', 0) / 1e6:.1f} MB (in use "
            f"{libc.get('uordblks', 0) / 1e6:.1f}, free {libc.get('fordblks', 0) / 1e6:.1f}),"
            f" mmapped {libc.get('hblkhd', 0) / 1e6:.1f} MB; SQLite {info['sqlite'] / 1e6:.2f} MB"
        )
    for k in range(1, len(types)):
        grown = collections.Counter(types[k])
        grown.subtract(types[k - 1])
        print(
            f"caches turn {at[k]}: "
            + " ".join(
                f"{name[6:]}={n}"
                for name, n in sorted(types[k].items())
                if name.startswith("cache:")
            )
        )
        print(
            f"object types, count growth turn {at[k - 1]} -> {at[k]}: "
            + " ".join(f"{name}:{n:+d}" for name, n in grown.most_common(25) if n > 0)
        )
    if all(s is not None for s in snaps):
        print_growth(snaps, at, opts)
    return 0


def memory_map(pid: int) -> dict[str, float]:
    """Resident MB of the process by kind of mapping: the brk heap, anonymous
    mappings (pymalloc arenas, glibc's thread arenas and big blocks), files."""
    kinds = {"heap": 0.0, "anon": 0.0, "file": 0.0}
    kind = "file"
    with open(f"/proc/{pid}/smaps") as fh:
        for line in fh:
            first = line.split(maxsplit=6)
            if "-" in first[0] and len(first) >= 5 and not first[0].endswith(":"):
                name = first[5].strip() if len(first) > 5 else ""
                kind = (
                    "heap"
                    if name == "[heap]"
                    else "anon"
                    if not name or name.startswith("[anon")
                    else "file"
                )
            elif first[0] == "Rss:":
                kinds[kind] += int(first[1]) / 1024
    return kinds


def print_growth(snaps: list, at: list[int], opts: argparse.Namespace) -> None:
    flt = [tracemalloc.Filter(False, tracemalloc.__file__)]
    for k in range(1, len(snaps)):
        a, b = snaps[k - 1].filter_traces(flt), snaps[k].filter_traces(flt)
        total_a = sum(s.size for s in a.statistics("filename"))
        total_b = sum(s.size for s in b.statistics("filename"))
        turns = at[k] - at[k - 1]
        print(
            f"\n=== turn {at[k - 1]} -> {at[k]}: traced {total_a / 1e6:.2f} -> "
            f"{total_b / 1e6:.2f} MB ({(total_b - total_a) / 1e3 / turns:+.1f} kB/turn)"
        )
        print("  by file:")
        for st in b.compare_to(a, "filename")[:12]:
            print(f"    {st.size_diff / 1e3:+9.1f} kB {st.count_diff:+7d}  {st.traceback}")
        print("  by traceback:")
        for st in b.compare_to(a, "traceback")[: opts.top]:
            print(f"    {st.size_diff / 1e3:+9.1f} kB {st.count_diff:+7d} blocks")
            for line in st.traceback.format()[-2 * opts.lines :]:
                print("       " + line)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--app-child":
        del sys.argv[1]
        raise SystemExit(_app_main())
    raise SystemExit(main())
