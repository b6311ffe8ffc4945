"""The first TUI run creates the commented config.toml (README promises it);
later runs never touch it, and a folder that cannot be written only warns."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from grok_tui.cli import build_parser
from grok_tui.config import CONFIG_TEMPLATE
from grok_tui.ui.run import build_app
from tests.ui.conftest import wait_for


def _config_file() -> Path:
    return Path(os.environ["GROK_TUI_CONFIG_DIR"]) / "config.toml"


async def _run_once(argv: list[str]) -> list[str]:
    """Build and run the app as `grok-tui ARGV` would; the notifications it showed."""
    app = build_app(build_parser().parse_args(argv))
    async with app.run_test(size=(120, 36)) as pilot:
        # The start-up is over (its warnings notified, the theme files read
        # after the first frame) once the background model list is in: on a
        # loaded machine the chat screen can be up before the app's on_mount.
        await wait_for(
            pilot,
            lambda: app.screen is app.chat and app.model_list.loaded,
            what="the chat screen and the end of the start-up",
        )
        await pilot.pause()
        shown = [n.message for n in app._notifications]
    return shown


async def test_first_run_creates_the_commented_file_and_later_runs_keep_edits() -> None:
    cfg = _config_file()
    assert not cfg.exists()
    shown = await _run_once(["--demo"])
    assert cfg.read_text(encoding="utf-8") == CONFIG_TEMPLATE
    assert "# model = " in CONFIG_TEMPLATE and "[keys]" in CONFIG_TEMPLATE
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o644
    assert not any("config" in text for text in shown), shown

    edited = CONFIG_TEMPLATE.replace('# theme = "grok-dark"', 'theme = "nord"  # mine')
    edited += "\n# end\n"
    cfg.write_bytes(edited.encode("utf-8"))
    os.chmod(cfg, 0o640)
    before = cfg.stat()
    shown = await _run_once(["--demo"])
    after = cfg.stat()
    assert cfg.read_bytes() == edited.encode("utf-8")  # byte-identical
    assert (after.st_mtime_ns, after.st_ino, stat.S_IMODE(after.st_mode)) == (
        before.st_mtime_ns,
        before.st_ino,
        0o640,
    )
    assert not any("config" in text for text in shown), shown
    app = build_app(build_parser().parse_args(["--demo"]))
    assert app.settings.theme == "nord" and app.startup_warnings == []


async def test_a_config_folder_that_cannot_be_created_warns_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the config folder should be\n")
    monkeypatch.setenv("GROK_TUI_CONFIG_DIR", str(blocker / "grok-tui"))
    monkeypatch.setenv("GROK_TUI_MODEL", "grok-3-mini")
    shown = await _run_once(["--demo"])
    warnings = [text for text in shown if "config" in text]
    assert len(warnings) == 1 and "cannot create" in warnings[0], shown
    assert str(blocker / "grok-tui" / "config.toml") in warnings[0]
    assert "running without a config file" in warnings[0]
    assert blocker.read_text() == "a file where the config folder should be\n"
    app = build_app(build_parser().parse_args(["--demo"]))
    assert app.settings.model == "grok-3-mini"  # the environment still applies
