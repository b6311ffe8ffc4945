"""Cost you can trust: the estimate for replies whose server sent no cost,
checked against prices computed by hand."""

from __future__ import annotations

import pytest

from grok_tui.api.model_list import ModelInfo, parse_model_list
from grok_tui.chat import conversation as conv
from grok_tui.chat.pricing import ModelCatalog, documented_prices, estimate_cost, fill_cost
from grok_tui.chat.session import Message, Session, Usage


def _usage(**kw: object) -> Usage:
    base = dict(
        input_tokens=10_000,
        cached_input_tokens=4_000,
        output_tokens=1_500,  # visible
        reasoning_tokens=2_500,
        server_side_tool_calls={"web_search": 3, "x_search": 2, "view_image": 4},
    )
    base.update(kw)
    return Usage(**base)  # type: ignore[arg-type]


def test_estimate_by_hand_documented_grok_4_3() -> None:
    # grok-4.3: $1.25 / $0.20 cached / $2.50 per 1M; search $5 / 1k calls;
    # view_image is billed by tokens only.
    by_hand = (
        6_000 * 1.25 / 1e6  # uncached input
        + 4_000 * 0.20 / 1e6  # cached input
        + (1_500 + 2_500) * 2.50 / 1e6  # output incl. reasoning
        + 5 * 0.005  # 3 web + 2 X search calls
    )
    assert by_hand == pytest.approx(0.0433)
    prices = documented_prices("grok-4.3")
    assert prices is not None
    assert estimate_cost(_usage(), prices) == pytest.approx(by_hand, rel=1e-12)


def test_estimate_from_the_model_list_prices() -> None:
    # /v1/language-models units: cents per 100M tokens; search_price cents per 100M calls.
    models = parse_model_list(
        {
            "models": [
                {
                    "id": "grok-x",
                    "aliases": ["grok-x-latest"],
                    "input_modalities": ["text"],
                    "prompt_text_token_price": 30000,
                    "cached_prompt_text_token_price": 7500,
                    "completion_text_token_price": 150000,
                    "prompt_image_token_price": 0,
                    "search_price": 250000000,
                }
            ]
        }
    )
    catalog = ModelCatalog(models)
    by_hand = 6_000 * 3 / 1e6 + 4_000 * 0.75 / 1e6 + 4_000 * 15 / 1e6 + 5 * 0.025
    usage = _usage()
    assert fill_cost(usage, "grok-x-latest", catalog)
    assert usage.cost_usd == pytest.approx(by_hand, rel=1e-12)
    assert usage.cost_estimated
    assert catalog.accepts_images("grok-x") is False


def test_server_cost_wins_and_unknown_models_stay_unknown() -> None:
    usage = _usage(cost_usd=0.5)
    assert not fill_cost(usage, "grok-4.3", None)
    assert usage.cost_usd == 0.5 and not usage.cost_estimated
    unknown = _usage()
    assert not fill_cost(unknown, "grok-99", ModelCatalog())
    assert unknown.cost_usd is None


def test_image_tokens_at_the_image_price() -> None:
    info = ModelInfo(
        "m",
        input_price_per_m=2.0,
        cached_input_price_per_m=0.5,
        output_price_per_m=10.0,
        image_input_price_per_m=1.0,
    )
    catalog = ModelCatalog([info])
    usage = Usage(
        input_tokens=1_000, cached_input_tokens=100, image_input_tokens=500, output_tokens=10
    )
    fill_cost(usage, "m", catalog)
    assert usage.cost_usd == pytest.approx((400 * 2.0 + 100 * 0.5 + 500 * 1.0 + 10 * 10.0) / 1e6)


def test_session_totals_mark_an_estimated_part() -> None:
    s = Session()
    conv.add_user_message(s, "a")
    s.messages.append(
        Message(role="assistant", text="x", usage=Usage(total_tokens=5, cost_usd=0.01))
    )
    conv.add_user_message(s, "b")
    s.messages.append(
        Message(
            role="assistant",
            text="y",
            usage=Usage(total_tokens=5, cost_usd=0.02, cost_estimated=True),
        )
    )
    totals = conv.session_totals(s)
    assert totals.cost_usd == pytest.approx(0.03) and totals.cost_estimated


def test_formats_mark_estimates() -> None:
    from grok_tui.chat.export import session_to_markdown
    from grok_tui.chat.formatting import format_cost

    assert format_cost(0.0433, estimated=True) == "≈$0.0433"
    assert format_cost(0.0433) == "$0.0433"
    s = Session(title="t")
    conv.add_user_message(s, "a")
    s.messages.append(
        Message(
            role="assistant",
            text="x",
            usage=Usage(
                input_tokens=1,
                output_tokens=1,
                total_tokens=2,
                cost_usd=0.0433,
                cost_estimated=True,
            ),
        )
    )
    md = session_to_markdown(s)
    assert "≈$0.0433 (estimated from the model's prices)" in md
