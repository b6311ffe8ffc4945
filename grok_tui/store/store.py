"""`SessionStore`: sessions as JSON files under a data folder, with an index.

Layout under `root` (normally `grok_tui.paths.data_dir()`):

    sessions/<id>.json         one file per session (the source of truth)
    trash/<id>.json            deleted sessions, until the trash is emptied
    attachments/<id>/...       copies of local images attached in that session
    index.sqlite3 (+ -wal)     listing/search cache, rebuilt from the files

Attachments: when a session is saved, every local image a message references
is copied into `attachments/<session id>/` and the message's `path` is pointed
at the copy (the user's path is kept in `original_path`). A session then keeps
its images when the user moves or deletes the originals, the folder is a plain
place the user can open, and the JSON stays small (no inlined base64). Images
whose original has vanished before the first save keep their old path.

Thread safety: `save`/`save_snapshot` may run in a worker thread while the UI
thread lists or loads; the index connection is guarded by a lock and every
file write is atomic. The caller must not hand `save` a Session another thread
is mutating: dump it on its own thread (`session.model_dump(mode="json")`) and
pass the dict to `save_snapshot`.

Delete wins over a save in flight: the last step of a save (the rename of its
temporary file into place) and `delete` run under one lock, a thread lock plus
an advisory `flock` on `root/.lock` that other grok-tui processes on the same
machine take too (POSIX only; on Windows only the threads of one process are
ordered). `delete` leaves a tombstone, `trash/<id>.deleted` (and the id in an
in-process set, in case the tombstone cannot be written), and a save whose
session file is gone while the id has a tombstone is dropped: `save` returns
False instead of writing the deleted session back. `restore` removes the
tombstone; emptying the trash removes tombstones older than
`TOMBSTONE_KEEP_SECONDS`. Not covered: a process that saves with another lock
(an older grok-tui), or a data folder on a network file system where `flock`
is not shared.

Degraded mode: when the index file cannot be created, opened or written (a full
disk, a read-only folder), the store carries on with the same index kept in
memory and built from the files (slower to open with many sessions), and
`degraded` holds one sentence saying so. Session files are still the source of
truth; saving reports its own errors (`StoreWriteError`).
"""

from __future__ import annotations

import dataclasses
import json
import os
import errno
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from grok_tui.chat.export import session_to_markdown
from grok_tui.chat.models import SCHEMA_VERSION, Session, clamp_timestamp, new_id, now
from grok_tui.sanitize import fix_surrogates, one_line
from grok_tui.store.files import (
    TMP_SUFFIX,
    DamagedSessionError,
    SessionImportError,
    SessionNotFound,
    StoreError,
    StoreWriteError,
    atomic_write,
    encode_document,
    fsync_dir,
    parse_document,
    parse_session_bytes,
    read_session_file,
    unlink_quietly,
    write_temp,
)
from grok_tui.store.index import MEMORY, IndexRow, SessionIndex

_T = TypeVar("_T")

SortKey = Literal["updated", "title"]

#: Temporary files older than this are leftovers of a killed writer.
STALE_TMP_SECONDS = 3600.0
#: Rows written to the index per transaction while refreshing.
REFRESH_BATCH = 500

#: Tombstones of deleted sessions older than this go when the trash is emptied.
TOMBSTONE_KEEP_SECONDS = 30 * 86400.0
TOMBSTONE_SUFFIX = ".deleted"
#: The lock file (in the data folder) that orders saves and deletes across processes.
LOCK_NAME = ".lock"

_DIR_STAMP_KEY = "sessions_dir_stamp"
_BAD_ID_CHARS = re.compile(r"[/\\\x00-\x1f\x7f]")


