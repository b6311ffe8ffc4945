"""The normalized, typed stream of events produced by the client.

Both wire APIs (`/v1/responses` and `/v1/chat/completions`) are decoded into
these events; nothing above `grok_tui/api/` ever sees raw JSON or SSE text.

Events are frozen dataclasses with slots: they are created on the streaming hot
path (one per token), so they are kept cheap. `event_to_dict()` gives a JSON-able
dict for `grok-tui ask --json` and for debugging.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, Never, TypeAlias

if TYPE_CHECKING:
    from grok_tui.api.errors import XAIError


class ToolKind(StrEnum):
    """The billing/usage category of a server-side (or client) tool call."""

    WEB_SEARCH = "web_search"  # web_search, web_search_with_snippets, browse_page
    X_SEARCH = "x_search"  # x_keyword_search, x_semantic_search, x_user_search, x_thread_fetch
    VIEW_IMAGE = "view_image"
    VIEW_X_VIDEO = "view_x_video"
    CODE_EXECUTION = "code_execution"  # code_execution, code_interpreter
    FILE_SEARCH = "file_search"  # collections_search / file_search
    MCP = "mcp"
    IMAGE_GENERATION = "image_generation"
    FUNCTION = "function"  # a client-side function call
    UNKNOWN = "unknown"


class ToolPhase(StrEnum):
    """Where a tool call is in its life."""

    STARTED = "started"
    SEARCHING = "searching"  # also "executing", "interpreting", "generating"
    COMPLETED = "completed"
    FAILED = "failed"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True, slots=True)
class Usage:
    """Token usage and cost of one response, normalized across both APIs.

    `output_tokens` is the *visible* output and never includes reasoning tokens
    (the Responses API counts reasoning inside `output_tokens`, chat completions
    outside; the decoder untangles both).
    """

    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0
    total_tokens: int = 0
    image_input_tokens: int = 0
    # Billable server-side tool calls by kind, e.g. {"web_search": 1, "x_search": 2}.
    server_side_tool_calls: dict[str, int] = field(default_factory=dict)
    # All server-side tool invocations, including token-billed ones (view_image, ...).
    num_server_side_tools_used: int = 0
    # `cost_in_usd_ticks` / 1e10, or None when the server did not say.
    cost_usd: float | None = None


@dataclass(frozen=True, slots=True)
class ResponseStarted:
    """The server accepted the request and began a response."""

    response_id: str | None
    model: str | None
    kind: Literal["response_started"] = "response_started"


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the visible answer."""

    text: str
    kind: Literal["text_delta"] = "text_delta"


@dataclass(frozen=True, slots=True)
class ReasoningStarted:
    """The model began thinking (a reasoning item or the first reasoning delta)."""

    kind: Literal["reasoning_started"] = "reasoning_started"


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    """Readable reasoning text: a Responses summary delta or chat `reasoning_content`."""

    text: str
    kind: Literal["reasoning_delta"] = "reasoning_delta"


@dataclass(frozen=True, slots=True)
class ReasoningProgress:
    """A sign of life while the model thinks without showing its reasoning
    (empty deltas, in-progress snapshots). `elapsed_s` counts from the request."""

    elapsed_s: float
    kind: Literal["reasoning_progress"] = "reasoning_progress"


@dataclass(frozen=True, slots=True)
class KeepAlive:
    """The server (or a proxy) sent an SSE comment line (`: ping`,
    `:keep-alive`): the connection is alive though no event came. At most one
    per `KEEPALIVE_INTERVAL` seconds per attempt; it is not content (retries
    stay allowed) and carries no data. `elapsed_s` counts from the request."""

    elapsed_s: float
    kind: Literal["keep_alive"] = "keep_alive"


@dataclass(frozen=True, slots=True)
class ReasoningFinished:
    """Thinking ended (the first answer text or tool call arrived, or the
    reasoning item closed). `reasoning_tokens` is known only from usage, later."""

    elapsed_s: float
    kind: Literal["reasoning_finished"] = "reasoning_finished"


@dataclass(frozen=True, slots=True)
class EncryptedReasoning:
    """A reasoning output item carrying `encrypted_content` (asked for with
    `include: ["reasoning.encrypted_content"]`). `item` is the item to send back
    in the next turn's input, as it came (`type`, `id`, `summary`,
    `encrypted_content`); opaque to the client."""

    item: dict[str, Any]
    kind: Literal["encrypted_reasoning"] = "encrypted_reasoning"


@dataclass(frozen=True, slots=True)
class ToolCallStarted:
    """A server-side (or client) tool call appeared."""

    call_id: str  # stable id within the response (the output item id)
    name: str  # e.g. "web_search", "x_keyword_search", "browse_page", or unknown names verbatim
    tool_kind: ToolKind
    arguments: str  # raw JSON text of the arguments as far as known ("" when not yet)
    server: str | None = None  # MCP: the server label
    kind: Literal["tool_call_started"] = "tool_call_started"


