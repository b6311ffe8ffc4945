"""`POST /v1/responses` writer: frames exactly as xai-wire.md §3.5 and §8 show.

Key order follows the captured transcripts (B2, C, D1); `sequence_number` is
first and contiguous from 0.

`ResponsesWriter` writes the frames, objects and items of one response and
the text turns and stream faults made of them; what an answer holds is an
`answer_plan.Plan`, the search turns are in `search_turns`, the tools turns
in `tools_api`. `parse_frames` reads a written body back (tests).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from grok_tui.fake import textgen
from grok_tui.fake.answer_plan import Plan, Settings, usage_counts
from grok_tui.fake.catalog import cost_ticks
from grok_tui.fake.parsed_request import ParsedRequest
from grok_tui.fake.state import encrypted_blob
from grok_tui.fake.wire import DROP, BodyItem, Pause, sse_data


class ResponsesWriter:
    """The frames of one `/v1/responses` answer (`rid`, created at `created`)."""

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


def parse_frames(body: bytes) -> list[dict[str, Any]]:
    """Decode `data:` frames of a well-formed body (test helper, tolerant of
    `event:` lines and `[DONE]`)."""
    out: list[dict[str, Any]] = []
    for block in body.decode("utf-8").split("\n\n"):
        for line in block.split("\n"):
            if line.startswith("data: ") and line[6:] != "[DONE]":
                out.append(json.loads(line[6:]))
    return out
