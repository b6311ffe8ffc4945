"""Round trip: chat, quit, `grok-tui --continue` shows the same conversation.

The Pilot test goes through the real command-line path (`cli.build_parser`,
`ui.run.run_app` with `--demo`, the store in GROK_TUI_DATA_DIR) with
`GrokApp.run` replaced by a hook that keeps the app, which the test then
drives with `run_test`. The tmux test runs the real `grok-tui` command twice.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grok_tui.chat.session import MessageStatus
from grok_tui.cli import build_parser
from grok_tui.store import SessionStore
from grok_tui.ui.app import GrokApp
from grok_tui.ui.run import run_app
from tests.waiting import wait_for

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("GROK_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("GROK_TUI_DATA_DIR", str(data))
    monkeypatch.delenv("XAI_API_KEY", raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    return data


def built_app(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> GrokApp:
    """The app `grok-tui ARGV` would run (run_app's checks and loading included)."""
    apps: list[GrokApp] = []
    monkeypatch.setattr(GrokApp, "run", lambda self, *a, **k: apps.append(self))
    assert run_app(build_parser().parse_args(argv)) == 0
    assert len(apps) == 1
    return apps[0]


async def test_continue_restores_messages_tool_log_and_settings(
    monkeypatch: pytest.MonkeyPatch, _isolated_dirs: Path
) -> None:
    first = built_app(monkeypatch, ["--demo"])
    async with first.run_test(size=(140, 40)) as pilot:
        chat = first.chat
        chat.session.search.web.enabled = True  # the demo searches when asked for news
        chat.prompt.set_text("search the latest news about xAI")
        chat.prompt.focus()
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: len(chat.session.messages) == 2 and not chat.is_streaming,
            what="the reply",
        )
        reply = chat.session.messages[1]
        assert reply.status == MessageStatus.COMPLETE and reply.tool_calls
        chat.set_model("grok-4-fast-reasoning")
        chat.session.system_prompt = "Answer briefly."
        chat.session.search.web.enabled = True
        chat.session.search.web.domains = ["example.com"]
        chat.session.search.max_turns = 3
        session_id = chat.session.id
        texts = [m.text for m in chat.session.messages]
        tool_lines = chat.query_one("#tool-log").plain_lines()  # type: ignore[attr-defined]
        assert tool_lines
        await first.action_quit()

    with SessionStore(_isolated_dirs) as store:
        assert store.most_recent() is not None
        assert store.most_recent().id == session_id  # type: ignore[union-attr]

    second = built_app(monkeypatch, ["--demo", "--continue"])
    async with second.run_test(size=(140, 40)) as pilot:
        chat = second.chat
        await pilot.pause()
        s = chat.session
        assert s.id == session_id
        assert [m.text for m in s.messages] == texts
        assert s.messages[1].tool_calls and s.messages[1].citations
        assert s.model == "grok-4-fast-reasoning"
        assert s.system_prompt == "Answer briefly."
        assert s.search.web.enabled and s.search.web.domains == ["example.com"]
        assert s.search.max_turns == 3
        await wait_for(
            pilot,
            lambda: (
                chat.query_one("#tool-log").plain_lines()  # type: ignore[attr-defined]
                == tool_lines
            ),
            what="the same tool log",
        )
        # The next turn continues the same session with its model.
        chat.prompt.set_text("and one more thing")
        chat.prompt.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(s.messages) == 4 and not chat.is_streaming)
        body = [r for r in second.backend.fake.requests if r.method == "POST"][-1].json
        assert body["model"] == "grok-4-fast-reasoning"
        assert body["instructions"] == "Answer briefly."
        assert any(t.get("type") == "web_search" for t in body.get("tools", []))
        sent = [item for item in body["input"] if item["role"] in ("user", "assistant")]
        assert len(sent) == 3  # the whole restored history went out again
        await second.action_quit()

    with SessionStore(_isolated_dirs) as store:
        assert len(store.load(session_id).messages) == 4
        assert store.count() == 1


