"""Typed errors of the xAI client.

Every failure the client can meet maps to one of these classes. Each carries
the HTTP status (when there was one), the server's opaque `code` string, the
server's message, and whether retrying can help. The UI maps each class to one
clear sentence and a next step (`user_message()`); that mapping lives here so
`ask` and the TUI say the same thing.
"""

from __future__ import annotations

import email.utils as _email_utils
import json as _json
import re as _re
import time as _time
from collections.abc import Callable, Mapping
from typing import Any

from grok_tui.sanitize import fix_surrogates

# Sentence boundary: ., ! or ? then whitespace then a capital letter ("grok-4.3."
# and URLs don't split; "xa***10. You can" does).
_SENTENCE_END = _re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


class XAIError(Exception):
    """Base class of every client error."""

    #: Short machine name, stable across releases (used in --json output and sessions).
    kind: str = "error"
    #: Whether retrying the same request may succeed.
    retryable: bool = False
    #: What the user can do about it (one short sentence).
    hint: str = "Try again."

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.retry_after = retry_after

    def user_message(self) -> str:
        """One clear sentence for the user, with the next step."""
        return f"{self.summary()} {self.hint}".strip()

    def summary(self) -> str:
        """The first sentence of the server's message, with the HTTP status."""
        # A 200 carrying an error body is not news to the user ("HTTP 200" reads as success).
        prefix = f"HTTP {self.status}: " if self.status and self.status != 200 else ""
        first = _SENTENCE_END.split(self.message.strip(), maxsplit=1)[0]
        return f"{prefix}{first.rstrip('.')}."

    def detail(self) -> str:
        """The server's whole message (may be several sentences), for a details line."""
        return self.message.strip()

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.kind,
            "message": self.message,
            "status": self.status,
            "code": self.code,
            "retry_after": self.retry_after,
            "retryable": self.retryable,
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status!r})"


class AuthenticationError(XAIError):
    """401 (missing/invalid credentials) or 400 "Incorrect API key"."""

    kind = "auth"
    hint = 'Check XAI_API_KEY, or enter a key in the app (command palette: "API key").'


class PermissionDeniedError(XAIError):
    """403: the key or team lacks permission or is blocked."""

    kind = "permission"
    hint = "Check the key's permissions and team status at console.x.ai."


class NotFoundError(XAIError):
    """404: unknown model or route."""

    kind = "not_found"
    hint = "Check the model name and --base-url."


class InvalidRequestError(XAIError):
    """400 / 405 / 415 / 422: the server refused the request as malformed."""

    kind = "invalid_request"
    hint = "Change the request (model options, filters or attachments) and try again."


class GoneError(XAIError):
    """410: a retired feature (Live Search `search_parameters`)."""

    kind = "gone"
    hint = "This feature was retired by xAI; use the search tools instead."


class RateLimitError(XAIError):
    """429 rate or capacity limit; `retry_after` from the header when present."""

    kind = "rate_limited"
    retryable = True
    hint = "Wait a moment and retry."


class BillingError(XAIError):
    """429 (or 403) because credits are used up or the spending limit is reached."""

    kind = "billing"
    hint = "Add credits or raise the spending limit at console.x.ai."


class ServerError(XAIError):
    """5xx, "service unavailable" (also as a 200 JSON body), or a server-side
    `error` / `response.failed` event."""

    kind = "server"
    retryable = True
    hint = "The service had a problem; retry shortly."


class APITimeoutError(XAIError):
    """Connect or read timeout (no byte for longer than the read timeout)."""

    kind = "timeout"
    retryable = True
    hint = "The server stopped answering; retry, or raise the read timeout."


class APIConnectionError(XAIError):
    """The server could not be reached (refused, DNS, TLS, reset before any answer)."""

    kind = "connection"
    retryable = True
    hint = "Check the network and --base-url, then retry."


class StreamInterruptedError(XAIError):
    """The stream ended before the response completed (connection dropped)."""

    kind = "stream_interrupted"
    retryable = True
    hint = "The partial reply was kept; retry to get a full one."


class ProtocolError(XAIError):
    """The server answered with something that is not the xAI wire format."""

    kind = "protocol"
    hint = "The server's answer was not understood; check --base-url."


class RequestCancelled(XAIError):
    """The user stopped the request. Not an error for the user; carried in
    `Failed` so a stopped stream also ends with one terminal event."""

    kind = "cancelled"
    hint = ""

    def summary(self) -> str:
        return "Stopped."


ERROR_KINDS: dict[str, type[XAIError]] = {
    cls.kind: cls
    for cls in (
        XAIError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        InvalidRequestError,
        GoneError,
        RateLimitError,
        BillingError,
        ServerError,
        APITimeoutError,
        APIConnectionError,
        StreamInterruptedError,
        ProtocolError,
        RequestCancelled,
    )
}


