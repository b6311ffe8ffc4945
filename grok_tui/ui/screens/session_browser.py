"""The session browser: saved sessions, newest first, with search and actions.

`SessionBrowserScreen(store, current_session_id=None, *, refresh=True)` is a
`Screen` that dismisses with:

- `("open", session_id)`: the user chose a session that can be read (the
  browser loaded it once in a thread to make sure; damaged files are refused
  here with the reason and never touched);
- `("deleted-current", session_id)`: the session open in the chat was moved
  to the trash (the chat must start a new one *without saving the old one*,
  or the save would bring it back);
- `None`: closed with Esc.

Everything else it does itself through the store: rename, delete (to the
trash), restore, empty the trash, duplicate, export (Markdown + a JSON copy
beside it), import a JSON export. `renamed_current` holds the new title when
the current session was renamed (the chat should copy it into its in-memory
session so its next save keeps it); a `CurrentRenamed` message is posted too.

Speed: rows come from the store's index a page at a time (`PAGE_SIZE`), in a
thread, into a `DataTable` of `Text` cells with fixed column widths; the next
page loads when the cursor or the scroll position gets near the end. Typing
filters after a `DEBOUNCE` pause; every query carries a generation number and
results of an older generation are dropped. With `refresh=True` the store's
full refresh (stat every file, catches files edited in place) runs in the
background after the first page and reloads the list if anything changed.

Titles, first lines, snippets, reasons and paths are untrusted: they are
cleaned with `one_line` and rendered as `Text`/`Content`, never as markup.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey

from grok_tui.sanitize import one_line
from grok_tui.store import (
    DamagedSessionError,
    SessionImportError,
    SessionNotFound,
    SessionSummary,
    StoreError,
)
from grok_tui.ui.format import format_date, format_when
from grok_tui.ui.screens.confirm import ConfirmScreen, InputScreen, PathSuggester
from grok_tui.ui.session_commands import SessionCommands

if TYPE_CHECKING:
    from grok_tui.store import SessionStore

#: Rows fetched from the index per query.
PAGE_SIZE = 200
#: The next page loads when the cursor (or the bottom of the view) is this
#: close to the last loaded row.
LOAD_AHEAD = 40
#: Seconds of no typing before the filter runs.
DEBOUNCE = 0.15
#: Largest JSON file `import` reads.
MAX_IMPORT_BYTES = 64 * 1024 * 1024

BrowserResult = tuple[str, str] | None
Mode = Literal["sessions", "trash"]
SortKey = Literal["updated", "title"]

_COLUMNS: tuple[tuple[str, str], ...] = (
    ("title", "Title"),
    ("model", "Model"),
    ("when", "Activity"),
    ("count", "Msgs"),
    ("line", "First line"),
)

_ERRORS = (StoreError, OSError, ValueError)


# -- pure helpers (tested directly) ------------------------------------------------


def column_widths(total: int) -> dict[str, int]:
    """Column widths (without the table's 1-cell padding each side) for a
    table `total` cells wide: fixed model/time/count columns, the title gets
    ~40% of what is left, the first line the rest."""
    padding = 2 * len(_COLUMNS)
    model = 12 if total >= 100 else 9
    when = 11
    count = 5
    rest = max(20, total - padding - model - when - count - 1)
    title = max(12, min(60, int(rest * 0.42)))
    line = max(8, rest - title)
    return {"title": title, "model": model, "when": when, "count": count, "line": line}


def query_words(query: str) -> list[str]:
    return [w for w in query.replace('"', " ").split() if w]


def highlight(text: str, words: list[str], base: str = "", mark: str = "bold reverse") -> Text:
    """`text` as a plain `Text` with every word starting with one of `words` marked."""
    out = Text(text, style=base, no_wrap=True, overflow="ellipsis")
    if words:
        pattern = r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")"
        out.highlight_regex(re.compile(pattern, re.IGNORECASE), style=mark)
    return out


def focus_snippet(snippet: str, words: list[str], width: int) -> str:
    """`snippet` cut at the front so its first match shows in `width` cells."""
    if not words or width <= 8:
        return snippet
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")",
                         re.IGNORECASE)
    m = pattern.search(snippet)
    if m is None or m.end() <= width - 2:
        return snippet
    start = max(0, m.start() - width // 4)
    return "…" + snippet[start:].lstrip("…")


def default_export_stem(summary: SessionSummary, folder: Path) -> Path:
    """`folder/grok-<title words>-<date>` (no suffix), unique for .md and .json."""
    slug = re.sub(r"[^\w]+", "-", summary.title.lower(), flags=re.UNICODE).strip("-_")[:48]
    slug = slug.strip("-_") or "session"
    day = format_date(summary.updated_at, missing="undated")
    stem = folder / f"grok-{slug}-{day}"
    n = 2
    candidate = stem
    while candidate.with_suffix(".md").exists() or candidate.with_suffix(".json").exists():
        candidate = stem.with_name(f"{stem.name}-{n}")
        n += 1
    return candidate


def export_folder() -> Path:
    """The current folder when it is writable, else the home folder."""
    cwd = Path.cwd()
    return cwd if os.access(cwd, os.W_OK) else Path.home()


def export_stem(text: str, base: Path) -> Path:
    """The file stem the user means: `~` expanded, relative to `base`,
    without a trailing .md/.json."""
    path = Path(os.path.expanduser(text.strip()))
    if not path.is_absolute():
        path = base / path
    if path.suffix.lower() in (".md", ".json"):
        path = path.with_suffix("")
    return path


def check_export_target(text: str, base: Path) -> str | None:
    """Why the export cannot be written there, or None."""
    if not text.strip():
        return "Type a file name."
    stem = export_stem(text, base)
    if not stem.name:
        return "Type a file name, not only a folder."
    if not stem.parent.is_dir():
        return f"There is no folder {stem.parent}."
    for suffix in (".md", ".json"):
        if stem.with_suffix(suffix).exists():
            return f"{stem.with_suffix(suffix)} already exists: choose another name."
    return None


def check_import_source(text: str, base: Path) -> str | None:
    if not text.strip():
        return "Type the path of a JSON export."
    path = Path(os.path.expanduser(text.strip()))
    if not path.is_absolute():
        path = base / path
    if not path.exists():
        return f"There is no file {path}."
    if not path.is_file():
        return f"{path} is not a file."
    if path.stat().st_size > MAX_IMPORT_BYTES:
        return f"{path} is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MiB."
    return None


def _write_new(path: Path, text: str) -> None:
    with path.open("x", encoding="utf-8") as fh:  # never overwrite
        fh.write(text)


def _matches(summary: SessionSummary, words: list[str]) -> bool:
    hay = f"{summary.title}\n{summary.first_line}".casefold()
    return all(w.casefold() in hay for w in words)


_SESSION_KEYS: tuple[tuple[str, str], ...] = (
    ("Enter", "open"), ("Esc", "back"), ("F2", "rename"), ("F8", "delete"),
    ("Alt+C", "duplicate"), ("F6", "export"), ("F7", "import"), ("F3", "sort"),
    ("F9", "trash"), ("↑↓/PgUp/PgDn", "move"), ("Ctrl+P", "commands"),
)
_TRASH_KEYS: tuple[tuple[str, str], ...] = (
    ("F8", "restore"), ("Alt+E", "empty trash"), ("F9/Esc", "back to sessions"),
    ("F3", "sort"), ("↑↓/PgUp/PgDn", "move"), ("Ctrl+P", "commands"),
)


# -- the screen ------------------------------------------------------------------


class SessionBrowserScreen(Screen[BrowserResult]):
    """Browse, search and manage saved sessions (see the module docstring)."""

    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text(encoding="utf-8")
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

    class CurrentRenamed(Message):
        """The session open in the chat got a new title."""

        def __init__(self, session_id: str, title: str) -> None:
            super().__init__()
            self.session_id = session_id
            self.title = title

    def __init__(
        self,
        store: SessionStore,
        current_session_id: str | None = None,
        *,
        refresh: bool = True,
        before_delete_current: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.current_session_id = current_session_id
        #: Called just before the open chat's session is deleted here, so the
        #: chat stops saving it first (a save racing the delete is then
        #: expected to be dropped, not taken for a delete elsewhere).
        self.before_delete_current = before_delete_current
        self.mode: Mode = "sessions"
        self.sort: SortKey = "updated"
        self.query_text = ""
        self.rows: list[SessionSummary] = []
        self._ids: set[str] = set()
        self.exhausted = False
        self.loading = False
        self.generation = 0
        self.total: int | None = None
        self.message = ""
        self.renamed_current: str | None = None
        self._select_after: str | None = None
        self._debounce: Timer | None = None
        self._refresh_store = refresh
        self._widths: dict[str, int] = {}

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
            self.run_worker(self._background_refresh(), group="browser-refresh",
                            exit_on_error=False)

    def _add_columns(self, width: int) -> None:
        self._widths = column_widths(max(40, width - 2))
        table = self.table
        for key, label in _COLUMNS:
            table.add_column(label, width=self._widths[key], key=key)

    def on_resize(self) -> None:
        widths = column_widths(max(40, self.size.width - 2))
        if widths == self._widths or not self._widths:
            return
        self._widths = widths
        table = self.table
        for key, _label in _COLUMNS:
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
        self.run_worker(self._fetch(self.generation, 0), group="browser-query",
                        exclusive=True, exit_on_error=False)

    def _load_more(self) -> None:
        if self.loading or self.exhausted or self.mode == "trash":
            return
        self.loading = True
        self.run_worker(self._fetch(self.generation, len(self.rows)), group="browser-more",
                        exit_on_error=False)

    def _query(self, mode: Mode, query: str, sort: SortKey, offset: int,
               want_total: bool) -> tuple[list[SessionSummary], int | None]:
        """Runs in a thread."""
        if mode == "trash":
            rows = self.store.list_trash()
            words = query_words(query)
            if words:
                rows = [r for r in rows if _matches(r, words)]
            if sort == "title":
                rows.sort(key=lambda r: (r.title.casefold(), -r.updated_at))
            return rows, len(rows)
        rows = self.store.list_sessions(query or None, sort, PAGE_SIZE, offset)
        total = self.store.count() if want_total and not query.strip() else None
        return rows, total

    async def _fetch(self, generation: int, offset: int) -> None:
        mode, query, sort = self.mode, self.query_text, self.sort
        try:
            rows, total = await asyncio.to_thread(
                self._query, mode, query, sort, offset, offset == 0
            )
        except _ERRORS as exc:
            if generation == self.generation:
                self.loading = False
                self.show_message(f"Could not read the sessions: {exc}", error=True)
            return
        if generation != self.generation:
            return  # a newer query replaced this one
        self.loading = False
        self._apply(rows, replace=offset == 0, total=total, complete=mode == "trash")

    def _apply(self, rows: list[SessionSummary], *, replace: bool, total: int | None,
               complete: bool) -> None:
        table = self.table
        words = query_words(self.query_text)
        if replace:
            table.clear()
            self.rows = []
            self._ids = set()
            self.total = total
            label = "Match" if words and self.mode == "sessions" else "First line"
            column = table.columns[ColumnKey("line")]
            if column.label.plain != label:
                column.label = Text(label)
                table.refresh()
        for summary in rows:
            if summary.id in self._ids:
                continue  # the order changed between two pages
            self._ids.add(summary.id)
            self.rows.append(summary)
            table.add_row(*self._cells(summary, words), key=summary.id)
        self.exhausted = complete or len(rows) < PAGE_SIZE
        if replace:
            target = self._select_after
            self._select_after = None
            index = next((i for i, r in enumerate(self.rows) if r.id == target), 0)
            if self.rows:
                table.move_cursor(row=index, animate=False)
        self._refresh_heading()
        self._refresh_detail()

    def _cells(self, s: SessionSummary, words: list[str]) -> tuple[Text, ...]:
        current = s.id == self.current_session_id and self.mode == "sessions"
        if s.damaged is not None:
            title = Text("⚠ " + one_line(s.title, 200), style="bold red", no_wrap=True,
                         overflow="ellipsis")
            line = Text(f"damaged: {one_line(s.damaged, 300)}", style="red", no_wrap=True,
                        overflow="ellipsis")
        else:
            label = ("● " if current else "") + (one_line(s.title, 200) or "Untitled")
            title = highlight(label, words, base="bold" if current else "")
            snippet = one_line(s.snippet, 300) if words else ""
            if snippet:
                snippet = focus_snippet(snippet, words, self._widths.get("line", 80))
                line = highlight(snippet, words, base="italic")
            else:
                line = highlight(one_line(s.first_line, 300), words, base="dim")
        return (
            title,
            Text(one_line(s.model, 100), style="dim", no_wrap=True, overflow="ellipsis"),
            Text(format_when(s.updated_at), no_wrap=True),
            Text(str(s.message_count), justify="right", no_wrap=True),
            line,
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
        bottom = table.scroll_y + table.scrollable_content_region.height
        if bottom >= len(self.rows) - LOAD_AHEAD:
            self._load_more()

    @on(DataTable.RowHighlighted, "#table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._refresh_detail()
        if event.cursor_row >= len(self.rows) - LOAD_AHEAD:
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
        row = self.table.cursor_row
        if 0 <= row < len(self.rows) and self.table.row_count:
            return self.rows[row]
        return None

    def highlighted_id(self) -> str | None:
        s = self.highlighted()
        return s.id if s is not None else None

    def _refresh_heading(self) -> None:
        sort = "title" if self.sort == "title" else "last activity"
        shown = len(self.rows)
        if self.mode == "trash":
            what = f"Trash: {shown:,} deleted session{'s' if shown != 1 else ''}"
        elif self.query_text.strip():
            more = "+" if not self.exhausted else ""
            what = f"Sessions: {shown:,}{more} match{'es' if shown != 1 else ''}"
        else:
            total = self.total if self.total is not None else shown
            what = f"Sessions: {total:,}"
            if shown < total:
                what += f" (showing {shown:,}, more load as you scroll)"
        heading = Content.assemble((what, "bold"), (f" · sorted by {sort}", "$text-muted"))
        self.query_one("#heading", Static).update(heading)

    def _refresh_detail(self) -> None:
        detail = self.query_one("#detail", Static)
        s = self.highlighted()
        if s is None:
            empty = "The trash is empty." if self.mode == "trash" else (
                "No session matches." if self.query_text.strip() else "No saved sessions yet."
            )
            detail.update(Content(empty))
            return
        if s.damaged is not None:
            detail.update(Content.assemble(
                ("Damaged file: ", "bold $text-error"), one_line(str(s.path), 300), "\n",
                (one_line(s.damaged, 400), "$text-error"), "\n",
                ("It cannot be opened and is left as it is.", "$text-muted"),
            ))
            return
        created = format_when(s.created_at)
        meta = (f"{one_line(s.model, 80)} · {s.message_count} message"
                f"{'s' if s.message_count != 1 else ''} · created {created} · "
                f"last activity {format_when(s.updated_at)} · id {s.id}")
        words = query_words(self.query_text)
        line = one_line(s.snippet, 400) if words and s.snippet else one_line(s.first_line, 400)
        detail.update(Content.assemble(
            (one_line(s.title, 200) or "Untitled", "bold"), "\n",
            (meta, "$text-muted"), "\n",
            line,
        ))

    def _refresh_keys(self) -> None:
        """The key hints (wrapped, so all stay visible at 80 columns)."""
        keys = _TRASH_KEYS if self.mode == "trash" else _SESSION_KEYS
        parts: list[str | tuple[str, str]] = []
        for i, (key, what) in enumerate(keys):
            if i:
                parts.append("   ")
            # No-break spaces keep a key and its meaning on one line.
            parts.append((key.replace(" ", "\u00a0"), "bold $text-accent"))
            parts.append("\u00a0" + what.replace(" ", "\u00a0"))
        self.query_one("#keys", Static).update(Content.assemble(*parts))

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message = text
        widget = self.query_one("#message", Static)
        widget.update(Content(one_line(text, 600)))
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
            "It is left as it is.", error=True,
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
            table.move_cursor(row=max(0, min(table.row_count - 1,
                                             table.cursor_row + direction * step)))

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
        self.dismiss(None)

    def action_toggle_sort(self) -> None:
        self.sort = "title" if self.sort == "updated" else "updated"
        self.reload()

    def action_toggle_trash(self) -> None:
        self.mode = "trash" if self.mode == "sessions" else "sessions"
        self.set_class(self.mode == "trash", "-trash")
        self.refresh_bindings()
        self._refresh_keys()
        self.show_message(
            "Trash: F8 restores the highlighted session, Alt+E empties the trash, Esc goes back."
            if self.mode == "trash" else ""
        )
        self.reload(select="")

    # -- actions on a session -------------------------------------------------------

    def action_open(self) -> None:
        s = self._needs_row()
        if s is None:
            return
        if self.mode == "trash":
            self.show_message("Restore the session first (F8).", error=True)
            return
        if self._refuse_damaged(s, "open"):
            return
        self.run_worker(self._open(s), group="browser-action", exit_on_error=False)

    async def _open(self, s: SessionSummary) -> None:
        try:
            await asyncio.to_thread(self.store.load, s.id)
        except DamagedSessionError as exc:
            self._mark_damaged(s, exc.reason)
            self._refuse_damaged(self.highlighted() or s, "open")
            return
        except SessionNotFound:
            self.show_message(f"“{one_line(s.title, 80)}” is gone (deleted elsewhere).",
                              error=True)
            self.reload()
            return
        except _ERRORS as exc:
            self.show_message(f"Cannot open “{one_line(s.title, 80)}”: {exc}", error=True)
            return
        self.dismiss(("open", s.id))

    def _mark_damaged(self, s: SessionSummary, reason: str) -> None:
        fixed = dataclasses.replace(s, damaged=reason)
        self._replace_row(fixed)

    def _replace_row(self, fixed: SessionSummary) -> None:
        try:
            index = next(i for i, r in enumerate(self.rows) if r.id == fixed.id)
        except StopIteration:
            return
        self.rows[index] = fixed
        cells = self._cells(fixed, query_words(self.query_text))
        for (key, _label), cell in zip(_COLUMNS, cells):
            self.table.update_cell(fixed.id, key, cell)
        self._refresh_detail()

    def _remove_row(self, session_id: str) -> None:
        index = next((i for i, r in enumerate(self.rows) if r.id == session_id), None)
        if index is None:
            return
        del self.rows[index]
        self._ids.discard(session_id)
        self.table.remove_row(session_id)
        if self.total is not None and self.mode == "sessions":
            self.total = max(0, self.total - 1)
        if self.rows:
            self.table.move_cursor(row=min(index, len(self.rows) - 1), animate=False)
        self._refresh_heading()
        self._refresh_detail()

    def action_rename(self) -> None:
        s = self._needs_row()
        if s is None or self._refuse_damaged(s, "rename"):
            return

        def done(title: str | None) -> None:
            if title and title != s.title:
                self.run_worker(self._rename(s, title), group="browser-action",
                                exit_on_error=False)

        self.app.push_screen(
            InputScreen("Rename session", s.title, hint="Enter: rename   ·   Esc: cancel",
                        check=lambda t: None if t.strip() else "The title cannot be empty."),
            done,
        )

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
            self.post_message(self.CurrentRenamed(s.id, session.title))

    def action_delete(self) -> None:
        s = self._needs_row()
        if s is not None:
            self.run_worker(self._delete(s), group="browser-action", exit_on_error=False)

    async def _delete(self, s: SessionSummary) -> None:
        if s.id == self.current_session_id and self.before_delete_current is not None:
            self.before_delete_current(s.id)
        try:
            await asyncio.to_thread(self.store.delete, s.id)
        except _ERRORS as exc:
            self.show_message(f"Could not delete: {exc}", error=True)
            return
        if s.id == self.current_session_id:
            self.dismiss(("deleted-current", s.id))
            return
        self._remove_row(s.id)
        self.show_message(
            f"Moved “{one_line(s.title, 80)}” to the trash (F9 shows the trash, F8 there restores)."
        )

    def action_restore(self) -> None:
        s = self._needs_row()
        if s is not None:
            self.run_worker(self._restore(s), group="browser-action", exit_on_error=False)

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
                self.run_worker(self._empty_trash(), group="browser-action",
                                exit_on_error=False)

        self.app.push_screen(
            ConfirmScreen(
                f"Delete the {count:,} session{'s' if count != 1 else ''} in the trash "
                "for good? This cannot be undone.",
                confirm="Empty the trash", danger=True,
            ),
            done,
        )

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
        self.run_worker(self._duplicate(s), group="browser-action", exit_on_error=False)

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
                self.run_worker(self._export(s, export_stem(text, base)),
                                group="browser-action", exit_on_error=False)

        self.app.push_screen(
            InputScreen(
                "Export session to",
                str(default),
                hint="Markdown (.md) and a JSON copy (.json) beside it.   "
                     "Enter: write   ·   Tab: complete   ·   Esc: cancel",
                check=lambda t: check_export_target(t, base),
                suggester=PathSuggester(base, (".md", ".json")),
            ),
            done,
        )

    async def _export(self, s: SessionSummary, stem: Path) -> None:
        md_path, json_path = stem.with_suffix(".md"), stem.with_suffix(".json")

        def work() -> None:
            markdown = self.store.export_markdown(s.id)
            data = self.store.export_json(s.id)
            _write_new(md_path, markdown)
            try:
                _write_new(json_path, data)
            except BaseException:
                md_path.unlink(missing_ok=True)
                raise

        try:
            await asyncio.to_thread(work)
        except _ERRORS as exc:
            self.show_message(f"Could not export: {exc}", error=True)
            return
        self.show_message(f"Wrote {md_path} and {json_path}")

    def action_import(self) -> None:
        base = Path.cwd()

        def done(text: str | None) -> None:
            if text:
                path = Path(os.path.expanduser(text))
                self.run_worker(self._import(path if path.is_absolute() else base / path),
                                group="browser-action", exit_on_error=False)

        self.app.push_screen(
            InputScreen(
                "Import a session from a JSON export",
                "",
                hint="Enter: import   ·   Tab: complete   ·   Esc: cancel",
                check=lambda t: check_import_source(t, base),
                suggester=PathSuggester(base, (".json",)),
                placeholder="path/to/session.json",
            ),
            done,
        )

    async def _import(self, path: Path) -> None:
        def work() -> Any:
            text = path.read_text(encoding="utf-8")
            return self.store.import_json(text)

        try:
            session = await asyncio.to_thread(work)
        except SessionImportError as exc:
            self.show_message(f"Not imported: {path.name} is not a session export ({exc}).",
                              error=True)
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

