"""The session tree on disk: schema 2 round-trips, migrations from the version-0
and version-1 fixtures, older versions refusing v2 files, a crash during a
regenerate, and the store's other users seeing off-path messages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from grok_tui.chat import conversation as conv
from grok_tui.chat import tree
from grok_tui.chat.session import SCHEMA_VERSION, Attachment, MessageStatus, Session
from grok_tui.store import SessionStore, migrations
from grok_tui.store.errors import DamagedSessionError

from .helpers import make_session, tiny_png

FIXTURES = Path(__file__).parent / "fixtures"


def place(root: Path, fixture: str, session_id: str) -> Path:
    (root / "sessions").mkdir(parents=True, exist_ok=True)
    path = root / "sessions" / f"{session_id}.json"
    shutil.copyfile(FIXTURES / fixture, path)
    return path


def branched_session() -> Session:
    """q1 a1 q2 a2 with a second version of a2 (chosen), then a fork at q1."""
    s = make_session("q1", "a1")
    conv.add_user_message(s, "q2")
    first = conv.start_reply(s, s.model)
    first.text, first.status = "a2", MessageStatus.COMPLETE
    conv.prepare_regenerate(s)
    second = conv.start_reply(s, s.model)
    second.text, second.status = "a2 v2", MessageStatus.COMPLETE
    tree.fork_at(s, s.messages[0].id, "q1 edited")
    return s


def test_the_whole_tree_round_trips(store: SessionStore) -> None:
    s = branched_session()
    store.save(s)
    loaded = store.load(s.id)
    assert loaded.model_dump() == s.model_dump()
    assert [m.text for m in loaded.messages] == ["q1 edited"]
    assert len(loaded.off_path) == 5 and loaded.chosen == s.chosen
    q1 = next(m for m in loaded.off_path if m.text == "q1")
    tree.switch_to(loaded, q1.id)  # back to the original branch, as it was left
    assert [m.text for m in loaded.messages] == ["q1", "a1", "q2", "a2 v2"]
    data = json.loads(store.path_for(s.id).read_text())
    assert data["schema_version"] == SCHEMA_VERSION == 2
    assert {m["parent_id"] for m in data["off_path"]} >= {None}


def test_migration_from_the_version_0_fixture(root: Path) -> None:
    path = place(root, "session_v0.json", "proto-0001")
    raw = path.read_bytes()
    with SessionStore(root) as store:
        s = store.load("proto-0001")
        assert s.schema_version == SCHEMA_VERSION
        assert s.title == "Rust ownership questions" and s.created_at == 1_700_000_000.0
        assert [m.id for m in s.messages] == ["v0-u1", "v0-a1", "v0-u2", "v0-a2"]
        assert [m.parent_id for m in s.messages] == [None, "v0-u1", "v0-a1", "v0-u2"]
        assert s.messages[1].text.startswith("A borrow") and s.off_path == []
        assert conv.session_totals(s).cost_usd == pytest.approx(0.00102)
        assert tree.branch_count(s) == 1
        assert path.read_bytes() == raw  # reading never rewrites
        store.save(s)
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION


def test_migration_from_the_version_1_fixture(root: Path) -> None:
    path = place(root, "session_v1.json", "linear-0001")
    with SessionStore(root) as store:
        s = store.load("linear-0001")
        assert [m.parent_id for m in s.messages] == [None, "v1-u1", "v1-a1", "v1-u2"]
        assert s.off_path == [] and s.chosen == {}
        a1 = s.messages[1]
        assert a1.tool_calls[0].sources == [
            "https://weather.example/lisbon",
            "https://news.example/rain",
        ]
        assert [c.number for c in a1.citations] == [1, 2] and a1.stored_on_server
        assert a1.usage is not None and a1.usage.server_side_tool_calls == {"web_search": 1}
        assert [a.name for a in s.messages[0].attachments] == ["chart.png", "lisbon.jpg"]
        assert s.messages[3].status == MessageStatus.FAILED
        # A regenerate of the failed reply keeps it, and the file keeps both.
        conv.prepare_regenerate(s)
        new = conv.start_reply(s, s.model)
        new.text, new.status = "Saturday is dry and warm.", MessageStatus.COMPLETE
        store.save(s)
        again = store.load("linear-0001")
        assert [m.id for m in again.off_path] == ["v1-a2"]
        assert tree.position(again, new.id) == (2, 2)
    assert json.loads(path.read_text())["chosen"]["v1-u2"] == new.id


def test_an_older_version_refuses_a_v2_file(
    root: Path, store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = branched_session()
    store.save(s)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 1)  # what version 1 ran
    with SessionStore(root) as old:
        with pytest.raises(DamagedSessionError, match="newer grok-tui"):
            old.load(s.id)


def test_a_crash_during_a_regenerate_keeps_both_versions(root: Path) -> None:
    with SessionStore(root) as store:
        s = make_session("question", "the first answer")
        store.save(s)
        old = s.messages[-1]
        conv.prepare_regenerate(s)
        partial = conv.start_reply(s, s.model)
        partial.text = "the second ans"  # streaming when the checkpoint is taken
        store.save_snapshot(s.model_dump(mode="json"))
    # ... the process dies here; the next start loads the checkpoint.
    with SessionStore(root) as store:
        loaded = store.load(s.id)
        assert conv.settle_interrupted(loaded) == 1
        assert [m.text for m in loaded.messages] == ["question", "the second ans"]
        assert loaded.messages[-1].status == MessageStatus.FAILED
        assert [m.id for m in loaded.off_path] == [old.id]
        assert loaded.off_path[0].text == "the first answer"
        assert loaded.off_path[0].status == MessageStatus.COMPLETE
        assert tree.position(loaded, partial.id) == (2, 2)
        tree.switch_to(loaded, old.id)
        assert loaded.messages[-1].text == "the first answer"


def test_off_path_attachments_are_copied_and_text_is_indexed(
    store: SessionStore, tmp_path: Path
) -> None:
    picture = tmp_path / "branch.png"
    picture.write_bytes(tiny_png())
    s = make_session("plain question", "answer")
    original = s.messages[0]
    # An edit that attached a picture, then a switch back: the picture's
    # message is off the path when the session is saved.
    forked = tree.fork_at(
        s,
        original.id,
        "zanzibar question",
        [Attachment(source="file", path=str(picture), name="branch.png")],
    )
    tree.switch_to(s, original.id)
    assert forked in s.off_path
    store.save(s)
    copy = Path(forked.attachments[0].path or "")
    assert copy.parent == store.layout.attachment_folder(s.id) and copy.is_file()
    assert forked.attachments[0].original_path == str(picture)
    hits = store.list_sessions(query="zanzibar")
    assert [h.id for h in hits] == [s.id]
