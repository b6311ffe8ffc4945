"""The chat screen's side pane: the tool log over the search settings pane.

Wide (the screen's `-wide` breakpoint): a column on the right, `pane_width`
columns (at most the screen's width minus 40). Narrow (`-narrow`, below
`NARROW_WIDTH` columns): stacked under the chat, `pane_height` rows, and the
tool log starts hidden there (F2 shows it). Each layout remembers whether the
tool log is shown in it. Everything it shows is a reactive; any change lays
the pane out again (`_relayout`), so the screen only sets values.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.geometry import Size
from textual.reactive import reactive

from grok_tui.ui.widgets.tool_log import ToolLog

#: Below this width the side pane stacks under the conversation.
NARROW_WIDTH = 100
SIDE_MIN, SIDE_MAX, SIDE_STEP = 24, 100, 4
#: Columns the conversation keeps beside the pane (wide layout).
CHAT_MIN_WIDTH = 40


class SidePane(Vertical):
    """The tool log (`#tool-log`) over the search pane (`#search-pane`)."""

    #: Stacked under the chat (set from the screen's `-narrow` breakpoint class).
    narrow: reactive[bool] = reactive(False)
    #: The tool log is shown in the wide layout / in the narrow layout.
    tool_log_wide: reactive[bool] = reactive(True)
    tool_log_narrow: reactive[bool] = reactive(False)
    #: The search settings pane is shown (both layouts).
    search_shown: reactive[bool] = reactive(False)
    #: Width in the wide layout, height in the narrow one.
    pane_width: reactive[int] = reactive(44)
    pane_height: reactive[int] = reactive(10)
    #: The screen's size (limits the width, and the height for the form).
    room: reactive[Size] = reactive(Size(0, 0))

    def compose(self) -> ComposeResult:
        log = ToolLog(id="tool-log")
        log.border_title = "Tool log"
        yield log
        yield Container(id="search-pane")

    @property
    def tool_log_shown(self) -> bool:
        """The tool log is shown in the current layout."""
        return self.tool_log_narrow if self.narrow else self.tool_log_wide

    def toggle_tool_log(self) -> None:
        """F2: show or hide the tool log in the current layout."""
        if self.narrow:
            self.tool_log_narrow = not self.tool_log_narrow
        else:
            self.tool_log_wide = not self.tool_log_wide

    def resize_by(self, delta: int) -> None:
        """Wider/narrower (taller/shorter when stacked) by `delta` columns
        (half as many rows); a hidden pane is shown first."""
        if self.narrow:
            self.tool_log_narrow = self.tool_log_narrow or not self.search_shown
            limit = max(4, self.room.height - 10)
            self.pane_height = max(4, min(limit, self.pane_height + delta // 2))
        else:
            if not (self.tool_log_wide or self.search_shown):
                self.tool_log_wide = True
            self.pane_width = max(SIDE_MIN, min(SIDE_MAX, self.pane_width + delta))

    def on_mount(self) -> None:
        self._relayout()

    def _relayout(self) -> None:
        if not self.is_mounted:
            return
        tool_visible = self.tool_log_shown
        self.query_one("#tool-log").display = tool_visible
        self.query_one("#search-pane").display = self.search_shown
        self.display = tool_visible or self.search_shown
        self.set_class(not tool_visible, "-search-only")  # no second rule above the form
        room = self.room
        if self.narrow:
            self.styles.width = "100%"
            height = self.pane_height
            if self.search_shown:
                # Editing search settings on a short screen: the form gets most
                # of it (the chat keeps a few rows above).
                height = max(height, min(room.height - 9, room.height * 3 // 5))
            self.styles.height = height
        else:
            self.styles.width = min(self.pane_width, max(SIDE_MIN, room.width - CHAT_MIN_WIDTH))
            self.styles.height = "1fr"

    watch_narrow = watch_tool_log_wide = watch_tool_log_narrow = _relayout
    watch_search_shown = watch_pane_width = watch_pane_height = watch_room = _relayout
