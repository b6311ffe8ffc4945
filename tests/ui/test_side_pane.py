"""The side pane widget: its reactives lay it out, and the chat screen's
`HORIZONTAL_BREAKPOINTS` (`-narrow` below NARROW_WIDTH columns) decide the
layout it follows."""

from __future__ import annotations

from typing import Any

from grok_tui.ui.screens.chat import NARROW_WIDTH
from grok_tui.ui.widgets.side_pane import SIDE_MIN, SidePane


async def test_breakpoint_at_the_narrow_width_and_the_pane_follows(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(NARROW_WIDTH, 30)) as pilot:
        chat = app.chat
        side = chat.query_one("#side", SidePane)
        await pilot.pause()
        assert chat.has_class("-wide") and not chat.has_class("-narrow")
        assert not side.narrow and side.display and side.tool_log_shown
        await pilot.resize_terminal(NARROW_WIDTH - 1, 30)
        await pilot.pause()
        assert chat.has_class("-narrow") and not chat.has_class("-wide")
        assert side.narrow
        assert not side.display  # the narrow layout starts with the tool log hidden
        side.tool_log_narrow = True  # what F2 does there
        await pilot.pause()
        assert side.display and side.region.width == NARROW_WIDTH - 1
        await pilot.resize_terminal(140, 30)
        await pilot.pause()
        # Each layout remembers its own visibility.
        assert not side.narrow and side.display and side.tool_log_wide


async def test_reactives_lay_the_pane_out(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        side = app.chat.query_one("#side", SidePane)
        await pilot.pause()
        side.pane_width = 60
        await pilot.pause()
        assert side.region.width == 60
        side.pane_width = SIDE_MIN
        await pilot.pause()
        assert side.region.width == SIDE_MIN
        side.tool_log_wide = False
        await pilot.pause()
        assert not side.display
        side.search_shown = True  # the search pane alone: no rule above it
        await pilot.pause()
        assert side.display and side.has_class("-search-only")
        assert not side.query_one("#tool-log").display
        assert side.query_one("#search-pane").display


async def test_narrow_height_grows_with_the_keys(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 30)) as pilot:
        side = app.chat.query_one("#side", SidePane)
        await pilot.pause()
        side.toggle_tool_log()
        await pilot.pause()
        height = side.region.height
        assert height == side.pane_height
        await pilot.press("alt+right")
        await pilot.pause()
        assert side.pane_height == height + 2 and side.region.height == height + 2
