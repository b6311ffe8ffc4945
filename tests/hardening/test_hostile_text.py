"""Hostile text in the lower layers: terminal escapes, C1 controls, lone
surrogates and huge or binary content are removed where text enters (fast,
linear, idempotent); the recorder and session titles come out clean; only
http(s) links to a host may be opened."""

from __future__ import annotations

import concurrent.futures
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grok_tui.api import events as ev
from grok_tui.chat.conversation import add_user_message, title_from_text
from grok_tui.chat.session import Message, MessageStatus, Session
from grok_tui.chat.turn import TurnRecorder
from grok_tui.sanitize import is_safe_link, one_line, strip_control

# What must never reach the terminal (tab and newline are allowed).
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

HOSTILE: dict[str, tuple[str, str]] = {
    # name: (input, expected output)
    "OSC 2 title (BEL)": ("a\x1b]2;pwned title\x07b", "ab"),
    "OSC 0 title (ST)": ("a\x1b]0;pwned\x1b\\b", "ab"),
    "OSC 52 clipboard": ("x\x1b]52;c;cm0gLXJmIH4=\x07y", "xy"),
    "OSC 8 hyperlink": ("\x1b]8;;https://evil\x1b\\click\x1b]8;;\x1b\\", "click"),
    "CSI 2J clear": ("before\x1b[2Jafter", "beforeafter"),
    "CSI cursor + SGR": ("\x1b[10;10H\x1b[31;1mred\x1b[0m", "red"),
    "bell": ("ding\x07dong", "dingdong"),
    "8-bit C1 CSI": ("a\x9b31mb", "ab"),
    "DCS": ("a\x1bP1$qm\x1b\\b", "ab"),
    "APC / PM / SOS": ("a\x1b_apc\x1b\\b\x1b^pm\x1b\\c\x1bXsos\x1b\\d", "abcd"),
    "unterminated OSC": ("safe\x1b]0;title never ends", "safe"),
    "nested escapes": ("a\x1b]0;\x1b[31mx\x07b\x1b\x1b[2Jc", "axbc"),
    "CR overwrite": ("rm -rf /\rls", "rm -rf /ls"),
    "backspace": ("abc\x08\x08", "abc"),
    "NUL and DEL": ("a\x00b\x7fc", "abc"),
    "lone surrogates": ("a\ud800b\udcffc", "a\ufffdb\ufffdc"),
    "split pair joined": ("\ud83d\ude00", "\U0001f600"),
    "tab and newline kept": ("a\tb\nc", "a\tb\nc"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_strip_control_cases(name: str) -> None:
    text, expected = HOSTILE[name]
    out = strip_control(text)
    assert out == expected
    assert not FORBIDDEN.search(out)
    assert strip_control(out) == out


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=200)
    | st.lists(
        st.sampled_from(
            [
                "\x1b",
                "[",
                "]",
                "P",
                "\\",
                "\x07",
                "\x9b",
                "0",
                ";",
                "m",
                "a",
                "\ud800",
                "\n",
                "\x90",
                "\x9c",
            ]
        ),
        max_size=60,
    ).map("".join)
)
def test_strip_control_properties(text: str) -> None:
    out = strip_control(text)
    assert not FORBIDDEN.search(out)
    assert strip_control(out) == out  # idempotent
    out.encode("utf-8")  # writable to a terminal and a file
    line = one_line(text)
    assert "\n" not in line and not FORBIDDEN.search(line)


def test_binary_content() -> None:
    rnd = random.Random(1234)
    raw = bytes(rnd.getrandbits(8) for _ in range(200_000))
    for errors in ("surrogateescape", "replace", "ignore"):
        out = strip_control(raw.decode("utf-8", errors))
        assert not FORBIDDEN.search(out)
        out.encode("utf-8")
    latin = strip_control(raw.decode("latin-1"))
    assert not FORBIDDEN.search(latin)


