"""FakeXAI as an in-process httpx transport (for `--demo` and tests)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Iterator

import httpx

from grok_tui.fake.core import FakeXAI
from grok_tui.fake.files_api import UploadPlan
from grok_tui.fake.wire import BodyItem, Drop, Pause


class _FakeStream(httpx.AsyncByteStream):
    def __init__(self, items: Iterator[BodyItem]) -> None:
        self._items = items

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for item in self._items:
            if isinstance(item, Pause):
                await asyncio.sleep(item.seconds)
            elif isinstance(item, Drop):
                raise httpx.RemoteProtocolError(
                    "peer closed connection without sending complete message body "
                    "(incomplete chunked read)"
                )
            elif item:
                yield item
                # Let other tasks (the UI) run between frames, as a socket would.
                await asyncio.sleep(0)

    async def aclose(self) -> None:
        close = getattr(self._items, "close", None)
        if close is not None:
            close()


async def _read_paced(request: httpx.Request, plan: UploadPlan) -> bytes:
    """The request body read piece by piece at the plan's pace (the client's
    progress follows it); a planned drop raises like a connection reset."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    parts: list[bytes] = []
    got = 0
    assert isinstance(request.stream, AsyncIterable)  # an async client's body
    async for piece in request.stream:
        parts.append(piece)
        got += len(piece)
        if plan.drop_after is not None and got >= plan.drop_after:
            raise httpx.WriteError("[Errno 104] Connection reset by peer")
        await asyncio.sleep(max(0.0, start + plan.delay_until(got) - loop.time()))
    return b"".join(parts)


class FakeTransport(httpx.AsyncBaseTransport):
    """Answers httpx requests with FakeXAI, no sockets. Drops raise
    `httpx.RemoteProtocolError` mid-body like a cut connection."""

    def __init__(self, fake: FakeXAI) -> None:
        self.fake = fake

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in request.headers.raw}
        path = request.url.raw_path.decode("ascii")
        plan = self.fake.upload_plan(request.method, path, headers)
        body = await (request.aread() if plan is None else _read_paced(request, plan))
        resp = self.fake.handle(request.method, path, headers, body)
        if resp.streaming:
            stream = _FakeStream(iter(resp.iter_body()))
            return httpx.Response(resp.status, headers=resp.headers, stream=stream, request=request)
        assert isinstance(resp.body, bytes | bytearray)  # not streaming: the whole body
        return httpx.Response(
            resp.status, headers=resp.headers, content=bytes(resp.body), request=request
        )
