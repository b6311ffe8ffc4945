from __future__ import annotations

from collections.abc import Iterator

import pytest

from grok_tui.fake import FakeConfig, FakeServer, FakeXAI

FAKE_KEY = "xai-fake-key-for-tests-0001"


@pytest.fixture(scope="module")
def _server() -> Iterator[FakeServer]:
    with FakeServer(FakeXAI(FakeConfig(api_key=FAKE_KEY))) as server:
        yield server


@pytest.fixture()
def server(_server: FakeServer) -> FakeServer:
    """A running loopback fake, reset (requests, queue, config) for each test."""
    _server.fake.reset()
    _server.fake.config = FakeConfig(api_key=FAKE_KEY)
    return _server
