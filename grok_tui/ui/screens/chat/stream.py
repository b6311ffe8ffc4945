"""The chat screen as the turn controller's view, and the stream worker.

`TurnController` (`chat/turn_controller.py`) owns the turn: the user message
and the reply, the stream loop (one `match` over the event union), the phase,
checkpoints, a stop, a request that never started. `ChatTurnView` maps its
callbacks onto the widgets: the conversation, the tool log, the status bar,
the prompt. The screen runs `run_turn` in a Textual worker (`group="stream"`,
exclusive; Esc cancels the group: the partial reply stays, marked stopped)
and its 1 s timer calls `tick()` while a turn runs. Per token: one
`MessageView.append_text` (`text_appended`), as before the controller.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from grok_tui.api import events as ev
from grok_tui.api.errors import XAIError
from grok_tui.chat.phase import TurnPhase
from grok_tui.chat.pricing import fill_cost
from grok_tui.chat.sending import mask_prompt
from grok_tui.chat.session import Attachment, Message
from grok_tui.chat.turn_types import TurnOutcome, Unsent
from grok_tui.sanitize import one_line
from grok_tui.ui.widgets.message_view import MessageView

if TYPE_CHECKING:
    from grok_tui.ui.screens.chat.base import ChatScreenBase
    from grok_tui.ui.screens.chat.screen import ChatScreen


class ChatTurnView:
    """`TurnView` for the chat screen (called on the app's loop; the per-event
    methods are O(1))."""

    def __init__(self, screen: ChatScreenBase) -> None:
        self._screen = screen
        #: The reply's view while a turn runs (the hot path skips the lookup).
        self._reply_view: MessageView | None = None

    @property
    def screen(self) -> ChatScreen:
        return self._screen  # type: ignore[return-value]

    def phase_changed(self, phase: TurnPhase, detail: str, seconds: float | None) -> None:
        self.screen._status_bar().set_state(phase, detail, seconds=seconds)

    def server_alive(self) -> None:
        self.screen._status_bar().mark_server_alive()

    def prompt_accepted(self, text: str, attachments: Sequence[Attachment]) -> None:
        screen = self.screen
        edit = screen.pending_edit
        if edit is not None and edit.forked_id is not None:  # applied by this send
            screen._end_edit(restore_draft=False)
        screen.clear_notice()
        screen.history.add(text)
        screen.prompt.clear()
        screen.attachments.clear()
        screen._refresh_chips()

    async def message_added(self, message: Message) -> None:
        await self.screen.conversation.add_message(message)

    async def messages_truncated(self, count: int) -> None:
        await self.screen.conversation.truncate(count)

    def turn_started(self, reply: Message, prompt: str) -> None:
        screen = self.screen
        screen.ensure_tool_log(leave_out=reply)
        conversation = screen.conversation
        self._reply_view = conversation.view_for(reply)
        conversation.follow()
        screen._tool_log().begin_turn(reply, prompt)
        if screen._tick_timer is None:
            screen._tick_timer = screen.set_interval(1.0, screen.turns.tick)
        screen.prompt.hold_blink(True)  # a steady cursor: no prompt repaints while streaming

    def text_appended(self, reply: Message, text: str) -> None:
        view = self._reply_view
        if view is not None:
            view.append_text(text)

    def meta_changed(self, reply: Message) -> None:
        view = self._reply_view
        if view is not None:
            view.refresh_meta()

    def tool_event(self, event: ev.StreamEvent, reply: Message) -> None:
        self.screen._tool_log().apply(event, reply)

    def reasoning_ticked(self, reply: Message, seconds: float | None) -> None:
        view = self.screen.conversation.view_for(reply)
        if view is not None:
            view.live_reasoning_seconds = seconds
            view.refresh_meta()

    def usage_changed(self) -> None:
        self.screen.refresh_status()

    def turn_ended(self, reply: Message, outcome: TurnOutcome) -> None:
        screen = self.screen
        if screen._tick_timer is not None:
            screen._tick_timer.stop()
            screen._tick_timer = None
        screen.prompt.hold_blink(False)
        if not fill_cost(
            reply.usage, reply.model or screen.session.model, screen.grok.model_catalog
        ):
            if reply.usage is not None and reply.usage.cost_usd is None:
                screen.unpriced.append(reply)  # priced when the model list arrives
        mask_prompt(reply, screen.grok.api_keys())  # a reply that repeats the key
        view = self._reply_view or screen.conversation.view_for(reply)
        self._reply_view = None
        if view is not None:
            view.live_reasoning_seconds = None
            view.finish()
        screen._tool_log().end_turn(reply)
        screen.grok.reply_ended()  # memory it freed goes back (gc_policy)

    def unsent_restored(self, unsent: Unsent, error: XAIError) -> None:
        # The tool log keeps this attempt (its retries and the failure) on
        # purpose: it is a log of what happened; the saved session, which no
        # longer holds the turn, will not show it when reopened.
        screen = self.screen
        edit = unsent.edit
        if edit is not None and edit.forked_id is None and edit.is_current(screen.session):
            screen._show_edit(edit)  # undone: the edit is pending again
        prompt = screen.prompt
        if not prompt.text.strip():
            prompt.set_text(unsent.text)
            screen.attachments = list(unsent.attachments)
            screen._refresh_chips()
        screen.show_notice(
            f"✖ Not sent — {one_line(error.user_message(), 300)} "
            "Your message is back in the prompt (Enter or Ctrl+R resends)."
        )
        prompt.focus()
