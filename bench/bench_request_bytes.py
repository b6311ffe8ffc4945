"""Request bytes per turn over a 50-turn chat: the whole history each turn
(`conversation = "client"`, the default) against server-side state
(`conversation = "server"` with `store_responses = true`: only the new message
and `previous_response_id`). Also the session-file cost of keeping the
encrypted reasoning items (storage off, a reasoning model).

Every turn really goes through the client to the loopback fake server
(`grok_tui.fake.FakeServer`), which records the bodies; sizes are the JSON
bodies as sent. The baseline (full history) is measured in the same run.

    .venv/bin/python bench/bench_request_bytes.py [--turns 50] [--model grok-4.3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grok_tui.api.client import RetryPolicy, XAIClient  # noqa: E402
from grok_tui.chat import conversation as conv  # noqa: E402
from grok_tui.chat.pricing import ModelCatalog  # noqa: E402
from grok_tui.chat.request_builder import RequestOptions  # noqa: E402
from grok_tui.chat.sending import TurnSender  # noqa: E402
from grok_tui.chat.session import Session  # noqa: E402
from grok_tui.chat.turn import TurnRecorder  # noqa: E402
from grok_tui.fake import FakeConfig, FakeServer, FakeXAI  # noqa: E402

KEY = "xai-bench-request-bytes-000"


def body_bytes(body: dict[str, object]) -> int:
    return len(json.dumps(body, ensure_ascii=False).encode("utf-8"))


async def chat(
    server: FakeServer, turns: int, model: str, options: RequestOptions
) -> tuple[list[int], Session]:
    session = Session(model=model, system_prompt="You are a concise assistant.")
    sender = TurnSender("responses", options, ModelCatalog(), lambda: [KEY])
    sizes: list[int] = []
    async with XAIClient(KEY, server.url, retry=RetryPolicy(max_retries=0)) as client:
        for n in range(turns):
            conv.add_user_message(
                session, f"Question {n}: tell me one more fact about the sea, please. tokens:60"
            )
            request = sender.build(session)
            reply = conv.start_reply(session, request.model)
            reply.stored_on_server = request.store is True
            recorder = TurnRecorder(reply)
            before = len(server.fake.requests)
            async for event in sender.stream(client.stream, session, request):
                recorder.apply(event)
            sizes.extend(
                body_bytes(r.json) for r in server.fake.requests[before:] if r.method == "POST"
            )
    return sizes, session


def session_bytes(session: Session) -> int:
    return len(session.model_dump_json(indent=2).encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=50)
    parser.add_argument("--model", default="grok-4.3")
    args = parser.parse_args()
    with FakeServer(FakeXAI(FakeConfig(api_key=KEY))) as server:
        full, stateless = asyncio.run(chat(server, args.turns, args.model, RequestOptions()))
        chained, _ = asyncio.run(
            chat(
                server,
                args.turns,
                args.model,
                RequestOptions(store_responses=True, conversation="server"),
            )
        )
        stored_full, stored_session = asyncio.run(
            chat(server, args.turns, args.model, RequestOptions(store_responses=True))
        )
    print(f"{args.turns}-turn chat with {args.model}, request body bytes per turn")
    print(f"{'turn':>6} {'full history':>14} {'chained':>10}")
    for i in (0, 1, 9, 24, args.turns - 1):
        if i < len(full):
            print(f"{i + 1:>6} {full[i]:>14,} {chained[i]:>10,}")
    print(
        f"median  full {statistics.median(full):,.0f} B  chained {statistics.median(chained):,.0f} B"
    )
    print(f"total   full {sum(full):,} B  chained {sum(chained):,} B")
    print(f"ratio (full / chained, total bytes sent): {sum(full) / sum(chained):.1f}x")
    print(f"ratio (full / chained, last turn): {full[-1] / chained[-1]:.1f}x")
    print()
    items = sum(len(m.reasoning_items) for m in stateless.messages)
    with_items = session_bytes(stateless)
    without = session_bytes(stored_session)
    print("session file, storage off (encrypted reasoning kept) vs storage on (none kept):")
    print(
        f"  {with_items:,} B vs {without:,} B: +{with_items - without:,} B "
        f"({(with_items - without) / max(1, items):,.0f} B per reasoning item, {items} items), "
        f"ratio {with_items / without:.2f}x"
    )
    print(
        f"  request bytes, storage off (with replayed reasoning) vs storage on (full history): "
        f"{sum(full):,} B vs {sum(stored_full):,} B, ratio {sum(full) / sum(stored_full):.2f}x"
    )


if __name__ == "__main__":
    main()
