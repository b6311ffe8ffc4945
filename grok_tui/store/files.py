"""Session files: atomic writes, reading with migration, and damage reasons.

A session file is `sessions/<id>.json`, UTF-8 JSON of `Session.model_dump()`
with `schema_version`. Older versions are migrated on load (never rewritten
until the user saves); a newer version, bad JSON or wrong types make the file
*damaged*: it is reported with the reason and never overwritten.
"""

from __future__ import annotations

import errno
import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from grok_tui.chat.models import SCHEMA_VERSION, Session
from grok_tui.sanitize import fix_surrogates_deep

# A `\\uD800`-`\\uDFFF` escape: the parsed document may hold lone surrogates.
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")

TMP_SUFFIX = ".tmp"


class StoreError(Exception):
    """Base class of the store's errors."""


class SessionNotFound(StoreError, KeyError):
    def __init__(self, session_id: str) -> None:
        super().__init__(session_id)
        self.session_id = session_id

    def __str__(self) -> str:
        return f"no session with id {self.session_id!r}"


class DamagedSessionError(StoreError):
    """A session file that cannot be read as a session; `reason` says why."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class StoreWriteError(StoreError, OSError):
    """A session could not be written (disk full, read-only, permissions).
    The previous file is left as it was; `str()` is one sentence for the user."""

    def __init__(self, path: Path, cause: OSError) -> None:
        if cause.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            why = "the disk is full"
        elif cause.errno in (errno.EROFS,):
            why = "the disk is read-only"
        elif cause.errno in (errno.EACCES, errno.EPERM):
            why = "permission denied"
        else:
            why = (cause.strerror or type(cause).__name__).lower()
        super().__init__(cause.errno, f"Could not save the session: {why} ({path}).")
        self.path = path
        self.cause = cause

    def __str__(self) -> str:
        return str(self.strerror)


class SessionImportError(StoreError):
    """Text given to `import_json` is not a session."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- migrations -----------------------------------------------------------------

Migration = Callable[[dict[str, Any]], dict[str, Any]]

#: MIGRATIONS[v] turns a version-v document into a version-(v+1) document.
MIGRATIONS: dict[int, Migration] = {}


def migration(from_version: int) -> Callable[[Migration], Migration]:
    def register(fn: Migration) -> Migration:
        MIGRATIONS[from_version] = fn
        return fn

    return register


@migration(0)
def _v0_to_v1(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 0 (the prototype's format, no `schema_version`): the title was
    `name`, message text was `content`, times were `created`/`updated`."""
    out = dict(doc)
    if "title" not in out and "name" in out:
        out["title"] = out.pop("name")
    for new, old in (("created_at", "created"), ("updated_at", "updated")):
        if new not in out and old in out:
            out[new] = out.pop(old)
    messages = []
    old = out.get("messages")
    for m in old if isinstance(old, list) else []:
        if isinstance(m, dict):
            m = dict(m)
            if "text" not in m and "content" in m:
                m["text"] = m.pop("content")
        messages.append(m)
    out["messages"] = messages
    out["schema_version"] = 1
    return out


def document_version(doc: dict[str, Any]) -> int:
    v = doc.get("schema_version", 0)
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"schema_version is {v!r}, not a whole number")
    return v


def migrate(doc: dict[str, Any]) -> dict[str, Any]:
    """Bring a document up to `SCHEMA_VERSION`; ValueError when that is impossible."""
    version = document_version(doc)
    if version > SCHEMA_VERSION:
        raise ValueError(
            f"written by a newer grok-tui (schema version {version}; "
            f"this version reads up to {SCHEMA_VERSION})"
        )
    if version < 0:
        raise ValueError(f"schema version {version} is not valid")
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ValueError(f"no migration from schema version {version}")
        doc = step(doc)
        new_version = document_version(doc)
        if new_version <= version:
            raise ValueError(f"migration from version {version} did not advance")
        version = new_version
    return doc


def _validation_reason(exc: ValidationError) -> str:
    parts = []
    for item in exc.errors()[:3]:
        loc = ".".join(str(p) for p in item["loc"]) or "session"
        parts.append(f"{loc}: {item['msg']}")
    more = exc.error_count() - len(parts)
    tail = f" (+{more} more)" if more > 0 else ""
    return "wrong data: " + "; ".join(parts) + tail


def session_from_document(doc: Any) -> Session:
    """A Session from parsed JSON (migrated); ValueError with the reason otherwise."""
    if not isinstance(doc, dict):
        raise ValueError(f"not a session (a JSON {type(doc).__name__}, not an object)")
    doc = migrate(doc)
    try:
        return Session.model_validate(doc)
    except ValidationError as exc:
        raise ValueError(_validation_reason(exc)) from None


def parse_document(raw: bytes) -> tuple[dict[str, Any], Session]:
    """Decode, parse, migrate and validate: the migrated document and its
    Session; ValueError with a short reason."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise ValueError("the file is empty")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise ValueError("not valid JSON: nested too deeply") from None
    if not isinstance(doc, dict):
        raise ValueError(f"not a session (a JSON {type(doc).__name__}, not an object)")
    if _ESCAPED_SURROGATE.search(text):
        # Lone surrogates (another tool's `\\ud800` escapes) cannot be written
        # as UTF-8 again: they become U+FFFD, in the file too once saved.
        doc = fix_surrogates_deep(doc)
    doc = migrate(doc)
    return doc, session_from_document(doc)


def parse_session_bytes(raw: bytes) -> Session:
    """Decode, parse, migrate and validate; ValueError with a short reason."""
    return parse_document(raw)[1]


def read_session_file(path: Path) -> Session:
    """Load one session file; DamagedSessionError when it cannot be used.
    FileNotFoundError propagates."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise DamagedSessionError(path, f"cannot be read: {exc.strerror or exc}") from None
    try:
        session = parse_session_bytes(raw)
    except ValueError as exc:
        raise DamagedSessionError(path, str(exc)) from None
    # The file name is the id (a copy made by hand keeps the inner id of its original).
    session.id = path.stem
    return session


def encode_document(data: dict[str, Any]) -> bytes:
    # Compact separators: a 500-message session is written often while streaming.
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (e.g. from a surrogateescape-decoded file name)
        # cannot be UTF-8: escape it, and loading turns it into U+FFFD.
        return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_temp(path: Path, data: bytes) -> tuple[str, tuple[int, int]]:
    """Write `data` to a new temporary file beside `path` (flushed and fsynced)
    and return its name and (mtime_ns, size) stamp. The caller renames it over
    `path` (the stamp survives the rename) or unlinks it; on error nothing is left."""
    folder = path.parent
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.stem}.", suffix=TMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
            st = os.fstat(fh.fileno())
    except BaseException:
        unlink_quietly(tmp_name)
        raise
    return tmp_name, (st.st_mtime_ns, st.st_size)


def unlink_quietly(name: str | Path) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass


def atomic_write(path: Path, data: bytes) -> tuple[int, int]:
    """Write `data` to `path` so that a crash leaves the old or the new file.

    Temporary file in the same folder, written, flushed and fsynced, renamed
    over the target, then the folder fsynced so the rename itself is durable.
    Returns the new file's (mtime_ns, size) stamp.
    """
    tmp_name, stamp = write_temp(path, data)
    try:
        os.replace(tmp_name, path)
    except BaseException:
        unlink_quietly(tmp_name)
        raise
    fsync_dir(path.parent)
    return stamp
