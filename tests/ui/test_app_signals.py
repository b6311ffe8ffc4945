"""App-wide changes reach the chat screen as Textual Signals, not as calls
into the screen: a new backend (an API key entered) updates the banner and
the status bar's demo marker."""

from __future__ import annotations

from textual.widgets import Static

from grok_tui.backend import Backend, demo_backend
from grok_tui.config import Settings
from grok_tui.ui.app import GrokApp
from grok_tui.ui.widgets.status_bar import StatusBar


async def test_a_key_entered_publishes_the_backend_and_the_screen_follows() -> None:
    app = GrokApp(
        settings=Settings(demo=True, demo_reason="no API key"),
        backend=demo_backend(reason="no API key"),
    )
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        banner = chat.query_one("#banner", Static)
        bar = chat.query_one("#status", StatusBar)
        assert banner.display and bar.demo
        seen: list[Backend] = []
        app.backend_changed.subscribe(chat, seen.append, immediate=True)
        app.use_api_key("xai-" + "k" * 40)
        await pilot.pause()
        assert seen == [app.backend] and not app.backend.demo
        assert not banner.display
        assert not bar.demo


async def test_a_published_backend_alone_updates_the_screen() -> None:
    """The screen reacts to the signal, whoever publishes it."""
    app = GrokApp(settings=Settings(demo=True), backend=demo_backend())
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        banner = chat.query_one("#banner", Static)
        assert banner.display
        app.backend = Backend(client=app.backend.client, demo=False)
        assert banner.display  # nothing calls the screen ...
        app.backend_changed.publish(app.backend)  # ... until the signal
        await pilot.pause()
        assert not banner.display
