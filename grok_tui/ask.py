"""`grok-tui ask`: one question, answered headlessly on the same client as the TUI.

The answer streams to stdout. `--file` upload progress (`ask_upload.py`),
tool calls (one line each), reasoning progress
(and "waiting… Ns (server alive)" while a silent server sends keep-alives),
retries, notes, sources and a final usage/cost line go to stderr. With
`--json` every event is printed to stdout as one JSON object per line
(`event_to_dict`). Everything is checked before any request is sent; exit
codes: 0 ok, 1 API error, 2 usage/validation error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from grok_tui.api.chat_request import ApiKind, ChatRequest, ImagePart, InputMessage
from grok_tui.api.client import RetryPolicy, Timeouts, XAIClient
from grok_tui.api.endpoint import DEFAULT_BASE_URL
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
from grok_tui.ask_checks import UsageProblem, estimate_for, preflight_notes
from grok_tui.chat.tool_arguments import summarize_arguments
from grok_tui.exit_codes import EXIT_API_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from grok_tui.sanitize import one_line, strip_control

MAX_SCHEMA_BYTES = 1024 * 1024
#: Lines of a tool's output (code logs, MCP output) printed under its line.
OUTPUT_LINES = 12
#: The retry policy of `ask` (tests swap in one that does not sleep).
RETRY_POLICY = RetryPolicy()


@dataclass(slots=True)
class AskPlan:
    """Everything `ask` will do, decided before any request."""

    request: ChatRequest
    api: ApiKind
    base_url: str
    api_key: str | None
    demo: bool
    timeouts: Timeouts
    demo_rate: float = 120.0
    notes: list[str] = field(default_factory=list)
    #: Documents to upload before the request (`--file`); sent as `input_file` parts.
    documents: list[Any] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Building the request from the flags


def read_prompt(args: argparse.Namespace, stdin: TextIO) -> str:
    prompt: str = args.prompt
    if prompt == "-":
        prompt = stdin.read()
    if not prompt.strip():
        raise UsageProblem("the prompt is empty")
    return prompt


def search_settings_from_flags(args: argparse.Namespace) -> Any:
    """A validated `SearchSettings` from the flags; raises UsageProblem with the
    validator's own sentences."""
    from grok_tui.chat.search import SearchSettings, validation_messages

    web_on = bool(args.web_search or args.allow_domain or args.exclude_domain)
    x_on = bool(
        args.x_search
        or args.allow_handle
        or args.exclude_handle
        or args.video_understanding
        or args.from_date
        or args.to_date
    )
    data: dict[str, Any] = {
        "web": {
            "enabled": web_on,
            "allowed_domains": list(args.allow_domain),
            "excluded_domains": list(args.exclude_domain),
            "image_understanding": bool(args.image_understanding),
        },
        "x": {
            "enabled": x_on,
            "allowed_x_handles": list(args.allow_handle),
            "excluded_x_handles": list(args.exclude_handle),
            "from_date": args.from_date,
            "to_date": args.to_date,
            "image_understanding": bool(args.image_understanding),
            "video_understanding": bool(args.video_understanding),
        },
        "reasoning_effort": args.reasoning_effort,
        "max_turns": args.max_turns,
        "tools": {
            "code_execution": bool(getattr(args, "code_execution", False)),
            "mcp": list(getattr(args, "mcp", None) or []),
            "collections": list(getattr(args, "collection", None) or []),
            "collection_results": getattr(args, "collection_results", None),
        },
    }
    try:
        return SearchSettings.model_validate(data)
    except ValidationError as exc:
        lines = [f"{path}: {msg}" for path, msg in validation_messages(exc).items()]
        raise UsageProblem("invalid search settings:\n  " + "\n  ".join(lines)) from None


def search_tools_for(settings: Any, tool_config: Any = None) -> tuple[Any, ...]:
    """The tools of the request: search, code execution, MCP, collections.
    Raises UsageProblem for an `--mcp` label config.toml does not define."""
    from grok_tui.chat.request_builder import search_tools, server_tools

    for label in settings.tools.mcp:
        if tool_config is None or tool_config.server(label) is None:
            known = ", ".join(tool_config.labels) if tool_config is not None else ""
            raise UsageProblem(
                f"--mcp {label}: no [[mcp]] server with this label in config.toml"
                + (f" (defined: {known})" if known else " (none is defined)")
            )
    return search_tools(settings) + server_tools(settings.tools, tool_config)


def image_parts(values: list[str]) -> tuple[ImagePart, ...]:
    from grok_tui.chat.attachments import AttachmentError, attachment_from_input, image_part_for

    parts: list[ImagePart] = []
    for value in values:
        try:
            parts.append(image_part_for(attachment_from_input(value)))
        except AttachmentError as exc:
            raise UsageProblem(f"cannot attach {one_line(value, 120)!r}: {exc.reason}") from None
    return tuple(parts)


def documents_from_flags(values: list[str]) -> list[Any]:
    """Checked document attachments (`--file`); UsageProblem with the reason."""
    from grok_tui.chat.attachments import AttachmentError
    from grok_tui.chat.documents import document_from_path

    out = []
    for value in values:
        try:
            out.append(document_from_path(value))
        except AttachmentError as exc:
            raise UsageProblem(f"cannot attach {one_line(value, 120)!r}: {exc.reason}") from None
    return out


