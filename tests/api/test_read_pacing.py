"""`ReadPacing`: a slow event stream is read in fewer, larger reads; a fast
one is never held back; the trailer after the last event is read at once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx

from grok_tui.api.chat_request import ChatRequest, InputMessage
from grok_tui.api.client import RetryPolicy, XAIClient
from grok_tui.api.events import Completed, StreamEvent, TextDelta
from grok_tui.api.sse import ReadPacing, aiter_frames
from grok_tui.fake import FakeConfig, FakeServer, FakeXAI
from tests.api.conftest import FAKE_KEY


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


def _event(i: int) -> bytes:
    return f'data: {{"i": {i}}}\n\n'.encode()


async def _frames(chunks: list[bytes], clock: _Clock, per_chunk: float, pacing: ReadPacing):
    """The frames of `chunks` arriving `per_chunk` seconds apart, and the read
    index after which each pause came."""

    pauses_after: list[int] = []
    served = 0

    class Chunks(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            nonlocal served
            for chunk in chunks:
                if len(clock.pauses) > len(pauses_after):
                    pauses_after.append(served)
                clock.now += per_chunk
                served += 1
                yield chunk

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=Chunks())

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        async with client.stream("GET", "http://sse.invalid/") as response:
            frames = [f async for f in aiter_frames(response, pacing)]
    return frames, pauses_after


async def test_a_slow_stream_pauses_between_windows_and_loses_nothing() -> None:
    clock = _Clock()
    pacing = ReadPacing(pause=0.05, window=0.015, aligned=False, clock=clock, sleep=clock.sleep)
    chunks = [_event(i) for i in range(30)]  # ~150 tokens/s: one small event per 7 ms
    frames, pauses_after = await _frames(chunks, clock, 0.007, pacing)
    assert frames == [("", f'{{"i": {i}}}') for i in range(30)]
    assert clock.pauses and set(clock.pauses) == {0.05}
    # Reads continue for a window after each pause: never one read per pause.
    gaps = [b - a for a, b in zip(pauses_after, pauses_after[1:])]
    assert gaps and min(gaps) >= 2
    assert len(clock.pauses) <= 30 // 2


async def test_aligned_pauses_end_on_the_frame_grid() -> None:
    """Aligned (the default): each wait ends at the next multiple of `pause`
    on the clock, the instants where the UI's renders come due too
    (`grok_tui.frame_grid`), so a read and a render share a wake-up."""
    from grok_tui.frame_grid import FRAME_INTERVAL

    clock = _Clock()
    clock.now = 1000.0123  # not on the grid
    pacing = ReadPacing(clock=clock, sleep=clock.sleep)
    assert pacing.pause == FRAME_INTERVAL and pacing.aligned
    ends: list[float] = []

    async def sleep(seconds: float) -> None:
        await clock.sleep(seconds)
        ends.append(clock.now)

    pacing.sleep = sleep
    chunks = [_event(i) for i in range(60)]
    frames, _ = await _frames(chunks, clock, 0.007, pacing)
    assert len(frames) == 60
    assert len(ends) >= 4
    for end in ends:
        frame = end / FRAME_INTERVAL
        assert abs(frame - round(frame)) < 1e-6, end
    assert all(0 < seconds <= FRAME_INTERVAL for seconds in clock.pauses)
    # One wait per frame at most: the reads follow the grid, not the tokens.
    assert len(set(round(end / FRAME_INTERVAL) for end in ends)) == len(ends)


async def test_a_fast_stream_is_never_paused() -> None:
    clock = _Clock()
    pacing = ReadPacing(clock=clock, sleep=clock.sleep)
    chunks = [b"".join(_event(i * 100 + j) for j in range(100)) for i in range(20)]  # ~1.4 kB each
    frames, _ = await _frames(chunks, clock, 0.001, pacing)  # > 1 MB/s
    assert len(frames) == 2000
    assert clock.pauses == []


async def test_no_pause_without_pacing_or_with_pause_zero() -> None:
    clock = _Clock()
    pacing = ReadPacing(pause=0.0, clock=clock, sleep=clock.sleep)
    frames, _ = await _frames([_event(i) for i in range(10)], clock, 0.01, pacing)
    assert len(frames) == 10 and clock.pauses == []


async def _paced_stream_over_loopback(
    tokens: int, sleep: Callable[[float], Awaitable[None]]
) -> AsyncIterator[StreamEvent]:
    """The events of a `tokens`-long reply from the fake server at 300
    tokens/s over a real socket, read by a client paced with `sleep`."""
    config = FakeConfig(api_key=FAKE_KEY, tokens_per_second=300.0, chunk_chars=4)
    with FakeServer(FakeXAI(config)) as server:
        client = XAIClient(
            FAKE_KEY,
            server.url,
            api="chat",
            retry=RetryPolicy(max_retries=0),
            read_pacing=ReadPacing(sleep=sleep),
        )
        request = ChatRequest(
            model="grok-4",
            messages=(InputMessage("user", f"scenario:markdown tokens:{tokens}"),),
        )
        async with client:
            async for event in client.stream(request):
                yield event


async def test_client_over_loopback_paced_reply_is_whole_and_the_trailer_is_not_paused() -> None:
    """The fake server streams at 300 tokens/s over a real socket; the paced
    client gets the same text, and no pause follows the terminal event."""
    events_seen: list[str] = []
    pauses: list[tuple[float, int]] = []

    async def sleep(seconds: float) -> None:
        import asyncio

        pauses.append((seconds, len(events_seen)))
        await asyncio.sleep(seconds)

    text = ""
    done: Completed | None = None
    async for event in _paced_stream_over_loopback(120, sleep):
        events_seen.append(type(event).__name__)
        if isinstance(event, TextDelta):
            text += event.text
        elif isinstance(event, Completed):
            done = event
    assert done is not None and done.text == text and len(text) > 300
    assert pauses, "a 300 tokens/s stream was read without pauses"
    assert all(0 <= seconds <= ReadPacing().pause for seconds, _ in pauses)
    last = events_seen.index("Completed")
    assert all(seen <= last for _, seen in pauses), "paused after the terminal event"


async def test_over_a_socket_the_reads_wait_at_the_socket_once_per_frame() -> None:
    """With httpcore's network stream (a real socket), the wait is in the
    socket read: the chunks that arrived meanwhile come through in one go and
    the reader wakes up once per frame (no second wake-up for the first token
    after each burst). The stream's own `read` is back after the reply."""
    import asyncio
    import time

    from grok_tui.api import sse

    pauses: list[float] = []
    streams: list[object] = []
    real_install = sse._PacedReads.install

    def install(self: sse._PacedReads) -> None:
        streams.append(self._stream)
        real_install(self)

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)
        await asyncio.sleep(seconds)

    sse._PacedReads.install = install  # type: ignore[method-assign]
    try:
        deltas = 0
        started = time.monotonic()
        async for event in _paced_stream_over_loopback(150, sleep):
            deltas += isinstance(event, TextDelta)
        took = time.monotonic() - started
    finally:
        sse._PacedReads.install = real_install  # type: ignore[method-assign]
    assert len(streams) == 1, "the socket's reads were not paced"
    assert "read" not in vars(streams[0])  # the class's read again
    frames = took / ReadPacing().pause
    assert pauses and len(pauses) <= frames + 2, (len(pauses), frames)
    assert deltas >= 2 * len(pauses)  # several chunks per read


async def test_the_wait_for_the_first_token_does_not_make_a_fast_stream_paced() -> None:
    """The rate is measured from the first body bytes: a model that thinks
    for two seconds and then streams fast is not held back for a frame."""
    from grok_tui.api.sse import _PacedReads

    clock = _Clock()

    class Network:
        reads = 0

        async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            self.reads += 1
            clock.now += 2.0 if self.reads == 1 else 0.0001  # thinking, then a flood
            return b"x" * 4096

    pacing = ReadPacing(clock=clock, sleep=clock.sleep)
    paced = _PacedReads(Network(), pacing)
    for _ in range(200):
        await paced(65536)
    assert clock.pauses == []
