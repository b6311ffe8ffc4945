"""A paused Textual `Timer` sleeps until it is resumed, not until its next tick.

Textual 8.x's `Timer._run` sleeps until the next tick and only then waits
for the timer to be active: a paused interval timer still wakes the process
at every tick, to block again. The screen's update timer (`screen_update`,
60 per second) is paused after each frame and resumed when something needs
painting, so while a reply streams every frame cost two wake-ups of the
event loop: the one that paints and the paused timer's next tick, 16 ms
later, which does nothing. On the 2-core development machine a wake-up of
the main thread costs about 0.4 ms of CPU whatever it does
(`bench/bench_terminal.py`: the process's context switches and CPU ticks
while a 2,000-token reply streams), so that empty tick was a sixth of the
app's CPU while streaming.

The fix: when the timer is paused before its next sleep, it waits to be
resumed first; then it ticks at its scheduled time, or at once when that
time has passed (as before, when the pause outlasted the sleep). Ticks, their
times and `skip` are unchanged; only the sleeps of a paused timer are gone.

Self-check: applied only when `Timer._run` is the loop we know (its source
sleeps until `next_timer` and then awaits `self._active.wait()`); any other
Textual version is left alone.

Upstream-ready description: "`Timer._run` awaits `sleep(wait_time)` and then
`self._active.wait()`, so a paused timer keeps waking up once per interval
only to block again. The screen's update timer is paused after every frame,
so an app repainting at a modest rate wakes twice per frame. Waiting for
`_active` before sleeping when the timer is paused (and ticking at once if
the scheduled time passed meanwhile) keeps the same ticks without those
wake-ups."
"""

from __future__ import annotations

from typing import Any

from grok_tui.ui.textual_source import source_has

_applied = False


def _known_run(timer_class: type) -> bool:
    return source_has(
        getattr(timer_class, "_run", None),
        "next_timer = start + ((count + 1) * _interval)",
        "await sleep(wait_time)",
        "await self._active.wait()",
        "await self._tick(next_timer=next_timer, count=count)",
        "if self._reset:",
    )


def apply() -> bool:
    """Install the fix (once); False when Textual's `Timer._run` is not the known one."""
    global _applied
    from textual import _time
    from textual.timer import EventTargetGone, Timer

    if _applied:
        return True
    if not _known_run(Timer):
        return False

    async def _run(self: Any) -> None:
        """Run the timer (a paused timer sleeps only once resumed)."""
        count = 0
        _repeat = self._repeat
        _interval = self._interval
        _ = self._active  # Force instantiation in same thread
        await self._active.wait()
        start = _time.get_time()

        while _repeat is None or count <= _repeat:
            next_timer = start + ((count + 1) * _interval)
            now = _time.get_time()
            if self._skip and next_timer < now:
                count = int((now - start) / _interval + 1)
                continue
            if not self._active.is_set():
                # Paused: no wake-up per tick while nothing can happen.
                await self._active.wait()
            now = _time.get_time()
            wait_time = max(0, next_timer - now)
            await _time.sleep(wait_time)
            count += 1
            await self._active.wait()
            if self._reset:
                start = _time.get_time()
                count = 0
                self._reset = False
                continue
            try:
                await self._tick(next_timer=next_timer, count=count)
            except EventTargetGone:
                break

    _run.__wrapped__ = Timer._run  # type: ignore[attr-defined]
    Timer._run = _run  # type: ignore[method-assign]
    _applied = True
    return True
