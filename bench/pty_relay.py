"""A transparent pty relay that counts what a program writes to its terminal.

    python bench/pty_relay.py --stats FILE [--ready TEXT] -- COMMAND ARGS...

Runs COMMAND on a new pseudo-terminal the size of this one, copies its output
to our stdout (the real terminal, e.g. a tmux pane) and our input to it, in
raw mode, so the program behaves as it would run directly. It records every
read of the program's output as (time, bytes) and, on SIGUSR1 and at exit,
writes a JSON snapshot to FILE:

    {"pid": child pid, "relay": our pid, "spawned": t, "ready": t or null,
     "ready_cpu": s or null, "bytes": total,
     "reads": [[t, n], ...], "exited": bool}

`ready` is the first time TEXT appeared in the output with escape sequences
removed (e.g. a prompt's placeholder: start-up to a usable prompt), and
`ready_cpu` the program's CPU seconds (user+system) by then, a figure a busy
machine moves much less than the wall time. Times are
`time.monotonic()` (system-wide, comparable with the benchmark's clock). The
relay's own CPU is not the program's: the benchmark reads the child's.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import re
import select
import signal
import sys
import termios
import time
import tty

_ESCAPES = re.compile(
    rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|P[^\x1b]*\x1b\\|[@-Z\\-_])"
)


def _cpu_seconds(pid: int) -> float | None:
    """The program's CPU time so far (utime+stime, all threads), or None."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stats", required=True)
    parser.add_argument("--ready", default=None)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    opts = parser.parse_args()
    command = opts.command[1:] if opts.command[:1] == ["--"] else opts.command

    size = fcntl.ioctl(sys.stdin.fileno(), termios.TIOCGWINSZ, b"\0" * 8)
    spawned = time.monotonic()
    pid, master = pty.fork()
    if pid == 0:
        fcntl.ioctl(sys.stdin.fileno(), termios.TIOCSWINSZ, size)
        os.execvp(command[0], command)

    reads: list[list[float]] = []
    state: dict[str, object] = {"ready": None, "bytes": 0, "exited": False}
    ready = opts.ready.encode() if opts.ready else None
    seen = bytearray()

    def dump(*_: object) -> None:
        tmp = opts.stats + ".tmp"
        with open(tmp, "w") as handle:
            json.dump(
                {"pid": pid, "relay": os.getpid(), "spawned": spawned, "reads": reads, **state},
                handle,
            )
        os.replace(tmp, opts.stats)

    signal.signal(signal.SIGUSR1, dump)
    dump()
    stdin = sys.stdin.fileno()
    stdout = sys.stdout.fileno()
    saved = termios.tcgetattr(stdin)
    tty.setraw(stdin)
    try:
        while True:
            try:
                readable, _, _ = select.select([master, stdin], [], [])
            except InterruptedError:
                continue
            if master in readable:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    data = b""
                if not data:
                    break
                now = time.monotonic()
                reads.append([now, len(data)])
                state["bytes"] = int(state["bytes"]) + len(data)  # type: ignore[call-overload]
                if ready is not None and state["ready"] is None:
                    seen.extend(data)
                    if ready in _ESCAPES.sub(b"", bytes(seen)):
                        state["ready"] = now
                        state["ready_cpu"] = _cpu_seconds(pid)
                        seen.clear()
                        dump()
                os.write(stdout, data)
            if stdin in readable:
                data = os.read(stdin, 4096)
                if not data:
                    break
                os.write(master, data)
    finally:
        termios.tcsetattr(stdin, termios.TCSADRAIN, saved)
        state["exited"] = True
        dump()
    os.waitpid(pid, 0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
