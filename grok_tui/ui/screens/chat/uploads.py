"""The chat screen's side of uploading documents (the work is `chat/uploading.py`).

`run_uploads(screen, attachments)` runs in the screen's "upload" worker, so
the screen keeps handling keys while the bytes go out: the prompt is read-only
(what is sent is what was there on Enter), the attachment line shows the file
being uploaded with a bar, bytes sent of the total and the percentage, and
Esc or Ctrl+C cancels (`ChatScreen.cancel_upload`). Every way it ends keeps
the prompt's text and attachments unless the message is then sent:

- all uploaded: True (the caller sends the turn);
- refused or failed (413 too large, another 4xx, the network dropped, the
  file gone): the reason on the notice line, False;
- cancelled: "nothing was sent" on the notice line, and the cancellation
  goes on (the worker ends cancelled).

`upload_chips(attachments, state)` is the attachment line (a `Content`, no
markup: names come from disk).

`ReuploadView(screen)` is the same progress for a document the server lost
and the turn uploads again (`chat/reupload.py`), while the turn runs in the
stream worker: the bar on the attachment line as for a new upload, then a
notice once it is up (Esc stops the turn, and so the upload).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual.content import Content

from grok_tui.byte_size import format_size
from grok_tui.chat.session import Attachment
from grok_tui.ui.widgets.message_view import attachment_chip

if TYPE_CHECKING:  # uploading is imported with the first upload (start-up time)
    from grok_tui.chat.uploading import UploadState

#: Seconds an upload runs before the bar shows (a quick one does not flash it).
BAR_AFTER = 0.3
#: Least seconds between two redraws of the bar.
REDRAW_EVERY = 0.05
#: Cells of the bar.
BAR_CELLS = 24


def progress_bar(fraction: float, cells: int = BAR_CELLS) -> Content:
    """A bar of `cells` cells, `fraction` of it filled (half cells drawn as ╸)."""
    halves = round(max(0.0, min(1.0, fraction)) * cells * 2)
    full, half = divmod(halves, 2)
    empty = cells - full - half
    return Content.assemble(
        ("━" * full, "$accent"),
        ("╸" * half, "$accent"),
        ("━" * empty, "$foreground 20%"),
    )


def progress_line(state: UploadState, width: int = 80) -> Content:
    """`⇡ Uploading name (n of m)  ━━━╸───  sent / total  42%   Esc cancels`,
    fitted to `width` cells: the bar takes what the words leave (8 to 30
    cells), and the key hint goes first when even that does not fit."""
    of = f" ({state.number} of {state.count})" if state.count > 1 else ""
    verb = "Uploading again" if state.again else "Uploading"
    head = f"⇡ {verb} {state.name}{of}  "
    amounts = (
        f"  {format_size(state.sent)} / {format_size(state.total)}  {int(state.fraction * 100)}%"
    )
    hint = "   Esc cancels"
    words = len(head) + len(amounts)
    if words + len(hint) + 8 > width:
        hint = ""
    cells = max(8, min(30, width - words - len(hint)))
    return Content.assemble(head, progress_bar(state.fraction, cells), amounts, (hint, "dim"))


def upload_chips(
    attachments: Sequence[Attachment],
    state: UploadState | None,
    *,
    show_bar: bool,
    width: int = 80,
) -> Content:
    """The attachment line: a chip per attachment (✓ on a document already
    uploaded while an upload runs), then the progress line when `show_bar`."""
    uploading = state is not None
    chips = "   ".join(
        attachment_chip(a) + (" ✓" if uploading and a.kind == "document" and a.file_id else "")
        for a in attachments
    )
    hint = "" if uploading else "   (Alt+X clears)"
    line = Content(f"{chips}{hint}")
    if state is not None and show_bar and not attachments:
        return progress_line(state, width)
    if state is not None and show_bar:
        return Content("\n").join([line, progress_line(state, width)])
    return line


async def run_uploads(screen: Any, attachments: Sequence[Attachment]) -> bool:
    """Upload the attachments' new documents (see the module docstring).

    `screen` is the chat screen: `backend.client`, `prompt`, `upload_state`,
    `upload_started`, `_refresh_chips`, `show_notice`, `clear_notice`."""
    from grok_tui.chat.uploading import UploadFailed, upload_documents

    prompt = screen.prompt
    prompt.read_only = True
    screen.upload_started = time.monotonic()
    last_redraw = 0.0

    def on_progress(state: UploadState) -> None:
        nonlocal last_redraw
        screen.upload_state = state
        now = time.monotonic()
        if state.sent in (0, state.total) or now - last_redraw >= REDRAW_EVERY:
            last_redraw = now
            screen._refresh_chips()

    timer = screen.set_timer(BAR_AFTER, screen._refresh_chips)
    screen.clear_notice()
    try:
        await upload_documents(screen.backend.client, attachments, on_progress)
    except UploadFailed as exc:
        reason = exc.reason.rstrip()
        end = "" if reason.endswith((".", "!", "?")) else "."
        screen.show_notice(
            f"✖ Not sent: {reason}{end} The message and its attachments are kept; "
            "Enter tries again."
        )
        return False
    except asyncio.CancelledError:
        if screen.is_mounted:
            screen.show_notice(
                "Upload cancelled: nothing was sent. The message and its attachments "
                "are kept; Enter uploads and sends again.",
                error=False,
            )
        raise
    finally:
        timer.stop()
        screen.upload_state = None
        screen.upload_started = None
        if screen.is_mounted:
            prompt.read_only = False
            screen._refresh_chips()
    return True


class ReuploadView:
    """Shows a lost document's new upload on the chat screen (see the module
    docstring); `screen` is the chat screen, as for `run_uploads`."""

    def __init__(self, screen: Any) -> None:
        self.screen = screen
        self.last_redraw = 0.0
        self.timer: Any = None

    def progress(self, state: UploadState | None) -> None:
        """`TurnSender.reupload_progress`: a step of the upload, None at its end."""
        screen = self.screen
        if not screen.is_mounted:
            return
        if state is None:
            if self.timer is not None:
                self.timer.stop()
                self.timer = None
            if screen.reupload_started is not None:
                screen.reupload_started = None
                screen.upload_state = None
                screen._refresh_chips()
            return
        screen.upload_state = state
        if screen.reupload_started is None:
            screen.reupload_started = time.monotonic()
            self.timer = screen.set_timer(BAR_AFTER, screen._refresh_chips)
        now = time.monotonic()
        if state.sent in (0, state.total) or now - self.last_redraw >= REDRAW_EVERY:
            self.last_redraw = now
            screen._refresh_chips()

    def uploaded(self, notes: Sequence[str]) -> None:
        """`TurnSender.reuploaded`: the notice once the documents are up again."""
        if self.screen.is_mounted and notes:
            self.screen.show_notice(
                "⇡ " + "; ".join(notes) + " (the message was sent once more).", error=False
            )
