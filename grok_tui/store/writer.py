"""The write path: a session document onto disk, delete winning.

`write(data, touch=...)`: refuse to overwrite a damaged file
(`DamagedSessionError`), copy local images into the store
(`attachment_copies`), write a temporary file beside the target (fsynced),
then, under the commit lock, drop it if the session was deleted meanwhile
(`trash.was_deleted`: its file gone and a tombstone standing) or rename it
into place; fsync the folder; index the new file (only if it is still the
file the row describes). An OSError becomes `StoreWriteError`; the old file
is left as it was. The index is a cache: if only it misses the write, the
store goes on with one in memory (`index_sync`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from grok_tui.chat.session import SCHEMA_VERSION, Session, now
from grok_tui.store.attachment_copies import AttachmentCopies
from grok_tui.store.errors import DamagedSessionError, StoreWriteError
from grok_tui.store.files import encode_document, fsync_dir, unlink_quietly, write_temp
from grok_tui.store.index import SessionIndex
from grok_tui.store.index_sync import DIR_STAMP_KEY, SyncedIndex, row_from_document
from grok_tui.store.layout import StoreLayout
from grok_tui.store.locking import CommitLock
from grok_tui.store.trash import Trash


def _validated(data: dict[str, Any]) -> Session | None:
    """`data` as a Session, for the index's totals (None if it does not
    validate: the file is written all the same, its cost shows as unknown)."""
    try:
        return Session.model_validate(data)
    except ValidationError:
        return None


class SessionWriter:
    """Writes session documents of one data folder."""

    def __init__(
        self,
        layout: StoreLayout,
        lock: CommitLock,
        index: SyncedIndex,
        trash: Trash,
        copies: AttachmentCopies,
    ) -> None:
        self.layout = layout
        self.lock = lock
        self.index = index
        self.trash = trash
        self.copies = copies

    def write(self, data: dict[str, Any], *, touch: bool, session: Session | None = None) -> bool:
        """Write a session document (see the module docstring); False when
        the session was deleted meanwhile. `touch` stamps `updated_at`.
        `session`: the document as a `Session` when the caller has it (its
        cost and token totals go into the index; else `data` is validated
        for them)."""
        session_id = str(data.get("id") or "")
        path = self.layout.session_file(session_id)
        if self.trash.was_deleted(session_id):
            return False
        self.refuse_if_damaged(session_id, path)
        if touch:
            data["updated_at"] = now()
        data["schema_version"] = SCHEMA_VERSION
        self.copies.copy_into_store(session_id, data)
        payload = encode_document(data)
        before = self.index.dir_stamp()
        try:
            tmp_name, stamp = write_temp(path, payload)
        except OSError as exc:
            raise StoreWriteError(path, exc) from exc
        try:
            with self.lock.held():
                if self.trash.was_deleted(session_id):  # deleted while on its way: delete wins
                    unlink_quietly(tmp_name)
                    return False
                os.replace(tmp_name, path)
        except OSError as exc:
            unlink_quietly(tmp_name)
            raise StoreWriteError(path, exc) from exc
        except BaseException:
            unlink_quietly(tmp_name)
            raise
        fsync_dir(self.layout.sessions_dir)
        after = self.index.dir_stamp()
        row = row_from_document(session_id, stamp, data, session or _validated(data))

        def still_current() -> bool:
            try:
                st = path.stat()
            except OSError:
                return False
            return (st.st_mtime_ns, st.st_size) == stamp

        def index_it(index: SessionIndex) -> None:
            index.upsert(row, still_current=still_current)
            if after != before:
                # Our own rename changed the folder: keep the quick open valid if
                # the index was in step with the folder just before it.
                index.set_meta(DIR_STAMP_KEY, after, only_if=before)

        # Saved; if only the cache missed it (the disk filled up between the two
        # writes) the index goes to memory, and the folder stamp was not advanced,
        # so the next open rescans and catches up.
        self.index.write(index_it)
        return True

    def refuse_if_damaged(self, session_id: str, path: Path) -> None:
        try:
            st = path.stat()
        except FileNotFoundError:
            return
        row = self.index.read(lambda ix: ix.get(session_id))
        if row is not None and (row.mtime_ns, row.size) == (st.st_mtime_ns, st.st_size):
            reason = row.damaged
        else:
            fresh = self.index.read_row(session_id)
            reason = fresh.damaged if fresh is not None else None
            if fresh is not None:
                self.index.write(lambda ix: ix.upsert(fresh))
        if reason is not None:
            raise DamagedSessionError(path, f"not overwriting a damaged session file ({reason})")
