"""Editing the last message (Ctrl+L) over a real session store: nothing
changes in memory or on disk until the edit is sent; Esc gives back the
prompt's draft exactly; a second Ctrl+L does not pull an earlier turn; the
send replaces the last exchange in one step (one edited turn on disk)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grok_tui.chat.session import MessageStatus
from grok_tui.fake import FakeXAI
from grok_tui.store import SessionStore
from grok_tui.ui.app import GrokApp
from grok_tui.ui.widgets.edit_banner import EditBanner
from grok_tui.ui.widgets.message_view import MessageView
from tests.ui.conftest import wait_for


@pytest.fixture
def real_store(tmp_path: Path) -> Iterator[SessionStore]:
    s = SessionStore(tmp_path / "data")
    yield s
    s.close()


async def _send(pilot: Any, app: GrokApp, text: str) -> None:
    chat = app.chat
    chat.prompt.set_text(text)
    chat.prompt.focus()
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: (
            not chat.is_streaming
            and chat.session.messages
            and chat.session.messages[-1].status == MessageStatus.COMPLETE
        ),
        what="the reply",
    )
    await chat.checkpointer.flush()


async def _two_turns(pilot: Any, app: GrokApp) -> None:
    """Two answered turns, the second with a typo to edit."""
    await _send(pilot, app, "first question")
    await _send(pilot, app, "second qestion")


def _file(store: SessionStore, app: GrokApp) -> Path:
    return store.path_for(app.chat.session.id)


def _user_texts(app: GrokApp) -> list[str]:
    return [m.text for m in app.chat.session.messages if m.role == "user"]


async def test_ctrl_l_then_esc_changes_nothing(backend: Any, real_store: SessionStore) -> None:
    app = GrokApp(backend=backend, store=real_store)
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        await _two_turns(pilot, app)
        path = _file(real_store, app)
        before = path.read_bytes()
        chat.prompt.set_text("a draft\nof two lines")
        chat.prompt.move_cursor((0, 3))
        await pilot.press("ctrl+l")
        banner = chat.query_one("#edit-banner", EditBanner)
        assert chat.prompt.text == "second qestion"
        assert banner.shown and "Editing message 3" in str(banner.render())
        assert len(chat.session.messages) == 4  # nothing taken out of memory
        assert len(chat.conversation.query(MessageView)) == 4
        assert chat.conversation.view_at(2).has_class("-editing")  # type: ignore[union-attr]
        await pilot.press("ctrl+l")  # again: no earlier turn is pulled
        assert chat.prompt.text == "second qestion"
        assert chat.pending_edit is not None and chat.pending_edit.index == 2
        await chat.checkpointer.flush()
        assert path.read_bytes() == before
        await pilot.press("escape")
        assert chat.pending_edit is None and not banner.shown
        assert chat.prompt.text == "a draft\nof two lines"
        assert chat.prompt.cursor_location == (0, 3)
        assert not chat.conversation.query("MessageView.-editing")
        await chat.checkpointer.flush()
        assert path.read_bytes() == before
    assert path.read_bytes() == before  # quitting writes the same chat


async def test_ctrl_l_edit_send_saves_one_edited_turn(
    backend: Any, real_store: SessionStore, fake: FakeXAI
) -> None:
    app = GrokApp(backend=backend, store=real_store)
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        await _two_turns(pilot, app)
        await pilot.press("ctrl+l")
        chat.prompt.set_text("second question")
        await _send(pilot, app, "second question")
        assert chat.pending_edit is None
        assert not chat.query_one("#edit-banner", EditBanner).shown
        assert len(chat.conversation.query(MessageView)) == 4
        session_id = chat.session.id
    saved = real_store.load(session_id)
    assert [m.text for m in saved.messages if m.role == "user"] == [
        "first question",
        "second question",
    ]
    assert len(saved.messages) == 4 and saved.messages[-1].status == MessageStatus.COMPLETE
    posts = [r for r in fake.requests if r.method == "POST"]
    assert "second qestion" not in str(posts[-1].json["input"])


async def test_one_turn_chat_keeps_its_file(backend: Any, real_store: SessionStore) -> None:
    app = GrokApp(backend=backend, store=real_store)
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        await _send(pilot, app, "only question")
        path = _file(real_store, app)
        before = path.read_bytes()
        await pilot.press("ctrl+l")
        await chat.checkpointer.flush()
        assert path.exists() and path.read_bytes() == before
        assert chat.prompt.text == "only question"
    assert path.read_bytes() == before  # Ctrl+Q while editing: the turn is kept


async def test_edit_whose_request_never_starts_puts_the_turn_back(
    backend: Any, real_store: SessionStore, fake: FakeXAI
) -> None:
    app = GrokApp(backend=backend, store=real_store)
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        await _two_turns(pilot, app)
        original = [m.id for m in chat.session.messages]
        await pilot.press("ctrl+l")
        fake.queue_scenarios(["error_500"])
        chat.prompt.set_text("second question")
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: chat.pending_edit is not None and not chat.is_streaming,
            what="the edit to come back",
        )
        assert [m.id for m in chat.session.messages] == original
        assert chat.prompt.text == "second question"
        assert chat.query_one("#edit-banner", EditBanner).shown
        assert len(chat.conversation.query(MessageView)) == 4
        await chat.checkpointer.flush()
        saved = real_store.load(chat.session.id)
        assert [m.id for m in saved.messages] == original


async def test_regenerate_is_refused_while_editing(
    backend: Any, real_store: SessionStore, fake: FakeXAI
) -> None:
    app = GrokApp(backend=backend, store=real_store)
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        await _send(pilot, app, "question")
        posts = len([r for r in fake.requests if r.method == "POST"])
        await pilot.press("ctrl+l")
        await pilot.press("ctrl+r")
        assert len([r for r in fake.requests if r.method == "POST"]) == posts
        assert chat.pending_edit is not None and len(chat.session.messages) == 2
