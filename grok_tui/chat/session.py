"""The conversation domain: sessions, messages, tool calls, citations, usage.

These pydantic models are the source of truth for a conversation and are
persisted as they are (`grok_tui/store/`). They do no I/O.
"""

from __future__ import annotations

import math
import time
import uuid
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from grok_tui.chat.search import SearchSettings

#: 2: messages form a tree (`Message.parent_id`, `Session.off_path`,
#: `Session.chosen`; see `grok_tui.chat.tree`).
SCHEMA_VERSION = 2


def new_id() -> str:
    return uuid.uuid4().hex


def now() -> float:
    return time.time()


#: The latest time a timestamp may hold (year 3000): every later value, like
#: an infinite or NaN one, cannot be formatted as a date.
MAX_TIMESTAMP = 32_503_680_000.0


def clamp_timestamp(value: float) -> float:
    """A Unix time that `datetime.fromtimestamp` can format: NaN becomes 0,
    and values are kept between 0 and `MAX_TIMESTAMP`."""
    if math.isnan(value):
        return 0.0
    return min(max(value, 0.0), MAX_TIMESTAMP)


#: Seconds since the epoch; hand-edited or foreign files with infinite, NaN or
#: absurd values load clamped instead of crashing the code that shows dates.
Timestamp = Annotated[float, AfterValidator(clamp_timestamp)]

#: The longest duration kept (a year): longer, infinite or NaN values in a
#: file are not real durations.
MAX_SECONDS = 365 * 24 * 3600.0


def clamp_seconds(value: float) -> float:
    """A duration that can be shown: NaN becomes 0, kept within 0..MAX_SECONDS."""
    if math.isnan(value):
        return 0.0
    return min(max(value, 0.0), MAX_SECONDS)


#: A duration in seconds (retry delays, thinking time), clamped on load.
Seconds = Annotated[float, AfterValidator(clamp_seconds)]


class MessageStatus(StrEnum):
    COMPLETE = "complete"
    STREAMING = "streaming"  # on disk only as a checkpoint of a reply in progress
    STOPPED = "stopped"  # the user pressed Esc; partial text kept
    FAILED = "failed"  # the stream failed; partial text kept, `error` says why


class Attachment(BaseModel):
    """An image attached to a user message.

    Kept as a reference: a URL, or a local file path (the store may copy the
    file into the session's attachment folder). Never inlined as base64 on disk.
    """

    model_config = ConfigDict(extra="ignore")

    kind: Literal["image", "document"] = "image"
    source: Literal["url", "file"]
    url: str | None = None  # for source == "url"
    path: str | None = None  # for source == "file": absolute path (the store's copy once saved)
    original_path: str | None = None  # where the user attached it from, when `path` is a copy
    name: str = ""  # display name (file name or last URL segment)
    mime_type: str | None = None  # image/png, image/jpeg
    size_bytes: int | None = None
    #: Documents: the Files API id once uploaded (sent as an `input_file` part).
    file_id: str | None = None


class Citation(BaseModel):
    model_config = ConfigDict(extra="ignore")

    number: int  # display number, 1-based, reused for repeated URLs
    url: str
    title: str | None = None
    start_index: int | None = None
    end_index: int | None = None


class ToolStep(BaseModel):
    """A phase a tool call went through ("executing", "interpreting", ...) and when."""

    model_config = ConfigDict(extra="ignore")

    name: str
    at: Timestamp = Field(default_factory=now)


class FileResult(BaseModel):
    """One result of a collections search: the document, its score, a snippet."""

    model_config = ConfigDict(extra="ignore")

    file_id: str = ""
    filename: str = ""
    score: float | None = None
    text: str = ""


class ToolCall(BaseModel):
    """One server-side tool call of an assistant turn, as shown in the tool log."""

    model_config = ConfigDict(extra="ignore")

    call_id: str
    name: str  # web_search, browse_page, x_keyword_search, view_image, ...
    tool_kind: str  # grok_tui.api.events.ToolKind value
    arguments: str = ""  # raw JSON text
    phase: str = "started"  # grok_tui.api.events.ToolPhase value
    started_at: Timestamp = Field(default_factory=now)
    finished_at: Timestamp | None = None
    sources: list[str] = Field(default_factory=list)
    error: str | None = None
    # Additive (older files have none): the phases with their times, what the
    # tool gave back (code logs, MCP output), the MCP server, collection results.
    steps: list[ToolStep] = Field(default_factory=list)
    output: str | None = None
    server: str | None = None
    results: list[FileResult] = Field(default_factory=list)


class RetryRecord(BaseModel):
    """One retry of a reply's request (the client's `Retrying` event), as shown
    in the tool log. `error` is a one-line summary, cleaned of control
    characters and of anything shaped like an API key."""

    model_config = ConfigDict(extra="ignore")

    attempt: int  # 1 for the first retry
    delay_s: Seconds  # how long the client waited before trying again
    error_kind: str = "error"  # grok_tui.api.errors.XAIError.kind (rate_limited, server, ...)
    error: str = ""
    at: Timestamp = Field(default_factory=now)  # wall time of the retry


