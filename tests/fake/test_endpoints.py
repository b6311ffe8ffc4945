from __future__ import annotations

import httpx

from grok_tui.fake import MODELS, FakeServer, FakeXAI
from tests.fake.conftest import AUTH


def test_models_minimal_list(client: httpx.Client) -> None:
    r = client.get("/models")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["object"] == "list"
    ids = [m["id"] for m in body["data"]]
    assert "grok-4.3" in ids and "grok-3-mini" in ids and "grok-code-fast-1" in ids
    assert set(body["data"][0]) == {"id", "created", "object", "owned_by"}


def test_language_models_prices_in_wire_units(client: httpx.Client) -> None:
    models = {m["id"]: m for m in client.get("/language-models").json()["models"]}
    m = models["grok-4-1-fast-reasoning"]
    # $0.20 / $0.05 / $0.50 per 1M tokens == cents per 100M tokens x 10_000
    assert m["prompt_text_token_price"] == 2000
    assert m["cached_prompt_text_token_price"] == 500
    assert m["completion_text_token_price"] == 5000
    assert "grok-4-1-fast" in m["aliases"]
    assert models["grok-4.3"]["prompt_text_token_price"] == 12500
    assert models["grok-3-mini"]["input_modalities"] == ["text"]
    assert models["grok-4.3"]["input_modalities"] == ["text", "image"]


def test_single_model_endpoints_resolve_aliases(client: httpx.Client) -> None:
    assert client.get("/models/grok-4-fast").json()["id"] == "grok-4-fast-reasoning"
    lm = client.get("/language-models/grok-4.20").json()
    assert lm["id"] == "grok-4.20-0309-reasoning"
    assert "completion_text_token_price" in lm


def test_unknown_model_id_is_404(client: httpx.Client) -> None:
    r = client.get("/models/grok-9")
    assert r.status_code == 404
    assert r.json() == {
        "code": "Some resource has not been found",
        "error": "The model grok-9 does not exist.",
    }


def test_unknown_route_is_404_with_spec_text(client: httpx.Client) -> None:
    r = client.get("/nope")
    assert r.status_code == 404
    assert r.json()["code"] == "Some requested entity was not found"
    assert r.json()["error"].startswith("No handler found on route.")


def test_wrong_method_is_405(client: httpx.Client) -> None:
    assert client.get("/responses").status_code == 405
    assert client.post("/models", json={}).status_code == 405


def test_missing_bearer_is_401(server: FakeServer) -> None:
    r = httpx.get(server.url + "/models")
    assert r.status_code == 401
    assert r.json() == {
        "code": "The request does not have valid authentication credentials",
        "error": "No credentials presented.",
    }


def test_wrong_key_is_400_with_masked_key(server: FakeServer) -> None:
    r = httpx.post(
        server.url + "/responses",
        headers={"authorization": "Bearer xai-wrong-key"},
        json={"model": "grok-4.3", "input": "hi"},
    )
    assert r.status_code == 400
    assert r.json() == {
        "code": "Client specified an invalid argument",
        "error": "Incorrect API key provided: xa***ey. You can obtain an API key from "
        "https://console.x.ai.",
    }


def test_recorded_requests_mask_the_key(fake: FakeXAI, client: httpx.Client) -> None:
    client.post("/responses", json={"model": "grok-4.3", "input": "hi"})
    client.get("/models", headers={"authorization": "Bearer xai-other-secret"})
    first, second = fake.requests
    assert first.method == "POST" and first.path == "/v1/responses"
    assert first.json == {"model": "grok-4.3", "input": "hi"}
    assert first.headers["authorization"] == "Bearer xa***ey"
    assert first.auth_ok is True
    assert second.auth_ok is False
    assert "secret" not in repr(fake.requests)
    fake.reset()
    assert fake.requests == []


def test_catalog_has_the_brief_models() -> None:
    ids = {m.id for m in MODELS}
    assert {
        "grok-4.3",
        "grok-4.20-0309-reasoning",
        "grok-4.20-0309-non-reasoning",
        "grok-4.20-multi-agent-0309",
        "grok-4-1-fast-reasoning",
        "grok-4-1-fast-non-reasoning",
        "grok-4-fast-reasoning",
        "grok-3-mini",
        "grok-code-fast-1",
        "grok-4.6",
    } <= ids


def test_server_url_and_restart() -> None:
    srv = FakeServer(FakeXAI())
    srv.start()
    try:
        assert srv.url.startswith("http://127.0.0.1:") and srv.url.endswith("/v1")
        assert httpx.get(srv.url + "/models", headers=AUTH).status_code == 200
    finally:
        srv.stop()
    srv.stop()  # idempotent


def test_fake_never_imports_the_api_package() -> None:
    import ast
    from pathlib import Path

    import grok_tui.fake

    pkg = Path(grok_tui.fake.__file__).parent
    for path in pkg.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith("grok_tui.api"), f"{path.name} imports {name}"


def test_concurrent_requests_are_all_recorded_with_unique_ids(
    fake: FakeXAI, client: httpx.Client, server: FakeServer
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def one(i: int) -> str:
        with httpx.Client(headers=AUTH) as c:
            r = c.post(server.url + "/responses", json={"model": "grok-4.3", "input": f"hi {i}"})
            return str(r.json()["id"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(one, range(16)))
    assert len(set(ids)) == 16
    assert len(fake.requests) == 16
