"""A switch of version or branch repaints by reusing the message views on
screen (`MessageView.show`): each shows the new message whole (text, header
position, reasoning, sources, footer) and nothing of the old one is left;
the views that do not fit are removed, the missing ones mounted in order.
Placeholders of folded messages show the "‹ n/m ›" of their headers too."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from grok_tui.chat import conversation as conv
from grok_tui.chat import tree
from grok_tui.chat.session import Citation, Message, MessageStatus, Session, Usage
from grok_tui.ui.widgets.archive_chunk import ArchiveChunk
from grok_tui.ui.widgets.conversation import Conversation
from grok_tui.ui.widgets.markdown_stream import StreamingMarkdown
from grok_tui.ui.widgets.message_view import MessageView
from tests.waiting import wait_for


def _reply(session: Session, text: str, *, output: int) -> Message:
    message = conv.start_reply(session, "grok-4")
    message.text = text
    message.status = MessageStatus.COMPLETE
    message.usage = Usage(input_tokens=100, output_tokens=output, cost_usd=0.01)
    return message


def two_different_versions() -> Session:
    """One question; its reply in two versions that differ in every part:
    the first thought, cited a source and completed; the second stopped."""
    s = Session(model="grok-4")
    conv.add_user_message(s, "the question")
    one = _reply(s, "ALPHA answer text", output=111)
    one.reasoning = "ALPHA reasoning"
    one.reasoning_seconds = 2.0
    one.citations = [Citation(number=1, url="https://alpha.example/", title="Alpha source")]
    conv.prepare_regenerate(s)
    two = _reply(s, "BRAVO answer text", output=222)
    two.status = MessageStatus.STOPPED
    return s


def _part(view: MessageView, selector: str) -> Static:
    return view.query_one(selector, Static)


def _shown_text(view: MessageView) -> str:
    """Everything the view paints (the parts shown), as plain text."""
    parts = [str(_part(view, ".msg-header").render())]
    for selector in (".msg-reasoning-line", ".msg-reasoning", ".msg-sources", ".msg-footer"):
        if not view.query(selector):
            continue  # a message of yours has no reasoning, sources or footer
        part = _part(view, selector)
        if part.display:
            parts.append(str(part.render()))
    body = view.body
    if isinstance(body, StreamingMarkdown):
        parts.append(body.source)
    else:
        assert isinstance(body, Static)
        parts.append(str(body.render()))
    return "\n".join(parts)


def _shown(conversation: Conversation) -> list[MessageView]:
    return [v for v in conversation.query_children(MessageView) if v.display]


def _body_text(view: MessageView) -> str:
    body = view.body
    if isinstance(body, StreamingMarkdown):
        return body.source
    assert isinstance(body, Static)
    return str(body.render())


def _consistent(conversation: Conversation, session: Session) -> None:
    """Every mounted view shows the message at its index of the chosen path,
    and is the one registered for it."""
    for view in _shown(conversation):
        assert session.messages[view.index] is view.message
        assert conversation.view_at(view.index) is view


async def test_a_reused_view_shows_the_other_version_whole(make_app: Any) -> None:
    app = make_app(session=two_different_versions())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        chat = app.chat
        conversation = chat.conversation
        view = conversation.view_at(1)
        assert view is not None
        assert "BRAVO" in _shown_text(view) and "stopped" in _shown_text(view).lower()
        await pilot.press("alt+p")  # the previous version of the last reply
        await pilot.pause()
        assert conversation.view_at(1) is view, "the view on screen is reused"
        shown = _shown_text(view)
        assert "ALPHA answer text" in shown
        assert "‹ 1/2 › version" in shown
        assert "Reasoning (thought for 2" in shown
        assert "Alpha source" in shown and "https://alpha.example/" in shown
        assert "out 111" in shown
        assert "BRAVO" not in shown and "222" not in shown and "Stopped" not in shown
        assert not view.has_class("-stopped")
        # Its reasoning expands (the new message's), and stepping back hides it.
        view.toggle_reasoning()
        await pilot.pause()
        assert "ALPHA reasoning" in _shown_text(view)
        await pilot.press("alt+n")
        await pilot.pause()
        assert conversation.view_at(1) is view
        shown = _shown_text(view)
        assert "BRAVO answer text" in shown and "‹ 2/2 › version" in shown
        assert "out 222" in shown and "Stopped" in shown and view.has_class("-stopped")
        assert "ALPHA" not in shown and "Alpha source" not in shown and "111" not in shown
        assert not view.reasoning_expanded
        _consistent(conversation, chat.session)


def long_forked_session(turns: int = 40) -> Session:
    """`turns` turns; the first question was edited (a branch of one turn) and
    the original, long branch is shown."""
    s = Session(model="grok-4")
    for i in range(turns):
        conv.add_user_message(s, f"question {i}")
        _reply(s, f"answer {i} " + "words " * 30, output=i + 1)
    keep = s.messages[-1].id
    tree.fork_at(s, s.messages[0].id, "the edited first question")
    _reply(s, "the answer to the edit", output=999)
    tree.switch_to(s, keep)
    return s


async def test_a_switch_at_an_early_fork_keeps_the_views_in_order(
    make_app: Any, store: Any
) -> None:
    app = make_app(session=long_forked_session())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        chat = app.chat
        conversation = chat.conversation
        session = chat.session
        long_views = list(conversation.query_children(MessageView))
        assert len(long_views) > 2
        # To the short branch: two views are reused, the rest hidden, empty.
        assert await chat.step_sibling(0, 1)
        await pilot.pause()
        assert [m.text for m in session.messages] == [
            "the edited first question",
            "the answer to the edit",
        ]
        views = _shown(conversation)
        assert len(views) == 2 and all(v in long_views for v in views)
        hidden = [v for v in conversation.query_children(MessageView) if not v.display]
        assert len(hidden) == len(long_views) - 2
        assert all(v.index == -1 and _body_text(v) == "" for v in hidden)
        assert not list(conversation.query_children(ArchiveChunk))
        assert "‹ 2/2 › branch" in str(_part(views[0], ".msg-header").render())
        assert "out 999" in _shown_text(views[1])
        _consistent(conversation, session)
        # And back: the long branch's end is shown again, in order, the rest
        # in placeholders; nothing of the short branch is left. The views
        # are the same ones: nothing was mounted.
        assert await chat.step_sibling(0, -1)
        await pilot.pause()
        assert len(session.messages) == 80
        views = _shown(conversation)
        assert set(views) <= set(long_views)
        assert [v.index for v in views] == list(range(80 - len(views), 80))
        assert conversation.archived_count == 80 - len(views)
        _consistent(conversation, session)
        texts = " ".join(_shown_text(v) for v in views)
        assert "edit" not in texts and "999" not in texts
        assert conversation.scroll_y == conversation.max_scroll_y  # still at the end
        # Saved a moment after the repaint, on the branch shown (the two
        # switches in a row saved once or twice: the last is what counts).
        await wait_for(
            pilot,
            lambda: (
                session.id in store.sessions
                and store.load(session.id).messages[0].text == "question 0"
            ),
            what="the switch saved",
        )


async def test_a_switch_from_the_highlight_keeps_it_and_its_view(make_app: Any) -> None:
    app = make_app(session=long_forked_session(turns=6))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        chat = app.chat
        conversation = chat.conversation
        conversation.focus()
        await pilot.press("home")
        await wait_for(pilot, lambda: conversation.highlighted == 0, what="the first highlighted")
        await pilot.press("right")  # the next branch of the highlighted message
        await pilot.pause()
        assert chat.session.messages[0].text == "the edited first question"
        assert conversation.highlighted == 0
        first = conversation.view_at(0)
        assert first is not None and first.has_class("-highlight")
        assert [v.has_class("-highlight") for v in _shown(conversation)] == [
            True,
            False,
        ]
        await pilot.press("left")
        await pilot.pause()
        assert chat.session.messages[0].text == "question 0"
        assert conversation.highlighted == 0
        first = conversation.view_at(0)
        assert first is not None and first.has_class("-highlight")
        highlighted = [v for v in _shown(conversation) if v.has_class("-highlight")]
        assert highlighted == [first]
        _consistent(conversation, chat.session)


async def test_placeholders_show_the_position_of_their_messages(make_app: Any) -> None:
    app = make_app(session=long_forked_session())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        conversation = app.chat.conversation
        chunk = conversation.query_children(ArchiveChunk).first()
        assert chunk.start == 0
        lines = chunk._plain_lines()
        assert lines[0] == "You  ‹ 1/2 › branch"
        assert lines[1:4] == ["question 0", "", "Grok · grok-4"]  # one reply: no position
        # Expanded, the view says the same.
        view = await conversation.ensure_view(0)
        assert view is not None
        assert "‹ 1/2 › branch" in str(_part(view, ".msg-header").render())
