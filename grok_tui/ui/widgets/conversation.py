"""The scrolling conversation: message views, lazy history, a keyboard highlight.

Opening a long session must be quick, and the number of widgets drives the
cost of everything in Textual. So only the newest messages are mounted as full
`MessageView`s; older ones sit in `ArchiveChunk` placeholders (one cheap widget
per `CHUNK_SIZE` messages, with a height estimated from the text, painted as
plain text). A chunk turns into real message views when it scrolls into view
or the highlight moves into it; the scroll position is corrected so the text
the user is reading does not jump.

Following the stream: the view is *anchored* to the bottom (Textual's
`anchor()`), which a user scroll releases and scrolling back to the end
restores, so a reader who scrolled up is not yanked down.

When the conversation has focus, Up/Down move a highlight between messages;
copy and other per-message actions act on the highlighted message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.message import Message as TMessage
from textual.reactive import reactive
from textual.widget import Widget

from grok_tui.chat.session import Message, MessageStatus
from grok_tui.ui.bindings import bindings_for
from grok_tui.ui.stylesheets import stylesheet
from grok_tui.ui.widgets.archive_chunk import ArchiveChunk, PositionOf, estimate_rows
from grok_tui.ui.widgets.height_cache import size_updated_once
from grok_tui.ui.widgets.markdown_stream import StreamingMarkdown
from grok_tui.ui.widgets.message_view import MessageView
from grok_tui.ui.widgets.welcome import Welcome

#: Messages mounted as full views when a session opens.
LIVE_WINDOW = 12
#: Messages per archive placeholder.
CHUNK_SIZE = 10
#: In a live session, once more than this many full views are mounted, the
#: oldest finished ones above the viewport fold back into placeholders (down
#: to `LIVE_LIMIT - CHUNK_SIZE`), so the widget count stays bounded. (24
#: before: about 1.8 MB more RSS in a 40-turn soak, see bench/bench_soak.py.)
LIVE_LIMIT = 16
#: Messages per placeholder after a repaint from a fork (`repaint_from`): a
#: coarse placeholder splits into `CHUNK_SIZE` ones when it is expanded, so
#: a switch at an early fork mounts a handful of widgets, not one per ten messages.
COARSE_CHUNK_SIZE = 100

#: Views a repaint hides for the next one instead of removing them (a switch
#: from a long branch to a short one and back mounts nothing).
SPARE_VIEWS = LIVE_WINDOW
#: Rows of slack above/below the viewport inside which chunks are expanded.
EXPAND_MARGIN = 4
#: Finished replies further than this many viewport heights from the viewport
#: drop their rendered lines (re-rendered when they come back into view; a
#: page up or down stays within it).
RELEASE_SCREENS = 1


class Conversation(VerticalScroll, can_focus=True):
    """The list of message views of one session."""

    DEFAULT_CSS = stylesheet(__file__)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "highlight(-1)", "Previous message", show=False, id="conversation.prev"),
        Binding("down", "highlight(1)", "Next message", show=False, id="conversation.next"),
        Binding("k", "highlight(-1)", show=False),
        Binding("j", "highlight(1)", show=False),
        Binding("home", "highlight_first", show=False),
        Binding("end", "highlight_last", show=False),
        Binding("r", "toggle_reasoning", "Reasoning", show=False, id="conversation.reasoning"),
        # Versions and branches of the highlighted message: the keymap's
        # "conversation" scope (actions on the chat screen).
        *bindings_for("conversation"),
        # No Esc binding here: the chat screen's Esc stops a streaming reply
        # first, else leaves the highlight and gives the prompt focus. A
        # binding here shadowed the stop once a click focused the conversation.
    ]

    highlighted: reactive[int | None] = reactive(None, init=False)

    class Highlighted(TMessage):
        def __init__(self, index: int | None) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._messages: list[Message] = []
        self._views: dict[str, MessageView] = {}
        #: Hidden views (index -1, in no `_views`) for the next repaint to reuse.
        self._spares: list[MessageView] = []
        self._expand_scheduled = False
        self._folding = False
        # Set between a fold and its scroll correction: the layout is briefly
        # shifted, and expanding chunks from it would undo the fold.
        self._hold_expand = False
        # Set by `repaint_from` until the repainted part is laid out.
        self._repainting = False
        #: `(n, m)` of a message among its siblings (versions, branches), for
        #: the "‹ n/m ›" of its header (and of a placeholder's plain header);
        #: set by the chat screen from the session tree.
        self.position_of: PositionOf | None = None

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """Its virtual size grows with a streaming reply: stored without a
        second layout (see `height_cache.size_updated_once`)."""
        return size_updated_once(
            self, size, virtual_size, container_size, layout, super()._size_updated
        )

    # -- loading -----------------------------------------------------------

    @property
    def messages(self) -> list[Message]:
        return self._messages

    async def load(self, messages: list[Message]) -> None:
        """Show `messages` (the session's list; read, not copied): the newest
        as views, the rest as archive placeholders."""
        await self.remove_children()
        self._views.clear()
        self._spares.clear()
        self._messages = messages
        self.highlighted = None
        n = len(messages)
        live_from = max(0, n - LIVE_WINDOW)
        width = self.content_size.width or (self.app.size.width - 4)
        widgets: list[Widget] = []
        for start in range(0, live_from, CHUNK_SIZE):
            stop = min(start + CHUNK_SIZE, live_from)
            widgets.append(ArchiveChunk(start, messages[start:stop], width, self._position))
        for i in range(live_from, n):
            widgets.append(self._new_view(i))
        if not widgets:
            widgets.append(Welcome())
        await self.mount_all(widgets)
        # Anchor once the new views are laid out (before, the content height
        # is unknown and the offset would be computed from nothing).
        self.call_after_refresh(self.anchor)

    def _position(self, message: Message) -> tuple[int, int] | None:
        return self.position_of(message) if self.position_of is not None else None

    def _new_view(self, index: int) -> MessageView:
        message = self._messages[index]
        position = self._position(message)
        view = MessageView(message, index=index, position=position)
        self._views[message.id] = view
        return view

    async def add_message(self, message: Message) -> MessageView:
        """Append a view for a message just added to the session list."""
        index = next(
            (i for i in range(len(self._messages) - 1, -1, -1) if self._messages[i] is message),
            None,
        )
        if index is None:
            self._messages.append(message)
            index = len(self._messages) - 1
        view = self._new_view(index)
        welcome = list(self.query_children(Welcome))
        if welcome:
            await self.remove_children(welcome)
        await self.mount(view)
        # Following the stream does not always go through `watch_scroll_y`:
        # each new message is also a point to release replies left far above.
        self.call_after_refresh(self.release_offscreen)
        self.call_after_refresh(self.fold_old)
        return view

    async def truncate(
        self,
        count: int,
        *,
        keep: Sequence[MessageView] = (),
        welcome: bool = True,
        spare: bool = False,
    ) -> None:
        """Remove the views of messages at index >= `count` (the session list
        was already cut to that length), except the views in `keep` (about
        to show other messages: unregistered and unhighlighted, left mounted).
        An empty conversation shows the welcome text (unless `welcome` is False:
        something is mounted next). With `spare`, views that could show
        another message are hidden for the next repaint instead (`SPARE_VIEWS`)."""
        kept = {id(v) for v in keep}
        doomed: list[Widget] = []
        for w in self.children:
            if isinstance(w, MessageView) and w.index >= count:
                if self._views.get(w.message.id) is w:
                    del self._views[w.message.id]
                if id(w) in kept:
                    w.remove_class("-highlight")
                elif spare and len(self._spares) < SPARE_VIEWS and w.park():
                    self._spares.append(w)
                else:
                    doomed.append(w)
            elif isinstance(w, ArchiveChunk):
                if w.start >= count:
                    doomed.append(w)
                elif w.stop > count:
                    w.cut(count - w.start)
        if doomed:
            await self.remove_children(doomed)
        if count == 0 and welcome and not kept and not self.query_children(Welcome):
            await self.mount(Welcome())
        if self.highlighted is not None and self.highlighted >= count:
            self.highlighted = None

    async def repaint_from(self, start: int, *, at_fork: bool = False) -> None:
        """The session list changed from index `start` on (another version or
        branch chosen, one deleted): replace what is shown from there and keep
        everything above untouched. The last messages, as many as fill the
        viewport (by the estimated height, at most `LIVE_WINDOW`), become
        views, the rest placeholders (expanded when scrolled to); with
        `at_fork` (the reader is looking at the fork, e.g. a highlighted
        message), the first ones from `start` instead.

        The views already mounted below `start` are reused for the new
        messages where their shape allows (`MessageView.show`): a switch
        swaps the text of the views on screen instead of removing and
        mounting them. All of it is one batch: a single layout and paint."""
        # No chunk is expanded until the new ones are laid out: the screen
        # runs its after-refresh callbacks while a batch waits for mounts,
        # and a placeholder not laid out yet looks to be in view.
        self._repainting = True
        try:
            with self.app.batch_update():
                await self._repaint_from(start, at_fork=at_fork)
        finally:
            self.call_after_refresh(self._repainted)
        self.screen.check_idle()  # the batch held the screen's update back

    def _repainted(self) -> None:
        self._repainting = False
        self._schedule_expand()

    async def _repaint_from(self, start: int, *, at_fork: bool) -> None:
        n = len(self._messages)
        if start >= n:
            await self.truncate(start)
            return
        live = self._live_range(start, at_fork=at_fork)
        reuse = self._reusable_views(start, live)
        attached = {id(v) for v in reuse.values()}
        await self.truncate(
            start, keep=[v for v in reuse.values() if v.index >= 0], welcome=False, spare=True
        )
        for welcome in self.query_children(Welcome):
            await welcome.remove()
        # What stays above the fork; the repainted part goes after it.
        above: Widget | None = None
        for w in self.children:
            if isinstance(w, ArchiveChunk) or (
                isinstance(w, MessageView) and 0 <= w.index < start and id(w) not in attached
            ):
                above = w
        width = self.content_size.width or (self.app.size.width - 4)
        widgets: list[Widget] = self._chunks(start, live.start, width, COARSE_CHUNK_SIZE)
        for i in live:
            view = reuse.get(i)
            if view is None:
                widgets.append(self._new_view(i))
                continue
            message = self._messages[i]
            position = self._position(message)
            if view.message is message and view.index == i:
                view.set_position(position)
            else:
                view.show(message, index=i, position=position)
            view.display = True
            self._views[message.id] = view
            widgets.append(view)
        widgets.extend(self._chunks(live.stop, n, width, COARSE_CHUNK_SIZE))
        self._predict_scrollbar(width)
        for mounted in self._place(widgets, attached, after=above):
            await mounted

    def _place(
        self, widgets: list[Widget], attached: set[int], *, after: Widget | None
    ) -> list[Awaitable[object]]:
        """Put `widgets` in this order after `after` (None: first): the
        `attached` ones (mounted already) moved there if they are not, the
        others mounted; the awaitables complete the mounts."""
        pending: list[Awaitable[object]] = []
        group: list[Widget] = []

        def mount_group() -> None:
            nonlocal after
            if not group:
                return
            if after is not None:
                pending.append(self.mount_all(group, after=after))
            elif self.children:
                pending.append(self.mount_all(group, before=self.children[0]))
            else:
                pending.append(self.mount_all(group))
            after = group[-1]
            group.clear()

        for w in widgets:
            if id(w) not in attached:
                group.append(w)
                continue
            mount_group()
            nodes = self.children
            at = nodes.index(after) + 1 if after is not None else 0
            if at >= len(nodes) or nodes[at] is not w:
                if after is None:
                    self.move_child(w, before=nodes[0])
                else:
                    self.move_child(w, after=after)
            after = w
        mount_group()
        return pending

    def _predict_scrollbar(self, width: int) -> None:
        """Show or hide the scrollbar before the layout when the estimated
        height of the messages clearly needs it or clearly does not: Textual
        decides it after a layout, and a change lays the screen out again
        (a switch between a short and a long branch)."""
        height = self.scrollable_content_region.height
        if self.styles.overflow_y != "auto" or height <= 0:
            return
        rows = 0
        for message in self._messages:
            rows += estimate_rows(message, width - 2)
            if rows > 2 * height:
                break
        if rows > 2 * height:
            show = True
        elif rows < height // 2:
            show = False
        else:
            return  # Textual decides after the layout
        if show != self.show_vertical_scrollbar:
            self.show_vertical_scrollbar = show
            self.vertical_scrollbar.display = show

    def _live_range(self, start: int, *, at_fork: bool) -> range:
        """The messages from `start` on shown as views after a repaint: as
        many as fill the viewport (estimated), at the fork or at the end."""
        n = len(self._messages)
        width = self.content_size.width or (self.app.size.width - 4)
        need = (self.scrollable_content_region.height or self.app.size.height) + EXPAND_MARGIN
        count, rows = 0, 0
        order = range(start, n) if at_fork else range(n - 1, start - 1, -1)
        for i in order:
            if count >= LIVE_WINDOW or (rows >= need and count >= 2):
                break
            rows += estimate_rows(self._messages[i], width - 2)
            count += 1
        return range(start, start + count) if at_fork else range(n - count, n)

    def _reusable_views(self, start: int, live: range) -> dict[int, MessageView]:
        """Mounted views that can show the messages of `live` (index -> view):
        those at or below `start`, matched in order (none moves), then the
        spare ones (taken from `_spares`)."""
        old = [w for w in self.children if isinstance(w, MessageView) and w.index >= start]
        reuse: dict[int, MessageView] = {}
        after = 0
        for i in live:
            message = self._messages[i]
            for k in range(after, len(old)):
                if old[k].can_show(message):
                    reuse[i] = old[k]
                    after = k + 1
                    break
            else:
                spare = next((v for v in self._spares if v.can_show(message)), None)
                if spare is not None:
                    self._spares.remove(spare)
                    reuse[i] = spare
        return reuse

    def _chunks(self, start: int, stop: int, width: int, size: int) -> list[Widget]:
        """Placeholders for messages `start` to `stop`, `size` messages each."""
        return [
            ArchiveChunk(i, self._messages[i : min(i + size, stop)], width, self._position)
            for i in range(start, stop, size)
        ]

    def refresh_positions(self) -> None:
        """Recompute the "‹ n/m ›" of the mounted views (after a delete)."""
        if self.position_of is None:
            return
        for view in self._views.values():
            view.set_position(self.position_of(view.message))
        for chunk in self.query_children(ArchiveChunk):
            chunk.refresh_positions()

    def view_for(self, message: Message) -> MessageView | None:
        """The view of `message`; if it sits in a placeholder, the placeholder
        is expanded (the mount completes on the next idle; `await
        ensure_view(index)` to wait for it)."""
        view = self._views.get(message.id)
        if view is not None:
            return view
        for chunk in self.query_children(ArchiveChunk):
            if any(m is message for m in chunk.messages):
                self._start_expand(chunk, keep_position=False)
                return self._views.get(message.id)
        return None

    def shown_view(self, message: Message) -> MessageView | None:
        """The mounted view of `message`, or None (in a placeholder, or not on
        the path); unlike `view_for`, never expands a placeholder."""
        return self._views.get(message.id)

    def view_at(self, index: int) -> MessageView | None:
        if 0 <= index < len(self._messages):
            return self._views.get(self._messages[index].id)
        return None

    @property
    def archived_count(self) -> int:
        return sum(len(c.messages) for c in self.query_children(ArchiveChunk))

    # -- lazy expansion ----------------------------------------------------

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._schedule_expand()

    def on_resize(self, event: events.Resize) -> None:
        self._schedule_expand()

    def _schedule_expand(self) -> None:
        if not self._expand_scheduled:
            self._expand_scheduled = True
            self.call_after_refresh(self._expand_visible)

    async def _expand_visible(self) -> None:
        self._expand_scheduled = False
        if self._hold_expand or self._repainting:
            return
        top = self.scroll_y - EXPAND_MARGIN
        bottom = self.scroll_y + self.scrollable_content_region.height + EXPAND_MARGIN
        for chunk in list(self.query_children(ArchiveChunk)):
            region = chunk.virtual_region
            if region.bottom >= top and region.y <= bottom:
                await self.expand_chunk(chunk)
        self.release_offscreen()

    def release_offscreen(self) -> int:
        """Drop the rendered lines of finished replies far off screen; how many did."""
        viewport = self.scrollable_content_region.height
        if viewport <= 0:
            return 0
        margin = RELEASE_SCREENS * viewport
        top = self.scroll_y - margin
        bottom = self.scroll_y + viewport + margin
        released = 0
        for view in self._views.values():
            body = view.body
            if not isinstance(body, StreamingMarkdown) or not body.holds_render_cache:
                continue
            if not view.is_attached:
                continue
            region = view.virtual_region
            if region.bottom < top or region.y > bottom:
                released += body.release_render_cache()
        return released

    async def expand_chunk(self, chunk: ArchiveChunk, *, keep_position: bool = True) -> None:
        """Replace a placeholder by real message views; with `keep_position`,
        correct the scroll offset so the text being read does not move."""
        for pending in self._start_expand(chunk, keep_position=keep_position):
            await pending

    def _start_expand(self, chunk: ArchiveChunk, *, keep_position: bool) -> list[Awaitable[object]]:
        """Begin replacing `chunk` by views (registered at once); the awaitables
        complete the mount and the removal."""
        if not chunk.is_attached or chunk.has_class("-expanding"):
            return []
        chunk.add_class("-expanding")
        if len(chunk.messages) > CHUNK_SIZE:
            # A coarse placeholder: split into fine ones (their estimated
            # heights add up to its own, so nothing moves); the one in view
            # is expanded on the next pass.
            width = chunk._width
            parts = self._chunks(chunk.start, chunk.stop, width, CHUNK_SIZE)
            self.call_after_refresh(self._schedule_expand)
            return [self.mount_all(parts, before=chunk), chunk.remove()]
        region = chunk.virtual_region
        old_height = region.height
        # The chunk starts above the viewport: its growth would push the text down.
        above = keep_position and region.y < self.scroll_y
        views = [self._new_view(i) for i in range(chunk.start, chunk.stop)]
        pending: list[Awaitable[object]] = [self.mount_all(views, before=chunk), chunk.remove()]
        if above:
            scroll_before = self.scroll_y

            def fix() -> None:
                new_height = sum(v.outer_size.height for v in views)
                self.scroll_to(
                    y=scroll_before + (new_height - old_height), animate=False, immediate=True
                )

            self.call_after_refresh(fix)
        return pending

    # -- folding (live sessions) -------------------------------------------

    def _foldable(self, view: MessageView, top: float) -> bool:
        message = view.message
        return (
            message.status != MessageStatus.STREAMING
            and view.index != self.highlighted
            and view.is_attached
            and view.virtual_region.bottom < top
        )

    async def fold_old(self) -> int:
        """Fold the oldest finished views far above the viewport back into
        placeholders once more than `LIVE_LIMIT` are mounted; how many were
        folded. The text on screen does not move."""
        if self._folding:
            return 0
        self._folding = True
        try:
            return await self._fold_old()
        finally:
            self._folding = False

    async def _fold_old(self) -> int:
        children = [w for w in self.children if not (isinstance(w, MessageView) and w.index < 0)]
        views = [w for w in children if isinstance(w, MessageView)]
        if len(views) <= LIVE_LIMIT:
            return 0
        viewport = self.scrollable_content_region.height
        if viewport <= 0:
            return 0
        budget = len(views) - (LIVE_LIMIT - CHUNK_SIZE)
        top = self.scroll_y - max(viewport, EXPAND_MARGIN)
        # Runs of consecutive foldable views with consecutive indexes.
        runs: list[list[MessageView]] = []
        run: list[MessageView] = []
        for w in children:
            if budget <= 0:
                break
            ok = isinstance(w, MessageView) and self._foldable(w, top)
            if ok and run and (w.index != run[-1].index + 1 or len(run) >= CHUNK_SIZE):  # type: ignore[attr-defined]
                runs.append(run)
                run = []
            if ok:
                run.append(w)  # type: ignore[arg-type]
                budget -= 1
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
        if not runs:
            return 0
        last = runs[-1][-1]
        after = children.index(last) + 1
        if after >= len(children):
            return 0
        anchor_widget = children[after]
        y_before = anchor_widget.virtual_region.y
        scroll_before = self.scroll_y
        # Following the bottom: the anchor keeps it there, nothing to correct.
        at_bottom = scroll_before >= self.max_scroll_y
        width = self.content_size.width or (self.app.size.width - 4)
        doomed: list[Widget] = []
        folded = 0
        self._hold_expand = True
        for run in runs:
            first = run[0].index
            chunk = ArchiveChunk(
                first, self._messages[first : first + len(run)], width, self._position
            )
            await self.mount(chunk, before=run[0])
            for v in run:
                self._views.pop(v.message.id, None)
            doomed.extend(run)
            folded += len(run)
        await self.remove_children(doomed)

        def fix() -> None:
            self._hold_expand = False
            if at_bottom:
                self.scroll_end(animate=False, immediate=True)
            elif anchor_widget.is_attached:
                delta = anchor_widget.virtual_region.y - y_before
                if delta:
                    self.scroll_to(
                        y=scroll_before + delta,
                        animate=False,
                        immediate=True,
                        release_anchor=False,
                    )
            self._schedule_expand()

        self.call_after_refresh(fix)
        return folded

    async def ensure_view(self, index: int) -> MessageView | None:
        """The view of message `index`, expanding its placeholder if needed
        (a coarse one is split first, then the part holding it expanded)."""
        for _ in range(2):
            view = self.view_at(index)
            if view is not None:
                return view
            for chunk in self.query_children(ArchiveChunk):
                if chunk.start <= index < chunk.stop:
                    await self.expand_chunk(chunk, keep_position=False)
                    break
        return self.view_at(index)

    # -- highlight ---------------------------------------------------------

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        if old is not None:
            v = self.view_at(old)
            if v is not None:
                v.remove_class("-highlight")
        if new is not None:
            v = self.view_at(new)
            if v is not None:
                v.add_class("-highlight")
                # After the layout (the view may have just been mounted).
                self.call_after_refresh(self._scroll_to_view, v)
        self.post_message(self.Highlighted(new))

    def _scroll_to_view(self, view: MessageView) -> None:
        if view.is_attached:
            tall = view.outer_size.height > self.scrollable_content_region.height
            self.scroll_to_widget(view, animate=False, top=tall, immediate=True)

    async def _move_highlight(self, index: int) -> None:
        if not self._messages:
            return
        index = max(0, min(index, len(self._messages) - 1))
        await self.ensure_view(index)
        self.highlighted = index

    async def action_highlight(self, step: int) -> None:
        if self.highlighted is None:
            await self._move_highlight(len(self._messages) - 1)
        else:
            await self._move_highlight(self.highlighted + step)

    async def action_highlight_first(self) -> None:
        await self._move_highlight(0)

    async def action_highlight_last(self) -> None:
        """End: highlight the last message, scroll to the end and follow the
        streaming reply again (after the highlight's own scroll)."""
        await self._move_highlight(len(self._messages) - 1)
        self.call_after_refresh(self.follow)

    def scroll_view(self, where: str) -> None:
        """Scroll without moving the focus: "page_up", "page_down", "top", or
        "bottom" (the end, following the streaming reply). Paging down to the
        end follows it again too (Textual restores the anchor there)."""
        if where == "page_up":
            self.scroll_page_up(animate=False)
        elif where == "page_down":
            self.scroll_page_down(animate=False)
        elif where == "top":
            self.scroll_home(animate=False)
        elif where == "bottom":
            self.follow()

    def action_toggle_reasoning(self) -> None:
        index = self.highlighted
        if index is None:
            index = self.last_reply_index()
        if index is None:
            return
        view = self.view_at(index)
        if view is not None and not view.toggle_reasoning():
            self.app.bell()

    def last_reply_index(self) -> int | None:
        for i in range(len(self._messages) - 1, -1, -1):
            if self._messages[i].role == "assistant":
                return i
        return None

    def follow(self) -> None:
        """Re-anchor to the bottom (after the user sent a new prompt)."""
        self.anchor()
