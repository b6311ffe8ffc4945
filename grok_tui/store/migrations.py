"""Schema migrations of session documents.

A session file carries `schema_version`; `migrate` brings an older document
up to `SCHEMA_VERSION` one registered step at a time (`MIGRATIONS[v]` turns a
version-v document into a version-(v+1) one). A newer version, a version that
is not a whole number, or a step that does not advance raise ValueError: the
file is then *damaged* (reported with the reason, never overwritten). Loading
migrates in memory only; the file is rewritten when the user saves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from grok_tui.chat.session import SCHEMA_VERSION

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
    messages: list[Any] = []
    old_messages = out.get("messages")
    for m in old_messages if isinstance(old_messages, list) else []:
        if isinstance(m, dict):
            m = dict(m)
            if "text" not in m and "content" in m:
                m["text"] = m.pop("content")
        messages.append(m)
    out["messages"] = messages
    out["schema_version"] = 1
    return out


@migration(1)
def _v1_to_v2(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 1 held a linear list of messages: it becomes a single-path tree
    (each message's parent is the one before it; nothing off the path)."""
    out = dict(doc)
    old_messages = out.get("messages")
    if isinstance(old_messages, list):  # anything else stays, to be reported
        messages: list[Any] = []
        previous: Any = None
        for m in old_messages:
            if isinstance(m, dict):
                m = dict(m)
                m["parent_id"] = previous
                previous = m.get("id")
            messages.append(m)
        out["messages"] = messages
    out.setdefault("off_path", [])
    out.setdefault("chosen", {})
    out["schema_version"] = 2
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
