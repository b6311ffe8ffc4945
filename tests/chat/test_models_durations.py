"""Durations read from a session file (hand-edited, another tool, a damaged
write) are clamped on load, so showing them never crashes the app."""

from __future__ import annotations

import json
import math

from grok_tui.chat.formatting import format_duration, format_whole_seconds
from grok_tui.chat.session import MAX_SECONDS, Message
from grok_tui.ui.widgets.tool_log.text import retry_text


def test_non_finite_durations_load_clamped_and_show() -> None:
    raw = json.loads(
        json.dumps(
            {
                "role": "assistant",
                "text": "ok",
                "reasoning_seconds": 0.0,
                "retries": [{"attempt": 1, "delay_s": 1.0}, {"attempt": 2, "delay_s": 1.0}],
                "error": {"type": "server", "message": "x", "retry_after": 1.0},
            }
        )
    )
    raw["reasoning_seconds"] = math.nan
    raw["retries"][0]["delay_s"] = math.inf
    raw["retries"][1]["delay_s"] = -5.0
    raw["error"]["retry_after"] = math.inf
    m = Message.model_validate(raw)
    assert m.reasoning_seconds == 0.0
    assert [r.delay_s for r in m.retries] == [MAX_SECONDS, 0.0]
    assert m.error is not None and m.error.retry_after == MAX_SECONDS
    assert "attempt 1" in str(retry_text(m.retries[0]))  # painted without OverflowError


def test_formatting_never_raises_on_non_finite() -> None:
    for value in (math.inf, -math.inf, math.nan):
        assert format_duration(value) == "–"
        assert format_whole_seconds(value) == "–"