class Usage(BaseModel):
    """Token usage and cost of one reply (see grok_tui.api.events.Usage)."""

    model_config = ConfigDict(extra="ignore")

    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0  # visible output, reasoning excluded
    reasoning_tokens: int = 0
    total_tokens: int = 0
    image_input_tokens: int = 0
    server_side_tool_calls: dict[str, int] = Field(default_factory=dict)
    num_server_side_tools_used: int = 0
    cost_usd: float | None = None
    # True when `cost_usd` is an estimate from the model's prices (the server
    # sent no `cost_in_usd_ticks`); shown with `≈`.
    cost_estimated: bool = False


class MessageError(BaseModel):
    """Why a reply failed, as persisted (see grok_tui.api.errors.XAIError.to_dict)."""

    model_config = ConfigDict(extra="ignore")

    type: str
    message: str
    status: int | None = None
    code: str | None = None
    retry_after: Seconds | None = None
    retryable: bool = False


class Message(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(default_factory=new_id)
    role: Literal["system", "user", "assistant"]
    #: The message this one follows in the conversation tree; None for a first
    #: message (a root). On the chosen path it is always the previous message.
    parent_id: str | None = None
    text: str = ""
    created_at: Timestamp = Field(default_factory=now)
    attachments: list[Attachment] = Field(default_factory=list)
    # Assistant replies only:
    model: str | None = None
    response_id: str | None = None
    status: MessageStatus = MessageStatus.COMPLETE
    error: MessageError | None = None
    reasoning: str = ""  # summary / reasoning_content, when the model shows it
    reasoning_started_at: Timestamp | None = None
    reasoning_seconds: Seconds | None = None  # how long the model thought
    tool_calls: list[ToolCall] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    usage: Usage | None = None
    finished_at: Timestamp | None = None
    # Retries of the request before the reply streamed (additive: older files
    # have none and load as they are).
    retries: list[RetryRecord] = Field(default_factory=list)
    # What the client changed or left out of this turn's request, one sentence
    # each ("web search was not sent: ..."), shown on the turn (additive).
    notes: list[str] = Field(default_factory=list)
    # Encrypted reasoning items of this reply (`include:
    # ["reasoning.encrypted_content"]`), opaque JSON objects sent back as they
    # are in the next turn's input (stateless multi-turn). Not secret (additive).
    reasoning_items: list[dict[str, Any]] = Field(default_factory=list)
    # The request that produced this reply had `store: true`, so a later turn
    # may continue it by `previous_response_id` (additive).
    stored_on_server: bool = False


class Session(BaseModel):
    """One conversation. Persisted as one JSON file with `schema_version`."""

    model_config = ConfigDict(extra="ignore")

    schema_version: int = SCHEMA_VERSION
    id: str = Field(default_factory=new_id)
    title: str = ""
    title_is_custom: bool = False  # True once the user renamed it
    created_at: Timestamp = Field(default_factory=now)
    updated_at: Timestamp = Field(default_factory=now)
    model: str = "grok-4.3"
    system_prompt: str = ""
    search: SearchSettings = Field(default_factory=SearchSettings)
    #: The chosen path, root to leaf: what is shown and sent as history.
    messages: list[Message] = Field(default_factory=list)
    #: Every other message of the tree (other versions and branches with their
    #: descendants), in no particular order; siblings are ordered by creation.
    off_path: list[Message] = Field(default_factory=list)
    #: The chosen child at each message with children: parent id ("" for the
    #: roots) -> child id. Kept for off-path messages, so switching back to a
    #: branch restores its own choices; the path wins where they disagree.
    chosen: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_tree(self) -> Session:
        """Chain the path's parent ids (linear sessions built without them)
        and refuse a tree that does not hang together."""
        check_tree(self)
        return self


def check_tree(session: Session) -> None:
    """Chain the path's parent ids (the path is authoritative: each message
    follows the one before it); ValueError when the messages do not form one
    tree (an id twice, an off-path message whose ancestors do not lead to the
    path or a root, a cycle)."""
    ids: set[str] = set()
    previous: str | None = None
    for message in session.messages:
        if message.id in ids:
            raise ValueError(f"message id {message.id!r} appears twice")
        ids.add(message.id)
        message.parent_id = previous  # the path is authoritative
        previous = message.id
    parents: dict[str, str | None] = {}
    for message in session.off_path:
        if message.id in ids or message.id in parents:
            raise ValueError(f"message id {message.id!r} appears twice")
        parents[message.id] = message.parent_id
    settled = set(ids)
    for start in parents:
        trail: list[str] = []
        node: str | None = start
        while node is not None and node not in settled:
            if node in trail:
                raise ValueError(f"messages {node!r} and its parents form a cycle")
            if node not in parents:
                raise ValueError(f"message {start!r} follows a message that is not in the session")
            trail.append(node)
            node = parents[node]
        settled.update(trail)
