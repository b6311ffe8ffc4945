"""Shared formatting for the UI: token counts, dollars, durations, timestamps
and the one-line summary of the search settings (tool-call argument summaries
live in `grok_tui.chat.tool_arguments` and are re-exported here).

Pure functions on plain values (no Textual import), so they are cheap to test
and reuse in `grok-tui ask` output as well. Everything that takes untrusted text
(tool arguments, names) returns it cleaned with `strip_control`; callers still
render the result as `Content`/`Text`, never as markup.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Protocol

from grok_tui.chat.search import SearchSettings
from grok_tui.chat.tool_arguments import parse_arguments, pretty_arguments, summarize_arguments
from grok_tui.chat.tools import ToolSettings
from grok_tui.sanitize import strip_control

# -- numbers ----------------------------------------------------------------


def format_tokens(count: int | None) -> str:
    """A compact token count: `950`, `1.2k`, `30.3k`, `1.25M`."""
    if count is None:
        return "–"
    n = int(count)
    sign = "-" if n < 0 else ""
    n = abs(n)
    if n < 1000:
        return f"{sign}{n}"
    if n < 100_000:
        return f"{sign}{n / 1000:.1f}k".replace(".0k", "k")
    if n < 1_000_000:
        return f"{sign}{round(n / 1000)}k"
    return f"{sign}{n / 1_000_000:.2f}M".replace(".00M", "M")


def format_cost(usd: float | None, *, estimated: bool = False) -> str:
    """Dollars with enough precision to be useful for API prices.

    `None` (the server did not say) -> `"–"`; 0 -> `$0`; under a cent -> four
    significant decimals (`$0.0163`), tiny values `<$0.0001`; else cents.
    `estimated` (from the model's prices, not the server's figure) adds `≈`.
    """
    if estimated and usd is not None:
        return "≈" + format_cost(usd)
    if usd is None:
        return "–"
    if usd == 0:
        return "$0"
    if usd < 0:
        return "-" + format_cost(-usd)
    if usd < 0.0001:
        return "<$0.0001"
    if usd < 1:
        return f"${usd:.4f}"
    return f"${usd:,.2f}"


def format_price_per_m(usd_per_m: float | None) -> str:
    """A price per 1M tokens: `$1.25`, `$0.075`, `$15`; `–` when unknown."""
    if usd_per_m is None:
        return "–"
    if usd_per_m == int(usd_per_m):
        return f"${int(usd_per_m)}"
    text = f"{usd_per_m:.4f}".rstrip("0")
    if len(text.split(".")[1]) < 2:
        text = f"{usd_per_m:.2f}"
    return f"${text}"


def format_duration(seconds: float | None) -> str:
    """A short duration: `0.4 s`, `12 s`, `1 m 05 s`, `2 h 03 m`."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    s = max(0.0, float(seconds))
    if s < 10:
        return f"{s:.1f} s"
    whole = int(s)
    if whole < 60:
        return f"{whole} s"
    minutes, sec = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} m {sec:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} m"


def format_whole_seconds(seconds: float) -> str:
    """Seconds for a live ticker: `0 s`, `12 s`, `1 m 05 s` (no decimals, so it
    changes once per tick)."""
    if not math.isfinite(seconds):
        return "–"
    whole = int(max(0.0, seconds))
    if whole < 60:
        return f"{whole} s"
    return format_duration(whole)


# -- timestamps ---------------------------------------------------------------

#: What a timestamp that cannot be shown (missing, NaN, inf, out of range) shows.
NO_TIME = "—"

#: 9999-12-31 23:59:59 UTC: the last second `datetime` can represent.
_MAX_TIMESTAMP = 253_402_300_799.0


def local_time(ts: object) -> dt.datetime | None:
    """The local, timezone-aware time of a Unix timestamp, or None when `ts` is
    not a usable one: not a number, NaN, ±inf, zero or negative (unknown), or
    beyond year 9999. Never raises, whatever a session file or server says."""
    if isinstance(ts, bool):
        return None
    try:
        value = float(ts)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(value) or value <= 0 or value > _MAX_TIMESTAMP:
        return None
    try:
        return dt.datetime.fromtimestamp(value).astimezone()
    except (OverflowError, OSError, ValueError):
        return None