ADVERSARIAL = {
    "CSI params, no final byte": lambda n: "\x1b[" + "0" * n,
    "C1 CSI params": lambda n: "\x9b" + "0;" * (n // 2),
    "OSC openers": lambda n: "\x1b]" * (n // 2),
    "DCS openers": lambda n: "\x1bP" * (n // 2),
    "ESC run": lambda n: "\x1b" * n,
    "CSI starts": lambda n: "\x1b[0" * (n // 3),
    "unterminated OSC body": lambda n: "\x1b]0;" + "a" * n,
    "ST run": lambda n: "\x1b\\" * (n // 2),
    "C1 run": lambda n: "\x9b" * n,
    "surrogates": lambda n: "\ud800a" * (n // 2),
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_megabyte_is_linear(name: str) -> None:
    """1 MB of each worst case finishes well inside a bound that catastrophic
    (quadratic or worse) backtracking could never meet: about 0.2 s is
    measured, quadratic would be ~10^12 steps."""
    text = ADVERSARIAL[name](1_000_000)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        out = pool.submit(strip_control, text).result(timeout=20)
    assert not FORBIDDEN.search(out)


def test_ten_megabytes() -> None:
    clean = "word " * 2_000_000
    assert strip_control(clean) is clean  # the fast path returns it as is
    dirty = "text\x1b[31mred\x1b[0m " * 500_000
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        out = pool.submit(strip_control, dirty).result(timeout=30)
    assert out == "textred " * 500_000


# -- the recorder and titles -------------------------------------------------------------

EVIL = "\x1b]0;pwned\x07\x1b[2J\x9b31m\ud800"


def test_recorder_cleans_every_untrusted_field() -> None:
    msg = Message(role="assistant", status=MessageStatus.STREAMING)
    rec = TurnRecorder(msg, clock=lambda: 0.0, wall=lambda: 0.0)
    for event in (
        ev.ResponseStarted("r1", "grok" + EVIL),
        ev.ReasoningDelta("think" + EVIL),
        ev.ToolCallStarted(
            "c1" + EVIL, "web_search" + EVIL, ev.ToolKind.WEB_SEARCH, '{"q":"' + EVIL + '"}'
        ),
        ev.ToolCallUpdated("c1" + EVIL, ev.ToolPhase.SEARCHING, '{"q":"x' + EVIL + '"}'),
        ev.ToolCallFinished(
            "c1" + EVIL,
            "web_search" + EVIL,
            ev.ToolKind.WEB_SEARCH,
            ev.ToolPhase.FAILED,
            '{"q":"y' + EVIL + '"}',
            sources=("https://a" + EVIL,),
            error="bad" + EVIL,
        ),
        ev.TextDelta("answer" + EVIL),
        ev.CitationAdded("https://x.ai/" + EVIL, "Title" + EVIL, 0, 3),
        ev.Completed("r1", "grok" + EVIL, "answer"),
    ):
        rec.apply(event)
    tc = msg.tool_calls[0]
    fields = [
        msg.text,
        msg.reasoning,
        msg.model or "",
        tc.call_id,
        tc.name,
        tc.arguments,
        tc.error or "",
        *tc.sources,
        *(c.url for c in msg.citations),
        *(c.title or "" for c in msg.citations),
    ]
    for value in fields:
        assert not FORBIDDEN.search(value), repr(value)
        assert "pwned" not in value and "[2J" not in value
    msg.model_dump_json().encode("utf-8")


def test_session_title_from_a_hostile_first_message() -> None:
    session = Session()
    add_user_message(session, "\x1b]2;evil\x07\x1b[2J  Hello\r\n\tworld \x9b1m" + "x" * 500)
    assert session.title
    assert not FORBIDDEN.search(session.title)
    assert "\n" not in session.title and "\t" not in session.title
    assert session.title.startswith("Hello")
    assert not FORBIDDEN.search(title_from_text("\x00\x1b" * 100))


# -- links ------------------------------------------------------------------------------

SAFE = ["https://x.ai", "http://example.com/a?b=c#d", "HTTPS://X.AI/path", " https://x.ai\n"]
UNSAFE = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "file:///etc/passwd",
    "data:text/html,<script>",
    "vbscript:x",
    "ftp://x.ai",
    "\x1bhttps://x.ai",
    "\x01https://x.ai",
    "\x1fhttps://x.ai",
    "\x00https://x.ai",
    "\u202ehttps://x.ai",
    "\u200bhttps://x.ai",
    "https://x.ai\x1b]0;t\x07",
    "https://a.ai\nfile:///etc/passwd",
    "https://",
    "https:///etc/passwd",
    "http:\\\\x",
    "https:x.ai",
    "//x.ai",
    "",
    "x.ai",
    "https://\ud800.ai",
]


@pytest.mark.parametrize("url", SAFE)
def test_safe_links(url: str) -> None:
    assert is_safe_link(url)


@pytest.mark.parametrize("url", UNSAFE)
def test_unsafe_links(url: str) -> None:
    assert not is_safe_link(url)
