"""Benchmark of the session browser on 10,000 sessions.

Uses the data folder of `bench/bench_sessions.py` (generated once, cached) and
prints medians of:

* open: from pushing `SessionBrowserScreen` until its first page of rows is in
  the table (headless `run_test`, 120x40; the screen's compose and mount, the
  query in a thread, filling the DataTable; not the paint), against the store call alone
  (`list_sessions(limit=PAGE_SIZE)` + `count()`) as the baseline;
* filter: from setting the filter text until the matching rows are shown,
  debounce excluded (the filter runs directly), against
  `list_sessions(query, limit=PAGE_SIZE)` alone;
* the next page while scrolling (cursor to the last loaded row until 400 rows);
* of the UI-thread time per page, the part that builds the cells
  (`display.row_cells` for a page of rows, filtered and not; no table).

Usage: .venv/bin/python bench/bench_browser.py [--sessions 10000] [--seed 7]
                                               [--repeat 7] [--cache DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_sessions import generate, median_ms  # noqa: E402
from textual.app import App  # noqa: E402

from grok_tui.store import SessionStore  # noqa: E402
from grok_tui.ui.screens.session_browser import PAGE_SIZE, SessionBrowserScreen  # noqa: E402
from grok_tui.ui.screens.session_browser.display import column_widths, row_cells  # noqa: E402
from grok_tui.ui.screens.session_browser.model import query_words  # noqa: E402


class Host(App[None]):
    pass


class TimedBrowser(SessionBrowserScreen):
    """Notes when rows were last put in the table (the pilot's polling would
    otherwise add its own delay to every measurement)."""

    applied_at = 0.0
    apply_ms: list[float] = []

    def _apply(self, *args: Any, **kwargs: Any) -> None:
        t = time.perf_counter()
        super()._apply(*args, **kwargs)
        self.applied_at = time.perf_counter()
        TimedBrowser.apply_ms.append((self.applied_at - t) * 1000)


async def _until(pilot: Any, predicate: Any, limit: float = 30.0) -> None:
    end = time.perf_counter() + limit
    while not predicate():
        if time.perf_counter() > end:
            raise TimeoutError("browser did not settle")
        await pilot.pause(0)


async def measure_browser(store: SessionStore, repeat: int, query: str) -> dict[str, list[float]]:
    """Open, filter and next-page times (ms) of the browser, `repeat` each."""
    out: dict[str, list[float]] = {"open": [], "filter": [], "more": []}
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(repeat):
            browser = TimedBrowser(store, refresh=False)
            t = time.perf_counter()
            await app.push_screen(browser)
            await _until(pilot, lambda: browser.table.row_count > 0 and not browser.loading)
            out["open"].append((browser.applied_at - t) * 1000)

            t = time.perf_counter()
            browser.action_last()  # the cursor near the end loads the next page
            await _until(pilot, lambda: len(browser.rows) >= 2 * PAGE_SIZE and not browser.loading)
            out["more"].append((browser.applied_at - t) * 1000)

            t = time.perf_counter()
            browser._run_filter(query)
            await _until(pilot, lambda: not browser.loading)
            out["filter"].append((browser.applied_at - t) * 1000)
            app.pop_screen()
            await pilot.pause(0)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sessions", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "grok-tui-bench")
    args = ap.parse_args()

    root = generate(args.cache / f"s{args.seed}-n{args.sessions}", args.sessions, args.seed)
    query = "python memory"
    with SessionStore(root) as store:
        count = store.count()
        base_open = median_ms(
            lambda: (store.list_sessions(limit=PAGE_SIZE), store.count()), args.repeat * 3
        )
        base_filter = median_ms(
            lambda: store.list_sessions(query, limit=PAGE_SIZE), args.repeat * 3
        )
        base_more = median_ms(
            lambda: store.list_sessions(limit=PAGE_SIZE, offset=PAGE_SIZE), args.repeat * 3
        )
        times = asyncio.run(measure_browser(store, args.repeat, query))
        plain_page = store.list_sessions(limit=PAGE_SIZE)
        match_page = store.list_sessions(query, limit=PAGE_SIZE)
        n_match = len(match_page)
    width = column_widths(118)["line"]
    words = query_words(query)
    cells_plain = median_ms(
        lambda: [row_cells(s, [], current=False, line_width=width) for s in plain_page],
        args.repeat * 3,
    )
    cells_match = median_ms(
        lambda: [row_cells(s, words, current=False, line_width=width) for s in match_page],
        args.repeat * 3,
    )

    rows = [
        (f"store: list newest {PAGE_SIZE} + count (baseline)", base_open, ""),
        (
            "browser: open until the first page shows",
            statistics.median(times["open"]),
            f"x{statistics.median(times['open']) / base_open:.1f} vs baseline",
        ),
        (
            f"store: query {query!r}, first {PAGE_SIZE} ({n_match} shown) (baseline)",
            base_filter,
            "",
        ),
        (
            "browser: filter until the rows show (no debounce)",
            statistics.median(times["filter"]),
            f"x{statistics.median(times['filter']) / base_filter:.1f} vs baseline",
        ),
        (f"store: next {PAGE_SIZE} (offset {PAGE_SIZE}) (baseline)", base_more, ""),
        (
            "browser: cursor to the end until the next page is in",
            statistics.median(times["more"]),
            f"x{statistics.median(times['more']) / base_more:.1f} vs baseline",
        ),
        (
            "  UI-thread time per page (filling the table; the query runs in a thread)",
            statistics.median(TimedBrowser.apply_ms),
            "",
        ),
        (
            f"    of which the cells of {len(plain_page)} rows (display.row_cells, no filter)",
            cells_plain,
            "",
        ),
        (
            f"    of which the cells of {n_match} matching rows (snippets, highlights)",
            cells_match,
            "",
        ),
    ]
    print(f"\nsession browser benchmark ({count:,} sessions, median of {args.repeat} runs)")
    width = max(len(name) for name, _, _ in rows)
    for name, ms, note in rows:
        print(f"  {name:<{width}}  {ms:9.2f} ms  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
