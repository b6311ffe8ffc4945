"""XAIClient against the loopback fake server: scenarios, errors, retries,
timeouts, framing variants and the exact request bodies."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from grok_tui.api.chat_request import (
    ApiKind,
    ChatRequest,
    InputMessage,
    WebSearchTool,
    XSearchTool,
)
from grok_tui.api.client import RetryPolicy, Timeouts, XAIClient
from grok_tui.api.errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    BillingError,
    GoneError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    StreamInterruptedError,
    XAIError,
)
from grok_tui.api.events import (
    CitationAdded,
    Completed,
    DebugEvent,
    Failed,
    ReasoningDelta,
    ResponseStarted,
    Retrying,
    StreamEvent,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
    ToolKind,
)
from grok_tui.fake import FakeServer
from grok_tui.fake.stream_scenarios import PARTIAL_TEXT
from tests.api.conftest import FAKE_KEY

MODEL = "grok-4.3"


def req(text: str = "Hello there", **kw: Any) -> ChatRequest:
    return ChatRequest(model=kw.pop("model", MODEL), messages=(InputMessage("user", text),), **kw)


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def client_for(
    server: FakeServer,
    *,
    api: ApiKind = "responses",
    retries: int = 3,
    sleep: Sleeps | None = None,
    timeouts: Timeouts = Timeouts(connect=2.0, read=10.0),
    key: str | None = FAKE_KEY,
) -> XAIClient:
    return XAIClient(
        key,
        server.url,
        api=api,
        timeouts=timeouts,
        retry=RetryPolicy(max_retries=retries, sleep=sleep or Sleeps(), random=lambda: 0.5),
    )


async def run(client: XAIClient, request: ChatRequest | None = None) -> list[StreamEvent]:
    out: list[StreamEvent] = []
    async with client:
        async for ev in client.stream(request or req()):
            out.append(ev)
    return out


def gen_requests(server: FakeServer) -> list[Any]:
    return [r for r in server.fake.requests if r.method == "POST"]


# -- happy paths --------------------------------------------------------------


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_plain_answer(server: FakeServer, api: ApiKind) -> None:
    events = await run(client_for(server, api=api), req("Say hello scenario:plain"))
    assert isinstance(events[0], ResponseStarted)
    done = events[-1]
    assert isinstance(done, Completed), events[-1]
    assert done.text and done.text == "".join(e.text for e in events if isinstance(e, TextDelta))
    assert done.usage is not None and done.usage.input_tokens > 0
    assert sum(isinstance(e, (Completed, Failed)) for e in events) == 1
    assert gen_requests(server)[-1].auth_ok


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_reasoning_scenario(server: FakeServer, api: ApiKind) -> None:
    events = await run(
        client_for(server, api=api), req("why scenario:reasoning", model="grok-3-mini")
    )
    assert any(isinstance(e, ReasoningDelta) for e in events)
    done = events[-1]
    assert isinstance(done, Completed) and done.usage is not None
    assert done.usage.reasoning_tokens > 0
    # visible output never includes reasoning, whatever the API's habit
    assert done.usage.total_tokens == (
        done.usage.input_tokens + done.usage.output_tokens + done.usage.reasoning_tokens
    )


@pytest.mark.parametrize("scenario", ["search", "search_shape_a"])
async def test_search_scenarios_tools_citations_usage(server: FakeServer, scenario: str) -> None:
    request = req(
        f"news scenario:{scenario}",
        tools=(WebSearchTool(allowed_domains=("x.ai",)), XSearchTool(allowed_x_handles=("xai",))),
    )
    events = await run(client_for(server), request)
    started = [e for e in events if isinstance(e, ToolCallStarted)]
    finished = [e for e in events if isinstance(e, ToolCallFinished)]
    assert started and len(started) == len(finished)
    assert {e.call_id for e in started} == {e.call_id for e in finished}
    assert all(e.tool_kind is not ToolKind.UNKNOWN for e in started)
    assert any(isinstance(e, CitationAdded) for e in events)
    done = events[-1]
    assert isinstance(done, Completed) and done.usage is not None
    assert done.usage.num_server_side_tools_used == len(started)
    if scenario == "search":  # the Nov 2025 shape A carried no details and no cost
        assert done.usage.server_side_tool_calls
        assert done.usage.cost_usd is not None and done.usage.cost_usd > 0


@pytest.mark.parametrize("api", ["responses", "chat"])
@pytest.mark.parametrize(("event_lines", "trailer"), [(True, True), (True, False), (False, True)])
async def test_event_lines_and_done_trailer_variants(
    server: FakeServer, api: ApiKind, event_lines: bool, trailer: bool
) -> None:
    baseline = await run(client_for(server, api=api), req("variant test scenario:plain"))
    server.fake.config.emit_event_lines = event_lines
    server.fake.config.emit_done_trailer = trailer
    variant = await run(client_for(server, api=api), req("variant test scenario:plain"))
    assert isinstance(variant[-1], Completed)
    assert [e.kind for e in variant] == [e.kind for e in baseline]
    assert variant[-1].text == baseline[-1].text  # type: ignore[union-attr]


async def test_unknown_events_are_debug_and_stream_completes(server: FakeServer) -> None:
    for api in ("responses", "chat"):
        events = await run(client_for(server, api=api), req("x scenario:unknown_events"))  # type: ignore[arg-type]
        assert isinstance(events[-1], Completed)
        if api == "responses":
            assert any(isinstance(e, DebugEvent) for e in events)


async def test_malformed_frames_are_skipped(server: FakeServer) -> None:
    for api in ("responses", "chat"):
        events = await run(client_for(server, api=api), req("x scenario:malformed"))  # type: ignore[arg-type]
        assert any(isinstance(e, DebugEvent) for e in events)
        assert isinstance(events[-1], (Completed, Failed))


# -- mid-stream failures --------------------------------------------------------


@pytest.mark.parametrize("api", ["responses", "chat"])
@pytest.mark.parametrize("scenario", ["error_event", "error_nested", "response_failed"])
async def test_in_stream_error_after_content_is_partial_and_not_retried(
    server: FakeServer, api: ApiKind, scenario: str
) -> None:
    events = await run(client_for(server, api=api), req(f"q scenario:{scenario}"))
    last = events[-1]
    assert isinstance(last, Failed) and isinstance(last.error, ServerError)
    assert last.partial and last.text == PARTIAL_TEXT
    assert not any(isinstance(e, Retrying) for e in events)
    assert len(gen_requests(server)) == 1


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_dropped_stream_reports_what_was_delivered(server: FakeServer, api: ApiKind) -> None:
    events = await run(client_for(server, api=api), req("q scenario:drop"))
    last = events[-1]
    assert isinstance(last, Failed) and isinstance(last.error, StreamInterruptedError)
    assert last.partial is True and last.text == PARTIAL_TEXT
    assert len(gen_requests(server)) == 1


@pytest.mark.parametrize("api", ["responses", "chat"])
async def test_stall_past_read_timeout(server: FakeServer, api: ApiKind) -> None:
    server.fake.config.stall_seconds = 3.0
    client = client_for(server, api=api, timeouts=Timeouts(connect=2.0, read=0.3))
    t0 = time.monotonic()
    events = await run(client, req("q scenario:stall"))
    assert time.monotonic() - t0 < 2.5
    last = events[-1]
    assert isinstance(last, Failed) and isinstance(last.error, APITimeoutError)
    assert last.partial
    assert len(gen_requests(server)) == 1  # a stall inside a stream is not retried


# -- HTTP errors and retries -----------------------------------------------------

NOT_RETRIED = [
    ("error_401", AuthenticationError, 401),
    ("error_400_bad_key", AuthenticationError, 400),
    ("error_403", PermissionDeniedError, 403),
    ("error_404", NotFoundError, 404),
    ("error_410", GoneError, 410),
    ("error_422", InvalidRequestError, 422),
    ("error_429_billing", BillingError, 429),
]


@pytest.mark.parametrize("api", ["responses", "chat"])
@pytest.mark.parametrize(("scenario", "cls", "status"), NOT_RETRIED)
async def test_http_errors_not_retried(
    server: FakeServer, api: ApiKind, scenario: str, cls: type[XAIError], status: int
) -> None:
    server.fake.queue_scenarios([scenario, "plain"])
    sleeps = Sleeps()
    events = await run(client_for(server, api=api, sleep=sleeps))
    assert len(events) == 1
    last = events[0]
    assert isinstance(last, Failed) and type(last.error) is cls
    assert last.error.status == status and not last.partial
    assert last.error.user_message()
    assert len(gen_requests(server)) == 1 and sleeps.delays == []


RETRIED = [
    ("error_429", RateLimitError, [1.0]),  # Retry-After: 1 honoured
    ("error_429_no_retry_after", RateLimitError, [0.5]),
    ("error_429_capacity", RateLimitError, [0.5]),
    ("error_500", ServerError, [0.5]),
    ("error_503", ServerError, [0.5]),
    ("error_200_json", ServerError, [0.5]),
]


@pytest.mark.parametrize("api", ["responses", "chat"])
@pytest.mark.parametrize(("scenario", "cls", "delays"), RETRIED)
async def test_retryable_errors_retried_then_succeed(
    server: FakeServer, api: ApiKind, scenario: str, cls: type[XAIError], delays: list[float]
) -> None:
    server.fake.queue_scenarios([scenario, "plain"])
    sleeps = Sleeps()
    events = await run(client_for(server, api=api, sleep=sleeps))
    retrying = [e for e in events if isinstance(e, Retrying)]
    assert len(retrying) == 1 and type(retrying[0].error) is cls
    assert retrying[0].attempt == 1 and retrying[0].delay_s == delays[0]
    assert sleeps.delays == delays
    assert isinstance(events[-1], Completed)
    assert len(gen_requests(server)) == 2


async def test_retries_give_up_after_max_with_exponential_backoff(server: FakeServer) -> None:
    server.fake.queue_scenarios(["error_503"] * 4)
    sleeps = Sleeps()
    events = await run(client_for(server, retries=3, sleep=sleeps))
    assert [e.attempt for e in events if isinstance(e, Retrying)] == [1, 2, 3]
    assert sleeps.delays == [0.5, 1.0, 2.0]
    last = events[-1]
    assert isinstance(last, Failed) and isinstance(last.error, ServerError)
    assert len(gen_requests(server)) == 4


async def test_200_json_error_is_typed_server_error(server: FakeServer) -> None:
    server.fake.queue_scenarios(["error_200_json"])
    events = await run(client_for(server, retries=0))
    last = events[-1]
    assert isinstance(last, Failed) and isinstance(last.error, ServerError)
    assert last.error.message == "Timed out waiting for first token"
    assert last.error.status == 200


async def test_connection_refused_is_retried_then_connection_error() -> None:
    sleeps = Sleeps()
    client = XAIClient(
        FAKE_KEY,
        "http://127.0.0.1:9/v1",
        retry=RetryPolicy(max_retries=2, sleep=sleeps, random=lambda: 0.5),
        timeouts=Timeouts(connect=1.0),
    )
    events = await run(client)
    assert [type(e) for e in events] == [Retrying, Retrying, Failed]
    assert isinstance(events[-1].error, APIConnectionError)  # type: ignore[union-attr]


async def test_wrong_key_never_appears_in_errors_or_repr(server: FakeServer) -> None:
    secret = "xai-wrong-secret-key-ABCDEFGH"
    client = client_for(server, key=secret)
    assert secret not in repr(client)
    events = await run(client)
    last = events[-1]
    assert isinstance(last, Failed) and isinstance(last.error, AuthenticationError)
    assert secret not in str(last.error.to_dict()) and secret not in last.error.user_message()


async def test_missing_key_is_401_auth_error(server: FakeServer) -> None:
    events = await run(client_for(server, key=None))
    assert isinstance(events[-1], Failed) and isinstance(events[-1].error, AuthenticationError)
    assert events[-1].error.status == 401


# -- model list --------------------------------------------------------------------


async def test_list_models_with_prices(server: FakeServer) -> None:
    async with client_for(server) as client:
        models = await client.list_models()
    ids = {m.id for m in models}
    assert MODEL in ids
    m = next(m for m in models if m.id == MODEL)
    assert m.input_price_per_m == pytest.approx(1.25)
    assert m.output_price_per_m == pytest.approx(2.5)
    assert server.fake.requests[-1].path == "/v1/language-models"


# -- cancellation ---------------------------------------------------------------------


async def test_cancelling_the_consumer_closes_the_response_promptly(server: FakeServer) -> None:
    server.fake.config.tokens_per_second = 20.0  # a slow stream
    client = client_for(server)
    first = asyncio.Event()

    async def consume() -> None:
        async for ev in client.stream(req("long answer scenario:markdown tokens:400")):
            if isinstance(ev, TextDelta):
                first.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first.wait(), 5)
    t0 = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - t0 < 0.5
    # the pooled connection was closed, not left streaming
    pool = client._http._transport._pool  # type: ignore[attr-defined]
    assert all(not c.is_available() or c.is_idle() for c in pool.connections)
    await client.aclose()
