"""End to end in a real terminal (tmux): on the Chat Completions API
(`--api chat`) the search form says search is not sent, and switching web
search on from the form (F3, then Space, as a terminal sends them) shows
`search not sent (chat API)` in the status bar at once, before any send; the
turn then carries the note (issue 13, defect 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.tmux_harness import app_env, grok_command, skip_reason, tmux_server

if skip_reason() is not None:
    pytest.skip(skip_reason() or "", allow_module_level=True)


def test_search_switched_on_with_the_chat_api_says_it_is_not_sent(tmp_path: Path) -> None:
    with tmux_server("grok-preflight") as tmux:
        tmux.start(
            grok_command("--demo", "--api", "chat"),
            env=app_env(tmp_path, GROK_TUI_DEMO_RATE="100000"),
            width=120,
            height=36,
        )
        tmux.wait(lambda s: "Ask Grok" in s, "the app to start")
        tmux.send("F3")
        tmux.wait(lambda s: "Not sent with api = chat" in s, "the form's note")
        tmux.send("Space")
        screen = tmux.wait(
            lambda s: "search not sent (chat API)" in s, "the status bar before any send"
        )
        assert "│ web │" not in screen
        tmux.send("Escape")
        # The prompt has the focus again (its footer hint); typed at once, a
        # letter would reach the app as Alt+letter with the ESC before it.
        tmux.wait(lambda s: "⏎ Send" in s, "the focus back in the prompt")
        tmux.type("what is new")
        tmux.send("Enter")
        tmux.wait(lambda s: "Note: web search not sent" in s, "the note on the turn")
