"""Full garbage collections out of the way of a streaming reply.

CPython runs a full (generation 2) collection every so often as objects
survive, and it walks every tracked object: Textual, Rich and Pygments
objects from start-up plus every rendered line of the conversation. In the
app that took 0.1–0.4 s on this 2-core machine, and it landed in the middle
of a reply as a visible freeze (bench/bench_terminal.py, "longest freeze").

`GcPolicy`:
- at its first tick with no reply streaming, collects the young
  generations and `gc.freeze()`s everything older (modules, classes, themes,
  the first screen): full collections no longer walk it. (No full collection
  first: in a process with a big heap, such as the test runner, that alone
  was a pause of a second under load, long enough to break a triple click);
- turns off CPython's automatic full collections (generations 0 and 1 still
  run as usual: they only walk young objects and take a few milliseconds);
- runs the full collection itself, once a second at most, when enough
  generation-1 collections happened since the last one (CPython's own
  threshold, 10) and nothing is streaming at that tick; or, during
  a very long stream, after `FORCE_AFTER_GEN1` of them, so cyclic garbage
  stays bounded.

After a full collection at an idle tick, and at the first idle tick after a
reply (busy ticks), the C allocator is asked to give freed memory back to
the system (`malloc_trim(0)`, glibc only, looked up once through ctypes;
elsewhere nothing is done). Python returns its own empty
arenas, but the lists, dicts and strings above 512 bytes of a folded or
released reply live in glibc's heap, whose free pages otherwise stay in the
RSS, and so do the growing JSON buffers of a session saved every second (80
saves of a session growing by ~8 kB a turn: RSS +9.1 MB, +5.7 MB with a
trim every 10). In a soak-like run this gave back 1-1.5 MB after 40-60
turns, for a few milliseconds while nothing streams.

The first idle tick after a reply comes up to a second after it ended, and
a reply that streams between two ticks was never seen busy (a short answer, a
fast server): no trim at all. So the chat screen calls `reply_ended()` as a
reply ends, and the app ticks again `AFTER_REPLY_SECONDS` later: freed memory
goes back once per reply, right after it, whatever its length.

`tune_allocator()` (glibc only, once, before the app's threads start) makes
two of glibc's settings fixed, for a process that frees a large buffer over
and over (the session document of each save, in a thread, a little larger
each turn): the mmap threshold stays at its default 128 KiB, so such a buffer
is mapped and unmapped instead of raising the threshold and then living in
the heap (where the next, larger one cannot reuse its hole, and trimming
gives back only whole free pages); and at most `ARENA_MAX` malloc arenas, so
the writer and worker threads share freed memory instead of each keeping an
arena of its own (2 cores: no contention to speak of). In
`bench/bench_terminal.py`'s memory run (40 turns in tmux) these two, with the
trim after each reply, took the growth after warm-up from about 0.22 to
0.13 MB per turn (medians of 3, same runs; see the README's figures).

Frozen objects are still freed by reference counting; only cycles among
them would wait, and start-up objects live as long as the app. `stop()`
restores the thresholds and unfreezes.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from functools import cache
from typing import Any

#: Generation-1 collections between full ones (CPython's default threshold2).
FULL_AFTER_GEN1 = 10
#: A full collection even while busy after this many (cyclic garbage stays bounded).
FORCE_AFTER_GEN1 = 2000
TICK_SECONDS = 1.0
#: The extra tick after a reply ended (its last lines painted by then).
AFTER_REPLY_SECONDS = 0.1
#: glibc's mmap threshold, fixed at its default (no dynamic raise).
MMAP_THRESHOLD = 128 * 1024
#: glibc's malloc arenas at most (the main one and one for all threads).
ARENA_MAX = 2
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameters (malloc.h)
_M_ARENA_MAX = -8
_NEVER = 2**31 - 1


def _gen1_collections() -> int:
    return int(gc.get_stats()[1]["collections"])


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, or None (another C library, or none found)."""
    libc = _libc()
    if libc is None:
        return None
    import ctypes

    trim = libc.malloc_trim
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim  # type: ignore[no-any-return]


@cache
def _libc() -> Any:
    """glibc through ctypes, or None (not Linux, another C library)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # here: not a start-up import

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim, libc.mallopt  # noqa: B018 - glibc has both
    except (OSError, AttributeError):  # musl, or no libc.so.6
        return None
    return libc


def tune_allocator() -> bool:
    """Fix glibc's mmap threshold and cap its arenas (see the module); whether
    it could. Call once, early: arenas already made stay."""
    libc = _libc()
    if libc is None:
        return False
    import ctypes

    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.mallopt.restype = ctypes.c_int
    ok = libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    return bool(libc.mallopt(_M_ARENA_MAX, ARENA_MAX) == 1 and ok)


def release_free_memory() -> bool:
    """Give the C heap's free pages back to the system (glibc); whether it could."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


class GcPolicy:
    """Full collections when the app is not busy (see the module)."""

    def __init__(self, busy: Callable[[], bool]) -> None:
        self._busy = busy
        self._saved: tuple[int, int, int] | None = None
        self._gen1_at_full = 0
        self._trim_due = False  # busy since the last trim
        self.full_collections = 0

    @property
    def active(self) -> bool:
        return self._saved is not None

    def start(self) -> None:
        """Collect the young generations, freeze what exists, take over full collections."""
        if self._saved is not None:
            return
        gc.collect(1)
        gc.freeze()
        self._saved = gc.get_threshold()
        gen0, gen1, _ = self._saved
        gc.set_threshold(gen0, gen1, _NEVER)
        self._gen1_at_full = _gen1_collections()

    def stop(self) -> None:
        """Give full collections back to CPython (and unfreeze)."""
        if self._saved is None:
            return
        gc.set_threshold(*self._saved)
        self._saved = None
        gc.unfreeze()

    def reply_ended(self) -> None:
        """A reply just ended: the next idle tick gives freed memory back
        (the app ticks `AFTER_REPLY_SECONDS` later)."""
        self._trim_due = True

    def tick(self, *_: Any) -> bool:
        """Run a full collection if one is due and the app is idle; whether it ran."""
        if self._saved is None:
            return False
        busy = self._busy()
        since = _gen1_collections() - self._gen1_at_full
        due = since >= FULL_AFTER_GEN1 and not busy
        if busy:
            self._trim_due = True
        if not due and since < FORCE_AFTER_GEN1:
            if not busy and self._trim_due:  # the first idle tick after a reply
                self._trim_due = False
                release_free_memory()
            return False
        gc.collect()
        self._gen1_at_full = _gen1_collections()
        self.full_collections += 1
        if not busy:  # idle: a few ms to hand freed pages back (not in a stream)
            self._trim_due = False
            release_free_memory()
        return True
