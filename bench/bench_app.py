"""Benchmarks of the app shell (each measured in fresh processes, medians).

(2) Opening a saved 1,000-message session with `grok-tui --session ID`:
    time to the first frame, and time to scroll to the top (Home in the
    conversation) and paint it. Baseline in the same run: an empty session.
(3) Start-up to the first frame of `grok-tui --demo`. Goal: under 0.7 s.
    Baseline in the same run: a minimal Textual app (one Static).

Times are wall-clock from spawning the Python process until the child reports
the first frame (so interpreter start-up and imports count). Run:

    .venv/bin/python bench/bench_app.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD_MINIMAL = r"""
import sys, time
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("hello")

async def pilot(p):
    await p.pause()
    print("FIRST", time.perf_counter(), flush=True)
    p.app.exit()

Minimal().run(headless=True, size=(160, 48), auto_pilot=pilot)
"""

CHILD_GROK = r"""
import sys, time
from grok_tui.cli import build_parser
from grok_tui.ui.run import build_app

args = build_parser().parse_args(sys.argv[1:])
app = build_app(args)

async def pilot(p):
    await p.pause()
    print("FIRST", time.perf_counter(), flush=True)
    if "--session" in sys.argv:
        from grok_tui.ui.widgets.conversation import Conversation
        conv = app.chat.query_one(Conversation)
        t0 = time.perf_counter()
        conv.focus()
        await p.press("home")
        for _ in range(2000):
            if (conv.view_at(0) is not None or not conv.messages) and conv.scroll_y <= 0:
                break
            await p.pause()
        await p.pause()
        t1 = time.perf_counter()
        print("TOP", t1 - t0, conv.highlighted, flush=True)
    app.exit()

app.run(headless=True, size=(160, 48), auto_pilot=pilot)
"""


def spawn(code: str, args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run a child; returns {"first": seconds from spawn to first frame, "top": ...}."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"child failed:\n{proc.stdout}\n{proc.stderr}")
    out: dict[str, float] = {}
    for line in proc.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] == "FIRST":
            out["first"] = float(parts[1]) - start  # perf_counter is system-wide (monotonic)
        elif parts and parts[0] == "TOP":
            out["top"] = float(parts[1])
    return out


def make_session(n: int) -> dict[str, object]:
    from grok_tui.chat.session import Message, Session, Usage
    from grok_tui.fake.textgen import markdown_answer

    msgs: list[Message] = []
    for i in range(n):
        if i % 2 == 0:
            msgs.append(Message(role="user", text=f"Question {i}: how do I keep a stream fast?"))
        else:
            msgs.append(
                Message(
                    role="assistant",
                    text=markdown_answer(220, seed=i),
                    model="grok-4.3",
                    usage=Usage(input_tokens=1200 + i, output_tokens=220, cost_usd=0.001),
                )
            )
    return Session(title=f"{n} messages", messages=msgs).model_dump(mode="json")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--messages", type=int, default=1000)
    opts = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from grok_tui.store import SessionStore

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        env.pop("XAI_API_KEY", None)
        env.update(
            GROK_TUI_CONFIG_DIR=f"{tmp}/config",
            GROK_TUI_DATA_DIR=f"{tmp}/data",
            TEXTUAL_ANIMATIONS="none",
            PYTHONPATH=str(ROOT),
        )
        store = SessionStore(Path(tmp) / "data")
        big = make_session(opts.messages)
        empty = make_session(0)
        store.save_snapshot(big)
        store.save_snapshot(empty)
        store.close()
        size_kb = len(json.dumps(big)) / 1024

        results: dict[str, list[dict[str, float]]] = {
            "minimal": [],
            "demo": [],
            "empty_session": [],
            "big_session": [],
        }
        for _ in range(opts.runs):  # interleaved, so drift hits all alike
            results["minimal"].append(spawn(CHILD_MINIMAL, [], env))
            results["demo"].append(spawn(CHILD_GROK, ["--demo"], env))
            results["empty_session"].append(
                spawn(CHILD_GROK, ["--demo", "--session", str(empty["id"])], env)
            )
            results["big_session"].append(
                spawn(CHILD_GROK, ["--demo", "--session", str(big["id"])], env)
            )

    def med(name: str, key: str) -> float:
        return statistics.median(r[key] for r in results[name])

    print(f"runs: {opts.runs} (medians), 160x48 headless, fresh process each")
    print()
    print("(3) start-up to first frame")
    m, d = med("minimal", "first"), med("demo", "first")
    print(f"  minimal Textual app      {m * 1000:7.0f} ms   (baseline)")
    print(
        f"  grok-tui --demo          {d * 1000:7.0f} ms   ratio {d / m:.2f}x   "
        f"goal < 700 ms: {'met' if d < 0.7 else 'NOT met'}"
    )
    print()
    print(f"(2) open a saved session ({opts.messages} messages, {size_kb:,.0f} KB JSON)")
    e_first, b_first = med("empty_session", "first"), med("big_session", "first")
    e_top, b_top = med("empty_session", "top"), med("big_session", "top")
    print(f"  first frame, empty       {e_first * 1000:7.0f} ms   (baseline)")
    print(
        f"  first frame, {opts.messages} msgs   {b_first * 1000:7.0f} ms   "
        f"ratio {b_first / e_first:.2f}x   (+{(b_first - e_first) * 1000:.0f} ms)"
    )
    print(f"  Home to top painted, empty    {e_top * 1000:5.0f} ms   (baseline)")
    print(
        f"  Home to top painted, {opts.messages} msgs {b_top * 1000:5.0f} ms   "
        f"(+{(b_top - e_top) * 1000:.0f} ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
