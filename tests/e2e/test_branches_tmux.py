"""End to end in tmux: reply versions and branches with the real `grok-tui`,
keys sent the way a terminal sends them, from where the focus really is.

- The done-when scenario of issue 15: regenerate three times, edit an early
  message and send, go back to the original branch and its second version,
  quit, `--continue`: all of it as left (the last chosen path is opened).
- Alt+P / Alt+N from the prompt (ESC p / ESC n), several keys in one call.
- [ / ] and d on a highlighted reply: step its versions, delete one (the
  confirm dialog, y); the only version of a reply is refused.
- SIGKILL while a regenerate streams: after `--continue`, the old version
  and the new partial one are both there, the partial one settled.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.tmux_harness import Tmux, app_env, grok_command, skip_reason, tmux_server

pytestmark = pytest.mark.e2e

if skip_reason() is not None:
    pytest.skip(skip_reason() or "", allow_module_level=True)


def _document(data: Path) -> dict[str, Any] | None:
    files = list((data / "sessions").glob("*.json"))
    if len(files) != 1:
        return None
    try:
        return json.loads(files[0].read_bytes())  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return None


def _wait_file(data: Path, predicate: Any, what: str, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    doc: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        doc = _document(data)
        if doc is not None and predicate(doc):
            return doc
        time.sleep(0.05)
    raise AssertionError(f"the session file never had {what}; last: {doc}")


def _path(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(m["role"], m["text"][:40], m.get("status", "complete")) for m in doc["messages"]]


def _all(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [*doc["messages"], *doc.get("off_path", [])]


def _settled(doc: dict[str, Any], users: int, replies: int) -> bool:
    everything = _all(doc)
    return (
        sum(m["role"] == "user" for m in everything) == users
        and sum(m["role"] == "assistant" for m in everything) == replies
        and all(m.get("status", "complete") == "complete" for m in everything)
    )


def _start(tmux: Tmux, tmp_path: Path, *args: str, rate: str = "3000") -> None:
    tmux.start(
        grok_command("--demo", *args),
        env=app_env(tmp_path, GROK_TUI_DEMO_RATE=rate),
        cwd=tmp_path,
    )
    tmux.wait(lambda s: "Demo mode" in s, "the app to start")


def _two_turns(tmux: Tmux, data: Path) -> None:
    tmux.send("first question", "Enter")
    _wait_file(data, lambda d: _settled(d, 1, 1), "the first reply")
    tmux.send("second question", "Enter")
    _wait_file(data, lambda d: _settled(d, 2, 2), "the second reply")


def test_done_when_scenario(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with tmux_server("grok-branches") as tmux:
        _start(tmux, tmp_path)
        _two_turns(tmux, data)
        for replies in (3, 4, 5):  # regenerate three times: four versions
            tmux.send("C-r")
            _wait_file(data, lambda d, r=replies: _settled(d, 2, r), f"{replies} replies")
        tmux.wait(lambda s: "‹ 4/4 › version" in s, "the fourth version's header")
        versions = [m["text"] for m in _all(_document(data) or {}) if m["role"] == "assistant"]
        second_version = versions[2]  # replies: first answer, then v1..v4 of the second

        # Edit the first message: Shift+Tab to the conversation, Home, e (in one call).
        tmux.send("BTab", "Home", "e")
        tmux.wait(lambda s: "Editing message 1" in s, "the edit banner")
        tmux.send("End")
        tmux.type(" (edited)")
        tmux.send("Enter")
        doc = _wait_file(data, lambda d: _settled(d, 3, 6), "the edit's reply")
        assert [t for r, t, _ in _path(doc) if r == "user"] == ["first question (edited)"]
        tmux.wait(lambda s: "‹ 2/2 › branch" in s, "the new branch's header")

        # Back to the original branch, then its reply's second version.
        tmux.send("BTab", "Home", "Left")
        tmux.wait(lambda s: "‹ 1/2 › branch" in s and "‹ 4/4 › version" in s, "the original")
        tmux.send("End", "Left", "Left")
        tmux.wait(lambda s: "‹ 2/4 › version" in s, "the second version")
        doc = _wait_file(
            data,
            lambda d: d["messages"][-1]["text"] == second_version,
            "the second version chosen",
        )
        assert [t for r, t, _ in _path(doc) if r == "user"] == [
            "first question",
            "second question",
        ]
        tmux.send("C-q")
        assert tmux.wait_exit(), tmux.screen()

        # --continue: the last chosen path, with every version and branch kept.
        saved = _document(data)
        assert saved is not None and len(_all(saved)) == 9
        _start(tmux, tmp_path, "--continue")
        screen = tmux.wait(lambda s: "‹ 2/4 › version" in s, "the second version after restart")
        assert "‹ 1/2 › branch" in screen and "second question" in screen
        assert "(edited)" not in screen
        # From the prompt (where the focus is): Alt+N, Alt+N, Alt+P and typing in
        # one call (ESC n ESC n ESC p h i: textual_fixes keeps them Alt keys).
        tmux.send("M-n", "M-n", "M-p", "h", "i")
        tmux.wait(lambda s: "‹ 3/4 › version" in s and "│ hi" in s, "Alt+N Alt+N Alt+P hi")
        prompt_line = next(line for line in tmux.screen().splitlines() if "│ hi" in line)
        assert prompt_line.split("│")[1].strip() == "hi"  # no "^n" typed
        doc = _wait_file(
            data, lambda d: d["messages"][-1]["text"] == versions[3], "the third version saved"
        )
        assert len(_all(doc)) == 9  # nothing lost
        tmux.send("C-q")
        assert tmux.wait_exit()


def test_delete_a_version_in_a_terminal(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with tmux_server("grok-branch-del") as tmux:
        _start(tmux, tmp_path)
        _two_turns(tmux, data)
        tmux.send("C-r")
        _wait_file(data, lambda d: _settled(d, 2, 3), "the second version")
        tmux.wait(lambda s: "‹ 2/2 › version" in s, "the version header")
        # The only version of the first reply: refused, said why.
        tmux.send("BTab", "Home", "Down", "d")
        tmux.wait(lambda s: "only one version" in s, "the refusal")
        tmux.send("End", "[")
        tmux.wait(lambda s: "‹ 1/2 › version" in s, "[ on the last reply")
        tmux.send("]", "d")  # next version, then delete it: in one call
        tmux.wait(lambda s: "Delete version 2 of 2 of this reply?" in s, "the confirm dialog")
        tmux.send("y")
        doc = _wait_file(data, lambda d: _settled(d, 2, 2), "the version deleted")
        assert not doc.get("off_path")
        tmux.wait(lambda s: "Deleted version 2 of 2" in s and "‹" not in s, "the deleted notice")
        tmux.send("C-q")
        assert tmux.wait_exit()


def test_sigkill_during_regenerate_keeps_both_versions(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with tmux_server("grok-branch-kill") as tmux:
        _start(tmux, tmp_path, rate="3000")
        _two_turns(tmux, data)
        old = (_document(data) or {})["messages"][-1]["text"]
        tmux.kill_server()
    with tmux_server("grok-branch-kill2") as tmux:
        # Slow replies from now on: the regenerate is still streaming when killed.
        _start(tmux, tmp_path, "--continue", rate="20")
        tmux.send("C-r")
        _wait_file(
            data,
            lambda d: len(_all(d)) == 5 and d["messages"][-1]["text"].strip() != "",
            "a partial new version checkpointed",
        )
        os.kill(tmux.pane_pid(), signal.SIGKILL)
        assert tmux.wait_exit()
        _start(tmux, tmp_path, "--continue", rate="3000")
        screen = tmux.wait(lambda s: "‹ 2/2 › version" in s, "the partial version shown")
        assert "failed" in screen.lower()  # settled on load: cut off by the kill
        # Alt+P from the prompt: the old version, saved chosen; the partial one kept.
        tmux.send("M-p")
        tmux.wait(lambda s: "‹ 1/2 › version" in s, "the old version")
        doc = _wait_file(data, lambda d: d["messages"][-1]["text"] == old, "the old one chosen")
        (partial,) = doc["off_path"]
        assert partial["status"] == "failed" and partial["text"].strip()
        assert old.startswith(partial["text"].rstrip()[:20])
        tmux.send("C-q")
        assert tmux.wait_exit()
