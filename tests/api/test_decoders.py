"""The pure decoders on the wire variants xai-wire.md lists (no sockets)."""

from __future__ import annotations

import json
from typing import Any

from grok_tui.api.decode_chat import ChatDecoder
from grok_tui.api.decode_responses import ResponsesDecoder
from grok_tui.api.errors import (
    BillingError,
    RateLimitError,
    ServerError,
    StreamInterruptedError,
)
from grok_tui.api.events import (
    CitationAdded,
    Completed,
    DebugEvent,
    Failed,
    KeepAlive,
    StreamEvent,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
    ToolCallUpdated,
    ToolKind,
    ToolPhase,
)
from grok_tui.api.responses_tool_calls import classify_tool
from tests.api.helpers import fixture_bytes


def frames_of(name: str) -> list[str]:
    text = fixture_bytes(name).decode()
    return [block[len("data: ") :] for block in text.split("\n\n") if block.startswith("data: ")]


def run(
    decoder: ResponsesDecoder | ChatDecoder, datas: list[Any], *, eof: bool = True
) -> list[StreamEvent]:
    out: list[StreamEvent] = []
    for d in datas:
        data = d if isinstance(d, str) else json.dumps(d)
        out += decoder.feed_frame("", data)
    if eof:
        out += decoder.finish()
    return out


def rdec() -> ResponsesDecoder:
    return ResponsesDecoder(clock=lambda: 0.0)


def cdec() -> ChatDecoder:
    return ChatDecoder(clock=lambda: 0.0)


# -- responses ---------------------------------------------------------------


def test_event_lines_and_done_trailer_do_not_change_events() -> None:
    frames = frames_of("responses_C_agentic.sse")
    plain = run(rdec(), frames)
    dec = rdec()
    labelled: list[StreamEvent] = []
    for f in frames:
        labelled += dec.feed_frame(json.loads(f)["type"], f)
    labelled += dec.feed_frame("", "[DONE]")
    labelled += dec.finish()
    assert labelled == plain
    assert isinstance(plain[-1], Completed)


def test_type_taken_from_event_line_when_payload_has_none() -> None:
    dec = rdec()
    out = dec.feed_frame("response.output_text.delta", json.dumps({"delta": "hi"}))
    assert out == [TextDelta("hi")]


def test_stream_ending_without_completed_is_interrupted() -> None:
    frames = frames_of("responses_B2_reasoning.sse")[:-1]
    events = run(rdec(), frames)
    last = events[-1]
    assert isinstance(last, Failed) and isinstance(last.error, StreamInterruptedError)
    assert last.partial and last.text == "Hello there."


def test_done_marker_before_completed_is_interrupted() -> None:
    frames = frames_of("responses_B2_reasoning.sse")[:3]
    events = run(rdec(), [*frames, "[DONE]"], eof=False)
    assert isinstance(events[-1], Failed)
    assert not events[-1].partial  # only a reasoning item had started


def test_unknown_events_items_and_bad_json_are_debug_events() -> None:
    events = run(
        rdec(),
        [
            {"type": "response.brand_new_thing", "x": 1},
            {"type": "response.output_item.added", "item": {"type": "hologram", "id": "h1"}},
            "{not json",
            "[1, 2]",
            {"type": "response.output_text.delta", "delta": "ok", "item_id": "m"},
            {"type": "response.completed", "response": {"id": "r", "status": "completed"}},
        ],
    )
    debug = [e for e in events if isinstance(e, DebugEvent)]
    assert len(debug) == 4
    assert debug[0].raw_type == "response.brand_new_thing"
    assert debug[1].raw_type == "hologram"
    assert isinstance(events[-1], Completed) and events[-1].text == "ok"


def test_shape_a_web_search_and_x_search_call_items() -> None:
    ws = {
        "arguments": '{"query":"what is xAI","num_results":5}',
        "call_id": "",
        "name": "web_search",
        "type": "web_search_call",
        "id": "fc_r_0",
        "status": "completed",
    }
    xs = {
        "arguments": '{"query":"grok","limit":20}',
        "call_id": "",
        "name": "x_semantic_search",
        "type": "x_search_call",
        "id": "fc_r_1",
        "status": "completed",
    }
    events = run(
        rdec(),
        [
            {"type": "response.output_item.added", "item": ws, "output_index": 0},
            {"type": "response.output_item.done", "item": ws, "output_index": 0},
            {"type": "response.output_item.added", "item": xs, "output_index": 1},
            {"type": "response.output_item.done", "item": xs, "output_index": 1},
            {"type": "response.completed", "response": {"id": "r"}},
        ],
    )
    tools = [e for e in events if isinstance(e, (ToolCallStarted, ToolCallFinished))]
    assert tools == [
        ToolCallStarted("fc_r_0", "web_search", ToolKind.WEB_SEARCH, ws["arguments"]),
        ToolCallFinished(
            "fc_r_0", "web_search", ToolKind.WEB_SEARCH, ToolPhase.COMPLETED, ws["arguments"]
        ),
        ToolCallStarted("fc_r_1", "x_semantic_search", ToolKind.X_SEARCH, xs["arguments"]),
        ToolCallFinished(
            "fc_r_1", "x_semantic_search", ToolKind.X_SEARCH, ToolPhase.COMPLETED, xs["arguments"]
        ),
    ]


