"""Cost of the prompt history file (run: .venv/bin/python bench/bench_prompt_history.py).

What runs on the event loop is `load()` + `seed()` once at start-up; appends
run in a thread, but are measured here to show they would be cheap anyway.
Baselines, measured in the same run:

- load: reading the file and splitting its lines (`Path.read_bytes().splitlines()`),
  for a full file (2 x limit entries, just before compaction) of typical prompts;
- append: the bare syscalls of appending one line (open O_APPEND, write, close);
- compacting append: one `atomic_write` of the kept entries (fsyncs: disk-bound);
- Up with typed text that matches nothing: Up on an empty prompt;
- a 2.5 MB file (history_size 10000, loaded in a thread): read+splitlines.

Medians of RUNS samples (default 15), interleaved so noise hits both alike.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grok_tui.store.files import atomic_write  # noqa: E402
from grok_tui.store.prompt_history import PromptHistoryFile, encode_entry  # noqa: E402
from grok_tui.ui.widgets.prompt_input import PromptHistoryWalker as Walker  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
LIMIT = 1000
KEY = "xai-" + "k" * 40


def prompts(n: int) -> list[str]:
    """Typical prompts: mostly one line of ~80 chars, some multi-line and longer."""
    out = []
    for i in range(n):
        if i % 10 == 0:
            out.append(f"prompt {i}: please review\n" + "def f(x):\n    return x * 2\n" * 8)
        else:
            out.append(f"prompt {i}: explain how café ☕ caching works in " + "detail " * 8)
    return out


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def report(title: str, cases: dict[str, list[float]], unit: float = 1e3, label: str = "ms") -> None:
    base_name = next(iter(cases))
    base = statistics.median(cases[base_name])
    print(title)
    for name, times in cases.items():
        med = statistics.median(times)
        print(
            f"  {name:<34} median {med * unit:9.3f} {label}   ratio to {base_name} "
            f"{med / base:6.2f}"
        )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "prompt_history.jsonl"
        texts = prompts(2 * LIMIT)
        path.write_bytes(b"".join(encode_entry(t) for t in texts))
        size_kb = path.stat().st_size / 1024
        print(f"runs per case: {RUNS}; file: {2 * LIMIT} entries, {size_kb:.0f} KiB, limit {LIMIT}")

        load: dict[str, list[float]] = {"read+splitlines": [], "load()": [], "load()+seed()": []}
        for _ in range(RUNS):
            load["read+splitlines"].append(timed(lambda: path.read_bytes().splitlines()))
            load["load()"].append(timed(lambda: PromptHistoryFile(path, limit=LIMIT).load()))
            load["load()+seed()"].append(
                timed(
                    lambda: Walker().seed(PromptHistoryFile(path, limit=LIMIT).load(), limit=LIMIT)
                )
            )
        report("start-up, on the event loop:", load)

        # Appends to a file below the compaction threshold (never compacts here).
        apath = Path(tmp) / "append.jsonl"
        h = PromptHistoryFile(apath, limit=10**6, secrets=[KEY])
        h.load()
        line = encode_entry(texts[1])
        raw = Path(tmp) / "raw.jsonl"

        def bare() -> None:
            fd = os.open(raw, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            os.write(fd, line)
            os.close(fd)

        append: dict[str, list[float]] = {"bare open+write+close": [], "append()": []}
        for i in range(RUNS * 20):
            append["bare open+write+close"].append(timed(bare))
            append["append()"].append(timed(lambda: h.append(f"{texts[i % 999]} #{i}")))
        report("one append (runs in a thread in the app):", append, 1e6, "us")

        # A compacting append: the file at 2 x limit, the next append rewrites it.
        kept = b"".join(encode_entry(t) for t in texts[-LIMIT:])
        compact: dict[str, list[float]] = {"atomic_write(kept)": [], "compacting append()": []}
        cpath = Path(tmp) / "compact.jsonl"
        for i in range(RUNS):
            compact["atomic_write(kept)"].append(timed(lambda: atomic_write(cpath, kept)))
            path.write_bytes(b"".join(encode_entry(t) for t in texts))
            c = PromptHistoryFile(path, limit=LIMIT)
            c.load()
            compact["compacting append()"].append(timed(lambda: c.append(f"new {i}")))
            assert len(path.read_bytes().splitlines()) == LIMIT
        report("the append that compacts (once per ~limit appends, in a thread):", compact)
        print(json.dumps({"entries_loaded": len(PromptHistoryFile(path, limit=LIMIT).load())}))

        # Up with typed text that matches nothing scans the whole walker.
        walk: dict[str, list[float]] = {"Up, empty prompt": [], "Up, prefix miss": []}
        w = Walker()
        w.seed(texts, limit=len(texts))
        for _ in range(RUNS):
            walk["Up, empty prompt"].append(timed(lambda: (w.previous(""), w.reset())))
            walk["Up, prefix miss"].append(timed(lambda: w.previous("no such prefix")))
        report(f"one Up over {len(texts)} entries, on the event loop:", walk, 1e6, "us")

        # A big history_size: the file is loaded in a thread above SYNC_LOAD_BYTES.
        big = Path(tmp) / "big.jsonl"
        big_texts = prompts(20_000)
        big.write_bytes(b"".join(encode_entry(t) for t in big_texts))
        bigload: dict[str, list[float]] = {"read+splitlines": [], "load() (in a thread)": []}
        for _ in range(max(3, RUNS // 3)):
            bigload["read+splitlines"].append(timed(lambda: big.read_bytes().splitlines()))
            bigload["load() (in a thread)"].append(
                timed(lambda: PromptHistoryFile(big, limit=10_000).load())
            )
        report(f"history_size 10000, file {big.stat().st_size // 1024} KiB:", bigload)


if __name__ == "__main__":
    main()
