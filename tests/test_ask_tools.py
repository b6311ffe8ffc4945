"""`grok-tui ask` with code execution, MCP servers (from config.toml) and
collections: the exact tools the fake records for each flag, refusals with exit
2 before any request, the tool lines and `--json` events, and the MCP token
never printed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from grok_tui.fake import FakeServer
from tests.test_ask import _server, ask, env, posts, server  # noqa: F401 - fixtures

TOKEN = "mcp-token-s3cr3t-0123456789"


def write_config(env: dict[str, str], text: str) -> Path:
    folder = Path(env["GROK_TUI_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


MCP_CONFIG = f"""
[[mcp]]
label = "deepwiki"
url = "https://mcp.deepwiki.com/mcp"
description = "Wiki of GitHub repos"
allowed_tools = ["read_wiki_structure", "ask_question"]
token = "{TOKEN}"

[[mcp]]
label = "linear"
url = "https://mcp.linear.app/sse"
token_env = "LINEAR_MCP_TOKEN"
"""


@pytest.mark.parametrize(
    ("flags", "tools"),
    [
        (["--code-execution"], [{"type": "code_interpreter"}]),
        (
            [
                "--collection",
                "collection_a",
                "--collection",
                "collection_b",
                "--collection-results",
                "4",
            ],
            [
                {
                    "type": "file_search",
                    "vector_store_ids": ["collection_a", "collection_b"],
                    "max_num_results": 4,
                }
            ],
        ),
        (
            ["--mcp", "deepwiki"],
            [
                {
                    "type": "mcp",
                    "server_url": "https://mcp.deepwiki.com/mcp",
                    "server_label": "deepwiki",
                    "server_description": "Wiki of GitHub repos",
                    "allowed_tools": ["read_wiki_structure", "ask_question"],
                    "authorization": f"Bearer {TOKEN}",
                }
            ],
        ),
        (
            ["--web-search", "--code-execution", "--mcp", "linear"],
            [
                {"type": "web_search"},
                {"type": "code_interpreter"},
                {
                    "type": "mcp",
                    "server_url": "https://mcp.linear.app/sse",
                    "server_label": "linear",
                    "authorization": "Bearer lin-456",
                },
            ],
        ),
    ],
)
def test_each_tool_flag_exact_tools_json(
    server: FakeServer,
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    flags: list[str],
    tools: list[dict[str, Any]],
) -> None:
    write_config(env, MCP_CONFIG)
    monkeypatch.setenv("LINEAR_MCP_TOKEN", "lin-456")
    code, out, err = ask(server, *flags, "use the tools")
    assert code == 0, err
    assert posts(server)[-1].json["tools"] == tools
    assert TOKEN not in out + err and "lin-456" not in out + err


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        (["--mcp", "nope"], "--mcp nope: no [[mcp]] server with this label"),
        (["--collection", "bad id!"], "is not a collection id"),
        ([f"--collection=collection_{i}" for i in range(11)], "at most 10 collections"),
        (["--collection", "collection_a", "--collection-results", "0"], "between 1 and 50"),
        (["--mcp", "bad label!"], "is not a server label"),
    ],
)
def test_invalid_tool_flags_exit_2_before_any_request(
    server: FakeServer, env: dict[str, str], flags: list[str], needle: str
) -> None:
    write_config(env, MCP_CONFIG)
    code, out, err = ask(server, *flags, "x")
    assert code == 2
    assert needle in err
    assert posts(server) == []


def test_tool_lines_outputs_results_and_sources(server: FakeServer, env: dict[str, str]) -> None:
    write_config(env, MCP_CONFIG)
    code, out, err = ask(
        server, "--code-execution", "--mcp", "deepwiki", "--collection", "collection_a", "go"
    )
    assert code == 0, err
    assert "tool code_execution 'import math" in err
    assert "  │ 5913" in err
    assert "tool deepwiki/read_wiki_structure 'how do I stream a response' completed" in err
    assert "  · handbook.pdf 0.93: Replies stream" in err
    assert "[1] handbook.pdf collections://files/file_" in err
    assert "tools code_execution×1, file_search×1, mcp×1 · tool fees $0.0075" in err
    assert TOKEN not in out + err


def test_json_events_for_every_new_tool(server: FakeServer, env: dict[str, str]) -> None:
    write_config(env, MCP_CONFIG)
    server.fake.queue_scenarios(["mcp_error"])
    code, out, err = ask(server, "--json", "--mcp", "deepwiki", "--code-execution", "go")
    assert code == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    finished = [e for e in events if e["kind"] == "tool_call_finished"]
    assert [(e["tool_kind"], e["phase"]) for e in finished] == [
        ("code_execution", "completed"),
        ("mcp", "failed"),
    ]
    assert finished[1]["server"] == "deepwiki" and "502" in finished[1]["error"]
    assert any(e["kind"] == "tool_call_updated" and e["step"] == "interpreting" for e in events)
    assert TOKEN not in out + err


def test_demo_offers_an_offline_mcp_server(env: dict[str, str]) -> None:
    code, out, err = ask(None, "--demo", "--mcp", "demo-wiki", "--code-execution", "go")
    assert code == 0, err
    assert "tool demo-wiki/read_wiki_contents" in err


def test_unset_token_env_is_a_note(
    server: FakeServer, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(env, MCP_CONFIG)
    monkeypatch.delenv("LINEAR_MCP_TOKEN", raising=False)
    code, out, err = ask(server, "--mcp", "linear", "go")
    assert code == 0
    assert "LINEAR_MCP_TOKEN is not set; sent without a token" in err
    assert "authorization" not in posts(server)[-1].json["tools"][0]
