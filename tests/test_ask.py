"""`grok-tui ask` end to end against the loopback fake: stdout/stderr, --json,
the exact tools JSON each filter flag produces, exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grok_tui.ask import run_ask
from grok_tui.chat.tool_arguments import summarize_arguments
from grok_tui.cli import build_parser
from grok_tui.fake import FakeConfig, FakeServer, FakeXAI

ROOT = Path(__file__).resolve().parents[1]
KEY = "xai-ask-test-key-000111"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(scope="module")
def _server() -> Iterator[FakeServer]:
    with FakeServer(FakeXAI(FakeConfig(api_key=KEY))) as server:
        yield server


@pytest.fixture()
def server(_server: FakeServer) -> FakeServer:
    _server.fake.reset()
    _server.fake.config = FakeConfig(api_key=KEY)
    return _server


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Isolated config/data folders, the fake's key, a clean working folder."""
    values = {
        "GROK_TUI_CONFIG_DIR": str(tmp_path / "config"),
        "GROK_TUI_DATA_DIR": str(tmp_path / "data"),
        "XAI_API_KEY": KEY,
    }
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    for k in list(os.environ):
        if k.startswith("GROK_TUI_") and k not in values:
            monkeypatch.delenv(k)
    monkeypatch.chdir(tmp_path)
    return values


def cli(
    server: FakeServer, env: dict[str, str], *argv: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "grok_tui", "ask", "--base-url", server.url, *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
        cwd=env["GROK_TUI_DATA_DIR"].rsplit("/", 1)[0],
    )


