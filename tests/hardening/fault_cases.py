"""The fault matrix: every fault the fake can produce, what the client
reports, what the running app shows and what it keeps. Shared by
`test_fault_matrix.py` (client level), `tests/ui/test_fault_matrix_app.py`
(the app, through Pilot) and `make_fault_matrix.py` (which writes
docs/fault-matrix.md from both)."""

from __future__ import annotations

import asyncio
import re
import socket
from dataclasses import dataclass
from typing import Any, Literal

from grok_tui.api.chat_request import ChatRequest, InputMessage
from grok_tui.api.client import RetryPolicy, Timeouts, XAIClient
from grok_tui.api.errors import XAIError
from grok_tui.api.events import Completed, Failed, StreamEvent
from grok_tui.fake import FakeConfig, FakeServer, FakeXAI
from tests.hardening.tool_faults import tool_faults_markdown

KEY = "xai-SECRET-canary-1234567890"
WRONG_KEY = "xai-SECRET-canary-WRONG-9876543210"
READ_TIMEOUT = 0.4


@dataclass(frozen=True)
class FaultCase:
    name: str  # what the user meets, for the table
    scenario: str | None  # the fake's scenario; None = special (see `special`)
    kind: str  # expected XAIError.kind ("" = the stream completes)
    partial: bool = False  # content delivered before the fault is kept
    special: str = ""  # "closed_port" | "wrong_key"
    status: int | None = None


CASES: tuple[FaultCase, ...] = (
    FaultCase("401 no credentials", "error_401", "auth", status=401),
    FaultCase(
        "400 incorrect API key (wrong key sent)", None, "auth", special="wrong_key", status=400
    ),
    FaultCase("403 no permission for the model", "error_403", "permission", status=403),
    FaultCase("404 unknown model", "error_404", "not_found", status=404),
    FaultCase("410 Live Search retired", "error_410", "gone", status=410),
    FaultCase("422 malformed request body", "error_422", "invalid_request", status=422),
    FaultCase("429 rate limit with Retry-After", "error_429", "rate_limited", status=429),
    FaultCase(
        "429 rate limit without Retry-After", "error_429_no_retry_after", "rate_limited", status=429
    ),
    FaultCase("429 at capacity", "error_429_capacity", "rate_limited", status=429),
    FaultCase("429 credits used up", "error_429_billing", "billing", status=429),
    FaultCase("500 internal error", "error_500", "server", status=500),
    FaultCase("503 unavailable", "error_503", "server", status=503),
    FaultCase("200 with a JSON error body", "error_200_json", "server", status=200),
    FaultCase("`error` event mid-stream", "error_event", "server", partial=True),
    FaultCase('nested `{"error":{...}}` frame mid-stream', "error_nested", "server", partial=True),
    FaultCase("`response.failed` mid-stream", "response_failed", "server", partial=True),
    FaultCase("connection dropped mid-stream", "drop", "stream_interrupted", partial=True),
    FaultCase(
        f"stall past the read timeout ({READ_TIMEOUT:g} s)", "stall", "timeout", partial=True
    ),
    FaultCase("server not listening (closed port)", None, "connection", special="closed_port"),
    FaultCase("malformed SSE frames mixed in", "malformed", ""),
    FaultCase("unknown event and item types", "unknown_events", ""),
)


# ---------------------------------------------------------------------------
# The app level (tests/ui/test_fault_matrix_app.py drives GrokApp through Pilot
# against the loopback fake, with a real SessionStore, and asserts these rows).

#: Retries of the app's client in the UI matrix (its sleep is a no-op).
UI_MAX_RETRIES = 2
#: The notice above the prompt when a request failed before any content arrived.
UI_NOTICE = "✖ Not sent — {message} Your message is back in the prompt (Enter or Ctrl+R resends)."
#: The first footer line of a reply that failed after content arrived.
UI_FOOTER = "✖ {message}  (Ctrl+R retry)"

#: notice: nothing arrived - the turn is taken out and the prompt restored;
#: reply: content arrived - the partial reply stays, marked failed;
#: answer: the turn completes.
Surface = Literal["notice", "reply", "answer"]


@dataclass(frozen=True)
class UiCase:
    case: FaultCase
    surface: Surface
    retries: int = 0  # retries the client makes (one tool-log row each)
    queue: tuple[str, ...] = ()  # the fake's scenarios for this turn

    @property
    def name(self) -> str:
        return self.case.name

    @property
    def client_level(self) -> bool:
        """Also a row of the client-level matrix (CASES)."""
        return self.case in CASES


