from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from grok_tui.fake import FakeServer, FakeXAI, Pause
from grok_tui.fake.catalog import cost_ticks, resolve_model
from tests.fake.conftest import (
    AUTH,
    assert_responses_stream,
    chat_body,
    json_frames,
    make_fake,
    responses_body,
    sse_frames,
)

SEARCH_TOOLS = [
    {"type": "web_search", "allowed_domains": ["x.ai"]},
    {"type": "x_search", "allowed_x_handles": ["xai"]},
]


def _stream(client: httpx.Client, path: str, body: dict[str, Any]) -> httpx.Response:
    r = client.post(path, json=body)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/event-stream"
    return r


def _text(frames: list[dict[str, Any]]) -> str:
    return "".join(f["delta"] for f in frames if f["type"] == "response.output_text.delta")


@pytest.mark.parametrize("scenario", ["plain", "markdown", "reasoning", "image"])
def test_responses_text_scenarios(client: httpx.Client, scenario: str) -> None:
    r = _stream(client, "/responses", responses_body(f"scenario:{scenario} tokens:300"))
    assert r.content.endswith(b"\n\n")
    frames = json_frames(r.content)
    assert_responses_stream(frames, "response.completed")
    final = frames[-1]["response"]
    assert final["status"] == "completed"
    assert final["model"] == "grok-4-1-fast-reasoning"
    message = final["output"][-1]
    assert message["content"][0]["text"] == _text(frames)
    done = [f for f in frames if f["type"] == "response.output_text.done"]
    assert done[0]["text"] == _text(frames)
    usage = final["usage"]
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    if scenario == "reasoning":
        assert final["output"][0]["type"] == "reasoning"
        summary = "".join(
            f["delta"] for f in frames if f["type"] == "response.reasoning_summary_text.delta"
        )
        assert final["output"][0]["summary"][0]["text"] == summary
        assert usage["output_tokens_details"]["reasoning_tokens"] > 0


def test_markdown_has_llm_like_structure_and_length(fake: FakeXAI, client: httpx.Client) -> None:
    fake.config.markdown_tokens = 1500
    text = _text(
        json_frames(_stream(client, "/responses", responses_body("scenario:markdown")).content)
    )
    assert 1200 * 4 <= len(text) <= 1500 * 4
    assert text.startswith("# ")
    for needle in ("\n## ", "```python\n", "\n- ", "\n1. ", "| --- |".replace(" ", ""), "> "):
        assert needle in text, needle
    assert re.search(r"\[[^\]]+\]\(https://", text)
    assert text.count("```") % 2 == 0
    # Deterministic: same N, same text.
    again = _text(
        json_frames(_stream(client, "/responses", responses_body("scenario:markdown")).content)
    )
    assert again == text
    short = _text(
        json_frames(
            _stream(client, "/responses", responses_body("write long markdown tokens:200")).content
        )
    )
    assert len(short) <= 200 * 4 < len(text)


def test_markdown_code_blocks_are_10_to_30_lines() -> None:
    from grok_tui.fake.textgen import markdown_answer

    text = markdown_answer(8000)
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 2
    for b in blocks:
        assert 10 <= b.count("\n") <= 30


