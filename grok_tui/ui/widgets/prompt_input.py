"""The multiline prompt: Enter sends, Shift+Enter / Ctrl+J insert a newline.

Up at the first visual line and Down at the last walk the prompt history
(`PromptHistoryWalker`, kept per app run). With text typed, Up walks only the
entries that start with it (like zsh's history-beginning-search) and Down
comes back to the typed text. An empty (whitespace-only) prompt is never sent.

Given a `history_file` (`grok_tui.store.prompt_history.PromptHistoryFile`), the
prompt seeds the history from it when mounted and appends every prompt the
chat adds to the history (`PromptHistoryWalker.add`) in a thread, so what was sent
yesterday is one Up away today.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from textual.binding import BindingType
from textual.message import Message
from textual.widgets import TextArea

from grok_tui.store.prompt_history import PromptHistoryFile
from grok_tui.ui.bindings import bindings_for
from grok_tui.ui.stylesheets import stylesheet

#: A clear of the history file, queued behind the prompts being written.
_CLEAR = object()

#: A history file up to this size is loaded on the event loop when the prompt
#: mounts; a bigger one in a thread (Up walks this run's prompts until then).
SYNC_LOAD_BYTES = 1024 * 1024


@dataclass
class PromptHistoryWalker:
    """Sent prompts, oldest first, with a cursor for walking them.

    `position == len(entries)` means "not walking": the prompt shows the draft.
    A walk started on a non-blank draft only visits entries that start with it
    (`prefix`), and skips an entry equal to the text shown before it.
    `on_add` is told about every prompt added (the prompt widget persists it).
    """

    entries: list[str] = field(default_factory=list)
    limit: int = 500
    position: int = 0
    draft: str = ""
    prefix: str = ""
    #: True once `seed` ran (the file's entries are in).
    seeded: bool = False
    on_add: Callable[[str], None] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.position = len(self.entries)

    def add(self, text: str) -> None:
        if text.strip():
            if not self.entries or self.entries[-1] != text:
                self.entries.append(text)
                self._trim()
            if self.on_add is not None:
                self.on_add(text)
        self.reset()

    def seed(self, entries: Iterable[str], *, limit: int | None = None) -> None:
        """Put older entries (from disk) before the ones added this run; once.
        A walk in progress stays on the entry it shows."""
        if self.seeded:
            return
        self.seeded = True
        if limit is not None:
            self.limit = max(self.limit, limit)
        from_end = len(self.entries) - self.position
        merged: list[str] = []
        for text in [*entries, *self.entries]:
            if text.strip() and (not merged or merged[-1] != text):
                merged.append(text)
        self.entries = merged
        self._trim()
        self.position = max(0, len(self.entries) - from_end)

    def clear(self) -> None:
        self.entries.clear()
        self.reset()

    def _trim(self) -> None:
        if len(self.entries) > self.limit:
            del self.entries[: len(self.entries) - self.limit]

    def reset(self) -> None:
        self.position = len(self.entries)
        self.draft = ""
        self.prefix = ""

    @property
    def walking(self) -> bool:
        return self.position < len(self.entries)

    @property
    def shown(self) -> str:
        """The entry the walk is at (the draft when not walking)."""
        return self.entries[self.position] if self.walking else self.draft

    def _matches(self, index: int, shown: str) -> bool:
        entry = self.entries[index]
        if not self.prefix:
            return True
        return entry.startswith(self.prefix) and entry != shown

    def previous(self, current: str) -> str | None:
        """The entry before the current one (saving the draft first), or None.
        Starting on a non-blank `current`, only entries beginning with it."""
        if not self.walking:
            prefix = current if current.strip() else ""
            shown = current
        else:
            prefix, shown = self.prefix, self.shown
        saved_prefix, self.prefix = self.prefix, prefix
        for index in range(self.position - 1, -1, -1):
            if self._matches(index, shown):
                if not self.walking:
                    self.draft = current
                self.position = index
                return self.entries[index]
        self.prefix = saved_prefix
        return None

    def next(self) -> str | None:
        """The entry after the current one, the draft at the end, or None when not walking."""
        if not self.walking:
            return None
        shown = self.shown
        for index in range(self.position + 1, len(self.entries)):
            if self._matches(index, shown):
                self.position = index
                return self.entries[index]
        self.position = len(self.entries)
        return self.draft


class PromptInput(TextArea):
    """The prompt editor (a `TextArea` with chat keys)."""

    DEFAULT_CSS = stylesheet(__file__)

    BINDINGS: ClassVar[list[BindingType]] = bindings_for("prompt")

    class Submitted(Message):
        """The user pressed Enter on a non-empty prompt."""

        def __init__(self, prompt: PromptInput, text: str) -> None:
            super().__init__()
            self.prompt = prompt
            self.text = text

        @property
        def control(self) -> PromptInput:
            return self.prompt

    def __init__(
        self,
        text: str = "",
        *,
        history: PromptHistoryWalker | None = None,
        history_file: PromptHistoryFile | None = None,
        placeholder: str = "Ask Grok…  (Enter send · Ctrl+J newline · ↑ history)",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(
            text,
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
            highlight_cursor_line=False,
            placeholder=placeholder,
            id=id,
            classes=classes,
        )
        self.prompt_history = history if history is not None else PromptHistoryWalker()
        #: `cursor_blink` as it was before `hold_blink(True)` (None: not held).
        self._blink_before_hold: bool | None = None
        #: Where sent prompts are kept between runs (None: this run only).
        enabled = history_file is not None and history_file.enabled
        self.history_file = history_file if enabled else None
        # Prompts not yet handed to the writer thread, and `_CLEAR` for a clear:
        # one writer does both, in order (a clear never lands before a prompt
        # sent earlier, so nothing sent before it survives on disk).
        self._pending: list[str | object] = []
        self._writing = False
        self._cleared = 0  # clears so far: a load started before one is dropped
        self._write_error_shown = False

    def on_mount(self) -> None:
        history_file = self.history_file
        if history_file is None:
            return
        self.prompt_history.on_add = self._persist
        if self.prompt_history.seeded:
            return
        if history_file.file_size() <= SYNC_LOAD_BYTES:
            # Once per run, on the loop, so Up works at once: a full file at the
            # default size (2 x 1000 typical prompts, 245 KiB) loads and seeds
            # in ~2 ms (bench/bench_prompt_history.py).
            self.prompt_history.seed(history_file.load(), limit=history_file.limit)
        else:  # a big history_size: ~40 ms per 2.5 MB, in a thread
            self.run_worker(
                self._load_in_thread(history_file), group="prompt-history", exit_on_error=False
            )

    async def _load_in_thread(self, history_file: PromptHistoryFile) -> None:
        cleared = self._cleared
        entries = await asyncio.to_thread(history_file.load)
        if cleared == self._cleared:  # not cleared meanwhile
            self.prompt_history.seed(entries, limit=history_file.limit)

    def on_unmount(self) -> None:
        if self.prompt_history.on_add == self._persist:
            self.prompt_history.on_add = None
        if self._pending and self.history_file is not None:
            # The app is closing before the writer thread took these: write now.
            pending, self._pending = self._pending, []
            self._apply(self.history_file, pending)

    # -- keys -------------------------------------------------------------
    # Enter / Shift+Enter / Ctrl+J are priority bindings (ids chat.send and
    # chat.newline, remappable) so they beat TextArea's own Enter handling.

    # Priority bindings run when the App receives the key, which can be before
    # this widget has handled keys that arrived in the same burst ("hello\r"
    # in one read from the terminal): queue the action behind them with
    # `call_later`, so the text is complete and the newline lands in order.

    def hold_blink(self, hold: bool) -> None:
        """`hold_blink(True)`: the cursor stays lit instead of blinking, while
        a reply streams (each blink repaints the prompt: a frame of its own
        twice a second, bench/bench_terminal.py CPU while streaming);
        `hold_blink(False)` gives `cursor_blink` its value from before."""
        if hold:
            if self._blink_before_hold is None:
                self._blink_before_hold = self.cursor_blink
                self.cursor_blink = False
        elif self._blink_before_hold is not None:
            self.cursor_blink = self._blink_before_hold
            self._blink_before_hold = None

    def action_send(self) -> None:
        self.call_later(self.submit)

    def action_newline(self) -> None:
        self.call_later(self._insert_newline)

    def _insert_newline(self) -> None:
        if self.read_only:
            return
        start, end = self.selection
        self._replace_via_keyboard("\n", start, end)

    def submit(self) -> None:
        """Post `Submitted` with the text, unless it is only whitespace."""
        text = self.text
        if not text.strip():
            return
        self.post_message(self.Submitted(self, text))

    def action_cursor_up(self, select: bool = False) -> None:
        if not select and self.navigator.is_first_wrapped_line(self.cursor_location):
            if self.history_previous():
                return
        super().action_cursor_up(select)

    def action_cursor_down(self, select: bool = False) -> None:
        if not select and self.navigator.is_last_wrapped_line(self.cursor_location):
            if self.history_next():
                return
        super().action_cursor_down(select)

    # -- history ----------------------------------------------------------

    def history_previous(self) -> bool:
        """Show the previous history entry (only those starting with the typed
        text, if any); False when there is none."""
        history = self.prompt_history
        if history.walking and self.text != history.shown:
            history.reset()  # the recalled entry was edited: the edit is the new draft
        entry = history.previous(self.text)
        if entry is None:
            return False
        self._show(entry, at_end=False)
        return True

    def history_next(self) -> bool:
        """Show the next history entry (or the draft); False when not walking history."""
        history = self.prompt_history
        if history.walking and self.text != history.shown:
            history.reset()  # edited: keep the edit, stop walking
            return False
        entry = history.next()
        if entry is None:
            return False
        self._show(entry, at_end=True)
        return True

    def clear_history(self) -> None:
        """Forget every prompt sent, in this run and on disk (by the writer
        thread, after any prompts it is writing now)."""
        self.prompt_history.clear()
        self._cleared += 1
        if self.history_file is not None:
            self._pending = [_CLEAR]  # prompts not yet written are dropped
            self._start_writer(self.history_file)

    # -- persisting -----------------------------------------------------------

    def _persist(self, text: str) -> None:
        """Queue `text` for the history file; one writer at a time keeps the order."""
        if self.history_file is None:
            return
        self._pending.append(text)
        self._start_writer(self.history_file)

    def _start_writer(self, history_file: PromptHistoryFile) -> None:
        if not self._writing:
            self._writing = True
            self.run_worker(
                self._write_pending(history_file), group="prompt-history", exit_on_error=False
            )

    async def _write_pending(self, history_file: PromptHistoryFile) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                error, cleared = await asyncio.to_thread(self._apply, history_file, batch)
                if cleared is True:
                    self.app.notify("Prompt history cleared.", markup=False)
                elif cleared is False:
                    self.app.notify(
                        history_file.last_error or "The prompt history was not cleared.",
                        severity="warning",
                        markup=False,
                    )
                if error is not None and not self._write_error_shown:
                    self._write_error_shown = True  # once per run, not per prompt
                    self.app.notify(error, severity="warning", markup=False, timeout=8)
        finally:
            self._writing = False

    @staticmethod
    def _apply(
        history_file: PromptHistoryFile, batch: list[str | object]
    ) -> tuple[str | None, bool | None]:
        """Append each prompt and run each clear, in order (in a thread): the
        last append error sentence or None, and whether a clear succeeded
        (None when the batch held none)."""
        error: str | None = None
        cleared: bool | None = None
        for item in batch:
            if item is _CLEAR:
                cleared = history_file.clear()
            elif isinstance(item, str):
                if not history_file.append(item) and history_file.last_error is not None:
                    error = history_file.last_error
        return error, cleared

    @property
    def history_writes_pending(self) -> bool:
        """True while sent prompts wait for (or are in) the writer thread."""
        return self._writing or bool(self._pending)

    def _show(self, text: str, *, at_end: bool) -> None:
        self.load_text(text)
        if at_end:
            self.move_cursor(self.document.end)
        else:
            # On the first line, so Up keeps walking back at once.
            self.move_cursor((0, 0))

    def set_text(self, text: str) -> None:
        """Replace the prompt's text and put the cursor at the end."""
        self.load_text(text)
        self.move_cursor(self.document.end)
