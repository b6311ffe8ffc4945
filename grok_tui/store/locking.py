"""The commit lock: orders a save's rename into place against delete,
restore and discard, in this process and in other grok-tui processes.

A thread lock plus an advisory `flock` on `root/.lock`. POSIX only: on
Windows (no `fcntl`) only the threads of one process are ordered. A lock file
that cannot be opened (a read-only data folder) leaves the thread lock, and a
`flock` that fails is skipped: the lock never stops a save or a delete.
Not covered: writers that do not take this lock (older versions, other tools)
and network file systems where `flock` is not shared.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class CommitLock:
    """`with lock.held():` around the step that must not interleave."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.Lock()
        self._fd = self._open(path)

    @staticmethod
    def _open(path: Path) -> int | None:
        if fcntl is None:  # pragma: no cover - Windows
            return None
        cloexec = getattr(os, "O_CLOEXEC", 0)
        for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):
            try:
                return os.open(path, flags | cloexec, 0o600)
            except OSError:
                continue
        return None  # threads of this process are still ordered

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._thread_lock:
            fd = self._fd
            if fd is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                except OSError:
                    fd = None
            try:
                yield
            finally:
                if fd is not None:
                    fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
