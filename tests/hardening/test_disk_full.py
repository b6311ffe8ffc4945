"""Disk full while saving: the previous session file stays intact, no
temporary file is left, and the error is a typed `StoreWriteError` with one
clear sentence."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from grok_tui.store import SessionStore, StoreError, StoreWriteError
from grok_tui.store.files import TMP_SUFFIX
from tests.store.helpers import make_session


def _leftovers(folder: Path) -> list[str]:
    return [n for n in os.listdir(folder) if n.endswith(TMP_SUFFIX)]


@pytest.mark.parametrize("where", ["fsync", "write"])
def test_enospc_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    with SessionStore(tmp_path / "data") as store:
        session = make_session("first", "answer")
        store.save(session)
        path = store.path_for(session.id)
        before = path.read_bytes()

        session.messages[-1].text = "a much longer answer " * 100

        def full(*_a: object, **_k: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        if where == "fsync":
            monkeypatch.setattr(os, "fsync", full)
        else:
            real_fdopen = os.fdopen

            class FullFile:
                def __init__(self, fh: object) -> None:
                    self._fh = fh

                def __enter__(self) -> FullFile:
                    return self

                def __exit__(self, *exc: object) -> None:
                    self._fh.close()  # type: ignore[attr-defined]

                def write(self, _data: bytes) -> int:
                    raise OSError(errno.ENOSPC, "No space left on device")

            monkeypatch.setattr(
                os, "fdopen", lambda fd, *a, **k: FullFile(real_fdopen(fd, *a, **k))
            )

        with pytest.raises(StoreWriteError) as info:
            store.save(session)
        monkeypatch.undo()

        err = info.value
        assert isinstance(err, StoreError) and isinstance(err, OSError)
        assert err.errno == errno.ENOSPC
        assert str(err) == f"Could not save the session: the disk is full ({path})."
        assert path.read_bytes() == before
        assert _leftovers(store.sessions_dir) == []
        assert store.load(session.id).messages[-1].text == "answer"
        # Once there is room again, the same session saves.
        store.save(session)
        assert store.load(session.id).messages[-1].text.startswith("a much longer")


def test_other_write_errors_are_typed_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with SessionStore(tmp_path / "data") as store:
        session = make_session()

        def readonly(*_a: object, **_k: object) -> None:
            raise OSError(errno.EROFS, "Read-only file system")

        monkeypatch.setattr(os, "replace", readonly)
        with pytest.raises(StoreWriteError, match="the disk is read-only"):
            store.save(session)


# -- a real full file system ----------------------------------------------------------


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    mnt = tmp_path / "tmpfs"
    mnt.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)],
        capture_output=True,
        text=True,
        timeout=10,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield mnt
    finally:
        if subprocess.run(["umount", str(mnt)], capture_output=True, timeout=10).returncode:
            subprocess.run(["umount", "-l", str(mnt)], capture_output=True, timeout=10)


def fill_disk(folder: Path) -> Path:
    """Fill the file system holding `folder` to the last byte; the filler file."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as fh:
        for size in (4096, 512, 1):
            try:
                while True:
                    fh.write(b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    return filler


def test_real_disk_full(small_tmpfs: Path) -> None:
    with SessionStore(small_tmpfs / "data") as store:
        session = make_session("first", "answer")
        store.save(session)
        path = store.path_for(session.id)
        before = path.read_bytes()
        filler = fill_disk(small_tmpfs)
        session.messages[-1].text = "x" * 200_000
        with pytest.raises(StoreWriteError, match="the disk is full"):
            store.save(session)
        assert path.read_bytes() == before
        assert _leftovers(store.sessions_dir) == []
        filler.unlink()
        store.save(session)
        assert len(store.load(session.id).messages[-1].text) == 200_000


def test_index_full_after_the_file_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is saved; a full disk that only breaks the index (a cache)
    does not fail the save, and the next refresh catches up."""
    with SessionStore(tmp_path / "data") as store:
        session = make_session("first", "answer")

        def full(*_a: object, **_k: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(store.index, "upsert", full)
        store.save(session)
        monkeypatch.undo()
        assert store.load(session.id).messages[-1].text == "answer"
    with SessionStore(tmp_path / "data") as store:
        assert [s.id for s in store.list_sessions()] == [session.id]
