"""The tool log's row model (grok_tui.ui.widgets.tool_log.rows): plain data,
tested without an app."""

from __future__ import annotations

import pytest

from grok_tui.chat.session import Message, MessageStatus, RetryRecord, ToolCall, Usage
from grok_tui.ui.widgets.tool_log.rows import (
    has_reasoning,
    load_key,
    new_turn,
    saved_turn,
    saved_turns,
)


def kinds(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [row.kind for row in rows]


def reply(**kw: object) -> Message:
    return Message(role="assistant", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, False),
        ({"reasoning_seconds": 0.0}, False),  # hidden reasoning that took no time
        ({"reasoning_seconds": 0.099}, False),
        ({"reasoning": " \n "}, False),
        ({"reasoning_seconds": 0.1}, True),
        ({"reasoning": "Let me think."}, True),
        ({"usage": Usage(reasoning_tokens=1)}, True),  # known only from the usage
        ({"reasoning_seconds": 0.0, "usage": Usage(reasoning_tokens=42)}, True),
        ({"reasoning_started_at": 5.0}, True),  # never finished
        # The usage counts no reasoning tokens: the "thinking" time was latency.
        ({"reasoning_seconds": 0.8, "usage": Usage(input_tokens=5)}, False),
        ({"reasoning_seconds": 0.8, "reasoning": "hm", "usage": Usage(input_tokens=5)}, True),
    ],
)
def test_has_reasoning(kw: dict[str, object], expected: bool) -> None:
    assert has_reasoning(reply(**kw)) is expected


def test_saved_turn_rows_in_order() -> None:
    msg = reply(
        reasoning_seconds=2.0,
        retries=[RetryRecord(attempt=1, delay_s=1.0), RetryRecord(attempt=2, delay_s=2.0)],
        tool_calls=[
            ToolCall(call_id="a", name="web_search", tool_kind="web_search"),
            ToolCall(call_id="b", name="x_search", tool_kind="x_search"),
            ToolCall(call_id="a", name="web_search", tool_kind="web_search"),  # a repeat
        ],
    )
    turn = saved_turn(msg, "a\nprompt")
    assert kinds(turn.rows) == ["header", "retry", "retry", "reasoning", "tool", "tool", "summary"]
    assert turn.prompt == "a prompt"
    assert [r.retry.attempt for r in turn.rows if r.retry] == [1, 2]
    assert turn.tool_call("b") is msg.tool_calls[1]
    checkpoint = reply(status=MessageStatus.STREAMING, reasoning_started_at=1.0)
    assert kinds(saved_turn(checkpoint, "").rows) == ["header", "reasoning"]


def test_saved_turns_pair_prompts_with_replies() -> None:
    messages = [
        Message(role="system", text="sys"),
        Message(role="user", text="one"),
        reply(text="1"),
        reply(text="again"),  # a reply without a prompt of its own
        Message(role="user", text="two"),
        reply(text="2"),
    ]
    assert [t.prompt for t in saved_turns(messages)] == ["one", "", "two"]


def test_live_rows_go_where_a_reload_puts_them() -> None:
    msg = reply(status=MessageStatus.STREAMING)
    turn = new_turn(msg, "q")
    turn.live = True
    tool, added = turn.add_tool("a", "web\x1b[31m_search")
    assert added and tool.name == "web_search"
    assert turn.add_tool("a", "other") == (tool, False)
    reasoning, added = turn.add_reasoning()  # after a tool call: still under the header
    assert added and turn.add_reasoning() == (reasoning, False)
    turn.add_retry(RetryRecord(attempt=1, delay_s=1.0))
    turn.add_retry(RetryRecord(attempt=2, delay_s=1.0))
    summary, added = turn.add_summary()
    turn.add_tool("b", "x_search")  # before the summary
    assert kinds(turn.rows) == ["header", "retry", "retry", "reasoning", "tool", "tool", "summary"]
    assert turn.rows[-1] is summary and turn.retry_count() == 2


def test_settle_reasoning_adds_or_drops_the_row() -> None:
    msg = reply(status=MessageStatus.STREAMING)
    turn = new_turn(msg, "q")
    turn.add_reasoning()
    msg.reasoning_seconds = 0.0  # opened and closed at once, no tokens: no reasoning
    assert turn.settle_reasoning() and turn.reasoning is None
    assert kinds(turn.rows) == ["header"]
    msg.usage = Usage(reasoning_tokens=10)  # the usage says it reasoned
    assert turn.settle_reasoning() and kinds(turn.rows) == ["header", "reasoning"]
    assert not turn.settle_reasoning()


def test_running_rows_and_expandable_rows() -> None:
    msg = reply(
        status=MessageStatus.STREAMING,
        tool_calls=[
            ToolCall(call_id="a", name="web_search", tool_kind="web_search", phase="searching"),
        ],
    )
    turn = saved_turn(msg, "")
    tool = turn.tools["a"]
    assert not turn.is_running(tool)  # a saved turn is not live
    turn.live = True
    assert turn.is_running(tool)
    msg.tool_calls[0].finished_at = msg.tool_calls[0].started_at + 1
    assert not turn.is_running(tool)
    assert turn.expandable(tool) and not turn.expandable(turn.rows[0])
    row, _ = turn.add_reasoning()
    assert not turn.expandable(row)
    msg.reasoning = "because"
    assert turn.expandable(row)


def test_load_key_follows_the_shape_of_the_rows() -> None:
    msg = reply(reasoning_seconds=1.0)
    messages = [Message(role="user", text="q"), msg]
    key = load_key(messages)
    assert load_key(messages) == key
    msg.retries.append(RetryRecord(attempt=1, delay_s=1.0))
    assert load_key(messages) != key
