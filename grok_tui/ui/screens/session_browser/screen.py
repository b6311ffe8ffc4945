"""`SessionBrowserScreen`: the F4 screen (see the package docstring).

The list itself (widgets, paging, filter, cursor, detail) is the base class
`session_list.SessionListScreen`; this screen adds the bindings and the
actions on a session: open, rename, delete (the flow in `deletion`),
restore, empty the trash, duplicate, export and import (files in `files`),
with their dialogs from `dialogs`.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input

from grok_tui.chat.session import Session
from grok_tui.sanitize import one_line
from grok_tui.store import (
    DamagedSessionError,
    SessionImportError,
    SessionNotFound,
    SessionRepository,
    SessionSummary,
)
from grok_tui.ui.screens.session_browser.commands import SessionCommands
from grok_tui.ui.screens.session_browser.delete_dialog import DeleteSessionScreen
from grok_tui.ui.screens.session_browser.deletion import DeleteAnswer, delete_session
from grok_tui.ui.screens.session_browser.dialogs import (
    empty_trash_dialog,
    export_dialog,
    import_dialog,
    rename_dialog,
)
from grok_tui.ui.screens.session_browser.files import (
    default_export_stem,
    export_folder,
    export_stem,
    user_path,
    write_export,
)
from grok_tui.ui.screens.session_browser.model import STORE_ERRORS, next_sort
from grok_tui.ui.screens.session_browser.results import (
    BrowserClosed,
    CurrentDeleted,
    OpenSession,
)
from grok_tui.ui.screens.session_browser.server_files import FileDeletionPlan, FileServer
from grok_tui.ui.screens.session_browser.session_list import DEBOUNCE, SessionListScreen
from grok_tui.ui.stylesheets import stylesheet

__all__ = ["DEBOUNCE", "SessionBrowserScreen"]


class SessionBrowserScreen(SessionListScreen):
    """Browse, search and manage saved sessions (see the package docstring)."""

    DEFAULT_CSS = stylesheet(__file__, "session_browser.tcss")
    COMMANDS: ClassVar[set[Any]] = {SessionCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("enter", "open", "Open", priority=True),
        Binding("f2,alt+r", "rename", "Rename"),
        Binding("f8,alt+d", "delete", "Delete"),
        Binding("f8,alt+d", "restore", "Restore"),
        Binding("alt+c", "duplicate", "Copy"),
        Binding("f6,alt+x", "export", "Export"),
        Binding("f7,alt+i", "import", "Import"),
        Binding("alt+e", "empty_trash", "Empty trash"),
        Binding("f3,alt+s", "toggle_sort", "Sort"),
        Binding("f9,alt+t", "toggle_trash", "Trash"),
        Binding("down", "cursor(1)", show=False),
        Binding("up", "cursor(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("ctrl+home", "first", show=False),
        Binding("ctrl+end", "last", show=False),
    ]

    def __init__(
        self,
        store: SessionRepository,
        current_session_id: str | None = None,
        *,
        refresh: bool = True,
        before_delete_current: Callable[[str], None] | None = None,
        file_server: Callable[[], FileServer | None] | None = None,
    ) -> None:
        super().__init__(store, current_session_id, refresh=refresh)
        #: Where uploaded documents live (None: deleting never offers to
        #: delete them; see `delete_dialog`).
        self.file_server = file_server
        #: Called just before the open chat's session is deleted here, so the
        #: chat stops saving it first (a save racing the delete is then
        #: expected to be dropped, not taken for a delete elsewhere).
        self.before_delete_current = before_delete_current
        #: The new title of the chat's session if it was renamed here (in the result).
        self.renamed_current: str | None = None

    # -- bindings ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        trash = self.mode == "trash"
        if action in ("rename", "delete", "duplicate", "export", "import"):
            return not trash
        if action in ("restore", "empty_trash"):
            return trash
        return True

    def _refuse_damaged(self, s: SessionSummary, doing: str) -> bool:
        if s.damaged is None:
            return False
        self.show_message(
            f"Cannot {doing} {s.path.name}: the file is damaged ({s.damaged}). "
            "It is left as it is.",
            error=True,
        )
        return True

    def action_close(self) -> None:
        field = self.query_one("#filter", Input)
        if field.value:
            field.value = ""
            self._run_filter("")
            return
        if self.mode == "trash":
            self.action_toggle_trash()
            return
        self.dismiss(BrowserClosed(self.renamed_current))

    def action_toggle_sort(self) -> None:
        self.sort = next_sort(self.sort)
        self.reload()

    def action_toggle_trash(self) -> None:
        self.mode = "trash" if self.mode == "sessions" else "sessions"
        self.set_class(self.mode == "trash", "-trash")
        self.refresh_bindings()
        self._refresh_keys()
        self.show_message(
            "Trash: F8 restores the highlighted session, Alt+E empties the trash, Esc goes back."
            if self.mode == "trash"
            else ""
        )
        self.reload(select="")

    # -- actions on a session -------------------------------------------------------

    def _work(self, coro: Any) -> None:
        self.run_worker(coro, group="browser-action", exit_on_error=False)

    def action_open(self) -> None:
        typed = self.query_one("#filter", Input).value
        if self._debounce is not None or typed.strip() != self.query_text.strip():
            # Enter right after typing (a burst, a paste): filter first.
            if self._debounce is not None:
                self._debounce.stop()
            self._run_filter(typed)
        if self.loading:
            self._open_after_load = True  # open what the filter finds
            return
        s = self._needs_row()
        if s is None:
            return
        if self.mode == "trash":
            self.show_message("Restore the session first (F8).", error=True)
            return
        if self._refuse_damaged(s, "open"):
            return
        self._work(self._open(s))

    async def _open(self, s: SessionSummary) -> None:
        try:
            await asyncio.to_thread(self.store.load, s.id)
        except DamagedSessionError as exc:
            self._mark_damaged(s, exc.reason)
            self._refuse_damaged(self.highlighted() or s, "open")
            return
        except SessionNotFound:
            self.show_message(f"“{one_line(s.title, 80)}” is gone (deleted elsewhere).", error=True)
            self.reload()
            return
        except STORE_ERRORS as exc:
            self.show_message(f"Cannot open “{one_line(s.title, 80)}”: {exc}", error=True)
            return
        self.dismiss(OpenSession(s.id, self.renamed_current, s.hit_message_id))

    def action_rename(self) -> None:
        s = self._needs_row()
        if s is None or self._refuse_damaged(s, "rename"):
            return

        def done(title: str | None) -> None:
            if title and title != s.title:
                self._work(self._rename(s, title))

        self.app.push_screen(rename_dialog(s.title), done)

    async def _rename(self, s: SessionSummary, title: str) -> None:
        try:
            session = await asyncio.to_thread(self.store.rename, s.id, title)
        except STORE_ERRORS as exc:
            self.show_message(f"Could not rename: {exc}", error=True)
            return
        self._replace_row(dataclasses.replace(s, title=session.title))
        self.show_message(f"Renamed to “{session.title}”.")
        if s.id == self.current_session_id:
            self.renamed_current = session.title

    def action_delete(self) -> None:
        s = self._needs_row()
        if s is not None:
            self._work(self._delete(s))

    async def _delete(self, s: SessionSummary) -> None:
        current = s.id == self.current_session_id
        before = self.before_delete_current
        outcome = await delete_session(
            self.store,
            s,
            server=self.file_server() if self.file_server is not None else None,
            ask=self._ask_delete,
            before_delete=(lambda: before(s.id)) if current and before is not None else None,
        )
        if not outcome.deleted:
            self.show_message(outcome.message, error=outcome.error)
            return
        if current:
            if outcome.files_said:
                self.app.notify(
                    outcome.files_said,
                    severity="error" if outcome.error else "information",
                    markup=False,
                )
            self.dismiss(CurrentDeleted(s.id))
            return
        self._remove_row(s.id)
        self.show_message(outcome.message, error=outcome.error)

    async def _ask_delete(
        self, s: SessionSummary, plan: FileDeletionPlan, server: FileServer
    ) -> DeleteAnswer | None:
        return await self.app.push_screen_wait(
            DeleteSessionScreen(s.title, plan, where=server.where)
        )

    def action_restore(self) -> None:
        s = self._needs_row()
        if s is not None:
            self._work(self._restore(s))

    async def _restore(self, s: SessionSummary) -> None:
        try:
            new_id = await asyncio.to_thread(self.store.restore, s.id)
        except STORE_ERRORS as exc:
            self.show_message(f"Could not restore: {exc}", error=True)
            return
        self._remove_row(s.id)
        note = "" if new_id == s.id else " under a new id (its old id is in use)"
        self.show_message(f"Restored “{one_line(s.title, 80)}”{note}.")

    def action_empty_trash(self) -> None:
        count = len(self.rows)
        if not count:
            self.show_message("The trash is already empty.")
            return

        def done(yes: bool | None) -> None:
            if yes:
                self._work(self._empty_trash())

        self.app.push_screen(empty_trash_dialog(count), done)

    async def _empty_trash(self) -> None:
        try:
            removed = await asyncio.to_thread(self.store.empty_trash)
        except STORE_ERRORS as exc:
            self.show_message(f"Could not empty the trash: {exc}", error=True)
            return
        self.show_message(f"Deleted {removed:,} session{'s' if removed != 1 else ''} for good.")
        self.reload()

    def action_duplicate(self) -> None:
        s = self._needs_row()
        if s is None or self._refuse_damaged(s, "duplicate"):
            return
        self._work(self._duplicate(s))

    async def _duplicate(self, s: SessionSummary) -> None:
        try:
            copy = await asyncio.to_thread(self.store.duplicate, s.id)
        except STORE_ERRORS as exc:
            self.show_message(f"Could not duplicate: {exc}", error=True)
            return
        self.show_message(f"Duplicated as “{copy.title}”.")
        self.reload(select=copy.id)

    def action_export(self) -> None:
        s = self._needs_row()
        if s is None or self._refuse_damaged(s, "export"):
            return
        base = Path.cwd()
        default = default_export_stem(s, export_folder()).with_suffix(".md")

        def done(text: str | None) -> None:
            if text:
                self._work(self._export(s, export_stem(text, base)))

        self.app.push_screen(export_dialog(default, base), done)

    async def _export(self, s: SessionSummary, stem: Path) -> None:
        try:
            md_path, json_path = await asyncio.to_thread(write_export, self.store, s.id, stem)
        except STORE_ERRORS as exc:
            self.show_message(f"Could not export: {exc}", error=True)
            return
        self.show_message(f"Wrote {md_path} and {json_path}")

    def action_import(self) -> None:
        base = Path.cwd()

        def done(text: str | None) -> None:
            if text:
                self._work(self._import(user_path(text, base)))

        self.app.push_screen(import_dialog(base), done)

    async def _import(self, path: Path) -> None:
        def work() -> Session:
            text = path.read_text(encoding="utf-8")
            return self.store.import_json(text)

        try:
            session = await asyncio.to_thread(work)
        except SessionImportError as exc:
            self.show_message(
                f"Not imported: {path.name} is not a session export ({exc}).", error=True
            )
            return
        except UnicodeDecodeError:
            self.show_message(f"Not imported: {path.name} is not UTF-8 text.", error=True)
            return
        except STORE_ERRORS as exc:
            self.show_message(f"Not imported: {exc}", error=True)
            return
        self.show_message(f"Imported “{session.title or 'Untitled'}” from {path}.")
        if self.query_text:
            self.query_one("#filter", Input).value = ""
            self.query_text = ""
        self.reload(select=session.id)
