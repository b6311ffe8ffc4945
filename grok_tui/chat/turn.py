"""Applying the typed stream events to the assistant message of a turn.

`TurnRecorder(message).apply(event)` updates the message in place: visible
text, reasoning and its timing, the tool-call log, numbered citations, usage,
ids and the final status. Every piece of untrusted text passes through
`strip_control` on the way in.

Text is appended once per token, so appending must stay linear: the text is
grown with `+=` on a string only the recorder holds (CPython then resizes it
in place; 20,000 deltas cost a few milliseconds, against ~10x that for
`message.text += delta` through the model). `message.text` is current after
every event, so the UI and checkpoints can read it at any time. On another
Python the same code is merely slower, never wrong.
"""

from __future__ import annotations

import dataclasses
import math
import re
import time
from collections.abc import Callable

from grok_tui.api import events as ev
from grok_tui.api.errors import RequestCancelled
from grok_tui.chat.session import (
    Citation,
    FileResult,
    Message,
    MessageError,
    MessageStatus,
    RetryRecord,
    ToolCall,
    ToolStep,
    Usage,
)
from grok_tui.sanitize import one_line, strip_control

TERMINAL_STATUSES = (MessageStatus.COMPLETE, MessageStatus.STOPPED, MessageStatus.FAILED)


def usage_from_api(usage: ev.Usage) -> Usage:
    """The persisted `Usage` model from the client's usage dataclass."""
    data = dataclasses.asdict(usage)
    data["server_side_tool_calls"] = dict(usage.server_side_tool_calls)
    return Usage.model_validate(data)


#: Anything shaped like an xAI API key (the client already masks its own key
#: in errors; this keeps any other out of the saved session too).
_KEY_SHAPE = re.compile(r"xai-[A-Za-z0-9_-]{12,}")
#: The longest error summary kept per retry.
RETRY_ERROR_LIMIT = 200


def retry_record(event: ev.Retrying, at: float) -> RetryRecord:
    """The persisted record of a `Retrying` event at wall time `at`: the error
    as one clean line (no control characters, no key-shaped text)."""
    error = event.error
    kind = getattr(error, "kind", None)
    message = getattr(error, "message", None)
    text = message if isinstance(message, str) else str(error)
    text = _KEY_SHAPE.sub(lambda m: f"{m.group()[:4]}…{m.group()[-4:]}", strip_control(text))
    delay = float(event.delay_s)
    return RetryRecord(
        attempt=event.attempt,
        delay_s=delay if math.isfinite(delay) and delay > 0 else 0.0,
        error_kind=strip_control(kind) if isinstance(kind, str) and kind else "error",
        error=one_line(text, RETRY_ERROR_LIMIT),
        at=at,
    )


#: The most a tool call keeps of what it gave back (code logs, MCP output).
OUTPUT_LIMIT = 20_000
#: The most collection results and phases kept per tool call.
RESULTS_LIMIT = 50
STEPS_LIMIT = 20
#: The longest snippet kept per collection result.
SNIPPET_LIMIT = 1_000


def file_result(hit: ev.FileSearchHit) -> FileResult:
    """The persisted result of a collections search hit, cleaned."""
    score = hit.score if hit.score is not None and math.isfinite(hit.score) else None
    return FileResult(
        file_id=strip_control(hit.file_id)[:200],
        filename=strip_control(hit.filename)[:300],
        score=score,
        text=strip_control(hit.text[:SNIPPET_LIMIT]),
    )


