"""The tool log's line layout (grok_tui.ui.widgets.tool_log.lazy_turns): which
line each row holds and which old turns are still lazy; plain data, tested
without an app (heights come from a stand-in for the widget's measuring)."""

from __future__ import annotations

from grok_tui.chat.session import Message, ToolCall
from grok_tui.ui.widgets.tool_log.lazy_turns import (
    DEFAULT_SUMMARY_LINES,
    TAIL_MIN_LINES,
    LazyTurns,
)
from grok_tui.ui.widgets.tool_log.rows import Row, Turn, new_turn, saved_turns

#: A summary takes this many lines in these tests; an expanded row 1 + 2.
SUMMARY_LINES = 3


class Measure:
    """The widget's part: row heights at a width, counting what it measured."""

    def __init__(self, layout_width: int = 40) -> None:
        self.width = layout_width
        self.measured: list[Row] = []

    def height(self, row: Row) -> int:
        self.measured.append(row)
        if row.kind == "summary":
            return SUMMARY_LINES
        return 3 if row.expanded else 1


def session(turns: int) -> list[Message]:
    """`turns` prompts, each answered with two tool calls: a header, two tool
    rows and a summary (4 rows, 6 lines)."""
    messages: list[Message] = []
    for i in range(turns):
        messages.append(Message(role="user", text=f"prompt {i}"))
        calls = [
            ToolCall(call_id=f"{i}-{j}", name="web_search", tool_kind="web_search")
            for j in range(2)
        ]
        messages.append(Message(role="assistant", text="answer", tool_calls=calls))
    return messages


def layout_of(turns: int, view_height: int = 10) -> tuple[LazyTurns, Measure]:
    measure = Measure()
    lines = LazyTurns(measure.height, lambda: measure.width)
    lines.load(saved_turns(session(turns)), view_height)
    return lines, measure


def assert_consistent(lines: LazyTurns) -> None:
    """Rows are numbered in order, the pad is blank, and every measured row
    holds exactly its own lines, one after the other."""
    assert [row.index for row in lines.rows] == list(range(len(lines.rows)))
    assert [row for turn in lines.turns for row in turn.rows] == lines.rows
    assert lines.lazy_rows == sum(len(t.rows) for t in lines.turns[: lines.lazy_turns])
    assert lines.line_map[: lines.pad] == [None] * lines.pad
    line = lines.pad
    for row in lines.rows[lines.lazy_rows :]:
        assert row.line == line
        assert lines.line_map[line : line + row.height] == [row] * row.height
        line += row.height
    assert line == len(lines.line_map)


def test_a_short_session_is_measured_at_once() -> None:
    lines, measure = layout_of(3)
    assert lines.lazy_turns == lines.lazy_rows == lines.pad == 0
    assert len(lines.rows) == 3 * 4 and len(lines.line_map) == 3 * 6
    assert_consistent(lines)
    assert all(lines.shows(row) for row in lines.rows)
    assert lines.row_at(0) is lines.rows[0]
    assert lines.row_at(-1) is None and lines.row_at(len(lines.line_map)) is None


def test_a_long_session_measures_only_its_newest_turns() -> None:
    lines, measure = layout_of(200, view_height=10)
    measured_turns = 200 - lines.lazy_turns
    # Enough newest turns for TAIL_MIN_LINES (more than 3 views), no more.
    assert (measured_turns - 1) * 6 < TAIL_MIN_LINES <= measured_turns * 6
    assert {row.turn.index for row in measure.measured} == set(range(lines.lazy_turns, 200))
    # The lazy turns sit behind an estimate: 3 one-line rows and a summary of
    # DEFAULT_SUMMARY_LINES (no summary was counted through `note_summary`).
    assert lines.pad == lines.lazy_turns * (3 + DEFAULT_SUMMARY_LINES)
    assert_consistent(lines)
    lazy_row = lines.rows[0]
    assert lines.is_lazy(lazy_row) and not lines.shows(lazy_row)
    assert lines.row_at(0) is None
    assert lines.shows(lines.rows[-1]) and not lines.is_lazy(lines.rows[-1])


def test_a_taller_view_measures_more_turns() -> None:
    short, _ = layout_of(200, view_height=10)
    tall, _ = layout_of(200, view_height=100)
    assert 200 - tall.lazy_turns >= 300 // 6 > 200 - short.lazy_turns


def test_a_lazy_turn_that_fits_the_pad_fills_its_bottom_and_nothing_moves() -> None:
    lines, _ = layout_of(200)
    measured = lines.rows[lines.lazy_rows :]
    before = [(row, row.line) for row in measured]
    pad, lazy = lines.pad, lines.lazy_turns
    assert lines.materialize_last() == 0
    assert lines.lazy_turns == lazy - 1 and lines.pad == pad - 6
    assert [(row, row.line) for row in measured] == before
    assert_consistent(lines)


