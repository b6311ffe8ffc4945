"""Each session's cost and tokens in the index: kept on every save path,
rebuilt from the files when an index of the old version is opened, sorted by,
and summed over a listing (all pages, with or without a filter)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from grok_tui.chat.conversation import add_user_message, session_totals, start_reply
from grok_tui.chat.session import MessageStatus, Session, Usage
from grok_tui.store import SessionStore
from grok_tui.store.index import INDEX_VERSION

from .helpers import make_session, priced_session


def _reply(session: Session, text: str, usage: Usage | None) -> None:
    add_user_message(session, f"prompt for {text}")
    reply = start_reply(session, session.model)
    reply.text = text
    reply.status = MessageStatus.COMPLETE
    reply.usage = usage


def test_the_row_holds_what_every_reply_cost(store: SessionStore) -> None:
    s = priced_session("mixed", (0.25, False), (0.125, True), (None, False))
    store.save(s)
    (row,) = store.list_sessions()
    assert row.cost_usd == pytest.approx(0.375)
    assert row.cost_estimated is True
    assert row.tokens == 3000
    totals = session_totals(s)  # the status bar's figure for the same session
    assert (row.cost_usd, row.cost_estimated) == (totals.cost_usd, totals.cost_estimated)


def test_unknown_cost_stays_unknown_not_zero(store: SessionStore) -> None:
    s = priced_session("no cost", (None, False))
    store.save(s)
    (row,) = store.list_sessions()
    assert row.cost_usd is None and row.cost_estimated is False
    assert row.tokens == 1000


def test_tokens_without_a_total_are_the_sum_of_their_parts(store: SessionStore) -> None:
    s = Session(title="parts")
    _reply(s, "a", Usage(input_tokens=7, output_tokens=3, reasoning_tokens=5))
    store.save(s)
    assert store.list_sessions()[0].tokens == 15


def test_a_snapshot_save_and_a_rename_keep_the_columns(store: SessionStore) -> None:
    s = priced_session("snap", (0.5, False))
    assert store.save_snapshot(s.model_dump(mode="json"))
    assert store.list_sessions()[0].cost_usd == pytest.approx(0.5)
    # The next reply lands through a snapshot too: the index follows.
    _reply(s, "more", Usage(total_tokens=10, cost_usd=0.25, cost_estimated=True))
    assert store.save_snapshot(s.model_dump(mode="json"))
    row = store.list_sessions()[0]
    assert row.cost_usd == pytest.approx(0.75) and row.cost_estimated and row.tokens == 1010
    store.rename(s.id, "renamed")
    row = store.list_sessions()[0]
    assert row.title == "renamed" and row.cost_usd == pytest.approx(0.75)


def test_a_file_changed_behind_the_index_is_priced_on_refresh(store: SessionStore) -> None:
    s = priced_session("edited", (0.5, False))
    store.save(s)
    path = store.path_for(s.id)
    doc = json.loads(path.read_text())
    doc["messages"][1]["usage"]["cost_usd"] = 2.0
    path.write_text(json.dumps(doc))
    store.refresh()
    assert store.list_sessions()[0].cost_usd == pytest.approx(2.0)


def test_an_index_of_version_1_is_rebuilt_with_costs(root: Path) -> None:
    with SessionStore(root) as store:
        s = priced_session("old", (0.5, False), (0.25, True))
        store.save(s)
        index_path = store.index_path
    # Make it look like the index an older grok-tui wrote: version 1, no cost columns.
    conn = sqlite3.connect(index_path)
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'version'")
    conn.execute("UPDATE sessions SET cost_usd = NULL, tokens = 0")
    conn.commit()
    conn.close()
    with SessionStore(root) as store:
        assert store.index.get_meta("version") == INDEX_VERSION == "4"
        (row,) = store.list_sessions()
        assert row.id == s.id
        assert row.cost_usd == pytest.approx(0.75) and row.cost_estimated
        assert row.tokens == 2000


def test_sort_by_cost_dearest_first_unknown_last(store: SessionStore) -> None:
    cheap = priced_session("cheap", (0.01, False))
    dear = priced_session("dear", (3.0, False))
    unknown = priced_session("unknown", (None, False))
    middle = priced_session("middle", (0.5, True))
    for s in (cheap, unknown, dear, middle):
        store.save(s)
    assert [r.title for r in store.list_sessions(sort="cost")] == [
        "dear",
        "middle",
        "cheap",
        "unknown",
    ]
    # Paged and filtered the same way.
    assert [r.title for r in store.list_sessions(sort="cost", limit=2, offset=1)] == [
        "middle",
        "cheap",
    ]
    found = store.list_sessions(query="answer", sort="cost")
    assert [r.title for r in found] == ["dear", "middle", "cheap", "unknown"]


def test_totals_of_a_listing_cover_every_page(store: SessionStore) -> None:
    for i in range(5):
        store.save(priced_session(f"s{i}", (0.1, False)))
    store.save(priced_session("estimated one", (0.5, True)))
    store.save(priced_session("no cost", (None, False)))
    totals = store.totals()
    assert totals.count == 7 == store.count()
    assert totals.cost_usd == pytest.approx(1.0)
    assert totals.cost_estimated is True
    assert totals.tokens == 7000
    only = store.totals("estimated")
    assert (only.count, only.cost_usd, only.cost_estimated) == (1, pytest.approx(0.5), True)
    none = store.totals("nothing-matches-this")
    assert (none.count, none.cost_usd, none.tokens) == (0, None, 0)


def test_totals_without_any_known_cost(store: SessionStore) -> None:
    store.save(make_session())  # make_session's reply costs $0.001 (server figure)
    store.save(priced_session("free", (None, False)))
    totals = store.totals()
    assert totals.cost_usd == pytest.approx(0.001) and totals.cost_estimated is False


def test_trash_rows_carry_their_cost(store: SessionStore) -> None:
    s = priced_session("gone", (0.5, True))
    store.save(s)
    store.delete(s.id)
    (row,) = store.list_trash()
    assert row.cost_usd == pytest.approx(0.5) and row.cost_estimated


def test_a_file_claiming_more_tokens_than_sqlite_holds_is_still_listed(
    store: SessionStore,
) -> None:
    """A hand-edited file may say any count: the row caps it at SQLite's
    largest INTEGER instead of failing the index (an OverflowError before)."""
    s = Session(title="huge")
    _reply(s, "a", Usage(total_tokens=10**40))
    store.save(s)
    (row,) = store.list_sessions()
    assert row.title == "huge" and row.tokens == 2**63 - 1
    assert store.load(s.id).messages[-1].usage.total_tokens == 10**40  # the file keeps it
    other = Session(title="huge too")
    _reply(other, "b", Usage(total_tokens=10**40))
    store.save(other)
    assert store.totals().count == 2  # the sum of two capped counts does not overflow
