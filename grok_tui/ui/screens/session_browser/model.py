"""The browser's list of sessions as plain data (no Textual, no Rich).

- `fetch_page(store, mode, query, sort, offset, want_total)`: one query, run
  in a thread by the screen: a page of `PAGE_SIZE` rows from the store's
  index, or the whole trash (filtered and sorted here, it has no index).
- `SessionRows`: the rows loaded so far, in order, without duplicates (the
  order can change between two pages), whether more pages exist, the total
  when known; `near_end(position)` says when to fetch the next page.
- `heading_text` / `empty_text`: what the heading and the empty detail say.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from grok_tui.store import SessionSummary

#: Rows fetched from the index per query.
PAGE_SIZE = 200
#: The next page loads when the cursor (or the bottom of the view) is this
#: close to the last loaded row.
LOAD_AHEAD = 40

Mode = Literal["sessions", "trash"]
SortKey = Literal["updated", "title"]


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

    def count(self) -> int: ...


def query_words(query: str) -> list[str]:
    """The words of a filter (quotes are not phrase marks here)."""
    return [w for w in query.replace('"', " ").split() if w]


def matches(summary: SessionSummary, words: list[str]) -> bool:
    """Whether every word occurs in the title or the first line (the trash filter)."""
    hay = f"{summary.title}\n{summary.first_line}".casefold()
    return all(w.casefold() in hay for w in words)


def fetch_page(
    store: SessionSource, mode: Mode, query: str, sort: SortKey, offset: int, want_total: bool
) -> tuple[list[SessionSummary], int | None]:
    """Rows from `offset` and the total count (None when unknown or not wanted).

    Sessions: one page from the index (the count only without a filter).
    Trash: all of it, filtered and sorted here. Blocking: run it in a thread.
    """
    if mode == "trash":
        rows = store.list_trash()
        words = query_words(query)
        if words:
            rows = [r for r in rows if matches(r, words)]
        if sort == "title":
            rows.sort(key=lambda r: (r.title.casefold(), -r.updated_at))
        return rows, len(rows)
    rows = store.list_sessions(query or None, sort, PAGE_SIZE, offset)
    total = store.count() if want_total and not query.strip() else None
    return rows, total


@dataclass
class SessionRows:
    """The rows loaded so far (see the module docstring)."""

    page_size: int = PAGE_SIZE
    load_ahead: int = LOAD_AHEAD
    rows: list[SessionSummary] = field(default_factory=list)
    #: All sessions (without a filter), when counted; None otherwise.
    total: int | None = None
    #: No further page to fetch.
    exhausted: bool = False
    _ids: set[str] = field(default_factory=set, repr=False)

    def __len__(self) -> int:
        return len(self.rows)

    def reset(self, total: int | None) -> None:
        """Forget the rows: a first page comes next."""
        self.rows = []
        self._ids = set()
        self.total = total

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
        """Drop a row; its old index, or None. `counted`: it was in `total`."""
        index = self.index_of(session_id)
        if index is None:
            return None
        del self.rows[index]
        self._ids.discard(session_id)
        if counted and self.total is not None:
            self.total = max(0, self.total - 1)
        return index

    def near_end(self, position: float) -> bool:
        """Whether `position` (a row, or the bottom of the view) is close
        enough to the last row that the next page should load."""
        return position >= len(self.rows) - self.load_ahead


def heading_text(rows: SessionRows, mode: Mode, query: str) -> str:
    """ "Sessions: 1,234", "Sessions: 12+ matches", "Trash: 3 deleted sessions"..."""
    shown = len(rows)
    if mode == "trash":
        return f"Trash: {shown:,} deleted session{'s' if shown != 1 else ''}"
    if query.strip():
        more = "+" if not rows.exhausted else ""
        return f"Sessions: {shown:,}{more} match{'es' if shown != 1 else ''}"
    total = rows.total if rows.total is not None else shown
    what = f"Sessions: {total:,}"
    if shown < total:
        what += f" (showing {shown:,}, more load as you scroll)"
    return what


def sort_label(sort: SortKey) -> str:
    return "title" if sort == "title" else "last activity"


def empty_text(mode: Mode, query: str) -> str:
    """The detail line when no row is highlighted."""
    if mode == "trash":
        return "The trash is empty."
    return "No session matches." if query.strip() else "No saved sessions yet."
