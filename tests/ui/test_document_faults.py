"""Document faults in the app that are not about the bytes on the wire: the
attached file gone before the send, the server refusing the upload (403),
and a document of the conversation no longer on the server (404 on the
turn). Each is said in a sentence and nothing typed is lost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grok_tui.chat.session import Attachment, Session
from tests.store.helpers import make_session
from tests.ui.conftest import wait_for
from tests.ui.test_upload_progress_ui import line


async def test_gone_file_and_refused_upload_keep_the_message(
    make_app: Any, fake: Any, tmp_path: Path
) -> None:
    doc = tmp_path / "notes.md"
    doc.write_text("# notes\n", encoding="utf-8")
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        chat = app.chat
        assert chat.attach(str(empty)) is None  # refused before any upload
        assert line(chat, "#notice") == "✖ Not attached: empty.md is empty"
        assert chat.attach(str(doc)) is not None
        chat.prompt.set_text("read my notes")
        chat.prompt.focus()
        doc.unlink()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "the attached file is gone" in line(chat, "#notice"))
        assert f"{doc}. The message and its attachments are kept" in line(chat, "#notice")
        assert chat.prompt.text == "read my notes" and len(chat.attachments) == 1
        assert not [r for r in fake.requests if r.path == "/v1/files"]

        doc.write_text("# notes\n", encoding="utf-8")
        fake.queue_scenarios(["error_403"])
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: "could not upload notes.md: HTTP 403" in line(chat, "#notice")
        )
        assert "Enter tries again" in line(chat, "#notice")
        assert chat.prompt.text == "read my notes" and chat.attachments[0].file_id is None
        assert fake.files.files == {} and chat.session.messages == []


async def test_a_document_lost_on_the_server_with_no_copy_left_is_named(
    make_app: Any, fake: Any
) -> None:
    session = make_session("what is in it?", "a summary")
    session.messages[0].attachments = [
        Attachment(kind="document", source="file", name="old.pdf", file_id="file_deleted")
    ]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        chat = app.chat
        await chat.load_session(Session.model_validate(session.model_dump()))
        chat.prompt.set_text("and page two?")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "old.pdf is no longer on the server" in line(chat, "#notice"))
        notice = line(chat, "#notice")
        assert "no copy of it is left on this computer" in notice
        assert "attach old.pdf again to your message (Ctrl+T) and press Enter" in notice
        assert "Your message is back in the prompt" in notice
        await wait_for(pilot, lambda: chat.prompt.text == "and page two?", what="the prompt back")
        assert [m.text for m in chat.session.messages] == ["what is in it?", "a summary"]
        assert not [r for r in fake.requests if r.path == "/v1/files"]  # nothing to upload


async def test_a_document_lost_on_the_server_is_uploaded_again_with_progress(
    make_app: Any, fake: Any, store: Any, tmp_path: Path
) -> None:
    copy = tmp_path / "report.pdf"
    data = b"%PDF-1.4\n" + b"x" * 300_000 + b"\n%%EOF\n"
    copy.write_bytes(data)
    session = make_session("what is in it?", "a summary")
    session.messages[0].attachments = [
        Attachment(
            kind="document",
            source="file",
            path=str(copy),
            name="report.pdf",
            mime_type="application/pdf",
            size_bytes=len(data),
            file_id="file_expired",  # not on the (fake) server any more
        )
    ]
    fake.config.upload_bytes_per_second = 300_000  # a second: the bar shows
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        chat = app.chat
        await chat.load_session(Session.model_validate(session.model_dump()))
        chat.prompt.set_text("and page two?")
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: "⇡ Uploading again report.pdf" in line(chat, "#attachments"),
            what="the bar",
        )
        assert "/ 293 KiB" in line(chat, "#attachments")
        # Esc stops the turn, and so the upload: nothing is left on the server.
        await pilot.press("escape")
        await wait_for(pilot, lambda: not chat.is_streaming, what="the stop")
        assert chat.session.messages[-1].status == "stopped"
        assert fake.files.files == {} and not chat.query_one("#attachments").display
        assert chat.session.messages[0].attachments[0].file_id == "file_expired"
        # Ctrl+R answers again: uploaded again, then sent.
        await pilot.press("ctrl+r")
        await wait_for(
            pilot,
            lambda: "⇡ Uploading again report.pdf" in line(chat, "#attachments"),
            what="the bar again",
        )
        await wait_for(
            pilot,
            lambda: chat.session.messages[-1].status == "complete" and not chat.is_streaming,
            what="the reply",
        )
        notice = line(chat, "#notice")
        assert "report.pdf was no longer on the server; it was uploaded again" in notice
        assert "-error" not in chat.query_one("#notice").classes
        assert not chat.query_one("#attachments").display  # the bar is gone
        att = chat.session.messages[0].attachments[0]
        assert att.file_id in fake.files.files and fake.files.files[att.file_id].data == data
        reply = chat.session.messages[-1]
        assert reply.status == "complete" and reply.text
        assert "report.pdf was no longer on the server; it was uploaded again" in reply.notes
        await wait_for(
            pilot,
            lambda: (
                store.exists(chat.session.id)
                and store.load(chat.session.id).messages[0].attachments[0].file_id == att.file_id
            ),
            what="the new id saved",
        )


async def test_a_missing_collection_fails_the_turn_with_what_to_check(
    make_app: Any, fake: Any
) -> None:
    from grok_tui.chat.search import SearchSettings
    from grok_tui.chat.tools import ToolSettings

    tools = ToolSettings(collections=["collection_8010"])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        chat = app.chat
        await chat.load_session(Session(search=SearchSettings(tools=tools)))
        fake.queue_scenarios(["collections_missing"])
        chat.prompt.set_text("find the release notes")
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: "Collection collection_8010 was not found" in line(chat, "#notice")
        )
        assert "Check the collection ids in the tools pane (F3)" in line(chat, "#notice")
        await wait_for(pilot, lambda: chat.prompt.text == "find the release notes")
        assert chat.session.messages == []
