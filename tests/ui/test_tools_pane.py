"""The tools pane's sections beyond search (code execution, MCP servers,
collections) inside the real app: driven with the keyboard, the exact request
the fake received for each setting, errors next to the field and never sent,
the status bar, presets, saving with the session (labels only, never a token),
new chats from the configured defaults."""

from __future__ import annotations

from typing import Any

from textual.widgets import Checkbox, Input, Static, Switch

from grok_tui.chat.search import SearchSettings
from grok_tui.chat.tools import McpServer, ToolConfig, ToolSettings
from grok_tui.ui.widgets.tools_pane import ToolsSection
from tests.ui.conftest import wait_for
from tests.ui.test_search_form import (
    editor_of,
    open_form,
    press_on,
    run_palette_command,
    send_and_get_body,
    type_keys,
)

TOKEN = "mcp-tok-9f8e7d6c5b4a3210"
CONFIG = ToolConfig(
    mcp_servers=[
        McpServer(
            label="deepwiki",
            url="https://mcp.deepwiki.com/mcp",
            description="Wiki of GitHub repos",
            allowed_tools=["read_wiki_structure"],
            token=TOKEN,
        ),  # type: ignore[arg-type]
        McpServer(label="linear", url="https://mcp.linear.app/sse", token_env="UNSET_MCP_VAR_X"),
    ],
    collection_names={"collection_8010": "Product docs"},
)


def tools_app(make_app: Any, backend: Any, **kw: Any) -> Any:
    backend.tool_config = CONFIG
    return make_app(**kw)


async def test_e2e_each_tool_from_the_pane_reaches_the_request(
    make_app: Any, backend: Any, fake: Any, store: Any
) -> None:
    app = tools_app(make_app, backend)
    async with app.run_test(size=(160, 60)) as pilot:
        form = await open_form(pilot, app)
        section = form.query_one(ToolsSection)
        await press_on(pilot, section.query_one("#code-enabled", Switch), "space")
        assert app.chat.session.search.tools.code_execution
        boxes = list(section.query(Checkbox).results(Checkbox))
        await press_on(pilot, boxes[0], "space")  # deepwiki
        assert app.chat.session.search.tools.mcp == ["deepwiki"]
        await type_keys(
            pilot, editor_of(section, "collections").input, "collection_8010", enter=True
        )
        await type_keys(pilot, section.query_one("#collection-results", Input), "4")
        status = app.chat.query_one("#status").plain
        assert "code" in status and "mcp: deepwiki" in status and "docs: 1" in status
        body = await send_and_get_body(pilot, app, fake)
        assert body["tools"] == [
            {"type": "code_interpreter"},
            {
                "type": "mcp",
                "server_url": "https://mcp.deepwiki.com/mcp",
                "server_label": "deepwiki",
                "server_description": "Wiki of GitHub repos",
                "allowed_tools": ["read_wiki_structure"],
                "authorization": f"Bearer {TOKEN}",
            },
            {"type": "file_search", "vector_store_ids": ["collection_8010"], "max_num_results": 4},
        ]
        await app.chat.checkpointer.flush()
        saved = store.saved[-1]
        assert saved["search"]["tools"] == {
            "code_execution": True,
            "mcp": ["deepwiki"],
            "collections": ["collection_8010"],
            "collection_results": 4,
        }
        assert TOKEN not in repr(saved)
        # A reply that uses them: the tool log shows each call.
        chat = app.chat
        chat.prompt.set_text("use the tools")
        chat.prompt.focus()
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: not chat.is_streaming and len(chat.session.messages) == 4,
            what="the tools reply",
        )
        log = chat.query_one("ToolLog")
        lines = "\n".join(log.plain_lines())  # type: ignore[attr-defined]
        assert "deepwiki/read_wiki_structure" in lines and "code_execution" in lines
        assert "tool calls (code_execution 1, file_search 1, mcp 1)" in " ".join(lines.split())
        reply = chat.session.messages[-1]
        assert [c.title for c in reply.citations][:1] == ["handbook.pdf"]