def error_from_dict(data: dict[str, Any]) -> XAIError:
    """Rebuild an error from `to_dict()` output (sessions store failed replies)."""
    cls = ERROR_KINDS.get(str(data.get("type")), XAIError)
    return cls(
        str(data.get("message") or ""),
        status=data.get("status"),
        code=data.get("code"),
        retry_after=data.get("retry_after"),
    )


# ---------------------------------------------------------------------------
# Mapping HTTP answers and in-stream error payloads to typed errors.
# ---------------------------------------------------------------------------

_BILLING_RE = _re.compile(r"credits|spending limit", _re.I)
_BAD_KEY_RE = _re.compile(r"incorrect api key|invalid api key", _re.I)
_MAX_MESSAGE = 500


def parse_retry_after(
    headers: Mapping[str, str], now: Callable[[], float] = _time.time
) -> float | None:
    """Seconds to wait from `Retry-After` (seconds or an HTTP date) or
    `retry-after-ms`; None when absent or unreadable."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000.0)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    raw = raw.strip()
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = _email_utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now())


def parse_error_body(body: bytes | str) -> tuple[str | None, str | None, str | None]:
    """(code, message, type) from an error body: xAI's flat `{"code","error"}`,
    OpenAI's nested `{"error":{"message","type","code"}}`, or plain text."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        data = _json.loads(text)
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, dict):
        return error_fields(data)
    stripped = fix_surrogates(" ".join(text.split())[:_MAX_MESSAGE])
    return None, (stripped or None), None


