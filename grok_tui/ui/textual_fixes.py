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

**Two Alt keys in one terminal read type "^" and a letter.** Alt+N is ESC n;
when the next ESC arrives before the parser's escape timeout (key repeat, a
fast second press, `tmux send-keys M-n M-n`), `XTermParser.parse` reissues
"ESC n" without its Alt handling, as `^` (`circumflex_accent`) and `n`, so
the prompt got "^n" and only the second Alt+N ran. The fix: in that reissue
(the only place the parser maps a lone ESC), the ESC is held and makes the
next character an Alt key, as the timeout path does.

**Keys of one terminal read are handled out of order.** Textual runs a
priority binding when the App receives the key, and every other binding when
the key has bubbled back up to the App, while a text widget handles typed
characters as soon as it gets them. So in one burst (fast typing, a paste
without bracketed paste, `tmux send-keys`), "text" + Ctrl+S saved the editor
before its last characters were inserted, and Ctrl+U + "2026-01-02" in an
Input inserted the date and then cleared the field. The fixes: (1) a text
focused widget runs the bindings of a key its own handlers left alone right
away, in order with the characters before it (the App no longer runs them
when the key bubbles up); (2) the App hands each key on only after the
focused widget has handled the keys before it, and after a screen just
pushed took the focus (bounded by `DRAIN_TIMEOUT`), so the keys after one
that moved the focus, or opened or closed a dialog, go where the focus is
now. Before, Tab Tab Tab "2026" sent the date to the widget Tab left.

**A partial screen update renders every widget in the bounding box of all
changed regions** (`Compositor.render_partial_update`, Textual 8.2). When a
line of a streaming reply and the prompt's blinking cursor (or the status
bar) change in the same frame, the crop spans everything between them: the
prompt `TextArea` (which re-applies its theme on every render), the footer,
the containers' backgrounds, the scrollbar, dozens of lines of each. Only the
lines inside the changed regions are written to the terminal, so that work
is thrown away. The fix renders each widget only on the rows where a changed
region overlaps it (one render per run of rows); the chops for the changed
spans, and so the bytes written, are the same. It also skips the rows of a
widget that the widgets in front of it already paint over (in the columns
that will be written): the screen and every container behind a streaming
reply (chat column, body, conversation, message view) were rendered on each
frame and after each layout only to be thrown away. Full updates (after a
layout) go through the same code.

Upstream-ready description: "`render_partial_update` crops to
`Region.from_union(update_regions)`, so two small dirty regions far apart
(e.g. a line of a growing Markdown widget and a blinking TextArea cursor)
make `_get_renders` call `render_lines` on every visible widget between them
for the whole union, although `ChopsUpdate` writes only the dirty spans.
Passing the update regions to `_get_renders`, and rendering each widget only
on the rows of the regions that overlap it, gives identical output and cut
the compositor's time per frame while streaming by about half in our app.
Likewise `_render_chops` renders every widget behind another on rows whose
written chops are all filled by the widgets in front already: skipping those
rows (front to back, the chops filled so far tell) gives identical output."

**A TextArea re-applies its theme on every render** (`TextArea.render_lines`
calls `TextAreaTheme.apply_css`, which looks up the widget's style and a
dozen component styles). The prompt renders one line per cursor blink (twice
a second, also while a reply streams) and on each keystroke: the theme took
half of each of those renders (bench/bench_terminal.py idle and streaming
CPU). The fix applies it again only when it can have changed: the theme
object, the widget's style (its own and its ancestors' backgrounds) or, via
`notify_style_update`, its CSS (focus, classes, the app theme).
Upstream-ready description: "`TextArea.render_lines` calls
`self._theme.apply_css(self)` on every render; its inputs change only with
the theme object, `rich_style` and the widget's CSS (`notify_style_update`),
so caching on those saves about half of each render (one line per cursor
blink)."

**Every `Strip` builds seven caches it rarely uses** (~0.9 kB per rendered
line): see `grok_tui.ui.textual_strip_caches`, applied from `apply()` too.

**A widget refreshed off screen keeps a set of all its line numbers**
(`StylesCache._dirty_lines`, until it paints them): see
`grok_tui.ui.textual_dirty_lines`, applied from `apply()` too.