def ask(server: FakeServer | None, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    """In-process run (fast) of `grok-tui ask ...`."""
    base = ["ask", "--base-url", server.url] if server is not None else ["ask"]
    args = build_parser().parse_args([*base, *argv])
    out, err = io.StringIO(), io.StringIO()
    code = run_ask(args, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def posts(server: FakeServer) -> list[Any]:
    return [r for r in server.fake.requests if r.method == "POST"]


# -- end to end (subprocess) ---------------------------------------------------------


def test_answer_streams_to_stdout_usage_to_stderr(server: FakeServer, env: dict[str, str]) -> None:
    proc = cli(server, env, "Say hello scenario:plain")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()
    assert "tokens in" in proc.stderr and "$" not in proc.stdout
    (rec,) = posts(server)
    assert rec.auth_ok and rec.path == "/v1/responses"
    assert rec.json["input"] == [{"role": "user", "content": "Say hello scenario:plain"}]
    assert KEY not in proc.stdout + proc.stderr


def test_filter_flags_tools_json_end_to_end(server: FakeServer, env: dict[str, str]) -> None:
    proc = cli(
        server,
        env,
        "news scenario:search",
        "--allow-domain",
        "https://www.X.ai/news",
        "--allow-domain",
        "wikipedia.org",
        "--allow-handle",
        "@xai",
        "--from-date",
        "2025-11-01",
        "--to-date",
        "2025-12-01",
        "--image-understanding",
        "--video-understanding",
        "--reasoning-effort",
        "high",
        "--max-turns",
        "4",
    )
    assert proc.returncode == 0, proc.stderr
    body = posts(server)[-1].json
    assert body["tools"] == [
        {
            "type": "web_search",
            "allowed_domains": ["x.ai", "wikipedia.org"],
            "enable_image_understanding": True,
        },
        {
            "type": "x_search",
            "allowed_x_handles": ["xai"],
            "from_date": "2025-11-01",
            "to_date": "2025-12-01",
            "enable_image_understanding": True,
            "enable_video_understanding": True,
        },
    ]
    assert body["reasoning"] == {"effort": "high"} and body["max_turns"] == 4
    assert "tool " in proc.stderr and "sources:" in proc.stderr


def test_json_output_is_ndjson_events(server: FakeServer, env: dict[str, str]) -> None:
    proc = cli(server, env, "hello scenario:plain", "--json")
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert events[0]["kind"] == "response_started"
    assert events[-1]["kind"] == "completed"
    text = "".join(e["text"] for e in events if e["kind"] == "text_delta")
    assert text == events[-1]["text"]


def test_api_error_exit_1_with_user_message(server: FakeServer, env: dict[str, str]) -> None:
    server.fake.queue_scenarios(["error_429_billing"])
    proc = cli(server, env, "hello")
    assert proc.returncode == 1
    assert "credits" in proc.stderr and "console.x.ai" in proc.stderr
    assert proc.stdout == ""


def test_invalid_filters_exit_2_before_any_request(server: FakeServer, env: dict[str, str]) -> None:
    proc = cli(server, env, "hello", "--allow-handle", "not a handle!", "--from-date", "2025-02-30")
    assert proc.returncode == 2
    assert "x.handles" in proc.stderr and "not a valid X handle" in proc.stderr
    assert "x.from_date" in proc.stderr
    assert posts(server) == []


def test_demo_needs_no_key(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "GROK_TUI_CONFIG_DIR": str(tmp_path / "c"),
        "GROK_TUI_DATA_DIR": str(tmp_path / "d"),
        "GROK_TUI_DEMO_RATE": "5000",
    }
    env.pop("XAI_API_KEY", None)
    proc = subprocess.run(
        [sys.executable, "-m", "grok_tui", "ask", "--demo", "hi there"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()


# -- in process ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "tools"),
    [
        (["--web-search"], [{"type": "web_search"}]),
        (["--x-search"], [{"type": "x_search"}]),
        (
            ["--exclude-domain", "spam.com"],
            [{"type": "web_search", "excluded_domains": ["spam.com"]}],
        ),
        (
            ["--exclude-handle", "bot1", "--exclude-handle", "@Bot2"],
            [{"type": "x_search", "excluded_x_handles": ["bot1", "Bot2"]}],
        ),
        (
            ["--web-search", "--image-understanding"],
            [{"type": "web_search", "enable_image_understanding": True}],
        ),
        (["--video-understanding"], [{"type": "x_search", "enable_video_understanding": True}]),
        (["--from-date", "2025-01-01"], [{"type": "x_search", "from_date": "2025-01-01"}]),
        (["--web-search", "--x-search"], [{"type": "web_search"}, {"type": "x_search"}]),
    ],
)
def test_each_filter_flag_exact_tools_json(
    server: FakeServer, env: dict[str, str], flags: list[str], tools: list[dict[str, Any]]
) -> None:
    code, _out, err = ask(server, "q scenario:plain", *flags)
    assert code == 0, err
    assert posts(server)[-1].json["tools"] == tools


def test_no_search_flags_no_tools(server: FakeServer, env: dict[str, str]) -> None:
    code, _out, _err = ask(server, "q scenario:plain")
    assert code == 0
    body = posts(server)[-1].json
    assert "tools" not in body and "max_turns" not in body
    # Privacy by default: the server is told not to keep the response.
    assert body["store"] is False


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        # Settings that would do nothing are refused, not silently dropped.
        (["--max-turns", "3"], "--max-turns applies only with --web-search or --x-search"),
        (["--image-understanding"], "--image-understanding applies to web or X search"),
        # One rule with the TUI: a reasoning effort the model refuses is never sent.
        (
            ["--model", "grok-4-1-fast-reasoning", "--reasoning-effort", "high"],
            "grok-4-1-fast-reasoning takes no reasoning effort",
        ),
        (
            ["--model", "grok-4.3", "--reasoning-effort", "xhigh"],
            "grok-4.3 does not take reasoning effort 'xhigh' (it takes none, low, medium, high)",
        ),
        (
            ["--model", "grok-4.20-non-reasoning", "--reasoning-effort", "low"],
            "takes no reasoning effort",
        ),
    ],
)
def test_settings_that_cannot_work_exit_2_before_any_request(
    server: FakeServer, env: dict[str, str], flags: list[str], needle: str
) -> None:
    code, out, err = ask(server, "q scenario:plain", *flags)
    assert (code, out) == (2, ""), err
    assert needle in err
    assert posts(server) == []


def test_image_to_text_only_model_refused(
    server: FakeServer, env: dict[str, str], tmp_path: Path
) -> None:
    img = tmp_path / "a.png"
    img.write_bytes(PNG_BYTES)
    code, out, err = ask(server, "what is this", "--model", "grok-3-mini", "--image", str(img))
    assert (code, out) == (2, "")
    assert "grok-3-mini reads text only and cannot take an image" in err
    assert posts(server) == []


def test_api_key_in_prompt_refused(server: FakeServer, env: dict[str, str]) -> None:
    code, out, err = ask(server, f"my key is {KEY} please remember")
    assert (code, out) == (2, "")
    assert "contains your API key" in err and KEY not in err
    assert posts(server) == []


def test_store_responses_config_sends_store_true(server: FakeServer, env: dict[str, str]) -> None:
    cfg = Path(env["GROK_TUI_CONFIG_DIR"])
    cfg.mkdir(parents=True, exist_ok=True)
    (cfg / "config.toml").write_text("store_responses = true\n", encoding="utf-8")
    code, _out, err = ask(server, "q scenario:plain")
    assert code == 0, err
    assert posts(server)[-1].json["store"] is True


def test_valid_effort_is_sent(server: FakeServer, env: dict[str, str]) -> None:
    code, _out, err = ask(
        server, "q scenario:plain", "--model", "grok-4.3", "--reasoning-effort", "high"
    )
    assert code == 0, err
    assert posts(server)[-1].json["reasoning"] == {"effort": "high"}


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        (["--allow-domain", "a.com", "--exclude-domain", "b.com"], "not both"),
        ([*sum((["--allow-domain", f"d{i}.com"] for i in range(6)), [])], "at most 5"),
        (["--allow-domain", "not a domain"], "web.domains"),
        (["--from-date", "2025-12-01", "--to-date", "2025-11-01"], "after the to-date"),
        (["--reasoning-effort", "extreme"], "reasoning_effort"),
        (["--max-turns", "0"], "max_turns"),
    ],
)
def test_invalid_settings_exit_2(
    server: FakeServer, env: dict[str, str], flags: list[str], needle: str
) -> None:
    code, out, err = ask(server, "q", *flags)
    assert code == 2 and out == ""
    assert needle in err
    assert posts(server) == []


