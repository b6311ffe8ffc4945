"""End to end in a real terminal (tmux): the tools pane's keys. F3 opens the
pane; Tab walks from the search switches to code execution, the MCP servers
and the collections input; Space switches, Enter adds a collection; the status
bar names each tool as it comes on, and a reply shows the tools at work in
the tool log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.tmux_harness import Tmux, app_env, grok_command, skip_reason, tmux_server

pytestmark = pytest.mark.e2e

if skip_reason() is not None:
    pytest.skip(skip_reason() or "", allow_module_level=True)

CONFIG = """
[[mcp]]
label = "wiki"
url = "https://mcp.deepwiki.com/mcp"
description = "Wiki of GitHub repos"
allowed_tools = ["read_wiki_structure"]
token_env = "E2E_WIKI_TOKEN"

[collections]
"collection_e2e" = "E2E docs"
"""


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text(CONFIG, encoding="utf-8")
    with tmux_server("grok-tools") as server:
        server.start(
            grok_command("--demo"),
            env=app_env(tmp_path, GROK_TUI_DEMO_RATE="600", E2E_WIKI_TOKEN="e2e-secret-token-42"),
            width=200,
            height=60,
            cwd=tmp_path,
        )
        server.wait(lambda s: "DEMO" in s and "Ask Grok" in s, "the app to start")
        yield server


def status(screen: str) -> str:
    lines = [line for line in screen.splitlines() if "│" in line and "DEMO" in line]
    return lines[-1] if lines else ""


def styled_line(tmux: Tmux, needle: str) -> str:
    """The screen line holding `needle`, with its colour escape codes ("" if none)."""
    plain = tmux.screen().splitlines()
    rows = [i for i, line in enumerate(plain) if needle in line]
    if not rows:
        return ""
    styled = tmux.run("capture-pane", "-e", "-p", "-t", tmux.session).splitlines()
    return styled[rows[0]] if rows[0] < len(styled) else ""


def test_pane_keys_switch_each_tool_and_the_reply_uses_them(tmux: Tmux) -> None:
    tmux.send("F3")
    tmux.wait(lambda s: "Code execution" in s or "Web search" in s, "the tools pane")
    # From the web search switch: X switch, effort, max turns, code execution.
    tmux.send("Tab", "Tab", "Tab", "Tab", "Space")
    tmux.wait(lambda s: "code" in status(s), "code execution on in the status bar")
    tmux.send("Tab", "Space")  # the first MCP server
    tmux.wait(lambda s: "mcp: wiki" in status(s), "the MCP server on in the status bar")
    before = styled_line(tmux, "collection id, Enter adds")
    tmux.send("Tab")  # the collections input: its border changes colour with the focus
    tmux.wait(
        lambda _s: styled_line(tmux, "collection id, Enter adds") not in ("", before),
        "the focus in the collections input",
    )
    tmux.type("collection_e2e")
    tmux.wait(lambda s: "▊  collection_e2e" in s, "the typed collection id")
    tmux.send("Enter")
    screen = tmux.wait(lambda s: "docs: 1" in status(s), "a collection in the status bar")
    assert "E2E docs" in screen
    assert "e2e-secret-token-42" not in screen
    tmux.send("F3")  # close the pane; the prompt has the focus
    tmux.wait(
        lambda s: "Collections (at most" not in s and "Web search" not in s, "the pane to close"
    )
    tmux.type("use the tools")
    tmux.wait(lambda s: "use the tools" in s, "the typed prompt")
    tmux.send("Enter")
    screen = tmux.wait(
        lambda s: (
            "wiki/read_wiki_structure" in s and "file_search" in s and "│ idle │" in status(s)
        ),
        "the tools at work in the tool log",
        timeout=30,
    )
    assert "code_execution" in screen
    assert "e2e-secret-token-42" not in screen


def test_ctrl_t_attaches_a_document_that_is_uploaded_and_read(tmux: Tmux, tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Release notes\nVersion 2 adds tools.\n", encoding="utf-8")
    tmux.send("C-t")
    tmux.wait(lambda s: "Attach an image" in s and "document" in s, "the attach dialog")
    tmux.type(str(notes))
    tmux.wait(lambda s: "text document" in s, "the document recognized in the dialog")
    tmux.send("Enter")
    tmux.wait(lambda s: "📄 notes.md" in s, "the document chip")
    tmux.type("what is in the file?")
    tmux.wait(lambda s: "what is in the file?" in s, "the typed prompt")
    tmux.send("Enter")
    screen = tmux.wait(
        lambda s: "I read notes.md" in s and "│ idle │" in status(s),
        "the reply about the document",
        timeout=30,
    )
    assert "Release notes" in screen
