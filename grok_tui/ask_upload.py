"""`grok-tui ask --file`: uploading the documents before the question.

`upload_for_ask(client, plan, printer)` uploads each `--file` document in
turn and returns the request with their `input_file` parts (None, the reason
printed on stderr, when one fails). While the bytes go out, a terminal
stderr shows one line that updates in place, `⇡ uploading report.pdf
1.2 MiB / 3.0 MiB  40%` (`UploadLine`); stderr that is not a terminal gets
no progress and no escape sequences. Each file ends with `uploaded NAME as
ID` on stderr; stdout is only ever the answer.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import TYPE_CHECKING, Any

from grok_tui.api.chat_request import ChatRequest, FilePart
from grok_tui.api.errors import XAIError
from grok_tui.byte_size import format_size
from grok_tui.chat.attachments import AttachmentError
from grok_tui.chat.documents import read_document
from grok_tui.sanitize import one_line

if TYPE_CHECKING:
    from grok_tui.api.client import XAIClient
    from grok_tui.ask import AskPlan, Printer


class UploadLine:
    """The updating progress line of one upload on a terminal stderr (the
    printer's: its next note clears it)."""

    def __init__(self, printer: Printer, name: str) -> None:
        self.printer = printer
        self.name = one_line(name, 60)
        self.shown = ""

    def __call__(self, sent: int, total: int) -> None:
        printer = self.printer
        if not printer.err_tty:
            return
        percent = min(100, sent * 100 // total) if total else 100
        text = f"⇡ uploading {self.name}  {format_size(sent)} / {format_size(total)}  {percent}%"
        if text == self.shown:
            return  # the same figures: nothing to redraw
        self.shown = text
        printer.err.write(f"\r\x1b[K{text}")
        printer.err.flush()
        printer.progress_open = True


async def upload_for_ask(client: XAIClient, plan: AskPlan, printer: Printer) -> ChatRequest | None:
    """Upload `--file` documents; the request with their `input_file` parts, or
    None (the reason printed) when an upload failed."""
    parts: list[FilePart] = []
    for att in plan.documents:
        name = one_line(att.name, 80)
        try:
            data = await asyncio.to_thread(read_document, att)
            info: dict[str, Any] = await client.upload_file(
                att.name,
                data,
                att.mime_type or "text/plain",
                progress=UploadLine(printer, att.name),
            )
        except AttachmentError as exc:
            printer.note(f"error: {exc.reason}")
            return None
        except XAIError as exc:
            printer.note(f"error: could not upload {name}: {exc.user_message()}")
            return None
        printer.note(f"uploaded {name} as {one_line(str(info['id']), 80)}")
        parts.append(FilePart(str(info["id"])))
    first, *rest = plan.request.messages
    last = dataclasses.replace(rest[-1] if rest else first, files=tuple(parts))
    messages = (*(plan.request.messages[:-1]), last)
    return dataclasses.replace(plan.request, messages=messages)