def test_image_file_sent_as_data_uri(
    server: FakeServer, env: dict[str, str], tmp_path: Path
) -> None:
    img = tmp_path / "pic.png"
    img.write_bytes(PNG_BYTES)
    code, _out, err = ask(
        server,
        "what is this? scenario:plain",
        "--image",
        str(img),
        "--image",
        "https://example.com/cat.jpg",
    )
    assert code == 0, err
    content = posts(server)[-1].json["input"][0]["content"]
    assert content[0]["type"] == "input_image"
    assert content[0]["image_url"].startswith("data:image/png;base64,")
    assert content[1] == {"type": "input_image", "image_url": "https://example.com/cat.jpg"}
    assert content[2] == {"type": "input_text", "text": "what is this? scenario:plain"}


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (
            lambda p: (p / "fake.png").write_text("hello") and str(p / "fake.png"),
            "not a PNG or JPEG",
        ),
        (lambda p: str(p / "missing.png"), "file not found"),
        (lambda p: "ftp://example.com/a.png", "http(s)"),
        (lambda p: str(p), "not a file"),
    ],
)
def test_image_refused_with_reason(
    server: FakeServer, env: dict[str, str], tmp_path: Path, make: Any, needle: str
) -> None:
    code, _out, err = ask(server, "q", "--image", make(tmp_path))
    assert code == 2 and needle in err
    assert posts(server) == []


