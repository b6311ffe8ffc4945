"""The life of a chat turn, without Textual: send, stream, stop, fail, retry.

`TurnController` owns what happens to a session between Enter and the end of
the reply: the user message and the reply placeholder, the stream loop (each
event recorded by `TurnRecorder`, then handed to the view), checkpoints at
most once per `CHECKPOINT_INTERVAL` and at the end of every turn, the
`TurnPhase` shown in the status bar, a stop (the task running `run_turn` is
cancelled: the partial reply stays, marked stopped), and a request that never
started (the turn is taken back out of the session and the prompt restored).

Everything outside the session comes in through the constructor: the stream
function, the request builder, the checkpoint sink, a monotonic clock, and a
`TurnView` the UI implements (its methods are called on the loop that runs
the controller, the UI's). The controller never starts a task itself: the UI
runs `run_turn(turn)` in its own worker and cancels that worker to stop.

Per event the cost is one `TurnRecorder.apply`, one `match` over the event
union and one or two view calls: the stream is one call per token.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Sequence

from grok_tui.api import events as ev
from grok_tui.api.chat_request import ChatRequest
from grok_tui.api.errors import ProtocolError, XAIError
from grok_tui.chat import conversation as conv
from grok_tui.chat import tree
from grok_tui.chat.attachments import AttachmentError
from grok_tui.chat.edit import PendingEdit
from grok_tui.chat.phase import TurnPhase
from grok_tui.chat.session import Attachment, Message, MessageStatus, Session
from grok_tui.chat.turn import TurnRecorder
from grok_tui.chat.turn_types import (
    Refusal,
    Refused,
    Turn,
    TurnOutcome,
    TurnView,
    Unsent,
)
from grok_tui.sanitize import one_line, strip_control

#: Seconds between checkpoints of a streaming reply.
CHECKPOINT_INTERVAL = 1.0
#: The stream loop yields to the event loop after this much processing:
#: buffered (loopback, fast) data is consumed without awaiting anything that
#: blocks, which would starve key handling, timers and screen updates.
YIELD_EVERY = 0.008
YIELD_ROUNDS = 4

StreamFunction = Callable[[ChatRequest], AsyncIterator[ev.StreamEvent]]
RequestBuilder = Callable[[Session], ChatRequest]
CheckpointSink = Callable[[Session], None]
Clock = Callable[[], float]
#: Called with the accepted user message once its request is built (before
#: anything sees it: e.g. mask a secret in it).
UserHook = Callable[[Message], object]  # what it returns is ignored
#: Called with the new reply placeholder and its request (e.g. notes, flags).
ReplyHook = Callable[[Message, ChatRequest], None]


def _no_user_hook(message: Message) -> None:
    return None


def _no_reply_hook(reply: Message, request: ChatRequest) -> None:
    return None


__all__ = [
    "CHECKPOINT_INTERVAL",
    "YIELD_EVERY",
    "YIELD_ROUNDS",
    "CheckpointSink",
    "Clock",
    "PendingEdit",
    "Refusal",
    "Refused",
    "ReplyHook",
    "RequestBuilder",
    "StreamFunction",
    "Turn",
    "TurnController",
    "TurnOutcome",
    "TurnPhase",
    "TurnView",
    "Unsent",
    "UserHook",
]


class TurnController:
    """The turn lifecycle of one chat (see the module docstring)."""

    def __init__(
        self,
        session: Session,
        *,
        stream: StreamFunction,
        build_request: RequestBuilder,
        checkpoint: CheckpointSink,
        view: TurnView,
        clock: Clock = time.monotonic,
        wall: Clock = time.time,
        prepare_user: UserHook = _no_user_hook,
        prepare_reply: ReplyHook = _no_reply_hook,
    ) -> None:
        self.session = session
        self._prepare_user = prepare_user
        self._prepare_reply = prepare_reply
        self._stream = stream
        self._build_request = build_request
        self._checkpoint = checkpoint
        self._view = view
        self._clock = clock
        self._wall = wall
        self._phase = TurnPhase.IDLE
        self._busy = False  # from an accepted send until the turn has ended
        self._turn: Turn | None = None
        self._recorder: TurnRecorder | None = None
        self._last_checkpoint = 0.0
        #: The prompt of the last turn whose request never started.
        self.unsent: Unsent | None = None

    # -- state -----------------------------------------------------------------

    @property
    def phase(self) -> TurnPhase:
        return self._phase

    @property
    def busy(self) -> bool:
        """A turn is under way (a second send is refused)."""
        return self._busy

    @property
    def reply(self) -> Message | None:
        """The reply being streamed, or None."""
        return self._turn.reply if self._turn is not None else None

    @property
    def recorder(self) -> TurnRecorder | None:
        return self._recorder

    def switch_session(self, session: Session) -> None:
        """Go on with another session (the UI stopped any turn first)."""
        if self._busy:
            raise RuntimeError("a turn is under way: stop it before switching sessions")
        self.session = session
        self.unsent = None
        self._set_phase(TurnPhase.IDLE)

    def _set_phase(
        self, phase: TurnPhase, detail: str | None = None, *, seconds: float | None = None
    ) -> None:
        if phase is self._phase and detail is None and seconds is None:
            return
        self._phase = phase
        self._view.phase_changed(phase, detail or "", seconds)

    # -- beginning a turn ----------------------------------------------------------

    async def send(
        self,
        text: str,
        attachments: Sequence[Attachment] = (),
        *,
        edit: PendingEdit | None = None,
    ) -> Turn | Refused:
        """Send `text` with `attachments` as the next user message; with a
        pending `edit` (`chat/edit.py`) still current, as a new branch beside
        the edited message (which stays, with all that follows it). Nothing in the session changes unless
        the prompt is accepted. Run the returned `Turn` with `run_turn`."""
        if not text.strip():
            return Refused(Refusal.EMPTY, "")
        if self._busy:
            return Refused(Refusal.BUSY, "A reply is still streaming: Esc stops it.")
        session = self.session
        if edit is not None and not edit.is_current(session):
            edit = None  # its message has gone: a plain send
        attachments = list(attachments)
        title, updated_at = session.title, session.updated_at
        if edit is not None:
            user = edit.apply(session, text, attachments)  # the one change an edit makes
        else:
            user = conv.add_user_message(session, text, attachments)
        try:
            request = self._build_request(session)
        except AttachmentError as exc:
            # Back exactly as it was (nothing awaited meanwhile: nobody saw it).
            if edit is None or not edit.undo(session):
                tree.drop_path_tail(session, len(session.messages) - 1)
            session.title, session.updated_at = title, updated_at
            return Refused(Refusal.BAD_ATTACHMENT, f"Not sent: {exc.reason}")
        self._prepare_user(user)
        self.unsent = None
        # Busy from here: a second Enter while messages mount does not send twice.
        self._busy = True
        try:
            self._view.prompt_accepted(user.text, attachments)
            self._set_phase(TurnPhase.SENDING)
            if edit is not None:
                await self._view.messages_truncated(edit.index)
            await self._view.message_added(user)
            return await self._start_reply(request, Unsent(text, attachments, edit))
        except BaseException:
            self._abandon()
            raise

    async def regenerate(self) -> Turn | Refused:
        """Answer the last user message again (also: retry a failed reply)."""
        if self._busy:
            return Refused(Refusal.BUSY, "A reply is still streaming: Esc stops it.")
        session = self.session
        if conv.last_user_index(session) is None:
            return Refused(Refusal.NOTHING_TO_REGENERATE, "Nothing to regenerate yet.")
        kept = conv.prepare_regenerate(session)  # the old reply stays, as a version
        try:
            request = self._build_request(session)
        except AttachmentError as exc:
            if kept:  # nothing is shown changed yet: the old reply is chosen again
                tree.switch_to(session, kept[0].id)
            return Refused(Refusal.BAD_ATTACHMENT, f"Cannot regenerate: {exc.reason}")
        self._busy = True
        try:
            await self._view.messages_truncated(len(session.messages))
            return await self._start_reply(request, None)
        except BaseException:
            self._abandon()
            raise

    async def _start_reply(self, request: ChatRequest, restore: Unsent | None) -> Turn:
        session = self.session
        reply = conv.start_reply(session, request.model)
        self._prepare_reply(reply, request)
        turn = Turn(reply, request, restore)
        self._turn = turn
        self._recorder = TurnRecorder(reply, clock=self._clock, wall=self._wall)
        await self._view.message_added(reply)
        self._set_phase(TurnPhase.SENDING)
        last_user = conv.last_user_message(session)
        self._view.turn_started(reply, last_user.text if last_user is not None else "")
        self._checkpoint(session)
        self._last_checkpoint = self._clock()
        return turn

    def _abandon(self) -> None:
        """Cancelled or broken between accepting a prompt and running its
        turn: end what was begun so the chat is not left busy."""
        turn, recorder = self._turn, self._recorder
        if turn is not None and recorder is not None:
            recorder.finish_stopped()
            self._end_turn(turn, None)
        else:
            self._busy = False
            self._set_phase(TurnPhase.STOPPED)

    # -- the stream ------------------------------------------------------------------

    async def run_turn(self, turn: Turn) -> None:
        """Stream the reply of `turn` (from `send`/`regenerate`) to its end.

        Cancelling the task running it is a stop: the reply keeps what
        arrived, marked stopped, the turn ends and `CancelledError` is
        re-raised. An exception below (the stream or the view) fails the
        reply and keeps what arrived."""
        recorder = self._recorder
        if turn is not self._turn or recorder is None:
            raise RuntimeError("run_turn: not the turn under way")
        reply, view, clock = turn.reply, self._view, self._clock
        last: ev.StreamEvent | None = None
        slice_start = clock()
        # Set by a callback of the event loop: it ran since the slice began
        # (the stream waited for data), so keys, timers and rendering had
        # their turn and the slice starts again without yielding. Only a
        # stream that never waits (buffered, fast) needs the forced yields;
        # yielding after every network wait cost ~4 extra loop rounds per
        # read while a reply streamed at 150 tokens/s.
        loop = asyncio.get_running_loop()
        loop_ran = [False]

        def mark_loop_ran() -> None:
            loop_ran[0] = True

        loop.call_soon(mark_loop_ran)
        try:
            async for event in self._stream(turn.request):
                if loop_ran[0]:
                    loop_ran[0] = False
                    slice_start = clock()
                    loop.call_soon(mark_loop_ran)
                recorder.apply(event)
                self._dispatch(event, reply, recorder, view)
                last = event
                now = clock()
                if now - self._last_checkpoint >= CHECKPOINT_INTERVAL:
                    self._last_checkpoint = now
                    self._checkpoint(self.session)
                if now - slice_start >= YIELD_EVERY:
                    # Let keys, timers and rendering run. A key passes through
                    # a few message queues (app, screen, widget), one hop per
                    # loop iteration: a few iterations, each nearly free when
                    # nothing else is ready.
                    for _ in range(YIELD_ROUNDS):
                        await asyncio.sleep(0)
                    slice_start = clock()
                    loop_ran[0] = False
                    loop.call_soon(mark_loop_ran)
        except asyncio.CancelledError:
            recorder.finish_stopped()
            self._end_turn(turn, None)
            raise
        except Exception as exc:  # noqa: BLE001  # a bug below must not lose the partial reply
            recorder.apply(ev.Failed(ProtocolError(f"Internal error: {exc}"), partial=True))
            last = None
        if not recorder.finished:
            recorder.finish_stopped()
        error = self._end_turn(turn, last)
        if error is not None and turn.restore is not None:
            await self._restore_unsent(reply, turn.restore, error)

    def _dispatch(
        self, event: ev.StreamEvent, reply: Message, recorder: TurnRecorder, view: TurnView
    ) -> None:
        """One recorded event to the view. O(1) and cheap: one call per token."""
        match event:
            case ev.TextDelta():
                view.text_appended(reply, strip_control(event.text))
                if self._phase is not TurnPhase.STREAMING:
                    self._set_phase(TurnPhase.STREAMING)
                    view.meta_changed(reply)
            case ev.KeepAlive():
                # The server is alive but has sent nothing yet: say so, counting up.
                if self._phase is TurnPhase.SENDING or self._phase is TurnPhase.RETRYING:
                    self._set_phase(TurnPhase.SENDING)
                    view.server_alive()
            case ev.ReasoningDelta():
                # The tool log only times thinking; the text goes to the reply.
                view.meta_changed(reply)
                self._thinking(recorder)
            case ev.ReasoningStarted() | ev.ReasoningProgress():
                view.tool_event(event, reply)
                self._thinking(recorder)
                view.meta_changed(reply)
            case ev.ReasoningFinished():
                view.tool_event(event, reply)
                view.meta_changed(reply)
            case ev.ToolCallStarted():
                view.tool_event(event, reply)
                self._set_phase(TurnPhase.SEARCHING, one_line(event.name, 40))
            case ev.ToolCallUpdated():
                view.tool_event(event, reply)
                if self._phase is not TurnPhase.SEARCHING:
                    self._set_phase(TurnPhase.SEARCHING)
            case ev.CitationAdded() | ev.ResponseStarted():
                view.tool_event(event, reply)
                view.meta_changed(reply)
            case ev.UsageUpdated():
                view.tool_event(event, reply)
                view.meta_changed(reply)
                view.usage_changed()
            case ev.Retrying():
                view.tool_event(event, reply)
                self._set_phase(
                    TurnPhase.RETRYING, one_line(event.error.summary(), 80), seconds=event.delay_s
                )
            case ev.ToolCallFinished() | ev.Completed() | ev.Failed() | ev.DebugEvent():
                view.tool_event(event, reply)
            case ev.EncryptedReasoning():
                pass  # kept on the message by the recorder; nothing to show
            case _:
                ev.unhandled_event(event)

    def _thinking(self, recorder: TurnRecorder) -> None:
        if self._phase is not TurnPhase.THINKING:
            self._set_phase(TurnPhase.THINKING, seconds=recorder.reasoning_elapsed or 0.0)

    def tick(self) -> None:
        """Once a second while a turn runs (the UI's timer): live thinking time."""
        recorder, turn = self._recorder, self._turn
        if recorder is None or turn is None or not recorder.is_reasoning:
            return
        self._view.reasoning_ticked(turn.reply, recorder.reasoning_elapsed)

    # -- the end -----------------------------------------------------------------------

    def _end_turn(self, turn: Turn, last: ev.StreamEvent | None) -> XAIError | None:
        """Close the turn; the error when the request never started and the
        turn is to be taken back (else None)."""
        reply = turn.reply
        self._turn = None
        self._recorder = None
        self._busy = False
        status = reply.status
        take_back: XAIError | None = None
        if status == MessageStatus.FAILED and isinstance(last, ev.Failed):
            error = last.error
            nothing = not last.partial and not reply.text.strip() and not reply.tool_calls
            if nothing and turn.restore is not None:
                take_back = error
            outcome = TurnOutcome.NOT_STARTED if take_back is not None else TurnOutcome.FAILED
            self._view.turn_ended(reply, outcome)
            self._set_phase(TurnPhase.FAILED, one_line(error.summary(), 120))
        elif status == MessageStatus.STOPPED:
            self._view.turn_ended(reply, TurnOutcome.STOPPED)
            self._set_phase(TurnPhase.STOPPED)
        elif status == MessageStatus.FAILED:
            self._view.turn_ended(reply, TurnOutcome.FAILED)
            reason = reply.error.message if reply.error is not None else ""
            self._set_phase(TurnPhase.FAILED, one_line(reason, 120))
        else:
            self._view.turn_ended(reply, TurnOutcome.COMPLETED)
            self._set_phase(TurnPhase.IDLE)
        conv.touch(self.session)
        self._checkpoint(self.session)
        self._view.usage_changed()
        return take_back

    async def _restore_unsent(self, reply: Message, restore: Unsent, error: XAIError) -> None:
        """The request never started: take the turn back out of the session
        (an edit puts back what it was to replace) and give the text and
        attachments back to the prompt."""
        session = self.session
        messages = session.messages
        if len(messages) >= 2 and messages[-1] is reply:
            # An edit that never went out forks nothing: its branch is removed
            # and the edited one chosen again, as it was.
            edit = restore.edit
            if edit is not None and edit.undo(session):
                await self._view.messages_truncated(edit.index)
                for message in messages[edit.index :]:
                    await self._view.message_added(message)
            else:
                tree.drop_path_tail(session, len(messages) - 2)
                await self._view.messages_truncated(len(messages))
        self.unsent = restore
        self._view.unsent_restored(restore, error)
        self._checkpoint(self.session)
