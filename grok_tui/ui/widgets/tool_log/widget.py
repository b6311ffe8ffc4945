"""The tool-call / reasoning log widget: one line per server-side tool call, per turn.

The package splits it by idea: `rows` (what rows a turn has, plain data built
from a saved `Message` or grown from live events; no Textual), `lazy_turns`
(the line map and which old turns are still lazy; no Textual), `text` (a row
as display `Content`) and this module (the widget: painting, expansion, the
cursor, keys, scrolling, the elapsed-time timer).

`ToolLog` is a line-API widget (a `ScrollView` that renders only the visible
lines), so a session of hundreds of turns loads without mounting a widget per
row, and a live event touches one row in O(1).

Every row is rendered from the assistant `Message` the `TurnRecorder` updates
(`retries`, `tool_calls`, `reasoning_started_at`, `reasoning_seconds`,
`usage`, `citations`, `status`), so the live view and a view rebuilt from a
saved session are the same. A turn's rows, in order: the header, its retries
("retrying in 2 s: rate limited (attempt 1)"), reasoning, tool calls, summary.

Public API (all methods run on the UI thread):

- `ToolLog(*, clock=time.time, name=None, id=None, classes=None)`; `clock`
  gives wall time, used for the elapsed time of running calls.
- `begin_turn(message, prompt_text) -> None` — a turn header (the time of
  `message.created_at` and the user's prompt on one line). Call when the
  assistant reply `message` is created, before its events arrive.
- `apply(event, message) -> None` — update the rows from one stream event
  *after* `TurnRecorder.apply(event)` has updated `message`. Handles
  ToolCallStarted/Updated/Finished, ReasoningStarted/Progress/Finished,
  Retrying, UsageUpdated and Completed/Failed (which end the turn with a
  summary line); every other event (text deltas) is a no-op. Starts the turn
  implicitly if `begin_turn` was not called.
- `end_turn(message) -> None` — finish the turn: add (or refresh) its summary
  line (tool calls by kind from the usage, sources, tokens, cost, duration;
  "stopped"/"failed: reason" when so). Idempotent; call it after Esc
  (`TurnRecorder.finish_stopped()`), it is called for you on Completed/Failed.
- `load_messages(messages) -> None` — replace the log with the turns of a saved
  session (every assistant message; its prompt is the user message before it).
  Lazy: only the newest turns (a few screens) are measured at once; the older
  ones sit behind an estimated run of lines and are measured when the view
  scrolls near them or the cursor reaches them (the rows in view do not move).
  Loading the same messages again, with nothing changed in between, is a no-op.
- `clear() -> None`.
- `toggle_row(index=None) -> None` — expand/collapse a row (the cursor row by
  default) to show the full arguments (pretty JSON), the sources and the
  error; reasoning rows show the reasoning text.
- `tick() -> None` — refresh the running rows (elapsed time); a 1 s interval
  timer calls it while anything runs, and stops when nothing does.
- Read-only: `row_count`, `line_count` (estimated while turns are lazy),
  `pending_turns` (oldest turns not measured yet), `cursor` (row index or None),
  `plain_lines() -> list[str]` (the text of every line, for tests/debugging).

Reasoning: a reply gets a reasoning row when it has reasoning text, reasoning
tokens, a thinking time of at least 0.1 s, or unfinished thinking (the rule of
`message_view.reasoning_line`), except that a usage counting no reasoning
tokens (and no text) means no reasoning: the "thinking" time was the wait for
the first output (see `rows.has_reasoning`). A model with hidden reasoning may report only
its reasoning tokens (no events, or a reasoning item opened and closed at
once): the row then says "reasoned · N tokens (time not reported)", never
"thought for 0.0 s". The row sits under the header (and retries), live and
reloaded alike; `end_turn` adds or drops it once the usage is known.

Keys (when focused): up/down move between rows, Enter/Space expand or
collapse, Home/End jump; a click on a row selects and toggles it.

Untrusted text (tool names, arguments, URLs, errors, the prompt) is cleaned
with `strip_control` and rendered through `Content`, never markup.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style
from textual.timer import Timer

from grok_tui.chat.session import Message
from grok_tui.ui.stylesheets import stylesheet
from grok_tui.ui.widgets.tool_log import text
from grok_tui.ui.widgets.tool_log.lazy_turns import LazyTurns
from grok_tui.ui.widgets.tool_log.rows import (
    LoadKey,
    Row,
    Turn,
    load_key,
    new_turn,
    saved_turns,
)

if TYPE_CHECKING:
    from grok_tui.api import events as ev

#: Shown while the log is empty (dim, wrapped to the pane's width).
EMPTY_TEXT = (
    "Searches, tool calls and thinking of each reply show here, one row each, "
    "with a summary of the turn (tokens, cost). Up/Down select a row, Enter opens it."
)


class ToolLog(ScrollView, can_focus=True):
    """The per-turn log of tool calls, reasoning and turn summaries (see the
    module docstring for the public API)."""

    DEFAULT_CSS = stylesheet(__file__, "tool_log.tcss")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "tool-log--header",
        "tool-log--dim",
        "tool-log--name",
        "tool-log--started",
        "tool-log--running",
        "tool-log--done",
        "tool-log--failed",
        "tool-log--summary",
        "tool-log--detail",
        "tool-log--cursor",
        "tool-log--code-keyword",
        "tool-log--code-string",
        "tool-log--code-number",
        "tool-log--code-comment",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Previous row", show=False),
        Binding("down", "cursor_down", "Next row", show=False),
        Binding("home", "cursor_first", "First row", show=False),
        Binding("end", "cursor_last", "Last row", show=False),
        Binding("enter,space", "toggle_row", "Expand", show=False),
    ]

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.clock = clock
        #: The turns, rows and line map, the oldest turns lazy (the model).
        self._lines = LazyTurns(self._height, self._width)
        self._adjusting = False
        self._visible_check = False
        #: EMPTY_TEXT wrapped for a width (every painted line of the empty log needs it).
        self._empty_wrapped: tuple[int, list[Content]] | None = None
        self._loaded_key: LoadKey | None = None
        self._live_rows: set[Row] = set()
        self._timer: Timer | None = None
        self._cursor: int | None = None
        self._follow = True

    # -- public read-only ----------------------------------------------------

    # The model's lists under their old names (tests and debugging read them).

    @property
    def _turns(self) -> list[Turn]:
        return self._lines.turns

    @property
    def _rows(self) -> list[Row]:
        return self._lines.rows

    @property
    def _line_map(self) -> list[Row | None]:
        return self._lines.line_map

    @property
    def row_count(self) -> int:
        return len(self._lines.rows)

    @property
    def line_count(self) -> int:
        return len(self._lines.line_map)

    @property
    def cursor(self) -> int | None:
        return self._cursor

    @property
    def pending_turns(self) -> int:
        """How many of the oldest turns are not measured yet (lazy loading)."""
        return self._lines.lazy_turns

    @property
    def is_ticking(self) -> bool:
        """Whether the 1 s elapsed-time timer runs."""
        return self._timer is not None

    def plain_lines(self) -> list[str]:
        """The plain text of every line at the current width (lazy turns too,
        without placing them)."""
        width = self._width()
        out: list[str] = []
        for row in self._lines.rows:
            height = self._height(row) if self._lines.is_lazy(row) else row.height
            for sub in range(height):
                out.append(self._row_line(row, sub, width).plain.rstrip())
        return out

    # -- public API ------------------------------------------------------------

    def begin_turn(self, message: Message, prompt_text: str) -> None:
        """Start a turn for the assistant reply `message`, headed by `prompt_text`."""
        existing = self._lines.turn_by_id.get(message.id)
        self._loaded_key = None
        if existing is not None:
            existing.set_message(message)
            existing.prompt = new_turn(message, prompt_text).prompt
            existing.live = True
            self._refresh_row(existing.rows[0])
            return
        turn = new_turn(message, prompt_text)
        turn.live = True
        self._append_turn(turn)

    def apply(self, event: ev.StreamEvent, message: Message) -> None:
        """Update the rows of `message`'s turn from one event (O(1) per event).
        Events of other kinds (text deltas, kinds added later) are ignored."""
        handler = self._handlers().get(type(event))
        if handler is None:
            return
        turn = self._lines.turn_by_id.get(message.id)
        if turn is None:
            self.begin_turn(message, "")
            turn = self._lines.turn_by_id[message.id]
        else:
            turn.set_message(message)
        handler(self, turn, event)

    def end_turn(self, message: Message) -> None:
        """Finish `message`'s turn: add or refresh its summary line."""
        turn = self._lines.turn_by_id.get(message.id)
        if turn is None:
            self.begin_turn(message, "")
            turn = self._lines.turn_by_id[message.id]
        turn.set_message(message)
        turn.live = False
        for row in turn.rows:
            if row in self._live_rows:
                self._live_rows.discard(row)
                row.details = None
                self._refresh_row(row)
        self._update_timer()
        if turn.settle_reasoning():
            # Reasoning known only from the usage (hidden reasoning streams no
            # events), or "reasoning" that took no time and left no trace.
            self._reflow_turn(turn)
        elif turn.reasoning is not None:
            self._refresh_row(turn.reasoning)
        summary, added = turn.add_summary()
        if added:
            self._placed(turn, summary)
        else:
            summary.details = None
            self._refresh_height(summary)
            self._refresh_row(summary)

    def load_messages(self, messages: Iterable[Message]) -> None:
        """Replace the log with the turns of a saved session.

        Cheap for long sessions: only the newest turns (a few screens) are
        measured now; older ones when scrolled near (or the cursor reaches
        them). Loading the same messages again (same objects, same shape) while
        nothing changed the log in between is a no-op."""
        messages = list(messages)
        key = load_key(messages)
        if key == self._loaded_key:
            return
        self._reset()
        # Measure the newest turns (their heights are cached per width), the
        # rest stays lazy behind an estimated pad.
        self._lines.load(saved_turns(messages), self.scrollable_content_region.height)
        self._after_rebuild()
        self._follow = True
        self._loaded_key = key
        self.scroll_end(animate=False, immediate=False)

    def clear(self) -> None:
        """Remove every turn."""
        self._reset()
        self._rebuild()

    def toggle_row(self, index: int | None = None) -> None:
        """Expand or collapse row `index` (default: the cursor row)."""
        if index is None:
            index = self._cursor
        if index is None or not 0 <= index < len(self._lines.rows):
            return
        self._materialize_to(index)
        row = self._lines.rows[index]
        if not row.turn.expandable(row):
            return
        row.expanded = not row.expanded
        row.details = None
        self._rebuild()

    def tick(self) -> None:
        """Refresh the rows whose elapsed time runs; stop the timer when none do."""
        for row in list(self._live_rows):
            if not row.turn.is_running(row):
                self._live_rows.discard(row)
            self._refresh_row(row)
        self._update_timer()

    def summary_text(self, message: Message) -> str:
        """The summary line of a finished turn, as plain text."""
        return text.summary_content(message, self._style).plain

    # -- event handlers ----------------------------------------------------------

    def _on_tool_started(self, turn: Turn, event: ev.ToolCallStarted) -> None:
        self._tool_row(turn, event.call_id, event.name)

    def _on_tool_updated(self, turn: Turn, event: ev.ToolCallUpdated) -> None:
        row = self._tool_row(turn, event.call_id, "")
        row.details = None
        if row.expanded:  # streamed code grows the expanded lines
            self._refresh_height(row)
        self._refresh_row(row)

    def _on_tool_finished(self, turn: Turn, event: ev.ToolCallFinished) -> None:
        row = self._tool_row(turn, event.call_id, event.name)
        self._live_rows.discard(row)
        row.details = None
        if row.expanded:
            self._refresh_height(row)
        self._refresh_row(row)
        self._update_timer()

    def _on_reasoning(self, turn: Turn, event: ev.ReasoningStarted | ev.ReasoningProgress) -> None:
        row = self._reasoning_row(turn)
        if turn.live and turn.message.reasoning_seconds is None:
            self._live_rows.add(row)
            self._update_timer()
        self._refresh_row(row)

    def _on_reasoning_finished(self, turn: Turn, event: ev.ReasoningFinished) -> None:
        row = self._reasoning_row(turn)
        self._live_rows.discard(row)
        self._refresh_row(row)
        self._update_timer()

    def _on_retrying(self, turn: Turn, event: ev.Retrying) -> None:
        # The TurnRecorder saved the retry on the message: show that record
        # (as a reload will); without a recorder, one made the same way.
        shown = turn.retry_count()
        retries = turn.message.retries
        from grok_tui.chat.turn import retry_record

        record = retries[shown] if shown < len(retries) else retry_record(event, self.clock())
        self._placed(turn, turn.add_retry(record))

    def _on_usage(self, turn: Turn, event: ev.UsageUpdated) -> None:
        if turn.reasoning is not None:
            self._refresh_row(turn.reasoning)
        if turn.summary is not None:
            turn.summary.details = None
            self._refresh_height(turn.summary)
            self._refresh_row(turn.summary)

    def _on_terminal(self, turn: Turn, event: ev.Completed | ev.Failed) -> None:
        self.end_turn(turn.message)

    #: Event type -> handler, built on the first event: the stream events are
    #: not imported before a reply streams (start-up time).
    _HANDLERS: ClassVar[dict[type, Callable[[ToolLog, Turn, ev.StreamEvent], None]] | None] = None

    @classmethod
    def _handlers(cls) -> dict[type, Callable[[ToolLog, Turn, ev.StreamEvent], None]]:
        handlers = cls._HANDLERS
        if handlers is None:
            from grok_tui.api import events as ev

            handlers = cls._HANDLERS = {
                ev.ToolCallStarted: cls._on_tool_started,  # type: ignore[dict-item]
                ev.ToolCallUpdated: cls._on_tool_updated,  # type: ignore[dict-item]
                ev.ToolCallFinished: cls._on_tool_finished,  # type: ignore[dict-item]
                ev.ReasoningStarted: cls._on_reasoning,  # type: ignore[dict-item]
                ev.ReasoningProgress: cls._on_reasoning,  # type: ignore[dict-item]
                ev.ReasoningFinished: cls._on_reasoning_finished,  # type: ignore[dict-item]
                ev.Retrying: cls._on_retrying,  # type: ignore[dict-item]
                ev.UsageUpdated: cls._on_usage,  # type: ignore[dict-item]
                ev.Completed: cls._on_terminal,  # type: ignore[dict-item]
                ev.Failed: cls._on_terminal,  # type: ignore[dict-item]
            }
        return handlers

    # -- rows ----------------------------------------------------------------------

    def _reasoning_row(self, turn: Turn) -> Row:
        row, added = turn.add_reasoning()
        if added:
            self._placed(turn, row)
        return row

    def _tool_row(self, turn: Turn, call_id: str, name: str) -> Row:
        row, added = turn.add_tool(call_id, name)
        if added:
            self._placed(turn, row)
        if turn.live and turn.is_running(row):
            self._live_rows.add(row)
            self._update_timer()
        self._refresh_row(row)
        return row

    def _append_turn(self, turn: Turn) -> None:
        self._loaded_key = None
        self._lines.append_turn(turn)
        self._after_growth()

    def _placed(self, turn: Turn, row: Row) -> None:
        """Give lines to `row`, just added to `turn`: appended when it ends the
        log (the live case), else the turn's rows are placed again."""
        self._loaded_key = None
        if self._lines.ends_log(turn, row):
            self._lines.append_row(row)
            self._after_growth()
        else:
            self._reflow_turn(turn)

    def _reflow_turn(self, turn: Turn) -> None:
        """Re-place `turn`'s rows after rows were inserted or removed: only the
        turn's own rows when it is the last one and measured (a live turn),
        else everything. The cursor stays on its row."""
        self._loaded_key = None
        rows = self._lines.rows
        cursor_row = rows[self._cursor] if self._cursor is not None else None
        if self._lines.replace_last_turn(turn):
            self._after_growth()
        else:
            self._rebuild()
        if cursor_row is not None:
            rows = self._lines.rows
            if rows[cursor_row.index : cursor_row.index + 1] == [cursor_row]:
                self._cursor = cursor_row.index
            else:
                self._cursor = min(self._cursor or 0, len(rows) - 1) if rows else None

    def _after_growth(self) -> None:
        follow = self._follow and self._cursor is None
        self.virtual_size = Size(0, len(self._lines.line_map))
        if follow:
            self.scroll_end(animate=False, immediate=False)
        self.refresh()

    def _rebuild(self, *, reestimate: bool = False) -> None:
        """Recompute row indices and the line map (O(rows); user actions only;
        see `LazyTurns.rebuild`)."""
        self._lines.rebuild(reestimate=reestimate)
        self._after_rebuild()

    def _after_rebuild(self) -> None:
        rows = self._lines.rows
        if self._cursor is not None and self._cursor >= len(rows):
            self._cursor = len(rows) - 1 if rows else None
        self.virtual_size = Size(0, len(self._lines.line_map))
        self.refresh()

    def _reset(self) -> None:
        self._lines.reset()
        self._loaded_key = None
        self._live_rows.clear()
        self._cursor = None
        self._update_timer()

    def _refresh_row(self, row: Row) -> None:
        if self._lines.shows(row):
            self.refresh_lines(row.line, row.height)

    def _refresh_height(self, row: Row) -> None:
        if self._lines.is_lazy(row):
            return  # measured when its turn is
        height = self._height(row)
        if height == row.height:
            return
        if self._lines.regrow_last(row, height):  # the common case: the live turn's end
            self._after_growth()
        else:
            self._rebuild()

    # -- lazy turns (the model decides; the widget keeps the view on its rows) --

    def _materialize_to(self, index: int) -> None:
        """Measure the lazy turns down to row `index`, keeping the view on the
        rows it shows."""
        if index >= self._lines.lazy_rows:
            return
        delta = self._lines.materialize_to(index)
        self.virtual_size = Size(0, len(self._lines.line_map))
        if delta:
            self._shift_scroll(self.scroll_y + delta)
        self.refresh()

    def _cover_rows(self, top: float) -> int:
        """Measure lazy turns until the view at line `top` (and a screen above
        it) shows measured rows; returns the lines inserted above."""
        margin = max(1, self.scrollable_content_region.height)
        delta = self._lines.cover(top, margin)
        self.virtual_size = Size(0, len(self._lines.line_map))
        return delta

    def _shift_scroll(self, y: float) -> None:
        """Scroll to `y` at once (lines were inserted above the view), also
        when an animated scroll runs (it ends where it was headed, moved)."""
        self.virtual_size = Size(0, len(self._lines.line_map))
        if not self.is_attached:
            return
        self._adjusting = True
        try:
            animator = self.app.animator
            if animator.is_being_animated(self, "scroll_y"):
                y = self.scroll_target_y + (y - self.scroll_y)
                animator.force_stop_animation(self, "scroll_y")
            self.scroll_target_y = y
            self.scroll_y = y
        finally:
            self._adjusting = False
        self.refresh()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        if self._lines.lazy_turns and not self._adjusting:
            lazy = self._lines.lazy_turns
            delta = self._cover_rows(new_value)
            if delta:
                margin = max(1, self.scrollable_content_region.height)
                jumped_to_top = new_value <= 0 and old_value - new_value > margin
                self._shift_scroll(0 if jumped_to_top else new_value + delta)
                return
            if lazy != self._lines.lazy_turns:
                self.refresh()
        super().watch_scroll_y(old_value, new_value)

    def _cover_view(self) -> None:
        """Measure what the view shows (after a resize or a load into a view
        taller than the newest turns)."""
        self._visible_check = False
        if self._lines.lazy_turns:
            delta = self._cover_rows(self.scroll_y)
            if delta:
                self._shift_scroll(self.scroll_y + delta)

    def _update_timer(self) -> None:
        if self._live_rows and self._timer is None and self.is_attached:
            self._timer = self.set_interval(1.0, self.tick, name="tool-log-tick")
        elif not self._live_rows and self._timer is not None:
            self._timer.stop()
            self._timer = None

    def on_mount(self) -> None:
        self._update_timer()

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    # -- measuring -------------------------------------------------------------

    def _width(self) -> int:
        width = self.scrollable_content_region.width
        return width if width > 0 else 80

    def _height(self, row: Row) -> int:
        if row.kind == "summary":
            return len(self._summary_lines(row, self._width()))
        if not row.expanded:
            return 1
        return 1 + len(self._details(row, self._width()))

    def _summary_lines(self, row: Row, width: int) -> list[Content]:
        """The summary of a turn, wrapped to `width` (cached per width)."""
        if row.details is not None and row.details_width == width:
            return row.details
        out = text.summary_lines(row.turn.message, width, self._style)
        row.details = out
        row.details_width = width
        self._lines.note_summary(width, len(out))
        return out

    def _details(self, row: Row, width: int) -> list[Content]:
        """The expanded lines of `row` (cached per width)."""
        if row.details is not None and row.details_width == width:
            return row.details
        lines = text.detail_lines(row, width, self._style)
        row.details = lines
        row.details_width = width
        return lines

    # -- rendering -------------------------------------------------------------------

    def _style(self, component: str) -> Style:
        return self.get_visual_style(component, partial=True)  # type: ignore[return-value]

    def _row_line(self, row: Row, sub: int, width: int) -> Content:
        if row.kind == "summary":
            lines = self._summary_lines(row, width)
            return lines[sub] if sub < len(lines) else Content("")
        if sub > 0:
            details = self._details(row, width)
            return details[sub - 1] if sub - 1 < len(details) else Content("")
        return text.first_line(row, width, self._style, self.clock())

    def render_line(self, y: int) -> Strip:
        width = self._width()
        line_no = self.scroll_offset.y + y
        if not self._lines.line_map:
            return self._empty_line(y, width)
        row = self._lines.row_at(line_no)
        if row is None:
            if 0 <= line_no < self._lines.pad and not self._visible_check:
                self._visible_check = True  # a lazy turn shows: measure it next
                self.call_after_refresh(self._cover_view)
            return Strip.blank(width, self.get_visual_style().rich_style)
        if row.index == self._cursor:
            base = self.get_visual_style("tool-log--cursor")
        else:
            base = self.get_visual_style()
        content = self._row_line(row, line_no - row.line, width)
        strip = Strip(content.render_segments(base), content.cell_length)  # type: ignore[arg-type]
        return strip.extend_cell_length(width, base.rich_style).crop(0, width)

    def _empty_line(self, y: int, width: int) -> Strip:
        """Line `y` of the empty log's explanation (blank below it)."""
        base = self.get_visual_style()
        wrap_width = max(10, width)
        wrapped = self._empty_wrapped
        if wrapped is None or wrapped[0] != wrap_width:
            wrapped = self._empty_wrapped = (wrap_width, Content(EMPTY_TEXT).wrap(wrap_width))
        lines = wrapped[1]
        if y >= len(lines):
            return Strip.blank(width, base.rich_style)
        dim = self.get_visual_style("tool-log--dim")
        line = lines[y]
        strip = Strip(line.render_segments(dim), line.cell_length)  # type: ignore[arg-type]
        return strip.extend_cell_length(width, base.rich_style).crop(0, width)

    # -- keys and mouse --------------------------------------------------------------

    def _move_cursor(self, index: int) -> None:
        if not self._lines.rows:
            return
        index = max(0, min(len(self._lines.rows) - 1, index))
        self._materialize_to(index)
        old = self._cursor
        self._cursor = index
        self._follow = index == len(self._lines.rows) - 1
        if old is not None and old < len(self._lines.rows):
            self._refresh_row(self._lines.rows[old])
        row = self._lines.rows[index]
        self._refresh_row(row)
        self.scroll_to_region(
            Region(0, row.line, 1, row.height), animate=False, force=True, immediate=True
        )

    def action_cursor_up(self) -> None:
        self._move_cursor(len(self._lines.rows) - 1 if self._cursor is None else self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._move_cursor(len(self._lines.rows) - 1 if self._cursor is None else self._cursor + 1)

    def action_cursor_first(self) -> None:
        self._move_cursor(0)

    def action_cursor_last(self) -> None:
        self._move_cursor(len(self._lines.rows) - 1)

    def action_toggle_row(self) -> None:
        if self._cursor is None:
            self.action_cursor_last()
        self.toggle_row()
        if self._cursor is not None:
            self._move_cursor(self._cursor)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        line_no = self.scroll_offset.y + offset.y
        row = self._lines.row_at(line_no)
        if row is not None:
            self._move_cursor(row.index)
            self.toggle_row(row.index)

    def on_resize(self, event: events.Resize) -> None:
        # Summary lines wrap and expanded rows fold: their heights follow the
        # width. Keep the row at the top of the view there (unless following).
        anchor: Row | None = None
        offset = 0
        top = int(self.scroll_y)
        if not self._follow or self._cursor is not None:
            anchor = self._lines.row_at(top)
            offset = top - anchor.line if anchor is not None else 0
        self._rebuild(reestimate=True)
        if anchor is not None:
            self._shift_scroll(anchor.line + min(offset, anchor.height - 1))
        elif self._follow and self._cursor is None:
            self.scroll_end(animate=False, immediate=False)
        self._cover_view()

    def on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def on_blur(self, event: events.Blur) -> None:
        self.refresh()