def test_tool_names_and_kinds() -> None:
    assert classify_tool("custom_tool_call", "browse_page") == ("browse_page", ToolKind.WEB_SEARCH)
    assert classify_tool("custom_tool_call", "x_thread_fetch") == (
        "x_thread_fetch",
        ToolKind.X_SEARCH,
    )
    assert classify_tool("custom_tool_call", "x_user_search") == (
        "x_user_search",
        ToolKind.X_SEARCH,
    )
    assert classify_tool("custom_tool_call", "view_image") == ("view_image", ToolKind.VIEW_IMAGE)
    assert classify_tool("custom_tool_call", "view_x_video") == (
        "view_x_video",
        ToolKind.VIEW_X_VIDEO,
    )
    assert classify_tool("code_interpreter_call", None) == (
        "code_execution",
        ToolKind.CODE_EXECUTION,
    )
    assert classify_tool("file_search_call", None) == ("file_search", ToolKind.FILE_SEARCH)
    assert classify_tool("mcp_call", "deepwiki.read_wiki") == ("deepwiki.read_wiki", ToolKind.MCP)
    assert classify_tool("image_generation_call", None) == (
        "image_generation",
        ToolKind.IMAGE_GENERATION,
    )
    assert classify_tool("function_call", "get_weather") == ("get_weather", ToolKind.FUNCTION)
    assert classify_tool("custom_tool_call", "teleport") == ("teleport", ToolKind.UNKNOWN)
    assert classify_tool("quantum_call", None) == ("quantum", ToolKind.UNKNOWN)


def test_code_interpreter_phases_and_code_deltas() -> None:
    item = {"id": "ci_1", "type": "code_interpreter_call", "status": "in_progress", "code": ""}
    done = dict(
        item, status="completed", code="print(17*19)", outputs=[{"type": "logs", "logs": "323"}]
    )
    events = run(
        rdec(),
        [
            {"type": "response.output_item.added", "item": item, "output_index": 0},
            {"type": "response.code_interpreter_call.in_progress", "item_id": "ci_1"},
            {
                "type": "response.code_interpreter_call_code.delta",
                "item_id": "ci_1",
                "delta": "print(",
            },
            {
                "type": "response.code_interpreter_call_code.delta",
                "item_id": "ci_1",
                "delta": "17*19)",
            },
            {
                "type": "response.code_interpreter_call_code.done",
                "item_id": "ci_1",
                "code": "print(17*19)",
            },
            {"type": "response.code_interpreter_call.interpreting", "item_id": "ci_1"},
            {"type": "response.code_interpreter_call.completed", "item_id": "ci_1"},
            {"type": "response.output_item.done", "item": done, "output_index": 0},
            {"type": "response.completed", "response": {"id": "r"}},
        ],
    )
    code = '{"code":"print(17*19)"}'
    assert [
        e for e in events if isinstance(e, (ToolCallStarted, ToolCallUpdated, ToolCallFinished))
    ] == [
        ToolCallStarted("ci_1", "code_execution", ToolKind.CODE_EXECUTION, ""),
        # The wire's own phase words ride along, so the log can show each step.
        ToolCallUpdated("ci_1", ToolPhase.STARTED, '{"code":"print("}'),
        ToolCallUpdated("ci_1", ToolPhase.STARTED, code),
        ToolCallUpdated("ci_1", ToolPhase.SEARCHING, step="interpreting"),
        ToolCallUpdated("ci_1", ToolPhase.COMPLETED, step="completed"),
        ToolCallFinished(
            "ci_1",
            "code_execution",
            ToolKind.CODE_EXECUTION,
            ToolPhase.COMPLETED,
            code,
            output="323",
        ),
    ]


def test_failed_tool_item_reports_error() -> None:
    item = {
        "id": "mcp_1",
        "type": "mcp_call",
        "name": "read_wiki",
        "server_label": "dw",
        "arguments": "{}",
        "status": "failed",
        "error": "server down",
    }
    events = run(
        rdec(),
        [
            {"type": "response.output_item.done", "item": item},
            {"type": "response.completed", "response": {}},
        ],
    )
    fin = [e for e in events if isinstance(e, ToolCallFinished)]
    assert fin == [
        ToolCallFinished(
            "mcp_1",
            "read_wiki",
            ToolKind.MCP,
            ToolPhase.FAILED,
            "{}",
            error="server down",
            server="dw",
        )
    ]


