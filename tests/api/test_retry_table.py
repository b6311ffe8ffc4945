"""Only errors a retry can fix are retried: one table over every documented
error code and message of xai-wire.md §6 and §8, as an HTTP answer, as a 200
JSON body instead of a stream, and in the stream (`error` event,
`response.failed`, chat in-band frame). The client is checked end to end over
the loopback fake for the in-stream and HTTP paths of a few rows."""

from __future__ import annotations

import pytest

from grok_tui.api.errors import (
    APITimeoutError,
    AuthenticationError,
    BillingError,
    GoneError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    XAIError,
    error_for_status,
    error_from_response,
    error_from_stream,
)

TEAM = "5ea6f6bd-7815-4b8a-9135-28b2d7ba6722"
CREDITS = (
    f"Your team {TEAM} has either used all available credits or reached its monthly "
    "spending limit. To continue making API requests, please purchase more credits or "
    "raise your spending limit."
)

# (status, code, message, expected class, retryable) — HTTP answers (§6.2, §8).
HTTP_TABLE: list[tuple[int, str | None, str, type[XAIError], bool]] = [
    (
        400,
        "Client specified an invalid argument",
        "Incorrect API key provided: xa***en. You can obtain an API key from https://console.x.ai.",
        AuthenticationError,
        False,
    ),
    (
        400,
        "invalid-argument",
        "Incorrect API key provided. You can obtain an API key from https://console.x.ai.",
        AuthenticationError,
        False,
    ),
    (
        400,
        "invalid-argument",
        "Argument not supported on this model: presencePenalty",
        InvalidRequestError,
        False,
    ),
    (
        400,
        "Client specified an invalid argument",
        "Invalid request content: Each message must have at least one content element.",
        InvalidRequestError,
        False,
    ),
    (
        401,
        "The request does not have valid authentication credentials",
        "No credentials presented.",
        AuthenticationError,
        False,
    ),
    (
        401,
        "unauthenticated:no-credentials",
        "No credentials presented.",
        AuthenticationError,
        False,
    ),
    (
        403,
        "The caller does not have permission to execute the specified operation",
        CREDITS,
        BillingError,
        False,
    ),
    (
        403,
        "The caller does not have permission to execute the specified operation",
        "Your API key is blocked.",
        PermissionDeniedError,
        False,
    ),
    (
        404,
        "Some resource has not been found",
        "The model grok-9 does not exist.",
        NotFoundError,
        False,
    ),
    (
        404,
        "Some requested entity was not found",
        "No handler found on route. Please double check your URL.",
        NotFoundError,
        False,
    ),
    (404, None, "No responses could be found with the given response_id", NotFoundError, False),
    (405, None, "Method not allowed", InvalidRequestError, False),
    (408, None, "Request timeout", APITimeoutError, True),
    (
        410,
        "Some requested entity was not found",
        "Live search is deprecated. Please switch to the Agent Tools API: "
        "https://docs.x.ai/docs/guides/tools/overview",
        GoneError,
        False,
    ),
    (415, None, "Unsupported media type", InvalidRequestError, False),
    (422, None, "Failed to deserialize the JSON body", InvalidRequestError, False),
    (429, "Some resource has been exhausted", CREDITS, BillingError, False),
    (
        429,
        "Some resource has been exhausted",
        "The service is temporarily at capacity. Please retry your request shortly.",
        RateLimitError,
        True,
    ),
    (
        429,
        "Some resource has been exhausted",
        f"Too many tokens for team {TEAM} and model grok-4-1-fast-reasoning. Your team's rate "
        "limit is — Tokens per Minute (actual/limit): 65605/16000.",
        RateLimitError,
        True,
    ),
    (500, None, "Internal server error", ServerError, True),
    (502, None, "Bad gateway", ServerError, True),
    (503, "The service is currently unavailable", "Service unavailable", ServerError, True),
    # 200 with a JSON error body instead of the event stream.
    (
        200,
        "The service is currently unavailable",
        "Timed out waiting for first token",
        ServerError,
        True,
    ),
    (
        200,
        "Some resource has been exhausted",
        "The service is temporarily at capacity. Please retry your request shortly.",
        RateLimitError,
        True,
    ),
    (200, "Some resource has been exhausted", CREDITS, BillingError, False),
    (
        200,
        "Client specified an invalid argument",
        "Argument not supported on this model: stop",
        InvalidRequestError,
        False,
    ),
    (
        200,
        "Some resource has not been found",
        "The model grok-9 does not exist.",
        NotFoundError,
        False,
    ),
]

