"""The index over every branch: branch counts kept on save, a search hit that
is only on another branch names the off-path message that holds it (and
switching to it shows the match), an older index rebuilt with them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from grok_tui.chat import conversation as conv
from grok_tui.chat import tree
from grok_tui.chat.session import MessageStatus, Session
from grok_tui.store import SessionStore
from grok_tui.store.branch_hits import leaf_count, locate_hit, searched_text

from .helpers import make_session


def regenerated(first: str = "zebras are striped", second: str = "quokkas smile") -> Session:
    """One question, two versions of its reply: `first` off the path, `second` chosen."""
    s = make_session("tell me about zebras", first)
    conv.prepare_regenerate(s)
    reply = conv.start_reply(s, s.model)
    reply.text, reply.status = second, MessageStatus.COMPLETE
    return s


def test_branch_count_is_indexed_on_save_and_follows_deletes(store: SessionStore) -> None:
    linear = make_session("plain", "answer")
    store.save(linear)
    s = regenerated()
    tree.fork_at(s, s.messages[0].id, "tell me about okapis")  # a third leaf
    store.save(s)
    counts = {r.id: r.branch_count for r in store.list_sessions()}
    assert counts == {linear.id: 1, s.id: 3}
    assert store.most_recent() is not None and store.most_recent().branch_count == 3  # type: ignore[union-attr]
    # The explicit delete of the other branch and version: linear again.
    tree.switch_to(s, s.off_path[0].id)  # back on the zebra question
    okapi = next(m for m in s.off_path if m.text == "tell me about okapis")
    tree.delete_subtree(s, okapi.id)
    tree.delete_subtree(s, next(m for m in s.off_path if m.role == "assistant").id)
    store.save(s)
    assert {r.id: r.branch_count for r in store.list_sessions()}[s.id] == 1
    assert store.list_sessions(query="okapis") == []


def test_a_hit_only_on_another_branch_names_its_message(store: SessionStore) -> None:
    s = regenerated()
    old = s.off_path[0]
    store.save(s)
    [hit] = store.list_sessions(query="striped")
    assert hit.hit_message_id == old.id
    assert "striped" in hit.snippet
    [both] = store.list_sessions(query="zebras striped")  # one word on the path
    assert both.hit_message_id == old.id and "striped" in both.snippet
    [on_path] = store.list_sessions(query="quokkas")
    assert on_path.hit_message_id is None and "quokkas" in on_path.snippet
    [question] = store.list_sessions(query="zebras")  # path first, though the old reply has it too
    assert question.hit_message_id is None
    # Opening the hit: the session switched to that message shows the match.
    loaded = store.load(s.id)
    assert tree.switch_to(loaded, hit.hit_message_id)
    assert [m.text for m in loaded.messages] == ["tell me about zebras", "zebras are striped"]


def test_the_hit_survives_reopening_and_titles_count_as_the_path(root: Path) -> None:
    s = regenerated()
    s.title = "Striped animals"
    with SessionStore(root) as store:
        store.save(s)
    with SessionStore(root) as store:
        [hit] = store.list_sessions(query="striped")
        assert hit.hit_message_id is None  # the title matches: nothing to switch
        [hit] = store.list_sessions(query="zebras are")  # "are" only in the old reply
        assert hit.hit_message_id == s.off_path[0].id
        [hit] = store.list_sessions(query="striped zebras")
        assert hit.hit_message_id is None
        [deep] = store.list_sessions(query="quokkas")
        assert deep.branch_count == 2


def test_an_older_index_is_rebuilt_with_branch_counts(root: Path) -> None:
    s = regenerated()
    with SessionStore(root) as store:
        store.save(s)
    conn = sqlite3.connect(root / "index.sqlite3")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'version'")
    conn.execute("DROP TABLE branches")  # what version 1 had
    conn.commit()
    conn.close()
    with SessionStore(root) as store:
        [row] = store.list_sessions()
        assert row.branch_count == 2
        assert store.list_sessions(query="striped")[0].hit_message_id == s.off_path[0].id


def test_searched_text_spans_and_leaves() -> None:
    path = [{"id": "u1", "text": "hi"}, {"id": "a1", "text": "yo 😀"}]
    off = [{"id": "a0", "parent_id": "u1", "text": "old"}, {"id": "x", "parent_id": "a0"}]
    body, spans = searched_text(path, off)
    assert body == "hi\nyo 😀\nold\n"
    assert [(i, body[a:b]) for i, a, b in spans] == [("a0", "old"), ("x", "")]
    # The path is chained by position even without parent ids: leaves a1 and x.
    assert leaf_count(path, off) == 2
    assert leaf_count([], []) == 0 and leaf_count(path, []) == 1
    # A pair of escaped surrogates counts as one character, as the index stores it.
    body, spans = searched_text([{"id": "u", "text": "\ud83d\ude00"}], [{"id": "o", "text": "z"}])
    assert body[spans[0][1] : spans[0][2]] == "z"
    assert locate_hit("", body, spans, ["z"]) == ("o", "z")
    assert locate_hit("", body, spans, ["nowhere"]) is None
