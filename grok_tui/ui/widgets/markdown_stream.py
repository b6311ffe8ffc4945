"""`StreamingMarkdown`: one widget per message, rendering Markdown as it streams.

Cost model (see bench/bench_render.py):
- `append` only buffers; a timer coalesces flushes at a steady cadence (at
  most 15 per second, on the instants of the frame grid, `grok_tui.frame_grid`,
  where the paced network reads come due too, so a read, a flush and the
  screen update share one wake-up of the event loop; fewer when a flush is
  slow).
- A flush feeds the buffered text to a `BlockStream`: pieces that can no longer
  change are rendered once to cached `Strip`s; only the small open tail is
  re-parsed and re-rendered. An open code fence is highlighted in chunks of
  completed lines that are kept, so only the last few lines are highlighted
  again on each flush.
- Painting uses the line API (`render_line`), O(visible lines).
- A document given complete (constructor, `update`) is split and rendered
  lazily: its height is estimated until it is first painted.
- A resize re-renders the document once at the new width.
- While it streams, the widget's height grows in steps of a third of the
  screen (`_stepped_height`): the new lines are painted into blank rows it
  already has, so most flushes repaint a few lines without any layout, and a
  view following the reply scrolls (a whole-screen repaint) once per step
  instead of on every flush (bench/bench_terminal.py: bytes written to the
  terminal and CPU per frame). The finished document takes its exact height.

Mouse selection (Textual's: drag, double click selects the reply, the app's
copy key): a painted line carries `offset` meta for hit-testing, added once
when its widget-styled strip is cached, not per paint. `get_selection` returns
the rendered text of the selected lines and columns (not the Markdown source):
code lines without their margin, code padding lines left out, a wrapped code
line joined back. The text is taken from the rendered segments, never parsed
as markup.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

from grok_tui.frame_grid import FRAME_INTERVAL, next_instant
from grok_tui.sanitize import is_safe_link, strip_control
from grok_tui.ui.markdown.blocks import (
    BlockStream,
    OpenFence,
    Piece,
    last_fenced_code,
    needs_separator,
)
from grok_tui.ui.stylesheets import stylesheet
from grok_tui.ui.widgets.height_cache import size_updated_keeping_lines

if TYPE_CHECKING:
    from types import ModuleType

_render_module: ModuleType | None = None


def _render() -> ModuleType:
    """`grok_tui.ui.markdown.render`, imported on first use: it brings in
    rich.markdown, rich.syntax and Pygments, which the first frame of a new
    chat does not need (start-up time)."""
    global _render_module
    if _render_module is None:
        from grok_tui.ui.markdown import render

        _render_module = render
    return _render_module


#: Seconds between the starts of coalesced renders while streaming (at least):
#: <= 15/s, so the longest time the screen stands still stays under 0.1 s.
FLUSH_INTERVAL = FRAME_INTERVAL
MAX_FLUSH_INTERVAL = 1.0  # slow tails (a huge table) back off to keep CPU share bounded
FLUSH_BUDGET = 0.02  # seconds of rendering per flush step; the rest continues shortly after
CONTINUE_DELAY = 0.005
FENCE_CHUNK = 12  # completed code lines highlighted together and kept
#: Drop the rendered lines of finished documents far off screen (bench/bench_memory.py).
RELEASE_OFFSCREEN = True
#: While streaming, the height grows in steps of this share of the screen height.
GROWTH_STEP_SCREEN_SHARE = 1 / 3


def _same_strip(new: Strip, old: Strip) -> bool:
    """Whether two rendered lines paint and copy (selection) the same."""
    return new is old or (
        type(new) is type(old)
        and new.cell_length == old.cell_length
        and getattr(new, "hidden", "") == getattr(old, "hidden", "")
        and new._segments == old._segments
    )


class _FenceTail:
    """Cached rendering of the open fence in the tail."""

    __slots__ = ("fence", "width", "theme", "done", "strips")

    def __init__(self, fence: OpenFence, width: int, theme: str) -> None:
        self.fence = fence
        self.width = width
        self.theme = theme
        self.done = 0
        self.strips: list[Strip] = []


class StreamingMarkdown(Widget):
    """A Markdown document that can grow by `append` in time linear in its length."""

    DEFAULT_CSS = stylesheet(__file__)

    def __init__(
        self,
        markdown: str = "",
        *,
        code_theme: str = "monokai",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._code_theme = code_theme
        self._pending: list[str] = []
        self._selection: Selection | None = None
        self._selection_style: Style | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._interval = FLUSH_INTERVAL
        self._last_flush = 0.0  # time.monotonic() at the start of the last timed flush
        self._reset(strip_control(markdown), finished=bool(markdown))

    # ----------------------------------------------------------------- state

    def _reset(self, markdown: str, *, finished: bool) -> None:
        self._stream = BlockStream()
        self._pieces: list[Piece] = []
        # A complete document is split on first use (lazy); None once split.
        self._lazy: str | None = markdown if markdown else None
        self._finished = finished
        self._pending.clear()
        self._width = 0  # width the caches below were rendered at (0: none)
        self._lines: list[Strip] = []  # rendered final pieces
        self._rendered = 0  # number of pieces in self._lines
        self._last_kind: str | None = None  # kind of the last rendered piece
        self._tail_lines: list[Strip] = []
        self._tail_dirty = True
        # (kind, text) -> lines of the open tail's pieces as last rendered (at
        # self._width): a piece that did not change is not rendered again.
        self._tail_renders: dict[tuple[str, str], list[Strip]] = {}
        self._fence_tail: _FenceTail | None = None
        self._estimate: tuple[int, int] = (-1, 0)
        self._laid_out_height = -1
        self._base_style: Style | None = None
        self._styled: dict[int, tuple[Strip, Strip]] = {}  # y -> (strip, strip with widget style)

    def _split_lazy(self) -> None:
        if self._lazy is not None:
            self._stream.feed(self._lazy)
            self._pieces = self._stream.advance(final=True)
            self._lazy = None

    @property
    def source(self) -> str:
        """The Markdown text received so far (cleaned of control characters)."""
        if self._lazy is not None:
            return self._lazy
        return self._stream.source + "".join(self._pending)

    @property
    def is_finished(self) -> bool:
        return self._finished

    @property
    def code_theme(self) -> str:
        return self._code_theme

    @code_theme.setter
    def code_theme(self, theme: str) -> None:
        if theme != self._code_theme:
            self._code_theme = theme
            self._invalidate()

    @property
    def line_count(self) -> int:
        """Rendered lines at the current width (an estimate until first rendered)."""
        width = self.size.width
        if width and self._width == width:
            return len(self._lines) + len(self._tail_lines)
        return self._estimate_height(width or 80)

    # ------------------------------------------------------------------ API

    def append(self, text: str) -> None:
        """Add text to the document; rendering happens later, coalesced."""
        text = strip_control(text)
        if not text:
            return
        if self._finished:
            self._reopen()
        self._pending.append(text)
        self._schedule()

    def finish(self) -> None:
        """Render everything now and mark the document complete."""
        self._cancel_timer()
        if self._finished:
            return
        self._finished = True
        self._flush(final=True)
        self._continue_if_needed()

    def flush(self) -> None:
        """Render the text appended so far now (the document stays open)."""
        if self._finished:
            return
        self._cancel_timer()
        self._flush(final=False)
        self._continue_if_needed()

    @property
    def is_rendered(self) -> bool:
        """Whether everything received so far is rendered (at the current width)."""
        return not self._pending and self._rendered == len(self._pieces) and not self._tail_dirty

    def update(self, markdown: str) -> None:
        """Replace the whole document with the complete document `markdown`."""
        self._cancel_timer()
        self._reset(strip_control(markdown), finished=True)
        self.refresh(layout=True)

    @property
    def holds_render_cache(self) -> bool:
        """Whether rendered lines are held (`release_render_cache` would free something)."""
        return bool(self._width or self._styled or self._pieces)

    def release_render_cache(self) -> bool:
        """Drop the rendered lines and parsed pieces of a finished document.

        For a document far off screen: it goes back to the state of a widget
        constructed with its text (one source string, rendered lazily when
        painted again), keeping its height at the width it was rendered at so
        the layout does not move. Textual's per-line paint cache of the widget
        is dropped too. Returns whether anything was released.
        """
        if not RELEASE_OFFSCREEN or not self._finished or not self.is_rendered:
            return False
        if not self.holds_render_cache:
            return False
        width = self._width
        height = len(self._lines) + len(self._tail_lines)
        estimate = self._estimate
        self._reset(self.source, finished=True)
        if width:
            self._estimate = (width, height)
            self._laid_out_height = height
        elif estimate[0] > 0:
            self._estimate = estimate
        if self.is_attached:
            self.refresh()  # clears the widget's styles (paint) cache; nothing is visible to repaint
        return True

    def last_code_block(self) -> str | None:
        """Content of the last fenced code block (for "copy last code block")."""
        return last_fenced_code(self.source)

    def rendered_lines(self, width: int | None = None) -> list[Strip]:
        """All rendered lines at `width` (default: the current width), without widget styles."""
        width = width or self.size.width or 80
        self._ensure_rendered(width)
        return self._lines + self._tail_lines

    # ----------------------------------------------------------- streaming

    def _reopen(self) -> None:
        source = self.source
        self._reset("", finished=False)
        self._stream.feed(source)
        self._pieces = self._stream.advance(final=False)

    def _schedule(self) -> None:
        if self._timer is None and self.is_attached:
            # The next instant of the frame grid at least `_interval` after
            # the start of the last flush (less half a frame: a flush that
            # ran a little late keeps the cadence). The event loop's clock is
            # time.monotonic(), the grid's.
            earliest = self._last_flush + self._interval - FRAME_INTERVAL / 2
            self._call_at(next_instant(max(time.monotonic(), earliest)))

    def _call_at(self, when: float) -> None:
        self._timer = asyncio.get_running_loop().call_at(when, self._fire)

    def _fire(self) -> None:
        try:
            self._on_timer()
        except Exception as error:  # noqa: BLE001  # as a Textual timer's callback would
            self.app._handle_exception(error)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _on_timer(self) -> None:
        self._timer = None
        self._last_flush = time.monotonic()
        started = time.thread_time()
        self._flush(final=self._finished)
        cost = time.thread_time() - started
        # Keep rendering to a bounded share of the CPU when flushes are slow
        # (CPU time: a machine busy with other work does not make them slow).
        self._interval = min(MAX_FLUSH_INTERVAL, max(FLUSH_INTERVAL, cost * 3))
        if not self._continue_if_needed() and self._pending:
            self._schedule()

    def _continue_if_needed(self) -> bool:
        """Schedule the rest of a flush that ran out of its time budget."""
        if self.is_rendered or not self.is_attached or not self._width:
            return False
        if self._timer is None:
            self._call_at(time.monotonic() + CONTINUE_DELAY)
        return True

    def on_mount(self) -> None:
        if self._pending:
            self._schedule()

    def on_unmount(self) -> None:
        self._cancel_timer()

    def _flush(self, *, final: bool) -> None:
        self._split_lazy()
        if self._pending:
            self._stream.feed("".join(self._pending))
            self._pending.clear()
            self._estimate = (-1, 0)
        first_changed = len(self._lines)
        self._pieces.extend(self._stream.advance(final=final))
        self._tail_dirty = True
        width = self.size.width
        if not width or not self.is_attached:
            return
        if self._width != width:
            self._ensure_rendered(width, FLUSH_BUDGET)
            self.refresh(layout=True)
            return
        old_tail = self._tail_lines
        self._ensure_rendered(width, FLUSH_BUDGET)
        height = self._stepped_height(len(self._lines) + len(self._tail_lines))
        # Repaint only the lines that changed; lay out only when the height changed.
        regions = self._keep_unchanged_lines(first_changed, old_tail, width)
        layout = height != self._laid_out_height
        if regions or layout:
            self.refresh(*regions, layout=layout)

    def _keep_unchanged_lines(self, start: int, old: list[Strip], width: int) -> list[Region]:
        """Lines from `start` on were `old` before this flush: where a new line
        equals the old one, keep the old `Strip` (its painted, styled version
        stays cached here and in Textual's line cache) and return the regions
        of the lines that changed, appeared or went away."""
        lines = self._lines
        tail = self._tail_lines
        final = len(lines) - start  # new final lines at start.. (they were tail before)
        new_count = final + len(tail)
        regions: list[Region] = []
        run = -1  # first y of the current run of changed lines
        for index in range(max(new_count, len(old))):
            changed = True
            if index < new_count and index < len(old):
                before = old[index]
                if index < final:
                    after = lines[start + index]
                    if _same_strip(after, before):
                        lines[start + index] = before
                        changed = False
                else:
                    after = tail[index - final]
                    if _same_strip(after, before):
                        tail[index - final] = before
                        changed = False
            if changed:
                if run < 0:
                    run = index
            elif run >= 0:
                regions.append(Region(0, start + run, width, index - run))
                run = -1
        if run >= 0:
            regions.append(Region(0, start + run, width, max(new_count, len(old)) - run))
        return regions

    # ------------------------------------------------------------ rendering

    def _invalidate(self) -> None:
        # Colours change, line counts do not: keep the height for the lazy re-render.
        if self._width:
            self._estimate = (self._width, len(self._lines) + len(self._tail_lines))
        self._width = 0
        self._fence_tail = None
        self._tail_renders = {}
        self.refresh(layout=True)

    def _ensure_rendered(self, width: int, budget: float | None = None) -> None:
        """Render what is not rendered yet; with a `budget` (seconds), stop once it is spent."""
        if width <= 0:
            return
        self._split_lazy()
        if self._width != width:
            self._width = width
            self._lines = []
            self._rendered = 0
            self._last_kind = None
            self._tail_dirty = True
            self._fence_tail = None
            self._styled.clear()
            self._tail_renders = {}
        console = self.app.console
        theme = self._code_theme
        lines = self._lines
        pieces = self._pieces
        deadline = time.perf_counter() + budget if budget is not None else None
        first = self._rendered
        while self._rendered < len(pieces):
            if deadline is not None and self._rendered > first and time.perf_counter() > deadline:
                # The rest comes in the next steps (at least one piece per step);
                # the old tail is stale meanwhile.
                self._tail_lines = []
                self._tail_dirty = True
                return
            piece = pieces[self._rendered]
            if needs_separator(self._last_kind, piece.kind, piece.gap):
                lines.append(Strip.blank(width))
            rendered = self._tail_renders.get((piece.kind, piece.text))
            if rendered is None:
                rendered = _render().render_piece(console, piece.text, piece.kind, width, theme)
            lines.extend(rendered)
            self._last_kind = piece.kind
            self._rendered += 1
        if self._tail_dirty:
            self._tail_lines = self._render_tail(width)
            self._tail_dirty = False

    def _render_tail(self, width: int) -> list[Strip]:
        if self._finished:
            return []
        console = self.app.console
        theme = self._code_theme
        stream = self._stream
        fence = stream.fence
        tail: list[Strip] = []
        if fence is None:
            self._fence_tail = None
            last_kind = self._last_kind
            previous = self._tail_renders
            renders: dict[tuple[str, str], list[Strip]] = {}
            for piece in stream.provisional():
                if needs_separator(last_kind, piece.kind, piece.gap):
                    tail.append(Strip.blank(width))
                key = (piece.kind, piece.text)
                rendered = previous.get(key)
                if rendered is None:
                    rendered = _render().render_piece(console, piece.text, piece.kind, width, theme)
                renders[key] = rendered
                tail.extend(rendered)
                last_kind = piece.kind
            self._tail_renders = renders
            return tail
        if needs_separator(self._last_kind, "fence", fence.gap):
            tail.append(Strip.blank(width))
        cache = self._fence_tail
        if (
            cache is None
            or cache.fence is not fence
            or cache.width != width
            or cache.theme != theme
        ):
            cache = self._fence_tail = _FenceTail(fence, width, theme)
        language = fence.opener.language
        code = fence.code
        render = _render()
        while len(code) - cache.done >= FENCE_CHUNK:
            chunk = code[cache.done : cache.done + FENCE_CHUNK]
            cache.strips.extend(render.render_code_lines(console, chunk, language, width, theme))
            cache.done += FENCE_CHUNK
        live = code[cache.done :]
        partial = stream.partial
        if partial:
            live = [*live, partial]
        blank = render.blank_code_line(width, theme)
        tail.append(blank)
        tail.extend(cache.strips)
        tail.extend(render.render_code_lines(console, live, language, width, theme))
        tail.append(blank)
        return tail

    def _stepped_height(self, lines: int) -> int:
        """The height to lay out for `lines` rendered lines: exact once
        finished; while streaming, rounded up to the next growth step, with at
        least one blank row below the text."""
        if self._finished:
            return lines
        try:
            screen_height = self.screen.size.height
        except Exception:  # not on a screen (yet)
            return lines
        step = max(1, int(screen_height * GROWTH_STEP_SCREEN_SHARE))
        return (lines // step + 1) * step

    def _estimate_height(self, width: int) -> int:
        if self._estimate[0] == width:
            return self._estimate[1]
        width = max(1, width)
        total = 0
        for line in self.source.split("\n"):
            total += max(1, -(-len(line) // width))
        self._estimate = (width, total)
        return total

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if width <= 0:
            return 0
        if self._width != width:
            if self._finished:
                # Finished documents render lazily, when painted.
                height = self._estimate_height(width)
            else:
                self._ensure_rendered(width)
                height = self._stepped_height(len(self._lines) + len(self._tail_lines))
        else:
            # Progress while streaming is driven by the (time-budgeted) flushes.
            height = self._stepped_height(len(self._lines) + len(self._tail_lines))
        self._laid_out_height = height
        return height

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """A streaming reply changes height on each growth step: the painted
        lines above the bottom are kept (see `height_cache`)."""
        return size_updated_keeping_lines(
            self, size, virtual_size, container_size, layout, super()._size_updated
        )

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if width <= 0:
            return Strip.blank(0)
        if self._width != width:
            self._ensure_rendered(width)
            if (
                self._stepped_height(len(self._lines) + len(self._tail_lines))
                != self._laid_out_height
            ):
                self.call_later(self.refresh, layout=True)
        lines = self._lines
        if y < len(lines):
            strip = lines[y]
        else:
            index = y - len(lines)
            tail = self._tail_lines
            strip = tail[index] if index < len(tail) else Strip.blank(width)
        selection = self._selection
        span = selection.get_span(y) if selection is not None else None
        cached = self._styled.get(y)
        if span is None and cached is not None and cached[0] is strip:
            return cached[1]
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        styled = strip.adjust_cell_length(width).apply_style(base)
        if span is not None:
            # Selected lines (few, while a selection is shown) are styled per paint.
            render = _render()
            styled = render.highlight_selection(
                styled, strip, span[0], span[1], self._selection_rich_style()
            )
            return render.with_offsets(styled, y, strip)
        styled = _render().with_offsets(styled, y, strip)
        self._styled[y] = (strip, styled)
        return styled

    def _selection_rich_style(self) -> Style:
        """The theme's `screen--selection` style over this widget's background."""
        style = self._selection_style
        if style is None:
            styles = self.screen.get_component_styles("screen--selection")
            background = self.background_colors[1] + styles.background
            color = styles.color
            style = Style(
                bgcolor=background.rich_color,
                color=None if color.is_transparent else color.rich_color,
            )
            self._selection_style = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None
        self._selection_style = None
        self._styled.clear()

    # ------------------------------------------------------------- selection

    def selection_updated(self, selection: Selection | None) -> None:
        if selection is None and self._selection is None:
            return
        self._selection = selection
        self._selection_style = None
        self.refresh()

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The rendered text under `selection` (offsets: character in a line's
        selection text, line), one line per display line."""
        if not self.source:
            return None
        lines = self.rendered_lines()
        if not lines:
            return None
        last = len(lines) - 1
        start, end = selection
        start_y, start_x = (start.y, start.x) if start is not None else (0, 0)
        end_y, end_x = (end.y, end.x) if end is not None else (last, None)
        parts: list[str] = []
        render = _render()
        for y in range(max(0, start_y), min(end_y, last) + 1):
            strip = lines[y]
            text = render.selection_text(strip)
            if text is None:
                continue
            if y == end_y and end_x is not None:
                text = text[:end_x]
            if y == start_y:
                text = text[start_x:]
            if parts and isinstance(strip, render.CodeContinuation):
                parts[-1] += text
            else:
                parts.append(text)
        return "\n".join(parts), "\n"

    # ---------------------------------------------------------------- links

    def on_click(self, event: events.Click) -> None:
        style: Style = event.style
        url = style.meta.get(_render().LINK_META) if style.meta else None
        if not isinstance(url, str):
            return
        if self.screen.selections.get(self) is not None:
            return  # the end of a drag that selected text, not a click on the link
        event.stop()
        if is_safe_link(url):
            self.app.open_url(url)
        else:
            self.notify("Only http(s) links can be opened.", severity="warning", markup=False)
