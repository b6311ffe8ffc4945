"""The model picker: a filterable list of models with their prices.

`ModelPickerScreen(models, current)` is a `ModalScreen[str | None]`:

- `models`: a `list[ModelInfo]` (`grok_tui.api.model_list`), or a zero-argument
  coroutine function returning one (e.g. `client.list_models`); while it runs
  the dialog says "Loading models…"; if it raises, the reason is shown (an
  `XAIError`'s `user_message()`) and a model name can still be typed.
- `current`: the model in use (marked with ●, highlighted first).
- Dismisses with the chosen model id, or None on Esc.

Typing filters by id and alias (case-insensitive substring). Up/Down move in
the list, Enter chooses: a typed text equal to an id or alias chooses that
model; otherwise the highlighted row; with no row left, the typed text itself
is used as a model id (it may not contain spaces).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from grok_tui.api.model_list import ModelInfo
from grok_tui.chat.formatting import format_price_per_m
from grok_tui.sanitize import one_line
from grok_tui.ui.stylesheets import stylesheet

ModelSource = Sequence[ModelInfo] | Callable[[], Awaitable[Sequence[ModelInfo]]]


def model_row(model: ModelInfo, id_width: int, current: bool) -> Content:
    """One list row: marker, id, aliases and prices (input / cached / output per 1M)."""
    prices = ""
    if any(
        p is not None
        for p in (model.input_price_per_m, model.cached_input_price_per_m, model.output_price_per_m)
    ):
        prices = " / ".join(
            format_price_per_m(p)
            for p in (
                model.input_price_per_m,
                model.cached_input_price_per_m,
                model.output_price_per_m,
            )
        )
    aliases = ", ".join(one_line(a, 40) for a in model.aliases)
    return Content.assemble(
        ("● " if current else "  ", "$text-success"),
        (one_line(model.id, 60).ljust(id_width), "bold" if current else ""),
        "  ",
        (prices.ljust(24) if prices else "".ljust(24), "$text-secondary"),
        (f"  {aliases}" if aliases else "", "$text-muted"),
    )


class ModelPickerScreen(ModalScreen[str | None]):
    """Choose a model (see the module docstring)."""

    DEFAULT_CSS = stylesheet(__file__)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("pagedown", "move(10)", show=False),
        Binding("pageup", "move(-10)", show=False),
    ]

    def __init__(self, models: ModelSource, current: str = "") -> None:
        super().__init__()
        self._source = models
        self._current = current
        self._models: list[ModelInfo] = []
        self._shown: list[ModelInfo] = []
        self.loading_models = False
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content("Choose a model"), id="title")
            yield Input(placeholder="type to filter, or a model id", id="filter")
            yield Static(Content(""), id="status")
            yield OptionList(id="models")
            yield Static(
                Content(
                    "Enter choose · Esc cancel · prices per 1M tokens: input / cached / output"
                ),
                id="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#filter", Input).focus()
        if callable(self._source):
            self.loading_models = True
            self._set_status("Loading models…")
            self.run_worker(self._load(self._source), exclusive=True, exit_on_error=False)
        else:
            self._set_models(list(self._source))

    async def _load(self, loader: Callable[[], Awaitable[Sequence[ModelInfo]]]) -> None:
        try:
            models = list(await loader())
        except Exception as exc:  # any failure: show why, keep manual entry
            user_message = getattr(exc, "user_message", None)
            reason = user_message() if callable(user_message) else (str(exc) or type(exc).__name__)
            self.loading_models = False
            self.error = one_line(str(reason), 300)
            self._set_status(
                f"Could not list the models: {self.error} Type a model id and press Enter.",
                error=True,
            )
            return
        self.loading_models = False
        self._set_models(models)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(Content(text))
        status.set_class(error, "-error")

    def _set_models(self, models: list[ModelInfo]) -> None:
        self._models = models
        self._set_status("" if models else "The server listed no models; type a model id.")
        self._refilter(self.query_one("#filter", Input).value)

    def _refilter(self, text: str) -> None:
        needle = text.strip().lower()
        shown = [
            m
            for m in self._models
            if not needle or needle in m.id.lower() or any(needle in a.lower() for a in m.aliases)
        ]
        self._shown = shown
        width = max((len(one_line(m.id, 60)) for m in shown), default=0)
        option_list = self.query_one("#models", OptionList)
        option_list.clear_options()
        option_list.add_options(
            Option(model_row(m, width, m.id == self._current), id=f"m{i}")
            for i, m in enumerate(shown)
        )
        if shown:
            index = next((i for i, m in enumerate(shown) if m.id == self._current), 0)
            option_list.highlighted = index

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._refilter(event.value)

    def action_move(self, delta: int) -> None:
        option_list = self.query_one("#models", OptionList)
        if not self._shown:
            return
        current = option_list.highlighted if option_list.highlighted is not None else -1
        option_list.highlighted = max(0, min(len(self._shown) - 1, current + delta))

    @on(OptionList.OptionSelected, "#models")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._shown[event.option_index].id)

    @on(Input.Submitted, "#filter")
    def _submitted(self, event: Input.Submitted) -> None:
        self.choose(event.value)

    def choose(self, typed: str) -> None:
        """Choose from what was typed (see the class docs); refuses ids with spaces."""
        text = typed.strip()
        for m in self._models:
            if text and (text == m.id or text in m.aliases):
                self.dismiss(m.id)
                return
        highlighted = self.query_one("#models", OptionList).highlighted
        if self._shown and highlighted is not None:
            self.dismiss(self._shown[highlighted].id)
            return
        if not text:
            self._set_status("Type a model id, or clear the filter to see the list.", error=True)
            return
        if any(c.isspace() for c in text) or one_line(text, 200) != text:
            self._set_status("A model id has no spaces or control characters.", error=True)
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
