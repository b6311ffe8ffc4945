"""The session browser's pure parts: the row list and paging (`model`), how a
row looks (`display`) and the export/import files (`files`), without an app."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text

from grok_tui.chat.formatting import format_cost
from grok_tui.store import ListingTotals, SessionSummary
from grok_tui.ui.screens.session_browser import files, model
from grok_tui.ui.screens.session_browser.display import (
    column_widths,
    detail_content,
    focus_snippet,
    heading_content,
    highlight,
    keys_content,
    line_label,
    row_cells,
)
from grok_tui.ui.screens.session_browser.files import (
    check_import_source,
    export_stem,
    user_path,
    write_export,
)
from grok_tui.ui.screens.session_browser.model import (
    LOAD_AHEAD,
    PAGE_SIZE,
    SessionRows,
    empty_text,
    fetch_page,
    heading_text,
    matches,
    query_words,
)

T0 = 1_750_000_000.0
INJECTION = "[@click=app.quit]x[/]"
ESCAPES = "\x1b[31mred\x1b[0m \x1b]0;pwned\x07title\r\nnext"


def summary(
    sid: str,
    title: str = "",
    *,
    updated: float = T0,
    first_line: str = "",
    snippet: str = "",
    damaged: str | None = None,
    model_name: str = "grok-4.3",
    count: int = 2,
) -> SessionSummary:
    return SessionSummary(
        id=sid,
        title=title or f"title {sid}",
        model=model_name,
        created_at=T0,
        updated_at=updated,
        message_count=count,
        first_line=first_line,
        snippet=snippet,
        damaged=damaged,
        path=Path("/data/sessions") / f"{sid}.json",
    )


def page(start: int, n: int) -> list[SessionSummary]:
    return [summary(f"s{i}") for i in range(start, start + n)]


def spans(text: Text) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, str(s.style)) for s in text.spans]


# -- the row list and paging ---------------------------------------------------------


def test_a_full_page_leaves_more_to_fetch_a_short_one_is_the_last() -> None:
    rows = SessionRows()
    assert rows.add_page(page(0, PAGE_SIZE)) == page(0, PAGE_SIZE)
    assert len(rows) == PAGE_SIZE and not rows.exhausted
    rows.add_page(page(PAGE_SIZE, PAGE_SIZE - 1))
    assert len(rows) == 2 * PAGE_SIZE - 1 and rows.exhausted


def test_an_empty_page_is_the_last_and_complete_ends_a_full_one() -> None:
    rows = SessionRows(page_size=3)
    rows.add_page([])
    assert rows.exhausted and len(rows) == 0
    rows = SessionRows(page_size=3)
    rows.add_page(page(0, 3), complete=True)  # the trash comes whole
    assert rows.exhausted


def counted(count: int) -> ListingTotals:
    return ListingTotals(count, None, False, 0)


def test_rows_already_listed_are_skipped_but_count_toward_the_page() -> None:
    """Between two pages the order can change (a session got newer): the row
    seen on page one is not listed twice, and a full page still means more."""
    rows = SessionRows(page_size=3)
    rows.add_page(page(0, 3))
    added = rows.add_page([summary("s2"), summary("s3"), summary("s4")])
    assert [r.id for r in added] == ["s3", "s4"]
    assert [r.id for r in rows.rows] == ["s0", "s1", "s2", "s3", "s4"]
    assert not rows.exhausted


def test_reset_forgets_rows_and_ids() -> None:
    rows = SessionRows(page_size=2)
    rows.add_page(page(0, 2))
    rows.reset(counted(7))
    assert rows.rows == [] and rows.total == 7 and rows.index_of("s0") is None
    assert [r.id for r in rows.add_page(page(0, 1))] == ["s0"]


def test_near_end_boundaries() -> None:
    rows = SessionRows()
    rows.add_page(page(0, PAGE_SIZE))
    edge = PAGE_SIZE - LOAD_AHEAD
    assert not rows.near_end(edge - 1)
    assert rows.near_end(edge)
    assert not rows.near_end(edge - 0.5)  # a scroll position is a float
    assert SessionRows().near_end(0)  # nothing loaded: anything is near the end


def test_at_index_of_replace_and_remove() -> None:
    rows = SessionRows(page_size=10)
    rows.add_page(page(0, 3))
    rows.totals = counted(3)
    assert rows.at(-1) is None and rows.at(3) is None and rows.at(1) == summary("s1")
    assert rows.index_of("s2") == 2 and rows.index_of("nope") is None
    assert rows.index_of(None) is None
    fixed = dataclasses.replace(summary("s1"), damaged="bad")
    assert rows.replace(fixed) == 1 and rows.rows[1].damaged == "bad"
    assert rows.replace(summary("elsewhere")) is None and len(rows) == 3
    assert rows.remove("s0", counted=True) == 0
    assert rows.total == 2 and [r.id for r in rows.rows] == ["s1", "s2"]
    assert rows.index_of("s2") == 1
    assert rows.remove("s0", counted=True) is None and rows.total == 2
    assert rows.remove("s1", counted=False) == 0 and rows.total == 2  # the trash
    # A session added back after removal is listed again.
    assert [r.id for r in rows.add_page([summary("s0")])] == ["s0"]


def test_total_never_goes_below_zero_or_appears_from_nothing() -> None:
    rows = SessionRows()
    rows.add_page(page(0, 2))
    rows.totals = counted(0)
    rows.remove("s0", counted=True)
    assert rows.total == 0
    rows.totals = None
    rows.remove("s1", counted=True)
    assert rows.total is None


def test_removing_a_row_takes_its_cost_and_tokens_off_the_totals() -> None:
    rows = SessionRows()
    a = dataclasses.replace(summary("a"), cost_usd=0.25, tokens=100)
    b = dataclasses.replace(summary("b"), cost_usd=None, tokens=40)
    rows.add_page([a, b])
    rows.totals = ListingTotals(2, 0.75, True, 500)
    rows.remove("a", counted=True)
    assert rows.totals == ListingTotals(1, 0.5, True, 400)
    rows.remove("b", counted=True)
    assert rows.totals == ListingTotals(0, 0.5, True, 360)


# -- the query -----------------------------------------------------------------------


class FakeStore:
    def __init__(self, trash: list[SessionSummary] | None = None) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.trash = trash or []

    def list_sessions(
        self,
        query: str | None = None,
        sort: str = "updated",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[SessionSummary]:
        self.calls.append(("list", query, sort, limit, offset))
        return page(offset, 2)

    def list_trash(self) -> list[SessionSummary]:
        self.calls.append(("trash",))
        return list(self.trash)

    def count(self) -> int:
        self.calls.append(("count",))
        return 1234

    def totals(self, query: str | None = None) -> ListingTotals:
        self.calls.append(("totals", query))
        return ListingTotals(1234 if query is None else 3, 0.5, False, 900)


def test_fetch_page_asks_the_index_for_one_page_and_totals_only_when_asked() -> None:
    store = FakeStore()
    rows, totals = fetch_page(store, "sessions", "", "updated", 0, True)
    assert [r.id for r in rows] == ["s0", "s1"] and totals is not None and totals.count == 1234
    assert store.calls == [("list", None, "updated", PAGE_SIZE, 0), ("totals", None)]
    store.calls.clear()
    assert fetch_page(store, "sessions", "", "title", PAGE_SIZE, False)[1] is None
    assert store.calls == [("list", None, "title", PAGE_SIZE, PAGE_SIZE)]
    store.calls.clear()
    # A filter's totals are those of every match (all pages), from the index.
    rows, totals = fetch_page(store, "sessions", " zebra ", "cost", 0, True)
    assert totals == ListingTotals(3, 0.5, False, 900)
    assert store.calls == [("list", " zebra ", "cost", PAGE_SIZE, 0), ("totals", "zebra")]


def test_fetch_page_filters_and_sorts_the_trash_itself() -> None:
    trash = [
        summary("a", "beta notes", updated=T0 + 1),
        summary("b", "Alpha", updated=T0 + 2, first_line="about a Zebra"),
        summary("c", "alpha", updated=T0 + 3),
    ]
    store = FakeStore(trash)
    trash[0] = dataclasses.replace(trash[0], cost_usd=0.5, cost_estimated=True, tokens=10)
    trash[2] = dataclasses.replace(trash[2], cost_usd=2.0, tokens=5)
    rows, totals = fetch_page(store, "trash", "", "updated", 0, True)
    assert [r.id for r in rows] == ["a", "b", "c"]  # as the store lists
    assert totals == ListingTotals(3, 2.5, True, 15)
    rows, totals = fetch_page(store, "trash", "", "title", 0, False)
    assert [r.id for r in rows] == ["c", "b", "a"]  # equal titles: newest first
    rows, _ = fetch_page(store, "trash", "", "cost", 0, False)
    assert [r.id for r in rows] == ["c", "a", "b"]  # dearest first, unknown last
    rows, totals = fetch_page(store, "trash", '"ZEB"', "updated", 0, True)
    assert [r.id for r in rows] == ["b"] and totals == ListingTotals(1, None, False, 0)
    assert all(c == ("trash",) for c in store.calls)


def test_query_words_and_matches() -> None:
    assert query_words('  "two words"  x ') == ["two", "words", "x"]
    assert query_words('""') == []
    s = summary("a", "Python memory", first_line="why so SLOW")
    assert matches(s, ["pyth", "slow"]) and not matches(s, ["pyth", "fast"])
    assert matches(s, [])


# -- heading and empty texts -----------------------------------------------------------


def test_heading_text() -> None:
    rows = SessionRows(page_size=2)
    rows.reset(counted(12_345))
    rows.add_page(page(0, 2))
    assert heading_text(rows, "sessions", "") == (
        "Sessions: 12,345 (showing 2, more load as you scroll)"
    )
    rows.totals = ListingTotals(12_345, 84.5, True, 31_200_000)
    assert heading_text(rows, "sessions", "") == (
        "Sessions: 12,345 · ≈$84.50 · 31.20M tok (showing 2, more load as you scroll)"
    )
    rows.totals = ListingTotals(37, 0.84, False, 0)  # every match, counted by the index
    assert heading_text(rows, "sessions", "zeb") == "Sessions: 37 matches · $0.8400"
    rows.totals = None  # the count failed or was not asked: what is shown
    assert heading_text(rows, "sessions", "") == "Sessions: 2"
    assert heading_text(rows, "sessions", "zeb") == "Sessions: 2+ matches"
    rows.add_page([summary("s9")])  # short page: no more
    assert heading_text(rows, "sessions", "zeb") == "Sessions: 3 matches"
    one = SessionRows()
    one.add_page(page(0, 1))
    assert heading_text(one, "sessions", "zeb") == "Sessions: 1 match"
    assert heading_text(one, "trash", "") == "Trash: 1 deleted session"
    assert heading_text(SessionRows(), "trash", "x") == "Trash: 0 deleted sessions"
    assert heading_text(SessionRows(), "sessions", "   ") == "Sessions: 0"
    one.reset(ListingTotals(1, None, False, 1200))  # tokens but no known cost
    assert heading_text(one, "trash", "") == "Trash: 1 deleted session · 1.2k tok"


def test_heading_content_names_the_sort() -> None:
    rows = SessionRows()
    assert heading_content(rows, "sessions", "", "updated").plain == (
        "Sessions: 0 · sorted by last activity"
    )
    assert heading_content(rows, "trash", "", "title").plain.endswith("sorted by title")
    assert heading_content(rows, "sessions", "", "cost").plain.endswith(
        "sorted by cost, dearest first"
    )


def test_empty_texts() -> None:
    assert empty_text("trash", "x") == "The trash is empty."
    assert empty_text("sessions", " ") == "No saved sessions yet."
    assert empty_text("sessions", "zeb") == "No session matches."
    assert detail_content(None, "sessions", "zeb").plain == "No session matches."


# -- a row in the table ------------------------------------------------------------------


def test_a_damaged_row_shows_the_file_and_the_reason_on_one_line() -> None:
    s = summary("broken", "broken.json", damaged=f"not valid JSON:\n{ESCAPES}", count=0)
    title, model_cell, when, count, cost, line = row_cells(s, ["bro"], current=True, line_width=40)
    assert cost.plain == ""
    assert title.plain == "⚠ broken.json" and str(title.style) == "bold red"
    assert title.spans == []  # no highlight, no current marker on a damaged row
    assert line.plain == "damaged: not valid JSON: red title next"
    assert str(line.style) == "red"
    assert count.plain == "0" and count.justify == "right"
    assert model_cell.plain == "grok-4.3"
    for cell in (title, model_cell, when, count, line):
        assert "\x1b" not in cell.plain and "\n" not in cell.plain


def test_a_damaged_row_with_bad_times_still_formats() -> None:
    s = dataclasses.replace(
        summary("b", damaged="x"), updated_at=float("nan"), created_at=float("inf")
    )
    assert row_cells(s, [], current=False, line_width=40)[2].plain == "—"
    detail = detail_content(s, "sessions", "").plain
    assert detail.startswith("Damaged file: /data/sessions/b.json\nx\n")


def test_titles_with_markup_and_escape_sequences_show_literally() -> None:
    s = summary(
        "m", f"{INJECTION} {ESCAPES}", first_line=f"[b]{INJECTION}[/b]", model_name="[red]m[/]"
    )
    title, model_cell, _when, _count, _cost, line = row_cells(s, [], current=False, line_width=80)
    assert title.plain == f"{INJECTION} red title next"
    assert title.spans == [] and str(title.style) == ""  # nothing parsed as markup
    assert line.plain == f"[b]{INJECTION}[/b]" and line.spans == []
    assert model_cell.plain == "[red]m[/]"
    detail = detail_content(s, "sessions", "")
    assert detail.plain.splitlines()[0] == f"{INJECTION} red title next"
    assert detail.plain.splitlines()[2] == f"[b]{INJECTION}[/b]"
    assert "\x1b" not in detail.plain and "pwned" not in detail.plain
    assert all("click" not in str(span.style) for span in detail.spans)


def test_the_current_session_is_marked_and_bold() -> None:
    title = row_cells(summary("c", "mine"), [], current=True, line_width=40)[0]
    assert title.plain == "● mine" and str(title.style) == "bold"
    plain = row_cells(summary("c", "mine"), [], current=False, line_width=40)[0]
    assert plain.plain == "mine" and str(plain.style) == ""


def test_an_empty_title_is_untitled() -> None:
    s = dataclasses.replace(summary("e"), title=" \x1b[0m ")
    assert row_cells(s, [], current=False, line_width=40)[0].plain == "Untitled"
    assert detail_content(s, "sessions", "").plain.startswith("Untitled\n")


def test_the_last_column_shows_the_snippet_while_filtering() -> None:
    s = summary(
        "z", "alpha", first_line="the question", snippet="… " + "a " * 40 + "the zebra crossed"
    )
    line = row_cells(s, ["zeb"], current=False, line_width=20)[-1]
    assert str(line.style) == "italic"
    assert line.plain.startswith("…") and line.plain.index("zebra") < 18
    start = line.plain.index("zebra")
    assert (start, start + 3, "bold reverse") in spans(line)
    # Without a filter: the first line, dim; the snippet is not shown.
    line = row_cells(s, [], current=False, line_width=20)[-1]
    assert line.plain == "the question" and str(line.style) == "dim"
    # A filter that matched the title only (no snippet): the first line.
    no_snippet = dataclasses.replace(s, snippet="")
    assert row_cells(no_snippet, ["alp"], current=False, line_width=20)[-1].plain == (
        "the question"
    )
    detail = detail_content(s, "sessions", "zeb").plain.splitlines()
    assert "zebra crossed" in detail[2]
    assert detail_content(s, "sessions", "").plain.splitlines()[2] == "the question"


def test_highlight_marks_word_starts_only() -> None:
    text = highlight("zebra azebra Zebras", ["zeb"])
    assert spans(text) == [(0, 3, "bold reverse"), (13, 16, "bold reverse")]
    assert highlight("a.b (c)", ["a.b", "(c"]).spans  # regex characters are literal
    assert highlight("x", []).spans == []


def test_focus_snippet_keeps_short_or_early_matches() -> None:
    assert focus_snippet("zebra first", ["zeb"], 20) == "zebra first"
    long = "x " * 30 + "zebra"
    assert focus_snippet(long, [], 20) == long
    assert focus_snippet(long, ["zeb"], 8) == long  # too narrow to help
    assert focus_snippet(long, ["nomatch"], 20) == long
    assert focus_snippet("… " + long, ["zeb"], 20).count("…") == 1


def test_detail_meta_line() -> None:
    s = summary("id1", "t", count=1)
    meta = detail_content(s, "sessions", "").plain.splitlines()[1]
    assert meta.startswith("grok-4.3 · 1 message · no cost reported · created ")
    assert meta.endswith(" · id id1")
    assert " 2 messages " in detail_content(summary("id2", "t"), "sessions", "").plain


def test_line_label_and_key_hints() -> None:
    assert line_label("sessions", ["x"]) == "Match"
    assert line_label("sessions", []) == "First line"
    assert line_label("trash", ["x"]) == "First line"
    sessions = keys_content("sessions").plain
    trash = keys_content("trash").plain
    assert "F2\u00a0rename" in sessions and "restore" not in sessions
    assert "Alt+E\u00a0empty\u00a0trash" in trash and "rename" not in trash
    # Hints are separated by plain spaces only (so lines break between hints).
    assert all(" " not in hint for hint in sessions.split("   "))


def test_the_cost_cell_and_detail_write_costs_as_the_status_bar_does() -> None:
    base = summary("c", "priced")
    cases = [
        (dataclasses.replace(base, cost_usd=0.0123), "$0.0123", ""),
        (dataclasses.replace(base, cost_usd=12.5, cost_estimated=True), "≈$12.50", ""),
        (base, "–", "dim"),  # no reply reported or estimated a cost
    ]
    for s, text, style in cases:
        cost = row_cells(s, [], current=False, line_width=40)[4]
        assert cost.plain == text == format_cost(s.cost_usd, estimated=s.cost_estimated)
        assert str(cost.style) == style and cost.justify == "right"
    priced = dataclasses.replace(base, cost_usd=0.12, cost_estimated=True, tokens=31_200)
    meta = detail_content(priced, "sessions", "").plain.splitlines()[1]
    assert " · cost ≈$0.1200 (31.2k tokens) · " in meta
    tokens_only = dataclasses.replace(base, tokens=900)
    assert " · cost – (900 tokens) · " in detail_content(tokens_only, "sessions", "").plain


def test_column_widths_keep_the_fixed_columns() -> None:
    narrow, wide = column_widths(78), column_widths(200)
    assert narrow["cost"] >= len("≈$0.0163") and wide["cost"] >= len("≈<$0.0001")
    assert narrow["model"] == 9 and wide["model"] == 12
    assert narrow["when"] == wide["when"] == 11 and wide["title"] == 60
    assert column_widths(10)["line"] >= 8  # never below the minimum


# -- export and import files ----------------------------------------------------------------


class Exporter:
    def export_markdown(self, session_id: str) -> str:
        return f"# {session_id}\n"

    def export_json(self, session_id: str) -> str:
        return f'{{"id": "{session_id}"}}'


def test_write_export_writes_both_files(tmp_path: Path) -> None:
    md, js = write_export(Exporter(), "abc", tmp_path / "out")
    assert (md, js) == (tmp_path / "out.md", tmp_path / "out.json")
    assert md.read_text() == "# abc\n" and js.read_text() == '{"id": "abc"}'


def test_write_export_never_overwrites_and_leaves_no_half_pair(tmp_path: Path) -> None:
    (tmp_path / "out.json").write_text("mine")
    with pytest.raises(FileExistsError):
        write_export(Exporter(), "abc", tmp_path / "out")
    assert not (tmp_path / "out.md").exists()  # removed again
    assert (tmp_path / "out.json").read_text() == "mine"
    (tmp_path / "two.md").write_text("mine too")
    with pytest.raises(FileExistsError):
        write_export(Exporter(), "abc", tmp_path / "two")
    assert (tmp_path / "two.md").read_text() == "mine too"
    assert not (tmp_path / "two.json").exists()


def test_user_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert user_path(" x.json ", tmp_path) == tmp_path / "x.json"
    assert user_path("~/x.json", Path("/elsewhere")) == tmp_path / "home" / "x.json"
    assert user_path("/abs/x", tmp_path) == Path("/abs/x")
    assert export_stem("notes.JSON", tmp_path) == tmp_path / "notes"
    assert export_stem("notes.txt", tmp_path) == tmp_path / "notes.txt"


def test_check_import_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ok.json").write_text("{}")
    (tmp_path / "big.json").write_text("x" * 11)
    (tmp_path / "folder").mkdir()
    assert check_import_source("ok.json", tmp_path) is None
    assert "Type the path" in (check_import_source("  ", tmp_path) or "")
    assert "no file" in (check_import_source("missing.json", tmp_path) or "")
    assert "not a file" in (check_import_source("folder", tmp_path) or "")
    monkeypatch.setattr(files, "MAX_IMPORT_BYTES", 10)
    assert "larger than" in (check_import_source("big.json", tmp_path) or "")


# -- layering ----------------------------------------------------------------------------------


@pytest.mark.parametrize("module", [model, files])
def test_the_data_modules_do_not_import_textual_or_rich(module: Any) -> None:
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
    assert imported  # the walk found the imports
    assert not [m for m in imported if m.split(".")[0] in ("textual", "rich")]