"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from grok_tui.ui.textual_source import source_has

if TYPE_CHECKING:
    from textual import events

_applied = False

#: Modifiers that make a key a command, never text (Shift only changes the case).
_COMMAND_MODIFIERS = ("alt+", "ctrl+", "super+", "meta+", "hyper+")
#: The longest the App waits for the keys it handed out before to be handled.
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
    current.cache_clear()  # type: ignore[union-attr]  # let go of the StylesCaches it holds

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


def _fix_alt_burst() -> bool:
    from textual._xterm_parser import XTermParser

    probe = XTermParser()
    keys = [getattr(e, "key", None) for e in [*probe.feed("\x1bn\x1bn"), *probe.feed("")]]
    if keys == ["alt+n", "alt+n"]:
        return False  # fixed upstream
    original = XTermParser._sequence_to_key_events

    def sequence_to_key_events(
        self: XTermParser, sequence: str, alt: bool = False
    ) -> Iterable[events.Key]:
        # A lone ESC only comes here from the reissue of an unfinished
        # sequence cut short by the next ESC: it is the Alt of what follows.
        if sequence == "\x1b" and not alt:
            self._grok_pending_alt = True  # type: ignore[attr-defined]
            return
        if getattr(self, "_grok_pending_alt", False):
            self._grok_pending_alt = False  # type: ignore[attr-defined]
            alt = len(sequence) == 1 or alt
        yield from original(self, sequence, alt)

    XTermParser._sequence_to_key_events = sequence_to_key_events  # type: ignore[method-assign]
    return True


