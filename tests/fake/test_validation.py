from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fake.conftest import chat_body, responses_body


def _post(client: httpx.Client, path: str, body: dict[str, Any]) -> httpx.Response:
    return client.post(path, json=body)


def test_search_parameters_is_410(client: httpx.Client) -> None:
    r = _post(client, "/chat/completions", chat_body(search_parameters={"mode": "auto"}))
    assert r.status_code == 410
    assert r.json()["error"].startswith("Live search is deprecated.")
    r = _post(client, "/responses", responses_body(search_parameters={"mode": "on"}))
    assert r.status_code == 410


@pytest.mark.parametrize(
    "tool, status",
    [
        ({"type": "web_search", "allowed_domains": [f"d{i}.com" for i in range(5)]}, 200),
        ({"type": "web_search", "allowed_domains": [f"d{i}.com" for i in range(6)]}, 400),
        ({"type": "web_search", "excluded_domains": [f"d{i}.com" for i in range(6)]}, 400),
        ({"type": "web_search", "allowed_domains": ["a.com"], "excluded_domains": ["b.com"]}, 400),
        ({"type": "web_search", "filters": {"allowed_domains": ["x.ai"]}}, 200),
        (
            {"type": "web_search", "filters": {"allowed_domains": [f"d{i}.com" for i in range(6)]}},
            400,
        ),
        (
            {
                "type": "web_search",
                "filters": {"allowed_domains": ["a.com"], "excluded_domains": ["b.com"]},
            },
            400,
        ),
        ({"type": "x_search", "allowed_x_handles": [f"h{i}" for i in range(10)]}, 200),
        ({"type": "x_search", "allowed_x_handles": [f"h{i}" for i in range(11)]}, 400),
        ({"type": "x_search", "excluded_x_handles": [f"h{i}" for i in range(11)]}, 400),
        ({"type": "x_search", "allowed_x_handles": ["a"], "excluded_x_handles": ["b"]}, 400),
        ({"type": "x_search", "from_date": "2025-11-01", "to_date": "2025-12-01"}, 200),
        ({"type": "x_search", "from_date": "2025/11/01"}, 400),
        ({"type": "x_search", "to_date": "01-12-2025"}, 400),
        ({"type": "x_search", "from_date": "2025-02-30"}, 400),
        ({"type": "x_search", "from_date": "2025-12-02", "to_date": "2025-12-01"}, 400),
    ],
)
def test_search_tool_filters(client: httpx.Client, tool: dict[str, Any], status: int) -> None:
    r = _post(client, "/responses", responses_body(stream=False, tools=[tool]))
    assert r.status_code == status, r.text
    if status == 400:
        assert r.json()["code"] == "Client specified an invalid argument"
        assert r.json()["error"].startswith("Invalid request content:")


@pytest.mark.parametrize("model", ["grok-4-1-fast-reasoning", "grok-4-0709", "grok-4"])
def test_reasoning_effort_rejected_on_some_models(client: httpx.Client, model: str) -> None:
    r = _post(client, "/chat/completions", chat_body(model=model, reasoning_effort="high"))
    assert r.status_code == 400
    r = _post(client, "/responses", responses_body(model=model, reasoning={"effort": "low"}))
    assert r.status_code == 400
    assert "reasoningEffort" in r.json()["error"]


def test_reasoning_effort_accepted_where_supported(client: httpx.Client) -> None:
    r = _post(
        client,
        "/responses",
        responses_body(model="grok-4.3", reasoning={"effort": "high"}, stream=False),
    )
    assert r.status_code == 200
    assert r.json()["reasoning"]["effort"] == "high"
    # xhigh only on grok-4.6 (and multi-agent)
    bad = _post(
        client, "/responses", responses_body(model="grok-4.3", reasoning={"effort": "xhigh"})
    )
    assert bad.status_code == 400
    good = _post(
        client,
        "/responses",
        responses_body(model="grok-4.6", stream=False, reasoning={"effort": "xhigh"}),
    )
    assert good.status_code == 200


def test_penalties_rejected_on_reasoning_models(client: httpx.Client) -> None:
    r = _post(client, "/chat/completions", chat_body(presence_penalty=0.5))
    assert r.status_code == 400
    assert r.json()["error"] == "Argument not supported on this model: presencePenalty"
    ok = _post(
        client,
        "/chat/completions",
        chat_body(model="grok-4-1-fast-non-reasoning", presence_penalty=0.5),
    )
    assert ok.status_code == 200


def test_unknown_model_is_404(client: httpx.Client) -> None:
    r = _post(client, "/responses", responses_body(model="grok-9"))
    assert r.status_code == 404
    assert r.json()["error"] == "The model grok-9 does not exist."


@pytest.mark.parametrize(
    "path, body",
    [
        ("/responses", {"input": "hi"}),
        ("/responses", {"model": "grok-4.3"}),
        ("/chat/completions", {"model": "grok-4.3"}),
        ("/chat/completions", {"model": 3, "messages": []}),
        ("/responses", {"model": "grok-4.3", "input": 5}),
    ],
)
def test_missing_or_bad_required_fields_is_422(
    client: httpx.Client, path: str, body: dict[str, Any]
) -> None:
    r = _post(client, path, body)
    assert r.status_code == 422
    assert "Failed to deserialize the JSON body" in r.json()["error"]


def test_invalid_json_is_422(client: httpx.Client) -> None:
    r = client.post(
        "/responses", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422


def test_empty_body_or_wrong_content_type_is_415(client: httpx.Client) -> None:
    r = client.post("/responses", content=b"", headers={"content-type": "application/json"})
    assert r.status_code == 415
    r = client.post(
        "/responses",
        content=b'{"model":"grok-4.3","input":"hi"}',
        headers={"content-type": "text/plain"},
    )
    assert r.status_code == 415


def test_empty_message_content_is_400(client: httpx.Client) -> None:
    body = chat_body()
    body["messages"] = [{"role": "user", "content": ""}]
    r = _post(client, "/chat/completions", body)
    assert r.status_code == 400
    assert "at least one content element" in r.json()["error"]


def test_images_rejected_on_text_only_model(client: httpx.Client) -> None:
    body = chat_body(model="grok-3-mini")
    body["messages"] = [
        {
            "role": "user",
            "content": [
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
                {"type": "text", "text": "what is this"},
            ],
        }
    ]
    assert _post(client, "/chat/completions", body).status_code == 400


def test_scenario_directive_wins_over_validation(client: httpx.Client) -> None:
    # The brief's order: queued, then scenario:NAME, then validation faults.
    r = _post(
        client,
        "/chat/completions",
        chat_body("scenario:plain", search_parameters={"mode": "on"}, stream=False),
    )
    assert r.status_code == 200
