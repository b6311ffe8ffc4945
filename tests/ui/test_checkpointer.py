"""Checkpointer over a real SessionStore: a chat that becomes empty again leaves
no file (a file it created is deleted for good, not trashed), a session that
existed before is written as it is, and a save the store drops because the
session was deleted meanwhile is reported as dropped, not as an error."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest

from grok_tui.chat.conversation import add_user_message, start_reply
from grok_tui.chat.session import MessageStatus, Session
from grok_tui.store import SessionStore
from grok_tui.store.checkpointer import Checkpointer


@pytest.fixture
def real_store(tmp_path: Path) -> SessionStore:
    s = SessionStore(tmp_path / "data")
    yield s  # type: ignore[misc]
    s.close()


def _turn(session: Session, text: str = "hello", answer: str = "") -> None:
    add_user_message(session, text)
    reply = start_reply(session, session.model)
    reply.text = answer
    if answer:
        reply.status = MessageStatus.COMPLETE


async def test_first_turn_taken_back_leaves_no_file(real_store: SessionStore) -> None:
    results: list[str | None] = []
    cp = Checkpointer(real_store, on_result=results.append)
    session = Session()
    cp.save(session)  # an empty new chat is never written
    await cp.flush()
    assert cp.writes == 0 and not real_store.exists(session.id)

    _turn(session)  # the request starts: user message + streaming reply saved
    cp.save(session)
    await cp.flush()
    assert real_store.exists(session.id) and cp.writes == 1

    del session.messages[:]  # it never started: the turn is taken back out
    cp.save(session)
    await cp.flush()
    assert not real_store.exists(session.id), "an empty session file was left"
    assert real_store.list_trash() == [], "deleted for good, not to the trash"
    assert real_store.list_sessions() == []
    assert cp.discarded == 1 and cp.last_error is None and results[-1] is None

    cp.save(session)  # still empty (e.g. quitting now): nothing is written
    await cp.flush()
    assert not real_store.exists(session.id) and cp.writes == 1

    _turn(session, "resent", "answered")  # Enter resends: the file comes back
    cp.save(session)
    await cp.flush()
    assert [m.text for m in real_store.load(session.id).messages] == ["resent", "answered"]


async def test_an_existing_session_emptied_is_kept(real_store: SessionStore) -> None:
    """A session that had a file before this run (opened from the browser,
    --continue) is the user's: emptied, it is written empty, not deleted."""
    session = Session()
    _turn(session, "from an earlier run", "old answer")
    real_store.save(session)
    cp = Checkpointer(real_store)
    cp.save(session)
    await cp.flush()
    del session.messages[:]
    cp.save(session)
    await cp.flush()
    assert real_store.exists(session.id)
    assert real_store.load(session.id).messages == []
    assert cp.discarded == 0 and cp.writes == 2


async def test_a_custom_title_keeps_the_file(real_store: SessionStore) -> None:
    cp = Checkpointer(real_store)
    session = Session()
    _turn(session, "q", "a")
    cp.save(session)
    await cp.flush()
    session.title, session.title_is_custom = "My notes", True
    del session.messages[:]
    cp.save(session)
    await cp.flush()
    assert real_store.load(session.id).title == "My notes"
    assert cp.discarded == 0


async def test_save_in_flight_when_deleted_is_dropped(
    real_store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    results: list[str | None] = []
    dropped: list[str] = []
    cp = Checkpointer(real_store, on_result=results.append, on_dropped=dropped.append)
    session = Session()
    _turn(session, "delete me while saving", "first answer")
    cp.save(session)
    await cp.flush()
    assert real_store.exists(session.id)

    reached, go = threading.Event(), threading.Event()
    main = threading.current_thread()
    real_fsync = os.fsync

    def fsync(fd: int) -> None:  # pause the writer after its temporary file
        real_fsync(fd)
        if threading.current_thread() is not main and not reached.is_set():
            reached.set()
            assert go.wait(10)

    monkeypatch.setattr(os, "fsync", fsync)
    session.messages[-1].text = "a later checkpoint"
    cp.save(session)
    try:
        assert await asyncio.to_thread(reached.wait, 10)
        real_store.delete(session.id)  # the browser, meanwhile
    finally:
        go.set()
    await cp.flush()
    assert not real_store.exists(session.id), "the in-flight save brought it back"
    assert [s.id for s in real_store.list_trash()] == [session.id]
    assert cp.dropped == 1 and cp.writes == 1
    assert cp.last_error is None and results[-1] is None
    assert dropped == [session.id], "the chat is told its session was deleted"


def _turn_with_image(session: Session, image: Path) -> Path:
    """A turn whose user message attaches a (tiny) PNG at `image`."""
    from grok_tui.chat.session import Attachment

    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    add_user_message(
        session,
        "what is this?",
        [Attachment(source="file", path=str(image), name=image.name, mime_type="image/png")],
    )
    start_reply(session, session.model)
    return image


async def test_a_chat_of_this_run_reopened_is_kept_when_emptied(
    real_store: SessionStore, tmp_path: Path
) -> None:
    """Created in this run, then reopened (F4): it is the user's saved session
    now, and emptied it is written empty; its stored image stays."""
    cp = Checkpointer(real_store)
    session = Session()
    image = _turn_with_image(session, tmp_path / "cat.png")
    session.messages[-1].text = "a cat"
    cp.save(session)
    await cp.flush()
    reopened = real_store.load(session.id)  # F4 -> another chat -> F4 -> this one
    cp.remember(reopened.id)
    stored = Path(reopened.messages[0].attachments[0].path)
    assert stored.exists() and stored != image
    image.unlink()  # the user tidied up the original
    del reopened.messages[:]  # Ctrl+E: the only turn back into the prompt
    cp.save(reopened)
    await cp.flush()
    assert cp.discarded == 0 and real_store.exists(session.id)
    assert stored.exists(), "the image the prompt still shows was deleted"


async def test_discarding_an_emptied_new_chat_keeps_its_images(
    real_store: SessionStore, tmp_path: Path
) -> None:
    """The turn went back into the prompt with its images: the store's copies
    stay, even when the session file goes."""
    cp = Checkpointer(real_store)
    session = Session()
    _turn_with_image(session, tmp_path / "dog.png")
    cp.save(session)
    await cp.flush()
    copies = list((real_store.attachments_dir / session.id).iterdir())
    assert copies
    del session.messages[:]
    cp.save(session)
    await cp.flush()
    assert cp.discarded == 1 and not real_store.exists(session.id)
    assert all(c.exists() for c in copies)
