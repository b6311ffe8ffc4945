from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from grok_tui.fake import DEMO_API_KEY, FakeServer, FakeTransport, demo_fake
from tests.fake.conftest import AUTH, chat_body, make_fake, responses_body

ROOT = Path(__file__).resolve().parents[2]

CASES = [
    ("/v1/responses", responses_body("hello there")),
    ("/v1/responses", responses_body("scenario:markdown tokens:400")),
    (
        "/v1/responses",
        responses_body(
            "latest news",
            tools=[
                {"type": "web_search"},
                {"type": "x_search", "enable_video_understanding": True},
            ],
        ),
    ),
    ("/v1/chat/completions", chat_body("think", model="grok-3-mini")),
    ("/v1/responses", responses_body("scenario:error_429")),
    ("/v1/models", None),
]


async def _via_transport(path: str, body: dict[str, Any] | None) -> tuple[int, bytes]:
    transport = FakeTransport(make_fake())
    async with httpx.AsyncClient(
        transport=transport, base_url="http://fake", headers=AUTH
    ) as client:
        if body is None:
            r = await client.get(path)
        else:
            r = await client.post(path, json=body)
        return r.status_code, r.content


def _via_server(path: str, body: dict[str, Any] | None) -> tuple[int, bytes]:
    with FakeServer(make_fake()) as srv, httpx.Client(headers=AUTH) as client:
        url = srv.url.removesuffix("/v1") + path
        r = client.get(url) if body is None else client.post(url, json=body)
        return r.status_code, r.content


@pytest.mark.parametrize("path, body", CASES)
async def test_transport_gives_the_same_bytes_as_the_server(
    path: str, body: dict[str, Any] | None
) -> None:
    server_result = await asyncio.to_thread(_via_server, path, body)
    assert await _via_transport(path, body) == server_result


async def test_transport_drop_raises_remote_protocol_error() -> None:
    transport = FakeTransport(make_fake())
    async with httpx.AsyncClient(
        transport=transport, base_url="http://fake/v1", headers=AUTH
    ) as client:
        got = bytearray()
        with pytest.raises(httpx.RemoteProtocolError):
            async with client.stream(
                "POST", "/responses", json=responses_body("scenario:drop")
            ) as r:
                async for chunk in r.aiter_bytes():
                    got += chunk
        assert b"output_text.delta" in got and b"completed" not in got


async def test_transport_pauses_with_asyncio_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    real_sleep = asyncio.sleep

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    transport = FakeTransport(make_fake(tokens_per_second=4.0))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://fake/v1", headers=AUTH
    ) as client:
        r = await client.post("/chat/completions", json=chat_body("hello"))
    deltas = [line for line in r.text.split("\n\n") if '"content"' in line]
    assert [s for s in slept if s > 0] == [0.25] * len(deltas)


async def test_stall_via_transport_can_be_cancelled() -> None:
    transport = FakeTransport(make_fake(stall_seconds=60.0))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://fake/v1", headers=AUTH
    ) as client:
        frames: list[bytes] = []
        stalled = asyncio.Event()

        async def consume() -> None:
            async with client.stream(
                "POST", "/responses", json=responses_body("scenario:stall")
            ) as r:
                async for chunk in r.aiter_bytes():
                    frames.append(chunk)
                    if sum(b"output_text.delta" in f for f in frames) == 2:
                        stalled.set()

        task = asyncio.create_task(consume())
        await asyncio.wait_for(stalled.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not any(b"response.completed" in f for f in frames)


async def test_demo_fake_accepts_demo_key_only() -> None:
    fake = demo_fake()
    assert fake.config.api_key == DEMO_API_KEY
    assert fake.config.tokens_per_second == 120.0
    fake.config.tokens_per_second = None
    async with httpx.AsyncClient(
        transport=FakeTransport(fake), base_url="https://api.x.ai/v1"
    ) as client:
        ok = await client.post(
            "/responses",
            json=responses_body("hi"),
            headers={"authorization": f"Bearer {DEMO_API_KEY}"},
        )
        bad = await client.post("/responses", json=responses_body("hi"), headers=AUTH)
    assert ok.status_code == 200 and b"response.completed" in ok.content
    assert bad.status_code == 400


def test_cli_serves_and_stops() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "grok_tui.fake",
            "--port",
            "0",
            "--key",
            "xai-cli-key",
            "--event-lines",
            "--done-trailer",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("grok-tui fake xAI server on http://127.0.0.1:")
        assert "(key: xa***ey)" in line and "xai-cli-key" not in line
        url = line.split(" on ", 1)[1].split(" ", 1)[0]
        r = httpx.post(
            url + "/responses",
            json=responses_body("hi"),
            headers={"authorization": "Bearer xai-cli-key"},
        )
        assert r.content.startswith(b"event: response.created\ndata: ")
        assert r.content.endswith(b"data: [DONE]\n\n")
        assert json.loads(r.content.split(b"\n")[1][6:])["sequence_number"] == 0
    finally:
        proc.terminate()
        assert proc.wait(timeout=5) == 0
