"""Session files: atomic writes, reading (with migration), and damage reasons.

A session file is `sessions/<id>.json`, UTF-8 JSON of `Session.model_dump()`
with `schema_version`. Older versions are migrated on load (never rewritten
until the user saves); a newer version, bad JSON or wrong types make the file
*damaged*: it is reported with the reason and never overwritten.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from grok_tui.chat.session import Session
from grok_tui.sanitize import fix_surrogates_deep
from grok_tui.store.errors import DamagedSessionError
from grok_tui.store.migrations import migrate

# A `\\uD800`-`\\uDFFF` escape: the parsed document may hold lone surrogates.
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")

TMP_SUFFIX = ".tmp"


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
        raise ValueError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
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
