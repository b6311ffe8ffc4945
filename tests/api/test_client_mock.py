"""XAIClient over httpx MockTransport: edge cases the fake does not script."""

from __future__ import annotations

import asyncio
import email.utils
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from grok_tui.api.client import RetryPolicy, XAIClient
from grok_tui.api.errors import (
    BillingError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    RateLimitError,
    ServerError,
    error_from_response,
    parse_retry_after,
)
from grok_tui.api.events import Completed, Failed, Retrying, TextDelta
from grok_tui.api.model_list import parse_model_list
from tests.api.helpers import REQUEST, collect, fixture_bytes, make_client


def sse(*payloads: Any) -> bytes:
    return b"".join(b"data: " + json.dumps(p).encode() + b"\n\n" for p in payloads)


CREATED = {"type": "response.created", "response": {"id": "r1", "model": "m"}}
DELTA = {"type": "response.output_text.delta", "item_id": "msg", "delta": "Hi"}
COMPLETED = {"type": "response.completed", "response": {"id": "r1", "status": "completed"}}


def scripted(responses: list[httpx.Response]) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses[min(len(seen) - 1, len(responses) - 1)]

    return httpx.MockTransport(handler), seen


def sse_response(body: bytes) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)


def json_response(status: int, obj: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        headers={"content-type": "application/json", **(headers or {})},
        content=json.dumps(obj).encode(),
    )


@pytest.mark.parametrize(
    "terminal",
    [
        {"type": "error", "code": None, "message": "Service temporarily unavailable."},
        {
            "type": "response.failed",
            "response": {"error": {"code": "server_error", "message": "boom"}},
        },
    ],
)
async def test_in_stream_server_error_before_content_is_retried(terminal: dict[str, Any]) -> None:
    transport, seen = scripted(
        [sse_response(sse(CREATED, terminal)), sse_response(sse(CREATED, DELTA, COMPLETED))]
    )
    events = await collect(make_client(transport, retries=2))
    assert len(seen) == 2
    retrying = [e for e in events if isinstance(e, Retrying)]
    assert len(retrying) == 1 and isinstance(retrying[0].error, ServerError)
    assert isinstance(events[-1], Completed) and events[-1].text == "Hi"


async def test_in_stream_error_after_content_is_not_retried() -> None:
    transport, seen = scripted(
        [sse_response(sse(CREATED, DELTA, {"type": "error", "message": "x"}))]
    )
    events = await collect(make_client(transport, retries=2))
    assert len(seen) == 1
    assert isinstance(events[-1], Failed) and events[-1].partial and events[-1].text == "Hi"


async def test_interrupted_before_content_is_retried() -> None:
    transport, seen = scripted(
        [sse_response(sse(CREATED)), sse_response(sse(CREATED, DELTA, COMPLETED))]
    )
    events = await collect(make_client(transport, retries=1))
    assert len(seen) == 2 and isinstance(events[-1], Completed)


async def test_html_200_is_a_protocol_error_and_html_502_a_server_error() -> None:
    html = httpx.Response(200, headers={"content-type": "text/html"}, content=b"<html>hi</html>")
    events = await collect(make_client(scripted([html])[0]))
    assert isinstance(events[-1], Failed) and isinstance(events[-1].error, ProtocolError)
    bad_gw = httpx.Response(
        502, headers={"content-type": "text/html"}, content=b"<h1>Bad gateway</h1>"
    )
    events = await collect(make_client(scripted([bad_gw])[0]))
    err = events[-1].error  # type: ignore[union-attr]
    assert isinstance(err, ServerError) and err.status == 502 and "Bad gateway" in err.message


async def test_non_streamed_json_answer_is_decoded() -> None:
    body = {
        "id": "c",
        "object": "chat.completion",
        "model": "m",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Whole"},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
    }
    events = await collect(make_client(scripted([json_response(200, body)])[0], api="chat"))
    assert TextDelta("Whole") in events
    assert isinstance(events[-1], Completed) and events[-1].text == "Whole"


async def test_key_in_a_server_message_is_redacted() -> None:
    key = "xai-test-key-0123456789"
    resp = json_response(400, {"code": "x", "error": f"bad thing with {key}"})
    events = await collect(make_client(scripted([resp])[0]))
    err = events[-1].error  # type: ignore[union-attr]
    assert isinstance(err, InvalidRequestError)
    assert key not in err.message and key not in str(err) and "xai-" in err.message


