"""The fake's SSE comment keep-alives (`keepalive_seconds`, the `keepalive`
scenario) and its `ignore_stream` switch (a whole JSON body for a streaming
request)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from grok_tui.fake import SCENARIOS, STREAM_SCENARIOS, FakeServer, FakeXAI, Pause
from grok_tui.fake.stream_scenarios import KEEPALIVE_SCENARIO_COMMENTS
from grok_tui.fake.wire import KEEPALIVE_COMMENT, BodyItem, with_keepalives
from tests.fake.conftest import (
    AUTH,
    assert_responses_stream,
    chat_body,
    json_frames,
    make_fake,
    responses_body,
)

C = KEEPALIVE_COMMENT
HEADERS = {**AUTH, "content-type": "application/json"}


def _items(fake: FakeXAI, path: str, body: dict[str, Any]) -> list[BodyItem]:
    resp = fake.handle("POST", path, HEADERS, json.dumps(body).encode())
    assert resp.status == 200
    return list(resp.iter_body())


def _data_index(items: list[BodyItem]) -> int:
    return next(i for i, it in enumerate(items) if isinstance(it, bytes) and b"data:" in it)


def test_comment_frame_is_an_sse_comment() -> None:
    assert C == b": keep-alive\n\n"
    assert "keepalive" in STREAM_SCENARIOS and "keepalive" in SCENARIOS


def test_with_keepalives_cuts_long_pauses_only() -> None:
    items: list[BodyItem] = [b"a", Pause(1.0), b"b", Pause(0.1), Pause(0.25), b"c"]
    assert list(with_keepalives(items, 0.25)) == [
        b"a",
        Pause(0.25),
        C,
        Pause(0.25),
        C,
        Pause(0.25),
        C,
        Pause(0.25),
        C,
        b"b",
        Pause(0.1),
        Pause(0.25),
        C,
        b"c",
    ]
    out = list(with_keepalives([Pause(0.7)], 0.5))
    assert out[:2] == [Pause(0.5), C]
    assert len(out) == 3 and isinstance(out[2], Pause)
    assert out[2].seconds == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/responses", responses_body("scenario:keepalive")),
        ("/v1/chat/completions", chat_body("scenario:keepalive")),
    ],
)
def test_keepalive_scenario_sends_comments_then_a_normal_reply(
    path: str, body: dict[str, Any]
) -> None:
    items = _items(make_fake(), path, body)
    n = KEEPALIVE_SCENARIO_COMMENTS
    assert n == 3
    assert items[:n] == [C] * n
    assert C not in items[n:]
    raw = b"".join(i for i in items if isinstance(i, bytes))
    if path == "/v1/responses":
        frames = json_frames(raw)
        assert_responses_stream(frames, "response.completed")
        assert frames[-1]["response"]["output"][-1]["content"][0]["text"]
    else:
        assert raw.endswith(b"data: [DONE]\n\n")
        assert any(
            f["choices"] and f["choices"][0]["delta"].get("content") for f in json_frames(raw)
        )


def test_keepalive_scenario_paces_its_comments() -> None:
    items = _items(
        make_fake(keepalive_seconds=0.5), "/v1/responses", responses_body("scenario:keepalive")
    )
    assert items[:6] == [Pause(0.5), C] * 3
    head = items[6]
    assert isinstance(head, bytes) and b"response.created" in head


def test_keepalive_scenario_without_streaming_is_plain_json() -> None:
    fake = make_fake(keepalive_seconds=0.5)
    resp = fake.handle(
        "POST",
        "/v1/responses",
        HEADERS,
        json.dumps(responses_body("scenario:keepalive", stream=False)).encode(),
    )
    assert resp.headers["content-type"] == "application/json"
    assert json.loads(resp.read_all()[0])["status"] == "completed"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/responses", responses_body("scenario:stall")),
        ("/v1/chat/completions", chat_body("scenario:stall")),
    ],
)
def test_stall_is_filled_with_comments(path: str, body: dict[str, Any]) -> None:
    fake = make_fake(keepalive_seconds=2.0, stall_seconds=7.0)
    items = _items(fake, path, body)
    first = items.index(Pause(2.0))
    assert first > _data_index(items)  # the stall is inside the stream
    assert items[first : first + 7] == [Pause(2.0), C, Pause(2.0), C, Pause(2.0), C, Pause(1.0)]
    assert items.count(C) == 3
    assert sum(i.seconds for i in items if isinstance(i, Pause)) == pytest.approx(7.0)


def test_no_comments_unless_asked() -> None:
    items = _items(make_fake(stall_seconds=7.0), "/v1/responses", responses_body("scenario:stall"))
    assert C not in items and Pause(7.0) in items


def test_paced_stream_comments_only_in_long_pauses() -> None:
    # 2 tokens/s: each 4-char delta waits 0.5 s; keep-alives every 0.4 s.
    fake = make_fake(tokens_per_second=2.0, keepalive_seconds=0.4)
    items = _items(fake, "/v1/chat/completions", chat_body("hi"))
    deltas = sum(isinstance(i, bytes) and b'"content"' in i for i in items)
    assert items.count(C) >= deltas > 0
    assert max(i.seconds for i in items if isinstance(i, Pause)) <= 0.4


def test_comments_reach_the_wire_before_the_first_frame(fake: FakeXAI, server: FakeServer) -> None:
    fake.config.keepalive_seconds = 0.01
    with httpx.Client(headers=AUTH, timeout=10) as client:
        with client.stream(
            "POST", server.url + "/responses", json=responses_body("scenario:keepalive")
        ) as r:
            assert r.headers["content-type"] == "text/event-stream"
            body = r.read()
    lines = body.decode().split("\n")
    assert lines[:6] == [": keep-alive", "", ": keep-alive", "", ": keep-alive", ""]
    assert lines[6].startswith("data: ")
    assert_responses_stream(json_frames(body), "response.completed")


# ----- ignore_stream ---------------------------------------------------------------


def test_ignore_stream_answers_a_streaming_request_with_json(
    fake: FakeXAI, client: httpx.Client
) -> None:
    fake.config.ignore_stream = True
    r = client.post("/responses", json=responses_body("scenario:markdown tokens:300"))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert int(r.headers["content-length"]) == len(r.content)
    final = r.json()
    assert final["object"] == "response" and final["status"] == "completed"
    text = final["output"][-1]["content"][0]["text"]
    assert len(text) > 300
    r = client.post("/chat/completions", json=chat_body("hello"))
    assert r.headers["content-type"] == "application/json"
    assert r.json()["choices"][0]["message"]["content"]


def test_ignore_stream_search_turn_is_json(fake: FakeXAI, client: httpx.Client) -> None:
    fake.config.ignore_stream = True
    r = client.post(
        "/responses", json=responses_body("search the latest news", tools=[{"type": "web_search"}])
    )
    assert r.headers["content-type"] == "application/json"
    assert r.json()["status"] == "completed"


def test_without_ignore_stream_a_streaming_request_streams(client: httpx.Client) -> None:
    r = client.post("/responses", json=responses_body("hello"))
    assert r.headers["content-type"] == "text/event-stream"