def test_the_estimate_follows_the_summaries_measured_at_this_width() -> None:
    lines, measure = layout_of(200)
    turns = lines.turns[:10]
    assert lines.estimate([]) == 0
    assert lines.estimate(turns) == 10 * 3 + round(10 * DEFAULT_SUMMARY_LINES)
    lines.note_summary(40, 4)
    lines.note_summary(40, 6)
    assert lines.estimate(turns) == 10 * (3 + 5)
    lines.note_summary(50, 1)  # another width: counted afresh
    assert lines.estimate(turns) == 10 * 3 + round(10 * DEFAULT_SUMMARY_LINES)
    measure.width = 50
    assert lines.estimate(turns) == 10 * (3 + 1)


def test_a_pad_that_runs_out_is_estimated_again_and_the_rows_below_move() -> None:
    lines, _ = layout_of(200)
    lines.note_summary(40, 1)  # the estimate now says 4 lines a turn, 6 are real
    lines.rebuild(reestimate=True)
    assert lines.pad == lines.lazy_turns * 4
    assert_consistent(lines)
    last = lines.rows[-1]
    line = last.line
    delta = 0
    while lines.lazy_turns > 1 and delta == 0:
        delta = lines.materialize_last()
    assert delta > 0  # the pad ran out before the lazy turns did
    assert lines.pad == lines.lazy_turns * 4
    assert last.line == line + delta
    assert_consistent(lines)


def test_materializing_to_a_row_and_covering_a_view() -> None:
    eager, _ = layout_of(200, view_height=10_000)
    assert eager.lazy_turns == 0
    lines, _ = layout_of(200)
    length = len(lines.line_map)
    assert lines.materialize_to(lines.lazy_rows) == 0  # already measured: nothing
    target = lines.lazy_rows - 12  # in the second-newest lazy turns
    delta = lines.materialize_to(target)
    assert not lines.is_lazy(lines.rows[target])
    assert len(lines.line_map) == length + delta
    assert_consistent(lines)
    # Down to the first row: every turn measured, laid out as an eager load.
    lines.materialize_to(0)
    assert lines.lazy_turns == 0 and lines.pad == 0
    assert_consistent(lines)
    assert [(r.line, r.height) for r in lines.rows] == [(r.line, r.height) for r in eager.rows]
    assert lines.cover(0, 10) == 0  # nothing lazy left


def test_cover_stops_once_the_view_and_its_margin_show_measured_rows() -> None:
    lines, _ = layout_of(200)
    top = lines.pad - 3
    delta = lines.cover(top, 10)
    assert lines.lazy_turns > 0
    assert lines.pad <= top + delta - 10
    assert_consistent(lines)


def test_a_live_turn_grows_and_is_placed_again_at_the_end() -> None:
    lines, measure = layout_of(3)
    live = new_turn(Message(role="assistant"), "live prompt")
    lines.append_turn(live)
    assert lines.turn_by_id[live.message.id] is live and live.index == 3
    assert_consistent(lines)
    row, added = live.add_tool("c1", "web_search")
    assert added and lines.ends_log(live, row)
    lines.append_row(row)
    assert_consistent(lines)
    # A reasoning row is inserted above the tool: the live turn is placed again.
    reasoning, _ = live.add_reasoning()
    assert not lines.ends_log(live, reasoning)
    assert lines.replace_last_turn(live)
    assert [r.kind for r in lines.rows[-3:]] == ["header", "reasoning", "tool"]
    assert_consistent(lines)
    # The last row grows in place; any other row asks for a rebuild.
    assert lines.regrow_last(row, 4) and row.height == 4
    assert_consistent(lines)
    assert not lines.regrow_last(reasoning, 2) and reasoning.height == 1
    # An older turn is not placed again on its own.
    assert not lines.replace_last_turn(lines.turns[0])
    assert_consistent(lines)


def test_rebuild_numbers_inserted_rows_and_keeps_the_pad() -> None:
    lines, _ = layout_of(200)
    pad = lines.pad
    old: Turn = lines.turns[-3]
    row, _ = old.add_tool("late", "x_search")
    row.expanded = True
    lines.rebuild()
    assert lines.pad == pad
    assert row in lines.rows and row.height == 3
    assert_consistent(lines)


def test_reset_forgets_everything() -> None:
    lines, _ = layout_of(200)
    lines.reset()
    assert (lines.turns, lines.rows, lines.line_map, lines.turn_by_id) == ([], [], [], {})
    assert lines.lazy_turns == lines.lazy_rows == lines.pad == 0
