"""The multipart body of a Files API upload, streamed with progress.

`MultipartUpload` is the `multipart/form-data` body of `POST /v1/files` (a
`purpose` field and the `file` part), with its exact `Content-Length`, so the
request is not chunked. `chunks(progress)` yields it in `CHUNK_BYTES` pieces
for httpx to send (httpx streams a request body from an async iterator); the
generator resumes after httpx wrote a piece to the connection, and only then
counts it: `progress(sent, total)` reports the file's bytes handed to the
connection (the envelope is not counted), ending with `(total, total)`.

The wire layer knows nothing of who listens: the UI draws a bar, `ask` could
print a line.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

#: `progress(sent_bytes, total_bytes)` of the file's own bytes.
UploadProgress = Callable[[int, int], None]

#: Bytes per piece of the body handed to httpx (one progress step).
CHUNK_BYTES = 64 * 1024


def _quote(value: str) -> str:
    """A form-data parameter value: quotes and line breaks escaped the way
    browsers (and httpx) do, as `%22`, `%0D`, `%0A`."""
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


@dataclass(frozen=True, slots=True)
class MultipartUpload:
    """One file as a `multipart/form-data` body (see the module docstring)."""

    boundary: str
    head: bytes
    data: bytes
    tail: bytes

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    @property
    def content_length(self) -> int:
        return len(self.head) + len(self.data) + len(self.tail)

    async def chunks(self, progress: UploadProgress | None = None) -> AsyncIterator[bytes]:
        """The body in pieces; `progress` after each piece of the file went out."""
        total = len(self.data)
        yield self.head
        if progress is not None:
            progress(0, total)
        view = memoryview(self.data)
        sent = 0
        while sent < total:
            piece = bytes(view[sent : sent + CHUNK_BYTES])
            yield piece
            sent += len(piece)
            if progress is not None:
                progress(sent, total)
        yield self.tail


def multipart_upload(
    filename: str, data: bytes, mime_type: str, *, purpose: str = "assistants"
) -> MultipartUpload:
    """The upload body of `data` named `filename` (UTF-8, quoted) of `mime_type`."""
    boundary = secrets.token_hex(16)
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="purpose"\r\n\r\n'
        f"{purpose}\r\n"
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{_quote(filename)}"\r\n'
        f"Content-Type: {_quote(mime_type)}\r\n\r\n"
    ).encode()
    return MultipartUpload(boundary, head, data, f"\r\n--{boundary}--\r\n".encode())
