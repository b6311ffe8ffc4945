"""Building sessions for store tests."""

from __future__ import annotations

import os
import struct
import sys
import zlib
from pathlib import Path

from grok_tui.chat.conversation import add_user_message, start_reply
from grok_tui.chat.session import MessageStatus, Session, Usage

REPO = Path(__file__).resolve().parents[2]


def make_session(prompt: str = "hello", answer: str = "hi there", **kw: object) -> Session:
    s = Session(**kw)  # type: ignore[arg-type]
    add_user_message(s, prompt)
    r = start_reply(s, s.model)
    r.text = answer
    r.status = MessageStatus.COMPLETE
    r.usage = Usage(input_tokens=3, output_tokens=2, total_tokens=5, cost_usd=0.001)
    return s


def priced_session(
    title: str, *costs: tuple[float | None, bool], model: str = "grok-4.3"
) -> Session:
    """A session with one completed reply per (cost_usd, cost_estimated),
    each of 1,000 tokens (600 in, 400 out)."""
    s = Session(title=title, model=model)
    for i, (cost, estimated) in enumerate(costs):
        add_user_message(s, f"{title} question {i}")
        reply = start_reply(s, s.model)
        reply.text, reply.status = f"answer {i} of {title}", MessageStatus.COMPLETE
        reply.usage = Usage(
            input_tokens=600,
            output_tokens=400,
            total_tokens=1000,
            cost_usd=cost,
            cost_estimated=estimated,
        )
    return s


def subprocess_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["GROK_TUI_DATA_DIR"] = str(data_dir)
    env["GROK_TUI_CONFIG_DIR"] = str(data_dir.parent / "config")
    return env


PYTHON = sys.executable


def tiny_png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + crc

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def three_branches() -> tuple[Session, str]:
    """ "tell me about zebras" → "zebras are striped" (kept off the path) and
    "quokkas smile", then an edit "tell me about okapis" → "okapis are shy"
    (the chosen path): 3 branches. Returns the session and the striped reply's id."""
    from grok_tui.chat import tree
    from grok_tui.chat.conversation import prepare_regenerate

    s = make_session("tell me about zebras", "zebras are striped", title="Animals")
    striped = s.messages[1].id
    prepare_regenerate(s)
    reply = start_reply(s, s.model)
    reply.text, reply.status = "quokkas smile", MessageStatus.COMPLETE
    tree.fork_at(s, s.messages[0].id, "tell me about okapis")
    answer = start_reply(s, s.model)
    answer.text, answer.status = "okapis are shy", MessageStatus.COMPLETE
    return s, striped