async def test_continue_opens_the_last_chosen_path(
    monkeypatch: pytest.MonkeyPatch, _isolated_dirs: Path
) -> None:
    """A tree whose chosen path is neither the newest branch nor the newest
    version: --continue shows that path, and the rest is still there."""
    from grok_tui.chat import conversation as conv
    from grok_tui.chat import tree
    from tests.store.helpers import make_session

    s = make_session("first question", "first answer, version 1")
    version_1 = s.messages[1]
    conv.prepare_regenerate(s)
    again = conv.start_reply(s, s.model)
    again.text, again.status = "first answer, version 2", MessageStatus.COMPLETE
    tree.fork_at(s, s.messages[0].id, "the edited question")  # the newest branch
    tree.switch_to(s, version_1.id)  # back to the original branch, its first version
    with SessionStore(_isolated_dirs) as store:
        store.save(s)
    app = built_app(monkeypatch, ["--demo", "--continue"])
    async with app.run_test(size=(140, 40)) as pilot:
        chat = app.chat
        await pilot.pause()
        assert chat.session.id == s.id
        assert [m.text for m in chat.session.messages] == [
            "first question",
            "first answer, version 1",
        ]
        assert [m.id for m in chat.conversation.messages] == [m.id for m in s.messages]
        assert tree.branch_count(chat.session) == 3 and len(chat.session.off_path) == 2


async def test_continue_with_no_saved_session_starts_a_new_chat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = built_app(monkeypatch, ["--demo", "--continue"])
    assert any("no saved session" in w for w in app.startup_warnings)


def test_session_id_that_does_not_exist_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app(build_parser().parse_args(["--demo", "--session", "nope"])) == 2
    assert "cannot open session" in capsys.readouterr().err


# -- the real command in tmux ---------------------------------------------------------


def _tmux(*args: str, socket: str) -> str:
    return subprocess.run(
        ["tmux", "-L", socket, *args], capture_output=True, text=True, check=False
    ).stdout


def _wait_screen(socket: str, needle: str, timeout: float = 20.0) -> str:
    end = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < end:
        screen = _tmux("capture-pane", "-p", "-t", "t", socket=socket)
        if needle in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} never appeared; screen:\n{screen}")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_real_command_continue_in_tmux(tmp_path: Path, _isolated_dirs: Path) -> None:
    socket = f"grok-tui-test-{os.getpid()}"
    env = {
        "GROK_TUI_CONFIG_DIR": str(tmp_path / "config"),
        "GROK_TUI_DATA_DIR": str(_isolated_dirs),
        "PYTHONPATH": str(REPO),
        "TERM": "xterm-256color",
        "TEXTUAL_ANIMATIONS": "none",
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path / "home"),
    }
    (tmp_path / "home").mkdir()
    exports = " ".join(f"{k}={v!r}" for k, v in env.items())
    command = f"env -i {exports} {sys.executable} -m grok_tui --demo"
    try:
        _tmux("new-session", "-d", "-s", "t", "-x", "140", "-y", "40", command, socket=socket)
        _wait_screen(socket, "Sessions")  # the footer is up
        _tmux("send-keys", "-t", "t", "-l", "remember the word pelican", socket=socket)
        _tmux("send-keys", "-t", "t", "Enter", socket=socket)
        end = time.monotonic() + 20
        while time.monotonic() < end:
            with SessionStore(_isolated_dirs) as store:
                recent = store.most_recent()
                if recent is not None and recent.message_count >= 2:
                    session = store.load(recent.id)
                    if session.messages[-1].status == MessageStatus.COMPLETE:
                        break
            time.sleep(0.2)
        else:
            raise AssertionError("the first run never saved a finished reply")
        _tmux("send-keys", "-t", "t", "C-q", socket=socket)
        end = time.monotonic() + 10
        while time.monotonic() < end and "t" in _tmux("list-sessions", "-F", "#S", socket=socket):
            time.sleep(0.1)

        # A fresh tmux server for the second run: a new-session sent while the
        # first server is exiting (its last session just ended) can be lost.
        _tmux("kill-server", socket=socket)
        socket2 = socket + "-2"
        _tmux(
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            "140",
            "-y",
            "40",
            command + " --continue",
            socket=socket2,
        )
        screen = _wait_screen(socket2, "pelican")
        assert "remember the word pelican" in screen
        _tmux("send-keys", "-t", "t", "C-q", socket=socket2)
    finally:
        _tmux("kill-server", socket=socket)
        _tmux("kill-server", socket=socket + "-2")
