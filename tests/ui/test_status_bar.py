"""StatusBar: state text and ticking, totals, DEMO, compaction at 80 columns;
and the pure search summary of grok_tui.chat.formatting."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from grok_tui.chat.formatting import (
    format_cost,
    format_duration,
    format_price_per_m,
    format_tokens,
    search_summary,
)
from grok_tui.chat.phase import TurnPhase
from grok_tui.chat.search import SearchSettings, WebSearchSettings, XSearchSettings
from grok_tui.chat.session import Usage
from grok_tui.ui.theme_files import theme_variable_defaults
from grok_tui.ui.widgets.status_bar import StatusBar, fit_parts

INJECT = "[@click=app.quit]x[/]"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Host(App[None]):
    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return theme_variable_defaults()

    def compose(self) -> ComposeResult:
        yield StatusBar(clock=self.clock)


def web(**kw: object) -> WebSearchSettings:
    return WebSearchSettings(enabled=True, **kw)  # type: ignore[arg-type]


def x(**kw: object) -> XSearchSettings:
    return XSearchSettings(enabled=True, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (SearchSettings(), "search off"),
        (None, "search off"),
        (SearchSettings(web=web()), "web"),
        (SearchSettings(web=web(domains=["x.ai"])), "web: x.ai"),
        (SearchSettings(web=web(domains=["x.ai", "wikipedia.org"])), "web: x.ai +1"),
        (
            SearchSettings(web=web(domain_mode="excluded", domains=["reddit.com"])),
            "web: -reddit.com",
        ),
        (SearchSettings(x=x()), "X"),
        (SearchSettings(x=x(handles=["@xai", "elonmusk", "grok"])), "X: @xai +2"),
        (SearchSettings(x=x(handle_mode="excluded", handles=["spam"])), "X: -@spam"),
        (SearchSettings(x=x(from_date="2025-11-01")), "X: 2025-11-01.."),
        (SearchSettings(x=x(to_date="2025-12-01")), "X: ..2025-12-01"),
        (
            SearchSettings(x=x(from_date="2025-11-01", to_date="2025-12-01")),
            "X: 2025-11-01..2025-12-01",
        ),
        (
            SearchSettings(
                web=web(domains=["x.ai", "wikipedia.org"]),
                x=x(handles=["xai"], from_date="2025-11-01"),
            ),
            "web: x.ai +1  X: @xai 2025-11-01..",
        ),
        (
            SearchSettings(web=web(image_understanding=True), x=x(video_understanding=True)),
            "web +img  X +video",
        ),
        (SearchSettings(reasoning_effort="high"), "search off  effort: high"),
        (SearchSettings(web=WebSearchSettings(enabled=False, domains=["x.ai"])), "search off"),
    ],
)
def test_search_summary(settings: SearchSettings | None, expected: str) -> None:
    assert search_summary(settings) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (950, "950"),
        (1000, "1k"),
        (1234, "1.2k"),
        (30313, "30.3k"),
        (250_000, "250k"),
        (1_000_000, "1M"),
        (1_250_000, "1.25M"),
        (None, "–"),
    ],
)
def test_format_tokens(value: int | None, expected: str) -> None:
    assert format_tokens(value) == expected


def test_format_cost_duration_price() -> None:
    assert format_cost(None) == "–"
    assert format_cost(0) == "$0"
    assert format_cost(0.01629795) == "$0.0163"
    assert format_cost(0.00001) == "<$0.0001"
    assert format_cost(12.5) == "$12.50"
    assert format_duration(0.42) == "0.4 s"
    assert format_duration(12.7) == "12 s"
    assert format_duration(65) == "1 m 05 s"
    assert format_duration(7380) == "2 h 03 m"
    assert format_price_per_m(1.25) == "$1.25"
    assert format_price_per_m(0.075) == "$0.075"
    assert format_price_per_m(15.0) == "$15"
    assert format_price_per_m(0.2) == "$0.20"
    assert format_price_per_m(None) == "–"


def test_fit_parts_shortens_then_drops_lowest_priority_first() -> None:
    parts = [
        (80, ["DEMO"]),
        (100, ["state"]),
        (60, ["long search", "web"]),
        (70, ["tok · $1", "$1"]),
    ]
    assert fit_parts(parts, 200) == [0, 0, 0, 0]
    # 4+5+11+8 + 3 separators*3 = 37
    assert fit_parts(parts, 36) == [0, 0, 1, 0]
    assert fit_parts(parts, 29) == [0, 0, 1, 0]
    assert fit_parts(parts, 28) == [0, 0, None, 0]
    assert fit_parts(parts, 20) == [0, 0, None, 1]
    assert fit_parts(parts, 5) == [None, 0, None, None]


SETTINGS = SearchSettings(
    web=web(domains=["x.ai", "wikipedia.org"]), x=x(handles=["xai"], from_date="2025-11-01")
)
TOTALS = Usage(input_tokens=27236, output_tokens=3077, total_tokens=30313, cost_usd=0.01629795)


async def test_full_bar_and_states() -> None:
    clock = Clock()
    app = Host(clock)
    async with app.run_test(size=(140, 3)) as pilot:
        bar = app.query_one(StatusBar)
        bar.set_model("grok-4.3")
        bar.set_search(SETTINGS)
        bar.set_totals(TOTALS)
        bar.set_demo(True)
        await pilot.pause()
        assert bar.plain == (
            " DEMO  │ grok-4.3 │ idle │ web: x.ai +1  X: @xai 2025-11-01.. │ 30.3k tok · $0.0163"
        )
        bar.set_state("sending")
        assert bar.state is TurnPhase.SENDING and "│ sending… │" in bar.plain
        bar.set_state(TurnPhase.SEARCHING, "web_search")
        assert "searching (web_search)" in bar.plain
        bar.set_state("streaming")
        assert "│ streaming │" in bar.plain
        bar.set_state("stopped")
        assert "│ stopped │" in bar.plain
        bar.set_state("failed", "HTTP 401: bad key.")
        assert "failed: HTTP 401: bad key." in bar.plain
        bar.set_totals(None)
        bar.set_demo(False)
        assert "tok" not in bar.plain and "DEMO" not in bar.plain
        with pytest.raises(ValueError):
            bar.set_state("bogus")


async def test_thinking_counts_up_and_retry_counts_down() -> None:
    clock = Clock()
    app = Host(clock)
    async with app.run_test(size=(100, 3)):
        bar = app.query_one(StatusBar)
        bar.set_state("thinking", seconds=3.2)
        assert bar.state_text == "thinking 3 s" and bar.is_ticking
        clock.now += 9.0
        assert bar.state_text == "thinking 12 s"
        bar.set_state("retrying", "rate limited", seconds=2.0)
        assert bar.state_text == "retrying in 2 s: rate limited" and bar.is_ticking
        clock.now += 1.2
        assert bar.state_text == "retrying in 1 s: rate limited"
        clock.now += 5
        assert bar.state_text == "retrying in 0 s: rate limited"
        bar.set_state("streaming")
        assert not bar.is_ticking
        bar.set_state("thinking")
        assert bar.state_text == "thinking…" and not bar.is_ticking


async def test_server_alive_while_waiting_counts_up() -> None:
    clock = Clock()
    app = Host(clock)
    async with app.run_test(size=(100, 3)) as pilot:
        bar = app.query_one(StatusBar)
        bar.set_state("sending")
        assert bar.state_text == "sending…" and not bar.is_ticking
        clock.now += 4.0
        bar.mark_server_alive()
        assert bar.state_text == "waiting · server alive 0 s ago" and bar.is_ticking
        await pilot.pause()
        assert "waiting · server alive 0 s ago" in bar.plain
        clock.now += 2.5
        assert bar.state_text == "waiting · server alive 2 s ago"
        bar.mark_server_alive()  # the next keep-alive restarts the count
        assert bar.state_text == "waiting · server alive 0 s ago"
        bar.mark_server_alive(at=clock.now - 65)
        assert bar.state_text == "waiting · server alive 1 m 05 s ago"
        # content arrived: the state changes and the mark is forgotten
        bar.set_state("streaming")
        assert bar.state_text == "streaming" and not bar.is_ticking
        bar.set_state("sending")
        assert bar.state_text == "sending…"
        # a mark outside `sending` changes nothing shown (thinking shows its own time)
        bar.set_state("thinking", seconds=1.0)
        bar.mark_server_alive()
        assert bar.state_text == "thinking 1 s" and bar.is_ticking
        bar.set_state("streaming")
        bar.mark_server_alive()
        assert bar.state_text == "streaming" and not bar.is_ticking


async def test_compact_at_80_columns() -> None:
    clock = Clock()
    app = Host(clock)
    async with app.run_test(size=(80, 3)) as pilot:
        bar = app.query_one(StatusBar)
        bar.set_model("grok-4.20-multi-agent-0309")
        bar.set_search(SETTINGS)
        bar.set_totals(TOTALS)
        bar.set_demo(True)
        bar.set_state("retrying", "rate limited", seconds=20)
        await pilot.pause()
        text = bar.plain
        assert len(text) <= 78  # 80 minus the padding
        assert "retrying in 20 s: rate limited" in text
        assert "$0.0163" in text and "DEMO" in text and "grok-4.20" in text
        assert "2025-11-01" not in text  # the search filters went first
        await pilot.resize_terminal(40, 3)
        await pilot.pause()
        assert "retrying in 20 s" in bar.plain and "DEMO" not in bar.plain


async def test_untrusted_detail_is_literal() -> None:
    clock = Clock()
    app = Host(clock)
    async with app.run_test(size=(120, 3)) as pilot:
        bar = app.query_one(StatusBar)
        bar.set_model(f"m{INJECT}\x1b]0;t\x07")
        bar.set_state("searching", f"tool{INJECT}\x1b[2J")
        await pilot.pause()
        assert f"m{INJECT}" in bar.plain and f"searching (tool{INJECT})" in bar.plain
        assert "\x1b" not in bar.plain
        await pilot.click(StatusBar, offset=(3, 0))
        assert app.is_running
