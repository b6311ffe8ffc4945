"""A live session keeps a bounded number of mounted message views: the oldest
finished ones fold back into archive placeholders, which come back intact."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult

from grok_tui.chat.session import Message, MessageStatus
from grok_tui.ui.widgets.archive_chunk import ArchiveChunk
from grok_tui.ui.widgets.conversation import CHUNK_SIZE, LIVE_LIMIT, Conversation
from grok_tui.ui.widgets.message_view import MessageView


class _ConvApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Conversation(id="conv")

    @property
    def conv(self) -> Conversation:
        return self.query_one(Conversation)


def _message(i: int) -> Message:
    if i % 2 == 0:
        return Message(role="user", text=f"question {i}")
    body = "\n\n".join(f"Paragraph {k} of answer {i}, with *some* text." for k in range(4))
    # Soft line breaks join into one rendered line, but the placeholder's
    # plain-text estimate counts each: folding changes the height above.
    soft = "\n".join(f"w{k}" for k in range(6))
    code = f"```python\nprint({i})\n```"
    text = f"## Answer {i}\n\n{body}\n\n{soft}\n\n{code}"
    return Message(role="assistant", text=text, model="grok-4.3")


def _mounted(conv: Conversation) -> list[MessageView]:
    return list(conv.query_children(MessageView))


async def _add(pilot: Any, conv: Conversation, count: int) -> list[Message]:
    added: list[Message] = []
    for _ in range(count):
        msg = _message(len(conv.messages))
        conv.messages.append(msg)
        await conv.add_message(msg)
        added.append(msg)
        await pilot.pause()
    await pilot.pause()
    return added


def _covered(conv: Conversation) -> list[int]:
    """Every message index, from the views and the placeholders, in screen order."""
    out: list[int] = []
    for w in conv.children:
        if isinstance(w, MessageView):
            out.append(w.index)
        elif isinstance(w, ArchiveChunk):
            out.extend(range(w.start, w.stop))
    return out


async def test_live_session_folds_old_views_and_restores_them() -> None:
    app = _ConvApp()
    async with app.run_test(size=(100, 30)) as pilot:
        conv = app.conv
        await conv.load([])
        msgs = await _add(pilot, conv, 80)
        views = _mounted(conv)
        assert len(views) <= LIVE_LIMIT + 1
        assert conv.query_children(ArchiveChunk)
        assert conv.archived_count + len(views) == 80
        # Order and coverage intact: every message exactly once, in order.
        assert _covered(conv) == list(range(80))
        # Still following the bottom: the newest message is on screen.
        assert conv.scroll_y == conv.max_scroll_y
        assert conv.view_for(msgs[-1]) is not None
        # `view_at` is None for a folded message; `ensure_view` brings it back.
        assert conv.view_at(3) is None
        view = await conv.ensure_view(3)
        assert view is not None and view.is_attached
        assert view.message is msgs[3]
        assert view.source_text() == msgs[3].text
        # `view_for` expands its placeholder too.
        view = conv.view_for(msgs[25])
        assert view is not None and view.message is msgs[25]
        await pilot.pause()
        assert view.is_attached and view.source_text() == msgs[25].text
        # Scrolling to the top materializes the oldest ones, text intact.
        conv.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        await pilot.pause()
        first = conv.view_at(0)
        assert first is not None and first.is_attached
        assert first.source_text() == "question 0"
        assert _covered(conv) == list(range(80))


async def test_never_folds_streaming_or_highlighted() -> None:
    app = _ConvApp()
    async with app.run_test(size=(100, 30)) as pilot:
        conv = app.conv
        first = _message(0)
        first.status = MessageStatus.STREAMING
        conv.messages.append(first)
        await conv.load(conv.messages)
        await pilot.pause()
        streaming_view = conv.view_at(0)
        await _add(pilot, conv, 1)
        conv.highlighted = 1
        await pilot.pause()
        # Back to the bottom (highlighting scrolled up), then pile on.
        conv.follow()
        await _add(pilot, conv, 40)
        assert len(_mounted(conv)) <= LIVE_LIMIT + 1
        assert conv.view_at(0) is streaming_view and streaming_view is not None
        assert streaming_view.is_attached
        highlighted = conv.view_at(1)
        assert highlighted is not None and highlighted.has_class("-highlight")
        assert conv.archived_count > 0
        assert _covered(conv) == list(range(42))


async def test_folding_keeps_the_reading_position() -> None:
    app = _ConvApp()
    async with app.run_test(size=(100, 30)) as pilot:
        conv = app.conv
        await conv.load([])
        await _add(pilot, conv, LIVE_LIMIT)
        # The reader scrolls up a little (releases the anchor) ...
        conv.scroll_to(y=conv.max_scroll_y - 10, animate=False, immediate=True)
        await pilot.pause()
        watched = conv.view_at(LIVE_LIMIT - 3)
        assert watched is not None
        on_screen = watched.virtual_region.y - conv.scroll_y
        # ... while new messages arrive and old ones fold.
        await _add(pilot, conv, CHUNK_SIZE)
        assert conv.archived_count > 0
        assert conv.view_at(LIVE_LIMIT - 3) is watched
        # (The placeholders' estimate is off: without the correction it would move.)
        assert conv.archived_count > 0
        assert watched.virtual_region.y - conv.scroll_y == on_screen


async def test_truncate_cuts_into_placeholders() -> None:
    app = _ConvApp()
    async with app.run_test(size=(100, 30)) as pilot:
        conv = app.conv
        await conv.load([])
        await _add(pilot, conv, 40)
        chunk = conv.query_children(ArchiveChunk).first()
        cut = chunk.start + 1
        del conv.messages[cut:]
        await conv.truncate(cut)
        # The placeholder holding the cut was trimmed; every later view is gone.
        assert _mounted(conv) == []
        assert chunk.is_attached and len(chunk.messages) == 1
        assert _covered(conv) == list(range(cut))
        await pilot.pause()
        assert _covered(conv) == list(range(cut))
        view = await conv.ensure_view(0)
        assert view is not None and view.source_text() == conv.messages[0].text


async def test_archive_placeholder_text_is_selectable() -> None:
    """A mouse selection over a placeholder copies its plain text (Textual's
    default for a widget without text of its own is its class name)."""
    from textual.geometry import Offset
    from textual.selection import Selection

    class _ChunkApp(App[None]):
        def compose(self) -> ComposeResult:
            yield ArchiveChunk(0, [_message(0), _message(1)], 80)

    app = _ChunkApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        chunk = app.query_one(ArchiveChunk)
        strip = chunk.render_line(1)
        offsets = {seg.style.meta.get("offset") for seg in strip if seg.style and seg.style.meta}
        assert (0, 1) in offsets, "painted lines carry selection offsets"
        whole = chunk.get_selection(Selection(None, None))
        assert whole is not None
        text, _ = whole
        assert "ArchiveChunk" not in text
        assert text.startswith("You\nquestion 0\n") and "## Answer 1" in text
        part = chunk.get_selection(Selection(Offset(0, 1), Offset(8, 1)))
        assert part is not None and part[0] == "question"


async def test_a_reply_more_than_a_screen_away_lets_go_of_its_lines_and_pages_back_the_same() -> (
    None
):
    """`RELEASE_SCREENS` (1): a finished reply whose bottom is more than one
    viewport above the viewport drops its rendered lines; paging back up to
    it paints the same lines at the same height."""
    from grok_tui.ui.widgets.markdown_stream import StreamingMarkdown

    app = _ConvApp()
    async with app.run_test(size=(100, 30)) as pilot:
        conv = app.conv
        await conv.load([])
        await _add(pilot, conv, 2)
        view = conv.view_at(1)
        assert view is not None
        body = view.body
        assert isinstance(body, StreamingMarkdown)
        width = body.size.width
        before = [strip.text for strip in body.rendered_lines(width)]
        height = body.size.height
        assert body.holds_render_cache
        viewport = conv.scrollable_content_region.height
        # Questions below it until it is between one and two screens above.
        while conv.max_scroll_y - view.virtual_region.bottom <= viewport * 1.2:
            msg = Message(role="user", text="question\n" * 5)
            conv.messages.append(msg)
            await conv.add_message(msg)
            await pilot.pause()
        conv.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        await pilot.pause()
        assert conv.max_scroll_y - view.virtual_region.bottom < 2 * viewport
        assert view.is_attached  # not folded: only its lines are let go of
        conv.release_offscreen()
        assert not body.holds_render_cache
        assert body.size.height == height
        for _ in range(4):
            conv.scroll_page_up(animate=False)
            await pilot.pause()
        await pilot.pause()
        assert body.holds_render_cache
        assert body.size.height == height
        assert [strip.text for strip in body.rendered_lines(width)] == before
