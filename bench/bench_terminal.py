"""Benchmark: the real `grok-tui` in a real terminal (tmux), beside a raw-print client.

    .venv/bin/python bench/bench_terminal.py [--quick] [--repeats 3] [--api chat|responses]
                                             [--sizes 2000,20000] [--turns 40] [--app-args ...]
                                             [--grok "COMMAND"]   (e.g. an older tree's grok-tui)
                                             [--base "COMMAND"]   (a second grok-tui, same run)
    .venv/bin/python bench/bench_terminal.py --startup-only [--repeats 7] [--base "COMMAND"]
    BENCH_DEBUG=1 also prints the longest gaps between frames and when they happened,
    and the RSS after every turn of the memory run.

Each client runs in its own tmux server (`-L` socket) at 160x50 under
`bench/pty_relay.py`, which passes the terminal through and records every
write to it. The server is the loopback fake (`python -m grok_tui.fake`, its
own process) at 150 tokens/s, 4-character tokens of LLM-like Markdown
(`scenario:markdown tokens:N`). The reference is `bench/raw_client.py`: a dozen
lines that stream the same request with httpx and print the deltas.

Per client and reply size (medians of the repeats, each a fresh process):
- CPU: the client process's utime+stime (/proc/PID/stat, all threads) from
  Enter until the reply is complete, as a share of one core over that time;
  and CPU ms per frame.
- fps: bursts of output (reads less than 4 ms apart are one frame) per second.
- bytes written to the terminal during the reply, and per token.
- longest freeze: the longest gap between two frames while the reply streams
  (from the first frame after Enter to completion); text arrives every ~7 ms,
  so a gap is the client not painting.
- startup: spawn to the prompt first being on screen (the app's placeholder
  "Ask Grok", the raw client's "ready>"). `--startup-only` measures only
  that (fresh processes, interleaved).
With `--base`, a second grok-tui (e.g. the main tree's) runs in the same
loop as a third client, so a change is compared with its baseline under the
same load (the machine is shared): a column and a ratio of its own.
Then memory: a fresh process of each against a fake at full speed, N turns of
2,000-token replies; RSS (VmRSS) after each turn; MB per turn is the
least-squares slope after the warm-up turns (the first quarter).

Completion is read from the screen: the app's status bar goes back to
"idle" with a new token count, the raw client prints "[done N]".
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fake_process import external_fake  # noqa: E402

KEY = "xai-bench-terminal-0123456789abcdef"
SIZE = (160, 50)
RATE = 150.0
FRAME_GAP = 0.004  # reads closer than this are one frame
TICKS = os.sysconf("SC_CLK_TCK")
PYTHON = sys.executable
GROK = [str(Path(sys.executable).with_name("grok-tui"))]
BASE: list[str] = []  # --base: a second grok-tui measured in the same run


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Pane:
    """One client under the pty relay in its own tmux server."""

    def __init__(self, kind: str, url: str, api: str, tmp: Path, app_args: list[str]) -> None:
        self.kind = kind
        self.socket = f"bench-term-{os.getpid()}-{kind}"
        self.stats_path = tmp / f"{kind}.json"
        self.stats_path.unlink(missing_ok=True)
        if kind in ("app", "base"):
            grok = GROK if kind == "app" else BASE
            command = [*grok, "--base-url", url, "--api", api, *app_args]
            ready = "Ask Grok"
        else:
            command = [PYTHON, str(ROOT / "bench" / "raw_client.py"), url, KEY, api]
            ready = "ready>"
        relay = [
            PYTHON,
            str(ROOT / "bench" / "pty_relay.py"),
            "--stats",
            str(self.stats_path),
            "--ready",
            ready,
            "--",
            *command,
        ]
        env = {
            "GROK_TUI_CONFIG_DIR": str(tmp / "config"),
            "GROK_TUI_DATA_DIR": str(tmp / "data"),
            "XAI_API_KEY": KEY,
            "TERM": "xterm-256color",
        }
        # The tmux server inherits this process's environment; without this a
        # PYTHONDONTWRITEBYTECODE there would make every start compile the
        # package from source, which an installed copy never does.
        exports = "-u PYTHONDONTWRITEBYTECODE " + " ".join(
            f"{k}={shlex.quote(v)}" for k, v in env.items()
        )
        self.turns = 0
        subprocess.run(
            [
                "tmux",
                "-L",
                self.socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "b",
                "-x",
                str(SIZE[0]),
                "-y",
                str(SIZE[1]),
                f"exec env {exports} {shlex.join(relay)}",
            ],
            check=True,
        )
        self.stats = self._wait(lambda s: s.get("ready") is not None, 30.0, "the prompt")
        self.pid: int = self.stats["pid"]
        self.relay: int = self.stats["relay"]
        self.startup: float = self.stats["ready"] - self.stats["spawned"]
        self.startup_cpu: float = self.stats.get("ready_cpu") or 0.0

    def _read(self) -> dict:
        try:
            return json.loads(self.stats_path.read_text())
        except (OSError, ValueError):
            return {}

    def snapshot(self) -> dict:
        before = self.stats_path.stat().st_mtime_ns
        os.kill(self.relay, signal.SIGUSR1)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if self.stats_path.stat().st_mtime_ns != before:
                data = self._read()
                if data:
                    return data
            time.sleep(0.005)
        return self._read()

    def _wait(self, check, timeout: float, what: str) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            data = self._read()
            if data and check(data):
                return data
            time.sleep(0.01)
        raise RuntimeError(f"{self.kind}: timed out waiting for {what}")

    def screen(self) -> list[str]:
        out = subprocess.run(
            ["tmux", "-L", self.socket, "capture-pane", "-p", "-t", "b"],
            capture_output=True,
            text=True,
        ).stdout
        lines = out.splitlines()
        while lines and not lines[-1].strip():
            lines.pop()
        return lines

    def status(self) -> str:
        lines = [line for line in self.screen() if "│" in line and " tok" in line]
        return lines[-1] if lines else ""

    def send(self, text: str) -> float:
        subprocess.run(["tmux", "-L", self.socket, "send-keys", "-t", "b", "-l", text], check=True)
        time.sleep(0.3)  # let the prompt take the text before Enter
        sent = time.monotonic()
        subprocess.run(["tmux", "-L", self.socket, "send-keys", "-t", "b", "Enter"], check=True)
        self.turns += 1
        return sent

    def turn(self, prompt: str, timeout: float) -> tuple[float, float]:
        """Send `prompt`; wait until the reply is complete; (sent, done) times."""
        app = self.kind != "raw"
        before = self.status() if app else ""
        sent = self.send(prompt)
        marker = f"[done {self.turns}]"
        deadline = sent + timeout
        while time.monotonic() < deadline:
            if app:
                status = self.status()
                if "│ idle │" in status and status != before:
                    return sent, time.monotonic()
            elif any(marker in line for line in self.screen()[-4:]):
                return sent, time.monotonic()
            time.sleep(0.05)
        raise RuntimeError(f"{self.kind}: the reply did not complete in {timeout:.0f} s")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@dataclass
class StreamRun:
    cpu: float  # share of one core
    cpu_per_frame_ms: float
    fps: float
    bytes: int
    freeze: float
    startup: float
    seconds: float


def frames(reads: list[list[float]], start: float, end: float) -> list[float]:
    """Start times of the bursts of output between start and end."""
    starts: list[float] = []
    last = -1.0
    for t, _ in reads:
        if t < start or t > end:
            continue
        if last < 0 or t - last > FRAME_GAP:
            starts.append(t)
        last = t
    return starts


def stream_once(kind: str, url: str, api: str, tokens: int, app_args: list[str]) -> StreamRun:
    with tempfile.TemporaryDirectory(prefix="bench-term-") as tmp:
        pane = Pane(kind, url, api, Path(tmp), app_args)
        try:
            time.sleep(1.0)  # settle after start-up (first layouts, the index)
            pane.snapshot()
            cpu0 = cpu_seconds(pane.pid)
            sent, done = pane.turn(f"scenario:markdown tokens:{tokens} go", tokens / RATE * 4 + 60)
            cpu1 = cpu_seconds(pane.pid)
            stats = pane.snapshot()
        finally:
            pane.close()
    reads = stats["reads"]
    written = sum(n for t, n in reads if sent <= t <= done)
    starts = frames(reads, sent, done)
    # The first frames after Enter show the prompt cleared and the wait; the
    # reply streams from the first text to completion.
    gaps = [b - a for a, b in zip(starts[1:], starts[2:])] or [0.0]
    if os.environ.get("BENCH_DEBUG"):
        top = sorted(((b - a, a - sent) for a, b in zip(starts, starts[1:])), reverse=True)[:8]
        print(
            f"    {kind}: {len(starts)} frames; longest gaps (gap, at): "
            + " ".join(f"{g:.3f}@{at:.2f}" for g, at in top)
        )
    span = max(1e-9, (starts[-1] - starts[0]) if len(starts) > 1 else done - sent)
    cpu = cpu1 - cpu0
    return StreamRun(
        cpu=cpu / (done - sent),
        cpu_per_frame_ms=1000 * cpu / max(1, len(starts)),
        fps=len(starts) / span,
        bytes=written,
        freeze=max(gaps),
        startup=pane.startup,
        seconds=done - sent,
    )


def memory_once(kind: str, url: str, api: str, turns: int, app_args: list[str]) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="bench-term-") as tmp:
        pane = Pane(kind, url, api, Path(tmp), app_args)
        try:
            time.sleep(0.5)
            rss = [rss_mb(pane.pid)]
            for i in range(turns):
                pane.turn(f"scenario:markdown tokens:2000 turn {i}", 120)
                time.sleep(0.2)
                rss.append(rss_mb(pane.pid))
        finally:
            pane.close()
    return rss


def startup_once(kind: str, url: str, api: str, app_args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) from spawn to the prompt on screen."""
    with tempfile.TemporaryDirectory(prefix="bench-term-") as tmp:
        pane = Pane(kind, url, api, Path(tmp), app_args)
        pane.close()
    return pane.startup, pane.startup_cpu


