"""The session browser: saved sessions, newest first, with search and actions.

`SessionBrowserScreen(store: SessionRepository, current_session_id=None, *,
refresh=True, before_delete_current=None, file_server=None)` is a `Screen` that dismisses with a
`BrowserResult` (`results`, frozen dataclasses):

- `OpenSession(session_id, renamed_current)`: the user chose a session that
  can be read (the browser loaded it once in a thread to make sure; damaged
  files are refused here with the reason and never touched);
- `CurrentDeleted(session_id)`: the session open in the chat was moved to
  the trash (the chat must start a new one *without saving the old one*, or
  the save would bring it back); `before_delete_current(session_id)` is
  called just before that delete, so the chat can stop saving it first;
- `BrowserClosed(renamed_current)`: closed with Esc.

`renamed_current` is the new title when the session open in the chat was
renamed here (the chat copies it into its in-memory session so its next save
keeps it), else None. Everything else it does itself through the store:
rename, delete (to the trash), restore, empty the trash, duplicate, export
(Markdown + a JSON copy beside it), import a JSON export.

Speed: rows come from the store's index a page at a time (`PAGE_SIZE`), in a
thread, into a `DataTable` of `Text` cells with fixed column widths; the next
page loads when the cursor or the scroll position gets near the end. Typing
filters after a `DEBOUNCE` pause; every query carries a generation number and
results of an older generation are dropped. With `refresh=True` the store's
full refresh (stat every file, catches files edited in place) runs in the
background after the first page and reloads the list if anything changed.

Titles, first lines, snippets, reasons and paths are untrusted: they are
cleaned with `one_line` and rendered as `Text`/`Content`, never as markup.

Modules, one idea each:

- `model`: the list as plain data (no Textual): `fetch_page`, `SessionRows`
  (paging, dedup, removal), the heading and empty texts;
- `display`: a row as table cells, the detail, heading and key hints;
- `files`: export/import paths, their checks and the export write;
- `dialogs`: the rename / empty-trash / export / import dialogs;
- `results`: what the screen dismisses with;
- `commands`: `SessionCommands`, its actions in the command palette;
- `server_files`: the documents a session uploaded, which other sessions
  use them, deleting them on the server (no Textual);
- `deletion`: the delete flow (ask about those files, move the session to
  the trash, delete the files), its `DeletionOutcome` (no Textual);
- `delete_dialog`: `DeleteSessionScreen`, the question about the files;
- `session_list`: `SessionListScreen`, the list as a screen (widgets,
  paging workers, filter, cursor, detail, rows changed in place);
- `screen`: `SessionBrowserScreen(SessionListScreen)`: bindings and the
  actions on a session;
- `session_browser.tcss`: its styles.
"""

from grok_tui.chat.formatting import format_date, format_when
from grok_tui.store import SessionSummary
from grok_tui.ui.screens.session_browser.commands import SessionCommands
from grok_tui.ui.screens.session_browser.display import (
    COLUMNS,
    column_widths,
    focus_snippet,
    highlight,
)
from grok_tui.ui.screens.session_browser.files import (
    MAX_IMPORT_BYTES,
    check_export_target,
    check_import_source,
    default_export_stem,
    export_folder,
    export_stem,
)
from grok_tui.ui.screens.session_browser.model import (
    LOAD_AHEAD,
    PAGE_SIZE,
    Mode,
    SessionRows,
    SortKey,
    query_words,
)
from grok_tui.ui.screens.session_browser.results import (
    BrowserClosed,
    BrowserResult,
    CurrentDeleted,
    OpenSession,
    open_on_message,
)
from grok_tui.ui.screens.session_browser.screen import SessionBrowserScreen
from grok_tui.ui.screens.session_browser.session_list import DEBOUNCE

__all__ = [
    "COLUMNS",
    "DEBOUNCE",
    "LOAD_AHEAD",
    "MAX_IMPORT_BYTES",
    "PAGE_SIZE",
    "BrowserClosed",
    "BrowserResult",
    "CurrentDeleted",
    "Mode",
    "OpenSession",
    "SessionBrowserScreen",
    "SessionCommands",
    "SessionRows",
    "SessionSummary",
    "SortKey",
    "check_export_target",
    "check_import_source",
    "column_widths",
    "default_export_stem",
    "export_folder",
    "export_stem",
    "focus_snippet",
    "format_date",
    "format_when",
    "highlight",
    "open_on_message",
    "query_words",
]
