"""Where the store keeps things under its data folder, and which ids are usable.

sessions/<id>.json         one file per session (the source of truth)
trash/<id>.json            deleted sessions, until the trash is emptied
trash/<id>.deleted         tombstones: the id was deleted (see `trash`)
attachments/<id>/...       copies of local images attached in that session
index.sqlite3 (+ -wal)     listing/search cache, rebuilt from the files
.lock                      orders saves and deletes across processes
"""

from __future__ import annotations

import re
from pathlib import Path

from grok_tui.store.errors import SessionNotFound

TOMBSTONE_SUFFIX = ".deleted"
#: The lock file (in the data folder) that orders saves and deletes across processes.
LOCK_NAME = ".lock"
INDEX_NAME = "index.sqlite3"

_BAD_ID_CHARS = re.compile(r"[/\\\x00-\x1f\x7f]")


def is_valid_id(session_id: str) -> bool:
    """Whether `session_id` can name a file in the sessions folder."""
    return (
        0 < len(session_id) <= 200
        and not session_id.startswith(".")
        and not _BAD_ID_CHARS.search(session_id)
        and session_id.strip() == session_id
    )


class StoreLayout:
    """The paths of one data folder (`root`), computed once (listing builds a
    path per row)."""

    __slots__ = ("attachments_dir", "index_path", "lock_path", "root", "sessions_dir", "trash_dir")

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sessions_dir = root / "sessions"
        self.trash_dir = root / "trash"
        self.attachments_dir = root / "attachments"
        self.index_path = root / INDEX_NAME
        self.lock_path = root / LOCK_NAME

    def create_folders(self) -> None:
        """Make the folders; a read-only data folder is not an error here
        (reading works; saving says why it cannot)."""
        for folder in (self.sessions_dir, self.trash_dir, self.attachments_dir):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError:
                pass

    def session_file(self, session_id: str) -> Path:
        """`sessions/<id>.json`; SessionNotFound for an id that cannot name a file."""
        if not is_valid_id(session_id):
            raise SessionNotFound(session_id)
        return self.sessions_dir / f"{session_id}.json"

    def trash_file(self, session_id: str) -> Path:
        if not is_valid_id(session_id):
            raise SessionNotFound(session_id)
        return self.trash_dir / f"{session_id}.json"

    def tombstone(self, session_id: str) -> Path:
        return self.trash_dir / f"{session_id}{TOMBSTONE_SUFFIX}"

    def attachment_folder(self, session_id: str) -> Path:
        return self.attachments_dir / session_id