def test_error_bodies_flat_nested_and_billing_403() -> None:
    nested = error_from_response(
        404,
        json.dumps(
            {
                "error": {
                    "message": "no such model",
                    "type": "invalid_request_error",
                    "code": "model_not_found",
                }
            }
        ).encode(),
        {},
    )
    assert isinstance(nested, NotFoundError)
    assert (nested.message, nested.code) == ("no such model", "model_not_found")
    billing = error_from_response(
        403,
        json.dumps({"code": "perm", "error": "Your team has used all available credits"}).encode(),
        {},
    )
    assert isinstance(billing, BillingError) and not billing.retryable
    perm = error_from_response(403, b'{"code":"perm","error":"blocked"}', {})
    assert isinstance(perm, PermissionDeniedError)
    rl = error_from_response(429, b'{"code":"x","error":"slow"}', {"retry-after": "7"})
    assert isinstance(rl, RateLimitError) and rl.retry_after == 7.0


def test_retry_after_seconds_and_http_date() -> None:
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after({"retry-after": date}, now=lambda: now) == pytest.approx(30, abs=1)
    assert parse_retry_after({"retry-after": "2.5"}) == 2.5
    assert parse_retry_after({"retry-after-ms": "1500"}) == 1.5
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


def test_backoff_grows_is_capped_and_jittered() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0, jitter=0.5, random=lambda: 1.0)
    err = ServerError("x")
    assert [policy.delay(n, err) for n in (1, 2, 3, 4)] == [1.5, 3.0, 6.0, 7.5]
    low = RetryPolicy(base_delay=1.0, max_delay=5.0, jitter=0.5, random=lambda: 0.0)
    assert low.delay(1, err) == 0.5
    assert policy.delay(1, RateLimitError("x", retry_after=500.0)) == policy.max_retry_after


async def test_list_models_falls_back_to_v1_models_on_404() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path.endswith("/language-models"):
            return json_response(404, {"code": "nf", "error": "No handler found on route."})
        return json_response(
            200, {"data": [{"id": "grok-4.3", "owned_by": "xai"}], "object": "list"}
        )

    async with make_client(httpx.MockTransport(handler)) as client:
        models = await client.list_models()
    assert seen == ["/v1/language-models", "/v1/models"]
    assert [m.id for m in models] == ["grok-4.3"] and models[0].input_price_per_m is None


def test_price_units_converted_to_usd_per_million() -> None:
    (m,) = parse_model_list(
        {
            "models": [
                {
                    "id": "grok-3",
                    "aliases": ["grok-3-latest"],
                    "input_modalities": ["text", "image"],
                    "prompt_text_token_price": 30000,
                    "cached_prompt_text_token_price": 7500,
                    "completion_text_token_price": 150000,
                    "search_price": 250000000,
                }
            ]
        }
    )
    assert (m.input_price_per_m, m.cached_input_price_per_m, m.output_price_per_m) == (
        3.0,
        0.75,
        15.0,
    )
    assert m.search_price_per_call == pytest.approx(0.025)
    assert m.aliases == ("grok-3-latest",) and m.accepts_images


def test_repr_masks_the_key() -> None:
    client = XAIClient("xai-abcdefghijklmnopqrstuvwxyz")
    assert "abcdefghijklmnop" not in repr(client) and "xai-" in repr(client)


class SlowStream(httpx.AsyncByteStream):
    def __init__(self) -> None:
        self.closed = asyncio.Event()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield sse(CREATED, DELTA)
        await asyncio.sleep(3600)
        yield b""

    async def aclose(self) -> None:
        self.closed.set()


async def test_cancel_closes_the_response() -> None:
    stream = SlowStream()
    transport = httpx.MockTransport(
        lambda r: httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=stream)
    )
    client = make_client(transport)
    got_text = asyncio.Event()

    async def consume() -> None:
        async for ev in client.stream(REQUEST):
            if isinstance(ev, TextDelta):
                got_text.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(got_text.wait(), 2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert stream.closed.is_set()
    await client.aclose()


async def test_breaking_out_and_aclosing_the_stream_closes_the_response() -> None:
    stream = SlowStream()
    transport = httpx.MockTransport(
        lambda r: httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=stream)
    )
    async with make_client(transport) as client:
        gen = client.stream(REQUEST)
        async for ev in gen:
            if isinstance(ev, TextDelta):
                break
        await gen.aclose()  # type: ignore[attr-defined]
    assert stream.closed.is_set()


async def test_chat_fixture_through_client_counts_one_request() -> None:
    transport, seen = scripted([sse_response(fixture_bytes("chat_A_text.sse"))])
    events = await collect(make_client(transport, api="chat"))
    assert isinstance(events[-1], Completed) and len(seen) == 1
    assert seen[0].url.path == "/v1/chat/completions"


async def test_invalid_base_url_is_a_failed_event_not_an_exception() -> None:
    events = await collect(make_client(scripted([])[0], base_url="http://[::1/v1"))
    assert len(events) == 1 and isinstance(events[0], Failed)
