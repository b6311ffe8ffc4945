"""Session actions in the command palette.

`SessionCommands` is a command-palette `Provider` that `SessionBrowserScreen`
registers in its `COMMANDS`: on the browser it offers the browser's actions
(open, rename, delete/restore, duplicate, export, import, trash, sort), only
those that apply in the current view (the screen's `check_action`). On a
screen that does not register it (were it added to the app's commands) it
offers nothing: the chat's own "Sessions" command opens the browser. It runs
the actions through the screen (`run_action`), so it needs nothing of the
screen's class, and the screen module imports it, not the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from grok_tui.ui.commands import CommandRow, TableCommands

#: (title, help, action) on the session browser.
BROWSER_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Open session", "Continue the highlighted session", "open"),
    ("Rename session", "Give the highlighted session a title of your own", "rename"),
    ("Delete session", "Move the highlighted session to the trash", "delete"),
    ("Restore session", "Bring the highlighted session back from the trash", "restore"),
    ("Duplicate session", "Copy the highlighted session under a new id", "duplicate"),
    ("Export session", "Write the highlighted session as Markdown and a JSON copy", "export"),
    ("Import session", "Add a session from a JSON export", "import"),
    ("Show trash / sessions", "Switch between the saved sessions and the trash", "toggle_trash"),
    ("Empty trash", "Delete the sessions in the trash for good", "empty_trash"),
    ("Sort by title / last activity", "Switch the sort order of the list", "toggle_sort"),
)


class SessionCommands(TableCommands):
    """Session actions for the command palette (see the module docstring)."""

    def _commands(self) -> Iterable[CommandRow]:
        screen = self.screen
        if SessionCommands not in screen.COMMANDS:
            return
        for title, help_text, action in BROWSER_COMMANDS:
            if screen.check_action(action, ()):
                yield title, help_text, partial(screen.run_action, action)
