from __future__ import annotations

import json
from pathlib import Path

import pytest

from grok_tui.api import events as ev
from grok_tui.api.errors import (
    APIConnectionError,
    RateLimitError,
    RequestCancelled,
    ServerError,
    StreamInterruptedError,
)
from grok_tui.chat.session import SCHEMA_VERSION, Message, MessageStatus, RetryRecord, Session
from grok_tui.chat.turn import RETRY_ERROR_LIMIT, TurnRecorder, retry_record, usage_from_api


class FakeClock:
    def __init__(self, start: float = 100.0) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, dt: float) -> None:
        self.t += dt


def _recorder() -> tuple[Message, TurnRecorder, FakeClock, FakeClock]:
    msg = Message(role="assistant", status=MessageStatus.STREAMING)
    mono, wall = FakeClock(10.0), FakeClock(1_700_000_000.0)
    return msg, TurnRecorder(msg, clock=mono, wall=wall), mono, wall


def _feed(rec: TurnRecorder, events: list[ev.StreamEvent]) -> None:
    for e in events:
        rec.apply(e)


def test_text_deltas_build_text_and_complete() -> None:
    msg, rec, _, wall = _recorder()
    api_usage = ev.Usage(
        input_tokens=10,
        output_tokens=5,
        total_tokens=15,
        cost_usd=0.001,
        server_side_tool_calls={"web_search": 1},
    )
    _feed(
        rec,
        [
            ev.ResponseStarted(response_id="resp_1", model="grok-4.3"),
            ev.TextDelta("Hel"),
            ev.TextDelta("lo"),
            ev.TextDelta(""),
            ev.TextDelta(" world"),
        ],
    )
    assert msg.text == "Hello world"  # current while streaming
    assert msg.status == MessageStatus.STREAMING
    rec.apply(
        ev.Completed(
            response_id="resp_1", model="grok-4.3-0101", text="Hello world", usage=api_usage
        )
    )
    assert msg.status == MessageStatus.COMPLETE
    assert msg.response_id == "resp_1" and msg.model == "grok-4.3-0101"
    assert msg.finished_at == wall.t
    assert msg.usage is not None and msg.usage.total_tokens == 15
    assert msg.usage.cost_usd == 0.001 and msg.usage.server_side_tool_calls == {"web_search": 1}
    # the model's dump contains the streamed text
    assert msg.model_dump(mode="json")["text"] == "Hello world"


def test_many_deltas_text_exact() -> None:
    msg, rec, _, _ = _recorder()
    pieces = [f"w{i} " for i in range(20_000)]
    for p in pieces:
        rec.apply(ev.TextDelta(p))
    assert msg.text == "".join(pieces)


def test_completed_text_used_when_deltas_lost() -> None:
    msg, rec, _, _ = _recorder()
    rec.apply(ev.Completed(response_id=None, model=None, text="full \x1b[2Janswer"))
    assert msg.text == "full answer"
    assert msg.status == MessageStatus.COMPLETE


def test_control_characters_stripped_from_text_reasoning_tools_citations() -> None:
    msg, rec, _, _ = _recorder()
    _feed(
        rec,
        [
            ev.ReasoningDelta("think\x1b]0;pwned\x07ing"),
            ev.TextDelta("a\x1b[31mred\x1b[0m\x07b"),
            ev.ToolCallStarted("c1", "web\x1b[1msearch", ev.ToolKind.WEB_SEARCH, '{"q":"\x1bx"}'),
            ev.ToolCallFinished(
                "c1",
                "web_search",
                ev.ToolKind.WEB_SEARCH,
                ev.ToolPhase.COMPLETED,
                '{"q":"\x9b2Jy"}',
                sources=("https://a.example/\x1b[2J",),
                error=None,
            ),
            ev.CitationAdded(url="https://a.example/\x07", title="T\x1b[5mitle"),
        ],
    )
    assert msg.reasoning == "thinking"
    assert msg.text == "aredb"
    tc = msg.tool_calls[0]
    assert "\x1b" not in tc.arguments and "\x9b" not in tc.arguments
    assert tc.sources == ["https://a.example/"]
    assert msg.citations[0].url == "https://a.example/"
    assert msg.citations[0].title == "Title"


