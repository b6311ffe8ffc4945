"""The upload of a message's documents from the chat screen: it runs while the
screen keeps handling keys, the attachment line shows a bar with bytes sent
of the total, Esc and Ctrl+C cancel it (nothing sent, text and attachments
kept, nothing stored on the server), a connection dropped mid-upload is
shown and loses nothing, and the next Enter uploads and sends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ui.conftest import wait_for

#: About 1 MiB: four seconds at the `upload_slow` scenario's pace.
DOC = b"%PDF-1.7\n" + b"0123456789abcdef" * (64 * 1024)


def line(chat: Any, widget_id: str) -> str:
    widget = chat.query_one(widget_id)
    return str(widget.render()) if widget.display else ""


async def test_upload_shows_progress_cancels_and_keeps_everything(
    make_app: Any, fake: Any, tmp_path: Path
) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(DOC)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        chat = app.chat
        assert chat.attach(str(pdf)) is not None
        chat.prompt.set_text("what does it say?")
        chat.prompt.focus()

        async def start_slow_upload() -> None:
            fake.queue_scenarios(["upload_slow"])
            await pilot.press("enter")
            await wait_for(
                pilot, lambda: "⇡ Uploading report.pdf" in line(chat, "#attachments"), what="bar"
            )

        for cancel_key in ("escape", "ctrl+c"):
            await start_slow_upload()
            assert chat.prompt.read_only and app.focused is chat.prompt
            first = chat.upload_state.sent
            # The screen is not frozen: the bar moves while keys are handled.
            await wait_for(pilot, lambda f=first: chat.upload_state.sent > f, what="progress")
            assert "/ 1.0 MiB" in line(chat, "#attachments")
            await pilot.press(cancel_key)
            await wait_for(
                pilot, lambda: "Upload cancelled" in line(chat, "#notice"), what="the cancel"
            )
            assert not chat.uploading and not chat.prompt.read_only
            assert chat.prompt.text == "what does it say?"
            assert [a.name for a in chat.attachments] == ["report.pdf"]
            assert chat.attachments[0].file_id is None
            assert fake.files.files == {} and chat.session.messages == []
            assert "⇡" not in line(chat, "#attachments")

        # The connection drops mid-upload: said, and nothing is lost.
        fake.queue_scenarios(["upload_drop"])
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: "could not upload report.pdf" in line(chat, "#notice"), what="the drop"
        )
        assert "dropped during the upload" in line(chat, "#notice")
        assert chat.prompt.text == "what does it say?" and len(chat.attachments) == 1
        assert not [r for r in fake.requests if r.path == "/v1/responses"]

        # Enter again: uploaded, then sent with its file id.
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: len(chat.session.messages) == 2 and not chat.is_streaming,
            what="the reply",
        )
        att = chat.session.messages[0].attachments[0]
        assert att.file_id in fake.files.files and len(fake.files.files) == 1
        assert fake.files.files[att.file_id].data == DOC
        assert chat.prompt.text == "" and chat.attachments == []


async def test_ctrl_c_copies_when_no_upload_runs(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        chat = app.chat
        chat.prompt.set_text("copy me")
        chat.prompt.select_all()
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: copied == ["copy me"], what="the copy")
        assert app.is_running and chat.prompt.text == "copy me"
