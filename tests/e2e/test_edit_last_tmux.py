"""End to end in tmux: Ctrl+L (edit last) from the prompt, keys sent the way
a terminal sends them. Ctrl+L and Esc leave the session file byte-identical
and give the draft back; Ctrl+L, then typing and Enter in one burst, save one edited
turn in place of the last one."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.e2e.tmux_harness import app_env, grok_command, skip_reason, tmux_server

pytestmark = pytest.mark.e2e

if skip_reason() is not None:
    pytest.skip(skip_reason() or "", allow_module_level=True)


def _session_file(data: Path) -> Path | None:
    files = list((data / "sessions").glob("*.json"))
    return files[0] if len(files) == 1 else None


def _wait_saved(data: Path, user_texts: list[str], timeout: float = 30.0) -> bytes:
    """Wait until the one session file holds these user messages, each answered."""
    deadline = time.monotonic() + timeout
    seen: object = None
    while time.monotonic() < deadline:
        path = _session_file(data)
        if path is not None:
            try:
                raw = path.read_bytes()
                messages = json.loads(raw)["messages"]
            except (OSError, ValueError, KeyError):
                messages = []
            seen = [(m["role"], m["text"][:30], m.get("status")) for m in messages]
            users = [m["text"] for m in messages if m["role"] == "user"]
            done = len(messages) == 2 * len(user_texts) and all(
                m.get("status", "complete") == "complete" for m in messages
            )
            if users == user_texts and done:
                return raw
        time.sleep(0.05)
    raise AssertionError(f"session file never held {user_texts}; last seen {seen}")


def test_edit_last_in_a_terminal(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with tmux_server("grok-edit") as tmux:
        tmux.start(
            grok_command("--demo"), env=app_env(tmp_path, GROK_TUI_DEMO_RATE="2000"), cwd=tmp_path
        )
        tmux.wait(lambda s: "Demo mode" in s, "the app to start")
        tmux.send("first question", "Enter")
        _wait_saved(data, ["first question"])
        tmux.send("second qestion", "Enter")
        before = _wait_saved(data, ["first question", "second qestion"])
        path = _session_file(data)
        assert path is not None

        # A draft in the prompt, then Ctrl+L twice and Esc in one burst.
        tmux.send("my draft")
        tmux.wait(lambda s: "my draft" in s, "the draft")
        tmux.send("C-l")
        screen = tmux.wait(lambda s: "Editing message 3" in s, "the edit banner")
        assert "my draft" not in screen
        tmux.send("C-l")
        # The second Ctrl+L is handled once its notice shows: it must not have
        # pulled "first question" (message 1) in.
        screen = tmux.wait(lambda s: "Already editing" in s, "the second Ctrl+L's notice")
        assert "Editing message 3" in screen and "Editing message 1" not in screen
        tmux.send("Escape")
        tmux.wait(
            lambda s: "Editing message" not in s and "my draft" in s and "nothing was changed" in s,
            "the draft to come back",
        )
        assert path.read_bytes() == before

        # Clear the draft, then edit and send in one burst.
        tmux.send("C-u")
        tmux.wait(lambda s: "my draft" not in s, "the draft to be cleared")
        assert path.read_bytes() == before  # still, a while after the Esc
        tmux.send("C-l")
        tmux.wait(lambda s: "Editing message 3" in s, "the edit banner")
        tmux.send(" (fixed)", "Enter")
        _wait_saved(data, ["first question", "second qestion (fixed)"])
        tmux.wait(lambda s: "Editing message" not in s, "the banner to go")

        tmux.send("C-q")
        assert tmux.wait_exit(), "the app did not quit"
    saved = json.loads(path.read_bytes())
    assert [m["text"] for m in saved["messages"] if m["role"] == "user"] == [
        "first question",
        "second qestion (fixed)",
    ]
