from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real home folder."""
    monkeypatch.setenv("GROK_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("GROK_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("XAI_API_KEY", raising=False)
