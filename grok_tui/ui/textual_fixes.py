"""Work-arounds for known bugs in the Textual version we pin (8.x).

`apply()` is called once when the app module is imported; each fix checks
that the bug is still there and does nothing otherwise, so a Textual release
that fixes it upstream is left alone.

**StylesCache.get_inner_outer keeps removed widgets' rendered lines alive**
(Textualize/textual#6665, open). The method is an instance method wrapped
in `functools.lru_cache(1024)`, so the cache key holds `self`: the
`StylesCache` of every widget that ever painted, with every `Strip` it cached
(each strip carries seven small caches of derived strips), stays reachable
after the widget is removed, until 1024 newer keys push it out. In a long
chat, folded message views, tool-log rows, toasts and closed dialogs were
all retained this way: about 200 strips and 1,400 cache objects per turn in
`bench/bench_memory.py`. The result depends only on the two colours, so the
fix caches on the colours alone and never holds a `StylesCache`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

_applied = False


def _fix_styles_cache_inner_outer() -> bool:
    from textual._styles_cache import StylesCache

    current = StylesCache.__dict__.get("get_inner_outer")
    original = getattr(current, "__wrapped__", None)
    if original is None or not hasattr(current, "cache_info"):
        return False  # not the lru_cache-wrapped method any more: fixed upstream

    @lru_cache(1024)
    def inner_outer(base_background: Any, background: Any) -> Any:
        # The original ignores its first argument (it never used `self`).
        return original(None, base_background, background)

    def get_inner_outer(self: StylesCache, base_background: Any, background: Any) -> Any:
        return inner_outer(base_background, background)

    get_inner_outer.__doc__ = "Get inner and outer background colors (cached on the colours only)."
    StylesCache.get_inner_outer = get_inner_outer  # type: ignore[method-assign,assignment]
    current.cache_clear()  # let go of the StylesCaches it holds already
    return True


def apply() -> list[str]:
    """Apply every fix still needed; the names of those applied (once)."""
    global _applied
    if _applied:
        return []
    _applied = True
    applied = []
    if _fix_styles_cache_inner_outer():
        applied.append("styles-cache-inner-outer")
    return applied


def disable() -> None:
    """Apply none of the fixes in this process (call before the app module is
    imported): `bench/bench_memory.py --mode fix` measures the app without them."""
    global _applied
    _applied = True
