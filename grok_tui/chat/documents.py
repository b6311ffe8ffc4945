"""Documents attached to a message: PDF, text, Markdown and source files,
uploaded through xAI's Files API and referenced as `input_file` parts.

`document_from_path` checks a file before anything is uploaded (size, type by
content: a PDF's magic bytes, or UTF-8 text without NUL bytes, for a known
extension) and raises `AttachmentError` with the reason in one sentence.
The attachment keeps the original path and, once uploaded, the server's file
id (`Attachment.file_id`), so a saved session can be sent again without a new
upload.

Reading the file is the only I/O here (like `attachments.py`).
"""

from __future__ import annotations

import os
from pathlib import Path

from grok_tui.chat.attached_files import AttachmentError, read_attached
from grok_tui.chat.session import Attachment
from grok_tui.sanitize import strip_control

#: The largest document uploaded (the Files API's documented limit is 48 MB).
MAX_DOCUMENT_BYTES = 48 * 1024 * 1024

_PDF_MAGIC = b"%PDF-"
#: Text-like extensions (lower case) -> MIME type sent with the upload.
TEXT_TYPES: dict[str, str] = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".rst": "text/x-rst",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".json": "application/json",
    ".jsonl": "application/jsonl",
    ".xml": "application/xml",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".toml": "application/toml",
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".log": "text/plain",
    ".py": "text/x-python",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".ts": "text/typescript",
    ".tsx": "text/typescript",
    ".jsx": "text/javascript",
    ".go": "text/x-go",
    ".rs": "text/x-rust",
    ".java": "text/x-java",
    ".kt": "text/x-kotlin",
    ".c": "text/x-c",
    ".h": "text/x-c",
    ".cc": "text/x-c++",
    ".cpp": "text/x-c++",
    ".hpp": "text/x-c++",
    ".cs": "text/x-csharp",
    ".rb": "text/x-ruby",
    ".php": "text/x-php",
    ".swift": "text/x-swift",
    ".sh": "text/x-shellscript",
    ".bash": "text/x-shellscript",
    ".sql": "application/sql",
    ".r": "text/x-r",
    ".lua": "text/x-lua",
    ".ini": "text/plain",
    ".cfg": "text/plain",
    ".tex": "text/x-tex",
}
#: How much of a text file is checked for UTF-8 and NUL bytes.
_SNIFF_BYTES = 64 * 1024


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


def is_document_path(path_text: str) -> bool:
    """Whether a path names a document by its extension (PDF or a text type)."""
    suffix = Path(path_text.strip()).suffix.lower()
    return suffix == ".pdf" or suffix in TEXT_TYPES


def sniff_document(head: bytes, suffix: str) -> str | None:
    """The MIME type of a document from its first bytes and extension, or None."""
    if head.startswith(_PDF_MAGIC):
        return "application/pdf"
    mime = TEXT_TYPES.get(suffix.lower())
    if mime is None or b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a character cut at the end of the sample is fine
            return None
    return mime


def document_from_path(raw: str) -> Attachment:
    """A document `Attachment` for a local file, checked (not yet uploaded)."""
    text = raw.strip()
    if not text:
        raise AttachmentError("nothing to attach: give a file path")
    path = Path(os.path.expanduser(text))
    try:
        path = path.resolve()
    except OSError:
        path = path.absolute()
    shown = strip_control(str(path))
    if not path.exists():
        raise AttachmentError(f"file not found: {shown}")
    if not path.is_file():
        raise AttachmentError(f"not a file: {shown}")
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise AttachmentError(
                f"{strip_control(path.name)} is {_mib(size)}; documents must be at most 48 MiB"
            )
        if size == 0:
            raise AttachmentError(f"{strip_control(path.name)} is empty")
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except PermissionError:
        raise AttachmentError(f"cannot read {shown}: permission denied") from None
    except OSError as exc:
        raise AttachmentError(f"cannot read {shown}: {exc.strerror or exc}") from None
    mime = sniff_document(head, path.suffix)
    if mime is None:
        raise AttachmentError(
            f"{strip_control(path.name)} is not a PDF or a UTF-8 text, Markdown or source "
            "file (only those can be attached as documents)"
        )
    return Attachment(
        kind="document",
        source="file",
        path=str(path),
        name=strip_control(path.name),
        mime_type=mime,
        size_bytes=size,
    )


def read_document(att: Attachment) -> bytes:
    """The bytes to upload; `AttachmentError` when the file is gone or changed."""
    if not att.path:
        raise AttachmentError(f"the document {att.name!r} has no file path")
    path = Path(att.path)
    data = read_attached(path)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise AttachmentError(
            f"{strip_control(path.name)} is {_mib(len(data))}; documents must be at most 48 MiB"
        )
    return data
