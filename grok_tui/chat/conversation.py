"""Small operations on a `Session`: adding turns, regenerate, titles, totals
(editing a sent message: `grok_tui.chat.edit`).

No I/O: saving is the store's job.
"""

from __future__ import annotations

from collections.abc import Iterable

from grok_tui.chat.models import (
    Attachment,
    Message,
    MessageError,
    MessageStatus,
    Session,
    Usage,
    now,
)
from grok_tui.sanitize import one_line

TITLE_LIMIT = 60


def touch(session: Session) -> None:
    """Mark the session as changed now."""
    session.updated_at = now()


def title_from_text(text: str, limit: int = TITLE_LIMIT) -> str:
    """A session title from a prompt: its first non-empty line, cleaned of
    control characters, cut at a word boundary to about `limit` characters."""
    first = ""
    for line in text.splitlines():
        if line.strip():
            first = line
            break
    flat = one_line(first, limit=10_000)
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def add_user_message(
    session: Session, text: str, attachments: Iterable[Attachment] = ()
) -> Message:
    """Append the user's message; the first one also names an untitled session."""
    message = Message(role="user", text=text, attachments=list(attachments))
    session.messages.append(message)
    if not session.title_is_custom and not session.title.strip():
        title = title_from_text(text)
        if not title and message.attachments:
            title = f"Image: {message.attachments[0].name}" if message.attachments[0].name else ""
        session.title = title
    touch(session)
    return message


def start_reply(session: Session, model: str) -> Message:
    """Append an empty assistant reply in STREAMING state and return it."""
    message = Message(role="assistant", model=model, status=MessageStatus.STREAMING)
    session.messages.append(message)
    touch(session)
    return message


INTERRUPTED_MESSAGE = "The app closed before this reply finished"


def settle_interrupted(session: Session) -> int:
    """Mark replies still STREAMING in a session loaded from disk (the app was
    killed or crashed mid-reply) as failed with a stream-interrupted error, so
    they show as interrupted, keep their partial text, are sent with the
    history like any failed reply, and can be retried. Returns how many."""
    count = 0
    for message in session.messages:
        if message.role == "assistant" and message.status == MessageStatus.STREAMING:
            message.status = MessageStatus.FAILED
            message.error = MessageError(
                type="stream_interrupted", message=INTERRUPTED_MESSAGE, retryable=True
            )
            for call in message.tool_calls:
                if call.phase not in ("completed", "failed", "incomplete"):
                    call.phase = "incomplete"
            count += 1
    return count


def last_user_index(session: Session) -> int | None:
    """Index of the last user message, or None when there is none."""
    for i in range(len(session.messages) - 1, -1, -1):
        if session.messages[i].role == "user":
            return i
    return None


def last_user_message(session: Session) -> Message | None:
    i = last_user_index(session)
    return None if i is None else session.messages[i]


def prepare_regenerate(session: Session) -> None:
    """Drop everything after the last user message (its reply or replies), so
    the same history is sent again. Nothing happens without a user message."""
    i = last_user_index(session)
    if i is None:
        return
    if len(session.messages) > i + 1:
        del session.messages[i + 1 :]
        touch(session)


#: Name used in the contracts page.
drop_last_reply = prepare_regenerate


def session_totals(session: Session) -> Usage:
    """Tokens and cost summed over the session's replies. `cost_usd` is None
    when no reply reported a cost, else the sum of the known costs;
    `cost_estimated` when any part of it is an estimate."""
    total = Usage()
    cost: float | None = None
    tools: dict[str, int] = {}
    for m in session.messages:
        u = m.usage
        if m.role != "assistant" or u is None:
            continue
        total.input_tokens += u.input_tokens
        total.cached_input_tokens += u.cached_input_tokens
        total.output_tokens += u.output_tokens
        total.reasoning_tokens += u.reasoning_tokens
        total.total_tokens += u.total_tokens
        total.image_input_tokens += u.image_input_tokens
        total.num_server_side_tools_used += u.num_server_side_tools_used
        for k, v in u.server_side_tool_calls.items():
            tools[k] = tools.get(k, 0) + v
        if u.cost_usd is not None:
            cost = (cost or 0.0) + u.cost_usd
            total.cost_estimated = total.cost_estimated or u.cost_estimated
    total.server_side_tool_calls = tools
    total.cost_usd = cost
    return total
