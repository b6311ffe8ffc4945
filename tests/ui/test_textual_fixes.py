"""Known Textual bugs worked around in `grok_tui.ui.textual_fixes`: each test
shows the bug's effect is gone in a real app."""

from __future__ import annotations

import gc
import weakref

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from grok_tui.ui import textual_fixes


class _Churn(App[None]):
    CSS = "Label { background: $panel; }"

    def compose(self) -> ComposeResult:
        yield Vertical(id="list")


async def test_removed_widgets_rendered_lines_are_freed() -> None:
    """Textualize/textual#6665: `StylesCache.get_inner_outer` is an lru_cache
    on an instance method, so every removed widget's StylesCache (and the
    strips it cached) stayed alive. With the fix they are collected."""
    textual_fixes.apply()
    app = _Churn()
    caches: list[weakref.ref[object]] = []
    async with app.run_test(size=(60, 20)) as pilot:
        box = app.query_one("#list", Vertical)
        for round_ in range(5):
            labels = [Label(f"card {round_}.{i}") for i in range(10)]
            await box.mount(*labels)
            await pilot.pause()  # painted: each label's StylesCache holds its lines
            caches.extend(weakref.ref(label._styles_cache) for label in labels)
            await box.remove_children()
            await pilot.pause()
        gc.collect()
        alive = sum(ref() is not None for ref in caches[:40])  # the removed rounds
    assert alive == 0, f"{alive} of 40 removed widgets' StylesCaches are still alive"


def test_apply_is_idempotent_and_keeps_results() -> None:
    from textual._styles_cache import StylesCache
    from textual.color import Color

    textual_fixes.apply()
    assert textual_fixes.apply() == []
    a = StylesCache().get_inner_outer(Color(10, 20, 30), Color(0, 0, 0, 0.5))
    b = StylesCache().get_inner_outer(Color(10, 20, 30), Color(0, 0, 0, 0.5))
    assert a == b and a[1].background is not None
