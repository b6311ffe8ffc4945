"""SSEParser: the client's SSE framing (text chunks -> frames, comment lines
reported as None), checked against hand-made cases and, for every captured
stream, against itself fed whole: split at random points, with comment lines
mixed in and with CRLF / LF / CR line ends."""

from __future__ import annotations

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from grok_tui.api.events import KeepAlive
from grok_tui.api.sse import Frame, FrameDecoder, SSEParser
from tests.api.helpers import SSE_FIXTURES, fixture_bytes, split_at

ENDINGS = ["\n", "\r\n", "\r"]


def parse(*chunks: str) -> list[Frame | None]:
    parser = SSEParser()
    out: list[Frame | None] = []
    for chunk in chunks:
        out.extend(parser.feed(chunk))
    return out


def frames_only(items: list[Frame | None]) -> list[Frame]:
    return [i for i in items if i is not None]


def with_ending(text: str, ending: str) -> str:
    """`text` (LF line ends) with another line end."""
    return text.replace("\n", ending)


def split_text(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % len(text) for c in cuts if c % len(text)})
    out, prev = [], 0
    for p in points:
        out.append(text[prev:p])
        prev = p
    out.append(text[prev:])
    return out


def add_comments(text: str, where: list[int], comment: str) -> tuple[str, int]:
    """Comment lines inserted at line starts of `text` (LF ends): before the
    first line, between two frames or between two lines of one frame."""
    lines = text.split("\n")
    assert lines[-1] == ""  # the text ends with a line end
    starts = sorted({w % (len(lines) - 1) for w in where})
    for i in reversed(starts):
        lines.insert(i, comment)
    return "\n".join(lines), len(starts)


# -- hand-made cases --------------------------------------------------------------


@pytest.mark.parametrize("ending", ENDINGS)
def test_frames_events_and_multi_line_data(ending: str) -> None:
    text = with_ending(
        'data: {"a":1}\n\nevent: response.created\ndata: x\n\ndata: one\ndata:two\n\n'
        "event: ping\n\ndata\n\n",
        ending,
    )
    assert parse(text) == [
        ("", '{"a":1}'),
        ("response.created", "x"),
        ("", "one\ntwo"),
        ("ping", ""),  # an event without data is kept (a keep-alive to the decoders)
        ("", ""),
    ]


@pytest.mark.parametrize("ending", ENDINGS)
def test_comment_lines_are_reported_once_per_chunk(ending: str) -> None:
    text = with_ending(": ping\n\n:keep-alive\n\n:\n\ndata: x\n\n", ending)
    assert parse(text) == [None, ("", "x")]
    assert parse(*text) == [None, None, None, ("", "x")]  # one char per chunk


def test_comment_between_the_lines_of_a_frame_does_not_end_it() -> None:
    assert parse("event: e\n: hi\ndata: x\n\n") == [None, ("e", "x")]


def test_comment_split_across_chunks() -> None:
    parser = SSEParser()
    assert list(parser.feed(": pi")) == []
    assert list(parser.feed("ng")) == []
    assert list(parser.feed("\r")) == [None]
    assert list(parser.feed("\ndata: x\r\n")) == []  # the LF of the CRLF is skipped
    assert list(parser.feed("\r\n")) == [("", "x")]


def test_crlf_split_between_cr_and_lf_is_one_line_end() -> None:
    assert parse("data: x\r", "\n", "\r", "\n") == [("", "x")]
    assert parse("data: x\r", "\r") == [("", "x")]  # CR CR: two line ends
    assert parse("data: x\r", "\ndata: y\r\r\n\r\n") == [("", "x\ny")]
    assert parse("data: a\r", "\n\r\ndata: b\n\n") == [("", "a"), ("", "b")]


def test_only_cr_lf_crlf_end_lines() -> None:
    # U+2028, U+0085, VT, FF are line breaks to str.splitlines, not to SSE.
    data = "a\u2028b\x85c\x0bd\x0ce"
    assert parse(f"data: {data}\n\n") == [("", data)]


def test_field_value_space_rules_and_ignored_fields() -> None:
    assert parse("data:x\n\n", "data:  x\n\n", "data: :x\n\n") == [
        ("", "x"),
        ("", " x"),
        ("", ":x"),
    ]
    # id, retry and unknown fields alone do not make a frame
    assert parse("id: 7\nretry: 10\nfoo: bar\n\n\n\n") == []
    assert parse("id: 7\ndata: x\n\n\n\n") == [("", "x")]


def test_leading_bom_is_dropped_once() -> None:
    assert parse("\ufeffdata: x\n\n") == [("", "x")]
    assert parse("\ufeff", "data: x\n\n") == [("", "x")]
    assert parse("data: \ufeffx\n\n") == [("", "\ufeffx")]


