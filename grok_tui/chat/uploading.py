"""Uploading the documents of a message before it is sent (Files API),
without Textual.

`upload_documents(client, attachments, on_progress)` uploads, one after the
other, every document attachment that has no file id yet and stores the id
on the attachment (the session keeps it with the original path, so a resend
or a regenerate does not upload again). `on_progress(UploadState)` follows
each file's bytes as they go out (the wire layer's callback, `api/upload.py`).

Outcomes:
- every document has a file id: returns normally;
- a file gone or changed, a refusal (413 too large, another 4xx), a network
  drop: raises `UploadFailed` with one sentence naming the file; the
  documents uploaded before it keep their ids (nothing is lost, a retry sends
  only the rest);
- the caller cancels (Esc): the `CancelledError` goes on after the upload is
  undone. While part of the file is still to go, cancelling closes the
  connection and the server never gets the whole body. Once every byte went
  out, the server may already have stored it: the answer is awaited (at most
  `CANCEL_GRACE` seconds) and the file it names is deleted, so a cancelled
  upload leaves nothing on the server either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from grok_tui.api.errors import XAIError
from grok_tui.api.upload import UploadProgress
from grok_tui.chat.attached_files import AttachmentError
from grok_tui.chat.documents import read_document
from grok_tui.chat.session import Attachment
from grok_tui.sanitize import one_line

#: Seconds a cancelled upload whose bytes all went out waits for the answer
#: (to delete the file the server may have stored).
CANCEL_GRACE = 10.0


class FileUploader(Protocol):
    """What uploading needs of an `XAIClient`."""

    async def upload_file(
        self,
        filename: str,
        data: bytes,
        mime_type: str = ...,
        *,
        purpose: str = ...,
        progress: UploadProgress | None = None,
    ) -> dict[str, Any]: ...

    async def delete_file(self, file_id: str) -> bool: ...


@dataclass(slots=True)
class UploadState:
    """The document being uploaded: `number` of `count`, `sent` of `total` bytes."""

    attachment: Attachment
    number: int
    count: int
    sent: int
    total: int
    started: float
    #: The server had lost this document: it is uploaded again (`chat/reupload.py`).
    again: bool = False

    @property
    def name(self) -> str:
        return one_line(self.attachment.name or "document", 60)

    @property
    def fraction(self) -> float:
        return min(1.0, self.sent / self.total) if self.total else 0.0


class UploadFailed(Exception):
    """An upload did not complete; `reason` says which file and why, in one sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def pending_documents(attachments: Sequence[Attachment]) -> list[Attachment]:
    """The documents that still need an upload (no file id yet)."""
    return [a for a in attachments if a.kind == "document" and not a.file_id]


async def upload_documents(
    client: FileUploader,
    attachments: Sequence[Attachment],
    on_progress: Callable[[UploadState], None],
    *,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Upload the attachments' new documents (see the module docstring)."""
    pending = pending_documents(attachments)
    for number, att in enumerate(pending, start=1):
        state = UploadState(att, number, len(pending), 0, att.size_bytes or 0, clock())
        on_progress(state)
        try:
            data = await asyncio.to_thread(read_document, att)
        except AttachmentError as exc:
            raise UploadFailed(exc.reason) from None
        state.total = len(data)

        def progress(sent: int, total: int, state: UploadState = state) -> None:
            state.sent, state.total = sent, total
            on_progress(state)

        info = await upload_one(client, att, data, state, progress)
        att.file_id = str(info["id"])


async def upload_one(
    client: FileUploader,
    att: Attachment,
    data: bytes,
    state: UploadState,
    progress: UploadProgress,
) -> dict[str, Any]:
    """Upload `data` as `att` (the file object); `UploadFailed` names the file;
    a cancel undoes what reached the server (see the module docstring)."""
    upload = asyncio.ensure_future(
        client.upload_file(
            att.name or "document",
            data,
            att.mime_type or "application/octet-stream",
            progress=progress,
        )
    )
    try:
        return await asyncio.shield(upload)
    except asyncio.CancelledError:
        if state.sent >= state.total and not upload.done():
            await _discard_finished(client, upload)
        else:
            upload.cancel()
            with contextlib.suppress(asyncio.CancelledError, XAIError):
                await upload
            if upload.done() and not upload.cancelled() and upload.exception() is None:
                await _delete_quietly(client, upload.result())
        raise
    except XAIError as exc:
        raise UploadFailed(f"could not upload {state.name}: {exc.user_message()}") from None


async def _discard_finished(client: FileUploader, upload: asyncio.Future[dict[str, Any]]) -> None:
    """Every byte went out: wait (bounded) for the answer, then delete the file."""
    try:
        async with asyncio.timeout(CANCEL_GRACE):
            info = await upload
    except (TimeoutError, XAIError, asyncio.CancelledError):
        upload.cancel()
        return
    await _delete_quietly(client, info)


async def _delete_quietly(client: FileUploader, info: dict[str, Any]) -> None:
    with contextlib.suppress(XAIError, TimeoutError):
        async with asyncio.timeout(CANCEL_GRACE):
            await client.delete_file(str(info["id"]))
