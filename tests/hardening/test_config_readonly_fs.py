"""The first run on a really read-only config folder (a tmpfs remounted ro;
skipped where it cannot be mounted): the app starts on its defaults and says
once that config.toml could not be created."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.hardening.test_disk_full import small_tmpfs  # noqa: F401 - the fixture


def _remount(mnt: Path, mode: str) -> None:
    done = subprocess.run(
        ["mount", "-o", f"remount,{mode}", str(mnt)], capture_output=True, text=True, timeout=10
    )
    if done.returncode != 0:
        pytest.skip(f"cannot remount the tmpfs {mode}: {done.stderr.strip()}")


async def test_first_run_on_a_read_only_config_folder(
    small_tmpfs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    from grok_tui.cli import build_parser
    from grok_tui.ui.run import build_app

    config_dir = small_tmpfs / "grok-tui"
    config_dir.mkdir()
    monkeypatch.setenv("GROK_TUI_CONFIG_DIR", str(config_dir))
    monkeypatch.setenv("GROK_TUI_DATA_DIR", str(tmp_path / "data"))
    _remount(small_tmpfs, "ro")
    try:
        app = build_app(build_parser().parse_args(["--demo"]))
        assert len(app.startup_warnings) == 1, app.startup_warnings
        (warning,) = app.startup_warnings
        assert str(config_dir / "config.toml") in warning and "Read-only" in warning
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            shown = [n.message for n in app._notifications if "config.toml" in n.message]
            assert shown == [warning]
            assert app.settings.theme == "grok-dark" and app.settings.demo
        assert list(config_dir.iterdir()) == []
    finally:
        _remount(small_tmpfs, "rw")
