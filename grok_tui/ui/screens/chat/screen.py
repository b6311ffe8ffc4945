"""The chat screen: conversation, side pane, prompt, status bar.

Its parts: `base` (state, the `TurnController`, status, notices), `turns`
(send, regenerate, edit; the stream worker), `stream` (`ChatTurnView`),
`branches` (reply versions and branches: step, edit, delete), `dialogs` (pickers and editors),
`side_pane` (tool log and search form layout).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from grok_tui.backend import Backend

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from grok_tui.chat import conversation as conv
from grok_tui.chat.pricing import ModelCatalog, fill_cost
from grok_tui.chat.session import Session
from grok_tui.store.checkpointer import Checkpointer
from grok_tui.ui.bindings import bindings_for
from grok_tui.ui.screens.chat.branches import BranchesPart
from grok_tui.ui.screens.chat.dialogs import DialogsPart
from grok_tui.ui.screens.chat.side_pane_actions import SidePanePart
from grok_tui.ui.screens.chat.turns import TurnsPart
from grok_tui.ui.widgets.chat_footer import ChatFooter
from grok_tui.ui.widgets.conversation import Conversation
from grok_tui.ui.widgets.edit_banner import EditBanner
from grok_tui.ui.widgets.prompt_input import PromptInput
from grok_tui.ui.widgets.side_pane import SidePane
from grok_tui.ui.widgets.status_bar import StatusBar


class ChatScreen(TurnsPart, DialogsPart, SidePanePart, BranchesPart):
    """The main screen."""

    # chat.tcss is loaded by the app (GrokApp.CSS_PATH): the app's default
    # screen does not load a screen's own CSS_PATH, and the rules style the
    # screen itself (`ChatScreen.-narrow ...`), which scoping would prevent.
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("chat")
    AUTO_FOCUS = "#prompt"

    def compose(self) -> ComposeResult:
        self.preset_breakpoint()
        yield Static("", id="banner", markup=False)
        with Horizontal(id="body"):
            with Vertical(id="chat-column"):
                yield Conversation(id="conversation")
                yield Static("", id="notice", markup=False)
                yield Static("", id="attachments", markup=False)
                yield EditBanner(id="edit-banner")
                yield PromptInput(
                    id="prompt",
                    history=self.history,
                    history_file=getattr(self.app, "prompt_history_file", None),
                )
            yield SidePane(id="side")
        with Horizontal(id="status-row"):
            yield self._make_status_bar()
            yield Static("", id="save-error", markup=False)
        yield ChatFooter(compact=True, show_command_palette=False)

    def _make_status_bar(self) -> StatusBar:
        return StatusBar(id="status")

    async def on_mount(self) -> None:
        conv.settle_interrupted(self.session)  # replies cut off by a crash or kill
        self.checkpointer = Checkpointer(
            self.grok.store, on_result=self._save_result, on_dropped=self._deleted_elsewhere
        )
        self.query_one("#save-error").display = False
        side = self.side_pane
        side.tool_log_wide = self.grok.settings.show_tool_log if self.grok.settings else True
        self.query_one("#notice").display = False
        if self._search_visible:
            await self.ensure_search_form()
        side.search_shown = self._search_visible
        self._follow_size()
        self._refresh_chips()
        self.refresh_backend_banner()
        # App-wide changes arrive as Signals (immediate: drawn before the next key).
        self.grok.backend_changed.subscribe(self, self._on_backend_changed, immediate=True)
        self.grok.prices_changed.subscribe(self, self._on_prices_changed)
        self.conversation.position_of = self.position_of
        await self.conversation.load(self.session.messages)
        self.refresh_status()
        # The log of a long session costs a few hundred ms to build: after
        # the first frame, so the conversation shows at once.
        self.call_after_refresh(self._load_tool_log)

    def _on_backend_changed(self, backend: Backend) -> None:
        """Another backend (an API key entered): the demo banner and the status bar."""
        self.refresh_backend_banner()
        self.refresh_status()

    def _on_prices_changed(self, catalog: ModelCatalog) -> None:
        """The model list arrived after replies of this session ended unpriced:
        give them their estimated cost (their footer, the tool log's summary,
        the status bar's total) and save it."""
        priced = [
            reply
            for reply in self.unpriced
            if fill_cost(reply.usage, reply.model or self.session.model, catalog)
        ]
        if not priced:
            return
        self.unpriced = [reply for reply in self.unpriced if reply not in priced]
        # Only what is shown is redrawn: a version switched away from is
        # priced on disk but has no view and no tool-log turn, and a reply
        # folded into a placeholder is not expanded for it.
        on_path = {message.id for message in self.session.messages}
        tool_log = self._tool_log()
        for reply in priced:
            if reply.id not in on_path:
                continue
            view = self.conversation.shown_view(reply)
            if view is not None:
                view.refresh_meta()
            tool_log.end_turn(reply)
        self.refresh_status()
        if not self.is_streaming:  # else the turn's own checkpoint saves it
            self.checkpointer.save(self.session)

    def _load_tool_log(self) -> None:
        self.ensure_tool_log()

    # -- actions ---------------------------------------------------------------

    async def action_cancel(self) -> None:
        """Esc: stop the streaming reply; else cancel an edit; otherwise leave the
        message highlight, close the search pane when the focus is in it (F3
        opened it), and give the prompt the focus. While documents upload, it
        cancels the upload (nothing is sent)."""
        if self.uploading:
            self.cancel_upload()
            self.prompt.focus()
            return
        if self.is_streaming:
            self.workers.cancel_group(self, "stream")
            return
        if self.pending_edit is not None:
            self.cancel_edit()
            return
        form, focused = self._search_form, self.focused
        if (
            self._search_visible
            and form is not None
            and focused is not None
            and form in focused.ancestors
        ):
            await self.action_toggle_search()
        # Esc from any pane (conversation, tool log, search form) goes back to the prompt.
        self.conversation.highlighted = None
        self.prompt.focus()

    def action_scroll_conversation(self, where: str) -> None:
        """PageUp/PageDown from the prompt, Ctrl+Home/Ctrl+End: see Conversation.scroll_view."""
        self.conversation.scroll_view(where)

    def action_toggle_reasoning(self) -> None:
        self.conversation.action_toggle_reasoning()

    async def action_new_chat(self) -> None:
        if self.is_streaming:
            await self._stop_and_wait()
        self.checkpointer.save(self.session)
        session = self.grok.new_session()
        await self.load_session(session)
        self._notify("New chat.")

    async def load_session(self, session: Session) -> None:
        if self.uploading:  # the message belonged to the chat being left
            await self._cancel_upload_and_wait()
        conv.settle_interrupted(session)  # replies cut off by a crash or kill
        self.session = session  # the controller goes on with it (phase idle, no unsent)
        self.unpriced = []  # the chat left keeps its replies unpriced
        self.checkpointer.remember(session.id)
        self._end_edit(restore_draft=False)  # what the prompt holds stays there
        form = self._search_form
        if form is not None:
            form.set_settings(session.search)
            form.set_model(session.model)
        self.clear_notice()
        self._tool_log_loaded = True
        self._tool_log().load_messages(session.messages)
        await self.conversation.load(session.messages)
        self.refresh_status()
        self.prompt.focus()

    def _target_index(self) -> int | None:
        c = self.conversation
        if c.highlighted is not None:
            return c.highlighted
        return c.last_reply_index()

    def action_copy_message(self) -> None:
        index = self._target_index()
        if index is None:
            self._notify("Nothing to copy yet.", severity="warning")
            return
        text = self.session.messages[index].text
        self.app.copy_to_clipboard(text)
        self._notify(f"Copied the message ({len(text):,} characters).")

    async def action_copy_code(self) -> None:
        index = self._target_index()
        if index is None:
            self._notify("Nothing to copy yet.", severity="warning")
            return
        view = await self.conversation.ensure_view(index)
        code = view.last_code_block() if view is not None else None
        if not code:
            self._notify("That message has no code block.", severity="warning")
            return
        self.app.copy_to_clipboard(code)
        self._notify(f"Copied the code block ({len(code.splitlines())} lines).")

    # -- conversation events -----------------------------------------------------

    @on(Conversation.Highlighted)
    def _on_highlight(self, event: Conversation.Highlighted) -> None:
        event.stop()

    async def shutdown(self) -> None:
        """Before the app exits: stop the stream and write the session."""
        if self.uploading:
            await self._cancel_upload_and_wait()
        if self.is_streaming:
            await self._stop_and_wait()
        self.checkpointer.save(self.session)
        await self.checkpointer.flush()
