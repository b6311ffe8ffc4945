"""Property tests: mutated, truncated and random SSE bodies through the real
client path (`XAIClient.stream` over `httpx.MockTransport`).

Whatever the bytes, the stream ends with exactly one terminal event
(`Completed` or `Failed`, last), a `Failed` carries an `XAIError`, nothing
else escapes, it ends in bounded time, and recording the events into a
message gives a message that serializes (to disk and to the terminal)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grok_tui.api.decode_chat import ChatDecoder
from grok_tui.api.decode_responses import ResponsesDecoder
from grok_tui.api.errors import XAIError
from grok_tui.api.events import Completed, Failed, StreamEvent
from grok_tui.api.sse import INTERNAL_ERROR_PREFIX, FrameDecoder
from grok_tui.chat.session import Message, MessageStatus
from grok_tui.chat.turn import TurnRecorder
from tests.api.helpers import REQUEST, ChunkStream, make_client, no_sleep
from tests.hardening.corpus import HOSTILE_LITERALS, json_paths, replace_at, seeds

TIMEOUT = 10.0
import os

#: FUZZ_EXAMPLES=2000 for a longer hunt; the defaults keep each test under ~3 s.
_SCALE = int(os.environ.get("FUZZ_EXAMPLES", "0"))
_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]


def fuzz(examples: int) -> settings:
    return settings(max_examples=_SCALE or examples, deadline=None, suppress_health_check=_HEALTH)


def _transport(
    chunks: list[bytes], content_type: str = "text/event-stream", status: int = 200
) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status, headers={"content-type": content_type}, stream=ChunkStream(chunks)
        )

    return httpx.MockTransport(handler)


async def _run(
    chunks: list[bytes],
    api: str,
    *,
    content_type: str = "text/event-stream",
    status: int = 200,
    retries: int = 0,
) -> list[StreamEvent]:
    client = make_client(
        _transport(chunks, content_type, status),
        api=api,  # type: ignore[arg-type]
        retries=retries,
        sleep=no_sleep,
    )
    out: list[StreamEvent] = []

    async def consume() -> None:
        async with client:
            async for ev in client.stream(REQUEST):
                out.append(ev)

    await asyncio.wait_for(consume(), TIMEOUT)
    return out


def check_stream(events: list[StreamEvent]) -> None:
    """The invariants every stream must keep, and the recorder must survive it."""
    terminals = [e for e in events if isinstance(e, (Completed, Failed))]
    assert len(terminals) == 1, [e.kind for e in events]
    assert events[-1] is terminals[0]
    last = events[-1]
    if isinstance(last, Failed):
        assert isinstance(last.error, XAIError)
        # The client's safety net turns decoder exceptions into this error;
        # meeting it here means a decoder bug.
        assert not last.error.message.startswith(INTERNAL_ERROR_PREFIX), last.error.message
        assert isinstance(last.error.user_message(), str)
        json.dumps(last.error.to_dict())
    message = Message(role="assistant", status=MessageStatus.STREAMING)
    recorder = TurnRecorder(message, clock=lambda: 0.0, wall=lambda: 0.0)
    for ev in events:
        recorder.apply(ev)
    assert recorder.finished
    # What the store writes and what the terminal shows must be encodable.
    message.model_dump_json().encode("utf-8")
    for text in (
        message.text,
        message.reasoning,
        *(t.arguments for t in message.tool_calls),
        *(c.url for c in message.citations),
    ):
        text.encode("utf-8")


def run_and_check(chunks: list[bytes], api: str, **kw: Any) -> list[StreamEvent]:
    events = asyncio.run(_run(chunks, api, **kw))
    check_stream(events)
    return events


# -- mutations -------------------------------------------------------------------

#: The wrong-type values most likely to break a decoder.
TYPE_CONFUSION = ("5", "null", "[]", "{}", '"x"', "1e999", "NaN", "[null]", "true", "-1")

DECODED_FIELDS = frozenset(
    {
        "type",
        "id",
        "item_id",
        "call_id",
        "item",
        "response",
        "output",
        "content",
        "summary",
        "text",
        "delta",
        "annotations",
        "annotation",
        "url",
        "title",
        "start_index",
        "end_index",
        "action",
        "sources",
        "status",
        "error",
        "code",
        "message",
        "usage",
        "input_tokens",
        "output_tokens",
        "total_tokens",
        "output_tokens_details",
        "reasoning_tokens",
        "cost_in_usd_ticks",
        "server_side_tool_usage_details",
        "incomplete_details",
        "reason",
        "model",
        "choices",
        "finish_reason",
        "tool_calls",
        "function",
        "arguments",
        "index",
        "name",
        "input",
        "citations",
        "reasoning_content",
        "prompt_tokens",
        "completion_tokens",
        "output_index",
        "queries",
        "prompt",
    }
)


def _mutate_json(frame: bytes, data: st.DataObject) -> bytes:
    lines = frame.split(b"\n")
    idx = [i for i, line in enumerate(lines) if line.startswith(b"data:")]
    if not idx:
        return frame
    i = idx[0]
    try:
        doc = json.loads(lines[i][5:])
    except (ValueError, RecursionError):
        return frame
    paths = json_paths(doc)
    if data.draw(st.booleans(), label="targeted"):
        # Fields the decoders read: where a wrong type does damage.
        paths = [p for p in paths if p[-1] in DECODED_FIELDS] or paths
    literal = data.draw(
        st.sampled_from(TYPE_CONFUSION) | st.sampled_from(HOSTILE_LITERALS), label="literal"
    )
    if not paths or data.draw(st.booleans(), label="whole"):
        text = literal
    else:
        path = data.draw(st.sampled_from(paths), label="path")
        text = replace_at(doc, path, literal)
    lines[i] = b"data: " + text.encode("utf-8", "surrogatepass")
    return b"\n".join(lines)


def _mutate(frames: list[bytes], data: st.DataObject) -> list[bytes]:
    op = data.draw(
        st.sampled_from(
            ["json"] * 8
            + [
                "drop",
                "dup",
                "swap",
                "truncate",
                "flip",
                "badutf8",
                "bogus",
                "unknown",
                "seq",
                "comment",
                "crlf",
            ]
        ),
        label="op",
    )
    if not frames:
        return frames
    i = data.draw(st.integers(0, len(frames) - 1), label="i")
    f = frames[i]
    if op == "drop":
        del frames[i]
    elif op == "dup":
        frames.insert(i, f)
    elif op == "swap":
        j = data.draw(st.integers(0, len(frames) - 1), label="j")
        frames[i], frames[j] = frames[j], frames[i]
    elif op == "truncate":
        frames[i] = f[: data.draw(st.integers(0, max(0, len(f) - 1)), label="cut")]
    elif op == "flip" and f:
        k = data.draw(st.integers(0, len(f) - 1), label="k")
        frames[i] = f[:k] + bytes([f[k] ^ data.draw(st.integers(1, 255), label="x")]) + f[k + 1 :]
    elif op == "badutf8":
        k = data.draw(st.integers(0, len(f)), label="k")
        junk = data.draw(
            st.sampled_from(
                [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80", b"\xf4\x90\x80\x80", b"\x00"]
            ),
            label="junk",
        )
        frames[i] = f[:k] + junk + f[k:]
    elif op == "bogus":
        frames[i] = data.draw(
            st.sampled_from(
                [
                    b"data: {not json\n\n",
                    b"data: [DONE]\n\n",
                    b"data:\n\n",
                    b"event: error\n\n",
                    b'data: {"type": 5}\n\n',
                    b'data: {"type": null, "error": 7}\n\n',
                    b'data: {"error": {"message": null}}\n\n',
                    b'data: {"choices": [5]}\n\n',
                    b'data: {"choices": {"a": 1}}\n\n',
                    b"retry: abc\n\n",
                    b"id: \x00\n\n",
                ]
            ),
            label="bogus",
        )
    elif op == "json":
        frames[i] = _mutate_json(f, data)
    elif op == "unknown":
        frames.insert(i, b'data: {"type":"response.future_thing.delta","delta":{"x":[1]}}\n\n')
    elif op == "seq":
        frames[i] = f.replace(b'"sequence_number":', b'"sequence_number":99999', 1)
    elif op == "comment":
        frames.insert(i, b": keep-alive\n\n")
    elif op == "crlf":
        frames[i] = f.replace(b"\n", b"\r\n")
    return frames


def _chunks(body: bytes, data: st.DataObject) -> list[bytes]:
    cuts = sorted(
        set(data.draw(st.lists(st.integers(1, max(1, len(body) - 1)), max_size=6), label="cuts"))
    )
    out, prev = [], 0
    for c in cuts:
        out.append(body[prev:c])
        prev = c
    out.append(body[prev:])
    return [c for c in out if c]


@fuzz(250)
@given(data=st.data())
def test_mutated_streams_end_with_one_terminal_event(data: st.DataObject) -> None:
    api, frames = data.draw(st.sampled_from(seeds()), label="seed")
    mutated = list(frames)
    for _ in range(data.draw(st.integers(1, 5), label="n_ops")):
        mutated = _mutate(mutated, data)
    body = b"".join(mutated)
    retries = data.draw(st.integers(0, 1), label="retries")
    run_and_check(_chunks(body, data), api, retries=retries)


@fuzz(60)
@given(api=st.sampled_from(["responses", "chat"]), body=st.binary(max_size=2000))
def test_random_bytes_as_event_stream(api: str, body: bytes) -> None:
    run_and_check([body] if body else [], api)


@fuzz(60)
@given(
    api=st.sampled_from(["responses", "chat"]),
    body=st.binary(max_size=2000),
    ctype=st.sampled_from(["application/json", "text/html", "text/plain", ""]),
    status=st.sampled_from([200, 400, 429, 500, 502]),
)
def test_random_bytes_with_other_content_types(
    api: str, body: bytes, ctype: str, status: int
) -> None:
    run_and_check([body] if body else [], api, content_type=ctype, status=status)


@fuzz(60)
@given(
    api=st.sampled_from(["responses", "chat"]),
    literal=st.sampled_from(HOSTILE_LITERALS),
    status=st.sampled_from([200, 400, 401, 429, 500]),
    ctype=st.sampled_from(["application/json", "text/event-stream"]),
)
def test_hostile_json_bodies(api: str, literal: str, status: int, ctype: str) -> None:
    body = literal.encode()
    if ctype == "text/event-stream":
        body = b"data: " + body + b"\n\n"
    run_and_check([body], api, content_type=ctype, status=status)


# -- targeted regressions found by the properties ------------------------------------


def test_deeply_nested_frame_is_a_typed_outcome() -> None:
    deep = b"data: " + b"[" * 100_000 + b"]" * 100_000 + b"\n\n"
    events = run_and_check([deep], "responses")
    assert isinstance(events[-1], Failed)


def test_lone_surrogate_escapes_in_deltas_are_replaced() -> None:
    frames = [
        b'data: {"type":"response.created","response":{"id":"r","model":"m"}}\n\n',
        b'data: {"type":"response.output_text.delta","delta":"a\\ud83d"}\n\n',
        b'data: {"type":"response.output_text.delta","delta":"\\ude00b"}\n\n',
        b'data: {"type":"response.completed","response":{"id":"r","status":"completed"}}\n\n',
    ]
    events = run_and_check(frames, "responses")
    assert isinstance(events[-1], Completed)


#: Frames with wrong types in fields the decoders read (each crashed a decoder
#: with TypeError / OverflowError / ValueError before the fix).
WRONG_TYPE_FRAMES: list[tuple[str, str]] = [
    ("responses", '{"type":"response.output_text.delta","delta":"a","item_id":[1]}'),
    ("responses", '{"type":"response.output_text.done","text":"a","item_id":{}}'),
    ("responses", '{"type":"response.output_item.done","item":{"type":"reasoning","id":[]}}'),
    ("responses", '{"type":"response.output_item.done","item":{"type":"reasoning","summary":5}}'),
    ("responses", '{"type":"response.output_item.done","item":{"type":"message","content":5}}'),
    (
        "responses",
        '{"type":"response.output_item.done","item":{"type":"message","content":'
        '[{"type":"output_text","text":"a","annotations":5}]}}',
    ),
    (
        "responses",
        '{"type":"response.output_item.done","item":{"type":"web_search_call",'
        '"id":"x","action":{"sources":5}}}',
    ),
    ("responses", '{"type":"response.completed","response":{"output":5}}'),
    (
        "responses",
        '{"type":"response.completed","response":{"output":'
        '[{"type":"message","id":[],"content":[]}]}}',
    ),
    ("responses", '{"type":"response.completed","response":{"usage":{"input_tokens":1e999}}}'),
    ("responses", '{"type":"response.completed","response":{"usage":{"output_tokens":NaN}}}'),
    (
        "responses",
        '{"type":"response.completed","response":{"usage":{"cost_in_usd_ticks":'
        + "9" * 400
        + "}}}",
    ),
    (
        "responses",
        '{"type":"response.completed","response":{"usage":{"cost_in_nano_usd":' + "9" * 400 + "}}}",
    ),
    (
        "chat",
        '{"choices":[{"delta":{"content":"x"},"finish_reason":"stop"}],'
        '"usage":{"prompt_tokens":1e999,"completion_tokens":-1e999}}',
    ),
    ("chat", '{"choices":[{"delta":{"tool_calls":[{"index":1e999,"function":5}]}}]}'),
]


def _decoder(api: str) -> FrameDecoder:
    return ResponsesDecoder(lambda: 0.0) if api == "responses" else ChatDecoder(lambda: 0.0)


@pytest.mark.parametrize(("api", "frame"), WRONG_TYPE_FRAMES)
def test_decoders_survive_wrong_types(api: str, frame: str) -> None:
    decoder = _decoder(api)
    events = decoder.feed_frame("", frame) + decoder.finish()  # raises on a decoder bug
    check_stream(events)
    run_and_check([f"data: {frame}\n\n".encode()], api)


def test_usage_with_huge_numbers_is_finite() -> None:
    decoder = _decoder("responses")
    events = decoder.feed_frame("", WRONG_TYPE_FRAMES[11][1]) + decoder.finish()
    last = events[-1]
    assert isinstance(last, Completed) and last.usage is not None
    assert last.usage.cost_usd is None  # not inf, not a crash


def test_a_decoder_bug_becomes_a_typed_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(self: ResponsesDecoder, payload: dict[str, Any], event: str = "") -> list[Any]:
        raise KeyError("bug")

    monkeypatch.setattr(ResponsesDecoder, "feed", boom)
    events = asyncio.run(_run([b'data: {"type":"response.created"}\n\n'], "responses"))
    last = events[-1]
    assert isinstance(last, Failed)
    assert last.error.message.startswith(INTERNAL_ERROR_PREFIX)
    assert last.error.kind == "protocol"