def _now(now: object) -> dt.datetime | None:
    if now is None:
        return dt.datetime.now().astimezone()
    if isinstance(now, dt.datetime):
        return now if now.tzinfo is not None else now.astimezone()
    return local_time(now)


def format_clock(ts: object, now: object = None) -> str:
    """A turn's time: `14:05:09` on the day of `now` (a timestamp or datetime;
    default: the current time), `2025-11-20 14:05` on another day; `—` when
    `ts` is not a usable timestamp."""
    when = local_time(ts)
    if when is None:
        return NO_TIME
    current = _now(now)
    if current is not None and when.date() == current.date():
        return when.strftime("%H:%M:%S")
    return when.strftime("%Y-%m-%d %H:%M")


def format_when(ts: object, now: object = None) -> str:
    """A short local time for lists: `14:05` today, `Mon 14:05` within the last
    six days, `Mar 03` this year, `2024-03-03` before; `—` when `ts` is not a
    usable timestamp. `now` is a timestamp or datetime (default: the current
    time)."""
    when = local_time(ts)
    if when is None:
        return NO_TIME
    current = _now(now)
    if current is None:
        return when.strftime("%Y-%m-%d")
    if when.date() == current.date():
        return when.strftime("%H:%M")
    if abs((current.date() - when.date()).days) < 6 and when <= current:
        return when.strftime("%a %H:%M")
    if when.year == current.year:
        return when.strftime("%b %d")
    return when.strftime("%Y-%m-%d")


def format_date(ts: object, missing: str = NO_TIME) -> str:
    """The local date `2025-11-20`, or `missing` when `ts` is not usable."""
    when = local_time(ts)
    return missing if when is None else when.strftime("%Y-%m-%d")


# -- tool-call arguments (their home is chat/tool_arguments.py) -------------

__all__ = ["parse_arguments", "pretty_arguments", "summarize_arguments"]


# -- usage ------------------------------------------------------------------


class UsageLike(Protocol):
    """What the summaries read from `chat.models.Usage` or `api.events.Usage`."""

    # Read-only: both models (pydantic and frozen dataclass) satisfy it.
    @property
    def input_tokens(self) -> int: ...
    @property
    def cached_input_tokens(self) -> int: ...
    @property
    def output_tokens(self) -> int: ...
    @property
    def reasoning_tokens(self) -> int: ...
    @property
    def total_tokens(self) -> int: ...
    @property
    def server_side_tool_calls(self) -> Mapping[str, int]: ...
    @property
    def num_server_side_tools_used(self) -> int: ...
    @property
    def cost_usd(self) -> float | None: ...


def total_tokens(usage: UsageLike) -> int:
    """Total tokens of a usage (the sum of its parts when total is missing)."""
    if usage.total_tokens:
        return usage.total_tokens
    return usage.input_tokens + usage.output_tokens + usage.reasoning_tokens


def tool_calls_by_kind(
    usage: UsageLike | None, tool_kinds: Iterable[str] = ()
) -> tuple[int, list[tuple[str, int]]]:
    """(total tool calls, [(kind, count), ...]) for a turn's summary line.

    Counts come from the usage's billable `server_side_tool_calls` when the
    server reported them, else from the recorded calls' kinds. The total is the
    largest of the server's `num_server_side_tools_used`, the billable sum and
    the number of recorded calls (view_image and view_x_video are token-billed,
    so they appear only in the total)."""
    kinds = list(tool_kinds)
    by_kind: dict[str, int] = {}
    if usage is not None and usage.server_side_tool_calls:
        for kind, count in usage.server_side_tool_calls.items():
            if count:
                by_kind[strip_control(str(kind))] = int(count)
    else:
        for kind in kinds:
            by_kind[kind] = by_kind.get(kind, 0) + 1
    billable = sum(by_kind.values())
    total = max(billable, len(kinds), usage.num_server_side_tools_used if usage else 0)
    return total, sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0]))


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# -- search settings ----------------------------------------------------------


