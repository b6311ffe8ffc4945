"""The fake's model catalog: ids, aliases, prices and capabilities.

Prices use the wire's unit, USD cents per 100 million tokens (xai-wire.md §5.2),
so `tokens * price` is directly a cost in `cost_in_usd_ticks` (1 USD = 1e10
ticks): $1.00 / 1M tokens == 10_000 == 1e-10 USD per token == 1 tick per token.
Values follow §7.2 where documented; grok-4.5/4.6 prices are guesses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

ReasoningKind = Literal["none", "hidden", "visible"]

# $0.005 per billable server-side search call (xai-wire.md §7.2, 2026 prices).
SEARCH_CALL_TICKS = 50_000_000
# `search_price` in cents per 100M searches: $0.005/search -> 0.5 cent * 1e8.
SEARCH_PRICE = 50_000_000


@dataclass(frozen=True, slots=True)
class ModelEntry:
    id: str
    aliases: tuple[str, ...]
    created: int
    fingerprint: str
    input_price: int  # cents per 100M prompt text tokens
    cached_input_price: int
    output_price: int
    reasoning: ReasoningKind = "hidden"
    # None: the model rejects `reasoning_effort` / `reasoning.effort` with a 400.
    efforts: tuple[str, ...] | None = None
    images: bool = True
    rejects_penalties: bool = True  # presence/frequency penalty and stop on reasoning models

    @property
    def input_modalities(self) -> list[str]:
        return ["text", "image"] if self.images else ["text"]

    def language_model_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "fingerprint": self.fingerprint,
            "created": self.created,
            "object": "model",
            "owned_by": "xai",
            "version": "1.0",
            "input_modalities": self.input_modalities,
            "output_modalities": ["text"],
            "prompt_text_token_price": self.input_price,
            "cached_prompt_text_token_price": self.cached_input_price,
            "prompt_image_token_price": self.input_price if self.images else 0,
            "completion_text_token_price": self.output_price,
            "search_price": SEARCH_PRICE,
            "aliases": list(self.aliases),
        }

    def model_json(self) -> dict[str, Any]:
        return {"id": self.id, "created": self.created, "object": "model", "owned_by": "xai"}


def _usd(per_million: float) -> int:
    """$ per 1M tokens -> cents per 100M tokens."""
    return round(per_million * 10_000)


MODELS: tuple[ModelEntry, ...] = (
    ModelEntry(
        "grok-4.3",
        ("grok-4.3-latest", "grok-latest"),
        1777507200,
        "fp_4a3c19e0b2",
        _usd(1.25),
        _usd(0.20),
        _usd(2.50),
        "hidden",
        ("none", "low", "medium", "high"),
    ),
    ModelEntry(
        "grok-4.6",
        ("grok-4.6-latest",),
        1786406400,
        "fp_6c1e2d9a70",
        _usd(2.00),
        _usd(0.20),
        _usd(6.00),
        "hidden",
        ("none", "low", "medium", "high", "xhigh"),
    ),
    ModelEntry(
        "grok-4.20-0309-reasoning",
        ("grok-4.20", "grok-4.20-reasoning", "grok-4.20-reasoning-latest"),
        1773014400,
        "fp_20e7a4b1c3",
        _usd(2.00),
        _usd(0.20),
        _usd(6.00),
        "hidden",
        ("low", "medium", "high"),
    ),
    ModelEntry(
        "grok-4.20-0309-non-reasoning",
        ("grok-4.20-non-reasoning", "grok-4.20-non-reasoning-latest"),
        1773014400,
        "fp_20e7a4b1c4",
        _usd(2.00),
        _usd(0.20),
        _usd(6.00),
        "none",
        None,
        rejects_penalties=False,
    ),
    ModelEntry(
        "grok-4.20-multi-agent-0309",
        ("grok-4.20-multi-agent", "grok-4.20-multi-agent-latest"),
        1773014400,
        "fp_20e7a4b1c5",
        _usd(2.00),
        _usd(0.20),
        _usd(6.00),
        "hidden",
        ("low", "medium", "high", "xhigh"),
    ),
    ModelEntry(
        "grok-4-1-fast-reasoning",
        ("grok-4-1-fast", "grok-4-1-fast-reasoning-latest"),
        1763337600,
        "fp_3d7ed3b779",
        _usd(0.20),
        _usd(0.05),
        _usd(0.50),
        "hidden",
        None,
    ),
    ModelEntry(
        "grok-4-1-fast-non-reasoning",
        ("grok-4-1-fast-non-reasoning-latest",),
        1763337600,
        "fp_3d7ed3b780",
        _usd(0.20),
        _usd(0.05),
        _usd(0.50),
        "none",
        None,
        rejects_penalties=False,
    ),
    ModelEntry(
        "grok-4-fast-reasoning",
        ("grok-4-fast", "grok-4-fast-reasoning-latest"),
        1758240000,
        "fp_9362061f30",
        _usd(0.20),
        _usd(0.05),
        _usd(0.50),
        "hidden",
        ("low", "medium", "high"),
    ),
    ModelEntry(
        "grok-4-fast-non-reasoning",
        ("grok-4-fast-non-reasoning-latest",),
        1758240000,
        "fp_9362061f31",
        _usd(0.20),
        _usd(0.05),
        _usd(0.50),
        "none",
        None,
        rejects_penalties=False,
    ),
    ModelEntry(
        "grok-4-0709",
        ("grok-4", "grok-4-latest"),
        1752019200,
        "fp_0d42a4eb3d",
        _usd(3.00),
        _usd(0.75),
        _usd(15.00),
        "hidden",
        None,
        images=False,
    ),
    ModelEntry(
        "grok-code-fast-1",
        ("grok-code-fast", "grok-code-fast-1-0825"),
        1755993600,
        "fp_10f00c862d",
        _usd(0.20),
        _usd(0.02),
        _usd(1.50),
        "visible",
        None,
        images=False,
    ),
    ModelEntry(
        "grok-3-mini",
        ("grok-3-mini-latest", "grok-3-mini-beta"),
        1743724800,
        "fp_2a885414fb",
        _usd(0.30),
        _usd(0.075),
        _usd(0.50),
        "visible",
        ("low", "high"),
        images=False,
    ),
    ModelEntry(
        "grok-3",
        ("grok-3-latest", "grok-3-beta"),
        1743724800,
        "fp_898ae9f31c",
        _usd(3.00),
        _usd(0.75),
        _usd(15.00),
        "none",
        None,
        images=False,
        rejects_penalties=False,
    ),
)

_BY_NAME: dict[str, ModelEntry] = {}
for _m in MODELS:
    _BY_NAME[_m.id] = _m
    for _a in _m.aliases:
        _BY_NAME[_a] = _m


def resolve_model(name: str) -> ModelEntry | None:
    """The catalog entry for a model id or alias (exact, as the API matches)."""
    return _BY_NAME.get(name)


def cost_ticks(
    model: ModelEntry,
    *,
    input_tokens: int,
    cached_tokens: int,
    output_tokens: int,
    billable_searches: int = 0,
) -> int:
    """`cost_in_usd_ticks`; `output_tokens` includes reasoning tokens (both are billed)."""
    uncached = max(0, input_tokens - cached_tokens)
    return (
        uncached * model.input_price
        + cached_tokens * model.cached_input_price
        + output_tokens * model.output_price
        + billable_searches * SEARCH_CALL_TICKS
    )
