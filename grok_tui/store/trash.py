"""The trash and the tombstones that make a delete win over a save.

`delete` moves `sessions/<id>.json` to `trash/<id>.json` and leaves a
tombstone, `trash/<id>.deleted` (and the id in an in-process set, in case the
tombstone cannot be written). `was_deleted(id)` is true while the session file
is gone and a tombstone exists: a save of it is then dropped (see the writer
in `store.py`), so a save already on its way, or another process with the
session open, never brings it back. `restore_in_place` clears the tombstone;
`empty` removes trashed files and tombstones older than
`TOMBSTONE_KEEP_SECONDS`. `discard` deletes for good without trash or
tombstone (the id may be saved again). Moves into and out of the sessions
folder run under the commit lock (`locking.py`).

Index entries are the caller's (the façade keeps the index in step).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from grok_tui.store.attachment_copies import AttachmentCopies
from grok_tui.store.errors import SessionNotFound, StoreWriteError
from grok_tui.store.files import fsync_dir, parse_document
from grok_tui.store.index_sync import damaged_row, row_from_document, summary_of
from grok_tui.store.layout import TOMBSTONE_SUFFIX, StoreLayout, is_valid_id
from grok_tui.store.locking import CommitLock
from grok_tui.store.repository import SessionSummary

#: Tombstones of deleted sessions older than this go when the trash is emptied.
TOMBSTONE_KEEP_SECONDS = 30 * 86400.0


class Trash:
    """Deleted sessions and tombstones of one data folder."""

    def __init__(self, layout: StoreLayout, lock: CommitLock, copies: AttachmentCopies) -> None:
        self.layout = layout
        self.lock = lock
        self.copies = copies
        #: Ids this process deleted (the tombstone files may not be writable).
        self._deleted: set[str] = set()

    def was_deleted(self, session_id: str) -> bool:
        """Whether the session was deleted (it has a tombstone) and its file is
        gone: a save of it is dropped."""
        if not is_valid_id(session_id) or self.layout.session_file(session_id).exists():
            return False
        return session_id in self._deleted or self.layout.tombstone(session_id).exists()

    def _write_tombstone(self, session_id: str) -> None:
        tomb = self.layout.tombstone(session_id)
        try:
            fd = os.open(tomb, os.O_WRONLY | os.O_CREAT, 0o600)
            os.close(fd)
            os.utime(tomb)  # its age counts from the latest delete
        except OSError:
            pass  # this process still knows (_deleted); another process may not

    def _clear_tombstone(self, session_id: str) -> None:
        self._deleted.discard(session_id)
        try:
            os.unlink(self.layout.tombstone(session_id))
        except FileNotFoundError:
            pass

    def delete(self, session_id: str) -> None:
        """Move the session file to the trash and leave a tombstone."""
        path = self.layout.session_file(session_id)
        target = self.layout.trash_file(session_id)
        with self.lock.held():
            try:
                os.replace(path, target)
            except FileNotFoundError:
                raise SessionNotFound(session_id) from None
            self._deleted.add(session_id)
            self._write_tombstone(session_id)
        try:
            os.utime(target)  # the trash is listed by deletion time
        except OSError:
            pass
        fsync_dir(self.layout.sessions_dir)
        fsync_dir(self.layout.trash_dir)

    def restore_in_place(self, session_id: str) -> bool:
        """Clear the tombstone and move the file back: True; False (file left
        in the trash) when a live session has taken the id meanwhile.
        SessionNotFound when it is not in the trash."""
        source = self.layout.trash_file(session_id)
        if not source.is_file():
            raise SessionNotFound(session_id)
        target = self.layout.session_file(session_id)
        with self.lock.held():
            self._clear_tombstone(session_id)
            taken = target.exists()
            if not taken:
                os.replace(source, target)
        if taken:
            return False
        fsync_dir(self.layout.trash_dir)
        fsync_dir(self.layout.sessions_dir)
        return True

    def discard(self, session_id: str, *, keep_attachments: bool = False) -> bool:
        """Delete the session file for good (no trash, no tombstone) and its
        attachment copies unless a trashed copy uses them or
        `keep_attachments`. Whether there was a file; StoreWriteError if it
        cannot be removed."""
        path = self.layout.session_file(session_id)
        with self.lock.held():
            try:
                os.unlink(path)
                existed = True
            except FileNotFoundError:
                existed = False
            except OSError as exc:
                raise StoreWriteError(path, exc) from exc
        if existed:
            fsync_dir(self.layout.sessions_dir)
        if not keep_attachments and not self.layout.trash_file(session_id).exists():
            self.copies.remove(session_id)
        return existed

    def list(self) -> list[SessionSummary]:
        """Deleted sessions, most recently deleted first (read from the files)."""
        out: list[tuple[float, SessionSummary]] = []
        with os.scandir(self.layout.trash_dir) as it:
            for entry in it:
                if entry.name.startswith(".") or not entry.name.endswith(".json"):
                    continue
                sid = entry.name[:-5]
                try:
                    st = entry.stat()
                    raw = Path(entry.path).read_bytes()
                except OSError:
                    continue
                stamp = (st.st_mtime_ns, st.st_size)
                try:
                    doc, session = parse_document(raw)
                    row = row_from_document(sid, stamp, doc, session)
                except ValueError as exc:
                    row = damaged_row(sid, stamp, str(exc))
                out.append((st.st_mtime, summary_of(row, Path(entry.path))))
        out.sort(key=lambda t: t[0], reverse=True)
        return [s for _, s in out]

    def empty(self) -> int:
        """Delete the trashed sessions for good (and their attachment copies);
        tombstones stay for `TOMBSTONE_KEEP_SECONDS`. How many went."""
        removed = 0
        with os.scandir(self.layout.trash_dir) as it:
            all_entries = [e for e in it if not e.name.startswith(".")]
        entries = [e for e in all_entries if e.name.endswith(".json")]
        cutoff = time.time() - TOMBSTONE_KEEP_SECONDS
        for entry in all_entries:
            if entry.name.endswith(TOMBSTONE_SUFFIX):
                try:
                    if entry.stat().st_mtime < cutoff:
                        os.unlink(entry.path)
                except OSError:
                    pass
        for entry in entries:
            sid = entry.name[:-5]
            try:
                os.unlink(entry.path)
            except OSError:
                continue
            removed += 1
            if is_valid_id(sid) and not (self.layout.sessions_dir / f"{sid}.json").exists():
                self.copies.remove(sid)
        fsync_dir(self.layout.trash_dir)
        return removed
