from __future__ import annotations

from grok_tui.chat.conversation import (
    add_user_message,
    last_user_index,
    last_user_message,
    prepare_regenerate,
    session_totals,
    start_reply,
    title_from_text,
    touch,
)
from grok_tui.chat.session import Attachment, MessageStatus, Session, Usage


def test_add_user_message_titles_untitled_session_once() -> None:
    s = Session()
    m = add_user_message(s, "\n  What is the \x1b[31mweather\x1b[0m today?\nsecond line")
    assert s.messages == [m] and m.role == "user"
    assert s.title == "What is the weather today?"
    add_user_message(s, "another question")
    assert s.title == "What is the weather today?"


def test_custom_title_not_replaced() -> None:
    s = Session(title="", title_is_custom=True)
    add_user_message(s, "hello")
    assert s.title == ""


def test_image_only_message_title() -> None:
    s = Session()
    add_user_message(s, "", [Attachment(source="url", url="https://e.x/cat.png", name="cat.png")])
    assert s.title == "Image: cat.png"


def test_title_from_text_trims_at_word_boundary() -> None:
    long = "word " * 40
    t = title_from_text(long)
    assert len(t) <= 60 and t.endswith("…") and not t.endswith(" …")
    assert title_from_text("short") == "short"
    assert title_from_text("x" * 100) == "x" * 59 + "…"
    assert title_from_text("") == ""


def test_start_reply_placeholder() -> None:
    s = Session()
    before = s.updated_at
    m = start_reply(s, "grok-4.3")
    assert m.role == "assistant" and m.status == MessageStatus.STREAMING and m.model == "grok-4.3"
    assert s.updated_at >= before


def test_last_user_and_regenerate() -> None:
    s = Session()
    assert last_user_index(s) is None and last_user_message(s) is None
    prepare_regenerate(s)  # nothing to do
    add_user_message(s, "a")
    start_reply(s, "m").text = "A"
    u = add_user_message(s, "b")
    start_reply(s, "m").text = "B1"
    start_reply(s, "m").text = "B2"
    assert last_user_index(s) == 2 and last_user_message(s) is u
    prepare_regenerate(s)
    assert [m.text for m in s.messages] == ["a", "A", "b"]


def test_session_totals() -> None:
    s = Session()
    add_user_message(s, "a")
    r1 = start_reply(s, "m")
    r1.usage = Usage(
        input_tokens=10,
        output_tokens=5,
        total_tokens=15,
        cost_usd=0.5,
        server_side_tool_calls={"web_search": 1},
    )
    r2 = start_reply(s, "m")
    r2.usage = Usage(
        input_tokens=1,
        reasoning_tokens=2,
        total_tokens=3,
        server_side_tool_calls={"web_search": 2, "x_search": 1},
    )
    start_reply(s, "m")  # no usage
    t = session_totals(s)
    assert (t.input_tokens, t.output_tokens, t.reasoning_tokens, t.total_tokens) == (11, 5, 2, 18)
    assert t.cost_usd == 0.5
    assert t.server_side_tool_calls == {"web_search": 3, "x_search": 1}
    assert session_totals(Session()).cost_usd is None


def test_touch_moves_updated_at() -> None:
    s = Session(updated_at=1.0)
    touch(s)
    assert s.updated_at > 1.0


def test_settle_interrupted_marks_cut_off_replies_failed_and_keeps_text() -> None:
    from grok_tui.chat import conversation as conv
    from grok_tui.chat.request_builder import build_request
    from grok_tui.chat.session import MessageStatus, Session, ToolCall

    session = Session()
    conv.add_user_message(session, "hello")
    reply = conv.start_reply(session, "grok-4.3")
    reply.text = "partial answ"
    reply.tool_calls.append(ToolCall(call_id="c1", name="web_search", tool_kind="web_search"))
    assert conv.settle_interrupted(session) == 1
    assert reply.status == MessageStatus.FAILED
    assert reply.error is not None and reply.error.type == "stream_interrupted"
    assert reply.text == "partial answ"
    assert reply.tool_calls[0].phase == "incomplete"
    # The failed partial reply is not sent back as the model's answer; the
    # question it failed to answer is kept, merged with the next one (no two
    # user turns in a row, nothing lost).
    conv.add_user_message(session, "go on")
    sent = [(m.role, m.text) for m in build_request(session).messages]
    assert sent == [("user", "hello\n\ngo on")]
    assert conv.settle_interrupted(session) == 0