def test_reasoning_timing_with_clock() -> None:
    msg, rec, mono, wall = _recorder()
    rec.apply(ev.ReasoningStarted())
    assert msg.reasoning_started_at == wall.t
    assert rec.is_reasoning
    mono.advance(2.5)
    assert rec.reasoning_elapsed == 2.5
    rec.apply(ev.ReasoningDelta("hmm"))
    mono.advance(1.0)
    rec.apply(ev.ReasoningFinished(elapsed_s=99.0))  # our own clock wins
    assert msg.reasoning_seconds == 3.5
    assert not rec.is_reasoning
    mono.advance(5)
    rec.apply(ev.ReasoningDelta(" more"))  # late summary text still recorded
    assert msg.reasoning == "hmm more"
    assert msg.reasoning_seconds == 3.5


def test_reasoning_ends_on_first_text_and_progress_only_thinking() -> None:
    msg, rec, mono, _ = _recorder()
    rec.apply(ev.ReasoningProgress(elapsed_s=1.0))  # hidden thinking, 1 s in already
    mono.advance(2.0)
    rec.apply(ev.TextDelta("answer"))
    assert msg.reasoning_seconds == 3.0

    msg2, rec2, _, _ = _recorder()
    rec2.apply(ev.ReasoningFinished(elapsed_s=4.0))  # only the end was seen
    assert msg2.reasoning_seconds == 4.0


def test_reasoning_closed_by_terminal_event() -> None:
    msg, rec, mono, _ = _recorder()
    rec.apply(ev.ReasoningStarted())
    mono.advance(7)
    rec.finish_stopped()
    assert msg.reasoning_seconds == 7 and msg.status == MessageStatus.STOPPED


def test_tool_call_lifecycle() -> None:
    msg, rec, _, wall = _recorder()
    rec.apply(ev.ToolCallStarted("ws_1", "web_search", ev.ToolKind.WEB_SEARCH, ""))
    tc = msg.tool_calls[0]
    assert (tc.call_id, tc.name, tc.tool_kind, tc.phase) == (
        "ws_1",
        "web_search",
        "web_search",
        "started",
    )
    assert tc.started_at == wall.t
    rec.apply(ev.ToolCallStarted("xs_2", "x_keyword_search", ev.ToolKind.X_SEARCH, ""))
    wall.advance(1.5)
    rec.apply(ev.ToolCallUpdated("ws_1", ev.ToolPhase.SEARCHING, arguments='{"query":"q"}'))
    assert tc.phase == "searching" and tc.arguments == '{"query":"q"}'
    rec.apply(ev.ToolCallUpdated("ws_1", ev.ToolPhase.SEARCHING))  # no args: keep them
    assert tc.arguments == '{"query":"q"}'
    rec.apply(
        ev.ToolCallFinished(
            "ws_1",
            "web_search",
            ev.ToolKind.WEB_SEARCH,
            ev.ToolPhase.COMPLETED,
            '{"query":"q"}',
            sources=("https://a.example",),
        )
    )
    assert tc.phase == "completed" and tc.sources == ["https://a.example"]
    assert tc.finished_at is not None and tc.finished_at - tc.started_at == 1.5
    rec.apply(
        ev.ToolCallFinished(
            "xs_2",
            "x_keyword_search",
            ev.ToolKind.X_SEARCH,
            ev.ToolPhase.FAILED,
            "{}",
            error="rate \x1blimited",
        )
    )
    assert msg.tool_calls[1].phase == "failed" and msg.tool_calls[1].error == "rate limited"
    # An update or finish for a call never announced still gets a row.
    rec.apply(ev.ToolCallUpdated("ghost", ev.ToolPhase.SEARCHING))
    assert [t.call_id for t in msg.tool_calls] == ["ws_1", "xs_2", "ghost"]


def test_unfinished_tool_calls_closed_at_end() -> None:
    msg, rec, _, _ = _recorder()
    rec.apply(ev.ToolCallStarted("a", "web_search", ev.ToolKind.WEB_SEARCH, ""))
    rec.apply(ev.Failed(error=StreamInterruptedError("dropped"), partial=True))
    assert msg.tool_calls[0].phase == "incomplete"
    assert msg.tool_calls[0].finished_at is not None