def test_annotations_only_inside_the_finished_message() -> None:
    msg = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "content": [
            {
                "type": "output_text",
                "text": "xAI is a company.",
                "annotations": [
                    {"type": "url_citation", "url": "https://x.ai/company"},
                    {"type": "url_citation", "url": "https://x.ai/"},
                ],
            }
        ],
    }
    events = run(
        rdec(),
        [
            {
                "type": "response.output_text.delta",
                "item_id": "msg_1",
                "delta": "xAI is a company.",
            },
            {"type": "response.output_item.done", "item": msg},
            {"type": "response.completed", "response": {"output": [msg]}},
        ],
    )
    assert [e for e in events if isinstance(e, CitationAdded)] == [
        CitationAdded("https://x.ai/company"),
        CitationAdded("https://x.ai/"),
    ]
    assert [e for e in events if isinstance(e, TextDelta)] == [TextDelta("xAI is a company.")]


def test_completed_without_deltas_delivers_the_text_once() -> None:
    msg = {"id": "m", "type": "message", "content": [{"type": "output_text", "text": "whole"}]}
    events = run(rdec(), [{"type": "response.completed", "response": {"id": "r", "output": [msg]}}])
    assert [e for e in events if isinstance(e, TextDelta)] == [TextDelta("whole")]
    assert isinstance(events[-1], Completed) and events[-1].text == "whole"


def test_response_done_and_incomplete() -> None:
    done = run(rdec(), [{"type": "response.done", "response": {"id": "r", "status": "completed"}}])
    assert isinstance(done[-1], Completed) and done[-1].status == "completed"
    inc = run(
        rdec(),
        [
            {"type": "response.output_text.delta", "delta": "Half"},
            {
                "type": "response.incomplete",
                "response": {
                    "id": "r",
                    "status": "incomplete",
                    "incomplete_details": {"reason": "max_output_tokens"},
                    "usage": {"input_tokens": 5, "output_tokens": 9, "total_tokens": 14},
                },
            },
        ],
    )
    last = inc[-1]
    assert isinstance(last, Completed)
    assert (last.status, last.finish_reason, last.text) == (
        "incomplete",
        "max_output_tokens",
        "Half",
    )


def test_error_event_before_content_is_not_partial() -> None:
    events = run(
        rdec(),
        [
            frames_of("responses_D1_error.sse")[0],
            {"type": "error", "code": "rate_limit_exceeded", "message": "slow down"},
        ],
    )
    last = events[-1]
    assert isinstance(last, Failed) and not last.partial
    assert isinstance(last.error, RateLimitError)


def test_in_stream_billing_error() -> None:
    events = run(
        rdec(),
        [
            {
                "type": "response.failed",
                "response": {
                    "error": {
                        "code": "server_error",
                        "message": "Your team has used all available credits",
                    }
                },
            }
        ],
    )
    assert isinstance(events[-1], Failed) and isinstance(events[-1].error, BillingError)


def test_dataless_frames_are_keepalives_before_content_only() -> None:
    """`event: ping` with no data says the server is alive, not that the
    model reasons: a (throttled) KeepAlive, and nothing once text flows."""
    dec = rdec()
    assert dec.feed_frame("ping", "") == [KeepAlive(0.0)]
    assert dec.feed_frame("ping", "") == []  # within the same second
    dec.feed_frame("", json.dumps({"type": "response.output_text.delta", "delta": "a"}))
    assert dec.feed_frame("ping", "") == []


# -- chat --------------------------------------------------------------------


def chunk(
    delta: dict[str, Any] | None = None, finish: str | None = None, **extra: Any
) -> dict[str, Any]:
    choice: dict[str, Any] = {"index": 0, "delta": delta or {}}
    if finish:
        choice["finish_reason"] = finish
    return {"id": "c1", "model": "grok-4-fast", "choices": [choice], **extra}


def test_chat_empty_deltas_are_progress() -> None:
    events = run(
        cdec(), [chunk(), chunk(), chunk({"content": "Hi"}), chunk(finish="stop"), "[DONE]"]
    )
    assert [e.kind for e in events] == [
        "response_started",
        "reasoning_progress",
        "reasoning_progress",
        "text_delta",
        "completed",
    ]


def test_chat_end_after_finish_reason_without_done_is_complete() -> None:
    events = run(cdec(), [chunk({"content": "Hi"}), chunk(finish="stop")])
    assert isinstance(events[-1], Completed) and events[-1].text == "Hi"


