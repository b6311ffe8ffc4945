"""Keeping the secrets a request carries in its body (MCP `authorization`
tokens) out of the events it produces: a server or an MCP server that echoes a
token in a tool call's error, output or arguments, or in an error message,
never gets it past the client.

Text deltas are not scanned (the model never sees the tokens, and scanning
every token of a reply would cost the streaming hot path); everything that is
kept as tool-call state or as an error is.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from grok_tui.api.chat_request import ChatRequest, McpTool
from grok_tui.api.endpoint import mask_key
from grok_tui.api.errors import XAIError
from grok_tui.api.events import (
    DebugEvent,
    Failed,
    Retrying,
    StreamEvent,
    ToolCallFinished,
    ToolCallStarted,
    ToolCallUpdated,
)

#: The shortest token scrubbed (shorter values would mask ordinary words).
MIN_SECRET = 6


def mask(secret: str) -> str:
    """`…wxyz`: the project's one masking rule (`api.endpoint.mask_key`): never
    more than the last 4 characters, nothing of a short token."""
    return mask_key(secret)


def request_secrets(request: ChatRequest) -> tuple[str, ...]:
    """The token values of the request's MCP tools (with and without `Bearer `)."""
    out: list[str] = []
    for tool in request.tools:
        if isinstance(tool, McpTool) and tool.authorization:
            auth = tool.authorization.strip()
            token = auth[7:].strip() if auth.lower().startswith("bearer ") else auth
            for value in (auth, token):
                if len(value) >= MIN_SECRET and value not in out:
                    out.append(value)
    # Longest first, so `Bearer tok` is masked whole before `tok`.
    return tuple(sorted(out, key=len, reverse=True))


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, mask(secret))
    return text


_Event = TypeVar("_Event", ToolCallStarted, ToolCallUpdated, ToolCallFinished, DebugEvent)


def _scrub_fields(event: _Event, names: tuple[str, ...], secrets: tuple[str, ...]) -> _Event:
    changes: dict[str, Any] = {}
    for name in names:
        value = getattr(event, name)
        if isinstance(value, str):
            clean = _scrub(value, secrets)
            if clean != value:
                changes[name] = clean
    return dataclasses.replace(event, **changes) if changes else event


def redact_event(event: StreamEvent, secrets: tuple[str, ...]) -> StreamEvent:
    """`event` with every secret masked in the fields that are kept or shown."""
    if not secrets:
        return event
    match event:
        case ToolCallStarted():
            return _scrub_fields(event, ("name", "arguments", "server"), secrets)
        case ToolCallUpdated():
            return _scrub_fields(event, ("arguments",), secrets)
        case ToolCallFinished():
            fields = ("name", "arguments", "error", "output", "server")
            finished = _scrub_fields(event, fields, secrets)
            if finished.results:
                hits = tuple(
                    dataclasses.replace(h, text=_scrub(h.text, secrets)) for h in finished.results
                )
                finished = dataclasses.replace(finished, results=hits)
            return finished
        case DebugEvent():
            return _scrub_fields(event, ("message",), secrets)
        case Retrying():
            _scrub_error(event.error, secrets)
            return event
        case Failed():
            _scrub_error(event.error, secrets)
            if event.text and any(s in event.text for s in secrets):
                return dataclasses.replace(event, text=_scrub(event.text, secrets))
            return event
        case _:
            return event  # nothing kept or shown can hold a token


def _scrub_error(error: XAIError, secrets: tuple[str, ...]) -> None:
    if any(s in error.message for s in secrets):
        error.message = _scrub(error.message, secrets)
        error.args = (error.message,)
