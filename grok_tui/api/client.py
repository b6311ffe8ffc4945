"""`XAIClient`: the async xAI client (httpx; SSE framing in `sse.py`).

`stream(request)` sends one streamed turn on `/v1/responses` (default) or
`/v1/chat/completions` and yields the typed events of `events.py`. It never
raises for API problems: the last event is always `Completed` or `Failed`.
Retries (announced by `Retrying` events) happen only where they are safe:
before the first content event, and only for retryable errors (429 rate or
capacity limits, 5xx, "unavailable" bodies, connection failures, timeouts
before the first byte, in-stream server errors). Billing 429s, other 4xx and
streams that already delivered content are never retried.

SSE comment lines (`: ping`, `:keep-alive`, sent while a model thinks)
become `KeepAlive` events, at most one per `KEEPALIVE_INTERVAL` (1 s) per
attempt. They are not content (a retry stays allowed after them) and not
frames (a read timeout after only comments counts as a timeout before the
first frame, so it is retried like one). Each comment is bytes on the wire, so
it also restarts httpx's read timeout: a server that sends comments forever
keeps a turn open until it is stopped; that is intended (it is alive).

A 200 answer that is not an event stream (an error body, or a whole JSON
response from a server that ignored `stream: true`) is read incrementally up
to `MAX_JSON_BODY` (32 MiB) and refused beyond with a `ProtocolError`; error
bodies (non-200) are read up to 64 KB only.

Cancelling the consuming task raises `asyncio.CancelledError` inside the
generator, which leaves the `httpx` stream context and closes the response.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any

import httpx

from grok_tui import __version__
from grok_tui.api.chat_request import ApiKind, ChatRequest
from grok_tui.api.decode_chat import ChatDecoder
from grok_tui.api.decode_responses import ResponsesDecoder
from grok_tui.api.endpoint import DEFAULT_BASE_URL, mask_key, redact_key
from grok_tui.api.errors import (
    APIConnectionError,
    APITimeoutError,
    ProtocolError,
    StreamInterruptedError,
    XAIError,
    error_fields,
    error_for_status,
    error_from_response,
)
from grok_tui.api.events import DebugEvent, Failed, Retrying, StreamEvent
from grok_tui.api.model_list import ModelInfo, parse_model_list
from grok_tui.api.secrets import redact_event, request_secrets
from grok_tui.api.sse import (
    Clock,
    FrameDecoder,
    ReadPacing,
    aiter_frames,
    content_type,
    loads,
)
from grok_tui.api.upload import UploadProgress, multipart_upload
from grok_tui.api.wire import chat_body, responses_body, responses_notes

#: Bytes of an error body read (the rest is not needed for the message).
_MAX_ERROR_BODY = 64 * 1024
#: Largest 200 non-stream (JSON) body accepted: a whole non-streamed answer
#: (a server that ignores `stream: true`) can be large (60k tokens ~ 250 KB).
MAX_JSON_BODY = 32 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds. `read` is the longest silence tolerated inside a stream
    (reasoning models can think for minutes before the first token)."""

    connect: float = 10.0
    read: float = 3600.0
    write: float = 30.0
    pool: float = 10.0

    def to_httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


