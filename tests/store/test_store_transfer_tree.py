"""Exports and imports of session trees: the Markdown export writes the chosen
path with a note where alternatives exist and both totals; the JSON export
holds the whole tree; import reads the tree format (v2) and the older linear
exports (v0, v1), and a damaged file is reported and left as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grok_tui.chat import conversation as conv
from grok_tui.chat import tree
from grok_tui.chat.export import session_to_markdown
from grok_tui.chat.session import SCHEMA_VERSION, MessageStatus, Session, Usage
from grok_tui.store import SessionImportError, SessionStore

from .helpers import make_session

FIXTURES = Path(__file__).parent / "fixtures"


def tree_session() -> Session:
    """q1 → a1, a1' (regenerated, a1' chosen), then q1 edited (chosen) → a2, and
    the versions carry costs: 0.001 (a1), 0.002 (a1'), 0.004 (a2)."""
    s = make_session("what is a monad", "a burrito", title="Category theory")
    conv.prepare_regenerate(s)
    again = conv.start_reply(s, s.model)
    again.text, again.status = "a monoid in the category of endofunctors", MessageStatus.COMPLETE
    again.usage = Usage(input_tokens=3, output_tokens=4, total_tokens=7, cost_usd=0.002)
    tree.fork_at(s, s.messages[0].id, "what is a functor")
    answer = conv.start_reply(s, s.model)
    answer.text, answer.status = "a mappable container", MessageStatus.COMPLETE
    answer.usage = Usage(input_tokens=5, output_tokens=5, total_tokens=10, cost_usd=0.004)
    return s


def test_markdown_writes_the_chosen_path_with_notes_and_both_totals() -> None:
    s = tree_session()
    md = session_to_markdown(s)
    assert "what is a functor" in md and "a mappable container" in md
    assert "monad" not in md and "burrito" not in md and "endofunctors" not in md
    assert "_This message was edited: branch 2 of 2 shown; the other branches" in md
    assert "- Branches: 3 (this document shows the chosen one" in md
    assert "- Paid for (all versions): 11 tokens in · 11 out · $0.0070" in md
    assert "- This path: 5 tokens in · 5 out · $0.0040" in md
    assert "- Usage:" not in md
    # On the original branch: its second reply version, noted as such.
    tree.switch_to(s, next(m for m in s.off_path if m.text == "what is a monad").id)
    md = session_to_markdown(s)
    assert "endofunctors" in md and "burrito" not in md and "functor\n" not in md
    assert "_This message was edited: branch 1 of 2 shown;" in md
    assert "_Reply 2 of 2 shown; the other versions are in the JSON export._" in md
    assert md.index("## Grok") < md.index("_Reply 2 of 2") < md.index("endofunctors")
    assert "- This path: 3 tokens in · 4 out · $0.0020" in md


def test_markdown_of_a_linear_session_has_no_notes() -> None:
    md = session_to_markdown(make_session("hello", "hi there"))
    assert "- Usage: 3 tokens in · 2 out · $0.0010" in md
    assert "Branches" not in md and "JSON export" not in md and "Paid for" not in md


def test_json_export_holds_the_whole_tree_and_imports_back(store: SessionStore) -> None:
    s = tree_session()
    store.save(s)
    data = json.loads(store.export_json(s.id))
    assert data["schema_version"] == SCHEMA_VERSION
    texts = {m["text"] for m in [*data["messages"], *data["off_path"]]}
    assert texts == {
        "what is a monad",
        "a burrito",
        "a monoid in the category of endofunctors",
        "what is a functor",
        "a mappable container",
    }
    assert data["chosen"] == s.chosen
    imported = store.import_json(json.dumps(data))
    assert imported.id != s.id  # its id is taken
    again = store.load(imported.id)
    assert [m.text for m in again.messages] == ["what is a functor", "a mappable container"]
    assert tree.branch_count(again) == 3
    monad = next(m for m in again.off_path if m.text == "what is a monad")
    tree.switch_to(again, monad.id)
    assert again.messages[-1].text.endswith("endofunctors")  # its chosen version kept
    row = next(r for r in store.list_sessions() if r.id == imported.id)
    assert row.branch_count == 3


@pytest.mark.parametrize(
    ("fixture", "ids"),
    [
        ("session_v0.json", ["v0-u1", "v0-a1", "v0-u2", "v0-a2"]),
        ("session_v1.json", ["v1-u1", "v1-a1", "v1-u2", "v1-a2"]),
    ],
)
def test_older_linear_exports_import_as_one_path(
    store: SessionStore, fixture: str, ids: list[str]
) -> None:
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    session = store.import_json(text)
    loaded = store.load(session.id)
    assert [m.id for m in loaded.messages] == ids
    assert [m.parent_id for m in loaded.messages] == [None, *ids[:-1]]
    assert loaded.off_path == [] and tree.branch_count(loaded) == 1
    on_disk = json.loads(store.path_for(session.id).read_text(encoding="utf-8"))
    assert on_disk["schema_version"] == SCHEMA_VERSION
    assert "# " in store.export_markdown(session.id)  # exports as any other


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{nope", "not valid JSON"),
        ('{"schema_version": 99, "id": "x", "messages": []}', "newer grok-tui"),
        (
            json.dumps(
                {
                    "schema_version": 2,
                    "id": "x",
                    "messages": [],
                    "off_path": [{"id": "o", "parent_id": "gone", "role": "user", "text": "t"}],
                }
            ),
            "wrong data",
        ),
    ],
)
def test_a_damaged_export_is_refused_and_nothing_is_written(
    store: SessionStore, tmp_path: Path, text: str, reason: str
) -> None:
    source = tmp_path / "export.json"
    source.write_text(text, encoding="utf-8")
    before = sorted(p.name for p in store.sessions_dir.iterdir())
    with pytest.raises(SessionImportError, match=reason):
        store.import_json(source.read_text(encoding="utf-8"))
    assert source.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in store.sessions_dir.iterdir()) == before
