"""Deleting a session that uploaded documents (the session browser, F8):
asked first, with the offer (ticked) to delete its files on the server too;
files another session (or one in the trash) uses are kept and named; the
DELETEs go to the fake over a real loopback socket; what was deleted, what
was already gone and what failed are said; Esc deletes nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox, Static

from grok_tui.api.client import RetryPolicy, XAIClient
from grok_tui.chat.session import Attachment, Session
from grok_tui.fake import FakeConfig, FakeServer, FakeXAI
from grok_tui.store import SessionStore
from grok_tui.ui.screens.session_browser import CurrentDeleted, SessionBrowserScreen
from grok_tui.ui.screens.session_browser.delete_dialog import DeleteSessionScreen
from grok_tui.ui.screens.session_browser.server_files import (
    FileServer,
    kept_sentence,
    plan_file_deletion,
    uploaded_files,
)
from tests.store.helpers import make_session
from tests.ui.conftest import wait_for
from tests.ui.test_session_browser import T0, Host, put, settled, titles

KEY = "xai-delete-files-key-0123456789"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer(FakeXAI(FakeConfig(api_key=KEY))) as srv:
        yield srv


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    s = SessionStore(tmp_path / "data")
    yield s
    s.close()


def upload(server: FakeServer, name: str) -> str:
    stored = server.fake.files.add(name, b"%PDF-1.7\n", "assistants", 0, "application/pdf")
    return stored.id


def with_docs(session: Session, *docs: tuple[str, str]) -> Session:
    session.messages[0].attachments = [
        Attachment(
            kind="document",
            source="file",
            path=f"/home/u/{name}",
            name=name,
            mime_type="application/pdf",
            size_bytes=9,
            file_id=file_id,
        )
        for name, file_id in docs
    ]
    return session


def deletes(server: FakeServer) -> list[str]:
    return [r.path.rsplit("/", 1)[1] for r in server.fake.requests if r.method == "DELETE"]


async def test_delete_offers_to_delete_the_files_and_keeps_shared_ones(
    server: FakeServer, store: SessionStore
) -> None:
    server.fake.reset()
    paper, notes, shared = (upload(server, n) for n in ("paper.pdf", "notes.md", "shared.pdf"))
    docs = put(
        store,
        with_docs(
            make_session("the docs", "read"),
            ("paper.pdf", paper),
            ("notes.md", notes),
            ("shared.pdf", shared),
        ),
        T0 + 200,
    )
    other = put(store, with_docs(make_session("other", "x"), ("shared.pdf", shared)), T0 + 100)
    put(store, make_session("plain", "no files"), T0)
    store.delete(other.id)  # a session in the trash still counts as a user of its files

    async with XAIClient(KEY, server.url, retry=RetryPolicy(max_retries=0)) as client:
        browser = SessionBrowserScreen(
            store, refresh=False, file_server=lambda: FileServer(client, "xAI's servers")
        )
        app = Host(browser)
        async with app.run_test(size=(120, 34)) as pilot:
            await settled(pilot, browser)
            assert titles(browser) == ["the docs", "plain"]
            # Esc in the dialog deletes nothing.
            await pilot.press("f8")
            await wait_for(pilot, lambda: isinstance(app.screen, DeleteSessionScreen))
            dialog = app.screen
            text = " ".join(str(w.render()) for w in dialog.query(Static))
            assert "It uploaded 2 documents to xAI's servers: paper.pdf, notes.md." in text
            assert "Kept shared.pdf: also used by “other”." in text
            assert dialog.query_one(Checkbox).value is True  # ticked: see delete_dialog
            await pilot.press("escape")
            await wait_for(pilot, lambda: browser.message == "Nothing was deleted.")
            assert store.exists(docs.id) and deletes(server) == []

            # Enter: to the trash, and its own two files deleted on the server.
            await pilot.press("f8")
            await wait_for(pilot, lambda: isinstance(app.screen, DeleteSessionScreen))
            await pilot.press("enter")
            await wait_for(pilot, lambda: "uploaded files" in browser.message)
            assert "Deleted 2 uploaded files from xAI's servers." in browser.message
            assert "Kept shared.pdf" in browser.message
            assert sorted(deletes(server)) == sorted([paper, notes])
            assert set(server.fake.files.files) == {shared}
            assert titles(browser) == ["plain"] and not store.exists(docs.id)


async def test_untick_failure_and_already_gone_are_said(
    server: FakeServer, store: SessionStore
) -> None:
    server.fake.reset()
    first, second = upload(server, "one.pdf"), upload(server, "two.pdf")
    keep = put(store, with_docs(make_session("keep", "x"), ("one.pdf", first)), T0 + 300)
    fail = put(store, with_docs(make_session("fail", "x"), ("two.pdf", second)), T0 + 200)
    gone = put(store, with_docs(make_session("gone", "x"), ("old.pdf", "file_gone")), T0 + 100)

    async with XAIClient(KEY, server.url, retry=RetryPolicy(max_retries=0)) as client:
        browser = SessionBrowserScreen(
            store,
            current_session_id=gone.id,
            refresh=False,
            file_server=lambda: FileServer(client, "xAI's servers"),
        )
        app = Host(browser)
        async with app.run_test(size=(120, 34)) as pilot:
            await settled(pilot, browser)
            # Space clears the box: the session goes, its file stays.
            await pilot.press("f8")
            await wait_for(pilot, lambda: isinstance(app.screen, DeleteSessionScreen))
            await pilot.press("space", "enter")
            await wait_for(pilot, lambda: "stay on xAI's servers" in browser.message)
            assert not store.exists(keep.id) and first in server.fake.files.files
            assert deletes(server) == []

            # The server refuses the DELETE: said as an error; the session is in the trash.
            server.fake.queue_scenarios(["error_500"])
            await pilot.press("f8")
            await wait_for(pilot, lambda: isinstance(app.screen, DeleteSessionScreen))
            await pilot.press("enter")
            await wait_for(pilot, lambda: "Could not delete two.pdf" in browser.message)
            assert "HTTP 500" in browser.message and "It stays on the server." in browser.message
            assert browser.query_one("#message").has_class("-error")
            assert not store.exists(fail.id) and second in server.fake.files.files

            # The open chat's session, whose file is already gone: the browser
            # closes and the toast says so.
            await pilot.press("f8")
            await wait_for(pilot, lambda: isinstance(app.screen, DeleteSessionScreen))
            await pilot.press("y")
            await wait_for(pilot, lambda: app.results == [CurrentDeleted(gone.id)])
            await wait_for(pilot, lambda: bool(app._notifications))
            toast = next(iter(app._notifications)).message
            assert "1 was no longer there (old.pdf)." in toast
    assert deletes(server)[-1] == "file_gone"


def test_the_files_of_a_session_are_found_anywhere_in_it_once(store: SessionStore) -> None:
    session = with_docs(make_session("q", "a"), ("a.pdf", "file_a"), ("a.pdf", "file_a"))
    session.messages[1].attachments = [
        Attachment(kind="document", source="file", name="b.md", file_id="file_b"),
        Attachment(kind="document", source="file", name="c.md"),  # never uploaded
        Attachment(kind="image", source="file", name="i.png"),
    ]
    assert [f.file_id for f in uploaded_files(session)] == ["file_a", "file_b"]
    # "file_a" inside a longer id is not a reference to it.
    put(store, with_docs(make_session("x", "y"), ("z.pdf", "file_abc")), T0)
    put(store, session, T0 + 1)
    plan = plan_file_deletion(store, session.id, uploaded_files(session))
    assert plan.shared == {} and [f.file_id for f in plan.deletable] == ["file_a", "file_b"]


def test_an_unreadable_session_file_means_no_file_is_deleted(store: SessionStore) -> None:
    session = put(store, with_docs(make_session("q", "a"), ("a.pdf", "file_a")), T0 + 1)
    other = put(store, make_session("other", "b"), T0)
    store.path_for(other.id).write_bytes(b"\xff not json")  # damaged: still scanned as bytes
    plan = plan_file_deletion(store, session.id, uploaded_files(session))
    assert plan.unreadable == 0 and [f.file_id for f in plan.deletable] == ["file_a"]

    class Unreadable:
        """A store whose other session can be neither read nor exported."""

        def list_sessions(self) -> list[Any]:
            return [summary for summary in store.list_sessions() if summary.id == session.id] + [
                dataclasses.replace(store.list_sessions()[-1], path=Path("/nonexistent/x.json"))
            ]

        def list_trash(self) -> list[Any]:
            return []

        def export_json(self, session_id: str) -> str:
            raise OSError("gone")

    plan = plan_file_deletion(Unreadable(), session.id, uploaded_files(session))  # type: ignore[arg-type]
    assert plan.unreadable == 1 and plan.deletable == []
    assert "could not be read, so no uploaded file is deleted" in kept_sentence(plan)
