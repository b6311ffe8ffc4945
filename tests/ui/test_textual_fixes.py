"""Known Textual bugs worked around in `grok_tui.ui.textual_fixes`: each test
shows the bug's effect is gone in a real app."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Label, Static

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


@pytest.mark.parametrize(
    ("data", "keys"),
    [
        ("\x1bn\x1bn", ["alt+n", "alt+n"]),  # was: ^, n, alt+n
        ("\x1bn\x1bn\x1bp", ["alt+n", "alt+n", "alt+p"]),
        ("ab\x1bk\x1b[D", ["a", "b", "alt+k", "left"]),
        ("\x1bnx", ["alt+n", "x"]),
        ("\x1b\x1b", ["escape", "escape"]),
        ("\x1b", ["escape"]),
    ],
)
def test_alt_keys_in_one_read_stay_alt_keys(data: str, keys: list[str]) -> None:
    """What a terminal sends for Alt+N Alt+N pressed fast (or key repeat)."""
    from textual._xterm_parser import XTermParser

    textual_fixes.apply()
    parser = XTermParser()
    events = [*parser.feed(data), *parser.feed("")]
    assert [getattr(e, "key", None) for e in events] == keys


class _Tall(Static):
    """A Static that counts the lines it is asked to render."""

    def __init__(self, text: str, **kwargs: Any) -> None:
        super().__init__(text, **kwargs)
        self.rendered_lines_asked = 0

    def render_lines(self, crop: Region) -> list[Strip]:
        self.rendered_lines_asked += crop.height
        return super().render_lines(crop)


class _Screenful(App[None]):
    CSS = """
    #top, #bottom { height: 1; }
    #middle { height: 1fr; }
    Horizontal { height: 3; }
    #left { width: 1fr; background: $panel; } #right { width: 12; }
    """

    def compose(self) -> ComposeResult:
        yield _Tall("top line", id="top")
        yield _Tall("\n".join(f"middle {n} " * 4 for n in range(30)), id="middle")
        with Horizontal():
            yield Static("left\nside\npane", id="left")
            yield Static("right\nside", id="right")
        yield _Tall("bottom line", id="bottom")


def _screen_cells(update: Any, console: Any) -> dict[tuple[int, int], tuple[str, Any]]:
    """Where each character of a ChopsUpdate lands on the screen, with its style."""
    from rich.segment import ControlType

    cells: dict[tuple[int, int], tuple[str, Any]] = {}
    x = y = 0
    for segment in update.__rich_console__(console, console.options):
        if segment.control:
            for code in segment.control:
                if code[0] == ControlType.CURSOR_MOVE_TO:
                    x, y = code[1], code[2]
            continue
        if segment.text == "\n":
            continue
        for char in segment.text:
            cells[(y, x)] = (char, segment.style)
            x += 1
    return cells


async def test_a_partial_update_renders_only_the_rows_that_changed() -> None:
    """Two changed lines far apart (top and bottom of the screen) no longer
    make the compositor render every widget between them."""
    textual_fixes.apply()
    app = _Screenful()
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        top, middle, bottom = (
            app.query_one(f"#{name}", _Tall) for name in ("top", "middle", "bottom")
        )
        middle.rendered_lines_asked = 0
        top.update("top line changed")
        bottom.update("bottom line changed")
        await pilot.pause()
        assert middle.rendered_lines_asked == 0


async def test_a_partial_update_writes_the_same_as_textuals() -> None:
    """For random sets of changed regions, the fixed update puts exactly the
    characters and styles on the screen that Textual's own would."""
    import random

    from textual._compositor import Compositor

    textual_fixes.apply()
    fixed = Compositor.render_partial_update
    original = getattr(fixed, "__wrapped__", None)
    assert original is not None, "the partial-update fix is not applied"
    app = _Screenful()
    rng = random.Random(7)
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        compositor = app.screen._compositor
        console = app.console
        for _ in range(60):
            regions = {
                Region(
                    rng.randrange(60), rng.randrange(24), rng.randint(1, 30), rng.randint(1, 6)
                ).intersection(Region(0, 0, 60, 24))
                for _ in range(rng.randint(1, 4))
            }
            compositor._dirty_regions.update(regions)
            expected = _screen_cells(original(compositor), console)
            compositor._dirty_regions.update(regions)
            got = _screen_cells(fixed(compositor), console)
            assert got == expected


