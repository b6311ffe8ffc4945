"""Documents from the chat screen (Ctrl+T's `attach`): a PDF attached shows as
a chip, is uploaded when the message is sent and referenced by its file id; a
refused upload sends nothing and keeps the prompt's text and attachments; a
regenerate reuses the id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.test_documents import PDF, make


async def test_chat_attach_pdf_upload_and_refusal(make_app: Any, fake: Any, tmp_path: Path) -> None:
    from tests.ui.conftest import wait_for

    pdf = make(tmp_path, "paper.pdf", PDF)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        chat = app.chat
        # A refused upload: nothing is sent, text and attachment stay.
        assert chat.attach(str(pdf)) is not None
        assert "📄 paper.pdf" in str(chat.query_one("#attachments").render())
        fake.queue_scenarios(["upload_too_large"])
        chat.prompt.set_text("what is in it?")
        chat.prompt.focus()
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: "could not upload paper.pdf" in chat_notice(chat), what="the refusal"
        )
        assert chat.prompt.text == "what is in it?" and len(chat.attachments) == 1
        assert chat.session.messages == []
        assert not [r for r in fake.requests if r.path == "/v1/responses"]
        # Sent again: uploaded, then referenced by id.
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: len(chat.session.messages) == 2 and not chat.is_streaming,
            what="the reply",
        )
        user = chat.session.messages[0]
        att = user.attachments[0]
        assert att.kind == "document" and att.file_id in fake.files.files
        body = [r for r in fake.requests if r.path == "/v1/responses"][-1].json
        assert {"type": "input_file", "file_id": att.file_id} in body["input"][0]["content"]
        assert "paper.pdf" in chat.session.messages[1].text
        # A regenerate reuses the id: no second upload.
        uploads = len([r for r in fake.requests if r.path == "/v1/files"])
        await chat.action_regenerate()
        await wait_for(pilot, lambda: not chat.is_streaming, what="the regenerated reply")
        assert len([r for r in fake.requests if r.path == "/v1/files"]) == uploads
        saved = json.loads(chat.session.model_dump_json())
        assert saved["messages"][0]["attachments"][0]["file_id"] == att.file_id


def chat_notice(chat: Any) -> str:
    try:
        return str(chat.query_one("#notice").render())
    except Exception:  # noqa: BLE001 - the notice widget's id differs
        return ""
