"""`POST /v1/chat/completions` writer: chunks as xai-wire.md §2.3/§2.4 and
Transcripts A, B1 and D2 show (role only in the first delta, no
`finish_reason` key until the finishing chunk, usage in a trailing chunk with
`"choices":[]`, then `data: [DONE]`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from grok_tui.fake import textgen
from grok_tui.fake.answer_plan import Plan, Settings, usage_counts
from grok_tui.fake.catalog import cost_ticks
from grok_tui.fake.parsed_request import ParsedRequest
from grok_tui.fake.wire import DROP, BodyItem, Pause, sse_data


class ChatWriter:
    def __init__(self, req: ParsedRequest, settings: Settings, cid: str, created: int) -> None:
        self.req = req
        self.s = settings
        self.cid = cid
        self.created = created
        self.role_sent = False
        fp = req.model.fingerprint if req.model is not None else "fp_0000000000"
        self.fingerprint = fp

    def chunk(self, choices: list[Any], usage: dict[str, Any] | None = None) -> bytes:
        obj: dict[str, Any] = {
            "id": self.cid,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.req.model_name,
            "choices": choices,
        }
        if usage is not None:
            obj["usage"] = usage
        obj["system_fingerprint"] = self.fingerprint
        return sse_data(obj)

    def delta(self, **fields: Any) -> bytes:
        d: dict[str, Any] = dict(fields)
        if not self.role_sent:
            d["role"] = "assistant"
            self.role_sent = True
        return self.chunk([{"index": 0, "delta": d}])

    def pace(self, text: str) -> Iterator[BodyItem]:
        tps = self.s.tokens_per_second
        if tps and tps > 0:
            yield Pause(max(1, textgen.tokens_of(text)) / tps)

    def usage(self, plan: Plan) -> dict[str, Any]:
        inp, cached, out = usage_counts(self.req, plan)
        images = self.req.image_count * 768
        cost = 0
        if self.req.model is not None:
            cost = cost_ticks(
                self.req.model,
                input_tokens=inp,
                cached_tokens=cached,
                output_tokens=out + plan.reasoning_tokens,
            )
        usage: dict[str, Any] = {
            "prompt_tokens": inp,
            "completion_tokens": out,
            "total_tokens": inp + out + plan.reasoning_tokens,
            "prompt_tokens_details": {
                "text_tokens": inp - images,
                "audio_tokens": 0,
                "image_tokens": images,
                "cached_tokens": cached,
            },
            "completion_tokens_details": {
                "reasoning_tokens": plan.reasoning_tokens,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
            "num_sources_used": 0,
        }
        if self.s.reports_cost(self.req.model):
            usage["cost_in_usd_ticks"] = cost
        return usage

    def body_frames(self, plan: Plan, hidden_thinking: int = 0) -> Iterator[BodyItem]:
        """Reasoning deltas (visible) or empty deltas (hidden), then content."""
        if plan.reasoning is not None:
            for piece in textgen.chunk_text(plan.reasoning, self.s.chunk_chars):
                yield from self.pace(piece)
                yield self.delta(reasoning_content=piece)
        for _ in range(hidden_thinking):
            yield from self.pace("    ")
            yield self.chunk([{"index": 0, "delta": {}}])
        for piece in textgen.chunk_text(plan.text, self.s.chunk_chars):
            yield from self.pace(piece)
            yield self.delta(content=piece)

    def finish(self, plan: Plan) -> Iterator[BodyItem]:
        reason = "length" if plan.truncated else "stop"
        yield self.chunk([{"index": 0, "delta": {}, "finish_reason": reason}])
        if self.req.include_usage or self.s.usage_without_include:
            yield self.chunk([], self.usage(plan))
        yield sse_data("[DONE]")

    def turn(
        self, plan: Plan, hidden_thinking: int = 0, stall_after: int | None = None
    ) -> Iterator[BodyItem]:
        n = 0
        for item in self.body_frames(plan, hidden_thinking):
            if stall_after is not None and isinstance(item, bytes):
                if n == stall_after:
                    yield Pause(self.s.stall_seconds)
                n += 1
            yield item
        yield from self.finish(plan)

    def completion(self, plan: Plan) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": plan.text}
        if plan.reasoning is not None:
            message["reasoning_content"] = plan.reasoning
        message["refusal"] = None
        return {
            "id": self.cid,
            "object": "chat.completion",
            "created": self.created,
            "model": self.req.model_name,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": "length" if plan.truncated else "stop",
                }
            ],
            "usage": self.usage(plan),
            "system_fingerprint": self.fingerprint,
        }

    # ----- faults --------------------------------------------------------
    def partial(self, text: str) -> Iterator[BodyItem]:
        for piece in textgen.chunk_text(text, self.s.chunk_chars):
            yield from self.pace(piece)
            yield self.delta(content=piece)

    def drop(self, text: str) -> Iterator[BodyItem]:
        yield from self.partial(text)
        yield DROP

    def error_nested(
        self,
        text: str,
        *,
        code: str | None = None,
        message: str = "Internal server error",
        etype: str = "server_error",
    ) -> Iterator[BodyItem]:
        """OpenAI-style in-band error frame; no finish_reason, no [DONE]."""
        if text:
            yield from self.partial(text)
        yield sse_data({"error": {"message": message, "type": etype, "code": code}})

    def malformed(self, plan: Plan) -> Iterator[BodyItem]:
        frames = list(self.unknown_events(plan))
        garbage = [
            b": keep-alive comment\n\n",
            b'data: {"id": not json}\n\n',
            b'data: {"id":"' + self.cid.encode() + b'","object":"chat.compl\n\n',
        ]
        out: list[BodyItem] = []
        for i, frame in enumerate(frames):
            if i in (1, 3, 5) and garbage:
                out.append(garbage.pop(0))
            out.append(frame)
        yield from out

    def unknown_events(self, plan: Plan) -> Iterator[BodyItem]:
        """Chunks with fields no client knows, plus an unknown delta key."""
        pieces = textgen.chunk_text(plan.text, self.s.chunk_chars)
        for i, piece in enumerate(pieces):
            yield from self.pace(piece)
            if i == 1:
                yield self.chunk(
                    [{"index": 0, "delta": {"future_field": {"x": 1}}, "logprobs": None}]
                )
            yield self.delta(content=piece)
        obj_extra = self.chunk([{"index": 0, "delta": {}}])
        yield obj_extra.replace(b'"choices"', b'"x_unknown":true,"choices"', 1)
        yield from self.finish(plan)
