"""The instants at which the app wakes up while a reply streams.

Every wake-up of the event loop costs CPU whatever it does (about 0.4 ms of
the main thread on the 2-core development machine, `bench/bench_terminal.py`),
so the periodic work of a streaming reply is put on one grid of instants,
the multiples of `FRAME_INTERVAL` on the monotonic clock (`time.monotonic`,
the event loop's clock): the paced network reads (`grok_tui.api.sse.ReadPacing`)
and the Markdown renders (`grok_tui.ui.widgets.markdown_stream`) come due at
the same instants and run in one wake-up, and the screen update follows in
it. A render shows what the read before it brought, one frame later.

No Textual and no I/O here: both the wire layer and the UI use it.
"""

from __future__ import annotations

import math

#: Seconds between two instants of the grid: at most 15 screen updates a
#: second while a reply streams, so the screen never stands still for 0.1 s.
FRAME_INTERVAL = 1 / 15


def next_instant(at_least: float, interval: float = FRAME_INTERVAL) -> float:
    """The first instant of the grid at or after `at_least` (monotonic seconds)."""
    return math.ceil(at_least / interval) * interval
