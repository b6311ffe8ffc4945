"""The installed `grok-tui` in tmux, first run: config.toml appears with its
comments; the next run leaves a file the user edited byte for byte as it was;
a config folder that cannot be created is one warning, not a crash."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from grok_tui.config import CONFIG_TEMPLATE
from tests.e2e.tmux_harness import Tmux, app_env, grok_command, skip_reason, tmux_server

pytestmark = pytest.mark.e2e

if skip_reason() is not None:
    pytest.skip(skip_reason() or "", allow_module_level=True)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    with tmux_server("grok-first-run") as server:
        yield server


def _run(tmux: Tmux, tmp: Path, **env: str) -> str:
    """Start grok-tui --demo, wait for it, quit with Ctrl+Q; the screen it showed."""
    tmux.start(grok_command("--demo"), env=app_env(tmp, **env), width=160, height=48, cwd=tmp)
    screen = tmux.wait(lambda s: "DEMO" in s and "Ask Grok" in s, "the app to start")
    tmux.send("C-q")
    assert tmux.wait_exit(), "Ctrl+Q did not quit:\n" + tmux.screen()
    return screen


def test_first_run_creates_config_and_the_next_run_keeps_edits(tmux: Tmux, tmp_path: Path) -> None:
    cfg = tmp_path / "config" / "config.toml"
    assert not cfg.parent.exists()
    _run(tmux, tmp_path)
    assert cfg.read_text(encoding="utf-8") == CONFIG_TEMPLATE

    edited = CONFIG_TEMPLATE.replace('# model = "grok-4.3"', 'model = "grok-3-mini"   # cheaper')
    cfg.write_bytes(edited.encode("utf-8"))
    mtime = cfg.stat().st_mtime_ns
    screen = _run(tmux, tmp_path)
    assert "grok-3-mini" in screen  # the edit is in force (status bar)
    assert cfg.read_bytes() == edited.encode("utf-8") and cfg.stat().st_mtime_ns == mtime


def test_a_config_folder_that_cannot_be_created_is_one_warning(tmux: Tmux, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder\n")
    tmux.start(
        grok_command("--demo"),
        env=app_env(tmp_path, GROK_TUI_CONFIG_DIR=str(blocker / "grok-tui")),
        width=160,
        height=48,
        cwd=tmp_path,
    )
    screen = tmux.wait(lambda s: "DEMO" in s and "cannot create" in s, "the warning")
    assert screen.count("cannot create") == 1, screen
    tmux.type("hello")
    tmux.wait(lambda s: "hello" in s, "typing to work")
    tmux.send("C-q")
    assert tmux.wait_exit(), "Ctrl+Q did not quit:\n" + tmux.screen()
    assert blocker.read_text() == "not a folder\n"
