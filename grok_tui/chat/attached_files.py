"""Reading a file the user attached: one reader, one error, for images and documents.

`attachments.py` (images, and the attach-time check of any file) and
`documents.py` (PDF, text, source) both read through `read_attached` and raise
`AttachmentError`; this module depends on neither, so they do not import each
other in a cycle (`documents` -> `attached_files` <- `attachments` ->
`documents`).
"""

from __future__ import annotations

from pathlib import Path

from grok_tui.sanitize import strip_control


class AttachmentError(ValueError):
    """An attachment cannot be used; `reason` says why in one sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_attached(path: Path) -> bytes:
    """The bytes of an attached file; `AttachmentError` in words when it has
    gone, is a folder, or cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise AttachmentError(f"the attached file is gone: {strip_control(str(path))}") from None
    except IsADirectoryError:
        raise AttachmentError(f"not a file: {strip_control(str(path))}") from None
    except OSError as exc:
        raise AttachmentError(
            f"cannot read {strip_control(str(path))}: {exc.strerror or exc}"
        ) from None
