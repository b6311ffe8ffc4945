"""The installed `grok-tui` in a real terminal (tmux), at 80x24 and 200x60.

One walk through the app per size: it starts on the demo backend, a chat
turn gets a reply, a search turn fills the tool log with the search tools,
the theme changes (F5), Ctrl+Q quits, and `--continue` shows the same
conversation. The search form on F3 and the session browser on F4 are
separate tests (on a short screen the stacked search pane takes most of the
height, so both halves of the form show).

Search is switched on the way the app offers it today: the `[search]` table
of the config file (new chats start with it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.tmux_harness import Tmux, app_env, grok_command, skip_reason, tmux_server

pytestmark = pytest.mark.e2e

if skip_reason() is not None:
    pytest.skip(skip_reason() or "", allow_module_level=True)

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((200, 60), id="200x60")]
SEARCH_CONFIG = """\
[search.web]
enabled = true

[search.x]
enabled = true
"""
SEARCH_TOOLS = ("web_search", "x_keyword_search", "x_semantic_search", "browse_page")


class App:
    """grok-tui in one tmux session, with its folders."""

    def __init__(self, tmux: Tmux, tmp: Path, size: tuple[int, int]) -> None:
        self.tmux = tmux
        self.tmp = tmp
        self.width, self.height = size
        (tmp / "config").mkdir(exist_ok=True)
        (tmp / "config" / "config.toml").write_text(SEARCH_CONFIG, encoding="utf-8")

    def start(self, *args: str) -> str:
        self.tmux.start(
            grok_command("--demo", *args),
            env=app_env(self.tmp, GROK_TUI_DEMO_RATE="600"),
            width=self.width,
            height=self.height,
            cwd=self.tmp,
        )
        return self.tmux.wait(lambda s: "DEMO" in s and "Ask Grok" in s, "the app to start")

    def turn(self, text: str, what: str, timeout: float = 30.0) -> str:
        """Send `text` and wait for its reply to finish: the status bar is idle
        again with new session totals. (Waiting for "idle" alone races: a frame
        painted between Enter and the request start still says idle.)"""
        before = _status_line(self.tmux.screen())
        tail = text[-12:]
        self.tmux.type(text)
        self.tmux.wait(lambda s: tail in s, f"{text!r} in the prompt")
        self.tmux.send("Enter")
        self.tmux.wait(lambda s: "Ask Grok" in s, "the prompt to clear after Enter")
        return self.tmux.wait(
            lambda s: "│ idle │" in _status_line(s) and _status_line(s) != before,
            what,
            timeout=timeout,
        )

    def quit(self) -> None:
        self.tmux.send("C-q")
        assert self.tmux.wait_exit(), "Ctrl+Q did not quit:\n" + self.tmux.screen()


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    size = request.param if hasattr(request, "param") else (200, 60)
    with tmux_server("grok-real") as tmux:
        yield App(tmux, tmp_path, size)


def _status_line(screen: str) -> str:
    lines = [line for line in screen.splitlines() if "│" in line and "DEMO" in line]
    return lines[-1] if lines else ""


def _styled_status_line(tmux: Tmux) -> str:
    """The status bar line with its colour escape codes ("" when not shown)."""
    plain = tmux.screen().splitlines()
    rows = [i for i, line in enumerate(plain) if "│" in line and "DEMO" in line]
    if not rows:
        return ""
    styled = tmux.run("capture-pane", "-e", "-p", "-t", tmux.session).splitlines()
    return styled[rows[-1]] if rows[-1] < len(styled) else ""


@pytest.mark.parametrize("app", SIZES, indirect=True)
def test_demo_chat_search_theme_quit_continue(app: App) -> None:
    screen = app.start()
    assert "Demo mode" in screen and "DEMO" in screen
    assert "web" in _status_line(screen), "search from the config is not on:\n" + screen

    screen = app.turn("hello there", "the first reply")
    assert "offline demo" in screen or "Grok" in screen, screen

    if app.width < 100:
        app.tmux.send("F2")  # narrow: the tool log starts hidden
    screen = app.turn("search the latest news about xAI", "the search reply")
    assert any(t in screen for t in SEARCH_TOOLS), screen

    # F5 opens the theme picker; picking another theme repaints the status
    # bar in its colours (the escape codes of that line change).
    before = _styled_status_line(app.tmux)
    assert "\x1b[" in before
    app.tmux.send("F5")
    app.tmux.wait(lambda s: "dracula" in s.lower() or "nord" in s.lower(), "the theme list")
    app.tmux.type("dracula")
    # The filtered list (one hit, "dark · code: dracula"), not just the typed
    # text: the unfiltered list shows dracula too, and Enter picks the
    # highlighted hit, which before the search's result is the current theme.
    app.tmux.wait(
        lambda s: s.count("code: ") == 1 and "code: dracula" in s, "the filtered theme list"
    )
    app.tmux.send("Enter")
    app.tmux.wait(
        lambda s: "Ask Grok" in s and "dracula" not in s.lower(), "the theme picker to close"
    )
    app.tmux.wait(
        lambda _s: _styled_status_line(app.tmux) not in ("", before),
        "the status bar in the new theme's colours",
    )

    app.quit()
    screen = app.start("--continue")
    # The latest turn of the saved conversation shows (prompt or tool log).
    app.tmux.wait(
        lambda s: "latest news" in s or any(t in s for t in SEARCH_TOOLS),
        "the restored conversation",
    )
    assert "idle" in _status_line(app.tmux.screen())
    app.quit()


@pytest.mark.parametrize("app", SIZES, indirect=True)
def test_f3_opens_the_search_form(app: App) -> None:
    app.start()
    app.tmux.send("F3")
    app.tmux.wait(lambda s: "Web search" in s and "X search" in s, "the search form")


@pytest.mark.parametrize("app", SIZES, indirect=True)
def test_f4_opens_the_session_browser(app: App) -> None:
    app.start()
    app.turn("hello there", "the reply")
    app.tmux.send("F4")
    app.tmux.wait(lambda s: "sorted by" in s and "hello there" in s, "the session browser")