def test_search_matches_transcript_c_shape(client: httpx.Client) -> None:
    r = _stream(client, "/responses", responses_body("latest grok news", tools=SEARCH_TOOLS))
    frames = json_frames(r.content)
    assert_responses_stream(frames, "response.completed")
    final = frames[-1]["response"]
    types = [i["type"] for i in final["output"]]
    assert types[:2] == ["custom_tool_call", "web_search_call"]
    assert types[-1] == "message"
    x_call = final["output"][0]
    assert x_call["name"] == "x_keyword_search"
    assert json.loads(x_call["input"])["query"].startswith("from:xai ")
    ws = final["output"][1]
    assert ws["action"]["type"] == "search" and "site:x.ai" in ws["action"]["query"]
    assert all(s["url"].startswith("https://x.ai/") for s in ws["action"]["sources"])
    assert any(i.get("action", {}).get("type") == "open_page" for i in final["output"])
    # phases of the shape-B web_search_call, in order
    phases = [f["type"] for f in frames if f.get("item_id") == ws["id"]]
    assert phases == [
        "response.web_search_call.in_progress",
        "response.web_search_call.searching",
        "response.web_search_call.completed",
    ]
    # annotations: after all text deltas, before output_text.done, offsets point at markers
    kinds = [f["type"] for f in frames]
    last_delta = max(i for i, k in enumerate(kinds) if k == "response.output_text.delta")
    ann_idx = [i for i, k in enumerate(kinds) if k == "response.output_text.annotation.added"]
    assert ann_idx and min(ann_idx) > last_delta
    assert max(ann_idx) < kinds.index("response.output_text.done")
    text = _text(frames)
    positional = [
        frames[i]["annotation"] for i in ann_idx if "start_index" in frames[i]["annotation"]
    ]
    assert positional
    for a in positional:
        assert text[a["start_index"] : a["end_index"]] == f"[[{a['title']}]]({a['url']})"
    assert [frames[i]["annotation_index"] for i in ann_idx] == list(range(len(ann_idx)))
    usage = final["usage"]
    details = usage["server_side_tool_usage_details"]
    assert details["x_search_calls"] == 1 and details["web_search_calls"] == 2
    assert usage["num_server_side_tools_used"] == 3
    model = resolve_model("grok-4-1-fast-reasoning")
    assert model is not None
    assert usage["cost_in_usd_ticks"] == cost_ticks(
        model,
        input_tokens=usage["input_tokens"],
        cached_tokens=usage["input_tokens_details"]["cached_tokens"],
        output_tokens=usage["output_tokens"],
        billable_searches=3,
    )


def test_search_uses_only_enabled_tools_and_filters(client: httpx.Client) -> None:
    web_only = json_frames(
        _stream(
            client,
            "/responses",
            responses_body(
                "search the news",
                tools=[{"type": "web_search", "excluded_domains": ["x.ai", "docs.x.ai"]}],
            ),
        ).content
    )
    items = web_only[-1]["response"]["output"]
    assert {i["type"] for i in items} == {"web_search_call", "message"}
    urls = [
        s["url"]
        for i in items
        if i["type"] == "web_search_call"
        for s in i["action"].get("sources", [])
    ]
    assert urls and not any("//x.ai/" in u or "docs.x.ai" in u for u in urls)
    x_only = json_frames(
        _stream(
            client,
            "/responses",
            responses_body(
                "latest news",
                tools=[
                    {
                        "type": "x_search",
                        "excluded_x_handles": ["elonmusk"],
                        "from_date": "2025-11-01",
                        "to_date": "2025-11-30",
                        "enable_video_understanding": True,
                    }
                ],
            ),
        ).content
    )
    items = x_only[-1]["response"]["output"]
    assert "web_search_call" not in {i["type"] for i in items}
    names = [i["name"] for i in items if i["type"] == "custom_tool_call"]
    assert names == ["x_keyword_search", "view_x_video"]
    query = json.loads(items[0]["input"])["query"]
    assert "-from:elonmusk" in query and "since:2025-11-01" in query
    assert "until:2025-11-30" in query
    details = x_only[-1]["response"]["usage"]["server_side_tool_usage_details"]
    assert details["x_search_calls"] == 1  # view_x_video is token-billed only
    assert x_only[-1]["response"]["usage"]["num_server_side_tools_used"] == 2


def test_search_view_image_when_image_understanding(client: httpx.Client) -> None:
    frames = json_frames(
        _stream(
            client,
            "/responses",
            responses_body(
                "search today", tools=[{"type": "web_search", "enable_image_understanding": True}]
            ),
        ).content
    )
    names = [i.get("name") for i in frames[-1]["response"]["output"]]
    assert "view_image" in names


def test_search_without_inline_citations(client: httpx.Client) -> None:
    frames = json_frames(
        _stream(
            client,
            "/responses",
            responses_body("search news", tools=SEARCH_TOOLS, include=["no_inline_citations"]),
        ).content
    )
    text = _text(frames)
    assert "[[" not in text
    anns = [f["annotation"] for f in frames if f["type"] == "response.output_text.annotation.added"]
    assert anns and all(set(a) == {"type", "url"} for a in anns)