def test_citations_numbered_by_first_appearance() -> None:
    msg, rec, _, _ = _recorder()
    _feed(
        rec,
        [
            ev.CitationAdded(url="https://b.example", start_index=0, end_index=5),
            ev.CitationAdded(url="https://a.example", title="A"),
            ev.CitationAdded(url="https://b.example", start_index=10, end_index=15, title="B"),
            ev.CitationAdded(url="https://b.example", start_index=0, end_index=5),  # exact repeat
            ev.CitationAdded(url="https://c.example"),
            ev.CitationAdded(url="https://a.example"),
        ],
    )
    got = [(c.number, c.url, c.title, c.start_index, c.end_index) for c in msg.citations]
    assert got == [
        (1, "https://b.example", None, 0, 5),
        (2, "https://a.example", "A", None, None),
        (1, "https://b.example", "B", 10, 15),
        (3, "https://c.example", None, None, None),
    ]
    assert rec.citation_number("https://c.example") == 3


def test_failed_keeps_partial_text_and_error() -> None:
    msg, rec, _, _ = _recorder()
    rec.apply(ev.TextDelta("half an ans"))
    err = ServerError("overloaded", status=503, code="unavailable")
    rec.apply(ev.Failed(error=err, partial=True, text="half an ans"))
    assert msg.status == MessageStatus.FAILED
    assert msg.text == "half an ans"
    assert msg.error is not None
    assert msg.error.model_dump() == {
        "type": "server",
        "message": "overloaded",
        "status": 503,
        "code": "unavailable",
        "retry_after": None,
        "retryable": True,
    }


def test_failed_without_deltas_uses_event_text() -> None:
    msg, rec, _, _ = _recorder()
    rec.apply(ev.Failed(error=ServerError("x"), partial=True, text="seen"))
    assert msg.text == "seen" and msg.status == MessageStatus.FAILED


def test_cancelled_failure_is_a_stop() -> None:
    msg, rec, _, _ = _recorder()
    rec.apply(ev.TextDelta("abc"))
    rec.apply(ev.Failed(error=RequestCancelled("cancelled"), partial=True, text="abc"))
    assert msg.status == MessageStatus.STOPPED and msg.error is None and msg.text == "abc"


def test_finish_stopped_keeps_text_and_ignores_later_events() -> None:
    msg, rec, _, _ = _recorder()
    rec.apply(ev.TextDelta("partial"))
    rec.finish_stopped()
    assert msg.status == MessageStatus.STOPPED and msg.text == "partial"
    assert msg.finished_at is not None
    rec.apply(ev.TextDelta(" more"))
    rec.apply(ev.Completed(response_id="r", model="m", text="partial more"))
    assert msg.text == "partial" and msg.status == MessageStatus.STOPPED
    rec.finish_stopped()  # idempotent
    assert msg.status == MessageStatus.STOPPED


def test_retrying_counted_without_changing_text() -> None:
    msg, rec, _, _ = _recorder()
    e1 = ev.Retrying(attempt=1, delay_s=0.5, error=ServerError("503"))
    e2 = ev.Retrying(attempt=2, delay_s=1.0, error=ServerError("503"))
    rec.apply(e1)
    rec.apply(e2)
    assert rec.retries == 2 and rec.last_retry is e2
    assert msg.text == "" and msg.status == MessageStatus.STREAMING


def test_usage_updated_and_debug_ignored() -> None:
    msg, rec, _, _ = _recorder()
    rec.apply(ev.DebugEvent("skipped", raw_type="response.weird"))
    rec.apply(ev.UsageUpdated(ev.Usage(input_tokens=3, reasoning_tokens=7)))
    assert msg.usage is not None and msg.usage.reasoning_tokens == 7
    assert msg.text == ""


def test_usage_conversion_copies_every_field() -> None:
    api = ev.Usage(1, 2, 3, 4, 10, 5, {"x_search": 2}, 6, 0.25)
    u = usage_from_api(api)
    assert u.model_dump() == {
        "input_tokens": 1,
        "cached_input_tokens": 2,
        "output_tokens": 3,
        "reasoning_tokens": 4,
        "total_tokens": 10,
        "image_input_tokens": 5,
        "server_side_tool_calls": {"x_search": 2},
        "num_server_side_tools_used": 6,
        "cost_usd": 0.25,
        "cost_estimated": False,
    }


# -- retries are saved on the message -----------------------------------------------