def startup_table(url: str, api: str, repeats: int, app_args: list[str]) -> None:
    kinds = ["raw", "app"] + (["base"] if BASE else [])
    runs: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}
    for kind in kinds:  # untimed: writes the bytecode caches, warms the file cache
        startup_once(kind, url, api, app_args)
    for _ in range(repeats):
        for kind in kinds:  # interleaved, so a change in machine load hits all alike
            runs[kind].append(startup_once(kind, url, api, app_args))
    raw = statistics.median(w for w, _ in runs["raw"])
    raw_cpu = statistics.median(c for _, c in runs["raw"])
    print(
        f"{'startup to a usable prompt':28} {'wall s':>8} {'min':>7} {'max':>7} {'/raw':>6}"
        f"   {'CPU s':>7} {'/raw':>6}"
    )
    for kind in kinds:
        walls = [w for w, _ in runs[kind]]
        cpu = statistics.median(c for _, c in runs[kind])
        med = statistics.median(walls)
        print(
            f"{kind:28} {med:8.3f} {min(walls):7.3f} {max(walls):7.3f} {ratio(med, raw):>6}"
            f"   {cpu:7.3f} {ratio(cpu, raw_cpu):>6}"
        )
    print(f"  app: {shlex.join(GROK)}")
    if BASE:
        print(f"  baseline: {shlex.join(BASE)}")
    for kind, values in runs.items():
        print(f"  {kind} wall: " + " ".join(f"{w:.3f}" for w, _ in values))
    print(f"  load average at the end: {os.getloadavg()[0]:.2f}")


