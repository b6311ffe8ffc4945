"""The API key dialog.

`ApiKeyScreen(*, current_key=None, config_path=None)` is a
`ModalScreen[tuple[str, bool] | None]`: it dismisses with `(key, save)` —
`save` is the state of the "save to config file (0600)" checkbox — or None on
Esc/Cancel. Saving is the caller's job (`grok_tui.config.save_api_key`).
`current_source` says where the key in use came from ("entered in this run",
"from XAI_API_KEY", ...); it is shown after the masked key.

- The key is typed into a password `Input` (always masked); the dialog never
  shows it unmasked, and the current key only through `config.mask_key`.
- Says only what is true: where the key *will* be saved when the box is
  checked (`config_path`, default `paths.config_file()`), and that it is used
  for this run only when it is not; nothing claims a save happened.
- Refuses an empty key, or one with spaces or control characters inside, with
  a clear message (outer whitespace from pasting is trimmed); the message never
  repeats the key.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from grok_tui import paths
from grok_tui.config import mask_key
from grok_tui.sanitize import strip_control
from grok_tui.ui.stylesheets import stylesheet


def check_api_key(raw: str) -> tuple[str | None, str | None]:
    """(cleaned key, None) or (None, the reason it cannot be used)."""
    key = raw.strip()
    if not key:
        return None, "Enter an API key (it starts with xai-)."
    if any(c.isspace() for c in key):
        return None, "An API key has no spaces; check what was pasted."
    if strip_control(key) != key:
        return None, "The key contains control characters; paste it again."
    return key, None


class ApiKeyScreen(ModalScreen[tuple[str, bool] | None]):
    """Enter an API key (see the module docstring)."""

    DEFAULT_CSS = stylesheet(__file__)

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        *,
        current_key: str | None = None,
        current_source: str = "",
        config_path: Path | None = None,
    ) -> None:
        super().__init__()
        self._current = mask_key(current_key) if current_key else "none"
        if current_key and current_source:
            self._current += f" ({strip_control(current_source)})"
        self._path = config_path
        #: The message shown for the last refused key ("" when none).
        self.error = ""

    @property
    def config_path(self) -> Path:
        return self._path if self._path is not None else paths.config_file()

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content("API key"), id="title")
            yield Static(Content(f"Current key: {self._current}"), id="current")
            yield Input(placeholder="xai-…", password=True, id="key")
            yield Static(Content(""), id="error")
            yield Checkbox(Content("save to config file (0600)"), value=False, id="save")
            yield Static(Content(self.where_text(False)), id="where")
            with Horizontal(id="buttons"):
                yield Button(Content("Cancel"), id="cancel")
                yield Button(Content("Use key"), variant="primary", id="ok")

    def on_mount(self) -> None:
        self.query_one("#key", Input).focus()

    def where_text(self, save: bool) -> str:
        """What happens to the key, for the checkbox's state."""
        path = strip_control(str(self.config_path))
        if save:
            return f"The key will be saved to {path} (mode 0600) when you press Use key."
        return f"Not saved: the key is used for this run only (check the box to save it to {path})."

    @on(Checkbox.Changed, "#save")
    def _save_toggled(self, event: Checkbox.Changed) -> None:
        self.query_one("#where", Static).update(Content(self.where_text(event.value)))

    @on(Input.Submitted, "#key")
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        self.submit()

    @on(Input.Changed, "#key")
    def _typing(self) -> None:
        self._show_error("")

    def _show_error(self, text: str) -> None:
        self.error = text
        self.query_one("#error", Static).update(Content(text))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def submit(self) -> None:
        """Validate the typed key; dismiss with (key, save) or show why not."""
        key, reason = check_api_key(self.query_one("#key", Input).value)
        if key is None:
            self._show_error(reason or "")
            self.query_one("#key", Input).focus()
            return
        self.dismiss((key, self.query_one("#save", Checkbox).value))
