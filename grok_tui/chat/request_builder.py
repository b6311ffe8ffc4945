"""Building the wire-neutral `ChatRequest` for the next turn of a session.

Used by the TUI and by `grok-tui ask`. The history is the session's messages
(optionally only those before index `upto`), minus assistant replies that carry
nothing to send (a streaming placeholder, an empty reply) and failed replies: a
failed reply's partial text is not the model's answer, so it is not sent back
as if it were. Stopped replies with partial text are sent as they are (the user
chose to stop; the model sees what the user saw). Consecutive user messages left
by a dropped reply are merged into one (texts joined by a blank line, images in
order), so the history alternates user / assistant as the API expects and no
question is lost.

Storage and reasoning (Responses API): every request says `store` explicitly
(`RequestOptions.store_responses`, default False: nothing is kept on xAI's
servers). With storage off and a reasoning model the request asks for
`include: ["reasoning.encrypted_content"]`, and each earlier reply's encrypted
reasoning items (`Message.reasoning_items`) are sent back before its text, as
xAI documents for stateless multi-turn.

System prompt: on the Responses API it goes in `instructions`, on chat
completions as a leading system message. Why `instructions` rather than a
system message in `input` (the API accepts both): it is the documented field
for the purpose, it is never confused with history (a system message stored in
the session stays a separate, ordered message), and the client's two wire
encoders map one field instead of each re-discovering the first message. With
`previous_response_id` (server-side conversation, `RequestOptions.conversation
== "server"`) the system prompt goes into the input as a system message
instead, since the API forbids `instructions` together with it.

Search settings become tools on the Responses API only: chat completions has no
server-side search any more (Live Search is retired, HTTP 410), so there the
tools and `max_turns` are left out; `unsupported_on_api` names what was dropped
so the caller can tell the user.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from grok_tui.api.chat_request import (
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
from grok_tui.chat.preflight import effort_to_send
from grok_tui.chat.search import SearchSettings
from grok_tui.chat.session import Attachment, Message, MessageStatus, Session
from grok_tui.chat.tools import ToolConfig, ToolSettings

ENCRYPTED_REASONING = "reasoning.encrypted_content"
ConversationMode = Literal["client", "server"]


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """How requests are built, from the settings (`store_responses`, `conversation`)."""

    store_responses: bool = False
    conversation: ConversationMode = "client"

    @property
    def chained(self) -> bool:
        """Whether turns continue the server's stored response (needs storage on)."""
        return self.store_responses and self.conversation == "server"


_NON_REASONING = re.compile(r"non-reasoning|^grok-2|^grok-3(?:-fast)?(?:-latest|-beta)?$")


def is_reasoning_model(model: str) -> bool:
    """Whether `model` reasons (unknown models are assumed to)."""
    return not _NON_REASONING.search(model.strip().lower())


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
    if message.status in (MessageStatus.STREAMING, MessageStatus.FAILED):
        return False
    # Failed with nothing shown, or an empty reply (e.g. stopped before the
    # first token): the API rejects empty content, and there is nothing to say.
    return bool(message.text.strip())


def history_messages(session: Session, upto: int | None = None) -> list[Message]:
    """The session's messages that are sent, in order (before index `upto`)."""
    msgs: Sequence[Message] = session.messages if upto is None else session.messages[:upto]
    return [m for m in msgs if should_send(m)]


def _same_model(reply_model: str | None, chosen: str) -> bool:
    """Encrypted reasoning is replayed only to the model that produced it
    (the reply echoes the canonical id; the user may have chosen an alias)."""
    if not reply_model:
        return True
    return reply_model == chosen or reply_model.startswith(chosen + "-")


