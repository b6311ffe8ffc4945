"""Pilot tests of the chat screen against the fake xAI backend."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from grok_tui.chat.session import Citation, Message, MessageStatus, Session, Usage
from grok_tui.fake import FakeServer, FakeXAI
from grok_tui.ui.app import GrokApp
from grok_tui.ui.widgets.conversation import ArchiveChunk, Conversation
from grok_tui.ui.widgets.message_view import MessageView
from tests.ui.memory_store import MemoryStore
from tests.waiting import palette_hits, palette_searching, wait_for

TEST_KEY = "xai-test-key-0123456789abcdef"


PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _input_texts(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(role, text) of the messages of a recorded /v1/responses request
    (replayed reasoning items, which have no role, are left out)."""
    out: list[tuple[str, str]] = []
    for item in body["input"]:
        if "role" not in item:
            continue
        content = item["content"]
        if isinstance(content, str):
            out.append((item["role"], content))
        else:
            texts = [p.get("text", "") for p in content if p.get("type") in ("input_text", "text")]
            out.append((item["role"], "".join(texts)))
    return out


def _gen_requests(fake: FakeXAI) -> list[Any]:
    return [r for r in fake.requests if r.method == "POST"]


async def _send(pilot: Any, app: GrokApp, text: str) -> None:
    chat = app.chat
    chat.prompt.set_text(text)
    chat.prompt.focus()
    await pilot.press("enter")


async def _until_idle(pilot: Any, app: GrokApp) -> None:
    chat = app.chat
    await wait_for(pilot, lambda: not chat.is_streaming, what="the reply to end")


def _plain(widget: Static) -> str:
    content = widget.content
    return content.plain if hasattr(content, "plain") else str(content)


async def test_send_prompt_streams_reply(make_app: Any, fake: FakeXAI, store: Any) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        await _send(pilot, app, "hello there")
        await _until_idle(pilot, app)
        msgs = chat.session.messages
        assert [m.role for m in msgs] == ["user", "assistant"]
        reply = msgs[1]
        assert reply.status == MessageStatus.COMPLETE
        assert "hello there" in reply.text
        view = chat.conversation.view_for(reply)
        assert view is not None
        assert view.body.source == reply.text  # type: ignore[union-attr]
        footer = view.query_one(".msg-footer", Static)
        assert footer.display and "in " in _plain(footer) and "out " in _plain(footer)
        # The prompt was cleared and the request carried the prompt.
        assert chat.prompt.text == ""
        assert _input_texts(_gen_requests(fake)[0].json) == [("user", "hello there")]
        # Saved: a checkpoint at the start and the final state at the end.
        await chat.checkpointer.flush()
        assert store.saved
        assert store.saved[-1]["messages"][1]["status"] == "complete"


async def test_search_turn_fills_tool_log_and_citations(make_app: Any, fake: FakeXAI) -> None:
    session = Session()
    session.search.web.enabled = True
    session.search.x.enabled = True
    app = make_app(session=session)
    async with app.run_test(size=(160, 48)) as pilot:
        chat = app.chat
        await _send(pilot, app, "scenario:search what is new at xAI")
        await _until_idle(pilot, app)
        reply = chat.session.messages[-1]
        assert reply.status == MessageStatus.COMPLETE
        assert reply.tool_calls, "the search scenario makes tool calls"
        assert reply.citations
        lines = "\n".join(chat.query_one("#tool-log").plain_lines())
        for tc in reply.tool_calls:
            assert tc.name in lines
        view = chat.conversation.view_for(reply)
        assert view is not None
        sources = view.query_one(".msg-sources", Static)
        assert sources.display
        text = _plain(sources)
        assert "Sources" in text
        assert "[1]" in text and reply.citations[0].url in text


async def test_escape_stops_and_keeps_partial(make_app: Any, fake: FakeXAI) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        fake.queue_scenarios(["stall"])
        await _send(pilot, app, "tell me something")
        await wait_for(
            pilot,
            lambda: chat.streaming_message is not None and chat.streaming_message.text != "",
            what="the first text",
        )
        partial = chat.streaming_message.text  # type: ignore[union-attr]
        await pilot.press("escape")
        await _until_idle(pilot, app)
        reply = chat.session.messages[-1]
        assert reply.status == MessageStatus.STOPPED
        assert reply.text == partial
        view = chat.conversation.view_for(reply)
        assert view is not None and view.has_class("-stopped")
        assert "Stopped" in _plain(view.query_one(".msg-footer", Static))
        assert chat.stream_state == "stopped"


