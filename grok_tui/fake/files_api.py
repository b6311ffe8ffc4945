"""The fake's Files API (xai-wire §5.7: `/v1/files`, `/v1/files/{id}`), raw
JSON and multipart only (never `grok_tui.api`).

* `POST /v1/files` (multipart/form-data: a `file` part, optional `purpose`)
  -> `{"id": "file_…", "object": "file", "bytes", "created_at", "filename",
  "purpose"}`; over `MAX_UPLOAD_BYTES` (48 MiB) -> 413; no file part -> 400.
  The `upload_too_large` scenario refuses any upload with that 413.
* Upload pace and faults, decided before the body is read (`UploadPlan`, from
  `FakeXAI.upload_plan`): `FakeConfig.upload_bytes_per_second` paces every
  upload's body (the demo: a home connection's pace, so a large document shows
  its progress); the `upload_slow` scenario reads one upload at
  `SLOW_UPLOAD_BYTES_PER_SECOND`; `upload_drop` reads half of one upload's body
  and closes the connection without an answer (a network drop mid-upload).
  The socket server and the in-process transport both read the body in pieces
  at that pace, so the client's progress follows what the server took.
* `GET /v1/files/{id}` -> the same object; 404 when unknown.
* `DELETE /v1/files/{id}` -> `{"id", "object": "file", "deleted": true}`.
  Tests lose a file on the server (deleted, expired) with it or with
  `FakeXAI.files.delete(id)`; a Responses request that still references it
  then gets 404 "File <id> was not found." (`validation.py`).

Message texts are guesses in the style of §6.2 (the captures have none).
"""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from grok_tui.fake.http_errors import CODE_INVALID, CODE_NOT_FOUND_ROUTE, HTTPError
from grok_tui.fake.wire import FakeResponse, json_response

MAX_UPLOAD_BYTES = 48 * 1024 * 1024
MSG_TOO_LARGE = "File size exceeds the maximum allowed size of 48 MB."
#: The pace of the `upload_slow` scenario (bytes of the body per second).
SLOW_UPLOAD_BYTES_PER_SECOND = 256 * 1024
#: Scenarios that act on an upload's body while it is read (see `UploadPlan`).
UPLOAD_BODY_SCENARIOS = frozenset({"upload_slow", "upload_drop"})
#: Bytes read per step when an upload is paced.
PACED_READ_BYTES = 16 * 1024


@dataclass(frozen=True, slots=True)
class UploadPlan:
    """How to read one upload's body: at `bytes_per_second` (None: at once),
    and whether to drop the connection after `drop_after` bytes."""

    bytes_per_second: float | None = None
    drop_after: int | None = None

    def delay_until(self, got: int) -> float:
        """Seconds after the start by which `got` bytes may have been read."""
        return got / self.bytes_per_second if self.bytes_per_second else 0.0


def upload_plan(scenario: str | None, content_length: int, rate: float | None) -> UploadPlan | None:
    """The plan of an upload whose body is `content_length` bytes, under the
    queued `scenario` (one of `UPLOAD_BODY_SCENARIOS`, or None) and the
    configured pace `rate`; None: read it at once."""
    if scenario == "upload_drop":
        return UploadPlan(rate, max(1, content_length // 2))
    if scenario == "upload_slow":
        return UploadPlan(float(SLOW_UPLOAD_BYTES_PER_SECOND))
    return UploadPlan(rate) if rate else None


@dataclass(slots=True)
class StoredFile:
    id: str
    filename: str
    data: bytes
    purpose: str
    created_at: int
    content_type: str = "application/octet-stream"

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "file",
            "bytes": len(self.data),
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": self.purpose,
        }


@dataclass
class FileStore:
    """Uploaded files, in memory (thread-safe)."""

    files: dict[str, StoredFile] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(
        self, filename: str, data: bytes, purpose: str, created_at: int, content_type: str
    ) -> StoredFile:
        stored = StoredFile(
            f"file_{uuid.uuid4()}", filename, data, purpose, created_at, content_type
        )
        with self._lock:
            self.files[stored.id] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        with self._lock:
            return self.files.get(file_id)

    def delete(self, file_id: str) -> bool:
        with self._lock:
            return self.files.pop(file_id, None) is not None

    def clear(self) -> None:
        with self._lock:
            self.files.clear()


_DISPOSITION_PARAM = re.compile(r';\s*([A-Za-z0-9_*-]+)="((?:[^"\\]|\\.)*)"')


def parse_multipart(content_type: str, body: bytes) -> dict[str, tuple[str | None, str, bytes]]:
    """Parts of a multipart/form-data body: name -> (filename, content type,
    bytes). Raises ValueError when the body is not multipart/form-data."""
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if not content_type.lower().startswith("multipart/form-data") or m is None:
        raise ValueError("not multipart/form-data")
    boundary = b"--" + m.group(1).encode("latin-1")
    parts: dict[str, tuple[str | None, str, bytes]] = {}
    for chunk in body.split(boundary)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        if data.endswith(b"\r\n"):
            data = data[:-2]
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        params = dict(_DISPOSITION_PARAM.findall(headers.get("content-disposition", "")))
        if "name" in params:
            parts[params["name"]] = (
                params.get("filename"),
                headers.get("content-type", "text/plain"),
                data,
            )
    return parts


def input_file_ids(body: dict[str, Any]) -> list[str]:
    """The `file_id`s of the request's `input_file` parts (Responses input)."""
    ids: list[str] = []
    items = body.get("input")
    if not isinstance(items, list):
        return ids
    for item in items:
        content = item.get("content") if isinstance(item, dict) else None
        if not isinstance(content, list):
            continue
        for part in content:
            if isinstance(part, dict) and part.get("type") == "input_file":
                fid = part.get("file_id")
                ids.append(fid if isinstance(fid, str) else "")
    return ids


def upload_answer(
    files: FileStore, content_type: str, body: bytes, *, now: int, too_large: bool = False
) -> FakeResponse:
    """`POST /v1/files` (auth already checked): the stored file's object, or
    the HTTPError for a body that is no upload or too large (`too_large`: the
    `upload_too_large` scenario refuses any)."""
    if too_large:
        raise HTTPError(413, CODE_INVALID, MSG_TOO_LARGE)
    try:
        parts = parse_multipart(content_type, body)
    except ValueError:
        raise HTTPError(
            415, CODE_INVALID, "Expected a multipart/form-data body with a file part."
        ) from None
    if "file" not in parts:
        raise HTTPError(400, CODE_INVALID, "Invalid request content: no file part.")
    filename, ctype, data = parts["file"]
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPError(413, CODE_INVALID, MSG_TOO_LARGE)
    purpose = parts.get("purpose", (None, "", b"assistants"))[2].decode("utf-8", "replace")
    stored = files.add(filename or "upload", data, purpose or "assistants", now, ctype)
    return json_response(stored.json())


def file_answer(files: FileStore, method: str, file_id: str) -> FakeResponse:
    """`GET` / `DELETE /v1/files/{id}` (auth already checked); 404 when unknown."""
    stored_file = files.get(file_id)
    if stored_file is None:
        raise HTTPError(404, CODE_NOT_FOUND_ROUTE, f"File {file_id} was not found.")
    if method == "DELETE":
        files.delete(stored_file.id)
        return json_response({"id": stored_file.id, "object": "file", "deleted": True})
    return json_response(stored_file.json())
