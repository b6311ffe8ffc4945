"""Where the current turn of a chat is: the `TurnPhase` the status bar shows.

Textual-free: the turn controller (`chat/turn_controller.py`) moves between
these phases and the chat screen's status bar renders them.
"""

from __future__ import annotations

from enum import StrEnum


class TurnPhase(StrEnum):
    """The state of a chat's current (or last) turn.

    `SENDING`: the request is out, nothing has arrived yet (also while the
    server only sends keep-alives). `THINKING`, `SEARCHING`, `STREAMING`: what
    the last content event was. `RETRYING`: a retryable failure before any
    content; the client waits and tries again. `STOPPED`, `FAILED`: how the
    last turn ended; `IDLE`: it completed, or no turn ran yet.

    There is no separate "stopping" phase: a stop (cancelling the task that
    runs the turn) ends the turn at once, keeping the partial reply.
    """

    IDLE = "idle"
    SENDING = "sending"
    THINKING = "thinking"
    SEARCHING = "searching"
    STREAMING = "streaming"
    RETRYING = "retrying"
    STOPPED = "stopped"
    FAILED = "failed"

    @property
    def busy(self) -> bool:
        """Whether a turn is under way in this phase."""
        return self not in _AT_REST


_AT_REST = frozenset({TurnPhase.IDLE, TurnPhase.STOPPED, TurnPhase.FAILED})
