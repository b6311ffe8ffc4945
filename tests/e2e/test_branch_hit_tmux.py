"""The real `grok-tui` in tmux: F4 from the prompt, the query typed in one
burst with Enter, and a hit found only on another branch opens the chat on
that branch (the browser said "on another branch" and "3 branches"); after
quitting, the file records that branch."""

from __future__ import annotations

from pathlib import Path

import pytest

from grok_tui.store import SessionStore
from tests.e2e.tmux_harness import app_env, grok_command, skip_reason, tmux_server
from tests.store.helpers import three_branches

pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")


def test_f4_query_enter_opens_the_hit_on_its_branch(tmp_path: Path) -> None:
    data = tmp_path / "data"
    s, striped = three_branches()
    with SessionStore(data) as store:
        store.save(s)
    with tmux_server("grok-branch-hit") as tmux:
        tmux.start(grok_command("--demo"), env=app_env(tmp_path), width=140, height=40)
        tmux.wait(lambda t: "Demo mode" in t, "the app to start")
        tmux.send("F4")  # from the prompt, where the focus is
        tmux.wait(lambda t: "3 branches" in t and "Sessions: 1" in t, "the branch count")
        # The query and Enter in one burst, as a fast typist or a paste sends them.
        tmux.send(*"striped", "Enter")
        screen = tmux.wait(
            lambda t: "zebras are striped" in t and "Sessions:" not in t,
            "the chat on the striped branch",
        )
        assert "okapis are shy" not in screen and "quokkas smile" not in screen
        # Back in the browser: the hit is now on the chosen path.
        tmux.send("F4")
        tmux.wait(lambda t: "Sessions: 1" in t, "the browser again")
        tmux.send(*"quokkas")
        tmux.wait(lambda t: "on another branch: quokkas smile" in t, "a hit on another branch")
        tmux.send("Escape", "Escape")
        tmux.wait(lambda t: "Sessions:" not in t, "the chat")
        tmux.send("C-q")
        assert tmux.wait_exit(), tmux.screen()
    with SessionStore(data) as store:
        assert store.load(s.id).messages[-1].id == striped
