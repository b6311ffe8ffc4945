"""ToolLog cost: loading saved sessions and applying live events.

    .venv/bin/python bench/bench_tool_log.py [--runs 7]

Measured in one headless app (120x40, the log 43 columns wide like the chat
screen's side pane), interleaved, medians printed:

- load: `load_messages` of a 500-turn session (3 tool calls, reasoning and a
  summary per turn), the call alone and plus painting the first frame's
  lines (`render_line` over the view once the scroll settled; the pause
  between is not timed: it waits for Textual's refresh cadence, which is
  noise), against a 20-turn session (baseline). Lazy loading measures only the newest turns,
  so the ratio stays near 1 (an eager build grows linearly: ~25).
- reload: `load_messages` again with the same messages (the chat screen's
  second call after the first frame): a no-op.
- home: after a 500-turn load, the cursor to the first row (every older
  turn measured then, once) plus painting it, against the same after a
  20-turn load.
- apply: one ToolCallUpdated (the live O(1) path) on a log already holding
  500 turns, against the same on an empty log (baseline). O(1) per event
  gives a ratio of about 1.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App, ComposeResult  # noqa: E402

from grok_tui.api import events as ev  # noqa: E402
from grok_tui.chat.session import Message  # noqa: E402
from grok_tui.chat.turn import TurnRecorder  # noqa: E402
from grok_tui.ui.theme_files import theme_variable_defaults  # noqa: E402
from grok_tui.ui.widgets.tool_log import ToolLog  # noqa: E402

ARGS = '{"query":"xAI Grok 4.1 Fast news","num_results":5}'
USAGE = ev.Usage(
    input_tokens=27236,
    output_tokens=1986,
    reasoning_tokens=1091,
    total_tokens=30313,
    server_side_tool_calls={"web_search": 3},
    num_server_side_tools_used=3,
    cost_usd=0.0163,
)


def session(turns: int) -> list[Message]:
    out: list[Message] = []
    for i in range(turns):
        out.append(Message(role="user", text=f"question {i} " * 5))
        reply = Message(role="assistant")
        rec = TurnRecorder(reply)
        rec.apply(ev.ReasoningStarted())
        for j in range(3):
            rec.apply(ev.ToolCallStarted(f"c{j}", "web_search", ev.ToolKind.WEB_SEARCH, ARGS))
            rec.apply(
                ev.ToolCallFinished(
                    f"c{j}",
                    "web_search",
                    ev.ToolKind.WEB_SEARCH,
                    ev.ToolPhase.COMPLETED,
                    ARGS,
                    sources=("https://x.ai/news",),
                )
            )
        rec.apply(ev.TextDelta("answer"))
        rec.apply(ev.Completed("r", "grok-4.3", "answer", usage=USAGE))
        out.append(reply)
    return out


class Host(App[None]):
    def get_theme_variable_defaults(self) -> dict[str, str]:
        return theme_variable_defaults()

    def compose(self) -> ComposeResult:
        log = ToolLog()
        log.styles.width = 43
        yield log


BIG = 500


def paint(log: ToolLog) -> float:
    """Seconds to render every line of the view (what a frame asks the log)."""
    t0 = time.perf_counter()
    for y in range(log.scrollable_content_region.height):
        log.render_line(y)
    return time.perf_counter() - t0


async def main(runs: int) -> None:
    big, small = session(BIG), session(20)
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        log = app.query_one(ToolLog)
        times: dict[str, list[float]] = {
            k: []
            for k in ("call20", "call500", "frame20", "frame500", "reload500", "home20", "home500")
        }
        for _ in range(runs):
            for msgs, n in ((small, "20"), (big, "500")):
                log.clear()
                await pilot.pause()
                t0 = time.perf_counter()
                log.load_messages(msgs)
                call = time.perf_counter() - t0
                await pilot.pause()
                times["call" + n].append(call)
                times["frame" + n].append(call + paint(log))
                if n == "500":
                    t0 = time.perf_counter()
                    log.load_messages(msgs)
                    times["reload500"].append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                log.action_cursor_first()
                home = time.perf_counter() - t0
                await pilot.pause()
                times["home" + n].append(home + paint(log))

        async def per_event(preload: list[Message]) -> float:
            log.load_messages(preload)
            msg = Message(role="assistant")
            rec = TurnRecorder(msg)
            log.begin_turn(msg, "live")
            start = ev.ToolCallStarted("live", "web_search", ev.ToolKind.WEB_SEARCH, "")
            rec.apply(start)
            log.apply(start, msg)
            update = ev.ToolCallUpdated("live", ev.ToolPhase.SEARCHING, ARGS)
            rec.apply(update)
            n = 2000
            t0 = time.perf_counter()
            for _ in range(n):
                log.apply(update, msg)
            elapsed = (time.perf_counter() - t0) / n
            log.end_turn(msg)
            await pilot.pause()
            return elapsed

        ev_big: list[float] = []
        ev_empty: list[float] = []
        for _ in range(runs):
            ev_empty.append(await per_event([]))
            ev_big.append(await per_event(big))

    def ms(xs: list[float]) -> float:
        return statistics.median(xs) * 1000

    def row(label: str, key: str, base: str | None = None) -> None:
        ratio = f"   ratio {ms(times[key]) / ms(times[base]):.2f}" if base else ""
        print(f"{label:<38} median {ms(times[key]):8.2f} ms{ratio}")

    print(f"runs: {runs} (medians); log 43 columns wide")
    row("load_messages 20 turns   (baseline)", "call20")
    row(f"load_messages {BIG} turns", "call500", "call20")
    row("load + paint 20 turns (baseline)", "frame20")
    row(f"load + paint {BIG} turns", "frame500", "frame20")
    row(f"load_messages again, same {BIG} turns", "reload500", "call20")
    row("Home + paint, 20 turns (baseline)", "home20")
    row(f"Home + paint, {BIG} turns (once)", "home500", "home20")
    print(f"apply, empty log (baseline): median {ms(ev_empty) * 1000:7.2f} µs/event")
    print(
        f"apply, {BIG}-turn log        : median {ms(ev_big) * 1000:7.2f} µs/event"
        f"   ratio {ms(ev_big) / ms(ev_empty):.2f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    asyncio.run(main(parser.parse_args().runs))