async def test_error_before_start_restores_prompt(make_app: Any, fake: FakeXAI) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        fake.queue_scenarios(["error_500"])
        await _send(pilot, app, "my carefully typed question")
        await _until_idle(pilot, app)
        await wait_for(pilot, lambda: chat.prompt.text != "", what="the prompt to come back")
        assert chat.prompt.text == "my carefully typed question"
        assert chat.session.messages == []
        notice = chat.query_one("#notice", Static)
        assert notice.display
        assert "HTTP 500" in _plain(notice)
        assert chat.stream_state == "failed"
        # Retry resends the restored prompt.
        await pilot.press("ctrl+r")
        await _until_idle(pilot, app)
        await wait_for(pilot, lambda: len(chat.session.messages) == 2, what="the resend")
        assert chat.session.messages[-1].status == MessageStatus.COMPLETE
        assert len(_gen_requests(fake)) == 2


async def test_midstream_error_keeps_partial_with_message(make_app: Any, fake: FakeXAI) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        fake.queue_scenarios(["error_event"])
        await _send(pilot, app, "start then fail")
        await _until_idle(pilot, app)
        reply = chat.session.messages[-1]
        assert reply.status == MessageStatus.FAILED
        assert reply.text  # the partial text stays
        view = chat.conversation.view_for(reply)
        assert view is not None
        footer = _plain(view.query_one(".msg-footer", Static))
        assert "✖" in footer and "retry" in footer.lower()
        from grok_tui.api.errors import error_from_dict

        assert reply.error is not None
        assert error_from_dict(reply.error.model_dump()).user_message() in footer
        # Ctrl+R retries: the failed reply is replaced by a complete one.
        await pilot.press("ctrl+r")
        await _until_idle(pilot, app)
        await wait_for(
            pilot,
            lambda: chat.session.messages[-1].status == MessageStatus.COMPLETE,
            what="the retry",
        )
        assert [m.role for m in chat.session.messages] == ["user", "assistant"]


async def test_regenerate_sends_same_history(make_app: Any, fake: FakeXAI) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        await _send(pilot, app, "first question")
        await _until_idle(pilot, app)
        await _send(pilot, app, "second question")
        await _until_idle(pilot, app)
        second_body = _gen_requests(fake)[-1].json
        first_reply_id = chat.session.messages[-1].id
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: len(_gen_requests(fake)) == 3, what="the regenerate request")
        await _until_idle(pilot, app)
        regen_body = _gen_requests(fake)[-1].json
        assert _input_texts(regen_body) == _input_texts(second_body)
        assert len(chat.session.messages) == 4
        assert chat.session.messages[-1].id != first_reply_id
        assert len(chat.conversation.query(MessageView)) == 4


MARKUP = "[@click=app.quit]x[/] [bold red]boom[/] [link=https://evil]y[/link]"


async def test_markup_in_model_output_is_literal(make_app: Any, fake: FakeXAI) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        chat = app.chat
        await _send(pilot, app, f"echo {MARKUP} \x1b]2;pwned\x07 \x1b[2J end")
        await _until_idle(pilot, app)
        reply = chat.session.messages[-1]
        assert "[@click=app.quit]x[/]" in reply.text
        assert "\x1b" not in reply.text
        view = chat.conversation.view_for(reply)
        assert view is not None
        lines = "".join(
            seg.text
            for strip in view.body.rendered_lines(140)
            for seg in strip  # type: ignore[union-attr]
        )
        assert "[@click=app.quit]x[/]" in lines and "[bold red]boom[/]" in lines
        user_view = chat.conversation.view_for(chat.session.messages[0])
        assert user_view is not None
        assert MARKUP in _plain(user_view.query_one(".msg-user-text", Static))
        # Clicking the rendered "x" must not quit: the app is still running.
        await pilot.click(user_view.query_one(".msg-user-text", Static), offset=(7, 0))
        await pilot.pause()
        assert app.is_running


