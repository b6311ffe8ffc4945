"""Decode throughput of XAIClient.stream against the raw network floor.

Loopback part: starts the loopback fake with the `markdown` scenario (20,000
tokens, as fast as the fake can write) and, N times interleaved, reads the same
stream (a) with plain httpx `aiter_bytes` (the floor: bytes/s, wall time) and
(b) through `XAIClient.stream` (events/s, wall time). Prints medians and the
ratio client/raw of the wall times.

In-process part (no sockets, much less noise): the same recorded stream, cut
into network-like chunks (one frame per chunk, and 16 KB chunks), framed N
times interleaved by (a) httpx-sse's `EventSource.aiter_sse()` (the framing the
client used before keep-alives; skipped when httpx-sse is not installed) and
(b) `grok_tui.api.sse.aiter_frames` (the client's framing now): medians and
the ratio new/httpx-sse. Then the whole `XAIClient.stream` over an in-process
transport, plain and with a `: ping` comment line before every frame (a
comment flood, throttled to one KeepAlive a second): medians and ratio.

    .venv/bin/python bench/bench_decode.py [--runs 7] [--tokens 20000] [--api responses|chat]
        [--part all|loopback|inprocess]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grok_tui.api.chat_request import ChatRequest, InputMessage  # noqa: E402
from grok_tui.api.client import RetryPolicy, XAIClient  # noqa: E402
from grok_tui.api.events import Completed, KeepAlive  # noqa: E402
from grok_tui.api.sse import aiter_frames  # noqa: E402
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


class _Chunks(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk


def _sse_response(chunks: list[bytes]) -> httpx.Response:
    return httpx.Response(
        200, headers={"content-type": "text/event-stream"}, stream=_Chunks(chunks)
    )


async def frame_old(chunks: list[bytes]) -> int:
    from httpx_sse import EventSource

    n = 0
    async for sse in EventSource(_sse_response(chunks)).aiter_sse():
        if sse.data:
            n += 1
    return n


async def frame_new(chunks: list[bytes]) -> int:
    n = 0
    async for frame in aiter_frames(_sse_response(chunks)):
        if frame is not None and frame[1]:
            n += 1
    return n


async def client_inprocess(api: str, request: ChatRequest, chunks: list[bytes]) -> tuple[int, int]:
    def handler(_req: httpx.Request) -> httpx.Response:
        return _sse_response(chunks)

    transport = httpx.MockTransport(handler)
    async with XAIClient(
        KEY,
        "http://bench/v1",
        api=api,
        transport=transport,  # type: ignore[arg-type]
        retry=RetryPolicy(max_retries=0),
    ) as client:
        n = alive = 0
        last = None
        async for ev in client.stream(request):
            n += 1
            alive += isinstance(ev, KeepAlive)
            last = ev
    assert isinstance(last, Completed), last
    return n, alive


async def timed(fn: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = await fn()
    return time.perf_counter() - t0, out


async def inprocess(
    args: argparse.Namespace,
    fake: FakeXAI,
    path: str,
    body: dict[str, object],
    request: ChatRequest,
) -> dict[str, float]:
    resp = fake.handle(
        "POST",
        "/v1" + path,
        {"authorization": f"Bearer {KEY}", "content-type": "application/json"},
        json.dumps(body).encode(),
    )
    frames = [i for i in resp.iter_body() if isinstance(i, bytes)]
    whole = b"".join(frames)
    shapes = {
        "frame chunks": frames,
        "16 KB chunks": [whole[i : i + 16384] for i in range(0, len(whole), 16384)],
    }
    out: dict[str, float] = {}
    try:
        import httpx_sse  # noqa: F401

        have_old = True
    except ImportError:
        have_old = False
        print("httpx-sse not installed: no framing reference")
    print(
        f"in-process framing of {len(whole):,} bytes, {len(frames):,} frames, "
        f"runs={args.runs} (interleaved)"
    )
    for label, chunks in shapes.items():
        old_w: list[float] = []
        new_w: list[float] = []
        for _ in range(args.runs + 1):  # the first round is a warm-up
            if have_old:
                w, n_old = await timed(lambda: frame_old(chunks))
                old_w.append(w)
            w, n_new = await timed(lambda: frame_new(chunks))
            new_w.append(w)
            if have_old:
                assert n_old == n_new, (n_old, n_new)
        new_med = statistics.median(new_w[1:])
        line = f"  {label:13}: aiter_frames median {new_med * 1000:7.1f} ms"
        if have_old:
            old_med = statistics.median(old_w[1:])
            line += (
                f" | httpx-sse aiter_sse median {old_med * 1000:7.1f} ms"
                f" | ratio new/httpx-sse {new_med / old_med:.2f}x"
            )
            out[f"framing_{label.split()[0]}_ratio"] = new_med / old_med
        print(line)
    flood = [b": ping\n\n" + f for f in frames]
    plain_w: list[float] = []
    flood_w: list[float] = []
    alive = 0
    for _ in range(args.runs + 1):
        w, _n = await timed(lambda: client_inprocess(args.api, request, frames))
        plain_w.append(w)
        w, (_n, alive) = await timed(lambda: client_inprocess(args.api, request, flood))
        flood_w.append(w)
    plain_med, flood_med = statistics.median(plain_w[1:]), statistics.median(flood_w[1:])
    print(
        f"in-process XAIClient.stream, frame chunks: plain median {plain_med * 1000:7.1f} ms"
        f" | a comment before every frame {flood_med * 1000:7.1f} ms ({alive} KeepAlive)"
        f" | ratio flood/plain {flood_med / plain_med:.2f}x"
    )
    out.update(
        client_inprocess_median_s=plain_med,
        client_flood_median_s=flood_med,
        flood_ratio=flood_med / plain_med,
    )
    return out


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--tokens", type=int, default=20_000)
    ap.add_argument("--api", choices=("responses", "chat"), default="responses")
    ap.add_argument("--part", choices=("all", "loopback", "inprocess"), default="all")
    args = ap.parse_args()
    fake = FakeXAI(FakeConfig(api_key=KEY, tokens_per_second=None, markdown_tokens=args.tokens))
    request = ChatRequest(
        model="grok-4.3",
        messages=(
            InputMessage("user", f"write a long answer scenario:markdown tokens:{args.tokens}"),
        ),
    )
    if args.api == "chat":
        body, path = chat_body(request)[0], "/chat/completions"
    else:
        body, path = responses_body(request), "/responses"
    extra: dict[str, float] = {}
    if args.part in ("all", "inprocess"):
        extra = await inprocess(args, fake, path, body, request)
        if args.part == "inprocess":
            print(json.dumps(extra))
            return
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
    print(
        f"raw httpx aiter_bytes : median {raw_med * 1000:8.1f} ms  "
        f"{raw_bytes / raw_med / 1e6:7.1f} MB/s"
    )
    print(
        f"XAIClient.stream      : median {cl_med * 1000:8.1f} ms  "
        f"{cl_events / cl_med:10,.0f} events/s"
    )
    print(f"ratio client/raw wall : {cl_med / raw_med:.2f}x")
    print(
        json.dumps(
            {
                "raw_median_s": raw_med,
                "client_median_s": cl_med,
                "ratio": cl_med / raw_med,
                "events": cl_events,
                "bytes": raw_bytes,
                **extra,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
