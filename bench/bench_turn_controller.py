"""Per-event cost of `TurnController.run_turn` (the chat's hot path, no UI).

The same recorded reply (a little thinking, a web search, then `--tokens`
text deltas and `Completed`) is run N times, interleaved, three ways over the
same async generator:

(a) floor: `TurnRecorder.apply(event)` alone, the work that must be done;
(b) controller: `TurnController.run_turn` with a view whose methods do
    nothing (the recorder, one `match` per event, the phase and checkpoint
    checks, the view calls);
(c) legacy: the chat screen's loop before the controller (`kind` strings,
    the same checks), copied here with no-op widgets, for the before/after.

Prints events/s medians (the first run of each is a warm-up and dropped) and
the ratios controller/floor and controller/legacy of the median times.

    .venv/bin/python bench/bench_turn_controller.py [--runs 9] [--tokens 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grok_tui.api import events as ev  # noqa: E402
from grok_tui.api.chat_request import ChatRequest  # noqa: E402
from grok_tui.chat import conversation as conv  # noqa: E402
from grok_tui.chat.phase import TurnPhase  # noqa: E402
from grok_tui.chat.request_builder import build_request  # noqa: E402
from grok_tui.chat.session import Attachment, Message, Session  # noqa: E402
from grok_tui.chat.turn import TurnRecorder  # noqa: E402
from grok_tui.chat.turn_controller import (  # noqa: E402
    CHECKPOINT_INTERVAL,
    YIELD_EVERY,
    YIELD_ROUNDS,
    Turn,
    TurnController,
    TurnOutcome,
    Unsent,
)
from grok_tui.sanitize import one_line, strip_control  # noqa: E402


def reply_events(tokens: int) -> list[ev.StreamEvent]:
    events: list[ev.StreamEvent] = [
        ev.ResponseStarted("resp_bench", "grok-bench"),
        ev.ReasoningStarted(),
        *(ev.ReasoningProgress(i * 0.1) for i in range(20)),
        ev.ReasoningFinished(2.0),
        ev.ToolCallStarted("ws1", "web_search", ev.ToolKind.WEB_SEARCH, '{"query": "x"}'),
        ev.ToolCallUpdated("ws1", ev.ToolPhase.SEARCHING),
        ev.ToolCallFinished(
            "ws1", "web_search", ev.ToolKind.WEB_SEARCH, ev.ToolPhase.COMPLETED, '{"query": "x"}'
        ),
    ]
    words = ("The ", "quick ", "brown ", "fox ", "jumps ", "over ", "the ", "lazy ", "dog.\n")
    events += [ev.TextDelta(words[i % len(words)]) for i in range(tokens)]
    events.append(ev.CitationAdded("https://example.com/a", "A"))
    events.append(ev.Completed("resp_bench", "grok-bench", ""))
    return events


async def replay(events: Sequence[ev.StreamEvent]) -> AsyncIterator[ev.StreamEvent]:
    for event in events:
        yield event


class NoOpView:
    """A `TurnView` doing nothing (what is measured is the controller)."""

    def phase_changed(self, phase: TurnPhase, detail: str, seconds: float | None) -> None: ...
    def server_alive(self) -> None: ...
    def prompt_accepted(self, text: str, attachments: Sequence[Attachment]) -> None: ...
    async def message_added(self, message: Message) -> None: ...
    async def messages_truncated(self, count: int) -> None: ...
    def turn_started(self, reply: Message, prompt: str) -> None: ...
    def text_appended(self, reply: Message, text: str) -> None: ...
    def meta_changed(self, reply: Message) -> None: ...
    def tool_event(self, event: ev.StreamEvent, reply: Message) -> None: ...
    def reasoning_ticked(self, reply: Message, seconds: float | None) -> None: ...
    def usage_changed(self) -> None: ...
    def turn_ended(self, reply: Message, outcome: TurnOutcome) -> None: ...
    def unsent_restored(self, unsent: Unsent, error: Any) -> None: ...


def fresh_reply() -> tuple[Session, Message]:
    session = Session(model="grok-bench")
    conv.add_user_message(session, "bench")
    return session, conv.start_reply(session, "grok-bench")


async def floor(events: Sequence[ev.StreamEvent]) -> float:
    _, reply = fresh_reply()
    recorder = TurnRecorder(reply)
    t0 = time.perf_counter()
    async for event in replay(events):
        recorder.apply(event)
    return time.perf_counter() - t0


async def controller(events: Sequence[ev.StreamEvent]) -> float:
    session = Session(model="grok-bench")
    ctl = TurnController(
        session,
        stream=lambda _request: replay(events),
        build_request=build_request,
        checkpoint=lambda _session: None,
        view=NoOpView(),
    )
    turn = await ctl.send("bench")
    assert isinstance(turn, Turn)
    t0 = time.perf_counter()
    await ctl.run_turn(turn)
    elapsed = time.perf_counter() - t0
    assert len(session.messages[-1].text) > 0
    return elapsed


class _LegacyWidgets:
    """The widget calls of the old `_dispatch`, doing nothing."""

    def append_text(self, text: str) -> None: ...
    def refresh_meta(self) -> None: ...
    def apply(self, event: ev.StreamEvent, reply: Message) -> None: ...
    def mark_server_alive(self) -> None: ...
    def refresh_status(self) -> None: ...


class Legacy:
    """ChatScreen.stream_reply + _dispatch before the controller, minus Textual."""

    def __init__(self) -> None:
        self.stream_state = "idle"
        self.w = _LegacyWidgets()
        self._last_checkpoint = 0.0

    def _set_state(
        self, state: str, detail: str | None = None, *, seconds: float | None = None
    ) -> None:
        if state == self.stream_state and detail is None and seconds is None:
            return
        self.stream_state = state

    async def run(
        self, request: ChatRequest, events: Sequence[ev.StreamEvent], reply: Message
    ) -> None:
        recorder = TurnRecorder(reply)
        clock = time.perf_counter
        slice_start = clock()
        async for event in replay(events):
            recorder.apply(event)
            self._dispatch(event, reply, recorder)
            now = time.monotonic()
            if now - self._last_checkpoint >= CHECKPOINT_INTERVAL:
                self._last_checkpoint = now
            if clock() - slice_start >= YIELD_EVERY:
                for _ in range(YIELD_ROUNDS):
                    await asyncio.sleep(0)
                slice_start = clock()

    def _dispatch(self, event: Any, reply: Message, recorder: TurnRecorder) -> None:
        view = self.w
        kind = event.kind
        if kind == "text_delta":
            view.append_text(strip_control(event.text))
            if self.stream_state != "streaming":
                self._set_state("streaming")
                view.refresh_meta()
            return
        if kind == "keep_alive":
            if self.stream_state in ("sending", "retrying"):
                self._set_state("sending")
                view.mark_server_alive()
            return
        if kind == "reasoning_delta":
            view.refresh_meta()
            if self.stream_state != "thinking":
                self._set_state("thinking", seconds=recorder.reasoning_elapsed or 0.0)
            return
        view.apply(event, reply)
        if kind in ("reasoning_started", "reasoning_progress"):
            if self.stream_state != "thinking":
                self._set_state("thinking", seconds=recorder.reasoning_elapsed or 0.0)
            view.refresh_meta()
        elif kind == "reasoning_finished":
            view.refresh_meta()
        elif kind == "tool_call_started":
            self._set_state("searching", one_line(event.name, 40))
        elif kind == "tool_call_updated":
            if self.stream_state != "searching":
                self._set_state("searching")
        elif kind in ("citation_added", "usage_updated", "response_started"):
            view.refresh_meta()
            if kind == "usage_updated":
                view.refresh_status()
        elif kind == "retrying":
            self._set_state("retrying", one_line(event.error.summary(), 80), seconds=event.delay_s)


async def legacy(events: Sequence[ev.StreamEvent]) -> float:
    session, reply = fresh_reply()
    request = build_request(session)
    loop = Legacy()
    t0 = time.perf_counter()
    await loop.run(request, events, reply)
    return time.perf_counter() - t0


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--tokens", type=int, default=20_000)
    args = parser.parse_args()
    events = reply_events(args.tokens)
    times: dict[str, list[float]] = {"floor": [], "controller": [], "legacy": []}
    runners = {"floor": floor, "controller": controller, "legacy": legacy}
    for _ in range(args.runs + 1):
        for name, run in runners.items():
            times[name].append(await run(events))
    medians = {name: statistics.median(t[1:]) for name, t in times.items()}
    n = len(events)
    print(f"{n:,} events per run, {args.runs} runs (+1 warm-up), medians:")
    for name, med in medians.items():
        print(
            f"  {name:10}: {med * 1000:7.1f} ms  {n / med:12,.0f} events/s  "
            f"{med / n * 1e6:5.2f} µs/event"
        )
    print(
        f"ratio controller/floor (TurnRecorder.apply alone): "
        f"{medians['controller'] / medians['floor']:.2f}"
    )
    print(
        f"ratio controller/legacy (the old ChatScreen loop): "
        f"{medians['controller'] / medians['legacy']:.2f}"
    )


if __name__ == "__main__":
    asyncio.run(main())
