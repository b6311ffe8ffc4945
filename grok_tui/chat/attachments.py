"""Image attachments: checking what the user attached and turning it into an image part.

An attachment is a reference (a URL or an absolute local path), never inlined
bytes on disk. `attachment_from_input` checks it at attach time so the user sees
the reason at once; `image_part_for` reads the file when a request is built.

The only I/O in `grok_tui/chat/`: reading a file the user asked to attach.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from grok_tui.api.chat_request import ImagePart
from grok_tui.byte_size import format_size
from grok_tui.chat.attached_files import AttachmentError, read_attached
from grok_tui.chat.session import Attachment
from grok_tui.sanitize import one_line, strip_control

#: How much of a refused URL a refusal sentence repeats.
URL_SHOWN_LIMIT = 120

#: The API's limit per image (docs: jpg/jpeg or png, max 20 MiB).
MAX_IMAGE_BYTES = 20 * 1024 * 1024

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"

__all__ = [
    "MAX_IMAGE_BYTES",
    "AttachmentError",
    "attachment_from_input",
    "image_part_for",
    "read_attached",
    "sniff_image_type",
]


def sniff_image_type(head: bytes) -> str | None:
    """`image/png` or `image/jpeg` from the first bytes of a file, else None."""
    if head.startswith(_PNG_MAGIC):
        return "image/png"
    if head.startswith(_JPEG_MAGIC):
        return "image/jpeg"
    return None


def _looks_like_url(text: str) -> bool:
    if "://" in text:
        return True
    scheme = text.split(":", 1)[0].lower()
    return scheme in ("data", "http", "https", "ftp", "file") and ":" in text


def attachment_from_input(path_or_url: str) -> Attachment:
    """An `Attachment` for a local PNG/JPEG file or an http(s) image URL.

    Raises `AttachmentError` when the file is missing, is not a regular file,
    is not a PNG or JPEG (judged by its first bytes, not its name), or is over
    20 MiB, and when a URL is not http(s).
    """
    raw = path_or_url.strip()
    if not raw:
        raise AttachmentError("nothing to attach: give a file path or an http(s) URL")
    shown = one_line(raw, URL_SHOWN_LIMIT)  # a long input is cut, never the sentence
    if _looks_like_url(raw):
        parts = urlsplit(raw)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise AttachmentError(
                f"{shown!r} is not an http(s) URL; only http:// and https:// image links "
                "can be attached"
            )
        name = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]) or parts.netloc
        return Attachment(source="url", url=raw, name=strip_control(name))

    path = Path(os.path.expanduser(raw))
    try:
        path = path.resolve()
    except OSError:
        path = path.absolute()
    if not path.exists():
        raise AttachmentError(f"file not found: {strip_control(str(path))}")
    if not path.is_file():
        raise AttachmentError(f"not a file: {strip_control(str(path))}")
    from grok_tui.chat.documents import is_document_path

    if is_document_path(str(path)):
        from grok_tui.chat.documents import document_from_path

        return document_from_path(str(path))
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            raise AttachmentError(
                f"{strip_control(path.name)} is {format_size(size)}; images must be at most 20 MiB"
            )
        with path.open("rb") as fh:
            head = fh.read(16)
    except PermissionError:
        raise AttachmentError(
            f"cannot read {strip_control(str(path))}: permission denied"
        ) from None
    except OSError as exc:
        raise AttachmentError(
            f"cannot read {strip_control(str(path))}: {exc.strerror or exc}"
        ) from None
    mime = sniff_image_type(head)
    if mime is None:
        from grok_tui.chat.documents import document_from_path, is_document_path

        if is_document_path(str(path)) or head.startswith(b"%PDF-"):
            return document_from_path(str(path))  # PDF, text, Markdown, source
        raise AttachmentError(
            f"{strip_control(path.name)} is not a PNG or JPEG image, a PDF, or a text, "
            "Markdown or source file"
        )
    return Attachment(
        source="file",
        path=str(path),
        name=strip_control(path.name),
        mime_type=mime,
        size_bytes=size,
    )


def image_part_for(att: Attachment) -> ImagePart:
    """The image as the model gets it: the URL as it is, or the file's bytes as
    a `data:image/...;base64,` URI. Raises `AttachmentError` when the file has
    vanished or changed into something that cannot be sent."""
    if att.source == "url":
        if not att.url:
            raise AttachmentError("the image link is empty")
        return ImagePart(url=att.url)
    if not att.path:
        raise AttachmentError(f"the attachment {att.name!r} has no file path")
    path = Path(att.path)
    data = read_attached(path)
    if len(data) > MAX_IMAGE_BYTES:
        raise AttachmentError(
            f"{strip_control(path.name)} is {format_size(len(data))}; images must be at most 20 MiB"
        )
    mime = sniff_image_type(data[:16])
    if mime is None:
        raise AttachmentError(f"{strip_control(path.name)} is no longer a PNG or JPEG image")
    encoded = base64.b64encode(data).decode("ascii")
    return ImagePart(url=f"data:{mime};base64,{encoded}")
