"""What `grok-tui ask` prints of a stream: the answer on stdout, tool calls,
reasoning progress, keep-alives, retries, notes, sources and the usage/cost
line on stderr, or every event as a JSON line with `--json` (`Printer`).
The plan (flags to request) and the run are in `ask.py`.
"""

from __future__ import annotations

import json
import time
from typing import Any, TextIO

from grok_tui.api.events import (
    CitationAdded,
    Completed,
    DebugEvent,
    EncryptedReasoning,
    Failed,
    KeepAlive,
    ReasoningDelta,
    ReasoningFinished,
    ReasoningProgress,
    ReasoningStarted,
    ResponseStarted,
    Retrying,
    StreamEvent,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
    ToolCallUpdated,
    Usage,
    UsageUpdated,
    event_to_dict,
    unhandled_event,
)
from grok_tui.ask_checks import estimate_for
from grok_tui.chat.tool_arguments import summarize_arguments
from grok_tui.exit_codes import EXIT_API_ERROR, EXIT_OK
from grok_tui.sanitize import one_line, strip_control

#: Lines of a tool's output (code logs, MCP output) printed under its line.
OUTPUT_LINES = 12


def usage_line(usage: Usage | None, seconds: float, estimate: float | None = None) -> str:
    if usage is None:
        return f"done in {seconds:.1f}s (no usage reported)"
    parts = [f"tokens in {usage.input_tokens:,}"]
    if usage.cached_input_tokens:
        parts[-1] += f" (cached {usage.cached_input_tokens:,})"
    parts.append(f"out {usage.output_tokens:,}")
    if usage.reasoning_tokens:
        parts.append(f"reasoning {usage.reasoning_tokens:,}")
    if usage.server_side_tool_calls:
        tools = ", ".join(f"{k}×{v}" for k, v in sorted(usage.server_side_tool_calls.items()))
        parts.append(f"tools {tools}")
        from grok_tui.chat.pricing import tool_fees

        fees = tool_fees(usage.server_side_tool_calls)
        if fees:
            parts.append(f"tool fees ${fees:.4f}")
    if usage.cost_usd is not None:
        parts.append(f"${usage.cost_usd:.6f}".rstrip("0").rstrip("."))
    elif estimate is not None:
        parts.append(("≈" + f"${estimate:.6f}".rstrip("0").rstrip(".")) + " (estimated)")
    parts.append(f"{seconds:.1f}s")
    return " · ".join(parts)


