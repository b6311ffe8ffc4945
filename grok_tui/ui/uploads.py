"""Uploading the documents of a message before it is sent (Files API).

`upload_documents(screen, attachments)` uploads every document attachment
that has no file id yet, one after the other, and stores the id on the
attachment (so the session keeps it with the original path, and a resend or
a regenerate does not upload again). While an upload runs longer than
`NOTICE_AFTER` seconds the screen's notice line says which file, its size and
how many are left. A failure (a file gone or changed, a refusal such as a
file too large, a network error) is shown in one sentence and returns False:
the caller then sends nothing, and the prompt keeps its text and attachments.

File bytes are read in a thread (no blocking I/O on the UI's event loop).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from grok_tui.api.errors import XAIError
from grok_tui.chat.attachments import AttachmentError
from grok_tui.chat.documents import read_document
from grok_tui.chat.models import Attachment
from grok_tui.sanitize import one_line

#: Seconds an upload runs before the notice line shows it.
NOTICE_AFTER = 0.3


def pending_documents(attachments: Sequence[Attachment]) -> list[Attachment]:
    return [a for a in attachments if a.kind == "document" and not a.file_id]


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


async def upload_documents(screen: Any, attachments: Sequence[Attachment]) -> bool:
    """Upload the attachments' new documents; True when all have a file id.

    `screen` needs `backend.client` (an `XAIClient`), `show_notice(text, *,
    error=True)` and `clear_notice()` (the chat screen has them)."""
    pending = pending_documents(attachments)
    if not pending:
        return True
    if getattr(screen, "_grok_uploading", False):
        screen.show_notice("An upload is still running; wait for it to finish.", error=False)
        return False
    screen._grok_uploading = True
    try:
        return await _upload_all(screen, pending)
    finally:
        screen._grok_uploading = False


async def _upload_all(screen: Any, pending: list[Attachment]) -> bool:
    for n, att in enumerate(pending, start=1):
        name = one_line(att.name, 60)
        shown = False

        def notice(att: Attachment = att, n: int = n, name: str = name) -> None:
            nonlocal shown
            shown = True
            left = f" ({n} of {len(pending)})" if len(pending) > 1 else ""
            size = f", {_mib(att.size_bytes)}" if att.size_bytes else ""
            screen.show_notice(f"⇡ Uploading {name}{size}{left}…", error=False)

        timer = asyncio.get_running_loop().call_later(NOTICE_AFTER, notice)
        try:
            data = await asyncio.to_thread(read_document, att)
            info = await screen.backend.client.upload_file(
                att.name or "document", data, att.mime_type or "application/octet-stream"
            )
        except AttachmentError as exc:
            timer.cancel()
            screen.show_notice(f"✖ Not sent: {exc.reason}")
            return False
        except XAIError as exc:
            timer.cancel()
            screen.show_notice(f"✖ Not sent: could not upload {name}: {exc.user_message()}")
            return False
        finally:
            timer.cancel()
        att.file_id = str(info["id"])
        if shown:
            screen.clear_notice()
    return True
