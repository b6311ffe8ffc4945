"""The fake's HTTP error scenarios (`scenarios.HTTP_ERROR_SCENARIOS`): each
answers like the real API refuses a request, with the status, the flat
`{"code", "error"}` body and the message texts of xai-wire.md §6.2 (texts the
spec does not give are marked as guesses), and the rate-limit headers of a 429.
"""

from __future__ import annotations

from typing import Any

from grok_tui.fake.catalog import resolve_model
from grok_tui.fake.http_errors import (
    CODE_EXHAUSTED,
    CODE_INTERNAL,
    CODE_INVALID,
    CODE_NOT_FOUND_MODEL,
    CODE_NOT_FOUND_ROUTE,
    CODE_PERMISSION,
    CODE_UNAUTH,
    CODE_UNAVAILABLE,
    MSG_LIVE_SEARCH,
    HTTPError,
)
from grok_tui.fake.wire import FakeResponse, json_response, mask_key_like_xai

TEAM_ID = "5ea6f6bd-7815-4b8a-9135-28b2d7ba6722"
MSG_BILLING = (
    f"Your team {TEAM_ID} has either used all available credits or reached its monthly "
    "spending limit. To continue making API requests, please purchase more credits or "
    "raise your spending limit."
)
MSG_CAPACITY = "The service is temporarily at capacity. Please retry your request shortly."
MSG_STREAM_UNAVAILABLE = (
    "Service temporarily unavailable. The model did not respond to this request."
)

RATE_HEADERS = {
    "x-ratelimit-limit-requests": "480",
    "x-ratelimit-remaining-requests": "0",
    "x-ratelimit-limit-tokens": "4000000",
    "x-ratelimit-remaining-tokens": "0",
}


def http_error_answer(
    name: str, key: str | None, body: Any, *, rate_limit_headers: bool = True
) -> FakeResponse:
    """The answer of HTTP error scenario `name` (one of `HTTP_ERROR_SCENARIOS`)
    to a request with API key `key` and JSON `body` (for the model named)."""
    model = body.get("model") if isinstance(body, dict) else None
    model_name = model if isinstance(model, str) and model else "grok-9"
    entry = resolve_model(model_name)
    canonical = entry.id if entry else model_name
    if name == "error_200_json":
        return json_response(
            {"code": CODE_UNAVAILABLE, "error": "Timed out waiting for first token"}
        )
    if name == "error_401":
        err = HTTPError(401, CODE_UNAUTH, "No credentials presented.")
    elif name == "error_400_bad_key":
        err = HTTPError(
            400,
            CODE_INVALID,
            f"Incorrect API key provided: {mask_key_like_xai(key or 'xai-wrong-key')}. "
            "You can obtain an API key from https://console.x.ai.",
        )
    elif name == "error_403":
        err = HTTPError(
            403,
            CODE_PERMISSION,
            f"The API key does not have permission to use the model "
            f"{canonical}. Ask your team admin to grant access in "
            "https://console.x.ai.",
        )
    elif name == "error_404":
        err = HTTPError(404, CODE_NOT_FOUND_MODEL, f"The model {model_name} does not exist.")
    elif name == "error_410":
        err = HTTPError(410, CODE_NOT_FOUND_ROUTE, MSG_LIVE_SEARCH)
    elif name == "error_422":
        err = HTTPError(
            422,
            CODE_INVALID,
            "Failed to deserialize the JSON body into the target type: "
            "missing field `model` at line 1 column 2",
        )
    elif name in ("error_429", "error_429_no_retry_after"):
        headers: dict[str, str] = {}
        if name == "error_429" and rate_limit_headers:
            headers = {"retry-after": "1", **RATE_HEADERS}
        err = HTTPError(
            429,
            CODE_EXHAUSTED,
            f"Too many tokens for team {TEAM_ID} and model {canonical}. Your team's rate "
            "limit is — Tokens per Minute (actual/limit): 65605/16000. You can view your "
            "team rate limits at https://console.x.ai.",
            headers,
        )
    elif name == "error_429_billing":
        err = HTTPError(429, CODE_EXHAUSTED, MSG_BILLING)
    elif name == "error_429_capacity":
        err = HTTPError(429, CODE_EXHAUSTED, MSG_CAPACITY)
    elif name == "error_500":
        err = HTTPError(500, CODE_INTERNAL, "Internal server error. Please retry your request.")
    else:  # error_503
        err = HTTPError(503, CODE_UNAVAILABLE, MSG_CAPACITY)
    return err.response()
