"""The fake's HTTP errors: the real API's error codes and messages (§6 of the
wire reference; texts marked "guess" were not captured) and `HTTPError`,
raised anywhere in the fake's request handling and answered as the JSON
error body `{"code", "error"}`."""

from __future__ import annotations

from collections.abc import Mapping

from grok_tui.fake.wire import FakeResponse, json_body

CODE_INVALID = "Client specified an invalid argument"
CODE_UNAUTH = "The request does not have valid authentication credentials"
CODE_PERMISSION = "The caller does not have permission to execute the specified operation"
CODE_NOT_FOUND_MODEL = "Some resource has not been found"
CODE_NOT_FOUND_ROUTE = "Some requested entity was not found"
CODE_EXHAUSTED = "Some resource has been exhausted"
CODE_UNAVAILABLE = "The service is currently unavailable"
CODE_INTERNAL = "Internal error"  # guess

MSG_ROUTE = (
    "No handler found on route. Please double check your URL and consult "
    "https://api.x.ai/docs for more information."
)
MSG_LIVE_SEARCH = (
    "Live search is deprecated. Please switch to the Agent Tools API: "
    "https://docs.x.ai/docs/guides/tools/overview"
)


class HTTPError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})

    def response(self) -> FakeResponse:
        headers = {"content-type": "application/json"}
        headers.update(self.headers)
        return FakeResponse(
            self.status, headers, json_body({"code": self.code, "error": self.message})
        )
