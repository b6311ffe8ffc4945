"""The open chat's session deleted by another window (another store on the
same folder): the next save is dropped by the store, and the chat goes on as
a new saved session instead of silently no longer being saved. Deleted in this
window's own browser: nothing comes back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grok_tui.chat.session import MessageStatus
from grok_tui.store import SessionStore
from grok_tui.ui.app import GrokApp
from tests.ui.conftest import wait_for


async def _turn(pilot: Any, app: GrokApp, text: str) -> None:
    """Send `text` and wait until its reply is finished and saved."""
    chat = app.chat
    before = len(chat.session.messages)
    chat.prompt.set_text(text)
    chat.prompt.focus()
    await pilot.press("enter")

    def finished() -> bool:
        msgs = chat.session.messages
        return (
            len(msgs) == before + 2
            and msgs[-1].status != MessageStatus.STREAMING
            and not chat.is_streaming
        )

    await wait_for(pilot, finished, steps=3000, what="the reply to end")
    await chat.checkpointer.flush()


async def test_deleted_in_another_window_goes_on_as_a_new_session(
    backend: Any, tmp_path: Path
) -> None:
    store = SessionStore(tmp_path / "data")
    other_window = SessionStore(tmp_path / "data")
    notes: list[str] = []
    app = GrokApp(backend=backend, store=store)
    async with app.run_test(size=(140, 40)) as pilot:
        app.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign]
        chat = app.chat
        await _turn(pilot, app, "first question")
        old_id = chat.session.id
        assert store.exists(old_id)

        other_window.delete(old_id)
        await _turn(pilot, app, "second question")  # its saves are dropped
        await wait_for(
            pilot, lambda: chat.session.id != old_id, steps=3000, what="the chat to fork"
        )
        await chat.checkpointer.flush()

        new_id = chat.session.id
        assert any("deleted elsewhere" in n for n in notes), notes
        assert chat.checkpointer.dropped >= 1 and chat.checkpointer.last_error is None
    store.close()

    fresh = SessionStore(tmp_path / "data")
    assert not fresh.exists(old_id), "the deleted session came back under its own id"
    assert [s.id for s in fresh.list_trash()] == [old_id]
    kept = fresh.load(new_id)
    assert [m.role for m in kept.messages] == ["user", "assistant"] * 2
    assert kept.messages[2].text == "second question"
    assert kept.messages[3].status == MessageStatus.COMPLETE
    fresh.close()
    other_window.close()


async def test_deleted_in_this_windows_browser_stays_deleted(
    backend: Any, fake: Any, tmp_path: Path
) -> None:
    store = SessionStore(tmp_path / "data")
    app = GrokApp(backend=backend, store=store)
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        await _turn(pilot, app, "a chat to delete")
        old_id = chat.session.id
        # A slow second reply: checkpoints are being written while the
        # browser deletes the session.
        fake.config.tokens_per_second = 200.0
        chat.prompt.set_text("another answer tokens:400")
        chat.prompt.focus()
        await pilot.press("enter")
        # The reply message exists from its start (streaming or, on a slow
        # machine, already finished: the delete below must win either way).
        await wait_for(
            pilot, lambda: len(chat.session.messages) == 4, steps=3000, what="the reply to start"
        )
        await pilot.press("f4")
        await wait_for(
            pilot,
            lambda: type(app.screen).__name__ == "SessionBrowserScreen",
            steps=3000,
            what="the session browser",
        )
        browser = app.screen
        await wait_for(
            pilot,
            lambda: browser.highlighted_id() is not None,  # type: ignore[attr-defined]
            steps=3000,
            what="a highlighted row",
        )
        assert browser.highlighted_id() == old_id  # type: ignore[attr-defined]
        await pilot.press("f8")
        await wait_for(
            pilot,
            lambda: app.screen is chat and chat.session.id != old_id,
            steps=3000,
            what="a new chat after deleting the open one",
        )
        await chat.checkpointer.flush()
        assert not chat.is_streaming
    store.close()

    fresh = SessionStore(tmp_path / "data")
    assert not fresh.exists(old_id)
    assert fresh.list_sessions() == [], "a deleted chat came back (as a copy or itself)"
    assert [s.id for s in fresh.list_trash()] == [old_id]
    fresh.close()
