"""A small tmux driver for end-to-end tests of the real `grok-tui` command.

Each `Tmux` owns one tmux server (a unique `-L` socket) and one session in
it. Screens are read with `capture-pane` and awaited by polling with a
bounded deadline; text is typed with `send-keys -l` and keys are sent as
separate `send-keys` calls.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

TMUX = shutil.which("tmux")
#: The installed console script of the venv running the tests.
GROK = Path(sys.executable).with_name("grok-tui")


def skip_reason() -> str | None:
    """Why the tmux tests cannot run here (None: they can)."""
    if TMUX is None:
        return "tmux is not installed"
    if not GROK.exists():
        return f"{GROK} is not installed (pip install -e .)"
    return None


class Tmux:
    """One tmux server (socket) and one session on it."""

    def __init__(self, socket: str, session: str = "e2e") -> None:
        self.socket = socket
        self.session = session

    def run(self, *args: str) -> str:
        out = subprocess.run(
            [TMUX or "tmux", "-L", self.socket, *args],
            check=True,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return out.stdout

    # -- lifecycle ---------------------------------------------------------------

    def start(
        self,
        command: str,
        *,
        env: Mapping[str, str] | None = None,
        width: int = 160,
        height: int = 48,
        cwd: Path | None = None,
    ) -> None:
        """Start `command` (a shell command line) in a new detached session."""
        env_args = [a for k, v in (env or {}).items() for a in ("-e", f"{k}={v}")]
        subprocess.run(
            [
                TMUX or "tmux",
                "-L",
                self.socket,
                "new-session",
                "-d",
                "-s",
                self.session,
                "-x",
                str(width),
                "-y",
                str(height),
                *env_args,
                command,
            ],
            check=True,
            timeout=10,
            cwd=cwd,
        )

    def alive(self) -> bool:
        probe = subprocess.run(
            [TMUX or "tmux", "-L", self.socket, "has-session", "-t", self.session],
            capture_output=True,
            timeout=10,
        )
        return probe.returncode == 0

    def wait_exit(self, timeout: float = 30.0) -> bool:
        """Wait until the session is gone (its command ended); True if it is."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                return True
            time.sleep(0.05)
        return not self.alive()

    def pane_pid(self) -> int:
        """The pid of the pane's process (the command itself when started with `exec`)."""
        return int(self.run("list-panes", "-t", self.session, "-F", "#{pane_pid}").split()[0])

    def kill_server(self) -> None:
        subprocess.run(
            [TMUX or "tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10
        )

    # -- input ---------------------------------------------------------------------

    def send(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", self.session, "-l", text)

    # -- output --------------------------------------------------------------------

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session)

    def wait(self, predicate: Callable[[str], bool], what: str, timeout: float = 20.0) -> str:
        """Poll the screen until `predicate(screen)`; AssertionError with the
        last screen after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if predicate(text):
                return text
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; screen:\n{text}")


@contextmanager
def tmux_server(prefix: str = "grok-e2e", session: str = "e2e") -> Iterator[Tmux]:
    """A Tmux on a fresh socket; the server is killed on exit.

    A placeholder session keeps the server up between runs: without it the
    server exits when the app's session ends, and a `new-session` issued
    while it is exiting can land on the dying server (the session then gets
    the default 80x24 size, or vanishes).
    """
    tmux = Tmux(f"{prefix}-{os.getpid()}-{uuid.uuid4().hex[:8]}", session)
    subprocess.run(
        [
            TMUX or "tmux",
            "-L",
            tmux.socket,
            "new-session",
            "-d",
            "-s",
            "keepalive",
            "-x",
            "20",
            "-y",
            "5",
            "exec sleep 86400",
        ],
        check=True,
        timeout=10,
    )
    try:
        yield tmux
    finally:
        tmux.kill_server()


def app_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Environment for a grok-tui under test: temp config and data folders."""
    env = {
        "GROK_TUI_CONFIG_DIR": str(tmp_path / "config"),
        "GROK_TUI_DATA_DIR": str(tmp_path / "data"),
        "TEXTUAL_ANIMATIONS": "none",
        "TERM": "xterm-256color",
    }
    env.update(extra)
    return env


def grok_command(*args: str, keep_key: bool = False) -> str:
    """A shell command line that execs the installed grok-tui with `args`
    (so the pane pid is grok-tui's), without the user's XAI_API_KEY.

    COLUMNS/LINES are dropped: the tmux server copies its environment from the
    process that started it, and a test runner's COLUMNS=80 would make the
    app ignore the pane size (shutil.get_terminal_size reads them first).
    """
    unset = "-u COLUMNS -u LINES " + ("" if keep_key else "-u XAI_API_KEY ")
    return f"exec env {unset}{shlex.quote(str(GROK))} {' '.join(map(shlex.quote, args))}"


def start_and_attach(tmux: Tmux, server_url: str, tmp_path: Path, key: str, doc: Path) -> None:
    """Start grok-tui on the fake at `server_url` with `key` and attach `doc` with
    Ctrl+T, typed into the dialog as a user does."""
    env = app_env(tmp_path, XAI_API_KEY=key)
    tmux.start(grok_command("--base-url", server_url, keep_key=True), env=env, cwd=tmp_path)
    tmux.wait(lambda s: "idle" in s, "the app to start")
    tmux.send("C-t")
    tmux.wait(lambda s: "Attach" in s, "the attach dialog")
    tmux.type(str(doc))
    tmux.send("Enter")
