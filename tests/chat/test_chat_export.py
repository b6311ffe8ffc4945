from __future__ import annotations

from grok_tui.chat.export import session_to_markdown
from grok_tui.chat.session import (
    Attachment,
    Citation,
    Message,
    MessageError,
    MessageStatus,
    RetryRecord,
    Session,
    ToolCall,
    Usage,
)


def _session() -> Session:
    return Session(
        title="Rust \x1b[31mvs\x1b[0m Go",
        model="grok-4.3",
        system_prompt="Be brief.\nNo fluff.",
        messages=[
            Message(
                role="user",
                text="Compare them",
                attachments=[
                    Attachment(source="file", path="/tmp/a.png", name="a.png"),
                    Attachment(source="url", url="https://e.x/b.jpg", name="b.jpg"),
                ],
            ),
            Message(
                role="assistant",
                model="grok-4.3",
                text="Rust is safe [[1]](https://r.example).",
                reasoning="step one\nstep two",
                reasoning_seconds=2.0,
                tool_calls=[
                    ToolCall(
                        call_id="c",
                        name="web_search",
                        tool_kind="web_search",
                        arguments='{"query":"rust"}',
                        phase="completed",
                        started_at=10.0,
                        finished_at=11.5,
                    ),
                ],
                citations=[
                    Citation(number=1, url="https://r.example", title="Rust site"),
                    Citation(number=2, url="https://g.example"),
                    Citation(number=1, url="https://r.example", start_index=3, end_index=9),
                ],
                usage=Usage(input_tokens=100, output_tokens=20, total_tokens=120, cost_usd=0.0123),
            ),
            Message(role="user", text="and now?"),
            Message(
                role="assistant",
                text="partial",
                status=MessageStatus.FAILED,
                error=MessageError(type="server", message="overloaded"),
            ),
        ],
    )


def test_markdown_contains_everything() -> None:
    md = session_to_markdown(_session())
    assert md.startswith("# Rust vs Go\n")
    assert "\x1b" not in md
    assert "- Model: grok-4.3" in md
    assert "> Be brief.\n> No fluff." in md
    assert "![a.png](/tmp/a.png)" in md and "![b.jpg](https://e.x/b.jpg)" in md
    assert "<details><summary>Reasoning (2.0 s)</summary>" in md
    assert "> step one\n> step two" in md
    assert '- `web_search` {"query":"rust"} — completed (1.5 s)' in md
    assert "Rust is safe [[1]](https://r.example)." in md
    # numbered sources, one line per number, in order
    assert "1. [Rust site](https://r.example)\n2. [https://g.example](https://g.example)\n" in md
    assert md.count("https://r.example)\n") == 1
    assert "$0.0123" in md and "100 tokens in" in md
    assert "## Grok (" in md and "failed)" in md
    assert "**Error** (server): overloaded" in md
    # order of messages is kept
    assert md.index("Compare them") < md.index("Rust is safe") < md.index("and now?")


def test_empty_session() -> None:
    md = session_to_markdown(Session())
    assert md.startswith("# Untitled session")


def test_retries_and_untimed_reasoning() -> None:
    reply = Message(
        role="assistant",
        text="answer",
        reasoning_seconds=0.0,  # hidden reasoning that reported no time
        usage=Usage(input_tokens=5, output_tokens=2, reasoning_tokens=1234, total_tokens=1241),
        retries=[
            RetryRecord(attempt=1, delay_s=2.0, error_kind="rate_limited", error="slow down"),
            RetryRecord(attempt=2, delay_s=1.0, error_kind="server", error="Bad \x1b[31mgateway"),
        ],
    )
    md = session_to_markdown(Session(messages=[Message(role="user", text="q"), reply]))
    assert "_Retried 2 times before the reply (last error: Bad gateway)._" in md
    assert "Thought for" not in md and "0.0 s" not in md
    assert "1,234 reasoning" in md
    once = reply.model_copy(update={"retries": reply.retries[:1], "reasoning_seconds": 3.0})
    md = session_to_markdown(Session(messages=[once]))
    assert "_Retried once before the reply (last error: slow down)._" in md
    assert "_Thought for 3.0 s._" in md


def test_waiting_time_of_a_non_reasoning_reply_is_not_thinking() -> None:
    waited = Message(
        role="assistant",
        text="hi",
        reasoning_seconds=0.8,
        usage=Usage(input_tokens=5, output_tokens=2, total_tokens=7),
    )
    md = session_to_markdown(Session(messages=[waited]))
    assert "Thought" not in md
    thought = waited.model_copy(update={"usage": Usage(reasoning_tokens=9)})
    assert "_Thought for 0.8 s._" in session_to_markdown(Session(messages=[thought]))
