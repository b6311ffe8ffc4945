"""The listing and full-text search index beside the session files (SQLite + FTS5).

The JSON files are the source of truth; this index is a cache that `sync`
brings up to date from the files' modification times and sizes. It can be
deleted at any time (it is rebuilt), and a different index version is simply
rebuilt (version 2 added each session's cost and token totals, version 4
the `branches` table: an older index is rebuilt from the files on first
open). WAL mode and a busy timeout let several grok-tui processes share it.
`SessionIndex(MEMORY)` is the same index in memory (the store's fallback when
the file cannot be created or written, e.g. on a full disk).
"""

from __future__ import annotations

import builtins
import dataclasses
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grok_tui.store.branch_hits import decode_spans, encode_spans, locate_hit
from grok_tui.store.repository import ListingTotals

#: Ids per `IN (...)` query (under SQLite's limit on bound variables).
_IN_BATCH = 500
#: 2: each session's cost and token totals; 4: the `branches` table (branch
#: counts and where off-path messages are in the searched text).
INDEX_VERSION = "4"
BUSY_TIMEOUT_MS = 10_000
#: The path of an index kept in memory only.
MEMORY = Path(":memory:")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions(
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL DEFAULT 0,
    updated_at REAL NOT NULL DEFAULT 0,
    message_count INTEGER NOT NULL DEFAULT 0,
    first_line TEXT NOT NULL DEFAULT '',
    damaged TEXT,
    cost_usd REAL,
    cost_estimated INTEGER NOT NULL DEFAULT 0,
    tokens INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS sessions_by_updated ON sessions(updated_at DESC);
CREATE INDEX IF NOT EXISTS sessions_by_cost ON sessions(cost_usd DESC);
CREATE INDEX IF NOT EXISTS sessions_by_title ON sessions(title COLLATE NOCASE);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, body, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS branches(
    id TEXT PRIMARY KEY,
    branch_count INTEGER NOT NULL,
    spans TEXT NOT NULL DEFAULT '[]'
);
"""
#: Tables `_prepare` drops before it builds the current layout.
_TABLES = ("fts", "sessions", "meta", "branches")


@dataclass(frozen=True, slots=True)
class IndexRow:
    """What the index knows of one session file."""

    id: str
    mtime_ns: int
    size: int
    title: str
    model: str
    created_at: float
    updated_at: float
    message_count: int
    first_line: str
    damaged: str | None
    #: What every reply in the file cost (`session_totals`): None when none
    #: reported or estimated a cost; `cost_estimated` when part of it is an estimate.
    cost_usd: float | None = None
    cost_estimated: bool = False
    #: Tokens of every reply in the file.
    tokens: int = 0
    body: str = ""  # full text for search (not read back)
    #: Leaves of the session's tree (`tree.branch_count`); 0 or 1: no alternatives.
    branch_count: int = 0
    #: Where each off-path message's text is in `body`: (message id, start, stop).
    off_path_spans: tuple[tuple[str, int, int], ...] = ()
    #: A search hit found only on another branch: that off-path message's id.
    hit_message_id: str | None = None


_COLUMNS = (
    "id, mtime_ns, size, title, model, created_at, updated_at, message_count, first_line, "
    "damaged, cost_usd, cost_estimated, tokens"
)

#: ORDER BY of each sort key; `{p}` is the table prefix where the query joins.
_ORDER = {
    "updated": "{p}updated_at DESC, {p}id",
    "title": "{p}title COLLATE NOCASE, {p}updated_at DESC",
    # Dearest first; sessions without a known cost last.
    "cost": "{p}cost_usd IS NULL, {p}cost_usd DESC, {p}updated_at DESC, {p}id",
}


def _order(sort: str, prefix: str = "") -> str:
    return _ORDER.get(sort, _ORDER["title"]).format(p=prefix)


def _index_row(r: tuple[Any, ...]) -> IndexRow:
    """An `IndexRow` from the `_COLUMNS` of a result row."""
    (sid, mtime_ns, size, title, model, created, updated, count, first, damaged) = r[:10]
    cost, estimated, tokens = r[10:13]
    return IndexRow(
        sid,
        mtime_ns,
        size,
        title,
        model,
        created,
        updated,
        count,
        first,
        damaged,
        cost_usd=cost,
        cost_estimated=bool(estimated),
        tokens=int(tokens or 0),
    )


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression from what the user typed: every word must
    appear (as a prefix), quoted so FTS syntax characters are taken literally."""
    words = [w for w in text.replace('"', " ").split() if w]
    if not words:
        return None
    return " ".join(f'"{w}"*' for w in words)


def make_snippet(text: str, words: list[str], width: int = 90) -> str:
    """A one-line excerpt of `text` around the first word starting with one of
    `words` (case-insensitive), like FTS5's prefix match; "" when none occurs."""
    if not text or not words:
        return ""
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)
    m = pattern.search(text)
    if m is None:
        return ""
    start = max(0, m.start() - width // 3)
    end = min(len(text), start + width)
    if start > 0:
        space = text.find(" ", start, m.start())
        start = space + 1 if space != -1 else start
    excerpt = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + excerpt + ("…" if end < len(text) else "")


class SessionIndex:
    """A thread-safe handle on the index database (one connection, one lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._conn = self._open()

    @property
    def in_memory(self) -> bool:
        return str(self.path) == str(MEMORY)

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,  # explicit transactions only
            check_same_thread=False,
        )
        try:
            return self._prepare(conn)
        except BaseException:
            conn.close()
            raise

    def _prepare(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:
            pass  # another process is switching it at this moment; it will be WAL
        conn.execute("PRAGMA synchronous = NORMAL")
        if self._version(conn) == INDEX_VERSION:
            return conn  # the usual case: no write on open
        with self._write(conn):
            if self._version(conn) != INDEX_VERSION:
                # Another layout (or a half-made file): it is only a cache, rebuild it.
                for table in _TABLES:
                    conn.execute(f"DROP TABLE IF EXISTS {table}")
                # (executescript would commit our transaction: statements one by one.)
                for stmt in _SCHEMA.split(";"):
                    if stmt.strip():
                        conn.execute(stmt)
                conn.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES('version', ?)",
                    (INDEX_VERSION,),
                )
        return conn

    @staticmethod
    def _version(conn: sqlite3.Connection) -> str | None:
        has_meta = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        if not has_meta:
            return None
        row = conn.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        return row[0] if row else None

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str, *, only_if: str | None = None) -> bool:
        """Set a meta value; with `only_if`, only when the current value is that
        (checked inside the write transaction). Returns whether it was set."""
        with self._write() as c:
            if only_if is not None:
                row = c.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
                if row is None or row[0] != only_if:
                    return False
            c.execute("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", (key, value))
        return True

    def delete_meta(self, key: str) -> None:
        with self._write() as c:
            c.execute("DELETE FROM meta WHERE key = ?", (key,))

    def bodies(self, rids: list[int]) -> dict[int, tuple[str, str]]:
        """rowid -> (title, body) of the given index rows."""
        out: dict[int, tuple[str, str]] = {}
        with self._lock:
            for rid in rids:
                row = self._conn.execute(
                    "SELECT title, body FROM fts WHERE rowid = ?", (rid,)
                ).fetchone()
                if row is not None:
                    out[rid] = (row[0], row[1])
        return out

    @contextmanager
    def _write(self, conn: sqlite3.Connection | None = None) -> Iterator[sqlite3.Connection]:
        c = conn if conn is not None else self._conn
        with self._lock:
            c.execute("BEGIN IMMEDIATE")
            try:
                yield c
            except BaseException:
                # SQLite may have rolled back already (e.g. on SQLITE_FULL).
                if c.in_transaction:
                    c.execute("ROLLBACK")
                raise
            else:
                c.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- reading -------------------------------------------------------------

    def stamps(self) -> dict[str, tuple[int, int]]:
        """id -> (mtime_ns, size) of every indexed file."""
        with self._lock:
            return {
                r[0]: (r[1], r[2])
                for r in self._conn.execute("SELECT id, mtime_ns, size FROM sessions")
            }

    def get(self, session_id: str) -> IndexRow | None:
        with self._lock:
            r = self._conn.execute(
                f"SELECT {_COLUMNS} FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
        return _index_row(r) if r else None

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM sessions").fetchone()[0])

    def list(
        self,
        sort: str = "updated",
        limit: int | None = None,
        offset: int = 0,
        *,
        include_damaged: bool = True,
    ) -> list[IndexRow]:
        where = "" if include_damaged else "WHERE damaged IS NULL "
        sql = f"SELECT {_COLUMNS} FROM sessions {where}ORDER BY {_order(sort)} LIMIT ? OFFSET ?"
        with self._lock:
            rows = self._conn.execute(sql, (-1 if limit is None else limit, offset)).fetchall()
        return self.with_branches([_index_row(r) for r in rows])

    def totals(self, query: str | None = None) -> ListingTotals:
        """How many sessions `list` (or `search(query)`) holds in all pages,
        and the sums of their costs and tokens."""
        match = fts_query(query or "")
        # total(), not sum(): capped huge counts (hand-edited files) would
        # overflow sum()'s integer; a float total is exact below 2**53.
        select = (
            "SELECT count(*), sum(s.cost_usd), max(s.cost_estimated), total(s.tokens) "
            "FROM sessions s"
        )
        with self._lock:
            if match is None:
                r = self._conn.execute(select).fetchone()
            else:
                r = self._conn.execute(
                    f"{select} JOIN fts ON s.rid = fts.rowid WHERE fts MATCH ?", (match,)
                ).fetchone()
        return ListingTotals(
            count=int(r[0] or 0),
            cost_usd=None if r[1] is None else float(r[1]),
            cost_estimated=bool(r[2]),
            tokens=int(r[3] or 0),
        )

    def search(
        self, query: str, sort: str = "updated", limit: int | None = None, offset: int = 0
    ) -> builtins.list[tuple[IndexRow, str]]:
        """Rows matching `query` in title or text, each with a snippet of the match."""
        match = fts_query(query)
        if match is None:
            return [(r, "") for r in self.list(sort, limit, offset)]
        order = _order(sort, "s.")
        cols = ", ".join(f"s.{c.strip()}" for c in _COLUMNS.split(","))
        with self._lock:
            # Pick the page first; snippets only for the rows shown.
            rows = self._conn.execute(
                f"SELECT s.rid, {cols} FROM fts JOIN sessions s ON s.rid = fts.rowid "
                f"WHERE fts MATCH ? ORDER BY {order} LIMIT ? OFFSET ?",
                (match, -1 if limit is None else limit, offset),
            ).fetchall()
        bodies = self.bodies([r[0] for r in rows])
        words = [w for w in query.replace('"', " ").split() if w]
        out: builtins.list[tuple[IndexRow, str]] = []
        for r, row in zip(rows, self.with_branches([_index_row(r[1:]) for r in rows])):
            title, body = bodies.get(r[0], ("", ""))
            hit = locate_hit(title, body, row.off_path_spans, words)
            if hit is not None:
                message_id, text = hit
                snippet = make_snippet(text, words)
                out.append((dataclasses.replace(row, hit_message_id=message_id), snippet))
            else:
                out.append((row, make_snippet(body, words) or make_snippet(title, words)))
        return out

    def with_branches(self, rows: builtins.list[IndexRow]) -> builtins.list[IndexRow]:
        """`rows` with their branch counts and off-path spans (from the
        `branches` table: a row per readable session)."""
        ids = [r.id for r in rows]
        found: dict[str, tuple[int, str]] = {}
        with self._lock:
            for start in range(0, len(ids), _IN_BATCH):
                batch = ids[start : start + _IN_BATCH]
                marks = ",".join("?" * len(batch))
                for sid, count, spans in self._conn.execute(
                    f"SELECT id, branch_count, spans FROM branches WHERE id IN ({marks})", batch
                ):
                    found[sid] = (count, spans)
        if not found:
            return rows
        return [
            dataclasses.replace(
                r, branch_count=found[r.id][0], off_path_spans=decode_spans(found[r.id][1])
            )
            if r.id in found
            else r
            for r in rows
        ]

    # -- writing -------------------------------------------------------------

    def ids_with_prefix(self, prefix: str, limit: int = 10) -> builtins.list[str]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        with self._lock:
            return [
                r[0]
                for r in self._conn.execute(
                    "SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?",
                    (escaped + "%", limit),
                )
            ]

    def upsert_many(self, rows: Iterable[IndexRow]) -> None:
        with self._write() as c:
            for row in rows:
                self._upsert(c, row)

    def upsert(self, row: IndexRow, still_current: Callable[[], bool] | None = None) -> None:
        """Index one row; with `still_current`, only if it says (inside the
        write transaction) that the file is still the one the row describes."""
        with self._write() as c:
            if still_current is None or still_current():
                self._upsert(c, row)

    def _upsert(self, c: sqlite3.Connection, row: IndexRow) -> None:
        old = c.execute("SELECT rid FROM sessions WHERE id = ?", (row.id,)).fetchone()
        values = (
            row.mtime_ns,
            row.size,
            row.title,
            row.model,
            row.created_at,
            row.updated_at,
            row.message_count,
            row.first_line,
            row.damaged,
            row.cost_usd,
            int(row.cost_estimated),
            row.tokens,
        )
        if old is None:
            cur = c.execute(
                "INSERT INTO sessions(mtime_ns, size, title, model, created_at, updated_at, "
                "message_count, first_line, damaged, cost_usd, cost_estimated, tokens, id) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (*values, row.id),
            )
            rid = cur.lastrowid
        else:
            rid = old[0]
            c.execute(
                "UPDATE sessions SET mtime_ns=?, size=?, title=?, model=?, created_at=?, "
                "updated_at=?, message_count=?, first_line=?, damaged=?, cost_usd=?, "
                "cost_estimated=?, tokens=? WHERE rid=?",
                (*values, rid),
            )
            c.execute("DELETE FROM fts WHERE rowid = ?", (rid,))
        if row.damaged is None:
            c.execute(
                "INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (rid, row.title, row.body)
            )
        c.execute("DELETE FROM branches WHERE id = ?", (row.id,))
        if row.damaged is None:
            c.execute(
                "INSERT INTO branches(id, branch_count, spans) VALUES (?, ?, ?)",
                (row.id, row.branch_count, encode_spans(row.off_path_spans)),
            )

    def remove_many(self, ids: Iterable[str]) -> None:
        with self._write() as c:
            for session_id in ids:
                old = c.execute("SELECT rid FROM sessions WHERE id = ?", (session_id,)).fetchone()
                if old is not None:
                    c.execute("DELETE FROM fts WHERE rowid = ?", (old[0],))
                    c.execute("DELETE FROM sessions WHERE rid = ?", (old[0],))
                c.execute("DELETE FROM branches WHERE id = ?", (session_id,))

    def remove(self, session_id: str) -> None:
        self.remove_many((session_id,))
