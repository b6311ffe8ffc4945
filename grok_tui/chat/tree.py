"""Reply versions and conversation branches: the session's message tree.

Every message has a `parent_id` (None for a first message). `Session.messages`
is the *chosen path*, root to leaf (what is shown, exported and sent as
history); every other message lives in `Session.off_path`; `Session.chosen`
remembers the chosen child of each message with children (key: parent id, or
`ROOT` for the first messages), so switching back to a branch restores the
choices made inside it.

- Siblings are the children of one parent, in creation order (`created_at`,
  then id). Assistant siblings under a user message are *versions* of a reply
  (regenerate adds one); user siblings are *branches* (an edit forks).
- Nothing here removes a message except `delete_subtree` (the explicit,
  confirmed delete) and `drop_path_tail` (taking back a turn whose request
  never started).
- Invariants after every operation: the path is chained by parent ids, a
  path leaf has no children, `chosen` agrees with the path.

No Textual, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable

from grok_tui.chat.session import Attachment, Message, MessageStatus, Session, now

#: The `Session.chosen` key of the first messages (whose parent is None).
ROOT = ""


class TreeError(ValueError):
    """An unknown message, or an operation the tree refuses."""


def parent_key(message: Message) -> str:
    """The `Session.chosen` key of `message`'s parent."""
    return message.parent_id or ROOT


def all_messages(session: Session) -> list[Message]:
    """Every message of the session: the path, then the off-path ones."""
    return [*session.messages, *session.off_path]


def find(session: Session, message_id: str) -> Message | None:
    """The message with that id, on the path or off it."""
    for message in session.messages:
        if message.id == message_id:
            return message
    for message in session.off_path:
        if message.id == message_id:
            return message
    return None


def _get(session: Session, message_id: str) -> Message:
    message = find(session, message_id)
    if message is None:
        raise TreeError(f"no message {message_id!r} in this chat")
    return message


def _creation_order(message: Message) -> tuple[float, str]:
    return (message.created_at, message.id)


def _children_index(session: Session) -> dict[str, list[Message]]:
    kids: dict[str, list[Message]] = {}
    for message in all_messages(session):
        kids.setdefault(parent_key(message), []).append(message)
    for group in kids.values():
        group.sort(key=_creation_order)
    return kids


def children(session: Session, parent_id: str | None) -> list[Message]:
    """The children of `parent_id` (None: the first messages), in creation order."""
    key = parent_id or ROOT
    return sorted((m for m in all_messages(session) if parent_key(m) == key), key=_creation_order)


def siblings(session: Session, message_id: str) -> list[Message]:
    """The message and its siblings (same parent), in creation order."""
    return children(session, _get(session, message_id).parent_id)


def position(session: Session, message_id: str) -> tuple[int, int]:
    """`(n, m)`: the message is the n-th (from 1) of its m siblings (‹ n/m ›)."""
    group = siblings(session, message_id)
    ids = [m.id for m in group]
    return ids.index(message_id) + 1, len(group)


def sibling_positions(session: Session) -> dict[str, tuple[int, int]]:
    """`position` of every message at once (one pass over the tree), for a
    view that shows "‹ n/m ›" on many messages."""
    return {
        m.id: (n, len(group))
        for group in _children_index(session).values()
        for n, m in enumerate(group, 1)
    }


def descendant_count(session: Session, message_id: str) -> int:
    """How many messages lie below `message_id` (on and off the path): what
    `delete_subtree` would remove besides the message itself."""
    return len(_subtree(session, message_id)) - 1


def path_index(session: Session, message_id: str) -> int | None:
    """Where the message is on the chosen path, or None when it is off it."""
    for i, message in enumerate(session.messages):
        if message.id == message_id:
            return i
    return None