def test_chat_end_without_finish_reason_is_interrupted() -> None:
    events = run(cdec(), [chunk({"content": "Hi"}), chunk({"content": " there"})])
    last = events[-1]
    assert isinstance(last, Failed) and isinstance(last.error, StreamInterruptedError)
    assert last.partial and last.text == "Hi there"


def test_chat_usage_on_every_chunk_last_wins_and_total_disambiguates() -> None:
    def usage(n: int) -> dict[str, int]:
        return {"prompt_tokens": 10, "completion_tokens": n, "total_tokens": 10 + n}

    events = run(
        cdec(),
        [
            chunk({"content": "a"}, usage=usage(1)),
            chunk({"content": "b"}, usage=usage(2)),
            chunk(finish="stop", usage=usage(2)),
            "[DONE]",
        ],
    )
    usages = [e for e in events if e.kind == "usage_updated"]
    assert len(usages) == 1
    done = events[-1]
    assert isinstance(done, Completed) and done.usage is not None
    assert (done.usage.output_tokens, done.usage.total_tokens) == (2, 12)


def test_chat_reasoning_inside_output_when_total_says_so() -> None:
    # an OpenAI-style server that folds reasoning into completion_tokens
    raw = {
        "prompt_tokens": 10,
        "completion_tokens": 50,
        "total_tokens": 60,
        "completion_tokens_details": {"reasoning_tokens": 40},
    }
    events = run(
        cdec(),
        [
            chunk({"content": "x"}),
            chunk(finish="stop"),
            {"id": "c1", "choices": [], "usage": raw},
            "[DONE]",
        ],
    )
    done = events[-1]
    assert isinstance(done, Completed) and done.usage is not None
    assert (done.usage.output_tokens, done.usage.reasoning_tokens) == (10, 40)


def test_chat_fragmented_tool_calls_accumulate_by_index() -> None:
    events = run(
        cdec(),
        [
            chunk(
                {
                    "tool_calls": [
                        {"index": 0, "id": "call_1", "function": {"name": "f", "arguments": '{"a"'}}
                    ]
                }
            ),
            chunk({"tool_calls": [{"index": 0, "function": {"arguments": ":1}"}}]}),
            chunk(finish="tool_calls"),
            "[DONE]",
        ],
    )
    fin = [e for e in events if isinstance(e, ToolCallFinished)]
    assert fin == [
        ToolCallFinished("call_1", "f", ToolKind.FUNCTION, ToolPhase.COMPLETED, '{"a":1}')
    ]


def test_chat_in_band_errors_nested_and_flat() -> None:
    nested = run(
        cdec(),
        [
            chunk({"content": "Hi"}),
            {"error": {"message": "Internal server error", "type": "server_error", "code": None}},
        ],
    )
    assert isinstance(nested[-1], Failed) and isinstance(nested[-1].error, ServerError)
    assert nested[-1].partial and nested[-1].text == "Hi"
    flat = run(
        cdec(),
        [
            {
                "code": "Some resource has been exhausted",
                "error": "The service is temporarily at capacity.",
            }
        ],
    )
    assert isinstance(flat[-1], Failed) and isinstance(flat[-1].error, RateLimitError)
    assert not flat[-1].partial


def test_chat_legacy_citations_on_last_chunk() -> None:
    events = run(
        cdec(),
        [
            chunk({"content": "x"}),
            chunk(finish="stop", citations=["https://x.ai/news", "https://x.ai/news"]),
            "[DONE]",
        ],
    )
    assert [e for e in events if isinstance(e, CitationAdded)] == [
        CitationAdded("https://x.ai/news")
    ]


def test_chat_length_finish_is_incomplete() -> None:
    events = run(cdec(), [chunk({"content": "x"}), chunk(finish="length"), "[DONE]"])
    assert isinstance(events[-1], Completed) and events[-1].status == "incomplete"


def test_code_execution_that_times_out_is_a_failed_call_with_its_logs() -> None:
    """A sandbox timeout arrives as the call's status (`failed`, or `incomplete`)
    with whatever logs it printed: the row fails, the logs are kept, the reply
    goes on."""
    for status, phase in (("failed", ToolPhase.FAILED), ("incomplete", ToolPhase.INCOMPLETE)):
        item = {"id": "ci_9", "type": "code_interpreter_call", "status": "in_progress", "code": ""}
        logs = "started\nTimeoutError: execution exceeded the time limit"
        done = dict(item, status=status, code="while True: pass", outputs=[{"logs": logs}])
        events = run(
            rdec(),
            [
                {"type": "response.output_item.added", "item": item, "output_index": 0},
                {"type": "response.output_item.done", "item": done, "output_index": 0},
                {"type": "response.completed", "response": {"id": "r"}},
            ],
        )
        fin = next(e for e in events if isinstance(e, ToolCallFinished))
        assert (fin.phase, fin.output) == (phase, logs), status
        assert isinstance(events[-1], Completed)
