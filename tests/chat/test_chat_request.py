from __future__ import annotations

import base64
from pathlib import Path

import pytest

from grok_tui.api.chat_request import ImagePart, InputMessage, WebSearchTool, XSearchTool
from grok_tui.chat.attachments import AttachmentError, attachment_from_input
from grok_tui.chat.conversation import (
    add_user_message,
    prepare_regenerate,
    start_reply,
)
from grok_tui.chat.edit import Draft, begin_edit_last
from grok_tui.chat.request_builder import build_request, search_tools, unsupported_on_api
from grok_tui.chat.search import SearchSettings, WebSearchSettings, XSearchSettings
from grok_tui.chat.session import Message, MessageError, MessageStatus, Session

from .images import tiny_png


def _session(**kw: object) -> Session:
    s = Session(model="grok-4.3", **kw)  # type: ignore[arg-type]
    return s


def _reply(s: Session, text: str, status: MessageStatus = MessageStatus.COMPLETE) -> Message:
    m = start_reply(s, "grok-4.3")
    m.text = text
    m.status = status
    if status == MessageStatus.FAILED:
        m.error = MessageError(type="server", message="boom")
    return m


def _roles_texts(req_msgs: tuple[InputMessage, ...]) -> list[tuple[str, str]]:
    return [(m.role, m.text) for m in req_msgs]


def test_plain_history_and_model() -> None:
    s = _session()
    add_user_message(s, "hi")
    _reply(s, "hello")
    add_user_message(s, "how are you?")
    start_reply(s, "grok-4.3")  # the placeholder being streamed now
    req = build_request(s)
    assert req.model == "grok-4.3"
    assert _roles_texts(req.messages) == [
        ("user", "hi"),
        ("assistant", "hello"),
        ("user", "how are you?"),
    ]
    assert req.tools == ()
    assert req.instructions is None
    assert build_request(s, model="grok-x").model == "grok-x"


def test_failed_replies_never_sent_stopped_partial_kept_users_merged() -> None:
    """A failed reply (even with partial text) is not history; a stopped one
    with text is. The user messages a dropped reply leaves back to back are
    merged into one, so the history alternates and no question is lost."""
    s = _session()
    add_user_message(s, "q1")
    _reply(s, "", MessageStatus.FAILED)
    add_user_message(s, "q2")
    _reply(s, "partial answ", MessageStatus.FAILED)
    add_user_message(s, "q3")
    _reply(s, "stopped half", MessageStatus.STOPPED)
    add_user_message(s, "q4")
    _reply(s, "   ", MessageStatus.STOPPED)
    add_user_message(s, "q5")
    req = build_request(s)
    assert _roles_texts(req.messages) == [
        ("user", "q1\n\nq2\n\nq3"),
        ("assistant", "stopped half"),
        ("user", "q4\n\nq5"),
    ]
    roles = [m.role for m in req.messages]
    assert all(a != b for a, b in zip(roles, roles[1:], strict=False))


def test_system_prompt_instructions_on_responses_system_message_on_chat() -> None:
    s = _session(system_prompt="Be terse.")
    add_user_message(s, "hi")
    r = build_request(s, api="responses")
    assert r.instructions == "Be terse."
    assert [m.role for m in r.messages] == ["user"]
    c = build_request(s, api="chat")
    assert c.instructions is None
    assert _roles_texts(c.messages) == [("system", "Be terse."), ("user", "hi")]


def test_blank_system_prompt_sends_nothing() -> None:
    s = _session(system_prompt="   \n")
    add_user_message(s, "hi")
    assert build_request(s).instructions is None
    assert [m.role for m in build_request(s, api="chat").messages] == ["user"]


def test_upto_limits_history() -> None:
    s = _session()
    add_user_message(s, "a")
    _reply(s, "A")
    add_user_message(s, "b")
    _reply(s, "B")
    req = build_request(s, upto=2)
    assert _roles_texts(req.messages) == [("user", "a"), ("assistant", "A")]
    req = build_request(s, upto=3)
    assert _roles_texts(req.messages)[-1] == ("user", "b")


def test_regenerate_sends_same_history_again() -> None:
    s = _session()
    add_user_message(s, "a")
    _reply(s, "A")
    add_user_message(s, "b")
    _reply(s, "B")
    before = build_request(s, upto=3).messages
    prepare_regenerate(s)
    start_reply(s, "grok-4.3")
    assert build_request(s).messages == before


def test_edit_last_removes_message_and_reply(png_file: Path) -> None:
    s = _session()
    add_user_message(s, "a")
    _reply(s, "A")
    att = attachment_from_input(str(png_file))
    add_user_message(s, "b typo", [att])
    _reply(s, "B")
    edit = begin_edit_last(s, Draft())
    assert edit.text == "b typo" and edit.attachments == [att]
    edit.apply(s, "b fixed", edit.attachments)
    req = build_request(s)
    assert _roles_texts(req.messages) == [("user", "a"), ("assistant", "A"), ("user", "b fixed")]
    assert len(req.messages[-1].images) == 1


