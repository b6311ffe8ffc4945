"""The chat screen's footer: Textual's `Footer`, fitted to the width.

Textual's footer lays its key hints out in one row in binding order (the
focused widget's first, the app's last) and cuts what does not fit, so at
80 columns F1 Help and Ctrl+P Commands, the two hints a newcomer needs, were
the ones cut. This footer drops the least important hints first until the
rest fit (`HINT_IMPORTANCE`, most important first); the order on screen is
unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: Binding actions, most important first: hints are dropped from the end of
#: this list until the footer fits. Actions not listed go first.
HINT_IMPORTANCE: tuple[str, ...] = (
    "help",
    "command_palette",
    "quit",
    "new_chat",
    "sessions",
    "toggle_search",
    "pick_model",
    "toggle_tool_log",
    "cancel",
    "send",
)


def hint_width(key: FooterKey) -> int:
    """Cells a compact footer hint takes ("^q Quit ")."""
    text = key.key_display + (f" {key.description} " if key.description else " ")
    return len(text)


def fit_hints(keys: list[FooterKey], width: int) -> list[FooterKey]:
    """`keys` without the least important ones, so their widths sum to <= `width`."""
    kept = list(keys)

    def rank(key: FooterKey) -> int:
        action = key.action.rpartition(".")[2]
        return HINT_IMPORTANCE.index(action) if action in HINT_IMPORTANCE else -1

    by_least = sorted(kept, key=rank, reverse=True)
    for key in by_least:
        if sum(hint_width(k) for k in kept) <= width:
            break
        kept.remove(key)
    return kept


class ChatFooter(Footer):
    """A compact footer that keeps F1 and Ctrl+P visible at any width."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._fitted_width = 0

    def compose(self) -> ComposeResult:
        widgets: Iterable[Widget] = super().compose()
        items = list(widgets)
        keys = [w for w in items if isinstance(w, FooterKey)]
        if len(keys) != len(items):  # grouped keys: leave Textual's layout alone
            yield from items
            return
        width = self.size.width or self.app.size.width
        self._fitted_width = width
        kept = fit_hints(keys, width)
        self.styles.grid_size_columns = max(1, len(kept))
        yield from kept

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._fitted_width:
            self.call_after_refresh(self.recompose)
