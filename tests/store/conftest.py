from __future__ import annotations

from pathlib import Path

import pytest

from grok_tui.store import SessionStore


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROK_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("GROK_TUI_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(root: Path) -> SessionStore:
    s = SessionStore(root)
    yield s  # type: ignore[misc]
    s.close()
