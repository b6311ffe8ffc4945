"""Small operations on a `Session`: adding turns, regenerate, titles, totals
(editing a sent message: `grok_tui.chat.edit`; versions and branches:
`grok_tui.chat.tree`).

No I/O: saving is the store's job.
"""

from __future__ import annotations

from collections.abc import Iterable

from grok_tui.chat import tree
from grok_tui.chat.session import (
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
    tree.append_to_path(session, message)
    if not session.title_is_custom and not session.title.strip():
        title = title_from_text(text)
        if not title and message.attachments:
            title = f"Image: {message.attachments[0].name}" if message.attachments[0].name else ""
        session.title = title
    touch(session)
    return message


def start_reply(session: Session, model: str) -> Message:
    """Append an empty assistant reply in STREAMING state to the path and
    return it (after `prepare_regenerate`: a new version of the reply)."""
    message = Message(role="assistant", model=model, status=MessageStatus.STREAMING)
    tree.append_to_path(session, message)
    touch(session)
    return message


INTERRUPTED_MESSAGE = "The app closed before this reply finished"


def settle_interrupted(session: Session) -> int:
    """Mark replies still STREAMING in a session loaded from disk (the app was
    killed or crashed mid-reply) as failed with a stream-interrupted error, so
    they show as interrupted, keep their partial text, are sent with the
    history like any failed reply, and can be retried. Off-path versions and
    branches are covered too. Returns how many."""
    count = 0
    for message in tree.all_messages(session):
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
    """Path index of the last user message, or None when there is none."""
    return tree.last_user_index(session)


def last_user_message(session: Session) -> Message | None:
    i = last_user_index(session)
    return None if i is None else session.messages[i]


def prepare_regenerate(session: Session) -> list[Message]:
    """Move what follows the last user message (its reply) off the chosen path,
    kept as a version, so the same history is sent again and the reply
    `start_reply` adds next becomes a new version beside it. Returns what was
    moved (`tree.switch_to(session, moved[0].id)` puts it back). Nothing
    happens without a user message. Nothing is deleted."""
    moved = tree.detach_replies(session)
    if moved:
        touch(session)
    return moved


def session_totals(session: Session) -> Usage:
    """Tokens and cost of everything paid for: every reply of the session, every
    version and branch included (the chosen path's share: `path_totals`).
    `cost_usd` is None when no reply reported a cost, else the sum of the
    known costs; `cost_estimated` when any part of it is an estimate."""
    return usage_totals(tree.all_messages(session))


def path_totals(session: Session) -> Usage:
    """Tokens and cost of the replies on the chosen path only."""
    return usage_totals(session.messages)


def usage_totals(messages: Iterable[Message]) -> Usage:
    """Tokens and cost summed over the assistant replies among `messages`
    (summed in locals: setting a pydantic field per reply cost more than the
    sum itself on a session of a thousand replies)."""
    sums = [0] * 7
    cost: float | None = None
    estimated = False
    tools: dict[str, int] = {}
    for m in messages:
        u = m.usage
        if m.role != "assistant" or u is None:
            continue
        sums[0] += u.input_tokens
        sums[1] += u.cached_input_tokens
        sums[2] += u.output_tokens
        sums[3] += u.reasoning_tokens
        sums[4] += u.total_tokens
        sums[5] += u.image_input_tokens
        sums[6] += u.num_server_side_tools_used
        for k, v in u.server_side_tool_calls.items():
            tools[k] = tools.get(k, 0) + v
        if u.cost_usd is not None:
            cost = (cost or 0.0) + u.cost_usd
            estimated = estimated or u.cost_estimated
    return Usage(
        input_tokens=sums[0],
        cached_input_tokens=sums[1],
        output_tokens=sums[2],
        reasoning_tokens=sums[3],
        total_tokens=sums[4],
        image_input_tokens=sums[5],
        num_server_side_tools_used=sums[6],
        server_side_tool_calls=tools,
        cost_usd=cost,
        cost_estimated=estimated,
    )