def test_search_shape_a(client: httpx.Client) -> None:
    frames = json_frames(
        _stream(
            client, "/responses", responses_body("scenario:search_shape_a", tools=SEARCH_TOOLS)
        ).content
    )
    assert_responses_stream(frames, "response.completed")
    assert not any("web_search_call." in f["type"] for f in frames)
    tools = [
        f
        for f in frames
        if f["type"].startswith("response.output_item.")
        and f["item"]["type"] in ("web_search_call", "x_search_call")
    ]
    assert [f["type"] for f in tools] == [
        "response.output_item.added",
        "response.output_item.done",
    ] * 2
    assert all(
        f["item"]["status"] == "completed"
        and f["item"]["call_id"] == ""
        and "arguments" in f["item"]
        for f in tools
    )
    assert tools[0]["item"]["name"] == "web_search"
    assert tools[2]["item"]["name"] == "x_semantic_search"
    assert "[[" not in _text(frames)
    usage = frames[-1]["response"]["usage"]
    assert "server_side_tool_usage_details" not in usage


def test_image_scenario_counts_parts(client: httpx.Client) -> None:
    img = {"type": "input_image", "image_url": "data:image/png;base64,AAAA"}
    body = responses_body(
        input=[
            {
                "role": "user",
                "content": [img, img, {"type": "input_text", "text": "what are these?"}],
            }
        ]
    )
    text = _text(json_frames(_stream(client, "/responses", body).content))
    assert "2 attached images" in text
    chat = chat_body(model="grok-4.3", stream=False)
    chat["messages"] = [
        {
            "role": "user",
            "content": [
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
                {"type": "text", "text": "describe"},
            ],
        }
    ]
    r = client.post("/chat/completions", json=chat)
    assert "1 attached image" in r.json()["choices"][0]["message"]["content"]
    assert r.json()["usage"]["prompt_tokens_details"]["image_tokens"] > 0


# ----- chat completions ----------------------------------------------------


def _chat_checks(frames_raw: list[str]) -> list[dict[str, Any]]:
    assert frames_raw[-1] == "[DONE]"
    frames = [json.loads(f) for f in frames_raw[:-1]]
    with_role = [f for f in frames if f["choices"] and "role" in f["choices"][0]["delta"]]
    non_empty = [f for f in frames if f["choices"] and f["choices"][0]["delta"]]
    assert with_role == [non_empty[0]]  # role once, on the first non-empty delta
    finishing = [f for f in frames if f["choices"] and "finish_reason" in f["choices"][0]]
    assert len(finishing) == 1 and finishing[0]["choices"][0] == {
        "index": 0,
        "delta": {},
        "finish_reason": "stop",
    }
    return frames


def test_chat_plain_matches_transcript_a_rules(client: httpx.Client) -> None:
    r = _stream(client, "/chat/completions", chat_body("hi"))
    frames = _chat_checks(sse_frames(r.content))
    assert frames[-1]["choices"] == [] and "usage" in frames[-1]
    assert list(frames[-1]) == [
        "id",
        "object",
        "created",
        "model",
        "choices",
        "usage",
        "system_fingerprint",
    ]
    assert all(f["model"] == "grok-4-fast-reasoning" for f in frames)
    usage = frames[-1]["usage"]
    reasoning = usage["completion_tokens_details"]["reasoning_tokens"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] + reasoning
    text = "".join(f["choices"][0]["delta"].get("content", "") for f in frames if f["choices"])
    assert "offline demo" in text


def test_chat_usage_only_with_include_usage(fake: FakeXAI, client: httpx.Client) -> None:
    body = chat_body("hi")
    del body["stream_options"]
    frames = _chat_checks(sse_frames(_stream(client, "/chat/completions", body).content))
    assert all("usage" not in f for f in frames)
    fake.config.usage_without_include = True
    frames = _chat_checks(sse_frames(_stream(client, "/chat/completions", body).content))
    assert "usage" in frames[-1]


