"""The static checks CI runs through the test command: the layering contracts
(import-linter, `[tool.importlinter]` in pyproject.toml), ruff's lint rules and
format, and mypy (strict for the Textual-free layers, checked for the rest).

Each runs the tool installed with the test extras, from the repository root; a
failure prints the tool's own report.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STRICT_PACKAGES = ["grok_tui/api", "grok_tui/chat", "grok_tui/store", "grok_tui/config"]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed in this venv (pip install -e '.[test]')")
    return str(path)


def test_import_contracts_are_kept() -> None:
    result = run(tool("lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_lint() -> None:
    result = run(tool("ruff"), "check", "grok_tui", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = run(tool("ruff"), "format", "--check", "grok_tui", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_for_the_textual_free_layers() -> None:
    result = run(
        sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", *STRICT_PACKAGES
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_whole_package() -> None:
    result = run(sys.executable, "-m", "mypy", "grok_tui")
    assert result.returncode == 0, result.stdout + result.stderr
