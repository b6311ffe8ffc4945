"""Sessions on disk: atomic JSON files, a SQLite/FTS5 index, trash, import/export.

No Textual here. `SessionStore` (`store.py`) is the façade; its docstring
lists the modules behind it. The UI holds it as a `SessionRepository`.
"""

from __future__ import annotations

from grok_tui.store.errors import (
    DamagedSessionError,
    SessionImportError,
    SessionNotFound,
    StoreError,
    StoreWriteError,
)
from grok_tui.store.files import atomic_write
from grok_tui.store.layout import is_valid_id
from grok_tui.store.migrations import MIGRATIONS, migrate
from grok_tui.store.repository import (
    ListingTotals,
    SessionRepository,
    SessionSummary,
    SortKey,
)
from grok_tui.store.store import SessionStore

__all__ = [
    "MIGRATIONS",
    "ListingTotals",
    "DamagedSessionError",
    "SessionImportError",
    "SessionNotFound",
    "SessionRepository",
    "SessionStore",
    "SessionSummary",
    "SortKey",
    "StoreError",
    "StoreWriteError",
    "atomic_write",
    "is_valid_id",
    "migrate",
]
