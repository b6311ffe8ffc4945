"""SSE framing helpers shared by the client and the decoders.

Framing itself is done by `httpx-sse` (`EventSource.aiter_sse()`, in the
client); this module checks the content type before any SSE parsing (xAI may answer a streaming
request with a 200 JSON error body), and gives the decoders one base class
that turns a frame's `data` text into a parsed payload: `[DONE]` markers,
empty keep-alive frames and invalid JSON are handled here, once.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

import httpx

from grok_tui.api.events import DebugEvent, ReasoningProgress, StreamEvent
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
    return response.headers.get("content-type", "").partition(";")[0].strip().lower()


def is_event_stream(response: httpx.Response) -> bool:
    return content_type(response) == "text/event-stream"


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
        #: True once any frame arrived.
        self.got_frame = False

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
            # A frame with no data (e.g. `event: ping`): a keep-alive.
            if not self.content_started:
                return [ReasoningProgress(self.elapsed())]
            return []
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
        error = ProtocolError(
            f"{INTERNAL_ERROR_PREFIX} ({type(exc).__name__}); please report it"
        )
        return [Failed(error=error, partial=self.content_started, text=self.text)]

    def on_done_marker(self) -> list[StreamEvent]:
        raise NotImplementedError

    def finish(self) -> list[StreamEvent]:
        """Events at the end of the byte stream (EOF)."""
        raise NotImplementedError
