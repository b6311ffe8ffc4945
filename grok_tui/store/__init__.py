"""Sessions on disk: atomic JSON files, a SQLite/FTS5 index, trash, import/export.

No Textual here. See `grok_tui/store/store.py` for the layout and the rules.
"""

from __future__ import annotations

from grok_tui.store.files import (
    MIGRATIONS,
    DamagedSessionError,
    SessionImportError,
    SessionNotFound,
    StoreError,
    StoreWriteError,
    atomic_write,
    migrate,
)
from grok_tui.store.store import SessionStore, SessionSummary, is_valid_id

__all__ = [
    "MIGRATIONS",
    "DamagedSessionError",
    "SessionImportError",
    "SessionNotFound",
    "SessionStore",
    "SessionSummary",
    "StoreError",
    "StoreWriteError",
    "atomic_write",
    "is_valid_id",
    "migrate",
]
