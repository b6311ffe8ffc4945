"""The browser's list of sessions as plain data (no Textual, no Rich).

- `fetch_page(store, mode, query, sort, offset, want_totals)`: one query, run
  in a thread by the screen: a page of `PAGE_SIZE` rows from the store's
  index, or the whole trash (filtered and sorted here, it has no index),
  and for a first page the listing's totals (how many, their cost and
  tokens, over every page: `ListingTotals`).
- `SessionRows`: the rows loaded so far, in order, without duplicates (the
  order can change between two pages), whether more pages exist, the totals
  when known; `near_end(position)` says when to fetch the next page.
- `heading_text` / `empty_text`: what the heading and the empty detail say.
- `STORE_ERRORS`: what a store call may raise that the browser reports in
  its message line (rather than crashing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from grok_tui.chat.formatting import format_cost, format_tokens
from grok_tui.store import ListingTotals, SessionSummary, StoreError

#: Rows fetched from the index per query.
PAGE_SIZE = 200
#: The next page loads when the cursor (or the bottom of the view) is this
#: close to the last loaded row.
LOAD_AHEAD = 40

#: What a store call may raise that the browser reports as a message.
STORE_ERRORS: tuple[type[Exception], ...] = (StoreError, OSError, ValueError)

Mode = Literal["sessions", "trash"]
SortKey = Literal["updated", "title", "cost"]
#: F3 goes through these in turn.
SORT_ORDER: tuple[SortKey, ...] = ("updated", "title", "cost")


class SessionSource(Protocol):
    """What `fetch_page` needs of a `SessionStore`."""

    def list_sessions(
        self,
        query: str | None = ...,
        sort: SortKey = ...,
        limit: int | None = ...,
        offset: int = ...,
    ) -> list[SessionSummary]: ...

    def list_trash(self) -> list[SessionSummary]: ...

    def totals(self, query: str | None = ...) -> ListingTotals: ...


def query_words(query: str) -> list[str]:
    """The words of a filter (quotes are not phrase marks here)."""
    return [w for w in query.replace('"', " ").split() if w]


def matches(summary: SessionSummary, words: list[str]) -> bool:
    """Whether every word occurs in the title or the first line (the trash filter)."""
    hay = f"{summary.title}\n{summary.first_line}".casefold()
    return all(w.casefold() in hay for w in words)


def sort_rows(rows: list[SessionSummary], sort: SortKey) -> None:
    """Sort rows at hand (the trash) as the index sorts a listing."""
    if sort == "title":
        rows.sort(key=lambda r: (r.title.casefold(), -r.updated_at))
    elif sort == "cost":
        rows.sort(key=lambda r: (r.cost_usd is None, -(r.cost_usd or 0.0), -r.updated_at))


def fetch_page(
    store: SessionSource, mode: Mode, query: str, sort: SortKey, offset: int, want_totals: bool
) -> tuple[list[SessionSummary], ListingTotals | None]:
    """Rows from `offset` and the listing's totals (None when not wanted).

    Sessions: one page from the index, and the totals of every session the
    filter lets through. Trash: all of it, filtered and sorted here.
    Blocking: run it in a thread.
    """
    if mode == "trash":
        rows = store.list_trash()
        words = query_words(query)
        if words:
            rows = [r for r in rows if matches(r, words)]
        sort_rows(rows, sort)
        return rows, ListingTotals.of(rows)
    rows = store.list_sessions(query or None, sort, PAGE_SIZE, offset)
    totals = store.totals(query.strip() or None) if want_totals else None
    return rows, totals


@dataclass
class SessionRows:
    """The rows loaded so far (see the module docstring)."""

    page_size: int = PAGE_SIZE
    load_ahead: int = LOAD_AHEAD
    rows: list[SessionSummary] = field(default_factory=list)
    #: Count, cost and tokens of every session of the listing (all pages).
    totals: ListingTotals | None = None
    #: No further page to fetch.
    exhausted: bool = False
    _ids: set[str] = field(default_factory=set, repr=False)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def total(self) -> int | None:
        """How many sessions the listing has in all (None: not counted)."""
        return self.totals.count if self.totals is not None else None

    def reset(self, totals: ListingTotals | None) -> None:
        """Forget the rows: a first page comes next."""
        self.rows = []
        self._ids = set()
        self.totals = totals

    def add_page(
        self, page: Iterable[SessionSummary], *, complete: bool = False
    ) -> list[SessionSummary]:
        """Append the rows of `page` not listed yet; return those.

        A page shorter than `page_size` (or `complete`) is the last one.
        """
        added: list[SessionSummary] = []
        size = 0
        for summary in page:
            size += 1
            if summary.id in self._ids:
                continue  # the order changed between two pages
            self._ids.add(summary.id)
            self.rows.append(summary)
            added.append(summary)
        self.exhausted = complete or size < self.page_size
        return added

    def at(self, index: int) -> SessionSummary | None:
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def index_of(self, session_id: str | None) -> int | None:
        if session_id is None or session_id not in self._ids:
            return None
        return next((i for i, r in enumerate(self.rows) if r.id == session_id), None)

    def replace(self, fixed: SessionSummary) -> int | None:
        """Put `fixed` where the row with its id is; its index, or None if not listed."""
        index = self.index_of(fixed.id)
        if index is not None:
            self.rows[index] = fixed
        return index

    def remove(self, session_id: str, *, counted: bool) -> int | None:
        """Drop a row; its old index, or None. `counted`: it was in `totals`."""
        index = self.index_of(session_id)
        if index is None:
            return None
        gone = self.rows.pop(index)
        self._ids.discard(session_id)
        if counted and self.totals is not None:
            self.totals = self.totals.without(gone)
        return index

    def near_end(self, position: float) -> bool:
        """Whether `position` (a row, or the bottom of the view) is close
        enough to the last row that the next page should load."""
        return position >= len(self.rows) - self.load_ahead


def totals_text(totals: ListingTotals | None) -> str:
    """ " · $0.84 · 31k tok" (what the listed sessions cost, `≈` when part of
    it is estimated, and their tokens); the parts not known are left out."""
    if totals is None:
        return ""
    parts = []
    if totals.cost_usd is not None:
        parts.append(format_cost(totals.cost_usd, estimated=totals.cost_estimated))
    if totals.tokens:
        parts.append(f"{format_tokens(totals.tokens)} tok")
    return "".join(f" · {p}" for p in parts)


def heading_text(rows: SessionRows, mode: Mode, query: str) -> str:
    """ "Sessions: 1,234 · $0.84 · 31k tok", "Sessions: 12 matches · ≈$0.10",
    "Trash: 3 deleted sessions"... (counts and sums over every page)."""
    shown = len(rows)
    total = rows.total
    cost = totals_text(rows.totals)
    if mode == "trash":
        count = shown if total is None else total
        return f"Trash: {count:,} deleted session{'s' if count != 1 else ''}{cost}"
    if query.strip():
        if total is None:
            more = "+" if not rows.exhausted else ""
            return f"Sessions: {shown:,}{more} match{'es' if shown != 1 else ''}"
        return f"Sessions: {total:,} match{'es' if total != 1 else ''}{cost}"
    total = total if total is not None else shown
    what = f"Sessions: {total:,}{cost}"
    if shown < total:
        what += f" (showing {shown:,}, more load as you scroll)"
    return what


def sort_label(sort: SortKey) -> str:
    return {"title": "title", "cost": "cost, dearest first"}.get(sort, "last activity")


def next_sort(sort: SortKey) -> SortKey:
    """The sort F3 switches to from `sort`."""
    return SORT_ORDER[(SORT_ORDER.index(sort) + 1) % len(SORT_ORDER)]


def empty_text(mode: Mode, query: str) -> str:
    """The detail line when no row is highlighted."""
    if mode == "trash":
        return "The trash is empty."
    return "No session matches." if query.strip() else "No saved sessions yet."
