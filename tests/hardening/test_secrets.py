"""The API key never appears unmasked: not in --help, the config dump,
`ask` output (text or --json, success or failure), error messages (even when
a server echoes the whole key), repr() of the client or settings, session
files, exports, or anything written under the config and data folders."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from grok_tui.api.client import RetryPolicy, XAIClient
from grok_tui.api.errors import XAIError
from grok_tui.api.events import Failed, StreamEvent
from grok_tui.chat.conversation import add_user_message, start_reply
from grok_tui.chat.session import Session
from grok_tui.chat.turn import TurnRecorder
from grok_tui.config import load_settings
from grok_tui.fake import FakeConfig, FakeServer, FakeXAI
from grok_tui.store import SessionStore
from tests.hardening.fault_cases import request

CANARY = "xai-SECRET-canary-1234567890"
#: Pieces long enough to give the key away if printed in part.
PIECES = (CANARY, "SECRET-canary", "canary-1234567890")
REPO = Path(__file__).resolve().parents[2]


def assert_clean(text: str, where: str) -> None:
    for piece in PIECES:
        assert piece not in text, f"the key leaked into {where}: {text[:300]!r}"


def assert_tree_clean(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for piece in PIECES:
                assert piece.encode() not in data, f"the key leaked into {path}"


@pytest.fixture(scope="module")
def wrong_key_server() -> Iterator[FakeServer]:
    """A fake that does not accept the canary (so it answers 400 bad key)."""
    with FakeServer(FakeXAI(FakeConfig(api_key="xai-the-right-key-000"))) as server:
        yield server


@pytest.fixture(scope="module")
def right_key_server() -> Iterator[FakeServer]:
    with FakeServer(FakeXAI(FakeConfig(api_key=CANARY))) as server:
        yield server


def run_cli(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XAI_", "GROK_TUI_"))}
    env.update(
        XAI_API_KEY=CANARY,
        GROK_TUI_CONFIG_DIR=str(tmp_path / "config"),
        GROK_TUI_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=str(REPO),
        HOME=str(tmp_path / "home"),
        NO_COLOR="1",
    )
    return subprocess.run(
        [sys.executable, "-m", "grok_tui", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        input=stdin,
    )


def test_help_and_config_dump(tmp_path: Path) -> None:
    for args in (["--help"], ["ask", "--help"], ["config"], ["sessions", "--help"]):
        done = run_cli(tmp_path, *args)
        assert done.returncode == 0, done.stderr
        assert_clean(done.stdout + done.stderr, " ".join(args))
    # The config dump does say a key is set, masked, and where it came from.
    dump = run_cli(tmp_path, "config").stdout
    assert "xai-…7890" in dump and "XAI_API_KEY" in dump
    assert_tree_clean(tmp_path)


@pytest.mark.parametrize("as_json", [False, True])
def test_ask_with_a_wrong_key(tmp_path: Path, wrong_key_server: FakeServer, as_json: bool) -> None:
    args = ["ask", "--base-url", wrong_key_server.url, "hello"]
    if as_json:
        args.insert(1, "--json")
    done = run_cli(tmp_path, *args)
    assert done.returncode == 1
    out = done.stdout + done.stderr
    assert_clean(out, "ask output")
    assert "Incorrect API key" in out
    assert_tree_clean(tmp_path)
    # What the fake received was the full key (so the test is real) and it
    # recorded only a masked form.
    rec = wrong_key_server.fake.requests[-1]
    assert not rec.auth_ok
    assert_clean(json.dumps(rec.headers), "the fake's request log")


@pytest.mark.parametrize("as_json", [False, True])
def test_ask_success(tmp_path: Path, right_key_server: FakeServer, as_json: bool) -> None:
    args = ["ask", "--base-url", right_key_server.url, "hello"]
    if as_json:
        args.insert(1, "--json")
    done = run_cli(tmp_path, *args)
    assert done.returncode == 0, done.stderr
    assert right_key_server.fake.requests[-1].auth_ok
    assert_clean(done.stdout + done.stderr, "ask output")
    assert_tree_clean(tmp_path)


# -- a server that echoes the whole key ------------------------------------------------


def _echoing_transport() -> httpx.MockTransport:
    def handler(req: httpx.Request) -> httpx.Response:
        key = req.headers["authorization"].removeprefix("Bearer ")
        if req.url.path.endswith("/language-models") or req.url.path.endswith("/models"):
            return httpx.Response(401, json={"code": "x", "error": f"bad key {key}"})
        text = req.content.decode()
        if "midstream" in text:
            body = (
                'data: {"type":"response.created","response":{"id":"r"}}\n\n'
                'data: {"type":"response.output_text.delta","delta":"partial"}\n\n'
                f'data: {{"type":"error","code":"auth","message":"key {key} revoked"}}\n\n'
            )
            return httpx.Response(
                200, headers={"content-type": "text/event-stream"}, content=body.encode()
            )
        return httpx.Response(
            400,
            json={
                "code": "Client specified an invalid argument",
                "error": f"Incorrect API key provided: {key}.",
            },
        )

    return httpx.MockTransport(handler)


async def _stream(client: XAIClient, text: str) -> list[StreamEvent]:
    return [ev async for ev in client.stream(request(text))]


@pytest.mark.parametrize("text", ["hello", "midstream"])
def test_echoed_key_is_masked_everywhere(tmp_path: Path, text: str) -> None:
    client = XAIClient(
        CANARY, "http://test/v1", transport=_echoing_transport(), retry=RetryPolicy(max_retries=0)
    )
    assert_clean(repr(client), "repr(client)")
    events = asyncio.run(_stream(client, text))
    last = events[-1]
    assert isinstance(last, Failed)
    err = last.error
    for where, value in (
        ("message", err.message),
        ("str", str(err)),
        ("repr", repr(err)),
        ("user_message", err.user_message()),
        ("args", repr(err.args)),
        ("to_dict", json.dumps(err.to_dict())),
    ):
        assert_clean(value, f"error {where}")
    # Recorded into a session, saved and exported: still masked.
    session = Session()
    add_user_message(session, text)
    reply = start_reply(session, "grok-4.3")
    recorder = TurnRecorder(reply)
    for ev in events:
        recorder.apply(ev)
    with SessionStore(tmp_path / "data") as store:
        store.save(session)
        assert_clean(store.export_markdown(session.id), "the markdown export")
        assert_clean(store.export_json(session.id), "the JSON export")
    assert_tree_clean(tmp_path)


def test_list_models_error_is_masked() -> None:
    async def go() -> XAIError:
        async with XAIClient(CANARY, "http://test/v1", transport=_echoing_transport()) as c:
            try:
                await c.list_models()
            except XAIError as exc:
                return exc
        raise AssertionError("no error")

    err = asyncio.run(go())
    assert_clean(err.user_message() + repr(err) + str(err), "list_models error")


def test_settings_repr_and_dump(tmp_path: Path) -> None:
    settings, _warnings = load_settings(
        None, environ={"XAI_API_KEY": CANARY, "GROK_TUI_CONFIG_DIR": str(tmp_path)}, cwd=tmp_path
    )
    assert settings.api_key is not None
    for text in (repr(settings), str(settings), settings.model_dump_json()):
        assert_clean(text, "settings")
