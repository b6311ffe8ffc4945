"""End to end in a real terminal (tmux): what sessions cost (issue 13).

- The session browser (F4) at 80x24 shows a Cost column and the listing's
  sum in its heading; F3 sent as a terminal sends it (ESC O R) goes through
  last activity, title and cost (dearest first).
- Prices before the picker: against a separate fake server process over
  loopback whose grok-4.6 replies carry no `cost_in_usd_ticks` (and whose
  price no documentation gives), the first reply shows an estimated `≈$`
  cost without the model picker ever opening.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from grok_tui.store import SessionStore
from tests.e2e.tmux_harness import app_env, grok_command, skip_reason, tmux_server
from tests.store.helpers import priced_session

if skip_reason() is not None:
    pytest.skip(skip_reason() or "", allow_module_level=True)

KEY = "xai-e2e-cost-key-0123456789"


def _first_row(screen: str) -> str:
    lines = screen.splitlines()
    header = next(i for i, line in enumerate(lines) if "Cost" in line and "Title" in line)
    return lines[header + 1]


def test_browser_cost_column_total_and_cost_sort_at_80x24(tmp_path: Path) -> None:
    with SessionStore(tmp_path / "data") as store:
        for title, cost, estimated in [
            ("Cheap chat", 0.0123, False),
            ("Dear chat", 12.5, True),
            ("Unpriced chat", None, False),
        ]:
            store.save(priced_session(title, (cost, estimated)))
    with tmux_server("grok-cost") as tmux:
        tmux.start(grok_command("--demo"), env=app_env(tmp_path), width=80, height=24)
        tmux.wait(lambda s: "Ask Grok" in s, "the app to start")
        tmux.send("F4")
        screen = tmux.wait(lambda s: "sorted by" in s and "Cost" in s, "the session browser")
        assert "Sessions: 3 · ≈$12.51 · 3k tok" in screen
        assert re.search(r"Cheap chat.*\$0\.0123", screen)
        assert re.search(r"Dear ch.*≈\$12\.50", screen)
        assert re.search(r"Unpriced.*–", screen)
        assert "Unpriced" in _first_row(screen)  # newest first
        tmux.send("F3")
        tmux.wait(lambda s: "sorted by title" in s, "the sort by title")
        tmux.send("F3")
        screen = tmux.wait(lambda s: "sorted by cost, dearest first" in s, "the sort by cost")
        assert "Dear ch" in _first_row(screen)
        assert screen.splitlines()[0].startswith(" Sessions: 3 · ≈$12.51")


@pytest.fixture
def fake_process(tmp_path: Path) -> Iterator[str]:
    """`python -m grok_tui.fake --no-cost grok-4.6` on a free loopback port."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "grok_tui.fake", "--key", KEY, "--no-cost", "grok-4.6"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/v1)", line)
        assert match, line
        yield match.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_first_reply_is_estimated_without_the_picker(tmp_path: Path, fake_process: str) -> None:
    with tmux_server("grok-cost") as tmux:
        tmux.start(
            grok_command("--base-url", fake_process, "--model", "grok-4.6", keep_key=True),
            env=app_env(tmp_path, XAI_API_KEY=KEY),
            width=120,
            height=32,
        )
        tmux.wait(lambda s: "Ask Grok" in s, "the app to start")
        tmux.type("hello there")
        tmux.wait(lambda s: "hello there" in s, "the typed prompt")
        tmux.send("Enter")
        screen = tmux.wait(lambda s: "≈$" in s, "an estimated cost on the first reply")
        assert "Choose a model" not in screen
        tmux.send("C-q")
        assert tmux.wait_exit()
