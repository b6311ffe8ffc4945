"""The documents a session uploaded through the Files API, and deleting them
on the server when the session is deleted (no Textual; blocking parts are
marked, the screen runs them in a thread).

- `uploaded_files(session)`: the session's documents that carry a `file_id`
  (the session's whole saved form is walked, so attachments anywhere in it
  count, whatever shape the conversation takes), one per id;
- `plan_file_deletion(store, session_id, files)` (blocking): which of them
  another saved session (or one in the trash) also references, by reading each
  other session's file for the id as a JSON string. Those are kept: deleting
  them would break that session. A session file that cannot be read makes
  every file "unsure" and none is deleted;
- `delete_server_files(client, files)`: `DELETE /v1/files/{id}` for each, into
  a `DeletionReport` (deleted, already gone, failed with the reason) whose
  `sentence()` tells the user what happened.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from grok_tui.api.errors import XAIError
from grok_tui.chat.session import Session
from grok_tui.sanitize import one_line
from grok_tui.store import SessionRepository, SessionSummary


@dataclass(frozen=True, slots=True)
class UploadedFile:
    file_id: str
    name: str


class FileDeleter(Protocol):
    """What deleting needs of an `XAIClient`."""

    async def delete_file(self, file_id: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class FileServer:
    """Where a session's uploaded files would be deleted: the client, and
    how to name it to the user ("xAI's servers", "the demo server")."""

    client: FileDeleter
    where: str


def session_file_plan(store: SessionRepository, session_id: str) -> FileDeletionPlan:
    """The uploaded files of a saved session and who else uses them
    (blocking; raises what `store.load` raises)."""
    return plan_file_deletion(store, session_id, uploaded_files(store.load(session_id)))


def _attachment_dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if value.get("kind") == "document" and isinstance(value.get("file_id"), str):
            yield value
        for item in value.values():
            yield from _attachment_dicts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _attachment_dicts(item)


def uploaded_files(session: Session) -> list[UploadedFile]:
    """The session's uploaded documents, one per file id, in order."""
    seen: dict[str, UploadedFile] = {}
    for att in _attachment_dicts(session.model_dump(mode="json")):
        file_id = att["file_id"]
        if file_id and file_id not in seen:
            seen[file_id] = UploadedFile(file_id, one_line(str(att.get("name") or file_id), 60))
    return list(seen.values())


@dataclass(slots=True)
class FileDeletionPlan:
    """The files of a session being deleted: which may go, which are kept."""

    files: list[UploadedFile]
    #: file id -> titles of the other sessions that reference it (kept).
    shared: dict[str, list[str]] = field(default_factory=dict)
    #: Other sessions whose files could not be read (then nothing is deleted).
    unreadable: int = 0

    @property
    def deletable(self) -> list[UploadedFile]:
        if self.unreadable:
            return []
        return [f for f in self.files if f.file_id not in self.shared]

    @property
    def kept(self) -> list[UploadedFile]:
        return [f for f in self.files if f not in self.deletable]


def _session_text(store: SessionRepository, summary: SessionSummary) -> bytes | None:
    try:
        return summary.path.read_bytes()
    except OSError:
        pass
    try:  # a store that keeps no files (or one that moved): its JSON export
        return store.export_json(summary.id).encode()
    except Exception:  # noqa: BLE001 - any failure means "cannot tell"
        return None


def plan_file_deletion(
    store: SessionRepository, session_id: str, files: list[UploadedFile]
) -> FileDeletionPlan:
    """Which of `files` other sessions also use (blocking: reads every other
    session file, saved and in the trash)."""
    plan = FileDeletionPlan(files)
    if not files:
        return plan
    needles = {f.file_id: f'"{f.file_id}"'.encode() for f in files}
    others = [s for s in (*store.list_sessions(), *store.list_trash()) if s.id != session_id]
    for summary in others:
        text = _session_text(store, summary)
        if text is None:
            plan.unreadable += 1
            continue
        for file_id, needle in needles.items():
            if needle in text:
                title = one_line(summary.title or "Untitled", 60)
                plan.shared.setdefault(file_id, []).append(title)
    return plan


@dataclass(slots=True)
class DeletionReport:
    deleted: list[UploadedFile] = field(default_factory=list)
    already_gone: list[UploadedFile] = field(default_factory=list)
    #: (file, the reason in one sentence)
    failed: list[tuple[UploadedFile, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def sentence(self, where: str = "xAI's servers") -> str:
        """What happened to the files, in one or two sentences."""
        parts: list[str] = []
        if self.deleted:
            n = len(self.deleted)
            parts.append(f"Deleted {n} uploaded file{'s' if n != 1 else ''} from {where}.")
        if self.already_gone:
            n = len(self.already_gone)
            names = ", ".join(f.name for f in self.already_gone[:3])
            parts.append(f"{n} {'was' if n == 1 else 'were'} no longer there ({names}).")
        if self.failed:
            first, reason = self.failed[0]
            n = len(self.failed)
            more = f" and {n - 1} more" if n > 1 else ""
            parts.append(
                f"Could not delete {first.name}{more}: {reason} "
                f"{'It stays' if n == 1 else 'They stay'} on the server."
            )
        return " ".join(parts) or "No uploaded file was deleted."


async def delete_server_files(client: FileDeleter, files: list[UploadedFile]) -> DeletionReport:
    """Delete each file on the server (one request each, in order)."""
    report = DeletionReport()
    for f in files:
        try:
            existed = await client.delete_file(f.file_id)
        except XAIError as exc:
            report.failed.append((f, exc.user_message()))
            continue
        (report.deleted if existed else report.already_gone).append(f)
    return report


def kept_sentence(plan: FileDeletionPlan) -> str:
    """Why some files are kept (empty when none is)."""
    if plan.unreadable:
        n = plan.unreadable
        return (
            f"{n} other session file{'s' if n != 1 else ''} could not be read, so no uploaded "
            "file is deleted (one of them may use it)."
        )
    kept = [f for f in plan.files if f.file_id in plan.shared]
    if not kept:
        return ""
    first = kept[0]
    users = plan.shared[first.file_id]
    more = f" and {len(kept) - 1} more file{'s' if len(kept) > 2 else ''}" if len(kept) > 1 else ""
    return (
        f"Kept {first.name}{more}: also used by “{users[0]}”"
        f"{f' and {len(users) - 1} other session(s)' if len(users) > 1 else ''}."
    )
