"""Prompt history that survives restarts: the real GrokApp over the fake
backend, the history file in the (temporary) data folder."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult

from grok_tui.config import Settings, describe_settings, load_settings
from grok_tui.store.prompt_history import PromptHistoryFile
from grok_tui.ui.app import GrokApp
from grok_tui.ui.widgets.prompt_input import PromptInput
from tests.ui.conftest import palette_search, wait_for

SIZE = (120, 36)
KEY = "xai-SECRETkey0123456789abcdefWXYZ"


def history_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "prompt_history.jsonl"


def on_disk(tmp_path: Path) -> list[str]:
    path = history_path(tmp_path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_bytes().splitlines()]


async def send(pilot: Any, app: GrokApp, text: str, *, confirm: bool = False) -> None:
    """Type-and-Enter `text`, wait for the reply and for the history write
    (`confirm`: answer yes to the API-key-in-prompt question first)."""
    chat = app.chat
    replies = sum(1 for m in chat.session.messages if m.role == "assistant")
    chat.prompt.set_text(text)
    chat.prompt.focus()
    await pilot.press("enter")
    if confirm:
        await wait_for(
            pilot, lambda: type(app.screen).__name__ == "ConfirmScreen", what="the API key question"
        )
        await pilot.press("y")
        await wait_for(
            pilot,
            lambda: sum(1 for m in chat.session.messages if m.role == "assistant") > replies,
            what="the reply to start",
        )
    await wait_for(
        pilot, lambda: chat.session.messages and not chat.is_streaming, what="the reply to end"
    )
    await wait_for(pilot, lambda: not chat.prompt.history_writes_pending, what="the history write")


async def test_a_prompt_sent_yesterday_is_one_up_away(make_app: Any, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "what did I ask\nyesterday? ✓")
    assert on_disk(tmp_path) == ["what did I ask\nyesterday? ✓"]
    assert stat.S_IMODE(os.stat(history_path(tmp_path)).st_mode) == 0o600

    again = make_app()  # a new run over the same data folder
    async with again.run_test(size=SIZE) as pilot:
        prompt = again.chat.prompt
        prompt.focus()
        assert prompt.text == ""
        await pilot.press("up")
        assert prompt.text == "what did I ask\nyesterday? ✓"
        await pilot.press("down")  # multi-line: Down moves within it first
        await pilot.press("down")
        assert prompt.text == ""


async def test_order_across_runs_and_this_run(make_app: Any, tmp_path: Path) -> None:
    history_path(tmp_path).parent.mkdir(parents=True)
    history_path(tmp_path).write_text('"oldest"\n"older"\n')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "today")
        prompt = app.chat.prompt
        for expected in ("today", "older", "oldest", "oldest"):
            await pilot.press("up")
            assert prompt.text == expected
    assert on_disk(tmp_path) == ["oldest", "older", "today"]


async def test_prefix_search_over_the_saved_history(make_app: Any, tmp_path: Path) -> None:
    history_path(tmp_path).parent.mkdir(parents=True)
    history_path(tmp_path).write_text(
        "".join(
            json.dumps(t) + "\n"
            for t in ["explain monads", "weather in Oslo", "explain closures", "hello", "explain"]
        )
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        prompt = app.chat.prompt
        prompt.focus()
        await pilot.press(*"explain ")
        await pilot.press("up")
        assert prompt.text == "explain closures"
        await pilot.press("up")
        assert prompt.text == "explain monads"
        await pilot.press("up")
        assert prompt.text == "explain monads"  # no older match
        await pilot.press("down", "down")
        assert prompt.text == "explain "  # the typed text is back
        await pilot.press("enter")  # sending it works as usual
        await wait_for(
            pilot, lambda: not app.chat.is_streaming and app.chat.session.messages, what="the reply"
        )
        await wait_for(pilot, lambda: not prompt.history_writes_pending, what="the write")
    assert on_disk(tmp_path)[-1] == "explain "


async def test_a_big_history_file_loads_in_a_thread(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from grok_tui.ui.widgets import prompt_input

    monkeypatch.setattr(prompt_input, "SYNC_LOAD_BYTES", 10)  # "big" = over 10 bytes
    loads_on: list[str] = []
    real_load = PromptHistoryFile.load

    def load(self: PromptHistoryFile) -> list[str]:
        loads_on.append(threading.current_thread().name)
        return real_load(self)

    monkeypatch.setattr(PromptHistoryFile, "load", load)
    history_path(tmp_path).parent.mkdir(parents=True)
    history_path(tmp_path).write_text('"older"\n"newest on disk"\n')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        prompt = app.chat.prompt
        await wait_for(pilot, lambda: prompt.prompt_history.seeded, what="the history loaded")
        assert loads_on and loads_on[0] != threading.main_thread().name
        prompt.focus()
        await pilot.press("up")
        assert prompt.text == "newest on disk"


async def test_history_size_zero_keeps_nothing_on_disk(make_app: Any, tmp_path: Path) -> None:
    history_path(tmp_path).parent.mkdir(parents=True)
    history_path(tmp_path).write_text('"from an earlier run"\n')
    app = make_app(settings=Settings(history_size=0))
    assert app.prompt_history_file is None
    async with app.run_test(size=SIZE) as pilot:
        prompt = app.chat.prompt
        prompt.focus()
        await pilot.press("up")
        assert prompt.text == ""  # the file is not read
        await send(pilot, app, "not kept")
        await pilot.press("up")
        assert prompt.text == "not kept"  # this run still remembers it
    assert on_disk(tmp_path) == ["from an earlier run"]  # untouched

    later = make_app(settings=Settings(history_size=0))
    async with later.run_test(size=SIZE) as pilot:
        later.chat.prompt.focus()
        await pilot.press("up")
        assert later.chat.prompt.text == ""


async def test_history_size_limits_what_is_recalled(make_app: Any, tmp_path: Path) -> None:
    history_path(tmp_path).parent.mkdir(parents=True)
    history_path(tmp_path).write_text("".join(f'"p{i}"\n' for i in range(10)))
    app = make_app(settings=Settings(history_size=3))
    async with app.run_test(size=SIZE) as pilot:
        prompt = app.chat.prompt
        prompt.focus()
        for expected in ("p9", "p8", "p7", "p7"):
            await pilot.press("up")
            assert prompt.text == expected


async def test_the_api_key_never_reaches_the_history_file(make_app: Any, tmp_path: Path) -> None:
    from pydantic import SecretStr

    entered = "xai-" + "E" * 40
    app = make_app(settings=Settings(api_key=SecretStr(KEY)))
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, f"is {KEY} my key?", confirm=True)
        app._entered_keys.append(entered)  # as use_api_key does (without a new backend)
        await send(pilot, app, f"and {entered}?", confirm=True)
    data = history_path(tmp_path).read_bytes()
    assert b"SECRETkey" not in data and b"EEEEEEEE" not in data
    assert on_disk(tmp_path) == ["is xai-…WXYZ my key?", "and xai-…EEEE?"]


async def test_a_failed_write_warns_once_and_sending_goes_on(make_app: Any, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    history_path(tmp_path).mkdir()  # a folder where the file should be: every write fails
    app = make_app()
    notes: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        real_notify = app.notify

        def notify(message: str, **kw: Any) -> None:
            notes.append(message)
            real_notify(message, **kw)

        app.notify = notify  # type: ignore[method-assign]
        await send(pilot, app, "first")
        await send(pilot, app, "second")
        assert [m.text for m in app.chat.session.messages if m.role == "user"] == [
            "first",
            "second",
        ]
        await pilot.press("up")
        assert app.chat.prompt.text == "second"
    warnings = [n for n in notes if "prompt history could not be saved" in n]
    assert len(warnings) == 1


async def test_clear_from_the_command_palette(make_app: Any, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, app, "forget me")
        assert on_disk(tmp_path) == ["forget me"]
        await palette_search(pilot, app, "Prompt history: clear")
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: history_path(tmp_path).read_bytes() == b"", what="the file emptied"
        )
        prompt = app.chat.prompt
        prompt.focus()
        await pilot.press("up")
        assert prompt.text == ""
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        again.chat.prompt.focus()
        await pilot.press("up")
        assert again.chat.prompt.text == ""


class _PromptHost(App[None]):
    """The prompt alone, writing to `history_file`."""

    def __init__(self, history_file: PromptHistoryFile) -> None:
        super().__init__()
        self.history_file = history_file

    def compose(self) -> ComposeResult:
        from grok_tui.ui.widgets.prompt_input import PromptHistoryWalker

        yield PromptInput(
            id="prompt", history=PromptHistoryWalker(), history_file=self.history_file
        )


async def test_a_prompt_queued_at_exit_is_still_written(tmp_path: Path) -> None:
    """The writer thread may not have run when the app closes: unmount writes."""
    hist_file = PromptHistoryFile(history_path(tmp_path))

    app = _PromptHost(hist_file)
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        prompt._writing = True  # as if a write were in flight: the next one waits
        prompt.prompt_history.add("last words")
        assert prompt._pending == ["last words"]
        await pilot.pause()
    assert on_disk(tmp_path) == ["last words"]


async def test_clear_waits_for_the_prompts_being_written(tmp_path: Path, monkeypatch: Any) -> None:
    """A clear while the writer thread is appending earlier prompts runs after
    them, so nothing sent before the clear is left on disk."""
    hist_file = PromptHistoryFile(history_path(tmp_path))
    started, go = threading.Event(), threading.Event()
    real_append = PromptHistoryFile.append

    def slow_append(self: PromptHistoryFile, text: str, **kw: Any) -> bool:
        started.set()
        assert go.wait(10)
        return real_append(self, text, **kw)

    monkeypatch.setattr(PromptHistoryFile, "append", slow_append)

    app = _PromptHost(hist_file)
    async with app.run_test() as pilot:
        prompt = app.query_one(PromptInput)
        prompt.prompt_history.add("secret 1")
        prompt.prompt_history.add("secret 2")
        assert await asyncio.to_thread(started.wait, 10)  # a batch is being written
        prompt.clear_history()  # Ctrl+P "Prompt history: clear", meanwhile
        prompt.prompt_history.add("after the clear")
        go.set()
        await wait_for(
            pilot, lambda: not prompt.history_writes_pending, steps=2000, what="the writes"
        )
    assert on_disk(tmp_path) == ["after the clear"]


# -- config --------------------------------------------------------------------


def test_history_size_setting(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    env: dict[str, str] = {}
    settings, warnings = load_settings(environ=env, cwd=tmp_path, config_path=cfg)
    assert settings.history_size == 1000 and warnings == []
    cfg.write_text("history_size = 0\n")
    settings, warnings = load_settings(environ=env, cwd=tmp_path, config_path=cfg)
    assert settings.history_size == 0 and warnings == []
    assert str(settings.sources["history_size"]) == "file"
    assert ("history_size", "0 (off)", "file") in describe_settings(settings)
    for bad in ("-1", "2.5", '"100"', "true", "100001"):
        cfg.write_text(f"history_size = {bad}\n")
        settings, warnings = load_settings(environ=env, cwd=tmp_path, config_path=cfg)
        assert settings.history_size == 1000
        assert len(warnings) == 1 and "history_size" in str(warnings[0]), (bad, warnings)
        assert "whole number from 0" in str(warnings[0])
        assert warnings[0].key == "history_size"


def test_history_size_is_in_the_config_template() -> None:
    import tomllib

    from grok_tui.config import CONFIG_TEMPLATE

    line = "# history_size = 1000"
    assert line in CONFIG_TEMPLATE
    assert tomllib.loads(line.removeprefix("# ")) == {"history_size": 1000}
