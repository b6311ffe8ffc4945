"""Tool-log cost of a reply with 200 tool calls of mixed kinds.

    .venv/bin/python bench/bench_tools.py [--runs 5] [--calls 200]

One headless app (120x40, the log 43 columns wide like the chat screen's side
pane). Per event: `TurnRecorder.apply` + `ToolLog.apply` + painting the view
(`render_line` over every visible line, what a frame asks the log), timed
together; medians over all events of the reply, over `--runs` runs.

- mixed: 200 calls cycling code execution (shape B: started, code streamed in
  six deltas, executing, interpreting, completed, finished with logs), MCP
  (started, arguments, completed, finished with output), collections search
  (searching, completed, finished with three results) and web search; every
  fourth code row is expanded while its code streams (the row grows).
- baseline (same run): 200 web search calls only (started, searching,
  completed, finished with a source), the kind the log handled before.

Goal: mixed median ≤ 16 ms per event (one frame at 60 Hz); the ratio says
what the new kinds cost over search.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grok_tui.api import events as ev  # noqa: E402
from grok_tui.chat.session import Message  # noqa: E402
from grok_tui.chat.turn import TurnRecorder  # noqa: E402
from grok_tui.ui.widgets.tool_log import ToolLog  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_tool_log import Host, paint  # noqa: E402  (the same host app and frame)

CODE = (
    "import math\n\nvalues = [math.factorial(n) for n in range(1, 8)]\n"
    "print(values)\nprint(sum(values))\n"
)
WEB_ARGS = '{"query":"xAI Grok news","num_results":5}'
MCP_ARGS = '{"query":"how do I stream a response","limit":2}'
USAGE = ev.Usage(
    input_tokens=30000,
    output_tokens=2000,
    total_tokens=32000,
    server_side_tool_calls={"code_execution": 50, "mcp": 50, "file_search": 50, "web_search": 50},
    cost_usd=0.9,
)


def web_events(i: int) -> list[ev.StreamEvent]:
    cid = f"ws_{i}"
    return [
        ev.ToolCallStarted(cid, "web_search", ev.ToolKind.WEB_SEARCH, ""),
        ev.ToolCallUpdated(cid, ev.ToolPhase.SEARCHING, step="searching"),
        ev.ToolCallUpdated(cid, ev.ToolPhase.COMPLETED, step="completed"),
        ev.ToolCallFinished(
            cid,
            "web_search",
            ev.ToolKind.WEB_SEARCH,
            ev.ToolPhase.COMPLETED,
            WEB_ARGS,
            sources=(f"https://x.ai/news/{i}",),
        ),
    ]


def code_events(i: int) -> list[ev.StreamEvent]:
    cid = f"ci_{i}"
    out: list[ev.StreamEvent] = [
        ev.ToolCallStarted(cid, "code_execution", ev.ToolKind.CODE_EXECUTION, "")
    ]
    for k in range(1, 7):
        part = CODE[: len(CODE) * k // 6]
        out.append(ev.ToolCallUpdated(cid, ev.ToolPhase.STARTED, json.dumps({"code": part})))
    args = json.dumps({"code": CODE})
    out += [
        ev.ToolCallUpdated(cid, ev.ToolPhase.SEARCHING, step="executing"),
        ev.ToolCallUpdated(cid, ev.ToolPhase.SEARCHING, step="interpreting"),
        ev.ToolCallUpdated(cid, ev.ToolPhase.COMPLETED, step="completed"),
        ev.ToolCallFinished(
            cid,
            "code_execution",
            ev.ToolKind.CODE_EXECUTION,
            ev.ToolPhase.COMPLETED,
            args,
            output="[1, 2, 6, 24, 120, 720, 5040]\n5913\n",
        ),
    ]
    return out


def mcp_events(i: int) -> list[ev.StreamEvent]:
    cid = f"mcp_{i}"
    return [
        ev.ToolCallStarted(cid, "read_wiki_structure", ev.ToolKind.MCP, "", "deepwiki"),
        ev.ToolCallUpdated(cid, ev.ToolPhase.STARTED, MCP_ARGS),
        ev.ToolCallUpdated(cid, ev.ToolPhase.COMPLETED, step="completed"),
        ev.ToolCallFinished(
            cid,
            "read_wiki_structure",
            ev.ToolKind.MCP,
            ev.ToolPhase.COMPLETED,
            MCP_ARGS,
            output='{"pages":[{"title":"Streaming"}]}',
            server="deepwiki",
        ),
    ]


def file_events(i: int) -> list[ev.StreamEvent]:
    cid = f"fs_{i}"
    hits = tuple(
        ev.FileSearchHit(f"file_{i}_{k}", f"doc-{k}.pdf", 0.9 - k / 10, "A snippet. " * 5)
        for k in range(3)
    )
    return [
        ev.ToolCallStarted(cid, "file_search", ev.ToolKind.FILE_SEARCH, ""),
        ev.ToolCallUpdated(cid, ev.ToolPhase.SEARCHING, step="searching"),
        ev.ToolCallUpdated(cid, ev.ToolPhase.COMPLETED, step="completed"),
        ev.ToolCallFinished(
            cid,
            "file_search",
            ev.ToolKind.FILE_SEARCH,
            ev.ToolPhase.COMPLETED,
            '{"queries":["streaming"]}',
            results=hits,
        ),
    ]


def reply(calls: int, mixed: bool) -> list[ev.StreamEvent]:
    makers = (code_events, mcp_events, file_events, web_events) if mixed else (web_events,)
    out: list[ev.StreamEvent] = [ev.ResponseStarted("r", "grok-4.3")]
    for i in range(calls):
        out.extend(makers[i % len(makers)](i))
    out += [
        ev.TextDelta("done"),
        ev.UsageUpdated(USAGE),
        ev.Completed("r", "grok-4.3", "done", usage=USAGE),
    ]
    return out


async def run_reply(
    app: Host, pilot: object, events: list[ev.StreamEvent], expand: bool
) -> list[float]:
    log = app.query_one(ToolLog)
    log.clear()
    msg = Message(role="assistant")
    rec = TurnRecorder(msg)
    log.begin_turn(msg, "a reply with many tools")
    times: list[float] = []
    for event in events:
        t0 = time.perf_counter()
        rec.apply(event)
        log.apply(event, msg)
        if expand and isinstance(event, ev.ToolCallStarted) and event.call_id.startswith("ci_"):
            n = int(event.call_id[3:])
            if n % 16 == 0:  # every fourth code row
                log.toggle_row(log.row_count - 1)
        paint(log)
        times.append(time.perf_counter() - t0)
    await pilot.pause()  # type: ignore[attr-defined]
    return times


async def main(runs: int, calls: int) -> None:
    mixed, base = reply(calls, True), reply(calls, False)
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        all_mixed: list[float] = []
        all_base: list[float] = []
        for _ in range(runs):
            all_base += await run_reply(app, pilot, base, False)
            all_mixed += await run_reply(app, pilot, mixed, True)

    def ms(xs: list[float], q: float = 0.5) -> float:
        return sorted(xs)[int(q * (len(xs) - 1))] * 1000

    print(
        f"runs: {runs}; {calls} tool calls per reply; log 43 columns wide; per event = "
        "recorder + log.apply + paint of the view"
    )
    print(
        f"baseline, web search only: {len(base)} events  median {ms(all_base):6.3f} ms"
        f"  p95 {ms(all_base, 0.95):6.3f} ms"
    )
    print(
        f"mixed kinds              : {len(mixed)} events  median {ms(all_mixed):6.3f} ms"
        f"  p95 {ms(all_mixed, 0.95):6.3f} ms  ratio {ms(all_mixed) / ms(all_base):.2f}"
    )
    print(
        f"goal ≤ 16 ms median: {'met' if ms(all_mixed) <= 16 else 'NOT met'}"
        f" (median of medians: {statistics.median(all_mixed) * 1000:.3f} ms)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.calls))