def test_chat_visible_reasoning_before_content(client: httpx.Client) -> None:
    frames = _chat_checks(
        sse_frames(
            _stream(client, "/chat/completions", chat_body("hi", model="grok-3-mini")).content
        )
    )
    deltas = [f["choices"][0]["delta"] for f in frames if f["choices"]]
    kinds = ["r" if "reasoning_content" in d else "c" if "content" in d else "-" for d in deltas]
    joined = "".join(kinds).rstrip("-")
    assert re.fullmatch(r"r+c+", joined), joined


def test_chat_hidden_reasoning_sends_empty_deltas(client: httpx.Client) -> None:
    frames = _chat_checks(
        sse_frames(_stream(client, "/chat/completions", chat_body("think about it")).content)
    )
    empties = [f for f in frames if f["choices"] and f["choices"][0] == {"index": 0, "delta": {}}]
    assert len(empties) >= 3
    assert not any("reasoning_content" in f["choices"][0]["delta"] for f in frames if f["choices"])


def test_chat_grok_3_mini_high_echo(client: httpx.Client) -> None:
    r = client.post(
        "/chat/completions",
        json=chat_body("hi", model="grok-3-mini", reasoning_effort="high", stream=False),
    )
    body = r.json()
    assert body["model"] == "grok-3-mini-high"
    assert body["object"] == "chat.completion"
    msg = body["choices"][0]["message"]
    assert list(msg) == ["role", "content", "reasoning_content", "refusal"]
    assert body["choices"][0]["finish_reason"] == "stop"


def test_non_streaming_responses_body_is_final_response(
    client: httpx.Client, fake: FakeXAI
) -> None:
    r = client.post("/responses", json=responses_body("hi", stream=False))
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["object"] == "response" and body["status"] == "completed"
    streamed = json_frames(_stream(client, "/responses", responses_body("hi")).content)
    final = streamed[-1]["response"]
    assert json.dumps(body).replace(body["id"], "RID") == json.dumps(final).replace(
        final["id"], "RID"
    )


# ----- flags -----------------------------------------------------------------


def test_event_lines_and_done_trailer(fake: FakeXAI, client: httpx.Client) -> None:
    plain = _stream(client, "/responses", responses_body("hi")).content
    assert b"event:" not in plain and b"[DONE]" not in plain
    fake.config.emit_event_lines = True
    fake.config.emit_done_trailer = True
    body = _stream(client, "/responses", responses_body("hi")).content
    blocks = [b for b in body.decode().split("\n\n") if b]
    assert blocks[-1] == "data: [DONE]"
    for block in blocks[:-1]:
        event, data = block.split("\n")
        assert event == f"event: {json.loads(data[6:])['type']}"


# ----- faults ------------------------------------------------------------------


def test_error_event_transcript_d1(client: httpx.Client) -> None:
    frames = json_frames(
        _stream(client, "/responses", responses_body("scenario:error_event")).content
    )
    assert [f["sequence_number"] for f in frames] == list(range(len(frames)))
    assert frames[-1]["type"] == "error"
    assert list(frames[-1]) == ["sequence_number", "type", "code", "message", "param"]
    assert not any(f["type"] == "response.completed" for f in frames)
    assert _text(frames)


def test_response_failed(client: httpx.Client) -> None:
    frames = json_frames(
        _stream(client, "/responses", responses_body("scenario:response_failed")).content
    )
    assert frames[-1]["type"] == "response.failed"
    assert frames[-1]["response"]["error"] == {
        "code": "server_error",
        "message": "Internal server error",
    }


def test_drop_gives_incomplete_body(client: httpx.Client) -> None:
    for path, body in (
        ("/responses", responses_body("scenario:drop")),
        ("/chat/completions", chat_body("scenario:drop")),
    ):
        got = bytearray()
        with pytest.raises(httpx.RemoteProtocolError):
            with client.stream("POST", path, json=body) as r:
                for chunk in r.iter_raw():
                    got += chunk
        assert b"completed" not in got and b"[DONE]" not in got
        assert b"The " in got


def test_chat_error_nested_frame(client: httpx.Client) -> None:
    raw = sse_frames(
        _stream(client, "/chat/completions", chat_body("scenario:error_nested")).content
    )
    assert raw[-1] != "[DONE]"
    assert json.loads(raw[-1]) == {
        "error": {"message": "Internal server error", "type": "server_error", "code": None}
    }


