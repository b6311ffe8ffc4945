"""One bounded wait for Pilot tests: poll a condition while the app runs.

No fixed sleeps: the app runs between polls (`pilot.pause`), and the wait ends
as soon as the condition holds. It gives up only after both `steps` polls and
`MIN_SECONDS` of wall time, so a loaded machine (CI on 2 shared cores) gets the
same patience in seconds as an idle one gets in polls.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

#: A wait never gives up sooner than this (seconds of wall time).
MIN_SECONDS = 30.0


async def wait_for(
    pilot: Any, predicate: Callable[[], Any], *, steps: int = 400, what: str = "condition"
) -> None:
    """Let the app run until `predicate()` is true (a query that matches
    nothing yet counts as false); AssertionError naming `what`."""
    from textual.css.query import NoMatches

    deadline = time.monotonic() + MIN_SECONDS
    polls = 0
    while True:
        try:
            if predicate():
                return
        except NoMatches:  # a query before the widget is composed: not yet
            pass
        if polls >= steps and time.monotonic() >= deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.01)
        polls += 1


def palette_hits(app: Any) -> list[str]:
    """The command palette's hits as shown, first line of each, best first."""
    from textual.command import CommandList

    options = app.screen.query_one(CommandList).options
    return [str(getattr(o.prompt, "plain", o.prompt)).splitlines()[0] for o in options]


def palette_searching(app: Any) -> bool:
    """True while the command palette is still gathering hits for what was
    typed: its hits arrive in batches (every 0.25 s), so a test that looks or
    presses Enter before the search ends races with it."""
    from textual.command import CommandPalette

    group = CommandPalette._GATHER_COMMANDS_GROUP
    return any(w.group == group and not w.is_finished for w in app.workers)
