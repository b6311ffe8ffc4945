"""The one-line status bar of the chat screen.

Shows, left to right: a `DEMO` marker on the demo backend, the model, the
state of the current turn, the search tools in force (with their filters) and
the session's tokens and cost. It never shows the API key or where it came
from. At narrow widths the less important parts are shortened, then dropped:
tokens first, then the search summary, the cost, the DEMO marker and the
model; the state always stays.

Public API:

- `StatusBar(*, clock=time.monotonic, name=None, id=None, classes=None)`
- `set_model(model: str) -> None`
- `set_search(settings: SearchSettings | None) -> None` — summarized with
  `grok_tui.chat.formatting.search_summary` (`web: x.ai +1  X: @xai 2025-11-01..`).
- `set_state(state: TurnPhase | str, detail: str = "", *, seconds: float | None = None)`
  — `idle`, `sending`, `thinking`, `searching`, `streaming`, `retrying`,
  `stopped`, `failed`. `detail`: the tool name for `searching`, the reason for
  `retrying`/`failed`. `seconds`: for `thinking`, seconds thought so far (the
  bar then counts up once a second by itself); for `retrying`, the delay (the
  bar counts down). A 1 s timer runs only in those two states.
- `set_totals(usage, *, shown=None) -> None` — the session's summed usage (a
  `chat.models.Usage`, or anything with `total_tokens`, `input_tokens`,
  `output_tokens`, `reasoning_tokens`, `cost_usd`), or None to hide: what was
  paid for, every reply version and branch included. `shown`: the chosen
  path's share, added as `shown $0.05` (or `shown 1.2k tok` without a cost)
  when it differs from the total.
- `set_demo(on: bool) -> None`
- `mark_server_alive(at: float | None = None) -> None` — the server showed
  it is alive without sending content (an `api.events.KeepAlive`); `at` is a
  time of the bar's clock (now by default). While the state is `sending` it
  reads `waiting · server alive 2 s ago` (counting once a second); any
  `set_state()` forgets the mark, so call it after the state change.
- Read-only: `state`, `state_text` (e.g. "thinking 12 s"), `plain` (the
  rendered text at the current width).

Untrusted parts (model name from the server, tool names, error reasons) are
cleaned and rendered as `Content`, never markup.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from textual.content import Content
from textual.style import Style
from textual.timer import Timer
from textual.widget import Widget

from grok_tui.chat.formatting import (
    UsageLike,
    format_cost,
    format_tokens,
    format_whole_seconds,
    sent_search_summary,
    total_tokens,
)
from grok_tui.chat.phase import TurnPhase
from grok_tui.chat.search import SearchSettings
from grok_tui.sanitize import one_line
from grok_tui.ui.stylesheets import stylesheet

SEPARATOR = " │ "


_STATE_CLASS = {
    TurnPhase.IDLE: "status-bar--idle",
    TurnPhase.SENDING: "status-bar--busy",
    TurnPhase.THINKING: "status-bar--busy",
    TurnPhase.SEARCHING: "status-bar--busy",
    TurnPhase.STREAMING: "status-bar--busy",
    TurnPhase.RETRYING: "status-bar--busy",
    TurnPhase.STOPPED: "status-bar--idle",
    TurnPhase.FAILED: "status-bar--failed",
}


def fit_parts(
    parts: list[tuple[int, list[str]]], width: int, separator: str = SEPARATOR
) -> list[int | None]:
    """Choose a variant of each part so the line fits `width`.

    `parts` are (priority, variants longest first). Returns, per part, the
    index of the chosen variant or None when dropped. The lowest-priority part
    is shortened first, then dropped, until the line fits; the
    highest-priority part is never dropped (the caller truncates it).
    """
    chosen: list[int | None] = [0 if variants else None for _, variants in parts]

    def total() -> int:
        texts = [parts[i][1][c] for i, c in enumerate(chosen) if c is not None]
        texts = [t for t in texts if t]
        return sum(len(t) for t in texts) + len(separator) * max(0, len(texts) - 1)

    order = sorted(range(len(parts)), key=lambda i: parts[i][0])
    keep = order[-1] if order else None
    for i in order:
        while total() > width and i != keep and chosen[i] is not None:
            c = chosen[i]
            assert c is not None
            chosen[i] = c + 1 if c + 1 < len(parts[i][1]) else None
    return chosen


class StatusBar(Widget):
    """Model, turn state, search tools, session totals (see the module docstring)."""

    DEFAULT_CSS = stylesheet(__file__)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-bar--demo",
        "status-bar--model",
        "status-bar--idle",
        "status-bar--busy",
        "status-bar--done",
        "status-bar--failed",
        "status-bar--search",
        "status-bar--totals",
        "status-bar--separator",
    }

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        name: str | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.clock = clock
        self._model = ""
        self._search = "search off"
        self._state = TurnPhase.IDLE
        self._detail = ""
        self._seconds: float | None = None
        self._since = 0.0
        self._tokens: str | None = None
        self._cost: str | None = None
        self._demo = False
        self._alive_at: float | None = None
        self._timer: Timer | None = None

    # -- setters -------------------------------------------------------------

    def set_model(self, model: str) -> None:
        self._model = one_line(model, 60)
        self.refresh()

    def set_search(
        self, settings: SearchSettings | None, *, model: str | None = None, api: str = "responses"
    ) -> None:
        """The search summary of what is sent (`model` and `api` leave out what
        the model or the API refuses; see `format.sent_search_summary`)."""
        self._search = sent_search_summary(settings, model=model, api=api)
        self.refresh()

    def set_state(
        self, state: TurnPhase | str, detail: str = "", *, seconds: float | None = None
    ) -> None:
        self._state = TurnPhase(state)
        self._detail = one_line(detail, 120) if detail else ""
        self._seconds = seconds
        self._since = self.clock()
        self._alive_at = None
        self._update_timer()
        self.refresh()

    def mark_server_alive(self, at: float | None = None) -> None:
        self._alive_at = self.clock() if at is None else at
        self._update_timer()
        self.refresh()

    def set_totals(self, usage: UsageLike | None, *, shown: UsageLike | None = None) -> None:
        if usage is None:
            self._tokens = self._cost = None
        else:
            self._tokens = f"{format_tokens(total_tokens(usage))} tok"
            self._cost = _cost_text(usage)
            if shown is not None and total_tokens(shown) != total_tokens(usage):
                shown_cost = _cost_text(shown)
                if self._cost is not None and shown_cost is not None:
                    self._cost += f" · shown {shown_cost}"
                else:
                    self._tokens += f" · shown {format_tokens(total_tokens(shown))} tok"
        self.refresh()

    def set_demo(self, on: bool) -> None:
        self._demo = bool(on)
        self.refresh()

    # -- read-only -------------------------------------------------------------

    @property
    def demo(self) -> bool:
        """The demo marker is shown."""
        return self._demo

    @property
    def state(self) -> TurnPhase:
        return self._state

    @property
    def state_text(self) -> str:
        state, detail = self._state, self._detail
        if state == TurnPhase.THINKING:
            if self._seconds is None:
                return "thinking…"
            return f"thinking {format_whole_seconds(self._seconds + self.clock() - self._since)}"
        if state == TurnPhase.SEARCHING:
            return f"searching ({detail})" if detail else "searching"
        if state == TurnPhase.RETRYING:
            text = "retrying"
            if self._seconds is not None:
                left = max(0.0, self._seconds - (self.clock() - self._since))
                text += f" in {format_whole_seconds(left + 0.999)}"
            return f"{text}: {detail}" if detail else text
        if state == TurnPhase.SENDING:
            if self._alive_at is not None:
                ago = format_whole_seconds(self.clock() - self._alive_at)
                return f"waiting · server alive {ago} ago"
            return "sending…"
        if state == TurnPhase.FAILED:
            return f"failed: {detail}" if detail else "failed"
        return state.value

    @property
    def plain(self) -> str:
        return self.render().plain

    # -- timer -------------------------------------------------------------------

    def _update_timer(self) -> None:
        ticking = (
            self._seconds is not None and self._state in (TurnPhase.THINKING, TurnPhase.RETRYING)
        ) or (self._alive_at is not None and self._state == TurnPhase.SENDING)
        if ticking and self._timer is None and self.is_attached:
            self._timer = self.set_interval(1.0, self.refresh, name="status-bar-tick")
        elif not ticking and self._timer is not None:
            self._timer.stop()
            self._timer = None

    @property
    def is_ticking(self) -> bool:
        return self._timer is not None

    def on_mount(self) -> None:
        self._update_timer()

    # -- rendering ------------------------------------------------------------------

    def _style(self, component: str) -> Style:
        # The full style (widget + component): a partial one drops the
        # component's background (the DEMO marker's).
        return self.get_visual_style(component)  # type: ignore[return-value]

    def render(self) -> Content:
        width = self.content_region.width or 80
        totals = " · ".join(t for t in (self._tokens, self._cost) if t)
        cost_only = self._cost or ""
        short_search = self._short_search()
        # (priority, variants, component class), in display order.
        parts: list[tuple[int, list[str], str]] = [
            (80, [" DEMO "] if self._demo else [], "status-bar--demo"),
            (90, [self._model, _cut(self._model, 20)] if self._model else [], "status-bar--model"),
            (100, [self.state_text], _STATE_CLASS[self._state]),
            (
                60,
                [self._search, short_search] if short_search != self._search else [self._search],
                "status-bar--search",
            ),
            (
                70,
                [totals, cost_only]
                if totals != cost_only and cost_only
                else [totals]
                if totals
                else [],
                "status-bar--totals",
            ),
        ]
        chosen = fit_parts([(p, v) for p, v, _ in parts], width)
        pieces: list[Content] = []
        for (_, variants, component), choice in zip(parts, chosen, strict=True):
            if choice is None or not variants[choice]:
                continue
            if pieces:
                pieces.append(Content(SEPARATOR).stylize(self._style("status-bar--separator")))
            pieces.append(Content(variants[choice]).stylize(self._style(component)))
        return Content("").join(pieces).truncate(width, ellipsis=True)

    def _short_search(self) -> str:
        """`web X` style: which tools are on, without their filters."""
        if self._search == "search off":
            return self._search
        words = []
        for chunk in self._search.split("  "):
            head = chunk.split(":", 1)[0]
            if head in ("web", "X", "code", "mcp", "docs"):
                words.append(head)
        return "+".join(words) if words else self._search


def _cost_text(usage: UsageLike) -> str | None:
    if usage.cost_usd is None:
        return None
    return format_cost(usage.cost_usd, estimated=getattr(usage, "cost_estimated", False))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