def test_strips_create_their_caches_on_first_use() -> None:
    """`grok_tui.ui.textual_strip_caches`: a new Strip holds none of its seven
    FIFOCaches (about 0.9 kB a line); one is created, at Textual's size, when
    first used, and the strip's results are the same."""
    from rich.segment import Segment
    from rich.style import Style
    from textual.cache import FIFOCache

    from grok_tui.ui import textual_strip_caches

    textual_fixes.apply()
    strip = Strip([Segment("hello "), Segment("world", Style(bold=True))], 11)
    held = [o for o in gc.get_referents(strip) if isinstance(o, FIFOCache)]
    assert held == []
    cropped = strip.crop(0, 5)
    assert cropped.text == "hello"
    assert strip.crop(0, 5) is cropped  # cached, as before
    assert strip._crop_cache._maxsize == textual_strip_caches.CACHE_SIZES["_crop_cache"]
    styled = strip.apply_style(Style(italic=True))
    assert strip.apply_style(Style(italic=True)) is styled
    assert [s.style for s in styled] == [Style(italic=True), Style(italic=True, bold=True)]
    assert [o for o in gc.get_referents(strip) if isinstance(o, FIFOCache)] != []
    with pytest.raises(AttributeError):
        strip.no_such_attribute  # noqa: B018  # other names still fail
    assert getattr(strip, "hidden", "default") == "default"


class _CountingBox(Vertical):
    """A container that counts the lines it is asked to render (its background)."""

    rendered_lines_asked = 0

    def render_lines(self, crop: Region) -> list[Strip]:
        self.rendered_lines_asked += crop.height
        return super().render_lines(crop)


class _Covered(App[None]):
    CSS = "#box { height: 1fr; background: $panel; } #inner { height: 1fr; }"

    def compose(self) -> ComposeResult:
        with _CountingBox(id="box"):
            yield _Tall("\n".join(f"line {n}" for n in range(40)), id="inner")


async def test_a_container_hidden_behind_its_child_is_not_rendered() -> None:
    """The rows a widget in front covers entirely are not rendered for the
    widgets behind it, in a partial update (a line of the child changed)
    and in a full one (after a layout)."""
    textual_fixes.apply()
    app = _Covered()
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        box = app.query_one("#box", _CountingBox)
        inner = app.query_one("#inner", _Tall)
        box.rendered_lines_asked = inner.rendered_lines_asked = 0
        inner.update("changed\n" * 40)
        await pilot.pause()
        assert inner.rendered_lines_asked > 0
        assert box.rendered_lines_asked == 0
        app.screen.refresh(layout=True)
        app.screen._compositor._dirty_regions.add(app.screen.region)
        await pilot.pause()
        assert box.rendered_lines_asked == 0


async def test_a_full_update_paints_the_same_as_textuals() -> None:
    """The full update (every row, every widget) puts the same strips in
    every cell as Textual's own `_render_chops`."""
    from textual._compositor import Compositor

    textual_fixes.apply()
    fixed = Compositor._render_chops
    original = getattr(fixed, "__wrapped__", None)
    assert original is not None, "the full-update fix is not applied"
    app = _Screenful()
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        compositor = app.screen._compositor
        screen = Region(0, 0, 60, 24)
        expected = original(compositor, screen, lambda y: True)
        got = fixed(compositor, screen, lambda y: True)
        assert [{c: list(s) for c, s in row.items()} for row in got] == [
            {c: list(s) for c, s in row.items()} for row in expected
        ]


class _Editor(App[None]):
    def compose(self) -> ComposeResult:
        from textual.widgets import TextArea

        yield TextArea("some text", id="editor")
        yield Static("other", id="other")


