"""What the session browser hands back to the chat (typed results), and the
new title of the chat's own session travelling with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input

from grok_tui.chat.session import Message, Session
from grok_tui.store import SessionRepository, SessionStore
from grok_tui.ui.app import GrokApp
from grok_tui.ui.screens.confirm import InputScreen
from grok_tui.ui.screens.session_browser import SessionBrowserScreen
from tests.ui.conftest import wait_for
from tests.ui.memory_store import MemoryStore

T0 = 1_750_000_000.0


def _saved(store: SessionStore, title: str, updated_at: float) -> Session:
    session = Session(
        title=title,
        messages=[
            Message(role="user", text=f"{title} question"),
            Message(role="assistant", text="an answer"),
        ],
    )
    session.updated_at = updated_at
    store.save_snapshot(session.model_dump(mode="json"), touch=False)
    return session


async def _open_browser(pilot: Any, app: GrokApp) -> SessionBrowserScreen:
    await pilot.press("f4")
    await wait_for(
        pilot, lambda: isinstance(app.screen, SessionBrowserScreen), what="the session browser"
    )
    browser = app.screen
    assert isinstance(browser, SessionBrowserScreen)
    await wait_for(pilot, lambda: len(browser.rows) == 2 and not browser.loading, what="the list")
    return browser


async def _rename_highlighted(
    pilot: Any, app: GrokApp, browser: SessionBrowserScreen, title: str
) -> None:
    await pilot.press("f2")
    await wait_for(pilot, lambda: isinstance(app.screen, InputScreen), what="the dialog")
    app.screen.query_one("#value", Input).value = title
    await pilot.press("enter")
    await wait_for(pilot, lambda: browser.rows[0].title == title, what="the rename")


def _two_sessions(backend: Any, tmp_path: Path) -> tuple[SessionStore, Session, Session, GrokApp]:
    """A store with two sessions and an app showing the newer one (on top of the list)."""
    store = SessionStore(tmp_path / "data")
    other = _saved(store, "other chat", T0)
    current = _saved(store, "open chat", T0 + 100)
    return (
        store,
        other,
        current,
        GrokApp(backend=backend, store=store, session=store.load(current.id)),
    )


async def test_renaming_the_open_session_reaches_the_chat_on_esc(
    backend: Any, tmp_path: Path
) -> None:
    store, _other, current, app = _two_sessions(backend, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        browser = await _open_browser(pilot, app)
        await _rename_highlighted(pilot, app, browser, "Zoo notes")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is chat, what="the chat")
        assert chat.session.title == "Zoo notes" and chat.session.title_is_custom
        chat.checkpointer.save(chat.session)
        await chat.checkpointer.flush()
    assert store.load(current.id).title == "Zoo notes"
    store.close()


async def test_renaming_the_open_session_then_opening_another_keeps_the_title(
    backend: Any, tmp_path: Path
) -> None:
    """The chat saves its session before it opens the other one: that save
    must carry the new title, not write the old one back."""
    store, other, current, app = _two_sessions(backend, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        browser = await _open_browser(pilot, app)
        await _rename_highlighted(pilot, app, browser, "Zoo notes")
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: chat.session.id == other.id, what="the other session")
        await chat.checkpointer.flush()
    kept = store.load(current.id)
    assert kept.title == "Zoo notes" and kept.title_is_custom
    store.close()


def test_the_store_and_the_test_fake_implement_the_repository(tmp_path: Path) -> None:
    with SessionStore(tmp_path / "data") as store:
        assert isinstance(store, SessionRepository)
    assert isinstance(MemoryStore(), SessionRepository)
