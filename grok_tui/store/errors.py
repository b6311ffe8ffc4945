"""The store's errors: all `StoreError`, each with a sentence for the user."""

from __future__ import annotations

import errno
from pathlib import Path


class StoreError(Exception):
    """Base class of the store's errors."""


class SessionNotFound(StoreError, KeyError):
    def __init__(self, session_id: str) -> None:
        super().__init__(session_id)
        self.session_id = session_id

    def __str__(self) -> str:
        return f"no session with id {self.session_id!r}"


class DamagedSessionError(StoreError):
    """A session file that cannot be read as a session; `reason` says why."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class StoreWriteError(StoreError, OSError):
    """A session could not be written (disk full, read-only, permissions).
    The previous file is left as it was; `str()` is one sentence for the user."""

    def __init__(self, path: Path, cause: OSError) -> None:
        if cause.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            why = "the disk is full"
        elif cause.errno in (errno.EROFS,):
            why = "the disk is read-only"
        elif cause.errno in (errno.EACCES, errno.EPERM):
            why = "permission denied"
        else:
            why = (cause.strerror or type(cause).__name__).lower()
        super().__init__(cause.errno, f"Could not save the session: {why} ({path}).")
        self.path = path
        self.cause = cause

    def __str__(self) -> str:
        return str(self.strerror)


class SessionImportError(StoreError):
    """Text given to `import_json` is not a session."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


__all__ = [
    "DamagedSessionError",
    "SessionImportError",
    "SessionNotFound",
    "StoreError",
    "StoreWriteError",
]
