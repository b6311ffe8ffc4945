"""Code execution, remote MCP and collections search: the request shapes the
client sends (as the loopback fake records them), the events the fake's
sequences decode into (both code-execution item shapes, the faults), and the
same events whatever byte splits the stream arrives in."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grok_tui.api.chat_request import (
    ChatRequest,
    CodeInterpreterTool,
    FileSearchTool,
    InputMessage,
    McpTool,
)
from grok_tui.api.errors import NotFoundError
from grok_tui.api.events import (
    CitationAdded,
    Completed,
    Failed,
    StreamEvent,
    ToolCallFinished,
    ToolCallStarted,
    ToolCallUpdated,
    ToolKind,
    ToolPhase,
    event_to_dict,
)
from grok_tui.api.wire import responses_body
from grok_tui.fake import FakeConfig, FakeServer, FakeXAI
from grok_tui.fake.responses_api import parse_frames
from tests.api.conftest import FAKE_KEY
from tests.api.helpers import as_dicts, collect, make_client, split_at, sse_transport
from tests.api.test_client_fake import client_for, gen_requests, run

TOKEN = "mcp-secret-token-0123456789"
MCP = McpTool(
    server_url="https://mcp.deepwiki.com/mcp",
    server_label="deepwiki",
    server_description="Wiki of GitHub repos",
    allowed_tools=("read_wiki_structure",),
    authorization=f"Bearer {TOKEN}",
    headers=(("X-Team", "docs"),),
)
FILES = FileSearchTool(vector_store_ids=("collection_8010",), max_num_results=2)
ALL_TOOLS = (CodeInterpreterTool(), MCP, FILES)


def req(text: str = "use the tools", tools: tuple[Any, ...] = ALL_TOOLS) -> ChatRequest:
    return ChatRequest(model="grok-4.3", messages=(InputMessage("user", text),), tools=tools)


def tool_events(events: list[StreamEvent]) -> list[StreamEvent]:
    return [
        e for e in events if isinstance(e, (ToolCallStarted, ToolCallUpdated, ToolCallFinished))
    ]


def test_request_shapes_of_each_tool() -> None:
    body = responses_body(req())
    assert body["tools"] == [
        {"type": "code_interpreter"},
        {
            "type": "mcp",
            "server_url": "https://mcp.deepwiki.com/mcp",
            "server_label": "deepwiki",
            "server_description": "Wiki of GitHub repos",
            "allowed_tools": ["read_wiki_structure"],
            "authorization": f"Bearer {TOKEN}",
            "headers": {"X-Team": "docs"},
        },
        {"type": "file_search", "vector_store_ids": ["collection_8010"], "max_num_results": 2},
    ]
    # The token is a secret: repr never shows it.
    assert TOKEN not in repr(MCP) and TOKEN not in repr(req())


async def test_all_tools_turn_over_the_fake(server: FakeServer) -> None:
    events = await run(client_for(server), req())
    sent = gen_requests(server)[-1].json
    assert [t["type"] for t in sent["tools"]] == ["code_interpreter", "mcp", "file_search"]
    started = [e for e in events if isinstance(e, ToolCallStarted)]
    assert [(e.name, e.tool_kind, e.server) for e in started] == [
        ("code_execution", ToolKind.CODE_EXECUTION, None),
        ("read_wiki_structure", ToolKind.MCP, "deepwiki"),
        ("file_search", ToolKind.FILE_SEARCH, None),
    ]
    code_id = started[0].call_id
    steps = [
        e.step for e in events if isinstance(e, ToolCallUpdated) and e.call_id == code_id and e.step
    ]
    assert steps == ["executing", "interpreting", "completed"]
    code_args = [e.arguments for e in events if isinstance(e, ToolCallUpdated) and e.arguments]
    assert len(code_args) > 3 and code_args[0] == '{"code":"import math\\n"}'  # streamed
    finished = {e.tool_kind: e for e in events if isinstance(e, ToolCallFinished)}
    assert finished[ToolKind.CODE_EXECUTION].output == "[1, 2, 6, 24, 120, 720, 5040]\n5913\n"
    mcp = finished[ToolKind.MCP]
    assert mcp.server == "deepwiki" and mcp.output and "Streaming" in mcp.output
    assert mcp.arguments == '{"query":"how do I stream a response","limit":2}'
    hits = finished[ToolKind.FILE_SEARCH].results
    assert [h.filename for h in hits] == ["handbook.pdf", "release-notes.md"]
    assert hits[0].score == 0.93 and hits[0].text.startswith("Replies stream")
    cites = [e for e in events if isinstance(e, CitationAdded)]
    assert [c.title for c in cites] == ["handbook.pdf", "release-notes.md"]
    assert all(c.url.startswith("collections://files/file_") for c in cites)
    done = events[-1]
    assert isinstance(done, Completed) and done.usage is not None
    assert done.usage.server_side_tool_calls == {"code_execution": 1, "mcp": 1, "file_search": 1}
    assert done.usage.cost_usd is not None and done.usage.cost_usd > 0.0075


async def test_code_shape_a_function_like_item(server: FakeServer) -> None:
    server.fake.queue_scenarios(["code_shape_a"])
    events = await run(client_for(server), req("run it", (CodeInterpreterTool(),)))
    ends = [e for e in events if isinstance(e, ToolCallFinished)]
    assert len(ends) == 1
    assert (ends[0].name, ends[0].tool_kind, ends[0].phase) == (
        "code_execution",
        ToolKind.CODE_EXECUTION,
        ToolPhase.COMPLETED,
    )
    assert ends[0].arguments.startswith('{"code":"import math')
    assert ends[0].output is None  # shape A carries no outputs


async def test_code_that_raises(server: FakeServer) -> None:
    server.fake.queue_scenarios(["code_error"])
    events = await run(client_for(server), req("run it", (CodeInterpreterTool(),)))
    end = next(e for e in events if isinstance(e, ToolCallFinished))
    assert end.output is not None and "ZeroDivisionError: division by zero" in end.output
    assert isinstance(events[-1], Completed)


async def test_mcp_server_error(server: FakeServer) -> None:
    server.fake.queue_scenarios(["mcp_error"])
    events = await run(client_for(server), req("ask the wiki", (MCP,)))
    assert [e.step for e in events if isinstance(e, ToolCallUpdated) and e.step] == ["failed"]
    end = next(e for e in events if isinstance(e, ToolCallFinished))
    assert end.phase == ToolPhase.FAILED and end.server == "deepwiki"
    assert end.error is not None and "502 Bad Gateway" in end.error
    completed = events[-1]
    assert isinstance(completed, Completed)
    assert completed.usage is not None and "mcp" not in completed.usage.server_side_tool_calls


async def test_collection_that_does_not_exist(server: FakeServer) -> None:
    server.fake.queue_scenarios(["collections_missing"])
    events = await run(client_for(server, retries=0), req("find it", (FILES,)))
    failed = events[-1]
    assert isinstance(failed, Failed) and isinstance(failed.error, NotFoundError)
    assert "collection_8010" in failed.error.message
    assert "collection ids in the tools pane (F3)" in failed.error.user_message()


async def test_fake_refuses_bad_tool_shapes(server: FakeServer) -> None:
    bad = (
        McpTool(server_url="ftp://x", server_label="a"),
        FileSearchTool(vector_store_ids=tuple(f"collection_{i}" for i in range(11))),
    )
    for tool in bad:
        events = await run(client_for(server, retries=0), req("x", (tool,)))
        assert isinstance(events[-1], Failed), tool


def test_token_is_not_echoed_in_the_stream() -> None:
    fake = FakeXAI(FakeConfig(api_key=FAKE_KEY))
    import json

    resp = fake.handle(
        "POST",
        "/v1/responses",
        {"authorization": f"Bearer {FAKE_KEY}", "content-type": "application/json"},
        json.dumps(responses_body(req())).encode(),
    )
    data = b"".join(x for x in resp.body if isinstance(x, bytes))  # type: ignore[union-attr]
    assert TOKEN.encode() not in data
    assert any(f["type"] == "response.completed" for f in parse_frames(data))


def _stream_bytes(scenario: str, tools: tuple[Any, ...]) -> bytes:
    fake = FakeXAI(FakeConfig(api_key=FAKE_KEY))
    fake.queue_scenarios([scenario])
    import json

    resp = fake.handle(
        "POST",
        "/v1/responses",
        {"authorization": f"Bearer {FAKE_KEY}", "content-type": "application/json"},
        json.dumps(responses_body(req("go", tools))).encode(),
    )
    return b"".join(x for x in resp.body if isinstance(x, bytes))  # type: ignore[union-attr]


SEQUENCES = {
    name: _stream_bytes(name, tools)
    for name, tools in (
        ("tools", ALL_TOOLS),
        ("code_shape_a", (CodeInterpreterTool(),)),
        ("code_error", (CodeInterpreterTool(),)),
        ("mcp_error", (MCP,)),
    )
}


def _replay(data: bytes, chunks: list[bytes] | None = None) -> list[dict[str, Any]]:
    transport = sse_transport(chunks if chunks is not None else [data])
    return as_dicts(asyncio.run(collect(make_client(transport))))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(SEQUENCES)),
    cuts=st.lists(st.integers(min_value=1, max_value=60_000), max_size=40),
)
def test_random_byte_splits_give_the_same_events(name: str, cuts: list[int]) -> None:
    data = SEQUENCES[name]
    cuts = [c % len(data) for c in cuts]
    whole = _replay(data)
    assert whole[-1]["kind"] == "completed"
    assert _replay(data, split_at(data, cuts)) == whole


def test_json_events_of_new_tools_are_json() -> None:
    import json

    events = _replay(SEQUENCES["tools"])
    finished = [e for e in events if e["kind"] == "tool_call_finished"]
    text = json.dumps(finished)
    assert '"results": [{"file_id"' in text and '"server": "deepwiki"' in text
    assert (
        event_to_dict(ToolCallUpdated("c", ToolPhase.SEARCHING, step="executing"))["step"]
        == "executing"
    )


@pytest.mark.parametrize("shape", ["outputs", "output"])
def test_code_outputs_in_either_field(shape: str) -> None:
    from grok_tui.api.responses_tool_calls import item_output

    item: dict[str, Any] = {"type": "code_interpreter_call", "code": "print(1)"}
    if shape == "outputs":
        item["outputs"] = [
            {"type": "logs", "logs": "1\n"},
            {"type": "image", "url": "https://i/x.png"},
        ]
        assert item_output(item) == "1\n\n[image] https://i/x.png"
    else:
        item["output"] = "1\n"
        assert item_output(item) == "1\n"