def path_to(session: Session, message_id: str) -> list[Message]:
    """The message's ancestors and itself, root first (the history it answers
    or was sent with, whichever branch it is on)."""
    by_id = {m.id: m for m in all_messages(session)}
    node = by_id.get(message_id)
    if node is None:
        raise TreeError(f"no message {message_id!r} in this chat")
    chain: list[Message] = []
    while node is not None:
        chain.append(node)
        node = by_id.get(node.parent_id) if node.parent_id is not None else None
    chain.reverse()
    return chain


def normalize(session: Session) -> None:
    """Chain the path's parent ids and record its choices in `chosen` (code
    that appended to `session.messages` directly leaves them out)."""
    previous: str | None = None
    for message in session.messages:
        message.parent_id = previous
        session.chosen[parent_key(message)] = message.id
        previous = message.id


def append_to_path(session: Session, message: Message) -> Message:
    """Add `message` at the end of the path, as the chosen child of the leaf.
    A new sibling gets a creation time after its elder siblings (stable order)."""
    normalize(session)
    leaf = session.messages[-1].id if session.messages else None
    elders = children(session, leaf)
    if elders:
        latest = elders[-1].created_at
        if message.created_at <= latest:
            message.created_at = latest + 1e-6
    message.parent_id = leaf
    session.messages.append(message)
    session.chosen[parent_key(message)] = message.id
    session.updated_at = now()
    return message


def detach_from(session: Session, index: int) -> list[Message]:
    """Move the path's messages from `index` on off the path, remembering the
    choices inside them; return them. The caller adds the new choice."""
    normalize(session)
    if index >= len(session.messages):
        return []
    moved = session.messages[index:]
    del session.messages[index:]
    session.off_path.extend(moved)
    return moved


def _descend(session: Session, kids: dict[str, list[Message]], moving: set[str]) -> None:
    """Extend the path from its leaf down the remembered choices (the newest
    child where none is remembered or the remembered one is gone)."""
    while True:
        key = session.messages[-1].id if session.messages else ROOT
        group = kids.get(key)
        if not group:
            return
        wanted = session.chosen.get(key)
        child = next((m for m in group if m.id == wanted), group[-1])
        moving.add(child.id)
        session.messages.append(child)
        session.chosen[key] = child.id


def switch_to(session: Session, message_id: str) -> bool:
    """Make the message part of the chosen path: the path follows it from the
    point where its branch leaves the path, then each message's remembered
    choice down to a leaf. False (nothing changed) when it is on the path."""
    normalize(session)
    by_id = {m.id: m for m in all_messages(session)}
    if message_id not in by_id:
        raise TreeError(f"no message {message_id!r} in this chat")
    on_path = {m.id: i for i, m in enumerate(session.messages)}
    if message_id in on_path:
        return False
    chain: list[Message] = []
    node: Message | None = by_id[message_id]
    junction = -1
    while node is not None:
        if node.id in on_path:
            junction = on_path[node.id]
            break
        chain.append(node)
        node = by_id.get(node.parent_id) if node.parent_id is not None else None
    kids = _children_index(session)
    moved_off = session.messages[junction + 1 :]
    del session.messages[junction + 1 :]
    moving: set[str] = set()
    for message in reversed(chain):
        moving.add(message.id)
        session.messages.append(message)
        session.chosen[parent_key(message)] = message.id
    _descend(session, kids, moving)
    session.off_path = [m for m in session.off_path if m.id not in moving] + moved_off
    session.updated_at = now()
    return True


def step_sibling(session: Session, message_id: str, delta: int) -> Message | None:
    """Switch to the sibling `delta` places from the message (-1 previous,
    +1 next) and return it; None (nothing changed) past either end."""
    group = siblings(session, message_id)
    target = [m.id for m in group].index(message_id) + delta
    if not 0 <= target < len(group):
        return None
    switch_to(session, group[target].id)
    return group[target]


def last_user_index(session: Session) -> int | None:
    """Path index of the last user message, or None when there is none."""
    for i in range(len(session.messages) - 1, -1, -1):
        if session.messages[i].role == "user":
            return i
    return None


