"""`grok-tui ask`: one question, answered headlessly on the same client as the TUI.

The answer streams to stdout. `--file` upload progress (`ask_upload.py`),
tool calls (one line each), reasoning progress
(and "waiting… Ns (server alive)" while a silent server sends keep-alives),
retries, notes, sources and a final usage/cost line go to stderr. With
`--json` every event is printed to stdout as one JSON object per line
(`event_to_dict`). This module builds the plan (flags to request) and runs
it; `ask_printer.Printer` prints the stream. Everything is checked before any request is sent; exit
codes: 0 ok, 1 API error, 2 usage/validation error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from grok_tui.api.chat_request import ApiKind, ChatRequest, ImagePart, InputMessage
from grok_tui.api.client import RetryPolicy, Timeouts, XAIClient
from grok_tui.api.endpoint import DEFAULT_BASE_URL
from grok_tui.ask_checks import UsageProblem, preflight_notes
from grok_tui.ask_printer import Printer
from grok_tui.exit_codes import EXIT_API_ERROR, EXIT_INTERRUPTED, EXIT_USAGE
from grok_tui.sanitize import one_line, strip_control

MAX_SCHEMA_BYTES = 1024 * 1024
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
