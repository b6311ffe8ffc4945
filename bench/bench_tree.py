"""The session tree's domain cost: loading a branched session and switching
branches, against a linear session of the same size as the baseline (same run).

The branched session: 250 turns on the chosen path, 3 versions of every reply
(500 more replies off the path) and 50 forks (an edited user message with its
reply each) — about 1,100 messages. The baseline: a linear session with as many
messages. Figures are medians; loading = parse + migrate + validate the JSON
bytes (`store.files.parse_session_bytes`), switching = `tree.switch_to` to the
other branch at an early fork and back (no repaint: that is the UI's part).

    .venv/bin/python bench/bench_tree.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grok_tui.chat import conversation as conv  # noqa: E402
from grok_tui.chat import tree  # noqa: E402
from grok_tui.chat.session import MessageStatus, Session, Usage  # noqa: E402
from grok_tui.store.files import parse_session_bytes  # noqa: E402

TURNS = 250
VERSIONS = 3
FORKS = 50


def reply(session: Session, text: str) -> None:
    message = conv.start_reply(session, "grok-4")
    message.text = text
    message.status = MessageStatus.COMPLETE
    message.usage = Usage(input_tokens=100, output_tokens=50, cost_usd=0.001)


def branched() -> Session:
    s = Session()
    for i in range(TURNS):
        conv.add_user_message(s, f"question {i} " + "lorem ipsum " * 20)
        for v in range(VERSIONS):
            if v:
                conv.prepare_regenerate(s)
            reply(s, f"answer {i} version {v} " + "dolor sit amet " * 40)
    users = [m for m in s.messages if m.role == "user"]
    for user in users[:: TURNS // FORKS][:FORKS]:
        keep = s.messages[-1].id
        tree.fork_at(s, user.id, f"edited {user.text}")
        reply(s, "answer to the edit " + "consectetur " * 40)
        tree.switch_to(s, keep)  # back to the long branch
    return s


def linear(count: int) -> Session:
    s = Session()
    for i in range(count // 2):
        conv.add_user_message(s, f"question {i} " + "lorem ipsum " * 20)
        reply(s, f"answer {i} " + "dolor sit amet " * 40)
    return s


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    tree_session = branched()
    total = len(tree.all_messages(tree_session))
    flat = linear(total)
    tree_bytes = json.dumps(tree_session.model_dump(mode="json")).encode()
    flat_bytes = json.dumps(flat.model_dump(mode="json")).encode()
    load_tree = median_ms(lambda: parse_session_bytes(tree_bytes), args.repeat)
    load_flat = median_ms(lambda: parse_session_bytes(flat_bytes), args.repeat)
    early_fork = next(m for m in tree_session.off_path if m.text.startswith("edited"))
    back_to = tree_session.messages[0].id

    def switch_twice() -> None:
        tree.switch_to(tree_session, early_fork.id)
        tree.switch_to(tree_session, back_to)

    switch = median_ms(switch_twice, args.repeat) / 2
    version = tree_session.messages[-1].id
    step = median_ms(
        lambda: (
            tree.step_sibling(tree_session, version, -1),
            tree.switch_to(tree_session, version),
        ),
        args.repeat,
    )
    print(f"messages: tree {total} ({len(tree_session.messages)} on the path), linear {total}")
    print(f"branches: {tree.branch_count(tree_session)}")
    print(
        f"load: tree {load_tree:.1f} ms, linear {load_flat:.1f} ms, ratio {load_tree / load_flat:.2f}"
    )
    print(f"switch branch at an early fork: {switch:.2f} ms")
    print(f"step to the previous version of the last reply and back: {step:.2f} ms")


if __name__ == "__main__":
    main()
