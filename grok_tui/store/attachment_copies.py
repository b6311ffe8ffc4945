"""The store's copies of attached images, `attachments/<session id>/`.

When a session is saved, every local image a message references is copied
into the session's folder and the reference is pointed at the copy (the
user's path kept in `original_path`). A session then keeps its images when
the user moves or deletes the originals, the folder is a plain place the user
can open, and the JSON stays small (no inlined base64). An image whose
original is unreadable before the first save keeps its old path.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grok_tui.chat.session import Session
from grok_tui.store.files import atomic_write
from grok_tui.store.layout import StoreLayout

#: Writes one copy atomically and returns its stamp (injectable for tests).
CopyWriter = Callable[[Path, bytes], tuple[int, int]]


def safe_file_name(name: str) -> str:
    """A file name made of letters, digits, `.`, `_` and `-` (at most 80)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "image"
    return cleaned[-80:]


def document_messages(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every message of a session document: the chosen path, then the
    off-path versions and branches (the order of `tree.all_messages`)."""
    return [*(data.get("messages") or []), *(data.get("off_path") or [])]


class AttachmentCopies:
    """Copies attachments into a data folder and removes them with a session."""

    def __init__(self, layout: StoreLayout, write: CopyWriter = atomic_write) -> None:
        self.layout = layout
        self.write = write

    def copy_into_store(self, session_id: str, data: dict[str, Any]) -> None:
        """Copy the local images a session document references (in place:
        `path` becomes the copy, `original_path` the user's file)."""
        folder = self.layout.attachment_folder(session_id)
        for m in document_messages(data):
            for i, att in enumerate(m.get("attachments") or []):
                if att.get("source") != "file" or not att.get("path"):
                    continue
                src = Path(att["path"])
                if src.parent == folder:
                    continue
                name = f"{str(m.get('id') or 'm')[:12]}-{i}-{safe_file_name(src.name)}"
                dest = folder / name
                try:
                    if not dest.is_file() or dest.stat().st_size != src.stat().st_size:
                        if not src.is_file():
                            continue
                        folder.mkdir(parents=True, exist_ok=True)
                        self.write(dest, src.read_bytes())
                except OSError:
                    continue  # the original is unreadable: keep the reference as it is
                att["original_path"] = att.get("original_path") or str(src)
                att["path"] = str(dest)

    @staticmethod
    def repoint(session: Session, data: dict[str, Any]) -> None:
        """Point a live session's attachments at the copies its dumped
        document (`data`, after `copy_into_store`) now references."""
        for m_obj, m_dict in zip(
            [*session.messages, *session.off_path], document_messages(data), strict=False
        ):
            for a_obj, a_dict in zip(m_obj.attachments, m_dict.get("attachments") or []):
                if a_obj.path != a_dict.get("path"):
                    a_obj.path = a_dict.get("path")
                    a_obj.original_path = a_dict.get("original_path")

    def remove(self, session_id: str) -> None:
        """Delete a session's copies (nothing if there are none)."""
        shutil.rmtree(self.layout.attachment_folder(session_id), ignore_errors=True)
