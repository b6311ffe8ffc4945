"""Resizing the widgets of a streaming reply cheaply (one layout, kept lines).

**No second layout.** After a full reflow Textual calls `_size_updated` on
each placed widget with `layout=True`, which assigns the `virtual_size`
reactive (declared with `layout=True`): every widget whose size changed asks
for another layout, so the next frame lays the screen out again (nothing
moves) and repaints those widgets whole, although the frame just painted
them: a reply growing one step made two full-screen repaints instead of one.
`size_updated_once` stores the size as the `reflow_visible` path does
(`layout=False`) and drops the ancestors' cached arrangements as that refresh
would have. It is opt-in, for widgets whose arrangement does not depend on
that second pass (the conversation, a message view, the reply): Textual's
own toasts, for one, are placed right only by it.

**Kept lines.**

Textual drops a widget's whole painted-line cache (`_styles_cache`) when its
size changes. A streaming reply and the message view around it grow on every
growth step, so every visible line of both was rendered, styled and filtered
again although only the new rows at the bottom changed.
`size_updated_keeping_lines` is the body of a `_size_updated` override for a
widget whose painted line `y` does not depend on its height (no vertical
alignment, nothing drawn at the bottom but its bottom border/padding): when
only the height changed, the painted lines above the bottom gutter of the old
and new size are kept (the last `KEEP_SCREENS` screen heights of them: a
widget that follows a growing reply shows its bottom, and a long reply must
not keep every line it ever painted); lines whose content changed were marked
dirty by the widget's own `refresh(region)` and are repainted as before.

In a full layout (`layout=True`) the compositor repaints the resized widget's
visible part in the frame of that layout; the whole-widget repaint that
Textual's `_set_dirty()` queues on top would paint it all again with the
widget's next small refresh, so the repaint regions are put back as they were.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.geometry import Size
from textual.widget import Widget

SizeUpdated = Callable[[Size, Size, Size, bool], bool]

#: Painted lines kept above the bottom, in screen heights.
KEEP_SCREENS = 2


def size_updated_once(
    widget: Widget,
    size: Size,
    virtual_size: Size,
    container_size: Size,
    layout: bool,
    base: SizeUpdated,
) -> bool:
    """`base(...)` (Textual's `_size_updated`) without the second layout a
    full reflow (`layout=True`) would ask for (see the module)."""
    changed = base(size, virtual_size, container_size, False)
    if changed and layout:
        # What the skipped `refresh(layout=True)` also did: the ancestors'
        # cached arrangements go (one may still hold removed widgets).
        for ancestor in widget.ancestors:
            if not isinstance(ancestor, Widget):
                break
            ancestor._clear_arrangement_cache()
            if not ancestor.styles.auto_dimensions:
                break
    return changed


def size_updated_keeping_lines(
    widget: Widget,
    size: Size,
    virtual_size: Size,
    container_size: Size,
    layout: bool,
    base: SizeUpdated,
) -> bool:
    """`size_updated_once`, keeping the painted lines a height-only change
    leaves valid."""

    def once(size: Size, virtual_size: Size, container_size: Size, layout: bool) -> bool:
        return size_updated_once(widget, size, virtual_size, container_size, layout, base)

    old = widget._size
    cache = getattr(widget, "_styles_cache", None)
    saved = getattr(cache, "_cache", None)
    dirty = getattr(cache, "_dirty_lines", None)
    if (
        size.width != old.width
        or size.height == old.height
        or not isinstance(saved, dict)
        or not isinstance(dirty, set)
        or not saved
    ):
        return once(size, virtual_size, container_size, layout)
    styles = widget.styles
    bottom = styles.gutter.bottom + (1 if styles.outline.bottom[0] else 0)
    keep = min(old.height, size.height) - bottom
    try:
        screen_height = widget.app.size.height
    except Exception:  # no app (not mounted)
        screen_height = 50
    low = keep - KEEP_SCREENS * max(1, screen_height)
    kept = {y: strip for y, strip in saved.items() if low <= y < keep}
    kept_dirty = set(dirty)
    repaint = getattr(widget, "_repaint_regions", None)
    pending = set(repaint) if layout and isinstance(repaint, set) else None
    result = once(size, virtual_size, container_size, layout)
    assert cache is not None
    if not cache._cache and kept:
        cache._cache.update(kept)
        cache._dirty_lines = kept_dirty
        if pending is not None and isinstance(repaint, set):
            repaint.clear()
            repaint.update(pending)
    return result
