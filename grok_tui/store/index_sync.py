"""The index kept in step with the session files, and degraded mode.

`SyncedIndex` holds the current `SessionIndex` (SQLite + FTS5, `index.py`):
`refresh` brings it up to date from the files (by modification time and
size; `quick` skips the per-file check while the folder is unchanged),
`read`/`write` run an operation on it. When the index file cannot be
created, opened, read or written (a full disk, a read-only folder, damage
beyond rebuilding), it switches, once and for good, to the same index in
memory built from the files, and `degraded` holds one sentence saying so
(`index_problem`). The files stay the source of truth throughout.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from grok_tui.chat.conversation import session_totals
from grok_tui.chat.session import Session, clamp_timestamp
from grok_tui.sanitize import one_line
from grok_tui.store.branch_hits import leaf_count, searched_text
from grok_tui.store.files import TMP_SUFFIX, parse_document, unlink_quietly
from grok_tui.store.index import MEMORY, IndexRow, SessionIndex
from grok_tui.store.layout import StoreLayout, is_valid_id
from grok_tui.store.repository import SessionSummary

_T = TypeVar("_T")

#: Temporary files older than this are leftovers of a killed writer.
STALE_TMP_SECONDS = 3600.0
#: Rows written to the index per transaction while refreshing.
REFRESH_BATCH = 500
DIR_STAMP_KEY = "sessions_dir_stamp"

Stamp = tuple[int, int]  # (mtime_ns, size)


def index_problem(exc: BaseException) -> str:
    """The one sentence `SessionStore.degraded` holds for an index failure."""
    code = getattr(exc, "sqlite_errorcode", None)
    err = getattr(exc, "errno", None)
    text = str(exc).lower()
    if (
        code == 13
        or err in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
        or "full" in text
    ):
        why = "the disk is full"
    elif (
        code in (3, 8, 14)  # SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN
        or err in (errno.EROFS, errno.EACCES, errno.EPERM)
        or "readonly" in text
        or "unable to open" in text
    ):
        why = "the data folder cannot be written"
    else:
        why = one_line(str(exc), 80).rstrip(".") or type(exc).__name__
    return (
        f"The session index is unavailable ({why}), so sessions are listed and "
        "searched from the files, which may be slower."
    )


def is_index_failure(exc: sqlite3.Error) -> bool:
    """An error of the index database itself (not a misuse such as a closed handle)."""
    return not isinstance(exc, (sqlite3.ProgrammingError, sqlite3.InterfaceError))


def _time_of(value: Any) -> float:
    """A validated document's timestamp as the model reads it (a string
    number is accepted by validation; NaN, infinities and absurd values are
    clamped so the list can format them as dates)."""
    try:
        return clamp_timestamp(float(value or 0.0))
    except (TypeError, ValueError):
        return 0.0


def cost_columns(session: Session | None) -> tuple[float | None, bool, int]:
    """(cost, whether part of it is estimated, tokens) of every reply the
    session holds, as `session_totals` counts them (the status bar's figures);
    (None, False, 0) when the session is not known."""
    if session is None:
        return None, False, 0
    totals = session_totals(session)
    tokens = totals.total_tokens or (
        totals.input_tokens + totals.output_tokens + totals.reasoning_tokens
    )
    return totals.cost_usd, totals.cost_estimated, tokens


def row_from_document(
    session_id: str, stamp: Stamp, doc: dict[str, Any], session: Session | None
) -> IndexRow:
    """The index row of a valid (migrated) session document; `session` is
    the same document validated (for its cost and token totals)."""
    cost, estimated, tokens = cost_columns(session)
    messages = doc.get("messages") or []  # the chosen path
    off_path = doc.get("off_path") or []
    first_line = ""
    for m in messages:
        text = m.get("text") or ""
        if m.get("role") == "user" and text.strip():
            first_line = one_line(text, 200)
            break
    # Other versions and branches are searched too (after the path's text).
    body, spans = searched_text(messages, off_path)
    return IndexRow(
        id=session_id,
        mtime_ns=stamp[0],
        size=stamp[1],
        title=one_line(doc.get("title") or "", 200),
        model=one_line(str(doc.get("model") or ""), 100),
        created_at=_time_of(doc.get("created_at")),
        updated_at=_time_of(doc.get("updated_at")),
        message_count=len(messages),
        first_line=first_line,
        damaged=None,
        cost_usd=cost,
        cost_estimated=estimated,
        # A hand-edited file may claim any count; SQLite's INTEGER stops at 2**63-1.
        tokens=max(0, min(tokens, SQLITE_MAX_INTEGER)),
        body=body,
        branch_count=leaf_count(messages, off_path),
        off_path_spans=spans,
    )


#: The largest value SQLite's INTEGER holds (a larger Python int overflows).
SQLITE_MAX_INTEGER = 2**63 - 1


def damaged_row(session_id: str, stamp: Stamp, reason: str) -> IndexRow:
    """The row of a file that cannot be read: its name as title, the reason."""
    mtime = stamp[0] / 1e9
    return IndexRow(
        id=session_id,
        mtime_ns=stamp[0],
        size=stamp[1],
        title=one_line(f"{session_id}.json", 200),
        model="",
        created_at=mtime,
        updated_at=mtime,
        message_count=0,
        first_line="",
        damaged=reason,
    )


def summary_of(row: IndexRow, path: Path, snippet: str = "") -> SessionSummary:
    """The list's view of an index row (of the file at `path`)."""
    return SessionSummary(
        id=row.id,
        title=row.title,
        model=row.model,
        created_at=row.created_at,
        updated_at=row.updated_at,
        message_count=row.message_count,
        first_line=row.first_line,
        snippet=snippet,
        damaged=row.damaged,
        path=path,
        cost_usd=row.cost_usd,
        cost_estimated=row.cost_estimated,
        tokens=row.tokens,
        branch_count=row.branch_count,
        hit_message_id=row.hit_message_id,
    )


class SyncedIndex:
    """The index of one data folder, or its stand-in in memory."""

    def __init__(self, layout: StoreLayout) -> None:
        self.layout = layout
        #: Why the index lives in memory (one sentence for the user), or None.
        self.degraded: str | None = None
        self._swap_lock = threading.Lock()
        self._retired: list[SessionIndex] = []
        self.index = self._open()

    def _open(self) -> SessionIndex:
        path = self.layout.index_path
        problem: BaseException
        try:
            return SessionIndex(path)
        except (sqlite3.OperationalError, OSError) as exc:
            problem = exc  # cannot be created or written: full disk, read-only folder
        except sqlite3.DatabaseError:
            # Not a database (damaged cache): it holds nothing the files do not.
            for suffix in ("", "-wal", "-shm"):
                unlink_quietly(f"{path}{suffix}")
            try:
                return SessionIndex(path)
            except (sqlite3.Error, OSError) as exc:
                problem = exc
        self.degraded = index_problem(problem)
        return SessionIndex(MEMORY)

    def close(self) -> None:
        self.index.close()
        for old in self._retired:
            old.close()
        self._retired.clear()

    def summary(self, row: IndexRow, snippet: str = "") -> SessionSummary:
        return summary_of(row, self.layout.sessions_dir / f"{row.id}.json", snippet)

    # -- using the index ------------------------------------------------------------

    def _degrade(self, exc: BaseException, failed: SessionIndex) -> int:
        """The index `failed` cannot be used: carry on with one in memory built
        from the files. Returns how many entries it holds (0 if another thread
        already switched)."""
        with self._swap_lock:
            if self.index is not failed or failed.in_memory:
                return 0
            memory = SessionIndex(MEMORY)
            count = self._refresh_into(memory, quick=False)
            self.index = memory
            self._retired.append(failed)
            self.degraded = index_problem(exc)
            return count

    def read(self, fn: Callable[[SessionIndex], _T]) -> _T:
        index = self.index
        try:
            return fn(index)
        except sqlite3.Error as exc:
            if index.in_memory or not is_index_failure(exc):
                raise
            self._degrade(exc, index)
            return fn(self.index)

    def write(self, fn: Callable[[SessionIndex], object]) -> None:
        """Bring the index along after a file changed. The file is what counts:
        if the index cannot be written, switch to one in memory (built from
        the files, so it has the change too)."""
        index = self.index
        try:
            fn(index)
        except sqlite3.Error as exc:
            if is_index_failure(exc):
                self._degrade(exc, index)

    # -- in step with the files ---------------------------------------------------

    def dir_stamp(self) -> str:
        try:
            st = self.layout.sessions_dir.stat()
        except FileNotFoundError:
            return "missing"
        return f"{st.st_mtime_ns}:{st.st_ino}"

    def read_row(self, session_id: str) -> IndexRow | None:
        """The index row of a session file as it is now (None if it vanished)."""
        path = self.layout.sessions_dir / f"{session_id}.json"
        try:
            with path.open("rb") as fh:
                st = os.fstat(fh.fileno())
                raw = fh.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            try:
                st = path.stat()
            except OSError:
                return None
            return damaged_row(
                session_id, (st.st_mtime_ns, st.st_size), f"cannot be read: {exc.strerror or exc}"
            )
        stamp = (st.st_mtime_ns, st.st_size)
        try:
            doc, session = parse_document(raw)
        except ValueError as exc:
            return damaged_row(session_id, stamp, str(exc))
        return row_from_document(session_id, stamp, doc, session)

    def _scan(self) -> dict[str, Stamp]:
        """id -> stamp of every session file; removes stale temporary files."""
        found: dict[str, Stamp] = {}
        cutoff = time.time() - STALE_TMP_SECONDS
        try:
            it = os.scandir(self.layout.sessions_dir)
        except FileNotFoundError:
            return found  # a data folder that could not be created
        with it:
            for entry in it:
                name = entry.name
                if name.startswith("."):
                    if name.endswith(TMP_SUFFIX):
                        try:
                            if entry.stat().st_mtime < cutoff:
                                os.unlink(entry.path)
                        except OSError:
                            pass
                    continue
                if not name.endswith(".json"):
                    continue
                try:
                    if not entry.is_file():
                        continue
                    st = entry.stat()
                except OSError:
                    continue
                sid = name[:-5]
                if is_valid_id(sid):
                    found[sid] = (st.st_mtime_ns, st.st_size)
        return found

    def refresh(self, *, quick: bool = False) -> int:
        """Bring the index up to date with the files; how many entries changed
        (see `SessionStore.refresh`). Switches to memory if it cannot write."""
        index = self.index
        try:
            return self._refresh_into(index, quick=quick)
        except sqlite3.Error as exc:
            if index.in_memory or not is_index_failure(exc):
                raise
            return self._degrade(exc, index)

    def _refresh_into(self, index: SessionIndex, *, quick: bool) -> int:
        dir_stamp = self.dir_stamp()
        if quick and index.get_meta(DIR_STAMP_KEY) == dir_stamp:
            return 0
        on_disk = self._scan()
        indexed = index.stamps()
        changed = [sid for sid, stamp in on_disk.items() if indexed.get(sid) != stamp]
        removed = [sid for sid in indexed if sid not in on_disk]
        for start in range(0, len(changed), REFRESH_BATCH):
            rows: list[IndexRow] = []
            gone: list[str] = []
            for sid in changed[start : start + REFRESH_BATCH]:
                row = self.read_row(sid)
                if row is None:
                    gone.append(sid)
                else:
                    rows.append(row)
            index.upsert_many(rows)
            removed.extend(gone)
        if removed:
            index.remove_many(removed)
        # The folder's stamp from *before* the scan: anything that changed
        # during the scan changed the folder after it, and is seen next time.
        index.set_meta(DIR_STAMP_KEY, dir_stamp)
        return len(changed) + len(removed)

    def reindex(self, session_id: str) -> None:
        """Index the session file as it is now (a file put back, e.g. restored)."""
        row = self.read_row(session_id)
        if row is not None:
            self.write(lambda ix: ix.upsert(row))

    def remove(self, session_id: str) -> None:
        self.write(lambda ix: ix.remove(session_id))
