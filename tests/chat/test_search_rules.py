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


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("www.wikipedia.org", "wikipedia.org"),
        ("en.wikipedia.org", "wikipedia.org"),
        ("https://news.bbc.co.uk/x", "bbc.co.uk"),
        ("bbc.co.uk", "bbc.co.uk"),
        ("alice.github.io", "alice.github.io"),
        ("docs.x.ai", "x.ai"),
    ],
)
def test_domains_are_sent_without_subdomains(typed: str, sent: str) -> None:
    from grok_tui.chat.search import normalize_domain

    value, note = normalize_domain(typed)
    assert value == sent
    if typed.split("//")[-1].split("/")[0] != sent:
        assert note is not None and f"sent as {sent}" in note


def test_a_public_suffix_is_not_a_domain() -> None:
    from grok_tui.chat.search import SettingError, normalize_domain

    with pytest.raises(SettingError, match="public suffix"):
        normalize_domain("co.uk")
