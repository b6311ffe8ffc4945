from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from grok_tui.chat.session import SCHEMA_VERSION
from grok_tui.store import MIGRATIONS, DamagedSessionError, SessionStore, migrate

from .helpers import make_session

DAMAGED = {
    "badjson": (b'{"id": "x", "messages": [', "not valid JSON"),
    "future": (json.dumps({"schema_version": 99, "id": "f"}).encode(), "newer grok-tui"),
    "wrongtypes": (
        json.dumps({"schema_version": 1, "messages": "lots", "created_at": "yesterday"}).encode(),
        "wrong data",
    ),
    "notobject": (b"[1, 2, 3]", "not a session"),
    "empty": (b"", "empty"),
    "binary": (b"\xff\xfe\x00garbage", "not UTF-8"),
    "badversion": (json.dumps({"schema_version": "one"}).encode(), "schema_version"),
}


def _write_damaged(root: Path) -> dict[str, bytes]:
    sessions = root / "sessions"
    sessions.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, (raw, _) in DAMAGED.items():
        (sessions / f"{name}.json").write_bytes(raw)
        out[name] = raw
    return out


def test_damaged_files_listed_with_reasons_and_untouched(root: Path) -> None:
    originals = _write_damaged(root)
    good = make_session("fine")
    with SessionStore(root) as store:
        store.save(good)
        rows = {r.id: r for r in store.list_sessions()}
        assert set(rows) == set(DAMAGED) | {good.id}
        for name, (_, reason) in DAMAGED.items():
            assert rows[name].damaged is not None and reason in rows[name].damaged, name
            assert rows[name].title == f"{name}.json"
            with pytest.raises(DamagedSessionError) as ei:
                store.load(name)
            assert reason in ei.value.reason
            assert ei.value.path == store.path_for(name)
            # saving over a damaged id refuses
            s = make_session()
            s.id = name
            with pytest.raises(DamagedSessionError):
                store.save(s)
        assert rows[good.id].damaged is None
        most = store.most_recent()
        assert most is not None and most.id == good.id
        store.refresh()
    for name, raw in originals.items():
        assert (root / "sessions" / f"{name}.json").read_bytes() == raw


def test_damaged_after_index_says_good_is_still_refused(store: SessionStore) -> None:
    s = make_session()
    store.save(s)
    path = store.path_for(s.id)
    path.write_bytes(b'{"schema_version": 7}')  # edited behind the index's back
    with pytest.raises(DamagedSessionError, match="newer"):
        store.save(s)
    assert path.read_bytes() == b'{"schema_version": 7}'


def test_repaired_file_becomes_readable(store: SessionStore) -> None:
    s = make_session("repair me")
    store.save(s)
    path = store.path_for(s.id)
    good = path.read_bytes()
    path.write_bytes(b"oops")
    store.refresh()
    assert store.list_sessions()[0].damaged
    path.write_bytes(good)
    store.refresh()
    row = store.list_sessions()[0]
    assert row.damaged is None and row.first_line == "repair me"


def test_migration_from_version_0(root: Path) -> None:
    v0 = {
        "id": "old-session",
        "name": "A prototype chat",
        "created": 1_600_000_000.0,
        "updated": 1_600_000_100.0,
        "model": "grok-3",
        "messages": [
            {"role": "user", "content": "old question"},
            {"role": "assistant", "content": "old answer"},
        ],
    }
    raw = json.dumps(v0).encode()
    (root / "sessions").mkdir(parents=True)
    path = root / "sessions" / "old-session.json"
    path.write_bytes(raw)
    with SessionStore(root) as store:
        s = store.load("old-session")
        assert s.schema_version == SCHEMA_VERSION
        assert s.title == "A prototype chat" and s.created_at == 1_600_000_000.0
        assert [(m.role, m.text) for m in s.messages] == [
            ("user", "old question"),
            ("assistant", "old answer"),
        ]
        row = store.list_sessions(query="prototype")[0]
        assert row.id == "old-session" and row.damaged is None
        assert path.read_bytes() == raw  # not rewritten by reading
        store.save(s)
        assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION


