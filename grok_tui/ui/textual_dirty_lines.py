"""Textual's `StylesCache` keeps a set of every dirty line number of a widget
until the widget paints those lines again.

`StylesCache.set_dirty(region)` (Textual 8.x) adds each line of the region to
`_dirty_lines`, and `render` re-renders a line when it is in that set *or not
in the line cache*, then takes the rendered lines out of the set. A widget
that is refreshed while nothing of it is on screen (an `ArchiveChunk`
placeholder of older turns, a finished reply whose lines were released far
off screen, a header above the viewport) is never painted, so its set keeps
one `int` per line of its whole height: a chunk of ten long turns is ~700
lines, a 2 kB set table plus ~20 kB of `int`s, and the chunks of a long
session all keep theirs. Those lines are mostly not even in the cache.

The fix: marking a line dirty drops its cached strip instead (a line not in
the cache is rendered again anyway), so the set stays empty. The lines
rendered are the same ones, in the same renders: `render` re-renders
exactly the lines that are dirty or not cached before and after the fix.

Self-check: applied only when `set_dirty`, `is_dirty`, `clear` and `render`
are the ones we know (their source reads and writes `_dirty_lines` as
described); any other Textual version is left alone.

Upstream-ready description: "`StylesCache.set_dirty` records every line of
the dirty regions in `_dirty_lines`, which only `render` clears, for the lines
it renders. Widgets refreshed while off screen (or while their lines are not
cached at all) keep one int per line of their height indefinitely. Since
`render` already re-renders lines missing from `_cache`, `set_dirty` can pop
those lines from `_cache` instead: identical renders, no per-line set."
"""

from __future__ import annotations

from typing import Any

from grok_tui.ui.textual_source import source_of

_applied = False


def _known(styles_cache: type) -> bool:
    set_dirty = source_of(getattr(styles_cache, "set_dirty", None))
    is_dirty = source_of(getattr(styles_cache, "is_dirty", None))
    clear = source_of(getattr(styles_cache, "clear", None))
    render = source_of(getattr(styles_cache, "render", None))
    return (
        "self._dirty_lines.update(region.line_range)" in set_dirty
        and "self.clear()" in set_dirty
        and "return y in self._dirty_lines" in is_dirty
        and "self._cache.clear()" in clear
        and "self._dirty_lines.clear()" in clear
        and "is_dirty(y) or y not in self._cache" in render
        and "self._dirty_lines.difference_update(crop.line_range)" in render
    )


def apply() -> bool:
    """Make `StylesCache.set_dirty` drop cached lines instead of listing them;
    whether it was applied (once)."""
    global _applied
    from textual._styles_cache import StylesCache

    if _applied or not _known(StylesCache):
        return False

    def set_dirty(self: StylesCache, *regions: Any) -> None:
        if not regions:
            self.clear()
            return
        cache = self._cache
        if not cache:
            return  # nothing cached: every line renders anyway
        for region in regions:
            start, end = region.line_range.start, region.line_range.stop
            if end - start > len(cache):
                for y in [y for y in cache if start <= y < end]:
                    del cache[y]
            else:
                for y in range(start, end):
                    cache.pop(y, None)

    set_dirty.__doc__ = StylesCache.set_dirty.__doc__
    StylesCache.set_dirty = set_dirty  # type: ignore[method-assign]
    _applied = True
    return True
