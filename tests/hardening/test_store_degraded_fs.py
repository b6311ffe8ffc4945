"""The store and the app on a really full and a really read-only file system
(a 1 MiB tmpfs, as in test_disk_full.py; skipped where it cannot be mounted):
the store opens, lists, searches and loads; saving says why it cannot; the
app starts and tells the user in one line that the index is in memory."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from grok_tui.chat.session import Session
from grok_tui.config import Settings
from grok_tui.store import SessionStore, StoreWriteError
from grok_tui.ui.app import GrokApp
from tests.hardening.test_disk_full import fill_disk as _fill
from tests.hardening.test_disk_full import small_tmpfs  # noqa: F401 - the fixture
from tests.store.helpers import make_session


def _seed(root: Path, n: int = 3) -> list[Session]:
    with SessionStore(root) as store:
        sessions = [make_session(f"question {i} about narwhals", f"answer {i}") for i in range(n)]
        for s in sessions:
            store.save(s)
    return sessions


def _drop_index(root: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{root / 'index.sqlite3'}{suffix}").unlink(missing_ok=True)


def _remount(mnt: Path, mode: str) -> None:
    done = subprocess.run(
        ["mount", "-o", f"remount,{mode}", str(mnt)], capture_output=True, text=True, timeout=10
    )
    if done.returncode != 0:
        pytest.skip(f"cannot remount the tmpfs {mode}: {done.stderr.strip()}")


def test_full_disk_without_an_index(small_tmpfs: Path) -> None:  # noqa: F811
    root = small_tmpfs / "data"
    sessions = _seed(root)
    _drop_index(root)  # e.g. deleted to make room, or never made
    filler = _fill(small_tmpfs)
    with SessionStore(root) as store:
        assert store.degraded is not None and "the disk is full" in store.degraded
        assert sorted(s.id for s in store.list_sessions()) == sorted(s.id for s in sessions)
        assert len(store.list_sessions(query="narwhal")) == 3
        assert store.load(sessions[0].id).messages[0].text == "question 0 about narwhals"
        sessions[0].messages[-1].text = "x" * 100_000
        with pytest.raises(StoreWriteError, match="the disk is full"):
            store.save(sessions[0])
        store.delete(sessions[1].id)  # a rename: works on a full disk
        assert sessions[1].id not in {s.id for s in store.list_sessions()}
        assert store.save(sessions[1]) is False
    filler.unlink()
    with SessionStore(root) as store:
        assert store.degraded is None
        assert store.count() == 2


def test_disk_fills_while_running(small_tmpfs: Path) -> None:  # noqa: F811
    root = small_tmpfs / "data"
    sessions = _seed(root)
    with SessionStore(root) as store:
        assert store.degraded is None
        _fill(small_tmpfs)
        # Deleting moves the file (no room needed) but the index cannot record it.
        for s in sessions[:2]:
            store.delete(s.id)
        assert [s.id for s in store.list_sessions()] == [sessions[2].id]
        assert store.restore(sessions[0].id) == sessions[0].id
        assert {s.id for s in store.list_sessions()} == {sessions[0].id, sessions[2].id}


async def test_app_starts_on_a_full_disk_and_says_so(small_tmpfs: Path) -> None:  # noqa: F811
    root = small_tmpfs / "data"
    sessions = _seed(root)
    _drop_index(root)
    _fill(small_tmpfs)
    store = SessionStore(root)
    recent = store.most_recent()
    assert recent is not None  # what --continue opens
    app = GrokApp(settings=Settings(), store=store, session=store.load(recent.id))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            shown = [n.message for n in app._notifications]
            assert store.degraded in shown
            assert store.degraded is not None and "\n" not in store.degraded
            assert app.chat.session.id in {s.id for s in sessions}
    finally:
        store.close()


async def test_read_only_data_folder(small_tmpfs: Path) -> None:  # noqa: F811
    root = small_tmpfs / "data"
    sessions = _seed(root)
    _remount(small_tmpfs, "ro")
    try:
        store = SessionStore(root)
        try:
            assert sorted(s.id for s in store.list_sessions()) == sorted(s.id for s in sessions)
            assert len(store.list_sessions(query="narwhals")) == 3
            loaded = store.load(sessions[0].id)
            loaded.messages[-1].text = "an edit that cannot be saved"
            with pytest.raises(StoreWriteError, match="the disk is read-only"):
                store.save(loaded)
            # The app starts and the chat shows the existing "could not save" error.
            app = GrokApp(settings=Settings(), store=store, session=loaded)
            async with app.run_test(size=(120, 40)) as pilot:
                chat = app.chat
                chat.checkpointer.save(chat.session)
                await chat.checkpointer.flush()
                await pilot.pause()
                assert chat.checkpointer.last_error is not None
                assert "the disk is read-only" in chat.checkpointer.last_error
                error = chat.query_one("#save-error")
                assert error.display
                assert "not saved: the disk is read-only" in str(error.render())
        finally:
            store.close()
    finally:
        _remount(small_tmpfs, "rw")


def test_new_chat_first_save_on_read_only_folder(small_tmpfs: Path) -> None:  # noqa: F811
    """Nothing was ever saved there and nothing can be created: opening works."""
    root = small_tmpfs / "data"
    _remount(small_tmpfs, "ro")
    try:
        with SessionStore(root) as store:
            assert store.degraded is not None and "cannot be written" in store.degraded
            assert store.list_sessions() == []
            with pytest.raises(StoreWriteError):
                store.save(make_session())
    finally:
        _remount(small_tmpfs, "rw")


async def test_continue_on_a_full_disk(
    small_tmpfs: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`grok-tui --continue` with the data folder on a full disk and no index:
    the app is built with the store (not without one) and opens the latest."""
    from grok_tui.cli import build_parser
    from grok_tui.ui.run import build_app

    root = small_tmpfs / "data"
    sessions = _seed(root)
    _drop_index(root)
    _fill(small_tmpfs)
    monkeypatch.setenv("GROK_TUI_DATA_DIR", str(root))
    app = build_app(build_parser().parse_args(["--demo", "--continue"]))
    try:
        assert app.store is not None and app.store.degraded is not None
        assert not any("not saved" in w for w in app.startup_warnings)
        assert app.chat_session_id == sessions[-1].id
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert app.store.degraded in [n.message for n in app._notifications]
            assert app.chat.session.id == sessions[-1].id
    finally:
        app.store.close()
