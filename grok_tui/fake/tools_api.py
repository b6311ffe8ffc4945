"""The fake's turns with code execution, remote MCP and collections search.

Written as raw wire JSON from xai-wire.md §3.3-§3.5 (no `grok_tui.api`):

* code execution, shape B (OpenAI-like, 2026): a `code_interpreter_call` item
  added in progress, `response.code_interpreter_call.in_progress`, the code
  streamed by `response.code_interpreter_call_code.delta`/`.done`,
  `.executing`, `.interpreting`, `.completed`, then the finished item with
  `code` and `outputs: [{"type": "logs", "logs": ...}]`;
* code execution, shape A (function-like, Oct 2025 capture): an item of type
  `code_interpreter_call` named `code_execution` with JSON `arguments`
  `{"code": ...}`, added and done both already completed, no phase events;
* MCP: an `mcp_call` item with `server_label` and `name`, arguments streamed
  by `response.mcp_call_arguments.delta`/`.done`, `response.mcp_call.in_progress`
  / `.completed` (or `.failed` with an `error`), its `output`;
* collections: a `file_search_call` with `queries`, `.in_progress`,
  `.searching`, `.completed` and `results` (file id, name, score, text), and
  `file_citation` annotations on the answer.

Faults: code that raises (`code_error`), an MCP server error (`mcp_error`);
a collection id that does not exist is refused before the stream (see
`core.FakeXAI`, `collections_missing`).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

from grok_tui.fake import textgen
from grok_tui.fake.answer_plan import Plan
from grok_tui.fake.catalog import SEARCH_CALL_TICKS
from grok_tui.fake.parsed_request import ParsedRequest
from grok_tui.fake.responses_api import ResponsesWriter
from grok_tui.fake.wire import BodyItem, dumps

#: Scenarios of this module (the tools they need must be in the request).
TOOL_SCENARIOS = frozenset({"tools", "code_shape_a", "code_error", "mcp_error"})

#: $2.50 per 1,000 collections searches (xai-wire §7.2), in usd ticks.
COLLECTIONS_CALL_TICKS = SEARCH_CALL_TICKS // 2

CODE_OK = (
    "import math\n"
    "\n"
    "values = [math.factorial(n) for n in range(1, 8)]\n"
    "print(values)\n"
    "print(sum(values))\n"
)
CODE_OK_LOGS = "[1, 2, 6, 24, 120, 720, 5040]\n5913\n"
CODE_RAISES = (
    "rates = {'a': 3, 'b': 0}\nfor name, rate in rates.items():\n    print(name, 60 / rate)\n"
)
CODE_RAISES_LOGS = (
    "a 20.0\n"
    "Traceback (most recent call last):\n"
    '  File "<stdin>", line 3, in <module>\n'
    "ZeroDivisionError: division by zero\n"
)
MCP_ERROR = (
    "Error calling MCP server {label}: 502 Bad Gateway (the server did not answer "
    "tools/call within 30 s)"
)


@dataclass(slots=True)
class ToolPlan:
    """Which tools a turn runs and how."""

    code: bool = False
    code_shape_a: bool = False
    code_raises: bool = False
    mcp: list[dict[str, Any]] = field(default_factory=list)
    mcp_fails: bool = False
    collections: list[str] = field(default_factory=list)
    max_results: int = 3


def plan_tools(req: ParsedRequest, scenario: str) -> ToolPlan:
    fs = req.file_search_tool or {}
    ids = [i for i in (fs.get("vector_store_ids") or []) if isinstance(i, str)]
    limit = fs.get("max_num_results")
    return ToolPlan(
        code=req.code_tool is not None,
        code_shape_a=scenario == "code_shape_a",
        code_raises=scenario == "code_error",
        mcp=list(req.mcp_tools),
        mcp_fails=scenario == "mcp_error",
        collections=ids,
        max_results=min(3, limit) if isinstance(limit, int) and limit > 0 else 3,
    )


def _mcp_tool_name(tool: dict[str, Any]) -> str:
    allowed = [t for t in (tool.get("allowed_tools") or []) if isinstance(t, str)]
    return allowed[0] if allowed else "search_docs"


def tools_turn(
    w: ResponsesWriter, tp: ToolPlan, reasoning_tokens: int
) -> tuple[Iterator[BodyItem], dict[str, Any]]:
    """A turn running each tool of `tp` once, then the answer."""
    final: dict[str, Any] = {}

    def gen() -> Iterator[BodyItem]:
        rid = w.rid
        yield from w.head()
        output: list[Any] = []
        index = 0
        counts = {"code": 0, "mcp": 0, "files": 0}
        lines: list[str] = []
        hits: list[dict[str, Any]] = []
        annotations: list[dict[str, Any]] = []
        n = sum(map(ord, rid)) % 90_000_000 + 10_000_000
        if tp.code:
            item_gen = _code_shape_a if tp.code_shape_a else _code_shape_b
            done = yield from item_gen(w, index, f"{rid}_{n}", tp.code_raises)
            output.append(done)
            index += 1
            counts["code"] += 1
            if tp.code_raises:
                lines.append(
                    "- The code stopped with `ZeroDivisionError: division by zero`: the rate "
                    "for `b` is 0, so 60 / 0 has no value. Guard it with `if rate:`."
                )
            else:
                lines.append("- The first seven factorials add up to **5913**.")
        for k, tool in enumerate(tp.mcp):
            done = yield from _mcp_call(w, index, f"{rid}_{n + 1 + k}", tool, tp.mcp_fails)
            output.append(done)
            index += 1
            label = str(tool.get("server_label", "mcp"))
            if tp.mcp_fails:
                lines.append(
                    f"- The MCP server **{label}** did not answer (502); "
                    "I could not use it this time."
                )
            else:
                counts["mcp"] += 1
                lines.append(f"- **{label}** answered `{_mcp_tool_name(tool)}` with two pages.")
        if tp.collections:
            done, hits = yield from _file_search(w, index, f"{rid}_{n + 50}", tp)
            output.append(done)
            index += 1
            counts["files"] += 1
            for k, hit in enumerate(hits):
                marker = f"[{k + 1}]"
                lines.append(f"- {hit['filename']} says: {hit['text'][:60]}… {marker}")
        text = "Here is what the tools gave (scripted demo results):\n\n" + "\n".join(lines)
        if tp.collections:
            for i, hit in enumerate(hits):
                marker = f"[{i + 1}]"
                at = text.find(marker)
                annotations.append(
                    {
                        "type": "file_citation",
                        "file_id": hit["file_id"],
                        "filename": hit["filename"],
                        "index": max(0, at),
                        "start_index": at,
                        "end_index": at + len(marker),
                    }
                )
        plan = Plan(text=text, reasoning_tokens=reasoning_tokens, extra_input_tokens=600 * index)
        yield from w.message_item(text, index, annotations)
        output.append(w.message_done(text, annotations))
        usage = w.usage(plan, tools_used=index, with_details=False)
        billable = counts["code"]
        if "cost_in_usd_ticks" in usage:
            usage["cost_in_usd_ticks"] += (
                billable * SEARCH_CALL_TICKS + counts["files"] * COLLECTIONS_CALL_TICKS
            )
        if index:
            usage["server_side_tool_usage_details"] = {
                "web_search_calls": 0,
                "x_search_calls": 0,
                "code_interpreter_calls": counts["code"],
                "file_search_calls": counts["files"],
                "mcp_calls": counts["mcp"],
                "document_search_calls": 0,
                "image_generation_calls": 0,
            }
        final.update(w.snapshot("completed", output, usage))
        yield from w.completed(output, usage)

    return gen(), final


def _code_shape_b(
    w: ResponsesWriter, index: int, suffix: str, raises: bool
) -> Generator[BodyItem, None, dict[str, Any]]:
    iid = f"ci_{suffix}"
    code = CODE_RAISES if raises else CODE_OK
    logs = CODE_RAISES_LOGS if raises else CODE_OK_LOGS
    added = {
        "id": iid,
        "type": "code_interpreter_call",
        "status": "in_progress",
        "code": "",
        "container_id": "",
        "outputs": None,
    }
    yield w.ev("response.output_item.added", item=added, output_index=index)
    yield w.ev("response.code_interpreter_call.in_progress", item_id=iid, output_index=index)
    for delta in textgen.chunk_text(code, 12):
        yield from w.pace(delta)
        yield w.ev(
            "response.code_interpreter_call_code.delta",
            item_id=iid,
            output_index=index,
            delta=delta,
        )
    yield w.ev(
        "response.code_interpreter_call_code.done", item_id=iid, output_index=index, code=code
    )
    yield w.ev("response.code_interpreter_call.executing", item_id=iid, output_index=index)
    yield from w.think(0.6)
    yield w.ev("response.code_interpreter_call.interpreting", item_id=iid, output_index=index)
    yield from w.think(0.2)
    yield w.ev("response.code_interpreter_call.completed", item_id=iid, output_index=index)
    done: dict[str, Any] = {
        "id": iid,
        "type": "code_interpreter_call",
        "status": "completed",
        "code": code,
        "container_id": "",
        "outputs": [{"type": "logs", "logs": logs}],
    }
    yield w.ev("response.output_item.done", item=done, output_index=index)
    return done


def _code_shape_a(
    w: ResponsesWriter, index: int, suffix: str, raises: bool
) -> Generator[BodyItem, None, dict[str, Any]]:
    code = CODE_RAISES if raises else CODE_OK
    item = {
        "arguments": dumps({"code": code}),
        "call_id": "",
        "name": "code_execution",
        "type": "code_interpreter_call",
        "id": f"fc_{suffix}_0",
        "status": "completed",
    }
    yield w.ev("response.output_item.added", item=item, output_index=index)
    yield from w.think(0.5)
    yield w.ev("response.output_item.done", item=item, output_index=index)
    return item


def _mcp_call(
    w: ResponsesWriter, index: int, suffix: str, tool: dict[str, Any], fails: bool
) -> Generator[BodyItem, None, dict[str, Any]]:
    label = str(tool.get("server_label", "mcp"))
    name = _mcp_tool_name(tool)
    iid = f"mcp_{suffix}"
    args = dumps({"query": "how do I stream a response", "limit": 2})
    added = {
        "id": iid,
        "type": "mcp_call",
        "status": "in_progress",
        "server_label": label,
        "name": name,
        "arguments": "",
    }
    yield w.ev("response.output_item.added", item=added, output_index=index)
    yield w.ev("response.mcp_call.in_progress", item_id=iid, output_index=index)
    yield w.ev("response.mcp_call_arguments.delta", item_id=iid, output_index=index, delta=args)
    yield w.ev("response.mcp_call_arguments.done", item_id=iid, output_index=index, arguments=args)
    yield from w.think(0.5)
    if fails:
        error = MCP_ERROR.format(label=label)
        yield w.ev("response.mcp_call.failed", item_id=iid, output_index=index)
        done = dict(added, status="failed", arguments=args, output=None, error=error)
    else:
        out = dumps(
            {
                "pages": [
                    {"title": "Streaming", "path": "docs/streaming.md"},
                    {"title": "Responses API", "path": "docs/responses.md"},
                ]
            }
        )
        yield w.ev("response.mcp_call.completed", item_id=iid, output_index=index)
        done = dict(added, status="completed", arguments=args, output=out, error=None)
    yield w.ev("response.output_item.done", item=done, output_index=index)
    return done


def _file_search(
    w: ResponsesWriter, index: int, suffix: str, tp: ToolPlan
) -> Generator[BodyItem, None, tuple[dict[str, Any], list[dict[str, Any]]]]:
    iid = f"fs_{suffix}"
    query = (w.req.prompt or "release notes")[:60]
    added: dict[str, Any] = {
        "id": iid,
        "type": "file_search_call",
        "status": "in_progress",
        "queries": [],
        "results": None,
    }
    yield w.ev("response.output_item.added", item=added, output_index=index)
    yield w.ev("response.file_search_call.in_progress", item_id=iid, output_index=index)
    yield w.ev("response.file_search_call.searching", item_id=iid, output_index=index)
    yield from w.think(0.4)
    yield w.ev("response.file_search_call.completed", item_id=iid, output_index=index)
    names = ("handbook.pdf", "release-notes.md", "faq.txt")
    snippets = (
        "Replies stream as server-sent events; each event carries a sequence number.",
        "Version 2.1 adds collections search and remote MCP servers to the agent tools.",
        "Uploads up to 48 MB are accepted; larger files are refused before processing.",
    )
    hits = [
        {
            "file_id": f"file_{textgen.seed_of(f'{tp.collections[0]}:{k}') % 10**8:08d}",
            "filename": names[k],
            "score": round(0.93 - 0.11 * k, 2),
            "text": snippets[k],
        }
        for k in range(tp.max_results)
    ]
    done = dict(added, status="completed", queries=[query], results=hits)
    yield w.ev("response.output_item.done", item=done, output_index=index)
    return done, hits
