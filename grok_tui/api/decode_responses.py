"""Decoder of `/v1/responses` streams: parsed SSE payloads in, typed events out.

A pure state machine (no I/O). It tolerates every variant in xai-wire.md:
`event:` lines or not, a `[DONE]` trailer or not, both `web_search_call`
shapes (function-like `name`/`arguments`, or `action`/`sources` with phase
events), `x_search_call` and `custom_tool_call` items, annotations with or
without positions (streamed or only inside the finished item), unknown event
and item types (a `DebugEvent`, never a crash), `response.done`,
`response.incomplete`, `response.failed` and `error` events.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grok_tui.api.errors import StreamInterruptedError, error_from_stream
from grok_tui.api.events import (
    CitationAdded,
    Completed,
    DebugEvent,
    EncryptedReasoning,
    Failed,
    FileSearchHit,
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

# Tool names (item `name`) -> kind.
NAME_KINDS: dict[str, ToolKind] = {
    "web_search": ToolKind.WEB_SEARCH,
    "web_search_with_snippets": ToolKind.WEB_SEARCH,
    "browse_page": ToolKind.WEB_SEARCH,
    "x_search": ToolKind.X_SEARCH,
    "x_keyword_search": ToolKind.X_SEARCH,
    "x_semantic_search": ToolKind.X_SEARCH,
    "x_user_search": ToolKind.X_SEARCH,
    "x_thread_fetch": ToolKind.X_SEARCH,
    "view_image": ToolKind.VIEW_IMAGE,
    "view_x_video": ToolKind.VIEW_X_VIDEO,
    "code_execution": ToolKind.CODE_EXECUTION,
    "code_interpreter": ToolKind.CODE_EXECUTION,
    "collections_search": ToolKind.FILE_SEARCH,
    "file_search": ToolKind.FILE_SEARCH,
    "image_generation": ToolKind.IMAGE_GENERATION,
    "imagine_text_to_image": ToolKind.IMAGE_GENERATION,
}

# Output item `type` -> (kind, default name).
TYPE_KINDS: dict[str, tuple[ToolKind, str]] = {
    "web_search_call": (ToolKind.WEB_SEARCH, "web_search"),
    "x_search_call": (ToolKind.X_SEARCH, "x_search"),
    "code_interpreter_call": (ToolKind.CODE_EXECUTION, "code_execution"),
    "code_execution_call": (ToolKind.CODE_EXECUTION, "code_execution"),
    "file_search_call": (ToolKind.FILE_SEARCH, "file_search"),
    "collections_search_call": (ToolKind.FILE_SEARCH, "collections_search"),
    "attachment_search_call": (ToolKind.FILE_SEARCH, "attachment_search"),
    "mcp_call": (ToolKind.MCP, "mcp"),
    "image_generation_call": (ToolKind.IMAGE_GENERATION, "image_generation"),
    "view_image_call": (ToolKind.VIEW_IMAGE, "view_image"),
    "view_x_video_call": (ToolKind.VIEW_X_VIDEO, "view_x_video"),
    "function_call": (ToolKind.FUNCTION, "function"),
    "custom_tool_call": (ToolKind.UNKNOWN, "custom_tool"),
}

_PHASES: dict[str, ToolPhase] = {
    "in_progress": ToolPhase.STARTED,
    "searching": ToolPhase.SEARCHING,
    "executing": ToolPhase.SEARCHING,
    "interpreting": ToolPhase.SEARCHING,
    "generating": ToolPhase.SEARCHING,
    "completed": ToolPhase.COMPLETED,
    "failed": ToolPhase.FAILED,
    "incomplete": ToolPhase.INCOMPLETE,
}

_STATUS_PHASES: dict[str, ToolPhase] = {
    "completed": ToolPhase.COMPLETED,
    "failed": ToolPhase.FAILED,
    "incomplete": ToolPhase.INCOMPLETE,
}

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


def classify_tool(item_type: str, name: str | None) -> tuple[str, ToolKind]:
    """(display name, kind) of a tool call output item."""
    kind_by_type, default_name = TYPE_KINDS.get(item_type, (ToolKind.UNKNOWN, ""))
    if not default_name:
        default_name = item_type[: -len("_call")] if item_type.endswith("_call") else item_type
    if item_type in ("function_call", "mcp_call"):
        return (name or default_name), kind_by_type
    if name:
        return name, NAME_KINDS.get(name, kind_by_type)
    return default_name, kind_by_type


def _compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def item_arguments(item: dict[str, Any]) -> str:
    """The argument JSON text of a tool call item, in whichever shape it came."""
    args = item.get("arguments")
    if isinstance(args, str):
        return args
    if isinstance(args, dict):
        return _compact_json(args)
    inp = item.get("input")
    if isinstance(inp, str):
        return inp
    action = item.get("action")
    if isinstance(action, dict):
        shown = {
            k: v
            for k, v in action.items()
            if k not in ("type", "sources") and v not in ("", None, [], {})
        }
        return _compact_json(shown) if shown else ""
    code = item.get("code")
    if isinstance(code, str) and code:
        return _compact_json({"code": code})
    queries = item.get("queries")
    if isinstance(queries, list) and queries:
        return _compact_json({"queries": queries})
    prompt = item.get("prompt")
    if isinstance(prompt, str) and prompt:
        return _compact_json({"prompt": prompt})
    return ""


def _item_name(item: dict[str, Any]) -> str | None:
    name = item.get("name")
    if isinstance(name, str) and name:
        return name
    action = item.get("action")
    if item.get("type") == "web_search_call" and isinstance(action, dict):
        if action.get("type") == "open_page":
            return "browse_page"
        return "web_search"
    return None


def _item_sources(item: dict[str, Any]) -> tuple[str, ...]:
    action = item.get("action")
    urls: list[str] = []
    if isinstance(action, dict):
        for src in _seq(action.get("sources")):
            if isinstance(src, dict) and isinstance(src.get("url"), str):
                urls.append(src["url"])
        if action.get("type") == "open_page" and isinstance(action.get("url"), str):
            urls.append(action["url"])
    return tuple(dict.fromkeys(urls))


def _item_error(item: dict[str, Any]) -> str | None:
    err = item.get("error")
    if isinstance(err, str) and err:
        return err
    if isinstance(err, dict):
        msg = err.get("message")
        return str(msg) if msg else json.dumps(err)
    return None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def citation_from(annotation: dict[str, Any]) -> CitationAdded | None:
    url = annotation.get("url")
    title = annotation.get("title")
    if (not isinstance(url, str) or not url) and isinstance(annotation.get("file_id"), str):
        # A document of a collection (`file_citation`): no URL, a file id and name.
        url = f"{FILE_CITATION_SCHEME}{annotation['file_id']}"
        title = annotation.get("filename") or title
    if not isinstance(url, str) or not url:
        return None
    return CitationAdded(
        url=url,
        title=title if isinstance(title, str) and title else None,
        start_index=_int_or_none(annotation.get("start_index")),
        end_index=_int_or_none(annotation.get("end_index")),
    )


#: The URL given to a citation of a collection's document (it has a file id, no URL).
FILE_CITATION_SCHEME = "collections://files/"


def item_output(item: dict[str, Any]) -> str | None:
    """What a tool call gave back: code execution logs (`outputs` of type
    `logs`, or an `output`/`result` text), an MCP tool's `output`."""
    texts: list[str] = []
    for out in _seq(item.get("outputs")):
        if isinstance(out, dict):
            for key in ("logs", "output", "text", "stdout", "stderr"):
                value = out.get(key)
                if isinstance(value, str) and value:
                    texts.append(value)
                    break
            else:
                if out.get("type") == "image" and isinstance(out.get("url"), str):
                    texts.append(f"[image] {out['url']}")
        elif isinstance(out, str) and out:
            texts.append(out)
    for key in ("output", "result", "stdout"):
        value = item.get(key)
        if isinstance(value, str) and value:
            texts.append(value)
        elif isinstance(value, (dict, list)) and value:
            texts.append(_compact_json(value))
    return "\n".join(texts) if texts else None