async def test_untrusted_metadata_renders_literally(make_app: Any) -> None:
    """Model name, reasoning, citation titles/URLs and error text are never markup."""
    evil = "[@click=app.quit]q[/]"
    reply = Message(
        role="assistant",
        text="plain answer",
        model=f"grok {evil}",
        reasoning=f"thinking {evil} \x1b[31mred",
        reasoning_seconds=2.0,
        citations=[
            Citation(number=1, url=f"https://a.example/{evil}", title=f"T {evil}"),
            Citation(number=2, url="javascript:alert(1)", title="[bold]x"),
        ],
        usage=Usage(input_tokens=10, output_tokens=5, server_side_tool_calls={evil: 1}),
        status=MessageStatus.FAILED,
    )
    from grok_tui.chat.session import MessageError

    reply.error = MessageError(type="server", message=f"bad {evil} \x1b]52;c;aGk=\x07")
    session = Session(messages=[Message(role="user", text=evil), reply])
    app = make_app(session=session)
    async with app.run_test(size=(160, 40)) as pilot:
        chat = app.chat
        view = chat.conversation.view_for(reply)
        assert view is not None
        view.toggle_reasoning()
        await pilot.pause()
        texts = [_plain(s) for s in view.query(Static)]
        joined = "\n".join(texts)
        assert f"grok {evil}" in joined
        assert f"thinking {evil} red" in joined
        assert f"T {evil}" in joined and "[bold]x" in joined
        assert f"bad {evil}" in joined
        assert "\x1b" not in joined
        # The non-http link is shown but is not a hyperlink.
        sources = view.query_one(".msg-sources", Static).content
        links = {span.style.link for span in sources.spans if hasattr(span.style, "link")}
        assert "javascript:alert(1)" not in links
        assert app.is_running


async def test_attach_refusals_and_success(make_app: Any, fake: FakeXAI, tmp_path: Path) -> None:
    missing = tmp_path / "nope.png"
    text_file = tmp_path / "notes.png"
    text_file.write_text("not an image")
    huge = tmp_path / "huge.png"
    with huge.open("wb") as fh:
        fh.write(PNG_1PX)
        fh.truncate(20 * 1024 * 1024 + 1)
    good = tmp_path / "pixel.png"
    good.write_bytes(PNG_1PX)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        notice = chat.query_one("#notice", Static)
        assert chat.attach(str(missing)) is None
        assert "not found" in _plain(notice)
        assert chat.attach(str(text_file)) is None
        assert "not a PNG or JPEG" in _plain(notice)
        assert chat.attach(str(huge)) is None
        assert "20 MiB" in _plain(notice)
        assert chat.attachments == []
        assert chat.attach(str(good)) is not None
        await pilot.pause()
        chips = chat.query_one("#attachments", Static)
        assert chips.display and "pixel.png" in _plain(chips)
        await _send(pilot, app, "what is in this image")
        await _until_idle(pilot, app)
        body = _gen_requests(fake)[-1].json
        parts = body["input"][-1]["content"]
        images = [p for p in parts if p.get("type") == "input_image"]
        assert images and images[0]["image_url"].startswith("data:image/png;base64,")
        assert chat.attachments == [] and not chips.display
        # Clearing attachments.
        chat.attach(str(good))
        await pilot.press("alt+x")
        assert chat.attachments == []