def detach_replies(session: Session) -> list[Message]:
    """The first half of a regenerate: move what follows the path's last user
    message (its reply) off the path, kept as a version; return it. The
    reply started next (`conversation.start_reply`) becomes its sibling."""
    index = last_user_index(session)
    if index is None:
        return []
    return detach_from(session, index + 1)


def add_version(session: Session, model: str) -> Message:
    """Regenerate in one step: a new, empty STREAMING reply to the path's last
    user message, chosen, beside the reply it had (kept off the path).
    TreeError when there is no user message."""
    if last_user_index(session) is None:
        raise TreeError("there is no message of yours to answer again")
    detach_replies(session)
    reply = Message(role="assistant", model=model, status=MessageStatus.STREAMING)
    return append_to_path(session, reply)


def fork_at(
    session: Session, message_id: str, text: str, attachments: Iterable[Attachment] = ()
) -> Message:
    """An edit sent: a new user message beside the user message `message_id`
    (which, with all that follows it, stays as the other branch), chosen.
    The message is switched to first when it is off the path."""
    original = _get(session, message_id)
    if original.role != "user":
        raise TreeError("only a message of yours can be edited")
    switch_to(session, message_id)
    index = path_index(session, message_id)
    assert index is not None
    detach_from(session, index)
    message = Message(role="user", text=text, attachments=list(attachments))
    return append_to_path(session, message)


def _subtree(session: Session, message_id: str) -> list[Message]:
    kids = _children_index(session)
    out: list[Message] = []
    stack = [_get(session, message_id)]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(kids.get(node.id, [])))
    return out


def delete_subtree(session: Session, message_id: str) -> list[Message]:
    """Delete a version or a branch: the message and everything below it, on
    the path or off it; return what was removed (the message first). When it
    was on the path, the path moves to its previous sibling (else the next).
    Refused (TreeError) when the message has no sibling: deleting it would cut
    the conversation short or empty it, not remove an alternative."""
    group = siblings(session, message_id)
    if len(group) < 2:
        raise TreeError("this is the only version here: there is no other to keep")
    if path_index(session, message_id) is not None:
        i = [m.id for m in group].index(message_id)
        switch_to(session, group[i - 1].id if i > 0 else group[i + 1].id)
    removed = _subtree(session, message_id)
    gone = {m.id for m in removed}
    session.off_path = [m for m in session.off_path if m.id not in gone]
    session.chosen = {k: v for k, v in session.chosen.items() if k not in gone and v not in gone}
    session.updated_at = now()
    return removed


def drop_path_tail(session: Session, start: int) -> list[Message]:
    """Take back messages just added at the end of the path whose request never
    started (not a user-facing delete): remove the path from `start` on and
    their descendants and choices; return what was removed. Where the new
    leaf still has children (an edit's fork taken back), the path continues
    down the newest of them."""
    if start >= len(session.messages):
        return []
    removed = _subtree(session, session.messages[start].id)
    gone = {m.id for m in removed}
    del session.messages[start:]
    session.off_path = [m for m in session.off_path if m.id not in gone]
    session.chosen = {k: v for k, v in session.chosen.items() if k not in gone and v not in gone}
    normalize(session)
    moving: set[str] = set()
    _descend(session, _children_index(session), moving)
    session.off_path = [m for m in session.off_path if m.id not in moving]
    return removed


def branch_count(session: Session) -> int:
    """How many branches the conversation has: its leaves, i.e. the distinct
    paths from a first message to a last one (every reply version counts).
    1 for a linear chat, 0 for an empty one."""
    parents = {m.parent_id for m in all_messages(session) if m.parent_id is not None}
    return sum(1 for m in all_messages(session) if m.id not in parents)


def has_alternatives(session: Session) -> bool:
    """Whether any message of the tree is off the chosen path."""
    return bool(session.off_path)
