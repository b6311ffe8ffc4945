"""The stream worker: one Textual worker per chat (`group="stream"`, exclusive)
consumes the sender's stream; each event goes through `TurnRecorder.apply`
(the session is the source of truth), then one `match` over the event union
makes cheap, O(1) widget updates. Esc cancels the worker: the partial reply
stays, marked stopped. The session is checkpointed at most once a
`CHECKPOINT_INTERVAL` while streaming and at the end of every turn.
"""

from __future__ import annotations

import asyncio
import time

from textual import work

from grok_tui.api import events as ev
from grok_tui.api.errors import ProtocolError, XAIError
from grok_tui.api.request import ChatRequest
from grok_tui.chat import conversation as conv
from grok_tui.chat.models import Message, MessageStatus
from grok_tui.chat.phase import TurnPhase
from grok_tui.chat.pricing import fill_cost
from grok_tui.chat.sending import mask_prompt
from grok_tui.chat.turn import TurnRecorder
from grok_tui.chat.turn_controller import CHECKPOINT_INTERVAL, YIELD_EVERY, YIELD_ROUNDS
from grok_tui.sanitize import one_line, strip_control
from grok_tui.ui.screens.chat.base import ChatScreenBase, Unsent
from grok_tui.ui.widgets.message_view import MessageView