async def _default_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter; `Retry-After` wins when the server sends it.

    `sleep` and `random` are injectable so tests do not wait."""

    max_retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 20.0
    jitter: float = 0.25
    #: Upper bound on a server-requested `Retry-After` wait.
    max_retry_after: float = 120.0
    sleep: Callable[[float], Awaitable[None]] = field(default=_default_sleep, compare=False)
    random: Callable[[], float] = field(default=random.random, compare=False)

    def delay(self, attempt: int, error: XAIError) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        if error.retry_after is not None:
            return min(max(0.0, error.retry_after), self.max_retry_after)
        base = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        spread = 1.0 + self.jitter * (2.0 * self.random() - 1.0)
        return float(round(max(0.0, base * spread), 3))


class XAIClient:
    """Async client of the xAI REST API. Use as an async context manager or
    call `aclose()`."""

    def __init__(
        self,
        api_key: str | None,
        base_url: str = DEFAULT_BASE_URL,
        *,
        api: ApiKind = "responses",
        timeouts: Timeouts = Timeouts(),
        retry: RetryPolicy = RetryPolicy(),
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock = time.monotonic,
        read_pacing: ReadPacing | None = None,
    ) -> None:
        """`read_pacing`: read a slow event stream in fewer, larger reads (see
        `ReadPacing`; the app's UI sets it, a printer of tokens need not)."""
        self._api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.api: ApiKind = api
        self.timeouts = timeouts
        self.retry = retry
        self._clock = clock
        self.read_pacing = read_pacing
        self._http = httpx.AsyncClient(
            timeout=timeouts.to_httpx(),
            transport=transport,
            headers={"User-Agent": f"grok-tui/{__version__}"},
        )

    def __repr__(self) -> str:
        return (
            f"XAIClient(api_key={mask_key(self._api_key)!r}, base_url={self.base_url!r}, "
            f"api={self.api!r})"
        )

    async def __aenter__(self) -> XAIClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- helpers ---------------------------------------------------------------

    def _headers(self, accept: str) -> dict[str, str]:
        headers = {"Accept": accept}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        return headers

    def _redact(self, error: XAIError) -> XAIError:
        """Never let the key into an error message."""
        redacted = redact_key(error.message, self._api_key)
        if redacted != error.message:
            error.message = redacted
            error.args = (error.message,)
        return error

    def _map_exception(self, exc: httpx.HTTPError, *, got_response: bool) -> XAIError:
        if isinstance(exc, httpx.ConnectTimeout):
            return APITimeoutError(
                f"Timed out connecting to the server after {self.timeouts.connect:g} s"
            )
        if isinstance(exc, httpx.ReadTimeout):
            return APITimeoutError(
                f"The server sent nothing for {self.timeouts.read:g} s (read timeout)"
            )
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(f"Timed out talking to the server ({type(exc).__name__})")
        if isinstance(exc, httpx.DecodingError):
            return ProtocolError(f"Could not decode the server's answer: {exc}")
        if got_response:
            return StreamInterruptedError(
                f"The connection dropped mid-stream ({type(exc).__name__})"
            )
        return APIConnectionError(f"Could not reach {self.base_url} ({type(exc).__name__}: {exc})")

    # -- streaming ----------------------------------------------------------------

    async def stream(
        self, request: ChatRequest, *, api: ApiKind | None = None
    ) -> AsyncIterator[StreamEvent]:
        """The typed events of one streamed turn; ends with `Completed` or `Failed`.
        MCP tokens the request carries are masked in every event kept or shown."""
        secrets = request_secrets(request)
        async with contextlib.aclosing(self._stream_events(request, api=api)) as events:
            async for ev in events:
                yield redact_event(ev, secrets) if secrets else ev

    async def _stream_events(
        self, request: ChatRequest, *, api: ApiKind | None = None
    ) -> AsyncGenerator[StreamEvent, None]:
        kind = api or self.api
        if kind == "chat":
            body, notes = chat_body(request)
            url = f"{self.base_url}/chat/completions"
        else:
            body, notes = responses_body(request), responses_notes(request)
            url = f"{self.base_url}/responses"
        for note in notes:
            yield DebugEvent(note, "request")
        content = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = self._headers("text/event-stream")
        headers["Content-Type"] = "application/json"
        headers["Cache-Control"] = "no-store"
        attempt = 0
        while True:
            decoder: FrameDecoder = (
                ChatDecoder(self._clock) if kind == "chat" else ResponsesDecoder(self._clock)
            )
            error: XAIError | None = None
            got_response = False
            try:
                async with self._http.stream("POST", url, content=content, headers=headers) as resp:
                    got_response = True
                    if resp.status_code != 200:
                        raw = await _read_limited(resp)
                        error = error_from_response(resp.status_code, raw, resp.headers)
                    elif content_type(resp) != "text/event-stream":
                        answer = await _read_up_to(resp, MAX_JSON_BODY)
                        events: list[StreamEvent]
                        if answer is None:
                            events, error = (
                                [],
                                ProtocolError(
                                    "The server's non-streamed answer is larger than "
                                    f"{MAX_JSON_BODY / (1024 * 1024):g} MiB; refused"
                                ),
                            )
                        else:
                            try:
                                events, error = self._non_stream_body(
                                    decoder, answer, content_type(resp)
                                )
                            except Exception as exc:  # noqa: BLE001 - a decoder bug
                                failed = decoder.internal_error(exc)[-1]
                                assert isinstance(failed, Failed)
                                events, error = [], failed.error
                        for ev in events:
                            yield ev
                        if error is None:
                            return
                    else:
                        pacing = replace(self.read_pacing) if self.read_pacing else None
                        frames = aiter_frames(resp, pacing)
                        async for frame in frames:
                            if frame is None:
                                # Comment lines (`: ping`): alive, not content.
                                alive = decoder.keep_alive()
                                if alive is not None:
                                    yield alive
                                continue
                            name, data = frame
                            events = decoder.feed_frame_safely(
                                "" if name == "message" else name, data
                            )
                            if decoder.done:
                                last = events[-1]
                                if isinstance(last, Failed) and self._may_retry(
                                    last.error, decoder, attempt
                                ):
                                    for ev in events[:-1]:
                                        yield ev
                                    error = last.error
                                    break
                                for ev in events:
                                    if isinstance(ev, Failed):
                                        self._redact(ev.error)
                                    yield ev
                                if pacing is not None:
                                    pacing.pause = 0.0  # the trailer at once
                                await _drain(frames)
                                return
                            for ev in events:
                                yield ev
                        else:
                            events = decoder.finish_safely()
                            final = events[-1] if events else None
                            if isinstance(final, Failed) and self._may_retry(
                                final.error, decoder, attempt
                            ):
                                error = final.error
                            else:
                                for ev in events:
                                    yield ev
                                return
            except httpx.InvalidURL as exc:
                error = APIConnectionError(f"Invalid API URL {url!r}: {exc}")
            except httpx.HTTPError as exc:
                error = self._map_exception(exc, got_response=got_response)
                if isinstance(error, APITimeoutError) and decoder.got_frame:
                    # A stall inside a stream is not retried (it may be a long think).
                    yield Failed(self._redact(error), decoder.content_started, decoder.text)
                    return
            assert error is not None
            self._redact(error)
            if not self._may_retry(error, decoder, attempt):
                yield Failed(error, decoder.content_started, decoder.text)
                return
            attempt += 1
            delay = self.retry.delay(attempt, error)
            yield Retrying(attempt, delay, error)
            await self.retry.sleep(delay)

    def _may_retry(self, error: XAIError, decoder: FrameDecoder, attempt: int) -> bool:
        return error.retryable and not decoder.content_started and attempt < self.retry.max_retries

    def _non_stream_body(
        self, decoder: FrameDecoder, raw: bytes, ctype: str
    ) -> tuple[list[StreamEvent], XAIError | None]:
        """A 200 answer that is not an event stream: an error body (retryable
        "unavailable"), or a whole non-streamed response (decoded as one)."""
        try:
            data = loads(raw)
        except ValueError:
            snippet = " ".join(raw[:200].decode("utf-8", "replace").split())
            return [], ProtocolError(
                f"Expected an event stream, got {ctype or 'no content type'}: {snippet!r}"
            )
        if not isinstance(data, dict):
            return [], ProtocolError("Expected an event stream, got a JSON value")
        if "error" in data or ("code" in data and "choices" not in data and "output" not in data):
            code, message, _t = error_fields(data)
            return [], error_for_status(200, message, code=code)
        if isinstance(decoder, ChatDecoder) and isinstance(data.get("choices"), list):
            chunk = dict(data)
            chunk["choices"] = [
                {
                    "index": 0,
                    "delta": (c.get("message") or {}),
                    "finish_reason": c.get("finish_reason") or "stop",
                }
                for c in data["choices"][:1]
                if isinstance(c, dict)
            ]
            events = decoder.feed(chunk)
            events += decoder.on_done_marker()
            return events, None
        if isinstance(decoder, ResponsesDecoder) and data.get("object") == "response":
            events = decoder.feed({"type": "response.completed", "response": data})
            return events, None
        return [], ProtocolError("Expected an event stream, got an unknown JSON body")

    # -- models ---------------------------------------------------------------------

    async def list_models(self) -> list[ModelInfo]:
        """The models the key can use, with prices where the server gives them
        (`/v1/language-models`, falling back to `/v1/models` on 404). Raises XAIError."""
        data = await self._get_json("/language-models", fallback_on_404="/models")
        return parse_model_list(data)

    async def upload_file(
        self,
        filename: str,
        data: bytes,
        mime_type: str = "application/octet-stream",
        *,
        purpose: str = "assistants",
        progress: UploadProgress | None = None,
    ) -> dict[str, Any]:
        """Upload a document (`POST /v1/files`, multipart, streamed in pieces);
        returns the file object (`id`, `bytes`, `filename`, ...). `progress(sent,
        total)` follows the file's bytes as they go out (see `upload.py`).
        Raises XAIError; a connection lost after part of the file went out is an
        `APIConnectionError` that says how much was sent. Cancelling the call
        closes the connection: the server never gets the whole body."""
        body = multipart_upload(filename, data, mime_type, purpose=purpose)
        headers = self._headers("application/json")
        headers["Content-Type"] = body.content_type
        headers["Content-Length"] = str(body.content_length)
        sent = [0]

        def counted(done: int, total: int) -> None:
            sent[0] = done
            if progress is not None:
                progress(done, total)

        try:
            resp = await self._http.post(
                f"{self.base_url}/files", headers=headers, content=body.chunks(counted)
            )
        except httpx.HTTPError as exc:
            if sent[0] and not isinstance(exc, httpx.TimeoutException):
                raise self._redact(
                    APIConnectionError(
                        f"The connection dropped during the upload, after {sent[0]:,} of "
                        f"{len(data):,} bytes ({type(exc).__name__})"
                    )
                ) from None
            raise self._redact(self._map_exception(exc, got_response=False)) from None
        if resp.status_code != 200:
            error = error_from_response(resp.status_code, resp.content, resp.headers)
            if resp.status_code == 413:
                error.hint = "Attach a smaller file (the Files API takes at most 48 MB)."
            raise self._redact(error)
        try:
            info = loads(resp.content)
        except ValueError:
            raise ProtocolError("/files did not answer with JSON") from None
        if not isinstance(info, dict) or not isinstance(info.get("id"), str) or not info["id"]:
            raise ProtocolError("/files answered without a file id")
        return info

    async def file_exists(self, file_id: str) -> bool:
        """Whether the server still has an uploaded file (`GET /v1/files/{id}`:
        200 yes, 404 no). Raises XAIError otherwise."""
        try:
            resp = await self._http.get(
                f"{self.base_url}/files/{file_id}", headers=self._headers("application/json")
            )
        except httpx.HTTPError as exc:
            raise self._redact(self._map_exception(exc, got_response=False)) from None
        if resp.status_code in (200, 404):
            return resp.status_code == 200
        raise self._redact(error_from_response(resp.status_code, resp.content, resp.headers))

    async def delete_file(self, file_id: str) -> bool:
        """Delete an uploaded file (`DELETE /v1/files/{id}`); False when it was
        already gone (404). Raises XAIError otherwise."""
        try:
            resp = await self._http.delete(
                f"{self.base_url}/files/{file_id}", headers=self._headers("application/json")
            )
        except httpx.HTTPError as exc:
            raise self._redact(self._map_exception(exc, got_response=False)) from None
        if resp.status_code == 404:
            return False
        if resp.status_code != 200:
            raise self._redact(error_from_response(resp.status_code, resp.content, resp.headers))
        return True

    async def _get_json(self, path: str, *, fallback_on_404: str | None = None) -> Any:
        try:
            resp = await self._http.get(
                f"{self.base_url}{path}", headers=self._headers("application/json")
            )
        except httpx.HTTPError as exc:
            raise self._redact(self._map_exception(exc, got_response=False)) from None
        if resp.status_code == 404 and fallback_on_404:
            return await self._get_json(fallback_on_404)
        if resp.status_code != 200:
            raise self._redact(error_from_response(resp.status_code, resp.content, resp.headers))
        try:
            return loads(resp.content)
        except ValueError:
            raise ProtocolError(f"{path} did not answer with JSON") from None


async def _drain(frames: AsyncIterator[object], limit: int = 64, seconds: float = 1.0) -> None:
    """Read what follows the terminal event (a `[DONE]` trailer, the chunked
    end) so the connection can be reused instead of being reset; bounded in
    frames and time, since a server may keep a finished stream open."""
    try:
        async with asyncio.timeout(seconds):
            n = 0
            async for _ in frames:
                n += 1
                if n >= limit:
                    break
    except (TimeoutError, httpx.HTTPError):
        pass


async def _read_limited(resp: httpx.Response) -> bytes:
    """At most about `_MAX_ERROR_BODY` bytes of an error body (cut, not refused)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= _MAX_ERROR_BODY:
            break
    return b"".join(chunks)


async def _read_up_to(resp: httpx.Response, limit: int) -> bytes | None:
    """The whole (decoded) body, read incrementally, or None as soon as it is
    known to exceed `limit` bytes (a `Content-Length` over it is refused
    before reading)."""
    declared = resp.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit and not resp.headers.get("content-encoding"):
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.aiter_bytes():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
