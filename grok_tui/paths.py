"""Where grok-tui keeps its files.

`GROK_TUI_CONFIG_DIR` and `GROK_TUI_DATA_DIR` override the platformdirs
locations; tests and scripts use them so nothing touches the real home folder.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "grok-tui"


def config_dir() -> Path:
    """Folder of `config.toml` and the user's own `themes/`."""
    override = os.environ.get("GROK_TUI_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    """Folder of `sessions/`, the search index and logs."""
    override = os.environ.get("GROK_TUI_DATA_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_file() -> Path:
    return config_dir() / "config.toml"


def sessions_dir() -> Path:
    return data_dir() / "sessions"


def user_themes_dir() -> Path:
    return config_dir() / "themes"
