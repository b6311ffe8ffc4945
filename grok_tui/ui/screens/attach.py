"""The attach dialog: an image, or a document (PDF, text, Markdown, source).

`AttachScreen(*, start_dir=None)` is a `ModalScreen[str | None]`: it
dismisses with the path or URL the user typed (checked with
`grok_tui.chat.attachments.attachment_from_input`), or None on Esc.

- The `Input` completes local paths (`PathSuggester`: folders and PNG/JPEG
  files; Tab or Right at the end accepts the suggestion). Relative paths and
  completions resolve against `start_dir` (default: the current folder).
- The check runs as you type (a stat and the first bytes of the file) and
  its result is shown inline: "PNG image, 1.2 MiB" or the refusal reason
  (missing, not PNG/JPEG, over 20 MiB, not an http(s) URL). Enter on a refused
  input keeps the dialog open with the reason.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static

from grok_tui.byte_size import format_size
from grok_tui.chat.attachments import AttachmentError, attachment_from_input
from grok_tui.chat.documents import TEXT_TYPES
from grok_tui.sanitize import one_line, strip_control
from grok_tui.ui.stylesheets import stylesheet
from grok_tui.ui.widgets.completing_input import CompletingInput

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
#: Files the completion offers: images and documents (PDF, text, source).
ATTACHABLE_SUFFIXES = (*IMAGE_SUFFIXES, ".pdf", *TEXT_TYPES)


def complete_path(value: str, base: Path) -> str | None:
    """The completion of a partly typed local path, or None.

    Completes to the first (sorted, folders first) entry of the folder that
    starts with the typed name and is a folder or a PNG/JPEG file; folders end
    with `/`. Hidden entries only when the typed name starts with a dot. URLs
    are not completed.
    """
    if not value or "://" in value:
        return None
    expanded = os.path.expanduser(value)
    folder_text, _, prefix = expanded.rpartition("/")
    if "/" in expanded:
        folder = Path(folder_text or "/")
    else:
        folder = Path(".")
    if not folder.is_absolute():
        folder = base / folder
    try:
        entries = sorted(os.scandir(folder), key=lambda e: (not e.is_dir(), e.name.lower()))
    except OSError:
        return None
    for entry in entries:
        name = entry.name
        if not name.startswith(prefix) or name == prefix and not entry.is_dir():
            continue
        if name.startswith(".") and not prefix.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if not is_dir and not name.lower().endswith(ATTACHABLE_SUFFIXES):
            continue
        if name == prefix and is_dir:
            return value + "/"
        return value + name[len(prefix) :] + ("/" if is_dir else "")
    return None


class PathSuggester(Suggester):
    """Suggests completions of local image paths (see `complete_path`)."""

    def __init__(self, base: Path) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.base = base

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete_path, value, self.base)


def describe_input(text: str, base: Path) -> tuple[bool, str]:
    """(ok, message) for what is typed: the refusal reason, or what will be attached."""
    raw = text.strip()
    if raw and "://" not in raw and not os.path.isabs(os.path.expanduser(raw)):
        raw = str(base / raw)
    try:
        att = attachment_from_input(raw)
    except AttachmentError as exc:
        # The whole sentence, wrapped by the dialog: a refusal is never cut.
        return False, " ".join(strip_control(exc.reason).split())
    if att.source == "url":
        return True, f"image URL: {one_line(att.url or '', 200)}"
    size = f", {format_size(att.size_bytes)}" if att.size_bytes is not None else ""
    if att.kind == "document":
        kind = "PDF" if att.mime_type == "application/pdf" else "text"
        return True, f"{kind} document{size} (uploaded when sent): {one_line(att.name, 120)}"
    kind = {"image/png": "PNG", "image/jpeg": "JPEG"}.get(att.mime_type or "", "image")
    return True, f"{kind} image{size}: {one_line(att.name, 120)}"


class AttachScreen(ModalScreen[str | None]):
    """Attach an image by path or URL (see the module docstring)."""

    DEFAULT_CSS = stylesheet(__file__)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, *, start_dir: Path | None = None) -> None:
        super().__init__()
        self.base = start_dir if start_dir is not None else Path.cwd()
        #: The last check's result: (ok, message).
        self.check: tuple[bool, str] = (False, "")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                Content(
                    "Attach an image (PNG/JPEG, 20 MiB) or a document (PDF, text, "
                    "Markdown, source; 48 MiB)"
                ),
                id="title",
            )
            yield CompletingInput(
                placeholder="path/to/image.png, notes.pdf or https://…",
                suggester=PathSuggester(self.base),
                id="path",
            )
            yield Static(Content(""), id="status")
            yield Static(Content("Tab completes · Enter attaches · Esc cancels"), id="hint")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def _show(self, ok: bool, message: str) -> None:
        self.check = (ok, message)
        status = self.query_one("#status", Static)
        status.update(Content(message))
        status.set_class(not ok and bool(message), "-error")
        status.set_class(ok, "-ok")

    @on(Input.Changed, "#path")
    def _changed(self, event: Input.Changed) -> None:
        if not event.value.strip():
            self._show(False, "")
            return
        self._show(*describe_input(event.value, self.base))

    @on(Input.Submitted, "#path")
    def _submitted(self, event: Input.Submitted) -> None:
        self.submit()

    def submit(self) -> None:
        """Check the input; dismiss with it when it can be attached."""
        value = self.query_one("#path", Input).value.strip()
        ok, message = describe_input(value, self.base)
        self._show(ok, message)
        if not ok:
            return
        if "://" not in value and not os.path.isabs(os.path.expanduser(value)):
            value = str(self.base / value)
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
