"""The chat screen's side pane actions (F2, F3, Alt+Left/Right), the narrow
layout from `HORIZONTAL_BREAKPOINTS`, and the lazily mounted search form.
The pane itself is `widgets/side_pane.py`: the screen sets its reactives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.events import Resize

from grok_tui.ui.screens.chat.base import ChatScreenBase
from grok_tui.ui.widgets.side_pane import NARROW_WIDTH, SIDE_STEP, SidePane

if TYPE_CHECKING:  # imported when the pane is first opened (start-up time)
    from grok_tui.ui.widgets.search_form import SearchForm


class SidePanePart(ChatScreenBase):
    """The side pane's layout and the search form."""

    # Textual sets `-narrow`/`-wide` on the screen from its width; the
    # stylesheet (chat.tcss) and the side pane follow the class.
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (NARROW_WIDTH, "-wide"),
    ]

    @property
    def side_pane(self) -> SidePane:
        return self.query_one("#side", SidePane)

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    def preset_breakpoint(self) -> None:
        """The breakpoint class for the terminal's width, set before the widgets
        are first styled. Textual sets it at the screen's first Resize, after
        that styling, and the class change then re-styles every widget again
        (a tenth of the start-up's CSS work); the Resize then changes nothing."""
        width = self.app.size.width
        for minimum, name in sorted(self.HORIZONTAL_BREAKPOINTS, reverse=True):
            if width >= minimum:
                self.set_class(True, name, update=False)
                return

    def on_resize(self, event: Resize) -> None:
        # Runs before Screen._on_resize sets the breakpoint classes: follow
        # them once this event has been handled.
        self.call_next(self._follow_size)

    def _follow_size(self) -> None:
        side = self.side_pane
        side.room = self.size
        side.narrow = self.narrow

    def action_toggle_tool_log(self) -> None:
        side = self.side_pane
        side.toggle_tool_log()
        focused = self.focused
        log = self._tool_log()
        in_log = focused is not None and log in (focused, *focused.ancestors)
        if in_log and not side.tool_log_shown:
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
            from grok_tui.ui.widgets.search_form import SearchForm

            form = SearchForm(
                self.session.search,
                model=self.session.model,
                tool_config=self.backend.tool_config,
                api=self.backend.api,
                id="search-form",
            )
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
            self.side_pane.search_shown = self._search_visible
            form.focus()
        else:
            hidden = self._search_form
            focused = self.focused
            self.side_pane.search_shown = False
            if hidden is not None and focused is not None and hidden in focused.ancestors:
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

    def on_search_form_changed(self, event: SearchForm.Changed) -> None:
        """A new valid state of the form: it is this session's search settings.
        (Named, not `@on(SearchForm.Changed)`: the form's module is imported
        only when the pane first opens.)"""
        event.stop()
        form = self._search_form
        # The form's current settings, not the event's: a Changed still queued
        # when another session was loaded must not carry the old settings over.
        settings = form.settings if form is not None else event.settings
        if settings == self.session.search:
            return
        self.session.search = settings
        # What is sent: an effort the model refuses and search on the chat API are left out.
        self._status_bar().set_search(settings, model=self.session.model, api=self.backend.api)
        self.checkpointer.save(self.session)

    def action_grow_pane(self) -> None:
        self._resize_side(SIDE_STEP)

    def action_shrink_pane(self) -> None:
        self._resize_side(-SIDE_STEP)

    def _resize_side(self, delta: int) -> None:
        """Wider/narrower side pane (taller/shorter when stacked)."""
        self.side_pane.resize_by(delta)
