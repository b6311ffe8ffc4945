"""The rules of the tools beyond search (`grok_tui.chat.tools`): session
settings, `[[mcp]]`/`[collections]` parsing with warnings, tokens, request
building, old files loading, the price list in exports."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from grok_tui.api.chat_request import CodeInterpreterTool, FileSearchTool, McpTool
from grok_tui.chat.conversation import add_user_message, start_reply
from grok_tui.chat.export import session_to_markdown
from grok_tui.chat.pricing import tool_fees
from grok_tui.chat.request_builder import build_request, unsupported_on_api
from grok_tui.chat.search import SearchSettings
from grok_tui.chat.session import Session, Usage
from grok_tui.chat.tools import (
    McpServer,
    ToolConfig,
    ToolSettings,
    check_session_tools,
    has_file_tokens,
    tool_config_from,
)


def test_old_session_and_preset_files_load_with_tools_off() -> None:
    old = {"web": {"enabled": True, "domains": ["x.ai"]}, "max_turns": 3}
    s = SearchSettings.model_validate(old)
    assert s.tools == ToolSettings() and not s.tools.any_enabled
    session = Session.model_validate({"search": old, "messages": []})
    assert session.search.tools.mcp == []


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"collections": [f"collection_{i}" for i in range(11)]}, "at most 10 collections"),
        ({"collections": ["has space"]}, "is not a collection id"),
        ({"collection_results": 0}, "between 1 and 50"),
        ({"mcp": ["bad label!"]}, "is not a server label"),
    ],
)
def test_tool_settings_refuse_bad_values(data: dict[str, object], needle: str) -> None:
    with pytest.raises(ValidationError) as info:
        ToolSettings.model_validate(data)
    assert needle in str(info.value)


def test_duplicates_collapse() -> None:
    t = ToolSettings(mcp=["a", "a"], collections=["collection_1", " collection_1 "])
    assert t.mcp == ["a"] and t.collections == ["collection_1"]


def test_config_parsing_warns_and_keeps_the_good_servers() -> None:
    warnings: list[str] = []
    config = tool_config_from(
        {
            "mcp": [
                {"label": "ok", "url": "https://a.example/mcp", "allowed_tools": ["t1", "t1"]},
                {"label": "ok", "url": "https://b.example/mcp"},
                {"label": "ftp", "url": "ftp://c.example"},
                {"label": "cred", "url": "https://user:pw@d.example"},
                {"label": "tool", "url": "https://e.example", "allowed_tools": ["bad tool"]},
                {"label": "extra", "url": "https://f.example", "colour": "red"},
                "not a table",
            ],
            "collections": {"collection_1": "Docs", "bad id!": "x", "collection_2": 3},
        },
        "config.toml",
        warnings,
    )
    assert config.labels == ["ok"]
    assert config.server("ok").allowed_tools == ["t1"]  # type: ignore[union-attr]
    assert config.collection_names == {"collection_1": "Docs"}
    text = "\n".join(warnings)
    for needle in (
        "the label is used twice",
        "is not an http(s) URL",
        "not in the URL",
        "is not an MCP tool name",
        "colour",
        "mcp #7 must be a table",
        "is not a collection id",
        "collections.collection_2 must be a name",
    ):
        assert needle in text, needle


def test_tokens_env_first_then_file_and_never_in_repr() -> None:
    server = McpServer(
        label="s", url="https://s.example", token_env="TOK_VAR", token="file-token-123456"
    )  # type: ignore[arg-type]
    assert server.token_value({"TOK_VAR": "env-token-654321"}) == "env-token-654321"
    assert server.token_value({}) == "file-token-123456"
    assert server.authorization({}) == "Bearer file-token-123456"
    assert "file-token" not in repr(server) and "file-token" not in server.model_dump_json()
    unset = McpServer(label="n", url="https://n.example", token_env="NOPE_X")
    assert unset.token_problem({}) == "the environment variable NOPE_X is not set"
    assert unset.authorization({}) is None
    assert has_file_tokens({"mcp": [{"token": "x"}]}) and not has_file_tokens({"mcp": [{}]})


def test_build_request_with_every_tool_and_unknown_labels() -> None:
    config = ToolConfig(
        mcp_servers=[McpServer(label="wiki", url="https://w.example/mcp", headers={"X-Team": "a"})]
    )
    session = Session(
        search=SearchSettings(
            tools=ToolSettings(
                code_execution=True,
                mcp=["wiki", "gone"],
                collections=["collection_1"],
                collection_results=3,
            )
        )
    )
    add_user_message(session, "hi")
    req = build_request(session, tool_config=config)
    assert req.tools == (
        CodeInterpreterTool(),
        McpTool(
            server_url="https://w.example/mcp", server_label="wiki", headers=(("X-Team", "a"),)
        ),
        FileSearchTool(vector_store_ids=("collection_1",), max_num_results=3),
    )
    assert check_session_tools(session.search.tools, config) == [
        "MCP server gone is not defined in config.toml; not sent"
    ]
    assert build_request(session, api="chat", tool_config=config).tools == ()
    assert unsupported_on_api(session.search, "chat") == [
        "code execution",
        "MCP servers",
        "collections search",
    ]


def test_tool_fees_and_the_export_line() -> None:
    assert tool_fees({"code_execution": 1, "file_search": 2, "mcp": 4}) == pytest.approx(0.01)
    assert tool_fees({"mcp": 3}) is None
    session = Session()
    add_user_message(session, "hi")
    reply = start_reply(session, "grok-4.3")
    reply.status = "complete"  # type: ignore[assignment]
    reply.text = "done"
    reply.usage = Usage(server_side_tool_calls={"code_execution": 1, "file_search": 2, "mcp": 1})
    md = session_to_markdown(session)
    assert "tools: code_execution ×1, file_search ×2, mcp ×1" in md
    assert "tool fees $0.0100" in md


# -- with issue 13 (preflight, status bar, request options) -----------------------


def test_chat_api_names_every_tool_it_leaves_out() -> None:
    from grok_tui.chat.formatting import sent_search_summary
    from grok_tui.chat.preflight import preflight

    tools_only = SearchSettings(tools=ToolSettings(code_execution=True, mcp=["wiki"]))
    found = preflight(model="grok-4.3", api="chat", settings=tools_only)
    note = next(f.text for f in found if f.kind == "search_on_chat")
    assert note.startswith("code execution and MCP servers not sent: server-side tools")
    assert sent_search_summary(tools_only, model="grok-4.3", api="chat") == (
        "tools not sent (chat API)"
    )
    assert sent_search_summary(tools_only, model="grok-4.3", api="responses") == "code  mcp: wiki"
    both = tools_only.model_copy(deep=True)
    both.web.enabled = True
    assert sent_search_summary(both, model="grok-4.3", api="chat") == (
        "search and tools not sent (chat API)"
    )
    # max turns with only a tool on is sent (a server-side tool is on).
    with_turns = tools_only.model_copy(update={"max_turns": 3})
    kinds = [f.kind for f in preflight(model="grok-4.3", api="responses", settings=with_turns)]
    assert "max_turns_without_tools" not in kinds


def test_documents_and_reasoning_items_survive_merged_user_messages() -> None:
    from grok_tui.api.chat_request import FilePart
    from grok_tui.chat.request_builder import RequestOptions
    from grok_tui.chat.session import Attachment, MessageStatus

    search = SearchSettings(tools=ToolSettings(code_execution=True))
    session = Session(model="grok-4.3", search=search)
    add_user_message(session, "first")
    reply = start_reply(session, "grok-4.3")
    reply.text, reply.status = "ok", MessageStatus.COMPLETE
    reply.reasoning_items = [{"type": "reasoning", "id": "rs_1", "encrypted_content": "blob"}]
    doc = Attachment(
        source="file",
        kind="document",
        name="a.pdf",
        path="/x/a.pdf",
        mime_type="application/pdf",
        file_id="file_1",
    )
    add_user_message(session, "read this", [doc])
    add_user_message(session, "and this", [doc.model_copy(update={"file_id": "file_2"})])
    req = build_request(session, options=RequestOptions())
    assert [m.role for m in req.messages] == ["user", "assistant", "user"]
    assert req.messages[1].items_before == (
        {"type": "reasoning", "id": "rs_1", "encrypted_content": "blob"},
    )
    assert req.messages[2].text == "read this\n\nand this"
    assert req.messages[2].files == (FilePart("file_1"), FilePart("file_2"))
    assert req.tools == (CodeInterpreterTool(),) and req.store is False


@pytest.mark.parametrize(
    ("prompt", "tools", "scenario"),
    [
        ("hello", [{"type": "web_search"}], "search"),
        ("hello", [{"type": "web_search"}, {"type": "code_interpreter"}], "tools"),
        ("latest news", [{"type": "web_search"}, {"type": "code_interpreter"}], "search"),
        ("hello", [{"type": "code_interpreter"}], "tools"),
    ],
)
def test_fake_picks_search_or_tools(
    prompt: str, tools: list[dict[str, str]], scenario: str
) -> None:
    from grok_tui.fake import resolve_model
    from grok_tui.fake.parsed_request import parse
    from grok_tui.fake.scenarios import heuristic_scenario

    model = resolve_model("grok-4.3")
    assert model is not None
    body = {"model": "grok-4.3", "input": prompt, "tools": tools}
    assert heuristic_scenario(parse("responses", body, model), model) == scenario
