"""Saving a chat while it happens: snapshots written in a thread, newest wins.

The chat screen calls `Checkpointer.save(session)` at most once a second while
a reply streams and at the end of every turn. The session is dumped to a dict
on the UI thread (cheap, consistent) and written by the store in a thread, so
the event loop never waits for the disk.

Two outcomes are not errors: a save the store drops because the session was
deleted meanwhile (delete wins; counted in `dropped`), and a chat that became
empty again (its first turn never started and was taken back, or the user took
every message back into the prompt): a file this checkpointer created for it
is deleted for good instead of keeping an empty session (counted in
`discarded`). A session whose file existed before (opened from the browser,
`--continue`) or that has a title of the user's is written as it is.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

from grok_tui.chat.session import Session
from grok_tui.sanitize import one_line, strip_control
from grok_tui.store.repository import SessionRepository


def save_error_text(exc: BaseException) -> str:
    """One sentence for a failed save (the store's own, else a generic one)."""
    from grok_tui.store import StoreError

    text = one_line(strip_control(str(exc)), 300)
    if isinstance(exc, StoreError) and text:
        return text
    return f"Could not save the session: {text or type(exc).__name__}."


def short_save_error(error: str) -> str:
    """The status-bar form: `✖ not saved: the disk is full`."""
    why = error.removeprefix("Could not save the session: ").rstrip(".")
    why = re.sub(r"\s*\([^()]*\)$", "", why)  # the path is in the notification
    return f"✖ not saved: {one_line(why, 40)}"


class Checkpointer:
    """Writes session snapshots in a thread, one at a time, newest wins.

    `save(session)` dumps the session to a dict on the caller's (UI) thread,
    which is cheap and consistent, and hands the write to a thread. While a
    write runs, a newer snapshot waits in a single slot (older ones are
    dropped), so writes never pile up or land out of order.
    """

    def __init__(
        self,
        store: SessionRepository | None,
        *,
        on_result: Callable[[str | None], None] | None = None,
        on_dropped: Callable[[str], None] | None = None,
    ) -> None:
        """`on_result(error)` is called on the loop after each write: the
        failed save's sentence, or None when it succeeded. `on_dropped(id)` is
        called on the loop when the store dropped a save because the session
        was deleted elsewhere (another window, another program): the chat on
        screen is no longer saved unless the caller does something about it."""
        self.store = store
        self._pending: dict[str, Any] | None = None
        self._task: asyncio.Task[None] | None = None
        self.writes = 0
        self._saved_ids: set[str] = set()
        #: Ids whose file did not exist before this checkpointer first wrote them.
        self._created: set[str] = set()
        #: Ids whose file this checkpointer has checked for (writer thread only).
        self._checked: set[str] = set()
        #: Saves the store dropped (the session was deleted meanwhile).
        self.dropped = 0
        #: Files of chats that became empty again, deleted for good.
        self.discarded = 0
        #: Deleted sessions: never written again (until `remember`).
        self._forgotten: set[str] = set()
        #: Why the last save failed (one sentence), None once a save succeeds.
        self.last_error: str | None = None
        self.on_result = on_result
        self.on_dropped = on_dropped

    def save(self, session: Session) -> None:
        if self.store is None or session.id in self._forgotten:
            return
        if not session.messages and session.id not in self._saved_ids:
            return  # never write empty chats nobody typed into
        self._saved_ids.add(session.id)
        self._pending = session.model_dump(mode="json")
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        while self._pending is not None:
            data, self._pending = self._pending, None
            if data.get("id") in self._forgotten:
                continue
            store = self.store
            if store is None:
                return
            try:
                outcome = await asyncio.to_thread(self._write, store, data)
            except Exception as exc:  # a full disk must not end the chat
                self.last_error = save_error_text(exc)
            else:
                self.last_error = None
                if outcome == "written":
                    self.writes += 1
                elif outcome == "dropped":
                    self.dropped += 1
                    if self.on_dropped is not None:
                        self.on_dropped(str(data.get("id")))
                else:  # "discarded": saved again from scratch once it has a message
                    self.discarded += 1
                    self._saved_ids.discard(str(data.get("id")))
            if self.on_result is not None:
                self.on_result(self.last_error)

    def forget(self, session_id: str) -> None:
        """The session was deleted: never write it again (that would restore it),
        not even a stream's last checkpoint, until `remember(session_id)`."""
        self._forgotten.add(session_id)
        self._saved_ids.discard(session_id)
        if self._pending is not None and self._pending.get("id") == session_id:
            self._pending = None

    def is_forgotten(self, session_id: str) -> bool:
        return session_id in self._forgotten

    def remember(self, session_id: str) -> None:
        """The session is open again (opened from the browser or the trash):
        save it, and as a session that existed before (emptied, it is written
        empty rather than deleted)."""
        self._forgotten.discard(session_id)
        self._created.discard(session_id)
        self._checked.add(session_id)

    def _write(self, store: SessionRepository, data: dict[str, Any]) -> str:
        """In the writer thread: "written", "dropped" (deleted meanwhile) or
        "discarded" (an empty chat whose file this checkpointer created)."""
        sid = str(data.get("id") or "")
        if sid not in self._checked:
            self._checked.add(sid)
            if not store.exists(sid):
                self._created.add(sid)
        if not data.get("messages") and sid in self._created and not data.get("title_is_custom"):
            # The turn went back into the prompt: its images may still be
            # shown there, and sent again from the store's copies.
            store.discard(sid, keep_attachments=True)
            self._created.discard(sid)
            self._checked.discard(sid)
            return "discarded"
        return "written" if store.save_snapshot(data) else "dropped"

    async def flush(self) -> None:
        """Wait for the pending writes (tests, quitting)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)
