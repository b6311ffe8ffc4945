"""Uploading again the documents the server no longer has (no Textual).

A session keeps each document's Files API id. The server may lose the file
later (the user deleted it, it expired): a turn that references it then
fails before anything is generated (HTTP 404 on the Responses request). The
check is reactive, on that failure, rather than a `GET /v1/files/{id}` per
document before every turn: a turn whose files are there costs nothing
more, the server alone knows when a file expires, and the failure comes
before any output, so sending the turn again is safe.

`restore_missing_files(client, session, request, error, ...)`:

1. `may_be_missing_file(error, ids)` says whether the failure can be about a
   document: xai-wire.md has no capture of that answer, so every plausible
   variant is taken: a 404 that is not about the model, a previous response
   or the route; a 400/422 that speaks of a file; any error that names one of
   the request's file ids.
2. Each referenced id the message names, or that `GET /v1/files/{id}` says is
   gone, is missing. None missing: `None` (the failure was about something
   else and stays as it was).
3. Each missing document is read from the copy the store keeps with the
   session (`path`), else from where the user attached it (`original_path`),
   else a document of the same name attached to the message being sent is
   used in its place. It is uploaded with the same progress as a new upload
   (`UploadState.again`), every attachment of the session holding the old id
   gets the new one, and the session is saved.
4. Returns one note per document ("report.pdf was no longer on the server;
   it was uploaded again"). A document with no copy left raises
   `DocumentGoneError` naming it and saying what to do; a failed upload
   raises `DocumentUploadError` (both `XAIError`s with no HTTP status, so the
   turn fails before it started and the prompt is given back).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol

from grok_tui.api.chat_request import ChatRequest
from grok_tui.api.errors import InvalidRequestError, NotFoundError, XAIError
from grok_tui.chat.attached_files import AttachmentError
from grok_tui.chat.documents import read_document
from grok_tui.chat.session import Attachment, Message, Session
from grok_tui.chat.uploading import FileUploader, UploadFailed, UploadState, upload_one
from grok_tui.sanitize import one_line

#: 404s that are about something other than a document.
_OTHER_NOT_FOUND = re.compile(
    r"\bmodel\b|no responses could be found|\bresponse_id\b|no handler found|\bcollection",
    re.IGNORECASE,
)
_SPEAKS_OF_FILE = re.compile(r"file|document", re.IGNORECASE)


class FileKeeper(FileUploader, Protocol):
    """What re-uploading needs of an `XAIClient`."""

    async def file_exists(self, file_id: str) -> bool: ...


class DocumentError(XAIError):
    """A document of the conversation could not be sent again (the whole
    message is the sentence shown; no HTTP status)."""

    kind = "document"
    hint = ""

    def summary(self) -> str:
        text = self.message.strip()
        return text if text.endswith((".", "!", "?")) else f"{text}."


class DocumentGoneError(DocumentError):
    """The server lost a document and no local copy of it is left."""

    kind = "document_gone"


class DocumentUploadError(DocumentError):
    """Uploading a lost document again failed."""

    kind = "document_upload"


def request_file_ids(request: ChatRequest) -> list[str]:
    """The file ids a request references, each once, in order."""
    ids: dict[str, None] = {}
    for message in request.messages:
        for part in message.files:
            ids.setdefault(part.file_id)
    return list(ids)


def may_be_missing_file(error: XAIError, file_ids: Sequence[str]) -> bool:
    """Whether `error` can mean that one of `file_ids` is gone (module docstring)."""
    if not file_ids:
        return False
    text = error.message
    if any(fid and fid in text for fid in file_ids):
        return True
    if isinstance(error, NotFoundError):
        return not _OTHER_NOT_FOUND.search(text)
    if isinstance(error, InvalidRequestError) and error.status in (400, 404, 422):
        return bool(_SPEAKS_OF_FILE.search(text))
    return False


async def missing_file_ids(
    client: FileKeeper, file_ids: Sequence[str], error: XAIError
) -> list[str]:
    """The ids the error names, and those the server says it no longer has.
    A check that fails (network) counts as "still there"."""
    missing: list[str] = []
    for fid in file_ids:
        if fid in error.message:
            missing.append(fid)
            continue
        try:
            exists = await client.file_exists(fid)
        except XAIError:
            continue
        if not exists:
            missing.append(fid)
    return missing


def session_attachments(session: Session) -> Iterable[Attachment]:
    """Every attachment of the session: the chosen path, then the other versions."""
    for message in (*session.messages, *session.off_path):
        yield from message.attachments


def _local_copy(att: Attachment) -> tuple[bytes, str] | None:
    """The bytes of the document and the path they came from: the store's
    copy, else the user's file; None when neither can be read. The user's
    file is taken only while it has the size that was sent: one edited since
    would go out silently as the old document for the whole history."""
    for path in dict.fromkeys(p for p in (att.path, att.original_path) if p):
        if not Path(path).is_file():
            continue
        try:
            data = read_document(att.model_copy(update={"path": path}))
        except AttachmentError:
            continue
        if path != att.path and att.size_bytes is not None and len(data) != att.size_bytes:
            continue  # the user's file changed since it was attached
        return data, path
    return None


def _attached_again(session: Session, att: Attachment, missing: Sequence[str]) -> str | None:
    """The file id of a document of the same name attached to the last user
    message (the user attached it again), when it is not itself missing."""
    last: Message | None = next((m for m in reversed(session.messages) if m.role == "user"), None)
    if last is None:
        return None
    for other in last.attachments:
        if (
            other is not att
            and other.kind == "document"
            and other.name == att.name
            and other.file_id
            and other.file_id not in missing
        ):
            return other.file_id
    return None


def gone_sentence(att: Attachment) -> str:
    """The error of a document that is neither on the server nor on disk."""
    name = one_line(att.name or "a document", 60)
    where = att.original_path or att.path
    put_back = f", or put it back at {one_line(where, 120)} and press Enter" if where else ""
    return (
        f"{name} is no longer on the server and no copy of it is left on this computer; "
        f"attach {name} again to your message (Ctrl+T) and press Enter{put_back}"
    )


async def restore_missing_files(
    client: FileKeeper,
    session: Session,
    request: ChatRequest,
    error: XAIError,
    on_progress: Callable[[UploadState], None],
    save: Callable[[Session], None],
    *,
    clock: Callable[[], float] = time.monotonic,
) -> list[str] | None:
    """Upload again the documents of `request` the server lost (module
    docstring); the notes to show, or None when none is missing."""
    file_ids = request_file_ids(request)
    if not may_be_missing_file(error, file_ids):
        return None
    missing = await missing_file_ids(client, file_ids, error)
    if not missing:
        return None
    holders: dict[str, list[Attachment]] = {fid: [] for fid in missing}
    for att in session_attachments(session):
        if att.kind == "document" and att.file_id in holders:
            holders[att.file_id].append(att)
    notes: list[str] = []
    for number, fid in enumerate(missing, start=1):
        atts = holders[fid]
        if not atts:
            continue  # not one of this session's documents: nothing to upload
        att = atts[0]
        name = one_line(att.name or "document", 60)
        found = await asyncio.to_thread(_local_copy, att)
        if found is None:
            new_id = _attached_again(session, att, missing)
            if new_id is None:
                raise DocumentGoneError(gone_sentence(att))
            note = f"{name} was no longer on the server; the copy attached again is used"
        else:
            data, path = found
            state = UploadState(att, number, len(missing), 0, len(data), clock(), again=True)
            on_progress(state)

            def progress(sent: int, total: int, state: UploadState = state) -> None:
                state.sent, state.total = sent, total
                on_progress(state)

            try:
                info = await upload_one(client, att, data, state, progress)
            except UploadFailed as exc:
                raise DocumentUploadError(
                    f"{name} is no longer on the server and uploading it again failed "
                    f"({exc.reason})"
                ) from None
            new_id = str(info["id"])
            for holder in atts:
                if holder.path and not Path(holder.path).is_file():
                    holder.path = path  # the store copies it again on the next save
            note = f"{name} was no longer on the server; it was uploaded again"
        for holder in atts:
            holder.file_id = new_id
        notes.append(note)
    if not notes:
        return None
    save(session)
    return notes
