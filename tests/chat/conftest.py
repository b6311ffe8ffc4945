from __future__ import annotations

from pathlib import Path

import pytest

from .images import TINY_JPEG, tiny_png


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROK_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("GROK_TUI_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def png_file(tmp_path: Path) -> Path:
    p = tmp_path / "pic.png"
    p.write_bytes(tiny_png())
    return p


@pytest.fixture
def jpeg_file(tmp_path: Path) -> Path:
    p = tmp_path / "photo.jpg"
    p.write_bytes(TINY_JPEG)
    return p
