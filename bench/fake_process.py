"""The fake xAI server in a child process, for benchmarks that measure the
app's own memory and CPU; and `isolate_app_env`, the environment such a
benchmark runs the app in.

Running the fake in the benchmark's process mixes its costs into the app's
figures: it records every request it receives (each one carries the whole
history, so the records grow with the square of the turn count), its server
thread competes for the GIL, and tracemalloc traces its allocations too.

    with external_fake(key="xai-k", rate=400.0) as url:
        client = XAIClient("xai-k", url)
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_URL = re.compile(r"on (http://\S+/v1)")


@contextlib.contextmanager
def external_fake(
    *, key: str, rate: float | None = None, extra: tuple[str, ...] = ()
) -> Iterator[str]:
    """Start `python -m grok_tui.fake` on a free loopback port; yield its base
    URL; stop it on exit."""
    cmd = [sys.executable, "-m", "grok_tui.fake", "--port", "0", "--key", key, *extra]
    if rate is not None:
        cmd += ["--rate", str(rate)]
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = _URL.search(line)
        if match is None:
            raise RuntimeError(f"the fake server did not start: {line!r}")
        yield match.group(1)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def isolate_app_env(tmp: Path) -> None:
    """Config and data folders under `tmp`, no real key, no animations."""
    os.environ["GROK_TUI_CONFIG_DIR"] = str(tmp / "config")
    os.environ["GROK_TUI_DATA_DIR"] = str(tmp / "data")
    os.environ.pop("XAI_API_KEY", None)
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