class StreamPart(ChatScreenBase):
    """The reply's worker and its end."""

    async def _start_reply(self, request: ChatRequest, *, restore: Unsent | None) -> None:
        self._turn_begun = True
        reply = conv.start_reply(self.session, request.model)
        reply.stored_on_server = request.store is True
        reply.notes = list(self._turn_notes)
        view = await self.conversation.add_message(reply)
        self.conversation.follow()
        self.streaming_message = reply
        self._sending = False
        self._set_state("sending")
        last_user = conv.last_user_message(self.session)
        self._tool_log().begin_turn(reply, last_user.text if last_user is not None else "")
        self.checkpointer.save(self.session)
        self._last_checkpoint = time.monotonic()
        if self._tick_timer is None:
            self._tick_timer = self.set_interval(1.0, self._tick)
        self.stream_reply(request, reply, view, restore)

    @work(exclusive=True, group="stream", exit_on_error=False)
    async def stream_reply(
        self, request: ChatRequest, reply: Message, view: MessageView, restore: Unsent | None
    ) -> None:
        recorder = TurnRecorder(reply)
        self.recorder = recorder
        last: ev.StreamEvent | None = None
        clock = time.perf_counter
        slice_start = clock()
        try:
            sender = self.sender
            async for event in sender.stream(self.backend.client.stream, self.session, request):
                recorder.apply(event)
                self._dispatch(event, reply, view, recorder)
                last = event
                now = time.monotonic()
                if now - self._last_checkpoint >= CHECKPOINT_INTERVAL:
                    self._last_checkpoint = now
                    self.checkpointer.save(self.session)
                if clock() - slice_start >= YIELD_EVERY:
                    # Let keys, timers and rendering run. A key passes through
                    # a few message queues (app, screen, widget), one hop per
                    # loop iteration: a few iterations, each nearly free when
                    # nothing else is ready.
                    for _ in range(YIELD_ROUNDS):
                        await asyncio.sleep(0)
                    slice_start = clock()
        except asyncio.CancelledError:
            recorder.finish_stopped()
            self._end_turn(reply, view, None, restore)
            raise
        except Exception as exc:  # noqa: BLE001  # a bug below must not lose the partial reply
            recorder.apply(ev.Failed(ProtocolError(f"Internal error: {exc}"), partial=True))
            last = None
        if not recorder.finished:
            recorder.finish_stopped()
        self._end_turn(reply, view, last, restore)

    def _dispatch(
        self, event: ev.StreamEvent, reply: Message, view: MessageView, recorder: TurnRecorder
    ) -> None:
        """One recorded event to the widgets. O(1) and cheap: one call per token."""
        match event:
            case ev.TextDelta():
                view.append_text(strip_control(event.text))
                if self.stream_state != TurnPhase.STREAMING:
                    self._set_state(TurnPhase.STREAMING)
                    view.refresh_meta()
            case ev.KeepAlive():
                # The server is alive but has sent nothing yet: say so, counting up.
                if self.stream_state in (TurnPhase.SENDING, TurnPhase.RETRYING):
                    self._set_state(TurnPhase.SENDING)
                    self._status_bar().mark_server_alive()
            case ev.ReasoningDelta():
                # The tool log only times thinking; the text goes to the reply.
                view.refresh_meta()
                self._thinking(recorder)
            case ev.ReasoningStarted() | ev.ReasoningProgress():
                self._tool_log().apply(event, reply)
                self._thinking(recorder)
                view.refresh_meta()
            case ev.ReasoningFinished() | ev.CitationAdded() | ev.ResponseStarted():
                self._tool_log().apply(event, reply)
                view.refresh_meta()
            case ev.ToolCallStarted():
                self._tool_log().apply(event, reply)
                self._set_state(TurnPhase.SEARCHING, one_line(event.name, 40))
            case ev.ToolCallUpdated():
                self._tool_log().apply(event, reply)
                if self.stream_state != TurnPhase.SEARCHING:
                    self._set_state(TurnPhase.SEARCHING)
            case ev.UsageUpdated():
                self._tool_log().apply(event, reply)
                view.refresh_meta()
                self.refresh_status()
            case ev.Retrying():
                self._tool_log().apply(event, reply)
                self._set_state(
                    TurnPhase.RETRYING, one_line(event.error.summary(), 80), seconds=event.delay_s
                )
            case (
                ev.EncryptedReasoning() | ev.ToolCallFinished() | ev.Completed() | ev.Failed()
                | ev.DebugEvent()
            ):
                self._tool_log().apply(event, reply)
            case _:
                ev.unhandled_event(event)

    def _thinking(self, recorder: TurnRecorder) -> None:
        if self.stream_state != TurnPhase.THINKING:
            self._set_state(TurnPhase.THINKING, seconds=recorder.reasoning_elapsed or 0.0)

    def _tick(self) -> None:
        """Once a second while streaming: live thinking time."""
        recorder, reply = self.recorder, self.streaming_message
        if recorder is None or reply is None:
            return
        if recorder.is_reasoning:
            view = self.conversation.view_for(reply)
            if view is not None:
                view.live_reasoning_seconds = recorder.reasoning_elapsed
                view.refresh_meta()

    def _end_turn(
        self,
        reply: Message,
        view: MessageView,
        last: ev.StreamEvent | None,
        restore: Unsent | None,
    ) -> None:
        self.streaming_message = None
        self.recorder = None
        if self._tick_timer is not None:
            self._tick_timer.stop()
            self._tick_timer = None
        view.live_reasoning_seconds = None
        fill_cost(reply.usage, reply.model or self.session.model, self.grok.model_catalog)
        mask_prompt(reply, self.grok.api_keys())  # a reply that repeats the key
        view.finish()
        self._tool_log().end_turn(reply)
        status = reply.status
        if status == MessageStatus.FAILED and isinstance(last, ev.Failed):
            err = last.error
            nothing = not last.partial and not reply.text.strip() and not reply.tool_calls
            if nothing and restore is not None:
                self.call_later(self._restore_unsent, reply, restore, err)
            self._set_state("failed", one_line(err.summary(), 120))
        elif status == MessageStatus.STOPPED:
            self._set_state("stopped")
        elif status == MessageStatus.FAILED:
            reason = reply.error.message if reply.error is not None else ""
            self._set_state("failed", one_line(reason, 120))
        else:
            self._set_state("idle")
        conv.touch(self.session)
        self.checkpointer.save(self.session)
        self.refresh_status()

    async def _restore_unsent(self, reply: Message, restore: Unsent, err: XAIError) -> None:
        """The request never started: take the turn back out of the conversation
        and put the text and attachments back into the prompt."""
        msgs = self.session.messages
        if len(msgs) >= 2 and msgs[-1] is reply:
            del msgs[-2:]
            await self.conversation.truncate(len(msgs))
            if restore.edit is not None and restore.edit.undo(self.session):
                for message in msgs[restore.edit.index :]:  # the edited turn is back
                    await self.conversation.add_message(message)
                self._show_edit(restore.edit)
            # The tool log keeps this attempt (its retries and the failure) on
            # purpose: it is a log of what happened; the saved session, which
            # no longer holds the turn, will not show it when reopened.
        self.unsent = restore
        prompt = self.prompt
        if not prompt.text.strip():
            prompt.set_text(restore.text)
            self.attachments = list(restore.attachments)
            self._refresh_chips()
        self.show_notice(
            f"✖ Not sent — {one_line(err.user_message(), 300)} "
            "Your message is back in the prompt (Enter or Ctrl+R resends)."
        )
        self.checkpointer.save(self.session)
        self.prompt.focus()

