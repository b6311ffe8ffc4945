"""ToolLog cost: loading saved sessions and applying live events.

    .venv/bin/python bench/bench_tool_log.py [--runs 7]

Measured in one headless app (120x40), interleaved, medians printed:

- load: `load_messages` of a 200-turn session (3 tool calls, reasoning and a
  summary per turn) plus the next frame, against a 20-turn session
  (baseline). Linear growth gives a ratio of about 10 (the frame is the same).
- apply: one ToolCallUpdated (the live O(1) path) on a log already holding
  200 turns, against the same on an empty log (baseline). O(1) per event
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
from grok_tui.chat.models import Message  # noqa: E402
from grok_tui.chat.turn import TurnRecorder  # noqa: E402
from grok_tui.ui.themes import theme_variable_defaults  # noqa: E402
from grok_tui.ui.widgets.tool_log import ToolLog  # noqa: E402

ARGS = '{"query":"xAI Grok 4.1 Fast news","num_results":5}'
USAGE = ev.Usage(
    input_tokens=27236, output_tokens=1986, reasoning_tokens=1091, total_tokens=30313,
    server_side_tool_calls={"web_search": 3}, num_server_side_tools_used=3, cost_usd=0.0163,
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
                    f"c{j}", "web_search", ev.ToolKind.WEB_SEARCH, ev.ToolPhase.COMPLETED, ARGS,
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
        yield ToolLog()


async def main(runs: int) -> None:
    big, small = session(200), session(20)
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        log = app.query_one(ToolLog)
        load_big: list[float] = []
        load_small: list[float] = []
        for _ in range(runs):
            for msgs, sink in ((small, load_small), (big, load_big)):
                log.clear()
                await pilot.pause()
                t0 = time.perf_counter()
                log.load_messages(msgs)
                await pilot.pause()
                sink.append(time.perf_counter() - t0)

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

    print(f"load 20 turns  (baseline): median {ms(load_small):8.2f} ms")
    print(f"load 200 turns           : median {ms(load_big):8.2f} ms"
          f"   ratio {ms(load_big) / ms(load_small):.2f}")
    print(f"apply, empty log (baseline): median {ms(ev_empty) * 1000:7.2f} µs/event")
    print(f"apply, 200-turn log        : median {ms(ev_big) * 1000:7.2f} µs/event"
          f"   ratio {ms(ev_big) / ms(ev_empty):.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    asyncio.run(main(parser.parse_args().runs))
