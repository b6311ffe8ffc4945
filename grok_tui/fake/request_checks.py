"""The checks of a request before the fake answers it: the bearer token and
the API key (401 / 400 with xAI's texts), and a generation request's JSON body
(415 / 422 in the style of the server framework, xai-wire.md §6.1)."""

from __future__ import annotations

from typing import Any

from grok_tui.fake.http_errors import CODE_INVALID, CODE_UNAUTH, HTTPError
from grok_tui.fake.parsed_request import ApiKind
from grok_tui.fake.wire import mask_key_like_xai


def bearer_token(value: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` value, or None."""
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def check_auth(key: str | None, api_key: str) -> None:
    """Refuse a request without a key (401) or with another key than `api_key` (400)."""
    if key is None:
        raise HTTPError(401, CODE_UNAUTH, "No credentials presented.")
    if key != api_key:
        raise HTTPError(
            400,
            CODE_INVALID,
            f"Incorrect API key provided: {mask_key_like_xai(key)}. You can obtain an API key "
            "from https://console.x.ai.",
        )


def json_request_body(
    hdrs: dict[str, str], body: bytes, parsed_json: Any, api: ApiKind
) -> dict[str, Any]:
    """The generation request's JSON object, or the HTTPError (415, 422) the
    server answers a missing, mistyped or malformed body with."""
    ctype = hdrs.get("content-type", "").split(";", 1)[0].strip().lower()
    if not body:
        # Texts for 415/422 are guesses in the style of the server framework (§6.1).
        raise HTTPError(
            415,
            CODE_INVALID,
            "Request body is empty. Expected a JSON object with `Content-Type: application/json`.",
        )
    if ctype != "application/json":
        raise HTTPError(415, CODE_INVALID, "Expected request with `Content-Type: application/json`")
    if parsed_json is None:
        raise HTTPError(
            422,
            CODE_INVALID,
            "Failed to deserialize the JSON body into the target type: "
            "expected value at line 1 column 1",
        )
    if not isinstance(parsed_json, dict):
        raise HTTPError(
            422,
            CODE_INVALID,
            "Failed to deserialize the JSON body into the target type: "
            "invalid type: expected struct at line 1 column 1",
        )
    required = ("model", "input") if api == "responses" else ("model", "messages")
    for fld in required:
        if fld not in parsed_json:
            raise HTTPError(
                422,
                CODE_INVALID,
                "Failed to deserialize the JSON body into the target type: "
                f"missing field `{fld}` at line 1 column 1",
            )
    if not isinstance(parsed_json["model"], str):
        raise HTTPError(
            422,
            CODE_INVALID,
            "Failed to deserialize the JSON body into the target type: "
            "model: invalid type: expected a string at line 1 column 1",
        )
    second = parsed_json[required[1]]
    ok = isinstance(second, list) or (api == "responses" and isinstance(second, str))
    if not ok:
        raise HTTPError(
            422,
            CODE_INVALID,
            "Failed to deserialize the JSON body into the target type: "
            f"{required[1]}: invalid type at line 1 column 1",
        )
    return parsed_json
