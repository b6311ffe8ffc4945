"""Editing a sent message without losing it: the "pending edit".

The safe-edit rule: starting an edit changes nothing in the session (in memory
or on disk). A `PendingEdit` only remembers which message is being edited, its
text and attachments (loaded into the prompt), and the prompt's draft from
before the edit (given back on cancel). The session changes only when the
edited text is sent, in one step: `apply` replaces the edited message and
everything after it with the new user message, keeping what it removed so a
send that never started can put it back (`undo`).

No Textual, no I/O: the chat screen owns one `PendingEdit | None` and shows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from grok_tui.chat.conversation import add_user_message, last_user_index, touch
from grok_tui.chat.models import Attachment, Message, Session


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
    """An edit of the user message at `index` of `session`, not applied yet."""

    index: int
    message_id: str
    text: str
    attachments: list[Attachment]
    #: The prompt's draft before the edit began (restored exactly on cancel).
    previous_draft: Draft
    #: Set by `apply`: the messages it replaced (for `undo`).
    replaced: list[Message] | None = None

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
        """Replace the edited message and all that follows it with a new user
        message carrying `text` and `attachments`; return that message."""
        if not self.is_current(session):
            raise EditError("the message being edited is no longer in this chat")
        self.replaced = session.messages[self.index :]
        del session.messages[self.index :]
        return add_user_message(session, text, attachments)

    def undo(self, session: Session) -> bool:
        """Take back an `apply` whose request never started: remove what was
        added after the edited position and put the replaced messages back.
        False (nothing changed) when there is nothing to undo."""
        if self.replaced is None:
            return False
        if len(session.messages) < self.index:
            return False
        del session.messages[self.index :]
        session.messages.extend(self.replaced)
        self.replaced = None
        touch(session)
        return True


def begin_edit_last(session: Session, draft: Draft) -> PendingEdit:
    """A pending edit of the last user message; the session is not changed.
    Raises EditError when there is no message of the user's."""
    index = last_user_index(session)
    if index is None:
        raise EditError("there is no message of yours to edit")
    message = session.messages[index]
    return PendingEdit(
        index=index,
        message_id=message.id,
        text=message.text,
        attachments=list(message.attachments),
        previous_draft=Draft(draft.text, list(draft.attachments), draft.cursor),
    )
