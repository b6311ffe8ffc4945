"""Delete wins: a save that is on its way when the session is deleted (its
temporary file written, the rename into place not yet done) is dropped, in
this process and in another one; restoring from the trash lets saves through
again; `discard` deletes for good and leaves no tombstone."""

from __future__ import annotations

import os
import subprocess
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from grok_tui.store import SessionStore
from grok_tui.store.files import TMP_SUFFIX
from grok_tui.store.store import TOMBSTONE_KEEP_SECONDS

from .helpers import PYTHON, make_session, subprocess_env


def _leftovers(folder: Path) -> list[str]:
    return [n for n in os.listdir(folder) if n.endswith(TMP_SUFFIX)]


@contextmanager
def paused_before_rename(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[threading.Event, threading.Event]]:
    """Pause the first save made in another thread right after its temporary
    file is fsynced (before the rename into place): yields (reached, go)."""
    reached, go = threading.Event(), threading.Event()
    main = threading.current_thread()
    real_fsync = os.fsync
    paused: list[bool] = []

    def fsync(fd: int) -> None:
        real_fsync(fd)
        if threading.current_thread() is not main and not paused:
            paused.append(True)
            reached.set()
            assert go.wait(10), "the test never let the save go on"

    monkeypatch.setattr(os, "fsync", fsync)
    try:
        yield reached, go
    finally:
        go.set()


def _save_in_thread(
    store: SessionStore, data: dict[str, object]
) -> tuple[threading.Thread, list[object]]:
    result: list[object] = []

    def run() -> None:
        try:
            result.append(store.save_snapshot(data))
        except BaseException as exc:  # pragma: no cover - reported by the test
            result.append(exc)

    t = threading.Thread(target=run)
    t.start()
    return t, result


