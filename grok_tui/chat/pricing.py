"""What a model costs and takes: prices for cost estimates, input modalities.

Two sources, best first:

* the server's model list (`GET /v1/language-models`, `grok_tui.api.model_list.ModelInfo`)
  when the front end has it (`ModelCatalog`);
* the documented prices of xai-wire.md §7.2 (`DOCUMENTED`), so a reply of a
  known model gets an estimate even before the list was fetched.

`estimate_cost(usage, prices)` prices one reply: uncached input, cached input,
output *including* reasoning tokens (both are billed at the output price), image
input tokens, and the billable server-side tool calls at their per-call price
(xai-wire.md §7.2: web and X search and code execution $5 / 1k calls,
collections search $2.50 / 1k, file attachments $10 / 1k; view image / view X
video / remote MCP are billed by tokens only). The server's own
`cost_in_usd_ticks` always wins; an estimate is marked (`Usage.cost_estimated`)
and shown with `≈`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from grok_tui.api.model_list import ModelInfo
from grok_tui.chat.session import Usage

#: USD per billable call of each server-side tool kind (ToolKind values), 2026 docs.
TOOL_CALL_PRICES: dict[str, float] = {
    "web_search": 0.005,
    "x_search": 0.005,
    "code_execution": 0.005,
    "file_search": 0.0025,
    "attachment_search": 0.01,
    "document_search": 0.01,  # usage's `document_search_calls`
    "mcp": 0.0,
    "view_image": 0.0,
    "view_x_video": 0.0,
}


def tool_fees(calls: Mapping[str, int]) -> float | None:
    """What the billable tool calls cost by `TOOL_CALL_PRICES` (exports and
    `ask`'s usage line); None when none of them is billed per call (remote MCP
    is billed by tokens only)."""
    priced = [n * TOOL_CALL_PRICES[k] for k, n in calls.items() if TOOL_CALL_PRICES.get(k)]
    return sum(priced) if priced else None


@dataclass(frozen=True, slots=True)
class ModelPrices:
    """USD per 1M tokens (input, cached input, output, image input) and per tool call."""

    model: str
    input_per_m: float
    cached_input_per_m: float
    output_per_m: float
    image_input_per_m: float | None = None
    tool_call_usd: Mapping[str, float] = field(default_factory=lambda: dict(TOOL_CALL_PRICES))
    #: ("text",) for a text-only model, ("text", "image") when it reads images;
    #: () when not known.
    input_modalities: tuple[str, ...] = ()
    source: str = "documented"  # "documented" | "model list"


def _doc(model: str, inp: float, cached: float, out: float, *, images: bool | None) -> ModelPrices:
    modalities = () if images is None else (("text", "image") if images else ("text",))
    return ModelPrices(
        model, inp, cached, out, inp if images else None, input_modalities=modalities
    )


#: xai-wire.md §7.2 (documented prices; grok-4-0709 and grok-code-fast-1 from
#: third-party tables). Keys are prefixes of model ids, longest first wins.
DOCUMENTED: dict[str, ModelPrices] = {
    "grok-4.3": _doc("grok-4.3", 1.25, 0.20, 2.50, images=True),
    "grok-4.20": _doc("grok-4.20", 2.00, 0.20, 6.00, images=True),
    "grok-4-1-fast": _doc("grok-4-1-fast", 0.20, 0.05, 0.50, images=True),
    "grok-4-fast": _doc("grok-4-fast", 0.20, 0.05, 0.50, images=True),
    "grok-4-0709": _doc("grok-4-0709", 3.00, 0.75, 15.00, images=False),
    "grok-4-latest": _doc("grok-4-0709", 3.00, 0.75, 15.00, images=False),
    "grok-code-fast": _doc("grok-code-fast-1", 0.20, 0.02, 1.50, images=False),
    "grok-3-mini-fast": _doc("grok-3-mini-fast", 0.60, 0.15, 4.00, images=False),
    "grok-3-mini": _doc("grok-3-mini", 0.30, 0.075, 0.50, images=False),
    "grok-3-fast": _doc("grok-3-fast", 5.00, 1.25, 25.00, images=False),
    "grok-3": _doc("grok-3", 3.00, 0.75, 15.00, images=False),
}


def documented_prices(model: str) -> ModelPrices | None:
    name = model.strip().lower()
    if name == "grok-4":
        return DOCUMENTED["grok-4-0709"]
    for prefix in sorted(DOCUMENTED, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "-") or name.startswith(prefix + "."):
            return DOCUMENTED[prefix]
    return None


def prices_from_info(info: ModelInfo) -> ModelPrices | None:
    """Prices from a model-list entry; None when it has no token prices."""
    if info.input_price_per_m is None or info.output_price_per_m is None:
        return None
    tools = dict(TOOL_CALL_PRICES)
    if info.search_price_per_call is not None:
        tools["web_search"] = tools["x_search"] = info.search_price_per_call
    return ModelPrices(
        model=info.id,
        input_per_m=info.input_price_per_m,
        cached_input_per_m=(
            info.cached_input_price_per_m
            if info.cached_input_price_per_m is not None
            else info.input_price_per_m
        ),
        output_per_m=info.output_price_per_m,
        image_input_per_m=info.image_input_price_per_m or None,
        tool_call_usd=tools,
        input_modalities=info.input_modalities,
        source="model list",
    )


class ModelCatalog:
    """The server's model list by id and alias (filled when a front end fetched it)."""

    def __init__(self, models: Iterable[ModelInfo] = ()) -> None:
        self._by_name: dict[str, ModelInfo] = {}
        self.loaded = False
        if models:
            self.update(models)

    def update(self, models: Iterable[ModelInfo]) -> None:
        for info in models:
            self._by_name[info.id] = info
            for alias in info.aliases:
                self._by_name.setdefault(alias, info)
        self.loaded = True

    def get(self, model: str) -> ModelInfo | None:
        return self._by_name.get(model)

    def prices(self, model: str) -> ModelPrices | None:
        """The list's prices for `model`, else the documented ones, else None."""
        info = self.get(model)
        if info is not None:
            listed = prices_from_info(info)
            if listed is not None:
                return listed
        return documented_prices(model)

    def accepts_images(self, model: str) -> bool | None:
        """True / False when the list (or the documentation) says; None when unknown."""
        info = self.get(model)
        if info is not None and info.input_modalities:
            return info.accepts_images
        doc = documented_prices(model)
        if doc is not None and doc.input_modalities:
            return "image" in doc.input_modalities
        return None


