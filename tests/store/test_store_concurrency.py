from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import textwrap
import time
from pathlib import Path

from grok_tui.store import SessionStore
from grok_tui.store.files import read_session_file

from .helpers import PYTHON, make_session, subprocess_env


def _child_writer(root: Path, ready_w: int, session_ids: list[str]) -> None:
    """Runs in a forked child: save the sessions over and over until killed."""
    try:
        store = SessionStore(root, refresh=False)
        sessions = [make_session(f"writer {i}", "x") for i in range(len(session_ids))]
        for s, sid in zip(sessions, session_ids):
            s.id = sid
        n = 0
        signalled = False
        while True:
            for s in sessions:
                # vary the size so a torn write would show as bad JSON
                s.messages[1].text = ("word " * (n % 400)) + f"end{n}"
                store.save(s)
                n += 1
            if not signalled:
                os.write(ready_w, b"r")
                signalled = True
            if n % 7 == 0:
                store.refresh()
    finally:
        os._exit(1)


def test_sigkill_at_random_moments_never_tears_a_file(root: Path) -> None:
    rng = random.Random(1234)
    ids = [f"victim{i}" for i in range(3)]
    with SessionStore(root) as store:
        for sid in ids:
            s = make_session("initial")
            s.id = sid
            store.save(s)
    for _ in range(30):
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            os.close(ready_r)
            _child_writer(root, ready_w, ids)
        os.close(ready_w)
        assert os.read(ready_r, 1) == b"r"  # the child has written at least once
        os.close(ready_r)
        time.sleep(rng.uniform(0, 0.02))  # a random moment: the point of the test
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        for sid in ids:
            s = read_session_file(root / "sessions" / f"{sid}.json")  # parses, validates
            assert s.messages[1].text.startswith(("word", "end", "x"))
    # the index survives the kills too and is brought up to date
    with SessionStore(root) as store:
        rows = store.list_sessions()
        assert sorted(r.id for r in rows) == sorted(ids)
        assert all(r.damaged is None for r in rows)
        assert store.refresh() == 0


_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from grok_tui.chat.session import Session, Message
    from grok_tui.store import SessionStore
    root, name, shared, rounds = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    store = SessionStore(root)
    own = Session(id=name, title=name)
    common = Session(id=shared, title="shared")
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    for i in range(rounds):
        own.messages.append(Message(role="user", text=f"{name} message {i}"))
        store.save(own)
        common.messages = [Message(role="user", text=f"{name} wrote {i} " + "pad " * (i * 13 % 50))]
        store.save(common)
        if i % 5 == 0:
            store.refresh()
            store.list_sessions(query=name)
    print("done", flush=True)
    """
)


def test_two_processes_writing_different_and_same_sessions(root: Path, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(_WRITER)
    env = subprocess_env(root)
    rounds = 40
    procs = [
        subprocess.Popen(
            [PYTHON, str(script), str(root), name, "shared", str(rounds)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for name in ("alpha", "beta")
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        assert out.strip() == "done"
    with SessionStore(root) as store:
        assert store.refresh() == 0  # the index already matched every file
        rows = {r.id: r for r in store.list_sessions()}
        assert set(rows) == {"alpha", "beta", "shared"}
        for name in ("alpha", "beta"):
            s = store.load(name)
            assert [m.text for m in s.messages] == [f"{name} message {i}" for i in range(rounds)]
            assert rows[name].message_count == rounds
        shared = store.load("shared")
        assert shared.messages[0].text.split()[:3] in (
            ["alpha", "wrote", str(rounds - 1)],
            ["beta", "wrote", str(rounds - 1)],
        )
        assert store.list_sessions(query="alpha message")[0].id == "alpha"
    for f in (root / "sessions").iterdir():
        assert not f.name.endswith(".tmp"), "a finished writer left a temporary file"
        json.loads(f.read_text())
