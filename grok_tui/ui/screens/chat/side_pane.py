"""The side pane (tool log over the search settings form): visibility, size,
the narrow layout, and the lazily mounted search form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.events import Resize

from grok_tui.ui.widgets.search_form import SearchForm

if TYPE_CHECKING:
    pass

from grok_tui.ui.screens.chat.base import (
    NARROW_WIDTH,
    SIDE_MAX,
    SIDE_MIN,
    SIDE_STEP,
    ChatScreenBase,
)


class SidePanePart(ChatScreenBase):
    """The side pane's layout and the search form."""

    def on_resize(self, event: Resize) -> None:
        self._apply_layout(event.size.width)

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    def _apply_layout(self, width: int) -> None:
        """Wide: the side pane is a column on the right. Narrow (< 100 columns):
        it stacks under the chat, and starts hidden (F2 shows it)."""
        narrow = width < NARROW_WIDTH
        self.set_class(narrow, "-narrow")
        side = self.query_one("#side")
        tool_visible = self._side_visible_narrow if narrow else self._side_visible
        self.query_one("#tool-log").display = tool_visible
        self.query_one("#search-pane").display = self._search_visible
        side.display = tool_visible or self._search_visible
        side.set_class(not tool_visible, "-search-only")  # no second rule above the form
        if narrow:
            side.styles.width = "100%"
            height = self._side_height
            if self._search_visible:
                # Editing search settings on a short screen: the form gets most
                # of it (the chat keeps a few rows above).
                height = max(height, min(self.app.size.height - 9, self.app.size.height * 3 // 5))
            side.styles.height = height
        else:
            side.styles.width = min(self._side_width, max(SIDE_MIN, width - 40))
            side.styles.height = "1fr"

    def action_toggle_tool_log(self) -> None:
        if self.narrow:
            self._side_visible_narrow = not self._side_visible_narrow
        else:
            self._side_visible = not self._side_visible
        self._apply_layout(self.app.size.width)
        focused = self.focused
        if focused is not None and self._tool_log() in (focused, *focused.ancestors):
            if not self._tool_log().display:
                self.prompt.focus()  # closing a pane gives the prompt the focus

    # -- search settings -------------------------------------------------------------

    @property
    def search_form(self) -> SearchForm | None:
        """The search settings form, or None until the pane was first opened."""
        return self._search_form

    def search_form_now(self) -> SearchForm:
        """The form, created (and its mount started) if it does not exist yet.

        A new form starts from the current session's settings; it accepts
        `set_settings` before its controls exist (they are built from them).
        """
        form = self._search_form
        if form is None:
            form = SearchForm(self.session.search, model=self.session.model, id="search-form")
            self._search_form = form
            self._form_mount = self.query_one("#search-pane").mount(form)
        return form

    async def ensure_search_form(self) -> SearchForm:
        """The form, mounted (mounting costs ~200 ms: only when first needed)."""
        form = self.search_form_now()
        pending = self._form_mount
        if pending is not None:
            self._form_mount = None
            await pending
        return form

    async def action_toggle_search(self) -> None:
        """F3: show (and focus) or hide the search settings pane."""
        self._search_visible = not self._search_visible
        if self._search_visible:
            form = await self.ensure_search_form()
            self._apply_layout(self.app.size.width)
            form.focus()
        else:
            form = self._search_form
            focused = self.focused
            self._apply_layout(self.app.size.width)
            if form is not None and focused is not None and form in focused.ancestors:
                self.prompt.focus()

    async def action_search_settings(self) -> None:
        """The palette's "Search settings": open the pane and focus the form;
        when the form already has the focus, close the pane."""
        form = self._search_form
        focused = self.focused
        in_form = form is not None and focused is not None and form in focused.ancestors
        if self._search_visible and not in_form:
            (await self.ensure_search_form()).focus()
            return
        await self.action_toggle_search()

    @on(SearchForm.Changed)
    def _on_search_changed(self, event: SearchForm.Changed) -> None:
        """A new valid state of the form: it is this session's search settings."""
        event.stop()
        form = self._search_form
        # The form's current settings, not the event's: a Changed still queued
        # when another session was loaded must not carry the old settings over.
        settings = form.settings if form is not None else event.settings
        if settings == self.session.search:
            return
        self.session.search = settings
        self._status_bar().set_search(settings)
        self.checkpointer.save(self.session)

    def action_grow_pane(self) -> None:
        self._resize_side(SIDE_STEP)

    def action_shrink_pane(self) -> None:
        self._resize_side(-SIDE_STEP)

    def _resize_side(self, delta: int) -> None:
        """Wider/narrower side pane (taller/shorter when stacked)."""
        if self.narrow:
            self._side_visible_narrow = self._side_visible_narrow or not self._search_visible
            limit = max(4, self.app.size.height - 10)
            self._side_height = max(4, min(limit, self._side_height + delta // 2))
        else:
            if not (self._side_visible or self._search_visible):
                self._side_visible = True
            self._side_width = max(SIDE_MIN, min(SIDE_MAX, self._side_width + delta))
        self._apply_layout(self.app.size.width)

