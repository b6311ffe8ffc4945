"""`MemoryStore`: a `SessionRepository` in memory for UI tests.

It records every snapshot the app saves (`saved`, the dicts as given) and
keeps the sessions as documents, so the checkpointer, the chat screen and the
session browser can use all of it; the real store is tested on its own
(tests/store). Deleted ids stay deleted (a later save of one is dropped) until
restored, as in the real store.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grok_tui.chat.export import session_to_markdown
from grok_tui.chat.session import Session, new_id, now
from grok_tui.store import (
    ListingTotals,
    SessionNotFound,
    SessionRepository,
    SessionSummary,
    SortKey,
)
from grok_tui.store.branch_hits import leaf_count
from grok_tui.store.index_sync import cost_columns
from grok_tui.store.transfer import parse_import


def _summary(doc: dict[str, Any], folder: str) -> SessionSummary:
    messages = doc.get("messages") or []
    cost, estimated, tokens = cost_columns(Session.model_validate(doc))
    first = next(
        (
            m.get("text", "")
            for m in messages
            if m.get("role") == "user" and m.get("text", "").strip()
        ),
        "",
    )
    return SessionSummary(
        id=doc["id"],
        title=doc.get("title") or "",
        model=doc.get("model") or "",
        created_at=float(doc.get("created_at") or 0.0),
        updated_at=float(doc.get("updated_at") or 0.0),
        message_count=len(messages),
        first_line=" ".join(first.split())[:200],
        snippet="",
        damaged=None,
        path=Path(f"/memory/{folder}/{doc['id']}.json"),
        cost_usd=cost,
        cost_estimated=estimated,
        tokens=tokens,
        branch_count=leaf_count(messages, doc.get("off_path") or []),
    )


class MemoryStore:
    """Every `SessionRepository` operation, in dicts (see the module docstring)."""

    def __init__(self, *, clock: Callable[[], float] = now) -> None:
        #: Stamps `updated_at` on a touching save (fixed in snapshot tests).
        self.clock = clock
        self.saved: list[dict[str, Any]] = []
        self.sessions: dict[str, dict[str, Any]] = {}
        self.trash: dict[str, dict[str, Any]] = {}
        self.deleted: set[str] = set()

    @property
    def degraded(self) -> str | None:
        return None

    # -- reading ----------------------------------------------------------------

    def exists(self, session_id: str) -> bool:
        return session_id in self.sessions

    def load(self, session_id: str) -> Session:
        if session_id not in self.sessions:
            raise SessionNotFound(session_id)
        return Session.model_validate(copy.deepcopy(self.sessions[session_id]))

    def _matching(self, query: str | None) -> list[SessionSummary]:
        words = (query or "").casefold().split()
        docs = [
            d
            for d in self.sessions.values()
            if all(w in json.dumps(d, ensure_ascii=False).casefold() for w in words)
        ]
        return [_summary(d, "sessions") for d in docs]

    def list_sessions(
        self,
        query: str | None = None,
        sort: SortKey = "updated",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[SessionSummary]:
        rows = self._matching(query)
        if sort == "title":
            rows.sort(key=lambda s: (s.title.casefold(), -s.updated_at))
        elif sort == "cost":
            rows.sort(key=lambda s: (s.cost_usd is None, -(s.cost_usd or 0.0), -s.updated_at))
        else:
            rows.sort(key=lambda s: (-s.updated_at, s.id))
        return rows[offset:] if limit is None else rows[offset : offset + limit]

    def count(self) -> int:
        return len(self.sessions)

    def totals(self, query: str | None = None) -> ListingTotals:
        return ListingTotals.of(self._matching(query))

    def list_trash(self) -> list[SessionSummary]:
        return [_summary(d, "trash") for d in reversed(self.trash.values())]

    def refresh(self, *, quick: bool = False) -> int:
        return 0

    # -- writing ----------------------------------------------------------------

    def save_snapshot(self, data: dict[str, Any], *, touch: bool = True) -> bool:
        session_id = str(data.get("id") or "")
        if session_id in self.deleted and session_id not in self.sessions:
            return False  # delete wins
        if touch:
            data["updated_at"] = self.clock()
        self.saved.append(data)
        self.sessions[session_id] = copy.deepcopy(data)
        return True

    def _put(self, session: Session) -> None:
        self.sessions[session.id] = session.model_dump(mode="json")

    def discard(self, session_id: str, *, keep_attachments: bool = False) -> bool:
        return self.sessions.pop(session_id, None) is not None

    def rename(self, session_id: str, title: str) -> Session:
        session = self.load(session_id)
        session.title, session.title_is_custom = " ".join(title.split())[:200], True
        self._put(session)
        return session

    def duplicate(self, session_id: str) -> Session:
        session = self.load(session_id)
        session.id, session.title = new_id(), f"{session.title or 'Untitled'} (copy)"
        self._put(session)
        return session

    def delete(self, session_id: str) -> None:
        if session_id not in self.sessions:
            raise SessionNotFound(session_id)
        self.trash[session_id] = self.sessions.pop(session_id)
        self.deleted.add(session_id)

    def restore(self, session_id: str) -> str:
        if session_id not in self.trash:
            raise SessionNotFound(session_id)
        doc = self.trash.pop(session_id)
        self.deleted.discard(session_id)
        if session_id in self.sessions:
            doc["id"] = new_id()
        self.sessions[doc["id"]] = doc
        return str(doc["id"])

    def empty_trash(self) -> int:
        removed = len(self.trash)
        self.trash.clear()
        return removed

    # -- export / import --------------------------------------------------------

    def export_markdown(self, session_id: str) -> str:
        return session_to_markdown(self.load(session_id))

    def export_json(self, session_id: str) -> str:
        return json.dumps(
            self.sessions[session_id]
            if session_id in self.sessions
            else self.load(session_id).model_dump(mode="json"),
            ensure_ascii=False,
            indent=2,
        )

    def import_json(self, text: str) -> Session:
        session = parse_import(text)
        if session.id in self.sessions or session.id in self.trash or session.id in self.deleted:
            session.id = new_id()
        self._put(session)
        return session


def _conforms(store: MemoryStore) -> SessionRepository:
    return store  # mypy: MemoryStore implements the whole Protocol