def error_fields(data: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(code, message, type) of a parsed error object in any of the known shapes."""
    err = data.get("error")
    if isinstance(err, dict):
        code = err.get("code")
        return (
            None if code is None else str(code),
            _clip(err.get("message")),
            None if err.get("type") is None else str(err.get("type")),
        )
    code = data.get("code")
    message = err if isinstance(err, str) else data.get("message")
    return (None if code is None else str(code), _clip(message), _opt_str(data.get("type")))


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _clip(value: Any) -> str | None:
    if value is None:
        return None
    try:
        text = fix_surrogates(str(value))
    except ValueError:  # an int too long to print (over sys.get_int_max_str_digits())
        text = f"<{type(value).__name__}>"
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def error_for_status(
    status: int,
    message: str | None,
    *,
    code: str | None = None,
    retry_after: float | None = None,
) -> XAIError:
    """The typed error of an HTTP status and the server's message."""
    msg = message or f"HTTP {status}"
    kw: dict[str, Any] = {"status": status, "code": code, "retry_after": retry_after}
    billing = bool(_BILLING_RE.search(msg))
    if status == 401 or (status == 400 and _BAD_KEY_RE.search(msg)):
        return AuthenticationError(msg, **kw)
    if status == 403:
        return BillingError(msg, **kw) if billing else PermissionDeniedError(msg, **kw)
    if status == 404:
        return _not_found(msg, kw)
    if status == 410:
        return GoneError(msg, **kw)
    if status == 429:
        return BillingError(msg, **kw) if billing else RateLimitError(msg, **kw)
    if status == 408:
        return APITimeoutError(msg, **kw)
    if status == 200:
        # A JSON error body instead of an event stream: its `code` says what
        # kind ("The service is currently unavailable" is the documented one).
        typed = error_from_code(code, msg, status=status)
        if typed is not None:
            typed.retry_after = retry_after
            return typed
        return ServerError(msg, **kw)
    if status >= 500:
        return ServerError(msg, **kw)
    if 400 <= status < 500:
        return InvalidRequestError(msg, **kw)
    return ProtocolError(msg, **kw)


#: 404s about a document or a collection rather than a model or a route.
_MISSING_FILE_RE = _re.compile(r"^\s*File \S+ (was )?not found", _re.IGNORECASE)
_MISSING_COLLECTION_RE = _re.compile(r"^\s*Collection \S+ (was )?not found", _re.IGNORECASE)


def _not_found(msg: str, kw: dict[str, Any]) -> NotFoundError:
    error = NotFoundError(msg, **kw)
    if _MISSING_FILE_RE.search(msg):
        error.hint = (
            "A document sent in this conversation is no longer on the server (deleted or "
            "expired); attach it again (Ctrl+T) and send."
        )
    elif _MISSING_COLLECTION_RE.search(msg):
        error.hint = "Check the collection ids in the tools pane (F3) or --collection."
    return error


def error_from_response(status: int, body: bytes, headers: Mapping[str, str]) -> XAIError:
    """The typed error of a whole non-stream HTTP answer."""
    code, message, _type = parse_error_body(body)
    return error_for_status(status, message, code=code, retry_after=parse_retry_after(headers))


# OpenAI `ResponseError.code` values (xai-wire.md §6.2) that describe the
# request itself: the same request fails the same way, so it is not retried.
_REQUEST_CODES = frozenset(
    {
        "invalid_prompt",
        "invalid_image",
        "invalid_image_format",
        "invalid_base64_image",
        "invalid_image_url",
        "image_too_large",
        "image_too_small",
        "image_parse_error",
        "image_content_policy_violation",
        "invalid_image_mode",
        "image_file_too_large",
        "unsupported_image_media_type",
        "empty_image_file",
        "failed_to_download_image",
        "image_file_not_found",
    }
)
# The gRPC status descriptions and kebab slugs xAI puts in `code` (§6.2),
# mapped to the class of the matching HTTP status.
_CODE_WORDS: tuple[tuple[str, type[XAIError]], ...] = (
    ("invalid argument", InvalidRequestError),
    ("invalid-argument", InvalidRequestError),
    ("failed-precondition", InvalidRequestError),
    ("out-of-range", InvalidRequestError),
    ("does not have valid authentication", AuthenticationError),
    ("unauthenticated", AuthenticationError),
    ("does not have permission", PermissionDeniedError),
    ("permission-denied", PermissionDeniedError),
    ("permission_denied", PermissionDeniedError),
    ("not been found", NotFoundError),
    ("not found", NotFoundError),
    ("not-found", NotFoundError),
    ("not_found", NotFoundError),
    ("resource has been exhausted", RateLimitError),
    ("resource-exhausted", RateLimitError),
    ("rate_limit", RateLimitError),
    ("service is currently unavailable", ServerError),
    ("unavailable", ServerError),
    ("deadline", APITimeoutError),
    ("timeout", APITimeoutError),
    ("internal", ServerError),
    ("server_error", ServerError),
)
# Message texts that say the request itself cannot succeed, whatever the code.
_NOT_FOUND_RE = _re.compile(
    r"\bnot (?:been )?found\b|does not exist|no responses could be found", _re.I
)
_PERMISSION_RE = _re.compile(
    r"permission|not allowed|forbidden|not authori[sz]ed|\bblocked\b|access denied", _re.I
)
_INVALID_RE = _re.compile(
    r"\binvalid\b|not supported|unsupported|too large|too small|failed to download|"
    r"could not (?:download|decode|parse)|must (?:have|be)|cannot be used",
    _re.I,
)


def error_from_code(
    code: str | None, message: str, *, status: int | None = None
) -> XAIError | None:
    """The typed error a `code` string names, or None when it names none we know."""
    key = (code or "").strip().lower()
    if not key:
        return None
    if key in _REQUEST_CODES or key.startswith(("invalid_image", "image_")):
        return InvalidRequestError(message, status=status, code=code)
    for word, cls in _CODE_WORDS:
        if word in key:
            if cls is RateLimitError and _BILLING_RE.search(message):
                return BillingError(message, status=status, code=code)
            if cls is PermissionDeniedError and _BILLING_RE.search(message):
                return BillingError(message, status=status, code=code)
            if cls is InvalidRequestError and _BAD_KEY_RE.search(message):
                return AuthenticationError(message, status=status, code=code)
            return cls(message, status=status, code=code)
    return None


def error_from_stream(code: str | None, message: str | None, etype: str | None = None) -> XAIError:
    """The typed error of an in-stream `error` event, a `response.failed`
    payload or an in-band chat `{"error":{...}}` frame.

    Only what a retry can fix is retryable: a known `code` decides first, then
    the message (billing, rate/capacity, not found, permission, a request the
    server refuses as invalid: image too large, failed download, ...); an
    unexplained server failure stays a retryable `ServerError`.
    """
    msg = message or "The server reported an error in the stream"
    if _BILLING_RE.search(msg):
        return BillingError(msg, code=code)
    typed = error_from_code(code, msg) or error_from_code(etype, msg)
    if typed is not None and not isinstance(typed, ServerError):
        return typed
    lowered = msg.lower()
    if "rate limit" in lowered or "capacity" in lowered or "too many" in lowered:
        return RateLimitError(msg, code=code)
    if _BAD_KEY_RE.search(msg):
        return AuthenticationError(msg, code=code)
    if _NOT_FOUND_RE.search(msg):
        return NotFoundError(msg, code=code)
    if _PERMISSION_RE.search(msg):
        return PermissionDeniedError(msg, code=code)
    if _INVALID_RE.search(msg):
        return InvalidRequestError(msg, code=code)
    return ServerError(msg, code=code)