async def test_narrow_layout_80_columns(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.chat
        await pilot.pause()
        assert chat.has_class("-narrow")
        conv = chat.query_one(Conversation)
        prompt = chat.prompt
        assert conv.region.width >= 76
        assert prompt.region.width >= 76
        assert prompt.region.bottom <= 24 and prompt.region.height >= 3
        side = chat.query_one("#side")
        assert not side.display  # hidden by default when narrow
        await pilot.press("f2")
        await pilot.pause()
        # Shown, stacked under the chat, not beside it.
        assert side.display
        assert side.region.y >= prompt.region.bottom
        assert side.region.width >= 76
        assert prompt.region.height >= 3 and conv.region.height >= 1
        height = side.region.height
        await pilot.press("alt+right")
        await pilot.pause()
        assert side.region.height == height + 2
    async with make_app().run_test(size=(160, 40)) as pilot:
        chat = pilot.app.chat
        await pilot.pause()
        assert not chat.has_class("-narrow")
        side = chat.query_one("#side")
        before = side.region.width
        await pilot.press("alt+right")
        await pilot.pause()
        assert side.region.width == before + 4
        await pilot.press("f2")
        await pilot.pause()
        assert not side.display
        await pilot.press("f3")
        await pilot.pause()
        assert side.display and chat.query_one("#search-pane").display


def _big_session(n: int) -> Session:
    msgs: list[Message] = []
    for i in range(n):
        if i % 2 == 0:
            msgs.append(Message(role="user", text=f"question {i}"))
        else:
            msgs.append(
                Message(
                    role="assistant",
                    text=f"## Answer {i}\n\nSome *text* with `code`.\n\n```python\nprint(1)\n```\n",
                    model="grok-4.3",
                    usage=Usage(input_tokens=10, output_tokens=20),
                )
            )
    return Session(messages=msgs)


async def test_long_session_opens_lazily_and_navigates(make_app: Any) -> None:
    session = _big_session(1000)
    app = make_app(session=session)
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        conv = chat.conversation
        await pilot.pause()
        views = conv.query(MessageView)
        assert len(views) <= 20
        assert conv.query(ArchiveChunk)
        assert conv.archived_count + len(views) == 1000
        # Keyboard highlight: focus the conversation, walk up, jump to the top.
        conv.focus()
        await pilot.press("up")
        assert conv.highlighted == 999
        await pilot.press("up")
        assert conv.highlighted == 998
        await pilot.press("home")
        await pilot.pause()
        assert conv.highlighted == 0
        first = conv.view_at(0)
        assert first is not None and first.has_class("-highlight")
        # Copy acts on the highlighted message.
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.press("alt+y")
        assert copied == ["question 0"]
        await pilot.press("down")
        await pilot.press("alt+c")
        assert copied[-1] == "print(1)\n"


async def test_copy_defaults_to_last_reply(make_app: Any) -> None:
    session = _big_session(4)
    app = make_app(session=session)
    async with app.run_test(size=(140, 40)) as pilot:
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.press("alt+y")
        assert copied == [session.messages[3].text]


async def test_new_chat_and_command_palette(make_app: Any, fake: FakeXAI) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        await _send(pilot, app, "hello")
        await _until_idle(pilot, app)
        old_id = chat.session.id
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"New chat")
        await wait_for(
            pilot,
            lambda: palette_hits(app)[:1] == ["New chat"] and not palette_searching(app),
            what="'New chat' as the palette's first hit",
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: chat.session.id != old_id, what="the new chat")
        assert chat.session.messages == []
        assert not chat.conversation.query(MessageView)


async def test_demo_banner_and_switching_to_a_key(tmp_path: Path) -> None:
    from grok_tui.backend import demo_backend
    from grok_tui.config import Settings

    settings = Settings(demo=True, demo_reason="no API key")
    app = GrokApp(settings=settings, backend=demo_backend(reason="no API key"))
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        banner = chat.query_one("#banner", Static)
        assert banner.display
        assert "Demo mode" in _plain(banner) and "no API key" in _plain(banner)
        key = "xai-" + "k" * 40
        app.use_api_key(key, save=True)
        await wait_for(
            pilot, lambda: (tmp_path / "config" / "config.toml").exists(), what="the config file"
        )
        await app.workers.wait_for_complete()
        assert not banner.display
        assert not app.backend.demo
        cfg = tmp_path / "config" / "config.toml"
        assert stat.S_IMODE(os.stat(cfg).st_mode) == 0o600
        assert key in cfg.read_text()


async def test_loopback_server_roundtrip(tmp_path: Path) -> None:
    """The network path: a real XAIClient over a loopback FakeServer."""
    from grok_tui.api.client import XAIClient
    from grok_tui.backend import Backend
    from grok_tui.fake import FakeConfig

    fake = FakeXAI(FakeConfig(api_key=TEST_KEY))
    with FakeServer(fake) as server:
        client = XAIClient(TEST_KEY, server.url)
        app = GrokApp(backend=Backend(client=client, demo=False))
        async with app.run_test(size=(140, 40)) as pilot:
            await _send(pilot, app, "over the network")
            await _until_idle(pilot, app)
            reply = app.chat.session.messages[-1]
            assert reply.status == MessageStatus.COMPLETE
            assert reply.text and reply.usage is not None
            posts = [r for r in fake.requests if r.method == "POST"]
            assert len(posts) == 1 and posts[0].auth_ok


