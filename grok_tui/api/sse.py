"""SSE framing helpers shared by the client and the decoders.

`SSEParser` frames the decoded text of an event stream (WHATWG HTML
"event stream interpretation": CRLF, LF and CR line ends, split anywhere
between network chunks) into `(event, data)` frames, and reports comment lines
(`: ping`, `:keep-alive`), which `httpx-sse` drops silently, so the client can
show that a silent server is alive. `aiter_frames(response)` runs it over an
httpx response (with `ReadPacing`, a slow stream is read in fewer, larger
reads). The content type is checked before any SSE parsing (xAI may
answer a streaming request with a 200 JSON error body). `FrameDecoder` is the
decoders' one base class that turns a frame's `data` text into a parsed
payload: `[DONE]` markers, empty keep-alive frames and invalid JSON are
handled here, once; `keep_alive()` turns comment lines into throttled
`KeepAlive` events.
"""

from __future__ import annotations

import asyncio
import codecs
import inspect
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from grok_tui.api.events import (
    KEEPALIVE_INTERVAL,
    DebugEvent,
    KeepAlive,
    StreamEvent,
)
from grok_tui.frame_grid import FRAME_INTERVAL, next_instant
from grok_tui.sanitize import fix_surrogates_deep

Clock = Callable[[], float]

#: Start of the message of the `ProtocolError` a decoder bug becomes.
INTERNAL_ERROR_PREFIX = "grok-tui could not decode the server's stream (an internal error)"

_loads = json.loads
# A `\\uD800`-`\\uDFFF` escape: the parsed payload may hold lone surrogates.
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def loads(data: str | bytes) -> Any:
    """`json.loads` for untrusted wire text: ValueError for anything that is
    not JSON (also JSON nested too deeply to parse), and strings in the result
    never hold lone surrogates (an escaped surrogate pair split by the server
    becomes U+FFFD instead of text that cannot be written out)."""
    # Bytes are decoded here: `json.loads(bytes)` would let UTF-8-encoded
    # surrogates through (it decodes with "surrogatepass").
    text = data if isinstance(data, str) else data.decode("utf-8", "replace")
    try:
        value = _loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if _ESCAPED_SURROGATE.search(text):
        value = fix_surrogates_deep(value)
    return value


def content_type(response: httpx.Response) -> str:
    """The media type of a response, lower-cased, without parameters."""
    value: str = response.headers.get("content-type", "")
    return value.partition(";")[0].strip().lower()


def is_event_stream(response: httpx.Response) -> bool:
    return content_type(response) == "text/event-stream"


#: One SSE frame: (event name, "" when the frame had none; data lines joined
#: with "\n"). `None` in a parser's output stands for comment line(s).
Frame = tuple[str, str]

_NOTHING: tuple[Frame | None, ...] = ()


class SSEParser:
    """Incremental SSE framing of decoded text chunks.

    `feed(text)` returns the frames completed by `text`, in order, with `None`
    where comment lines were seen (at most one `None` per call: a flood of
    comments in one chunk costs one entry). A frame is dispatched at a blank
    line when it had an `event:` or a `data:` line (an `event:` without data is
    kept, as httpx-sse does: the decoders read it as a keep-alive); `id:`,
    `retry:` and unknown fields are ignored. A line may be split anywhere
    across chunks, also between the CR and LF of a CRLF; a leading BOM is
    dropped. What is left unterminated at the end of the stream is discarded
    (the spec's rule), so there is no `flush()`.
    """

    __slots__ = ("_parts", "_skip_lf", "_started", "_event", "_data", "_pending")

    def __init__(self) -> None:
        self._parts: list[str] = []  # the unterminated last line, in pieces
        self._skip_lf = False  # the previous chunk ended with CR: a leading LF belongs to it
        self._started = False
        self._event = ""
        self._data: list[str] = []
        self._pending = False

    def feed(self, text: str) -> Sequence[Frame | None]:
        if not text:
            return _NOTHING
        if self._skip_lf:
            self._skip_lf = False
            if text[0] == "\n":
                text = text[1:]
                if not text:
                    return _NOTHING
        if not self._started:
            self._started = True
            if text[0] == "\ufeff":
                text = text[1:]
        if "\n" not in text and "\r" not in text:
            # No line end: keep the piece (joined once, when the line ends).
            if text:
                self._parts.append(text)
            return _NOTHING
        if self._parts:
            self._parts.append(text)
            text = "".join(self._parts)
            self._parts.clear()
        if "\r" in text:
            if text[-1] == "\r":
                self._skip_lf = True
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        tail = lines.pop()
        if tail:
            self._parts.append(tail)
        out: list[Frame | None] = []
        comment = False
        for line in lines:
            if not line:
                if self._pending:
                    data = self._data
                    out.append((self._event, data[0] if len(data) == 1 else "\n".join(data)))
                    self._event = ""
                    self._data = []
                    self._pending = False
                continue
            if line[0] == ":":
                if not comment:
                    comment = True
                    out.append(None)
                continue
            name, _, value = line.partition(":")
            if value and value[0] == " ":
                value = value[1:]
            if name == "data":
                self._data.append(value)
                self._pending = True
            elif name == "event":
                self._event = value
                self._pending = True
        return out