def _input_messages(
    messages: Sequence[Message], *, replay_reasoning: bool, model: str
) -> list[InputMessage]:
    """The history as input messages: consecutive user messages merged
    (texts joined, images and documents kept in order)."""
    out: list[InputMessage] = []
    for message in messages:
        images: tuple[ImagePart, ...] = ()
        files: tuple[FilePart, ...] = ()
        if message.role == "user" and message.attachments:
            images = tuple(
                image_part_for(att) for att in message.attachments if att.kind != "document"
            )
            files = tuple(
                file_part_for(att) for att in message.attachments if att.kind == "document"
            )
        items: tuple[dict[str, Any], ...] = ()
        if replay_reasoning and message.role == "assistant" and _same_model(message.model, model):
            items = tuple(message.reasoning_items)
        if message.role == "user" and out and out[-1].role == "user":
            prev = out[-1]
            text = "\n\n".join(t for t in (prev.text, message.text) if t)
            out[-1] = InputMessage(
                role="user",
                text=text,
                images=prev.images + images,
                files=prev.files + files,
                items_before=prev.items_before,
            )
            continue
        out.append(
            InputMessage(
                role=message.role,
                text=message.text,
                images=images,
                files=files,
                items_before=items,
            )
        )
    return out


def file_part_for(att: Attachment) -> FilePart:
    """The `input_file` part of an uploaded document; `AttachmentError` when it
    was never uploaded (the caller uploads first, see `ui/uploads.py`)."""
    if not att.file_id:
        raise AttachmentError(f"the document {att.name!r} is not uploaded yet")
    return FilePart(file_id=att.file_id)


def chain_anchor(session: Session, upto: int | None = None) -> int | None:
    """Index of the reply a chained request continues: the last sent reply, when
    it completed, was stored on the server and has a response id; else None."""
    msgs = session.messages if upto is None else session.messages[:upto]
    for i in range(len(msgs) - 1, -1, -1):
        m = msgs[i]
        if m.role != "assistant" or not should_send(m):
            continue
        if m.status == MessageStatus.COMPLETE and m.stored_on_server and m.response_id:
            return i
        return None
    return None


def build_request(
    session: Session,
    *,
    api: ApiKind = "responses",
    model: str | None = None,
    upto: int | None = None,
    options: RequestOptions | None = None,
    full_history: bool = False,
    tool_config: ToolConfig | None = None,
) -> ChatRequest:
    """The request for the next reply of `session`.

    `model` overrides the session's model; `upto` limits the history to the
    messages before that index (regenerate/edit from the middle). With
    `options.chained` the request carries only the messages after the last
    stored reply and its `previous_response_id` (unless `full_history`: the
    fallback when the server no longer has that response). `tool_config`
    defines the MCP servers the session switches on. Raises
    `grok_tui.chat.attachments.AttachmentError` when an attached file has gone.
    """
    opts = options or RequestOptions()
    chosen_model = model or session.model
    responses = api == "responses"
    store = opts.store_responses if responses else None
    replay = responses and not opts.store_responses and is_reasoning_model(chosen_model)
    anchor = (
        chain_anchor(session, upto) if (responses and opts.chained and not full_history) else None
    )
    history = session.messages if upto is None else session.messages[:upto]
    previous_id: str | None = None
    if anchor is not None:
        previous_id = history[anchor].response_id
        history = history[anchor + 1 :]
    messages: list[InputMessage] = []
    system = session.system_prompt.strip()
    system_as_message = system and (api == "chat" or (opts.chained and anchor is None))
    if system_as_message:
        messages.append(InputMessage(role="system", text=session.system_prompt))
    messages.extend(
        _input_messages(
            [m for m in history if should_send(m)], replay_reasoning=replay, model=chosen_model
        )
    )
    settings = session.search
    tools: tuple[Tool, ...] = ()
    if responses:
        tools = search_tools(settings) + server_tools(settings.tools, tool_config)
    return ChatRequest(
        model=chosen_model,
        messages=tuple(messages),
        instructions=(
            session.system_prompt if (system and responses and not opts.chained) else None
        ),
        tools=tools,
        # A model that refuses the effort (HTTP 400) gets none: the session
        # keeps its setting, the front end says it was not sent.
        reasoning_effort=effort_to_send(chosen_model, settings.reasoning_effort),
        max_turns=settings.max_turns if (responses and tools) else None,
        store=store,
        include=(ENCRYPTED_REASONING,) if replay else (),
        previous_response_id=previous_id,
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