def estimate_cost(usage: Usage, prices: ModelPrices) -> float:
    """The USD cost of one reply's usage at `prices` (see the module doc)."""
    cached = min(usage.cached_input_tokens, usage.input_tokens)
    images = min(usage.image_input_tokens, usage.input_tokens - cached)
    image_price = (
        prices.image_input_per_m if prices.image_input_per_m is not None else prices.input_per_m
    )
    uncached_text = max(0, usage.input_tokens - cached - images)
    billed_output = usage.output_tokens + usage.reasoning_tokens
    token_usd = (
        uncached_text * prices.input_per_m
        + cached * prices.cached_input_per_m
        + images * image_price
        + billed_output * prices.output_per_m
    ) / 1_000_000
    tool_usd = sum(
        count * prices.tool_call_usd.get(kind, 0.0)
        for kind, count in usage.server_side_tool_calls.items()
    )
    return token_usd + tool_usd


def fill_cost(usage: Usage | None, model: str | None, catalog: ModelCatalog | None) -> bool:
    """Give `usage` an estimated cost when the server sent none; True if it did."""
    if usage is None or usage.cost_usd is not None or not model:
        return False
    prices = (catalog or ModelCatalog()).prices(model)
    if prices is None:
        return False
    usage.cost_usd = estimate_cost(usage, prices)
    usage.cost_estimated = True
    return True