@pytest.mark.parametrize(
    "path, body",
    [
        ("/responses", responses_body("scenario:malformed")),
        ("/chat/completions", chat_body("scenario:malformed")),
    ],
)
def test_malformed_mixes_garbage_into_a_good_stream(
    client: httpx.Client, path: str, body: dict[str, Any]
) -> None:
    raw = sse_frames(_stream(client, path, body).content)
    good, bad = [], []
    for f in raw:
        if f == "[DONE]":
            continue
        try:
            good.append(json.loads(f))
        except ValueError:
            bad.append(f)
    assert len(bad) == 2
    if path == "/responses":
        assert_responses_stream(good, "response.completed")
        assert any(f["type"] == "response.future_tool_call.progress" for f in good)
    else:
        assert raw[-1] == "[DONE]"


def test_unknown_events_stream_stays_valid(client: httpx.Client) -> None:
    frames = json_frames(
        _stream(client, "/responses", responses_body("scenario:unknown_events")).content
    )
    assert_responses_stream(frames, "response.completed")
    types = {f["type"] for f in frames}
    assert "response.rate_limits.updated" in types
    assert frames[-1]["response"]["output"][0]["type"] == "future_tool_call"


@pytest.mark.parametrize(
    "scenario, status, code_part",
    [
        ("error_401", 401, "authentication"),
        ("error_400_bad_key", 400, "invalid argument"),
        ("error_403", 403, "permission"),
        ("error_404", 404, "not been found"),
        ("error_410", 410, "not found"),
        ("error_422", 422, "invalid argument"),
        ("error_429_billing", 429, "exhausted"),
        ("error_429_capacity", 429, "exhausted"),
        ("error_500", 500, "Internal"),
        ("error_503", 503, "unavailable"),
    ],
)
def test_http_error_scenarios(
    client: httpx.Client, scenario: str, status: int, code_part: str
) -> None:
    r = client.post("/responses", json=responses_body(f"scenario:{scenario}"))
    assert r.status_code == status
    assert r.headers["content-type"] == "application/json"
    assert set(r.json()) == {"code", "error"}
    assert code_part in r.json()["code"]


def test_429_headers_switch(fake: FakeXAI, client: httpx.Client) -> None:
    r = client.post("/responses", json=responses_body("scenario:error_429"))
    assert r.status_code == 429
    assert r.headers["retry-after"] == "1"
    assert r.headers["x-ratelimit-remaining-tokens"] == "0"
    assert "Too many tokens" in r.json()["error"]
    r = client.post("/responses", json=responses_body("scenario:error_429_no_retry_after"))
    assert "retry-after" not in r.headers
    fake.config.rate_limit_headers = False
    r = client.post("/responses", json=responses_body("scenario:error_429"))
    assert "retry-after" not in r.headers and "x-ratelimit-limit-requests" not in r.headers
    billing = client.post("/chat/completions", json=chat_body("scenario:error_429_billing"))
    assert "used all available credits" in billing.json()["error"]


def test_200_json_error_instead_of_stream(client: httpx.Client) -> None:
    r = client.post("/chat/completions", json=chat_body("scenario:error_200_json"))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {
        "code": "The service is currently unavailable",
        "error": "Timed out waiting for first token",
    }


# ----- choosing ----------------------------------------------------------------


def test_queue_order_then_directive_then_heuristic(fake: FakeXAI, client: httpx.Client) -> None:
    fake.queue_scenarios(["error_429", "error_500", "plain"])
    assert client.post("/responses", json=responses_body("x")).status_code == 429
    assert client.post("/responses", json=responses_body("x")).status_code == 500
    r = client.post("/responses", json=responses_body("scenario:error_503"))
    assert r.status_code == 200  # queued "plain" wins over the directive
    assert fake.queued == []
    assert client.post("/responses", json=responses_body("scenario:error_503")).status_code == 503
    with pytest.raises(ValueError):
        fake.queue_scenarios(["nope"])


