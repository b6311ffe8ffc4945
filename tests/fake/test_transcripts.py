"""The fake's streams compared structurally with the transcripts of
xai-wire.md §8 (stored verbatim in tests/fake/data): same event types in the
same order (runs of repeated deltas collapsed) and the same key order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fake.conftest import chat_body, json_frames, responses_body, sse_frames

DATA = Path(__file__).parent / "data"


def _load(name: str) -> list[str]:
    return sse_frames((DATA / f"{name}.sse").read_bytes())


def _collapse(seq: list[str]) -> list[str]:
    out: list[str] = []
    for s in seq:
        if not out or out[-1] != s:
            out.append(s)
    return out


def _chat_kind(raw: str) -> str:
    if raw == "[DONE]":
        return "DONE"
    f = json.loads(raw)
    if not f["choices"]:
        return "usage"
    c = f["choices"][0]
    if "finish_reason" in c:
        return "finish"
    return "+".join(sorted(c["delta"])) or "empty"


def _shapes(frames: list[dict[str, Any]]) -> dict[str, list[list[str]]]:
    """Per event type: its key order, and the key order of its item/part."""
    out: dict[str, list[list[str]]] = {}
    for f in frames:
        t = f["type"]
        if "item" in f:
            t += ":" + f["item"]["type"]
        if t in out:
            continue
        shape = [list(f)]
        for k in ("item", "part", "annotation"):
            if isinstance(f.get(k), dict):
                shape.append(list(f[k]))
        if isinstance(f.get("response"), dict):
            shape.append([k for k in f["response"]])
        out[t] = shape
    return out


def _types(frames: list[dict[str, Any]]) -> list[str]:
    return _collapse([f["type"] for f in frames])


@pytest.mark.parametrize(
    "name, body",
    [
        ("A_chat_plain", chat_body("Olá")),
        ("B1_chat_reasoning", chat_body("Say a single word.", model="grok-3-mini")),
    ],
)
def test_chat_transcripts(client: httpx.Client, name: str, body: dict[str, Any]) -> None:
    spec = _load(name)
    ours = sse_frames(client.post("/chat/completions", json=body).content)
    assert _collapse([_chat_kind(f) for f in ours]) == _collapse([_chat_kind(f) for f in spec])
    spec_keys = {_chat_kind(f): list(json.loads(f)) for f in spec if f != "[DONE]"}
    our_keys = {_chat_kind(f): list(json.loads(f)) for f in ours if f != "[DONE]"}
    assert our_keys == spec_keys
    spec_usage = json.loads(spec[-2])["usage"]
    our_usage = json.loads(ours[-2])["usage"]
    assert list(our_usage) == list(spec_usage)
    for k in ("prompt_tokens_details", "completion_tokens_details"):
        assert list(our_usage[k]) == list(spec_usage[k])


def test_b2_responses_reasoning(client: httpx.Client) -> None:
    spec = [json.loads(f) for f in _load("B2_responses_reasoning")]
    ours = json_frames(
        client.post("/responses", json=responses_body("hello", model="grok-code-fast-1")).content
    )
    assert _types(ours) == _types(spec)
    spec_shapes, our_shapes = _shapes(spec), _shapes(ours)
    # B2's usage predates cost_in_usd_ticks; compare everything else exactly.
    spec_shapes.pop("response.completed")
    completed = our_shapes.pop("response.completed")
    assert our_shapes == spec_shapes
    assert completed[1] == [k for k in spec[-1]["response"]]


def test_c_responses_search(client: httpx.Client) -> None:
    spec = [json.loads(f) for f in _load("C_responses_search")]
    body = responses_body(
        "xAI Grok 4.1 Fast news",
        tools=[
            {"type": "web_search", "allowed_domains": ["x.ai"]},
            {"type": "x_search", "allowed_x_handles": ["xai"]},
        ],
    )
    ours = json_frames(client.post("/responses", json=body).content)
    # Our turn adds a browse_page-style open_page call after the search; drop
    # its frames for the comparison with the capture.
    browse = {
        f["item"]["id"]
        for f in ours
        if f["type"] == "response.output_item.added"
        and f["item"].get("action", {}).get("type") == "open_page"
    }
    assert len(browse) == 1
    filtered = [
        f
        for f in ours
        if f.get("item_id") not in browse and f.get("item", {}).get("id") not in browse
    ]
    assert _types(filtered) == _types(spec)
    assert _shapes(filtered) == _shapes(spec)
    assert list(ours[-1]["response"]["usage"]) == list(spec[-1]["response"]["usage"])
    assert ours[-1]["response"]["tools"] == spec[-1]["response"]["tools"]


def test_d1_error_event(client: httpx.Client) -> None:
    spec = [json.loads(f) for f in _load("D1_responses_error")]
    ours = json_frames(
        client.post(
            "/responses",
            json=responses_body("scenario:error_event", model="grok-4-1-fast-non-reasoning"),
        ).content
    )
    assert _types(ours) == _types(spec)
    assert _shapes(ours) == _shapes(spec)
    assert ours[-1]["message"] == spec[-1]["message"]
    assert ours[0]["response"]["model"] == spec[0]["response"]["model"]


def test_transcript_a_cost_formula_matches_capture() -> None:
    """Our cost formula reproduces the captured cost_in_usd_ticks of A and C."""
    from grok_tui.fake.catalog import cost_ticks, resolve_model

    fast = resolve_model("grok-4-fast")
    assert fast is not None
    a = json.loads(_load("A_chat_plain")[-2])["usage"]
    assert (
        cost_ticks(
            fast,
            input_tokens=a["prompt_tokens"],
            cached_tokens=a["prompt_tokens_details"]["cached_tokens"],
            output_tokens=a["completion_tokens"]
            + a["completion_tokens_details"]["reasoning_tokens"],
        )
        == a["cost_in_usd_ticks"]
    )
    c = json.loads(_load("C_responses_search")[-1])["response"]["usage"]
    fast41 = resolve_model("grok-4-1-fast-reasoning")
    assert fast41 is not None
    assert (
        cost_ticks(
            fast41,
            input_tokens=c["input_tokens"],
            cached_tokens=c["input_tokens_details"]["cached_tokens"],
            output_tokens=c["output_tokens"],
            billable_searches=2,
        )
        == c["cost_in_usd_ticks"]
    )
