"""The chat screen's state and the small services its parts share.

`ChatScreenBase` holds what the parts of the chat screen (`turns`, `stream`,
`dialogs`, `side_pane`, `screen`) all use: the session, the attachments, the
turn's state, the widgets by id, the status bar, notices and notifications.
`ChatScreen` (screen.py) puts the parts together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from grok_tui.api.request import ChatRequest
from grok_tui.chat import conversation as conv
from grok_tui.chat.edit import PendingEdit
from grok_tui.chat.models import Attachment, Message, Session, new_id
from grok_tui.chat.phase import TurnPhase
from grok_tui.chat.request import RequestOptions
from grok_tui.chat.sending import TurnSender
from grok_tui.chat.turn import TurnRecorder
from grok_tui.sanitize import strip_control
from grok_tui.ui.checkpointer import Checkpointer, short_save_error
from grok_tui.ui.widgets.conversation import Conversation
from grok_tui.ui.widgets.message_view import attachment_chip
from grok_tui.ui.widgets.prompt_input import PromptHistory, PromptInput
from grok_tui.ui.widgets.search_form import SearchForm
from grok_tui.ui.widgets.status_bar import StatusBar
from grok_tui.ui.widgets.tool_log import ToolLog

if TYPE_CHECKING:
    from grok_tui.ui.app import GrokApp
    from grok_tui.ui.backend import Backend



@dataclass
class Unsent:
    """A prompt whose request never started (restored into the prompt)."""

    text: str
    attachments: list[Attachment]
    #: The edit this prompt was sending (undone if the request never started).
    edit: PendingEdit | None = None


class ChatScreenBase(Screen[None]):
    """The chat screen's state (see the module docstring)."""

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
        self.stream_state = TurnPhase.IDLE
        self.unsent: Unsent | None = None
        #: The sent message being edited in the prompt (nothing changed until Enter).
        self.pending_edit: PendingEdit | None = None
        self._last_checkpoint = 0.0
        self._turn_begun = False  # a turn started since mount (see _load_tool_log)
        self._sending = False  # between Enter and the reply's start (see send)
        #: Notes for the next reply (what its request left out), from the check.
        self._turn_notes: list[str] = []
        #: F3 asked for the search pane (shown once its form is mounted).
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
        bar.set_search(self.session.search, model=self.session.model, api=self.backend.client.api)
        bar.set_totals(conv.session_totals(self.session))
        bar.set_demo(self.backend.demo)

    def _set_state(
        self, state: TurnPhase | str, detail: str | None = None, *, seconds: float | None = None
    ) -> None:
        """The turn's state in the status bar: idle, sending, thinking,
        searching, streaming, retrying, stopped, failed."""
        if state == self.stream_state and detail is None and seconds is None:
            return
        self.stream_state = TurnPhase(state)
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

    @property
    def sender(self) -> TurnSender:
        """Builds, checks and streams turns with the current settings."""
        settings = self.grok.settings
        return TurnSender(
            api=self.backend.client.api,
            options=RequestOptions(settings.store_responses, settings.conversation),
            catalog=self.grok.model_catalog,
            secrets=self.grok.api_keys,
        )

    def _tool_log(self) -> ToolLog:
        return self.query_one("#tool-log", ToolLog)

    async def _stop_and_wait(self) -> None:
        workers = [w for w in self.workers if w.group == "stream" and w.node is self]
        self.workers.cancel_group(self, "stream")
        for w in workers:
            try:
                await w.wait()
            except Exception:  # noqa: BLE001, S110  # a stopped worker's own error was reported
                pass

    def _refresh_chips(self) -> None:
        chips = self.query_one("#attachments", Static)
        if not self.attachments:
            chips.display = False
            return
        text = "   ".join(attachment_chip(a) for a in self.attachments)
        chips.update(Content(f"{text}   (Alt+X clears)"))
        chips.display = True

    if TYPE_CHECKING:  # provided by the other parts of ChatScreen

        def _show_edit(self, edit: PendingEdit) -> None: ...
        def _end_edit(self, *, restore_draft: bool) -> None: ...
        async def _start_reply(self, request: ChatRequest, *, restore: Unsent | None) -> None: ...
        async def send(self, text: str, *, key_confirmed: bool = False) -> bool: ...
        async def load_session(self, session: Session) -> None: ...
        async def ensure_search_form(self) -> SearchForm: ...
        async def action_toggle_search(self) -> None: ...
