"""Checks `grok-tui ask` makes before any request, and its cost estimate.

The checks are the TUI's (`grok_tui.chat.preflight`); `ask` refuses what the
TUI would adapt, since nobody is there to read a note on the turn.
"""

from __future__ import annotations

import argparse
from typing import Any

from grok_tui.api.chat_request import ApiKind
from grok_tui.api.events import Usage


class UsageProblem(Exception):
    """A usage or validation error: printed as is, exit code 2."""


def preflight_notes(
    args: argparse.Namespace,
    settings: Any,
    search: Any,
    prompt: str,
    image_count: int,
    api: ApiKind,
) -> list[str]:
    """The same checks as the TUI (`grok_tui.chat.preflight`), before any request.

    What cannot work is refused (UsageProblem, exit 2) with the reason: a
    reasoning effort the model refuses, images to a text-only model,
    `--image-understanding` without a search tool, `--max-turns` without a
    server-side tool, the API key in the prompt. Tools with `--api chat` are
    sent without them, with a note (returned)."""
    from grok_tui.chat.preflight import effort_refusal, preflight

    if args.image_understanding and not (search.web.enabled or search.x.enabled):
        raise UsageProblem(
            "--image-understanding applies to web or X search; add --web-search or --x-search "
            "(it is not about images attached with --image)"
        )
    secrets = [settings.key_value() or ""]
    notes: list[str] = []
    for finding in preflight(
        model=settings.model,
        api=api,
        settings=search,
        image_count=image_count,
        text=prompt,
        secrets=secrets,
        store=bool(settings.store_responses),
    ):
        if finding.kind in ("search_on_chat", "images_stored"):
            notes.append(finding.text)
        elif finding.kind == "max_turns_without_tools":
            raise UsageProblem(
                "--max-turns applies only with --web-search or --x-search "
                "(or --code-execution, --mcp, --collection)"
            )
        elif finding.kind == "api_key_in_prompt":
            raise UsageProblem(
                "the prompt contains your API key; it was not sent (remove the key from the prompt)"
            )
        elif finding.kind == "effort_refused":
            refusal = effort_refusal(settings.model, search.reasoning_effort) or finding.text
            raise UsageProblem(f"{refusal}; leave out --reasoning-effort or pick another --model")
        else:
            raise UsageProblem(finding.text)
    return notes


def estimate_for(usage: Usage | None, model: str | None) -> float | None:
    """The cost of a reply whose server sent none, from the model's documented
    prices (`grok_tui.chat.pricing`); None when unknown."""
    if usage is None or usage.cost_usd is not None or not model:
        return None
    from grok_tui.chat.pricing import documented_prices, estimate_cost
    from grok_tui.chat.turn import usage_from_api

    prices = documented_prices(model)
    return None if prices is None else estimate_cost(usage_from_api(usage), prices)