@dataclass
class ReadPacing:
    """Fewer, larger reads of an event stream that is slower than its reader.

    A model streams a token every few milliseconds, each in its own packet:
    read as they come, every token is one trip through the event loop,
    httpcore and anyio (a timeout scope, resuming and pausing the socket),
    which was a third of the app's CPU while a reply streamed at 150 tokens/s.
    With pacing, once `window` seconds have passed since the last pause and
    the stream brought less than `fast` bytes per second meanwhile, the next
    read waits: what arrives in the meantime is then read at once and its
    chunks are handled in one go. A fast stream (a server ahead of its
    reader, bulk data) is never held back.

    `aligned` (the default): the wait ends at the next instant of the frame
    grid (`grok_tui.frame_grid`, multiples of `pause` on `clock`), where the
    UI's renders come due too, so a read and a render share one wake-up of
    the event loop (each wake-up costs CPU whatever it does). Text then
    reaches the screen at most two frames after it arrived, and every frame
    has the text of one read. Not aligned: the wait is `pause` seconds.

    The server must produce independently of the reader (a socket does);
    a transport that makes the next chunk only when asked (the in-process
    fake) would be slowed by every pause."""

    pause: float = FRAME_INTERVAL
    window: float = 0.005
    aligned: bool = True
    fast: float = 256 * 1024
    #: Injectable for tests.
    clock: Clock = field(default=time.monotonic, compare=False, repr=False)
    sleep: Callable[[float], Awaitable[None]] = field(
        default=asyncio.sleep, compare=False, repr=False
    )

    def wait(self, now: float) -> float:
        """Seconds to wait from `now` (on `clock`) before the next read."""
        if not self.aligned:
            return self.pause
        return max(0.0, next_instant(now, self.pause) - now)


class _PacedReads:
    """`ReadPacing` at the socket: installed as the `read` of the response's
    network stream (httpcore's, HTTP/1.1) while its body is read.

    httpcore reads the socket only when h11 has no complete chunk left, so a
    wait here lets every chunk that arrived meanwhile through in one go, and
    the reader wakes up once per frame: at the grid instant, together with
    the UI's render. Waiting between chunks instead (`aiter_frames` without
    a network stream) wakes it a second time per frame, for the first token
    after each burst."""

    def __init__(self, stream: Any, pacing: ReadPacing) -> None:
        self._stream = stream
        self._read = stream.read
        self._pacing = pacing
        #: When the rate is measured from (the first body bytes, then the
        #: end of the last wait): the time to the first token (the model
        #: thinking) says nothing of how fast the text comes.
        self._since: float | None = None
        self._received = 0
        #: The last window of the stream was slow (less than `fast`/s).
        self._slow = False

    async def __call__(self, max_bytes: int, timeout: float | None = None) -> bytes:
        pacing = self._pacing
        if pacing.pause > 0 and self._since is not None:
            now = pacing.clock()
            elapsed = now - self._since
            if elapsed >= pacing.window:
                self._slow = self._received < pacing.fast * elapsed
            if self._slow:
                await pacing.sleep(pacing.wait(now))
                self._since, self._received = pacing.clock(), 0
        data: bytes = await self._read(max_bytes, timeout=timeout)
        if self._since is None:
            self._since = pacing.clock()
        else:
            self._received += len(data)
        if len(data) >= max_bytes:
            self._slow = False  # more was waiting: a stream ahead of its reader
        return data

    def install(self) -> None:
        self._stream.read = self

    def remove(self) -> None:
        if self._stream.__dict__.get("read") is self:
            del self._stream.read  # the class's own read again


def _network_stream(response: httpx.Response) -> Any | None:
    """httpcore's network stream of an HTTP/1.1 response, when it has one
    whose `read` can be paced (not a mock or an in-process transport)."""
    stream = response.extensions.get("network_stream")
    read = getattr(stream, "read", None)
    if read is None or not hasattr(stream, "__dict__"):
        return None
    try:
        params = inspect.signature(read).parameters
    except (TypeError, ValueError):
        return None
    return stream if {"max_bytes", "timeout"} <= params.keys() else None


