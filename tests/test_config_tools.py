"""The tools of config.toml in the config package: `[[mcp]]` and `[collections]`
load into `Settings.tools` (problems as `ConfigProblem` records), `[search.tools]`
is a search sub-table, a file holding an MCP token is kept 0600 (on load and on
every write), `grok-tui config` rows and the first-run template."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from grok_tui.config import CONFIG_TEMPLATE, ConfigProblem, describe_settings, save_setting
from grok_tui.config.sources import ProblemKind
from tests.test_config import isolated_config_file, load, write

TOKEN = "mcp-file-token-0123456789"

MCP_FILE = f"""
[search.tools]
code_execution = true
mcp = ["wiki"]
collection_results = 5

[[mcp]]
label = "wiki"
url = "https://mcp.example.com/mcp"
allowed_tools = ["read"]
token = "{TOKEN}"

[[mcp]]
label = "bad label!"
url = "https://other.example.com"

[collections]
collection_1 = "Product docs"
"bad id!" = "x"
"""


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolated_config_file(tmp_path, monkeypatch)


def test_mcp_and_collections_load_into_settings_tools(cfg: Path, tmp_path: Path) -> None:
    write(cfg, MCP_FILE)
    settings, problems = load(cfg, tmp_path)
    assert settings.tools.labels == ["wiki"]
    assert settings.tools.server("wiki").token_value({}) == TOKEN  # type: ignore[union-attr]
    assert settings.tools.collection_names == {"collection_1": "Product docs"}
    assert settings.search.tools.code_execution and settings.search.tools.mcp == ["wiki"]
    assert settings.search.tools.collection_results == 5
    assert all(isinstance(p, ConfigProblem) for p in problems)
    texts = [str(p) for p in problems]
    assert not any("unknown setting" in t for t in texts), texts  # mcp, collections are known
    bad_label = next(t for t in texts if "bad label!" in t)
    assert bad_label.startswith(f"{cfg}: mcp bad label!:") and "server ignored" in bad_label
    assert any("is not a collection id" in t for t in texts)
    assert all(TOKEN not in t for t in texts)
    assert str(settings.source_of("mcp.wiki")) == "file"
    assert str(settings.source_of("search.tools.code_execution")) == "file"


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_file_holding_an_mcp_token_is_made_private(cfg: Path, tmp_path: Path) -> None:
    write(cfg, MCP_FILE)
    cfg.chmod(0o644)
    _, problems = load(cfg, tmp_path)
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    note = next(p for p in problems if "MCP token" in str(p))
    assert note.kind is ProblemKind.NOTE and "permissions are now 0600" in str(note)
    # A write keeps it private (the token is still in the file).
    save_setting("theme", "nord", path=cfg)
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    # Without a token, loading leaves the mode alone.
    write(cfg, '[[mcp]]\nlabel = "open"\nurl = "https://o.example"\ntoken_env = "X_TOK"\n')
    cfg.chmod(0o644)
    _, problems = load(cfg, tmp_path)
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o644
    assert not any("MCP token" in str(p) for p in problems)


def test_config_rows_show_tools_never_the_token(cfg: Path, tmp_path: Path) -> None:
    write(cfg, MCP_FILE)
    settings, _ = load(cfg, tmp_path)
    rows = {name: (shown, source) for name, shown, source in describe_settings(settings)}
    assert rows["search.tools.code_execution"] == ("true", "file")
    assert rows["search.tools.collections"] == ("[]", "default")
    assert "token: in the file (hidden)" in rows["mcp.wiki"][0]
    assert rows["collections.collection_1"][0] == '"Product docs"'
    assert all(TOKEN not in shown for shown, _ in rows.values())


def test_template_documents_the_tools_and_changes_nothing() -> None:
    data = tomllib.loads(CONFIG_TEMPLATE)
    assert data["search"]["tools"] == {}  # every line commented out
    assert "mcp" not in data and "collections" not in data
    for needle in ("# [[mcp]]", "# token_env =", "# [collections]", "# code_execution = false"):
        assert needle in CONFIG_TEMPLATE, needle
    # The commented example is a valid [[mcp]] table once uncommented.
    block = CONFIG_TEMPLATE.split("# [[mcp]]\n", 1)[1].split("\n\n", 1)[0]
    lines = ["[[mcp]]"] + [line[2:] for line in block.splitlines() if line.startswith("# ")]
    example = tomllib.loads("\n".join(line for line in lines if not line.startswith("token =")))
    from grok_tui.chat.tools import tool_config_from

    warnings: list[str] = []
    assert tool_config_from(example, "t", warnings).labels == ["deepwiki"] and warnings == []
