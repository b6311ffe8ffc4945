"""What one answer of the fake consists of, whichever wire API writes it.

- `Settings`: the parts of `FakeConfig` a writer needs (copied per request);
- `Plan`: an answer's text, visible reasoning, hidden reasoning tokens, extra
  input tokens, whether the output limit cut it;
- `usage_counts(req, plan)`: the token counts both writers report;
- `text_plan(scenario, req, model, ...)`: the plan of a text scenario (the
  search and tools turns plan their own), with `document_answer` (what the
  demo says about attached documents) and `apply_output_limit`.
"""

from __future__ import annotations

from dataclasses import dataclass

from grok_tui.fake import textgen
from grok_tui.fake.catalog import ModelEntry
from grok_tui.fake.files_api import FileStore, input_file_ids
from grok_tui.fake.parsed_request import ParsedRequest


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


def text_plan(
    scenario: str, req: ParsedRequest, model: ModelEntry, *, markdown_tokens: int, files: FileStore
) -> Plan:
    """The answer of a text scenario (plain, markdown, reasoning, image, a
    search without search tools, the stream faults): its text, reasoning and
    hidden reasoning tokens, cut at the request's output limit."""
    prompt = req.prompt
    seed = textgen.seed_of(prompt)
    hidden_tokens = 0 if model.reasoning == "none" else 40 + seed % 120
    if scenario == "markdown":
        tokens = req.tokens_directive or markdown_tokens
        text = textgen.markdown_answer(tokens)
    elif scenario == "reasoning":
        text = textgen.reasoning_answer(prompt)
    elif scenario == "image":
        text = textgen.image_answer(req.image_count, prompt)
    elif scenario == "plain" and req.api == "responses" and input_file_ids(req.body):
        text = document_answer(req, files) + "\n\n" + textgen.plain_answer(prompt)
    elif scenario == "search":
        text = (
            "Search is only available on the Responses API with the web_search or "
            "x_search tool enabled, so here is an answer without sources.\n\n"
            + textgen.plain_answer(prompt)
        )
    else:
        text = textgen.plain_answer(prompt)
    plan = Plan(text=text, reasoning_tokens=hidden_tokens)
    if model.reasoning != "none" and (scenario == "reasoning" or model.reasoning == "visible"):
        plan.reasoning = textgen.reasoning_summary(prompt)
        plan.reasoning_tokens = textgen.tokens_of(plan.reasoning) * 3 + 17
    apply_output_limit(req, plan)
    return plan


def document_answer(req: ParsedRequest, files: FileStore) -> str:
    """What the demo says about the attached documents (name, size, first line)."""
    lines = []
    for file_id in input_file_ids(req.body):
        stored = files.get(file_id)
        if stored is None:
            continue
        first = stored.data[:400].decode("utf-8", "replace").strip().splitlines()
        head = first[0][:80] if first and not stored.data.startswith(b"%PDF-") else ""
        what = f" It begins: “{head}”." if head else ""
        lines.append(f"I read **{stored.filename}** ({len(stored.data):,} bytes).{what}")
    return "\n".join(lines) or "The attached documents were empty."


def apply_output_limit(req: ParsedRequest, plan: Plan) -> None:
    """Cut the text at the request's output limit. On Responses the limit
    includes reasoning tokens; on chat `max_completion_tokens` (or the
    deprecated `max_tokens`) counts visible output only (§2.1, §3.1)."""
    body = req.body
    if req.api == "responses":
        limit = body.get("max_output_tokens")
        budget = limit - plan.reasoning_tokens if isinstance(limit, int) else None
    else:
        limit = body.get("max_completion_tokens", body.get("max_tokens"))
        budget = limit if isinstance(limit, int) else None
    if budget is None:
        return
    budget = max(1, budget)
    if textgen.tokens_of(plan.text) > budget:
        plan.text = plan.text[: budget * textgen.CHARS_PER_TOKEN]
        plan.truncated = True
