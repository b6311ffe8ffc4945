"""Soak: N consecutive turns in one session of the real GrokApp (headless,
`run_test`) against the loopback fake server (in its own process, so RSS
is the app's alone), with faults mixed in.

About 15 % of prompts carry a fault scenario (HTTP 503/500/429, a dropped
connection, an error event, a failed response, a malformed stream); the
others say `scenario:auto`, so the fault of a failed turn, which the app sends
again merged into the next turn's message, is not obeyed twice. Reported:

* RSS at the start, every 50 turns and at the end, and the growth per turn
  after the first 20 turns against the growth per turn of the first 20
  (the baseline, same run) as a ratio;
* that every turn is on disk: the session loaded from a fresh SessionStore
  equals the app's session (ids, roles, statuses, texts), and each turn is
  either in it (complete, or failed with its partial text) or was handed back
  to the prompt (a request that never started);
* keystroke echo latency while a reply streams: a key is sent to the app
  (a Key event posted to the app, as the terminal driver does) and timed until the prompt's
  text contains it - p50/p99;
* time per turn (median).

    .venv/bin/python bench/bench_soak.py [--turns 200] [--quick] [--rate 400]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fake_process import external_fake, isolate_app_env  # noqa: E402

FAULTS = (
    "error_503",
    "error_500",
    "error_429",
    "drop",
    "error_event",
    "response_failed",
    "malformed",
)
#: Faults whose request never starts: the turn goes back into the prompt.
UNSENT_FAULTS = frozenset({"error_503", "error_500", "error_429"})
#: Faults the reply survives (docs/fault-matrix.md: bad frames are skipped).
BENIGN_FAULTS = frozenset({"malformed"})
KEY = "xai-soak-key"
#: On every fault-free prompt. After a failed reply the app merges that
#: unanswered prompt (and its `scenario:` fault) into the next request
#: (docs/CONTRACTS.md, chat/request.py); the fake obeys the last directive of
#: the merged text, and `auto` names no scenario (keyword heuristics), so a
#: fault is not repeated by the turns after it.
NO_FAULT = "scenario:auto"


def rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


@dataclass
class Turn:
    index: int
    prompt: str
    fault: str | None
    seconds: float = 0.0
    unsent: bool = False


@dataclass
class Results:
    turns: list[Turn] = field(default_factory=list)
    rss: list[tuple[int, float]] = field(default_factory=list)
    echo_ms: list[float] = field(default_factory=list)


def make_prompts(n: int, rng: random.Random, fault_share: float) -> list[Turn]:
    turns = []
    for i in range(n):
        fault = rng.choice(FAULTS) if rng.random() < fault_share else None
        if fault is not None:
            text = f"turn {i}: tell me something scenario:{fault}"
        elif i % 2:
            text = f"turn {i}: write a markdown table and code tokens:400 {NO_FAULT}"
        else:
            text = f"turn {i}: hello, how are you {NO_FAULT}"
        turns.append(Turn(i, text, fault))
    return turns


async def wait_until(pilot: object, predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


async def echo_latency(app: object, chat: object, key: str) -> float | None:
    """Send `key` to the app while streaming; ms until the prompt holds it."""
    from textual import events

    prompt = chat.prompt  # type: ignore[attr-defined]
    before = prompt.text.count(key)
    t0 = time.perf_counter()
    # What the terminal driver posts for a printable key.
    app.post_message(events.Key(key, key))  # type: ignore[attr-defined]
    while prompt.text.count(key) == before:
        if time.perf_counter() - t0 > 5:
            return None
        await asyncio.sleep(0.0005)
    return (time.perf_counter() - t0) * 1000


async def soak(args: argparse.Namespace, tmp: Path) -> Results:
    from textual import events

    from grok_tui.api.client import RetryPolicy, XAIClient
    from grok_tui.chat.session import MessageStatus
    from grok_tui.config import Settings
    from grok_tui.store import SessionStore
    from grok_tui.ui.app import GrokApp

    rng = random.Random(args.seed)
    res = Results()
    res.turns = make_prompts(args.turns, rng, args.faults)
    # The fake runs in its own process: its request records and its thread
    # are not the app's memory or CPU.
    with external_fake(key=KEY, rate=args.rate) as url:
        # Quick retries: the retry path runs, the soak does not wait seconds.
        client = XAIClient(KEY, url, retry=RetryPolicy(base_delay=0.01, max_retry_after=0.02))
        store = SessionStore(tmp / "data")
        app = GrokApp(settings=Settings(), client=client, store=store)
        async with app.run_test(headless=True, size=(140, 44)) as pilot:
            chat = app.chat
            gc.collect()
            res.rss.append((0, rss_mb()))
            for turn in res.turns:
                t0 = time.perf_counter()
                n_before = len(chat.session.messages)
                chat.turns.unsent = None  # the last turn's hand-back, if any, is done with
                chat.prompt.set_text(turn.prompt)
                chat.prompt.focus()
                # Posted like the terminal driver does (pilot.press would wait
                # for the app to be idle, i.e. for the whole reply).
                app.post_message(events.Key("enter", "\r"))
                # Started (or already over): the user message alone is not enough,
                # it is added before the reply starts streaming.
                await wait_until(
                    pilot,
                    lambda n=n_before: (
                        chat.is_streaming
                        or chat.unsent is not None
                        or (
                            len(chat.session.messages) >= n + 2
                            and chat.session.messages[-1].status != MessageStatus.STREAMING
                        )
                    ),
                    5.0,
                    f"turn {turn.index} to start",
                )
                samples = 0
                while chat.is_streaming:
                    if chat.stream_state == "streaming" and samples < 10 and not turn.fault:
                        ms = await echo_latency(app, chat, "z")
                        if ms is not None and chat.is_streaming:
                            res.echo_ms.append(ms)
                        samples += 1
                        await asyncio.sleep(0.05)
                    else:
                        await asyncio.sleep(0.005)

                def settled(n_before: int = n_before) -> bool:
                    msgs = chat.session.messages
                    if chat.unsent is not None:
                        return len(msgs) == n_before
                    return len(msgs) == n_before + 2 and msgs[-1].status != MessageStatus.STREAMING

                try:
                    await wait_until(pilot, settled, 10.0, f"turn {turn.index} to settle")
                except TimeoutError:
                    msgs = chat.session.messages
                    raise TimeoutError(
                        f"turn {turn.index} ({turn.fault}) did not settle: {len(msgs)} messages "
                        f"(had {n_before}), unsent={chat.unsent is not None}, "
                        f"streaming={chat.is_streaming}, state={chat.stream_state}, "
                        f"last={[(m.role, m.status, m.text[:40]) for m in msgs[-3:]]}, "
                        f"prompt={chat.prompt.text[:60]!r}, focused={app.focused}"
                    ) from None
                # A request that never started is handed back to the prompt a
                # message-loop hop after the turn ends (call_later): settle
                # only when the state holds over a few pauses.
                for _ in range(3):
                    await pilot.pause()
                await wait_until(pilot, settled, 10.0, f"turn {turn.index} to stay settled")
                turn.unsent = chat.unsent is not None
                chat.prompt.clear()
                chat.clear_notice()
                turn.seconds = time.perf_counter() - t0
                done = turn.index + 1
                if done % 50 == 0 or done == 20 or done == len(res.turns):
                    gc.collect()
                    res.rss.append((done, rss_mb()))
                    print(f"  {done:4d} turns  RSS {res.rss[-1][1]:7.1f} MB", flush=True)
            await chat.shutdown()
            session = chat.session
            check_on_disk(tmp / "data", session, res.turns)
            await app.action_quit()
        await client.aclose()
        store.close()
    return res


def check_on_disk(data: Path, session: object, turns: list[Turn]) -> None:
    from grok_tui.chat.session import MessageStatus
    from grok_tui.store import SessionStore

    with SessionStore(data) as fresh:
        loaded = fresh.load(session.id)  # type: ignore[attr-defined]
    mem = session.messages  # type: ignore[attr-defined]
    assert len(loaded.messages) == len(mem), (len(loaded.messages), len(mem))
    for a, b in zip(loaded.messages, mem, strict=True):
        assert (a.id, a.role, a.status, a.text) == (b.id, b.role, b.status, b.text), a.id
    users = [m.text for m in loaded.messages if m.role == "user"]
    kept = [t for t in turns if not t.unsent]
    want = [t.prompt for t in kept]
    if users != want:
        import difflib

        diff = "\n".join(difflib.unified_diff(want, users, "expected", "on disk", lineterm=""))
        faults = {t.prompt: (t.fault, t.unsent, round(t.seconds, 2)) for t in turns}
        detail = [f"{u}: {faults.get(u)}" for u in set(want) ^ set(users)]
        raise AssertionError(f"turns differ from the saved session:\n{diff}\n{detail}")
    unsent_bad = [t.index for t in turns if t.unsent and t.fault not in UNSENT_FAULTS]
    assert not unsent_bad, f"turns handed back to the prompt unexpectedly: {unsent_bad}"
    replies = [m for m in loaded.messages if m.role == "assistant"]
    assert not any(m.status == MessageStatus.STREAMING for m in replies)
    for t, reply in zip(kept, replies, strict=True):
        want_ok = t.fault is None or t.fault in BENIGN_FAULTS
        got_ok = reply.status == MessageStatus.COMPLETE
        why = reply.error.type if reply.error is not None else ""
        assert want_ok == got_ok, f"turn {t.index} ({t.fault}): {reply.status} {why}"
        if t.fault == "drop":  # the connection drops after some text: it is kept
            assert reply.text, f"turn {t.index} (drop): the partial text is lost"
    print(
        f"  on disk: {len(loaded.messages)} messages, {len(kept)} turns kept, "
        f"{sum(t.unsent for t in turns)} handed back to the prompt (never started); "
        f"statuses: complete {sum(r.status == MessageStatus.COMPLETE for r in replies)}, "
        f"failed {sum(r.status == MessageStatus.FAILED for r in replies)}"
    )


def report(res: Results) -> None:
    print()
    print("RSS (MB)")
    for n, mb in res.rss:
        print(f"  after {n:4d} turns  {mb:8.1f}")
    rss = dict(res.rss)
    if 20 in rss and len(res.rss) >= 3:
        end_n, end_mb = res.rss[-1]
        base_rate = (rss[20] - rss[0]) / 20
        later_rate = (end_mb - rss[20]) / max(1, end_n - 20)
        print(
            f"  growth per turn: first 20 turns {base_rate * 1000:7.1f} KB/turn (baseline); "
            f"turns 20-{end_n} {later_rate * 1000:7.1f} KB/turn; "
            f"ratio {later_rate / base_rate if base_rate > 0 else float('nan'):.2f}"
        )
        print(f"  RSS end / RSS after 20 turns: {end_mb / rss[20]:.2f}")
    secs = [t.seconds for t in res.turns]
    ok = [t.seconds for t in res.turns if t.fault is None]
    faults = [t.seconds for t in res.turns if t.fault is not None]
    print()
    print(f"{'measure':44s} {'n':>5s} {'p50':>9s} {'p99':>9s}")
    rows = [
        ("keystroke echo while streaming (ms)", res.echo_ms),
        ("turn time, all (s)", secs),
        ("turn time, normal (s)", ok),
        ("turn time, with a fault (s)", faults),
    ]
    for name, vals in rows:
        print(f"{name:44s} {len(vals):5d} {pct(vals, 0.5):9.3f} {pct(vals, 0.99):9.3f}")
    by_fault: dict[str, int] = {}
    for t in res.turns:
        by_fault[t.fault or "none"] = by_fault.get(t.fault or "none", 0) + 1
    print("faults: " + ", ".join(f"{k} {v}" for k, v in sorted(by_fault.items())))
    if res.echo_ms:
        print(f"echo median {statistics.median(res.echo_ms):.2f} ms")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--turns", type=int, default=200)
    p.add_argument("--quick", action="store_true", help="40 turns")
    p.add_argument("--rate", type=float, default=400.0, help="fake tokens per second")
    p.add_argument("--faults", type=float, default=0.15, help="share of fault prompts")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    if args.quick:
        args.turns = min(args.turns, 40)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        isolate_app_env(tmp)
        t0 = time.perf_counter()
        print(
            f"soak: {args.turns} turns, fake at {args.rate:.0f} tok/s, {args.faults:.0%} faults",
            flush=True,
        )
        res = asyncio.run(soak(args, tmp))
        report(res)
        print(f"total {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
