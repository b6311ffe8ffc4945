"""Tool calls in `/v1/responses` streams.

Pure readers of a tool call output item (which tool it is, its arguments,
sources, error, output, server and file-search results, in whichever shape
xai-wire.md lists), and `ToolCallState`: one call's way through its phase
events (`response.<x>_call.<phase>`), its argument streams
(`response.<x>_call_{input,arguments,code}.{delta,done}`) and its finished
item, each step giving the typed event to report, or None when nothing
changed. `decode_responses.ResponsesDecoder` keeps one state per call id and
routes the events; nothing here does I/O.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from grok_tui.api.events import (
    FileSearchHit,
    ToolCallFinished,
    ToolCallUpdated,
    ToolKind,
    ToolPhase,
)
from grok_tui.api.responses_items import compact_json, json_array

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

#: The last word of a phase event `response.<x>_call.<word>` -> phase.
PHASES: dict[str, ToolPhase] = {
    "in_progress": ToolPhase.STARTED,
    "searching": ToolPhase.SEARCHING,
    "executing": ToolPhase.SEARCHING,
    "interpreting": ToolPhase.SEARCHING,
    "generating": ToolPhase.SEARCHING,
    "completed": ToolPhase.COMPLETED,
    "failed": ToolPhase.FAILED,
    "incomplete": ToolPhase.INCOMPLETE,
}

#: A finished item's `status` -> phase (anything else: completed).
STATUS_PHASES: dict[str, ToolPhase] = {
    "completed": ToolPhase.COMPLETED,
    "failed": ToolPhase.FAILED,
    "incomplete": ToolPhase.INCOMPLETE,
}

#: The argument streams: `response.<x>_call<suffix>.{delta,done}`.
ARGUMENT_SUFFIXES = ("_input", "_arguments", "_code")


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


def tool_call_id(item: dict[str, Any], p: dict[str, Any], fallback_index: int) -> str:
    """The key of a tool call: its item `id`, else `call_id`, else its output
    index (`fallback_index` when the event has none)."""
    item_id = item.get("id")
    if isinstance(item_id, str) and item_id:
        return item_id
    call_id = item.get("call_id")
    if isinstance(call_id, str) and call_id:
        return call_id
    return f"output_{p.get('output_index', fallback_index)}"


def item_arguments(item: dict[str, Any]) -> str:
    """The argument JSON text of a tool call item, in whichever shape it came."""
    args = item.get("arguments")
    if isinstance(args, str):
        return args
    if isinstance(args, dict):
        return compact_json(args)
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
        return compact_json(shown) if shown else ""
    code = item.get("code")
    if isinstance(code, str) and code:
        return compact_json({"code": code})
    queries = item.get("queries")
    if isinstance(queries, list) and queries:
        return compact_json({"queries": queries})
    prompt = item.get("prompt")
    if isinstance(prompt, str) and prompt:
        return compact_json({"prompt": prompt})
    return ""


def item_name(item: dict[str, Any]) -> str | None:
    """The tool's name: the item's `name`, or what a `web_search_call`'s
    action does (`browse_page` for `open_page`)."""
    name = item.get("name")
    if isinstance(name, str) and name:
        return name
    action = item.get("action")
    if item.get("type") == "web_search_call" and isinstance(action, dict):
        if action.get("type") == "open_page":
            return "browse_page"
        return "web_search"
    return None


def item_sources(item: dict[str, Any]) -> tuple[str, ...]:
    """The URLs a search call looked at (its action's sources, an opened page), once each."""
    action = item.get("action")
    urls: list[str] = []
    if isinstance(action, dict):
        for src in json_array(action.get("sources")):
            if isinstance(src, dict) and isinstance(src.get("url"), str):
                urls.append(src["url"])
        if action.get("type") == "open_page" and isinstance(action.get("url"), str):
            urls.append(action["url"])
    return tuple(dict.fromkeys(urls))


def item_error(item: dict[str, Any]) -> str | None:
    """The error a tool call item reports (a text, or an object's `message`)."""
    err = item.get("error")
    if isinstance(err, str) and err:
        return err
    if isinstance(err, dict):
        msg = err.get("message")
        return str(msg) if msg else json.dumps(err)
    return None


def item_output(item: dict[str, Any]) -> str | None:
    """What a tool call gave back: code execution logs (`outputs` of type
    `logs`, or an `output`/`result` text), an MCP tool's `output`."""
    texts: list[str] = []
    for out in json_array(item.get("outputs")):
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
            texts.append(compact_json(value))
    return "\n".join(texts) if texts else None


def item_results(item: dict[str, Any]) -> tuple[FileSearchHit, ...]:
    """The results of a file_search (collections) call item."""
    hits: list[FileSearchHit] = []
    for r in json_array(item.get("results")) + json_array(item.get("search_results")):
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


def item_server(item: dict[str, Any]) -> str | None:
    """An MCP call's `server_label`."""
    label = item.get("server_label")
    return label if isinstance(label, str) and label else None


@dataclass(slots=True)
class ToolCallState:
    """One tool call of a stream, as far as its events went."""

    call_id: str
    name: str
    kind: ToolKind
    arguments: str
    phase: ToolPhase = ToolPhase.STARTED
    code: str = ""
    finished: bool = False
    step: str | None = None

    def phase_update(self, phase: ToolPhase, step: str | None) -> ToolCallUpdated | None:
        """A phase event's update, or None when it changes nothing (the call
        finished, or the same phase and step again; `in_progress` once)."""
        if self.finished or (
            self.phase == phase and (self.step == step or phase is ToolPhase.STARTED)
        ):
            return None
        self.phase = phase
        self.step = step
        return ToolCallUpdated(self.call_id, phase, step=step)

    def arguments_update(
        self, suffix: str, done: bool, p: dict[str, Any]
    ) -> ToolCallUpdated | None:
        """An argument stream event's update (`suffix` one of
        `ARGUMENT_SUFFIXES`), or None when the arguments did not change."""
        if self.finished:
            return None
        if suffix == "_code":
            if done:
                code = p.get("code")
                self.code = code if isinstance(code, str) else self.code
            else:
                delta = p.get("delta")
                self.code += delta if isinstance(delta, str) else ""
            new_args = compact_json({"code": self.code}) if self.code else ""
        elif done:
            value = p.get("input") if suffix == "_input" else p.get("arguments")
            new_args = value if isinstance(value, str) else self.arguments
            name = p.get("name")
            if isinstance(name, str) and name and self.kind is ToolKind.FUNCTION:
                self.name = name
        else:
            delta = p.get("delta")
            new_args = self.arguments + (delta if isinstance(delta, str) else "")
        if new_args == self.arguments:
            return None
        self.arguments = new_args
        return ToolCallUpdated(self.call_id, self.phase, new_args)

    def finish_with(self, item: dict[str, Any], item_type: str) -> ToolCallFinished | None:
        """The finished call from its done item (once; None after that)."""
        if self.finished:
            return None
        self.finished = True
        name = item_name(item)
        if name:
            self.name, self.kind = classify_tool(item_type, name)
        args = item_arguments(item) or self.arguments
        self.arguments = args
        status = item.get("status")
        self.phase = (
            STATUS_PHASES.get(status, ToolPhase.COMPLETED)
            if isinstance(status, str)
            else ToolPhase.COMPLETED
        )
        return ToolCallFinished(
            self.call_id,
            self.name,
            self.kind,
            self.phase,
            args,
            sources=item_sources(item),
            error=item_error(item),
            output=item_output(item),
            server=item_server(item),
            results=item_results(item),
        )

    def finish_at_end(self, incomplete: bool) -> ToolCallFinished | None:
        """The call finished by the response's end when no done item came
        (None if one did): completed, or incomplete with the response."""
        if self.finished:
            return None
        self.finished = True
        phase = ToolPhase.INCOMPLETE if incomplete else ToolPhase.COMPLETED
        return ToolCallFinished(self.call_id, self.name, self.kind, phase, self.arguments)
