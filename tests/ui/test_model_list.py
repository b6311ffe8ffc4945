"""Prices before the picker (issue 13): the model list is fetched once in the
background after the first frame, so a reply whose server sends no
`cost_in_usd_ticks` is priced from the list on the first turn, without the
model picker; a failed fetch is silent and the picker tries again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from grok_tui.api.client import RetryPolicy, XAIClient
from grok_tui.api.errors import XAIError
from grok_tui.backend import Backend
from grok_tui.chat.pricing import documented_prices, estimate_cost
from grok_tui.chat.session import MessageStatus, Session
from grok_tui.config import Settings
from grok_tui.fake import FakeConfig, FakeServer, FakeXAI
from grok_tui.fake.catalog import resolve_model
from grok_tui.ui.app import GrokApp
from grok_tui.ui.screens.model_picker import ModelPickerScreen
from tests.ui.conftest import TEST_KEY, wait_for
from tests.ui.memory_store import MemoryStore

#: A model the documented prices do not know: without the list, no estimate at all.
UNDOCUMENTED = "grok-4.6"


@pytest.fixture
def server() -> Iterator[tuple[FakeXAI, str]]:
    fake = FakeXAI(FakeConfig(api_key=TEST_KEY, costless_models=(UNDOCUMENTED,)))
    with FakeServer(fake) as running:
        yield fake, running.url


def _app(url: str, **kw: Any) -> GrokApp:
    client = XAIClient(TEST_KEY, url, retry=RetryPolicy(max_retries=0))
    return GrokApp(
        backend=Backend(client=client, demo=False),
        store=MemoryStore(),
        session=Session(model=UNDOCUMENTED),
        **kw,
    )


def _list_gets(fake: FakeXAI) -> list[str]:
    return [r.path for r in fake.requests if r.method == "GET" and "models" in r.path]


async def _reply(pilot: Any, app: GrokApp, text: str) -> Any:
    chat = app.chat
    before = sum(1 for m in chat.session.messages if m.role == "assistant")
    chat.prompt.set_text(text)
    chat.prompt.focus()
    await pilot.press("enter")

    def done() -> bool:
        replies = [m for m in chat.session.messages if m.role == "assistant"]
        return len(replies) > before and not chat.is_streaming

    await wait_for(pilot, done, what="the reply to end")
    return chat.session.messages[-1]


async def test_first_reply_is_priced_from_the_list_without_the_picker(
    server: tuple[FakeXAI, str],
) -> None:
    fake, url = server
    assert documented_prices(UNDOCUMENTED) is None  # the list is the only source
    app = _app(url)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: app.model_list.loaded, what="the background fetch")
        assert _list_gets(fake) == ["/v1/language-models"]
        assert not any(isinstance(s, ModelPickerScreen) for s in app.screen_stack)
        reply = await _reply(pilot, app, "hello there")
        assert reply.status == MessageStatus.COMPLETE
        usage = reply.usage
        assert usage is not None and usage.cost_estimated
        # The fake's list prices for grok-4.6 ($2 in, $0.20 cached, $6 out per 1M).
        prices = app.model_catalog.prices(UNDOCUMENTED)
        assert prices is not None and prices.source == "model list"
        assert (prices.input_per_m, prices.output_per_m) == (2.0, 6.0)
        assert usage.cost_usd == pytest.approx(estimate_cost(usage, prices))
        entry = resolve_model(UNDOCUMENTED)
        assert entry is not None and entry.output_price == 60_000  # $6 / 1M in ticks
        chat = app.chat
        footer = str(list(chat.query("MessageView"))[-1].query_one(".msg-footer").render())
        assert "≈$" in footer
        assert "≈$" in chat.query_one("#status").plain  # type: ignore[attr-defined]
        # Fetched once: the next turn and the picker reuse it.
        await _reply(pilot, app, "and again")
        chat.action_pick_model()
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ModelPickerScreen) and bool(app.screen._models),
            what="the picker's list",
        )
        assert _list_gets(fake) == ["/v1/language-models"]


async def test_without_the_list_such_a_reply_has_no_cost(server: tuple[FakeXAI, str]) -> None:
    """What the background fetch changes: the same reply, list not fetched."""
    fake, url = server
    app = _app(url)
    app.model_list.start = lambda: None  # type: ignore[method-assign]  # never fetched
    async with app.run_test(size=(140, 40)) as pilot:
        reply = await _reply(pilot, app, "hello there")
        assert reply.usage is not None and reply.usage.cost_usd is None
        assert _list_gets(fake) == []


async def test_a_list_that_arrives_after_the_reply_prices_it_then(
    server: tuple[FakeXAI, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loaded machine or a prompt typed at once: the reply ends before the
    background fetch does. Its footer, the tool log's summary, the status
    bar and the saved session get the estimate when the list arrives."""
    import asyncio

    fake, url = server
    app = _app(url)
    client = app.backend.client
    real_list = client.list_models
    release = asyncio.Event()
    asked: list[int] = []

    async def held_back() -> Any:
        asked.append(1)
        await release.wait()
        return await real_list()

    monkeypatch.setattr(client, "list_models", held_back)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: asked == [1], what="the background fetch to begin")
        reply = await _reply(pilot, app, "hello there")
        assert reply.usage is not None and reply.usage.cost_usd is None
        chat = app.chat
        view = list(chat.query("MessageView"))[-1]
        assert "$" not in str(view.query_one(".msg-footer").render())
        assert chat.unpriced == [reply]
        release.set()
        await wait_for(pilot, lambda: app.model_list.loaded, what="the list")
        await pilot.pause()
        prices = app.model_catalog.prices(UNDOCUMENTED)
        assert prices is not None
        assert reply.usage.cost_estimated
        assert reply.usage.cost_usd == pytest.approx(estimate_cost(reply.usage, prices))
        assert chat.unpriced == []
        await wait_for(
            pilot,
            lambda: "≈$" in str(view.query_one(".msg-footer").render()),
            what="the reply's footer to show the estimate",
        )
        assert "≈$" in chat.query_one("#status").plain  # type: ignore[attr-defined]
        assert "≈$" in chat._tool_log().summary_text(reply)
        await chat.checkpointer.flush()
        saved = app.store.load(chat.session.id)  # type: ignore[union-attr]
        saved_usage = saved.messages[-1].usage
        assert saved_usage is not None and saved_usage.cost_estimated
        assert saved_usage.cost_usd == pytest.approx(reply.usage.cost_usd)


