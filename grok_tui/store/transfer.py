"""Export and import of sessions: Markdown, JSON, and reading a JSON export.

An export is the session as the store reads it (`load`): Markdown for people
(`chat/export.py`), JSON (`model_dump`, indented, UTF-8) for `import_json`.
An import is validated and migrated like a session file; it gets a new id
when its own is unusable or taken (a live session, one in the trash, or a
deleted one whose tombstone still stands), so it never replaces a session
and never brings a deleted one back.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from grok_tui.chat.export import session_to_markdown
from grok_tui.chat.session import Session, new_id
from grok_tui.store.errors import SessionImportError
from grok_tui.store.files import parse_session_bytes
from grok_tui.store.layout import StoreLayout, is_valid_id


def export_markdown(session: Session) -> str:
    return session_to_markdown(session)


def export_json(session: Session) -> str:
    return json.dumps(session.model_dump(mode="json"), ensure_ascii=False, indent=2)


def parse_import(text: str) -> Session:
    """A session from exported JSON (validated, migrated); SessionImportError."""
    try:
        return parse_session_bytes(text.encode("utf-8"))
    except ValueError as exc:
        raise SessionImportError(str(exc)) from None


def claim_import_id(
    session: Session, layout: StoreLayout, was_deleted: Callable[[str], bool]
) -> None:
    """Give an imported session a new id when its own cannot be used as is."""
    sid = session.id
    if (
        not is_valid_id(sid)
        or (layout.sessions_dir / f"{sid}.json").exists()
        or (layout.trash_dir / f"{sid}.json").exists()
        or was_deleted(sid)
    ):
        session.id = new_id()
