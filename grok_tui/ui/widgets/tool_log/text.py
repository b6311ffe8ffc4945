"""The display text of the tool log's rows: `Content` built from cleaned
strings (never markup), styled through the widget's component classes.

Every function takes `style(component) -> Style` (the widget's component
class lookup) and, where a running time shows, `now` (wall time). Nothing here
caches or knows about lines on screen; the widget does.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content
from textual.style import Style

from grok_tui.chat.formatting import (
    format_clock,
    format_cost,
    format_duration,
    format_tokens,
    format_whole_seconds,
    plural,
    pretty_arguments,
    summarize_arguments,
    tool_calls_by_kind,
    total_tokens,
)
from grok_tui.chat.session import Message, MessageStatus, RetryRecord
from grok_tui.sanitize import one_line, strip_control
from grok_tui.ui.widgets.tool_log import tool_details
from grok_tui.ui.widgets.tool_log.rows import MIN_REASONING_SECONDS, RUNNING_PHASES, Row

StyleFor = Callable[[str], Style]

PHASE_CLASS = {
    "started": "tool-log--started",
    "searching": "tool-log--running",
    "completed": "tool-log--done",
    "failed": "tool-log--failed",
    "incomplete": "tool-log--failed",
}
PHASE_ICON = {
    "started": "○",
    "searching": "◔",
    "completed": "✓",
    "failed": "✗",
    "incomplete": "–",
}
RETRY_WORDS = {
    "rate_limited": "rate limited",
    "server": "server error",
    "timeout": "timed out",
    "connection": "connection failed",
    "stream_interrupted": "stream interrupted",
}
#: Indent of the expanded lines of a row.
DETAIL_INDENT = 6


def retry_text(record: RetryRecord) -> str:
    """A retry row's text: "retrying in 2 s: rate limited (attempt 1)"."""
    reason = RETRY_WORDS.get(record.error_kind) or one_line(record.error or record.error_kind, 80)
    delay = record.delay_s
    when = format_whole_seconds(delay) if delay >= 1 else f"{delay:.1f} s"
    return strip_control(f"retrying in {when}: {reason} (attempt {record.attempt})")


#: How a reasoning row says the time is unknown (and the narrow pane's form).
NO_TIME = " (time not reported)"
NO_TIME_SHORT = " (time n/a)"


def reasoning_text(
    message: Message, *, live: bool, now: float, short: bool = False
) -> tuple[str, str]:
    """The reasoning row's text and its component class.

    Hidden reasoning may report no time at all (no events, or a reasoning item
    opened and closed at once): then "reasoned · N tokens (time not
    reported)" ("(time n/a)" when `short`), never "thought for 0.0 s"."""
    seconds = message.reasoning_seconds
    tokens = message.usage.reasoning_tokens if message.usage is not None else 0
    if seconds is not None or (tokens and not live):
        if seconds is not None and seconds >= MIN_REASONING_SECONDS:
            text = f"thought for {format_duration(seconds)}"
            if tokens:
                text += f" · {format_tokens(tokens)} tokens"
        else:
            text = "reasoned"
            if tokens:
                text += f" · {format_tokens(tokens)} tokens"
            text += NO_TIME_SHORT if short else NO_TIME
        return text, "tool-log--done"
    if live and message.reasoning_started_at is not None:
        return (
            f"thinking… {format_whole_seconds(now - message.reasoning_started_at)}",
            "tool-log--running",
        )
    if live:
        return "thinking…", "tool-log--running"
    return "thinking (unfinished)", "tool-log--dim"


def header_line(row: Row, width: int, style: StyleFor, now: float) -> Content:
    turn = row.turn
    stamp = format_clock(turn.message.created_at, now)
    prompt = turn.prompt or "(reply)"
    return Content.assemble(
        ("▍", style("tool-log--header")),
        (stamp, style("tool-log--dim")),
        "  ",
        (prompt, style("tool-log--header")),
    ).truncate(width, ellipsis=True)


def retry_line(row: Row, width: int, style: StyleFor) -> Content:
    if row.retry is None:
        return Content("")
    return Content.assemble(
        "  ",
        ("↻ ", style("tool-log--running")),
        (retry_text(row.retry), style("tool-log--dim")),
    ).truncate(width, ellipsis=True)


def tool_line(row: Row, width: int, style: StyleFor, now: float) -> Content:
    turn = row.turn
    tc = turn.tool_call(row.call_id)
    word = ""
    if tc is None:
        name, phase, summary, elapsed = row.name or "tool", "started", "", ""
    else:
        name = tool_details.shown_name(tc, row.name or "tool")
        phase = tc.phase
        if phase in RUNNING_PHASES and not turn.live and tc.finished_at is None:
            phase = "incomplete"
        summary = summarize_arguments(name, tc.arguments)
        if tc.finished_at is not None:
            elapsed = format_duration(tc.finished_at - tc.started_at)
        elif turn.live:
            elapsed = format_whole_seconds(now - tc.started_at)
        else:
            elapsed = ""
        word = tool_details.phase_word(tc, phase, turn.live and phase in RUNNING_PHASES)
    phase_style = style(PHASE_CLASS.get(phase, "tool-log--dim"))
    marker = "▾" if row.expanded else "▸"
    if width >= 60:
        right = Content.assemble(
            (word or phase, phase_style), " ", (f"{elapsed:>7}", style("tool-log--dim"))
        )
    else:  # narrow pane: the icon's colour tells the phase
        right = Content.assemble((f"{elapsed:>7}", style("tool-log--dim")))
    left = Content.assemble(
        "  ",
        (marker, style("tool-log--dim")),
        " ",
        (PHASE_ICON.get(phase, "·"), phase_style),
        " ",
        (strip_control(name), style("tool-log--name")),
        "  ",
        summary,
    )
    room = width - right.cell_length - 1
    if room < 12:
        return left.truncate(width, ellipsis=True)
    return left.truncate(room, ellipsis=True, pad=True) + " " + right