def test_image_over_20_mib_refused(server: FakeServer, env: dict[str, str], tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    with big.open("wb") as fh:
        fh.write(PNG_BYTES)
        fh.truncate(20 * 1024 * 1024 + 1)
    code, _out, err = ask(server, "q", "--image", str(big))
    assert code == 2 and "20 MiB" in err


def test_schema_file_becomes_structured_output(
    server: FakeServer, env: dict[str, str], tmp_path: Path
) -> None:
    schema = {"title": "Answer", "type": "object", "properties": {"a": {"type": "string"}}}
    (tmp_path / "s.json").write_text(json.dumps(schema))
    code, _out, err = ask(server, "q scenario:plain", "--schema", str(tmp_path / "s.json"))
    assert code == 0, err
    assert posts(server)[-1].json["text"] == {
        "format": {"type": "json_schema", "name": "Answer", "schema": schema, "strict": True}
    }
    (tmp_path / "bad.json").write_text("[1, 2")
    code, _out, err = ask(server, "q", "--schema", str(tmp_path / "bad.json"))
    assert code == 2 and "not valid JSON" in err


def test_chat_api_uses_response_format_and_drops_tools(
    server: FakeServer, env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "s.json").write_text('{"type": "object"}')
    code, _out, err = ask(
        server,
        "q scenario:plain",
        "--api",
        "chat",
        "--web-search",
        "--system",
        "Be brief.",
        "--schema",
        str(tmp_path / "s.json"),
    )
    assert code == 0, err
    body = posts(server)[-1].json
    assert posts(server)[-1].path == "/v1/chat/completions"
    assert "tools" not in body and "search_parameters" not in body
    assert body["messages"][0] == {"role": "system", "content": "Be brief."}
    assert body["response_format"]["type"] == "json_schema"
    assert "Responses API" in err


def test_system_prompt_is_instructions_on_responses(
    server: FakeServer, env: dict[str, str]
) -> None:
    code, _out, _err = ask(server, "q scenario:plain", "--system", "Be brief.")
    assert code == 0
    assert posts(server)[-1].json["instructions"] == "Be brief."


def test_prompt_from_stdin(server: FakeServer, env: dict[str, str]) -> None:
    code, out, _err = ask(server, "-", stdin="from stdin scenario:plain\n")
    assert code == 0 and out.strip()
    assert posts(server)[-1].json["input"][0]["content"] == "from stdin scenario:plain\n"
    code, _out, err = ask(server, "-", stdin="   ")
    assert code == 2 and "empty" in err


def test_no_key_and_no_base_url_suggests_demo(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XAI_API_KEY")
    code, out, err = ask(None, "hello")
    assert code == 2 and out == "" and "--demo" in err


def test_dropped_stream_keeps_partial_text_and_exits_1(
    server: FakeServer, env: dict[str, str]
) -> None:
    code, out, err = ask(server, "q scenario:drop")
    assert code == 1
    assert out.startswith("The answer starts streaming here")
    assert "partial" in err and "interrupted" not in out


def test_retry_is_reported_on_stderr(
    server: FakeServer, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import grok_tui.ask as ask_mod
    from grok_tui.api.client import RetryPolicy

    delays: list[float] = []

    async def no_sleep(seconds: float) -> None:
        delays.append(seconds)

    monkeypatch.setattr(ask_mod, "RETRY_POLICY", RetryPolicy(sleep=no_sleep))
    server.fake.queue_scenarios(["error_503", "plain"])
    code, out, err = ask(server, "q")
    assert code == 0, err
    assert "retrying in" in err and "(attempt 1)" in err and out.strip()
    assert len(delays) == 1 and len(posts(server)) == 2


def test_tool_lines_and_json_mode_errors(server: FakeServer, env: dict[str, str]) -> None:
    code, out, err = ask(server, "news scenario:search", "--web-search", "--x-search")
    assert code == 0
    tool_lines = [line for line in err.splitlines() if line.startswith("tool ")]
    assert tool_lines and all(line.rstrip().endswith("s") for line in tool_lines)
    server.fake.queue_scenarios(["error_404"])
    code, out, err = ask(server, "q", "--json")
    assert code == 1
    last = json.loads(out.splitlines()[-1])
    assert last["kind"] == "failed" and last["error"]["type"] == "not_found"


def test_summarize_arguments() -> None:
    """`ask` and the tool log share one summary (grok_tui.chat.tool_arguments)."""
    from grok_tui.chat.formatting import summarize_arguments as tool_log_summary

    assert tool_log_summary is summarize_arguments
    query = '{"query":"from:xai grok","limit":20}'
    assert summarize_arguments("x_keyword_search", query, limit=80) == "from:xai grok"
    assert summarize_arguments("mystery", '{"limit":20,"mode":"Latest"}', limit=80) == (
        '{"limit":20,"mode":"Latest"}'
    )
    assert summarize_arguments("web_search", "not json \x1b[31m", limit=80) == "not json"
    assert summarize_arguments("web_search", "", limit=80) == ""


# -- keep-alives ------------------------------------------------------------------------


class _TtyErr(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_keep_alive_shows_waiting_progress_not_thinking() -> None:
    from grok_tui.api.events import KeepAlive, ReasoningProgress, TextDelta
    from grok_tui.ask_printer import Printer

    clock = _Clock()
    out, err = io.StringIO(), _TtyErr()
    printer = Printer(out, err, as_json=False, clock=clock)
    clock.now = 102.0
    printer.handle(KeepAlive(2.0))
    assert err.getvalue() == "\r\x1b[Kwaiting… 2s (server alive)"
    assert printer.think_t0 is None  # waiting is not thinking: no "thought for" line later
    clock.now = 103.0
    printer.handle(ReasoningProgress(3.0))
    assert err.getvalue().endswith("\r\x1b[Kthinking… 3s")
    clock.now = 104.0
    printer.handle(KeepAlive(4.0))  # once thinking, the line stays "thinking"
    assert err.getvalue().endswith("\r\x1b[Kthinking… 4s")
    printer.handle(TextDelta("Hi"))
    clock.now = 106.0
    before = err.getvalue()
    printer.handle(KeepAlive(6.0))  # after the answer began: nothing more
    assert err.getvalue() == before and out.getvalue() == "Hi"


def test_keep_alive_scenario_end_to_end(server: FakeServer, env: dict[str, str]) -> None:
    server.fake.config.keepalive_seconds = 0.01
    code, out, err = ask(server, "hello scenario:keepalive")
    assert code == 0, err
    assert out.strip() and "keep-alive" not in out and not out.startswith(":")
    code, out, err = ask(server, "hello scenario:keepalive", "--json")
    assert code == 0, err
    kinds = [json.loads(line)["kind"] for line in out.splitlines()]
    assert kinds[0] == "keep_alive"  # 3 comments in ~30 ms: one, or two on a stalled machine
    assert 1 <= kinds.count("keep_alive") <= 2
    assert kinds[-1] == "completed"


def test_ask_into_a_reader_that_closes_early_exits_quietly(tmp_path: Path) -> None:
    """`grok-tui ask --demo ... | head -5`: a real pipe whose reader goes away
    mid-answer; the command stops with SIGPIPE's status and no traceback."""

    env = {k: v for k, v in os.environ.items() if k not in ("XAI_API_KEY", "COLUMNS", "LINES")}
    env.update(
        GROK_TUI_CONFIG_DIR=str(tmp_path / "config"),
        GROK_TUI_DATA_DIR=str(tmp_path / "data"),
        GROK_TUI_DEMO_RATE="1000",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "grok_tui", "ask", "--demo", "write a long markdown essay"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.read(64)  # like `head`: a little, then close the pipe
    proc.stdout.close()
    code = proc.wait(timeout=60)
    errors = proc.stderr.read().decode()
    assert first
    assert code == 141, (code, errors)
    assert "Traceback" not in errors and "BrokenPipe" not in errors, errors


def test_cost_estimated_when_the_server_sends_none(
    server: FakeServer, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from functools import partialmethod

    from grok_tui.fake.responses_api import ResponsesWriter

    monkeypatch.setattr(
        ResponsesWriter, "usage", partialmethod(ResponsesWriter.usage, with_cost=False)
    )
    code, _out, err = ask(server, "q scenario:plain", "--model", "grok-4.3")
    assert code == 0, err
    assert "≈$" in err and "(estimated)" in err
