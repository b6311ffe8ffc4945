"""First start explains itself: a welcome with the keys in force in the empty
conversation, a titled tool log that says what will appear in it, and in the
demo, search turned on always gives a searched reply."""

from __future__ import annotations

from grok_tui.backend import demo_backend
from grok_tui.chat.search import SearchSettings, WebSearchSettings
from grok_tui.config import Settings
from grok_tui.ui.app import GrokApp
from grok_tui.ui.widgets.tool_log import ToolLog
from grok_tui.ui.widgets.tool_log.widget import EMPTY_TEXT
from grok_tui.ui.widgets.welcome import Welcome
from tests.ui.conftest import wait_for


def _welcome_text(app: GrokApp) -> str:
    return app.chat.conversation.query_one(Welcome).render().plain  # type: ignore[union-attr]


def _lines(widget: ToolLog, count: int) -> str:
    return "\n".join("".join(seg.text for seg in widget.render_line(y)) for y in range(count))


async def test_welcome_names_the_keys_in_force_and_goes_with_the_first_message() -> None:
    settings = Settings(demo=True, keys={"chat.api_key": "f6", "app.command_palette": "ctrl+k"})
    app = GrokApp(settings=settings, backend=demo_backend(tokens_per_second=5000.0))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = _welcome_text(app)
        for key in ("Enter", "F1", "Ctrl+K", "F3", "F6", "Ctrl+J: new line"):
            assert key in text, (key, text)
        assert "Alt+K" not in text and "Ctrl+P" not in text
        chat = app.chat
        chat.prompt.set_text("hello")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not chat.conversation.query(Welcome), what="welcome gone")
        await wait_for(pilot, lambda: not chat.is_streaming, what="the reply")


async def test_tool_log_has_a_title_and_says_what_appears_there() -> None:
    app = GrokApp(settings=Settings(demo=True), backend=demo_backend())
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        log = app.chat.query_one("#tool-log", ToolLog)
        assert log.border_title == "Tool log"
        shown = " ".join(_lines(log, 6).split())
        assert " ".join(EMPTY_TEXT.split()[:6]) in shown


async def test_demo_with_search_on_always_searches() -> None:
    app = GrokApp(settings=Settings(demo=True), backend=demo_backend(tokens_per_second=5000.0))
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        await pilot.pause()
        chat.session.search = SearchSettings(web=WebSearchSettings(enabled=True))
        chat.prompt.set_text("hello there")
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: len(chat.session.messages) == 2 and not chat.is_streaming,
            steps=1000,
            what="the reply",
        )
        reply = chat.session.messages[-1]
        assert reply.tool_calls and reply.citations
        assert chat.query_one("#tool-log", ToolLog).row_count >= 2
