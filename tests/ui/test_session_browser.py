"""The session browser on a real store in a temp folder, driven by the Pilot."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.command import Provider
from textual.widgets import Input, Static

from grok_tui.chat.session import Citation, Session
from grok_tui.store import SessionStore
from grok_tui.store.index import IndexRow
from grok_tui.ui.screens.confirm import ConfirmScreen, InputScreen, complete_path
from grok_tui.ui.screens.session_browser import (
    PAGE_SIZE,
    BrowserClosed,
    CurrentDeleted,
    OpenSession,
    SessionBrowserScreen,
    SessionCommands,
    SessionSummary,
    check_export_target,
    column_widths,
    default_export_stem,
    export_stem,
    focus_snippet,
)
from tests.store.helpers import make_session
from tests.ui.conftest import wait_for

T0 = 1_750_000_000.0
INJECTION = "[@click=app.quit]x[/]"


class Host(App[None]):
    """A bare app that shows the browser and records how it closed."""

    def __init__(self, browser: SessionBrowserScreen) -> None:
        super().__init__()
        self.browser = browser
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.browser, self.results.append)


def put(store: SessionStore, session: Session, updated_at: float) -> Session:
    """Save with a chosen last-activity time (save() would stamp now)."""
    session.updated_at = updated_at
    store.save_snapshot(session.model_dump(mode="json"), touch=False)
    return session


@pytest.fixture
def store(tmp_path: Path) -> Any:
    s = SessionStore(tmp_path / "data")
    yield s
    s.close()


@pytest.fixture
def three(store: SessionStore) -> list[Session]:
    """Oldest first: alpha (mentions a zebra in the reply), beta, gamma."""
    a = put(store, make_session("alpha question", "the zebra crossed the road at noon"), T0)
    b = put(store, make_session("beta question", "plain answer"), T0 + 100)
    c = put(store, make_session("gamma question", "another answer"), T0 + 200)
    return [a, b, c]


async def settled(pilot: Any, browser: SessionBrowserScreen) -> None:
    await wait_for(
        pilot,
        lambda: browser.is_mounted and not browser.loading and browser._debounce is None,
        what="the list to load",
    )
    await pilot.pause()


def titles(browser: SessionBrowserScreen) -> list[str]:
    return [r.title for r in browser.rows]


def table_text(browser: SessionBrowserScreen) -> str:
    table = browser.table
    return "\n".join(
        "".join(seg.text for seg in table.render_line(y)) for y in range(table.size.height)
    )


async def type_filter(pilot: Any, browser: SessionBrowserScreen, text: str) -> None:
    browser.query_one("#filter", Input).value = text
    await wait_for(
        pilot,
        lambda: browser.query_text == text and not browser.loading and browser._debounce is None,
        what="the filter to run",
    )
    await pilot.pause()


async def answer_dialog(pilot: Any, app: App[Any], text: str | None) -> None:
    """Fill the InputScreen on top with `text` and press Enter."""
    await wait_for(pilot, lambda: isinstance(app.screen, InputScreen), what="a dialog")
    if text is not None:
        app.screen.query_one("#value", Input).value = text
    await pilot.press("enter")


# -- listing --------------------------------------------------------------------


async def test_lists_newest_first_with_columns(store: SessionStore, three: list[Session]) -> None:
    browser = SessionBrowserScreen(store, refresh=False)
    app = Host(browser)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot, browser)
        assert titles(browser) == ["gamma question", "beta question", "alpha question"]
        text = table_text(browser)
        assert "gamma question" in text and "grok-4.3" in text
        assert browser.rows[0].message_count == 2
        heading = str(browser.query_one("#heading", Static).render())
        assert "Sessions: 3" in heading and "last activity" in heading


async def test_current_session_is_marked(store: SessionStore, three: list[Session]) -> None:
    browser = SessionBrowserScreen(store, current_session_id=three[1].id, refresh=False)
    async with Host(browser).run_test(size=(120, 30)) as pilot:
        await settled(pilot, browser)
        lines = table_text(browser).splitlines()
        assert any("● beta question" in line for line in lines)
        assert not any("● gamma" in line for line in lines)


async def test_filter_by_title(store: SessionStore, three: list[Session]) -> None:
    browser = SessionBrowserScreen(store, refresh=False)
    async with Host(browser).run_test(size=(120, 30)) as pilot:
        await settled(pilot, browser)
        await pilot.press(*"beta")
        await settled(pilot, browser)
        assert browser.query_text == "beta"
        assert titles(browser) == ["beta question"]
        await pilot.press("escape")  # clears the filter first
        await settled(pilot, browser)
        assert len(browser.rows) == 3
        assert browser.app.results == []


async def test_filter_by_message_text_shows_snippet(
    store: SessionStore, three: list[Session]
) -> None:
    browser = SessionBrowserScreen(store, refresh=False)
    async with Host(browser).run_test(size=(160, 30)) as pilot:
        await settled(pilot, browser)
        await type_filter(pilot, browser, "zebra")
        assert titles(browser) == ["alpha question"]
        assert "zebra crossed" in browser.rows[0].snippet
        assert "zebra crossed the road" in table_text(browser)
        assert "Match" in table_text(browser).splitlines()[0]
        detail = str(browser.query_one("#detail", Static).render())
        assert "zebra crossed" in detail
        await type_filter(pilot, browser, "nothingmatchesthis")
        assert browser.rows == []
        assert "No session matches" in str(browser.query_one("#detail", Static).render())


class CountingStore:
    """Wraps a store: records list_sessions calls; can hold one query back."""

    def __init__(self, inner: SessionStore) -> None:
        self.inner = inner
        self.calls: list[dict[str, Any]] = []
        self.hold: dict[str, threading.Event] = {}

    def list_sessions(
        self,
        query: str | None = None,
        sort: str = "updated",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[SessionSummary]:
        self.calls.append({"query": query, "sort": sort, "limit": limit, "offset": offset})
        gate = self.hold.get(query or "")
        if gate is not None:
            gate.wait(30)
        return self.inner.list_sessions(query, sort, limit, offset)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_typing_is_debounced_into_one_query(
    store: SessionStore, three: list[Session]
) -> None:
    counting = CountingStore(store)
    browser = SessionBrowserScreen(counting, refresh=False)  # type: ignore[arg-type]
    async with Host(browser).run_test(size=(120, 30)) as pilot:
        await settled(pilot, browser)
        counting.calls.clear()
        await pilot.press(*"gamma")
        await settled(pilot, browser)
        assert [c["query"] for c in counting.calls] == ["gamma"]
        assert titles(browser) == ["gamma question"]


async def test_stale_query_results_are_dropped(store: SessionStore, three: list[Session]) -> None:
    counting = CountingStore(store)
    gate = threading.Event()
    counting.hold["alpha"] = gate
    browser = SessionBrowserScreen(counting, refresh=False)  # type: ignore[arg-type]
    async with Host(browser).run_test(size=(120, 30)) as pilot:
        await settled(pilot, browser)
        browser.query_one("#filter", Input).value = "alpha"
        await wait_for(
            pilot,
            lambda: any(c["query"] == "alpha" for c in counting.calls),
            what="the slow query to start",
        )
        await type_filter(pilot, browser, "beta")
        assert titles(browser) == ["beta question"]
        gate.set()  # the slow "alpha" answer arrives late
        await wait_for(pilot, lambda: len(counting.calls) >= 3)
        for _ in range(5):
            await pilot.pause(0.02)
        assert titles(browser) == ["beta question"]


async def test_sort_toggle(store: SessionStore, three: list[Session]) -> None:
    put(store, make_session("Aardvark first by title"), T0 - 50)
    browser = SessionBrowserScreen(store, refresh=False)
    async with Host(browser).run_test(size=(120, 30)) as pilot:
        await settled(pilot, browser)
        assert titles(browser)[-1] == "Aardvark first by title"
        await pilot.press("f3")
        await settled(pilot, browser)
        assert browser.sort == "title"
        assert titles(browser) == sorted(titles(browser), key=str.casefold)
        assert titles(browser)[0] == "Aardvark first by title"
        assert "sorted by title" in str(browser.query_one("#heading", Static).render())
        await pilot.press("alt+s")
        await settled(pilot, browser)
        assert browser.sort == "cost"
        assert "sorted by cost" in str(browser.query_one("#heading", Static).render())
        await pilot.press("f3")
        await settled(pilot, browser)
        assert browser.sort == "updated"
        assert titles(browser)[0] == "gamma question"


# -- actions ----------------------------------------------------------------------


async def test_open_returns_the_highlighted_id(store: SessionStore, three: list[Session]) -> None:
    browser = SessionBrowserScreen(store, refresh=False)
    app = Host(browser)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot, browser)
        await pilot.press("down")
        assert browser.highlighted_id() == three[1].id
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.results != [], what="the browser to close")
        assert app.results == [OpenSession(three[1].id)]


async def test_escape_closes_with_none(store: SessionStore, three: list[Session]) -> None:
    browser = SessionBrowserScreen(store, refresh=False)
    app = Host(browser)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot, browser)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.results != [])
        assert app.results == [BrowserClosed()]


async def test_rename_is_saved_and_shown(store: SessionStore, three: list[Session]) -> None:
    browser = SessionBrowserScreen(store, current_session_id=three[2].id, refresh=False)
    app = Host(browser)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot, browser)
        await pilot.press("f2")
        await answer_dialog(pilot, app, "My zoo notes")
        await wait_for(pilot, lambda: browser.rows[0].title == "My zoo notes")
        loaded = store.load(three[2].id)
        assert loaded.title == "My zoo notes" and loaded.title_is_custom
        assert loaded.updated_at == pytest.approx(T0 + 200)  # renaming is not activity
        assert "My zoo notes" in table_text(browser)
        assert browser.renamed_current == "My zoo notes"
        # An empty title is refused in the dialog.
        await pilot.press("f2")
        await answer_dialog(pilot, app, "   ")
        assert isinstance(app.screen, InputScreen) and app.screen.error
        await pilot.press("escape")
        assert store.load(three[2].id).title == "My zoo notes"
        await pilot.press("escape")  # the new title of the chat's session goes with the result
        await wait_for(pilot, lambda: app.results != [])
        assert app.results == [BrowserClosed(renamed_current="My zoo notes")]


async def test_delete_to_trash_and_restore(store: SessionStore, three: list[Session]) -> None:
    browser = SessionBrowserScreen(store, refresh=False)
    async with Host(browser).run_test(size=(120, 30)) as pilot:
        await settled(pilot, browser)
        await pilot.press("down", "f8")  # delete "beta"
        await wait_for(pilot, lambda: len(browser.rows) == 2)
        assert titles(browser) == ["gamma question", "alpha question"]
        assert not store.exists(three[1].id)
        assert [t.id for t in store.list_trash()] == [three[1].id]
        assert "trash" in browser.message
        await pilot.press("f9")
        await settled(pilot, browser)
        assert browser.mode == "trash"
        assert titles(browser) == ["beta question"]
        assert "Trash: 1" in str(browser.query_one("#heading", Static).render())
        await pilot.press("enter")  # cannot open from the trash
        assert "Restore" in browser.message and browser.app.results == []
        await pilot.press("f8")  # restore
        await wait_for(pilot, lambda: browser.rows == [])
        assert store.exists(three[1].id) and store.list_trash() == []
        await pilot.press("escape")  # back to the sessions
        await settled(pilot, browser)
        assert browser.mode == "sessions"
        assert titles(browser) == ["gamma question", "beta question", "alpha question"]


async def test_deleting_the_current_session_closes_the_browser(
    store: SessionStore, three: list[Session]
) -> None:
    browser = SessionBrowserScreen(store, current_session_id=three[2].id, refresh=False)
    app = Host(browser)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot, browser)
        await pilot.press("alt+d")
        await wait_for(pilot, lambda: app.results != [])
        assert app.results == [CurrentDeleted(three[2].id)]
        assert not store.exists(three[2].id)


async def test_empty_trash_asks_then_deletes(store: SessionStore, three: list[Session]) -> None:
    store.delete(three[0].id)
    store.delete(three[1].id)
    browser = SessionBrowserScreen(store, refresh=False)
    app = Host(browser)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot, browser)
        await pilot.press("alt+t")
        await settled(pilot, browser)
        assert len(browser.rows) == 2
        await pilot.press("alt+e")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")  # no
        assert len(store.list_trash()) == 2
        await pilot.press("alt+e")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: store.list_trash() == [] and browser.rows == [])
        assert "Deleted 2 sessions for good" in browser.message
        assert "The trash is empty" in str(browser.query_one("#detail", Static).render())


async def test_duplicate_highlights_the_copy(store: SessionStore, three: list[Session]) -> None:
    browser = SessionBrowserScreen(store, refresh=False)
    async with Host(browser).run_test(size=(120, 30)) as pilot:
        await settled(pilot, browser)
        await pilot.press("down", "down", "alt+c")  # alpha
        await wait_for(pilot, lambda: len(browser.rows) == 4 and not browser.loading)
        copy = browser.highlighted()
        assert copy is not None and copy.title == "alpha question (copy)"
        assert copy.id != three[0].id
        assert store.load(copy.id).messages[1].text == three[0].messages[1].text


async def test_export_writes_markdown_and_json(
    store: SessionStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = make_session("what is new", "Things happened [1].")
    session.messages[1].citations = [
        Citation(number=1, url="https://example.com/news", title="Example news")
    ]
    put(store, session, T0)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    browser = SessionBrowserScreen(store, refresh=False)
    app = Host(browser)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot, browser)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, InputScreen))
        default = app.screen.query_one("#value", Input).value
        assert Path(default).parent == out and default.endswith(".md")
        assert "what-is-new" in Path(default).name
        await answer_dialog(pilot, app, None)  # accept the default
        md, js = Path(default), Path(default).with_suffix(".json")
        await wait_for(pilot, lambda: "Wrote" in browser.message, what="the export")
        assert str(md) in browser.message and str(js) in browser.message
        text = md.read_text(encoding="utf-8")
        assert "what is new" in text and "Things happened" in text
        assert "https://example.com/news" in text
        data = json.loads(js.read_text(encoding="utf-8"))
        assert data["id"] == session.id and data["messages"][1]["citations"][0]["number"] == 1
        # The same name again is refused in the dialog, nothing overwritten.
        before = md.read_bytes()
        await pilot.press("f6")
        await answer_dialog(pilot, app, str(md))
        assert isinstance(app.screen, InputScreen) and "already exists" in (app.screen.error or "")
        await pilot.press("escape")
        assert md.read_bytes() == before


async def test_import_json_export(
    store: SessionStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = SessionStore(tmp_path / "elsewhere")
    original = put(other, make_session("imported question", "imported answer"), T0 + 500)
    export = tmp_path / "session.json"
    export.write_text(other.export_json(original.id), encoding="utf-8")
    other.close()
    (tmp_path / "junk.json").write_text('{"not": "a session"', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    put(store, make_session("already here"), T0)
    browser = SessionBrowserScreen(store, refresh=False)
    app = Host(browser)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot, browser)
        await pilot.press("f7")
        await answer_dialog(pilot, app, "missing.json")
        assert isinstance(app.screen, InputScreen) and "no file" in (app.screen.error or "")
        await answer_dialog(pilot, app, "junk.json")
        await wait_for(pilot, lambda: "Not imported" in browser.message)
        assert store.count() == 1
        await pilot.press("alt+i")
        await answer_dialog(pilot, app, "session.json")  # relative to the current folder
        await wait_for(pilot, lambda: len(browser.rows) == 2 and not browser.loading)
        assert browser.highlighted() is not None
        assert browser.highlighted().title == "imported question"  # type: ignore[union-attr]
        assert store.load(original.id).messages[1].text == "imported answer"
        assert "Imported" in browser.message


async def test_damaged_file_is_listed_refused_and_untouched(
    store: SessionStore, three: list[Session]
) -> None:
    broken = store.sessions_dir / "broken.json"
    broken.write_bytes(b'{"id": "broken", "messages": [')
    store.refresh()
    before = broken.read_bytes(), broken.stat().st_mtime_ns
    browser = SessionBrowserScreen(store, refresh=False)
    app = Host(browser)
    async with app.run_test(size=(160, 30)) as pilot:
        await settled(pilot, browser)
        row = next(i for i, r in enumerate(browser.rows) if r.id == "broken")
        assert browser.rows[row].damaged
        browser.table.move_cursor(row=row)
        await pilot.pause()
        assert "damaged:" in table_text(browser)
        assert "Damaged file" in str(browser.query_one("#detail", Static).render())
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == []
        assert "Cannot open broken.json" in browser.message and "damaged" in browser.message
        for key in ("f2", "alt+c", "f6"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is browser  # no dialog opened
            assert "damaged" in browser.message
        assert (broken.read_bytes(), broken.stat().st_mtime_ns) == before


async def test_file_damaged_after_listing_is_refused_on_open(
    store: SessionStore, three: list[Session]
) -> None:
    browser = SessionBrowserScreen(store, refresh=False)
    app = Host(browser)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot, browser)
        store.path_for(three[2].id).write_text("garbage")  # edited behind our back
        await pilot.press("enter")
        await wait_for(pilot, lambda: browser.rows[0].damaged is not None)
        assert app.results == [] and "damaged" in browser.message
        assert store.path_for(three[2].id).read_text() == "garbage"


async def test_markup_in_titles_and_text_is_literal(store: SessionStore) -> None:
    s = make_session(f"{INJECTION} in the prompt", f"reply with {INJECTION}")
    s.title = INJECTION
    put(store, s, T0)
    browser = SessionBrowserScreen(store, refresh=False)
    app = Host(browser)
    async with app.run_test(size=(160, 30)) as pilot:
        await settled(pilot, browser)
        assert INJECTION in table_text(browser)
        assert INJECTION in str(browser.query_one("#detail", Static).render())
        await type_filter(pilot, browser, "click")
        assert len(browser.rows) == 1
        # Clicking the title (a live action if it were markup) on the highlighted
        # row opens the session and does not quit.
        await pilot.click(browser.table, offset=(4, 1))
        await wait_for(pilot, lambda: app.results != [])
        assert app.results == [OpenSession(s.id)]
        assert app.is_running


async def test_ten_thousand_sessions_load_one_page(tmp_path: Path) -> None:
    """The browser shows rows after reading one page from the index."""
    store = SessionStore(tmp_path / "big")
    rows = [
        IndexRow(
            id=f"s{i:05d}",
            mtime_ns=i,
            size=1,
            title=f"Session number {i}",
            model="grok-4.3",
            created_at=T0 + i,
            updated_at=T0 + i,
            message_count=4,
            first_line=f"question {i}",
            damaged=None,
            body=f"question {i} answer",
        )
        for i in range(10_000)
    ]
    store.index.upsert_many(rows)
    counting = CountingStore(store)
    browser = SessionBrowserScreen(counting, refresh=False)  # type: ignore[arg-type]
    async with Host(browser).run_test(size=(120, 40)) as pilot:
        await settled(pilot, browser)
        assert counting.calls == [
            {"query": None, "sort": "updated", "limit": PAGE_SIZE, "offset": 0}
        ]
        assert len(browser.rows) == PAGE_SIZE == browser.table.row_count
        assert browser.rows[0].title == "Session number 9999"
        assert "10,000" in str(browser.query_one("#heading", Static).render())
        await pilot.press("ctrl+end")  # the end of what is loaded: the next page comes
        await wait_for(pilot, lambda: len(browser.rows) == 2 * PAGE_SIZE and not browser.loading)
        assert counting.calls[-1]["offset"] == PAGE_SIZE
        assert all(c["limit"] == PAGE_SIZE for c in counting.calls)
        assert len({r.id for r in browser.rows}) == 2 * PAGE_SIZE
        await type_filter(pilot, browser, "9998")
        assert titles(browser) == ["Session number 9998"]
    store.close()


async def test_background_refresh_picks_up_new_files(
    store: SessionStore, three: list[Session]
) -> None:
    # A session written by another process, unknown to this store's index.
    extra = make_session("from another process")
    extra.updated_at = T0 + 1000
    store.path_for(extra.id).write_text(extra.model_dump_json(), encoding="utf-8")
    browser = SessionBrowserScreen(store)  # refresh=True
    async with Host(browser).run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: len(browser.rows) == 4 and not browser.loading)
        assert titles(browser)[0] == "from another process"


# -- key hints, palette, helpers ------------------------------------------------------


async def test_key_hints_and_palette_follow_the_view(
    store: SessionStore, three: list[Session]
) -> None:
    browser = SessionBrowserScreen(store, refresh=False)
    async with Host(browser).run_test(size=(80, 30)) as pilot:
        await settled(pilot, browser)
        keys = str(browser.query_one("#keys", Static).render())
        for hint in ("Enter", "F2", "F8", "F6", "F7", "F9", "rename", "delete", "export"):
            assert hint in keys
        provider = SessionCommands(browser)
        names = [title for title, _, _ in provider._commands()]
        assert "Rename session" in names and "Restore session" not in names
        await pilot.press("f9")
        await settled(pilot, browser)
        keys = str(browser.query_one("#keys", Static).render())
        assert "restore" in keys and "empty" in keys and "rename" not in keys
        names = [title for title, _, _ in SessionCommands(browser)._commands()]
        assert "Restore session" in names and "Empty trash" in names
        assert "Rename session" not in names
        assert isinstance(provider, Provider)


async def test_palette_offers_nothing_on_a_screen_that_does_not_register_it() -> None:
    class Other(App[None]):
        COMMANDS = App.COMMANDS | {SessionCommands}

    app = Other()
    async with app.run_test(size=(80, 24)):
        assert list(SessionCommands(app.screen)._commands()) == []


def test_column_widths_fit() -> None:
    for width in (40, 80, 120, 160, 300):
        w = column_widths(width)
        assert sum(w.values()) + 2 * len(w) <= max(width, 70)
        assert w["title"] >= 12 and w["line"] >= 8


def test_export_names(tmp_path: Path) -> None:
    s = SessionSummary(
        id="x",
        title="Hello / World: *test*",
        model="m",
        created_at=T0,
        updated_at=T0,
        message_count=1,
        first_line="",
        snippet="",
        damaged=None,
        path=tmp_path / "x.json",
    )
    stem = default_export_stem(s, tmp_path)
    assert stem.parent == tmp_path and stem.name.startswith("grok-hello-world-test-")
    stem.with_suffix(".json").write_text("{}")
    assert default_export_stem(s, tmp_path).name == stem.name + "-2"
    assert export_stem("a/b.md", tmp_path) == tmp_path / "a" / "b"
    assert "no folder" in (check_export_target("nope/x.md", tmp_path) or "")
    assert check_export_target("fine.md", tmp_path) is None
    assert check_export_target("", tmp_path)


def test_complete_path(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    (tmp_path / "export.json").write_text("{}")
    (tmp_path / "export.txt").write_text("")
    assert complete_path("exp", tmp_path, (".json",)) == "exports/"
    assert complete_path("export.", tmp_path, (".json",)) == "export.json"
    assert complete_path("zzz", tmp_path) is None


def test_focus_snippet_brings_the_match_into_a_narrow_column() -> None:
    text = "a " * 40 + "zebra at the end"
    cut = focus_snippet(text, ["zeb"], 20)
    assert cut.startswith("…") and cut.index("zebra") < 18
    assert focus_snippet("zebra first", ["zeb"], 20) == "zebra first"
