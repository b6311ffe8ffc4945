"""`ChatRequest` -> the JSON body of `/v1/responses` or `/v1/chat/completions`.

Empty filter lists, None and False fields are omitted (the API rejects some
of them, and they mean "no filter" anyway). The chat body never carries
`search_parameters` (HTTP 410 since 2026) nor tools (the search tools exist
only on the Responses API); what a request asked for but the chat API cannot
take is returned as notes, which the client reports as DebugEvents.
"""

from __future__ import annotations

from typing import Any

from grok_tui.api.chat_request import (
    ChatRequest,
    CodeInterpreterTool,
    FileSearchTool,
    ImagePart,
    InputMessage,
    McpTool,
    Tool,
    WebSearchTool,
)


def server_tool_json(tool: Tool) -> dict[str, Any] | None:
    """The REST object of code execution, MCP and collections search (xai-wire
    §3.3), or None for the search tools."""
    if isinstance(tool, CodeInterpreterTool):
        return {"type": "code_interpreter"}
    if isinstance(tool, McpTool):
        out: dict[str, Any] = {
            "type": "mcp",
            "server_url": tool.server_url,
            "server_label": tool.server_label,
        }
        if tool.server_description:
            out["server_description"] = tool.server_description
        if tool.allowed_tools:
            out["allowed_tools"] = list(tool.allowed_tools)
        if tool.authorization:
            out["authorization"] = tool.authorization
        if tool.headers:
            out["headers"] = dict(tool.headers)
        return out
    if isinstance(tool, FileSearchTool):
        fs: dict[str, Any] = {
            "type": "file_search",
            "vector_store_ids": list(tool.vector_store_ids),
        }
        if tool.max_num_results is not None:
            fs["max_num_results"] = tool.max_num_results
        return fs
    return None


def tool_json(tool: Tool) -> dict[str, Any]:
    """The flat REST object of a tool."""
    other = server_tool_json(tool)
    if other is not None:
        return other
    if isinstance(tool, WebSearchTool):
        out: dict[str, Any] = {"type": "web_search"}
        if tool.allowed_domains:
            out["allowed_domains"] = list(tool.allowed_domains)
        if tool.excluded_domains:
            out["excluded_domains"] = list(tool.excluded_domains)
        if tool.enable_image_understanding:
            out["enable_image_understanding"] = True
        if tool.enable_image_search:
            out["enable_image_search"] = True
        return out
    assert not isinstance(tool, (CodeInterpreterTool, McpTool, FileSearchTool))
    out = {"type": "x_search"}
    if tool.allowed_x_handles:
        out["allowed_x_handles"] = list(tool.allowed_x_handles)
    if tool.excluded_x_handles:
        out["excluded_x_handles"] = list(tool.excluded_x_handles)
    if tool.from_date:
        out["from_date"] = tool.from_date
    if tool.to_date:
        out["to_date"] = tool.to_date
    if tool.enable_image_understanding:
        out["enable_image_understanding"] = True
    if tool.enable_video_understanding:
        out["enable_video_understanding"] = True
    return out


def _responses_image(img: ImagePart) -> dict[str, Any]:
    part: dict[str, Any] = {"type": "input_image", "image_url": img.url}
    if img.detail:
        part["detail"] = img.detail
    return part


def _responses_message(msg: InputMessage) -> dict[str, Any]:
    if not msg.images and not msg.files:
        return {"role": msg.role, "content": msg.text}
    parts = [_responses_image(img) for img in msg.images]
    parts.extend({"type": "input_file", "file_id": f.file_id} for f in msg.files)
    if msg.text:
        parts.append({"type": "input_text", "text": msg.text})
    return {"role": msg.role, "content": parts}


