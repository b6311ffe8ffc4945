"""The index file cannot be created, opened or written (full disk, read-only
folder, errors injected here): the store still opens, lists, searches and
saves from the files with an index in memory, and `degraded` says why in one
sentence. (A real full and a real read-only file system: tests/hardening/
test_store_degraded_fs.py.)"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from grok_tui.store import SessionStore
from grok_tui.store import index as index_module
from grok_tui.store.index import SessionIndex
from grok_tui.store.store import index_problem

from .helpers import make_session

FULL = "database or disk is full"


def _seed(root: Path, n: int = 3) -> list[str]:
    with SessionStore(root) as store:
        ids = []
        for i in range(n):
            s = make_session(f"question {i} about walruses", f"answer {i}")
            store.save(s)
            ids.append(s.id)
    return ids


def _break_disk_index(monkeypatch: pytest.MonkeyPatch, exc: Callable[[], BaseException]) -> None:
    """Opening the index file fails; an index in memory still works."""
    real = sqlite3.connect

    def connect(path: Any, *a: Any, **k: Any) -> sqlite3.Connection:
        if str(path) != ":memory:":
            raise exc()
        return real(path, *a, **k)

    monkeypatch.setattr(index_module.sqlite3, "connect", connect)


def _assert_sentence(text: str | None, why: str) -> None:
    assert text is not None and why in text
    assert "\n" not in text and text.endswith(".") and text.count(". ") == 0


def _assert_lists_everything(store: SessionStore, ids: list[str]) -> None:
    assert sorted(s.id for s in store.list_sessions()) == sorted(ids)
    assert store.count() == len(ids)
    hits = store.list_sessions(query="walrus")
    assert sorted(s.id for s in hits) == sorted(ids)
    assert all("walruses" in s.snippet for s in hits)
    assert store.most_recent() is not None
    assert store.resolve_id(ids[0][:12]) == ids[0]


@pytest.mark.parametrize(
    ("exc", "why"),
    [
        (
            lambda: sqlite3.OperationalError("unable to open database file"),
            "the data folder cannot be written",
        ),
        (lambda: sqlite3.OperationalError(FULL), "the disk is full"),
        (
            lambda: PermissionError(errno.EACCES, "Permission denied"),
            "the data folder cannot be written",
        ),
    ],
    ids=["cannot-open", "full", "permission"],
)
def test_index_cannot_be_opened(
    root: Path, monkeypatch: pytest.MonkeyPatch, exc: Callable[[], BaseException], why: str
) -> None:
    ids = _seed(root)
    _break_disk_index(monkeypatch, exc)
    with SessionStore(root) as store:
        _assert_sentence(store.degraded, why)
        assert store.index.in_memory
        _assert_lists_everything(store, ids)
        s = make_session("saved while degraded")
        assert store.save(s) is True
        assert store.list_sessions()[0].id == s.id
        store.delete(ids[0])
        assert ids[0] not in {x.id for x in store.list_sessions()}
    monkeypatch.undo()
    with SessionStore(root) as store:  # room again: back to the file, which catches up
        assert store.degraded is None and not store.index.in_memory
        assert sorted(x.id for x in store.list_sessions()) == sorted([*ids[1:], s.id])


def test_index_schema_cannot_be_written(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new index file is created (0 bytes) but the disk is full: writing its
    tables fails."""
    ids = _seed(root)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{root / 'index.sqlite3'}{suffix}").unlink(missing_ok=True)
    real = SessionIndex._prepare

    def prepare(self: SessionIndex, conn: sqlite3.Connection) -> sqlite3.Connection:
        if not self.in_memory:
            raise sqlite3.OperationalError(FULL)
        return real(self, conn)

    monkeypatch.setattr(SessionIndex, "_prepare", prepare)
    with SessionStore(root, refresh=False) as store:  # filled even without refresh
        _assert_sentence(store.degraded, "the disk is full")
        _assert_lists_everything(store, ids)


def test_first_refresh_cannot_write(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index opens (no write needed) but bringing it up to date fails."""
    ids = _seed(root)
    (root / "sessions" / "new.json").write_text(
        make_session("walruses added by hand").model_dump_json()
    )
    real = SessionIndex.upsert_many

    def upsert_many(self: SessionIndex, rows: Any) -> None:
        if not self.in_memory:
            raise sqlite3.OperationalError(FULL)
        real(self, rows)

    monkeypatch.setattr(SessionIndex, "upsert_many", upsert_many)
    with SessionStore(root) as store:
        _assert_sentence(store.degraded, "the disk is full")
        _assert_lists_everything(store, [*ids, "new"])


def test_index_fails_mid_run(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills while the app runs: delete, save and listing carry on."""
    ids = _seed(root)
    with SessionStore(root) as store:
        assert store.degraded is None
        disk_index = store.index

        def full(*_a: object, **_k: object) -> None:
            raise sqlite3.OperationalError(FULL)

        for name in ("remove_many", "upsert", "set_meta", "upsert_many"):
            monkeypatch.setattr(disk_index, name, full)
        store.delete(ids[0])  # the file moved; the index write failed
        _assert_sentence(store.degraded, "the disk is full")
        assert store.index is not disk_index and store.index.in_memory
        assert sorted(x.id for x in store.list_sessions()) == sorted(ids[1:])
        s = make_session("walrus saved on a full index")
        assert store.save(s) is True
        assert store.list_sessions()[0].id == s.id
        assert store.restore(ids[0]) == ids[0]
        assert store.count() == 3 + 1
        assert store.refresh() == 0


def test_index_read_fails_mid_run(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _seed(root)
    with SessionStore(root) as store:

        def broken(*_a: object, **_k: object) -> None:
            raise sqlite3.DatabaseError("database disk image is malformed")

        monkeypatch.setattr(store.index, "list", broken)
        monkeypatch.setattr(store.index, "search", broken)
        _assert_lists_everything(store, ids)
        _assert_sentence(store.degraded, "database disk image is malformed")


def test_misuse_is_not_a_reason_to_degrade(root: Path) -> None:
    store = SessionStore(root)
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        store.list_sessions()
    assert store.degraded is None


def test_a_healthy_store_is_not_degraded(root: Path) -> None:
    ids = _seed(root)
    (root / "index.sqlite3").unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{root / 'index.sqlite3'}{suffix}").unlink(missing_ok=True)
    (root / "index.sqlite3").write_bytes(b"not a database" * 100)
    with SessionStore(root) as store:
        assert store.degraded is None and not store.index.in_memory
        _assert_lists_everything(store, ids)


def test_data_folder_cannot_be_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing can be created at all: the store opens empty, and saving says why."""
    root = tmp_path / "data"

    def no_mkdir(*_a: object, **_k: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(Path, "mkdir", no_mkdir)
    _break_disk_index(monkeypatch, lambda: sqlite3.OperationalError("unable to open database file"))
    with SessionStore(root) as store:
        _assert_sentence(store.degraded, "cannot be written")
        assert store.list_sessions() == [] and store.most_recent() is None
        from grok_tui.store import StoreWriteError

        with pytest.raises(StoreWriteError, match="Could not save the session"):
            store.save(make_session())


def test_problem_sentences() -> None:
    assert "the disk is full" in index_problem(OSError(errno.ENOSPC, "No space left on device"))
    assert "the data folder cannot be written" in index_problem(
        OSError(errno.EROFS, "Read-only file system")
    )
    assert "the data folder cannot be written" in index_problem(
        sqlite3.OperationalError("attempt to write a readonly database")
    )
    odd = index_problem(sqlite3.OperationalError("something\nodd happened."))
    assert "something odd happened" in odd and "\n" not in odd
