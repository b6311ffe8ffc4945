"""How the fake answers a text scenario on the wire: the stream of each
scenario on `/v1/responses` and on chat completions (a normal turn, or one of
its faults: an error event, a failed response, a dropped connection, a stall,
malformed frames, unknown events), the whole JSON answer when no stream was
asked for, and the event-stream response with its keep-alive comments.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from grok_tui.fake.answer_plan import Plan
from grok_tui.fake.chat_api import ChatWriter
from grok_tui.fake.http_errors import CODE_INVALID, CODE_UNAVAILABLE, HTTPError
from grok_tui.fake.responses_api import ResponsesWriter
from grok_tui.fake.wire import (
    DROP,
    KEEPALIVE_COMMENT,
    BodyItem,
    FakeResponse,
    Pause,
    json_body,
    json_response,
    with_keepalives,
)

MSG_STREAM_UNAVAILABLE = (
    "Service temporarily unavailable. The model did not respond to this request."
)

PARTIAL_TEXT = "The answer starts streaming here, and then"
# OpenAI `ResponseError.code` image_too_large (§6.2); the text is a guess.
MSG_IMAGE_TOO_LARGE = "Image too large: the image is larger than the 20 MiB limit."

#: Comment frames the `keepalive` scenario sends before its answer.
KEEPALIVE_SCENARIO_COMMENTS = 3


def event_stream(
    scenario: str, items: Iterable[BodyItem], keepalive_seconds: float | None
) -> FakeResponse:
    """An event-stream answer; keep-alive comments in its pauses when
    `keepalive_seconds` is set, and ahead of it in the `keepalive` scenario."""
    interval = keepalive_seconds
    body: Iterable[BodyItem] = items
    if interval is not None and interval > 0:
        body = with_keepalives(items, interval)
    if scenario == "keepalive":
        lead: list[BodyItem] = []
        for _ in range(KEEPALIVE_SCENARIO_COMMENTS):
            if interval is not None and interval > 0:
                lead.append(Pause(interval))
            lead.append(KEEPALIVE_COMMENT)
        body = itertools.chain(lead, body)
    return FakeResponse(200, {"content-type": "text/event-stream"}, body)


def responses_stream(scenario: str, w: ResponsesWriter, plan: Plan) -> Iterator[BodyItem]:
    if scenario == "error_event" or scenario == "error_nested":
        return w.error_event(PARTIAL_TEXT)
    if scenario == "response_failed":
        return w.failed(PARTIAL_TEXT)
    if scenario == "error_image_too_large":
        return w.failed_request("image_too_large", MSG_IMAGE_TOO_LARGE)
    if scenario == "drop":
        return w.drop(PARTIAL_TEXT)
    if scenario == "stall":
        return w.text_turn(plan, stall_after=2)
    if scenario == "malformed":
        return w.malformed(plan)
    if scenario == "unknown_events":
        return w.unknown_events(plan)
    return w.text_turn(plan)


def chat_stream(scenario: str, cw: ChatWriter, plan: Plan, hidden: int) -> Iterator[BodyItem]:
    if scenario in ("error_event", "error_nested", "response_failed"):
        return cw.error_nested(PARTIAL_TEXT)
    if scenario == "error_image_too_large":
        return cw.error_nested(
            "",
            code="image_too_large",
            message=MSG_IMAGE_TOO_LARGE,
            etype="invalid_request_error",
        )
    if scenario == "drop":
        return cw.drop(PARTIAL_TEXT)
    if scenario == "stall":
        return cw.turn(plan, hidden, stall_after=2)
    if scenario == "malformed":
        return cw.malformed(plan)
    if scenario == "unknown_events":
        return cw.unknown_events(plan)
    return cw.turn(plan, hidden)


def whole_answer(scenario: str, final: dict[str, Any], stall_seconds: float) -> FakeResponse:
    """The answer to a request that did not ask for a stream (or to any, from a
    server that ignores `stream: true`): `final` as one JSON body, faulted like
    the stream would be."""
    jtype = {"content-type": "application/json"}
    data = json_body(final)
    if scenario in ("error_event", "error_nested", "response_failed"):
        return HTTPError(503, CODE_UNAVAILABLE, MSG_STREAM_UNAVAILABLE).response()
    if scenario == "error_image_too_large":
        return HTTPError(400, CODE_INVALID, MSG_IMAGE_TOO_LARGE).response()
    if scenario == "drop":
        return FakeResponse(200, jtype, [data[: len(data) // 2], DROP])
    if scenario == "stall":
        return FakeResponse(200, jtype, [Pause(stall_seconds), data])
    if scenario == "malformed":
        return FakeResponse(200, jtype, data[: len(data) - 7])
    if scenario == "unknown_events":
        extra = dict(final)
        extra["x_future_field"] = {"kind": "unknown"}
        return json_response(extra)
    return FakeResponse(200, jtype, data)