KEY = "xai-" + "k3yMaterial0123456789abcdefXYZ"


def test_retries_are_recorded_on_the_message() -> None:
    msg, rec, _, wall = _recorder()
    rec.apply(ev.Retrying(attempt=1, delay_s=2.0, error=RateLimitError("slow down", status=429)))
    wall.advance(2.5)
    rec.apply(ev.Retrying(attempt=2, delay_s=0.25, error=ServerError("Bad gateway", status=502)))
    rec.apply(ev.TextDelta("hi"))
    rec.apply(ev.Completed("r", "m", "hi"))
    assert [r.model_dump() for r in msg.retries] == [
        {
            "attempt": 1,
            "delay_s": 2.0,
            "error_kind": "rate_limited",
            "error": "slow down",
            "at": 1_700_000_000.0,
        },
        {
            "attempt": 2,
            "delay_s": 0.25,
            "error_kind": "server",
            "error": "Bad gateway",
            "at": 1_700_000_002.5,
        },
    ]
    assert rec.retries == 2  # the count stays
    again = Message.model_validate_json(msg.model_dump_json())
    assert again.retries == msg.retries
    rec.apply(ev.Retrying(attempt=3, delay_s=1.0, error=ServerError("late")))
    assert len(msg.retries) == 2  # after the end: ignored


def test_retry_error_is_one_clean_line_without_a_key() -> None:
    error = APIConnectionError(
        f"connect failed\n\x1b[31mred\x1b[0m [bold]x[/] using {KEY}\x07 " + "y" * 500
    )
    record = retry_record(ev.Retrying(attempt=1, delay_s=float("nan"), error=error), at=5.0)
    assert "\n" not in record.error and "\x1b" not in record.error and "\x07" not in record.error
    assert record.error.startswith("connect failed red [bold]x[/] using xai-…fXYZ ")
    assert KEY not in record.error and KEY[4:] not in record.error
    assert len(record.error) == RETRY_ERROR_LIMIT and record.error.endswith("…")
    assert record.error_kind == "connection" and record.delay_s == 0.0 and record.at == 5.0


def test_retry_of_an_untyped_error() -> None:
    record = retry_record(ev.Retrying(attempt=1, delay_s=3.0, error=OSError("boom")), at=1.0)  # type: ignore[arg-type]
    assert (record.error_kind, record.error, record.delay_s) == ("error", "boom", 3.0)


def _session_doc(reply: dict[str, object]) -> dict[str, object]:
    return {
        "schema_version": SCHEMA_VERSION,
        "id": "s1",
        "title": "old",
        "created_at": 1_700_000_000.0,
        "updated_at": 1_700_000_000.0,
        "model": "grok-4.3",
        "messages": [{"role": "user", "text": "q"}, {"role": "assistant", **reply}],
    }


def test_session_files_without_retries_still_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session saved before retries were persisted loads unchanged (no
    migration: the field has a default); a new file keeps them."""
    from grok_tui.store import SessionStore

    monkeypatch.setenv("GROK_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("GROK_TUI_DATA_DIR", str(tmp_path / "data"))
    root = tmp_path / "data"
    (root / "sessions").mkdir(parents=True)
    old = _session_doc({"text": "a", "status": "complete", "reasoning_seconds": 1.5})
    (root / "sessions" / "s1.json").write_text(json.dumps(old), encoding="utf-8")
    with SessionStore(root) as store:
        loaded = store.load("s1")
        reply = loaded.messages[1]
        assert reply.retries == [] and reply.text == "a" and reply.reasoning_seconds == 1.5
        reply.retries.append(RetryRecord(attempt=1, delay_s=2.0, error_kind="server", error="503"))
        store.save(loaded)
        saved = json.loads((root / "sessions" / "s1.json").read_text(encoding="utf-8"))
        assert saved["messages"][1]["retries"][0]["error"] == "503"
        assert store.load("s1").messages[1].retries == reply.retries
    # Unknown fields inside a retry (a newer writer) are ignored, not fatal.
    newer = _session_doc(
        {
            "text": "b",
            "retries": [
                {"attempt": 1, "delay_s": 1.0, "error": "x", "at": 2.0, "future_field": True}
            ],
        }
    )
    session = Session.model_validate(newer)
    assert session.messages[1].retries[0].error == "x"
