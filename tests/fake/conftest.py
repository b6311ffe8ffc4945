from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from grok_tui.fake import FakeConfig, FakeServer, FakeXAI

KEY = "xai-test-key"
AUTH = {"authorization": f"Bearer {KEY}"}
FIXED_NOW = 1764611504


def make_fake(**config: Any) -> FakeXAI:
    return FakeXAI(FakeConfig(**config), clock=lambda: FIXED_NOW)


@pytest.fixture(scope="session")
def _shared() -> Iterator[tuple[FakeXAI, FakeServer]]:
    # One loopback server for the whole session (starting one per test costs
    # more than the test); `fake` resets its state before each test.
    shared = make_fake()
    with FakeServer(shared) as srv:
        yield shared, srv


@pytest.fixture
def fake(_shared: tuple[FakeXAI, FakeServer]) -> FakeXAI:
    shared, srv = _shared
    assert srv.wait_idle()
    shared.reset()
    shared.config = FakeConfig()
    return shared


@pytest.fixture
def server(fake: FakeXAI, _shared: tuple[FakeXAI, FakeServer]) -> FakeServer:
    return _shared[1]


@pytest.fixture(scope="session")
def _shared_client(_shared: tuple[FakeXAI, FakeServer]) -> Iterator[httpx.Client]:
    # httpx.Client() builds an SSL context: noticeable per test, so share it.
    with httpx.Client(base_url=_shared[1].url, headers=AUTH, timeout=10) as c:
        yield c


@pytest.fixture
def client(server: FakeServer, _shared_client: httpx.Client) -> httpx.Client:
    return _shared_client


def sse_frames(body: bytes) -> list[str]:
    """The `data:` payloads of an SSE body, in order (raw strings)."""
    out: list[str] = []
    for block in body.decode("utf-8").split("\n\n"):
        for line in block.split("\n"):
            if line.startswith("data: "):
                out.append(line[len("data: ") :])
    return out


def json_frames(body: bytes) -> list[dict[str, Any]]:
    return [json.loads(f) for f in sse_frames(body) if f != "[DONE]"]


def responses_body(text: str = "hello", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"model": "grok-4-1-fast-reasoning", "input": text, "stream": True}
    body.update(extra)
    return body


def chat_body(text: str = "hello", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": "grok-4-fast",
        "messages": [{"role": "user", "content": text}],
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    body.update(extra)
    return body


def assert_responses_stream(frames: list[dict[str, Any]], terminal: str) -> None:
    assert [f["sequence_number"] for f in frames] == list(range(len(frames)))
    assert all(next(iter(f)) == "sequence_number" for f in frames)
    assert frames[0]["type"] == "response.created"
    assert frames[1]["type"] == "response.in_progress"
    assert frames[-1]["type"] == terminal
    assert sum(f["type"] == terminal for f in frames) == 1
