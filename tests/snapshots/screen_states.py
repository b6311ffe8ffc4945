"""Deterministic states of grok-tui's main screens, for the snapshot tests.

Everything a screenshot shows is fixed here: the sessions (ids, timestamps,
a finished search turn with reasoning, tool calls, citations and usage), the
wall clock of the widgets that show times, the store's clock, the theme, and
the backend (a client over the fake's in-process transport, never called:
nothing is sent). The time zone is UTC (`frozen_environment`).

Only public names are used (`GrokApp`, `ChatScreen`, `HelpScreen`,
`SessionBrowserScreen`, the `ToolLog` / `StatusBar` / `PromptInput`
widgets and their public `clock` attributes) and the screens are opened with
their keys (F1, F2, F3, F4), so a change of the screens' internals needs no
change here, only new baselines (see README, "Snapshot tests").

Times shown:
- the tool log shows a turn's time of day when the turn is from the day of
  its clock (`FROZEN_NOW`, injected), a date otherwise;
- the session browser compares with the real current time (it has no
  clock to inject), so every session date here is in 2024: older than any
  day the tests run on, it always shows as `2024-MM-DD`.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, TextArea

from grok_tui.api.client import RetryPolicy, XAIClient
from grok_tui.backend import Backend
from grok_tui.chat.search import SearchSettings, WebSearchSettings, XSearchSettings
from grok_tui.chat.session import (
    Citation,
    Message,
    MessageStatus,
    Session,
    ToolCall,
    Usage,
)
from grok_tui.config import Settings
from grok_tui.fake import FakeConfig, FakeTransport, FakeXAI
from grok_tui.ui.app import GrokApp
from grok_tui.ui.screens.chat import ChatScreen
from grok_tui.ui.screens.help import HelpScreen
from grok_tui.ui.screens.session_browser import SessionBrowserScreen
from grok_tui.ui.widgets.status_bar import StatusBar
from grok_tui.ui.widgets.tool_log import ToolLog
from tests.ui.memory_store import MemoryStore

#: The wall time every injected clock reads: 2024-11-20 14:05:00 UTC.
FROZEN_NOW = dt.datetime(2024, 11, 20, 14, 5, tzinfo=dt.UTC).timestamp()
#: The value of the status bar's monotonic clock (only differences show).
FROZEN_MONOTONIC = 1_000.0
#: A key the fake accepts; the client is never called.
FAKE_KEY = "xai-snapshot-key-0123456789abcdef"
#: The light and the dark theme every screen is shot in (themes/*.toml).
THEMES = ("grok-dark", "grok-light")
#: The two terminal sizes: the smallest supported one (the side pane stacks
#: under the chat) and a large one (the side pane is a column).
SIZES = ((80, 24), (160, 50))

PROMPT = "What did xAI ship this week? Check the news and posts on X."

REPLY = """\
This week xAI shipped three things worth knowing about [[1]](https://x.ai/news/grok-4-3):

- **Grok 4.3** is generally available in the API, with a 2M-token context \
window and lower prices for cached input [[1]](https://x.ai/news/grok-4-3).
- **Agent Tools**: web search, X search and code execution now run on the \
server in one request [[2]](https://docs.x.ai/docs/guides/tools/overview).
- The **Collections** API lets you search your own documents from the \
same request [[3]](https://x.com/xai/status/1858000000000000000).

```python
from xai_sdk import Client

client = Client()
chat = client.chat.create(model="grok-4.3", tools=[web_search()])
```

Posts on X mostly ask about the new rate limits.\
"""

REASONING = (
    "The user wants this week's releases. Search the news first, open the "
    "announcement, then check what people say on X."
)


def _at(minutes: float) -> float:
    """`FROZEN_NOW` minus `minutes`."""
    return FROZEN_NOW - minutes * 60


def search_turn_session() -> Session:
    """The open chat: one finished search turn (reasoning, four tool calls,
    three citations, usage with cost) after an earlier plain exchange."""
    asked = _at(3)
    tool_calls = [
        ToolCall(
            call_id="call-snap-1",
            name="web_search",
            tool_kind="web_search",
            arguments='{"query": "xAI announcements this week"}',
            phase="completed",
            started_at=asked + 4.1,
            finished_at=asked + 5.3,
            sources=["https://x.ai/news/grok-4-3", "https://docs.x.ai/docs/models"],
        ),
        ToolCall(
            call_id="call-snap-2",
            name="browse_page",
            tool_kind="web_search",
            arguments='{"url": "https://x.ai/news/grok-4-3"}',
            phase="completed",
            started_at=asked + 5.4,
            finished_at=asked + 7.0,
            sources=["https://x.ai/news/grok-4-3"],
        ),
        ToolCall(
            call_id="call-snap-3",
            name="x_keyword_search",
            tool_kind="x_search",
            arguments='{"query": "from:xai grok", "limit": 10}',
            phase="completed",
            started_at=asked + 7.1,
            finished_at=asked + 8.2,
            sources=["https://x.com/xai/status/1858000000000000000"],
        ),
        ToolCall(
            call_id="call-snap-4",
            name="browse_page",
            tool_kind="web_search",
            arguments='{"url": "https://status.x.ai/"}',
            phase="failed",
            started_at=asked + 8.3,
            finished_at=asked + 9.1,
            error="page timed out after 30 s",
        ),
    ]
    citations = [
        Citation(number=1, url="https://x.ai/news/grok-4-3", title="Grok 4.3"),
        Citation(
            number=2,
            url="https://docs.x.ai/docs/guides/tools/overview",
            title="Agent Tools overview",
        ),
        Citation(number=3, url="https://x.com/xai/status/1858000000000000000"),
    ]
    usage = Usage(
        input_tokens=18_412,
        cached_input_tokens=12_288,
        output_tokens=214,
        reasoning_tokens=356,
        total_tokens=18_982,
        server_side_tool_calls={"web_search": 3, "x_search": 1},
        num_server_side_tools_used=4,
        cost_usd=0.0312,
    )
    return Session(
        id="5e55100000000000000000000000snap",
        title="xAI releases this week",
        title_is_custom=True,
        created_at=_at(9),
        updated_at=_at(2),
        model="grok-4.3",
        search=SearchSettings(web=WebSearchSettings(enabled=True), x=XSearchSettings(enabled=True)),
        messages=[
            Message(id="m-snap-1", role="user", text="Say hi in five words.", created_at=_at(9)),
            Message(
                id="m-snap-2",
                role="assistant",
                text="Hi there, nice to meet you!",
                created_at=_at(9) + 1,
                model="grok-4.3",
                response_id="resp-snap-1",
                status=MessageStatus.COMPLETE,
                finished_at=_at(9) + 2,
                usage=Usage(input_tokens=24, output_tokens=7, total_tokens=31, cost_usd=0.0001),
            ),
            Message(id="m-snap-3", role="user", text=PROMPT, created_at=asked),
            Message(
                id="m-snap-4",
                role="assistant",
                text=REPLY,
                created_at=asked + 0.5,
                model="grok-4.3",
                response_id="resp-snap-2",
                status=MessageStatus.COMPLETE,
                reasoning=REASONING,
                reasoning_started_at=asked + 0.8,
                reasoning_seconds=3.2,
                tool_calls=tool_calls,
                citations=citations,
                usage=usage,
                finished_at=asked + 14.6,
            ),
        ],
    )


def browser_sessions() -> list[Session]:
    """Other saved sessions (in 2024, see the module docstring)."""

    def saved(
        sid: str,
        title: str,
        prompt: str,
        reply: str,
        day: str,
        model: str,
        usage: Usage | None = None,
    ) -> Session:
        at = dt.datetime.fromisoformat(f"{day}T09:30:00+00:00").timestamp()
        return Session(
            id=sid,
            title=title,
            created_at=at,
            updated_at=at + 600,
            model=model,
            messages=[
                Message(id=f"{sid}-u", role="user", text=prompt, created_at=at),
                Message(
                    id=f"{sid}-a",
                    role="assistant",
                    text=reply,
                    created_at=at + 2,
                    model=model,
                    finished_at=at + 9,
                    usage=usage,
                ),
            ],
        )

    return [
        saved(
            "5e55100000000000000000000001snap",
            "Rust lifetimes explained",
            "Why does the borrow checker reject this loop?",
            "Because the reference outlives the vector's mutable borrow.",
            "2024-11-18",
            "grok-4.3",
            Usage(input_tokens=1800, output_tokens=950, total_tokens=2750, cost_usd=0.0046),
        ),
        saved(
            "5e55100000000000000000000002snap",
            "Trip to Lisbon",
            "Plan three days in Lisbon in March.",
            "Day one: Alfama and the castle; day two: Belém; day three: Sintra.",
            "2024-10-02",
            "grok-4-fast",
            # A server that sent no cost: estimated from the model's prices.
            Usage(
                input_tokens=2400,
                output_tokens=3100,
                total_tokens=5500,
                cost_usd=0.0020,
                cost_estimated=True,
            ),
        ),
        saved(
            "5e55100000000000000000000003snap",
            "SQL window functions",
            "Rank customers by revenue per region.",
            "Use RANK() OVER (PARTITION BY region ORDER BY revenue DESC).",
            "2024-03-14",
            "grok-4.3",
        ),
    ]


def fake_backend() -> Backend:
    """A real client over the fake's in-process transport (no socket, no
    network); the screens shot here never send anything."""
    fake = FakeXAI(FakeConfig(api_key=FAKE_KEY))
    client = XAIClient(
        FAKE_KEY,
        "http://fake.invalid/v1",
        transport=FakeTransport(fake),
        retry=RetryPolicy(max_retries=0),
    )
    return Backend(client=client, demo=False, fake=fake)


def make_app(theme: str) -> GrokApp:
    """The app over an in-memory store holding the sessions above, opened on
    the search-turn chat, in `theme`. The store stamps saves with `FROZEN_NOW`."""
    store = MemoryStore(clock=lambda: FROZEN_NOW)
    for session in [search_turn_session(), *browser_sessions()]:
        store.sessions[session.id] = session.model_dump(mode="json")
    settings = Settings(theme=theme, history_size=0)
    app = GrokApp(
        settings=settings, backend=fake_backend(), store=store, session=search_turn_session()
    )
    # Textual reads TEXTUAL_ANIMATIONS once, at import: set the level here.
    app.animation_level = "none"
    return app


@contextmanager
def frozen_environment(tmp_path: Path) -> Iterator[None]:
    """UTC, no API key from the environment, and config and data folders in
    `tmp_path` (restored afterwards)."""
    wanted = {
        "TZ": "UTC",
        "GROK_TUI_CONFIG_DIR": str(tmp_path / "config"),
        "GROK_TUI_DATA_DIR": str(tmp_path / "data"),
        "XAI_API_KEY": None,
    }
    saved = {name: os.environ.get(name) for name in wanted}
    try:
        _set_environ(wanted)
        yield
    finally:
        _set_environ(saved)


def _set_environ(values: dict[str, str | None]) -> None:
    """Set (None: remove) environment variables, then re-read the time zone."""
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    time.tzset()


# -- driving the app (run_before steps) -------------------------------------------

Step = Callable[[Pilot[Any]], Awaitable[None]]


async def wait_until(
    pilot: Pilot[Any], predicate: Callable[[], bool], what: str, *, timeout: float = 30.0
) -> None:
    """Let the app run until `predicate()` holds (a generous bound: the
    machine may be loaded; no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def steady_cursors(screen: Screen[Any]) -> None:
    """No blinking cursor on `screen` (a blink would make shots differ)."""
    for widget in screen.query("*"):
        if isinstance(widget, (Input, TextArea)):
            widget.cursor_blink = False


async def settle(pilot: Pilot[Any]) -> None:
    """Steady cursors, then let pending messages, layout and animations finish."""
    steady_cursors(pilot.app.screen)
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def _chat(pilot: Pilot[Any]) -> ChatScreen:
    screens = [s for s in pilot.app.screen_stack if isinstance(s, ChatScreen)]
    assert screens, "no chat screen"
    return screens[0]


def _tool_log_shown(chat: ChatScreen) -> bool:
    return any(log.display and log.region.height > 0 for log in chat.query(ToolLog))


async def chat_ready(pilot: Pilot[Any]) -> None:
    """The chat with the finished search turn, its tool log loaded and shown
    (F2 on a narrow screen, where the log starts hidden), clocks frozen."""
    chat = _chat(pilot)
    await wait_until(pilot, lambda: pilot.app.screen is chat and chat.is_mounted, "the chat")
    for log in chat.query(ToolLog):
        log.clock = lambda: FROZEN_NOW
    for bar in chat.query(StatusBar):
        bar.clock = lambda: FROZEN_MONOTONIC
    await wait_until(
        pilot, lambda: any(log.row_count for log in chat.query(ToolLog)), "the tool log's rows"
    )
    if not _tool_log_shown(chat):
        await pilot.press("f2")
        await wait_until(pilot, lambda: _tool_log_shown(chat), "the tool log (F2)")
    for widget in [*chat.query(ToolLog), *chat.query(StatusBar)]:
        widget.refresh()
    await settle(pilot)


#: Six domains where at most five are allowed: the pane shows why, keeps the text.
#: (Six registrable domains: a subdomain such as docs.x.ai is sent as x.ai.)
SIX_DOMAINS = "x.ai, wikipedia.org, github.com, arxiv.org, nature.com, python.org"
#: The input that adds web-search domains in the F3 pane (a CSS selector: the
#: one thing to update here if that pane is rebuilt).
DOMAIN_INPUT = "#web-domains Input"


async def search_pane_with_error(pilot: Pilot[Any]) -> None:
    """F3: the search pane, six domains typed into its domain list (one too
    many) and Enter: the pane shows the error next to the field."""
    await chat_ready(pilot)
    await pilot.press("f3")
    chat = _chat(pilot)
    await wait_until(
        pilot,
        lambda: bool(chat.query(DOMAIN_INPUT)),
        f"the F3 pane's domain input ({DOMAIN_INPUT})",
    )
    domains = chat.query_one(DOMAIN_INPUT, Input)
    await wait_until(
        pilot, lambda: domains.display and domains.region.height > 0, "the domain input on screen"
    )
    domains.focus()
    await pilot.press(*SIX_DOMAINS, "enter")
    field = domains.parent
    assert field is not None
    await wait_until(pilot, lambda: bool(field.query(".-error")), "the domain field's error")
    await settle(pilot)


async def session_browser(pilot: Pilot[Any]) -> None:
    """F4: the session browser over the saved sessions."""
    await chat_ready(pilot)
    await pilot.press("f4")
    await wait_until(
        pilot, lambda: isinstance(pilot.app.screen, SessionBrowserScreen), "the session browser"
    )
    browser = pilot.app.screen
    titles = [s.title for s in [search_turn_session(), *browser_sessions()]]
    await wait_until(
        pilot, lambda: all(t in _table_text(browser) for t in titles), "the browser's rows"
    )
    await settle(pilot)


def _table_text(screen: Screen[Any]) -> str:
    table = screen.query_one(DataTable)
    return " ".join(str(cell) for row in range(table.row_count) for cell in table.get_row_at(row))


async def help_screen(pilot: Pilot[Any]) -> None:
    """F1: the help screen over the chat."""
    await chat_ready(pilot)
    await pilot.press("f1")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "help")
    await settle(pilot)


#: Screen name -> the steps that bring the app there.
SCREENS: dict[str, Step] = {
    "chat": chat_ready,
    "search_error": search_pane_with_error,
    "browser": session_browser,
    "help": help_screen,
}
