"""End to end: the real `grok-tui --demo` console script in tmux.

Types a prompt, reads the streamed reply from the screen, stops a reply with
Esc, and quits; then checks the session was saved to the data folder.
"""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.tmux_harness import GROK, TMUX, Tmux, skip_reason

pytestmark = pytest.mark.e2e

if skip_reason() is not None:
    pytest.skip(skip_reason() or "", allow_module_level=True)


@pytest.fixture
def app_in_tmux(tmp_path: Path) -> Iterator[tuple[Tmux, Path]]:
    socket = f"grok-e2e-{uuid.uuid4().hex[:8]}"
    tmux = Tmux(socket, "e2e")
    data = tmp_path / "data"
    env = {
        "GROK_TUI_CONFIG_DIR": str(tmp_path / "config"),
        "GROK_TUI_DATA_DIR": str(data),
        "GROK_TUI_DEMO_RATE": "400",
        "TEXTUAL_ANIMATIONS": "none",
    }
    env_args = [a for k, v in env.items() for a in ("-e", f"{k}={v}")]
    subprocess.run(
        [
            TMUX or "tmux",
            "-L",
            socket,
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            "160",
            "-y",
            "48",
            *env_args,
            f"env -u XAI_API_KEY -u COLUMNS -u LINES {GROK} --demo",
        ],
        check=True,
        timeout=10,
        cwd=tmp_path,
    )
    try:
        yield tmux, data
    finally:
        subprocess.run(
            [TMUX or "tmux", "-L", socket, "kill-server"], capture_output=True, timeout=10
        )


def test_demo_prompt_reply_stop_and_quit(app_in_tmux: tuple[Tmux, Path]) -> None:
    tmux, data = app_in_tmux
    tmux.wait(lambda s: "Demo mode" in s and "DEMO" in s, "the app to start")
    tmux.type("hello from tmux")
    tmux.wait(lambda s: "hello from tmux" in s, "the typed prompt")
    tmux.send("Enter")
    screen = tmux.wait(lambda s: "in " in s and "out " in s and "idle" in s, "the full reply")
    assert "Grok" in screen and "You" in screen
    assert "hello from tmux" in screen

    # A long reply, stopped with Esc: the partial text stays, marked stopped.
    tmux.type("write a long markdown essay")
    tmux.send("Enter")
    tmux.wait(lambda s: "streaming" in s, "the long reply to stream")
    time.sleep(0.5)
    tmux.send("Escape")
    screen = tmux.wait(lambda s: "Stopped" in s, "the stop marker")
    assert "stopped" in screen

    # Multiline prompt: Ctrl+J inserts a newline, Enter sends both lines.
    tmux.type("line one")
    tmux.send("C-j")
    tmux.type("line two")
    screen = tmux.wait(lambda s: "line two" in s, "the second prompt line")
    tmux.send("Enter")
    # "idle" is on screen before the send too: wait for the saved reply instead.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        saved_files = list((data / "sessions").glob("*.json"))
        if saved_files:
            try:
                messages = json.loads(saved_files[0].read_text())["messages"]
            except (ValueError, OSError):
                messages = []
            if len(messages) == 6 and messages[5]["status"] == "complete":
                break
        time.sleep(0.1)
    tmux.wait(lambda s: "idle" in s, "the multiline reply")

    tmux.send("C-q")
    # The app exits (its tmux session ends) after saving the chat.
    assert tmux.wait_exit(), "the app did not quit on Ctrl+Q"
    files = list((data / "sessions").glob("*.json"))
    assert len(files) == 1
    saved = json.loads(files[0].read_text())
    roles = [m["role"] for m in saved["messages"]]
    assert roles == ["user", "assistant"] * 3
    assert saved["messages"][3]["status"] == "stopped"
    assert saved["messages"][4]["text"] == "line one\nline two"
    assert saved["messages"][5]["status"] == "complete"
