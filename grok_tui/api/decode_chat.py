"""Decoder of `/v1/chat/completions` streams: parsed SSE payloads in, typed events out.

A pure state machine (no I/O). Tolerates: `[DONE]` or not (a stream that ends
after a `finish_reason` is complete; one that ends before is interrupted),
empty deltas while a model thinks (ReasoningProgress), `reasoning_content`
deltas, tool calls whole or fragmented (accumulated by `index`), the usage
chunk with `choices: []`, usage on every chunk (the last one wins), legacy
top-level `citations`, and in-band `{"error": {...}}` / `{"code","error"}` frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grok_tui.api.errors import StreamInterruptedError, error_fields, error_from_stream
from grok_tui.api.events import (
    CitationAdded,
    Completed,
    Failed,
    ReasoningDelta,
    ReasoningFinished,
    ReasoningProgress,
    ReasoningStarted,
    ResponseStarted,
    StreamEvent,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
    ToolCallUpdated,
    ToolKind,
    ToolPhase,
    UsageUpdated,
)
from grok_tui.api.sse import Clock, FrameDecoder
from grok_tui.api.usage import normalize_usage


@dataclass(slots=True)
class _Call:
    call_id: str
    name: str
    arguments: str


class ChatDecoder(FrameDecoder):
    """Decodes one `/v1/chat/completions` stream."""

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__(clock)
        self.response_id: str | None = None
        self.model: str | None = None
        self.finish_reason: str | None = None
        self._started = False
        self._reasoning = False
        self._usage: dict[str, Any] | None = None
        self._calls: dict[int, _Call] = {}
        self._cited: set[str] = set()

    def feed(self, payload: dict[str, Any], event: str = "") -> list[StreamEvent]:
        if self.done:
            return []
        choices = payload.get("choices")
        if "error" in payload and not choices:
            code, message, etype = error_fields(payload)
            self.done = True
            return [
                Failed(
                    error=error_from_stream(code, message, etype),
                    partial=self.content_started,
                    text=self.text,
                )
            ]
        out: list[StreamEvent] = []
        if not self._started:
            self._started = True
            rid = payload.get("id")
            model = payload.get("model")
            self.response_id = rid if isinstance(rid, str) else None
            self.model = model if isinstance(model, str) else None
            out.append(ResponseStarted(self.response_id, self.model))
        usage = payload.get("usage")
        if isinstance(usage, dict):
            self._usage = usage
        citations = payload.get("citations")
        if isinstance(citations, list):
            for url in citations:
                if isinstance(url, str) and url and url not in self._cited:
                    self._cited.add(url)
                    out.append(CitationAdded(url))
        if not choices or not isinstance(choices, list):
            return out
        choice = choices[0]
        if not isinstance(choice, dict):
            return out
        delta = choice.get("delta")
        something = False
        if isinstance(delta, dict) and delta:
            rc = delta.get("reasoning_content")
            if rc and isinstance(rc, str):
                something = True
                if not self._reasoning:
                    self._reasoning = True
                    out.append(ReasoningStarted())
                self.content_started = True
                out.append(ReasoningDelta(rc))
            content = delta.get("content")
            if content and isinstance(content, str):
                something = True
                if self._reasoning:
                    self._reasoning = False
                    out.append(ReasoningFinished(self.elapsed()))
                self._text.append(content)
                self.content_started = True
                out.append(TextDelta(content))
            tool_calls = delta.get("tool_calls")
            if isinstance(tool_calls, list) and tool_calls:
                something = True
                self._on_tool_calls(tool_calls, out)
        reason = choice.get("finish_reason")
        if reason and isinstance(reason, str):
            something = True
            self.finish_reason = reason
            self._finish_calls(out)
        if not something and not self.content_started:
            out.append(ReasoningProgress(self.elapsed()))
        return out

    def _on_tool_calls(self, tool_calls: list[Any], out: list[StreamEvent]) -> None:
        if self._reasoning:
            self._reasoning = False
            out.append(ReasoningFinished(self.elapsed()))
        for pos, tc in enumerate(tool_calls):
            if not isinstance(tc, dict):
                continue
            idx = tc.get("index")
            if not isinstance(idx, int):
                idx = pos
            function = tc.get("function")
            fn: dict[str, Any] = function if isinstance(function, dict) else {}
            arguments = fn.get("arguments")
            args: str = arguments if isinstance(arguments, str) else ""
            call = self._calls.get(idx)
            if call is None:
                cid = tc.get("id")
                name = fn.get("name")
                call = _Call(
                    call_id=cid if isinstance(cid, str) and cid else f"call_{idx}",
                    name=name if isinstance(name, str) and name else "function",
                    arguments=args,
                )
                self._calls[idx] = call
                self.content_started = True
                out.append(ToolCallStarted(call.call_id, call.name, ToolKind.FUNCTION, args))
            elif args:
                call.arguments += args
                out.append(ToolCallUpdated(call.call_id, ToolPhase.STARTED, call.arguments))

    def _finish_calls(self, out: list[StreamEvent]) -> None:
        for call in self._calls.values():
            out.append(
                ToolCallFinished(
                    call.call_id, call.name, ToolKind.FUNCTION, ToolPhase.COMPLETED, call.arguments
                )
            )
        self._calls.clear()

    def _complete(self) -> list[StreamEvent]:
        out: list[StreamEvent] = []
        if self._reasoning:
            self._reasoning = False
            out.append(ReasoningFinished(self.elapsed()))
        self._finish_calls(out)
        usage = None
        if self._usage is not None:
            usage = normalize_usage(self._usage, reasoning_in_output=False)
            out.append(UsageUpdated(usage))
        self.done = True
        out.append(
            Completed(
                response_id=self.response_id,
                model=self.model,
                text=self.text,
                status="incomplete" if self.finish_reason == "length" else "completed",
                finish_reason=self.finish_reason,
                usage=usage,
            )
        )
        return out

    def on_done_marker(self) -> list[StreamEvent]:
        if self.done:
            return []
        return self._complete()

    def finish(self) -> list[StreamEvent]:
        if self.done:
            return []
        if self.finish_reason is not None:
            return self._complete()
        self.done = True
        return [
            Failed(
                error=StreamInterruptedError("The stream ended without [DONE] or a finish_reason"),
                partial=self.content_started,
                text=self.text,
            )
        ]