class TurnRecorder:
    """Records one streamed reply into `message` (an assistant message).

    `clock` (monotonic) measures durations; `wall` stamps persisted times.
    After a terminal event (`Completed`, `Failed`) or `finish_stopped()` further
    events are ignored.
    """

    def __init__(
        self,
        message: Message,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.message = message
        self._clock = clock
        self._wall = wall
        self._reasoning_mono: float | None = None
        self._reasoning_done = message.reasoning_seconds is not None
        self._tools: dict[str, ToolCall] = {tc.call_id: tc for tc in message.tool_calls}
        self._citation_numbers: dict[str, int] = {}
        self._citation_keys: set[tuple[str, int | None, int | None]] = set()
        for c in message.citations:
            self._citation_numbers.setdefault(c.url, c.number)
            self._citation_keys.add((c.url, c.start_index, c.end_index))
        #: How many `Retrying` events were seen, and the last one.
        self.retries = 0
        self.last_retry: ev.Retrying | None = None
        self.finished = message.status in TERMINAL_STATUSES and message.finished_at is not None
        # Make `text` an explicitly set field once, so writes through __dict__
        # below are dumped like any other set field.
        message.text = message.text
        message.reasoning = message.reasoning

    # -- text -------------------------------------------------------------

    def _append(self, field: str, piece: str) -> None:
        if not piece:
            return
        piece = strip_control(piece)
        store = self.message.__dict__
        text: str = store.pop(field)
        try:
            text += piece
        finally:
            store[field] = text

    @property
    def text(self) -> str:
        return self.message.text

    # -- reasoning ---------------------------------------------------------

    def _start_reasoning(self, elapsed: float = 0.0) -> None:
        if self._reasoning_mono is not None or self._reasoning_done:
            return
        self._reasoning_mono = self._clock() - elapsed
        if self.message.reasoning_started_at is None:
            self.message.reasoning_started_at = self._wall() - elapsed

    def _finish_reasoning(self, elapsed: float | None = None) -> None:
        if self._reasoning_done:
            return
        if self._reasoning_mono is None:
            if elapsed is None:
                return
            # Only the end was seen: trust the client's count from the request.
            self.message.reasoning_seconds = max(0.0, elapsed)
            if self.message.reasoning_started_at is None:
                self.message.reasoning_started_at = self._wall() - elapsed
        else:
            self.message.reasoning_seconds = max(0.0, self._clock() - self._reasoning_mono)
        self._reasoning_done = True
        self._reasoning_mono = None

    @property
    def reasoning_elapsed(self) -> float | None:
        """Seconds of thinking so far (live while thinking, final after)."""
        if self.message.reasoning_seconds is not None:
            return self.message.reasoning_seconds
        if self._reasoning_mono is None:
            return None
        return max(0.0, self._clock() - self._reasoning_mono)

    @property
    def is_reasoning(self) -> bool:
        return self._reasoning_mono is not None and not self._reasoning_done

    # -- tool calls --------------------------------------------------------

    def _tool(self, call_id: str, name: str = "tool", kind: str = "unknown") -> ToolCall:
        tc = self._tools.get(call_id)
        if tc is None:
            tc = ToolCall(
                call_id=strip_control(call_id),
                name=strip_control(name),
                tool_kind=str(kind),
                started_at=self._wall(),
            )
            self._tools[call_id] = tc
            self.message.tool_calls.append(tc)
        return tc

    def _step(self, tc: ToolCall, name: str) -> None:
        """Record phase `name` of `tc` now, unless it is the phase it is in."""
        name = strip_control(name)[:40]
        if tc.steps and tc.steps[-1].name == name:
            return
        if len(tc.steps) < STEPS_LIMIT:
            tc.steps.append(ToolStep(name=name, at=self._wall()))

    # -- citations ---------------------------------------------------------

    def _add_citation(self, event: ev.CitationAdded) -> None:
        url = strip_control(event.url).strip()
        if not url:
            return
        title = strip_control(event.title).strip() if event.title else None
        number = self._citation_numbers.get(url)
        if number is None:
            number = len(self._citation_numbers) + 1
            self._citation_numbers[url] = number
        key = (url, event.start_index, event.end_index)
        if key in self._citation_keys:
            if title:
                for c in self.message.citations:
                    if (c.url, c.start_index, c.end_index) == key and not c.title:
                        c.title = title
            return
        self._citation_keys.add(key)
        self.message.citations.append(
            Citation(
                number=number,
                url=url,
                title=title or None,
                start_index=event.start_index,
                end_index=event.end_index,
            )
        )

    def citation_number(self, url: str) -> int | None:
        return self._citation_numbers.get(url)

    # -- the event switch --------------------------------------------------

    def apply(self, event: ev.StreamEvent) -> None:
        """Update the message from one event."""
        if self.finished:
            return
        msg = self.message
        match event:
            case ev.TextDelta():
                if self._reasoning_mono is not None and not self._reasoning_done:
                    self._finish_reasoning()
                self._append("text", event.text)
            case ev.ReasoningDelta():
                self._start_reasoning()
                self._append("reasoning", event.text)
            case ev.ReasoningStarted():
                self._start_reasoning()
            case ev.ReasoningProgress():
                self._start_reasoning(event.elapsed_s)
            case ev.ReasoningFinished():
                self._finish_reasoning(event.elapsed_s)
            case ev.ToolCallStarted():
                tc = self._tool(event.call_id, event.name, event.tool_kind.value)
                tc.name = strip_control(event.name)
                tc.tool_kind = event.tool_kind.value
                if event.arguments:
                    tc.arguments = strip_control(event.arguments)
                if event.server:
                    tc.server = strip_control(event.server)
                tc.phase = ev.ToolPhase.STARTED.value
            case ev.ToolCallUpdated():
                tc = self._tool(event.call_id)
                tc.phase = event.phase.value
                if event.arguments is not None:
                    tc.arguments = strip_control(event.arguments)
                if event.step:
                    self._step(tc, event.step)
            case ev.ToolCallFinished():
                tc = self._tool(event.call_id, event.name, event.tool_kind.value)
                tc.name = strip_control(event.name) or tc.name
                tc.tool_kind = event.tool_kind.value
                tc.phase = event.phase.value
                if event.arguments:
                    tc.arguments = strip_control(event.arguments)
                tc.sources = [strip_control(s) for s in event.sources]
                tc.error = strip_control(event.error) if event.error else None
                if event.output:
                    tc.output = strip_control(event.output[:OUTPUT_LIMIT])
                if event.server:
                    tc.server = strip_control(event.server)
                if event.results:
                    tc.results = [file_result(hit) for hit in event.results[:RESULTS_LIMIT]]
                self._step(tc, event.phase.value)
                tc.finished_at = self._wall()
            case ev.CitationAdded():
                self._add_citation(event)
            case ev.EncryptedReasoning():
                msg.reasoning_items.append(dict(event.item))
            case ev.DebugEvent() if event.raw_type == "request":
                # What the request left out or changed: kept on the turn, once.
                note = strip_control(event.message)
                if note not in msg.notes:
                    msg.notes.append(note)
            case ev.UsageUpdated():
                msg.usage = usage_from_api(event.usage)
            case ev.ResponseStarted():
                if event.response_id:
                    msg.response_id = event.response_id
                if event.model:
                    msg.model = strip_control(event.model)
            case ev.Retrying():
                self.retries += 1
                self.last_retry = event
                msg.retries.append(retry_record(event, self._wall()))
            case ev.Completed():
                if event.response_id:
                    msg.response_id = event.response_id
                if event.model:
                    msg.model = strip_control(event.model)
                if event.usage is not None:
                    msg.usage = usage_from_api(event.usage)
                if not msg.text and event.text:
                    msg.text = strip_control(event.text)
                self._finish(MessageStatus.COMPLETE)
            case ev.Failed():
                if not msg.text and event.text:
                    msg.text = strip_control(event.text)
                if isinstance(event.error, RequestCancelled):
                    self._finish(MessageStatus.STOPPED)
                else:
                    msg.error = MessageError.model_validate(event.error.to_dict())
                    self._finish(MessageStatus.FAILED)
            case ev.KeepAlive() | ev.DebugEvent():
                pass  # nothing to record
            case _:
                ev.unhandled_event(event)

    def finish_stopped(self) -> None:
        """The user stopped the reply: keep what arrived, mark it STOPPED."""
        if self.finished:
            return
        self._finish(MessageStatus.STOPPED)

    def _finish(self, status: MessageStatus) -> None:
        if self._reasoning_mono is not None:
            self._finish_reasoning()
        now = self._wall()
        for tc in self.message.tool_calls:
            if tc.finished_at is None and tc.phase in ("started", "searching"):
                # The stream ended before the tool call did.
                tc.phase = (
                    ev.ToolPhase.COMPLETED.value
                    if status == MessageStatus.COMPLETE
                    else ev.ToolPhase.INCOMPLETE.value
                )
                tc.finished_at = now
        self.message.status = status
        self.message.finished_at = now
        self.finished = True