@dataclass(frozen=True, slots=True)
class ToolCallUpdated:
    """New arguments and/or a new phase for a running tool call."""

    call_id: str
    phase: ToolPhase
    arguments: str | None = None  # full argument JSON text when it changed, else None
    # The wire's own word for a phase change ("in_progress", "executing",
    # "interpreting", "searching", "completed"); None for argument updates.
    step: str | None = None
    kind: Literal["tool_call_updated"] = "tool_call_updated"


@dataclass(frozen=True, slots=True)
class FileSearchHit:
    """One result of a collections (file_search) call."""

    file_id: str
    filename: str
    score: float | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class ToolCallFinished:
    """A tool call ended (completed, failed or incomplete)."""

    call_id: str
    name: str
    tool_kind: ToolKind
    phase: ToolPhase
    arguments: str  # final argument JSON text ("" if none)
    sources: tuple[str, ...] = ()  # URLs a web search reported, when given
    error: str | None = None
    # What the tool gave back, when the response carries it: code execution
    # logs, an MCP tool's output.
    output: str | None = None
    server: str | None = None  # MCP: the server label
    results: tuple[FileSearchHit, ...] = ()  # collections search results
    kind: Literal["tool_call_finished"] = "tool_call_finished"


@dataclass(frozen=True, slots=True)
class CitationAdded:
    """A source the answer cites. Positions index characters of the answer
    text (advisory: servers have sent zeros)."""

    url: str
    title: str | None = None
    start_index: int | None = None
    end_index: int | None = None
    kind: Literal["citation_added"] = "citation_added"


@dataclass(frozen=True, slots=True)
class UsageUpdated:
    usage: Usage
    kind: Literal["usage_updated"] = "usage_updated"


@dataclass(frozen=True, slots=True)
class Retrying:
    """A retryable failure happened before any content; the client waits
    `delay_s` and tries again (attempt counts from 1 for the first retry)."""

    attempt: int
    delay_s: float
    error: XAIError
    kind: Literal["retrying"] = "retrying"


@dataclass(frozen=True, slots=True)
class Completed:
    """The response finished. Always the last event of a successful stream."""

    response_id: str | None
    model: str | None
    text: str  # the whole visible answer
    status: str = "completed"  # "completed" or "incomplete" (e.g. max_output_tokens)
    finish_reason: str | None = None
    usage: Usage | None = None
    kind: Literal["completed"] = "completed"


@dataclass(frozen=True, slots=True)
class Failed:
    """The response failed. Always the last event of a failed stream.

    `partial` is True when content (text, reasoning or tool calls) had been
    delivered before the failure; `text` holds the visible text so far."""

    error: XAIError
    partial: bool
    text: str = ""
    kind: Literal["failed"] = "failed"


@dataclass(frozen=True, slots=True)
class DebugEvent:
    """Something the decoder skipped (unknown event or item type, bad frame)."""

    message: str
    raw_type: str | None = None
    kind: Literal["debug"] = "debug"


#: Every event a stream can carry: a closed union (a `match` over it ends in
#: `unhandled_event`, so mypy names any event type a consumer forgot).
StreamEvent: TypeAlias = (
    ResponseStarted
    | TextDelta
    | ReasoningStarted
    | ReasoningDelta
    | ReasoningProgress
    | KeepAlive
    | ReasoningFinished
    | EncryptedReasoning
    | ToolCallStarted
    | ToolCallUpdated
    | ToolCallFinished
    | CitationAdded
    | UsageUpdated
    | Retrying
    | Completed
    | Failed
    | DebugEvent
)


def unhandled_event(event: Never) -> None:
    """The last case of an exhaustive `match` over `StreamEvent`.

    Like `typing.assert_never` for the type checker (a `match` that misses an
    event type fails `mypy`), but an event of a type added later that reaches
    this code at run time is ignored, as consumers always ignored unknown
    events (a newer decoder must not break an older consumer mid-stream).
    """


#: Seconds between two `KeepAlive` events at least (a flood of comments is
#: reported once per interval).
KEEPALIVE_INTERVAL = 1.0

#: Events after which the stream ends.
TERMINAL_EVENTS = (Completed, Failed)


def event_to_dict(event: StreamEvent) -> dict[str, Any]:
    """A JSON-able dict of an event (errors become {type, message, status})."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(event):
        value = getattr(event, f.name)
        if f.name == "error" and value is not None and not isinstance(value, str):
            value = value.to_dict()
        elif isinstance(value, Usage):
            value = dataclasses.asdict(value)
        elif isinstance(value, tuple):
            value = [
                dataclasses.asdict(v) if dataclasses.is_dataclass(v) else v  # type: ignore[arg-type]
                for v in value
            ]
        out[f.name] = value
    out["kind"] = event.kind
    return out
