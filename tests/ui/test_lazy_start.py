"""Start-up imports only what the first frame needs (bench/bench_terminal.py
--startup-only measures the time; these tests guard what is imported, untimed).

Each import check runs in a fresh interpreter: the test process has long
imported everything.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from grok_tui.backend import demo_backend, real_backend
from grok_tui.config import Settings
from grok_tui.ui.app import GrokApp
from tests.ui.conftest import wait_for

#: Imported only once a request is sent, the model list fetched, a config
#: value written, search filters checked, the search pane opened or the demo
#: backend first used.
LATER = (
    "httpx",
    "httpcore",
    "tomlkit",
    "publicsuffixlist",
    "grok_tui.fake",
    "grok_tui.api.client",
    "grok_tui.ui.widgets.search_form",
)


#: The turn machinery (request building, stream events, uploads, the stream
#: worker) and later screens: imported with the first send or dialog, not
#: for the first frame.
FIRST_SEND = (
    "grok_tui.api.events",
    "grok_tui.api.chat_request",
    "grok_tui.api.upload",
    "grok_tui.chat.turn_controller",
    "grok_tui.chat.turn",
    "grok_tui.chat.turn_types",
    "grok_tui.chat.sending",
    "grok_tui.chat.request_builder",
    "grok_tui.chat.uploading",
    "grok_tui.chat.attachments",
    "grok_tui.ui.screens.chat.stream",
    "grok_tui.ui.screens.session_browser",
    "grok_tui.ui.markdown.render",
    "pygments.lexers",
)


def _among(modules: list[str], prefixes: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes)]


def _modules_after(code: str, tmp_path: Path) -> list[str]:
    env = {
        **os.environ,
        "GROK_TUI_CONFIG_DIR": str(tmp_path / "config"),
        "GROK_TUI_DATA_DIR": str(tmp_path / "data"),
        "XAI_API_KEY": "xai-lazy-start-0123456789",
    }
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    ).stdout
    return list(json.loads(out.splitlines()[-1]))


def _later(modules: list[str]) -> list[str]:
    return _among(modules, LATER)


def test_the_entry_module_imports_no_ui_and_no_network(tmp_path: Path) -> None:
    # --help and --version answer from here.
    modules = _modules_after("import grok_tui.cli", tmp_path)
    heavy = ("textual", "rich", "pydantic", *LATER)
    assert [m for m in modules if any(m == p or m.startswith(p + ".") for p in heavy)] == []


def test_building_the_app_imports_nothing_the_first_frame_does_not_need(tmp_path: Path) -> None:
    for flags in ([], ["--demo"]):
        code = (
            "from grok_tui.cli import build_parser\n"
            "from grok_tui.ui.run import build_app\n"
            f"app = build_app(build_parser().parse_args({flags!r}))\n"
            "assert app.backend.built_client is None\n"
        )
        assert _later(_modules_after(code, tmp_path)) == [], flags


def test_importing_the_app_leaves_the_turn_machinery_for_the_first_send(tmp_path: Path) -> None:
    modules = _modules_after("import grok_tui.ui.app", tmp_path)
    assert _among(modules, (*LATER, *FIRST_SEND)) == []


def test_the_first_frame_needs_no_turn_machinery_and_a_send_still_works(tmp_path: Path) -> None:
    # The real start-up path (`build_app`, a headless run): what is imported
    # when the first frame is up, then a message sent and answered.
    code = """
import asyncio, json, sys
from grok_tui.cli import build_parser
from grok_tui.ui.run import build_app
from tests.waiting import wait_for

app = build_app(build_parser().parse_args(["--demo"]))
at_first_frame = []
after_first_frame = app._after_first_frame

def record_then_go_on():
    at_first_frame.extend(sys.modules)
    after_first_frame()

app._after_first_frame = record_then_go_on

async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: at_first_frame, what="the first frame")
        chat = app.chat
        assert chat.query_one("#prompt").placeholder
        chat.prompt.set_text("hello")
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(chat.session.messages) >= 2, what="the turn")
        await wait_for(pilot, lambda: not chat.is_streaming, what="the reply")
        assert chat.session.messages[-1].role == "assistant", chat.session.messages
        assert chat.session.messages[-1].text
    print(json.dumps(sorted(at_first_frame)))

asyncio.run(main())
raise SystemExit(0)  # the modules at the first frame are the last line
"""
    modules = _modules_after(code, tmp_path)
    assert _among(modules, (*LATER, *FIRST_SEND)) == []


async def test_a_backend_builds_its_client_on_first_use() -> None:
    backend = real_backend("xai-key", base_url="http://127.0.0.1:9/v1/", api="chat")
    assert backend.built_client is None
    assert (backend.label, backend.base_url, backend.api) == (
        "http://127.0.0.1:9/v1",
        "http://127.0.0.1:9/v1",
        "chat",
    )
    client = backend.client
    assert backend.built_client is client and backend.client is client
    assert (client.base_url, client.api) == ("http://127.0.0.1:9/v1", "chat")

    demo = demo_backend(tokens_per_second=5000.0)
    assert demo.built_client is None and demo.label == "demo"
    fake = demo.fake  # a test queuing a scenario builds it
    assert fake is not None and demo.built_client is not None and demo.fake is fake
    await client.aclose()
    await demo.client.aclose()


async def test_the_app_builds_the_client_after_its_first_frame_and_turns_gc_back_on() -> None:
    # `run_app` turns automatic collection off for start-up and sets the flag.
    app = GrokApp(settings=Settings(demo=True), backend=demo_backend(tokens_per_second=5000.0))
    app.enable_gc_after_first_frame = True
    gc.disable()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, gc.isenabled, what="gc back on")
            await wait_for(pilot, lambda: app.backend.built_client is not None, what="the warm-up")
            chat = app.chat
            chat.prompt.set_text("hello")
            await pilot.press("enter")
            await wait_for(pilot, lambda: not chat.is_streaming, what="the reply")
            assert chat.session.messages[-1].text
    finally:
        gc.enable()


async def test_closing_an_app_that_never_sent_builds_no_client() -> None:
    backend = real_backend("xai-key", base_url="http://127.0.0.1:9/v1", api="chat")
    app: Any = GrokApp(settings=Settings(), backend=backend)
    app._warm_up_backend = lambda: None  # as if the app closed before the warm-up
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.chat.query_one("#status")  # the first frame is up
    assert backend.built_client is None
