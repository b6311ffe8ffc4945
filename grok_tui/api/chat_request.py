"""What the client is asked to send: a wire-neutral request.

`grok_tui/chat/request_builder.py` builds one of these from a session; the client turns
it into the JSON of `/v1/responses` or `/v1/chat/completions`. Filter values
here are assumed valid: validation belongs to `grok_tui/chat/search.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant", "developer"]
ApiKind = Literal["responses", "chat"]


@dataclass(frozen=True, slots=True)
class ImagePart:
    """An image for the model: an https URL or a `data:image/...;base64,` URI."""

    url: str
    detail: Literal["auto", "low", "high"] | None = None


@dataclass(frozen=True, slots=True)
class FilePart:
    """A document uploaded through the Files API, sent as an `input_file` part."""

    file_id: str


@dataclass(frozen=True, slots=True)
class InputMessage:
    """One message of the history. Images, then documents, come before the text."""

    role: Role
    text: str
    images: tuple[ImagePart, ...] = ()
    files: tuple[FilePart, ...] = ()
    # Output items of an earlier response sent back before this message, as
    # they came (encrypted reasoning items; Responses API only, opaque).
    items_before: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class WebSearchTool:
    allowed_domains: tuple[str, ...] = ()
    excluded_domains: tuple[str, ...] = ()
    enable_image_understanding: bool = False
    enable_image_search: bool = False


@dataclass(frozen=True, slots=True)
class XSearchTool:
    allowed_x_handles: tuple[str, ...] = ()
    excluded_x_handles: tuple[str, ...] = ()
    from_date: str | None = None  # YYYY-MM-DD
    to_date: str | None = None
    enable_image_understanding: bool = False
    enable_video_understanding: bool = False


@dataclass(frozen=True, slots=True)
class CodeInterpreterTool:
    """Server-side code execution: `{"type": "code_interpreter"}`."""


@dataclass(frozen=True, slots=True)
class McpTool:
    """A remote MCP server the API calls on the model's behalf.

    `authorization` is a secret (`Bearer <token>`): it goes into the request
    body only, and `repr` never shows it."""

    server_url: str
    server_label: str
    server_description: str | None = None
    allowed_tools: tuple[str, ...] = ()
    authorization: str | None = field(default=None, repr=False)
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class FileSearchTool:
    """Collections search: `{"type": "file_search", "vector_store_ids": [...]}`."""

    vector_store_ids: tuple[str, ...]
    max_num_results: int | None = None


Tool = WebSearchTool | XSearchTool | CodeInterpreterTool | McpTool | FileSearchTool


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """A wire-neutral request for one streamed model turn."""

    model: str
    messages: tuple[InputMessage, ...]
    instructions: str | None = None  # system prompt sent as `instructions` (Responses only)
    tools: tuple[Tool, ...] = ()
    reasoning_effort: str | None = None  # "none" | "low" | "medium" | "high" | "xhigh"
    max_turns: int | None = None
    max_output_tokens: int | None = None
    store: bool | None = None
    include: tuple[str, ...] = ()
    previous_response_id: str | None = None
    # Structured output: a JSON schema (dict) and its name.
    json_schema: dict[str, Any] | None = None
    json_schema_name: str = "response"
    temperature: float | None = None
    # Extra top-level fields merged into the body as given (escape hatch).
    extra: dict[str, Any] = field(default_factory=dict)
