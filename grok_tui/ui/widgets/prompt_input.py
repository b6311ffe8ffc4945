"""The multiline prompt: Enter sends, Shift+Enter / Ctrl+J insert a newline.

Up at the first visual line and Down at the last walk the prompt history
(`PromptHistory`, kept per app run and optionally persisted by the app). An
empty (whitespace-only) prompt is never sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from typing import ClassVar

from textual.binding import BindingType
from textual.message import Message
from textual.widgets import TextArea

from grok_tui.ui.keymap import bindings_for


@dataclass
class PromptHistory:
    """Sent prompts, oldest first, with a cursor for walking them.

    `position == len(entries)` means "not walking": the prompt shows the draft.
    """

    entries: list[str] = field(default_factory=list)
    limit: int = 500
    position: int = 0
    draft: str = ""

    def __post_init__(self) -> None:
        self.position = len(self.entries)

    def add(self, text: str) -> None:
        if text.strip() and (not self.entries or self.entries[-1] != text):
            self.entries.append(text)
            if len(self.entries) > self.limit:
                del self.entries[: len(self.entries) - self.limit]
        self.reset()

    def reset(self) -> None:
        self.position = len(self.entries)
        self.draft = ""

    @property
    def walking(self) -> bool:
        return self.position < len(self.entries)

    def previous(self, current: str) -> str | None:
        """The entry before the current one (saving the draft first), or None."""
        if not self.entries or self.position == 0:
            return None
        if not self.walking:
            self.draft = current
        self.position -= 1
        return self.entries[self.position]

    def next(self) -> str | None:
        """The entry after the current one, the draft at the end, or None when not walking."""
        if not self.walking:
            return None
        self.position += 1
        if self.position == len(self.entries):
            return self.draft
        return self.entries[self.position]


class PromptInput(TextArea):
    """The prompt editor (a `TextArea` with chat keys)."""

    DEFAULT_CSS = """
    PromptInput {
        height: auto;
        min-height: 3;
        max-height: 12;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("prompt")

    class Submitted(Message):
        """The user pressed Enter on a non-empty prompt."""

        def __init__(self, prompt: PromptInput, text: str) -> None:
            super().__init__()
            self.prompt = prompt
            self.text = text

        @property
        def control(self) -> PromptInput:
            return self.prompt

    def __init__(
        self,
        text: str = "",
        *,
        history: PromptHistory | None = None,
        placeholder: str = "Ask Grok…  (Enter send · Ctrl+J newline · ↑ history)",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(
            text,
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
            highlight_cursor_line=False,
            placeholder=placeholder,
            id=id,
            classes=classes,
        )
        self.prompt_history = history if history is not None else PromptHistory()

    # -- keys -------------------------------------------------------------
    # Enter / Shift+Enter / Ctrl+J are priority bindings (ids chat.send and
    # chat.newline, remappable) so they beat TextArea's own Enter handling.

    # Priority bindings run when the App receives the key, which can be before
    # this widget has handled keys that arrived in the same burst ("hello\r"
    # in one read from the terminal): queue the action behind them with
    # `call_later`, so the text is complete and the newline lands in order.

    def action_send(self) -> None:
        self.call_later(self.submit)

    def action_newline(self) -> None:
        self.call_later(self._insert_newline)

    def _insert_newline(self) -> None:
        if self.read_only:
            return
        start, end = self.selection
        self._replace_via_keyboard("\n", start, end)

    def submit(self) -> None:
        """Post `Submitted` with the text, unless it is only whitespace."""
        text = self.text
        if not text.strip():
            return
        self.post_message(self.Submitted(self, text))

    def action_cursor_up(self, select: bool = False) -> None:
        if not select and self.navigator.is_first_wrapped_line(self.cursor_location):
            if self.history_previous():
                return
        super().action_cursor_up(select)

    def action_cursor_down(self, select: bool = False) -> None:
        if not select and self.navigator.is_last_wrapped_line(self.cursor_location):
            if self.history_next():
                return
        super().action_cursor_down(select)

    # -- history ----------------------------------------------------------

    def history_previous(self) -> bool:
        """Show the previous history entry; False when there is none."""
        entry = self.prompt_history.previous(self.text)
        if entry is None:
            return False
        self._show(entry, at_end=False)
        return True

    def history_next(self) -> bool:
        """Show the next history entry (or the draft); False when not walking history."""
        entry = self.prompt_history.next()
        if entry is None:
            return False
        self._show(entry, at_end=True)
        return True

    def _show(self, text: str, *, at_end: bool) -> None:
        self.load_text(text)
        if at_end:
            self.move_cursor(self.document.end)
        else:
            # On the first line, so Up keeps walking back at once.
            self.move_cursor((0, 0))

    def set_text(self, text: str) -> None:
        """Replace the prompt's text and put the cursor at the end."""
        self.load_text(text)
        self.move_cursor(self.document.end)
