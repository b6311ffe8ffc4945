"""Decode throughput of XAIClient.stream against the raw network floor.

Starts the loopback fake with the `markdown` scenario (20,000 tokens, as fast
as the fake can write) and, N times interleaved, reads the same stream
(a) with plain httpx `aiter_bytes` (the floor: bytes/s, wall time) and
(b) through `XAIClient.stream` (events/s, wall time). Prints medians and the
ratio client/raw of the wall times.

    .venv/bin/python bench/bench_decode.py [--runs 7] [--tokens 20000] [--api responses|chat]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grok_tui.api.client import RetryPolicy, XAIClient  # noqa: E402
from grok_tui.api.events import Completed  # noqa: E402
from grok_tui.api.request import ChatRequest, InputMessage  # noqa: E402
from grok_tui.api.wire import chat_body, responses_body  # noqa: E402
from grok_tui.fake import FakeConfig, FakeServer, FakeXAI  # noqa: E402

KEY = "xai-bench-key"


async def raw_once(url: str, path: str, body: dict[str, object]) -> tuple[float, int]:
    async with httpx.AsyncClient(timeout=60) as http:
        t0 = time.perf_counter()
        n = 0
        async with http.stream(
            "POST", url + path, json=body, headers={"Authorization": f"Bearer {KEY}"}
        ) as resp:
            async for chunk in resp.aiter_bytes():
                n += len(chunk)
        return time.perf_counter() - t0, n


async def client_once(url: str, api: str, request: ChatRequest) -> tuple[float, int, int]:
    async with XAIClient(KEY, url, api=api, retry=RetryPolicy(max_retries=0)) as client:  # type: ignore[arg-type]
        t0 = time.perf_counter()
        n = 0
        last = None
        async for ev in client.stream(request):
            n += 1
            last = ev
        wall = time.perf_counter() - t0
    assert isinstance(last, Completed), last
    return wall, n, len(last.text)


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--tokens", type=int, default=20_000)
    ap.add_argument("--api", choices=("responses", "chat"), default="responses")
    args = ap.parse_args()
    fake = FakeXAI(FakeConfig(api_key=KEY, tokens_per_second=None, markdown_tokens=args.tokens))
    request = ChatRequest(
        model="grok-4.3",
        messages=(InputMessage("user", f"write a long answer scenario:markdown tokens:{args.tokens}"),),
    )
    if args.api == "chat":
        body, path = chat_body(request)[0], "/chat/completions"
    else:
        body, path = responses_body(request), "/responses"
    raw_walls: list[float] = []
    raw_bytes = 0
    cl_walls: list[float] = []
    cl_events = 0
    chars = 0
    with FakeServer(fake) as server:
        await raw_once(server.url, path, body)  # warm-up
        await client_once(server.url, args.api, request)
        for _ in range(args.runs):
            w, raw_bytes = await raw_once(server.url, path, body)
            raw_walls.append(w)
            w, cl_events, chars = await client_once(server.url, args.api, request)
            cl_walls.append(w)
    raw_med = statistics.median(raw_walls)
    cl_med = statistics.median(cl_walls)
    print(f"api={args.api} tokens={args.tokens} runs={args.runs} (interleaved)")
    print(f"stream: {raw_bytes:,} bytes, {cl_events:,} events, {chars:,} answer chars")
    print(f"raw httpx aiter_bytes : median {raw_med * 1000:8.1f} ms  "
          f"{raw_bytes / raw_med / 1e6:7.1f} MB/s")
    print(f"XAIClient.stream      : median {cl_med * 1000:8.1f} ms  "
          f"{cl_events / cl_med:10,.0f} events/s")
    print(f"ratio client/raw wall : {cl_med / raw_med:.2f}x")
    print(json.dumps({"raw_median_s": raw_med, "client_median_s": cl_med,
                      "ratio": cl_med / raw_med, "events": cl_events, "bytes": raw_bytes}))


if __name__ == "__main__":
    asyncio.run(main())
