from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from grok_tui.chat.attachments import attachment_from_input
from grok_tui.chat.conversation import add_user_message
from grok_tui.chat.session import Session
from grok_tui.store import (
    DamagedSessionError,
    SessionImportError,
    SessionNotFound,
    SessionStore,
)

from .helpers import make_session, tiny_png


def test_save_load_round_trip(store: SessionStore) -> None:
    s = make_session("what is rust", "a language", system_prompt="be brief")
    s.messages[1].reasoning = "thinking"
    store.save(s)
    loaded = store.load(s.id)
    assert loaded.model_dump() == s.model_dump()
    data = json.loads(store.path_for(s.id).read_text())
    assert data["schema_version"] == 2 and data["id"] == s.id


def test_save_sets_updated_at(store: SessionStore) -> None:
    s = make_session()
    s.updated_at = 1.0
    store.save(s)
    assert s.updated_at > 1.0
    assert store.load(s.id).updated_at == s.updated_at


def test_unknown_id(store: SessionStore) -> None:
    with pytest.raises(SessionNotFound):
        store.load("0" * 32)
    with pytest.raises(SessionNotFound):
        store.load("../etc/passwd")


def test_list_newest_first_title_sort_limit_offset(store: SessionStore) -> None:
    ids = []
    for i, title in enumerate(["banana", "Apple", "cherry"]):
        s = make_session(f"prompt {i}")
        s.title = title
        store.save(s)
        ids.append(s.id)
    rows = store.list_sessions()
    assert [r.id for r in rows] == ids[::-1]
    assert [r.title for r in store.list_sessions(sort="title")] == ["Apple", "banana", "cherry"]
    assert [r.id for r in store.list_sessions(limit=1, offset=1)] == [ids[1]]
    assert store.count() == 3
    top = store.most_recent()
    assert top is not None and top.id == ids[2]
    r = rows[0]
    assert r.message_count == 2 and r.first_line == "prompt 2" and r.damaged is None
    assert r.path == store.path_for(ids[2]) and r.model == "grok-4.3"


def test_reopen_uses_existing_index(root: Path) -> None:
    with SessionStore(root) as a:
        s = make_session()
        a.save(s)
    with SessionStore(root) as b:
        assert b.refresh() == 0  # nothing changed since the save
        assert [r.id for r in b.list_sessions()] == [s.id]


def test_full_text_search_with_snippet(store: SessionStore) -> None:
    a = make_session("tell me about ownership", "Rust's borrow checker enforces ownership rules.")
    b = make_session("cooking", "Boil the pasta for nine minutes, then drain it.")
    c = make_session("misc", "nothing relevant")
    c.title = "Borrowing money"
    for s in (a, b, c):
        store.save(s)
    hits = store.list_sessions(query="borrow")
    assert {h.id for h in hits} == {a.id, c.id}  # text match and title (prefix) match
    hit_a = next(h for h in hits if h.id == a.id)
    assert "borrow checker" in hit_a.snippet
    pasta = store.list_sessions(query="PASTA minutes")
    assert [h.id for h in pasta] == [b.id] and "pasta" in pasta[0].snippet
    assert store.list_sessions(query="pasta ownership") == []
    # FTS syntax in the query is taken literally, never an error
    for weird in ['"', "AND", "a OR", "x*", "-pasta", "(", "NEAR(", "col:x", "'", "^"]:
        store.list_sessions(query=weird)
    assert len(store.list_sessions(query="   ")) == 3


def test_search_sees_updates_and_deletes(store: SessionStore) -> None:
    s = make_session("alpha", "first answer")
    store.save(s)
    s.messages[1].text = "second answer zebra"
    store.save(s)
    assert [h.id for h in store.list_sessions(query="zebra")] == [s.id]
    assert store.list_sessions(query="first") == []
    store.delete(s.id)
    assert store.list_sessions(query="zebra") == []


def test_rename_keeps_order_and_marks_custom(store: SessionStore) -> None:
    a, b = make_session("a"), make_session("b")
    store.save(a)
    store.save(b)
    renamed = store.rename(a.id, "My \x1b[31mtitle\x1b[0m\nhere")
    assert renamed.title == "My title here" and renamed.title_is_custom
    loaded = store.load(a.id)
    assert loaded.title == "My title here" and loaded.title_is_custom
    assert [r.id for r in store.list_sessions()] == [b.id, a.id]


def test_duplicate(store: SessionStore) -> None:
    s = make_session("q", "a")
    s.title = "Original"
    store.save(s)
    d = store.duplicate(s.id)
    assert d.id != s.id and d.title == "Original (copy)"
    assert [m.text for m in store.load(d.id).messages] == ["q", "a"]
    assert store.count() == 2


def test_trash_restore_and_empty(store: SessionStore, root: Path) -> None:
    s = make_session("keep me")
    store.save(s)
    store.delete(s.id)
    assert not store.path_for(s.id).exists()
    assert (root / "trash" / f"{s.id}.json").is_file()
    assert store.list_sessions() == [] and store.count() == 0
    trash = store.list_trash()
    assert [t.id for t in trash] == [s.id] and trash[0].title == "keep me"
    assert store.restore(s.id) == s.id
    assert [r.id for r in store.list_sessions()] == [s.id]
    assert store.list_trash() == []
    store.delete(s.id)
    assert store.empty_trash() == 1
    assert store.list_trash() == []
    with pytest.raises(SessionNotFound):
        store.restore(s.id)
    with pytest.raises(SessionNotFound):
        store.delete(s.id)


