"""`SessionListScreen`: the browser's list as a screen, without the actions
on sessions (`screen.SessionBrowserScreen` adds those, its bindings and its
styles).

It owns the widgets (heading, filter, table, detail, message line, key
hints), loads the rows a page at a time in workers (`model.fetch_page`) into
a `model.SessionRows`, filters after a `DEBOUNCE` pause, keeps the columns
fitted to the width, moves the cursor, shows the highlighted session's detail
and changes single rows in place after an action. Texts come from `display`.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey

from grok_tui.store import ListingTotals, SessionRepository, SessionSummary
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
from grok_tui.ui.screens.session_browser.model import (
    STORE_ERRORS,
    Mode,
    SessionRows,
    SortKey,
    fetch_page,
    query_words,
)
from grok_tui.ui.screens.session_browser.results import BrowserResult

#: Seconds of no typing before the filter runs.
DEBOUNCE = 0.15


class SessionListScreen(Screen[BrowserResult]):
    """The sessions (or the trash) in a filtered, paged table (see the module docstring)."""

    AUTO_FOCUS = "#filter"

    def __init__(
        self,
        store: SessionRepository,
        current_session_id: str | None = None,
        *,
        refresh: bool = True,
    ) -> None:
        super().__init__()
        self.store = store
        self.current_session_id = current_session_id
        self.mode: Mode = "sessions"
        self.sort: SortKey = "updated"
        self.query_text = ""
        #: The rows loaded so far (`rows`, `exhausted`, `total` read from it).
        self.listing = SessionRows()
        self.loading = False
        self.generation = 0
        self.message = ""
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
        except STORE_ERRORS as exc:
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
        except STORE_ERRORS:
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

    # -- cursor ---------------------------------------------------------------

    def _needs_row(self) -> SessionSummary | None:
        s = self.highlighted()
        if s is None:
            self.show_message("No session is highlighted.", error=True)
        return s

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

    def action_open(self) -> None:
        """Open the highlighted session: Enter, a click, or a filter's first
        page that arrived after Enter (`SessionBrowserScreen` does it)."""
        raise NotImplementedError
