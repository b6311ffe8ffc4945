"""The chat screen's state and the small services its parts share.

`ChatScreenBase` holds what the parts of the chat screen (`turns`, `stream`,
`dialogs`, `side_pane`, `screen`) all use: the session, the attachments, the
turn's state, the widgets by id, the status bar, notices and notifications.
`ChatScreen` (screen.py) puts the parts together.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from grok_tui.chat import conversation as conv
from grok_tui.chat.phase import TurnPhase
from grok_tui.chat.session import Attachment, Message, Session, new_id
from grok_tui.sanitize import strip_control
from grok_tui.store.checkpointer import Checkpointer, short_save_error
from grok_tui.ui.screens.chat.uploads import BAR_AFTER, ReuploadView, upload_chips
from grok_tui.ui.widgets.conversation import Conversation
from grok_tui.ui.widgets.prompt_input import PromptHistoryWalker, PromptInput
from grok_tui.ui.widgets.status_bar import StatusBar
from grok_tui.ui.widgets.tool_log import ToolLog

if TYPE_CHECKING:
    from grok_tui.api.chat_request import ChatRequest
    from grok_tui.backend import Backend
    from grok_tui.chat.edit import PendingEdit
    from grok_tui.chat.sending import TurnSender
    from grok_tui.chat.turn import TurnRecorder
    from grok_tui.chat.turn_controller import TurnController
    from grok_tui.chat.turn_types import Unsent
    from grok_tui.chat.uploading import UploadState
    from grok_tui.ui.app import GrokApp
    from grok_tui.ui.widgets.search_form import SearchForm


class ChatScreenBase(Screen[None]):
    """The chat screen's state (see the module docstring)."""

    def __init__(
        self,
        session: Session,
        *,
        history: PromptHistoryWalker | None = None,
    ) -> None:
        super().__init__()
        #: The turn lifecycle, built on first use (`turns`); until then the
        #: session is kept here.
        self._turns: TurnController | None = None
        self._first_session: Session | None = session
        self.history = history if history is not None else PromptHistoryWalker()
        self.attachments: list[Attachment] = []
        #: The sent message being edited in the prompt (nothing changed until Enter).
        self.pending_edit: PendingEdit | None = None
        self._tool_log_loaded = False  # its first load ran (see ensure_tool_log)
        #: Notes for the next reply (what its request left out), from the check.
        self._turn_notes: list[str] = []
        #: F3 asked for the search pane (shown once its form is mounted).
        self._search_visible = False
        self._tick_timer: Timer | None = None
        #: Replies of this session that ended with no cost and no price known
        #: (the model list not fetched yet): `reprice` fills them when it is.
        self.unpriced: list[Message] = []
        self.checkpointer = Checkpointer(None)
        #: The search settings form, created the first time the pane opens.
        self._search_form: SearchForm | None = None
        self._form_mount: Any = None  # its AwaitMount until awaited
        #: The failed save already notified (None: the last save succeeded).
        self._save_error_shown: str | None = None
        #: When the documents of the message being sent began to upload
        #: (None: no upload runs), and the file going out (`ui/uploads.py`).
        self.upload_started: float | None = None
        self.upload_state: UploadState | None = None
        #: When a lost document of the turn began to upload again (None: none).
        self.reupload_started: float | None = None
        self._reupload_view = ReuploadView(self)

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
    def turns(self) -> TurnController:
        """The turn lifecycle (send, regenerate, stream, stop, unsent prompts);
        this screen is its view through `ChatTurnView`.

        Built on first use, not with the screen: it and what it imports (the
        request builder, the stream events, uploads) are not needed to show
        the first frame (start-up time, bench_terminal --startup-only)."""
        turns = self._turns
        if turns is None:
            from grok_tui.chat.sending import mask_prompt
            from grok_tui.chat.turn_controller import TurnController
            from grok_tui.ui.screens.chat.stream import ChatTurnView

            turns = self._turns = TurnController(
                self.session,
                stream=lambda request: self.sender.stream(
                    self.backend.client.stream, self.session, request
                ),
                build_request=lambda s: self.sender.build(s),
                checkpoint=lambda s: self.checkpointer.save(s),
                view=ChatTurnView(self),
                prepare_user=lambda user: mask_prompt(user, self.grok.api_keys(), self.session),
                prepare_reply=self._prepare_reply,
            )
            self._first_session = None  # the controller holds the session now
        return turns

    @property
    def session(self) -> Session:
        turns = self._turns
        if turns is not None:
            return turns.session
        assert self._first_session is not None  # set until the controller takes it
        return self._first_session

    @session.setter
    def session(self, session: Session) -> None:
        if self._turns is None:
            self._first_session = session  # no turn yet: nothing to stop or reset
        else:
            self._turns.switch_session(session)  # the turn was stopped first

    @property
    def is_streaming(self) -> bool:
        """A turn is under way (from an accepted Enter to the reply's end)."""
        return self._turns is not None and self._turns.busy

    @property
    def uploading(self) -> bool:
        """The documents of a message are uploading (the message is sent after)."""
        return self.upload_started is not None

    @property
    def stream_state(self) -> TurnPhase:
        return self._turns.phase if self._turns is not None else TurnPhase.IDLE

    @property
    def streaming_message(self) -> Message | None:
        return self._turns.reply if self._turns is not None else None

    @property
    def recorder(self) -> TurnRecorder | None:
        return self._turns.recorder if self._turns is not None else None

    @property
    def unsent(self) -> Unsent | None:
        return self._turns.unsent if self._turns is not None else None

    def _prepare_reply(self, reply: Message, request: ChatRequest) -> None:
        reply.stored_on_server = request.store is True
        reply.notes = list(self._turn_notes)

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

    def refresh_status(self) -> None:
        """Model, search tools, session totals and the demo marker."""
        bar = self._status_bar()
        bar.set_model(self.session.model)
        bar.set_search(self.session.search, model=self.session.model, api=self.backend.api)
        bar.set_totals(conv.session_totals(self.session), shown=conv.path_totals(self.session))
        bar.set_demo(self.backend.demo)

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

    @property
    def sender(self) -> TurnSender:
        """Builds, checks and streams turns with the current settings."""
        from grok_tui.chat.request_builder import RequestOptions
        from grok_tui.chat.sending import TurnSender

        settings = self.grok.settings
        return TurnSender(
            api=self.backend.api,
            options=RequestOptions(settings.store_responses, settings.conversation),
            catalog=self.grok.model_catalog,
            secrets=self.grok.api_keys,
            tool_config=self.backend.tool_config,
            files=self.backend.client,
            reupload_progress=self._reupload_view.progress,
            reuploaded=self._reupload_view.uploaded,
            save=self.checkpointer.save,
        )

    def _tool_log(self) -> ToolLog:
        return self.query_one("#tool-log", ToolLog)

    def ensure_tool_log(self, *, leave_out: Message | None = None) -> None:
        """The tool log's first load, once. It is deferred past the first frame,
        but a turn can begin before it runs (keys typed while the app starts):
        the turn calls this first, with its reply left out, so the log holds
        the earlier turns and the late deferred call cannot wipe the live
        turn's rows (retries)."""
        if self._tool_log_loaded:
            return
        self._tool_log_loaded = True
        self._tool_log().load_messages(m for m in self.session.messages if m is not leave_out)

    async def _stop_and_wait(self) -> None:
        await self._cancel_and_wait("stream")

    async def _cancel_upload_and_wait(self) -> None:
        await self._cancel_and_wait("upload")

    async def _cancel_and_wait(self, group: str) -> None:
        workers = [w for w in self.workers if w.group == group and w.node is self]
        self.workers.cancel_group(self, group)
        for w in workers:
            try:
                await w.wait()
            except Exception:  # noqa: BLE001, S110  # a stopped worker's own error was reported
                pass

    def _refresh_chips(self) -> None:
        """The attachment line; while documents upload, with their progress."""
        chips = self.query_one("#attachments", Static)
        started = self.upload_started or self.reupload_started
        if not self.attachments and (self.upload_state is None or started is None):
            chips.display = False
            return
        show_bar = started is not None and time.monotonic() - started >= BAR_AFTER
        width = chips.content_size.width or self.size.width - 2
        chips.update(
            upload_chips(self.attachments, self.upload_state, show_bar=show_bar, width=width)
        )
        chips.display = True

    if TYPE_CHECKING:  # provided by the other parts of ChatScreen

        def _show_edit(self, edit: PendingEdit) -> None: ...
        def load_edit(self, edit: PendingEdit) -> None: ...
        def _editing_sentence(self) -> str: ...
        def _end_edit(self, *, restore_draft: bool) -> None: ...
        async def send(self, text: str, *, key_confirmed: bool = False) -> bool: ...
        async def load_session(self, session: Session) -> None: ...
        async def ensure_search_form(self) -> SearchForm: ...
        async def action_toggle_search(self) -> None: ...
        def position_of(self, message: Message) -> tuple[int, int] | None: ...
