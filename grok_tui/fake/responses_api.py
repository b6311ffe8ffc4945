"""`POST /v1/responses` writer: frames exactly as xai-wire.md §3.5 and §8 show.

Key order follows the captured transcripts (B2, C, D1); `sequence_number` is
first and contiguous from 0.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from grok_tui.fake import textgen
from grok_tui.fake.catalog import ModelEntry, cost_ticks
from grok_tui.fake.parsed_request import ParsedRequest
from grok_tui.fake.state import encrypted_blob
from grok_tui.fake.wire import DROP, BodyItem, Pause, dumps, sse_data

_MARKER = re.compile(r"\[\[(\d+)\]\]\(([^)\s]*)\)")


@dataclass(slots=True)
class Settings:
    """The parts of FakeConfig a writer needs (copied at request time)."""

    tokens_per_second: float | None
    emit_event_lines: bool
    emit_done_trailer: bool
    stall_seconds: float
    chunk_chars: int
    markdown_tokens: int
    usage_without_include: bool = False
    costless_models: tuple[str, ...] = ()

    def reports_cost(self, model: ModelEntry | None) -> bool:
        """Whether usage for `model` carries `cost_in_usd_ticks`."""
        return model is not None and model.id not in self.costless_models


@dataclass(slots=True)
class Plan:
    """What one answer consists of, independent of the wire API."""

    text: str
    reasoning: str | None = None  # visible summary text, when shown
    reasoning_tokens: int = 0
    extra_input_tokens: int = 0  # search results fed back to the model, images
    truncated: bool = False  # cut by max_output_tokens / max_completion_tokens


def usage_counts(req: ParsedRequest, plan: Plan) -> tuple[int, int, int]:
    """(input_tokens, cached_tokens, text_output_tokens)."""
    images = req.image_count * 768
    input_tokens = 24 + textgen.tokens_of("x" * req.input_chars) + images + plan.extra_input_tokens
    cached = 0
    if req.message_count > 1:
        cached = min(input_tokens, 24 + textgen.tokens_of("x" * req.history_chars))
    return input_tokens, cached, textgen.tokens_of(plan.text)


class ResponsesWriter:
    def __init__(self, req: ParsedRequest, settings: Settings, rid: str, created: int) -> None:
        self.req = req
        self.s = settings
        self.rid = rid
        self.created = created
        self.seq = 0

    # ----- framing -------------------------------------------------------
    def ev(self, type_: str, **fields: Any) -> bytes:
        obj: dict[str, Any] = {"sequence_number": self.seq, "type": type_}
        obj.update(fields)
        self.seq += 1
        return sse_data(obj, type_ if self.s.emit_event_lines else None)

    def pace(self, text: str) -> Iterator[BodyItem]:
        tps = self.s.tokens_per_second
        if tps and tps > 0:
            yield Pause(max(1, textgen.tokens_of(text)) / tps)

    def think(self, seconds: float) -> Iterator[BodyItem]:
        """Tool latency, only when pacing is on (demo realism)."""
        if self.s.tokens_per_second:
            yield Pause(seconds)

    # ----- objects -------------------------------------------------------
    def snapshot(
        self, status: str, output: list[Any], usage: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        b = self.req.body
        text_cfg = b.get("text") if isinstance(b.get("text"), dict) else None
        r: dict[str, Any] = {
            "created_at": self.created,
            "id": self.rid,
            "max_output_tokens": b.get("max_output_tokens"),
            "model": self.req.model_name,
            "object": "response",
            "output": output,
            "parallel_tool_calls": b.get("parallel_tool_calls", True),
            "previous_response_id": b.get("previous_response_id"),
            "reasoning": {"effort": self.req.effort, "summary": None},
            "temperature": b.get("temperature"),
            "text": text_cfg if text_cfg is not None else {"format": {"type": "text"}},
            "tool_choice": b.get("tool_choice", "auto"),
            "tools": self.req.tools_echo,
            "top_p": b.get("top_p"),
        }
        if usage is not None:
            r["usage"] = usage
        r.update(
            {
                "user": b.get("user"),
                "incomplete_details": None,
                "status": status,
                "store": b.get("store", True),
                "metadata": {},
            }
        )
        return r

    def usage(
        self,
        plan: Plan,
        *,
        tools_used: int = 0,
        web_calls: int = 0,
        x_calls: int = 0,
        with_details: bool = True,
        with_cost: bool = True,
    ) -> dict[str, Any]:
        inp, cached, out_text = usage_counts(self.req, plan)
        out = out_text + plan.reasoning_tokens
        u: dict[str, Any] = {
            "input_tokens": inp,
            "input_tokens_details": {"cached_tokens": cached},
            "output_tokens": out,
            "output_tokens_details": {"reasoning_tokens": plan.reasoning_tokens},
            "total_tokens": inp + out,
            "num_sources_used": 0,
            "num_server_side_tools_used": tools_used,
        }
        if with_cost and self.req.model is not None and self.s.reports_cost(self.req.model):
            u["cost_in_usd_ticks"] = cost_ticks(
                self.req.model,
                input_tokens=inp,
                cached_tokens=cached,
                output_tokens=out,
                billable_searches=web_calls + x_calls,
            )
        if with_details and tools_used:
            u["server_side_tool_usage_details"] = {
                "web_search_calls": web_calls,
                "x_search_calls": x_calls,
                "code_interpreter_calls": 0,
                "file_search_calls": 0,
                "mcp_calls": 0,
                "document_search_calls": 0,
                "image_generation_calls": 0,
            }
        return u

    def head(self) -> Iterator[BodyItem]:
        yield self.ev("response.created", response=self.snapshot("in_progress", []))
        yield self.ev("response.in_progress", response=self.snapshot("in_progress", []))

    # ----- items ---------------------------------------------------------
    def reasoning_item(self, summary: str, index: int) -> Iterator[BodyItem]:
        iid = f"rs_{self.rid}"
        yield self.ev(
            "response.output_item.added",
            item={"id": iid, "summary": [], "type": "reasoning", "status": "in_progress"},
            output_index=index,
        )
        yield self.ev(
            "response.reasoning_summary_part.added",
            item_id=iid,
            output_index=index,
            part={"text": "", "type": "summary_text"},
            summary_index=0,
        )
        for delta in textgen.chunk_text(summary, self.s.chunk_chars):
            yield from self.pace(delta)
            yield self.ev(
                "response.reasoning_summary_text.delta",
                delta=delta,
                item_id=iid,
                output_index=index,
                summary_index=0,
            )
        yield self.ev(
            "response.reasoning_summary_text.done",
            item_id=iid,
            output_index=index,
            summary_index=0,
            text=summary,
        )
        yield self.ev(
            "response.reasoning_summary_part.done",
            item_id=iid,
            output_index=index,
            part={"text": summary, "type": "summary_text"},
            summary_index=0,
        )
        yield self.ev(
            "response.output_item.done", item=self.reasoning_done(summary), output_index=index
        )

    @property
    def wants_encrypted(self) -> bool:
        """`include: ["reasoning.encrypted_content"]` on a reasoning model."""
        model = self.req.model
        return (
            "reasoning.encrypted_content" in self.req.include
            and model is not None
            and model.reasoning != "none"
        )

    def reasoning_done(self, summary: str) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": f"rs_{self.rid}",
            "summary": [{"text": summary, "type": "summary_text"}] if summary else [],
            "type": "reasoning",
            "status": "completed",
        }
        if self.wants_encrypted and self.req.model is not None:
            item["encrypted_content"] = encrypted_blob(self.rid, self.req.model.id, summary)
        return item

    def hidden_reasoning_item(self, index: int) -> Iterator[BodyItem]:
        """A reasoning item with no summary (hidden reasoning), as sent when
        encrypted content was asked for."""
        yield self.ev(
            "response.output_item.added",
            item={
                "id": f"rs_{self.rid}",
                "summary": [],
                "type": "reasoning",
                "status": "in_progress",
            },
            output_index=index,
        )
        yield self.ev("response.output_item.done", item=self.reasoning_done(""), output_index=index)

    def message_done(self, text: str, annotations: list[Any]) -> dict[str, Any]:
        return {
            "content": [
                {"type": "output_text", "text": text, "logprobs": [], "annotations": annotations}
            ],
            "id": f"msg_{self.rid}",
            "role": "assistant",
            "type": "message",
            "status": "completed",
        }

    def message_start(self, index: int) -> Iterator[BodyItem]:
        iid = f"msg_{self.rid}"
        yield self.ev(
            "response.output_item.added",
            item={
                "content": [],
                "id": iid,
                "role": "assistant",
                "type": "message",
                "status": "in_progress",
            },
            output_index=index,
        )
        yield self.ev(
            "response.content_part.added",
            content_index=0,
            item_id=iid,
            output_index=index,
            part={"type": "output_text", "text": "", "logprobs": [], "annotations": []},
        )

    def text_deltas(self, text: str, index: int) -> Iterator[BodyItem]:
        for delta in textgen.chunk_text(text, self.s.chunk_chars):
            yield from self.pace(delta)
            yield self.ev(
                "response.output_text.delta",
                content_index=0,
                delta=delta,
                item_id=f"msg_{self.rid}",
                output_index=index,
                logprobs=[],
            )

    def message_end(self, text: str, index: int, annotations: list[Any]) -> Iterator[BodyItem]:
        iid = f"msg_{self.rid}"
        for i, ann in enumerate(annotations):
            yield self.ev(
                "response.output_text.annotation.added",
                annotation=ann,
                annotation_index=i,
                content_index=0,
                item_id=iid,
                output_index=index,
            )
        yield self.ev(
            "response.output_text.done",
            content_index=0,
            item_id=iid,
            output_index=index,
            text=text,
        )
        yield self.ev(
            "response.content_part.done",
            content_index=0,
            item_id=iid,
            output_index=index,
            part={"type": "output_text", "text": text, "logprobs": [], "annotations": annotations},
        )
        yield self.ev(
            "response.output_item.done",
            item=self.message_done(text, annotations),
            output_index=index,
        )

    def message_item(self, text: str, index: int, annotations: list[Any]) -> Iterator[BodyItem]:
        yield from self.message_start(index)
        yield from self.text_deltas(text, index)
        yield from self.message_end(text, index, annotations)

    def completed(
        self, output: list[Any], usage: dict[str, Any], truncated: bool = False
    ) -> Iterator[BodyItem]:
        if truncated:
            yield self.ev("response.incomplete", response=self.incomplete(output, usage))
        else:
            yield self.ev("response.completed", response=self.snapshot("completed", output, usage))
        if self.s.emit_done_trailer:
            yield sse_data("[DONE]")

    def incomplete(self, output: list[Any], usage: dict[str, Any]) -> dict[str, Any]:
        r = self.snapshot("incomplete", output, usage)
        r["incomplete_details"] = {"reason": "max_output_tokens"}
        return r

    # ----- scenarios -----------------------------------------------------
    def text_turn(self, plan: Plan, stall_after: int | None = None) -> Iterator[BodyItem]:
        """A complete turn: optional reasoning item, then the message."""
        yield from self.head()
        output: list[Any] = []
        index = 0
        if plan.reasoning is not None:
            yield from self.reasoning_item(plan.reasoning, index)
            output.append(self.reasoning_done(plan.reasoning))
            index += 1
        elif self.wants_encrypted:
            yield from self.hidden_reasoning_item(index)
            output.append(self.reasoning_done(""))
            index += 1
        yield from self.message_start(index)
        for n, item in enumerate(self.text_deltas(plan.text, index)):
            if stall_after is not None and n == stall_after:
                yield Pause(self.s.stall_seconds)
            yield item
        yield from self.message_end(plan.text, index, [])
        output.append(self.message_done(plan.text, []))
        yield from self.completed(output, self.usage(plan), plan.truncated)

    def final_text_response(self, plan: Plan) -> dict[str, Any]:
        output: list[Any] = []
        if plan.reasoning is not None:
            output.append(self.reasoning_done(plan.reasoning))
        elif self.wants_encrypted:
            output.append(self.reasoning_done(""))
        output.append(self.message_done(plan.text, []))
        if plan.truncated:
            return self.incomplete(output, self.usage(plan))
        return self.snapshot("completed", output, self.usage(plan))

    def partial(self, text: str) -> Iterator[BodyItem]:
        yield from self.head()
        yield from self.message_start(0)
        yield from self.text_deltas(text, 0)

    def error_event(self, text: str) -> Iterator[BodyItem]:
        yield from self.partial(text)
        yield self.ev(
            "error",
            code=None,
            message="Service temporarily unavailable. The model did not respond to this request.",
            param=None,
        )

    def failed(self, text: str) -> Iterator[BodyItem]:
        yield from self.partial(text)
        inp, _, out = usage_counts(self.req, Plan(text=text))
        yield self.ev(
            "response.failed",
            response={
                "id": self.rid,
                "object": "response",
                "model": self.req.model_name,
                "status": "failed",
                "output": [],
                "error": {"code": "server_error", "message": "Internal server error"},
                "incomplete_details": None,
                "usage": {"input_tokens": inp, "output_tokens": out, "total_tokens": inp + out},
            },
        )

    def failed_request(self, code: str, message: str) -> Iterator[BodyItem]:
        """`response.failed` for a request that cannot succeed (no content first)."""
        yield from self.head()
        yield self.ev(
            "response.failed",
            response={
                "id": self.rid,
                "object": "response",
                "model": self.req.model_name,
                "status": "failed",
                "output": [],
                "error": {"code": code, "message": message},
                "incomplete_details": None,
            },
        )

    def drop(self, text: str) -> Iterator[BodyItem]:
        yield from self.partial(text)
        yield DROP

    def malformed(self, plan: Plan) -> Iterator[BodyItem]:
        """A good turn with garbage mixed in: invalid JSON, a truncated frame, a
        comment line, unknown events and an unknown output item type."""
        frames = list(self.unknown_events(plan))
        # Indices after head (2 frames) so the garbage sits mid-stream.
        garbage = [
            b": keep-alive comment\n\n",
            b'data: {"sequence_number": not json at all}\n\n',
            b'data: {"sequence_number":999,"type":"response.output_text.del\n\n',
        ]
        out: list[BodyItem] = []
        for i, frame in enumerate(frames):
            if i in (3, 6, 9) and garbage:
                out.append(garbage.pop(0))
            out.append(frame)
        yield from out

    def unknown_events(self, plan: Plan) -> Iterator[BodyItem]:
        """A good turn plus events and an output item of types no client knows."""
        yield from self.head()
        fid = f"fut_{self.rid}_0"
        future_item = {
            "id": fid,
            "type": "future_tool_call",
            "status": "in_progress",
            "payload": {"kind": "unknown"},
        }
        yield self.ev("response.output_item.added", item=future_item, output_index=0)
        yield self.ev(
            "response.future_tool_call.progress", item_id=fid, output_index=0, progress=0.5
        )
        done_item = dict(future_item, status="completed")
        yield self.ev("response.output_item.done", item=done_item, output_index=0)
        yield self.ev("response.rate_limits.updated", rate_limits=[])
        yield from self.message_start(1)
        half = len(textgen.chunk_text(plan.text, self.s.chunk_chars)) // 2
        sent = 0
        for item in self.text_deltas(plan.text, 1):
            yield item
            if isinstance(item, bytes):
                sent += 1
                if sent == half:
                    yield self.ev(
                        "response.output_text.hint",
                        item_id=f"msg_{self.rid}",
                        output_index=1,
                        hint="unknown",
                    )
        yield from self.message_end(plan.text, 1, [])
        output = [done_item, self.message_done(plan.text, [])]
        yield from self.completed(output, self.usage(plan))


# ----- search ------------------------------------------------------------

_DEFAULT_DOMAINS = (
    "x.ai",
    "docs.x.ai",
    "en.wikipedia.org",
    "github.com",
    "techcrunch.com",
    "theverge.com",
)
_DEFAULT_HANDLES = ("xai", "grok", "elonmusk")


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:5]
    return "-".join(words) or "news"


@dataclass(slots=True)
class SearchPlan:
    query: str
    web: dict[str, Any] | None
    x: dict[str, Any] | None
    web_urls: list[str]
    x_urls: list[str]
    x_input: dict[str, Any]
    web_query: str


def plan_search(req: ParsedRequest, rid_seed: int) -> SearchPlan:
    topic = req.prompt or "latest xAI news"
    topic = topic[:60].strip()
    web, x = req.web_tool, req.x_tool
    web_urls: list[str] = []
    x_urls: list[str] = []
    web_query = topic
    x_input: dict[str, Any] = {}
    slug = _slug(topic)
    if web is not None:
        allowed = [d for d in (web.get("allowed_domains") or []) if isinstance(d, str)]
        excluded = {d for d in (web.get("excluded_domains") or []) if isinstance(d, str)}
        domains = allowed or [d for d in _DEFAULT_DOMAINS if d not in excluded]
        if allowed:
            web_query = f"{topic} site:{allowed[0]}"
        web_urls = [f"https://{d}/news/{slug}" for d in domains[:3]]
    if x is not None:
        allowed_h = [h for h in (x.get("allowed_x_handles") or []) if isinstance(h, str)]
        excluded_h = [h for h in (x.get("excluded_x_handles") or []) if isinstance(h, str)]
        q = topic
        if allowed_h:
            q = " OR ".join(f"from:{h}" for h in allowed_h[:3]) + f" {topic}"
        for h in excluded_h[:3]:
            q += f" -from:{h}"
        if isinstance(x.get("from_date"), str):
            q += f" since:{x['from_date']}"
        if isinstance(x.get("to_date"), str):
            q += f" until:{x['to_date']}"
        x_input = {"query": q, "limit": 20, "mode": "Latest"}
        handles = allowed_h or [h for h in _DEFAULT_HANDLES if h not in set(excluded_h)]
        base = 1991284813727474073 + rid_seed % 1_000_000
        x_urls = [f"https://x.com/{h}/status/{base + i * 7919}" for i, h in enumerate(handles[:2])]
    return SearchPlan(topic, web, x, web_urls, x_urls, x_input, web_query)


def search_answer(sp: SearchPlan, inline: bool) -> tuple[str, list[dict[str, Any]]]:
    """Answer text with `[[N]](url)` markers and its annotations (positional
    ones at the markers' character offsets, then the uncited sources)."""
    sources = sp.web_urls + sp.x_urls
    lines = [f"Here is what I found about **{sp.query}** (scripted demo results):", ""]
    cited: list[str] = []
    facts = (
        "The announcement landed earlier this week and got wide coverage",
        "Posts on X picked up the details within the hour",
        "A follow-up explained the pricing and availability",
    )
    for i, fact in enumerate(facts):
        if i >= len(sources):
            break
        url = sources[i]
        cited.append(url)
        lines.append(f"- {fact} [[{i + 1}]]({url}).")
    if cited:
        lines.append("")
        lines.append(f"In short: the first source [[1]]({cited[0]}) has the most detail.")
    text = "\n".join(lines)
    if not inline:
        plain = _MARKER.sub("", text).replace(" .", ".").replace(" )", ")")
        return plain, [{"type": "url_citation", "url": u} for u in sources]
    annotations: list[dict[str, Any]] = []
    for m in _MARKER.finditer(text):
        annotations.append(
            {
                "type": "url_citation",
                "url": m.group(2),
                "title": m.group(1),
                "start_index": m.start(),
                "end_index": m.end(),
            }
        )
    for u in sources:
        if u not in cited:
            annotations.append({"type": "url_citation", "url": u})
    return text, annotations


def custom_call_input(
    w: ResponsesWriter, item_id: str, output_index: int, text: str
) -> Iterator[bytes]:
    """A custom tool call's input as the API streams it: one delta, then done."""
    yield w.ev(
        "response.custom_tool_call_input.delta",
        item_id=item_id,
        output_index=output_index,
        delta=text,
    )
    yield w.ev(
        "response.custom_tool_call_input.done",
        item_id=item_id,
        output_index=output_index,
        input=text,
    )


def search_turn(
    w: ResponsesWriter, sp: SearchPlan, reasoning_tokens: int
) -> tuple[Iterator[BodyItem], dict[str, Any]]:
    """Transcript C: interleaved custom_tool_call + web_search_call items, a
    browse_page-style open_page call, view_image / view_x_video calls when the
    tools enable them, inline citations, annotations, tool usage.

    Returns the frame iterator and (filled when it finishes) the final response."""
    final: dict[str, Any] = {}

    def gen() -> Iterator[BodyItem]:
        rid = w.rid
        yield from w.head()
        output: list[Any] = []
        index = 0
        x_calls = web_calls = tools_used = 0
        n = sum(map(ord, rid)) % 90_000_000 + 10_000_000
        if w.wants_encrypted:  # include reasoning.encrypted_content (fake/state.py)
            yield from w.hidden_reasoning_item(index)
            output.append(w.reasoning_done(""))
            index += 1

        def ctc(name: str, call: str, input_obj: dict[str, Any]) -> tuple[dict[str, Any], str]:
            return (
                {
                    "call_id": call,
                    "input": "",
                    "name": name,
                    "type": "custom_tool_call",
                    "id": f"ctc_{rid}_{call}",
                    "status": "in_progress",
                },
                dumps(input_obj),
            )

        x_item: dict[str, Any] | None = None
        x_index = -1
        if sp.x is not None:
            x_item, x_input = ctc("x_keyword_search", f"xs_call_{n}", sp.x_input)
            x_index = index
            index += 1
            yield w.ev("response.output_item.added", item=x_item, output_index=x_index)
            yield from w.pace(x_input)
            yield from custom_call_input(w, x_item["id"], x_index, x_input)
            x_item = dict(x_item, input=x_input, status="completed")
        ws_id = f"ws_{rid}_call_{n + 1}"
        ws_index = -1
        if sp.web is not None:
            ws_index = index
            index += 1
            yield w.ev(
                "response.output_item.added",
                item={
                    "id": ws_id,
                    "type": "web_search_call",
                    "status": "in_progress",
                    "action": {"type": "search", "query": "", "sources": []},
                },
                output_index=ws_index,
            )
            yield w.ev("response.web_search_call.in_progress", item_id=ws_id, output_index=ws_index)
            yield w.ev("response.web_search_call.searching", item_id=ws_id, output_index=ws_index)
        yield from w.think(0.4)
        if x_item is not None:
            yield w.ev("response.output_item.done", item=x_item, output_index=x_index)
            output.append(x_item)
            x_calls += 1
            tools_used += 1
        if sp.web is not None:
            yield w.ev("response.web_search_call.completed", item_id=ws_id, output_index=ws_index)
            ws_done = {
                "id": ws_id,
                "type": "web_search_call",
                "status": "completed",
                "action": {
                    "type": "search",
                    "query": sp.web_query,
                    "sources": [{"type": "url", "url": u} for u in sp.web_urls],
                },
            }
            yield w.ev("response.output_item.done", item=ws_done, output_index=ws_index)
            output.append(ws_done)
            web_calls += 1
            tools_used += 1
            if sp.web_urls:
                # browse_page-style: open the first result.
                bp_id = f"ws_{rid}_call_{n + 2}"
                bp_index = index
                index += 1
                yield w.ev(
                    "response.output_item.added",
                    item={
                        "id": bp_id,
                        "type": "web_search_call",
                        "status": "in_progress",
                        "action": {"type": "open_page", "url": ""},
                    },
                    output_index=bp_index,
                )
                yield w.ev(
                    "response.web_search_call.in_progress", item_id=bp_id, output_index=bp_index
                )
                yield w.ev(
                    "response.web_search_call.searching", item_id=bp_id, output_index=bp_index
                )
                yield from w.think(0.3)
                yield w.ev(
                    "response.web_search_call.completed", item_id=bp_id, output_index=bp_index
                )
                bp_done = {
                    "id": bp_id,
                    "type": "web_search_call",
                    "status": "completed",
                    "action": {"type": "open_page", "url": sp.web_urls[0]},
                }
                yield w.ev("response.output_item.done", item=bp_done, output_index=bp_index)
                output.append(bp_done)
                web_calls += 1
                tools_used += 1
        views: list[tuple[str, dict[str, Any]]] = []
        if (sp.web or {}).get("enable_image_understanding") or (sp.x or {}).get(
            "enable_image_understanding"
        ):
            views.append(("view_image", {"image_url": f"https://pbs.twimg.com/media/{n}.jpg"}))
        if (sp.x or {}).get("enable_video_understanding"):
            views.append(
                ("view_x_video", {"video_url": f"https://video.twimg.com/ext_tw_video/{n}.mp4"})
            )
        for k, (name, args) in enumerate(views):
            item, inp = ctc(name, f"call_{n + 10 + k}", args)
            vi = index
            index += 1
            yield w.ev("response.output_item.added", item=item, output_index=vi)
            yield from custom_call_input(w, item["id"], vi, inp)
            done = dict(item, input=inp, status="completed")
            yield w.ev("response.output_item.done", item=done, output_index=vi)
            output.append(done)
            tools_used += 1  # token-billed only: not in the usage details
        inline = "no_inline_citations" not in w.req.include
        text, annotations = search_answer(sp, inline)
        plan = Plan(
            text=text,
            reasoning_tokens=reasoning_tokens,
            extra_input_tokens=2400 * (web_calls + x_calls) + 900 * len(views),
        )
        yield from w.message_item(text, index, annotations)
        output.append(w.message_done(text, annotations))
        usage = w.usage(plan, tools_used=tools_used, web_calls=web_calls, x_calls=x_calls)
        final.update(w.snapshot("completed", output, usage))
        yield from w.completed(output, usage)

    return gen(), final


def search_turn_shape_a(
    w: ResponsesWriter, sp: SearchPlan, reasoning_tokens: int
) -> tuple[Iterator[BodyItem], dict[str, Any]]:
    """Nov 2025 shape: function-like web_search_call / x_search_call items whose
    added and done frames are both already completed; no phase events; no
    inline markers; annotations with only type and url; no tool usage details."""
    final: dict[str, Any] = {}

    def gen() -> Iterator[BodyItem]:
        rid = w.rid
        yield from w.head()
        output: list[Any] = []
        index = 0
        if sp.web is not None:
            args = dumps({"query": sp.web_query, "num_results": 5})
            item = {
                "arguments": args,
                "call_id": "",
                "name": "web_search",
                "type": "web_search_call",
                "id": f"fc_{rid}_{index}",
                "status": "completed",
            }
            yield w.ev("response.output_item.added", item=item, output_index=index)
            yield w.ev("response.output_item.done", item=item, output_index=index)
            output.append(item)
            index += 1
        if sp.x is not None:
            xa: dict[str, Any] = {"query": sp.x_input.get("query", sp.query), "limit": 20}
            if isinstance(sp.x.get("from_date"), str):
                xa["from_date"] = sp.x["from_date"]
            if isinstance(sp.x.get("to_date"), str):
                xa["to_date"] = sp.x["to_date"]
            xa["min_score_threshold"] = 0.2
            item = {
                "arguments": dumps(xa),
                "call_id": "",
                "name": "x_semantic_search",
                "type": "x_search_call",
                "id": f"fc_{rid}_{index}",
                "status": "completed",
            }
            yield w.ev("response.output_item.added", item=item, output_index=index)
            yield w.ev("response.output_item.done", item=item, output_index=index)
            output.append(item)
            index += 1
        text, annotations = search_answer(sp, inline=False)
        plan = Plan(text=text, reasoning_tokens=reasoning_tokens, extra_input_tokens=2400 * index)
        yield from w.message_item(text, index, annotations)
        output.append(w.message_done(text, annotations))
        usage = w.usage(plan, tools_used=index, with_details=False, with_cost=False)
        final.update(w.snapshot("completed", output, usage))
        yield from w.completed(output, usage)

    return gen(), final


def parse_frames(body: bytes) -> list[dict[str, Any]]:
    """Decode `data:` frames of a well-formed body (test helper, tolerant of
    `event:` lines and `[DONE]`)."""
    out: list[dict[str, Any]] = []
    for block in body.decode("utf-8").split("\n\n"):
        for line in block.split("\n"):
            if line.startswith("data: ") and line[6:] != "[DONE]":
                out.append(json.loads(line[6:]))
    return out
