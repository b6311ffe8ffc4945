"""The tool log's line layout, as a model (no Textual): which line of the pane
each row holds, and which of the oldest turns are still lazy.

`LazyTurns` owns the log's turns, its row list and its line map (line ->
row). A long session is not measured at once: the oldest turns
`turns[:lazy_turns]` (rows `rows[:lazy_rows]`) stay lazy, and the first
`pad` lines of the map (`None`) stand in for them, an estimate. Measuring the
last lazy turn fills the bottom of the pad, so the rows below it do not move,
until the pad runs out (then it is estimated again for the turns still lazy,
and the rows below move by the difference, which the caller gets back to keep
its view on the same rows).

The widget owns one and asks it; it supplies `height(row)` (a row's lines at
the current width, cached on the row) and `width()`, and does the Textual
part itself: the virtual size, scrolling, refreshing, the cursor.
"""

from __future__ import annotations

from collections.abc import Callable

from grok_tui.ui.widgets.tool_log.rows import Row, Turn

#: Lines of the newest turns measured at once by `load` (at least three
#: viewports); older turns are measured when scrolled near.
TAIL_MIN_LINES = 100
#: The estimated height of a summary before any was measured at this width.
DEFAULT_SUMMARY_LINES = 2.0


class LazyTurns:
    """The turns, rows and line map of the tool log, the oldest turns lazy."""

    def __init__(self, height: Callable[[Row], int], width: Callable[[], int]) -> None:
        self._height = height
        self._width = width
        self.turns: list[Turn] = []
        self.turn_by_id: dict[str, Turn] = {}
        self.rows: list[Row] = []
        self.line_map: list[Row | None] = []
        self.lazy_turns = 0
        self.lazy_rows = 0
        self.pad = 0
        #: (width, lines, summaries) of the summaries measured at that width.
        self._summary_stats = (0, 0, 0)

    # -- reading ---------------------------------------------------------------

    def row_at(self, line: int) -> Row | None:
        """The row on `line` (None in the pad or outside the map)."""
        return self.line_map[line] if 0 <= line < len(self.line_map) else None

    def is_lazy(self, row: Row) -> bool:
        """Whether `row` belongs to a turn not measured yet (its lines are stale)."""
        return row.index < self.lazy_rows

    def shows(self, row: Row) -> bool:
        """Whether `row` is measured and in the row list (has lines to paint)."""
        return self.lazy_rows <= row.index < len(self.rows) and self.rows[row.index] is row

    def ends_log(self, turn: Turn, row: Row) -> bool:
        """Whether `row` is the last row of `turn`, the last turn."""
        return turn.rows[-1] is row and bool(self.turns) and self.turns[-1] is turn

    def note_summary(self, width: int, lines: int) -> None:
        """Count a summary measured at `width` (the estimate of lazy ones)."""
        stats_width, total, count = self._summary_stats
        if stats_width != width:
            total = count = 0
        self._summary_stats = (width, total + lines, count + 1)

    def estimate(self, turns: list[Turn]) -> int:
        """Estimated lines of `turns` (at least 1 when there are any): one per
        row, summaries as high as the average one measured at this width."""
        if not turns:
            return 0
        width, lines, count = self._summary_stats
        per_summary = lines / count if count and width == self._width() else DEFAULT_SUMMARY_LINES
        rows = summaries = 0
        for turn in turns:
            rows += len(turn.rows)
            summaries += turn.summary is not None
        return max(1, rows - summaries + round(summaries * per_summary))

    # -- changing --------------------------------------------------------------

    def reset(self) -> None:
        """Forget every turn."""
        self.turns = []
        self.turn_by_id = {}
        self.rows = []
        self.line_map = []
        self.lazy_turns = self.lazy_rows = self.pad = 0

    def load(self, turns: list[Turn], view_height: int) -> None:
        """Replace everything with `turns`: the newest (a few views of
        `view_height` lines) measured, the rest lazy behind an estimated pad."""
        self.reset()
        for turn in turns:
            turn.index = len(self.turns)
            self.turns.append(turn)
            self.turn_by_id[turn.message.id] = turn
        need = max(TAIL_MIN_LINES, 3 * view_height)
        lazy, lines = len(self.turns), 0
        while lazy > 0 and lines < need:
            lazy -= 1
            lines += sum(self._height(row) for row in self.turns[lazy].rows)
        self.lazy_turns = lazy
        self.pad = self.estimate(self.turns[:lazy])
        self.rebuild()

    def append_turn(self, turn: Turn) -> None:
        """Add `turn` at the end and give its rows lines."""
        turn.index = len(self.turns)
        self.turns.append(turn)
        self.turn_by_id[turn.message.id] = turn
        for row in turn.rows:
            self.append_row(row)

    def append_row(self, row: Row) -> None:
        """Add `row` at the end of the rows and measure it."""
        row.index = len(self.rows)
        self.rows.append(row)
        self._place(row)

    def _place(self, row: Row) -> None:
        """Measure `row` and add its lines at the end of the line map."""
        row.line = len(self.line_map)
        row.height = self._height(row)
        self.line_map.extend([row] * row.height)

    def replace_last_turn(self, turn: Turn) -> bool:
        """Place `turn`'s rows again at the end, when it is the last turn and
        measured (a live turn whose rows changed); False (nothing done) when
        it is not, and the caller must `rebuild`."""
        head = turn.rows[0]  # the header: never moves within its turn
        if not (
            self.turns
            and self.turns[-1] is turn
            and turn.index >= self.lazy_turns
            and self.rows[head.index : head.index + 1] == [head]
        ):
            return False
        del self.rows[head.index :]
        del self.line_map[head.line :]
        for row in turn.rows:
            self.append_row(row)
        return True

    def regrow_last(self, row: Row, height: int) -> bool:
        """Give the last row `row` its new `height` in place; False (nothing
        done) when `row` is not the last row, and the caller must `rebuild`."""
        if not (self.rows and self.rows[-1] is row):
            return False
        del self.line_map[row.line :]
        row.height = height
        self.line_map.extend([row] * height)
        return True

    def rebuild(self, *, reestimate: bool = False) -> None:
        """Recompute row indices and the line map (O(rows); user actions only).
        Lazy turns keep the pad (re-estimated when `reestimate`, e.g. when the
        width changed), so the measured rows keep their lines."""
        rows: list[Row] = []
        lazy_rows = 0
        for turn in self.turns:
            for row in turn.rows:
                row.index = len(rows)
                rows.append(row)
            if turn.index < self.lazy_turns:
                lazy_rows = len(rows)
        self.lazy_rows = lazy_rows
        if not self.lazy_turns:
            self.pad = 0
        elif reestimate or self.pad < 1:
            self.pad = self.estimate(self.turns[: self.lazy_turns])
        self.rows = rows
        self.line_map = [None] * self.pad
        for row in rows[lazy_rows:]:
            self._place(row)

    # -- measuring lazy turns ----------------------------------------------------

    def materialize_last(self) -> int:
        """Measure the newest lazy turn and give it lines; returns how many
        lines were inserted above the measured rows (0 when the turn fits in
        the pad, which then shrinks; else the pad is re-estimated for the
        turns still lazy and everything below moves)."""
        turn = self.turns[self.lazy_turns - 1]
        heights = [self._height(row) for row in turn.rows]
        total = sum(heights)
        self.lazy_turns -= 1
        self.lazy_rows -= len(turn.rows)
        old_pad = self.pad
        if self.lazy_turns and total < old_pad:
            line = self.pad = old_pad - total
            for row, height in zip(turn.rows, heights):
                row.line, row.height = line, height
                self.line_map[line : line + height] = [row] * height
                line += height
            return 0
        pad = self.estimate(self.turns[: self.lazy_turns])
        head: list[Row | None] = [None] * pad
        for row, height in zip(turn.rows, heights):
            row.line, row.height = len(head), height
            head.extend([row] * height)
        delta = len(head) - old_pad
        for row in self.rows[self.lazy_rows + len(turn.rows) :]:
            row.line += delta
        self.line_map[:old_pad] = head
        self.pad = pad
        return delta

    def materialize_to(self, index: int) -> int:
        """Measure the lazy turns down to row `index`; returns the lines
        inserted above the rows measured before."""
        delta = 0
        while self.lazy_turns and index < self.lazy_rows:
            delta += self.materialize_last()
        return delta

    def cover(self, top: float, margin: int) -> int:
        """Measure lazy turns until a view at line `top` (and `margin` lines
        above it) shows measured rows; returns the lines inserted above."""
        delta = 0
        while self.lazy_turns and self.pad > top + delta - margin:
            delta += self.materialize_last()
        return delta
