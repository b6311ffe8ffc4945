"""Reply versions and branches on the chat screen: the "‹ n/m ›" headers, the
keys that step, edit and delete (conversation focused and from the prompt),
the status bar's totals, and the history the next request sends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grok_tui.chat import conversation as conv
from grok_tui.chat import tree
from grok_tui.chat.session import Message, MessageStatus, Session, Usage
from grok_tui.fake import FakeConfig, FakeServer, FakeXAI
from grok_tui.ui.app import GrokApp
from grok_tui.ui.screens.confirm import ConfirmScreen
from grok_tui.ui.widgets.edit_banner import EditBanner
from grok_tui.ui.widgets.message_view import MessageView
from grok_tui.ui.widgets.status_bar import StatusBar
from tests.ui.conftest import TEST_KEY
from tests.waiting import wait_for


def _reply(session: Session, text: str, cost: float = 0.01) -> Message:
    message = conv.start_reply(session, "grok-4")
    message.text = text
    message.status = MessageStatus.COMPLETE
    message.usage = Usage(input_tokens=100, output_tokens=50, total_tokens=150, cost_usd=cost)
    return message


def versioned_session() -> Session:
    """Two turns; the last reply has three versions (the third shown); the
    first question has two branches (the second shown)."""
    s = Session(model="grok-4")
    conv.add_user_message(s, "first question")
    _reply(s, "first answer")
    conv.add_user_message(s, "second question")
    for v in range(3):
        if v:
            conv.prepare_regenerate(s)
        _reply(s, f"second answer v{v + 1}")
    first = s.messages[0]
    keep = s.messages[-1].id
    tree.fork_at(s, first.id, "first question, edited")
    _reply(s, "answer to the edit")
    tree.switch_to(s, keep)
    return s


def _header(view: MessageView) -> str:
    return str(view.query_one(".msg-header").render())


def _saved_texts(store: Any, session_id: str) -> list[str]:
    """The texts of the chosen path as saved ([] before the first save)."""
    if session_id not in store.sessions:
        return []
    return [m.text for m in store.load(session_id).messages]


def _shown_views(app: GrokApp) -> list[MessageView]:
    return [v for v in app.chat.conversation.query(MessageView) if v.display]


def _texts(app: GrokApp) -> list[str]:
    return [m.text for m in app.chat.session.messages]


async def _focus_conversation(pilot: Any, app: GrokApp, index: int) -> None:
    conversation = app.chat.conversation
    conversation.focus()
    await pilot.press("end")
    await wait_for(pilot, lambda: conversation.highlighted is not None, what="a highlight")
    conversation.highlighted = index
    await pilot.pause()


async def test_headers_show_the_position(make_app: Any) -> None:
    app = make_app(session=versioned_session())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        conversation = app.chat.conversation
        first, _, second, last = (conversation.view_at(i) for i in range(4))
        assert first is not None and second is not None and last is not None
        assert "‹ 1/2 › branch" in _header(first)
        assert "‹ 3/3 › version" in _header(last)
        assert "‹" not in _header(second)  # the only one: no indicator


async def test_keys_step_versions_and_branches(make_app: Any, store: Any) -> None:
    app = make_app(session=versioned_session())
    async with app.run_test(size=(120, 40)) as pilot:
        chat = app.chat
        await _focus_conversation(pilot, app, 3)
        await pilot.press("left")
        assert _texts(app)[-1] == "second answer v2"
        view = chat.conversation.view_at(3)
        assert view is not None and "‹ 2/3 ›" in _header(view)
        assert view.message.text == "second answer v2"
        assert chat.conversation.highlighted == 3
        await pilot.press("[")
        assert _texts(app)[-1] == "second answer v1"
        await pilot.press("left")  # the first: nothing changes, said so
        assert _texts(app)[-1] == "second answer v1"
        await pilot.press("]", "right")
        assert _texts(app)[-1] == "second answer v3"
        # The branch at the first message: the edit's branch, then back.
        chat.conversation.highlighted = 0
        await pilot.press("right")
        assert _texts(app) == ["first question, edited", "answer to the edit"]
        assert len(_shown_views(app)) == 2  # the others hidden, for the way back
        first = chat.conversation.view_at(0)
        assert first is not None and "‹ 2/2 ›" in _header(first)
        await pilot.press("left")
        assert _texts(app)[-1] == "second answer v3"  # the choices below are remembered
        assert len(_shown_views(app)) == 4
        # Saved a moment after the repaint.
        await wait_for(
            pilot,
            lambda: _saved_texts(store, chat.session.id)[-1:] == ["second answer v3"],
            what="the switch saved",
        )


async def test_prompt_keys_step_the_last_reply(make_app: Any) -> None:
    app = make_app(session=versioned_session())
    async with app.run_test(size=(120, 40)) as pilot:
        chat = app.chat
        await pilot.pause()
        assert chat.prompt.has_focus
        await pilot.press("alt+p")
        assert _texts(app)[-1] == "second answer v2"
        await pilot.press("alt+p", "alt+n", "alt+n")
        assert _texts(app)[-1] == "second answer v3"
        last = chat.conversation.view_at(3)
        assert last is not None and "‹ 3/3 ›" in _header(last)
        assert chat.prompt.text == ""  # nothing typed into the prompt


async def test_edit_highlighted_message_forks_there(make_app: Any, fake: FakeXAI) -> None:
    app = make_app(session=versioned_session())
    async with app.run_test(size=(120, 40)) as pilot:
        chat = app.chat
        await _focus_conversation(pilot, app, 2)
        await pilot.press("e")
        assert chat.prompt.has_focus and chat.prompt.text == "second question"
        assert chat.query_one("#edit-banner", EditBanner).shown
        chat.prompt.set_text("second question, better")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not chat.is_streaming, what="the reply")
        user = chat.session.messages[2]
        assert user.text == "second question, better"
        assert tree.position(chat.session, user.id) == (2, 2)
        view = chat.conversation.view_at(2)
        assert view is not None and "‹ 2/2 › branch" in _header(view)
        # A reply cannot be edited: said, nothing changes.
        await _focus_conversation(pilot, app, 3)
        await pilot.press("e")
        assert chat.pending_edit is None and chat.conversation.has_focus


async def test_delete_asks_and_removes_one_version(make_app: Any) -> None:
    app = make_app(session=versioned_session())
    async with app.run_test(size=(120, 40)) as pilot:
        chat = app.chat
        await _focus_conversation(pilot, app, 3)
        await pilot.press("left")  # version 2 of 3
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the confirm")
        question = str(app.screen.query_one("#question").render())
        assert "Delete version 2 of 3 of this reply?" in question
        await pilot.press("escape")  # no: nothing goes
        await wait_for(pilot, lambda: app.screen is chat, what="the chat")
        assert len(tree.siblings(chat.session, chat.session.messages[3].id)) == 3
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the confirm")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is chat, what="the chat")
        await wait_for(
            pilot,
            lambda: len(tree.siblings(chat.session, chat.session.messages[3].id)) == 2,
            what="the delete",
        )
        assert _texts(app)[-1] == "second answer v1"
        view = chat.conversation.view_at(3)
        assert view is not None and "‹ 1/2 ›" in _header(view)
        assert all("v2" not in m.text for m in tree.all_messages(chat.session))
        # The branch at the first message: the question names what goes after it.
        chat.conversation.highlighted = 0
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the confirm")
        question = str(app.screen.query_one("#question").render())
        assert "Delete branch 1 of 2 of this message (and the 4 messages after it)?" in question
        await pilot.press("escape")


async def test_delete_of_the_only_version_is_refused(make_app: Any) -> None:
    app = make_app(session=versioned_session())
    async with app.run_test(size=(120, 40)) as pilot:
        await _focus_conversation(pilot, app, 1)
        before = _texts(app)
        await pilot.press("d")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert _texts(app) == before
        assert any("only one version" in str(n.message) for n in app._notifications)


async def test_status_bar_counts_every_version(make_app: Any) -> None:
    app = make_app(session=versioned_session())
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        bar = app.chat.query_one("#status", StatusBar)
        # Five replies paid for, two on the path.
        assert "$0.05" in bar.plain and "shown $0.02" in bar.plain


async def test_stepping_while_streaming_is_refused(make_app: Any, fake: FakeXAI) -> None:
    app = make_app(session=versioned_session())
    async with app.run_test(size=(120, 40)) as pilot:
        chat = app.chat
        fake.queue_scenarios(["stall"])
        chat.prompt.set_text("third question")
        await pilot.press("enter")
        await wait_for(pilot, lambda: chat.is_streaming, what="the stream")
        path = _texts(app)
        await pilot.press("alt+p")
        assert _texts(app) == path
        assert any("streaming" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not chat.is_streaming, what="the stop")


async def test_next_request_sends_the_shown_path(tmp_path: Path) -> None:
    """Over a loopback FakeServer: after switching back to version 1 of the
    reply, the request's history holds version 1, not the newest."""
    from grok_tui.api.client import XAIClient
    from grok_tui.backend import Backend

    fake = FakeXAI(FakeConfig(api_key=TEST_KEY))
    with FakeServer(fake) as server:
        client = XAIClient(TEST_KEY, server.url)
        app = GrokApp(backend=Backend(client=client, demo=False), session=versioned_session())
        async with app.run_test(size=(120, 40)) as pilot:
            chat = app.chat
            await pilot.press("alt+p", "alt+p")
            assert _texts(app)[-1] == "second answer v1"
            chat.prompt.set_text("third question")
            await pilot.press("enter")
            await wait_for(
                pilot,
                lambda: not chat.is_streaming and len(chat.session.messages) == 6,
                what="the reply",
            )
            posts = [r for r in fake.requests if r.method == "POST"]
            body = str(posts[-1].json["input"])
            assert "second answer v1" in body
            assert "second answer v2" not in body and "second answer v3" not in body
            assert "answer to the edit" not in body


async def test_tool_log_follows_the_version_shown(make_app: Any) -> None:
    """Each version keeps its own tool calls: the log shows the shown one's."""
    from grok_tui.chat.session import ToolCall
    from grok_tui.ui.widgets.tool_log import ToolLog

    session = versioned_session()
    for message in tree.all_messages(session):
        if message.role == "assistant" and message.text.startswith("second answer"):
            query = message.text.replace(" ", "_")
            message.tool_calls = [
                ToolCall(
                    call_id=f"call-{query}",
                    name="web_search",
                    tool_kind="web_search",
                    arguments=json.dumps({"query": query}),
                    phase="completed",
                )
            ]
    app = make_app(session=session)
    async with app.run_test(size=(160, 40)) as pilot:
        chat = app.chat
        log = chat.query_one(ToolLog)

        def shown() -> str:
            return "\n".join(log.plain_lines())

        await wait_for(pilot, lambda: "second_answer_v3" in shown(), what="the log")
        await pilot.press("alt+p")
        await wait_for(pilot, lambda: "second_answer_v2" in shown(), what="version 2's calls")
        assert "second_answer_v3" not in shown()
