"""The model list: `GET /v1/language-models` (rich, with prices) or `/v1/models`.

Prices on the wire are in USD cents per 100 million tokens (`30000` = $3.00
per 1M tokens); `ModelInfo` carries USD per 1M tokens (divide by 10,000), and
`search_price` (cents per 100M searches) becomes USD per call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: wire price unit (cents per 100M tokens) -> USD per 1M tokens
_PRICE_DIVISOR = 10_000.0


@dataclass(frozen=True, slots=True)
class ModelInfo:
    id: str
    aliases: tuple[str, ...] = ()
    input_price_per_m: float | None = None
    cached_input_price_per_m: float | None = None
    output_price_per_m: float | None = None
    image_input_price_per_m: float | None = None
    search_price_per_call: float | None = None
    input_modalities: tuple[str, ...] = ()
    output_modalities: tuple[str, ...] = ()
    created: int | None = None
    owned_by: str | None = None

    @property
    def accepts_images(self) -> bool:
        return "image" in self.input_modalities


def _price(entry: dict[str, Any], key: str) -> float | None:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value / _PRICE_DIVISOR


def _strs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str))


def model_from_entry(entry: dict[str, Any]) -> ModelInfo | None:
    mid = entry.get("id")
    if not isinstance(mid, str) or not mid:
        return None
    search = entry.get("search_price")
    created = entry.get("created")
    owned = entry.get("owned_by")
    return ModelInfo(
        id=mid,
        aliases=_strs(entry.get("aliases")),
        input_price_per_m=_price(entry, "prompt_text_token_price"),
        cached_input_price_per_m=_price(entry, "cached_prompt_text_token_price"),
        output_price_per_m=_price(entry, "completion_text_token_price"),
        image_input_price_per_m=_price(entry, "prompt_image_token_price"),
        search_price_per_call=(
            search / 1e10
            if isinstance(search, (int, float)) and not isinstance(search, bool)
            else None
        ),
        input_modalities=_strs(entry.get("input_modalities")),
        output_modalities=_strs(entry.get("output_modalities")),
        created=created if isinstance(created, int) and not isinstance(created, bool) else None,
        owned_by=owned if isinstance(owned, str) else None,
    )


def parse_model_list(data: Any) -> list[ModelInfo]:
    """Models from a `/v1/language-models` (`{"models": [...]}`) or `/v1/models`
    (`{"data": [...]}`) body; malformed entries are skipped."""
    if not isinstance(data, dict):
        return []
    entries = data.get("models")
    if not isinstance(entries, list):
        entries = data.get("data")
    if not isinstance(entries, list):
        return []
    out: list[ModelInfo] = []
    for entry in entries:
        if isinstance(entry, dict):
            info = model_from_entry(entry)
            if info is not None:
                out.append(info)
    return out
