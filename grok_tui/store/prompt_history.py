"""The prompts the user sent, kept on disk so ↑ recalls them after a restart.

`PromptHistoryFile(path, limit=1000)` keeps one JSON string per line (JSONL), so
multi-line and any Unicode prompt round-trips. The file is created with mode
0600 (prompts are private). Rules:

- `append` opens the file with `O_APPEND` and writes the whole line in one
  `write` under an exclusive `flock`, so two grok-tui processes can append at
  once without tearing or losing lines. A prompt equal to the file's last entry
  is not stored again; a prompt longer than `MAX_ENTRY_BYTES` (64 KiB of UTF-8)
  is not stored at all; any of `secrets` (the API key) inside it is replaced by
  its mask (`xai-…abcd`) before it reaches the disk.
- When the file holds more than about twice `limit` entries, an append
  compacts it to the last `limit` with `atomic_write` (a crash leaves the old
  or the new file), under the same lock.
- A damaged line (not JSON, not a string, not UTF-8, a torn write) is skipped
  when reading; nothing rewrites the file because of it, except a later
  compaction (which drops it).
- Nothing here raises `OSError`: a write that fails (read-only folder, full
  disk) returns False, sets `last_error` to one sentence and logs a warning.
  History must never stop a prompt from being sent.
- `limit == 0` disables the file: nothing is read, created or written.

No Textual here; the calls block (a few syscalls; compaction fsyncs), so the
UI runs `append` and `clear` in a thread.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from grok_tui import paths
from grok_tui.api.endpoint import mask_secrets
from grok_tui.store.files import atomic_write

try:  # POSIX; elsewhere appends still use O_APPEND, without the lock
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

FILE_NAME = "prompt_history.jsonl"
DEFAULT_LIMIT = 1000
#: Prompts longer than this (UTF-8 bytes) are not stored (a pasted file).
MAX_ENTRY_BYTES = 64 * 1024
#: Reading looks at most at the file's last this-many bytes (bounds start-up
#: time if the file was filled with huge lines by another tool).
MAX_READ_BYTES = 16 * 1024 * 1024
Secrets = Iterable[str] | Callable[[], Iterable[str]]


def default_path() -> Path:
    """`prompt_history.jsonl` in the data folder (`GROK_TUI_DATA_DIR` wins)."""
    return paths.data_dir() / FILE_NAME


def encode_entry(text: str) -> bytes:
    """One JSONL line (with its newline)."""
    try:
        return (json.dumps(text, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: escape it (it reads back as itself)
        return (json.dumps(text, ensure_ascii=True) + "\n").encode("ascii")


def decode_line(line: bytes) -> str | None:
    """The entry of one line, or None when the line is damaged or empty."""
    if not line.strip():
        return None
    try:
        value = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(value, str) or not value.strip():
        return None
    return value


def _why(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return (exc.strerror or type(exc).__name__).lower()


class PromptHistoryFile:
    """The prompt history file. Safe to share between threads; several
    processes may append to the same file at once."""

    def __init__(self, path: Path, *, limit: int = DEFAULT_LIMIT, secrets: Secrets = ()) -> None:
        self.path = Path(path)
        self.limit = max(0, int(limit))
        #: A callable is asked at each append (a key entered later counts).
        self._secrets: Secrets = secrets if callable(secrets) else tuple(secrets)
        #: Why the last `append` / `clear` failed (one sentence); None if it did not.
        self.last_error: str | None = None
        #: Entries (valid or not) believed to be in the file; None = not counted yet.
        self._count: int | None = None
        #: (inode, size) of the file after this object last read or wrote it:
        #: anything else means another process appended or compacted since,
        #: and `_count` is counted again rather than trusted.
        self._seen: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"PromptHistoryFile({str(self.path)!r}, limit={self.limit})"

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    # -- reading ---------------------------------------------------------------

    def file_size(self) -> int:
        """Bytes in the file now (0 when missing or unreadable)."""
        try:
            return self.path.stat().st_size
        except OSError:
            return 0

    def load(self) -> list[str]:
        """The last `limit` entries, oldest first (consecutive repeats once,
        damaged lines skipped). [] when the file is missing or unreadable."""
        if not self.enabled:
            return []
        with self._lock:
            try:
                with open(self.path, "rb") as fh:
                    entries, count = self._read(fh.fileno())
                    st = os.fstat(fh.fileno())
                    self._seen = (st.st_ino, st.st_size)
            except FileNotFoundError:
                self._count = 0
                return []
            except OSError as exc:
                log.warning("cannot read the prompt history %s: %s", self.path, exc)
                return []
            self._count = count
        return entries[-self.limit :]

    def _read(self, fd: int) -> tuple[list[str], int]:
        """(entries, number of lines) of the open file, from its last
        `MAX_READ_BYTES`; consecutive repeats collapsed."""
        size = os.fstat(fd).st_size
        start = max(0, size - MAX_READ_BYTES)
        data = _pread(fd, size - start, start) if size else b""
        lines = data.split(b"\n")
        if start > 0 and lines:
            lines = lines[1:]  # the first one is cut
        lines = [line for line in lines if line.strip()]
        count = len(lines)
        entries: list[str] = []
        for entry in _decode_lines(lines):
            if entry is not None and (not entries or entries[-1] != entry):
                entries.append(entry)
        if start > 0:
            count = max(count, 2 * self.limit + 1)  # too big: compact at the next append
        return entries, count

    # -- writing ---------------------------------------------------------------

    def secrets(self) -> list[str]:
        source = self._secrets
        try:
            return [s for s in (source() if callable(source) else source) if s]
        except Exception:  # a secrets callback must not break sending
            return []

    def append(self, text: str, *, secrets: Iterable[str] = ()) -> bool:
        """Store `text` as the newest entry. True when it is stored (or already
        the last entry); False when it is not (blank, too long, disabled, or
        the write failed: then `last_error` says why). Never raises `OSError`."""
        self.last_error = None
        if not self.enabled or not text.strip():
            return False
        if len(text.encode("utf-8", "surrogatepass")) > MAX_ENTRY_BYTES:
            return False
        text = mask_secrets(text, [*self.secrets(), *secrets])
        line = encode_entry(text)
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self._locked_file() as fd:
                    st = os.fstat(fd)
                    size = st.st_size
                    if self._seen != (st.st_ino, size):
                        self._count = None  # another process wrote since: count again
                    if size:
                        tail = self._last_line(fd, size)
                        if tail is not None and decode_line(tail) == text:
                            if self._count is not None:
                                self._seen = (st.st_ino, size)
                            return True
                        if _pread(fd, 1, size - 1) != b"\n":
                            line = b"\n" + line  # after a torn write: start a new line
                    _write_all(fd, line)
                    self._seen = (st.st_ino, size + len(line))
                    if self._count is None:
                        self._count = self._read(fd)[1]
                    else:
                        self._count += 1
                    if self._count > 2 * self.limit:
                        self._compact(fd)
            except OSError as exc:
                self._failed("saved", exc)
                return False
        return True

    def clear(self) -> bool:
        """Forget every entry (the file is emptied). False when that failed."""
        self.last_error = None
        if not self.enabled:
            return True
        with self._lock:
            if not self.path.exists():
                self._count = 0
                return True
            try:
                with self._locked_file() as fd:
                    os.ftruncate(fd, 0)
                    self._count = 0
                    self._seen = (os.fstat(fd).st_ino, 0)
            except OSError as exc:
                self._failed("cleared", exc)
                return False
        return True

    def _failed(self, what: str, exc: OSError) -> None:
        self.last_error = f"The prompt history could not be {what}: {_why(exc)} ({self.path})."
        log.warning("%s", self.last_error)

    @contextmanager
    def _locked_file(self) -> Iterator[int]:
        """The history file, open for appending (created 0600), locked against
        other processes; reopened if a compaction replaced it meanwhile."""
        # Replacements are rare (a compaction per ~limit appends); only a
        # tight loop in another process can make one append retry often.
        for _attempt in range(100):
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                st = os.fstat(fd)
                try:
                    same = os.stat(self.path).st_ino == st.st_ino
                except FileNotFoundError:
                    same = False
                if not same:
                    continue  # replaced by another process's compaction: reopen
                if st.st_mode & 0o077 and hasattr(os, "fchmod"):
                    os.fchmod(fd, 0o600)
                yield fd
                return
            finally:
                os.close(fd)  # also releases the lock
        raise OSError(errno.EAGAIN, "the history file keeps being replaced")

    @staticmethod
    def _last_line(fd: int, size: int) -> bytes | None:
        """The file's last line (without its newline), or None if it is
        longer than a stored entry can be."""
        end = size - 1 if _pread(fd, 1, size - 1) == b"\n" else size
        cap = 6 * MAX_ENTRY_BYTES + 16  # a JSON-escaped entry of the largest size
        pos = end
        while pos > 0 and end - pos < cap:
            step = min(8192, pos)
            pos -= step
            cut = _pread(fd, step, pos).rfind(b"\n")
            if cut >= 0:
                start = pos + cut + 1
                return _pread(fd, end - start, start)
        return _pread(fd, end, 0) if pos == 0 else None

    def _compact(self, fd: int) -> None:
        """Rewrite the file (atomically) with its last `limit` entries. A
        failure leaves the file as it was (and is only logged)."""
        entries, _count = self._read(fd)
        keep = entries[-self.limit :]
        data = b"".join(encode_entry(e) for e in keep)
        try:
            atomic_write(self.path, data)  # mkstemp: the new file is 0600
        except OSError as exc:
            log.warning("cannot compact the prompt history %s: %s", self.path, exc)
            return
        self._count = len(keep)
        try:
            st = os.stat(self.path)  # the new file (this fd is the old one)
            self._seen = (st.st_ino, st.st_size)
        except OSError:
            self._seen = None


def _decode_lines(lines: list[bytes]) -> list[str | None]:
    """`decode_line` of each line; one JSON parse of them all when every line
    is sound (the usual case), line by line otherwise. The joined parse is
    taken only when each value encodes back to exactly its own line: two
    damaged lines can glue into valid JSON (`"a` and `b","c"` read as `a,b`
    and `c`), and those must be skipped like any damaged line."""
    try:
        values = json.loads(b"[" + b",".join(lines) + b"]")
    except (UnicodeDecodeError, ValueError, RecursionError):
        values = None
    if (
        isinstance(values, list)
        and len(values) == len(lines)
        and all(
            isinstance(v, str) and v.strip() and encode_entry(v)[:-1] == line
            for v, line in zip(values, lines)
        )
    ):
        return values
    return [decode_line(line) for line in lines]


def _pread(fd: int, n: int, offset: int) -> bytes:
    """`n` bytes at `offset` (all of them unless the file ends first)."""
    if hasattr(os, "pread"):
        chunks = []
        while n > 0:
            chunk = os.pread(fd, n, offset)
            if not chunk:
                break
            chunks.append(chunk)
            n -= len(chunk)
            offset += len(chunk)
        return b"".join(chunks)
    os.lseek(fd, offset, os.SEEK_SET)  # pragma: no cover - Windows
    return os.read(fd, n)  # pragma: no cover


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
