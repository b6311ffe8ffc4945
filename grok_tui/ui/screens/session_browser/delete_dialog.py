"""`DeleteSessionScreen`: asked before a session that uploaded documents moves
to the trash, with the offer to delete those files on the server too.

A `ModalScreen[DeleteAnswer | None]`: Enter or `y` moves the session to the
trash (and deletes the files when the box is ticked), Space or `f` ticks or
clears the box (a click too), Esc or `n` cancels (None).

The box starts ticked. Deleting a chat says the user is done with what it
holds; its documents would otherwise stay on xAI's servers with nothing in
grok-tui left to show or delete them, which is the worse outcome for privacy.
The cost of the default is small and said next to the box: the session itself
only goes to the trash, and a restored session cannot send the deleted files
again (they can be attached again).

Names and titles are plain text (`Content`), never markup.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Static

from grok_tui.sanitize import one_line
from grok_tui.ui.screens.session_browser.deletion import DeleteAnswer
from grok_tui.ui.screens.session_browser.server_files import FileDeletionPlan, kept_sentence
from grok_tui.ui.stylesheets import stylesheet

__all__ = ["DeleteAnswer", "DeleteSessionScreen"]


class DeleteSessionScreen(ModalScreen[DeleteAnswer | None]):
    """Move a session with uploaded files to the trash (see the module docstring)."""

    DEFAULT_CSS = stylesheet(__file__)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "answer(True)", "Move to trash", priority=True),
        Binding("escape,n", "answer(False)", "Cancel", priority=True),
        Binding("space,f", "toggle_files", "Delete the files too", priority=True),
    ]

    def __init__(self, title: str, plan: FileDeletionPlan, *, where: str) -> None:
        super().__init__()
        self.title_text = one_line(title or "Untitled", 80)
        self.plan = plan
        self.where = where

    def compose(self) -> ComposeResult:
        files = self.plan.deletable
        n = len(files)
        names = ", ".join(f.name for f in files[:4]) + (f" and {n - 4} more" if n > 4 else "")
        with Vertical(id="dialog"):
            yield Static(
                Content(
                    f"Move “{self.title_text}” to the trash? "
                    "It can be restored from there (F9 shows the trash)."
                ),
                id="question",
            )
            yield Static(
                Content(
                    f"It uploaded {n} document{'s' if n != 1 else ''} to {self.where}: {names}."
                ),
                id="files",
            )
            them = "it" if n == 1 else "them"
            yield Checkbox(
                Content(f"Also delete {them} from {self.where}"), True, id="delete-files"
            )
            yield Static(self._consequence(True), id="consequence")
            kept = kept_sentence(self.plan)
            if kept:
                yield Static(Content(kept), id="kept")
            yield Static(
                Content(
                    "Enter / y: move to trash   ·   Space / f: tick or clear   ·   Esc / n: cancel"
                ),
                id="hint",
            )

    def _consequence(self, delete: bool) -> Content:
        """What the box's state means, in words (its X reads the same either
        way in a terminal without colours)."""
        n = len(self.plan.deletable)
        them = "it" if n == 1 else "them"
        if delete:
            return Content(
                f"Ticked: {them} will be deleted. This cannot be undone: a restored session "
                f"cannot send {them} again (attach {them} again instead)."
            )
        return Content(f"Not ticked: {them} will stay on {self.where}.")

    @on(Checkbox.Changed, "#delete-files")
    def _box_changed(self, event: Checkbox.Changed) -> None:
        self.query_one("#consequence", Static).update(self._consequence(event.value))

    @property
    def delete_files(self) -> bool:
        return self.query_one("#delete-files", Checkbox).value

    def action_toggle_files(self) -> None:
        box = self.query_one("#delete-files", Checkbox)
        box.value = not box.value

    def action_answer(self, yes: bool) -> None:
        self.dismiss(DeleteAnswer(self.delete_files) if yes else None)