def test_images_file_as_data_uri_and_url_as_is(png_file: Path, jpeg_file: Path) -> None:
    s = _session()
    atts = [
        attachment_from_input(str(png_file)),
        attachment_from_input(str(jpeg_file)),
        attachment_from_input("https://example.com/cat.png"),
    ]
    add_user_message(s, "what is this?", atts)
    msg = build_request(s).messages[0]
    assert msg.text == "what is this?"
    png_part, jpeg_part, url_part = msg.images
    assert png_part.url.startswith("data:image/png;base64,")
    assert base64.b64decode(png_part.url.split(",", 1)[1]) == tiny_png()
    assert jpeg_part.url.startswith("data:image/jpeg;base64,")
    assert url_part == ImagePart(url="https://example.com/cat.png")


def test_vanished_attachment_raises(png_file: Path) -> None:
    s = _session()
    add_user_message(s, "x", [attachment_from_input(str(png_file))])
    png_file.unlink()
    with pytest.raises(AttachmentError, match="gone"):
        build_request(s)


def test_search_tools_modes_and_flags() -> None:
    off = SearchSettings()
    assert search_tools(off) == ()
    settings = SearchSettings(
        web=WebSearchSettings(
            enabled=True, domain_mode="excluded", domains=["spam.com"], image_search=True
        ),
        x=XSearchSettings(
            enabled=True,
            handles=["@xai"],
            from_date="2025-01-01",
            video_understanding=True,
            image_understanding=True,
        ),
    )
    web, x = search_tools(settings)
    assert web == WebSearchTool(
        allowed_domains=(),
        excluded_domains=("spam.com",),
        enable_image_understanding=False,
        enable_image_search=True,
    )
    assert x == XSearchTool(
        allowed_x_handles=("xai",),
        excluded_x_handles=(),
        from_date="2025-01-01",
        to_date=None,
        enable_image_understanding=True,
        enable_video_understanding=True,
    )
    only_x = SearchSettings(x=XSearchSettings(enabled=True, handle_mode="excluded", handles=["a"]))
    (tool,) = search_tools(only_x)
    assert isinstance(tool, XSearchTool) and tool.excluded_x_handles == ("a",)
    only_web = SearchSettings(web=WebSearchSettings(enabled=True, domains=["x.ai"]))
    (tool2,) = search_tools(only_web)
    assert isinstance(tool2, WebSearchTool) and tool2.allowed_domains == ("x.ai",)


def test_request_carries_tools_effort_and_turns_on_responses_only() -> None:
    s = _session(
        search=SearchSettings(
            web=WebSearchSettings(enabled=True), reasoning_effort="high", max_turns=3
        )
    )
    add_user_message(s, "news?")
    r = build_request(s)
    assert len(r.tools) == 1 and r.reasoning_effort == "high" and r.max_turns == 3
    c = build_request(s, api="chat")
    assert c.tools == () and c.max_turns is None and c.reasoning_effort == "high"
    assert unsupported_on_api(s.search, "chat") == ["web search", "max turns"]
    assert unsupported_on_api(s.search, "responses") == []


def test_max_turns_not_sent_without_tools() -> None:
    s = _session(search=SearchSettings(max_turns=3))
    add_user_message(s, "hi")
    assert build_request(s).max_turns is None


def test_reasoning_effort_is_not_sent_to_models_that_refuse_it() -> None:
    from grok_tui.chat.request_builder import build_request
    from grok_tui.chat.search import SearchSettings
    from grok_tui.chat.session import Session

    session = Session(
        model="grok-4-1-fast-reasoning", search=SearchSettings(reasoning_effort="high")
    )
    assert build_request(session).reasoning_effort is None
    assert session.search.reasoning_effort == "high"  # the setting itself is kept
    assert build_request(session, model="grok-4.3").reasoning_effort == "high"


def test_preflight_findings_in_order() -> None:
    from grok_tui.chat.preflight import check_turn, preflight
    from grok_tui.chat.search import SearchSettings

    settings = SearchSettings.model_validate(
        {"web": {"enabled": True}, "reasoning_effort": "xhigh", "max_turns": 3}
    )
    found = preflight(
        model="grok-4.3",
        api="chat",
        settings=settings,
        image_count=1,
        text="key xai-abcdefgh123",
        secrets=["xai-abcdefgh123"],
    )
    assert [f.kind for f in found] == ["effort_refused", "search_on_chat", "api_key_in_prompt"]
    found = preflight(
        model="grok-3-mini", api="responses", settings=SearchSettings(), image_count=2
    )
    check = check_turn(found)
    assert check.refusal == (
        "grok-3-mini reads text only and cannot take 2 images; "
        "remove the image or pick a model that reads images"
    )
    stored = preflight(
        model="grok-4.3", api="responses", settings=SearchSettings(), image_count=1, store=True
    )
    assert [f.kind for f in stored] == ["images_stored"]
    assert check_turn(stored).notes and check_turn(stored).refusal is None
    assert (
        preflight(model="grok-4.3", api="responses", settings=SearchSettings(), image_count=1) == []
    )


def test_merged_user_messages_keep_images_in_order() -> None:
    from grok_tui.chat.session import Attachment

    s = _session()
    add_user_message(s, "look", [Attachment(source="url", url="https://e.x/a.png", name="a.png")])
    _reply(s, "partial", MessageStatus.FAILED)
    add_user_message(
        s, "and this", [Attachment(source="url", url="https://e.x/b.png", name="b.png")]
    )
    req = build_request(s)
    assert len(req.messages) == 1
    assert req.messages[0].text == "look\n\nand this"
    assert [i.url for i in req.messages[0].images] == ["https://e.x/a.png", "https://e.x/b.png"]
