"""Say what will not work before sending (issue 13), in the TUI: search on the
Chat Completions API, a reasoning effort the model refuses, the API key typed
into a prompt, and the cost shown as an estimate when the server sent none."""

from __future__ import annotations

import json
import re
from functools import partialmethod
from typing import Any

import pytest
from pydantic import SecretStr

from grok_tui.api.client import RetryPolicy, XAIClient
from grok_tui.backend import Backend
from grok_tui.chat.search import SearchSettings
from grok_tui.config import Settings, mask_key
from grok_tui.fake import FakeTransport, FakeXAI
from grok_tui.ui.app import GrokApp
from tests.ui.conftest import TEST_KEY, wait_for


def _posts(fake: FakeXAI) -> list[dict[str, Any]]:
    return [r.json for r in fake.requests if r.method == "POST"]


async def _send(pilot: Any, app: GrokApp, text: str) -> None:
    app.chat.prompt.set_text(text)
    app.chat.prompt.focus()
    await pilot.press("enter")


async def _until_reply_done(pilot: Any, app: GrokApp, count: int = 1) -> None:
    chat = app.chat

    def done() -> bool:
        replies = [m for m in chat.session.messages if m.role == "assistant"]
        return len(replies) >= count and not chat.is_streaming

    await wait_for(pilot, done, what="the reply to end")


def _footer(app: GrokApp) -> str:
    views = list(app.chat.query("MessageView"))
    return str(views[-1].query_one(".msg-footer").render())


async def test_search_on_chat_api_said_in_status_bar_and_on_the_turn(
    fake: FakeXAI, store: Any
) -> None:
    client = XAIClient(
        TEST_KEY,
        "http://fake.invalid/v1",
        api="chat",
        transport=FakeTransport(fake),
        retry=RetryPolicy(max_retries=0),
    )
    settings = Settings(search=SearchSettings.model_validate({"web": {"enabled": True}}))
    app = GrokApp(
        settings=settings, backend=Backend(client=client, demo=False, fake=fake), store=store
    )
    async with app.run_test(size=(160, 40)) as pilot:
        bar = app.chat.query_one("#status")
        assert "search not sent (chat API)" in bar.plain  # type: ignore[attr-defined]
        await _send(pilot, app, "hello")
        await _until_reply_done(pilot, app)
        body = _posts(fake)[-1]
        assert "tools" not in body
        reply = app.chat.session.messages[-1]
        assert reply.notes == [
            "web search not sent: search tools exist only on the Responses API, "
            "not on Chat Completions (api = chat)"
        ]
        await wait_for(
            pilot, lambda: "Note: web search not sent" in _footer(app), what="the note on the turn"
        )


async def test_effort_the_model_refuses_is_not_sent_nor_shown(make_app: Any, fake: FakeXAI) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        chat = app.chat
        chat.session.search.reasoning_effort = "high"
        chat.set_model("grok-4-1-fast-reasoning")
        bar = chat.query_one("#status")
        assert "effort" not in bar.plain  # type: ignore[attr-defined]
        await _send(pilot, app, "hello")
        await _until_reply_done(pilot, app)
        assert "reasoning" not in _posts(fake)[-1]
        assert chat.session.search.reasoning_effort == "high"  # kept for other models
        assert chat.session.messages[-1].notes == [
            "reasoning effort 'high' not sent: grok-4-1-fast-reasoning takes no reasoning effort"
        ]
        # A model that takes it: shown and sent.
        chat.set_model("grok-4.3")
        assert "effort: high" in bar.plain  # type: ignore[attr-defined]
        await _send(pilot, app, "again")
        await _until_reply_done(pilot, app, 2)
        assert _posts(fake)[-1]["reasoning"] == {"effort": "high"}
        assert chat.session.messages[-1].notes == []


async def test_api_key_in_prompt_asks_first_and_is_masked_everywhere(
    backend: Backend, fake: FakeXAI, store: Any
) -> None:
    settings = Settings(api_key=SecretStr(TEST_KEY))
    app = GrokApp(settings=settings, backend=backend, store=store)
    prompt = f"why does {TEST_KEY} fail?"
    async with app.run_test(size=(160, 40)) as pilot:
        chat = app.chat
        await _send(pilot, app, prompt)
        await wait_for(
            pilot, lambda: type(app.screen).__name__ == "ConfirmScreen", what="the confirmation"
        )
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is chat, what="the dialog to close")
        assert _posts(fake) == []
        assert chat.prompt.text == prompt  # nothing lost
        assert "contains your API key" in str(chat.query_one("#notice").render())

        await pilot.press("enter")
        await wait_for(
            pilot, lambda: type(app.screen).__name__ == "ConfirmScreen", what="the confirmation"
        )
        await pilot.press("y")
        await _until_reply_done(pilot, app)
        await app.chat.checkpointer.flush()
        # The model got it once (the user said yes) ...
        assert TEST_KEY in json.dumps(_posts(fake)[-1])
        # ... and it is masked in the chat, on screen and in what is saved.
        user = chat.session.messages[-2]
        assert user.text == f"why does {mask_key(TEST_KEY)} fail?"
        leaks = [
            m.group(0)
            for s in store.saved
            for m in re.finditer(r".{60}" + re.escape(TEST_KEY), json.dumps(s))
        ]
        assert store.saved and not leaks, leaks[:3]
        assert all(TEST_KEY not in entry for entry in app.history.entries)
        shown = " ".join(str(v.render()) for v in chat.query("MessageView"))
        assert TEST_KEY not in shown


@pytest.fixture
def no_server_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that sends usage without `cost_in_usd_ticks`."""
    from grok_tui.fake.responses_api import ResponsesWriter

    monkeypatch.setattr(
        ResponsesWriter, "usage", partialmethod(ResponsesWriter.usage, with_cost=False)
    )


async def test_reply_without_server_cost_shows_an_estimate(
    make_app: Any, fake: FakeXAI, no_server_cost: None
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _send(pilot, app, "hello")
        await _until_reply_done(pilot, app)
        usage = app.chat.session.messages[-1].usage
        assert usage is not None and usage.cost_estimated and usage.cost_usd
        await wait_for(pilot, lambda: "≈$" in _footer(app), what="the estimate in the footer")
        bar = app.chat.query_one("#status")
        assert "≈$" in bar.plain  # type: ignore[attr-defined]
