"""What the UI needs of the session store: `SessionRepository`, and the
values it returns (`SessionSummary`, `ListingTotals`, `SortKey`).

`SessionStore` implements it; the app, the chat screen, the checkpointer and
the session browser hold a `SessionRepository` (tests may hand them a fake
in memory that implements all of it). Semantics are `SessionStore`'s; see
docs/CONTRACTS.md. Every method may block on the disk: the UI calls them in a
thread, except `exists`/`load` where it says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from grok_tui.chat.session import Session

#: Newest first, by title, or dearest first (sessions without a known cost last).
SortKey = Literal["updated", "title", "cost"]


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One row of the session list. `damaged` is the reason when the file
    cannot be read (then title is the file name and the counts are zero).

    `cost_usd` is what every reply in the file cost (`session_totals`, so
    replies off the current path count too: they were paid for), None when
    no reply has a known cost; `cost_estimated` when part of it is an
    estimate from the model's prices; `tokens` the replies' tokens."""

    id: str
    title: str
    model: str
    created_at: float
    updated_at: float
    message_count: int
    first_line: str
    snippet: str
    damaged: str | None
    path: Path
    cost_usd: float | None = None
    cost_estimated: bool = False
    tokens: int = 0

    #: How many branches the conversation has (`tree.branch_count`: its
    #: leaves, reply versions included); 0 or 1 when it has no alternatives.
    branch_count: int = 0
    #: A search hit that is only on another branch: the off-path message that
    #: holds it (opening the hit shows that branch); None on the chosen path.
    hit_message_id: str | None = None


@dataclass(frozen=True, slots=True)
class ListingTotals:
    """Sums over every session of a listing (all pages): how many, what they
    cost (None when none has a known cost; the sum of the known costs
    otherwise, `cost_estimated` when part of it is an estimate), their tokens."""

    count: int
    cost_usd: float | None
    cost_estimated: bool
    tokens: int

    @classmethod
    def of(cls, summaries: Iterable[SessionSummary]) -> ListingTotals:
        """The totals of rows at hand (the trash, which has no index)."""
        count = tokens = 0
        cost: float | None = None
        estimated = False
        for s in summaries:
            count += 1
            tokens += s.tokens
            if s.cost_usd is not None:
                cost = (cost or 0.0) + s.cost_usd
                estimated = estimated or s.cost_estimated
        return cls(count, cost, estimated, tokens)

    def without(self, s: SessionSummary) -> ListingTotals:
        """These totals once the session `s` left the listing."""
        cost = self.cost_usd
        if s.cost_usd is not None and cost is not None:
            cost = max(0.0, cost - s.cost_usd)
        return ListingTotals(
            max(0, self.count - 1), cost, self.cost_estimated, max(0, self.tokens - s.tokens)
        )


@runtime_checkable
class SessionRepository(Protocol):
    """The store as the UI sees it."""

    @property
    def degraded(self) -> str | None:
        """Why the index lives in memory (one sentence for the user), or None."""
        ...

    # -- reading ----------------------------------------------------------------

    def exists(self, session_id: str) -> bool: ...

    def load(self, session_id: str) -> Session: ...

    def list_sessions(
        self,
        query: str | None = None,
        sort: SortKey = "updated",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[SessionSummary]: ...

    def count(self) -> int: ...

    def totals(self, query: str | None = None) -> ListingTotals:
        """Count, cost and tokens of every session `list_sessions(query)` lists."""
        ...

    def list_trash(self) -> list[SessionSummary]: ...

    def refresh(self, *, quick: bool = False) -> int: ...

    # -- writing ----------------------------------------------------------------

    def save_snapshot(self, data: dict[str, Any], *, touch: bool = True) -> bool: ...

    def discard(self, session_id: str, *, keep_attachments: bool = False) -> bool: ...

    def rename(self, session_id: str, title: str) -> Session: ...

    def duplicate(self, session_id: str) -> Session: ...

    def delete(self, session_id: str) -> None: ...

    def restore(self, session_id: str) -> str: ...

    def empty_trash(self) -> int: ...

    # -- export / import --------------------------------------------------------

    def export_markdown(self, session_id: str) -> str: ...

    def export_json(self, session_id: str) -> str: ...

    def import_json(self, text: str) -> Session: ...
