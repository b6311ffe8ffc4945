"""`SessionStore`: sessions as JSON files under a data folder, with an index.

The façade over the store's parts, each in its own module:

- `layout`: where things are under `root` (`sessions/`, `trash/`,
  `attachments/`, `index.sqlite3`, `.lock`) and which ids are usable;
- `files` (atomic writes, reading, damage reasons), `migrations`, `errors`;
- `locking`: the commit lock (threads + `flock` on `root/.lock`);
- `index` (SQLite + FTS5) and `index_sync` (kept in step with the files;
  degraded mode: the same index in memory when the file cannot be used);
- `trash`: delete, restore, discard, empty, and the tombstones;
- `attachment_copies`: local images copied into `attachments/<id>/`;
- `transfer`: Markdown/JSON export and JSON import;
- `writer`: the write path (damaged files refused, delete wins);
- `repository`: `SessionRepository`, what the UI needs of all this.

Thread safety: `save` / `save_snapshot` may run in a worker thread while the
UI thread lists or loads; the index is guarded by a lock and every file write
is atomic. Do not hand `save` a Session another thread is mutating: dump it on
its own thread (`session.model_dump(mode="json")`) and pass the dict to
`save_snapshot`.

Delete wins over a save in flight: a save's rename into place runs under
the commit lock, as do delete, restore and discard; a save whose file is gone
while the id has a tombstone is dropped (False). See docs/CONTRACTS.md.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from grok_tui.chat.session import Session, new_id, now
from grok_tui.sanitize import one_line
from grok_tui.store import transfer
from grok_tui.store.attachment_copies import AttachmentCopies
from grok_tui.store.errors import (
    DamagedSessionError,
    SessionImportError,
    SessionNotFound,
    StoreError,
    StoreWriteError,
)
from grok_tui.store.files import read_session_file
from grok_tui.store.index import SessionIndex
from grok_tui.store.index_sync import SyncedIndex, index_problem
from grok_tui.store.layout import StoreLayout, is_valid_id
from grok_tui.store.locking import CommitLock
from grok_tui.store.repository import ListingTotals, SessionSummary, SortKey
from grok_tui.store.trash import TOMBSTONE_KEEP_SECONDS, Trash
from grok_tui.store.writer import SessionWriter


class SessionStore:
    """Sessions on disk. Opening it brings the index up to date (`refresh`).
    Implements `SessionRepository`."""

    def __init__(self, root: Path, *, refresh: bool = True) -> None:
        self.layout = StoreLayout(Path(root))
        self.layout.create_folders()
        self.root = self.layout.root
        self.sessions_dir = self.layout.sessions_dir
        self.trash_dir = self.layout.trash_dir
        self.attachments_dir = self.layout.attachments_dir
        self.index_path = self.layout.index_path
        self._lock = CommitLock(self.layout.lock_path)
        self._copies = AttachmentCopies(self.layout)
        self._trash = Trash(self.layout, self._lock, self._copies)
        self._index = SyncedIndex(self.layout)
        self._writer = SessionWriter(
            self.layout, self._lock, self._index, self._trash, self._copies
        )
        if refresh or self._index.index.in_memory:
            self.refresh(quick=True)

    @property
    def degraded(self) -> str | None:
        """Why the index lives in memory (one sentence for the user), or None."""
        return self._index.degraded

    @property
    def index(self) -> SessionIndex:
        """The index in use (the file, or its stand-in in memory)."""
        return self._index.index

    def _commit_lock(self) -> AbstractContextManager[None]:
        """The commit lock (see `locking`), for tests that hold it."""
        return self._lock.held()

    def close(self) -> None:
        self._index.close()
        self._lock.close()

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading ----------------------------------------------------------------

    def path_for(self, session_id: str) -> Path:
        return self.layout.session_file(session_id)

    def load(self, session_id: str) -> Session:
        """The session with this id. Raises SessionNotFound, or
        DamagedSessionError(path, reason) when the file cannot be used."""
        try:
            return read_session_file(self.path_for(session_id))
        except FileNotFoundError:
            raise SessionNotFound(session_id) from None

    def exists(self, session_id: str) -> bool:
        return is_valid_id(session_id) and self.path_for(session_id).is_file()

    def was_deleted(self, session_id: str) -> bool:
        """Tombstoned and its file gone: a save of it is dropped."""
        return self._trash.was_deleted(session_id)

    def refresh(self, *, quick: bool = False) -> int:
        """Bring the index up to date with the files (added, changed, deleted
        by hand or by another process). Returns how many entries changed.

        `quick=True` (what opening the store does) skips the per-file check
        when the sessions folder itself has not changed since the last full
        check (no file added, removed or replaced, which is how grok-tui and
        most editors save), so opening costs the same for 100 or 10,000
        sessions. A file rewritten in place is caught by the next full
        `refresh()` (the UI runs one in a worker after start) and by `load`,
        which always reads the file itself. If the index file cannot be
        written, the store switches to an index in memory (`degraded`)."""
        return self._index.refresh(quick=quick)

    def list_sessions(
        self,
        query: str | None = None,
        sort: SortKey = "updated",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[SessionSummary]:
        """Sessions newest first (or by title, or dearest first). With `query`, only those whose
        title or text contains every word (prefix match), each with a snippet."""
        summary = self._index.summary
        if query and query.strip():
            found = self._index.read(lambda ix: ix.search(query, sort, limit, offset))
            return [summary(r, s) for r, s in found]
        return [summary(r) for r in self._index.read(lambda ix: ix.list(sort, limit, offset))]

    def count(self) -> int:
        return self._index.read(lambda ix: ix.count())

    def totals(self, query: str | None = None) -> ListingTotals:
        """Count, cost and tokens of every session `list_sessions(query)`
        lists, in all its pages (the browser's summary line)."""
        return self._index.read(lambda ix: ix.totals(query))

    def most_recent(self) -> SessionSummary | None:
        """The most recently updated readable session."""
        rows = self._index.read(lambda ix: ix.list("updated", 1, 0, include_damaged=False))
        return self._index.summary(rows[0]) if rows else None

    def resolve_id(self, prefix: str) -> str:
        """A full id from an id or a unique prefix of one (for the command line)."""
        if self.exists(prefix):
            return prefix
        matches = self._index.read(lambda ix: ix.ids_with_prefix(prefix)) if prefix else []
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise SessionNotFound(f"{prefix} (ambiguous: {len(matches)} sessions start so)")
        raise SessionNotFound(prefix)

    # -- writing ----------------------------------------------------------------

    def save(self, session: Session) -> bool:
        """Set `updated_at`, write the session atomically and index it.
        Local image attachments are copied into the session's folder and the
        session's references are pointed at the copies. Returns False (and
        writes nothing) when the session was deleted meanwhile: delete wins."""
        session.updated_at = now()
        data = session.model_dump(mode="json")
        written = self._writer.write(data, touch=False, session=session)
        self._copies.repoint(session, data)
        return written

    def save_snapshot(self, data: dict[str, Any], *, touch: bool = True) -> bool:
        """Write a `Session.model_dump(mode="json")` taken on another thread.
        The dict is used (and its attachment paths updated) in place. Returns
        False when the session was deleted meanwhile (nothing is written)."""
        return self._writer.write(data, touch=touch)

    def rename(self, session_id: str, title: str) -> Session:
        """Give the session a title of the user's (kept from then on)."""
        session = self.load(session_id)
        session.title = one_line(title, 200)
        session.title_is_custom = True
        self._writer.write(session.model_dump(mode="json"), touch=False, session=session)
        return session

    def duplicate(self, session_id: str) -> Session:
        """A copy of the session under a new id (attachments copied too)."""
        original = self.load(session_id)
        copy = original.model_copy(deep=True)
        copy.id = new_id()
        copy.title = one_line(f"{original.title or 'Untitled'} (copy)", 200)
        copy.created_at = now()
        self.save(copy)
        return copy

    # -- trash ------------------------------------------------------------------

    def delete(self, session_id: str) -> None:
        """Move the session to the trash (damaged files too) and leave a
        tombstone, so a save already on its way does not write it back."""
        self._trash.delete(session_id)
        self._index.remove(session_id)

    def discard(self, session_id: str, *, keep_attachments: bool = False) -> bool:
        """Delete the session for good, not to the trash: its file, its
        attachment copies (unless a trashed copy uses them, or
        `keep_attachments`: the prompt the turn went back into may still show
        them) and its index entry, and leave no tombstone, so the id can be
        saved again. For a chat that is empty again (its only turn was taken
        back). Returns whether there was a file. StoreWriteError if it cannot
        be removed."""
        existed = self._trash.discard(session_id, keep_attachments=keep_attachments)
        self._index.remove(session_id)
        return existed

    def list_trash(self) -> list[SessionSummary]:
        """Deleted sessions, most recently deleted first."""
        return self._trash.list()

    def restore(self, session_id: str) -> str:
        """Bring a session back from the trash; returns its id (a new one if a
        live session has taken the old id meanwhile)."""
        if self._trash.restore_in_place(session_id):
            self._index.reindex(session_id)
            return session_id
        source = self.layout.trash_file(session_id)
        session = read_session_file(source)
        session.id = new_id()
        self.save(session)
        source.unlink()
        return session.id

    def empty_trash(self) -> int:
        """Delete the trashed sessions for good (and their attachment copies).
        Tombstones stay for `TOMBSTONE_KEEP_SECONDS` (a save still on its way,
        or another process with the session open, must not bring it back)."""
        return self._trash.empty()

    # -- export / import ------------------------------------------------------------

    def export_markdown(self, session_id: str) -> str:
        return transfer.export_markdown(self.load(session_id))

    def export_json(self, session_id: str) -> str:
        return transfer.export_json(self.load(session_id))

    def import_json(self, text: str) -> Session:
        """Add a session from exported JSON (validated; migrated if older).
        It gets a new id when its id is taken (live or in the trash) or unusable."""
        session = transfer.parse_import(text)
        transfer.claim_import_id(session, self.layout, self.was_deleted)
        self.save(session)
        return session


__all__ = [
    "TOMBSTONE_KEEP_SECONDS",
    "DamagedSessionError",
    "SessionImportError",
    "SessionNotFound",
    "SessionStore",
    "SessionSummary",
    "SortKey",
    "StoreError",
    "StoreWriteError",
    "index_problem",
    "is_valid_id",
]