def test_migration_chain_and_guards(monkeypatch: pytest.MonkeyPatch) -> None:
    assert 0 in MIGRATIONS
    with pytest.raises(ValueError, match="newer"):
        migrate({"schema_version": SCHEMA_VERSION + 1})
    with pytest.raises(ValueError, match="not valid"):
        migrate({"schema_version": -1})
    monkeypatch.setitem(MIGRATIONS, 0, lambda d: {**d, "schema_version": 0})
    with pytest.raises(ValueError, match="did not advance"):
        migrate({"schema_version": 0})


def test_external_add_edit_delete_picked_up(root: Path) -> None:
    with SessionStore(root) as store:
        a, b = make_session("first"), make_session("second")
        store.save(a)
        store.save(b)
    # by hand, while no store is open: add one, edit one, delete one
    c = make_session("third added by hand")
    (root / "sessions" / f"{c.id}.json").write_text(c.model_dump_json())
    doc = json.loads((root / "sessions" / f"{a.id}.json").read_text())
    doc["title"] = "edited by hand"
    doc["messages"][1]["text"] = "hand written walrus"
    (root / "sessions" / f"{a.id}.json").write_text(json.dumps(doc, indent=1))
    (root / "sessions" / f"{b.id}.json").unlink()
    with SessionStore(root) as store:
        rows = {r.id: r for r in store.list_sessions()}
        assert set(rows) == {a.id, c.id}
        assert rows[a.id].title == "edited by hand"
        assert [r.id for r in store.list_sessions(query="walrus")] == [a.id]
        # and with a store kept open, refresh() sees later changes
        (root / "sessions" / f"{c.id}.json").unlink()
        assert store.refresh() == 1
        assert [r.id for r in store.list_sessions()] == [a.id]


def test_same_size_edit_detected_by_mtime(store: SessionStore) -> None:
    s = make_session("aaaa")
    store.save(s)
    path = store.path_for(s.id)
    raw = path.read_bytes()
    st = path.stat()
    path.write_bytes(raw.replace(b"aaaa", b"bbbb"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    store.refresh()
    assert store.list_sessions()[0].first_line == "bbbb"


def test_index_deleted_or_garbage_is_rebuilt(root: Path) -> None:
    with SessionStore(root) as store:
        s = make_session("indexed words")
        store.save(s)
    for suffix in ("", "-wal", "-shm"):
        p = Path(f"{root / 'index.sqlite3'}{suffix}")
        if p.exists():
            p.unlink()
    with SessionStore(root) as store:
        assert [r.id for r in store.list_sessions(query="indexed")] == [s.id]
    for suffix in ("-wal", "-shm"):
        p = Path(f"{root / 'index.sqlite3'}{suffix}")
        if p.exists():
            p.unlink()
    (root / "index.sqlite3").write_bytes(b"this is not a database" * 100)
    with SessionStore(root) as store:
        assert [r.id for r in store.list_sessions(query="indexed")] == [s.id]


def test_stray_files_ignored_and_stale_tmp_cleaned(root: Path) -> None:
    sessions = root / "sessions"
    sessions.mkdir(parents=True)
    (sessions / "notes.txt").write_text("hi")
    (sessions / "subdir.json").mkdir()
    fresh_tmp = sessions / ".abc.123.tmp"
    fresh_tmp.write_text("{")
    old_tmp = sessions / ".def.456.tmp"
    old_tmp.write_text("{")
    os.utime(old_tmp, (1, 1))
    with SessionStore(root) as store:
        assert store.list_sessions() == []
    assert fresh_tmp.exists() and not old_tmp.exists()


def test_quick_open_skips_scan_only_when_folder_unchanged(root: Path) -> None:
    with SessionStore(root) as store:
        a = make_session("alpha")
        store.save(a)
    path = root / "sessions" / f"{a.id}.json"
    doc = json.loads(path.read_text())
    doc["title"] = "rewritten in place"
    path.write_text(json.dumps(doc))  # in place: the folder does not change
    with SessionStore(root) as store:
        assert store.list_sessions()[0].title != "rewritten in place"  # quick open trusted it
        assert store.load(a.id).title == "rewritten in place"  # load reads the file itself
        assert store.refresh() == 1  # the full check finds it
        assert store.list_sessions()[0].title == "rewritten in place"
    b = make_session("beta")
    (root / "sessions" / f"{b.id}.json").write_text(b.model_dump_json())  # a new entry
    with SessionStore(root) as store:
        assert {r.id for r in store.list_sessions()} == {a.id, b.id}