def read_schema(path_text: str) -> tuple[dict[str, Any], str]:
    path = Path(path_text).expanduser()
    shown = strip_control(str(path))
    try:
        if path.stat().st_size > MAX_SCHEMA_BYTES:
            raise UsageProblem(f"the schema file {shown} is larger than 1 MiB")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageProblem(f"schema file not found: {shown}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"cannot read the schema file {shown}: {exc}") from None
    try:
        schema = json.loads(text)
    except ValueError as exc:
        raise UsageProblem(f"the schema file {shown} is not valid JSON: {exc}") from None
    if not isinstance(schema, dict):
        raise UsageProblem(f"the schema file {shown} must hold a JSON object")
    name = schema.get("title") if isinstance(schema.get("title"), str) else None
    safe = "".join(c if c.isalnum() or c in "_-" else "_" for c in (name or "response"))[:64]
    return schema, safe or "response"


def build_plan(
    args: argparse.Namespace, stdin: TextIO, environ: dict[str, str] | None = None
) -> AskPlan:
    from grok_tui.config import load_settings

    prompt = read_prompt(args, stdin)
    settings, problems = load_settings(args, environ)
    search = search_settings_from_flags(args)
    images = image_parts(list(args.image))
    documents = documents_from_flags(list(getattr(args, "file", None) or []))
    schema, schema_name = read_schema(args.schema) if args.schema else (None, "response")
    api: ApiKind = settings.api
    api_key = settings.key_value()
    demo = bool(args.demo)
    if not demo and api_key is None and settings.base_url.rstrip("/") == DEFAULT_BASE_URL:
        raise UsageProblem(
            "no API key: set XAI_API_KEY (or put it in a .env file or the config file), "
            "or try the offline demo with --demo"
        )
    tool_config = settings.tools
    if demo and not tool_config.mcp_servers:
        from grok_tui.chat.tools import DEMO_MCP_SERVER

        tool_config = tool_config.model_copy(update={"mcp_servers": [DEMO_MCP_SERVER]})
    tools = search_tools_for(search, tool_config)
    notes = [str(problem) for problem in problems]
    notes += preflight_notes(args, settings, search, prompt, len(images), api)
    from grok_tui.chat.tools import check_session_tools

    notes.extend(check_session_tools(search.tools, tool_config))
    messages = (InputMessage("user", prompt, images=images),)
    request = ChatRequest(
        model=settings.model,
        messages=messages,
        instructions=None,
        tools=tools if api == "responses" else (),
        reasoning_effort=search.reasoning_effort,
        max_turns=search.max_turns if (api == "responses" and tools) else None,
        # Nothing is kept on xAI's servers unless the config says so.
        store=settings.store_responses if api == "responses" else None,
        json_schema=schema,
        json_schema_name=schema_name,
    )
    if args.system:
        if api == "responses":
            request = _replace(request, instructions=args.system)
        else:
            request = _replace(request, messages=(InputMessage("system", args.system), *messages))
    t = settings.timeouts
    return AskPlan(
        request=request,
        api=api,
        base_url=settings.base_url,
        api_key=api_key,
        demo=demo,
        timeouts=Timeouts(connect=t.connect, read=t.read, write=t.write),
        demo_rate=settings.demo_rate,
        notes=notes,
        documents=documents,
    )


def _replace(request: ChatRequest, **changes: Any) -> ChatRequest:
    import dataclasses

    return dataclasses.replace(request, **changes)


# ---------------------------------------------------------------------------
# Printing the stream


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


async def stream_plan(plan: AskPlan, printer: Printer) -> int:
    transport = None
    api_key = plan.api_key
    base_url = plan.base_url
    if plan.demo:
        from grok_tui.fake import DEMO_API_KEY, FakeTransport, demo_fake

        transport = FakeTransport(demo_fake(plan.demo_rate))
        api_key = DEMO_API_KEY
        base_url = DEFAULT_BASE_URL
    for note in plan.notes:
        printer.note(f"note: {note}")
    async with XAIClient(
        api_key,
        base_url,
        api=plan.api,
        timeouts=plan.timeouts,
        retry=RETRY_POLICY,
        transport=transport,
    ) as client:
        request = plan.request
        if plan.documents:
            from grok_tui.ask_upload import upload_for_ask

            uploaded = await upload_for_ask(client, plan, printer)
            if uploaded is None:
                return EXIT_API_ERROR
            request = uploaded
        async for ev in client.stream(request):
            printer.handle(ev)
    return printer.exit_code


def run_ask(
    args: argparse.Namespace,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """The `ask` subcommand; returns the exit code."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        plan = build_plan(args, stdin or sys.stdin)
    except UsageProblem as exc:
        err.write(f"grok-tui ask: {exc}\n")
        return EXIT_USAGE
    printer = Printer(out, err, as_json=bool(args.json))
    try:
        return asyncio.run(stream_plan(plan, printer))
    except KeyboardInterrupt:
        printer._end_text()
        err.write("interrupted\n")
        return EXIT_INTERRUPTED
