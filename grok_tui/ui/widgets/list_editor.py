"""A keyboard editor for a short list of strings (domains, handles, ...).

An input adds an item on Enter; the list below shows the items; Delete or
Backspace on the highlighted item removes it. What an item may be is not
decided here: the owner passes a `check` function (usually built on the
domain models in `grok_tui.chat.search`) that receives the current items and
the typed text and returns the new items and an optional note, or raises
`SettingError` with the reason. A refused text stays in the input with the
reason shown under it, so nothing typed is lost.

Items are user text shown back: they are rendered as `Text`, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from grok_tui.chat.search import SettingError
from grok_tui.sanitize import one_line
from grok_tui.ui.stylesheets import stylesheet

Check = Callable[[list[str], str], tuple[list[str], str | None]]
"""(current items, typed text) -> (new items, note); raises SettingError when refused."""


class ItemList(OptionList):
    """The items; Delete/Backspace removes the highlighted one."""

    BINDINGS = [
        Binding("delete", "remove", "Remove", show=False),
        Binding("backspace", "remove", "Remove", show=False),
    ]

    class RemoveRequested(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def action_remove(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.RemoveRequested(self.highlighted))


class ListEditor(Vertical):
    """An input plus a list of strings; posts `ListEditor.Changed` when the items change."""

    DEFAULT_CSS = stylesheet(__file__)

    class Changed(Message):
        """The items changed because of the user (not on `set_items`)."""

        def __init__(self, editor: ListEditor, items: list[str]) -> None:
            super().__init__()
            self.editor = editor
            self.items = items

        @property
        def control(self) -> ListEditor:
            return self.editor

    def __init__(
        self,
        *,
        check: Check,
        items: Sequence[str] = (),
        placeholder: str = "",
        what: str = "item",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._check = check
        self._items: list[str] = list(items)
        self._placeholder = placeholder
        self._what = what
        self._error: str | None = None
        self._note: str | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self._placeholder, classes="list-editor--input")
        yield Static("", classes="list-editor--message -empty", markup=False)
        yield ItemList(markup=False, classes="list-editor--items")

    def on_mount(self) -> None:
        self._refresh_items()

    # ---- public API -------------------------------------------------------------

    @property
    def items(self) -> list[str]:
        return list(self._items)

    @property
    def error(self) -> str | None:
        """Why the text in the input was refused (None when nothing is refused)."""
        return self._error

    @property
    def note(self) -> str | None:
        """What was changed about the last item added (normalization, duplicate)."""
        return self._note

    @property
    def input(self) -> Input:
        return self.query_one(".list-editor--input", Input)

    @property
    def pending_text(self) -> str:
        return self.input.value

    def set_items(self, items: Sequence[str], *, clear_input: bool = True) -> None:
        """Load items (no `Changed`); clears the message and, by default, the input."""
        self._items = list(items)
        self._show(None, error=False)
        if clear_input and self.children:
            self.input.value = ""
        self._refresh_items()

    def submit(self, text: str | None = None) -> bool:
        """Add `text` (default: the input's text) as Enter does. True when accepted."""
        raw = self.input.value if text is None else text
        if not raw.strip():
            return False
        try:
            new_items, note = self._check(list(self._items), raw)
        except SettingError as exc:
            self._show(str(exc), error=True)
            return False
        self.input.value = ""
        self._show(note, error=False)
        if new_items != self._items:
            self._items = list(new_items)
            self._refresh_items(highlight_last=True)
            self.post_message(self.Changed(self, self.items))
        return True

    def remove_item(self, index: int) -> None:
        """Remove the item at `index` (posts `Changed`)."""
        if not 0 <= index < len(self._items):
            return
        removed = self._items.pop(index)
        self._show(f"removed {removed}", error=False)
        self._refresh_items(highlight=min(index, len(self._items) - 1))
        if not self._items:
            self.input.focus()
        self.post_message(self.Changed(self, self.items))

    # ---- internals ---------------------------------------------------------------

    def _show(self, message: str | None, *, error: bool) -> None:
        self._error = message if error else None
        self._note = None if error else message
        if not self.children:
            return
        label = self.query_one(".list-editor--message", Static)
        label.update(Content(one_line(message, 300)) if message else "")
        label.set_class(not message, "-empty")
        label.set_class(error, "-error")
        self.input.set_class(error, "-invalid")

    def _refresh_items(self, *, highlight: int | None = None, highlight_last: bool = False) -> None:
        if not self.children:
            return
        items = self.query_one(ItemList)
        items.clear_options()
        items.add_options([Option(Text(one_line(item, 200))) for item in self._items])
        items.set_class(not self._items, "-empty")
        items.tooltip = f"Delete or Backspace removes the highlighted {self._what}"
        if self._items:
            items.highlighted = len(self._items) - 1 if highlight_last else (highlight or 0)

    @on(Input.Submitted, ".list-editor--input")
    def _on_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit(event.value)

    @on(Input.Changed, ".list-editor--input")
    def _on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if not event.value.strip() and self._error:
            # The refused text was erased: nothing is pending any more.
            self._show(None, error=False)

    @on(ItemList.RemoveRequested)
    def _on_remove(self, event: ItemList.RemoveRequested) -> None:
        event.stop()
        self.remove_item(event.index)

    @on(OptionList.OptionSelected)
    @on(OptionList.OptionHighlighted)
    def _swallow(self, event: Message) -> None:
        event.stop()