def reasoning_line(row: Row, width: int, style: StyleFor, now: float) -> Content:
    msg = row.turn.message
    marker = ("▾ " if row.expanded else "▸ ") if msg.reasoning.strip() else "  "
    text, component = reasoning_text(msg, live=row.turn.live, now=now)
    if 6 + len(text) > width and text.endswith(NO_TIME):  # a narrow pane
        text, component = reasoning_text(msg, live=row.turn.live, now=now, short=True)
    text_style = style(component)
    return Content.assemble(
        "  ", (marker, style("tool-log--dim")), ("◆ ", text_style), (text, text_style)
    ).truncate(width, ellipsis=True)


def first_line(row: Row, width: int, style: StyleFor, now: float) -> Content:
    """The collapsed line of a row that is not a summary."""
    if row.kind == "header":
        return header_line(row, width, style, now)
    if row.kind == "tool":
        return tool_line(row, width, style, now)
    if row.kind == "reasoning":
        return reasoning_line(row, width, style, now)
    if row.kind == "retry":
        return retry_line(row, width, style)
    return Content("")


def summary_content(message: Message, style: StyleFor) -> Content:
    """A finished turn's summary: status, cost, tokens, tool calls by kind,
    sources, duration (one paragraph; `summary_lines` wraps it)."""
    usage = message.usage
    status = message.status
    parts: list[str] = []
    if status == MessageStatus.FAILED:
        reason = message.error.message if message.error else "unknown error"
        head, head_class = f"✗ failed: {one_line(reason, 120)}", "tool-log--failed"
    elif status == MessageStatus.STOPPED:
        head, head_class = "■ stopped", "tool-log--dim"
    elif status == MessageStatus.STREAMING:
        head, head_class = "… interrupted", "tool-log--dim"
    else:
        head, head_class = "✓ done", "tool-log--done"
    if usage is not None and usage.cost_usd is not None:
        parts.append(format_cost(usage.cost_usd, estimated=usage.cost_estimated))
    if usage is not None:
        parts.append(f"{format_tokens(total_tokens(usage))} tokens")
    count, by_kind = tool_calls_by_kind(usage, (tc.tool_kind for tc in message.tool_calls))
    if count:
        kinds = ", ".join(f"{strip_control(k)} {n}" for k, n in by_kind)
        parts.append(plural(count, "tool call") + (f" ({kinds})" if kinds else ""))
    sources = {c.url for c in message.citations}
    for tc in message.tool_calls:
        sources.update(tc.sources)
    if sources:
        parts.append(plural(len(sources), "source"))
    if message.finished_at is not None and message.finished_at >= message.created_at:
        parts.append(format_duration(message.finished_at - message.created_at))
    tail = " · ".join(parts)
    return Content.assemble(
        "  ",
        (head, style(head_class)),
        (" · " if tail else "", style("tool-log--summary")),
        (tail, style("tool-log--summary")),
    )


def summary_lines(message: Message, width: int, style: StyleFor) -> list[Content]:
    """The summary wrapped to `width`, continuation lines indented."""
    lines = summary_content(message, style).wrap(max(10, width - 4))
    return [lines[0]] + [Content("    ") + line for line in lines[1:]]


def detail_lines(row: Row, width: int, style: StyleFor) -> list[Content]:
    """The expanded lines under a row: a tool call's name, kind, id, full
    arguments (pretty JSON), sources and error; the reasoning text."""
    detail = style("tool-log--detail")
    inner = max(10, width - DETAIL_INDENT)
    lines: list[Content] = []

    def add(text: str, line_style: Style = detail) -> None:
        for raw in text.splitlines() or [""]:
            for piece in Content(raw).expand_tabs(4).fold(inner):
                lines.append(Content(" " * DETAIL_INDENT) + piece.stylize(line_style))

    turn = row.turn
    if row.kind == "tool":
        tc = turn.tool_call(row.call_id)
        if tc is None:
            add("(no arguments yet)")
        else:
            add(f"tool: {tc.name}  ({tc.tool_kind})  id: {tc.call_id}")
            code = tool_details.code_of(tc)
            if code is not None:
                add("code:")
                indent = Content(" " * (DETAIL_INDENT + 2))
                for line in tool_details.highlighted_code(code, style)[: tool_details.CODE_LINES]:
                    for piece in line.fold(max(8, inner - 2)):
                        lines.append(indent + piece)
            else:
                args = pretty_arguments(tc.arguments)
                add(args if args else "(no arguments)")
            for kind, extra in tool_details.detail_texts(tc):
                add(extra, style("tool-log--done") if kind == "result" else detail)
            if tc.sources:
                add("sources:")
                for url in tc.sources:
                    add(f"  {strip_control(url)}")
            if tc.error:
                add(f"error: {strip_control(tc.error)}", style("tool-log--failed"))
    elif row.kind == "reasoning":
        add(strip_control(turn.message.reasoning.strip()))
    return lines