def slope(values: list[float]) -> float:
    n = len(values)
    if n < 2:
        return 0.0
    xs = range(n)
    mx, my = (n - 1) / 2, statistics.fmean(values)
    return sum((x - mx) * (y - my) for x, y in zip(xs, values)) / sum((x - mx) ** 2 for x in xs)


def ratio(a: float, b: float) -> str:
    return f"x{a / b:.1f}" if b > 0 else "-"


@dataclass
class Table:
    rows: dict[tuple[str, int], list[StreamRun]] = field(default_factory=dict)

    def med(self, kind: str, tokens: int, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.rows[(kind, tokens)])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="one repeat, 2,000 and 6,000 tokens, 10 turns"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--api", choices=("chat", "responses"), default="chat")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--no-stream", action="store_true")
    parser.add_argument("--app-args", default="", help="extra arguments for grok-tui")
    parser.add_argument(
        "--grok", default="", help="command that runs grok-tui (default: the venv's)"
    )
    parser.add_argument(
        "--base",
        "--baseline",
        dest="base",
        default="",
        help="command of a second grok-tui measured in the same run (e.g. the main tree's)",
    )
    parser.add_argument(
        "--startup-only", action="store_true", help="only startup to a usable prompt"
    )
    opts = parser.parse_args()
    sizes = [int(s) for s in opts.sizes.split(",")]
    repeats, turns = opts.repeats, opts.turns
    if opts.quick:
        sizes, repeats, turns = [2000, 6000], 1, 10
    app_args = shlex.split(opts.app_args)
    if opts.grok:
        GROK[:] = shlex.split(opts.grok)
    kinds = ["raw", "app"]
    if opts.base:
        BASE[:] = shlex.split(opts.base)
        kinds.append("base")
    if opts.startup_only:
        with external_fake(key=KEY, rate=RATE) as url:
            startup_table(url, opts.api, opts.repeats, app_args)
        return 0

    print(
        f"tmux {SIZE[0]}x{SIZE[1]}, {opts.api} API, {RATE:.0f} tok/s, median of {repeats}",
        flush=True,
    )
    if BASE:
        print(f"grok-tui: {shlex.join(GROK)}\nbase:     {shlex.join(BASE)}", flush=True)
    table = Table()
    if not opts.no_stream:
        with external_fake(key=KEY, rate=RATE) as url:
            for _ in range(repeats):
                for tokens in sizes:
                    for kind in kinds:
                        run = stream_once(kind, url, opts.api, tokens, app_args)
                        table.rows.setdefault((kind, tokens), []).append(run)
                        print(
                            f"  {kind:4} {tokens:6} tok: cpu {100 * run.cpu:5.1f}%  "
                            f"{run.cpu_per_frame_ms:5.1f} ms/frame  {run.fps:5.1f} fps  "
                            f"{run.bytes / 1e6:7.2f} MB  freeze {run.freeze:.3f} s  "
                            f"startup {run.startup:.3f} s  ({run.seconds:.1f} s)",
                            flush=True,
                        )
        print()
        apps = [k for k in kinds if k != "raw"]
        names = {"app": "grok-tui", "base": "base"}
        header = "".join(f"{names[k]:>12}" for k in apps)
        header += f"{'raw print':>12}" + "".join(f"{names[k] + '/raw':>14}" for k in apps)
        print(f"{'figure':44}{header}")

        def row(label: str, values: list[float], unit: str) -> None:
            *figures, raw = values
            cells = "".join(f"{v:11.3f}{unit}" for v in values)
            ratios = "".join(f"{ratio(v, raw):>14}" for v in figures)
            print(f"{label:44}{cells}{ratios}")

        for tokens in sizes:
            for label, attr, scale, unit in (
                ("CPU, % of a core", "cpu", 100, "%"),
                ("CPU per frame, ms", "cpu_per_frame_ms", 1, " "),
                ("frames per second", "fps", 1, " "),
                ("bytes to the terminal, MB", "bytes", 1e-6, " "),
                ("bytes per token", "bytes", 1 / tokens, " "),
                ("longest freeze, s", "freeze", 1, " "),
            ):
                values = [table.med(k, tokens, attr) * scale for k in (*apps, "raw")]
                row(f"{tokens:,} tokens: {label}", values, unit)

        def startup(kind: str) -> float:
            return statistics.median(
                r.startup for k, rs in table.rows.items() if k[0] == kind for r in rs
            )

        row("startup to a usable prompt, s", [startup(k) for k in (*apps, "raw")], " ")
    if not opts.no_memory:
        warm = max(1, turns // 4)
        with external_fake(key=KEY) as url:
            for kind in kinds:
                rss = memory_once(kind, url, opts.api, turns, app_args)
                per_turn = slope(rss[warm:])
                if os.environ.get("BENCH_DEBUG"):
                    print(f"    {kind} RSS by turn: " + " ".join(f"{v:.1f}" for v in rss))
                print(
                    f"{f'memory, {kind}: RSS start -> end, MB':44} "
                    f"{rss[0]:6.1f} -> {rss[-1]:6.1f}   after warm-up ({warm} turns): "
                    f"{per_turn:.3f} MB/turn",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