def item_results(item: dict[str, Any]) -> tuple[FileSearchHit, ...]:
    """The results of a file_search (collections) call item."""
    hits: list[FileSearchHit] = []
    for r in _seq(item.get("results")) + _seq(item.get("search_results")):
        if not isinstance(r, dict):
            continue
        file_id = r.get("file_id")
        name = r.get("filename") or r.get("file_name") or r.get("name") or file_id
        score = r.get("score")
        text = r.get("text") or r.get("chunk_content") or r.get("content")
        hits.append(
            FileSearchHit(
                file_id=file_id if isinstance(file_id, str) else "",
                filename=name if isinstance(name, str) else "",
                score=_score(score),
                text=text if isinstance(text, str) else "",
            )
        )
    return tuple(hits)


def _score(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _item_server(item: dict[str, Any]) -> str | None:
    label = item.get("server_label")
    return label if isinstance(label, str) and label else None


@dataclass(slots=True)
class _Tool:
    call_id: str
    name: str
    kind: ToolKind
    arguments: str
    phase: ToolPhase = ToolPhase.STARTED
    code: str = ""
    finished: bool = False
    step: str | None = None


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
        self._tools: dict[str, _Tool] = {}
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
                payload = _flatten_error(payload)
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
        item_id = _sid(p.get("item_id"))
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

    def _tool_id(self, item: dict[str, Any], p: dict[str, Any]) -> str:
        item_id = item.get("id")
        if isinstance(item_id, str) and item_id:
            return item_id
        call_id = item.get("call_id")
        if isinstance(call_id, str) and call_id:
            return call_id
        return f"output_{p.get('output_index', len(self._tools))}"

    def _start_tool(self, item: dict[str, Any], p: dict[str, Any], out: list[StreamEvent]) -> _Tool:
        call_id = self._tool_id(item, p)
        existing = self._tools.get(call_id)
        if existing is not None:
            return existing
        name, kind = classify_tool(str(item.get("type")), _item_name(item))
        tool = _Tool(call_id=call_id, name=name, kind=kind, arguments=item_arguments(item))
        self._tools[call_id] = tool
        self._end_reasoning(out)
        self.content_started = True
        out.append(ToolCallStarted(call_id, name, kind, tool.arguments, _item_server(item)))
        return tool

    def _encrypted_reasoning(self, item: dict[str, Any], out: list[StreamEvent]) -> None:
        """An `EncryptedReasoning` for a reasoning item with encrypted content (once per id)."""
        blob = item.get("encrypted_content")
        if not isinstance(blob, str) or not blob:
            return
        key = _sid(item.get("id")) or blob
        if key in self._encrypted_ids:
            return
        self._encrypted_ids.add(key)
        replay: dict[str, Any] = {"type": "reasoning", "id": item.get("id")}
        summary = item.get("summary")
        replay["summary"] = summary if isinstance(summary, list) else []
        replay["encrypted_content"] = blob
        out.append(EncryptedReasoning(replay))

    def _on_item_done(self, p: dict[str, Any]) -> list[StreamEvent]:
        item = p.get("item")
        if not isinstance(item, dict):
            return [DebugEvent("output_item.done without an item", "response.output_item.done")]
        itype = item.get("type")
        out: list[StreamEvent] = []
        if itype == "message":
            self._message_done(item, out)
        elif itype == "reasoning":
            item_id = _sid(item.get("id"))
            if item_id not in self._reasoning_seen_delta:
                summary = "".join(
                    s.get("text", "")
                    for s in _seq(item.get("summary"))
                    if isinstance(s, dict) and isinstance(s.get("text"), str)
                )
                if summary:
                    if not self._reasoning:
                        out.append(ReasoningStarted())
                    self._reasoning = True
                    self.content_started = True
                    out.append(ReasoningDelta(summary))
            self._end_reasoning(out)
            self._encrypted_reasoning(item, out)
        elif isinstance(itype, str) and itype.endswith("_call"):
            tool = self._start_tool(item, p, out)
            if not tool.finished:
                tool.finished = True
                name = _item_name(item)
                if name:
                    tool.name, tool.kind = classify_tool(itype, name)
                args = item_arguments(item) or tool.arguments
                tool.arguments = args
                status = item.get("status")
                tool.phase = (
                    _STATUS_PHASES.get(status, ToolPhase.COMPLETED)
                    if isinstance(status, str)
                    else ToolPhase.COMPLETED
                )
                out.append(
                    ToolCallFinished(
                        tool.call_id,
                        tool.name,
                        tool.kind,
                        tool.phase,
                        args,
                        sources=_item_sources(item),
                        error=_item_error(item),
                        output=item_output(item),
                        server=_item_server(item),
                        results=item_results(item),
                    )
                )
        else:
            out.append(DebugEvent(f"skipped an output item of unknown type {itype!r}", str(itype)))
        return out

    def _message_done(self, item: dict[str, Any], out: list[StreamEvent]) -> None:
        item_id = _sid(item.get("id"))
        for part in _seq(item.get("content")):
            if not isinstance(part, dict):
                continue
            if item_id not in self._text_items:
                text = part.get("text") if part.get("type") != "refusal" else part.get("refusal")
                if isinstance(text, str) and text:
                    self._end_reasoning(out)
                    self._text.append(text)
                    self.content_started = True
                    out.append(TextDelta(text))
            if item_id not in self._cited_items:
                for ann in _seq(part.get("annotations")):
                    if isinstance(ann, dict):
                        cit = citation_from(ann)
                        if cit is not None:
                            out.append(cit)
        if isinstance(item_id, str):
            self._text_items.add(item_id)
            self._cited_items.add(item_id)

    def _on_text_done(self, p: dict[str, Any]) -> list[StreamEvent]:
        item_id = _sid(p.get("item_id"))
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
            if head.endswith("_call") and tail in _PHASES:
                return self._on_phase(head, _PHASES[tail], p, tail)
            if tail in ("delta", "done"):
                for suffix in ("_input", "_arguments", "_code"):
                    if head.endswith(suffix) and "_call" in head:
                        return self._on_args(head, suffix, tail == "done", p)
        return [DebugEvent(f"skipped an unknown event type {etype!r}", etype)]

    def _lookup(self, item_type: str, p: dict[str, Any]) -> tuple[_Tool, list[StreamEvent]]:
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
        if tool.finished or (
            tool.phase == phase and (tool.step == step or phase is ToolPhase.STARTED)
        ):
            return out
        tool.phase = phase
        tool.step = step
        out.append(ToolCallUpdated(tool.call_id, phase, step=step))
        return out

    def _on_args(self, head: str, suffix: str, done: bool, p: dict[str, Any]) -> list[StreamEvent]:
        item_type = head[: -len(suffix)]
        if not item_type.endswith("_call"):
            item_type = item_type[: item_type.index("_call") + 5]
        tool, out = self._lookup(item_type, p)
        if tool.finished:
            return out
        if suffix == "_code":
            if done:
                code = p.get("code")
                tool.code = code if isinstance(code, str) else tool.code
            else:
                delta = p.get("delta")
                tool.code += delta if isinstance(delta, str) else ""
            new_args = _compact_json({"code": tool.code}) if tool.code else ""
        elif done:
            value = p.get("input") if suffix == "_input" else p.get("arguments")
            new_args = value if isinstance(value, str) else tool.arguments
            name = p.get("name")
            if isinstance(name, str) and name and tool.kind is ToolKind.FUNCTION:
                tool.name = name
        else:
            delta = p.get("delta")
            new_args = tool.arguments + (delta if isinstance(delta, str) else "")
        if new_args != tool.arguments:
            tool.arguments = new_args
            out.append(ToolCallUpdated(tool.call_id, tool.phase, new_args))
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
        for item in _seq(resp.get("output")):
            if isinstance(item, dict):
                itype = item.get("type")
                if itype == "message" and _sid(item.get("id")) not in self._text_items:
                    self._message_done(item, out)
                elif itype == "reasoning":
                    self._encrypted_reasoning(item, out)
                elif isinstance(itype, str) and itype.endswith("_call"):
                    if self._tool_id(item, {}) not in self._tools:
                        out.extend(self._on_item_done({"item": item}))
        self._end_reasoning(out)
        for tool in self._tools.values():
            if not tool.finished:
                tool.finished = True
                phase = ToolPhase.INCOMPLETE if status == "incomplete" else ToolPhase.COMPLETED
                out.append(
                    ToolCallFinished(tool.call_id, tool.name, tool.kind, phase, tool.arguments)
                )
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
                None if code is None else str(code), _str_or_none(err.get("message"))
            )
        else:
            error = error_from_stream(None, "The response failed")
        return self._fail(error)

    def _on_error(self, p: dict[str, Any]) -> list[StreamEvent]:
        code = p.get("code")
        return self._fail(
            error_from_stream(
                None if code is None else str(code),
                _str_or_none(p.get("message")),
            )
        )


def _sid(value: Any) -> str | None:
    """An item id as a set key: ids of any other JSON type count as absent."""
    return value if isinstance(value, str) else None


def _seq(value: Any) -> list[Any]:
    """A JSON array field, or nothing when the server sent another type."""
    return value if isinstance(value, list) else []


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _flatten_error(payload: dict[str, Any]) -> dict[str, Any]:
    """A nested `{"error":{...}}` or flat `{"code","error"}` frame as an `error` event."""
    err = payload.get("error")
    if isinstance(err, dict):
        return {
            "type": "error",
            "code": err.get("code") or err.get("type"),
            "message": err.get("message"),
        }
    return {"type": "error", "code": payload.get("code"), "message": err}
