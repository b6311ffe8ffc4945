"""A multiline text editor dialog (used for the system prompt).

`TextEditorScreen(title, text, *, hint=None)` is a `ModalScreen[str | None]`:
Ctrl+S dismisses with the edited text, Esc with None (the text is unchanged
for the caller). The text is shown as is in a `TextArea` (no markup); control
characters other than tab and newline are stripped from the initial text.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from grok_tui.sanitize import one_line, strip_control
from grok_tui.ui.stylesheets import stylesheet


class TextEditorScreen(ModalScreen[str | None]):
    """Edit a text; Ctrl+S saves, Esc cancels."""

    DEFAULT_CSS = stylesheet(__file__)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),
    ]

    def __init__(self, title: str, text: str, *, hint: str | None = None) -> None:
        super().__init__()
        self._title = one_line(title, 200)
        self._text = strip_control(text)
        self._hint = hint or "Ctrl+S save · Esc cancel"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content(self._title), id="title")
            yield TextArea(
                self._text,
                id="editor",
                soft_wrap=True,
                tab_behavior="indent",
                show_line_numbers=False,
            )
            yield Static(Content(self._hint), id="hint")

    def on_mount(self) -> None:
        editor = self.query_one("#editor", TextArea)
        editor.focus()
        editor.move_cursor(editor.document.end)

    @property
    def text(self) -> str:
        return self.query_one("#editor", TextArea).text

    def action_save(self) -> None:
        self.dismiss(self.text)

    def action_cancel(self) -> None:
        self.dismiss(None)
