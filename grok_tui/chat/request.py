"""Building the wire-neutral `ChatRequest` for the next turn of a session.

Used by the TUI and by `grok-tui ask`. The history is the session's messages
(optionally only those before index `upto`), minus assistant replies that carry
nothing to send (a failed reply with no text, a streaming placeholder, an empty
reply). Stopped or failed replies with partial text are sent as they are: the
model sees what the user saw.

System prompt: on the Responses API it goes in `instructions`, on chat
completions as a leading system message. Why `instructions` rather than a
system message in `input` (the API accepts both): it is the documented field
for the purpose, it is never confused with history (a system message stored in
the session stays a separate, ordered message), and the client's two wire
encoders map one field instead of each re-discovering the first message. The
only documented conflict (`instructions` with `previous_response_id`) does not
arise: we always send the whole history.

Search settings become tools on the Responses API only: chat completions has no
server-side search any more (Live Search is retired, HTTP 410), so there the
tools and `max_turns` are left out; `unsupported_on_api` names what was dropped
so the caller can tell the user.
"""

from __future__ import annotations

from collections.abc import Sequence

from grok_tui.api.request import (
    ApiKind,
    ChatRequest,
    CodeInterpreterTool,
    FilePart,
    FileSearchTool,
    ImagePart,
    InputMessage,
    McpTool,
    Tool,
    WebSearchTool,
    XSearchTool,
)
from grok_tui.chat.attachments import AttachmentError, image_part_for
from grok_tui.chat.models import Attachment, Message, MessageStatus, Session
from grok_tui.chat.search import SearchSettings, reasoning_efforts_for
from grok_tui.chat.tools import ToolConfig, ToolSettings


def search_tools(settings: SearchSettings) -> tuple[WebSearchTool | XSearchTool, ...]:
    """The search tools for these settings (none when both searches are off).

    Domains/handles go to the allowed or the excluded list according to the
    mode; an empty list is simply not set. Values are assumed validated by the
    settings model.
    """
    tools: list[WebSearchTool | XSearchTool] = []
    web = settings.web
    if web.enabled:
        domains = tuple(web.domains)
        tools.append(
            WebSearchTool(
                allowed_domains=domains if web.domain_mode == "allowed" else (),
                excluded_domains=domains if web.domain_mode == "excluded" else (),
                enable_image_understanding=web.image_understanding,
                enable_image_search=web.image_search,
            )
        )
    x = settings.x
    if x.enabled:
        handles = tuple(x.handles)
        tools.append(
            XSearchTool(
                allowed_x_handles=handles if x.handle_mode == "allowed" else (),
                excluded_x_handles=handles if x.handle_mode == "excluded" else (),
                from_date=x.from_date or None,
                to_date=x.to_date or None,
                enable_image_understanding=x.image_understanding,
                enable_video_understanding=x.video_understanding,
            )
        )
    return tuple(tools)


def server_tools(
    settings: ToolSettings, config: ToolConfig | None
) -> tuple[CodeInterpreterTool | McpTool | FileSearchTool, ...]:
    """Code execution, the MCP servers switched on (those defined in `config`;
    labels it does not define are left out, see `chat.tools.check_session_tools`)
    and the collections search, in that order."""
    tools: list[CodeInterpreterTool | McpTool | FileSearchTool] = []
    if settings.code_execution:
        tools.append(CodeInterpreterTool())
    for label in settings.mcp:
        server = config.server(label) if config is not None else None
        if server is None:
            continue
        tools.append(
            McpTool(
                server_url=server.url,
                server_label=server.label,
                server_description=server.description or None,
                allowed_tools=tuple(server.allowed_tools),
                authorization=server.authorization(),
                headers=tuple(server.headers.items()),
            )
        )
    if settings.collections:
        tools.append(
            FileSearchTool(
                vector_store_ids=tuple(settings.collections),
                max_num_results=settings.collection_results,
            )
        )
    return tuple(tools)


def should_send(message: Message) -> bool:
    """Whether a stored message belongs in the history sent to the model."""
    if message.role != "assistant":
        return True
    if message.status == MessageStatus.STREAMING:
        return False
    # Failed with nothing shown, or an empty reply (e.g. stopped before the
    # first token): the API rejects empty content, and there is nothing to say.
    return bool(message.text.strip())


def history_messages(session: Session, upto: int | None = None) -> list[Message]:
    """The session's messages that are sent, in order (before index `upto`)."""
    msgs: Sequence[Message] = session.messages if upto is None else session.messages[:upto]
    return [m for m in msgs if should_send(m)]


def _input_message(message: Message) -> InputMessage:
    images: tuple[ImagePart, ...] = ()
    files: tuple[FilePart, ...] = ()
    if message.role == "user" and message.attachments:
        images = tuple(
            image_part_for(att) for att in message.attachments if att.kind != "document"
        )
        files = tuple(file_part_for(att) for att in message.attachments if att.kind == "document")
    return InputMessage(role=message.role, text=message.text, images=images, files=files)


def file_part_for(att: Attachment) -> FilePart:
    """The `input_file` part of an uploaded document; `AttachmentError` when it
    was never uploaded (the caller uploads first, see `ui/uploads.py`)."""
    if not att.file_id:
        raise AttachmentError(f"the document {att.name!r} is not uploaded yet")
    return FilePart(file_id=att.file_id)


def build_request(
    session: Session,
    *,
    api: ApiKind = "responses",
    model: str | None = None,
    upto: int | None = None,
    tool_config: ToolConfig | None = None,
) -> ChatRequest:
    """The request for the next reply of `session`.

    `model` overrides the session's model; `upto` limits the history to the
    messages before that index (regenerate/edit from the middle);
    `tool_config` defines the MCP servers the session switches on. Raises
    `grok_tui.chat.attachments.AttachmentError` when an attached file has gone.
    """
    messages: list[InputMessage] = []
    system = session.system_prompt.strip()
    if system and api == "chat":
        messages.append(InputMessage(role="system", text=session.system_prompt))
    messages.extend(_input_message(m) for m in history_messages(session, upto))
    settings = session.search
    tools: tuple[Tool, ...] = ()
    if api == "responses":
        tools = search_tools(settings) + server_tools(settings.tools, tool_config)
    chosen_model = model or session.model
    effort = settings.reasoning_effort
    if effort is not None and reasoning_efforts_for(chosen_model) == ():
        # The model refuses the field outright (HTTP 400): the session's effort
        # setting stays, but is not sent to this model.
        effort = None
    return ChatRequest(
        model=chosen_model,
        messages=tuple(messages),
        instructions=session.system_prompt if (system and api == "responses") else None,
        tools=tools,
        reasoning_effort=effort,
        max_turns=settings.max_turns if (api == "responses" and tools) else None,
    )


def unsupported_on_api(settings: SearchSettings, api: ApiKind) -> list[str]:
    """Names of the settings `build_request` leaves out on this API (empty on responses)."""
    if api == "responses":
        return []
    dropped: list[str] = []
    if settings.web.enabled:
        dropped.append("web search")
    if settings.x.enabled:
        dropped.append("X search")
    if settings.tools.code_execution:
        dropped.append("code execution")
    if settings.tools.mcp:
        dropped.append("MCP servers")
    if settings.tools.collections:
        dropped.append("collections search")
    if settings.max_turns is not None and settings.any_enabled:
        dropped.append("max turns")
    return dropped
