"""Editing a sent message without losing it: the "pending edit".

The safe-edit rule: starting an edit changes nothing in the session (in memory
or on disk). A `PendingEdit` only remembers which message is being edited, its
text and attachments (loaded into the prompt), and the prompt's draft from
before the edit (given back on cancel). The session changes only when the
edited text is sent, in one step: `apply` forks the conversation at the
edited message (`tree.fork_at`): the new user message becomes the chosen
branch, the edited message and everything after it stay as the other branch.
A send that never started is taken back exactly (`undo`: the fork is removed
and the edited branch chosen again, with its own choices below it).

Any user message on the chosen path can be edited (`begin_edit`); one off the
path is switched to first (that is a change the user asks for separately).

No Textual, no I/O: the chat screen owns one `PendingEdit | None` and shows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from grok_tui.chat import tree
from grok_tui.chat.conversation import last_user_index, touch
from grok_tui.chat.session import Attachment, Message, Session


class EditError(LookupError):
    """There is nothing to edit, or the message being edited is gone."""


@dataclass
class Draft:
    """What the prompt held: its text and attachment chips."""

    text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    #: The cursor's (row, column) in the text, when known.
    cursor: tuple[int, int] | None = None


@dataclass
class PendingEdit:
    """An edit of the user message at path index `index` of `session`, not
    applied yet."""

    index: int
    message_id: str
    text: str
    attachments: list[Attachment]
    #: The prompt's draft before the edit began (restored exactly on cancel).
    previous_draft: Draft
    #: Set by `apply`: the id of the new user message it forked (for `undo`).
    forked_id: str | None = None

    @property
    def number(self) -> int:
        """The edited message's position in the conversation, from 1."""
        return self.index + 1

    def is_current(self, session: Session) -> bool:
        """Whether `session` still holds the edited message where it was."""
        return (
            0 <= self.index < len(session.messages)
            and session.messages[self.index].id == self.message_id
        )

    def apply(self, session: Session, text: str, attachments: Iterable[Attachment] = ()) -> Message:
        """Fork at the edited message: a new user message carrying `text` and
        `attachments` beside it, chosen (the edited message and all that
        follows it kept as the other branch); return the new message."""
        if not self.is_current(session):
            raise EditError("the message being edited is no longer in this chat")
        message = tree.fork_at(session, self.message_id, text, attachments)
        self.forked_id = message.id
        return message

    def undo(self, session: Session) -> bool:
        """Take back an `apply` whose request never started: remove the new
        branch (the forked message and anything after it) and choose the
        edited message's branch again, as it was. False (nothing changed) when
        there is nothing to undo or the fork is no longer where it was."""
        if self.forked_id is None:
            return False
        if tree.path_index(session, self.forked_id) != self.index:
            return False
        tree.drop_path_tail(session, self.index)
        if tree.find(session, self.message_id) is not None:
            tree.switch_to(session, self.message_id)
        self.forked_id = None
        touch(session)
        return True


def begin_edit_last(session: Session, draft: Draft) -> PendingEdit:
    """A pending edit of the last user message; the session is not changed.
    Raises EditError when there is no message of the user's."""
    index = last_user_index(session)
    if index is None:
        raise EditError("there is no message of yours to edit")
    return begin_edit(session, session.messages[index].id, draft)


def begin_edit(session: Session, message_id: str, draft: Draft) -> PendingEdit:
    """A pending edit of the user message `message_id` on the chosen path (any
    of them, not only the last); the session is not changed. EditError when
    it is not a message of the user's on the path."""
    index = tree.path_index(session, message_id)
    if index is None:
        raise EditError("that message is not on the branch shown: switch to it first")
    message = session.messages[index]
    if message.role != "user":
        raise EditError("only a message of yours can be edited")
    return PendingEdit(
        index=index,
        message_id=message.id,
        text=message.text,
        attachments=list(message.attachments),
        previous_draft=Draft(draft.text, list(draft.attachments), draft.cursor),
    )
