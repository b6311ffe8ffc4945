"""Low-level pieces shared by the fake's protocol logic, server and transport."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Pause:
    """Send nothing for `seconds` (pacing, stalls)."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Drop:
    """Cut the connection now, without finishing the body."""


DROP = Drop()

BodyItem = bytes | Pause | Drop
Body = bytes | Iterable[BodyItem]

#: An SSE comment frame, as servers and proxies send while a model thinks
#: (clients must ignore comment lines; the spec suggests one every ~15 s).
KEEPALIVE_COMMENT = b": keep-alive\n\n"


def with_keepalives(items: Iterable[BodyItem], interval: float) -> Iterator[BodyItem]:
    """`items`, with every pause of `interval` seconds or more cut into
    `interval`-long pieces, each followed by a `KEEPALIVE_COMMENT`."""
    for item in items:
        if isinstance(item, Pause) and item.seconds >= interval:
            left = item.seconds
            while left >= interval:
                yield Pause(interval)
                yield KEEPALIVE_COMMENT
                left -= interval
            if left > 1e-9:
                yield Pause(left)
        else:
            yield item


@dataclass(slots=True)
class FakeResponse:
    """What the fake answers: status, headers and a body.

    `body` is either the whole body as bytes, or an iterable of `bytes` to send,
    `Pause(seconds)` and `DROP` (cut the connection mid-body).
    """

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Body = b""

    @property
    def streaming(self) -> bool:
        return not isinstance(self.body, bytes | bytearray)

    def iter_body(self) -> Iterator[BodyItem]:
        if isinstance(self.body, bytes | bytearray):
            yield bytes(self.body)
        else:
            yield from self.body

    def read_all(self) -> tuple[bytes, bool]:
        """All body bytes (pauses skipped) and whether the body was dropped.

        Convenience for tests of the protocol logic without sockets.
        """
        out = bytearray()
        for item in self.iter_body():
            if isinstance(item, Drop):
                return bytes(out), True
            if isinstance(item, bytes):
                out += item
        return bytes(out), False


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the fake received. Header names are lower-cased and the
    Authorization value is masked (`Bearer xa***ey`); `auth_ok` says whether it
    carried the valid key."""

    method: str
    path: str
    headers: dict[str, str]
    json: Any | None
    auth_ok: bool = False


def dumps(obj: Any) -> str:
    """Compact JSON as xAI writes it: no spaces, non-ASCII kept literal."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def json_body(obj: Any) -> bytes:
    return dumps(obj).encode("utf-8")


def json_response(obj: Any, status: int = 200) -> FakeResponse:
    """`obj` as a JSON answer."""
    return FakeResponse(status, {"content-type": "application/json"}, json_body(obj))


def sse_data(obj: Any | str, event: str | None = None) -> bytes:
    """One SSE frame: optional `event:` line, one `data:` line, blank line."""
    data = obj if isinstance(obj, str) else dumps(obj)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {data}\n\n".encode()


def mask_key_like_xai(key: str) -> str:
    """The mask xAI's server uses in its error text: first two and last two
    characters. The fake imitates the server; grok-tui's own mask (what the app
    shows) is `grok_tui.api.endpoint.mask_key`."""
    if len(key) <= 4:
        return "***"
    return f"{key[:2]}***{key[-2:]}"
