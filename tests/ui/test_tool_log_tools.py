"""ToolLog rows of code execution, MCP and collections calls, fed the events the
client decodes from the fake's own sequences: the live phase word, MCP's
`server/tool` name, the expanded code (highlighted), the phases with their
times, the output logs, the collection results; and the same rows after a
reload of the saved message."""

from __future__ import annotations

import json

from grok_tui.api import events as ev
from grok_tui.api.chat_request import (
    ChatRequest,
    CodeInterpreterTool,
    FileSearchTool,
    InputMessage,
    McpTool,
)
from grok_tui.api.decode_responses import ResponsesDecoder
from grok_tui.api.wire import responses_body
from grok_tui.chat.session import Message
from grok_tui.fake import FakeConfig, FakeXAI
from grok_tui.fake.responses_api import parse_frames
from grok_tui.ui.widgets.tool_log import ToolLog
from grok_tui.ui.widgets.tool_log.tool_details import highlighted_code
from tests.ui.test_tool_log import Clock, Host, Turn, line_with

TOOLS = (
    CodeInterpreterTool(),
    McpTool(
        server_url="https://mcp.deepwiki.com/mcp",
        server_label="deepwiki",
        allowed_tools=("read_wiki_structure",),
        authorization="Bearer t0ken-xyz",
    ),
    FileSearchTool(vector_store_ids=("collection_8010",)),
)


def fake_events(scenario: str = "tools", tools: tuple[object, ...] = TOOLS) -> list[ev.StreamEvent]:
    fake = FakeXAI(FakeConfig(api_key="k"))
    fake.queue_scenarios([scenario])
    request = ChatRequest(model="grok-4.3", messages=(InputMessage("user", "go"),), tools=tools)  # type: ignore[arg-type]
    resp = fake.handle(
        "POST",
        "/v1/responses",
        {"authorization": "Bearer k", "content-type": "application/json"},
        json.dumps(responses_body(request)).encode(),
    )
    data = b"".join(x for x in resp.body if isinstance(x, bytes))  # type: ignore[union-attr]
    decoder = ResponsesDecoder(clock=lambda: 0.0)
    out: list[ev.StreamEvent] = []
    for frame in parse_frames(data):
        out.extend(decoder.feed(frame))
    return out


async def test_live_rows_expand_code_phases_output_results() -> None:
    clock = Clock()
    app = Host(clock)
    events = fake_events()
    first_step = next(
        i for i, e in enumerate(events) if isinstance(e, ev.ToolCallUpdated) and e.step
    )
    async with app.run_test(size=(110, 60)) as pilot:
        log = app.query_one(ToolLog)
        turn = Turn(log, clock, prompt="go")
        turn.feed(*events[: first_step + 1], step=0.3)
        await pilot.pause()
        # Running: the phase column says the wire's own step.
        assert "executing" in line_with(log.plain_lines(), "code_execution")
        turn.feed(*events[first_step + 1 :], step=0.3)
        await pilot.pause()
        lines = log.plain_lines()
        assert "completed" in line_with(lines, "code_execution")
        assert "import math" in line_with(lines, "code_execution")
        mcp_line = line_with(lines, "deepwiki/read_wiki_structure")
        assert "how do I stream" in mcp_line and "completed" in mcp_line
        assert "completed" in line_with(lines, "file_search")
        assert "3 tool calls (code_execution 1, file_search 1, mcp 1)" in " ".join(lines)
        log.focus()
        for call_id in [r.call_id for r in log._rows if r.kind == "tool"]:
            index = next(r.index for r in log._rows if r.call_id == call_id)
            log.toggle_row(index)
        await pilot.pause()
        text = "\n".join(log.plain_lines())
        assert "code:" in text and "values = [math.factorial(n) for n in range(1, 8)]" in text
        assert "phases: executing +" in text and "interpreting +" in text
        assert "output:" in text and "  5913" in text
        assert "server: deepwiki" in text and '"Responses API"' in text
        assert "results (3):" in text and "handbook.pdf  0.93" in text
        assert "Replies stream as server-sent events" in text
        assert "t0ken-xyz" not in text
        saved = Message.model_validate_json(turn.message.model_dump_json())
    reload = Host(clock)
    async with reload.run_test(size=(110, 60)) as pilot:
        log2 = reload.query_one(ToolLog)
        log2.load_messages([Message(role="user", text="go"), saved])
        await pilot.pause()
        assert [x.rstrip() for x in log2.plain_lines()] == [x.rstrip() for x in lines], (
            "a reload shows the rows the live turn did"
        )


async def test_failures_show_their_error_and_traceback() -> None:
    clock = Clock()
    app = Host(clock)
    async with app.run_test(size=(110, 40)) as pilot:
        log = app.query_one(ToolLog)
        Turn(log, clock).feed(*fake_events("mcp_error", TOOLS[1:2]))
        Turn(log, clock).feed(*fake_events("code_error", TOOLS[:1]))
        await pilot.pause()
        for row in [r for r in log._rows if r.kind == "tool"]:
            log.toggle_row(row.index)
        await pilot.pause()
        text = "\n".join(log.plain_lines())
        assert "✗ deepwiki/read_wiki_structure" in text
        assert "error: Error calling MCP server deepwiki: 502 Bad Gateway" in text
        assert "ZeroDivisionError: division by zero" in text


def test_code_highlighting_keeps_the_text() -> None:
    code = "def f(x):\n    # double it\n    return x * 2  # [@click=app.quit]x[/]\nprint('hi', 3)\n"
    lines = highlighted_code(
        code, lambda component: __import__("textual.style").style.Style(bold=True)
    )
    assert [line.plain for line in lines] == code.rstrip("\n").split("\n")
    assert any(span for line in lines for span in line.spans)  # styled somewhere
