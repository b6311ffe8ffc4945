"""Benchmark: StreamingMarkdown vs Textual's Markdown.get_stream() (MarkdownStream).

Run: .venv/bin/python bench/bench_render.py [--quick] [--repeats N] [--cap SECONDS]
     .venv/bin/python bench/bench_render.py --app [--quick]   (the real app, see below)

A headless host app at 120x40: a VerticalScroll (anchored to the bottom) with a
few earlier finished answers and the streaming answer, and a prompt TextArea.
An LLM-like Markdown reply (sections, lists, quotes, tables, 10-30-line Python
fences) is streamed in 4-character tokens

  (a) at full speed (one `await asyncio.sleep(0)` per token, like a fast network), and
  (b) paced at 150 tokens/s,

while a probe types a key into the TextArea every 100 ms and measures how long
until the TextArea has handled it. Reported per case (medians over repeats):
time from the first token until the complete document is rendered and painted,
lag after the last token, CPU seconds (time.process_time), CPU % of one core
(paced), keystroke latency p50/p99, peak RSS growth. The baseline is measured
in the same run; long baseline runs are capped. A "no-render" row (the
producer and the key probe with no Markdown widget updates) shows the CPU floor
of the harness itself at 150 tokens/s.

`--app` drives the real `GrokApp` (chat screen, message views, status bar,
tool log) against the loopback fake server (`markdown` scenario, `tokens:N` in
the prompt, 4-character chunks), at full speed and at 150 tokens/s: time from
send to first text, to rendered, lag after the stream ended, CPU, key latency
in the prompt. The network, SSE decoding and the turn recorder are included.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual import events  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.containers import VerticalScroll  # noqa: E402
from textual.widgets import Markdown, TextArea  # noqa: E402

from grok_tui.ui.widgets.markdown_stream import StreamingMarkdown  # noqa: E402

SIZE = (120, 40)
TOKEN_CHARS = 4
EARLIER_ANSWERS = 4
EARLIER_TOKENS = 1200

# ---------------------------------------------------------------- the reply

_WORDS = (
    "the model stream token latency render widget buffer parse block list table code "
    "function value result cache width line screen terminal python async event loop "
    "request response client server error retry timeout session message history user "
    "answer quickly simply because however therefore each every some many first then"
).split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 16))]
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        words[i] = f"`{words[i]}()`"
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**"
    if rng.random() < 0.1:
        i = rng.randrange(len(words))
        words[i] = f"[{words[i]}](https://example.com/{words[i]})"
    if rng.random() < 0.1:
        words.append(f"[[{rng.randint(1, 9)}]](https://source.example/{rng.randint(1, 99)})")
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 5))) + "\n"


def _code(rng: random.Random) -> str:
    lines = [f"def {rng.choice(_WORDS)}_{rng.choice(_WORDS)}(items, limit=10):"]
    lines.append('    """' + _sentence(rng) + '"""')
    indent = 1
    for _ in range(rng.randint(8, 28)):
        choice = rng.random()
        pad = "    " * indent
        if choice < 0.2 and indent < 3:
            lines.append(f"{pad}for {rng.choice(_WORDS)} in items[:limit]:")
            indent += 1
        elif choice < 0.35 and indent < 3:
            lines.append(f"{pad}if {rng.choice(_WORDS)} > {rng.randint(0, 100)}:")
            indent += 1
        elif choice < 0.5:
            lines.append(f"{pad}# {_sentence(rng)}")
        elif choice < 0.65 and indent > 1:
            indent -= 1
            lines.append(f"{'    ' * indent}result.append({rng.choice(_WORDS)!r})")
        else:
            lines.append(
                f'{pad}{rng.choice(_WORDS)} = compute({rng.randint(0, 999)}, "{rng.choice(_WORDS)}")'
            )
    lines.append("    return result")
    return "```python\n" + "\n".join(lines) + "\n```\n"


def _table(rng: random.Random) -> str:
    cols = rng.randint(3, 4)
    head = "| " + " | ".join(rng.choice(_WORDS).title() for _ in range(cols)) + " |\n"
    sep = "|" + "|".join("---" for _ in range(cols)) + "|\n"
    rows = "".join(
        "| "
        + " | ".join(f"{rng.choice(_WORDS)} {rng.randint(1, 99)}" for _ in range(cols))
        + " |\n"
        for _ in range(rng.randint(4, 8))
    )
    return head + sep + rows


def _list(rng: random.Random, ordered: bool) -> str:
    out = []
    for n in range(1, rng.randint(3, 7) + 1):
        marker = f"{n}." if ordered else "-"
        out.append(f"{marker} {_sentence(rng)}\n")
        if rng.random() < 0.3:
            for _ in range(rng.randint(1, 3)):
                out.append(f"{' ' * (len(marker) + 1)}- {_sentence(rng)}\n")
    return "".join(out)


def make_reply(tokens: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    target = tokens * TOKEN_CHARS
    parts: list[str] = [_paragraph(rng)]
    section = 0
    while sum(map(len, parts)) < target:
        section += 1
        parts.append(f"## {section}. {_sentence(rng)[:-1]}\n")
        for _ in range(rng.randint(2, 4)):
            kind = rng.random()
            if kind < 0.3:
                parts.append(_paragraph(rng))
            elif kind < 0.45:
                parts.append(_list(rng, ordered=rng.random() < 0.4))
            elif kind < 0.75:
                parts.append(_paragraph(rng))
                parts.append(_code(rng))
            elif kind < 0.87:
                parts.append(_table(rng))
            else:
                parts.append("> " + _sentence(rng) + "\n> " + _sentence(rng) + "\n")
    return "\n".join(parts)[:target]


def tokenize(text: str) -> list[str]:
    return [text[i : i + TOKEN_CHARS] for i in range(0, len(text), TOKEN_CHARS)]


# ---------------------------------------------------------------- host app


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Host(App[None]):
    CSS = """
    #log { height: 1fr; }
    TextArea { height: 5; }
    """

    def __init__(self, impl: str, earlier: list[str]) -> None:
        super().__init__()
        self.impl = impl
        self.earlier = earlier
        self.key_handled = asyncio.Event()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="log"):
            for text in self.earlier:
                if self.impl != "MarkdownStream":
                    yield StreamingMarkdown(text)
                else:
                    yield Markdown(text)
        yield TextArea(id="prompt")

    def on_mount(self) -> None:
        self.query_one("#log", VerticalScroll).anchor()
        self.query_one("#prompt", TextArea).focus()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.key_handled.set()


@dataclass
class Result:
    impl: str
    mode: str
    tokens: int
    total: float | None = None  # first token -> fully rendered
    lag: float | None = None  # last token -> fully rendered
    cpu: float = 0.0
    wall: float = 0.0
    keys: list[float] = field(default_factory=list)
    rss: float = 0.0
    done_tokens: int = 0
    verified: bool | None = None


async def probe_keys(app: Host, stop: asyncio.Event, result: Result, rss_start: float) -> None:
    peak = rss_start
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), 0.1)
            break
        except TimeoutError:
            pass
        app.key_handled.clear()
        sent = time.perf_counter()
        app.post_message(events.Key("x", "x"))
        try:
            await asyncio.wait_for(app.key_handled.wait(), 10)
            result.keys.append(time.perf_counter() - sent)
        except TimeoutError:
            result.keys.append(10.0)
        peak = max(peak, rss_mb())
    result.rss = peak - rss_start


async def run_case(impl: str, mode: str, reply: str, earlier: list[str], cap: float) -> Result:
    tokens = tokenize(reply)
    result = Result(impl, mode, len(tokens))
    gc.collect()
    app = Host(impl, earlier)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        log = app.query_one("#log", VerticalScroll)
        if impl != "MarkdownStream":
            widget: StreamingMarkdown | Markdown = StreamingMarkdown()
        else:
            widget = Markdown()
        await log.mount(widget)
        await pilot.pause()
        stream = Markdown.get_stream(widget) if impl == "MarkdownStream" else None
        sink: list[str] = []
        stop = asyncio.Event()
        rss_start = rss_mb()
        prober = asyncio.create_task(probe_keys(app, stop, result, rss_start))
        cpu0 = time.process_time()
        start = time.perf_counter()
        pace = 1 / 150 if mode == "150/s" else 0.0
        finished = True
        for index, token in enumerate(tokens):
            if pace:
                delay = start + index * pace - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            if stream is not None:
                await stream.write(token)
            elif impl == "no-render":
                sink.append(token)
                await asyncio.sleep(0)
            else:
                assert isinstance(widget, StreamingMarkdown)
                widget.append(token)
                await asyncio.sleep(0)
            result.done_tokens = index + 1
            if time.perf_counter() - start > cap:
                finished = False
                break
        last_token = time.perf_counter()
        if finished:
            if stream is not None:
                await stream.stop()
            elif isinstance(widget, StreamingMarkdown):
                widget.finish()
                while not widget.is_rendered:  # time-budgeted steps may continue
                    await asyncio.sleep(0.002)
            await pilot.pause()
            end = time.perf_counter()
            result.total = end - start
            result.lag = end - last_token
        result.wall = time.perf_counter() - start
        result.cpu = time.process_time() - cpu0
        stop.set()
        await prober
        if finished and impl == "ours":
            reference = StreamingMarkdown(reply)
            await log.mount(reference)
            width = widget.size.width
            result.verified = [list(s) for s in widget.rendered_lines(width)] == [
                list(s) for s in reference.rendered_lines(width)
            ]
        if not finished:
            if stream is not None and stream._task is not None:
                stream._task.cancel()
            app.exit()
    return result


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def median_or_none(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if len(present) == len(values) and present else None


def fmt(value: float | None, unit: str = "s", digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}{unit}"


async def run_app_case(tokens: int, rate: float | None) -> Result:
    import os
    import tempfile

    tmp = tempfile.mkdtemp(prefix="bench-render-")
    os.environ["GROK_TUI_CONFIG_DIR"] = os.path.join(tmp, "config")
    os.environ["GROK_TUI_DATA_DIR"] = os.path.join(tmp, "data")
    os.environ.pop("XAI_API_KEY", None)

    from grok_tui.api.client import RetryPolicy, XAIClient
    from grok_tui.backend import Backend
    from grok_tui.fake import FakeConfig, FakeServer, FakeXAI
    from grok_tui.ui.app import GrokApp

    key = "xai-bench-key-0123456789abcdef"

    import grok_tui.ui.app as app_module

    app_dir = Path(app_module.__file__).parent

    class BenchApp(GrokApp):
        CSS_PATH = [app_dir / path for path in GrokApp.CSS_PATH]  # type: ignore[union-attr]
        key_handled = asyncio.Event()

        def on_text_area_changed(self, event: TextArea.Changed) -> None:
            self.key_handled.set()

    result = Result("real app", "full" if rate is None else f"{rate:.0f}/s", tokens)
    fake = FakeXAI(
        FakeConfig(api_key=key, tokens_per_second=rate, markdown_tokens=tokens, chunk_chars=4)
    )
    with FakeServer(fake) as server:
        client = XAIClient(key, server.url, retry=RetryPolicy(max_retries=0))
        app = BenchApp(backend=Backend(client=client, demo=False))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            chat = app.chat
            stop = asyncio.Event()
            cpu0 = time.process_time()
            start = time.perf_counter()
            await chat.send(f"scenario:markdown tokens:{tokens} please")
            reply = chat.session.messages[-1]
            view = chat.conversation.view_for(reply)
            assert view is not None
            body = view.body
            assert isinstance(body, StreamingMarkdown)
            prober = asyncio.create_task(probe_keys(app, stop, result, rss_mb()))  # type: ignore[arg-type]
            first = None
            while chat.is_streaming:
                if first is None and body.source:
                    first = time.perf_counter()
                await asyncio.sleep(0.005)
            stream_end = time.perf_counter()
            while not body.is_rendered:
                await asyncio.sleep(0.002)
            await pilot.pause()
            end = time.perf_counter()
            result.total = end - (first or start)
            result.lag = end - stream_end
            result.wall = end - start
            result.cpu = time.process_time() - cpu0
            result.done_tokens = len(body.source) // TOKEN_CHARS
            stop.set()
            await prober
            print(
                f"  app    {tokens:6} {result.mode:6} send->first={fmt((first or start) - start)} "
                f"first->rendered={fmt(result.total)} lag={fmt(result.lag)} cpu={result.cpu:.2f}s "
                f"({100 * result.cpu / result.wall:.0f}%) keys p50={pct(result.keys, 0.5) * 1000:.0f}ms "
                f"p99={pct(result.keys, 0.99) * 1000:.0f}ms chars={len(body.source)}",
                flush=True,
            )
        await client.aclose()
    return result


async def app_main(quick: bool) -> None:
    cases: list[tuple[int, float | None]] = (
        [(2000, None), (600, 150.0)] if quick else [(2000, None), (20000, None), (2000, 150.0)]
    )
    print(f"real GrokApp vs loopback fake server, {SIZE[0]}x{SIZE[1]}, 4-char chunks")
    for tokens, rate in cases:
        await run_app_case(tokens, rate)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cap", type=float, default=60.0, help="baseline time limit per run (s)")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--app", action="store_true", help="drive the real app against the fake server"
    )
    args = parser.parse_args()
    if args.app:
        await app_main(args.quick)
        return

    if args.quick:
        full_sizes, paced_sizes, repeats, cap = [2000], [600], 1, min(args.cap, 30.0)
    else:
        full_sizes, paced_sizes, repeats, cap = (
            [2000, 20000, 60000],
            [2000, 6000],
            args.repeats,
            args.cap,
        )
    earlier = [make_reply(EARLIER_TOKENS, seed=100 + n) for n in range(EARLIER_ANSWERS)]
    impls = ["ours"] if args.no_baseline else ["ours", "MarkdownStream"]

    rows: list[tuple[str, int, str, list[Result]]] = []
    cases = [("full", n) for n in full_sizes] + [("150/s", n) for n in paced_sizes]
    for mode, size in cases:
        reply = make_reply(size)
        # The harness alone (producer, key probe, idle app): the CPU floor at 150 tok/s.
        floor = ["no-render"] if mode == "150/s" and size == paced_sizes[0] else []
        for impl in [*floor, *impls]:
            runs: list[Result] = []
            # Paced runs take size/150 s each: one repeat. Capped baselines: one repeat.
            count = 1 if mode == "150/s" or (impl != "ours" and size > 2000) else repeats
            for _ in range(count):
                result = await run_case(impl, mode, reply, earlier, cap if impl != "ours" else 1e9)
                runs.append(result)
                print(
                    f"  {mode:6} {size:6} {impl:15} total={fmt(result.total)} lag={fmt(result.lag)} "
                    f"cpu={result.cpu:.2f}s keys p99={pct(result.keys, 0.99) * 1000:.0f}ms "
                    f"tokens={result.done_tokens}/{result.tokens} verified={result.verified}",
                    flush=True,
                )
            rows.append((mode, size, impl, runs))

    print()
    print(
        f"StreamingMarkdown vs MarkdownStream, {SIZE[0]}x{SIZE[1]}, {EARLIER_ANSWERS} earlier answers, "
        f"{TOKEN_CHARS}-char tokens; medians"
    )
    header = (
        f"{'mode':6} {'tokens':>6} {'impl':15} {'to rendered':>12} {'lag':>7} {'CPU s':>7} "
        f"{'CPU %':>6} {'key p50':>8} {'key p99':>8} {'RSS +MB':>8} {'speedup':>8}"
    )
    print(header)
    print("-" * len(header))
    baseline_total: dict[tuple[str, int], float | None] = {}
    for mode, size, impl, runs in rows:
        if impl != "ours":
            baseline_total[(mode, size)] = median_or_none([r.total for r in runs])
    for mode, size, impl, runs in rows:
        total = median_or_none([r.total for r in runs])
        lag = median_or_none([r.lag for r in runs])
        cpu = statistics.median(r.cpu for r in runs)
        wall = statistics.median(r.wall for r in runs)
        keys = [k for r in runs for k in r.keys]
        rss = statistics.median(r.rss for r in runs)
        if total is None:
            done = max(r.done_tokens for r in runs)
            total_text = f"DNF {cap:.0f}s*"
            note = f"  (*did not finish in {cap:.0f} s: {done}/{size} tokens)"
        else:
            total_text, note = fmt(total), ""
        speedup = ""
        base = baseline_total.get((mode, size))
        if impl == "ours" and total and mode == "full":
            speedup = (
                f"{base / total:.1f}x"
                if base
                else (f">{cap / total:.0f}x" if (mode, size) in baseline_total else "")
            )
        elif impl == "ours" and mode == "150/s":
            base_runs = [
                r for m, s, i, rs in rows if m == mode and s == size and i != "ours" for r in rs
            ]
            if base_runs:
                speedup = f"{statistics.median(r.cpu for r in base_runs) / cpu:.1f}x cpu"
        print(
            f"{mode:6} {size:6} {impl:15} {total_text:>12} {fmt(lag):>7} {cpu:7.2f} "
            f"{100 * cpu / wall if wall else 0:5.0f}% {pct(keys, 0.5) * 1000:6.0f}ms {pct(keys, 0.99) * 1000:6.0f}ms "
            f"{rss:8.1f} {speedup:>8}{note}"
        )
    unverified = [r for _, _, impl, runs in rows for r in runs if r.verified is False]
    print()
    print(
        "streamed render == whole-document render:",
        "yes" if not unverified else f"NO ({len(unverified)} runs)",
    )


if __name__ == "__main__":
    asyncio.run(main())
