"""What the session browser dismisses with (no Textual).

- `OpenSession(session_id, renamed_current, message_id)`: the user chose a
  session that can be read (the browser loaded it once to make sure);
  `message_id` is set for a search hit found only on another branch: the
  chat shows the session on that branch (`open_on_message`) with the
  message highlighted;
- `CurrentDeleted(session_id)`: the session open in the chat was moved to the
  trash: the chat starts a new one *without saving the old one* (the save
  would be dropped, and it must not be taken for a delete elsewhere);
- `BrowserClosed(renamed_current)`: Esc, nothing to open.

`renamed_current` is the new title when the session open in the chat was
renamed in the browser (None otherwise): the chat copies it into its session
before saving it again, so the save keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass

from grok_tui.chat import tree
from grok_tui.chat.session import Session


@dataclass(frozen=True, slots=True)
class OpenSession:
    session_id: str
    renamed_current: str | None = None
    message_id: str | None = None


def open_on_message(session: Session, message_id: str | None) -> int | None:
    """Make the message part of the session's chosen path (`tree.switch_to`:
    the branch that holds it, with the choices remembered below it) and
    return its index on the path; None when there is no such message (the
    session changed since it was indexed) or none was asked for."""
    if not message_id or tree.find(session, message_id) is None:
        return None
    tree.switch_to(session, message_id)
    return tree.path_index(session, message_id)


@dataclass(frozen=True, slots=True)
class CurrentDeleted:
    session_id: str


@dataclass(frozen=True, slots=True)
class BrowserClosed:
    renamed_current: str | None = None


BrowserResult = OpenSession | CurrentDeleted | BrowserClosed