def test_the_last_directive_in_a_merged_user_message_wins(client: httpx.Client) -> None:
    """After a failed reply the TUI merges the unanswered user message into the
    next one (older text first): the newest directive chooses, and an unknown
    name (`scenario:auto`) chooses none, so an old fault does not repeat."""
    merged = "turn 19: scenario:drop\n\nturn 20: scenario:auto hello"
    frames = json_frames(_stream(client, "/responses", responses_body(merged)).content)
    assert_responses_stream(frames, "response.completed")
    merged = "a scenario:markdown tokens:900\n\nb scenario:markdown tokens:40"
    frames = json_frames(_stream(client, "/responses", responses_body(merged)).content)
    alone = json_frames(
        _stream(client, "/responses", responses_body("scenario:markdown tokens:40")).content
    )
    assert _text(frames) == _text(alone)
    merged = "turn 19: scenario:drop\n\nturn 20: scenario:error_503"
    assert client.post("/responses", json=responses_body(merged)).status_code == 503


def test_model_listing_leaves_a_queued_scenario_for_the_next_generation(
    fake: FakeXAI, client: httpx.Client
) -> None:
    """The TUI lists the models on its own in the background at start: that
    request must not use up a fault queued for the next turn."""
    fake.queue_scenarios(["error_500"])
    assert client.get("/models").status_code == 200
    assert client.get("/language-models").status_code == 200
    assert fake.queued == ["error_500"]
    r = client.post("/responses", json={"model": "grok-4.3", "input": "hi"})
    assert r.status_code == 500 and fake.queued == []


@pytest.mark.parametrize(
    "text, tools, kind",
    [
        ("what's the latest news", SEARCH_TOOLS, "custom_tool_call"),
        ("what's the latest news", None, "message"),
        ("please think about this", None, "reasoning"),
        ("write a long essay", None, "message"),
    ],
)
def test_heuristics(client: httpx.Client, text: str, tools: Any, kind: str) -> None:
    body = responses_body(text)
    if tools:
        body["tools"] = tools
    frames = json_frames(_stream(client, "/responses", body).content)
    assert frames[-1]["response"]["output"][0]["type"] == kind
    if "essay" in text:
        assert len(_text(frames)) > 4000


# ----- pacing and stalls -----------------------------------------------------------


def test_pacing_inserts_pauses_before_deltas() -> None:
    fake = make_fake(tokens_per_second=2.0)
    resp = fake.handle(
        "POST",
        "/v1/responses",
        {**AUTH, "content-type": "application/json"},
        json.dumps(responses_body("hi")).encode(),
    )
    items = list(resp.iter_body())
    pauses = [i for i, it in enumerate(items) if isinstance(it, Pause)]
    deltas = [
        i
        for i, it in enumerate(items)
        if isinstance(it, bytes) and b'"response.output_text.delta"' in it
    ]
    assert len(pauses) == len(deltas)
    assert all(items[d - 1] == Pause(0.5) for d in deltas)  # 4 chars = 1 token at 2 tok/s
    unpaced = make_fake().handle(
        "POST",
        "/v1/responses",
        {**AUTH, "content-type": "application/json"},
        json.dumps(responses_body("hi")).encode(),
    )
    assert not any(isinstance(i, Pause) for i in unpaced.iter_body())


def test_stall_ends_when_server_stops() -> None:
    fake = make_fake(stall_seconds=60.0)
    srv = FakeServer(fake).start()
    got = bytearray()
    client = httpx.Client(headers=AUTH, timeout=httpx.Timeout(10.0))
    try:
        with pytest.raises(httpx.HTTPError):
            with client.stream(
                "POST", srv.url + "/responses", json=responses_body("scenario:stall")
            ) as r:
                for chunk in r.iter_raw():
                    got += chunk
                    if got.count(b"output_text.delta") >= 2:
                        srv.stop()  # the stall must end now, not in 60 s
    finally:
        client.close()
        srv.stop()
    assert b"response.completed" not in got


def test_stall_structure(fake: FakeXAI) -> None:
    fake.config.stall_seconds = 12.5
    resp = fake.handle(
        "POST",
        "/v1/chat/completions",
        {**AUTH, "content-type": "application/json"},
        json.dumps(chat_body("scenario:stall")).encode(),
    )
    items = list(resp.iter_body())
    assert Pause(12.5) in items
    i = items.index(Pause(12.5))
    assert i >= 2 and items[-1] == b"data: [DONE]\n\n"


