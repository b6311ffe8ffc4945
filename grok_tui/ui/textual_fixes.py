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

**An Alt+letter types its letter into a text widget.** A terminal sends Alt+K
as ESC k; Textual's parser makes it `Key("alt+k", character="k")`, which is
`is_printable`, so `TextArea._on_key` and `Input._on_key` insert the "k" and
stop the event: no binding ever sees Alt+K while a text widget has focus.
(`Pilot.press("alt+k")` posts no character, so Pilot tests never saw it.)
The fix: a key with a modifier other than Shift is never printable.

**Keys of one terminal read are handled out of order.** Textual runs a
priority binding when the App receives the key, and every other binding when
the key has bubbled back up to the App, while a text widget handles typed
characters as soon as it gets them. So in one burst (fast typing, a paste
without bracketed paste, `tmux send-keys`), "text" + Ctrl+S saved the editor
before its last characters were inserted, and Ctrl+U + "2026-01-02" in an
Input inserted the date and then cleared the field. The fixes: (1) a text
widget (`TextArea`, `Input`) that has focus runs the bindings of a key it does
not insert itself right away, in order with the characters before it; (2)
before a priority binding runs, the App waits (bounded) until the focused
widget has handled the keys already handed to it.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any

_applied = False

#: Modifiers that make a key a command, never text (Shift only changes the case).
_COMMAND_MODIFIERS = ("alt+", "ctrl+", "super+", "meta+", "hyper+")
#: The longest a priority binding waits for the focused widget's queued keys.
DRAIN_TIMEOUT = 1.0


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


def is_command_key(key: str) -> bool:
    """True for a key name with a modifier other than Shift ("alt+k", "ctrl+shift+y")."""
    return any(mod in key for mod in _COMMAND_MODIFIERS)


def _fix_alt_key_printable() -> bool:
    from textual import events

    if not events.Key("alt+k", "k").is_printable:
        return False  # fixed upstream

    original = events.Key.is_printable

    def is_printable(self: events.Key) -> bool:
        if is_command_key(self.key):
            return False
        return bool(original.fget(self))  # type: ignore[attr-defined]

    is_printable.__doc__ = original.__doc__
    events.Key.is_printable = property(is_printable)  # type: ignore[method-assign,assignment]
    return True


def _inserts(widget: Any, key: Any) -> bool:
    """Whether a text widget's own `_on_key` takes this key (a character, or
    Enter/Tab/Esc where a TextArea inserts or handles them)."""
    from textual.widgets import TextArea

    if getattr(widget, "read_only", False):
        return False
    if key.is_printable:
        return True
    if isinstance(widget, TextArea):
        if key.key == "enter":
            return True
        if widget.tab_behavior == "indent" and key.key in ("tab", "escape"):
            return True
    return False


def _fix_text_widget_key_order() -> bool:
    from textual import events
    from textual.widgets import Input, TextArea

    from textual.app import App

    app_on_key = App.__dict__["_on_key"]
    if getattr(app_on_key, "_grok_ordered", False):
        return False

    async def app_key(self: App[Any], event: events.Key) -> None:
        if getattr(event, "_grok_bindings_ran", False):
            return  # the focused text widget ran its binding already
        await app_on_key(self, event)

    app_key._grok_ordered = True  # type: ignore[attr-defined]
    App._on_key = app_key  # type: ignore[method-assign]

    patched = True
    for cls in (TextArea, Input):
        original = cls.__dict__.get("_on_key")
        if original is None or getattr(original, "_grok_ordered", False):
            continue

        def make(original: Any) -> Any:
            async def _on_key(self: Any, event: events.Key) -> None:
                app = self.app
                if (
                    not _inserts(self, event)
                    and app.focused is self
                    and await app._check_bindings(event.key)
                ):
                    # Handled here, in order with the keys before it. The key
                    # still bubbles (a screen's `key_escape` clears a mouse
                    # selection), but the App must not run the binding again.
                    event._grok_bindings_ran = True  # type: ignore[attr-defined]
                    return
                await original(self, event)

            _on_key._grok_ordered = True  # type: ignore[attr-defined]
            return _on_key

        cls._on_key = make(original)  # type: ignore[method-assign]
        patched = True
    return patched


def _fix_priority_binding_order() -> bool:
    from textual.app import App

    original = App._check_bindings
    if getattr(original, "_grok_ordered", False):
        return False

    async def _check_bindings(self: App[Any], key: str, priority: bool = False) -> bool:
        if priority and _has_priority_binding(self, key):
            await _drain_focused(self)
        return await original(self, key, priority)

    _check_bindings._grok_ordered = True  # type: ignore[attr-defined]
    App._check_bindings = _check_bindings  # type: ignore[method-assign]
    return True


def _has_priority_binding(app: Any, key: str) -> bool:
    try:
        chain = app.screen._binding_chain
    except Exception:
        return False
    return any(
        binding.priority
        for _namespace, bindings in chain
        for binding in bindings.key_to_bindings.get(key, ())
    )


async def _drain_focused(app: Any) -> None:
    """Wait until the focused widget has handled the messages (keys) queued to it."""
    focused = app.focused
    if focused is None or focused._message_queue.empty():
        return
    done = asyncio.get_running_loop().create_future()

    def release() -> None:
        if not done.done():
            done.set_result(None)

    if not focused.call_later(release):
        return
    try:
        await asyncio.wait_for(asyncio.shield(done), DRAIN_TIMEOUT)
    except asyncio.TimeoutError:
        pass


def apply() -> list[str]:
    """Apply every fix still needed; the names of those applied (once)."""
    global _applied
    if _applied:
        return []
    _applied = True
    applied = []
    if _fix_styles_cache_inner_outer():
        applied.append("styles-cache-inner-outer")
    if _fix_alt_key_printable():
        applied.append("alt-key-not-printable")
    if _fix_text_widget_key_order():
        applied.append("text-widget-key-order")
    if _fix_priority_binding_order():
        applied.append("priority-binding-order")
    return applied


def disable() -> None:
    """Apply none of the fixes in this process (call before the app module is
    imported): `bench/bench_memory.py --mode fix` measures the app without them."""
    global _applied
    _applied = True
