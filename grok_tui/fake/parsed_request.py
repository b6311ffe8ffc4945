"""Reading a generation request (Responses or Chat Completions) into the facts
the fake needs. Raw dict access only: the fake never uses grok_tui.api."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from grok_tui.fake.catalog import ModelEntry

ApiKind = Literal["responses", "chat"]

_DIRECTIVE = re.compile(r"\b(?:scenario|tokens):\S+")
_SCENARIO = re.compile(r"\bscenario:([A-Za-z0-9_]+)")
_TOKENS = re.compile(r"\btokens:(\d+)")


@dataclass(slots=True)
class ParsedRequest:
    api: ApiKind
    body: dict[str, Any]
    requested_model: str
    model: ModelEntry | None
    stream: bool
    last_user_text: str = ""
    image_count: int = 0
    input_chars: int = 0
    history_chars: int = 0  # input chars before the last user message
    message_count: int = 0
    web_tool: dict[str, Any] | None = None
    x_tool: dict[str, Any] | None = None
    tools_echo: list[Any] = field(default_factory=list)
    effort: str | None = None
    include_usage: bool = False
    include: list[str] = field(default_factory=list)
    # The stored conversation a `previous_response_id` continues (fake/state.py).
    prior_items: list[dict[str, Any]] = field(default_factory=list)
    code_tool: dict[str, Any] | None = None
    mcp_tools: list[dict[str, Any]] = field(default_factory=list)
    file_search_tool: dict[str, Any] | None = None

    @property
    def model_name(self) -> str:
        """The name echoed in responses: the canonical id (grok-3-mini-high quirk on chat)."""
        if self.model is None:
            return self.requested_model
        if self.api == "chat" and self.model.id == "grok-3-mini" and self.effort == "high":
            return "grok-3-mini-high"
        return self.model.id

    @property
    def scenario_directive(self) -> str | None:
        """The last `scenario:NAME` in the last user text: a client that merges
        an unanswered user message into the next one (grok-tui does, after a
        failed reply) sends the older text first, and the newest word wins."""
        names = _SCENARIO.findall(self.last_user_text)
        return names[-1] if names else None

    @property
    def tokens_directive(self) -> int | None:
        """The last `tokens:N` in the last user text (see `scenario_directive`)."""
        counts = _TOKENS.findall(self.last_user_text)
        return int(counts[-1]) if counts else None

    @property
    def prompt(self) -> str:
        """The last user text without `scenario:` / `tokens:` directives."""
        return " ".join(_DIRECTIVE.sub(" ", self.last_user_text).split())

    @property
    def search_enabled(self) -> bool:
        return self.web_tool is not None or self.x_tool is not None

    @property
    def other_tools_enabled(self) -> bool:
        """Code execution, an MCP server or collections search is in the request."""
        return bool(self.code_tool is not None or self.mcp_tools or self.file_search_tool)


def _parts_text(content: Any) -> tuple[str, int]:
    """(text, image count) of a message content: string or list of parts."""
    if isinstance(content, str):
        return content, 0
    texts: list[str] = []
    images = 0
    if isinstance(content, list):
        for part in content:
            if not isinstance(part, dict):
                continue
            kind = part.get("type")
            if kind in ("input_text", "text", "output_text") and isinstance(part.get("text"), str):
                texts.append(part["text"])
            elif kind in ("input_image", "image_url"):
                images += 1
    return "\n".join(texts), images


def flatten_web_tool(tool: dict[str, Any]) -> dict[str, Any]:
    """The web_search tool with nested `filters` moved to the flat fields."""
    out = {k: v for k, v in tool.items() if k != "filters"}
    filters = tool.get("filters")
    if isinstance(filters, dict):
        for key in ("allowed_domains", "excluded_domains"):
            if key in filters and key not in out:
                out[key] = filters[key]
    return out


def parse(api: ApiKind, body: dict[str, Any], model: ModelEntry | None) -> ParsedRequest:
    model_field = body.get("model")
    requested = model_field if isinstance(model_field, str) else ""
    req = ParsedRequest(
        api=api,
        body=body,
        requested_model=requested,
        model=model,
        stream=body.get("stream") is True,
    )
    if api == "responses":
        items = body.get("input")
        if isinstance(items, str):
            items = [{"role": "user", "content": items}]
        messages = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
        instructions = body.get("instructions")
        extra_chars = len(instructions) if isinstance(instructions, str) else 0
        reasoning = body.get("reasoning")
        if isinstance(reasoning, dict) and isinstance(reasoning.get("effort"), str):
            req.effort = reasoning["effort"]
        inc = body.get("include")
        req.include = [i for i in inc if isinstance(i, str)] if isinstance(inc, list) else []
        tools = body.get("tools")
        if isinstance(tools, list):
            for tool in tools:
                if not isinstance(tool, dict):
                    req.tools_echo.append(tool)
                    continue
                if tool.get("type") == "web_search":
                    tool = flatten_web_tool(tool)
                    req.web_tool = tool
                elif tool.get("type") == "x_search":
                    req.x_tool = tool
                elif tool.get("type") in ("code_interpreter", "code_execution"):
                    req.code_tool = tool
                elif tool.get("type") == "mcp":
                    req.mcp_tools.append(tool)
                    # Never echo a token back (the snapshot goes to the client).
                    tool = {k: v for k, v in tool.items() if k not in ("authorization", "headers")}
                elif tool.get("type") in ("file_search", "collections_search"):
                    req.file_search_tool = tool
                req.tools_echo.append(tool)
    else:
        raw = body.get("messages")
        messages = [m for m in raw if isinstance(m, dict)] if isinstance(raw, list) else []
        extra_chars = 0
        if isinstance(body.get("reasoning_effort"), str):
            req.effort = body["reasoning_effort"]
        opts = body.get("stream_options")
        req.include_usage = isinstance(opts, dict) and opts.get("include_usage") is True
    total = extra_chars
    last_user_index = -1
    texts: list[tuple[str, int]] = []
    for i, msg in enumerate(messages):
        text, images = _parts_text(msg.get("content"))
        if not text and msg.get("type") == "function_call_output":
            text = str(msg.get("output", ""))
        texts.append((text, images))
        total += len(text)
        if msg.get("role") == "user":
            last_user_index = i
    req.message_count = len(messages)
    req.input_chars = total
    if last_user_index >= 0:
        req.last_user_text, req.image_count = texts[last_user_index]
        req.history_chars = extra_chars + sum(len(t) for t, _ in texts[:last_user_index])
    else:
        req.history_chars = total
    return req
