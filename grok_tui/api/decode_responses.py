"""Decoder of `/v1/responses` streams: parsed SSE payloads in, typed events out.

A pure state machine (no I/O). It tolerates every variant in xai-wire.md:
`event:` lines or not, a `[DONE]` trailer or not, both `web_search_call`
shapes (function-like `name`/`arguments`, or `action`/`sources` with phase
events), `x_search_call` and `custom_tool_call` items, annotations with or
without positions (streamed or only inside the finished item), unknown event
and item types (a `DebugEvent`, never a crash), `response.done`,
`response.incomplete`, `response.failed` and `error` events.

The decoder keeps the stream's state (text, reasoning, which items were seen)
and routes each event; what one item, annotation or tool call says is read by
the pure readers of `responses_items` and `responses_tool_calls`, and each
tool call's progress is a `responses_tool_calls.ToolCallState`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from grok_tui.api.errors import StreamInterruptedError, error_from_stream
from grok_tui.api.events import (
    Completed,
    DebugEvent,
    EncryptedReasoning,
    Failed,
    ReasoningDelta,
    ReasoningFinished,
    ReasoningProgress,
    ReasoningStarted,
    ResponseStarted,
    StreamEvent,
    TextDelta,
    ToolCallStarted,
    ToolPhase,
    UsageUpdated,
)
from grok_tui.api.responses_items import (
    FILE_CITATION_SCHEME,
    citation_from,
    flatten_error,
    json_array,
    part_text,
    reasoning_replay,
    reasoning_summary_text,
    str_id,
    str_or_none,
)
from grok_tui.api.responses_tool_calls import (
    ARGUMENT_SUFFIXES,
    NAME_KINDS,
    PHASES,
    TYPE_KINDS,
    ToolCallState,
    classify_tool,
    item_arguments,
    item_name,
    item_output,
    item_results,
    item_server,
    tool_call_id,
)
from grok_tui.api.sse import Clock, FrameDecoder
from grok_tui.api.usage import normalize_usage

#: Names callers imported from here before the readers moved out (kept working).
__all__ = [
    "FILE_CITATION_SCHEME",
    "NAME_KINDS",
    "TYPE_KINDS",
    "ResponsesDecoder",
    "citation_from",
    "classify_tool",
    "item_arguments",
    "item_output",
    "item_results",
]

# Known events that carry nothing the event stream needs.
_IGNORED = frozenset(
    {
        "response.content_part.added",
        "response.content_part.done",
        "response.reasoning_summary_part.added",
        "response.reasoning_summary_part.done",
        "response.reasoning_summary_text.done",
        "response.reasoning_text.done",
        "response.refusal.done",
        "response.queued",
        "response.mcp_call_output.delta",
        "response.mcp_call_output.done",
        "response.mcp_list_tools.in_progress",
        "response.mcp_list_tools.completed",
        "response.mcp_list_tools.failed",
        "response.image_generation_call.partial_image",
    }
)


class ResponsesDecoder(FrameDecoder):
    """Decodes one `/v1/responses` stream."""

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__(clock)
        self.response_id: str | None = None
        self.model: str | None = None
        self._started = False
        self._reasoning = False
        self._reasoning_seen_delta: set[str] = set()
        self._encrypted_ids: set[str] = set()
        self._tools: dict[str, ToolCallState] = {}
        self._text_items: set[str] = set()  # message items that streamed text
        self._cited_items: set[str] = set()  # message items that streamed annotations
        self._handlers: dict[str, Callable[[dict[str, Any]], list[StreamEvent]]] = {
            "response.output_text.delta": self._on_text_delta,
            "response.refusal.delta": self._on_text_delta,
            "response.reasoning_summary_text.delta": self._on_reasoning_delta,
            "response.reasoning_text.delta": self._on_reasoning_delta,
            "response.output_item.added": self._on_item_added,
            "response.output_item.done": self._on_item_done,
            "response.output_text.annotation.added": self._on_annotation,
            "response.output_text.done": self._on_text_done,
            "response.created": self._on_snapshot,
            "response.in_progress": self._on_snapshot,
            "response.completed": self._on_completed,
            "response.done": self._on_completed,
            "response.incomplete": self._on_completed,
            "response.failed": self._on_failed,
            "error": self._on_error,
        }

    # -- frame entry ---------------------------------------------------------

    def feed(self, payload: dict[str, Any], event: str = "") -> list[StreamEvent]:
        if self.done:
            return []
        etype = payload.get("type")
        if not isinstance(etype, str):
            if event:
                etype = event
            elif "error" in payload:
                etype = "error"
                payload = flatten_error(payload)
            else:
                return [DebugEvent("skipped a frame without a type", None)]
        handler = self._handlers.get(etype)
        if handler is not None:
            return handler(payload)
        if etype in _IGNORED:
            return []
        return self._on_other(etype, payload)

    def on_done_marker(self) -> list[StreamEvent]:
        # `[DONE]` before `response.completed`: the stream is over without a result.
        return self.finish()

    def finish(self) -> list[StreamEvent]:
        if self.done:
            return []
        return self._fail(StreamInterruptedError("The stream ended before the response completed"))

    # -- helpers -------------------------------------------------------------

    def _end_reasoning(self, out: list[StreamEvent]) -> None:
        if self._reasoning:
            self._reasoning = False
            out.append(ReasoningFinished(self.elapsed()))

    def _fail(self, error: Any) -> list[StreamEvent]:
        self.done = True
        return [Failed(error=error, partial=self.content_started, text=self.text)]

    # -- handlers ------------------------------------------------------------

    def _on_text_delta(self, p: dict[str, Any]) -> list[StreamEvent]:
        delta = p.get("delta")
        if not delta or not isinstance(delta, str):
            return []
        item_id = str_id(p.get("item_id"))
        if item_id is not None and item_id not in self._text_items:
            self._text_items.add(item_id)
        self._text.append(delta)
        self.content_started = True
        if self._reasoning:
            self._reasoning = False
            return [ReasoningFinished(self.elapsed()), TextDelta(delta)]
        return [TextDelta(delta)]

    def _on_reasoning_delta(self, p: dict[str, Any]) -> list[StreamEvent]:
        delta = p.get("delta")
        out: list[StreamEvent] = []
        if not self._reasoning:
            self._reasoning = True
            out.append(ReasoningStarted())
        item_id = p.get("item_id")
        if isinstance(item_id, str):
            self._reasoning_seen_delta.add(item_id)
        if isinstance(delta, str) and delta:
            self.content_started = True
            out.append(ReasoningDelta(delta))
        elif not self.content_started:
            out.append(ReasoningProgress(self.elapsed()))
        return out

    def _on_snapshot(self, p: dict[str, Any]) -> list[StreamEvent]:
        resp = p.get("response")
        if isinstance(resp, dict):
            if isinstance(resp.get("id"), str):
                self.response_id = resp["id"]
            if isinstance(resp.get("model"), str):
                self.model = resp["model"]
        if not self._started:
            self._started = True
            return [ResponseStarted(self.response_id, self.model)]
        # `response.in_progress` is a status snapshot sent right after
        # `created` by every model: not evidence of reasoning (a reasoning
        # item or reasoning tokens are), so it does not start "thinking".
        return []

    def _on_item_added(self, p: dict[str, Any]) -> list[StreamEvent]:
        item = p.get("item")
        if not isinstance(item, dict):
            return [DebugEvent("output_item.added without an item", "response.output_item.added")]
        itype = item.get("type")
        if itype == "message":
            return []
        if itype == "reasoning":
            if self._reasoning:
                return []
            self._reasoning = True
            return [ReasoningStarted()]
        if isinstance(itype, str) and itype.endswith("_call"):
            out: list[StreamEvent] = []
            self._start_tool(item, p, out)
            return out
        return [DebugEvent(f"skipped an output item of unknown type {itype!r}", str(itype))]

    def _start_tool(
        self, item: dict[str, Any], p: dict[str, Any], out: list[StreamEvent]
    ) -> ToolCallState:
        call_id = tool_call_id(item, p, len(self._tools))
        existing = self._tools.get(call_id)
        if existing is not None:
            return existing
        name, kind = classify_tool(str(item.get("type")), item_name(item))
        tool = ToolCallState(call_id=call_id, name=name, kind=kind, arguments=item_arguments(item))
        self._tools[call_id] = tool
        self._end_reasoning(out)
        self.content_started = True
        out.append(ToolCallStarted(call_id, name, kind, tool.arguments, item_server(item)))
        return tool

    def _encrypted_reasoning(self, item: dict[str, Any], out: list[StreamEvent]) -> None:
        """An `EncryptedReasoning` for a reasoning item with encrypted content (once per id)."""
        blob = item.get("encrypted_content")
        if not isinstance(blob, str) or not blob:
            return
        key = str_id(item.get("id")) or blob
        if key in self._encrypted_ids:
            return
        self._encrypted_ids.add(key)
        out.append(EncryptedReasoning(reasoning_replay(item, blob)))

    def _on_item_done(self, p: dict[str, Any]) -> list[StreamEvent]:
        item = p.get("item")
        if not isinstance(item, dict):
            return [DebugEvent("output_item.done without an item", "response.output_item.done")]
        itype = item.get("type")
        out: list[StreamEvent] = []
        if itype == "message":
            self._message_done(item, out)
        elif itype == "reasoning":
            item_id = str_id(item.get("id"))
            if item_id not in self._reasoning_seen_delta:
                summary = reasoning_summary_text(item)
                if summary:
                    if not self._reasoning:
                        out.append(ReasoningStarted())
                    self._reasoning = True
                    self.content_started = True
                    out.append(ReasoningDelta(summary))
            self._end_reasoning(out)
            self._encrypted_reasoning(item, out)
        elif isinstance(itype, str) and itype.endswith("_call"):
            finished = self._start_tool(item, p, out).finish_with(item, itype)
            if finished is not None:
                out.append(finished)
        else:
            out.append(DebugEvent(f"skipped an output item of unknown type {itype!r}", str(itype)))
        return out

    def _message_done(self, item: dict[str, Any], out: list[StreamEvent]) -> None:
        item_id = str_id(item.get("id"))
        for part in json_array(item.get("content")):
            if not isinstance(part, dict):
                continue
            if item_id not in self._text_items:
                text = part_text(part)
                if text:
                    self._end_reasoning(out)
                    self._text.append(text)
                    self.content_started = True
                    out.append(TextDelta(text))
            if item_id not in self._cited_items:
                for ann in json_array(part.get("annotations")):
                    if isinstance(ann, dict):
                        cit = citation_from(ann)
                        if cit is not None:
                            out.append(cit)
        if isinstance(item_id, str):
            self._text_items.add(item_id)
            self._cited_items.add(item_id)

    def _on_text_done(self, p: dict[str, Any]) -> list[StreamEvent]:
        item_id = str_id(p.get("item_id"))
        text = p.get("text")
        if item_id in self._text_items or not isinstance(text, str) or not text:
            return []
        out: list[StreamEvent] = []
        self._end_reasoning(out)
        if isinstance(item_id, str):
            self._text_items.add(item_id)
        self._text.append(text)
        self.content_started = True
        out.append(TextDelta(text))
        return out

    def _on_annotation(self, p: dict[str, Any]) -> list[StreamEvent]:
        ann = p.get("annotation")
        item_id = p.get("item_id")
        if isinstance(item_id, str):
            self._cited_items.add(item_id)
        if not isinstance(ann, dict):
            return [DebugEvent("annotation event without an annotation", "annotation.added")]
        cit = citation_from(ann)
        if cit is None:
            return [DebugEvent(f"skipped an annotation of type {ann.get('type')!r}", "annotation")]
        return [cit]

    def _on_other(self, etype: str, p: dict[str, Any]) -> list[StreamEvent]:
        # Tool phase events `response.<x>_call.<phase>` and argument streams
        # `response.<x>_call_{input,arguments,code}.{delta,done}`.
        if etype.startswith("response."):
            head, _, tail = etype[9:].rpartition(".")
            if head.endswith("_call") and tail in PHASES:
                return self._on_phase(head, PHASES[tail], p, tail)
            if tail in ("delta", "done"):
                for suffix in ARGUMENT_SUFFIXES:
                    if head.endswith(suffix) and "_call" in head:
                        return self._on_args(head, suffix, tail == "done", p)
        return [DebugEvent(f"skipped an unknown event type {etype!r}", etype)]

    def _lookup(self, item_type: str, p: dict[str, Any]) -> tuple[ToolCallState, list[StreamEvent]]:
        out: list[StreamEvent] = []
        item_id = p.get("item_id")
        tool = self._tools.get(item_id) if isinstance(item_id, str) else None
        if tool is None:
            stub = {"type": item_type, "id": item_id}
            tool = self._start_tool(stub, p, out)
        return tool, out

    def _on_phase(
        self, item_type: str, phase: ToolPhase, p: dict[str, Any], step: str | None = None
    ) -> list[StreamEvent]:
        tool, out = self._lookup(item_type, p)
        update = tool.phase_update(phase, step)
        if update is not None:
            out.append(update)
        return out

    def _on_args(self, head: str, suffix: str, done: bool, p: dict[str, Any]) -> list[StreamEvent]:
        item_type = head[: -len(suffix)]
        if not item_type.endswith("_call"):
            item_type = item_type[: item_type.index("_call") + 5]
        tool, out = self._lookup(item_type, p)
        update = tool.arguments_update(suffix, done, p)
        if update is not None:
            out.append(update)
        return out

    def _on_completed(self, p: dict[str, Any]) -> list[StreamEvent]:
        resp = p.get("response")
        if not isinstance(resp, dict):
            resp = {}
        out: list[StreamEvent] = []
        if isinstance(resp.get("id"), str):
            self.response_id = resp["id"]
        if isinstance(resp.get("model"), str):
            self.model = resp["model"]
        if not self._started:
            self._started = True
            out.append(ResponseStarted(self.response_id, self.model))
        status = resp.get("status")
        if p.get("type") == "response.incomplete" or status == "incomplete":
            status = "incomplete"
        else:
            status = "completed"
        # Items that only appear in the final snapshot (no streamed events).
        for item in json_array(resp.get("output")):
            if isinstance(item, dict):
                itype = item.get("type")
                if itype == "message" and str_id(item.get("id")) not in self._text_items:
                    self._message_done(item, out)
                elif itype == "reasoning":
                    self._encrypted_reasoning(item, out)
                elif isinstance(itype, str) and itype.endswith("_call"):
                    if tool_call_id(item, {}, len(self._tools)) not in self._tools:
                        out.extend(self._on_item_done({"item": item}))
        self._end_reasoning(out)
        for tool in self._tools.values():
            finished = tool.finish_at_end(incomplete=status == "incomplete")
            if finished is not None:
                out.append(finished)
        usage = None
        raw_usage = resp.get("usage")
        if isinstance(raw_usage, dict):
            usage = normalize_usage(raw_usage, reasoning_in_output=True)
            out.append(UsageUpdated(usage))
        details = resp.get("incomplete_details")
        reason = details.get("reason") if isinstance(details, dict) else None
        self.done = True
        out.append(
            Completed(
                response_id=self.response_id,
                model=self.model,
                text=self.text,
                status=status,
                finish_reason=reason if isinstance(reason, str) else None,
                usage=usage,
            )
        )
        return out

    def _on_failed(self, p: dict[str, Any]) -> list[StreamEvent]:
        resp = p.get("response")
        err = resp.get("error") if isinstance(resp, dict) else None
        if isinstance(err, dict):
            code = err.get("code")
            error = error_from_stream(
                None if code is None else str(code), str_or_none(err.get("message"))
            )
        else:
            error = error_from_stream(None, "The response failed")
        return self._fail(error)

    def _on_error(self, p: dict[str, Any]) -> list[StreamEvent]:
        code = p.get("code")
        return self._fail(
            error_from_stream(
                None if code is None else str(code),
                str_or_none(p.get("message")),
            )
        )