@pytest.mark.parametrize("width", [80, 120])
async def test_layout_fits_prompt_and_status(make_app: Any, width: int) -> None:
    app = make_app()
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        status = app.chat.query_one("#status")
        assert status.region.height >= 1
        assert status.region.bottom <= 24


async def test_dialogs_model_system_prompt_attach(
    make_app: Any, fake: FakeXAI, tmp_path: Path
) -> None:
    """The keys open the real dialogs and their results reach the next request."""
    good = tmp_path / "pixel.png"
    good.write_bytes(PNG_1PX)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        # Model picker (Ctrl+O): the list comes from the API; type an id, Enter.
        await pilot.press("ctrl+o")
        await wait_for(
            pilot, lambda: type(app.screen).__name__ == "ModelPickerScreen", what="the model picker"
        )
        await pilot.press(*"grok-3-mini")
        await pilot.pause(0.1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is chat, what="the picker to close")
        assert chat.session.model == "grok-3-mini"
        # System prompt (Ctrl+S opens the editor; Ctrl+S in it saves).
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: type(app.screen).__name__ == "TextEditorScreen", what="the editor"
        )
        await pilot.press(*"Be brief.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is chat, what="the editor to close")
        assert chat.session.system_prompt == "Be brief."
        # Attach (Ctrl+T): a path, Enter.
        await pilot.press("ctrl+t")
        await wait_for(
            pilot, lambda: type(app.screen).__name__ == "AttachScreen", what="the attach dialog"
        )
        app.screen.query_one("#path").value = str(good)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is chat, what="the attach dialog to close")
        assert [a.name for a in chat.attachments] == ["pixel.png"]
        # grok-3-mini reads text only (the model list the picker fetched says
        # so): warned where the image is chosen, refused on send, nothing lost.
        notice = str(chat.query_one("#notice").render())
        assert "grok-3-mini reads text only and cannot take an image" in notice
        await _send(pilot, app, "describe")
        await pilot.pause()
        assert _gen_requests(fake) == []
        assert "Not sent: grok-3-mini reads text only" in str(chat.query_one("#notice").render())
        assert chat.prompt.text == "describe" and len(chat.attachments) == 1
        # A model that reads images: the same prompt goes out with the image.
        chat.set_model("grok-4.3")
        await pilot.press("enter")
        await _until_idle(pilot, app)
        body = _gen_requests(fake)[-1].json
        assert body["model"] == "grok-4.3"
        assert body["instructions"] == "Be brief."
        assert body["store"] is False
        assert any(
            p.get("type") == "input_image"
            for p in body["input"][-1]["content"]
            if isinstance(p, dict)
        )


async def test_real_store_saves_and_continue_reopens(backend: Any, tmp_path: Path) -> None:
    from grok_tui.cli import build_parser
    from grok_tui.store import SessionStore
    from grok_tui.ui.run import StartError, build_app

    store = SessionStore(tmp_path / "data")
    app = GrokApp(backend=backend, store=store)
    async with app.run_test(size=(140, 40)) as pilot:
        await _send(pilot, app, "remember this")
        await _until_idle(pilot, app)
        checkpointer = app.chat.checkpointer
        await checkpointer.flush()
        session_id = app.chat.session.id
    store.close()
    assert checkpointer.last_error is None and checkpointer.writes >= 2

    resumed = build_app(build_parser().parse_args(["--demo", "--continue"]))
    assert resumed.chat_session_id == session_id
    loaded = resumed.initial_session
    assert loaded is not None
    assert [m.role for m in loaded.messages] == ["user", "assistant"]
    assert loaded.messages[1].status == MessageStatus.COMPLETE
    by_id = build_app(build_parser().parse_args(["--demo", "--session", session_id[:8]]))
    assert by_id.chat_session_id == session_id
    with pytest.raises(StartError):
        build_app(build_parser().parse_args(["--demo", "--session", "doesnotexist"]))


