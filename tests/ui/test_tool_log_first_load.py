"""The tool log's first load waits until after the first frame (a long
session's log costs a few hundred ms). A user can send before it runs (keys
typed while the app starts): the log must still list the session's earlier
turns beside the new one, and the late load must not wipe the new turn."""

from __future__ import annotations

from typing import Any

import pytest

from grok_tui.chat.session import Message, MessageStatus, Session
from grok_tui.ui.screens.chat import ChatScreen
from grok_tui.ui.widgets.tool_log import ToolLog
from tests.waiting import wait_for


async def test_a_turn_sent_before_the_first_tool_log_load_keeps_the_earlier_turns(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session()
    session.messages.append(Message(role="user", text="an earlier question"))
    session.messages.append(
        Message(role="assistant", text="an earlier answer", status=MessageStatus.COMPLETE)
    )
    # The deferred first load has not run yet when the user sends.
    late: list[ChatScreen] = []
    load = ChatScreen._load_tool_log
    monkeypatch.setattr(ChatScreen, "_load_tool_log", lambda screen: late.append(screen))
    app = make_app(session=session)
    async with app.run_test(size=(160, 40)) as pilot:
        chat = app.chat
        chat.prompt.set_text("a new question")
        chat.prompt.focus()
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: len(chat.session.messages) == 4 and not chat.is_streaming,
            what="the reply",
        )
        assert late == [chat]
        load(chat)  # now the deferred load runs
        await pilot.pause()
        lines = "\n".join(chat.query_one(ToolLog).plain_lines())
        assert "an earlier question" in lines and "a new question" in lines
