"""A session as a Markdown document (the store's export and the UI's "export").

Everything from the model or the user is cleaned of control characters; the
document is meant for a file or a Markdown viewer, not for a terminal.
"""

from __future__ import annotations

import datetime as dt

from grok_tui.chat import tree
from grok_tui.chat.conversation import path_totals, session_totals
from grok_tui.chat.pricing import tool_fees
from grok_tui.chat.session import Message, MessageStatus, Session, Usage
from grok_tui.sanitize import one_line, strip_control

_ROLE_NAMES = {"user": "You", "assistant": "Grok", "system": "System"}
#: Shorter thinking was no thinking worth a line (hidden reasoning that reports
#: no time: its tokens are in the usage line). The UI's threshold too.
_MIN_REASONING_SECONDS = 0.1


def _when(ts: float | None) -> str:
    if ts is None:
        return "?"
    return dt.datetime.fromtimestamp(ts).astimezone().strftime("%Y-%m-%d %H:%M")


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def _usage_line(u: Usage) -> str:
    parts = [f"{u.input_tokens:,} tokens in", f"{u.output_tokens:,} out"]
    if u.cached_input_tokens:
        parts.append(f"{u.cached_input_tokens:,} cached")
    if u.reasoning_tokens:
        parts.append(f"{u.reasoning_tokens:,} reasoning")
    if u.server_side_tool_calls:
        calls = ", ".join(f"{k} ×{v}" for k, v in sorted(u.server_side_tool_calls.items()))
        parts.append(f"tools: {calls}")
        fees = tool_fees(u.server_side_tool_calls)
        if fees:
            parts.append(f"tool fees ${fees:.4f}")
    line = " · ".join(parts)
    if u.cost_usd is not None:
        if u.cost_estimated:
            line += f" · ≈${u.cost_usd:.4f} (estimated from the model's prices)"
        else:
            line += f" · ${u.cost_usd:.4f}"
    return line


def alternative_notes(session: Session) -> dict[str, str]:
    """Path message id -> the note the export writes where alternatives exist:
    other versions of a reply, or other branches of an edited message."""
    forks: dict[str, int] = {}
    for message in tree.all_messages(session):
        key = tree.parent_key(message)
        forks[key] = forks.get(key, 0) + 1
    notes: dict[str, str] = {}
    for message in session.messages:
        if forks.get(tree.parent_key(message), 0) < 2:
            continue
        n, m = tree.position(session, message.id)
        if message.role == "assistant":
            notes[message.id] = (
                f"Reply {n} of {m} shown; the other versions are in the JSON export."
            )
        else:
            notes[message.id] = (
                f"This message was edited: branch {n} of {m} shown; "
                "the other branches are in the JSON export."
            )
    return notes


def _message_md(m: Message, note: str | None = None) -> list[str]:
    out: list[str] = []
    head = _ROLE_NAMES.get(m.role, m.role)
    extra: list[str] = []
    if m.role == "assistant" and m.model:
        extra.append(one_line(m.model, 80))
    extra.append(_when(m.created_at))
    if m.status == MessageStatus.STOPPED:
        extra.append("stopped")
    elif m.status == MessageStatus.FAILED:
        extra.append("failed")
    elif m.status == MessageStatus.STREAMING:
        extra.append("incomplete")
    out.append(f"## {head} ({', '.join(extra)})")
    out.append("")
    if note:
        out.append(f"_{note}_")
        out.append("")
    for att in m.attachments:
        ref = att.url if att.source == "url" else att.path
        name = one_line(att.name or "image", 120)
        out.append(f"![{name}]({strip_control(ref or '')})")
    if m.attachments:
        out.append("")
    timed = (
        m.reasoning_seconds is not None
        and m.reasoning_seconds >= _MIN_REASONING_SECONDS
        # A usage without reasoning tokens: the "thinking" was the wait for
        # the first output (the Responses API reports progress from the start).
        and (m.usage is None or m.usage.reasoning_tokens > 0 or bool(m.reasoning.strip()))
    )
    if m.retries:
        times = "once" if len(m.retries) == 1 else f"{len(m.retries)} times"
        last = one_line(m.retries[-1].error or m.retries[-1].error_kind, 120)
        out.append(f"_Retried {times} before the reply (last error: {last})._")
        out.append("")
    if m.reasoning.strip():
        secs = f" ({m.reasoning_seconds:.1f} s)" if timed else ""
        out.append("<details><summary>Reasoning" + secs + "</summary>")
        out.append("")
        out.append(_quote(strip_control(m.reasoning)))
        out.append("")
        out.append("</details>")
        out.append("")
    elif timed:
        out.append(f"_Thought for {m.reasoning_seconds:.1f} s._")
        out.append("")
    if m.tool_calls:
        out.append("Tool calls:")
        out.append("")
        for tc in m.tool_calls:
            args = one_line(tc.arguments, 200)
            line = f"- `{one_line(tc.name, 60)}` {args} — {tc.phase}".rstrip()
            if tc.finished_at is not None:
                line += f" ({max(0.0, tc.finished_at - tc.started_at):.1f} s)"
            if tc.error:
                line += f": {one_line(tc.error, 200)}"
            out.append(line)
        out.append("")
    text = strip_control(m.text)
    if text:
        out.append(text)
        out.append("")
    if m.error is not None:
        out.append(f"> **Error** ({one_line(m.error.type, 40)}): {one_line(m.error.message, 300)}")
        out.append("")
    if m.citations:
        out.append("Sources:")
        out.append("")
        seen: set[int] = set()
        for c in sorted(m.citations, key=lambda c: c.number):
            if c.number in seen:
                continue
            seen.add(c.number)
            url = strip_control(c.url)
            title = one_line(c.title, 200) if c.title and c.title != c.url else ""
            out.append(f"{c.number}. [{title or url}]({url})")
        out.append("")
    if m.usage is not None:
        out.append(f"_Usage: {_usage_line(m.usage)}_")
        out.append("")
    return out


def session_to_markdown(session: Session) -> str:
    """The session as Markdown: header, the chosen path's messages (with a
    note where other versions or branches exist), sources, usage; totals of
    everything paid for and, when there are alternatives, of this path."""
    title = one_line(session.title, 200) or "Untitled session"
    lines = [f"# {title}", ""]
    lines.append(f"- Model: {one_line(session.model, 80)}")
    lines.append(f"- Created: {_when(session.created_at)}")
    lines.append(f"- Updated: {_when(session.updated_at)}")
    lines.append(f"- Session id: `{session.id}`")
    totals = session_totals(session)
    branched = tree.has_alternatives(session)
    if branched:
        lines.append(
            f"- Branches: {tree.branch_count(session)} (this document shows the chosen one; "
            "the JSON export holds them all)"
        )
    if totals.total_tokens or totals.cost_usd is not None:
        if branched:
            lines.append(f"- Paid for (all versions): {_usage_line(totals)}")
            lines.append(f"- This path: {_usage_line(path_totals(session))}")
        else:
            lines.append(f"- Usage: {_usage_line(totals)}")
    lines.append("")
    if session.system_prompt.strip():
        lines.append("**System prompt:**")
        lines.append("")
        lines.append(_quote(strip_control(session.system_prompt)))
        lines.append("")
    notes = alternative_notes(session)
    for m in session.messages:
        lines.extend(_message_md(m, notes.get(m.id)))
    return "\n".join(lines).rstrip() + "\n"
