"""Session actions in the command palette.

`SessionCommands` is a command-palette `Provider`. On the session browser it
offers the browser's actions (open, rename, delete/restore, duplicate, export,
import, trash, sort), only those that apply in the current view; elsewhere it
offers nothing (the chat's own "Sessions" command opens the browser).
`SessionBrowserScreen.COMMANDS` registers it, so the app need not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from grok_tui.ui.commands import TableCommands

#: (title, help, action) on the session browser.
BROWSER_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Open session", "Continue the highlighted session", "open"),
    ("Rename session", "Give the highlighted session a title of your own", "rename"),
    ("Delete session", "Move the highlighted session to the trash", "delete"),
    ("Restore session", "Bring the highlighted session back from the trash", "restore"),
    ("Duplicate session", "Copy the highlighted session under a new id", "duplicate"),
    ("Export session", "Write the highlighted session as Markdown and a JSON copy", "export"),
    ("Import session", "Add a session from a JSON export", "import"),
    ("Show trash / sessions", "Switch between the saved sessions and the trash",
     "toggle_trash"),
    ("Empty trash", "Delete the sessions in the trash for good", "empty_trash"),
    ("Sort by title / last activity", "Switch the sort order of the list", "toggle_sort"),
)


class SessionCommands(TableCommands):
    """Session actions for the command palette (see the module docstring)."""

    def _commands(self) -> Iterable[tuple[str, str, Callable[[], Any]]]:
        from grok_tui.ui.screens.session_browser import SessionBrowserScreen

        screen = self.screen
        if isinstance(screen, SessionBrowserScreen):
            for title, help_text, action in BROWSER_COMMANDS:
                if screen.check_action(action, ()):
                    yield title, help_text, partial(screen.run_action, action)
