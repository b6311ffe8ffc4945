"""The browser's delete flow without Textual (`session_browser.deletion`):
asked only when the session uploaded files the server can delete, the chat's
hook called before the store's delete, the files deleted only when the
answer says so, and every outcome said in one sentence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from grok_tui.store import SessionStore, SessionSummary
from grok_tui.ui.screens.session_browser.deletion import AskDelete, DeleteAnswer, delete_session
from grok_tui.ui.screens.session_browser.server_files import FileDeletionPlan, FileServer
from tests.store.helpers import make_session
from tests.ui.test_delete_server_files import with_docs
from tests.ui.test_session_browser import T0, put


class RecordingDeleter:
    """A file server that deletes everything it is asked to (and remembers)."""

    def __init__(self) -> None:
        self.deleted: list[str] = []

    async def delete_file(self, file_id: str) -> bool:
        self.deleted.append(file_id)
        return True


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    s = SessionStore(tmp_path / "data")
    yield s
    s.close()


def summary_of(store: SessionStore, session_id: str) -> SessionSummary:
    return next(s for s in store.list_sessions() if s.id == session_id)


def answering(answer: DeleteAnswer | None, asked: list[str]) -> AskDelete:
    async def ask(
        s: SessionSummary, plan: FileDeletionPlan, server: FileServer
    ) -> DeleteAnswer | None:
        asked.append(f"{s.title}: {', '.join(f.name for f in plan.deletable)} on {server.where}")
        return answer

    return ask


async def test_a_session_without_files_goes_to_the_trash_without_a_question(
    store: SessionStore,
) -> None:
    session = put(store, make_session("plain", "no files"), T0)
    deleter = RecordingDeleter()
    asked: list[str] = []
    order: list[bool] = []
    outcome = await delete_session(
        store,
        summary_of(store, session.id),
        server=FileServer(deleter, "the test server"),
        ask=answering(DeleteAnswer(True), asked),
        before_delete=lambda: order.append(store.exists(session.id)),
    )
    assert outcome.deleted and not outcome.error and outcome.files_said == ""
    assert outcome.message.startswith("Moved “plain” to the trash")
    assert asked == [] and deleter.deleted == []
    assert order == [True]  # the hook ran before the delete
    assert not store.exists(session.id)


async def test_cancelled_deletes_nothing(store: SessionStore) -> None:
    session = put(store, with_docs(make_session("docs", "read"), ("a.pdf", "file_a")), T0)
    deleter = RecordingDeleter()
    asked: list[str] = []
    outcome = await delete_session(
        store,
        summary_of(store, session.id),
        server=FileServer(deleter, "the test server"),
        ask=answering(None, asked),
    )
    assert asked == ["docs: a.pdf on the test server"]
    assert not outcome.deleted and outcome.message == "Nothing was deleted."
    assert store.exists(session.id) and deleter.deleted == []


@pytest.mark.parametrize("delete_files", [True, False])
async def test_the_answer_decides_about_the_files(store: SessionStore, delete_files: bool) -> None:
    session = put(store, with_docs(make_session("docs", "read"), ("a.pdf", "file_a")), T0)
    deleter = RecordingDeleter()
    asked: list[str] = []
    outcome = await delete_session(
        store,
        summary_of(store, session.id),
        server=FileServer(deleter, "the test server"),
        ask=answering(DeleteAnswer(delete_files), asked),
    )
    assert outcome.deleted and not store.exists(session.id)
    if delete_files:
        assert deleter.deleted == ["file_a"]
        assert outcome.files_said == "Deleted 1 uploaded file from the test server."
    else:
        assert deleter.deleted == []
        assert outcome.files_said == "Its uploaded files stay on the test server."
    assert outcome.message.endswith(outcome.files_said)


async def test_without_a_file_server_the_files_are_not_mentioned(store: SessionStore) -> None:
    session = put(store, with_docs(make_session("docs", "read"), ("a.pdf", "file_a")), T0)
    asked: list[str] = []
    outcome = await delete_session(
        store, summary_of(store, session.id), server=None, ask=answering(None, asked)
    )
    assert outcome.deleted and asked == [] and outcome.files_said == ""
