"""The chat screen: conversation, side panes, prompt, status bar, and the stream.

One Textual worker per chat (`group="stream"`, exclusive) consumes
`client.stream(build_request(session))`; each event goes through
`TurnRecorder.apply` (the session is the source of truth) and then to cheap,
O(1) widget updates: text to `StreamingMarkdown.append`, tool rows to the tool
log, state to the status bar. Esc cancels the worker (the client's
`async with` closes the HTTP response) and the partial reply stays, marked
stopped. The session is checkpointed at most once a second while streaming
and at the end of every turn, dumped on the UI thread and written in a thread.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Static

from grok_tui.api import events as ev
from grok_tui.api.errors import XAIError
from grok_tui.chat import conversation as conv
from grok_tui.chat.attachments import AttachmentError, attachment_from_input
from grok_tui.chat.edit import Draft, EditError, PendingEdit, begin_edit_last
from grok_tui.chat.models import Attachment, Message, MessageStatus, Session, new_id
from grok_tui.chat.preflight import images_refusal
from grok_tui.chat.pricing import fill_cost
from grok_tui.chat.request import RequestOptions
from grok_tui.chat.sending import TurnSender, break_chain, mask_prompt
from grok_tui.chat.turn import TurnRecorder
from grok_tui.chat.turn_controller import (
    CHECKPOINT_INTERVAL,
    YIELD_EVERY,
    YIELD_ROUNDS,
)
from grok_tui.sanitize import one_line, strip_control
from grok_tui.ui.checkpointer import Checkpointer, short_save_error
from grok_tui.ui.keymap import bindings_for
from grok_tui.ui.widgets.chat_footer import ChatFooter
from grok_tui.ui.widgets.conversation import Conversation
from grok_tui.ui.uploads import upload_documents
from grok_tui.ui.widgets.edit_banner import EditBanner
from grok_tui.ui.widgets.message_view import MessageView, attachment_chip
from grok_tui.ui.widgets.prompt_input import PromptHistory, PromptInput
from grok_tui.ui.widgets.search_form import SearchForm
from grok_tui.ui.widgets.status_bar import StatusBar
from grok_tui.ui.widgets.tool_log import ToolLog

if TYPE_CHECKING:
    from grok_tui.ui.app import GrokApp
    from grok_tui.ui.backend import Backend

#: Below this width the side pane stacks under the conversation.
NARROW_WIDTH = 100
SIDE_MIN, SIDE_MAX, SIDE_STEP = 24, 100, 4


@dataclass
class Unsent:
    """A prompt whose request never started (restored into the prompt)."""

    text: str
    attachments: list[Attachment]
    #: The edit this prompt was sending (undone if the request never started).
    edit: PendingEdit | None = None


class ChatScreen(Screen[None]):
    """The main screen."""

    # chat.tcss is loaded by the app (GrokApp.CSS_PATH): the app's default
    # screen does not load a screen's own CSS_PATH, and the rules style the
    # screen itself (`ChatScreen.-narrow ...`), which scoping would prevent.
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("chat")
    AUTO_FOCUS = "#prompt"

    def __init__(
        self,
        session: Session,
        *,
        history: PromptHistory | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.history = history if history is not None else PromptHistory()
        self.attachments: list[Attachment] = []
        self.recorder: TurnRecorder | None = None
        self.streaming_message: Message | None = None
        self.stream_state = "idle"
        self.unsent: Unsent | None = None
        #: The sent message being edited in the prompt (nothing changed until Enter).
        self.pending_edit: PendingEdit | None = None
        self._last_checkpoint = 0.0
        self._turn_begun = False  # a turn started since mount (see _load_tool_log)
        self._sending = False  # between Enter and the reply's start (see send)
        #: Notes for the next reply (what its request left out), from the check.
        self._turn_notes: list[str] = []
        self._side_width = 44
        self._side_visible = True
        self._side_visible_narrow = False
        self._side_height = 10
        self._search_visible = False
        self._tick_timer: Any = None
        self.checkpointer = Checkpointer(None)
        #: The search settings form, created the first time the pane opens.
        self._search_form: SearchForm | None = None
        self._form_mount: Any = None  # its AwaitMount until awaited
        #: The failed save already notified (None: the last save succeeded).
        self._save_error_shown: str | None = None

    # -- app access ----------------------------------------------------------

    @property
    def grok(self) -> GrokApp:
        return self.app  # type: ignore[return-value]

    @property
    def backend(self) -> Backend:
        return self.grok.backend

    @property
    def conversation(self) -> Conversation:
        return self.query_one("#conversation", Conversation)

    @property
    def prompt(self) -> PromptInput:
        return self.query_one("#prompt", PromptInput)

    @property
    def is_streaming(self) -> bool:
        return self.streaming_message is not None or self._sending

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="banner", markup=False)
        with Horizontal(id="body"):
            with Vertical(id="chat-column"):
                yield Conversation(id="conversation")
                yield Static("", id="notice", markup=False)
                yield Static("", id="attachments", markup=False)
                yield EditBanner(id="edit-banner")
                yield PromptInput(id="prompt", history=self.history,
                                  history_file=getattr(self.app, "prompt_history_file", None))
            with Vertical(id="side"):
                yield self._make_tool_log()
                yield Container(id="search-pane")
        with Horizontal(id="status-row"):
            yield self._make_status_bar()
            yield Static("", id="save-error", markup=False)
        yield ChatFooter(compact=True, show_command_palette=False)

    def _make_tool_log(self) -> ToolLog:
        log = ToolLog(id="tool-log")
        log.border_title = "Tool log"
        return log

    def _make_status_bar(self) -> StatusBar:
        return StatusBar(id="status")

    async def on_mount(self) -> None:
        conv.settle_interrupted(self.session)  # replies cut off by a crash or kill
        self.checkpointer = Checkpointer(
            self.grok.store, on_result=self._save_result, on_dropped=self._deleted_elsewhere
        )
        self.query_one("#save-error").display = False
        self._side_visible = self.grok.settings.show_tool_log if self.grok.settings else True
        self.query_one("#search-pane").display = False
        self.query_one("#notice").display = False
        self._apply_layout(self.app.size.width)
        if self._search_visible:
            await self.ensure_search_form()
        self._refresh_chips()
        self.refresh_backend_banner()
        await self.conversation.load(self.session.messages)
        self._refresh_status()
        # The log of a long session costs a few hundred ms to build: after
        # the first frame, so the conversation shows at once.
        self.call_after_refresh(self._load_tool_log)

    def _load_tool_log(self) -> None:
        # A turn begun before this deferred load ran has live-only rows
        # (retries) that a rebuild from the messages would wipe.
        if not self.is_streaming and not self._turn_begun:
            self._tool_log().load_messages(self.session.messages)

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

    # -- status / banner ------------------------------------------------------

    def refresh_backend_banner(self) -> None:
        banner = self.query_one("#banner", Static)
        backend = self.backend
        if backend.demo:
            reason = backend.demo_reason or "--demo"
            if reason == "--demo":
                text = (
                    "Demo mode (--demo): replies come from the offline demo backend, "
                    "not from Grok. Alt+K enters an API key."
                )
            else:
                text = (
                    f"Demo mode ({reason}): replies come from the offline demo backend, "
                    "not from Grok. Press Alt+K to enter an xAI API key."
                )
            banner.update(Content(text))
            banner.display = True
        else:
            banner.display = False

    def _status_bar(self) -> StatusBar:
        return self.query_one("#status", StatusBar)

    def _refresh_status(self) -> None:
        """Model, search tools, session totals and the demo marker."""
        bar = self._status_bar()
        bar.set_model(self.session.model)
        bar.set_search(self.session.search, model=self.session.model, api=self.backend.client.api)
        bar.set_totals(conv.session_totals(self.session))
        bar.set_demo(self.backend.demo)

    def _set_state(
        self, state: str, detail: str | None = None, *, seconds: float | None = None
    ) -> None:
        """The turn's state in the status bar: idle, sending, thinking,
        searching, streaming, retrying, stopped, failed."""
        if state == self.stream_state and detail is None and seconds is None:
            return
        self.stream_state = state
        self._status_bar().set_state(state, detail or "", seconds=seconds)

    # -- notices --------------------------------------------------------------

    def _save_result(self, error: str | None) -> None:
        """After each session write: a failure is notified once (until a save
        succeeds again) and stays in the status row; the chat in memory is kept."""
        if not self.is_mounted:
            return
        label = self.query_one("#save-error", Static)
        if error is None:
            label.display = False
            self._save_error_shown = None
            return
        label.update(Content(short_save_error(error)))
        label.tooltip = error
        label.display = True
        if self._save_error_shown is None:
            self._save_error_shown = error
            self._notify(
                f"{error} The chat is kept in memory; it is saved again with the next change.",
                severity="error",
            )

    def _deleted_elsewhere(self, session_id: str) -> None:
        """The open chat was deleted by another window or program while it is
        still in use here: keep what is on screen as a new saved session
        (nothing typed here is lost; the deleted one stays in the trash)."""
        if (
            not self.is_mounted
            or session_id != self.session.id
            or self.checkpointer.is_forgotten(session_id)  # deleted here, on purpose
        ):
            return
        self.session.id = new_id()
        self.checkpointer.save(self.session)
        self._notify(
            "This chat was deleted elsewhere (another window or program); "
            "it goes on here as a new saved session, and the deleted one is in the trash.",
            severity="warning",
        )

    def show_notice(self, text: str, *, error: bool = True) -> None:
        """A one-line notice above the prompt (untrusted parts already cleaned)."""
        notice = self.query_one("#notice", Static)
        notice.update(Content(strip_control(text)))
        notice.set_class(error, "-error")
        notice.display = True

    def clear_notice(self) -> None:
        self.query_one("#notice", Static).display = False

    def _notify(self, text: str, *, severity: str = "information") -> None:
        self.app.notify(strip_control(text), severity=severity, markup=False)  # type: ignore[arg-type]

    # -- sending --------------------------------------------------------------

    @on(PromptInput.Submitted)
    async def _on_submit(self, event: PromptInput.Submitted) -> None:
        event.stop()
        await self.send(event.text)

    @property
    def sender(self) -> TurnSender:
        """Builds, checks and streams turns with the current settings."""
        settings = self.grok.settings
        return TurnSender(
            api=self.backend.client.api,
            options=RequestOptions(settings.store_responses, settings.conversation),
            catalog=self.grok.model_catalog,
            secrets=self.grok.api_keys,
            tool_config=self.backend.tool_config,
        )

    async def send(self, text: str, *, key_confirmed: bool = False) -> bool:
        """Send `text` with the current attachments; False when nothing was sent
        (refused with the reason, or waiting for the API-key confirmation)."""
        if not text.strip():
            return False
        if self.is_streaming:
            self._notify("A reply is still streaming: Esc stops it.", severity="warning")
            return False
        attachments = list(self.attachments)
        session = self.session
        sender = self.sender
        check = sender.check(session, text, attachments)
        if check.refusal:
            self.show_notice(f"Not sent: {check.refusal}.")
            return False
        if check.key_in_prompt and not key_confirmed:
            self._confirm_key_in_prompt(text)
            return False
        if not await upload_documents(self, attachments):
            return False  # the reason is shown; the prompt keeps text and attachments
        edit = self.pending_edit
        if edit is not None and edit.is_current(session):
            user = edit.apply(session, text, attachments)  # the one change an edit makes
        else:
            edit = None
            user = conv.add_user_message(session, text, attachments)
        try:
            request = sender.build(session)
        except AttachmentError as exc:
            if edit is None or not edit.undo(session):
                session.messages.pop()
            self.show_notice(f"Not sent: {exc.reason}")
            return False
        if edit is not None:
            self._end_edit(restore_draft=False)
            await self.conversation.truncate(edit.index)
        mask_prompt(user, self.grok.api_keys(), session)
        self._turn_notes = list(check.notes)
        self.unsent = None
        self.clear_notice()
        self.history.add(user.text)
        self.prompt.clear()
        self.attachments.clear()
        self._refresh_chips()
        # Busy from here: the status bar says so at once, and a second Enter
        # while the message is being mounted does not send twice.
        self._sending = True
        self._set_state("sending")
        await self.conversation.add_message(user)
        await self._start_reply(request, restore=Unsent(text, attachments, edit))
        return True

    def _confirm_key_in_prompt(self, text: str) -> None:
        """The prompt holds the API key: ask before it goes to the model."""
        from grok_tui.ui.screens.confirm import ConfirmScreen

        async def answered(send: bool | None) -> None:
            if send:
                await self.send(text, key_confirmed=True)
            else:
                self.show_notice("Not sent: the prompt contains your API key. Remove it and send again.")
                self.prompt.focus()

        question = (
            "This prompt contains your xAI API key. Send it to the model anyway? "
            "It is masked in the saved chat and in the prompt history."
        )
        self.app.push_screen(ConfirmScreen(question, confirm="Send", danger=True), answered)

    async def _start_reply(self, request: Any, *, restore: Unsent | None) -> None:
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

    def _tool_log(self) -> ToolLog:
        return self.query_one("#tool-log", ToolLog)

    @work(exclusive=True, group="stream", exit_on_error=False)
    async def stream_reply(
        self, request: Any, reply: Message, view: MessageView, restore: Unsent | None
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
        except Exception as exc:  # a bug below must not lose the partial reply
            from grok_tui.api.errors import ProtocolError

            recorder.apply(ev.Failed(ProtocolError(f"Internal error: {exc}"), partial=True))
            last = None
        if not recorder.finished:
            recorder.finish_stopped()
        self._end_turn(reply, view, last, restore)

    def _dispatch(
        self, event: ev.StreamEvent, reply: Message, view: MessageView, recorder: TurnRecorder
    ) -> None:
        """One event to the widgets. Must stay O(1) and cheap (one call per token)."""
        kind = event.kind
        if kind == "text_delta":
            view.append_text(strip_control(event.text))  # type: ignore[union-attr]
            if self.stream_state != "streaming":
                self._set_state("streaming")
                view.refresh_meta()
            return
        if kind == "keep_alive":
            # The server is alive but has sent nothing yet: say so, counting up.
            if self.stream_state in ("sending", "retrying"):
                self._set_state("sending")
                self._status_bar().mark_server_alive()
            return
        if kind == "reasoning_delta":
            # The tool log only times thinking; the text goes to the reply.
            view.refresh_meta()
            if self.stream_state != "thinking":
                self._set_state("thinking", seconds=recorder.reasoning_elapsed or 0.0)
            return
        self._tool_log().apply(event, reply)
        if kind in ("reasoning_started", "reasoning_progress"):
            if self.stream_state != "thinking":
                self._set_state("thinking", seconds=recorder.reasoning_elapsed or 0.0)
            view.refresh_meta()
        elif kind == "reasoning_finished":
            view.refresh_meta()
        elif kind == "tool_call_started":
            self._set_state("searching", one_line(event.name, 40))  # type: ignore[union-attr]
        elif kind == "tool_call_updated":
            if self.stream_state != "searching":
                self._set_state("searching")
        elif kind in ("citation_added", "usage_updated", "response_started"):
            view.refresh_meta()
            if kind == "usage_updated":
                self._refresh_status()
        elif kind == "retrying":
            assert isinstance(event, ev.Retrying)
            self._set_state(
                "retrying", one_line(event.error.summary(), 80), seconds=event.delay_s
            )

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
        self._refresh_status()

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

    # -- actions ---------------------------------------------------------------

    async def action_cancel(self) -> None:
        """Esc: stop the streaming reply; else cancel an edit; otherwise leave the
        message highlight, close the search pane when the focus is in it (F3
        opened it), and give the prompt the focus."""
        if self.is_streaming:
            self.workers.cancel_group(self, "stream")
            return
        if self.pending_edit is not None:
            self.cancel_edit()
            return
        form, focused = self._search_form, self.focused
        if self._search_visible and form is not None and focused is not None \
                and form in focused.ancestors:
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
        conv.settle_interrupted(session)  # replies cut off by a crash or kill
        self.session = session
        self.checkpointer.remember(session.id)
        self.unsent = None
        self._end_edit(restore_draft=False)  # what the prompt holds stays there
        form = self._search_form
        if form is not None:
            form.set_settings(session.search)
            form.set_model(session.model)
        self.clear_notice()
        self._tool_log().load_messages(session.messages)
        await self.conversation.load(session.messages)
        self._set_state("idle")
        self._refresh_status()
        self.prompt.focus()

    async def _stop_and_wait(self) -> None:
        workers = [w for w in self.workers if w.group == "stream" and w.node is self]
        self.workers.cancel_group(self, "stream")
        for w in workers:
            try:
                await w.wait()
            except Exception:
                pass

    async def action_regenerate(self) -> None:
        """Regenerate the last reply (also: retry a failed one, or resend an unsent prompt)."""
        if self.is_streaming:
            self._notify("A reply is still streaming: Esc stops it.", severity="warning")
            return
        if self.pending_edit is not None:
            self._notify(self._editing_sentence(), severity="warning")
            return
        if self.unsent is not None and self.prompt.text.strip():
            await self.send(self.prompt.text)
            return
        session = self.session
        if conv.last_user_index(session) is None:
            self._notify("Nothing to regenerate yet.", severity="warning")
            return
        conv.prepare_regenerate(session)
        await self.conversation.truncate(len(session.messages))
        try:
            request = self.sender.build(session)
        except AttachmentError as exc:
            self.show_notice(f"Cannot regenerate: {exc.reason}")
            return
        self._turn_notes = list(self.sender.check(session, "", []).notes)
        self.clear_notice()
        await self._start_reply(request, restore=None)

    async def action_edit_last(self) -> None:
        """Load the last message of yours into the prompt to edit it. Nothing
        changes (in memory or on disk) until the edit is sent; Esc cancels."""
        prompt = self.prompt
        if self.pending_edit is not None:  # never pulls an earlier turn
            self._notify(self._editing_sentence(), severity="warning")
            prompt.focus()
            return
        if self.is_streaming:
            self._notify("A reply is still streaming: Esc stops it, then edit.",
                         severity="warning")
            return
        draft = Draft(prompt.text, list(self.attachments), prompt.cursor_location)
        try:
            edit = begin_edit_last(self.session, draft)
        except EditError as exc:
            self._notify(str(exc).capitalize() + ".", severity="warning")
            return
        self._show_edit(edit)
        prompt.set_text(edit.text)
        self.attachments = list(edit.attachments)
        self._refresh_chips()
        prompt.focus()

    def cancel_edit(self) -> None:
        """Leave the pending edit: the prompt gets back the draft it had before."""
        edit = self.pending_edit
        if edit is None:
            return
        self._end_edit(restore_draft=True)
        self._notify(f"Edit of message {edit.number} cancelled; nothing was changed.")

    def _editing_sentence(self) -> str:
        edit = self.pending_edit
        number = edit.number if edit is not None else 0
        return f"Already editing message {number}: Enter sends the edit, Esc cancels it."

    def _show_edit(self, edit: PendingEdit) -> None:
        self.pending_edit = edit
        view = self.conversation.view_at(edit.index)
        self.query_one("#edit-banner", EditBanner).show_edit(edit, view)

    def _end_edit(self, *, restore_draft: bool) -> None:
        edit, self.pending_edit = self.pending_edit, None
        if edit is None:
            return
        self.query_one("#edit-banner", EditBanner).hide()
        if restore_draft:
            draft = edit.previous_draft
            self.prompt.set_text(draft.text)
            if draft.cursor is not None:
                self.prompt.move_cursor(draft.cursor)
            self.attachments = list(draft.attachments)
            self._refresh_chips()
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

    def action_pick_model(self) -> None:
        from grok_tui.ui.screens.model_picker import ModelPickerScreen

        def chosen(model: str | None) -> None:
            if model:
                self.set_model(model)

        async def load() -> list[Any]:
            models = await self.backend.client.list_models()
            self.grok.model_catalog.update(models)  # prices and modalities for later turns
            return models

        picker = ModelPickerScreen(load, current=self.session.model)
        self.app.push_screen(picker, chosen)

    def set_model(self, model: str) -> None:
        self.session.model = strip_control(model)
        self.grok.remember_model(self.session.model)
        if self._search_form is not None:
            self._search_form.set_model(self.session.model)
        self._refresh_status()
        self.checkpointer.save(self.session)
        self._notify(f"Model: {self.session.model}")

    def action_system_prompt(self) -> None:
        from grok_tui.ui.screens.text_editor import TextEditorScreen

        def done(text: str | None) -> None:
            if text is not None:
                if text != self.session.system_prompt:
                    break_chain(self.session)  # the stored conversation has the old one
                self.session.system_prompt = text
                self.checkpointer.save(self.session)
                self._notify("System prompt set." if text.strip() else "System prompt cleared.")

        editor = TextEditorScreen(
            "System prompt",
            self.session.system_prompt,
            hint="Sent with every request of this chat. Ctrl+S saves, Esc cancels.",
        )
        self.app.push_screen(editor, done)

    def action_attach(self) -> None:
        from grok_tui.ui.screens.attach import AttachScreen

        def done(value: str | None) -> None:
            if value:
                self.attach(value)

        self.app.push_screen(AttachScreen(), done)

    def attach(self, path_or_url: str) -> Attachment | None:
        """Attach an image; on refusal show the reason and return None."""
        try:
            att = attachment_from_input(path_or_url)
        except AttachmentError as exc:
            self.show_notice(f"✖ Not attached: {exc.reason}")
            self._notify(f"Not attached: {exc.reason}", severity="error")
            return None
        self.attachments.append(att)
        self.clear_notice()
        self._refresh_chips()
        refusal = images_refusal(self.session.model, len(self.attachments), self.grok.model_catalog)
        if refusal:  # said where the image is chosen; the send refuses it too
            self.show_notice(f"⚠ {refusal} (Alt+X removes attachments, Ctrl+O picks a model).")
        return att

    def action_clear_attachments(self) -> None:
        had = len(self.attachments)
        self.attachments.clear()
        self._refresh_chips()
        if had:
            self._notify(f"Removed {had} attachment{'s' if had != 1 else ''}.")

    def _refresh_chips(self) -> None:
        chips = self.query_one("#attachments", Static)
        if not self.attachments:
            chips.display = False
            return
        text = "   ".join(attachment_chip(a) for a in self.attachments)
        chips.update(Content(f"{text}   (Alt+X clears)"))
        chips.display = True

    def action_api_key(self) -> None:
        from grok_tui.ui.screens.api_key import ApiKeyScreen

        def done(result: Any) -> None:
            if result:
                key, save = result
                self.grok.use_api_key(key, save=save)

        current, source = self.grok.api_key_in_use()
        dialog = ApiKeyScreen(current_key=current, current_source=source,
                              config_path=self.grok.settings.config_path)
        self.app.push_screen(dialog, done)

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
            form = SearchForm(
                self.session.search, model=self.session.model,
                tool_config=self.backend.tool_config, id="search-form",
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

    async def action_sessions(self) -> None:
        """F4: the session browser; open the chosen session here."""
        store = self.grok.store
        if store is None:
            self._notify("Sessions are not saved in this run (no session store).",
                         severity="warning")
            return
        from grok_tui.ui.screens.session_browser import (
            BrowserResult,
            CurrentDeleted,
            OpenSession,
            SessionBrowserScreen,
        )

        if self.session.messages:
            self.checkpointer.save(self.session)
            await self.checkpointer.flush()
        browser = SessionBrowserScreen(
            store, self.session.id, before_delete_current=self.checkpointer.forget
        )

        async def done(result: BrowserResult | None) -> None:
            if isinstance(result, CurrentDeleted):
                self.checkpointer.forget(self.session.id)
                if self.is_streaming:  # its last checkpoint is skipped (forgotten)
                    await self._stop_and_wait()
                await self.load_session(self.grok.new_session())
                return
            if result is not None and result.renamed_current:
                self.session.title = result.renamed_current
                self.session.title_is_custom = True
            if self.checkpointer.is_forgotten(self.session.id):
                self.checkpointer.remember(self.session.id)  # its delete failed
            if isinstance(result, OpenSession) and result.session_id != self.session.id:
                session_id = result.session_id
                if self.is_streaming:
                    await self._stop_and_wait()
                try:
                    session = await asyncio.to_thread(store.load, session_id)
                except Exception as exc:
                    self._notify(f"Cannot open that session: {exc}", severity="error")
                    return
                self.checkpointer.save(self.session)
                await self.load_session(session)

        self.app.push_screen(browser, done)

    # -- conversation events -----------------------------------------------------

    @on(Conversation.Highlighted)
    def _on_highlight(self, event: Conversation.Highlighted) -> None:
        event.stop()

    async def shutdown(self) -> None:
        """Before the app exits: stop the stream and write the session."""
        if self.is_streaming:
            await self._stop_and_wait()
        self.checkpointer.save(self.session)
        await self.checkpointer.flush()

