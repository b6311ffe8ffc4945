"""Small dialogs: a yes/no question and a one-line text prompt.

- `ConfirmScreen(question, *, confirm="Yes", danger=False)` is a
  `ModalScreen[bool]`: Enter or `y` answers yes, Esc or `n` no.
- `InputScreen(title, value="", *, hint=None, check=None, suggester=None)` is a
  `ModalScreen[str | None]`: Enter dismisses with the typed text (stripped),
  Esc with None. `check(text) -> str | None` runs on Enter; a returned reason
  is shown under the input and keeps the dialog open.
- `PathSuggester(base, suffixes)` completes local paths (folders, and files
  with one of `suffixes`; any file when empty) for path inputs.

Every text shown here (questions, titles, reasons, paths) is rendered as plain
text, never as markup.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static

from grok_tui.sanitize import one_line, strip_control
from grok_tui.ui.stylesheets import stylesheet
from grok_tui.ui.widgets.completing_input import CompletingInput


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question (Enter or y: yes; Esc or n: no)."""

    DEFAULT_CSS = stylesheet(__file__)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "answer(True)", "Yes", priority=True),
        Binding("escape,n", "answer(False)", "No", priority=True),
    ]

    def __init__(self, question: str, *, confirm: str = "Yes", danger: bool = False) -> None:
        super().__init__()
        self.question = strip_control(question)
        self.confirm = one_line(confirm, 40)
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="-danger" if self.danger else ""):
            yield Static(Content(self.question), id="question")
            yield Static(Content(f"Enter / y: {self.confirm}   ·   Esc / n: cancel"), id="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def complete_path(value: str, base: Path, suffixes: tuple[str, ...] = ()) -> str | None:
    """The completion of a partly typed local path (folders end with `/`), or None."""
    if not value:
        return None
    expanded = os.path.expanduser(value)
    folder_text, slash, prefix = expanded.rpartition("/")
    folder = Path(folder_text or "/") if slash else Path(".")
    if not folder.is_absolute():
        folder = base / folder
    try:
        entries = sorted(os.scandir(folder), key=lambda e: (not e.is_dir(), e.name.lower()))
    except OSError:
        return None
    for entry in entries:
        name = entry.name
        if not name.startswith(prefix) or (name.startswith(".") and not prefix.startswith(".")):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if name == prefix:
            if is_dir:
                return value + "/"
            continue
        if not is_dir and suffixes and not name.lower().endswith(suffixes):
            continue
        return value + name[len(prefix) :] + ("/" if is_dir else "")
    return None


class PathSuggester(Suggester):
    """Completes local paths (see `complete_path`); the work runs in a thread."""

    def __init__(self, base: Path, suffixes: tuple[str, ...] = ()) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.base = base
        self.suffixes = suffixes

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete_path, value, self.base, self.suffixes)


class InputScreen(ModalScreen[str | None]):
    """Ask for one line of text (Enter: done; Esc: cancel)."""

    DEFAULT_CSS = stylesheet(__file__)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        hint: str | None = None,
        check: Callable[[str], str | None] | None = None,
        suggester: Suggester | None = None,
        placeholder: str = "",
    ) -> None:
        super().__init__()
        self.title_text = one_line(title, 200)
        self.value = strip_control(value)
        self.hint = hint or "Enter: OK   ·   Esc: cancel"
        self.check = check
        self.suggester = suggester
        self.placeholder = placeholder
        #: The last refusal shown (tests read it).
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content(self.title_text), id="title")
            yield CompletingInput(
                self.value,
                id="value",
                suggester=self.suggester,
                placeholder=self.placeholder,
                select_on_focus=False,
            )
            yield Static("", id="error", markup=False)
            yield Static(Content(self.hint), id="hint")

    def on_mount(self) -> None:
        field = self.query_one("#value", Input)
        field.focus()
        field.cursor_position = len(field.value)

    @on(Input.Submitted, "#value")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        reason = self.check(text) if self.check is not None else None
        if reason:
            self.show_error(reason)
            return
        self.dismiss(text)

    def show_error(self, reason: str) -> None:
        self.error = reason
        error = self.query_one("#error", Static)
        error.update(Content(one_line(reason, 500)))
        error.add_class("-shown")

    def action_cancel(self) -> None:
        self.dismiss(None)