class Printer:
    """Turns events into stdout/stderr output; returns the exit code at the end."""

    def __init__(
        self, out: TextIO, err: TextIO, *, as_json: bool, clock: Any = time.monotonic
    ) -> None:
        self.out = out
        self.err = err
        self.as_json = as_json
        self.clock = clock
        self.t0 = clock()
        self.err_tty = bool(getattr(err, "isatty", lambda: False)())
        self.progress_open = False
        self.last_progress = -1
        self.think_t0: float | None = None
        self.tool_t0: dict[str, float] = {}
        self.tool_names: dict[str, str] = {}
        self.tool_args: dict[str, str] = {}
        self.citations: list[CitationAdded] = []
        self.wrote_text = False
        self.text_ends_newline = True
        self.exit_code = EXIT_OK

    # -- low level --
    def note(self, line: str) -> None:
        self._close_progress()
        self.err.write(line + "\n")
        self.err.flush()

    def _close_progress(self) -> None:
        if self.progress_open:
            self.err.write("\r\x1b[K")
            self.progress_open = False

    def _progress(self, *, thinking: bool = True) -> None:
        """The once-a-second progress line before the answer: `thinking… Ns`,
        or `waiting… Ns (server alive)` for keep-alives before any thinking."""
        if thinking and self.think_t0 is None:
            self.think_t0 = self.clock()
        secs = int(self.clock() - self.t0)
        if secs == self.last_progress:
            return
        self.last_progress = secs
        label = (
            f"thinking… {secs}s"
            if self.think_t0 is not None
            else f"waiting… {secs}s (server alive)"
        )
        if self.err_tty:
            self.err.write(f"\r\x1b[K{label}")
            self.err.flush()
            self.progress_open = True
        elif secs % 5 == 0:
            self.err.write(f"{label}\n")
            self.err.flush()

    # -- events --
    def handle(self, ev: StreamEvent) -> None:
        if self.as_json:
            self.out.write(json.dumps(event_to_dict(ev), ensure_ascii=False) + "\n")
            self.out.flush()
            if isinstance(ev, Failed):
                self.exit_code = EXIT_API_ERROR
                self.note(f"error: {ev.error.user_message()}")
            return
        match ev:
            case TextDelta():
                self._close_progress()
                text = strip_control(ev.text)
                if text:
                    self.out.write(text)
                    self.out.flush()
                    self.wrote_text = True
                    self.text_ends_newline = text.endswith("\n")
            case ReasoningStarted() | ReasoningDelta() | ReasoningProgress():
                if not self.wrote_text:
                    self._progress()
            case KeepAlive():
                if not self.wrote_text:
                    self._progress(thinking=False)
            case ReasoningFinished():
                if self.think_t0 is not None and not self.wrote_text:
                    self.note(f"thought for {self.clock() - self.think_t0:.1f}s")
            case ToolCallStarted():
                self.tool_t0[ev.call_id] = self.clock()
                self.tool_names[ev.call_id] = ev.name
                self.tool_args[ev.call_id] = ev.arguments
            case ToolCallUpdated():
                if ev.arguments is not None:
                    self.tool_args[ev.call_id] = ev.arguments
            case ToolCallFinished():
                started = self.tool_t0.pop(ev.call_id, self.clock())
                self.tool_names.pop(ev.call_id, None)
                self.tool_args.pop(ev.call_id, None)
                name = f"{ev.server}/{ev.name}" if ev.server else ev.name
                self._tool_line(
                    name, ev.arguments, ev.phase.value, self.clock() - started, ev.error
                )
                self._tool_output(ev)
            case CitationAdded():
                if all(c.url != ev.url for c in self.citations):
                    self.citations.append(ev)
            case Retrying():
                self.note(
                    f"retrying in {ev.delay_s:.1f}s (attempt {ev.attempt}): {ev.error.summary()}"
                )
            case DebugEvent():
                if ev.raw_type == "request":
                    self.note(f"note: {ev.message}")
            case Completed():
                self._end_text()
                self._sources()
                if ev.status != "completed":
                    reason = f" ({ev.finish_reason})" if ev.finish_reason else ""
                    self.note(f"note: the answer is {ev.status}{reason}")
                self.note(
                    usage_line(ev.usage, self.clock() - self.t0, estimate_for(ev.usage, ev.model))
                )
            case Failed():
                self._end_text()
                self._unfinished_tools()
                self._sources()
                if ev.partial:
                    self.note("note: the answer above is partial")
                self.note(f"error: {ev.error.user_message()}")
                self.exit_code = EXIT_API_ERROR
            case ResponseStarted() | UsageUpdated() | EncryptedReasoning():
                pass  # the usage line comes with Completed
            case _:
                unhandled_event(ev)

    def _tool_line(self, name: str, args: str, phase: str, secs: float, error: str | None) -> None:
        summary = summarize_arguments(name, args, limit=80)
        shown = f" {summary!r}" if summary else ""
        tail = f": {one_line(error, 120)}" if error else ""
        self.note(f"tool {one_line(name, 40)}{shown} {phase} {secs:.1f}s{tail}")

    def _tool_output(self, ev: ToolCallFinished) -> None:
        """Code logs, an MCP tool's output (first lines) and collection results."""
        if ev.output:
            lines = strip_control(ev.output).splitlines()
            for line in lines[:OUTPUT_LINES]:
                self.note(f"  │ {line[:200]}")
            if len(lines) > OUTPUT_LINES:
                self.note(f"  │ … {len(lines) - OUTPUT_LINES} more lines")
        for hit in ev.results:
            score = f" {hit.score:.2f}" if hit.score is not None else ""
            snippet = f": {one_line(hit.text, 100)}" if hit.text else ""
            self.note(f"  · {one_line(hit.filename or hit.file_id, 60)}{score}{snippet}")

    def _unfinished_tools(self) -> None:
        for call_id, t in list(self.tool_t0.items()):
            self._tool_line(
                self.tool_names.get(call_id, "tool"),
                self.tool_args.get(call_id, ""),
                "interrupted",
                self.clock() - t,
                None,
            )
        self.tool_t0.clear()

    def _end_text(self) -> None:
        self._close_progress()
        if self.wrote_text and not self.text_ends_newline:
            self.out.write("\n")
            self.out.flush()
            self.text_ends_newline = True

    def _sources(self) -> None:
        if not self.citations:
            return
        self.note("sources:")
        for i, c in enumerate(self.citations, 1):
            title = (
                f" {one_line(c.title, 80)}"
                if c.title and c.title != c.url and not c.title.isdigit()
                else ""
            )
            self.note(f"  [{i}]{title} {one_line(c.url, 300)}")


# ---------------------------------------------------------------------------
# Running
