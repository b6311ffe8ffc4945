"""ToolLog: rows from a scripted event stream (Transcript C style), elapsed time,
expansion, summary lines, reload from saved messages, untrusted text; and the
argument summaries of grok_tui.chat.formatting."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from grok_tui.api import events as ev
from grok_tui.api.errors import APIConnectionError, RateLimitError, ServerError
from grok_tui.chat.formatting import pretty_arguments, summarize_arguments, tool_calls_by_kind
from grok_tui.chat.session import Message, MessageStatus
from grok_tui.chat.turn import TurnRecorder
from grok_tui.ui.theme_files import theme_variable_defaults
from grok_tui.ui.widgets.tool_log import ToolLog

INJECT = "[@click=app.quit]x[/]"
XS_ARGS = '{"query":"from:xai grok 4.1 fast","limit":20,"mode":"Latest"}'
WS_ARGS = '{"query":"xAI Grok 4.1 Fast"}'
IMG_ARGS = json.dumps({"image_url": f"https://x.ai/{INJECT}.png"})
ODD_ARGS = json.dumps({"a": 1, "b": "\x1b]0;pwned\x07tail " + INJECT})


class Clock:
    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


class Host(App[None]):
    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return theme_variable_defaults()

    def compose(self) -> ComposeResult:
        yield ToolLog(clock=self.clock)


class Turn:
    """Feeds events to a TurnRecorder and the ToolLog, as the chat screen does."""

    def __init__(self, log: ToolLog, clock: Clock, prompt: str = "What did xAI ship?") -> None:
        self.clock = clock
        self.log = log
        self.message = Message(role="assistant", created_at=clock.now)
        self.recorder = TurnRecorder(self.message, clock=clock, wall=clock)
        log.begin_turn(self.message, prompt)

    def feed(self, *events: ev.StreamEvent, step: float = 1.0) -> None:
        for event in events:
            self.clock.now += step
            self.recorder.apply(event)
            self.log.apply(event, self.message)


USAGE = ev.Usage(
    input_tokens=27236,
    cached_input_tokens=4585,
    output_tokens=1986,
    reasoning_tokens=1091,
    total_tokens=30313,
    server_side_tool_calls={"web_search": 1, "x_search": 1},
    num_server_side_tools_used=4,
    cost_usd=0.01629795,
)

FIRST_HALF: list[ev.StreamEvent] = [
    ev.Retrying(attempt=1, delay_s=2.0, error=RateLimitError("slow down", status=429)),
    ev.ReasoningStarted(),
    ev.ToolCallStarted("ctc_xs", "x_keyword_search", ev.ToolKind.X_SEARCH, ""),
    ev.ToolCallUpdated("ctc_xs", ev.ToolPhase.SEARCHING, XS_ARGS),
    ev.ToolCallStarted("ws_1", "web_search", ev.ToolKind.WEB_SEARCH, ""),
    ev.ToolCallUpdated("ws_1", ev.ToolPhase.SEARCHING),
    ev.ToolCallFinished(
        "ctc_xs", "x_keyword_search", ev.ToolKind.X_SEARCH, ev.ToolPhase.COMPLETED, XS_ARGS
    ),
    ev.ToolCallStarted("vi_1", "view_image", ev.ToolKind.VIEW_IMAGE, IMG_ARGS),
    ev.ToolCallStarted("u_1", "mystery_tool", ev.ToolKind.UNKNOWN, ODD_ARGS),
]
SECOND_HALF: list[ev.StreamEvent] = [
    ev.ToolCallFinished(
        "ws_1",
        "web_search",
        ev.ToolKind.WEB_SEARCH,
        ev.ToolPhase.COMPLETED,
        WS_ARGS,
        sources=("https://x.ai/news/grok-4-1-fast",),
    ),
    ev.ToolCallFinished(
        "vi_1", "view_image", ev.ToolKind.VIEW_IMAGE, ev.ToolPhase.COMPLETED, IMG_ARGS
    ),
    ev.ToolCallFinished(
        "u_1", "mystery_tool", ev.ToolKind.UNKNOWN, ev.ToolPhase.FAILED, ODD_ARGS, error="boom"
    ),
    ev.ReasoningFinished(5.0),
    ev.TextDelta("xAI released Grok 4.1 Fast."),
    ev.CitationAdded("https://x.ai/news/grok-4-1-fast"),
    ev.CitationAdded("https://x.com/i/status/1991284813727474073"),
    ev.UsageUpdated(USAGE),
    ev.Completed("resp_1", "grok-4-1-fast-reasoning", "xAI released Grok 4.1 Fast.", usage=USAGE),
]


def line_with(lines: list[str], needle: str) -> str:
    found = [line for line in lines if needle in line]
    assert found, f"no line with {needle!r} in:\n" + "\n".join(lines)
    return found[0]


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def test_rows_appear_update_and_finish(clock: Clock) -> None:
    app = Host(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        log = app.query_one(ToolLog)
        turn = Turn(log, clock)
        assert log.row_count == 1  # the header
        turn.feed(*FIRST_HALF)
        await pilot.pause()
        lines = log.plain_lines()
        assert "What did xAI ship?" in lines[0]
        assert "retrying in 2 s: rate limited (attempt 1)" in line_with(lines, "retrying")
        assert "thinking… " in line_with(lines, "◆")
        xs = line_with(lines, "x_keyword_search")
        assert "from:xai grok 4.1 fast" in xs and "completed" in xs
        ws = line_with(lines, "web_search")
        assert "searching" in ws
        assert "started" in line_with(lines, "view_image")
        assert log.is_ticking

        turn.feed(*SECOND_HALF)
        await pilot.pause()
        lines = log.plain_lines()
        ws = line_with(lines, "web_search")
        assert "xAI Grok 4.1 Fast" in ws and "completed" in ws
        assert "failed" in line_with(lines, "mystery_tool")
        assert "thought for" in line_with(lines, "◆") and "1.1k tokens" in line_with(lines, "◆")
        assert not log.is_ticking  # nothing runs: no timer
        # header, retry, reasoning, 4 tools, summary
        assert log.row_count == 8


async def test_text_deltas_do_not_touch_rows(clock: Clock) -> None:
    app = Host(clock)
    async with app.run_test(size=(100, 30)):
        log = app.query_one(ToolLog)
        turn = Turn(log, clock)
        before = (log.row_count, log.line_count)
        turn.feed(*[ev.TextDelta("tok ")] * 50, ev.CitationAdded("https://x.ai"))
        assert (log.row_count, log.line_count) == before


async def test_elapsed_time_ticks_while_running(clock: Clock) -> None:
    app = Host(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        log = app.query_one(ToolLog)
        turn = Turn(log, clock)
        assert not log.is_ticking
        turn.feed(ev.ToolCallStarted("ws_1", "web_search", ev.ToolKind.WEB_SEARCH, WS_ARGS), step=0)
        assert log.is_ticking
        assert line_with(log.plain_lines(), "web_search").endswith("0 s")
        clock.now += 12.4
        log.tick()
        await pilot.pause()
        assert line_with(log.plain_lines(), "web_search").endswith("12 s")
        turn.feed(
            ev.ToolCallFinished(
                "ws_1", "web_search", ev.ToolKind.WEB_SEARCH, ev.ToolPhase.COMPLETED, WS_ARGS
            ),
            step=0.6,
        )
        assert not log.is_ticking
        assert line_with(log.plain_lines(), "web_search").endswith("13 s")  # 13.0 s final


async def test_expand_shows_full_arguments_and_sources(clock: Clock) -> None:
    app = Host(clock)
    async with app.run_test(size=(100, 40)) as pilot:
        log = app.query_one(ToolLog)
        turn = Turn(log, clock)
        turn.feed(*FIRST_HALF, *SECOND_HALF)
        log.focus()
        await pilot.pause()
        lines_before = log.line_count
        # From the end: summary, mystery_tool, view_image, web_search.
        await pilot.press("up", "up", "up", "up")
        assert "web_search" in log.plain_lines()[log._rows[log.cursor].line]
        await pilot.press("enter")
        lines = log.plain_lines()
        assert log.line_count > lines_before
        assert '"query": "xAI Grok 4.1 Fast"' in "\n".join(lines)
        assert "https://x.ai/news/grok-4-1-fast" in line_with(lines, "  https://x.ai/news")
        await pilot.press("space")
        assert log.line_count == lines_before
        # The failed unknown tool shows its error when expanded (by click).
        row = next(r for r in log._rows if r.kind == "tool" and r.call_id == "u_1")
        await pilot.click(ToolLog, offset=(10, row.line - int(log.scroll_offset.y)))
        text = "\n".join(log.plain_lines())
        assert "error: boom" in text
        assert '"a": 1' in text


async def test_summary_line_from_usage(clock: Clock) -> None:
    app = Host(clock)
    async with app.run_test(size=(160, 30)):
        log = app.query_one(ToolLog)
        turn = Turn(log, clock)
        turn.feed(*FIRST_HALF, *SECOND_HALF)
        summary = log.plain_lines()[-1]
        assert summary.startswith("  ✓ done")
        assert "$0.0163" in summary
        assert "30.3k tokens" in summary
        assert "4 tool calls (web_search 1, x_search 1)" in summary
        assert "2 sources" in summary


async def test_failed_and_stopped_turns(clock: Clock) -> None:
    app = Host(clock)
    async with app.run_test(size=(120, 30)):
        log = app.query_one(ToolLog)
        failed = Turn(log, clock, "first")
        failed.feed(ev.Failed(ServerError("upstream exploded", status=500), partial=False))
        assert "✗ failed: upstream exploded" in log.plain_lines()[-1]
        stopped = Turn(log, clock, "second")
        stopped.feed(ev.ToolCallStarted("ws", "web_search", ev.ToolKind.WEB_SEARCH, WS_ARGS))
        assert log.is_ticking
        stopped.recorder.finish_stopped()
        log.end_turn(stopped.message)
        log.end_turn(stopped.message)  # idempotent
        lines = log.plain_lines()
        assert "■ stopped" in lines[-1]
        assert sum("■ stopped" in line for line in lines) == 1
        assert "incomplete" in line_with(lines, "web_search")
        assert not log.is_ticking


async def test_reload_from_messages_matches_live_view(clock: Clock) -> None:
    app = Host(clock)
    async with app.run_test(size=(120, 40)):
        log = app.query_one(ToolLog)
        turn = Turn(log, clock)
        turn.feed(*FIRST_HALF, *SECOND_HALF)
        live = log.plain_lines()
        assert "retrying in 2 s: rate limited (attempt 1)" in line_with(live, "↻")
        # Round-trip through JSON, as the store does.
        user = Message(role="user", text="What did xAI ship?")
        saved = [Message.model_validate_json(m.model_dump_json()) for m in (user, turn.message)]
        log.clear()
        assert log.row_count == 0
        log.load_messages(saved)
        assert log.plain_lines() == live
        assert not log.is_ticking


async def test_load_many_turns_is_line_based(clock: Clock) -> None:
    messages: list[Message] = []
    for i in range(200):
        messages.append(Message(role="user", text=f"question {i}"))
        reply = Message(role="assistant", text="answer", status=MessageStatus.COMPLETE)
        rec = TurnRecorder(reply, clock=clock, wall=clock)
        for j in range(3):
            rec.apply(ev.ToolCallStarted(f"c{j}", "web_search", ev.ToolKind.WEB_SEARCH, WS_ARGS))
            rec.apply(
                ev.ToolCallFinished(
                    f"c{j}", "web_search", ev.ToolKind.WEB_SEARCH, ev.ToolPhase.COMPLETED, WS_ARGS
                )
            )
        rec.apply(ev.Completed("r", "m", "answer", usage=USAGE))
        messages.append(reply)
    app = Host(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        log = app.query_one(ToolLog)
        log.load_messages(messages)
        await pilot.pause()
        # header, reasoning (USAGE has reasoning tokens), 3 tools, summary
        assert log.row_count == 200 * 6
        assert len(log.children) == 0  # no widget per row
        assert "question 199" in "\n".join(log.plain_lines()[-6:])
        assert log.scroll_offset.y == log.max_scroll_y > 0  # shows the latest turn


async def test_untrusted_text_is_literal(clock: Clock) -> None:
    app = Host(clock)
    async with app.run_test(size=(120, 30)) as pilot:
        log = app.query_one(ToolLog)
        turn = Turn(log, clock, prompt=f"prompt {INJECT} \x1b[2J end")
        turn.feed(*FIRST_HALF, *SECOND_HALF)
        await pilot.pause()
        lines = log.plain_lines()
        assert f"prompt {INJECT}  end" in lines[0] or f"prompt {INJECT} end" in lines[0]
        assert f"https://x.ai/{INJECT}.png" in line_with(lines, "view_image")
        odd = line_with(lines, "mystery_tool")
        assert INJECT in odd and "\x1b" not in odd and "pwned" not in odd
        # Clicking on the injected text must not run the action (the app keeps running).
        row = next(r for r in log._rows if r.kind == "tool" and r.call_id == "vi_1")
        await pilot.click(ToolLog, offset=(31, row.line - int(log.scroll_offset.y)))
        await pilot.pause()
        assert app.is_running
        svg = app.export_screenshot()
        assert "\x1b" not in svg


# -- format helpers -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("web_search", '{"query":"what is xAI","num_results":5}', "what is xAI"),
        ("browse_page", '{"url":"https://x.ai/news"}', "https://x.ai/news"),
        ("x_keyword_search", XS_ARGS, "from:xai grok 4.1 fast"),
        ("x_semantic_search", '{"query":"grok news","limit":20}', "grok news"),
        ("x_user_search", '{"query":"elon"}', "elon"),
        ("x_thread_fetch", '{"post_id":"1991284813727474073"}', "1991284813727474073"),
        ("view_image", '{"image_url":"https://i.x/a.png"}', "https://i.x/a.png"),
        ("view_x_video", '{"video_url":"https://v.x/1.mp4"}', "https://v.x/1.mp4"),
        ("code_execution", '{"code":"\\nimport math\\nprint(1)"}', "import math"),
        ("code_interpreter", '{"code":"print(17*19)"}', "print(17*19)"),
        ("mystery", '{"b": 2, "a": [1, 2]}', '{"b":2,"a":[1,2]}'),
        ("web_search", '{"query":"partial que', "partial que"),  # streaming, cut
        ("web_search", "not json {", "not json {"),
        ("web_search", "", ""),
        ("web_search", "[1,2]", "[1,2]"),
    ],
)
def test_summarize_arguments(name: str, args: str, expected: str) -> None:
    assert summarize_arguments(name, args) == expected


def test_summaries_are_one_clean_line() -> None:
    args = json.dumps({"query": "a\nb\x1b[31m red\x07 " + "z" * 300})
    out = summarize_arguments("web_search", args)
    assert "\n" not in out and "\x1b" not in out and "\x07" not in out
    assert out.startswith("a b red") and len(out) == 120 and out.endswith("…")


def test_pretty_arguments() -> None:
    assert pretty_arguments('{"a":1}') == '{\n  "a": 1\n}'
    assert pretty_arguments('{"a":') == '{"a":'
    # Terminal sequences inside JSON strings are removed, not shown as \\u001b escapes.
    assert pretty_arguments('{"a":"\\u001b[2Jx\\u0007"}') == '{\n  "a": "x"\n}'


def test_tool_calls_by_kind_prefers_usage_then_recorded_calls() -> None:
    from grok_tui.chat.session import Usage

    usage = Usage(
        server_side_tool_calls={"x_search": 2, "web_search": 1, "mcp": 0},
        num_server_side_tools_used=5,
    )
    assert tool_calls_by_kind(usage, ["web_search"]) == (5, [("x_search", 2), ("web_search", 1)])
    assert tool_calls_by_kind(None, ["web_search", "view_image", "web_search"]) == (
        3,
        [("web_search", 2), ("view_image", 1)],
    )
    assert tool_calls_by_kind(Usage(), []) == (0, [])


async def test_status_colours_come_from_theme_variables(clock: Clock) -> None:
    from textual.color import Color

    app = Host(clock)
    async with app.run_test(size=(80, 20)):
        log = app.query_one(ToolLog)
        variables = app.get_css_variables()
        for phase_class, var in [
            ("tool-log--started", "tool-started"),
            ("tool-log--running", "tool-running"),
            ("tool-log--done", "tool-done"),
            ("tool-log--failed", "tool-failed"),
        ]:
            style = log.get_visual_style(phase_class, partial=True)
            assert style.foreground == Color.parse(variables[var]), phase_class


async def test_narrow_pane_drops_the_phase_word(clock: Clock) -> None:
    app = Host(clock)
    async with app.run_test(size=(50, 20)):
        log = app.query_one(ToolLog)
        turn = Turn(log, clock)
        turn.feed(*FIRST_HALF)
        ws = line_with(log.plain_lines(), "web_search")
        assert "searching" not in ws and ws.endswith(" s") and len(ws) <= 50
        assert all(len(line) <= 50 for line in log.plain_lines())


# -- timestamps -----------------------------------------------------------------

BAD_TIMESTAMPS = [
    float("nan"),
    float("inf"),
    float("-inf"),
    1e300,
    1e19,
    253_402_300_800.0,
    -1.0,
    -1e18,
    0,
    None,
    "soon",
    True,
    10**400,
]


@pytest.mark.parametrize("ts", BAD_TIMESTAMPS, ids=repr)
def test_bad_timestamps_show_a_dash(ts: object) -> None:
    from grok_tui.chat.formatting import NO_TIME, format_clock, format_date, format_when, local_time

    assert local_time(ts) is None
    assert format_clock(ts, 1_700_000_000.0) == NO_TIME == "—"
    assert format_when(ts) == NO_TIME
    assert format_date(ts) == NO_TIME
    assert format_date(ts, missing="undated") == "undated"


def test_timestamps_format_by_distance_from_now() -> None:
    import datetime as dt

    from grok_tui.chat.formatting import format_clock, format_date, format_when

    now = dt.datetime(2025, 11, 20, 15, 0, 0).astimezone()
    at = dt.datetime(2025, 11, 20, 14, 5, 9).astimezone().timestamp()
    assert format_clock(at, now) == "14:05:09"
    assert format_clock(at, now.timestamp()) == "14:05:09"
    assert format_clock(at - 86400, now) == "2025-11-19 14:05"
    assert format_clock(at, float("nan")) == "2025-11-20 14:05"  # a bad clock: the full date
    assert format_when(at, now) == "14:05"
    assert format_when(at - 2 * 86400, now) == "Tue 14:05"
    assert format_when(at - 30 * 86400, now) == "Oct 21"
    assert format_when(at - 400 * 86400, now) == "2024-10-16"
    assert format_when(at, float("inf")) == "2025-11-20"
    assert format_date(at) == "2025-11-20"
    # The last representable second still formats.
    assert format_date(253_402_300_799.0 - 86400 * 2).startswith("9999-12-")


def test_session_browser_dates_are_guarded(tmp_path: Path) -> None:
    from grok_tui.store import SessionSummary
    from grok_tui.ui.screens import session_browser as sb

    assert sb.format_when(float("nan")) == "—"
    assert sb.format_when(-1e300) == "—"
    summary = SessionSummary(
        id="s1",
        title="Hi there",
        model="m",
        created_at=float("nan"),
        updated_at=float("inf"),
        message_count=0,
        first_line="",
        snippet="",
        damaged=None,
        path=tmp_path / "s1.json",
    )
    assert sb.default_export_stem(summary, tmp_path).name == "grok-hi-there-undated"


async def test_header_with_a_bad_timestamp_shows_a_dash(clock: Clock) -> None:
    app = Host(clock)
    async with app.run_test(size=(100, 20)) as pilot:
        log = app.query_one(ToolLog)
        for stamp in (float("nan"), float("inf"), -1e300, 1e300):
            msg = Message(role="assistant", text="x", status=MessageStatus.COMPLETE)
            msg.created_at = stamp
            msg.finished_at = stamp
            log.load_messages([Message(role="user", text="when?"), msg])
            await pilot.pause()
            lines = log.plain_lines()
            assert lines[0].startswith("▍—  when?"), lines
            assert lines[-1].startswith("  ✓ done")
        assert app.is_running


# -- lazy loading of long sessions ------------------------------------------------


def long_session(clock: Clock, turns: int) -> list[Message]:
    """`turns` saved turns: a prompt, reasoning, 1-3 tool calls and a summary
    each (summaries of different lengths, so heights vary)."""
    messages: list[Message] = []
    for i in range(turns):
        messages.append(Message(role="user", text=f"question {i}"))
        reply = Message(role="assistant", text="answer", created_at=clock.now)
        rec = TurnRecorder(reply, clock=clock, wall=clock)
        rec.apply(ev.ReasoningFinished(1.0))  # thought for 1 s
        for j in range(1 + i % 3):
            rec.apply(ev.ToolCallStarted(f"c{j}", "web_search", ev.ToolKind.WEB_SEARCH, WS_ARGS))
            rec.apply(
                ev.ToolCallFinished(
                    f"c{j}",
                    "web_search",
                    ev.ToolKind.WEB_SEARCH,
                    ev.ToolPhase.COMPLETED,
                    WS_ARGS,
                    sources=tuple(f"https://x.ai/{i}/{k}" for k in range(i % 4)),
                )
            )
        rec.apply(ev.Completed("r", "m", "answer", usage=USAGE if i % 2 else None))
        messages.append(reply)
    return messages


def visible(log: ToolLog) -> list[object]:
    top = int(log.scroll_y)
    return log._line_map[top : top + log.scrollable_content_region.height]


async def test_long_session_loads_the_newest_turns_only(clock: Clock) -> None:
    messages = long_session(clock, 300)
    app = Host(clock)
    async with app.run_test(size=(60, 30)) as pilot:
        log = app.query_one(ToolLog)
        log.load_messages(messages)
        await pilot.pause()
        assert 250 < log.pending_turns < 295  # only a few screens were measured
        # header, reasoning, tool calls, summary
        assert log.row_count == sum(3 + 1 + i % 3 for i in range(300))
        assert None not in visible(log)
        assert log.scroll_offset.y == log.max_scroll_y > 0
        assert "question 299" in "\n".join(log.plain_lines()[-8:])
        # Every line is still there to read (lazy turns are measured for it).
        lines = log.plain_lines()
        assert lines[0].endswith("question 0")
        assert log.pending_turns > 0  # reading them did not place them


async def test_scrolling_up_measures_older_turns_without_moving_the_view(clock: Clock) -> None:
    messages = long_session(clock, 60)
    app = Host(clock)
    async with app.run_test(size=(60, 20)) as pilot:
        log = app.query_one(ToolLog)
        log.load_messages(messages)
        await pilot.pause()
        eager = log.plain_lines()
        assert log.pending_turns > 0
        steps = 0
        while log.scroll_y > 0:
            top = int(log.scroll_y)
            row = log._line_map[top]
            assert row is not None
            sub = top - row.line
            log.scroll_to(y=top - 11, animate=False, immediate=True)
            await pilot.pause()
            # The row that was at the top moved down by the 11 lines scrolled.
            assert row.line + sub == int(log.scroll_y) + min(11, top), steps
            assert None not in visible(log)
            steps += 1
        assert log.pending_turns == 0
        assert log.plain_lines() == eager  # the same lines as measured at once
        assert log.plain_lines()[0].endswith("question 0")
        assert len(log._line_map) == len(eager) == log.line_count


async def test_home_and_scrollbar_jumps_reach_the_first_turn(clock: Clock) -> None:
    messages = long_session(clock, 200)
    app = Host(clock)
    async with app.run_test(size=(60, 20)) as pilot:
        log = app.query_one(ToolLog)
        log.load_messages(messages)
        log.focus()
        await pilot.pause()
        await pilot.press("home")
        await pilot.pause()
        assert log.pending_turns == 0
        assert log.cursor == 0 and log.scroll_y == 0
        assert log.plain_lines()[0].endswith("question 0")

        log.load_messages(long_session(clock, 200))  # new messages: loaded again
        await pilot.pause()
        assert log.pending_turns > 0 and log.cursor is None
        log.scroll_to(y=0, animate=False, immediate=True)  # a drag to the top
        await pilot.pause()
        assert log.pending_turns == 0 and log.scroll_y == 0
        assert None not in visible(log)
        first = log._line_map[0]
        assert first is not None and first.kind == "header" and first.turn.prompt == "question 0"


async def test_animated_page_up_into_lazy_turns(clock: Clock) -> None:
    messages = long_session(clock, 60)
    app = Host(clock)
    async with app.run_test(size=(60, 20)) as pilot:
        app.animation_level = "full"
        log = app.query_one(ToolLog)
        log.load_messages(messages)
        await pilot.pause()
        pending = log.pending_turns
        for _ in range(12):
            log.scroll_page_up(animate=True, duration=0.01)
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            assert None not in visible(log)
        assert log.pending_turns < pending
        assert app.is_running


async def test_resize_with_lazy_turns_keeps_the_view_filled(clock: Clock) -> None:
    messages = long_session(clock, 150)
    app = Host(clock)
    async with app.run_test(size=(100, 12)) as pilot:
        log = app.query_one(ToolLog)
        log.load_messages(messages)
        await pilot.pause()
        await pilot.resize_terminal(40, 60)
        await pilot.pause()
        assert None not in visible(log)
        assert "question 149" in "\n".join(log.plain_lines()[-10:])
        assert log.scroll_offset.y == log.max_scroll_y
        lines = log.plain_lines()
        assert all(len(line) <= 40 for line in lines)


async def test_loading_the_same_messages_again_is_a_no_op(clock: Clock) -> None:
    messages = long_session(clock, 50)
    app = Host(clock)
    async with app.run_test(size=(80, 20)) as pilot:
        log = app.query_one(ToolLog)
        log.load_messages(messages)
        await pilot.pause()
        rows = list(log._rows)
        log.toggle_row(len(rows) - 2)  # the last tool call: expanded
        expanded_lines = log.line_count
        log.load_messages(list(messages))  # same messages (a new list): nothing to do
        assert all(a is b for a, b in zip(log._rows, rows, strict=True))
        assert log.line_count == expanded_lines

        # Anything that changed the log or the messages makes it a real load.
        live = Message(role="assistant")
        log.begin_turn(live, "live")
        log.load_messages(messages)
        assert log.row_count == len(rows) and log._rows[0] is not rows[0]
        rows = list(log._rows)
        messages[-2].text = "edited prompt"
        log.load_messages(messages)
        assert log._rows[0] is not rows[0]
        assert "edited prompt" in log.plain_lines()[-6]
        rows = list(log._rows)
        messages.append(Message(role="user", text="more"))
        messages.append(Message(role="assistant", text="x", status=MessageStatus.COMPLETE))
        log.load_messages(messages)
        assert log.row_count == len(rows) + 2


async def test_live_turn_after_a_lazy_load(clock: Clock) -> None:
    app = Host(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        log = app.query_one(ToolLog)
        log.load_messages(long_session(clock, 200))
        await pilot.pause()
        pending = log.pending_turns
        assert pending > 0
        turn = Turn(log, clock, "live question")
        turn.feed(*FIRST_HALF, *SECOND_HALF)
        await pilot.pause()
        assert log.pending_turns == pending  # live updates never measure old turns
        lines = log.plain_lines()
        assert "live question" in lines[-10] or "live question" in "\n".join(lines[-12:])
        assert lines[-1].startswith("  ✓ done")
        assert None not in visible(log)
        assert log.scroll_offset.y == log.max_scroll_y


# -- hidden reasoning: never "thought for 0.0 s" ------------------------------------

HIDDEN_USAGE = ev.Usage(
    input_tokens=200, output_tokens=40, reasoning_tokens=1234, total_tokens=1474
)


async def live_and_reloaded(
    clock: Clock, script: list[tuple[float, ev.StreamEvent]]
) -> tuple[list[str], list[str]]:
    """The log's lines after a live turn fed `(seconds before, event)` pairs,
    and after loading the saved turn into a fresh log."""
    app = Host(clock)
    async with app.run_test(size=(100, 30)) as pilot:
        log = app.query_one(ToolLog)
        turn = Turn(log, clock, prompt="hidden")
        for step, event in script:
            turn.feed(event, step=step)
        await pilot.pause()
        live = log.plain_lines()
        user = Message(role="user", text="hidden")
        log.clear()
        log.load_messages([user, turn.message.model_copy(deep=True)])
        await pilot.pause()
        return live, log.plain_lines()


async def test_hidden_reasoning_known_only_from_usage(clock: Clock) -> None:
    # grok-4 style: no reasoning events at all, reasoning tokens in the usage.
    live, reloaded = await live_and_reloaded(
        clock,
        [
            (2.0, ev.TextDelta("Hi")),
            (0.1, ev.UsageUpdated(HIDDEN_USAGE)),
            (0.0, ev.Completed("r", "grok-4", "Hi", usage=HIDDEN_USAGE)),
        ],
    )
    row = line_with(live, "◆")
    assert "reasoned · 1.2k tokens (time not reported)" in row
    assert "0.0 s" not in row and "thought for" not in row
    assert live == reloaded


async def test_reasoning_item_opened_and_closed_at_once_claims_no_time(clock: Clock) -> None:
    # A reasoning output item added and done in one go: 0.0 s measured.
    live, reloaded = await live_and_reloaded(
        clock,
        [
            (1.0, ev.ReasoningStarted()),
            (0.0, ev.ReasoningFinished(0.0)),
            (1.0, ev.TextDelta("Hi")),
            (0.0, ev.Completed("r", "grok-4", "Hi", usage=HIDDEN_USAGE)),
        ],
    )
    assert "reasoned · 1.2k tokens (time not reported)" in line_with(live, "◆")
    assert not any("0.0 s" in line for line in live)
    assert live == reloaded


async def test_instant_reasoning_without_tokens_or_text_leaves_no_row(clock: Clock) -> None:
    no_reasoning = ev.Usage(input_tokens=5, output_tokens=2, total_tokens=7)
    live, reloaded = await live_and_reloaded(
        clock,
        [
            (1.0, ev.ReasoningStarted()),
            (0.0, ev.ReasoningFinished(0.0)),
            (1.0, ev.TextDelta("Hi")),
            (0.0, ev.Completed("r", "grok-4", "Hi", usage=no_reasoning)),
        ],
    )
    assert not any("◆" in line for line in live)
    assert len(live) == 2  # header and summary
    assert live == reloaded


async def test_timed_reasoning_keeps_its_time(clock: Clock) -> None:
    live, reloaded = await live_and_reloaded(
        clock,
        [
            (0.5, ev.ReasoningStarted()),
            (3.0, ev.ReasoningFinished(3.5)),
            (0.5, ev.TextDelta("Hi")),
            (0.0, ev.Completed("r", "grok-4", "Hi", usage=HIDDEN_USAGE)),
        ],
    )
    assert "thought for 3.0 s · 1.2k tokens" in line_with(live, "◆")
    assert live == reloaded


async def test_reasoning_row_sits_where_a_reload_puts_it(clock: Clock) -> None:
    # The first reasoning event arrives after a tool call: the row still goes
    # right under the header, so the live log reads like the reloaded one.
    live, reloaded = await live_and_reloaded(
        clock,
        [
            (1.0, ev.ToolCallStarted("ws_1", "web_search", ev.ToolKind.WEB_SEARCH, WS_ARGS)),
            (1.0, ev.ReasoningStarted()),
            (2.0, ev.ReasoningFinished(4.0)),
            (
                1.0,
                ev.ToolCallFinished(
                    "ws_1", "web_search", ev.ToolKind.WEB_SEARCH, ev.ToolPhase.COMPLETED, WS_ARGS
                ),
            ),
            (0.0, ev.Completed("r", "grok-4", "Hi", usage=HIDDEN_USAGE)),
        ],
    )
    assert "◆" in live[1] and "web_search" in live[2]
    assert live == reloaded


# -- retries are saved and shown again after a reload ---------------------------------


async def test_retries_survive_a_reload_and_stay_literal(clock: Clock) -> None:
    hostile = APIConnectionError(f"refused \x1b[31m{INJECT}\nsecond line")
    live, reloaded = await live_and_reloaded(
        clock,
        [
            # A keep-alive before the first retry starts a "thinking" row:
            # the retry rows still go above it, where a reload puts them.
            (0.5, ev.ReasoningProgress(0.5)),
            (0.5, ev.Retrying(attempt=1, delay_s=0.5, error=hostile)),
            (
                0.5,
                ev.Retrying(attempt=2, delay_s=4.0, error=ServerError("Bad gateway", status=502)),
            ),
            (4.0, ev.ReasoningFinished(6.0)),
            (1.0, ev.TextDelta("Hi")),
            (0.0, ev.Completed("r", "grok-4", "Hi", usage=HIDDEN_USAGE)),
        ],
    )
    assert live[1].strip() == "↻ retrying in 0.5 s: connection failed (attempt 1)"
    assert live[2].strip() == "↻ retrying in 4 s: server error (attempt 2)"
    assert "◆" in live[3]
    assert live == reloaded


async def test_retry_of_an_unknown_kind_shows_its_clean_message(clock: Clock) -> None:
    class OddError(Exception):
        kind = "odd"
        message = f"weird \x1b]0;title\x07{INJECT}"

    app = Host(clock)
    async with app.run_test(size=(120, 20)) as pilot:
        log = app.query_one(ToolLog)
        message = Message(role="assistant", created_at=clock.now)
        # No TurnRecorder (nothing saved on the message): the row is made the same way.
        log.apply(ev.Retrying(attempt=1, delay_s=1.0, error=OddError()), message)  # type: ignore[arg-type]
        await pilot.pause()
        assert log.plain_lines()[1].strip() == f"↻ retrying in 1 s: weird {INJECT} (attempt 1)"
        assert message.retries == []


# -- event kinds the log does not know -------------------------------------------------


@dataclass(frozen=True, slots=True)
class FutureEvent:
    """An event kind added to the client after this widget was written."""

    elapsed_s: float
    kind: str = "future"


async def test_unknown_event_kinds_are_ignored(clock: Clock) -> None:
    unknown: list[object] = [FutureEvent(1.0), object()]
    if hasattr(ev, "KeepAlive"):  # the keep-alive events of the client
        unknown.append(ev.KeepAlive(2.0))
    app = Host(clock)
    async with app.run_test(size=(120, 30)) as pilot:
        log = app.query_one(ToolLog)
        stray = Message(role="assistant", created_at=clock.now)
        for event in unknown:
            log.apply(event, stray)  # type: ignore[arg-type]
        assert log.row_count == 0  # no turn was started for them
        turn = Turn(log, clock)
        turn.feed(*FIRST_HALF)
        await pilot.pause()
        before, rows = log.plain_lines(), log.row_count
        for event in unknown:
            turn.feed(event)  # type: ignore[arg-type]  # the recorder ignores them too
        assert log.row_count == rows and log.is_ticking
        clock.now -= len(unknown)  # the same elapsed times as before
        assert log.plain_lines() == before
        turn.feed(*SECOND_HALF)
        assert "✓ done" in line_with(log.plain_lines(), "done")


async def test_untimed_reasoning_reads_whole_in_a_narrow_pane(clock: Clock) -> None:
    app = Host(clock)
    async with app.run_test(size=(120, 20)) as pilot:
        log = app.query_one(ToolLog)
        log.styles.width = 43  # the chat screen's side pane
        turn = Turn(log, clock)
        turn.feed(ev.TextDelta("Hi"), ev.Completed("r", "grok-4", "Hi", usage=HIDDEN_USAGE))
        await pilot.pause()
        assert line_with(log.plain_lines(), "◆").strip() == "◆ reasoned · 1.2k tokens (time n/a)"
        log.styles.width = 80
        await pilot.pause()
        assert "reasoned · 1.2k tokens (time not reported)" in line_with(log.plain_lines(), "◆")


async def test_waiting_for_a_non_reasoning_model_is_not_reasoning(clock: Clock) -> None:
    # The Responses API reads `response.in_progress` as reasoning progress, so
    # every reply "thinks" until its first output; the usage then says no
    # reasoning tokens: the row goes, the wait was latency.
    app = Host(clock)
    async with app.run_test(size=(100, 20)) as pilot:
        log = app.query_one(ToolLog)
        turn = Turn(log, clock)
        turn.feed(ev.ReasoningProgress(0.3), step=0.3)
        await pilot.pause()
        assert "thinking…" in line_with(log.plain_lines(), "◆")
        plain = ev.Usage(input_tokens=5, output_tokens=2, total_tokens=7)
        turn.feed(
            ev.TextDelta("Hi"), ev.Completed("r", "grok-4.20-non-reasoning", "Hi", usage=plain)
        )
        await pilot.pause()
        assert turn.message.reasoning_seconds and turn.message.reasoning_seconds >= 1.0
        live = log.plain_lines()
        assert not any("◆" in line for line in live) and len(live) == 2
        log.clear()
        log.load_messages([Message(role="user", text="What did xAI ship?"), turn.message])
        assert log.plain_lines() == live
