"""The session browser over conversation trees: the branch count of a session
with alternatives, a search hit found only on another branch said as such and
opened on that branch (in the chat, highlighted, the file recording it), and
imports of tree (v2) and older linear (v0/v1) exports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from grok_tui.chat.session import Session
from grok_tui.store import SessionStore
from grok_tui.ui.app import GrokApp
from grok_tui.ui.screens.session_browser import OpenSession, SessionBrowserScreen
from tests.store.helpers import make_session, three_branches
from tests.ui.conftest import wait_for
from tests.ui.test_session_browser import (
    T0,
    Host,
    answer_dialog,
    put,
    settled,
    table_text,
    type_filter,
)

FIXTURES = Path(__file__).parents[1] / "store" / "fixtures"


def branched(store: SessionStore, updated_at: float) -> tuple[Session, str]:
    """`three_branches` saved with that last-activity time."""
    s, striped = three_branches()
    put(store, s, updated_at)
    return s, striped


async def open_browser(pilot: Any, app: GrokApp) -> SessionBrowserScreen:
    """F4 from the chat; the browser once its list is loaded."""
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(app.screen, SessionBrowserScreen))
    browser = app.screen
    assert isinstance(browser, SessionBrowserScreen)
    await settled(pilot, browser)
    return browser


@pytest.fixture
def store(tmp_path: Path) -> Any:
    s = SessionStore(tmp_path / "data")
    yield s
    s.close()


def detail(browser: SessionBrowserScreen) -> str:
    return str(browser.query_one("#detail", Static).render())


async def test_branch_count_and_a_hit_on_another_branch(store: SessionStore) -> None:
    put(store, make_session("plain question", "plain answer"), T0)
    session, striped = branched(store, T0 + 100)
    browser = SessionBrowserScreen(store, refresh=False)
    app = Host(browser)
    async with app.run_test(size=(140, 30)) as pilot:
        await settled(pilot, browser)
        text = table_text(browser)
        assert "3 branches · tell me about okapis" in text
        assert text.count("branches") == 1  # the linear session has none
        assert "2 messages · 3 branches · cost" in detail(browser)
        await type_filter(pilot, browser, "striped")
        assert [r.id for r in browser.rows] == [session.id]
        assert browser.rows[0].hit_message_id == striped
        assert "on another branch: zebras are striped" in table_text(browser)
        assert "Found on another branch (Enter opens it there): zebras are striped" in detail(
            browser
        )
        await type_filter(pilot, browser, "okapis")  # on the chosen path: nothing said
        assert browser.rows[0].hit_message_id is None
        assert "another branch" not in table_text(browser) + detail(browser)
        await type_filter(pilot, browser, "striped")
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.results), what="the browser to close")
    assert app.results == [OpenSession(session.id, None, striped)]


async def test_opening_a_hit_shows_its_branch_highlighted(backend: Any, tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "data")
    session, striped = branched(store, T0)
    current = put(store, make_session("the open chat", "its answer"), T0 + 100)
    app = GrokApp(backend=backend, store=store, session=store.load(current.id))
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        browser = await open_browser(pilot, app)
        await type_filter(pilot, browser, "striped")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is chat and chat.session.id == session.id)
        await wait_for(pilot, lambda: chat.conversation.highlighted == 1, what="the highlight")
        assert [m.text for m in chat.session.messages] == [
            "tell me about zebras",
            "zebras are striped",
        ]
        assert chat.conversation.messages[1].id == striped
        view = chat.conversation.view_at(1)
        assert view is not None and view.has_class("-highlight")
        await chat.checkpointer.flush()
        # The file records the branch shown: --continue and the index agree.
        assert [m.id for m in store.load(session.id).messages][-1] == striped
        assert store.list_sessions(query="striped")[0].hit_message_id is None
        # The same session again, a hit on the branch it left: switched in place.
        browser = await open_browser(pilot, app)
        await type_filter(pilot, browser, "shy")
        assert browser.rows[0].hit_message_id is not None
        await pilot.press("enter")
        await wait_for(pilot, lambda: chat.session.messages[-1].text == "okapis are shy")
        assert chat.session.id == session.id
        await wait_for(pilot, lambda: chat.conversation.highlighted == 1)
    store.close()


async def test_import_reads_tree_and_linear_exports(
    store: SessionStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = SessionStore(tmp_path / "elsewhere")
    original, _striped = branched(elsewhere, T0)
    (tmp_path / "tree.json").write_text(elsewhere.export_json(original.id), encoding="utf-8")
    elsewhere.close()
    shutil.copyfile(FIXTURES / "session_v1.json", tmp_path / "v1.json")
    shutil.copyfile(FIXTURES / "session_v0.json", tmp_path / "v0.json")
    damaged = json.dumps({"schema_version": 2, "id": "x", "messages": "not a list"})
    (tmp_path / "damaged.json").write_text(damaged, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    browser = SessionBrowserScreen(store, refresh=False)
    app = Host(browser)
    async with app.run_test(size=(140, 30)) as pilot:
        await settled(pilot, browser)
        await pilot.press("f7")
        await answer_dialog(pilot, app, "damaged.json")
        await wait_for(pilot, lambda: "Not imported" in browser.message)
        assert "damaged.json is not a session export" in browser.message
        assert (tmp_path / "damaged.json").read_text(encoding="utf-8") == damaged
        assert store.count() == 0
        for name, count in (("tree.json", 1), ("v1.json", 2), ("v0.json", 3)):
            await pilot.press("f7")
            await answer_dialog(pilot, app, name)
            await wait_for(  # awaited here: the loop's `count` is the one meant
                pilot,
                lambda: len(browser.rows) == count and not browser.loading,  # noqa: B023
            )
            assert "Imported" in browser.message
        text = table_text(browser)
        assert text.count("branches") == 1 and "3 branches" in text
    imported = next(r for r in store.list_sessions() if r.branch_count == 3)
    s = store.load(imported.id)
    assert [m.text for m in s.messages] == ["tell me about okapis", "okapis are shy"]
    assert len(s.off_path) == 3  # the zebra question and both its replies


async def test_enter_right_after_typing_opens_what_the_filter_finds(store: SessionStore) -> None:
    put(store, make_session("plain question", "plain answer"), T0 + 100)  # on top unfiltered
    session, striped = branched(store, T0)
    browser = SessionBrowserScreen(store, refresh=False)
    app = Host(browser)
    async with app.run_test(size=(140, 30)) as pilot:
        await settled(pilot, browser)
        await pilot.press(*"striped", "enter")  # one burst: the debounce has not run
        await wait_for(pilot, lambda: bool(app.results), what="the browser to close")
    assert app.results == [OpenSession(session.id, None, striped)]