def test_restore_when_id_taken_gets_new_id(store: SessionStore) -> None:
    s = make_session("v1")
    store.save(s)
    store.delete(s.id)
    s2 = Session.model_validate(s.model_dump())
    s2.messages[0].text = "v2"
    assert store.save(s2) is False  # a save of a deleted session is dropped
    assert not store.exists(s.id)
    # The id taken meanwhile by other means (a copy made by hand, another tool).
    store.path_for(s.id).write_text(s2.model_dump_json(), encoding="utf-8")
    store.refresh()
    new = store.restore(s.id)
    assert new != s.id
    assert store.load(new).messages[0].text == "v1"
    assert store.load(s.id).messages[0].text == "v2"


def test_export_import_round_trip(store: SessionStore) -> None:
    s = make_session("exported question", "exported answer")
    s.title = "Export me"
    store.save(s)
    md = store.export_markdown(s.id)
    assert md.startswith("# Export me") and "exported answer" in md
    text = store.export_json(s.id)
    imported = store.import_json(text)
    assert imported.id != s.id  # the id was taken
    assert [m.text for m in store.load(imported.id).messages] == [
        "exported question",
        "exported answer",
    ]
    # into an empty store the id is kept
    other = SessionStore(store.root.parent / "other")
    kept = other.import_json(text)
    assert kept.id == s.id
    assert other.load(s.id).model_dump(exclude={"updated_at"}) == s.model_dump(
        exclude={"updated_at"}
    )
    other.close()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "not a session"),
        ('{"schema_version": 99}', "newer grok-tui"),
        ('{"schema_version": 1, "messages": [{"role": "robot"}]}', "wrong data"),
    ],
)
def test_import_refuses_invalid(store: SessionStore, text: str, reason: str) -> None:
    with pytest.raises(SessionImportError, match=reason):
        store.import_json(text)
    assert store.count() == 0


def test_import_unsafe_id_gets_new_id(store: SessionStore) -> None:
    s = make_session()
    data = s.model_dump(mode="json")
    data["id"] = "../../escape"
    imported = store.import_json(json.dumps(data))
    assert imported.id != "../../escape"
    assert store.path_for(imported.id).parent == store.sessions_dir


def test_attachments_copied_and_survive_original_moving(
    store: SessionStore, tmp_path: Path
) -> None:
    src = tmp_path / "photo.png"
    src.write_bytes(tiny_png())
    s = Session()
    add_user_message(s, "look", [attachment_from_input(str(src))])
    store.save(s)
    att = s.messages[0].attachments[0]
    assert att.original_path == str(src.resolve())
    copy = Path(att.path or "")
    assert copy.parent == store.attachments_dir / s.id and copy.read_bytes() == tiny_png()
    src.unlink()
    loaded = store.load(s.id)
    assert loaded.messages[0].attachments[0].path == str(copy)
    raw = store.path_for(s.id).read_text()
    assert "base64" not in raw and len(raw) < 5000
    store.save(loaded)  # saving again does not copy again or break the path
    assert sorted(p.name for p in copy.parent.iterdir()) == [copy.name]
    # the trash keeps them; emptying it removes them
    store.delete(s.id)
    assert copy.exists()
    store.empty_trash()
    assert not copy.exists()


def test_api_key_never_in_session_or_export(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "xai-TESTKEY-5f2c9e0d1b7a4c3e8f6a"
    monkeypatch.setenv("XAI_API_KEY", key)
    s = make_session("use my key please", "ok")
    store.save(s)
    blobs = [p.read_bytes() for p in store.root.rglob("*") if p.is_file()]
    blobs += [store.export_json(s.id).encode(), store.export_markdown(s.id).encode()]
    assert blobs and all(key.encode() not in b for b in blobs)


def test_save_snapshot_from_worker_thread_while_reading(store: SessionStore) -> None:
    s = make_session("streaming")
    store.save(s)
    errors: list[BaseException] = []
    snapshots = []
    for i in range(20):
        s.messages[1].text += f" part{i}"
        snapshots.append(s.model_dump(mode="json"))

    def writer() -> None:
        try:
            for snap in snapshots:
                store.save_snapshot(snap)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    t = threading.Thread(target=writer)
    t.start()
    while t.is_alive():
        store.list_sessions()
        store.list_sessions(query="streaming")
    t.join()
    assert errors == []
    assert store.load(s.id).messages[1].text.endswith("part19")


def test_save_refuses_invalid_id(store: SessionStore) -> None:
    s = make_session()
    s.id = "../x"
    with pytest.raises(SessionNotFound):
        store.save(s)


def test_damaged_not_overwritten(store: SessionStore) -> None:
    s = make_session()
    store.save(s)
    path = store.path_for(s.id)
    path.write_bytes(b"{ broken")
    with pytest.raises(DamagedSessionError, match="not overwriting"):
        store.save(s)
    assert path.read_bytes() == b"{ broken"