def test_unterminated_frame_at_the_end_is_not_dispatched() -> None:
    assert parse("data: a\n\ndata: b\n") == [("", "a")]
    assert parse("data: a\n\ndata: b") == [("", "a")]


def test_a_long_line_in_many_chunks() -> None:
    data = "x" * 100_000
    text = f"data: {data}\n\n"
    chunks = [text[i : i + 7] for i in range(0, len(text), 7)]
    assert parse(*chunks) == [("", data)]


# -- captured streams, split at random -------------------------------------------------


def fixture_text(name: str) -> str:
    return fixture_bytes(name).decode("utf-8")


@pytest.mark.parametrize("name", sorted(SSE_FIXTURES))
def test_fixtures_have_frames(name: str) -> None:
    frames = parse(fixture_text(name))
    assert len(frames) >= 3 and None not in frames


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(SSE_FIXTURES)),
    ending=st.sampled_from(ENDINGS),
    cuts=st.lists(st.integers(min_value=1, max_value=50_000), max_size=60),
    where=st.lists(st.integers(min_value=0, max_value=10_000), max_size=8),
    comment=st.sampled_from([": ping", ":keep-alive", ":", ': data: {"type":"x"}']),
    event_lines=st.booleans(),
)
def test_random_splits_endings_and_comments_give_the_same_frames(
    name: str, ending: str, cuts: list[int], where: list[int], comment: str, event_lines: bool
) -> None:
    plain = fixture_text(name)
    if event_lines:  # two-line frames: a stray line end inside one would split it
        plain = plain.replace("data: ", "event: e\ndata: ")
    expected = parse(plain)
    text, n_comments = add_comments(plain, where, comment)
    text = with_ending(text, ending)
    chunks = split_text(text, cuts)
    got = parse(*chunks)
    assert frames_only(got) == expected
    markers = got.count(None)
    if n_comments:
        assert 1 <= markers <= min(n_comments, len(chunks))
    else:
        assert markers == 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(SSE_FIXTURES)),
    cuts=st.lists(st.integers(min_value=1, max_value=50_000), max_size=40),
)
def test_byte_splits_inside_utf8_through_an_incremental_decoder(name: str, cuts: list[int]) -> None:
    import codecs

    data = fixture_bytes(name)
    decoder = codecs.getincrementaldecoder("utf-8")()
    chunks = [decoder.decode(c) for c in split_at(data, [c % len(data) for c in cuts])]
    assert parse(*chunks) == parse(data.decode("utf-8"))


# -- the decoders' keep-alive throttle ------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 10.0

    def __call__(self) -> float:
        return self.now


def test_keep_alive_is_throttled_to_one_per_second() -> None:
    clock = Clock()
    decoder = FrameDecoder(clock)
    assert decoder.keep_alive() == KeepAlive(0.0)
    clock.now = 10.5
    assert decoder.keep_alive() is None
    clock.now = 10.999
    assert decoder.keep_alive() is None
    clock.now = 11.0
    assert decoder.keep_alive() == KeepAlive(1.0)
    clock.now = 13.25
    assert decoder.keep_alive() == KeepAlive(3.25)
    assert decoder.keep_alive() is None
    # comments are neither content nor frames
    assert not decoder.content_started and not decoder.got_frame
    decoder.done = True
    clock.now = 100.0
    assert decoder.keep_alive() is None


@pytest.mark.parametrize("name", sorted(SSE_FIXTURES))
def test_every_crlf_split_between_cr_and_lf(name: str) -> None:
    plain = fixture_text(name).replace("data: ", "event: e\ndata: ")
    text = with_ending(add_comments(plain, [0, 1, 5], ": ping")[0], "\r\n")
    cuts = [i + 1 for i, ch in enumerate(text) if ch == "\r"]
    got = parse(*split_text(text, cuts))
    assert frames_only(got) == parse(plain)
    assert got.count(None) == 3


@pytest.mark.parametrize(
    "content_type",
    [
        "text/event-stream; charset=iso-8859-1",
        "text/event-stream",
        "text/event-stream; charset=utf-8",
    ],
)
async def test_streams_are_utf8_whatever_the_charset_says(content_type: str) -> None:
    """The SSE spec decodes event streams as UTF-8 only; a character split
    across network chunks still comes out whole."""
    import httpx

    from grok_tui.api.sse import aiter_frames

    body = 'data: {"t":"héllo ✓"}\n\n'.encode()
    cut = body.index("✓".encode()) + 1  # inside the three bytes of ✓

    class Chunks(httpx.AsyncByteStream):
        async def __aiter__(self):  # type: ignore[override]
            yield body[:cut]
            yield body[cut:]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": content_type}, stream=Chunks())

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        async with client.stream("GET", "http://sse.invalid/") as response:
            frames = [f async for f in aiter_frames(response)]
    assert frames == [("", '{"t":"héllo ✓"}')]