# (code, message, etype, expected class, retryable) — in-stream errors (§6.2, §8 D).
STREAM_TABLE: list[tuple[str | None, str, str | None, type[XAIError], bool]] = [
    (
        None,
        "Service temporarily unavailable. The model did not respond to this request.",
        None,
        ServerError,
        True,
    ),
    ("server_error", "Internal server error", None, ServerError, True),
    (None, "Internal server error", "server_error", ServerError, True),
    ("rate_limit_exceeded", "Rate limit reached", None, RateLimitError, True),
    (
        None,
        "The service is temporarily at capacity. Please retry your request shortly.",
        None,
        RateLimitError,
        True,
    ),
    ("vector_store_timeout", "The collection search timed out", None, APITimeoutError, True),
    (None, CREDITS, None, BillingError, False),
    ("invalid_prompt", "Invalid prompt", None, InvalidRequestError, False),
    ("image_too_large", "Image too large", None, InvalidRequestError, False),
    ("image_too_small", "Image too small", None, InvalidRequestError, False),
    ("image_file_too_large", "Image file too large", None, InvalidRequestError, False),
    (
        "failed_to_download_image",
        "Failed to download image from https://example.com/a.png",
        None,
        InvalidRequestError,
        False,
    ),
    ("image_file_not_found", "Image file not found", None, InvalidRequestError, False),
    ("invalid_image", "Invalid image", None, InvalidRequestError, False),
    ("invalid_image_format", "Invalid image format", None, InvalidRequestError, False),
    ("invalid_base64_image", "Invalid base64 image", None, InvalidRequestError, False),
    ("invalid_image_url", "Invalid image URL", None, InvalidRequestError, False),
    ("image_parse_error", "Image could not be parsed", None, InvalidRequestError, False),
    (
        "image_content_policy_violation",
        "Image violates the content policy",
        None,
        InvalidRequestError,
        False,
    ),
    ("invalid_image_mode", "Invalid image mode", None, InvalidRequestError, False),
    (
        "unsupported_image_media_type",
        "Unsupported image media type",
        None,
        InvalidRequestError,
        False,
    ),
    ("empty_image_file", "Empty image file", None, InvalidRequestError, False),
    # Without a code: the message decides.
    (None, "Image too large: 25 MiB, the limit is 20 MiB", None, InvalidRequestError, False),
    (None, "Failed to download image: timed out after 5 s", None, InvalidRequestError, False),
    (None, "The model grok-9 does not exist.", None, NotFoundError, False),
    (None, "No responses could be found with the given response_id", None, NotFoundError, False),
    (
        None,
        "The caller does not have permission to execute the specified operation",
        None,
        PermissionDeniedError,
        False,
    ),
    (None, "Incorrect API key provided: xa***ey.", None, AuthenticationError, False),
    # gRPC descriptions and kebab slugs as `code`.
    (
        "Client specified an invalid argument",
        "Argument not supported on this model: stop",
        None,
        InvalidRequestError,
        False,
    ),
    (
        "invalid-argument",
        "Argument not supported on this model: presencePenalty",
        None,
        InvalidRequestError,
        False,
    ),
    ("Some resource has not been found", "Not here", None, NotFoundError, False),
    (
        "The caller does not have permission to execute the specified operation",
        "No.",
        None,
        PermissionDeniedError,
        False,
    ),
    (
        "The request does not have valid authentication credentials",
        "No credentials presented.",
        None,
        AuthenticationError,
        False,
    ),
    ("Some resource has been exhausted", "Slow down.", None, RateLimitError, True),
    (
        "The service is currently unavailable",
        "Timed out waiting for first token",
        None,
        ServerError,
        True,
    ),
    # OpenAI-style in-band chat frame: {"error":{"message","type","code"}}.
    (None, "Internal server error", "server_error", ServerError, True),
    (None, "Bad request: invalid messages", "invalid_request_error", InvalidRequestError, False),
]


@pytest.mark.parametrize(("status", "code", "message", "cls", "retryable"), HTTP_TABLE)
def test_http_errors(
    status: int, code: str | None, message: str, cls: type, retryable: bool
) -> None:
    import json

    body = json.dumps({"code": code, "error": message} if code else {"error": message}).encode()
    err = error_from_response(status, body, {})
    assert type(err) is cls, (status, message)
    assert err.retryable is retryable
    assert type(error_for_status(status, message, code=code)) is cls


@pytest.mark.parametrize(("code", "message", "etype", "cls", "retryable"), STREAM_TABLE)
def test_stream_errors(
    code: str | None, message: str, etype: str | None, cls: type, retryable: bool
) -> None:
    err = error_from_stream(code, message, etype)
    assert type(err) is cls, (code, message)
    assert err.retryable is retryable
