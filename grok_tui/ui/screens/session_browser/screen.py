"""`SessionBrowserScreen`: the F4 screen (see the package docstring).

The screen owns the widgets, the bindings, the workers and the actions; the
list it shows is a `SessionRows` (`model`), its rows and texts come from
`display`, the dialogs from `dialogs`, the export/import files from `files`.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey

from grok_tui.chat.session import Session
from grok_tui.sanitize import one_line
from grok_tui.store import (
    DamagedSessionError,
    ListingTotals,
    SessionImportError,
    SessionNotFound,
    SessionRepository,
    SessionSummary,
    StoreError,
)
from grok_tui.ui.screens.session_browser.commands import SessionCommands
from grok_tui.ui.screens.session_browser.delete_dialog import DeleteSessionScreen
from grok_tui.ui.screens.session_browser.dialogs import (
    empty_trash_dialog,
    export_dialog,
    import_dialog,
    rename_dialog,
)
from grok_tui.ui.screens.session_browser.display import (
    COLUMNS,
    column_widths,
    detail_content,
    heading_content,
    keys_content,
    line_label,
    message_content,
    row_cells,
)
from grok_tui.ui.screens.session_browser.files import (
    default_export_stem,
    export_folder,
    export_stem,
    user_path,
    write_export,
)
from grok_tui.ui.screens.session_browser.model import (
    Mode,
    SessionRows,
    SortKey,
    fetch_page,
    next_sort,
    query_words,
)
from grok_tui.ui.screens.session_browser.results import (
    BrowserClosed,
    BrowserResult,
    CurrentDeleted,
    OpenSession,
)
from grok_tui.ui.screens.session_browser.server_files import (
    FileDeletionPlan,
    FileServer,
    delete_server_files,
    kept_sentence,
    session_file_plan,
)
from grok_tui.ui.stylesheets import stylesheet

#: Seconds of no typing before the filter runs.
DEBOUNCE = 0.15

_ERRORS = (StoreError, OSError, ValueError)


class SessionBrowserScreen(Screen[BrowserResult]):
    """Browse, search and manage saved sessions (see the package docstring)."""

    DEFAULT_CSS = stylesheet(__file__, "session_browser.tcss")
    COMMANDS: ClassVar[set[Any]] = {SessionCommands}
    AUTO_FOCUS = "#filter"

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
        super().__init__()
        #: Where uploaded documents live (None: deleting never offers to
        #: delete them; see `delete_dialog`).
        self.file_server = file_server
        self.store = store
        self.current_session_id = current_session_id
        #: Called just before the open chat's session is deleted here, so the
        #: chat stops saving it first (a save racing the delete is then
        #: expected to be dropped, not taken for a delete elsewhere).
        self.before_delete_current = before_delete_current
        self.mode: Mode = "sessions"
        self.sort: SortKey = "updated"
        self.query_text = ""
        #: The rows loaded so far (`rows`, `exhausted`, `total` read from it).
        self.listing = SessionRows()
        self.loading = False
        self.generation = 0
        self.message = ""
        #: The new title of the chat's session if it was renamed here (in the result).
        self.renamed_current: str | None = None
        self._select_after: str | None = None
        self._debounce: Timer | None = None
        self._refresh_store = refresh
        self._widths: dict[str, int] = {}
        #: Enter came while the filter's first page was loading: open after it.
        self._open_after_load = False

    @property
    def rows(self) -> list[SessionSummary]:
        """The sessions in the table, top to bottom."""
        return self.listing.rows

    @property
    def exhausted(self) -> bool:
        """No further page to load."""
        return self.listing.exhausted

    @property
    def total(self) -> int | None:
        """How many sessions the listing has in all pages, when counted."""
        return self.listing.total

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="heading", markup=False)
        yield Input(placeholder="Type to filter: titles and message text", id="filter")
        table: DataTable[Any] = DataTable(
            id="table", cursor_type="row", zebra_stripes=False, show_row_labels=False
        )
        table.can_focus = False  # typing always goes to the filter
        yield table
        yield Static("", id="detail", markup=False)
        yield Static("", id="message", markup=False)
        yield Static("", id="keys", markup=False)

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#table", DataTable)

    def on_mount(self) -> None:
        self._add_columns(self.size.width or self.app.size.width)
        self.watch(self.table, "scroll_y", self._on_scroll, init=False)
        self._refresh_keys()
        self.reload()
        if self._refresh_store:
            self.run_worker(
                self._background_refresh(), group="browser-refresh", exit_on_error=False
            )

    def _add_columns(self, width: int) -> None:
        self._widths = column_widths(max(40, width - 2))
        table = self.table
        for key, label in COLUMNS:
            table.add_column(label, width=self._widths[key], key=key)

    def on_resize(self) -> None:
        widths = column_widths(max(40, self.size.width - 2))
        if widths == self._widths or not self._widths:
            return
        self._widths = widths
        table = self.table
        for key, _label in COLUMNS:
            table.columns[key].width = widths[key]  # type: ignore[index]
        # DataTable has no public way to resize a column: drop its caches.
        table._clear_caches()
        table._require_update_dimensions = True
        table.refresh()

    # -- loading ----------------------------------------------------------------

    def reload(self, *, select: str | None = None) -> None:
        """Fetch the first page again for the current mode, filter and sort."""
        self.generation += 1
        self._select_after = select if select is not None else self.highlighted_id()
        self.loading = True
        self.run_worker(
            self._fetch(self.generation, 0),
            group="browser-query",
            exclusive=True,
            exit_on_error=False,
        )

    def _load_more(self) -> None:
        if self.loading or self.exhausted or self.mode == "trash":
            return
        self.loading = True
        self.run_worker(
            self._fetch(self.generation, len(self.rows)), group="browser-more", exit_on_error=False
        )

    async def _fetch(self, generation: int, offset: int) -> None:
        mode, query, sort = self.mode, self.query_text, self.sort
        try:
            rows, totals = await asyncio.to_thread(
                fetch_page, self.store, mode, query, sort, offset, offset == 0
            )
        except _ERRORS as exc:
            if generation == self.generation:
                self.loading = False
                self._open_after_load = False
                self.show_message(f"Could not read the sessions: {exc}", error=True)
            return
        if generation != self.generation:
            return  # a newer query replaced this one
        self.loading = False
        self._apply(rows, replace=offset == 0, totals=totals, complete=mode == "trash")
        if self._open_after_load:
            self._open_after_load = False
            self.action_open()

    def _apply(
        self,
        rows: list[SessionSummary],
        *,
        replace: bool,
        totals: ListingTotals | None,
        complete: bool,
    ) -> None:
        """Put a fetched page in the table (replacing it for a first page)."""
        table = self.table
        words = query_words(self.query_text)
        if replace:
            table.clear()
            self.listing.reset(totals)
            label = line_label(self.mode, words)
            column = table.columns[ColumnKey("line")]
            if column.label.plain != label:
                column.label = Text(label)
                table.refresh()
        for summary in self.listing.add_page(rows, complete=complete):
            table.add_row(*self._cells(summary, words), key=summary.id)
        if replace:
            target = self._select_after
            self._select_after = None
            index = self.listing.index_of(target) or 0
            if self.rows:
                table.move_cursor(row=index, animate=False)
        self._refresh_heading()
        self._refresh_detail()

    def _cells(self, s: SessionSummary, words: list[str]) -> tuple[Text, ...]:
        return row_cells(
            s,
            words,
            current=s.id == self.current_session_id and self.mode == "sessions",
            line_width=self._widths.get("line", 80),
        )

    async def _background_refresh(self) -> None:
        try:
            changed = await asyncio.to_thread(self.store.refresh)
        except _ERRORS:
            return
        if changed and self.mode == "sessions":
            self.reload()

    def _on_scroll(self, _value: float) -> None:
        table = self.table
        if self.listing.near_end(table.scroll_y + table.scrollable_content_region.height):
            self._load_more()

    @on(DataTable.RowHighlighted, "#table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._refresh_detail()
        if self.listing.near_end(event.cursor_row):
            self._load_more()

    @on(DataTable.RowSelected, "#table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()  # a click on the highlighted row
        self.action_open()

    # -- filter -----------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
        value = event.value
        self._debounce = self.set_timer(DEBOUNCE, lambda: self._run_filter(value))

    def _run_filter(self, value: str) -> None:
        self._debounce = None
        if value.strip() == self.query_text.strip():
            self.query_text = value
            return
        self.query_text = value
        self.reload(select="")

    # -- display ----------------------------------------------------------------

    def highlighted(self) -> SessionSummary | None:
        """The session under the cursor, if any."""
        if not self.table.row_count:
            return None
        return self.listing.at(self.table.cursor_row)

    def highlighted_id(self) -> str | None:
        s = self.highlighted()
        return s.id if s is not None else None

    def _refresh_heading(self) -> None:
        self.query_one("#heading", Static).update(
            heading_content(self.listing, self.mode, self.query_text, self.sort)
        )

    def _refresh_detail(self) -> None:
        self.query_one("#detail", Static).update(
            detail_content(self.highlighted(), self.mode, self.query_text)
        )

    def _refresh_keys(self) -> None:
        self.query_one("#keys", Static).update(keys_content(self.mode))

    def show_message(self, text: str, *, error: bool = False) -> None:
        """A line under the detail (green, or red with `error`); untrusted text is fine."""
        self.message = text
        widget = self.query_one("#message", Static)
        widget.update(message_content(text))
        widget.set_class(error, "-error")

    # -- bindings ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        trash = self.mode == "trash"
        if action in ("rename", "delete", "duplicate", "export", "import"):
            return not trash
        if action in ("restore", "empty_trash"):
            return trash
        return True

    def _needs_row(self) -> SessionSummary | None:
        s = self.highlighted()
        if s is None:
            self.show_message("No session is highlighted.", error=True)
        return s

    def _refuse_damaged(self, s: SessionSummary, doing: str) -> bool:
        if s.damaged is None:
            return False
        self.show_message(
            f"Cannot {doing} {s.path.name}: the file is damaged ({s.damaged}). "
            "It is left as it is.",
            error=True,
        )
        return True

    def action_cursor(self, delta: int) -> None:
        table = self.table
        if table.row_count:
            table.move_cursor(row=max(0, table.cursor_row + delta))

    def action_page(self, direction: int) -> None:
        table = self.table
        step = max(1, table.scrollable_content_region.height - 2)
        if table.row_count:
            table.move_cursor(
                row=max(0, min(table.row_count - 1, table.cursor_row + direction * step))
            )

    def action_first(self) -> None:
        if self.table.row_count:
            self.table.move_cursor(row=0)

    def action_last(self) -> None:
        if self.table.row_count:
            self.table.move_cursor(row=self.table.row_count - 1)

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

    # -- changing rows in place -------------------------------------------------------

    def _mark_damaged(self, s: SessionSummary, reason: str) -> None:
        self._replace_row(dataclasses.replace(s, damaged=reason))

    def _replace_row(self, fixed: SessionSummary) -> None:
        if self.listing.replace(fixed) is None:
            return
        cells = self._cells(fixed, query_words(self.query_text))
        for (key, _label), cell in zip(COLUMNS, cells):
            self.table.update_cell(fixed.id, key, cell)
        self._refresh_detail()

    def _remove_row(self, session_id: str) -> None:
        index = self.listing.remove(session_id, counted=self.mode == "sessions")
        if index is None:
            return
        self.table.remove_row(session_id)
        if self.rows:
            self.table.move_cursor(row=min(index, len(self.rows) - 1), animate=False)
        self._refresh_heading()
        self._refresh_detail()

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
        except _ERRORS as exc:
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
        except _ERRORS as exc:
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
        server = self.file_server() if self.file_server is not None else None
        plan: FileDeletionPlan | None = None
        if server is not None and s.damaged is None:
            try:
                plan = await asyncio.to_thread(session_file_plan, self.store, s.id)
            except _ERRORS:
                plan = None  # the delete below says what is wrong, if anything
        delete_files = False
        if server is not None and plan is not None and plan.deletable:
            answer = await self.app.push_screen_wait(
                DeleteSessionScreen(s.title, plan, where=server.where)
            )
            if answer is None:
                self.show_message("Nothing was deleted.")
                return
            delete_files = answer.delete_files
        if s.id == self.current_session_id and self.before_delete_current is not None:
            self.before_delete_current(s.id)
        try:
            await asyncio.to_thread(self.store.delete, s.id)
        except _ERRORS as exc:
            self.show_message(f"Could not delete: {exc}", error=True)
            return
        moved = (
            f"Moved “{one_line(s.title, 80)}” to the trash (F9 shows the trash, F8 there restores)."
        )
        files_said, failed = "", False
        if server is not None and plan is not None and plan.files:
            if delete_files:
                report = await delete_server_files(server.client, plan.deletable)
                files_said, failed = report.sentence(server.where), not report.ok
            elif plan.deletable:
                files_said = f"Its uploaded files stay on {server.where}."
            files_said = " ".join(t for t in (files_said, kept_sentence(plan)) if t)
        if s.id == self.current_session_id:
            if files_said:
                self.app.notify(
                    files_said, severity="error" if failed else "information", markup=False
                )
            self.dismiss(CurrentDeleted(s.id))
            return
        self._remove_row(s.id)
        self.show_message(f"{moved} {files_said}".strip(), error=failed)

    def action_restore(self) -> None:
        s = self._needs_row()
        if s is not None:
            self._work(self._restore(s))

    async def _restore(self, s: SessionSummary) -> None:
        try:
            new_id = await asyncio.to_thread(self.store.restore, s.id)
        except _ERRORS as exc:
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
        except _ERRORS as exc:
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
        except _ERRORS as exc:
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
        except _ERRORS as exc:
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
        except _ERRORS as exc:
            self.show_message(f"Not imported: {exc}", error=True)
            return
        self.show_message(f"Imported “{session.title or 'Untitled'}” from {path}.")
        if self.query_text:
            self.query_one("#filter", Input).value = ""
            self.query_text = ""
        self.reload(select=session.id)
