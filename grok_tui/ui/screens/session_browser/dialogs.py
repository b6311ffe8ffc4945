"""The dialogs the browser asks with (the screens live in `screens.confirm`):
rename, empty the trash, the export target and the import source. Each
returns the screen to push; the screen's callback does the work."""

from __future__ import annotations

from pathlib import Path

from grok_tui.ui.screens.confirm import ConfirmScreen, InputScreen, PathSuggester
from grok_tui.ui.screens.session_browser.files import (
    EXPORT_SUFFIXES,
    check_export_target,
    check_import_source,
)


def _title_check(text: str) -> str | None:
    return None if text.strip() else "The title cannot be empty."


def rename_dialog(title: str) -> InputScreen:
    """Asks for a new title (dismisses with it, or None); an empty one is refused."""
    return InputScreen(
        "Rename session", title, hint="Enter: rename   ·   Esc: cancel", check=_title_check
    )


def empty_trash_dialog(count: int) -> ConfirmScreen:
    """Asks before deleting the `count` sessions in the trash for good."""
    return ConfirmScreen(
        f"Delete the {count:,} session{'s' if count != 1 else ''} in the trash "
        "for good? This cannot be undone.",
        confirm="Empty the trash",
        danger=True,
    )


def export_dialog(default: Path, base: Path) -> InputScreen:
    """Asks where to export (a stem, `.md`/`.json` optional), relative to `base`."""
    return InputScreen(
        "Export session to",
        str(default),
        hint="Markdown (.md) and a JSON copy (.json) beside it.   "
        "Enter: write   ·   Tab: complete   ·   Esc: cancel",
        check=lambda t: check_export_target(t, base),
        suggester=PathSuggester(base, EXPORT_SUFFIXES),
    )


def import_dialog(base: Path) -> InputScreen:
    """Asks for a JSON export to import, relative to `base`."""
    return InputScreen(
        "Import a session from a JSON export",
        "",
        hint="Enter: import   ·   Tab: complete   ·   Esc: cancel",
        check=lambda t: check_import_source(t, base),
        suggester=PathSuggester(base, (".json",)),
        placeholder="path/to/session.json",
    )
