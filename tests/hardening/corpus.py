"""Seed inputs for the hardening tests: real captured streams, the fake's
streams, and a hostile-value catalogue for mutating JSON."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from grok_tui.fake import FakeConfig, FakeXAI
from tests.api.helpers import SSE_FIXTURES, fixture_bytes

KEY = "xai-fuzz-key-0000"

#: (api kind, frames) seeds: every captured transcript and the fake's streams.
Seed = tuple[str, tuple[bytes, ...]]

_FAKE_SCENARIOS = (
    "plain",
    "reasoning",
    "search",
    "search_shape_a",
    "error_event",
    "response_failed",
    "drop",
    "malformed",
    "unknown_events",
)


def split_frames(body: bytes) -> tuple[bytes, ...]:
    """An SSE body as frames, each ending with its blank line."""
    parts = body.replace(b"\r\n", b"\n").split(b"\n\n")
    return tuple(p + b"\n\n" for p in parts if p.strip())


def _fake_body(api: str, scenario: str) -> bytes:
    fake = FakeXAI(
        FakeConfig(
            api_key=KEY,
            chunk_chars=12,
            markdown_tokens=60,
            emit_event_lines=scenario in ("plain", "search"),
        )
    )
    path = "/v1/responses" if api == "responses" else "/v1/chat/completions"
    body: dict[str, Any] = {"model": "grok-4.3", "stream": True}
    text = f"scenario:{scenario} hello"
    if api == "responses":
        body["input"] = [{"role": "user", "content": text}]
        if scenario.startswith("search"):
            body["tools"] = [{"type": "web_search"}, {"type": "x_search"}]
    else:
        body["messages"] = [{"role": "user", "content": text}]
    resp = fake.handle(
        "POST",
        path,
        {"authorization": f"Bearer {KEY}", "content-type": "application/json"},
        json.dumps(body).encode(),
    )
    data, _dropped = resp.read_all()
    return data


@lru_cache(maxsize=1)
def seeds() -> tuple[Seed, ...]:
    out: list[Seed] = []
    for name, api in sorted(SSE_FIXTURES.items()):
        out.append((api, split_frames(fixture_bytes(name))))
    for api in ("responses", "chat"):
        for scenario in _FAKE_SCENARIOS:
            frames = split_frames(_fake_body(api, scenario))
            if frames:
                out.append((api, frames))
    return tuple(out)


#: Raw JSON literals that a hostile or broken server could send as any value.
HOSTILE_LITERALS: tuple[str, ...] = (
    "5",
    "-1",
    "0",
    "null",
    "true",
    "false",
    '"x"',
    '""',
    "[]",
    "{}",
    "[null]",
    "1e999",
    "-1e999",
    "NaN",
    "Infinity",
    "1.5",
    "9" * 400,
    "-" + "9" * 400,
    "[" * 5000 + "]" * 5000,  # deep but parseable
    "[" * 100_000 + "]" * 100_000,  # deeper than the JSON parser's recursion limit
    '{"a":' * 3000 + "1" + "}" * 3000,
    '"\\ud800"',
    '"\\udfff tail"',
    '"\\ud83d"',
    '"\\u0000\\u001b]0;pwned\\u0007"',
    '"\\u001b[2J\\u009b31m"',
    '["\\ud800"]',
    '{"\\ud800":1}',
    '"' + "A" * 200_000 + '"',
)


def replace_at(doc: Any, path: tuple[Any, ...], literal: str) -> str:
    """`doc` as JSON with the value at `path` replaced by the raw `literal`."""
    marker = "__HOSTILE_VALUE__"
    if not path:
        return literal
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = marker
    return json.dumps(doc, ensure_ascii=False).replace(json.dumps(marker), literal, 1)


def json_paths(doc: Any, prefix: tuple[Any, ...] = (), limit: int = 400) -> list[tuple[Any, ...]]:
    """Paths to every value inside `doc` (breadth-limited)."""
    out: list[tuple[Any, ...]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [(prefix, doc)]
    while stack and len(out) < limit:
        path, value = stack.pop()
        if path:
            out.append(path)
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in enumerate(value))
    return out
