"""SSE keep-alives before the first token: the status bar says the server is
alive while the user waits, and the reply then streams as usual."""

from __future__ import annotations

from typing import Any

from grok_tui.chat.session import MessageStatus
from grok_tui.fake import FakeXAI
from grok_tui.ui.widgets.status_bar import StatusBar
from tests.ui.conftest import wait_for


async def test_keepalive_before_first_token_shows_server_alive(
    make_app: Any, fake: FakeXAI, monkeypatch: Any
) -> None:
    fake.config.keepalive_seconds = 0.02
    seen: list[tuple[str, str]] = []
    original = StatusBar.mark_server_alive

    def spy(self: StatusBar, at: float | None = None) -> None:
        original(self, at)
        seen.append((self.state, self.state_text))

    monkeypatch.setattr(StatusBar, "mark_server_alive", spy)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        chat.prompt.set_text("are you there? scenario:keepalive")
        chat.prompt.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: not chat.is_streaming, what="the reply to end")
        reply = chat.session.messages[-1]
        assert reply.status == MessageStatus.COMPLETE
        assert reply.text.strip()
        # At least one keep-alive reached the bar while waiting, and the bar
        # said so; the finished turn no longer claims to be waiting.
        assert seen, "no keep-alive reached the status bar"
        state, text = seen[0]
        assert state == "sending"
        assert "server alive" in text
        assert "server alive" not in chat.query_one(StatusBar).state_text
