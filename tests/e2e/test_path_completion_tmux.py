"""End to end in tmux: Tab in the Attach and Import path inputs accepts the
path completion, and Enter right after it (same burst) uses the completed
path, not only what was typed. Also: a refused URL's reason is shown whole."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from grok_tui.chat.conversation import add_user_message
from grok_tui.chat.session import Session
from grok_tui.store import SessionStore
from tests.e2e.tmux_harness import app_env, grok_command, skip_reason, tmux_server

pytestmark = pytest.mark.e2e

if skip_reason() is not None:
    pytest.skip(skip_reason() or "", allow_module_level=True)

PNG_66 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_tab_completes_attach_path_and_enter_uses_it(tmp_path: Path) -> None:
    (tmp_path / "picture_one.png").write_bytes(PNG_66)
    with tmux_server("grok-path") as tmux:
        tmux.start(grok_command("--demo"), env=app_env(tmp_path), cwd=tmp_path, width=100)
        tmux.wait(lambda s: "Demo mode" in s, "the app to start")
        tmux.send("C-t")
        tmux.wait(lambda s: "Attach an image" in s, "the attach dialog")
        tmux.send("pic", "Tab", "Enter")
        screen = tmux.wait(lambda s: "picture_one.png 66 bytes" in s, "the attachment chip")
        assert "Attach an image" not in screen

        # A refused URL: the whole reason is on screen, wrapped, not cut.
        tmux.send("C-t")
        tmux.wait(lambda s: "Attach an image" in s, "the attach dialog")
        tmux.send("ftp://example.com/cat.png", "Enter")
        screen = tmux.wait(lambda s: "not an http(s) URL" in s, "the refusal")
        flat = " ".join(line.strip(" │") for line in screen.splitlines())
        assert "can be attached" in " ".join(flat.split()), screen
        tmux.send("Escape")


def test_tab_completes_import_path(tmp_path: Path) -> None:
    source = SessionStore(tmp_path / "elsewhere")
    session = Session(title="Imported from a file")
    add_user_message(session, "hello")
    source.save(session)
    (tmp_path / "my_export.json").write_text(source.export_json(session.id), encoding="utf-8")
    source.close()
    data = tmp_path / "data"
    with tmux_server("grok-path") as tmux:
        tmux.start(grok_command("--demo"), env=app_env(tmp_path), cwd=tmp_path, width=120)
        tmux.wait(lambda s: "Demo mode" in s, "the app to start")
        tmux.send("F4")
        tmux.wait(lambda s: "Sessions: 0" in s, "the session browser")
        tmux.send("F7")
        tmux.wait(lambda s: "Import a session" in s, "the import dialog")
        tmux.send("my_ex", "Tab", "Enter")
        tmux.wait(lambda s: "Imported from a file" in s, "the imported session in the list")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not list((data / "sessions").glob("*.json")):
            time.sleep(0.05)
        assert list((data / "sessions").glob("*.json"))
