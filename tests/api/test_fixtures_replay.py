"""Every captured stream of xai-wire.md §8, replayed through the client's own
framing (httpx MockTransport -> sse.SSEParser -> decoder), whole and split at
random byte boundaries (including inside multi-byte UTF-8)."""

from __future__ import annotations

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from grok_tui.api.errors import ServerError
from grok_tui.api.events import (
    CitationAdded,
    Completed,
    Failed,
    ReasoningDelta,
    ReasoningFinished,
    ReasoningStarted,
    ResponseStarted,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
    ToolCallUpdated,
    ToolKind,
    ToolPhase,
    Usage,
    UsageUpdated,
)
from tests.api.helpers import SSE_FIXTURES, as_dicts, fixture_bytes, replay, split_at


def test_transcript_a_plain_text() -> None:
    events = replay("chat_A_text.sse")
    usage = Usage(
        input_tokens=165,
        cached_input_tokens=164,
        output_tokens=2,
        reasoning_tokens=129,
        total_tokens=296,
        cost_usd=739000 / 1e10,
    )
    assert events == [
        ResponseStarted("53ae0d64-4f1a-b4e2-9517-9d20013a1c9c", "grok-4-fast-reasoning"),
        TextDelta("Olá"),
        TextDelta("!"),
        UsageUpdated(usage),
        Completed(
            "53ae0d64-4f1a-b4e2-9517-9d20013a1c9c",
            "grok-4-fast-reasoning",
            "Olá!",
            finish_reason="stop",
            usage=usage,
        ),
    ]


def test_transcript_a2_client_tool_call() -> None:
    events = replay("chat_A2_tool_call.sse")
    args = '{"location":"Florence, Italy"}'
    assert events[1] == ToolCallStarted("call_51851897", "weather", ToolKind.FUNCTION, args)
    assert events[2] == ToolCallFinished(
        "call_51851897", "weather", ToolKind.FUNCTION, ToolPhase.COMPLETED, args
    )
    last = events[-1]
    assert isinstance(last, Completed) and last.finish_reason == "tool_calls" and last.text == ""


def test_transcript_b1_reasoning_content() -> None:
    events = replay("chat_B1_reasoning.sse")
    kinds = [e.kind for e in events]
    assert kinds == [
        "response_started",
        "reasoning_started",
        *["reasoning_delta"] * 5,
        "reasoning_finished",
        "text_delta",
        "usage_updated",
        "completed",
    ]
    assert (
        "".join(e.text for e in events if isinstance(e, ReasoningDelta)) == "First, the user said"
    )
    usage = events[-1].usage  # type: ignore[union-attr]
    # chat: reasoning outside completion_tokens (12 + 1 + 290 = 303)
    assert usage is not None
    assert (usage.output_tokens, usage.reasoning_tokens, usage.total_tokens) == (1, 290, 303)
    assert usage.cost_usd == pytest.approx(0.000146625)


def test_transcript_b2_reasoning_summary() -> None:
    events = replay("responses_B2_reasoning.sse")
    # `response.in_progress` (a status snapshot every model sends) is not
    # taken for reasoning: the reasoning item is.
    assert events[:6] == [
        ResponseStarted("769f3302-64f9-4c72-2b48-860c87fd9b2a", "grok-code-fast-1"),
        ReasoningStarted(),
        ReasoningDelta("First"),
        ReasoningDelta(", think."),
        ReasoningFinished(0.0),
        TextDelta("Hello"),
    ]
    done = events[-1]
    assert isinstance(done, Completed) and done.text == "Hello there."
    # responses: reasoning inside output_tokens (331 - 323 visible)
    assert done.usage is not None
    assert (done.usage.output_tokens, done.usage.reasoning_tokens) == (8, 323)
    assert done.usage.cached_input_tokens == 192