async def test_a_text_area_applies_its_theme_again_only_when_it_can_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Repaints (a cursor blink, a keystroke) reuse the applied theme; a new
    app theme or a focus change (its CSS) applies it again, with the new colours."""
    from textual._text_area_theme import TextAreaTheme
    from textual.widgets import TextArea

    textual_fixes.apply()
    calls: list[TextArea] = []
    original = TextAreaTheme.apply_css

    def counting(theme: TextAreaTheme, text_area: TextArea) -> None:
        calls.append(text_area)
        original(theme, text_area)

    monkeypatch.setattr(TextAreaTheme, "apply_css", counting)
    app = _Editor()
    async with app.run_test(size=(60, 12)) as pilot:
        editor = app.query_one("#editor", TextArea)
        editor.focus()
        await pilot.pause()
        calls.clear()
        for _ in range(5):
            editor.refresh()
            await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert editor.text.startswith("x") and calls == []
        before = editor._theme.base_style
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        await pilot.pause()
        assert calls, "a new app theme must apply the TextArea theme again"
        assert editor._theme.base_style != before
        calls.clear()
        app.query_one("#other", Static).can_focus = True
        app.query_one("#other", Static).focus()
        await pilot.pause()
        editor.refresh()
        await pilot.pause()
        assert calls, "a focus change (CSS) must apply the TextArea theme again"


async def test_a_paused_timer_sleeps_only_once_resumed(monkeypatch: pytest.MonkeyPatch) -> None:
    """`grok_tui.ui.textual_paused_timers`: a timer paused by its own tick (as
    the screen's update timer is after every frame) does not sleep until its
    next tick only to block again (a wasted wake-up per frame); resumed once
    its time has passed, it ticks at once, as before."""
    import asyncio

    from textual import _time
    from textual import timer as timer_module

    textual_fixes.apply()
    real_sleep = _time.sleep
    sleeps: list[asyncio.Task[Any] | None] = []

    async def counting_sleep(seconds: float) -> None:
        sleeps.append(asyncio.current_task())
        await real_sleep(seconds)

    monkeypatch.setattr(_time, "sleep", counting_sleep)  # the fixed loop's
    monkeypatch.setattr(timer_module, "sleep", counting_sleep)  # Textual's own
    app = App[None]()
    async with app.run_test(size=(20, 5)):
        ticked = asyncio.Event()
        ticks: list[int] = []
        sleeps_at_tick: list[int] = []

        def tick() -> None:
            ticks.append(1)
            sleeps_at_tick.append(sleeps.count(timer._task))
            timer.pause()
            ticked.set()

        timer = app.set_interval(0.001, tick, name="probe")
        await asyncio.wait_for(ticked.wait(), 30)
        for _ in range(10):  # the timer's task runs on to its next wait
            await asyncio.sleep(0)
        slept = sleeps.count(timer._task) - sleeps_at_tick[0]
        assert slept == 0, "a paused timer slept until its next tick"
        assert ticks == [1]
        ticked.clear()
        timer.resume()
        await asyncio.wait_for(ticked.wait(), 30)
        assert ticks == [1, 1]
        timer.stop()


class _Lines300(Widget):
    """A 300-line widget whose lines say `word` (changed by the test)."""

    DEFAULT_CSS = "_Lines300 { height: 300; }"
    word = "old"

    def render_line(self, y: int) -> Strip:
        return Strip([Segment(f"{self.word} {y}")]).adjust_cell_length(self.size.width)


class _OffScreenApp(App[None]):
    def compose(self) -> ComposeResult:
        with VerticalScroll(id="scroll"):
            yield _Lines300(id="top")
            yield _Lines300(id="bottom")


async def test_refreshed_off_screen_widget_keeps_no_line_set() -> None:
    """`grok_tui.ui.textual_dirty_lines`: refreshing a widget that is not on
    screen no longer records each of its lines in a set kept until it is
    painted; the lines it had cached are dropped instead, so scrolled back
    into view it paints the new content (the same renders as before)."""
    textual_fixes.apply()
    app = _OffScreenApp()
    async with app.run_test(size=(40, 10)) as pilot:
        top = app.query_one("#top", _Lines300)
        bottom = app.query_one("#bottom", _Lines300)
        scroll = app.query_one("#scroll", VerticalScroll)
        await pilot.pause()
        assert top._styles_cache._cache  # painted: its visible lines are cached
        scroll.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        top.word = "new"
        top.refresh()  # off screen: nothing painted now
        bottom.refresh()
        await pilot.pause()
        assert top._styles_cache._dirty_lines == set()
        assert bottom._styles_cache._dirty_lines == set()
        assert not top._styles_cache._cache  # its old lines are gone
        scroll.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        assert top.render_lines(Region(0, 0, top.size.width, 2))[0].text.startswith("new 0")
        screen_text = "".join(
            s.text for s in app.screen._compositor.render_update(full=True).strips[0]
        )
        assert screen_text.startswith("new 0")
