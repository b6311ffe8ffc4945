"""Memory per turn of a live session: the real GrokApp (headless, `run_test`)
against the loopback fake server, N turns of ~2k-token Markdown replies.

Modes, each in its own child process (RSS does not shrink back, so they
cannot share one), same turns:

* ``keep``: finished message bodies keep their rendered line caches for the
  whole session (the old behaviour, the baseline);
* ``release``: finished bodies far off screen drop them (re-rendered when they
  come back into view); the app as shipped.
* ``nofix`` (with ``--mode fix``, against ``release``): as ``release`` but
  without `grok_tui.ui.textual_fixes` (Textual#6665: removed widgets' rendered
  lines kept alive by an lru_cache).

Reported per mode: RSS and Python heap (tracemalloc, current) after every
turn; the growth per turn (median of the per-turn deltas after the first
`--warmup` turns, and the slope end vs warmup); the ratio release/keep.
With ``--top N`` each child also prints the N biggest growths of a tracemalloc
snapshot diff between the end of the warm-up and the last turn, grouped by
traceback.

    .venv/bin/python bench/bench_memory.py [--turns 60] [--tokens 2000] [--top 0]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fake_process import external_fake, isolate_app_env  # noqa: E402

KEY = "xai-memory-key"


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


async def wait_until(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


async def run_turns(args: argparse.Namespace, tmp: Path) -> dict[str, object]:
    from textual import events

    from grok_tui.api.client import XAIClient
    from grok_tui.chat.session import MessageStatus
    from grok_tui.config import Settings
    from grok_tui.store import SessionStore
    from grok_tui.ui.app import GrokApp
    from grok_tui.ui.widgets import markdown_stream

    markdown_stream.RELEASE_OFFSCREEN = args.mode != "keep"
    rss: list[float] = []
    heap: list[float] = []
    turn_s: list[float] = []
    snap_warm: tracemalloc.Snapshot | None = None
    with external_fake(key=KEY, rate=args.rate) as url:
        client = XAIClient(KEY, url)
        store = SessionStore(tmp / "data")
        app = GrokApp(settings=Settings(), client=client, store=store)
        async with app.run_test(headless=True, size=(140, 44)) as pilot:
            chat = app.chat
            for i in range(args.turns):
                t0 = time.perf_counter()
                n_before = len(chat.session.messages)
                chat.prompt.set_text(
                    f"turn {i}: write a markdown table and code tokens:{args.tokens}"
                )
                chat.prompt.focus()
                app.post_message(events.Key("enter", "\r"))

                def settled(n: int = n_before) -> bool:
                    msgs = chat.session.messages
                    return (
                        len(msgs) == n + 2
                        and msgs[-1].status != MessageStatus.STREAMING
                        and not chat.is_streaming
                    )

                await wait_until(settled, 300.0, f"turn {i}")
                for _ in range(3):
                    await pilot.pause()
                chat.prompt.clear()
                turn_s.append(time.perf_counter() - t0)
                gc.collect()
                rss.append(rss_mb())
                heap.append(tracemalloc.get_traced_memory()[0] / 1e6)
                if args.top and i + 1 == args.warmup:
                    snap_warm = tracemalloc.take_snapshot()
            if args.top and snap_warm is not None:
                snap_end = tracemalloc.take_snapshot()
                filters = [tracemalloc.Filter(False, tracemalloc.__file__)]
                stats = snap_end.filter_traces(filters).compare_to(
                    snap_warm.filter_traces(filters), "traceback"
                )
                print(
                    f"[{args.mode}] top growth turn {args.warmup} -> {args.turns}:", file=sys.stderr
                )
                for st in stats[: args.top]:
                    print(
                        f"  {st.size_diff / 1e6:+8.2f} MB {st.count_diff:+8d} blocks",
                        file=sys.stderr,
                    )
                    for line in st.traceback.format()[-12:]:
                        print("     " + line, file=sys.stderr)
            await chat.shutdown()
            await app.action_quit()
        await client.aclose()
        store.close()
    return {"rss": rss, "heap": heap, "turn_s": turn_s}


def child(args: argparse.Namespace) -> None:
    if args.mode == "nofix":
        # Before the app module is imported (it applies the fixes on import).
        from grok_tui.ui import textual_fixes

        textual_fixes.disable()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        isolate_app_env(tmp)
        tracemalloc.start(args.frames)
        result = asyncio.run(run_turns(args, tmp))
    print(json.dumps(result))


def per_turn_growth(values: list[float], warmup: int) -> tuple[float, float]:
    """(median per-turn delta, slope) after `warmup` turns, in KB/turn."""
    tail = values[warmup - 1 :]
    deltas = [b - a for a, b in zip(tail, tail[1:])]
    slope = (tail[-1] - tail[0]) / max(1, len(tail) - 1)
    return statistics.median(deltas) * 1000, slope * 1000


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--turns", type=int, default=60)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--tokens", type=int, default=2000)
    p.add_argument("--rate", type=float, default=40000.0, help="fake tokens per second")
    p.add_argument("--top", type=int, default=0, help="print the N biggest heap growths")
    p.add_argument("--frames", type=int, default=1, help="tracemalloc traceback depth")
    p.add_argument(
        "--mode",
        choices=("keep", "release", "both", "nofix", "fix"),
        default="both",
        help="both: keep vs release; fix: release without vs with "
        "grok_tui.ui.textual_fixes (Textual#6665)",
    )
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.warmup = max(1, min(args.warmup, args.turns - 1))
    if args.top and args.frames < 2:
        args.frames = 10
    if args.child:
        child(args)
        return 0
    modes = {"both": ["keep", "release"], "fix": ["nofix", "release"]}.get(args.mode, [args.mode])
    results: dict[str, dict[str, list[float]]] = {}
    print(
        f"memory: {args.turns} turns of ~{args.tokens}-token Markdown replies, "
        f"warm-up {args.warmup} turns; modes {', '.join(modes)}",
        flush=True,
    )
    t_all = time.perf_counter()
    for mode in modes:
        cmd = [
            sys.executable,
            __file__,
            "--child",
            "--mode",
            mode,
            "--turns",
            str(args.turns),
            "--warmup",
            str(args.warmup),
            "--tokens",
            str(args.tokens),
            "--rate",
            str(args.rate),
            "--top",
            str(args.top),
            "--frames",
            str(args.frames),
        ]
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
        results[mode] = json.loads(out.strip().splitlines()[-1])
    print()
    print(
        f"{'mode':8s} {'RSS start':>10s} {'RSS end':>9s} {'RSS KB/turn':>12s} "
        f"{'(slope)':>8s} {'heap end':>9s} {'heap KB/turn':>13s} {'(slope)':>8s} "
        f"{'turn s p50':>10s}"
    )
    summary: dict[str, tuple[float, float]] = {}
    for mode, r in results.items():
        rss, heap = r["rss"], r["heap"]
        rss_med, rss_slope = per_turn_growth(rss, args.warmup)
        heap_med, heap_slope = per_turn_growth(heap, args.warmup)
        summary[mode] = (rss_slope, heap_slope)
        print(
            f"{mode:8s} {rss[0]:10.1f} {rss[-1]:9.1f} {rss_med:12.1f} {rss_slope:8.1f} "
            f"{heap[-1]:9.1f} {heap_med:13.1f} {heap_slope:8.1f} "
            f"{statistics.median(r['turn_s']):10.3f}"
        )
    base = "keep" if "keep" in summary else "nofix" if "nofix" in summary else None
    if base is not None and "release" in summary:
        k, r_ = summary[base], summary["release"]
        print(
            f"ratio release/{base}: RSS growth {r_[0] / k[0] if k[0] > 0 else float('nan'):.2f}, "
            f"heap growth {r_[1] / k[1] if k[1] > 0 else float('nan'):.2f}; "
            f"heap end {results['release']['heap'][-1] / results[base]['heap'][-1]:.2f}"
        )
    print(f"total {time.perf_counter() - t_all:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
