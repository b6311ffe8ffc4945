"""`python -m grok_tui.fake --port N`: serve the fake xAI API until Ctrl+C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from grok_tui.fake.core import FakeConfig, FakeXAI
from grok_tui.fake.server import FakeServer
from grok_tui.fake.wire import mask_key_like_xai


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m grok_tui.fake", description="Serve the fake xAI API on loopback."
    )
    p.add_argument("--port", type=int, default=0, help="port (0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument(
        "--rate",
        type=float,
        default=None,
        metavar="TPS",
        help="tokens per second (default: as fast as possible)",
    )
    p.add_argument("--key", default=FakeConfig.api_key, help="the one valid API key")
    p.add_argument(
        "--event-lines", action="store_true", help="prefix Responses frames with `event: <type>`"
    )
    p.add_argument(
        "--done-trailer", action="store_true", help="send `data: [DONE]` after response.completed"
    )
    p.add_argument(
        "--keepalive",
        type=float,
        default=None,
        metavar="SECONDS",
        help="send `: keep-alive` SSE comments every SECONDS during pauses",
    )
    p.add_argument(
        "--ignore-stream", action="store_true", help="answer streaming requests with one JSON body"
    )
    p.add_argument(
        "--no-cost",
        action="append",
        default=[],
        metavar="MODEL",
        help="replies of MODEL (an id) carry no cost_in_usd_ticks (repeatable)",
    )
    p.add_argument(
        "--upload-rate",
        type=float,
        default=None,
        metavar="BYTES",
        help="read uploads (POST /v1/files) at BYTES per second (default: at once)",
    )
    args = p.parse_args(argv)
    config = FakeConfig(
        api_key=args.key,
        tokens_per_second=args.rate,
        emit_event_lines=args.event_lines,
        emit_done_trailer=args.done_trailer,
        keepalive_seconds=args.keepalive,
        ignore_stream=args.ignore_stream,
        costless_models=tuple(args.no_cost),
        upload_bytes_per_second=args.upload_rate,
    )
    server = FakeServer(FakeXAI(config), host=args.host, port=args.port).start()
    print(
        f"grok-tui fake xAI server on {server.url} (key: {mask_key_like_xai(args.key)})", flush=True
    )
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