def test_stall_ends_when_the_client_disconnects(fake: FakeXAI, server: FakeServer) -> None:
    fake.config.stall_seconds = 60.0
    with httpx.Client(headers=AUTH) as client:
        with client.stream(
            "POST", server.url + "/responses", json=responses_body("scenario:stall")
        ) as r:
            got = bytearray()
            for chunk in r.iter_raw():
                got += chunk
                if got.count(b"output_text.delta") >= 2:
                    break
            assert server.active_streams == 1
    # The client closed the connection mid-stall: the server's writer ends now.
    assert server.wait_idle()
    assert server.active_streams == 0


def test_max_output_tokens_gives_response_incomplete(client: httpx.Client) -> None:
    frames = json_frames(
        _stream(
            client,
            "/responses",
            responses_body(
                "scenario:markdown", model="grok-4-1-fast-non-reasoning", max_output_tokens=50
            ),
        ).content
    )
    assert_responses_stream(frames, "response.incomplete")
    final = frames[-1]["response"]
    assert final["status"] == "incomplete"
    assert final["incomplete_details"] == {"reason": "max_output_tokens"}
    assert final["max_output_tokens"] == 50
    assert len(_text(frames)) <= 50 * 4
    nonstream = client.post(
        "/responses", json=responses_body("scenario:markdown", max_output_tokens=400, stream=False)
    ).json()
    assert nonstream["status"] == "incomplete"


def test_chat_max_completion_tokens_gives_finish_length(client: httpx.Client) -> None:
    raw = sse_frames(
        _stream(
            client, "/chat/completions", chat_body("write a long essay", max_completion_tokens=20)
        ).content
    )
    frames = [json.loads(f) for f in raw[:-1]]
    finishing = [
        f["choices"][0] for f in frames if f["choices"] and "finish_reason" in f["choices"][0]
    ]
    assert finishing == [{"index": 0, "delta": {}, "finish_reason": "length"}]
    assert frames[-1]["usage"]["completion_tokens"] == 20


def test_non_streaming_fault_variants(fake: FakeXAI, client: httpx.Client) -> None:
    body = chat_body("scenario:drop", stream=False)
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/chat/completions", json=body)
    r = client.post("/responses", json=responses_body("scenario:malformed", stream=False))
    assert r.status_code == 200
    with pytest.raises(ValueError):
        json.loads(r.content)
    r = client.post("/responses", json=responses_body("scenario:error_event", stream=False))
    assert r.status_code == 503
    items = list(
        fake.handle(
            "POST",
            "/v1/responses",
            {**AUTH, "content-type": "application/json"},
            json.dumps(responses_body("scenario:stall", stream=False)).encode(),
        ).iter_body()
    )
    assert items[0] == Pause(fake.config.stall_seconds)
    assert json.loads(items[1])["status"] == "completed"


@pytest.mark.parametrize("prompt", ["hello", "what is a monad?", "think about cats"])
def test_search_tools_always_give_a_searched_reply(client: httpx.Client, prompt: str) -> None:
    """Search on (web_search / x_search in the request): a searched reply with
    tool calls and cited sources, whatever the words of the prompt."""
    for tools in ([SEARCH_TOOLS[0]], [SEARCH_TOOLS[1]], SEARCH_TOOLS):
        frames = json_frames(
            _stream(client, "/responses", responses_body(prompt, tools=tools)).content
        )
        items = frames[-1]["response"]["output"]
        kinds = {i["type"] for i in items}
        assert kinds & {"web_search_call", "custom_tool_call"}, (prompt, tools, kinds)
        annotations = [
            a
            for i in items
            if i["type"] == "message"
            for c in i["content"]
            for a in c.get("annotations", [])
        ]
        assert annotations, (prompt, tools)


def test_search_words_without_tools_do_not_pretend(client: httpx.Client) -> None:
    frames = json_frames(
        _stream(client, "/responses", responses_body("search the latest news today")).content
    )
    items = frames[-1]["response"]["output"]
    assert {i["type"] for i in items} == {"message"}
    text = _text(frames)
    assert "search" not in text.lower() or "turn on web or x search" in text.lower()
