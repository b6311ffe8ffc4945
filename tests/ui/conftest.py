"""Fixtures for the UI tests: a fake xAI backend, an app over it, and helpers
that await conditions instead of sleeping."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from grok_tui.api.client import RetryPolicy, XAIClient
from grok_tui.backend import Backend
from grok_tui.fake import FakeConfig, FakeTransport, FakeXAI
from tests.ui.memory_store import MemoryStore
from tests.waiting import wait_for

TEST_KEY = "xai-test-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real home folder; never pick up a real key."""
    monkeypatch.setenv("GROK_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("GROK_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("XAI_API_KEY", raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture(autouse=True)
def _no_real_api(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing reaches the real xAI API: entering a key (`use_api_key`) builds a
    client for https://api.x.ai, and the app fetches its model list in the
    background; here that fetch fails at once, as offline."""
    from grok_tui.api.client import XAIClient
    from grok_tui.api.endpoint import DEFAULT_BASE_URL
    from grok_tui.api.errors import APIConnectionError

    list_models = XAIClient.list_models

    async def guarded(self: XAIClient) -> Any:
        if self.base_url.rstrip("/") == DEFAULT_BASE_URL.rstrip("/"):
            raise APIConnectionError("the real API is not used in tests")
        return await list_models(self)

    monkeypatch.setattr(XAIClient, "list_models", guarded)


@pytest.fixture
def fake() -> FakeXAI:
    """A fake backend that streams as fast as it can."""
    return FakeXAI(FakeConfig(api_key=TEST_KEY, stall_seconds=30.0))


@pytest.fixture
def backend(fake: FakeXAI) -> Backend:
    client = XAIClient(
        TEST_KEY,
        "http://fake.invalid/v1",
        transport=FakeTransport(fake),
        retry=RetryPolicy(max_retries=0),
    )
    return Backend(client=client, demo=False, fake=fake)


@pytest.fixture
def store() -> MemoryStore:
    """Records what the app saves (the real store is tested on its own)."""
    return MemoryStore()


@pytest.fixture
def make_app(backend: Backend, store: MemoryStore) -> Iterator[Callable[..., Any]]:
    from grok_tui.ui.app import GrokApp

    def factory(**kw: Any) -> GrokApp:
        kw.setdefault("backend", backend)
        kw.setdefault("store", store)
        return GrokApp(**kw)

    yield factory


@pytest.fixture
def test_key() -> str:
    return TEST_KEY


async def palette_search(pilot: Any, app: Any, query: str, expect: str | None = None) -> Any:
    """Open the command palette, wait for its first list, type `query` (set as
    the input's value) and wait for its hits (`wait_for_palette_hit`); the palette."""
    from textual.command import CommandList, CommandPalette
    from textual.widgets import Input

    app.action_command_palette()
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
    palette = app.screen
    await wait_for(pilot, lambda: bool(palette.query(CommandList)), what="the palette's list")
    commands = palette.query_one(CommandList)
    # Its first list (every command) comes from a search for "" that must not
    # land after the one for `query`.
    await wait_for(
        pilot,
        lambda: commands.option_count > 0 and palette.has_class("-ready"),
        what="the palette's first list",
    )
    palette.query_one(Input).value = query
    await wait_for_palette_hit(pilot, palette, expect or query)
    return palette


async def wait_for_palette_hit(pilot: Any, palette: Any, expect: str) -> None:
    """Wait until the command palette highlights its first hit and that hit's
    title (its first line, not the help under it) contains `expect`
    (case-insensitive). Waiting for any first hit raced: the list shown before
    the search for the typed query ran has hits too, and Enter picked from it
    when the key was handled quickly. Matching the help text raced too: in a
    cold process "Search preset: save" (help: "Name the current search
    settings ...") could be listed first for "Search settings"."""
    from textual.command import CommandList

    commands = palette.query_one(CommandList)

    def ready() -> bool:
        if not commands.option_count or commands.highlighted != 0:
            return False
        lines = str(commands.get_option_at_index(0).prompt).splitlines()
        return bool(lines) and expect.lower() in lines[0].lower()

    await wait_for(pilot, ready, what=f"the palette hit for {expect!r}")