def _fix_key_order() -> bool:
    """Keys of one burst are handled in order (see the module docstring).

    1. The focused widget runs the (non-priority) bindings of a key its own
       handlers left alone, right after them; the App then skips them.
    2. The App hands a key on only once the focused widget has handled the
       keys before it (and a screen just pushed has mounted and taken the
       focus), so a key that moved the focus or opened a dialog sends the
       keys after it to the new place.
    """
    from textual import events
    from textual.app import App
    from textual.widget import Widget

    widget_on_key = Widget.__dict__["_on_key"]
    app_on_key = App.__dict__["_on_key"]
    app_on_event = App.__dict__["on_event"]
    if getattr(widget_on_key, "_grok_ordered", False):
        return False

    async def _on_key(self: Widget, event: events.Key) -> None:
        await widget_on_key(self, event)
        app = self.app
        if (
            app.focused is self
            and not event._stop_propagation
            and not event._no_default_action
            and await app._check_bindings(event.key)
        ):
            # The key still bubbles (a screen's `key_escape` clears a mouse
            # selection), but the App must not run the binding again.
            event._grok_bindings_ran = True  # type: ignore[attr-defined]

    async def app_key(self: App[Any], event: events.Key) -> None:
        if getattr(event, "_grok_bindings_ran", False):
            return  # the focused widget ran its binding already
        await app_on_key(self, event)

    async def on_event(self: App[Any], event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            await _settle(self)
        await app_on_event(self, event)

    for function in (_on_key, app_key, on_event):
        function._grok_ordered = True  # type: ignore[attr-defined,union-attr]
    Widget._on_key = _on_key  # type: ignore[method-assign]
    App._on_key = app_key  # type: ignore[method-assign]
    App.on_event = on_event  # type: ignore[method-assign]
    return True


async def _settle(app: Any) -> None:
    """Wait (bounded) until the keys handed out before were handled: the
    focused widget's queue is drained, and a screen pushed meanwhile (by one
    of those keys) is mounted and has given its widget the focus."""
    for _round in range(4):
        try:
            screen = app.screen
        except Exception:
            return
        waited = False
        if not screen._mounted_event.is_set():
            waited = True
            try:
                await asyncio.wait_for(screen._mounted_event.wait(), DRAIN_TIMEOUT)
            except TimeoutError:
                return
        if app.focused is None:
            # Its ScreenResume gives the focus to its AUTO_FOCUS widget.
            waited = await _drain(screen, keys_only=False) or waited
        focused = app.focused
        if focused is not None:
            waited = await _drain(focused) or waited
        if not waited:
            return


def _keys_pending(node: Any) -> bool:
    """Whether key events wait in `node`'s message queue (other messages do not
    hold the next key up: a busy widget's own traffic must not slow typing)."""
    from textual import events

    pending = getattr(node._message_queue, "_queue", None)  # asyncio.Queue's deque
    if pending is None:
        return not node._message_queue.empty()
    return any(isinstance(message, events.Key) for message in pending)


async def _drain(node: Any, *, keys_only: bool = True) -> bool:
    """Wait until `node` has handled the keys (or, with `keys_only=False`, all
    the messages) queued to it so far; False when there was nothing to wait for."""
    if node._message_queue.empty() or (keys_only and not _keys_pending(node)):
        return False
    done = asyncio.get_running_loop().create_future()

    def release() -> None:
        if not done.done():
            done.set_result(None)

    if not node.call_later(release):
        return False
    try:
        await asyncio.wait_for(asyncio.shield(done), DRAIN_TIMEOUT)
    except TimeoutError:
        pass
    return True


def _shows_through(
    chops_line: dict[int, Any],
    cuts: list[int],
    left: int,
    right: int,
    spans: list[tuple[int, int]] | None,
) -> bool:
    """Whether a widget over columns left..right of a row still has a chop to
    fill there (one not painted by a widget in front) that is written: it
    overlaps one of `spans` ((x1, x2) column ranges; every chop when None)."""
    for index in range(len(cuts) - 1):
        cut = cuts[index]
        if cut < left or cut >= right or chops_line.get(cut) is not None:
            continue
        if spans is None:
            return True
        end = cuts[index + 1]
        for x1, x2 in spans:
            if cut < x2 and end > x1:
                return True
    return False


def _fix_partial_update_renders_union() -> bool:
    from textual._compositor import ChopsUpdate, Compositor
    from textual.geometry import Region

    current = Compositor.__dict__.get("render_partial_update")
    if not source_has(
        current, "Region.from_union(update_regions)", "self._render_chops(crop, is_rendered_line)"
    ) or not hasattr(Compositor, "_regions_to_spans"):
        return False  # not the 8.2 shape any more: leave Textual's own code

    def render_chops(
        self: Compositor,
        regions: list[Region],
        is_rendered_line: Any,
        spans: dict[int, list[tuple[int, int]]] | None = None,
    ) -> Any:
        """As `Compositor._render_chops`, rendering each visible widget (front
        to back) only on the rows where one of `regions` overlaps it, that
        `is_rendered_line` keeps, and where it shows through the widgets in
        front of it: a row is skipped when every chop of the widget's columns
        that will be written (overlaps `spans[y]`, the written (x1, x2)
        column ranges of row y; all chops without `spans`) is filled already.
        One `render_lines` per run of rows."""
        cuts = self.cuts
        chops: list[dict[int, Any]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
        intersection = Region.intersection
        for widget, (region, clip) in self.visible_widgets.items():
            visible = intersection(region, clip)
            if not visible:
                continue
            x, top, width, _ = visible
            right = x + width
            bottom = visible.bottom
            wanted: set[int] = set()
            for changed in regions:
                if changed.overlaps(visible):
                    wanted.update(range(max(changed.y, top), min(changed.bottom, bottom)))
            rows = []
            for y in sorted(wanted):
                if not is_rendered_line(y):
                    continue
                row_spans = None if spans is None else spans.get(y, [])
                if _shows_through(chops[y], cuts[y], x, right, row_spans):
                    rows.append(y)
            index = 0
            while index < len(rows):
                start = end = rows[index]
                while index + 1 < len(rows) and rows[index + 1] == end + 1:
                    index += 1
                    end += 1
                index += 1
                strips = widget.render_lines(
                    Region(x - region.x, start - region.y, width, end + 1 - start)
                )
                for y, strip in zip(range(start, end + 1), strips):
                    chops_line = chops[y]
                    final_cuts = [cut for cut in cuts[y] if right >= cut >= x]
                    cut_strips = strip.divide([cut - x for cut in final_cuts[1:]])
                    get_chops_line = chops_line.get
                    for cut, cut_strip in zip(final_cuts, cut_strips):
                        if get_chops_line(cut) is None:
                            chops_line[cut] = cut_strip
        return chops

    def render_partial_update(self: Compositor) -> ChopsUpdate | None:
        screen_region = self.size.region
        update_regions = self._dirty_regions.copy()
        self._dirty_regions.clear()
        if not update_regions:
            return None
        regions = [r for r in (r.intersection(screen_region) for r in update_regions) if r]
        spans = list(self._regions_to_spans(update_regions))
        row_spans: dict[int, list[tuple[int, int]]] = {}
        for y, x1, x2 in spans:
            row_spans.setdefault(y, []).append((x1, x2))
        chops = render_chops(self, regions, row_spans.__contains__, row_spans)
        chop_ends = [cut_set[1:] for cut_set in self.cuts]
        return ChopsUpdate(chops, spans, chop_ends)

    render_partial_update.__doc__ = current.__doc__  # type: ignore[union-attr]
    render_partial_update.__wrapped__ = current  # type: ignore[attr-defined]
    Compositor.render_partial_update = render_partial_update  # type: ignore[method-assign]

    # Full updates (after every layout: a growth step of a streaming reply
    # scrolls the whole conversation) render through `_render_chops` too.
    chops_current = Compositor.__dict__.get("_render_chops")
    if source_has(chops_current, "self._get_renders(crop)", 'first segments for a cut "wins"'):

        def _render_chops(self: Compositor, crop: Region, is_rendered_line: Any) -> Any:
            return render_chops(self, [crop], is_rendered_line)

        _render_chops.__doc__ = chops_current.__doc__  # type: ignore[union-attr]
        _render_chops.__wrapped__ = chops_current  # type: ignore[attr-defined]
        Compositor._render_chops = _render_chops  # type: ignore[method-assign]
    return True


def _fix_text_area_theme_per_render() -> bool:
    from textual.widgets import TextArea

    current = TextArea.__dict__.get("render_lines")
    notify = TextArea.__dict__.get("notify_style_update")
    if notify is None or not source_has(
        current, "theme.apply_css(self)", "return super().render_lines(crop)"
    ):
        return False  # not the 8.2 shape any more: leave Textual's own code

    def render_lines(self: TextArea, crop: Any) -> Any:
        theme = self._theme
        if theme:
            style = self.rich_style
            applied = getattr(self, "_theme_css_applied", None)
            if applied is None or applied[0] is not theme or applied[1] != style:
                theme.apply_css(self)
                self._theme_css_applied = (theme, style)  # type: ignore[attr-defined]
        return super(TextArea, self).render_lines(crop)

    def notify_style_update(self: TextArea) -> None:
        self._theme_css_applied = None  # type: ignore[attr-defined]
        notify(self)

    render_lines.__doc__ = current.__doc__  # type: ignore[union-attr]
    render_lines.__wrapped__ = current  # type: ignore[attr-defined]
    TextArea.render_lines = render_lines  # type: ignore[method-assign]
    TextArea.notify_style_update = notify_style_update  # type: ignore[method-assign]
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
    if _fix_alt_key_printable():
        applied.append("alt-key-not-printable")
    if _fix_alt_burst():
        applied.append("alt-burst")
    if _fix_key_order():
        applied.append("key-order")
    if _fix_partial_update_renders_union():
        applied.append("partial-update-renders-changed-rows")
    if _fix_text_area_theme_per_render():
        applied.append("text-area-theme-once")
    from grok_tui.ui import textual_strip_caches  # memory: its own module (see there)

    if textual_strip_caches.apply():
        applied.append("strip-caches-on-first-use")
    from grok_tui.ui import textual_paused_timers  # CPU: its own module (see there)

    if textual_paused_timers.apply():
        applied.append("paused-timers-sleep-until-resumed")
    from grok_tui.ui import textual_dirty_lines  # memory: its own module (see there)

    if textual_dirty_lines.apply():
        applied.append("dirty-lines-drop-cache")
    return applied


def disable() -> None:
    """Apply none of the fixes in this process (call before the app module is
    imported): `bench/bench_memory.py --mode fix` measures the app without them."""
    global _applied
    _applied = True
