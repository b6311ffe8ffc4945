"""The exact JSON body the fake receives for each ChatRequest feature."""

from __future__ import annotations

from typing import Any

from grok_tui.api.chat_request import (
    ChatRequest,
    ImagePart,
    InputMessage,
    WebSearchTool,
    XSearchTool,
)
from grok_tui.api.events import Completed, DebugEvent
from grok_tui.fake import FakeServer
from tests.api.test_client_fake import client_for, gen_requests, run

PNG = "data:image/png;base64,iVBORw0KGgo="

HISTORY = (
    InputMessage("system", "Be brief."),
    InputMessage(
        "user", "What is this?", images=(ImagePart(PNG, "high"), ImagePart("https://x.ai/a.jpg"))
    ),
    InputMessage("assistant", "A logo."),
    InputMessage("user", "And now? scenario:plain"),
)


async def sent(
    server: FakeServer, request: ChatRequest, api: str = "responses"
) -> tuple[dict[str, Any], list[Any]]:
    events = await run(client_for(server, api=api), request)  # type: ignore[arg-type]
    assert isinstance(events[-1], Completed), events[-1]
    return gen_requests(server)[-1].json, events


async def test_responses_body_full_feature_set(server: FakeServer) -> None:
    request = ChatRequest(
        model="grok-4.3",
        messages=HISTORY,
        instructions="You are Grok.",
        tools=(
            WebSearchTool(
                allowed_domains=("x.ai", "wikipedia.org"), enable_image_understanding=True
            ),
            XSearchTool(
                excluded_x_handles=("spam",),
                from_date="2025-11-01",
                to_date="2025-12-01",
                enable_video_understanding=True,
            ),
        ),
        reasoning_effort="high",
        max_turns=5,
        store=False,
        include=("reasoning.encrypted_content",),
        json_schema={"type": "object", "properties": {"a": {"type": "string"}}},
        json_schema_name="answer",
    )
    body, _ = await sent(server, request)
    assert body == {
        "model": "grok-4.3",
        "input": [
            {"role": "system", "content": "Be brief."},
            {
                "role": "user",
                "content": [
                    {"type": "input_image", "image_url": PNG, "detail": "high"},
                    {"type": "input_image", "image_url": "https://x.ai/a.jpg"},
                    {"type": "input_text", "text": "What is this?"},
                ],
            },
            {"role": "assistant", "content": "A logo."},
            {"role": "user", "content": "And now? scenario:plain"},
        ],
        "instructions": "You are Grok.",
        "tools": [
            {
                "type": "web_search",
                "allowed_domains": ["x.ai", "wikipedia.org"],
                "enable_image_understanding": True,
            },
            {
                "type": "x_search",
                "excluded_x_handles": ["spam"],
                "from_date": "2025-11-01",
                "to_date": "2025-12-01",
                "enable_video_understanding": True,
            },
        ],
        "reasoning": {"effort": "high"},
        "max_turns": 5,
        "store": False,
        "include": ["reasoning.encrypted_content"],
        "text": {
            "format": {
                "type": "json_schema",
                "name": "answer",
                "schema": {"type": "object", "properties": {"a": {"type": "string"}}},
                "strict": True,
            }
        },
        "stream": True,
    }


async def test_responses_body_minimal_omits_empty_fields(server: FakeServer) -> None:
    request = ChatRequest(
        model="grok-4.3",
        messages=(InputMessage("user", "hi scenario:plain"),),
        tools=(WebSearchTool(), XSearchTool()),
    )
    body, _ = await sent(server, request)
    assert body == {
        "model": "grok-4.3",
        "input": [{"role": "user", "content": "hi scenario:plain"}],
        "tools": [{"type": "web_search"}, {"type": "x_search"}],
        "stream": True,
    }


async def test_chat_body_and_notes(server: FakeServer) -> None:
    request = ChatRequest(
        model="grok-4.3",
        messages=HISTORY,
        instructions="You are Grok.",
        tools=(WebSearchTool(allowed_domains=("x.ai",)),),
        reasoning_effort="low",
        max_turns=3,
        json_schema={"type": "object"},
        extra={"search_parameters": {"mode": "on"}},
    )
    body, events = await sent(server, request, api="chat")
    assert body == {
        "model": "grok-4.3",
        "messages": [
            {"role": "system", "content": "You are Grok."},
            {"role": "system", "content": "Be brief."},
            {
                "role": "user",
                "content": [
                    {"type": "image_url", "image_url": {"url": PNG, "detail": "high"}},
                    {"type": "image_url", "image_url": {"url": "https://x.ai/a.jpg"}},
                    {"type": "text", "text": "What is this?"},
                ],
            },
            {"role": "assistant", "content": "A logo."},
            {"role": "user", "content": "And now? scenario:plain"},
        ],
        "reasoning_effort": "low",
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "response", "schema": {"type": "object"}, "strict": True},
        },
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    notes = [e.message for e in events if isinstance(e, DebugEvent) and e.raw_type == "request"]
    assert len(notes) == 3
    assert any("Responses API" in n and "search tools" in n for n in notes)
    assert any("search_parameters" in n for n in notes)


async def test_headers_sent(server: FakeServer) -> None:
    await sent(
        server, ChatRequest(model="grok-4.3", messages=(InputMessage("user", "hi scenario:plain"),))
    )
    rec = gen_requests(server)[-1]
    assert rec.auth_ok
    assert rec.headers["content-type"] == "application/json"
    assert rec.headers["accept"] == "text/event-stream"
    assert rec.path == "/v1/responses"
