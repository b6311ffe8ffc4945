"""Benchmark of the session store on a realistic data folder.

Generates N sessions (default 10,000; average ~20 messages, 1% with 500
messages; Zipf-distributed words) into a cache folder keyed by seed and size,
so later runs reuse it, then prints medians of:

* store open (quick refresh) with an up-to-date index: in this process (warm)
  and in a fresh process (cold process; the OS page cache is whatever it is),
  and the full refresh that stats every file (the UI runs it in a worker)
* the same on a 100-session folder and on an empty folder (open time must not
  grow with the number of sessions)
* listing the newest 200, a full-text query (common and rare word)
* loading and saving a 500-message session
* baseline in the same run: reading every JSON file with json.loads (what a
  store without an index would do to list sessions)

Usage: .venv/bin/python bench/bench_sessions.py [--sessions 10000] [--seed 7]
                                                 [--cache DIR] [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from grok_tui.chat.session import SCHEMA_VERSION, Session  # noqa: E402
from grok_tui.store import SessionStore  # noqa: E402

COMMON = (
    "the of and to a in is that it for you with as on be this are was by not or can "
    "have from at but an which will one all would there their what so if about more when "
    "use your how do time like just also into some other than then them these only its "
    "new way could should because first may any each where most need example code function "
    "data value file error model search result question answer python rust async thread "
    "memory type list string number server request response token cost image web source"
).split()
SYLLABLES = "ka lo mi ne ru ta shi po ven dar qua lix mor tel sen gra fi zo bel win".split()


def _vocabulary(rng: random.Random, size: int = 6000) -> tuple[list[str], list[float]]:
    words = list(COMMON)
    seen = set(words)
    while len(words) < size:
        w = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    weights = [1.0 / (rank + 1) for rank in range(len(words))]  # Zipf
    return words, weights


class TextMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words, weights = _vocabulary(rng)
        total = sum(weights)
        acc = 0.0
        self.cum = []
        for w in weights:
            acc += w / total
            self.cum.append(acc)

    def text(self, n_words: int) -> str:
        ws = self.rng.choices(self.words, cum_weights=self.cum, k=n_words)
        out: list[str] = []
        i = 0
        while i < len(ws):
            n = self.rng.randint(6, 18)
            sentence = ws[i : i + n]
            sentence[0] = sentence[0].capitalize()
            out.append(" ".join(sentence) + ".")
            i += n
        return " ".join(out)


def _session_doc(tm: TextMaker, rng: random.Random, n_messages: int, t0: float) -> dict:
    created = t0 - rng.uniform(0, 365 * 86400)
    messages = []
    t = created
    for i in range(n_messages):
        t += rng.uniform(5, 600)
        if i % 2 == 0:
            messages.append(
                {
                    "id": uuid.UUID(int=rng.getrandbits(128)).hex,
                    "role": "user",
                    "text": tm.text(rng.randint(5, 40)),
                    "created_at": t,
                }
            )
        else:
            messages.append(
                {
                    "id": uuid.UUID(int=rng.getrandbits(128)).hex,
                    "role": "assistant",
                    "text": tm.text(rng.randint(40, 220)),
                    "created_at": t,
                    "model": "grok-4.3",
                    "status": "complete",
                    "finished_at": t + 3,
                    "usage": {
                        "input_tokens": rng.randint(100, 5000),
                        "output_tokens": rng.randint(50, 800),
                        "total_tokens": rng.randint(200, 6000),
                        "cost_usd": 0.001,
                    },
                }
            )
    doc = Session(
        id=uuid.UUID(int=rng.getrandbits(128)).hex,
        title=tm.text(rng.randint(3, 8))[:60],
        created_at=created,
        updated_at=t,
    ).model_dump(mode="json")
    doc["messages"] = messages
    return doc


def generate(folder: Path, n: int, seed: int) -> Path:
    """The data folder for (n, seed), generated once and reused."""
    marker = folder / "complete"
    if marker.exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    sessions = folder / "sessions"
    sessions.mkdir(parents=True)
    rng = random.Random(seed)
    tm = TextMaker(rng)
    t0 = 1_750_000_000.0
    big_every = 100  # 1% of sessions have 500 messages
    t = time.perf_counter()
    for i in range(n):
        count = 500 if (i % big_every == big_every - 1) else rng.randint(2, 30)
        doc = _session_doc(tm, rng, count, t0)
        (sessions / f"{doc['id']}.json").write_text(
            json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        )
    print(f"  generated {n} sessions in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    t = time.perf_counter()
    SessionStore(folder).close()  # build the index once
    print(f"  built the index in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    marker.write_text("ok")
    return folder


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


_COLD = (
    "import sys, time; sys.path.insert(0, {repo!r});"
    "from grok_tui.store import SessionStore;"
    "t = time.perf_counter(); s = SessionStore(__import__('pathlib').Path({root!r}));"
    "print((time.perf_counter() - t) * 1000); s.close()"
)


def cold_open_ms(root: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", _COLD.format(repo=str(REPO), root=str(root))],
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def read_all_json(root: Path) -> int:
    n = 0
    for p in (root / "sessions").iterdir():
        if p.suffix == ".json":
            json.loads(p.read_bytes())
            n += 1
    return n


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sessions", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "grok-tui-bench")
    args = ap.parse_args()

    print("preparing data (cached between runs)...", file=sys.stderr)
    big_root = generate(args.cache / f"s{args.seed}-n{args.sessions}", args.sessions, args.seed)
    small_root = generate(args.cache / f"s{args.seed}-n100", 100, args.seed)
    rep = args.repeat
    results: list[tuple[str, float, str]] = []

    with tempfile.TemporaryDirectory() as empty:
        empty_open = median_ms(lambda: SessionStore(Path(empty)).close(), rep)
    results.append(("open empty store (baseline)", empty_open, ""))

    def full_refresh(root: Path) -> None:
        with SessionStore(root, refresh=False) as st:
            st.refresh()

    full_small = median_ms(lambda: full_refresh(small_root), rep)
    full_big = median_ms(lambda: full_refresh(big_root), rep)
    warm_small = median_ms(lambda: SessionStore(small_root).close(), rep)
    warm_big = median_ms(lambda: SessionStore(big_root).close(), rep)
    results.append(("open+refresh, 100 sessions, warm", warm_small, ""))
    results.append(
        (
            f"open+refresh, {args.sessions} sessions, warm",
            warm_big,
            f"x{warm_big / warm_small:.1f} vs 100",
        )
    )
    results.append(("full refresh (stat every file), 100 sessions", full_small, ""))
    results.append(
        (
            f"full refresh (stat every file), {args.sessions} sessions",
            full_big,
            f"x{full_big / full_small:.1f} vs 100",
        )
    )
    cold_small = cold_open_ms(small_root, max(3, rep // 2))
    cold_big = cold_open_ms(big_root, max(3, rep // 2))
    results.append(("open+refresh, 100 sessions, new process", cold_small, ""))
    results.append(
        (
            f"open+refresh, {args.sessions} sessions, new process",
            cold_big,
            f"x{cold_big / cold_small:.1f} vs 100",
        )
    )

    store = SessionStore(big_root)
    try:
        count = store.count()
        list_ms = median_ms(lambda: store.list_sessions(limit=200), rep * 3)
        results.append(("list newest 200", list_ms, "target < 300 ms"))
        title_ms = median_ms(lambda: store.list_sessions(sort="title", limit=200), rep * 3)
        results.append(("list 200 by title", title_ms, ""))
        common = "python"
        rare = TextMaker(random.Random(args.seed)).words[-1]  # the Zipf tail
        n_common = len(store.list_sessions(query=common))
        q_common = median_ms(lambda: store.list_sessions(query=common, limit=50), rep * 3)
        q_rare = median_ms(lambda: store.list_sessions(query=rare, limit=50), rep * 3)
        q_two = median_ms(lambda: store.list_sessions(query=f"{common} memory", limit=50), rep * 3)
        results.append(
            (f"query {common!r} ({n_common} matches), first 50", q_common, "target < 100 ms")
        )
        n_rare = len(store.list_sessions(query=rare))
        results.append((f"query {rare!r} ({n_rare} matches), first 50", q_rare, "target < 100 ms"))
        q_short = median_ms(lambda: store.list_sessions(query="in", limit=50), rep * 3)
        results.append(("query 'in' (prefix of many words), first 50", q_short, "target < 100 ms"))
        results.append((f"query '{common} memory', first 50", q_two, "target < 100 ms"))

        big_id = next(r.id for r in store.list_sessions() if r.message_count == 500)
        load_ms = median_ms(lambda: store.load(big_id), rep)
        results.append(("load a 500-message session", load_ms, ""))
        session = store.load(big_id)
        size_kb = store.path_for(big_id).stat().st_size / 1024
        save_ms = median_ms(lambda: store.save(session), rep)
        results.append((f"save a 500-message session ({size_kb:.0f} KiB, fsync)", save_ms, ""))
        data = session.model_dump(mode="json")
        dump_ms = median_ms(lambda: session.model_dump(mode="json"), rep)
        snap_ms = median_ms(lambda: store.save_snapshot(data), rep)
        results.append(("  of which model_dump (UI thread)", dump_ms, ""))
        results.append(("  save_snapshot (worker thread)", snap_ms, ""))
    finally:
        store.close()

    base_ms = median_ms(lambda: read_all_json(big_root), 3)
    results.append((f"baseline: json.loads of all {count} files", base_ms, ""))
    for i, (name, ms, note) in enumerate(results):
        if name == "list newest 200":
            results[i] = (name, ms, f"{note}; baseline/list = x{base_ms / ms:,.0f}")

    print(
        f"\nsession store benchmark ({count} sessions, seed {args.seed}, "
        f"median of {rep}+ runs, schema v{SCHEMA_VERSION})"
    )
    width = max(len(n) for n, _, _ in results)
    for name, ms, note in results:
        print(f"  {name:<{width}}  {ms:10.2f} ms  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