async def test_a_version_switched_away_from_is_priced_on_disk_only(
    server: tuple[FakeXAI, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two versions of a reply end unpriced; the user steps back to the first
    before the list arrives: both are priced, the second (off the path) only
    in the session, with no turn of its own added to the tool log."""
    import asyncio

    fake, url = server
    app = _app(url)
    client = app.backend.client
    real_list = client.list_models
    release = asyncio.Event()

    async def held_back() -> Any:
        await release.wait()
        return await real_list()

    monkeypatch.setattr(client, "list_models", held_back)
    async with app.run_test(size=(140, 40)) as pilot:
        first = await _reply(pilot, app, "hello there")
        chat = app.chat
        await pilot.press("ctrl+r")
        await wait_for(
            pilot,
            lambda: chat.session.messages[-1] is not first and not chat.is_streaming,
            what="the second version",
        )
        second = chat.session.messages[-1]
        assert await chat.step_sibling(len(chat.session.messages) - 1, -1)
        assert chat.session.messages[-1] is first
        tool_log = chat._tool_log()
        await wait_for(
            pilot,
            lambda: [t.message.id for t in tool_log._turns] == [first.id],
            what="the tool log reloaded from the path",
        )
        assert chat.unpriced == [first, second]
        release.set()
        await wait_for(pilot, lambda: chat.unpriced == [], what="the replies priced")
        await pilot.pause()
        assert [t.message.id for t in tool_log._turns] == [first.id]
        assert "≈$" in tool_log.summary_text(first)
        await chat.checkpointer.flush()
        saved = app.store.load(chat.session.id)  # type: ignore[union-attr]
        versions = [m for m in [*saved.messages, *saved.off_path] if m.role == "assistant"]
        assert {m.id for m in versions} == {first.id, second.id}
        assert all(m.usage is not None and m.usage.cost_estimated for m in versions)


async def test_a_failed_fetch_is_silent_and_the_picker_tries_again(
    server: tuple[FakeXAI, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, url = server
    app = _app(url)
    client = app.backend.client
    real_list = client.list_models
    calls: list[int] = []

    async def failing_once() -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise XAIError("The list is down", status=503)
        return await real_list()

    monkeypatch.setattr(client, "list_models", failing_once)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: calls == [1], what="the background fetch")
        await app.workers.wait_for_complete()  # the failure does not fail the worker
        assert not app.model_list.loaded
        assert list(app._notifications) == []  # silent
        app.chat.action_pick_model()
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ModelPickerScreen) and bool(app.screen._models),
            what="the picker's own fetch",
        )
        assert len(calls) == 2 and app.model_list.loaded


async def test_a_new_api_key_fetches_the_list_again(
    server: tuple[FakeXAI, str], tmp_path: Path
) -> None:
    fake, url = server
    settings = Settings(base_url=url, api_key=SecretStr(TEST_KEY))
    app = _app(url, settings=settings)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: app.model_list.loaded, what="the first fetch")
        app.use_api_key(TEST_KEY)
        await wait_for(pilot, lambda: len(_list_gets(fake)) == 2, what="a fetch for the new key")
        await wait_for(pilot, lambda: app.model_list.loaded, what="the second fetch")