async def test_f4_session_browser_opens_a_saved_session(backend: Any, tmp_path: Path) -> None:
    from grok_tui.store import SessionStore

    store = SessionStore(tmp_path / "data")
    old = Session(
        title="older chat",
        messages=[
            Message(role="user", text="old question"),
            Message(role="assistant", text="old answer"),
        ],
    )
    store.save(old)
    app = GrokApp(backend=backend, store=store)
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        await pilot.press("f4")
        await wait_for(
            pilot,
            lambda: type(app.screen).__name__ == "SessionBrowserScreen",
            what="the session browser",
        )
        browser: Any = app.screen
        await wait_for(pilot, lambda: browser.rows != [] and not browser.loading, what="the list")
        await pilot.press("enter")
        await wait_for(pilot, lambda: chat.session.id == old.id, what="the session to open")
        assert [m.text for m in chat.session.messages] == ["old question", "old answer"]
        assert len(chat.conversation.query(MessageView)) == 2
    store.close()


class _FlakyStore(MemoryStore):
    """A store whose saves fail (disk full) until `full` is set to False."""

    def __init__(self) -> None:
        super().__init__()
        self.full = True
        self.attempts = 0

    def save_snapshot(self, data: dict[str, Any], *, touch: bool = True) -> bool:
        import errno

        from grok_tui.store import StoreWriteError

        self.attempts += 1
        if self.full:
            raise StoreWriteError(
                Path("/data/sessions/abc.json"), OSError(errno.ENOSPC, "No space left on device")
            )
        return super().save_snapshot(data, touch=touch)


async def test_save_failure_is_shown_once_until_a_save_succeeds(
    make_app: Any, fake: FakeXAI
) -> None:
    store = _FlakyStore()
    app = make_app(store=store)
    notes: list[tuple[str, dict[str, Any]]] = []
    async with app.run_test(size=(160, 48)) as pilot:
        app.notify = lambda message, **kw: notes.append((message, kw))  # type: ignore[method-assign]
        chat = app.chat
        label = chat.query_one("#save-error", Static)
        assert not label.display
        await _send(pilot, app, "scenario:plain first")
        await _until_idle(pilot, app)
        await chat.checkpointer.flush()
        assert store.attempts >= 2 and store.saved == []
        errors = [(m, kw) for m, kw in notes if kw.get("severity") == "error"]
        assert len(errors) == 1, notes  # once, not once per failed write
        message, kw = errors[0]
        assert message.startswith(
            "Could not save the session: the disk is full (/data/sessions/abc.json)."
        )
        assert kw["markup"] is False
        assert label.display
        assert str(label.render()) == "✖ not saved: the disk is full"
        assert chat.checkpointer.last_error is not None
        # The chat in memory is intact and goes on.
        assert [m.role for m in chat.session.messages] == ["user", "assistant"]
        assert chat.session.messages[-1].status == MessageStatus.COMPLETE
        # The disk has room again: the next save succeeds and the marker goes.
        store.full = False
        await _send(pilot, app, "scenario:plain second")
        await _until_idle(pilot, app)
        await chat.checkpointer.flush()
        await pilot.pause()
        assert not label.display
        assert chat.checkpointer.last_error is None
        assert len(store.saved[-1]["messages"]) == 4
        # A new failure later is reported again.
        store.full = True
        await _send(pilot, app, "scenario:plain third")
        await _until_idle(pilot, app)
        await chat.checkpointer.flush()
        assert len([n for n in notes if n[1].get("severity") == "error"]) == 2
        assert label.display


