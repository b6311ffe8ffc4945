"""The fake's search turns on `/v1/responses` (web_search / x_search tools),
raw wire JSON from xai-wire.md §3.5 and §8 (never `grok_tui.api`).

- `plan_search(req, seed)`: the queries and source URLs the request's search
  tools (domain and handle filters, dates) lead to, as a `SearchPlan`;
- `search_answer(plan, inline)`: the answer text with `[[N]](url)` markers
  and its `url_citation` annotations;
- `search_turn`: transcript C (custom_tool_call + web_search_call items with
  phase events, an open_page call, view_image / view_x_video calls, inline
  citations, tool usage details);
- `search_turn_shape_a`: the Nov 2025 shape (function-like items already
  completed, no phase events, plain annotations, no tool usage details).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from grok_tui.fake.answer_plan import Plan
from grok_tui.fake.parsed_request import ParsedRequest
from grok_tui.fake.responses_api import ResponsesWriter
from grok_tui.fake.wire import BodyItem, dumps

_MARKER = re.compile(r"\[\[(\d+)\]\]\(([^)\s]*)\)")

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
