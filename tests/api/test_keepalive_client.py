"""KeepAlive events through XAIClient.stream: SSE comment lines (mock
transport, random byte splits, all line ends; and the loopback fake's
`keepalive_seconds`) give throttled KeepAlive events that are not content:
retries stay allowed, the answer is unchanged."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from grok_tui.api.chat_request import ApiKind, ChatRequest, InputMessage
from grok_tui.api.client import RetryPolicy, Timeouts, XAIClient
from grok_tui.api.errors import StreamInterruptedError
from grok_tui.api.events import (
    Completed,
    Failed,
    KeepAlive,
    ResponseStarted,
    Retrying,
    StreamEvent,
    TextDelta,
    event_to_dict,
)
from grok_tui.fake import FakeServer
from tests.api.conftest import FAKE_KEY
from tests.api.helpers import (
    SSE_FIXTURES,
    ChunkStream,
    as_dicts,
    collect,
    fixture_bytes,
    make_client,
    replay,
    split_at,
    sse_transport,
)


def without_keepalives(events: list[StreamEvent]) -> list[StreamEvent]:
    return [e for e in events if not isinstance(e, KeepAlive)]


def run_chunks(name: str, chunks: list[bytes], **kw: Any) -> list[StreamEvent]:
    client = make_client(sse_transport(chunks), api=SSE_FIXTURES[name], **kw)
    return asyncio.run(collect(client))


def test_keep_alive_kind_and_dict() -> None:
    assert KeepAlive(1.5).kind == "keep_alive"
    assert event_to_dict(KeepAlive(1.5)) == {"elapsed_s": 1.5, "kind": "keep_alive"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(SSE_FIXTURES)),
    ending=st.sampled_from([b"\n", b"\r\n", b"\r"]),
    cuts=st.lists(st.integers(min_value=1, max_value=50_000), max_size=40),
    lead=st.integers(min_value=1, max_value=5),
)
def test_comments_before_a_captured_stream(
    name: str, ending: bytes, cuts: list[int], lead: int
) -> None:
    data = b": ping\n\n" * lead + b":keep-alive\n" + fixture_bytes(name)
    data = data.replace(b"\n", ending)
    events = run_chunks(name, split_at(data, [c % len(data) for c in cuts]))
    # the clock of make_client stands still: one KeepAlive for all the comments
    assert events[0] == KeepAlive(0.0)
    assert sum(isinstance(e, KeepAlive) for e in events) == 1
    assert as_dicts(events[1:]) == as_dicts(replay(name))


def test_comment_split_across_chunks_mid_stream() -> None:
    name = "chat_A_text.sse"
    data = fixture_bytes(name)
    second = data.index(b"data:", 10)  # after the first frame
    stream = data[:second] + b": waiting for the model\r\n\r\n" + data[second:]
    cut = second + 5  # inside the comment
    events = run_chunks(name, [stream[:cut], stream[cut : cut + 12], stream[cut + 12 :]])
    # the first frame gives ResponseStarted and the first text; then the comment
    assert isinstance(events[0], ResponseStarted) and events[1] == TextDelta("Olá")
    assert events[2] == KeepAlive(0.0)
    assert as_dicts(without_keepalives(events)) == as_dicts(replay(name))


class SteppingClock:
    """Each call is `step` seconds after the previous one."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_throttled_to_one_per_second_of_the_client_clock() -> None:
    name = "chat_A_text.sse"
    # 12 comments, each in its own network chunk; the clock advances 0.25 s a call
    chunks = [b": ping\n\n"] * 12 + [fixture_bytes(name)]
    client = XAIClient(
        "xai-test-key-0123456789",
        "http://test/v1",
        api="chat",
        transport=sse_transport(chunks),
        retry=RetryPolicy(max_retries=0),
        clock=SteppingClock(0.25),
    )
    events = asyncio.run(collect(client))
    alive = [e.elapsed_s for e in events if isinstance(e, KeepAlive)]
    # 12 checks 0.25 s apart (3 s): one every fourth check
    assert alive == [0.25, 1.25, 2.25]
    assert isinstance(events[-1], Completed) and events[-1].text == "Olá!"