def _reply(**kw: Any) -> Message:
    kw.setdefault("status", MessageStatus.COMPLETE)
    kw.setdefault("text", "Hi.")
    return Message(role="assistant", model="grok-4", **kw)


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        # Hidden reasoning that took no time and no tokens: no line at all.
        ({"reasoning_seconds": 0.0}, ""),
        ({"reasoning_seconds": 0.04, "usage": Usage(input_tokens=5, output_tokens=2)}, ""),
        ({"reasoning_seconds": 0.099}, ""),
        # There was reasoning: time, tokens or text.
        ({"reasoning_seconds": 0.1}, "Thought for 0.1 s"),
        ({"reasoning_seconds": 2.0}, "Thought for 2.0 s"),
        ({"reasoning_seconds": 0.0, "usage": Usage(reasoning_tokens=42)}, "42 reasoning tokens"),
        (
            {"reasoning_seconds": 3.0, "usage": Usage(reasoning_tokens=1200)},
            "Thought for 3.0 s, 1,200 reasoning tokens",
        ),
        ({"reasoning": "Let me think.", "reasoning_seconds": 0.0}, "▸ Reasoning"),
        ({}, ""),
    ],
)
def test_reasoning_line_only_when_there_was_reasoning(kw: dict[str, Any], expected: str) -> None:
    from grok_tui.ui.widgets.message_view import reasoning_line

    assert reasoning_line(_reply(**kw), expanded=False) == expected


def test_reasoning_line_live_thinking_shows_from_the_start() -> None:
    from grok_tui.ui.widgets.message_view import reasoning_line

    reply = _reply(status=MessageStatus.STREAMING)
    assert reasoning_line(reply, expanded=False, live_seconds=0.0) == "Thinking for 0.0 s"
    assert reasoning_line(reply, expanded=False) == ""


async def test_instant_hidden_reasoning_shows_no_thought_line(make_app: Any) -> None:
    reply = _reply(reasoning_seconds=0.0, usage=Usage(input_tokens=3, output_tokens=2))
    session = Session(messages=[Message(role="user", text="hi"), reply])
    app = make_app(session=session)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        view = app.chat.conversation.view_for(reply)
        assert view is not None
        line = view.query_one(".msg-reasoning-line", Static)
        assert not line.display
        # The footer of a loaded reply shows its usage from the first frame.
        footer = view.query_one(".msg-footer", Static)
        assert footer.display and _plain(footer).startswith("in 3 · out 2")
        assert "Thought" not in _plain(line)


class _BurstClient:
    """A client whose stream is all buffered: it never waits for anything."""

    api = "responses"

    def __init__(self, events: int) -> None:
        self.events = events
        self.yielded = 0

    async def stream(self, request: Any) -> Any:
        from grok_tui.api import events as ev

        yield ev.ResponseStarted(response_id="r1", model="grok-4")
        for _ in range(self.events):
            self.yielded += 1
            yield ev.TextDelta("word ")
        yield ev.Completed(response_id="r1", model="grok-4", text="word " * self.events)

    async def aclose(self) -> None:
        pass