async def test_e2e_invalid_values_show_next_to_the_field_and_are_never_sent(
    make_app: Any, backend: Any, fake: Any
) -> None:
    app = tools_app(make_app, backend)
    async with app.run_test(size=(160, 60)) as pilot:
        form = await open_form(pilot, app)
        section = form.query_one(ToolsSection)
        collections = editor_of(section, "collections")
        await type_keys(pilot, collections.input, "collection_ok", enter=True)
        await type_keys(pilot, collections.input, "bad id!", enter=True)
        assert collections.input.value == "bad id!"  # nothing typed is lost
        assert "is not a collection id" in (collections.error or "")
        results = section.query_one("#collection-results", Input)
        await type_keys(pilot, results, "99")
        error = section.query_one("#collection-results-error", Static)
        assert error.display and "between 1 and 50" in str(error.render())
        assert set(form.errors) >= {"tools.collections", "tools.collection_results"}
        body = await send_and_get_body(pilot, app, fake)
        # Typed key by key: "9" was valid and applied; "99" is refused and never sent.
        assert body["tools"] == [
            {"type": "file_search", "vector_store_ids": ["collection_ok"], "max_num_results": 9}
        ]


async def test_eleventh_collection_is_refused(make_app: Any, backend: Any) -> None:
    app = tools_app(make_app, backend)
    async with app.run_test(size=(160, 60)) as pilot:
        form = await open_form(pilot, app)
        collections = editor_of(form.query_one(ToolsSection), "collections")
        await type_keys(
            pilot, collections.input, ",".join(f"collection_{i}" for i in range(10)), enter=True
        )
        assert len(app.chat.session.search.tools.collections) == 10
        await type_keys(pilot, collections.input, "collection_x", enter=True)
        assert "at most 10 collections" in (collections.error or "")
        assert len(app.chat.session.search.tools.collections) == 10


async def test_server_notes_and_labels_config_lacks(make_app: Any, backend: Any) -> None:
    from grok_tui.chat.session import Session

    app = tools_app(make_app, backend)
    async with app.run_test(size=(160, 60)) as pilot:
        form = await open_form(pilot, app)
        section = form.query_one(ToolsSection)
        notes = " ".join(str(s.render()) for s in section.query(".tools-pane--server-note"))
        assert "Wiki of GitHub repos" in notes
        assert "UNSET_MCP_VAR_X is not set" in notes
        assert TOKEN not in notes
        assert "Product docs = collection_8010" in str(
            section.query_one("#collection-names", Static).render()
        )
        old = SearchSettings(tools=ToolSettings(mcp=["gone-server"]))
        await app.chat.load_session(Session(search=old))
        await wait_for(pilot, lambda: len(section.query(Checkbox)) == 3, what="recompose")
        labels = [str(box.label) for box in section.query(Checkbox).results(Checkbox)]
        assert labels == ["deepwiki", "linear", "gone-server"]
        notes = " ".join(str(s.render()) for s in section.query(".tools-pane--server-note"))
        assert "not defined in config.toml: not sent" in notes


async def test_preset_covers_the_tools(make_app: Any, backend: Any, fake: Any) -> None:
    from grok_tui.config import Settings

    preset = SearchSettings(tools=ToolSettings(code_execution=True, mcp=["deepwiki"]))
    app = tools_app(make_app, backend, settings=Settings(presets={"coder": preset}))
    async with app.run_test(size=(160, 60)) as pilot:
        form = await open_form(pilot, app)
        await run_palette_command(pilot, app, "Search preset: coder")
        await wait_for(pilot, lambda: app.chat.session.search == preset, what="the preset")
        section = form.query_one(ToolsSection)
        assert section.query_one("#code-enabled", Switch).value
        assert [b.value for b in section.query(Checkbox).results(Checkbox)] == [True, False]
        body = await send_and_get_body(pilot, app, fake)
        assert [t["type"] for t in body["tools"]] == ["code_interpreter", "mcp"]


async def test_new_chat_starts_from_configured_tool_defaults(make_app: Any, backend: Any) -> None:
    from grok_tui.config import Settings

    defaults = SearchSettings(tools=ToolSettings(collections=["collection_8010"]))
    app = tools_app(make_app, backend, settings=Settings(search=defaults))
    async with app.run_test(size=(160, 60)) as pilot:
        form = await open_form(pilot, app)
        section = form.query_one(ToolsSection)
        await press_on(pilot, section.query_one("#code-enabled", Switch), "space")
        assert app.chat.session.search.tools.code_execution
        await app.chat.action_new_chat()
        await pilot.pause()
        assert app.chat.session.search == defaults
        assert not section.query_one("#code-enabled", Switch).value
        assert editor_of(section, "collections").items == ["collection_8010"]
        assert app.settings.search == defaults