def test_save_in_flight_when_deleted_is_dropped(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = make_session("keep me deleted", "first answer")
    store.save(s)
    s.messages[-1].text = "a newer answer, still on its way"
    data = s.model_dump(mode="json")
    with paused_before_rename(monkeypatch) as (reached, go):
        t, result = _save_in_thread(store, data)
        assert reached.wait(10)
        store.delete(s.id)  # the browser deletes it while the checkpoint is in flight
        go.set()
        t.join(10)
    assert result == [False], "the save reports that it was dropped, not an error"
    assert not store.exists(s.id), "the deleted session came back"
    assert [x.id for x in store.list_sessions()] == []
    trashed = store.list_trash()
    assert [x.id for x in trashed] == [s.id]
    assert trashed[0].first_line == "keep me deleted"
    assert _leftovers(store.sessions_dir) == []
    # A fresh look at the folder agrees (the index was not told otherwise).
    store.refresh()
    assert store.count() == 0


def test_later_saves_are_dropped_until_restored(store: SessionStore) -> None:
    s = make_session("deleted then restored")
    store.save(s)
    store.delete(s.id)
    assert store.was_deleted(s.id)
    assert store.save(s) is False
    assert not store.exists(s.id)
    assert store.restore(s.id) == s.id
    assert not store.was_deleted(s.id)
    assert not (store.trash_dir / f"{s.id}.deleted").exists(), "restore clears the tombstone"
    s.messages[-1].text = "saved after the restore"
    assert store.save(s) is True
    assert store.load(s.id).messages[-1].text == "saved after the restore"


def test_another_store_sees_the_tombstone(root: Path, store: SessionStore) -> None:
    """Another process (here: another store on the same folder, with its own
    in-process state) that still has the session open cannot write it back."""
    s = make_session("open in two windows")
    store.save(s)
    with SessionStore(root) as other:
        store.delete(s.id)
        assert other.save(s) is False
        assert not other.exists(s.id)
        assert other.restore(s.id) == s.id
    assert store.save(s) is True, "restored by the other process: saves go through"


def test_another_process_cannot_write_it_back(root: Path, store: SessionStore) -> None:
    s = make_session("deleted here, saved there")
    store.save(s)
    store.delete(s.id)
    script = textwrap.dedent(
        f"""
        import sys
        from grok_tui.store import SessionStore
        from grok_tui.store.files import read_session_file
        from pathlib import Path
        store = SessionStore(Path({str(root)!r}))
        session = read_session_file(Path({str(store.trash_dir / f"{s.id}.json")!r}))
        print(store.save(session))
        """
    )
    done = subprocess.run(
        [PYTHON, "-c", script], env=subprocess_env(root), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
    assert not store.exists(s.id)


def test_delete_waits_for_a_rename_in_another_process(root: Path, store: SessionStore) -> None:
    """The lock is shared between processes: while another process holds it
    (in the middle of renaming a save into place), a delete waits."""
    s = make_session("contended")
    store.save(s)
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from grok_tui.store import SessionStore
        store = SessionStore(Path({str(root)!r}), refresh=False)
        with store._commit_lock():
            print("locked", flush=True)
            sys.stdin.readline()
        print("released", flush=True)
        """
    )
    child = subprocess.Popen(
        [PYTHON, "-c", script],
        env=subprocess_env(root),
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "locked"
        deleted = threading.Event()
        t = threading.Thread(target=lambda: (store.delete(s.id), deleted.set()))
        t.start()
        # A negative check needs a bound: the delete must still be waiting.
        assert not deleted.wait(0.3), "the delete did not wait for the other process"
        assert store.exists(s.id)
        child.stdin.write("\n")
        child.stdin.flush()
        assert deleted.wait(10)
        t.join(10)
        assert child.stdout.readline().strip() == "released"
    finally:
        child.kill()
        child.wait(10)
    assert not store.exists(s.id)


def test_tombstone_unwritable_still_drops_in_this_process(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = make_session("no room for a tombstone")
    store.save(s)
    real_open = os.open

    def no_tombstone(path: object, *a: object, **k: object) -> int:
        if str(path).endswith(".deleted"):
            raise OSError(28, "No space left on device")
        return real_open(path, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", no_tombstone)
    store.delete(s.id)
    monkeypatch.undo()
    assert not (store.trash_dir / f"{s.id}.deleted").exists()
    assert store.save(s) is False
    assert not store.exists(s.id)


def test_import_of_a_deleted_id_gets_a_new_id(store: SessionStore) -> None:
    s = make_session("exported, then deleted, then imported")
    store.save(s)
    text = store.export_json(s.id)
    store.delete(s.id)
    store.empty_trash()  # the trashed copy is gone, the tombstone stays
    imported = store.import_json(text)
    assert imported.id != s.id, "an import must not be silently dropped"
    assert store.exists(imported.id)


def test_empty_trash_keeps_recent_tombstones(store: SessionStore) -> None:
    old, recent = make_session("old"), make_session("recent")
    for s in (old, recent):
        store.save(s)
        store.delete(s.id)
    long_ago = time.time() - TOMBSTONE_KEEP_SECONDS - 60
    os.utime(store.trash_dir / f"{old.id}.deleted", (long_ago, long_ago))
    assert store.empty_trash() == 2
    assert not (store.trash_dir / f"{old.id}.deleted").exists()
    assert (store.trash_dir / f"{recent.id}.deleted").exists()
    assert store.list_trash() == []
    assert store.save(recent) is False


def test_discard_deletes_for_good_without_a_tombstone(store: SessionStore, tmp_path: Path) -> None:
    from grok_tui.chat.attachments import attachment_from_input

    from .helpers import tiny_png

    png = tmp_path / "pic.png"
    png.write_bytes(tiny_png())
    s = make_session("a turn that will be taken back")
    s.messages[0].attachments.append(attachment_from_input(str(png)))
    store.save(s)
    assert (store.attachments_dir / s.id).is_dir()
    assert store.discard(s.id) is True
    assert not store.exists(s.id)
    assert store.list_trash() == [] and store.count() == 0
    assert not (store.attachments_dir / s.id).exists()
    assert not store.was_deleted(s.id)
    assert store.discard(s.id) is False
    assert store.save(s) is True, "the same chat saves again once it has a message"
