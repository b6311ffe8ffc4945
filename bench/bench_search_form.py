"""Cost of the search settings form (run: .venv/bin/python bench/bench_search_form.py).

1. Mount: a headless app showing a Static (baseline) vs the same app with the
   SearchForm beside it, both measured in this run: the difference is what the
   form adds to the chat screen's start-up (it is composed even while hidden).
2. One change: validating a settings candidate as each keystroke does
   (`model_dump` + `model_validate`), against a plain `SearchSettings()` build.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import Static  # noqa: E402

from grok_tui.chat.search import SearchSettings  # noqa: E402
from grok_tui.ui.widgets.search_form import SearchForm  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "9"))
FULL = SearchSettings.model_validate(
    {
        "web": {"enabled": True, "domains": ["a.com", "b.com", "c.com", "d.com", "e.com"]},
        "x": {
            "enabled": True,
            "handles": [f"user{i}" for i in range(10)],
            "from_date": "2025-01-01",
            "to_date": "2025-02-01",
        },
        "max_turns": 5,
    }
)


class Baseline(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("chat")


class WithForm(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("chat")
        yield SearchForm(FULL)


async def mount_time(app_cls: type[App[None]]) -> float:
    start = time.perf_counter()
    app = app_cls()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
    return time.perf_counter() - start


def micro(fn: object, n: int = 2000) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()  # type: ignore[operator]
    return (time.perf_counter() - start) / n


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GROK_TUI_CONFIG_DIR"] = tmp
        os.environ["GROK_TUI_DATA_DIR"] = tmp
        base: list[float] = []
        form: list[float] = []
        for _ in range(RUNS):  # interleaved so load changes hit both alike
            base.append(asyncio.run(mount_time(Baseline)))
            form.append(asyncio.run(mount_time(WithForm)))
    b, f = statistics.median(base), statistics.median(form)
    print(f"mount, baseline app      : median {b * 1000:7.1f} ms ({RUNS} runs)")
    print(
        f"mount, with SearchForm   : median {f * 1000:7.1f} ms  ratio {f / b:.2f}  (+{(f - b) * 1000:.0f} ms)"
    )

    plain = [micro(SearchSettings) for _ in range(RUNS)]
    change = [micro(lambda: SearchSettings.model_validate(FULL.model_dump())) for _ in range(RUNS)]
    p, c = statistics.median(plain), statistics.median(change)
    print(f"SearchSettings()         : median {p * 1e6:7.1f} us")
    print(f"one change (full lists)  : median {c * 1e6:7.1f} us  ratio {c / p:.1f}")


if __name__ == "__main__":
    main()
