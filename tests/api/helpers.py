"""Shared helpers of the api tests: fixtures on disk, a chunked mock transport."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import httpx

from grok_tui.api.chat_request import ApiKind, ChatRequest, InputMessage
from grok_tui.api.client import RetryPolicy, XAIClient
from grok_tui.api.events import StreamEvent

FIXTURES = Path(__file__).parent / "fixtures"

SSE_FIXTURES: dict[str, ApiKind] = {
    "chat_A_text.sse": "chat",
    "chat_A2_tool_call.sse": "chat",
    "chat_B1_reasoning.sse": "chat",
    "responses_B2_reasoning.sse": "responses",
    "responses_C_agentic.sse": "responses",
    "responses_D1_error.sse": "responses",
    "responses_D1_failed.sse": "responses",
}

REQUEST = ChatRequest(model="grok-4.3", messages=(InputMessage("user", "hi"),))


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class ChunkStream(httpx.AsyncByteStream):
    def __init__(self, chunks: Sequence[bytes]) -> None:
        self._chunks = list(chunks)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk


def split_at(data: bytes, cuts: Sequence[int]) -> list[bytes]:
    points = sorted({c for c in cuts if 0 < c < len(data)})
    out: list[bytes] = []
    prev = 0
    for p in points:
        out.append(data[prev:p])
        prev = p
    out.append(data[prev:])
    return out


def sse_transport(
    chunks: Sequence[bytes],
    *,
    status: int = 200,
    content_type: str = "text/event-stream",
    headers: dict[str, str] | None = None,
    seen: list[httpx.Request] | None = None,
) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        h = {"content-type": content_type, **(headers or {})}
        return httpx.Response(status, headers=h, stream=ChunkStream(chunks))

    return httpx.MockTransport(handler)


async def no_sleep(_seconds: float) -> None:
    return None


def make_client(
    transport: httpx.AsyncBaseTransport,
    *,
    api: ApiKind = "responses",
    retries: int = 0,
    sleep: Callable[[float], Any] = no_sleep,
    base_url: str = "http://test/v1",
    **kw: Any,
) -> XAIClient:
    return XAIClient(
        "xai-test-key-0123456789",
        base_url,
        api=api,
        transport=transport,
        retry=RetryPolicy(max_retries=retries, sleep=sleep, random=lambda: 0.5),
        clock=lambda: 0.0,
        **kw,
    )


async def collect(client: XAIClient, request: ChatRequest = REQUEST) -> list[StreamEvent]:
    out: list[StreamEvent] = []
    async with client:
        async for ev in client.stream(request):
            out.append(ev)
    return out


def replay(name: str, chunks: Sequence[bytes] | None = None) -> list[StreamEvent]:
    data = fixture_bytes(name)
    transport = sse_transport(chunks if chunks is not None else [data])
    return asyncio.run(collect(make_client(transport, api=SSE_FIXTURES[name])))


def as_dicts(events: Sequence[StreamEvent]) -> list[dict[str, Any]]:
    """Events as comparable dicts (exceptions do not compare by value)."""
    from grok_tui.api.events import event_to_dict

    return [event_to_dict(e) for e in events]