def _responses_input(messages: tuple[InputMessage, ...]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for msg in messages:
        items.extend(dict(item) for item in msg.items_before)
        items.append(_responses_message(msg))
    return items


#: Fields never sent on `/v1/responses`: `search_parameters` is retired Live
#: Search (HTTP 410).
_RESPONSES_REFUSED_EXTRA = ("search_parameters",)


def responses_notes(req: ChatRequest) -> list[str]:
    """What `responses_body` left out of this request, one sentence each."""
    notes: list[str] = []
    if req.instructions and req.previous_response_id:
        notes.append("instructions were not sent with previous_response_id (the API refuses both)")
    for name in _RESPONSES_REFUSED_EXTRA:
        if name in req.extra:
            notes.append(f"{name} (retired Live Search) was not sent")
    return notes


def responses_body(req: ChatRequest) -> dict[str, Any]:
    """The `/v1/responses` body (streamed). Never both `instructions` and
    `previous_response_id` (the API forbids it; the chained conversation keeps
    its system message), never `search_parameters` (410); see `responses_notes`."""
    body: dict[str, Any] = {
        "model": req.model,
        "input": _responses_input(req.messages),
    }
    if req.instructions and not req.previous_response_id:
        body["instructions"] = req.instructions
    if req.previous_response_id:
        body["previous_response_id"] = req.previous_response_id
    if req.tools:
        body["tools"] = [tool_json(t) for t in req.tools]
    if req.reasoning_effort:
        body["reasoning"] = {"effort": req.reasoning_effort}
    if req.max_turns is not None:
        body["max_turns"] = req.max_turns
    if req.max_output_tokens is not None:
        body["max_output_tokens"] = req.max_output_tokens
    if req.store is not None:
        body["store"] = req.store
    if req.include:
        body["include"] = list(req.include)
    if req.json_schema is not None:
        body["text"] = {
            "format": {
                "type": "json_schema",
                "name": req.json_schema_name,
                "schema": req.json_schema,
                "strict": True,
            }
        }
    if req.temperature is not None:
        body["temperature"] = req.temperature
    body.update({k: v for k, v in req.extra.items() if k not in _RESPONSES_REFUSED_EXTRA})
    body["stream"] = True
    return body


def _chat_message(msg: InputMessage) -> dict[str, Any]:
    if not msg.images:
        return {"role": msg.role, "content": msg.text}
    parts: list[dict[str, Any]] = []
    for img in msg.images:
        image_url: dict[str, Any] = {"url": img.url}
        if img.detail:
            image_url["detail"] = img.detail
        parts.append({"type": "image_url", "image_url": image_url})
    if msg.text:
        parts.append({"type": "text", "text": msg.text})
    return {"role": msg.role, "content": parts}


def chat_body(req: ChatRequest) -> tuple[dict[str, Any], list[str]]:
    """The `/v1/chat/completions` body (streamed, usage included) and notes on
    what could not be sent."""
    notes: list[str] = []
    messages = [_chat_message(m) for m in req.messages]
    if req.instructions:
        messages.insert(0, {"role": "system", "content": req.instructions})
    body: dict[str, Any] = {"model": req.model, "messages": messages}
    if any(m.files for m in req.messages):
        notes.append(
            "attached documents are only sent on the Responses API; "
            "they were not sent on chat completions"
        )
    if req.tools:
        notes.append(
            "search tools (and code execution, MCP, collections) are only available "
            "on the Responses API; they were not sent on chat completions"
        )
    if req.reasoning_effort:
        body["reasoning_effort"] = req.reasoning_effort
    if req.max_output_tokens is not None:
        body["max_completion_tokens"] = req.max_output_tokens
    if req.json_schema is not None:
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {
                "name": req.json_schema_name,
                "schema": req.json_schema,
                "strict": True,
            },
        }
    if req.temperature is not None:
        body["temperature"] = req.temperature
    for name, value in (
        ("max_turns", req.max_turns),
        ("store", req.store),
        ("include", req.include or None),
        ("previous_response_id", req.previous_response_id),
    ):
        if value is not None:
            notes.append(f"{name} is a Responses API field; not sent on chat completions")
    extra = dict(req.extra)
    if extra.pop("search_parameters", None) is not None:
        notes.append("search_parameters (retired Live Search) was not sent")
    body.update(extra)
    body["stream"] = True
    body["stream_options"] = {"include_usage": True}
    return body, notes