# What the app does for each client-level case: where the error shows and how
# often the client retries before giving up (retryable errors before content).
_UI_TABLE: dict[str, tuple[Surface, int]] = {
    "401 no credentials": ("notice", 0),
    "400 incorrect API key (wrong key sent)": ("notice", 0),
    "403 no permission for the model": ("notice", 0),
    "404 unknown model": ("notice", 0),
    "410 Live Search retired": ("notice", 0),
    "422 malformed request body": ("notice", 0),
    "429 rate limit with Retry-After": ("notice", UI_MAX_RETRIES),
    "429 rate limit without Retry-After": ("notice", UI_MAX_RETRIES),
    "429 at capacity": ("notice", UI_MAX_RETRIES),
    "429 credits used up": ("notice", 0),
    "500 internal error": ("notice", UI_MAX_RETRIES),
    "503 unavailable": ("notice", UI_MAX_RETRIES),
    "200 with a JSON error body": ("notice", UI_MAX_RETRIES),
    "`error` event mid-stream": ("reply", 0),
    'nested `{"error":{...}}` frame mid-stream': ("reply", 0),
    "`response.failed` mid-stream": ("reply", 0),
    "connection dropped mid-stream": ("reply", 0),
    f"stall past the read timeout ({READ_TIMEOUT:g} s)": ("reply", 0),
    "server not listening (closed port)": ("notice", UI_MAX_RETRIES),
    "malformed SSE frames mixed in": ("answer", 0),
    "unknown event and item types": ("answer", 0),
}

#: A retry that succeeds: the user sees the answer, the tool log the retry.
RETRY_SUCCEEDS = FaultCase("503 once, then the retry succeeds", "error_503", "", status=503)

UI_CASES: tuple[UiCase, ...] = (
    *(
        UiCase(
            c,
            _UI_TABLE[c.name][0],
            _UI_TABLE[c.name][1],
            (c.scenario,) * (_UI_TABLE[c.name][1] + 1) if c.scenario else (),
        )
        for c in CASES
    ),
    UiCase(RETRY_SUCCEEDS, "answer", 1, ("error_503",)),
)


@dataclass
class Outcome:
    case: FaultCase
    events: list[StreamEvent]
    error: XAIError | None
    user_message: str
    kept_text: str
    recovered: bool | None  # next request on the same client succeeded (None: n/a)


def request(text: str) -> ChatRequest:
    return ChatRequest(model="grok-4.3", messages=(InputMessage("user", text),))


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_server() -> FakeServer:
    return FakeServer(FakeXAI(FakeConfig(api_key=KEY, stall_seconds=2.0)))


async def _collect(client: XAIClient, req: ChatRequest) -> list[StreamEvent]:
    out: list[StreamEvent] = []
    async for ev in client.stream(req):
        out.append(ev)
    return out


async def run_case(server: FakeServer, case: FaultCase) -> Outcome:
    server.fake.reset()
    base_url = server.url
    key = KEY
    if case.special == "closed_port":
        base_url = f"http://127.0.0.1:{closed_port()}/v1"
    elif case.special == "wrong_key":
        key = WRONG_KEY
    elif case.scenario is not None:
        server.fake.queue_scenarios([case.scenario])
    client = XAIClient(
        key,
        base_url,
        timeouts=Timeouts(connect=2.0, read=READ_TIMEOUT),
        retry=RetryPolicy(max_retries=0),
    )
    async with client:
        events = await asyncio.wait_for(_collect(client, request("hello")), 15)
        last = events[-1]
        error = last.error if isinstance(last, Failed) else None
        kept = last.text if isinstance(last, Failed) else ""
        recovered: bool | None = None
        if case.special != "closed_port":
            if case.special == "wrong_key":
                client._api_key = KEY  # the user fixed the key
            again = await asyncio.wait_for(_collect(client, request("hello again")), 15)
            recovered = isinstance(again[-1], Completed)
    return Outcome(case, events, error, error.user_message() if error else "", kept, recovered)


def run_all() -> list[Outcome]:
    async def main() -> list[Outcome]:
        with make_server() as server:
            return [await run_case(server, c) for c in CASES]

    return asyncio.run(main())


def _cell(text: str) -> str:
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text)
    return text.replace("|", "\\|").replace("\n", " ")


