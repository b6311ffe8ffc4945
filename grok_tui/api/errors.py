"""Typed errors of the xAI client.

Every failure the client can meet maps to one of these classes. Each carries
the HTTP status (when there was one), the server's opaque `code` string, the
server's message, and whether retrying can help. The UI maps each class to one
clear sentence and a next step (`user_message()`); that mapping lives here so
`ask` and the TUI say the same thing.
"""

from __future__ import annotations

from typing import Any


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
        prefix = f"HTTP {self.status}: " if self.status else ""
        return f"{prefix}{self.message.rstrip('.')}."

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
    hint = "Check XAI_API_KEY (Ctrl+K in the app to enter a key)."


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
