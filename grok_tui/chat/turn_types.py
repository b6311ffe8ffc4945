"""What the turn controller (`chat/turn_controller.py`) takes and gives.

`TurnView` is the protocol the UI implements to follow a turn; `Turn`,
`Refused` (with a `Refusal`) and `Unsent` are the values the controller
returns or hands to the view (an edit is `chat/edit.py`'s `PendingEdit`);
`TurnOutcome` says how a turn ended.
Textual-free, like the controller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from grok_tui.api import events as ev
from grok_tui.api.chat_request import ChatRequest
from grok_tui.api.errors import XAIError
from grok_tui.chat.edit import PendingEdit
from grok_tui.chat.phase import TurnPhase
from grok_tui.chat.session import Attachment, Message


class TurnOutcome(StrEnum):
    """How a turn ended (`TurnView.turn_ended`)."""

    COMPLETED = "completed"
    STOPPED = "stopped"
    FAILED = "failed"
    #: The request never started (nothing arrived): the turn is taken back out
    #: of the session next and the prompt restored (`TurnView.unsent_restored`).
    NOT_STARTED = "not_started"


class Refusal(StrEnum):
    """Why `send` or `regenerate` did nothing."""

    EMPTY = "empty"  # blank text: nothing to say to the user
    BUSY = "busy"  # a turn is under way
    BAD_ATTACHMENT = "bad_attachment"  # an attached file has gone (say it in the notice line)
    NOTHING_TO_REGENERATE = "nothing_to_regenerate"


@dataclass(frozen=True, slots=True)
class Refused:
    """Nothing changed; `message` is the sentence for the user ("" for EMPTY)."""

    reason: Refusal
    message: str


@dataclass(frozen=True, slots=True)
class Unsent:
    """A prompt whose request never started (restored into the prompt).

    For an edit, `edit` is the `PendingEdit` it applied, undone by then (the
    replaced messages are back in the session): resend with
    `send(text, attachments, edit=edit)`."""

    text: str
    attachments: list[Attachment] = field(default_factory=list)
    edit: PendingEdit | None = None


@dataclass(frozen=True, slots=True)
class Turn:
    """A turn begun by `send`/`regenerate`: pass it to `run_turn`."""

    reply: Message
    request: ChatRequest
    #: What to put back into the prompt if the request never starts (None for
    #: a regenerate: there is no prompt to give back).
    restore: Unsent | None


class TurnView(Protocol):
    """What the UI does when the turn changes. Called on the controller's loop;
    the per-event methods (`text_appended`, `meta_changed`, `tool_event`,
    `phase_changed`) must stay O(1) and cheap."""

    def phase_changed(self, phase: TurnPhase, detail: str, seconds: float | None) -> None:
        """Show `phase`. `detail`: the tool name (searching) or the reason
        (retrying, failed), else "". `seconds`: thought so far (thinking) or
        the retry delay (retrying), else None."""

    def server_alive(self) -> None:
        """A keep-alive while sending or retrying (after `phase_changed(SENDING)`)."""

    def prompt_accepted(self, text: str, attachments: Sequence[Attachment]) -> None:
        """`send` accepted the prompt (before any await): clear it, remember it."""

    async def message_added(self, message: Message) -> None:
        """`message` was appended to the session (the user's, then the reply)."""

    async def messages_truncated(self, count: int) -> None:
        """The session now has only its first `count` messages."""

    def turn_started(self, reply: Message, prompt: str) -> None:
        """The reply placeholder is in place and the stream is about to start;
        `prompt` is the text of the user message it answers. (Start a 1 s timer
        calling `TurnController.tick` here, stop it in `turn_ended`.)"""

    def text_appended(self, reply: Message, text: str) -> None:
        """A piece of visible answer text (control characters removed)."""

    def meta_changed(self, reply: Message) -> None:
        """The reply's reasoning, usage, citations, model or ids changed."""

    def tool_event(self, event: ev.StreamEvent, reply: Message) -> None:
        """An event for the tool log (every event except text, reasoning text
        and keep-alives), after it was recorded into `reply`."""

    def reasoning_ticked(self, reply: Message, seconds: float | None) -> None:
        """Live thinking time (from `tick()` while the model thinks)."""

    def usage_changed(self) -> None:
        """The session's totals may have changed."""

    def turn_ended(self, reply: Message, outcome: TurnOutcome) -> None:
        """The turn is over (the reply is final); the phase comes next."""

    def unsent_restored(self, unsent: Unsent, error: XAIError) -> None:
        """The request never started: the turn was taken out of the session;
        put `unsent` back into the prompt (unless the user typed something new)
        and say what went wrong."""
