"""A document the server no longer has, against the loopback fake: the turn
that references it fails with the fake's 404, the document is uploaded again
from the session's local copy, its new id saved, and the turn sent once more;
with no copy left, the turn fails with a sentence naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from grok_tui.api.client import RetryPolicy, XAIClient
from grok_tui.api.errors import error_from_response
from grok_tui.api.events import Completed, DebugEvent, Failed, StreamEvent
from grok_tui.chat import conversation as conv
from grok_tui.chat.pricing import ModelCatalog
from grok_tui.chat.request_builder import RequestOptions
from grok_tui.chat.reupload import DocumentGoneError, may_be_missing_file
from grok_tui.chat.sending import FALLBACK_NOTE, TurnSender
from grok_tui.chat.session import Attachment, MessageStatus, Session
from grok_tui.chat.turn import TurnRecorder
from grok_tui.chat.uploading import UploadState
from grok_tui.fake import FakeServer
from tests.api.conftest import FAKE_KEY

PDF = b"%PDF-1.4\n" + b"x" * 50_000 + b"\n%%EOF\n"


def client(server: FakeServer) -> XAIClient:
    return XAIClient(FAKE_KEY, server.url, retry=RetryPolicy(max_retries=0))


async def uploaded_session(server: FakeServer, copy: Path) -> Session:
    """A session whose first message carries `copy` (uploaded), then answered."""
    copy.write_bytes(PDF)
    async with client(server) as c:
        info = await c.upload_file("report.pdf", PDF, "application/pdf")
    session = Session(model="grok-4.3")
    doc = Attachment(
        kind="document",
        source="file",
        path=str(copy),
        original_path="/home/me/report.pdf",
        name="report.pdf",
        mime_type="application/pdf",
        size_bytes=len(PDF),
        file_id=str(info["id"]),
    )
    conv.add_user_message(session, "summarise it", [doc])
    reply = conv.start_reply(session, session.model)
    reply.text, reply.status = "a summary", MessageStatus.COMPLETE
    return session


async def turn(
    server: FakeServer, session: Session, text: str, options: RequestOptions | None = None
) -> tuple[list[StreamEvent], list[UploadState | None], list[Session], list[list[str]]]:
    conv.add_user_message(session, text)
    states: list[UploadState | None] = []
    saved: list[Session] = []
    notices: list[list[str]] = []
    async with client(server) as c:
        sender = TurnSender(
            "responses",
            options or RequestOptions(),
            ModelCatalog(),
            lambda: [FAKE_KEY],
            files=c,
            reupload_progress=lambda s: states.append(None if s is None else s),
            reuploaded=notices.append,
            save=saved.append,
        )
        request = sender.build(session)
        reply = conv.start_reply(session, request.model)
        recorder = TurnRecorder(reply)
        events = []
        async for event in sender.stream(c.stream, session, request):
            recorder.apply(event)
            events.append(event)
    return events, states, saved, notices


def turn_posts(server: FakeServer) -> list[dict[str, Any]]:
    return [r.json for r in server.fake.requests if r.path == "/v1/responses"]


async def test_a_lost_document_is_uploaded_again_and_the_turn_sent_once_more(
    server: FakeServer, tmp_path: Path
) -> None:
    session = await uploaded_session(server, tmp_path / "copy.pdf")
    old_id = session.messages[0].attachments[0].file_id
    assert old_id is not None and server.fake.files.delete(old_id)  # gone on the server

    events, states, saved, notices = await turn(server, session, "and page two?")

    assert isinstance(events[-1], Completed)
    assert not [e for e in events if isinstance(e, Failed)]  # the 404 was not shown
    new_id = session.messages[0].attachments[0].file_id
    assert new_id and new_id != old_id
    stored = server.fake.files.get(new_id)
    assert stored is not None and stored.data == PDF and stored.filename == "report.pdf"
    posts = turn_posts(server)
    assert len(posts) == 2  # the failed turn, then the same turn once more
    ids = [
        [p["file_id"] for p in item["content"] if p.get("type") == "input_file"]
        for body in posts
        for item in body["input"]
        if isinstance(item.get("content"), list)
    ]
    assert ids == [[old_id], [new_id]]
    # progress as for a new upload: 0 .. all of it, marked "again", then the end
    live = [s for s in states if s is not None]
    assert live and live[0].again and live[-1].sent == live[-1].total == len(PDF)
    assert states[-1] is None
    note = "report.pdf was no longer on the server; it was uploaded again"
    assert notices == [[note]]
    assert saved == [session]
    assert note in session.messages[-1].notes


async def test_after_the_previous_response_fallback_the_lost_document_is_restored(
    server: FakeServer, tmp_path: Path
) -> None:
    session = await uploaded_session(server, tmp_path / "copy.pdf")
    session.messages[1].response_id = "resp_forgotten"
    session.messages[1].stored_on_server = True
    old_id = session.messages[0].attachments[0].file_id
    assert old_id is not None and server.fake.files.delete(old_id)

    options = RequestOptions(store_responses=True, conversation="server")
    events, _states, _saved, notices = await turn(server, session, "more?", options)

    assert isinstance(events[-1], Completed)
    notes = [e.message for e in events if isinstance(e, DebugEvent) and e.raw_type == "request"]
    assert notes == [FALLBACK_NOTE, "report.pdf was no longer on the server; it was uploaded again"]
    posts = turn_posts(server)
    assert [("previous_response_id" in p) for p in posts] == [True, False, False]
    assert len(notices) == 1


async def test_the_users_file_is_used_when_the_store_copy_is_gone(
    server: FakeServer, tmp_path: Path
) -> None:
    session = await uploaded_session(server, tmp_path / "copy.pdf")
    doc = session.messages[0].attachments[0]
    original = tmp_path / "report.pdf"
    original.write_bytes(PDF)
    doc.original_path = str(original)
    (tmp_path / "copy.pdf").unlink()
    assert doc.file_id is not None and server.fake.files.delete(doc.file_id)

    events, _states, _saved, _notices = await turn(server, session, "again?")

    assert isinstance(events[-1], Completed)
    assert doc.path == str(original)  # the store copies it again on the next save


async def test_the_users_file_edited_since_is_not_sent_as_the_old_document(
    server: FakeServer, tmp_path: Path
) -> None:
    session = await uploaded_session(server, tmp_path / "copy.pdf")
    doc = session.messages[0].attachments[0]
    original = tmp_path / "report.pdf"
    original.write_bytes(PDF + b"% a page added since\n")
    doc.original_path = str(original)
    (tmp_path / "copy.pdf").unlink()
    assert doc.file_id is not None and server.fake.files.delete(doc.file_id)

    events, _states, _saved, _notices = await turn(server, session, "again?")

    failed = events[-1]
    assert isinstance(failed, Failed) and isinstance(failed.error, DocumentGoneError)
    assert "report.pdf" in failed.error.user_message()
    assert not server.fake.files.files  # nothing uploaded in its place


async def test_no_copy_left_fails_the_turn_naming_the_file_and_what_to_do(
    server: FakeServer, tmp_path: Path
) -> None:
    session = await uploaded_session(server, tmp_path / "copy.pdf")
    (tmp_path / "copy.pdf").unlink()  # and /home/me/report.pdf never existed here
    old_id = session.messages[0].attachments[0].file_id
    assert old_id is not None and server.fake.files.delete(old_id)

    events, states, saved, notices = await turn(server, session, "and page two?")

    failed = events[-1]
    assert isinstance(failed, Failed) and not failed.partial
    assert isinstance(failed.error, DocumentGoneError)
    assert failed.error.user_message() == (
        "report.pdf is no longer on the server and no copy of it is left on this computer; "
        "attach report.pdf again to your message (Ctrl+T) and press Enter, or put it back "
        "at /home/me/report.pdf and press Enter."
    )
    assert len(turn_posts(server)) == 1 and not saved and not notices
    assert states == [None]
    assert session.messages[0].attachments[0].file_id == old_id  # nothing changed


async def test_a_document_attached_again_stands_in_for_the_lost_one(
    server: FakeServer, tmp_path: Path
) -> None:
    session = await uploaded_session(server, tmp_path / "copy.pdf")
    (tmp_path / "copy.pdf").unlink()
    old = session.messages[0].attachments[0]
    assert old.file_id is not None and server.fake.files.delete(old.file_id)
    async with client(server) as c:
        info = await c.upload_file("report.pdf", PDF, "application/pdf")
    again = old.model_copy(update={"file_id": str(info["id"]), "path": str(tmp_path / "new.pdf")})
    conv.add_user_message(session, "here it is again", [again])  # Ctrl+T, then Enter

    events = await _send_last(server, session)

    assert isinstance(events[-1], Completed)
    assert old.file_id == again.file_id  # the old message now points at the new upload
    assert len([r for r in server.fake.requests if r.path == "/v1/files"]) == 2  # no third


async def _send_last(server: FakeServer, session: Session) -> list[StreamEvent]:
    async with client(server) as c:
        sender = TurnSender("responses", RequestOptions(), ModelCatalog(), list, files=c)
        request = sender.build(session)
        conv.start_reply(session, request.model)
        return [e async for e in sender.stream(c.stream, session, request)]


async def test_other_failures_are_left_as_they_are(server: FakeServer, tmp_path: Path) -> None:
    session = await uploaded_session(server, tmp_path / "copy.pdf")
    server.fake.queue_scenarios(["error_404"])  # the model does not exist
    events, states, saved, _notices = await turn(server, session, "hm?")
    assert isinstance(events[-1], Failed) and "does not exist" in events[-1].error.message
    assert not [s for s in states if s is not None] and saved == []
    assert not [r for r in server.fake.requests if r.path.startswith("/v1/files/")]


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (
            404,
            b'{"code":"Some requested entity was not found","error":"File F was not found."}',
            True,
        ),
        (404, b'{"code":"not-found","error":"The file does not exist."}', True),
        (
            404,
            b'{"error":{"message":"No such File object: F","type":"invalid_request_error"}}',
            True,
        ),
        (400, b'{"code":"invalid-argument","error":"Invalid file_id: F"}', True),
        (
            400,
            b'{"code":"Client specified an invalid argument","error":"Invalid input_file."}',
            True,
        ),
        (422, b'{"code":"invalid-argument","error":"Failed to load file."}', True),
        (
            404,
            b'{"code":"Some resource has not been found","error":"The model grok-9 does not exist."}',
            False,
        ),
        (
            404,
            b'{"code":"x","error":"No responses could be found with the given response_id"}',
            False,
        ),
        (
            400,
            b'{"code":"invalid-argument","error":"Argument not supported on this model: stop"}',
            False,
        ),
        (429, b'{"code":"Some resource has been exhausted","error":"capacity"}', False),
    ],
)
def test_which_failures_may_be_a_lost_document(status: int, body: bytes, expected: bool) -> None:
    error = error_from_response(status, body, {})
    assert may_be_missing_file(error, ["F"]) is expected
    assert may_be_missing_file(error, []) is False
