"""End to end in tmux: the API key pasted into a prompt is not sent without a
yes (keys as a terminal sends them: Enter in the prompt, `n` / `y` in the
dialog), and what is saved holds it masked. The real `grok-tui` talks to the
loopback fake with that key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grok_tui.config import mask_key
from grok_tui.fake import FakeConfig, FakeServer, FakeXAI
from tests.e2e.tmux_harness import app_env, grok_command, skip_reason, tmux_server

pytestmark = pytest.mark.e2e

if skip_reason() is not None:
    pytest.skip(skip_reason() or "", allow_module_level=True)

KEY = "xai-e2e-key-in-prompt-0123456789"


def test_key_in_prompt_confirmed_then_masked(tmp_path: Path) -> None:
    with FakeServer(FakeXAI(FakeConfig(api_key=KEY))) as server, tmux_server() as tmux:
        env = app_env(tmp_path, XAI_API_KEY=KEY)
        tmux.start(grok_command("--base-url", server.url, keep_key=True), env=env)
        tmux.wait(lambda s: "idle" in s, "the app to start")
        tmux.type(f"is {KEY} valid?")
        tmux.send("Enter")
        tmux.wait(lambda s: "contains your xAI API key" in s, "the confirmation")
        tmux.send("n")
        tmux.wait(lambda s: "Not sent: the prompt contains your API key" in s, "the refusal")
        assert not [r for r in server.fake.requests if r.method == "POST"]

        tmux.send("Enter")  # the prompt still holds the text
        tmux.wait(lambda s: "contains your xAI API key" in s, "the confirmation again")
        tmux.send("y")
        screen = tmux.wait(lambda s: "out " in s and "idle" in s, "the reply")
        assert KEY not in screen and mask_key(KEY) in screen
        posts = [r for r in server.fake.requests if r.method == "POST"]
        assert len(posts) == 1 and KEY in json.dumps(posts[0].json)

        tmux.send("C-q")
        assert tmux.wait_exit(), "Ctrl+Q did not quit:\n" + tmux.screen()
        files = list((tmp_path / "data" / "sessions").glob("*.json"))
        assert len(files) == 1
        text = files[0].read_text(encoding="utf-8")
        assert KEY not in text and mask_key(KEY) in text
        history = tmp_path / "data" / "prompt_history.jsonl"
        assert not history.exists() or KEY not in history.read_text(encoding="utf-8")
