"""The fault matrix end to end through the running app.

For every fault the fake can produce (`tests/hardening/fault_cases.py`,
`UI_CASES`), `GrokApp` runs under Pilot with a real `XAIClient` over the
loopback `FakeServer` (read timeout 0.4 s, `UI_MAX_RETRIES` retries with a
no-op sleep) and a real `SessionStore` in a temp folder. Each case checks:

- what the user sees is the documented sentence plus a next step (the notice
  above the prompt, or the failed reply's footer), with no raw JSON, no
  traceback and no key anywhere on screen;
- what is kept: the partial reply (screen and message), or the prompt text
  (the turn is taken out of the conversation);
- the session file on disk holds exactly what the screen shows (texts,
  statuses, the error line);
- retries ran out as documented (requests made, one tool-log row each);
- the app stays usable: with the fault gone, the next request completes and
  the file follows.

The doc (docs/fault-matrix.md) is generated from the same table, so what it
says the user sees is what these tests read off the screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from grok_tui.api.client import RetryPolicy, Timeouts, XAIClient
from grok_tui.api.errors import ERROR_KINDS, error_from_dict
from grok_tui.backend import Backend
from grok_tui.chat.session import MessageStatus, Session
from grok_tui.config import Settings
from grok_tui.fake import FakeServer
from grok_tui.sanitize import one_line
from grok_tui.store import SessionStore
from grok_tui.ui.app import GrokApp
from grok_tui.ui.screens.chat import ChatScreen
from grok_tui.ui.widgets.message_view import MessageView
from tests.hardening.fault_cases import (
    KEY,
    READ_TIMEOUT,
    UI_CASES,
    UI_FOOTER,
    UI_MAX_RETRIES,
    UI_NOTICE,
    WRONG_KEY,
    Outcome,
    UiCase,
    closed_port,
    make_server,
    run_all,
)
from tests.ui.conftest import wait_for

KEY_PARTS = ("SECRET-canary", "1234567890", "9876543210", KEY, WRONG_KEY)
RAW = ('{"', '"code"', "Traceback", 'File "', "httpx.", "<class", "HTTP 200")
PORT_RE = re.compile(r"127\.0\.0\.1:\d+")


async def _no_sleep(_seconds: float) -> None:
    return None


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with make_server() as srv:
        yield srv


@pytest.fixture(scope="module")
def client_outcomes() -> dict[str, Outcome]:
    """The client-level matrix: the messages the doc shows (and the app must show)."""
    return {o.case.name: o for o in run_all()}


def _plain(widget: Static) -> str:
    content = widget.content
    return content.plain if hasattr(content, "plain") else str(content)


def _norm(text: str) -> str:
    return PORT_RE.sub("127.0.0.1:PORT", text)


def _posts(server: FakeServer) -> int:
    return sum(1 for r in server.fake.requests if r.method == "POST")


def _screen_status(view: MessageView) -> str:
    header = _plain(view.query_one(".msg-header", Static))
    for mark, status in (
        ("✖ failed", "failed"),
        ("■ stopped", "stopped"),
        ("● streaming", "streaming"),
    ):
        if mark in header:
            return status
    return "complete"


def screen_messages(chat: ChatScreen) -> list[tuple[str, str, str, str]]:
    """(role, text, status, error line) of every message as the screen shows it."""
    out: list[tuple[str, str, str, str]] = []
    for view in chat.conversation.query(MessageView):
        role = view.message.role
        if role == "user":
            out.append((role, _plain(view.query_one(".msg-user-text", Static)), "complete", ""))
            continue
        body = view.body
        text = body.source  # type: ignore[union-attr]
        status = _screen_status(view)
        footer = view.query_one(".msg-footer", Static)
        error = _plain(footer).split("\n")[0] if status == "failed" and footer.display else ""
        out.append((role, text, status, error))
    return out


def file_messages(session: Session) -> list[tuple[str, str, str, str]]:
    """The same, from a session loaded off disk."""
    out: list[tuple[str, str, str, str]] = []
    for m in session.messages:
        error = ""
        if m.status == MessageStatus.FAILED:
            assert m.error is not None, "a failed reply on disk says why"
            err = error_from_dict(m.error.model_dump())
            error = UI_FOOTER.format(message=one_line(err.user_message(), limit=400))
        out.append((m.role, m.text, m.status.value, error))
    return out


async def assert_file_matches_screen(
    pilot: Any, chat: ChatScreen, store: SessionStore
) -> Session | None:
    await pilot.pause()
    await chat.checkpointer.flush()
    assert chat.checkpointer.last_error is None
    if not chat.session.messages and not screen_messages(chat):
        # A new chat whose only turn was taken back leaves no file (not even in the trash).
        assert not store.exists(chat.session.id)
        assert [s.id for s in store.list_trash()] == []
        return None
    on_disk = store.load(chat.session.id)
    shown = screen_messages(chat)
    assert len(shown) == len(chat.session.messages), "every message has its view"
    assert file_messages(on_disk) == shown
    return on_disk


def assert_clean(text: str) -> None:
    """No raw JSON, no traceback, no key."""
    for bad in RAW:
        assert bad not in text, (bad, text)
    for part in KEY_PARTS:
        assert part not in text, "the key must never reach the screen"


def assert_one_sentence_and_next_step(message: str, ui: UiCase) -> None:
    hint = ERROR_KINDS[ui.case.kind].hint
    assert message and "\n" not in message and len(message) < 400
    assert message.endswith(hint), (message, hint)
    what = message[: -len(hint)].strip()
    assert what.endswith(".") and what.count(". ") == 0, f"one sentence, then the hint: {what!r}"
    assert_clean(message)


def _tool_log_retries(chat: ChatScreen) -> list[str]:
    lines = chat.query_one("#tool-log").plain_lines()  # type: ignore[attr-defined]
    return [line for line in lines if "retrying in" in line]


async def _send(pilot: Any, chat: ChatScreen, text: str) -> None:
    chat.prompt.set_text(text)
    chat.prompt.focus()
    await pilot.press("enter")


async def _until_idle(pilot: Any, chat: ChatScreen) -> None:
    await wait_for(pilot, lambda: not chat.is_streaming, what="the turn to end")


@pytest.mark.parametrize("ui", UI_CASES, ids=[u.name for u in UI_CASES])
async def test_fault_in_the_app(
    ui: UiCase,
    server: FakeServer,
    client_outcomes: dict[str, Outcome],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = ui.case
    fake = server.fake
    fake.reset()
    base_url, key, port = server.url, KEY, 0
    if case.special == "closed_port":
        port = closed_port()
        base_url = f"http://127.0.0.1:{port}/v1"
    elif case.special == "wrong_key":
        key = WRONG_KEY
    fake.queue_scenarios(list(ui.queue))
    client = XAIClient(
        key,
        base_url,
        timeouts=Timeouts(connect=2.0, read=READ_TIMEOUT),
        retry=RetryPolicy(max_retries=UI_MAX_RETRIES, sleep=_no_sleep),
    )
    store = SessionStore(tmp_path / "data")
    app = GrokApp(
        settings=Settings(base_url=base_url),
        store=store,
        backend=Backend(client=client, demo=False),
    )
    question = f"my carefully typed question about {case.scenario or case.special}"
    log_loaded: list[bool] = []
    load_tool_log = ChatScreen._load_tool_log

    def _load_and_note(self: ChatScreen) -> None:
        load_tool_log(self)
        log_loaded.append(True)

    monkeypatch.setattr(ChatScreen, "_load_tool_log", _load_and_note)
    late: FakeServer | None = None
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            chat = app.chat
            # The tool log is filled from the session after the first frame; a
            # turn that ends before that would have its live rows (retries)
            # replaced by the saved turn (see the report: a start-up race).
            await wait_for(pilot, lambda: bool(log_loaded), what="the tool log to load")
            await _send(pilot, chat, question)
            await _until_idle(pilot, chat)
            notice = chat.query_one("#notice", Static)

            # The client retried as documented, then gave up (or succeeded).
            expected_posts = 0 if case.special == "closed_port" else ui.retries + 1
            assert _posts(server) == expected_posts
            assert fake.queued == [], "every queued fault was used"
            assert len(_tool_log_retries(chat)) == ui.retries, _tool_log_retries(chat)

            if ui.surface == "notice":
                await wait_for(
                    pilot,
                    lambda: notice.display and chat.prompt.text != "",
                    what="the notice and the restored prompt",
                )
                message = _norm(client_outcomes[case.name].user_message)
                assert_one_sentence_and_next_step(message, ui)
                assert _norm(_plain(notice)) == UI_NOTICE.format(message=message)
                # Nothing arrived: the turn is taken back, the text is in the prompt.
                assert chat.prompt.text == question
                assert chat.session.messages == []
                assert chat.stream_state == "failed"
                assert chat.prompt.has_focus
            elif ui.surface == "reply":
                reply = chat.session.messages[-1]
                assert [m.role for m in chat.session.messages] == ["user", "assistant"]
                assert chat.session.messages[0].text == question
                assert reply.status == MessageStatus.FAILED
                assert reply.error is not None and reply.error.type == case.kind
                assert reply.text, "the partial reply is kept"
                message = client_outcomes[case.name].user_message
                assert error_from_dict(reply.error.model_dump()).user_message() == message
                assert_one_sentence_and_next_step(message, ui)
                view = chat.conversation.view_for(reply)
                assert view is not None
                assert view.body.source == reply.text  # type: ignore[union-attr]
                footer = _plain(view.query_one(".msg-footer", Static))
                assert footer.split("\n")[0] == UI_FOOTER.format(message=message)
                assert not notice.display
                assert chat.prompt.text == ""
                assert chat.stream_state == "failed"
            else:
                reply = chat.session.messages[-1]
                assert reply.status == MessageStatus.COMPLETE and reply.text
                assert reply.error is None
                view = chat.conversation.view_for(reply)
                assert view is not None and view.body.source == reply.text  # type: ignore[union-attr]
                assert not notice.display
                assert chat.stream_state == "idle"
            status_text = chat.query_one("#status").plain  # type: ignore[attr-defined]
            assert_clean(status_text)
            assert_clean(_plain(notice))
            for v in chat.conversation.query(MessageView):
                if v.message.role == "assistant":
                    for meta in v.query(Static):
                        assert_clean(_plain(meta))
            for line in chat.query_one("#tool-log").plain_lines():  # type: ignore[attr-defined]
                assert_clean(line)
            assert not any(p in app.export_screenshot() for p in KEY_PARTS)

            on_disk = await assert_file_matches_screen(pilot, chat, store)
            assert (on_disk is None) == (ui.surface == "notice")
            if on_disk is not None and ui.surface == "reply":
                assert on_disk.messages[-1].error is not None
                assert on_disk.messages[-1].error.type == case.kind

            # The fault is gone: the next request completes.
            if case.special == "wrong_key":
                app.use_api_key(KEY)  # what Alt+K does with the right key
                await pilot.pause()
            elif case.special == "closed_port":
                late = FakeServer(fake, port=port).start()  # the server is up now
            if ui.surface == "notice":
                await pilot.press("enter")  # the prompt holds the text: resend it
                asked = [question]
            elif ui.surface == "reply":
                await pilot.press("ctrl+r")  # retry the failed reply
                asked = [question]
            else:
                await _send(pilot, chat, "and one more question")
                asked = [question, "and one more question"]
            await wait_for(
                pilot,
                lambda: (
                    not chat.is_streaming
                    and len(chat.session.messages) == 2 * len(asked)
                    and chat.session.messages[-1].status == MessageStatus.COMPLETE
                ),
                what="the next request to complete",
            )
            msgs = chat.session.messages
            assert [m.text for m in msgs if m.role == "user"] == asked
            assert [m.role for m in msgs] == ["user", "assistant"] * len(asked)
            assert all(m.status == MessageStatus.COMPLETE and m.text for m in msgs)
            assert not notice.display
            assert chat.prompt.text == ""
            assert chat.stream_state == "idle"
            await assert_file_matches_screen(pilot, chat, store)
    finally:
        if late is not None:
            late.stop()
        await client.aclose()
        store.close()


@pytest.mark.parametrize(
    "ui", [u for u in UI_CASES if u.case.scenario in ("error_401", "drop")], ids=lambda u: u.name
)
async def test_fault_in_a_later_turn_keeps_the_history(
    ui: UiCase, server: FakeServer, tmp_path: Path
) -> None:
    """A fault in the second turn: the first turn stays on screen and on disk;
    only the failed turn is taken back (nothing arrived) or marked failed."""
    fake = server.fake
    fake.reset()
    client = XAIClient(
        KEY,
        server.url,
        timeouts=Timeouts(connect=2.0, read=READ_TIMEOUT),
        retry=RetryPolicy(max_retries=UI_MAX_RETRIES, sleep=_no_sleep),
    )
    store = SessionStore(tmp_path / "data")
    app = GrokApp(
        settings=Settings(base_url=server.url),
        store=store,
        backend=Backend(client=client, demo=False),
    )
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            chat = app.chat
            await _send(pilot, chat, "the first question")
            await _until_idle(pilot, chat)
            first = [(m.role, m.text, m.status) for m in chat.session.messages]
            assert first[-1][2] == MessageStatus.COMPLETE
            fake.queue_scenarios(list(ui.queue))
            await _send(pilot, chat, "the second question")
            await _until_idle(pilot, chat)
            if ui.surface == "notice":
                await wait_for(
                    pilot,
                    lambda: chat.prompt.text == "the second question",
                    what="the restored prompt",
                )
                assert [(m.role, m.text, m.status) for m in chat.session.messages] == first
            else:
                msgs = chat.session.messages
                assert [(m.role, m.text, m.status) for m in msgs[:2]] == first
                assert msgs[2].text == "the second question"
                assert msgs[3].status == MessageStatus.FAILED and msgs[3].text
            on_disk = await assert_file_matches_screen(pilot, chat, store)
            assert on_disk is not None
            assert len(on_disk.messages) == (2 if ui.surface == "notice" else 4)
    finally:
        await client.aclose()
        store.close()
