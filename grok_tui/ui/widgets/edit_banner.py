"""The line above the prompt while a sent message is being edited.

`EditBanner` shows which message the prompt is editing and what Enter and Esc
do (with the keys in force, so a remap shows), and marks that message's view
in the conversation (`-editing`) while the edit is pending (`show_edit(edit,
view)`, `hide()`). It holds no state
of its own beyond the `PendingEdit` it shows (see `grok_tui.chat.edit`).
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from grok_tui.chat.edit import PendingEdit
from grok_tui.config.keymap import effective_keys
from grok_tui.ui.stylesheets import stylesheet


def edit_banner_text(edit: PendingEdit, bindings: Mapping[str, str]) -> str:
    """The banner's sentence for `edit`, naming the keys in `bindings`."""
    from grok_tui.config.keymap import keys_label

    send = keys_label(bindings.get("chat.send", "enter")).split(" / ")[0]
    cancel = keys_label(bindings.get("chat.cancel", "escape")).split(" / ")[0]
    return (
        f"✎ Editing message {edit.number}: {send} sends it as a new branch (the original "
        f"and its reply are kept); {cancel} cancels (nothing changes until you send)."
    )


class EditBanner(Static):
    """One line above the prompt; hidden when no edit is pending."""

    DEFAULT_CSS = stylesheet(__file__)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.edit: PendingEdit | None = None
        self._marked: Widget | None = None

    def show_edit(self, edit: PendingEdit, view: Widget | None = None) -> None:
        """Show `edit`; mark `view` (the edited message's) with `-editing`."""
        self.edit = edit
        keymap = getattr(self.app, "_keymap", {}) or {}
        self.update(Content(edit_banner_text(edit, effective_keys(dict(keymap)))))
        self.add_class("-shown")
        self._unmark()
        if view is not None:
            view.add_class("-editing")
            self._marked = view

    def hide(self) -> None:
        self.edit = None
        self.remove_class("-shown")
        self._unmark()

    def _unmark(self) -> None:
        if self._marked is not None:
            self._marked.remove_class("-editing")
            self._marked = None

    @property
    def shown(self) -> bool:
        return self.has_class("-shown")
