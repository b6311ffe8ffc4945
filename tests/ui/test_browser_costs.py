"""The session browser shows what each session cost (issue 13): a Cost column
written as the status bar writes costs, a sort by cost on F3, and the sum of
the listing in the heading, kept right when a session leaves the list; a
reply's cost reaches the browser through a real save."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from grok_tui.chat.session import Session
from grok_tui.store import SessionStore
from grok_tui.ui.screens.session_browser import SessionBrowserScreen
from tests.store.helpers import priced_session
from tests.ui.conftest import wait_for
from tests.ui.test_session_browser import (  # noqa: F401 (store: the fixture)
    Host,
    put,
    settled,
    store,
    table_text,
    titles,
)

T0 = 1_750_000_000.0


@pytest.fixture
def four(store: SessionStore) -> list[Session]:
    return [
        put(store, priced_session("cheap", (0.0123, False)), T0),
        put(store, priced_session("dear", (1.5, False), (11.25, True)), T0 + 100),
        put(store, priced_session("unknown", (None, False)), T0 + 200),
        put(store, priced_session("estimated", (0.12, True)), T0 + 300),
    ]


def heading(browser: SessionBrowserScreen) -> str:
    return str(browser.query_one("#heading", Static).render())


def row_line(browser: SessionBrowserScreen, title: str) -> str:
    return next(line for line in table_text(browser).splitlines() if title in line)


async def test_cost_column_heading_total_and_sort(store: SessionStore, four: list[Session]) -> None:
    browser = SessionBrowserScreen(store, refresh=False)
    async with Host(browser).run_test(size=(160, 30)) as pilot:
        await settled(pilot, browser)
        assert "Cost" in table_text(browser).splitlines()[0]
        assert row_line(browser, "cheap").rstrip().endswith("cheap question 0")
        assert " $0.0123 " in row_line(browser, "cheap")
        assert " ≈$12.75 " in row_line(browser, "dear")
        assert " ≈$0.1200 " in row_line(browser, "estimated")
        assert " – " in row_line(browser, "unknown")  # no known cost: the status bar's dash
        assert heading(browser).startswith("Sessions: 4 · ≈$12.88 · 5k tok · sorted by")
        await pilot.press("f3", "f3")
        await settled(pilot, browser)
        assert browser.sort == "cost"
        assert titles(browser) == ["dear", "estimated", "cheap", "unknown"]
        assert heading(browser).endswith("sorted by cost, dearest first")
        # The sort kept the highlighted session; the dearest is at the top.
        assert browser.highlighted_id() == four[3].id
        await pilot.press("ctrl+home")
        assert browser.highlighted_id() == four[1].id
        detail = str(browser.query_one("#detail", Static).render())
        assert "cost ≈$12.75 (2k tokens)" in detail
        # Deleting a session takes its cost off the sum at once.
        await pilot.press("f8")
        await wait_for(pilot, lambda: "dear" not in titles(browser), what="the delete")
        assert heading(browser).startswith("Sessions: 3 · ≈$0.1323 · 3k tok")


async def test_a_filter_sums_every_match(store: SessionStore, four: list[Session]) -> None:
    browser = SessionBrowserScreen(store, refresh=False)
    async with Host(browser).run_test(size=(120, 30)) as pilot:
        await settled(pilot, browser)
        from tests.ui.test_session_browser import type_filter

        await type_filter(pilot, browser, "cheap")
        assert heading(browser).startswith("Sessions: 1 match · $0.0123 · 1k tok")
        await pilot.press("f9")  # the trash: nothing there yet
        await settled(pilot, browser)
        assert heading(browser).startswith("Trash: 0 deleted sessions")


async def test_a_reply_saved_by_the_chat_shows_its_cost_in_the_browser(
    make_app: Any, tmp_path: Path
) -> None:
    """Through the app's own saves (checkpointer snapshots) into a real store."""
    with SessionStore(tmp_path / "sessions-root") as store:
        app = make_app(store=store)
        async with app.run_test(size=(140, 36)) as pilot:
            chat = app.chat
            chat.prompt.set_text("hello there")
            chat.prompt.focus()
            await pilot.press("enter")
            await wait_for(
                pilot,
                lambda: len(chat.session.messages) == 2 and not chat.is_streaming,
                what="the reply",
            )
            usage = chat.session.messages[-1].usage
            assert usage is not None and usage.cost_usd
            await wait_for(
                pilot,
                lambda: (
                    bool(store.list_sessions())
                    and store.list_sessions()[0].cost_usd == usage.cost_usd
                ),
                what="the save to reach the index",
            )
            await pilot.press("f4")
            await wait_for(
                pilot, lambda: isinstance(app.screen, SessionBrowserScreen), what="the browser"
            )
            browser = app.screen
            await settled(pilot, browser)
            from grok_tui.chat.formatting import format_cost

            shown = format_cost(usage.cost_usd, estimated=usage.cost_estimated)
            assert f" {shown} " in row_line(browser, "hello there")
            assert shown in heading(browser)