def test_transcript_c_agentic_tools_citations_usage() -> None:
    events = replay("responses_C_agentic.sse")
    xs = "ctc_b7b464ea-cc85-d44a-0f2f-1f7320e703c3_xs_call_24148162"
    ws = "ws_b7b464ea-cc85-d44a-0f2f-1f7320e703c3_call_55360208"
    xargs = '{"query":"from:xai grok 4.1 fast","limit":20,"mode":"Latest"}'
    tool_events = [
        e for e in events if isinstance(e, (ToolCallStarted, ToolCallUpdated, ToolCallFinished))
    ]
    assert tool_events == [
        ToolCallStarted(xs, "x_keyword_search", ToolKind.X_SEARCH, ""),
        ToolCallUpdated(xs, ToolPhase.STARTED, xargs),
        ToolCallStarted(ws, "web_search", ToolKind.WEB_SEARCH, ""),
        ToolCallUpdated(ws, ToolPhase.SEARCHING, step="searching"),
        ToolCallFinished(xs, "x_keyword_search", ToolKind.X_SEARCH, ToolPhase.COMPLETED, xargs),
        ToolCallUpdated(ws, ToolPhase.COMPLETED, step="completed"),
        ToolCallFinished(
            ws,
            "web_search",
            ToolKind.WEB_SEARCH,
            ToolPhase.COMPLETED,
            '{"query":"xAI Grok 4.1 Fast"}',
            sources=("https://x.ai/news/grok-4-1-fast",),
        ),
    ]
    assert [e for e in events if isinstance(e, CitationAdded)] == [
        CitationAdded("https://x.ai/news/grok-4-1-fast", "1", 27, 65),
        CitationAdded("https://x.com/i/status/1991284813727474073"),
    ]
    done = events[-1]
    assert isinstance(done, Completed)
    text = "xAI released Grok 4.1 Fast [[1]](https://x.ai/news/grok-4-1-fast)."
    assert done.text == text
    assert text[27:65] == "[[1]](https://x.ai/news/grok-4-1-fast)"
    assert done.usage == Usage(
        input_tokens=27236,
        cached_input_tokens=4585,
        output_tokens=3077 - 1091,
        reasoning_tokens=1091,
        total_tokens=30313,
        server_side_tool_calls={"web_search": 1, "x_search": 1},
        num_server_side_tools_used=2,
        cost_usd=0.01629795,
    )
    assert isinstance(events[-2], UsageUpdated)


@pytest.mark.parametrize(
    ("name", "message", "code"),
    [
        (
            "responses_D1_error.sse",
            "Service temporarily unavailable. The model did not respond to this request.",
            None,
        ),
        ("responses_D1_failed.sse", "Internal server error", "server_error"),
    ],
)
def test_transcript_d1_mid_stream_error(name: str, message: str, code: str | None) -> None:
    events = replay(name)
    last = events[-1]
    assert isinstance(last, Failed)
    assert isinstance(last.error, ServerError)
    assert (last.error.message, last.error.code) == (message, code)
    assert last.partial is True and last.text == "The answer"
    assert sum(isinstance(e, Failed) for e in events) == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(SSE_FIXTURES)),
    cuts=st.lists(st.integers(min_value=1, max_value=20_000), max_size=40),
)
def test_random_byte_splits_give_the_same_events(name: str, cuts: list[int]) -> None:
    data = fixture_bytes(name)
    cuts = [c % len(data) for c in cuts]
    assert as_dicts(replay(name, split_at(data, cuts))) == as_dicts(replay(name))


@pytest.mark.parametrize("name", sorted(SSE_FIXTURES))
def test_split_inside_every_multibyte_character(name: str) -> None:
    data = fixture_bytes(name)
    # cut after the first byte of every non-ASCII UTF-8 sequence, and every byte
    cuts = [i + 1 for i, b in enumerate(data) if b >= 0xC0]
    assert as_dicts(replay(name, split_at(data, cuts))) == as_dicts(replay(name))
    assert as_dicts(replay(name, [data[i : i + 1] for i in range(len(data))])) == as_dicts(
        replay(name)
    )


def test_olá_really_is_split_mid_character() -> None:
    data = fixture_bytes("chat_A_text.sse")
    i = data.index("á".encode())
    assert len(split_at(data, [i + 1])) == 2
    events = replay("chat_A_text.sse", split_at(data, [i + 1]))
    assert events[1] == TextDelta("Olá")