async def test_stream_worker_yields_to_the_loop_on_buffered_data(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A burst of buffered events must not hold the event loop until its end."""
    import asyncio

    import grok_tui.chat.turn_controller as chat_module
    from grok_tui.backend import Backend

    client = _BurstClient(2000)
    app = make_app(backend=Backend(client=client, demo=False))  # type: ignore[arg-type]
    monkeypatch.setattr(chat_module, "YIELD_EVERY", 0.0)  # yield after every event
    async with app.run_test(size=(120, 40)) as pilot:
        seen: list[int] = []

        async def other_task() -> None:
            while not seen or seen[-1] < client.events:
                seen.append(client.yielded)
                await asyncio.sleep(0)

        probe = asyncio.get_running_loop().create_task(other_task())
        await app.chat.send("go")
        await _until_idle(pilot, app)
        probe.cancel()
        # The other task ran many times while the stream was being consumed.
        during = [n for n in seen if 0 < n < client.events]
        assert len(during) > 100, seen[:20]
        assert app.chat.session.messages[-1].text == "word " * 2000


def _failed(message: str, *, status: int | None = 400, type_: str = "invalid_request") -> Message:
    from grok_tui.chat.session import MessageError

    return _reply(
        status=MessageStatus.FAILED,
        text="",
        error=MessageError(type=type_, message=message, status=status),
    )


async def test_failed_reply_shows_the_sentence_and_a_dim_detail_line(make_app: Any) -> None:
    from grok_tui.api.errors import error_from_dict

    long_msg = (
        "The model grok-9 does not exist. Check the [bold]model[/] name or use "
        "/v1/models to list the models you can use.\x1b[2J"
    )
    short = _failed("Invalid request: bad value", status=400)
    long = _failed(long_msg)
    session = Session(
        messages=[Message(role="user", text="a"), short, Message(role="user", text="b"), long]
    )
    app = make_app(session=session)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        views = {id(m): app.chat.conversation.view_for(m) for m in (short, long)}
        short_footer = views[id(short)].query_one(".msg-footer", Static)  # type: ignore[union-attr]
        long_footer = views[id(long)].query_one(".msg-footer", Static)  # type: ignore[union-attr]
        # One sentence, no detail line when the server said nothing more.
        err = error_from_dict(short.error.model_dump())  # type: ignore[union-attr]
        assert _plain(short_footer) == f"✖ {err.user_message()}  (Ctrl+R retry)"
        # The whole server text as a dim second line, markup and escapes inert.
        lines = _plain(long_footer).split("\n")
        assert lines[0].startswith("✖ HTTP 400: The model grok-9 does not exist.")
        assert "Check the" not in lines[0]
        assert lines[1] == (
            "The model grok-9 does not exist. Check the [bold]model[/] name or use "
            "/v1/models to list the models you can use."
        )
        content = long_footer.content
        dim_spans = [s for s in content.spans if "dim" in str(s.style)]  # type: ignore[union-attr]
        assert dim_spans and content.plain[dim_spans[0].start :].lstrip("\n") == lines[1]  # type: ignore[union-attr]


async def test_deleting_the_streaming_session_stops_it_and_keeps_it_deleted(
    backend: Any, fake: FakeXAI, tmp_path: Path
) -> None:
    """F4, Alt+D on the chat that is streaming: the stream stops (the new chat
    is not left 'streaming' with an invisible reply) and the stopped reply's
    checkpoint does not write the deleted session back."""
    from grok_tui.store import SessionStore

    store = SessionStore(tmp_path / "data")
    app = GrokApp(backend=backend, store=store)
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        fake.queue_scenarios(["stall"])
        await _send(pilot, app, "tell me something")
        await wait_for(
            pilot,
            lambda: chat.streaming_message is not None and chat.streaming_message.text != "",
            what="the first text",
        )
        old_id = chat.session.id
        await pilot.press("f4")
        await wait_for(
            pilot,
            lambda: type(app.screen).__name__ == "SessionBrowserScreen",
            what="the session browser",
        )
        browser: Any = app.screen
        await wait_for(pilot, lambda: browser.rows != [] and not browser.loading, what="the list")
        await pilot.press("alt+d")
        await wait_for(pilot, lambda: chat.session.id != old_id, what="a new chat")
        await wait_for(pilot, lambda: not chat.is_streaming, what="the stream to stop")
        await chat.checkpointer.flush()
        assert not store.exists(old_id)
        assert chat.session.messages == []
    store.close()


async def test_reply_cut_off_by_a_crash_reopens_as_interrupted(
    make_app: Any, fake: FakeXAI
) -> None:
    """A checkpoint taken mid-stream holds a STREAMING reply; reopened, it is
    shown as interrupted (failed, retryable), not as a reply still streaming."""
    session = Session()
    session.messages.append(Message(role="user", text="tell me a story"))
    session.messages.append(
        Message(role="assistant", text="Once upon a", status=MessageStatus.STREAMING)
    )
    app = make_app(session=session)
    async with app.run_test(size=(120, 40)) as pilot:
        chat = app.chat
        await pilot.pause()
        reply = chat.session.messages[-1]
        assert reply.status == MessageStatus.FAILED
        assert reply.error is not None and reply.error.type == "stream_interrupted"
        assert not chat.is_streaming
        view = chat.conversation.view_for(reply)
        assert view is not None and "Once upon a" in view.message.text
        assert "closed before this reply finished" in _plain(view.query_one(".msg-footer", Static))
        # Ctrl+R retries it with the same history.
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: reply not in chat.session.messages, what="the retry")
        await _until_idle(pilot, app)
        assert chat.session.messages[-1].status == MessageStatus.COMPLETE
        assert _input_texts(_gen_requests(fake)[-1].json)[-1] == ("user", "tell me a story")
