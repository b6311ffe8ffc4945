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
from typing import Any

from grok_tui.api.events import (
    DebugEvent,
    Failed,
    Retrying,
    StreamEvent,
    ToolCallFinished,
    ToolCallStarted,
    ToolCallUpdated,
)
from grok_tui.api.request import ChatRequest, McpTool

#: The shortest token scrubbed (shorter values would mask ordinary words).
MIN_SECRET = 6


def mask(secret: str) -> str:
    """`abcd…wxyz`: enough to recognize a token, never enough to use it."""
    return f"{secret[:4]}…{secret[-4:]}" if len(secret) >= 12 else "…"


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


def _scrub_fields(event: Any, names: tuple[str, ...], secrets: tuple[str, ...]) -> Any:
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
    if isinstance(event, ToolCallStarted):
        fields = ("name", "arguments", "server")
        return _scrub_fields(event, fields, secrets)  # type: ignore[no-any-return]
    if isinstance(event, ToolCallUpdated):
        return _scrub_fields(event, ("arguments",), secrets)  # type: ignore[no-any-return]
    if isinstance(event, ToolCallFinished):
        event = _scrub_fields(event, ("name", "arguments", "error", "output", "server"), secrets)
        if event.results:
            hits = tuple(
                dataclasses.replace(h, text=_scrub(h.text, secrets)) for h in event.results
            )
            event = dataclasses.replace(event, results=hits)
        return event
    if isinstance(event, DebugEvent):
        return _scrub_fields(event, ("message",), secrets)  # type: ignore[no-any-return]
    if isinstance(event, Retrying):
        error = event.error
        if any(s in error.message for s in secrets):
            error.message = _scrub(error.message, secrets)
            error.args = (error.message,)
        return event
    if isinstance(event, Failed):
        error = event.error
        if secrets and any(s in error.message for s in secrets):
            error.message = _scrub(error.message, secrets)
            error.args = (error.message,)
        if event.text and any(s in event.text for s in secrets):
            return dataclasses.replace(event, text=_scrub(event.text, secrets))
        return event
    return event