async def aiter_frames(
    response: httpx.Response, pacing: ReadPacing | None = None
) -> AsyncIterator[Frame | None]:
    """The frames of an event-stream response (`None`: comment lines came).

    Always decoded as UTF-8, as the SSE spec requires, whatever charset the
    content type names (httpx's `aiter_text` would follow it). With `pacing`,
    a slow stream's reads are spaced out (see `ReadPacing`; `pause` is read
    before each wait, so a caller may set it to 0 to read the rest at once):
    at the socket when the response has httpcore's network stream, else
    between the chunks."""
    feed = SSEParser().feed
    decode = codecs.getincrementaldecoder("utf-8")("replace").decode
    clock = pacing.clock if pacing is not None else time.monotonic
    since = clock()  # the end of the last pause (or the start)
    received = 0  # bytes since then
    at_socket: _PacedReads | None = None
    if pacing is not None:
        stream = _network_stream(response)
        if stream is not None:
            at_socket = _PacedReads(stream, pacing)
            at_socket.install()
    try:
        async for chunk in response.aiter_bytes():
            text = decode(chunk)
            if text:
                for item in feed(text):
                    yield item
            if pacing is not None and at_socket is None and pacing.pause > 0:
                received += len(chunk)
                now = clock()
                elapsed = now - since
                if elapsed >= pacing.window and received < pacing.fast * elapsed:
                    await pacing.sleep(pacing.wait(now))
                    since, received = clock(), 0
    finally:
        if at_socket is not None:
            at_socket.remove()
    tail = decode(b"", final=True)
    if tail:
        for item in feed(tail):
            yield item


class FrameDecoder:
    """Base of the two wire decoders: a pure state machine fed with SSE frames.

    Subclasses implement `feed(payload, event_name)` and `finish()`. The
    decoder never does I/O; `clock` measures reasoning time from the moment
    the decoder was made (the request start)."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock: Clock = clock or time.monotonic
        self._t0 = self._clock()
        self._text: list[str] = []
        #: True once a terminal event (Completed or Failed) was produced.
        self.done = False
        #: True once text, reasoning or a tool call was delivered.
        self.content_started = False
        #: True once any frame arrived (comment lines are not frames).
        self.got_frame = False
        self._next_keep_alive = float("-inf")

    @property
    def text(self) -> str:
        """The visible answer so far."""
        if len(self._text) > 1:
            self._text[:] = ["".join(self._text)]
        return self._text[0] if self._text else ""

    def elapsed(self) -> float:
        return round(self._clock() - self._t0, 3)

    def feed_frame(self, event: str, data: str) -> list[StreamEvent]:
        """Events of one SSE frame (`data` is the frame's joined data lines)."""
        self.got_frame = True
        if self.done:
            return []
        if not data:
            # A frame with no data (e.g. `event: ping`): a keep-alive, not
            # evidence that the model is reasoning.
            alive = self.keep_alive() if not self.content_started else None
            return [alive] if alive is not None else []
        if data[0] == "[" and data.strip() == "[DONE]":
            return self.on_done_marker()
        try:
            payload = loads(data)
        except ValueError:
            return [DebugEvent(f"skipped a frame that is not JSON: {data[:80]!r}", event or None)]
        if not isinstance(payload, dict):
            return [DebugEvent("skipped a frame whose JSON is not an object", event or None)]
        return self.feed(payload, event)

    def feed(self, payload: dict[str, Any], event: str = "") -> list[StreamEvent]:
        raise NotImplementedError

    def keep_alive(self) -> KeepAlive | None:
        """A `KeepAlive` for SSE comment lines that just arrived, or None when
        one was given less than `KEEPALIVE_INTERVAL` seconds ago (or the
        stream is over). Not content: `content_started` and `got_frame` stay
        as they are."""
        if self.done:
            return None
        now = self._clock()
        if now < self._next_keep_alive:
            return None
        self._next_keep_alive = now + KEEPALIVE_INTERVAL
        return KeepAlive(round(now - self._t0, 3))

    def feed_frame_safely(self, event: str, data: str) -> list[StreamEvent]:
        """`feed_frame`, but an exception inside the decoder (a bug, met with
        input nobody foresaw) ends the stream with a `Failed(ProtocolError)`
        instead of escaping to the caller."""
        try:
            return self.feed_frame(event, data)
        except Exception as exc:  # noqa: BLE001 - the stream must end typed
            return self.internal_error(exc)

    def finish_safely(self) -> list[StreamEvent]:
        try:
            return self.finish()
        except Exception as exc:  # noqa: BLE001
            return self.internal_error(exc)

    def internal_error(self, exc: BaseException) -> list[StreamEvent]:
        from grok_tui.api.errors import ProtocolError
        from grok_tui.api.events import Failed

        self.done = True
        error = ProtocolError(f"{INTERNAL_ERROR_PREFIX} ({type(exc).__name__}); please report it")
        return [Failed(error=error, partial=self.content_started, text=self.text)]

    def on_done_marker(self) -> list[StreamEvent]:
        raise NotImplementedError

    def finish(self) -> list[StreamEvent]:
        """Events at the end of the byte stream (EOF)."""
        raise NotImplementedError
