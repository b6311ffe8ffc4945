"""A 200 non-stream JSON answer (a server that ignores `stream: true`) is read
whole up to MAX_JSON_BODY (32 MiB), not cut at the 64 KB error-body limit;
beyond the limit it is refused with a clear ProtocolError."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from grok_tui.api import client as client_module
from grok_tui.api.chat_request import ApiKind, ChatRequest, InputMessage
from grok_tui.api.client import MAX_JSON_BODY, RetryPolicy, Timeouts, XAIClient
from grok_tui.api.errors import ProtocolError, ServerError
from grok_tui.api.events import Completed, Failed, StreamEvent, TextDelta
from grok_tui.fake import FakeServer
from tests.api.conftest import FAKE_KEY
from tests.api.helpers import collect, make_client

TOKENS = 262_144  # the fake writes 4 characters a token: ~1 MB of answer


def req(text: str) -> ChatRequest:
    return ChatRequest(model="grok-4.3", messages=(InputMessage("user", text),))


async def run(server: FakeServer, text: str, api: ApiKind) -> list[StreamEvent]:
    client = XAIClient(
        FAKE_KEY,
        server.url,
        api=api,
        timeouts=Timeouts(connect=2.0, read=30.0),
        retry=RetryPolicy(max_retries=0),
    )
    async with client:
        return [ev async for ev in client.stream(req(text))]


def test_limit_is_32_mib() -> None:
    assert MAX_JSON_BODY == 32 * 1024 * 1024


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_a_1_mb_non_streamed_answer_is_accepted(server: FakeServer, api: ApiKind) -> None:
    server.fake.config.ignore_stream = True
    events = await run(server, f"long answer scenario:markdown tokens:{TOKENS}", api)
    done = events[-1]
    assert isinstance(done, Completed), done
    assert len(done.text.encode("utf-8")) > 1_000_000
    assert done.text == "".join(e.text for e in events if isinstance(e, TextDelta))
    assert done.usage is not None and done.usage.output_tokens > 200_000


async def test_over_the_limit_is_refused(
    server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "MAX_JSON_BODY", 512 * 1024)
    server.fake.config.ignore_stream = True
    events = await run(server, f"long answer scenario:markdown tokens:{TOKENS}", "responses")
    assert len(events) == 1
    last = events[0]
    assert isinstance(last, Failed) and isinstance(last.error, ProtocolError)
    assert last.error.message == "The server's non-streamed answer is larger than 0.5 MiB; refused"
    assert last.partial is False
    assert len(server.fake.requests) == 1  # not retried


class CountingStream(httpx.AsyncByteStream):
    """Endless 64 KB chunks; counts how many were read."""

    def __init__(self) -> None:
        self.read = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            self.read += 1
            yield b" " * 65536


def _json_transport(stream: CountingStream, headers: dict[str, str]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-type": "application/json", **headers}, stream=stream
        )

    return httpx.MockTransport(handler)


def test_a_chunked_body_stops_being_read_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "MAX_JSON_BODY", 1024 * 1024)
    stream = CountingStream()
    events = asyncio.run(collect(make_client(_json_transport(stream, {}))))
    last = events[-1]
    assert isinstance(last, Failed) and isinstance(last.error, ProtocolError)
    assert "larger than 1 MiB" in last.error.message
    assert stream.read == 17  # 16 chunks fit; the 17th crosses the limit


def test_a_declared_length_over_the_limit_is_refused_unread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(client_module, "MAX_JSON_BODY", 1024 * 1024)
    stream = CountingStream()
    transport = _json_transport(stream, {"content-length": str(2 * 1024 * 1024)})
    events = asyncio.run(collect(make_client(transport)))
    last = events[-1]
    assert isinstance(last, Failed) and isinstance(last.error, ProtocolError)
    assert stream.read == 0


def test_error_bodies_keep_the_small_limit() -> None:
    # a 500 with a 1 MB body: read up to ~64 KB only, still a typed server error
    stream = CountingStream()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, headers={"content-type": "text/plain"}, stream=stream)

    events = asyncio.run(collect(make_client(httpx.MockTransport(handler))))
    last = events[-1]
    assert isinstance(last, Failed) and isinstance(last.error, ServerError)
    assert stream.read == 1