def test_keep_alives_are_not_content_a_retry_still_happens() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        headers = {"content-type": "text/event-stream"}
        if len(calls) == 1:  # comments, then the stream ends without a response
            return httpx.Response(200, headers=headers, stream=ChunkStream([b": ping\n\n"] * 3))
        return httpx.Response(
            200, headers=headers, stream=ChunkStream([fixture_bytes("chat_A_text.sse")])
        )

    client = make_client(httpx.MockTransport(handler), api="chat", retries=2)
    events = asyncio.run(collect(client))
    assert len(calls) == 2
    assert isinstance(events[0], KeepAlive)
    assert isinstance(events[1], Retrying)
    assert isinstance(events[1].error, StreamInterruptedError)
    assert as_dicts(events[2:]) == as_dicts(replay("chat_A_text.sse"))


def test_only_comments_then_the_end_fails_as_not_partial() -> None:
    client = make_client(sse_transport([b": ping\n\n", b":\n\n"]), api="responses")
    events = asyncio.run(collect(client))
    assert events[0] == KeepAlive(0.0)
    last = events[-1]
    assert isinstance(last, Failed) and last.partial is False and last.text == ""
    assert len(events) == 2


def test_comments_after_the_terminal_event_are_ignored() -> None:
    name = "responses_B2_reasoning.sse"
    data = fixture_bytes(name) + b": ping\n\n" * 3
    events = run_chunks(name, [data])
    assert not any(isinstance(e, KeepAlive) for e in events)
    assert isinstance(events[-1], Completed)


# -- against the loopback fake -------------------------------------------------------


def req(text: str) -> ChatRequest:
    return ChatRequest(model="grok-4.3", messages=(InputMessage("user", text),))


async def run(
    server: FakeServer,
    text: str,
    *,
    api: ApiKind = "responses",
    clock: Any = time.monotonic,
    read: float = 10.0,
) -> list[StreamEvent]:
    client = XAIClient(
        FAKE_KEY,
        server.url,
        api=api,
        timeouts=Timeouts(connect=2.0, read=read),
        retry=RetryPolicy(max_retries=0),
        clock=clock,
    )
    out: list[StreamEvent] = []
    async with client:
        async for ev in client.stream(req(text)):
            out.append(ev)
    return out


async def test_fake_keepalive_scenario_gives_keep_alive_before_any_text(
    server: FakeServer,
) -> None:
    for api in ("responses", "chat"):
        server.fake.config.keepalive_seconds = 0.02
        events = await run(server, "hi scenario:keepalive", api=api, clock=lambda: 5.0)
        assert events[0] == KeepAlive(0.0)
        assert sum(isinstance(e, KeepAlive) for e in events) == 1  # 3 comments, throttled
        first_text = next(i for i, e in enumerate(events) if isinstance(e, TextDelta))
        assert first_text > 0
        done = events[-1]
        assert isinstance(done, Completed) and done.text
        assert done.text == "".join(e.text for e in events if isinstance(e, TextDelta))


async def test_fake_comments_in_a_stall_are_throttled_by_the_client_clock(
    server: FakeServer,
) -> None:
    # A 1 s stall after two deltas, a comment every 10 ms; the client's clock
    # runs 10x fast, so the ~100 comments span ~10 clock seconds (room for a
    # loaded machine that reads several comments at once).
    server.fake.config.keepalive_seconds = 0.01
    server.fake.config.stall_seconds = 1.0
    t0 = time.monotonic()
    events = await run(server, "q scenario:stall", clock=lambda: time.monotonic() * 10)
    wall = time.monotonic() - t0
    alive = [e.elapsed_s for e in events if isinstance(e, KeepAlive)]
    # at most one per clock second (0.1 s here), at least two in a 1 s stall
    assert 2 <= len(alive) <= wall * 10 + 1
    assert all(b - a >= 1.0 for a, b in zip(alive, alive[1:], strict=False))
    first_text = next(i for i, e in enumerate(events) if isinstance(e, TextDelta))
    assert first_text < events.index(KeepAlive(alive[0]))  # this stall is mid-answer
    done = events[-1]
    assert isinstance(done, Completed)
    assert done.text == "".join(e.text for e in events if isinstance(e, TextDelta))


async def test_comments_restart_the_read_timeout(server: FakeServer) -> None:
    # A 3 s stall with a 1 s read timeout fails (see test_client_fake); with a
    # comment every 0.1 s the server is alive and the answer completes (a
    # 10x margin for a loaded machine).
    server.fake.config.stall_seconds = 3.0
    server.fake.config.keepalive_seconds = 0.1
    events = await run(server, "q scenario:stall", api="chat", read=1.0)
    assert isinstance(events[-1], Completed)
    assert any(isinstance(e, KeepAlive) for e in events)
