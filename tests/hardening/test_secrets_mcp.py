"""MCP tokens (config.toml `token` or the variable named by `token_env`) never
appear unmasked: not in the config dump, `ask` output (text or --json), error
messages or tool results a server echoes them in, session files, exports, the
prompt history, the screen, or anything written under the config and data
folders. The request body is the only place they go."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from grok_tui.api.chat_request import ChatRequest, InputMessage, McpTool
from grok_tui.api.client import RetryPolicy, XAIClient
from grok_tui.api.events import Failed, StreamEvent, ToolCallFinished
from grok_tui.chat.conversation import add_user_message, start_reply
from grok_tui.chat.search import SearchSettings
from grok_tui.chat.session import Session
from grok_tui.chat.tools import McpServer, ToolConfig, ToolSettings
from grok_tui.chat.turn import TurnRecorder
from grok_tui.fake import FakeServer
from grok_tui.store import SessionStore
from tests.hardening.test_secrets import CANARY, right_key_server, run_cli  # noqa: F401

FILE_TOKEN = "mcptok-FILE-canary-0123456789"
ENV_TOKEN = "mcptok-ENV-canary-9876543210"
TOKEN_PIECES = (
    FILE_TOKEN,
    ENV_TOKEN,
    "FILE-canary",
    "ENV-canary",
    "canary-0123456789",
    "canary-9876543210",
)


def assert_clean(text: str, where: str) -> None:
    for piece in TOKEN_PIECES:
        assert piece not in text, f"an MCP token leaked into {where}: {text[:300]!r}"


def assert_tree_clean(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file() and path.name != "config.toml":
            data = path.read_bytes()
            for piece in TOKEN_PIECES:
                assert piece.encode() not in data, f"an MCP token leaked into {path}"


def write_config(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(
        f'[[mcp]]\nlabel = "filetok"\nurl = "https://mcp.example.com/mcp"\ntoken = "{FILE_TOKEN}"\n\n'
        '[[mcp]]\nlabel = "envtok"\nurl = "https://mcp2.example.com/sse"\n'
        'token_env = "MCP_CANARY_TOKEN"\n',
        encoding="utf-8",
    )
    path.chmod(0o644)
    return path


def test_config_dump_and_file_mode(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    done = run_cli(tmp_path, "config")
    assert done.returncode == 0, done.stderr
    assert_clean(done.stdout + done.stderr, "the config dump")
    assert "mcp.filetok" in done.stdout and "token: in the file (hidden)" in done.stdout
    assert path.stat().st_mode & 0o777 == 0o600  # a file holding a token is made private
    assert_tree_clean(tmp_path)


@pytest.mark.parametrize("as_json", [False, True])
def test_ask_output(
    tmp_path: Path,
    right_key_server: FakeServer,
    as_json: bool,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_config(tmp_path)
    monkeypatch.setenv("MCP_CANARY_TOKEN", ENV_TOKEN)
    args = [
        "ask",
        "--base-url",
        right_key_server.url,
        "--mcp",
        "filetok",
        "--mcp",
        "envtok",
        "use them",
    ]
    if as_json:
        args.insert(1, "--json")
    import os

    env_before = os.environ.get("MCP_CANARY_TOKEN")
    assert env_before == ENV_TOKEN
    done = run_cli(tmp_path, *args)
    assert done.returncode == 0, done.stderr
    assert_clean(done.stdout + done.stderr, "ask output")
    assert_tree_clean(tmp_path)
    # The tokens did reach the request body (so the test is real) ...
    body = right_key_server.fake.requests[-1].json
    auths = [t.get("authorization") for t in body["tools"]]
    assert f"Bearer {FILE_TOKEN}" in auths
    # ... and the fake never echoes them back.


def _echoing_transport() -> httpx.MockTransport:
    """A server whose MCP call echoes the token in its error and output."""

    def handler(req: httpx.Request) -> httpx.Response:
        body = json.loads(req.content)
        token = body["tools"][0]["authorization"]
        item = {
            "id": "mcp_1",
            "type": "mcp_call",
            "server_label": "filetok",
            "name": "q",
            "arguments": json.dumps({"auth": token}),
            "status": "failed",
            "error": f"401 from server: {token} rejected",
            "output": f"echo {token}",
        }
        frames = [
            {"type": "response.created", "response": {"id": "r"}},
            {"type": "response.output_item.done", "item": item, "output_index": 0},
            {"type": "error", "code": "auth", "message": f"MCP auth {token} failed"},
        ]
        data = "".join(f"data: {json.dumps(f)}\n\n" for f in frames)
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=data.encode()
        )

    return httpx.MockTransport(handler)


def test_echoed_token_is_masked_in_events_sessions_and_exports(tmp_path: Path) -> None:
    tool = McpTool(
        server_url="https://mcp.example.com/mcp",
        server_label="filetok",
        authorization=f"Bearer {FILE_TOKEN}",
    )
    assert_clean(repr(tool), "repr(McpTool)")
    request = ChatRequest(model="grok-4.3", messages=(InputMessage("user", "x"),), tools=(tool,))
    assert_clean(repr(request), "repr(ChatRequest)")
    client = XAIClient(
        CANARY, "http://test/v1", transport=_echoing_transport(), retry=RetryPolicy(max_retries=0)
    )

    async def go() -> list[StreamEvent]:
        async with client:
            return [ev async for ev in client.stream(request)]

    events = asyncio.run(go())
    finished = next(e for e in events if isinstance(e, ToolCallFinished))
    assert finished.error is not None and "rejected" in finished.error  # masked, not dropped
    for ev in events:
        text = json.dumps(ev.__repr__())
        assert_clean(text, f"event {ev.kind}")
    last = events[-1]
    assert isinstance(last, Failed)
    assert_clean(last.error.user_message() + str(last.error), "the error")
    session = Session(search=SearchSettings(tools=ToolSettings(mcp=["filetok"])))
    add_user_message(session, "x")
    reply = start_reply(session, "grok-4.3")
    recorder = TurnRecorder(reply)
    for ev in events:
        recorder.apply(ev)
    with SessionStore(tmp_path / "data") as store:
        store.save(session)
        assert_clean(store.export_markdown(session.id), "the markdown export")
        assert_clean(store.export_json(session.id), "the JSON export")
    assert_tree_clean(tmp_path)


async def test_tui_session_file_history_and_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from grok_tui.backend import Backend
    from grok_tui.config import Settings
    from grok_tui.fake import FakeConfig, FakeTransport, FakeXAI
    from grok_tui.store.prompt_history import default_path as prompt_history_path
    from grok_tui.ui.app import GrokApp
    from tests.ui.conftest import wait_for

    monkeypatch.setenv("GROK_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("GROK_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MCP_CANARY_TOKEN", ENV_TOKEN)
    fake = FakeXAI(FakeConfig(api_key=CANARY))
    client = XAIClient(
        CANARY,
        "http://fake.invalid/v1",
        transport=FakeTransport(fake),
        retry=RetryPolicy(max_retries=0),
    )
    config = ToolConfig(
        mcp_servers=[
            McpServer(label="filetok", url="https://mcp.example.com/mcp", token=FILE_TOKEN),  # type: ignore[arg-type]
            McpServer(
                label="envtok", url="https://mcp2.example.com/sse", token_env="MCP_CANARY_TOKEN"
            ),
        ]
    )
    backend = Backend(client=client, demo=False, fake=fake, tool_config=config)
    defaults = SearchSettings(tools=ToolSettings(mcp=["filetok", "envtok"]))
    store = SessionStore(tmp_path / "data")
    app = GrokApp(backend=backend, store=store, settings=Settings(search=defaults))
    async with app.run_test(size=(160, 50)) as pilot:
        chat = app.chat
        # The prompt history masks the tokens as it does API keys.
        assert {FILE_TOKEN, ENV_TOKEN} <= set(app.api_keys())
        chat.prompt.set_text("why does it fail? scenario:mcp_error")
        chat.prompt.focus()
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: not chat.is_streaming and len(chat.session.messages) == 2,
            what="the reply",
        )
        sent = [r for r in fake.requests if r.method == "POST"][-1].json
        assert [t.get("authorization") for t in sent["tools"]] == [
            f"Bearer {FILE_TOKEN}",
            f"Bearer {ENV_TOKEN}",
        ]
        await chat.checkpointer.flush()
        await pilot.press("f3")
        await pilot.pause()
        screen_text = app.export_screenshot()
        assert "filetok" in screen_text
        assert_clean(screen_text, "the screen")
        assert_clean(repr(app.settings) + repr(backend.tool_config), "repr")
        assert_clean(store.export_markdown(chat.session.id), "the export")
        assert_clean(store.export_json(chat.session.id), "the JSON export")
    history_text = prompt_history_path().read_text(encoding="utf-8")
    assert "why does" in history_text
    assert_clean(history_text, "the prompt history")
    session_file = next((tmp_path / "data").rglob(f"{chat.session.id}*.json"))
    saved = json.loads(session_file.read_text(encoding="utf-8"))
    assert saved["search"]["tools"]["mcp"] == ["filetok", "envtok"]  # labels only
    assert_tree_clean(tmp_path)  # session files, index, history, logs
