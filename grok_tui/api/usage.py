"""Normalizing the `usage` objects of both APIs into one `Usage`.

The two APIs disagree on reasoning tokens: `/v1/responses` counts them inside
`output_tokens`, `/v1/chat/completions` outside `completion_tokens` (but inside
`total_tokens`). When `total_tokens` is given it settles the question for the
payload at hand; otherwise the API's documented habit is assumed.
"""

from __future__ import annotations

import math
from typing import Any

from grok_tui.api.events import ToolKind, Usage

TICKS_PER_USD = 10_000_000_000

# `server_side_tool_usage_details` keys -> usage kinds (ToolKind values).
_TOOL_USAGE_KEYS: dict[str, str] = {
    "web_search_calls": ToolKind.WEB_SEARCH.value,
    "x_search_calls": ToolKind.X_SEARCH.value,
    "code_interpreter_calls": ToolKind.CODE_EXECUTION.value,
    "code_execution_calls": ToolKind.CODE_EXECUTION.value,
    "file_search_calls": ToolKind.FILE_SEARCH.value,
    "collections_search_calls": ToolKind.FILE_SEARCH.value,
    "mcp_calls": ToolKind.MCP.value,
    "image_generation_calls": ToolKind.IMAGE_GENERATION.value,
    "view_image_calls": ToolKind.VIEW_IMAGE.value,
    "view_x_video_calls": ToolKind.VIEW_X_VIDEO.value,
}


def _int(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else 0
    return 0


def _usd(value: Any, per_usd: float) -> float | None:
    """A cost in USD from a count of `1/per_usd` units; None when absent,
    not a number, or not a finite float (huge or `NaN` values a server sent)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        cost = value / per_usd
    except OverflowError:
        return None
    return cost if math.isfinite(cost) else None


def _details(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key)
    return value if isinstance(value, dict) else {}


def normalize_usage(raw: dict[str, Any], *, reasoning_in_output: bool) -> Usage:
    """A `Usage` from a Responses (`input_tokens`...) or chat (`prompt_tokens`...)
    usage object. `reasoning_in_output` is the API's habit, used when
    `total_tokens` cannot tell."""
    if "input_tokens" in raw or "output_tokens" in raw:
        inp = _int(raw.get("input_tokens"))
        out = _int(raw.get("output_tokens"))
        in_details = _details(raw, "input_tokens_details")
        out_details = _details(raw, "output_tokens_details")
    else:
        inp = _int(raw.get("prompt_tokens"))
        out = _int(raw.get("completion_tokens"))
        in_details = _details(raw, "prompt_tokens_details")
        out_details = _details(raw, "completion_tokens_details")
    reasoning = _int(out_details.get("reasoning_tokens"))
    total = _int(raw.get("total_tokens"))
    included = reasoning_in_output
    if reasoning and total:
        if inp + out == total and out >= reasoning:
            included = True
        elif inp + out + reasoning == total:
            included = False
    visible = max(0, out - reasoning) if included else out
    if not total:
        total = inp + visible + reasoning

    tools: dict[str, int] = {}
    for key, count in _details(raw, "server_side_tool_usage_details").items():
        n = _int(count)
        if n <= 0:
            continue
        kind = _TOOL_USAGE_KEYS.get(key) or (
            key[: -len("_calls")] if key.endswith("_calls") else key
        )
        tools[kind] = tools.get(kind, 0) + n

    cost = _usd(raw.get("cost_in_usd_ticks"), TICKS_PER_USD)
    if cost is None:
        cost = _usd(raw.get("cost_in_nano_usd"), 1e9)

    return Usage(
        input_tokens=inp,
        cached_input_tokens=_int(in_details.get("cached_tokens")),
        output_tokens=visible,
        reasoning_tokens=reasoning,
        total_tokens=total,
        image_input_tokens=_int(in_details.get("image_tokens")),
        server_side_tool_calls=tools,
        num_server_side_tools_used=_int(raw.get("num_server_side_tools_used")),
        cost_usd=cost,
    )
