"""Textual's `Strip` creates its seven caches only when first used.

Textual 8.x's `Strip.__init__` builds seven `FIFOCache`s (crop, style,
divide, filter, line length, crop-extend, offsets), each an object plus a
dict, for every line ever rendered: about 0.9 kB on top of the segments,
although most strips never use more than one or two of them (a line of a
finished reply is styled and cropped once; the styled and cropped strips it
derives use none). Strips are the bulk of a long chat's rendered memory (the
lines of the mounted replies, Textual's per-widget line caches, the derived
strips in those caches), so in `bench/bench_soak.py` about 5,000 live strips
carried ~35,000 cache objects.

The fix: `Strip.__init__` no longer creates the caches, and a class-level
`__getattr__` (called by Python only when a slot is unset) creates a cache
on its first use, with the size Textual gives it, and stores it in its slot;
every later access is a plain slot read. Behaviour is unchanged: the same
caches, the same sizes, the same results. Textual's own `Content` already
creates its caches this way.

Self-check: applied only when `Strip.__init__` is the one we know (its source
builds those seven caches, and nothing else than the fields set here); any
other Textual version is left alone.

Upstream-ready description: "`Strip.__init__` allocates seven `FIFOCache`
instances (each with a dict) per strip, ~0.9 kB per line, though most strips
use at most one or two. Creating them on first use (as `Content` does for
`_divide_cache`/`_split_cache`) roughly halves the memory of cached lines and
the allocation work per rendered line, with identical output."
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from grok_tui.ui.textual_source import source_of

#: Strip's caches and the sizes Textual 8.x gives them.
CACHE_SIZES: dict[str, int] = {
    "_divide_cache": 4,
    "_crop_cache": 16,
    "_style_cache": 16,
    "_filter_cache": 4,
    "_line_length_cache": 4,
    "_crop_extend_cache": 4,
    "_offsets_cache": 4,
}
#: What the known `Strip.__init__` sets besides the caches.
_OTHER_FIELDS = ("_segments", "_cell_length", "_render_cache", "_link_ids", "_cell_count")

_applied = False


def _known_init(strip_class: type) -> bool:
    source = source_of(strip_class.__init__)  # type: ignore[misc]
    if not source:
        return False
    builds = all(f"self.{name}" in source for name in CACHE_SIZES)
    sizes = all(f"FIFOCache({size})" in source for size in set(CACHE_SIZES.values()))
    assigned = source.count("self._")
    slots = set(getattr(strip_class, "__slots__", ()))
    return (
        builds
        and sizes
        and assigned == len(CACHE_SIZES) + len(_OTHER_FIELDS)
        and slots == set(CACHE_SIZES) | set(_OTHER_FIELDS)
        and "__getattr__" not in strip_class.__dict__
    )


def apply() -> bool:
    """Make `Strip` create its caches lazily; whether it was applied (once)."""
    global _applied
    from textual.cache import FIFOCache
    from textual.strip import Strip

    if _applied:
        return False
    if not _known_init(Strip):
        return False

    def __init__(self: Strip, segments: Iterable[Any], cell_length: int | None = None) -> None:
        self._segments = list(segments)
        self._cell_length = cell_length
        self._render_cache = None
        self._link_ids = None
        self._cell_count = None

    def __getattr__(self: Strip, name: str) -> Any:
        # Only called for an unset slot: a cache not used yet.
        size = CACHE_SIZES.get(name)
        if size is None:
            raise AttributeError(name)
        cache: FIFOCache[Any, Any] = FIFOCache(size)
        setattr(self, name, cache)
        return cache

    __init__.__doc__ = Strip.__init__.__doc__
    Strip.__init__ = __init__  # type: ignore[method-assign]
    Strip.__getattr__ = __getattr__  # type: ignore[attr-defined]
    _applied = True
    return True
