"""The additions to grok_tui.chat.search made for the search form.

(API-spelled list input refusing both lists, international domain names,
which reasoning efforts a model takes.)
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from grok_tui.chat.search import (
    SearchSettings,
    normalize_domain,
    reasoning_efforts_for,
    validation_messages,
)


def test_api_spelled_lists_pick_the_mode() -> None:
    s = SearchSettings.model_validate(
        {
            "web": {"excluded_domains": ["https://X.ai/docs"]},
            "x": {"allowed_x_handles": ["@xai"]},
        }
    )
    assert (s.web.domain_mode, s.web.domains) == ("excluded", ["x.ai"])
    assert (s.x.handle_mode, s.x.handles) == ("allowed", ["xai"])


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"web": {"allowed_domains": ["a.com"], "excluded_domains": ["b.com"]}}, "web"),
        ({"x": {"allowed_x_handles": ["xai"], "excluded_x_handles": ["grok"]}}, "x"),
    ],
)
def test_both_lists_at_once_are_refused(data: dict[str, object], path: str) -> None:
    with pytest.raises(ValidationError) as info:
        SearchSettings.model_validate(data)
    assert "not both" in validation_messages(info.value)[path]


def test_international_domain_becomes_punycode_with_a_note() -> None:
    host, note = normalize_domain("Bücher.de")
    assert host == "xn--bcher-kva.de"
    assert note is not None and "international" in note


@pytest.mark.parametrize(
    ("model", "efforts"),
    [
        ("grok-4.3", ("none", "low", "medium", "high")),
        ("grok-4.6", ("none", "low", "medium", "high", "xhigh")),
        ("grok-3-mini", ("low", "high")),
        ("grok-4-0709", ()),
        ("grok-4-1-fast-reasoning", ()),
        ("grok-4.20-0309-non-reasoning", ()),
        ("grok-4.5", None),
    ],
)
def test_reasoning_efforts_for(model: str, efforts: tuple[str, ...] | None) -> None:
    assert reasoning_efforts_for(model) == efforts