def _list_summary(items: list[str], prefix: str = "", exclude: bool = False) -> str:
    if not items:
        return ""
    mark = "-" if exclude else ""
    first = f"{mark}{prefix}{items[0]}"
    return first if len(items) == 1 else f"{first} +{len(items) - 1}"


def tools_summary(tools: ToolSettings) -> list[str]:
    """The tools beyond search that are on: `code`, `mcp: deepwiki +1`, `docs: 2`
    (collections searched)."""
    parts: list[str] = []
    if tools.code_execution:
        parts.append("code")
    if tools.mcp:
        parts.append(f"mcp: {_list_summary(tools.mcp)}")
    if tools.collections:
        parts.append(f"docs: {len(tools.collections)}")
    return parts


def search_summary(settings: SearchSettings | None) -> str:
    """A compact one-line summary of which search tools are on and how filters
    narrow them, e.g. `web: x.ai +1  X: @xai 2025-11-01..`.

    - nothing enabled: `search off`
    - web on without filters: `web`; allowed domains `web: x.ai +1`; excluded
      domains `web: -reddit.com`
    - X on: `X`, `X: @xai +2`, `X: -@spam`, dates `2025-11-01..2025-12-01`,
      `2025-11-01..` (from only), `..2025-12-01` (to only)
    - image/video understanding add `+img` / `+video`
    - a reasoning effort other than the model default adds `effort: high`
    - the tools beyond search follow (`tools_summary`): `code`,
      `mcp: deepwiki +1`, `docs: 2`
    """
    if settings is None:
        return "search off"
    parts: list[str] = []
    web = settings.web
    if web.enabled:
        text = "web"
        domains = _list_summary(web.domains, exclude=web.domain_mode == "excluded")
        if domains:
            text += f": {domains}"
        extras = []
        if web.image_understanding:
            extras.append("+img")
        if web.image_search:
            extras.append("+imgsearch")
        if extras:
            text += " " + " ".join(extras)
        parts.append(text)
    x = settings.x
    if x.enabled:
        text = "X"
        filters: list[str] = []
        handles = _list_summary(x.handles, prefix="@", exclude=x.handle_mode == "excluded")
        if handles:
            filters.append(handles)
        if x.from_date or x.to_date:
            filters.append(f"{x.from_date or ''}..{x.to_date or ''}")
        if filters:
            text += ": " + " ".join(filters)
        extras = []
        if x.image_understanding:
            extras.append("+img")
        if x.video_understanding:
            extras.append("+video")
        if extras:
            text += " " + " ".join(extras)
        parts.append(text)
    parts.extend(tools_summary(settings.tools))
    if not parts:
        parts.append("search off")
    if settings.reasoning_effort:
        parts.append(f"effort: {settings.reasoning_effort}")
    return strip_control("  ".join(parts))


def sent_search_summary(settings: SearchSettings | None, *, model: str | None, api: str) -> str:
    """`search_summary` of what is *sent* to `model` on `api`: a reasoning
    effort the model refuses is left out, and search on the Chat Completions
    API (which has no server-side tools) reads `search not sent (chat API)`,
    `tools not sent (chat API)` or `search and tools not sent (chat API)`."""
    if settings is None:
        return search_summary(None)
    from grok_tui.chat.preflight import effort_to_send

    sent = settings.model_copy(deep=True)
    if model is not None:
        sent.reasoning_effort = effort_to_send(model, settings.reasoning_effort)
    if api == "chat" and sent.any_enabled:
        searched = sent.web.enabled or sent.x.enabled
        tools = sent.tools.any_enabled
        what = "search and tools" if searched and tools else "search" if searched else "tools"
        sent.web.enabled = sent.x.enabled = False
        sent.tools = ToolSettings()
        return search_summary(sent).replace("search off", f"{what} not sent (chat API)", 1)
    return search_summary(sent)