def matrix_markdown(outcomes: list[Outcome]) -> str:
    by_name = {o.case.name: o for o in outcomes}
    lines = [
        "# Fault matrix",
        "",
        "Generated by `tests/hardening/make_fault_matrix.py` from the cases in",
        "`tests/hardening/fault_cases.py`; `tests/hardening/test_fault_matrix.py` fails",
        "when this file is out of date. Each fault is produced by the loopback fake",
        "server (`grok_tui.fake`).",
        "",
        "## Client level",
        "",
        "Streamed with `XAIClient.stream` (retries off, read timeout",
        f"{READ_TIMEOUT:g} s); then a second request on the same client checks that it",
        "recovers once the fault is gone (`tests/hardening/test_fault_matrix.py`).",
        "",
        "| fault | error kind | what the user sees (`user_message()`) | what is kept | next request |",
        "|---|---|---|---|---|",
    ]
    for o in outcomes:
        kind = f"`{o.error.kind}` ({type(o.error).__name__})" if o.error else "none (completes)"
        seen = _cell(o.user_message) if o.error else "the full answer"
        if o.error is None:
            kept = "everything (bad frames skipped)"
        elif o.kept_text:
            kept = f"partial text ({len(o.kept_text)} chars)"
        else:
            kept = "nothing was delivered"
        nxt = {True: "succeeds", False: "FAILS", None: "n/a"}[o.recovered]
        lines.append(f"| {_cell(o.case.name)} | {kind} | {seen} | {kept} | {nxt} |")
    lines += [
        "",
        "## In the app",
        "",
        "The running app (`GrokApp` under Textual's Pilot) against the same fake over",
        f"loopback: read timeout {READ_TIMEOUT:g} s, {UI_MAX_RETRIES} retries (no waiting), a real",
        "`SessionStore` (`tests/ui/test_fault_matrix_app.py`). Retryable faults that",
        "come before any content are queued until the retries run out. Every row is",
        "asserted: the text on screen, what is kept, the session file after the",
        "checkpointer flushed (it equals the screen: texts, statuses, error line), no",
        "raw JSON, traceback or key on screen, and the next request after the fault is",
        "gone.",
        "",
        "| fault | retries (tool log) | what the user sees in the app | what is kept | "
        "session file | next request |",
        "|---|---|---|---|---|---|",
    ]
    for ui in UI_CASES:
        o = by_name.get(ui.name)
        lines.append("| " + " | ".join(_cell(c) for c in ui_cells(ui, o)) + " |")
    lines += tool_faults_markdown()
    lines.append("")
    return "\n".join(lines)


def ui_cells(ui: UiCase, outcome: Outcome | None) -> tuple[str, str, str, str, str, str]:
    """The app-level row of `ui`: fault, retries, seen, kept, session file, next request."""
    case = ui.case
    message = outcome.user_message if outcome is not None else ""
    if ui.retries == 0:
        retries = "none"
    else:
        plural = "retries" if ui.retries != 1 else "retry"
        then = "then the answer" if ui.surface == "answer" else "then it gives up"
        rows = "a `retrying in …` row each" if ui.retries != 1 else "a `retrying in …` row"
        retries = f"{ui.retries} {plural} ({rows}), {then}"
    if ui.surface == "notice":
        seen = f"notice above the prompt: {UI_NOTICE.format(message=message)}"
        kept = "the prompt text (back in the prompt; the turn is taken out of the conversation)"
        file = "none: the new chat's only turn was taken out, so no (empty) session file is left"
        nxt = "Enter resends the restored prompt: completes"
    elif ui.surface == "reply":
        seen = f"the reply with its partial text, marked ✖ failed; footer: {UI_FOOTER.format(message=message)}"
        kept = "the partial reply (on screen and in the message); the prompt is empty"
        file = f"your message + the reply: partial text, status `failed`, error `{case.kind}`"
        nxt = "Ctrl+R retries: the failed reply is replaced by a complete one"
    else:
        seen = "the full answer, no notice"
        kept = "everything"
        file = "your message + the reply, status `complete`"
        nxt = "the next message completes"
    if case.special == "wrong_key":
        nxt = f"after entering the right key (Alt+K): {nxt}"
    elif case.special == "closed_port":
        nxt = f"once the server listens: {nxt}"
    return case.name, retries, seen, kept, file, nxt


def describe(o: Outcome) -> dict[str, Any]:
    return {
        "case": o.case.name,
        "kind": o.error.kind if o.error else None,
        "message": o.user_message,
        "kept": o.kept_text,
        "recovered": o.recovered,
    }