def is_valid_id(session_id: str) -> bool:
    """Whether `session_id` can name a file in the sessions folder."""
    return (
        0 < len(session_id) <= 200
        and not session_id.startswith(".")
        and not _BAD_ID_CHARS.search(session_id)
        and session_id.strip() == session_id
    )


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One row of the session list. `damaged` is the reason when the file
    cannot be read (then title is the file name and the counts are zero)."""

    id: str
    title: str
    model: str
    created_at: float
    updated_at: float
    message_count: int
    first_line: str
    snippet: str
    damaged: str | None
    path: Path


def _row_from_document(
    session_id: str, stamp: tuple[int, int], doc: dict[str, Any]
) -> IndexRow:
    messages = doc.get("messages") or []
    first_line = ""
    texts: list[str] = []
    for m in messages:
        text = m.get("text") or ""
        texts.append(text)
        if not first_line and m.get("role") == "user" and text.strip():
            first_line = one_line(text, 200)
    title = one_line(doc.get("title") or "", 200)
    return IndexRow(
        id=session_id,
        mtime_ns=stamp[0],
        size=stamp[1],
        title=title,
        model=one_line(str(doc.get("model") or ""), 100),
        created_at=_time_of(doc.get("created_at")),
        updated_at=_time_of(doc.get("updated_at")),
        message_count=len(messages),
        first_line=first_line,
        damaged=None,
        body=fix_surrogates("\n".join(texts)),
    )


def _time_of(value: Any) -> float:
    """A validated document's timestamp as the model reads it (a string
    number is accepted by validation; NaN, infinities and absurd values are
    clamped so the list can format them as dates)."""
    try:
        return clamp_timestamp(float(value or 0.0))
    except (TypeError, ValueError):
        return 0.0


def _damaged_row(session_id: str, stamp: tuple[int, int], reason: str) -> IndexRow:
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


def index_problem(exc: BaseException) -> str:
    """The one sentence `SessionStore.degraded` holds for an index failure."""
    code = getattr(exc, "sqlite_errorcode", None)
    err = getattr(exc, "errno", None)
    text = str(exc).lower()
    if code == 13 or err in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)) or "full" in text:
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


def _index_failure(exc: sqlite3.Error) -> bool:
    """An error of the index database itself (not a misuse such as a closed handle)."""
    return not isinstance(exc, (sqlite3.ProgrammingError, sqlite3.InterfaceError))


def _safe_file_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "image"
    return cleaned[-80:]


class SessionStore:
    """Sessions on disk. Opening it brings the index up to date (`refresh`)."""

    def __init__(self, root: Path, *, refresh: bool = True) -> None:
        self.root = Path(root)
        self.sessions_dir = self.root / "sessions"
        self.trash_dir = self.root / "trash"
        self.attachments_dir = self.root / "attachments"
        for folder in (self.sessions_dir, self.trash_dir, self.attachments_dir):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError:
                pass  # read-only data folder: reading works, saving says why it cannot
        self.index_path = self.root / "index.sqlite3"
        #: Why the index lives in memory (one sentence for the user), or None.
        self.degraded: str | None = None
        self._swap_lock = threading.Lock()
        self._retired: list[SessionIndex] = []
        self._commit_thread_lock = threading.Lock()
        self._lock_fd = self._open_lock_file()
        #: Ids this process deleted (the tombstone files may not be writable).
        self._deleted: set[str] = set()
        self.index = self._open_index()
        if refresh or self.index.in_memory:
            self.refresh(quick=True)

    def _open_index(self) -> SessionIndex:
        problem: BaseException
        try:
            return SessionIndex(self.index_path)
        except (sqlite3.OperationalError, OSError) as exc:
            problem = exc  # cannot be created or written: full disk, read-only folder
        except sqlite3.DatabaseError:
            # Not a database (damaged cache): it holds nothing the files do not.
            for suffix in ("", "-wal", "-shm"):
                unlink_quietly(f"{self.index_path}{suffix}")
            try:
                return SessionIndex(self.index_path)
            except (sqlite3.Error, OSError) as exc:
                problem = exc
        self.degraded = index_problem(problem)
        return SessionIndex(MEMORY)

    def _open_lock_file(self) -> int | None:
        if fcntl is None:  # pragma: no cover - Windows
            return None
        path = self.root / LOCK_NAME
        cloexec = getattr(os, "O_CLOEXEC", 0)
        for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):
            try:
                return os.open(path, flags | cloexec, 0o600)
            except OSError:
                continue
        return None  # threads of this process are still ordered

    @contextmanager
    def _commit_lock(self) -> Iterator[None]:
        """Held while a save renames its file into place and while a session is
        deleted, discarded or restored: by the threads of this process and
        (flock on `root/.lock`) by other processes."""
        with self._commit_thread_lock:
            fd = self._lock_fd
            if fd is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                except OSError:
                    fd = None
            try:
                yield
            finally:
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self.index.close()
        for old in self._retired:
            old.close()
        self._retired.clear()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    # -- the index, or its stand-in in memory -------------------------------------

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

    def _index_read(self, fn: Callable[[SessionIndex], _T]) -> _T:
        index = self.index
        try:
            return fn(index)
        except sqlite3.Error as exc:
            if index.in_memory or not _index_failure(exc):
                raise
            self._degrade(exc, index)
            return fn(self.index)

    def _index_write(self, fn: Callable[[SessionIndex], object]) -> None:
        """Bring the index along after a file changed. The file is what counts:
        if the index cannot be written, the store switches to one in memory
        (built from the files, so it has the change too)."""
        index = self.index
        try:
            fn(index)
        except sqlite3.Error as exc:
            if _index_failure(exc):
                self._degrade(exc, index)

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- paths ----------------------------------------------------------------

    def path_for(self, session_id: str) -> Path:
        if not is_valid_id(session_id):
            raise SessionNotFound(session_id)
        return self.sessions_dir / f"{session_id}.json"

    def _trash_path(self, session_id: str) -> Path:
        if not is_valid_id(session_id):
            raise SessionNotFound(session_id)
        return self.trash_dir / f"{session_id}.json"

    def _tombstone_path(self, session_id: str) -> Path:
        return self.trash_dir / f"{session_id}{TOMBSTONE_SUFFIX}"

    def was_deleted(self, session_id: str) -> bool:
        """Whether the session was deleted (it has a tombstone) and its file is
        gone: a save of it is dropped."""
        if not is_valid_id(session_id) or self.path_for(session_id).exists():
            return False
        return session_id in self._deleted or self._tombstone_path(session_id).exists()

    # -- index sync -------------------------------------------------------------

    def _scan(self) -> dict[str, tuple[int, int]]:
        found: dict[str, tuple[int, int]] = {}
        cutoff = time.time() - STALE_TMP_SECONDS
        try:
            it = os.scandir(self.sessions_dir)
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

    def _read_row(self, session_id: str) -> IndexRow | None:
        """The index row of a session file as it is now (None if it vanished)."""
        path = self.sessions_dir / f"{session_id}.json"
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
            return _damaged_row(
                session_id, (st.st_mtime_ns, st.st_size), f"cannot be read: {exc.strerror or exc}"
            )
        stamp = (st.st_mtime_ns, st.st_size)
        try:
            doc, _session = parse_document(raw)
        except ValueError as exc:
            return _damaged_row(session_id, stamp, str(exc))
        return _row_from_document(session_id, stamp, doc)

    def _dir_stamp(self) -> str:
        try:
            st = self.sessions_dir.stat()
        except FileNotFoundError:
            return "missing"
        return f"{st.st_mtime_ns}:{st.st_ino}"

    def refresh(self, *, quick: bool = False) -> int:
        """Bring the index up to date with the files (added, changed, deleted
        by hand or by another process). Returns how many entries changed.

        `quick=True` (what opening the store does) skips the per-file check
        when the sessions folder itself has not changed since the last full
        check (no file added, removed or replaced, which is how grok-tui and
        most editors save), so opening costs the same for 100 or 10,000
        sessions. A file rewritten in place is caught by the next full
        `refresh()` (the UI runs one in a worker after start) and by `load`,
        which always reads the file itself.

        If the index file cannot be written, the store switches to an index in
        memory (see `degraded`) and fills it from the files."""
        index = self.index
        try:
            return self._refresh_into(index, quick=quick)
        except sqlite3.Error as exc:
            if index.in_memory or not _index_failure(exc):
                raise
            return self._degrade(exc, index)

    def _refresh_into(self, index: SessionIndex, *, quick: bool) -> int:
        dir_stamp = self._dir_stamp()
        if quick and index.get_meta(_DIR_STAMP_KEY) == dir_stamp:
            return 0
        on_disk = self._scan()
        indexed = index.stamps()
        changed = [sid for sid, stamp in on_disk.items() if indexed.get(sid) != stamp]
        removed = [sid for sid in indexed if sid not in on_disk]
        for start in range(0, len(changed), REFRESH_BATCH):
            rows: list[IndexRow] = []
            gone: list[str] = []
            for sid in changed[start : start + REFRESH_BATCH]:
                row = self._read_row(sid)
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
        index.set_meta(_DIR_STAMP_KEY, dir_stamp)
        return len(changed) + len(removed)

    # -- reading ----------------------------------------------------------------

    def load(self, session_id: str) -> Session:
        """The session with this id. Raises SessionNotFound, or
        DamagedSessionError(path, reason) when the file cannot be used."""
        path = self.path_for(session_id)
        try:
            return read_session_file(path)
        except FileNotFoundError:
            raise SessionNotFound(session_id) from None

    def exists(self, session_id: str) -> bool:
        return is_valid_id(session_id) and self.path_for(session_id).is_file()

    def _summary(self, row: IndexRow, snippet: str = "") -> SessionSummary:
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
            path=self.sessions_dir / f"{row.id}.json",
        )

    def list_sessions(
        self,
        query: str | None = None,
        sort: SortKey = "updated",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[SessionSummary]:
        """Sessions newest first (or by title). With `query`, only those whose
        title or text contains every word (prefix match), each with a snippet."""
        if query and query.strip():
            found = self._index_read(lambda ix: ix.search(query, sort, limit, offset))
            return [self._summary(r, s) for r, s in found]
        return [self._summary(r) for r in self._index_read(lambda ix: ix.list(sort, limit, offset))]

    def count(self) -> int:
        return self._index_read(lambda ix: ix.count())

    def most_recent(self) -> SessionSummary | None:
        """The most recently updated readable session."""
        rows = self._index_read(lambda ix: ix.list("updated", 1, 0, include_damaged=False))
        return self._summary(rows[0]) if rows else None

    def resolve_id(self, prefix: str) -> str:
        """A full id from an id or a unique prefix of one (for the command line)."""
        if self.exists(prefix):
            return prefix
        matches = self._index_read(lambda ix: ix.ids_with_prefix(prefix)) if prefix else []
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
        written = self._write(data, touch=False)
        # Point the live objects at the copies the snapshot now references.
        for m_obj, m_dict in zip(session.messages, data.get("messages") or []):
            for a_obj, a_dict in zip(m_obj.attachments, m_dict.get("attachments") or []):
                if a_obj.path != a_dict.get("path"):
                    a_obj.path = a_dict.get("path")
                    a_obj.original_path = a_dict.get("original_path")
        return written

    def save_snapshot(self, data: dict[str, Any], *, touch: bool = True) -> bool:
        """Write a `Session.model_dump(mode="json")` taken on another thread.
        The dict is used (and its attachment paths updated) in place. Returns
        False when the session was deleted meanwhile (nothing is written)."""
        return self._write(data, touch=touch)

    def _write(self, data: dict[str, Any], *, touch: bool) -> bool:
        session_id = str(data.get("id") or "")
        path = self.path_for(session_id)
        if self.was_deleted(session_id):
            return False
        self._refuse_if_damaged(session_id, path)
        if touch:
            data["updated_at"] = now()
        data["schema_version"] = SCHEMA_VERSION
        self._copy_attachments(session_id, data)
        payload = encode_document(data)
        before = self._dir_stamp()
        try:
            tmp_name, stamp = write_temp(path, payload)
        except OSError as exc:
            raise StoreWriteError(path, exc) from exc
        try:
            with self._commit_lock():
                # Deleted while this save was on its way: the delete wins.
                if self.was_deleted(session_id):
                    unlink_quietly(tmp_name)
                    return False
                os.replace(tmp_name, path)
        except OSError as exc:
            unlink_quietly(tmp_name)
            raise StoreWriteError(path, exc) from exc
        except BaseException:
            unlink_quietly(tmp_name)
            raise
        fsync_dir(self.sessions_dir)
        after = self._dir_stamp()
        row = _row_from_document(session_id, stamp, data)

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
                index.set_meta(_DIR_STAMP_KEY, after, only_if=before)

        # The session is saved; if only the cache missed it (e.g. the disk
        # filled up between the two writes) the store carries on with an index
        # in memory, and the file's folder stamp was not advanced, so the next
        # open rescans and catches up.
        self._index_write(index_it)
        return True

    def _refuse_if_damaged(self, session_id: str, path: Path) -> None:
        try:
            st = path.stat()
        except FileNotFoundError:
            return
        row = self._index_read(lambda ix: ix.get(session_id))
        if row is not None and (row.mtime_ns, row.size) == (st.st_mtime_ns, st.st_size):
            reason = row.damaged
        else:
            fresh = self._read_row(session_id)
            reason = fresh.damaged if fresh is not None else None
            if fresh is not None:
                self._index_write(lambda ix: ix.upsert(fresh))
        if reason is not None:
            raise DamagedSessionError(
                path, f"not overwriting a damaged session file ({reason})"
            )

    @staticmethod
    def _atomic_write(path: Path, payload: bytes) -> tuple[int, int]:
        """Atomic write (files.atomic_write) of an attachment copy; returns the
        new file's stamp. A method so tests can inject write failures."""
        return atomic_write(path, payload)

    def _copy_attachments(self, session_id: str, data: dict[str, Any]) -> None:
        folder = self.attachments_dir / session_id
        for m in data.get("messages") or []:
            for i, att in enumerate(m.get("attachments") or []):
                if att.get("source") != "file" or not att.get("path"):
                    continue
                src = Path(att["path"])
                if src.parent == folder:
                    continue
                name = f"{str(m.get('id') or 'm')[:12]}-{i}-{_safe_file_name(src.name)}"
                dest = folder / name
                try:
                    if not dest.is_file() or dest.stat().st_size != src.stat().st_size:
                        if not src.is_file():
                            continue
                        folder.mkdir(parents=True, exist_ok=True)
                        self._atomic_write(dest, src.read_bytes())
                except OSError:
                    continue  # the original is unreadable: keep the reference as it is
                att["original_path"] = att.get("original_path") or str(src)
                att["path"] = str(dest)

    def rename(self, session_id: str, title: str) -> Session:
        """Give the session a title of the user's (kept from then on)."""
        session = self.load(session_id)
        session.title = one_line(title, 200)
        session.title_is_custom = True
        self._write(session.model_dump(mode="json"), touch=False)
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
        path = self.path_for(session_id)
        target = self._trash_path(session_id)
        with self._commit_lock():
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
        fsync_dir(self.sessions_dir)
        fsync_dir(self.trash_dir)
        self._index_write(lambda ix: ix.remove(session_id))

    def _write_tombstone(self, session_id: str) -> None:
        tomb = self._tombstone_path(session_id)
        try:
            fd = os.open(tomb, os.O_WRONLY | os.O_CREAT, 0o600)
            os.close(fd)
            os.utime(tomb)  # its age counts from the latest delete
        except OSError:
            pass  # this process still knows (_deleted); another process may not

    def _clear_tombstone(self, session_id: str) -> None:
        self._deleted.discard(session_id)
        try:
            os.unlink(self._tombstone_path(session_id))
        except FileNotFoundError:
            pass

    def discard(self, session_id: str, *, keep_attachments: bool = False) -> bool:
        """Delete the session for good, not to the trash: its file, its
        attachment copies (unless a trashed copy uses them, or
        `keep_attachments`: the prompt the turn went back into may still show
        them) and its index entry, and leave no tombstone, so the id can be
        saved again. For a chat that is empty again (its only turn was taken
        back). Returns whether there was a file. StoreWriteError if it cannot
        be removed."""
        path = self.path_for(session_id)
        with self._commit_lock():
            try:
                os.unlink(path)
                existed = True
            except FileNotFoundError:
                existed = False
            except OSError as exc:
                raise StoreWriteError(path, exc) from exc
        if existed:
            fsync_dir(self.sessions_dir)
        if not keep_attachments and not self._trash_path(session_id).exists():
            shutil.rmtree(self.attachments_dir / session_id, ignore_errors=True)
        self._index_write(lambda ix: ix.remove(session_id))
        return existed

    def list_trash(self) -> list[SessionSummary]:
        """Deleted sessions, most recently deleted first."""
        out: list[tuple[float, SessionSummary]] = []
        with os.scandir(self.trash_dir) as it:
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
                    session = parse_session_bytes(raw)
                    row = _row_from_document(sid, stamp, session.model_dump(mode="json"))
                except ValueError as exc:
                    row = _damaged_row(sid, stamp, str(exc))
                summary = dataclasses.replace(self._summary(row), path=Path(entry.path))
                out.append((st.st_mtime, summary))
        out.sort(key=lambda t: t[0], reverse=True)
        return [s for _, s in out]

    def restore(self, session_id: str) -> str:
        """Bring a session back from the trash; returns its id (a new one if a
        live session has taken the old id meanwhile)."""
        source = self._trash_path(session_id)
        if not source.is_file():
            raise SessionNotFound(session_id)
        target = self.path_for(session_id)
        with self._commit_lock():
            self._clear_tombstone(session_id)
            taken = target.exists()
            if not taken:
                os.replace(source, target)
        if taken:
            session = read_session_file(source)
            session.id = new_id()
            self.save(session)
            source.unlink()
            return session.id
        fsync_dir(self.trash_dir)
        fsync_dir(self.sessions_dir)
        row = self._read_row(session_id)
        if row is not None:
            self._index_write(lambda ix: ix.upsert(row))
        return session_id

    def empty_trash(self) -> int:
        """Delete the trashed sessions for good (and their attachment copies).
        Tombstones stay for `TOMBSTONE_KEEP_SECONDS` (a save still on its way,
        or another process with the session open, must not bring it back)."""
        removed = 0
        with os.scandir(self.trash_dir) as it:
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
            if is_valid_id(sid) and not (self.sessions_dir / f"{sid}.json").exists():
                shutil.rmtree(self.attachments_dir / sid, ignore_errors=True)
        fsync_dir(self.trash_dir)
        return removed

    # -- export / import ------------------------------------------------------------

    def export_markdown(self, session_id: str) -> str:
        return session_to_markdown(self.load(session_id))

    def export_json(self, session_id: str) -> str:
        return json.dumps(self.load(session_id).model_dump(mode="json"), ensure_ascii=False, indent=2)

    def import_json(self, text: str) -> Session:
        """Add a session from exported JSON (validated; migrated if older).
        It gets a new id when its id is taken (live or in the trash) or unusable."""
        try:
            session = parse_session_bytes(text.encode("utf-8"))
        except ValueError as exc:
            raise SessionImportError(str(exc)) from None
        sid = session.id
        if (
            not is_valid_id(sid)
            or (self.sessions_dir / f"{sid}.json").exists()
            or (self.trash_dir / f"{sid}.json").exists()
            or self.was_deleted(sid)
        ):
            session.id = new_id()
        self.save(session)
        return session


__all__ = [
    "TOMBSTONE_KEEP_SECONDS",
    "DamagedSessionError",
    "SessionImportError",
    "SessionNotFound",
    "SessionStore",
    "SessionSummary",
    "StoreError",
    "StoreWriteError",
    "is_valid_id",
]
