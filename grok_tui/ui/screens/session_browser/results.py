"""What the session browser dismisses with (no Textual).

- `OpenSession(session_id, renamed_current)`: the user chose a session that
  can be read (the browser loaded it once to make sure);
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


@dataclass(frozen=True, slots=True)
class OpenSession:
    session_id: str
    renamed_current: str | None = None


@dataclass(frozen=True, slots=True)
class CurrentDeleted:
    session_id: str


@dataclass(frozen=True, slots=True)
class BrowserClosed:
    renamed_current: str | None = None


BrowserResult = OpenSession | CurrentDeleted | BrowserClosed
