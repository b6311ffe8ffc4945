"""Keys as a terminal delivers them (grok_tui.ui.textual_fixes): Alt+letter
reaches the bindings from a text widget, and keys of one burst (one terminal
read) are handled in order. The driver posts a burst's keys to the App back
to back; these tests do the same with `App.post_message`, and build Alt keys
the way Textual's xterm parser does (`Key("alt+k", "k")`), which
`Pilot.press("alt+k")` does not."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from grok_tui.ui import textual_fixes
from grok_tui.ui.screens.text_editor import TextEditorScreen

textual_fixes.apply()


def terminal_key(name: str) -> events.Key:
    """The Key event Textual's xterm parser makes for `name` ("alt+k", "ctrl+u", "a")."""
    if name.startswith("alt+") and len(name) == 5:
        return events.Key(name, name[-1])
    if name.startswith("ctrl+") and len(name) == 6:
        return events.Key(name, chr(ord(name[-1]) - 96))
    return events.Key(name, name if len(name) == 1 else None)


def burst(app: App[object], *keys: str) -> None:
    """Post the keys back to back, as the driver does for one read."""
    for key in keys:
        app.post_message(terminal_key(key))


async def until(pilot: Pilot[object], condition: Callable[[], bool], rounds: int = 200) -> None:
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause()
    assert condition()


class TextApp(App[None]):
    BINDINGS = [Binding("alt+k", "record('alt+k')"), Binding("alt+x", "record('alt+x')")]

    def __init__(self, widget: str) -> None:
        super().__init__()
        self.widget = widget
        self.actions: list[str] = []

    def compose(self) -> ComposeResult:
        yield TextArea(id="text") if self.widget == "textarea" else Input(id="text")

    def action_record(self, what: str) -> None:
        self.actions.append(what)


def _value(app: TextApp) -> str:
    widget = app.query_one("#text")
    return widget.text if isinstance(widget, TextArea) else widget.value  # type: ignore[attr-defined]


async def test_alt_letter_is_a_binding_not_text_in_a_textarea_and_an_input() -> None:
    for kind in ("textarea", "input"):
        app = TextApp(kind)
        async with app.run_test() as pilot:
            app.query_one("#text").focus()
            await pilot.pause()
            burst(app, "a", "alt+k", "b", "alt+x", "alt+z", "c")
            await until(pilot, lambda: _value(app) == "abc" and len(app.actions) == 2)
            assert app.actions == ["alt+k", "alt+x"], kind
            assert _value(app) == "abc", kind  # alt+z (unbound) types nothing either


async def test_ctrl_u_then_text_in_one_burst_keeps_the_text() -> None:
    """Ctrl+U (an Input binding, run by the App after the key bubbled up) was
    handled after the characters that followed it: the field ended empty."""
    app = TextApp("input")
    async with app.run_test() as pilot:
        field = app.query_one(Input)
        field.focus()
        field.value = "old"
        field.cursor_position = 3
        await pilot.pause()
        burst(app, "ctrl+u", *"2026-01-02")
        await until(pilot, lambda: field.value == "2026-01-02")
        for _ in range(5):
            await pilot.pause()
        assert field.value == "2026-01-02"


class EditorApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.saved: list[str | None] = []

    def on_mount(self) -> None:
        self.push_screen(TextEditorScreen("System prompt", "Be kind."), self.saved.append)


async def test_text_then_priority_ctrl_s_in_one_burst_saves_all_of_it() -> None:
    """Ctrl+S is a priority binding: it ran when the App got it, before the
    editor had inserted the characters queued ahead of it."""
    app = EditorApp()
    async with app.run_test() as pilot:
        await until(pilot, lambda: isinstance(app.focused, TextArea))
        burst(app, *" Answer briefly.", "ctrl+s")
        await until(pilot, lambda: bool(app.saved))
        assert app.saved == ["Be kind. Answer briefly."]


def test_fixes_report_themselves_once() -> None:
    assert textual_fixes.apply() == []  # applied at import already
    assert not events.Key("alt+k", "k").is_printable
    assert events.Key("k", "k").is_printable
    assert events.Key("K", "K").is_printable
