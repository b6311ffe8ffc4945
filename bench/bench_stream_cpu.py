"""CPU of the network path while a reply streams at a model's pace (no UI).

The loopback fake runs in its own process (`bench/fake_process.py`) at
`--rate` tokens per second (150 by default, one HTTP chunk per token, as the
real API sends them). In this process, N times interleaved, the same reply is
read three ways and the process CPU time (utime+stime) over the reply is
taken as a share of one core:

(a) floor: plain httpx `aiter_bytes`, nothing done with the bytes;
(b) client: `XAIClient.stream` paced as the app makes it (`ReadPacing`),
    SSE framing, JSON, typed events;
(c) controller: `TurnController.run_turn` over that client with a view that
    does nothing (recorder, dispatch, checkpoint checks, yields): the whole
    path from the socket to the widgets' door.

Prints medians, CPU µs per token, and the ratios client/floor and
controller/floor of the CPU shares.

    .venv/bin/python bench/bench_stream_cpu.py [--runs 3] [--tokens 2000] [--rate 150]
        [--api chat|responses]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_turn_controller import NoOpView  # noqa: E402
from bench.fake_process import external_fake  # noqa: E402
from grok_tui.api.chat_request import ChatRequest, InputMessage  # noqa: E402
from grok_tui.api.client import RetryPolicy, XAIClient  # noqa: E402
from grok_tui.api.events import Completed  # noqa: E402
from grok_tui.api.sse import ReadPacing  # noqa: E402
from grok_tui.api.wire import chat_body, responses_body  # noqa: E402
from grok_tui.chat.request_builder import build_request  # noqa: E402
from grok_tui.chat.session import Session  # noqa: E402
from grok_tui.chat.turn_controller import Turn, TurnController  # noqa: E402

KEY = "xai-bench-key"


def cpu() -> float:
    times = os.times()
    return times.user + times.system


async def measured(run: Callable[[], Awaitable[int]]) -> tuple[float, float, int]:
    """(CPU share of one core, wall seconds, tokens) of one reply. The
    clients are made (TLS context, connection pool) and warmed (imports, a
    first request) before: only the reply is measured."""
    c0, t0 = cpu(), time.perf_counter()
    tokens = await run()
    wall = time.perf_counter() - t0
    return (cpu() - c0) / wall, wall, tokens


def prompt(tokens: int) -> str:
    return f"scenario:markdown tokens:{tokens}"


class Clients:
    """The two clients, made once (TLS context, pool) outside the measures."""

    def __init__(self, url: str, api: str) -> None:
        self.url, self.api = url, api
        self.http = httpx.AsyncClient(timeout=120)
        # Paced as the app's backend makes it (`grok_tui/backend.py`).
        self.xai = XAIClient(
            KEY,
            url,
            api=api,  # type: ignore[arg-type]
            retry=RetryPolicy(max_retries=0),
            read_pacing=ReadPacing(),
        )

    async def aclose(self) -> None:
        await self.http.aclose()
        await self.xai.aclose()

    async def floor(self, tokens: int) -> int:
        request = ChatRequest(model="grok-4.3", messages=(InputMessage("user", prompt(tokens)),))
        if self.api == "chat":
            path, body = "/chat/completions", chat_body(request)[0]
        else:
            path, body = "/responses", responses_body(request)
        n = 0
        async with self.http.stream(
            "POST", self.url + path, json=body, headers={"Authorization": f"Bearer {KEY}"}
        ) as response:
            async for _chunk in response.aiter_bytes():
                n += 1
        return n

    async def client(self, tokens: int) -> int:
        request = ChatRequest(model="grok-4.3", messages=(InputMessage("user", prompt(tokens)),))
        last = None
        n = 0
        async for event in self.xai.stream(request):
            n += 1
            last = event
        assert isinstance(last, Completed), last
        return n

    async def controller(self, tokens: int) -> int:
        session = Session(model="grok-4.3")
        ctl = TurnController(
            session,
            stream=self.xai.stream,
            build_request=build_request,
            checkpoint=lambda _session: None,
            view=NoOpView(),
        )
        turn = await ctl.send(prompt(tokens))
        assert isinstance(turn, Turn), turn
        await ctl.run_turn(turn)
        assert session.messages[-1].text
        return tokens


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=150.0)
    parser.add_argument("--api", choices=("chat", "responses"), default="chat")
    args = parser.parse_args()
    names = ("floor", "client", "controller")
    shares: dict[str, list[float]] = {name: [] for name in names}
    with external_fake(key=KEY, rate=args.rate) as url:
        clients = Clients(url, args.api)
        for name in names:  # warm-up: imports, connections
            await getattr(clients, name)(20)
        for run in range(args.runs):
            for name in names:
                way: Callable[[int], Awaitable[int]] = getattr(clients, name)
                share, wall, _ = await measured(functools.partial(way, args.tokens))
                shares[name].append(share)
                print(f"  run {run + 1} {name:10} cpu {100 * share:5.2f}%  wall {wall:6.2f} s")
        await clients.aclose()
    print(
        f"\n{args.tokens} tokens at {args.rate:g} tok/s ({args.api} API), "
        f"median of {args.runs}, load {os.getloadavg()[0]:.1f}"
    )
    floor_share = statistics.median(shares["floor"])
    for name in names:
        share = statistics.median(shares[name])
        per_token = share / args.rate * 1e6
        print(
            f"{name:10} CPU {100 * share:5.2f}% of a core  {per_token:6.1f} µs/token"
            f"  x{share / floor_share:.2f} of the floor"
        )


if __name__ == "__main__":
    asyncio.run(main())
