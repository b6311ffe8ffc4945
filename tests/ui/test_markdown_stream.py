"""StreamingMarkdown: streamed rendering equals whole-document rendering, markup
and links are inert unless http(s), incremental work stays bounded."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.strip import Strip

import grok_tui.ui.markdown.render as md_render
import grok_tui.ui.widgets.markdown_stream as ms
from grok_tui.ui.markdown.blocks import BlockStream, Piece, split_document
from grok_tui.ui.markdown.render import LINK_META, render_piece
from grok_tui.ui.widgets.conversation import Conversation
from grok_tui.ui.widgets.markdown_stream import StreamingMarkdown
from tests.waiting import wait_for

FENCE = "```python\ndef f(x):\n    s = '''multi\n    line'''\n    return x + 1\n```\n"
CORPUS = [
    "# Title\n\nSome *emphasis*, **strong**, `code` and a [link](https://x.ai).\n",
    "Intro line:\n- one\n- two\n  - nested a\n  - nested b\n- three\n\nAfter the list.\n",
    "1. first\n2. second\n\n3. third (loose)\n10. tenth\n\n- other list\n",
    "> quoted *text*\n> more\nlazy continuation\n\n> second quote\n",
    "| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 | 4 |\n\ntext after table\n",
    "## Code\n\n" + FENCE + "\nand after\n",
    "Text\n~~~\nunclosed tilde fence\n  indented\n",
    "para one\nstill para\n\n---\n\n***\nSetext\n===\n\nSub\n---\n",
    "- item\n\n  ```bash\n  echo hi\n  ```\n- item 2\n\n    indented code\n",
    "Cite [[1]](https://a.example/1) and [[2]](https://b.example/2).\n\n#not heading\n#\n",
    "```\nfence at start\n```\n```js\nlet a = 1;\n```\n````\n```\nnested ticks\n````\n",
    "```\nunclosed fence, blank lines after\n\n\n",
    "Literal [@click=app.quit]x[/] and [bold red]red[/] and [link=file:///etc/passwd]x[/link]\n",
]

HOST_SIZE = (80, 30)


class Host(App[None]):
    def __init__(self, *docs: str, streaming: bool = False) -> None:
        super().__init__()
        self.docs = docs
        self.streaming = streaming
        self.opened: list[str] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="log"):
            for index, doc in enumerate(self.docs):
                yield StreamingMarkdown(doc, id=f"m{index}")
            if self.streaming:
                yield StreamingMarkdown(id="live")

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self.opened.append(url)


def lines_of(strips: list[Strip]) -> list[list[Segment]]:
    return [list(strip) for strip in strips]


def stream_pieces(doc: str, cuts: list[int], advance_every: int) -> list[Piece]:
    stream = BlockStream()
    pieces: list[Piece] = []
    previous = 0
    for index, cut in enumerate([*sorted(cuts), len(doc)]):
        stream.feed(doc[previous:cut])
        previous = cut
        if index % advance_every == 0:
            pieces.extend(stream.advance())
    pieces.extend(stream.advance(final=True))
    assert stream.source == doc
    return pieces


documents = st.lists(st.sampled_from(CORPUS), min_size=1, max_size=4).map("".join)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), doc=documents, advance_every=st.integers(1, 3))
def test_streamed_pieces_equal_whole_document_pieces(
    data: st.DataObject, doc: str, advance_every: int
) -> None:
    cuts = data.draw(st.lists(st.integers(0, len(doc)), max_size=40))
    assert stream_pieces(doc, cuts, advance_every) == split_document(doc)


def test_every_single_character_split_gives_the_same_pieces() -> None:
    doc = "".join(CORPUS)
    assert stream_pieces(doc, list(range(len(doc))), 1) == split_document(doc)


def test_pieces_cover_every_non_blank_line() -> None:
    doc = "".join(CORPUS)
    covered = "".join(piece.text for piece in split_document(doc))
    assert [line for line in covered.splitlines() if line.strip()] == [
        line for line in doc.splitlines() if line.strip()
    ]


async def test_streamed_render_equals_whole_render_in_the_widget() -> None:
    app = Host("", streaming=True)
    async with app.run_test(size=HOST_SIZE) as pilot:
        live = app.query_one("#live", StreamingMarkdown)
        reference = app.query_one("#m0", StreamingMarkdown)
        width = live.size.width
        assert width > 0

        @settings(
            max_examples=40,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(data=st.data(), doc=documents)
        def check(data: st.DataObject, doc: str) -> None:
            cuts = sorted(data.draw(st.lists(st.integers(0, len(doc)), max_size=30)))
            flush_at = data.draw(st.sets(st.integers(0, len(cuts))))
            live.update("")
            previous = 0
            for index, cut in enumerate([*cuts, len(doc)]):
                live.append(doc[previous:cut])
                previous = cut
                if index in flush_at:
                    live.flush()
            live.finish()
            reference.update(doc)
            assert live.source == doc
            assert lines_of(live.rendered_lines(width)) == lines_of(reference.rendered_lines(width))

        check()
        await pilot.pause()


async def test_timer_coalesces_appends_and_finish_renders_the_tail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    real = md_render.render_piece

    def counting(console: Console, source: str, kind: str, width: int, theme: str) -> list[Strip]:
        calls.append(source)
        return real(console, source, kind, width, theme)

    monkeypatch.setattr(md_render, "render_piece", counting)
    app = Host(streaming=True)
    async with app.run_test(size=HOST_SIZE) as pilot:
        live = app.query_one("#live", StreamingMarkdown)
        for token in ["Hel", "lo *wor", "ld*\n\n", "Sec", "ond"]:
            live.append(token)
        assert calls == []  # append only buffers
        await wait_for(
            pilot,
            lambda: any("Hello" in line.text for line in live.rendered_lines()),
            what="the rendered text",
        )
        texts = [line.text.rstrip() for line in live.rendered_lines()]
        assert "Hello world" in texts
        assert not live.is_finished
        live.finish()
        assert live.is_finished
        texts = [line.text.rstrip() for line in live.rendered_lines()]
        assert texts == ["Hello world", "", "Second"]
        await pilot.pause()
        assert live.size.height == 3


async def test_flushes_come_due_on_the_frame_grid() -> None:
    """Streamed text is rendered at instants of the frame grid
    (`grok_tui.frame_grid`), where the paced network reads come due too (one
    wake-up for both), at most one flush per frame: text appended just after
    a flush waits for the next instant, one frame after that flush."""
    import asyncio
    import time

    from grok_tui.frame_grid import FRAME_INTERVAL

    flushed = asyncio.Event()
    starts: list[float] = []
    app = Host(streaming=True)
    async with app.run_test(size=HOST_SIZE):
        live = app.query_one("#live", StreamingMarkdown)
        real = live._on_timer

        def on_timer() -> None:
            starts.append(time.monotonic())
            real()
            flushed.set()

        live._on_timer = on_timer  # type: ignore[method-assign]
        for round_ in range(3):
            flushed.clear()
            live.append(f"word {round_} ")
            assert live._timer is not None
            due = live._timer.when()
            assert abs(due / FRAME_INTERVAL - round(due / FRAME_INTERVAL)) < 1e-6, due
            if starts:  # the frame after the last flush's, not sooner
                assert round((due - starts[-1]) / FRAME_INTERVAL) >= 1
            await asyncio.wait_for(flushed.wait(), 30)
        assert "word 0 word 1 word 2" in live.rendered_lines()[0].text


async def test_markup_in_the_source_is_shown_literally_and_inert() -> None:
    doc = (
        CORPUS[-1]
        + "\n# [@click=app.quit]heading[/]\n\n- [bold]item[/bold]\n\n`[@click=app.bell]`\n"
    )
    app = Host(doc)
    async with app.run_test(size=HOST_SIZE) as pilot:
        widget = app.query_one("#m0", StreamingMarkdown)
        await pilot.pause()
        lines = widget.rendered_lines()
        text = "\n".join(line.text for line in lines)
        literals = (
            "[@click=app.quit]x[/]",
            "[bold red]red[/]",
            "[link=file:///etc/passwd]x[/link]",
            "[@click=app.quit]heading[/]",
            "[bold]item[/bold]",
            "[@click=app.bell]",
        )
        for literal in literals:
            assert literal in text
        for line in lines:
            for segment in line:
                style = segment.style
                if style is not None:
                    assert "@click" not in style.meta
                    assert style.link is None
        # Click on the would-be action: nothing happens, the app keeps running.
        row = next(y for y, line in enumerate(lines) if "[@click=app.quit]x" in line.text)
        column = lines[row].text.index("[@click=app.quit]x") + 3
        await pilot.click(widget, offset=(column, row))
        await pilot.pause()
        assert app.is_running
        assert app.opened == []


def find_text(lines: list[Strip], needle: str) -> tuple[int, int, dict[str, Any]]:
    for y, line in enumerate(lines):
        x = 0
        for segment in line:
            if needle in segment.text:
                meta = segment.style.meta if segment.style else {}
                return x + segment.text.index(needle), y, meta
            x += segment.cell_length
    raise AssertionError(f"{needle!r} not rendered")


async def test_only_http_links_open_on_click() -> None:
    doc = (
        "A [web](https://example.com/page) link.\n\n"
        "An [ftp](ftp://example.com/file) link.\n\n"
        "A [file](file:///etc/passwd) link and [js](javascript:alert(1)).\n\n"
        "Cited [[3]](http://cite.example/3).\n"
    )
    app = Host(doc)
    async with app.run_test(size=HOST_SIZE) as pilot:
        widget = app.query_one("#m0", StreamingMarkdown)
        await pilot.pause()
        lines = widget.rendered_lines()

        x, y, meta = find_text(lines, "web")
        assert meta == {LINK_META: "https://example.com/page"}
        await pilot.click(widget, offset=(x, y))
        assert app.opened == ["https://example.com/page"]

        x, y, meta = find_text(lines, "ftp")
        assert meta == {LINK_META: "ftp://example.com/file"}
        await pilot.click(widget, offset=(x, y))
        assert app.opened == ["https://example.com/page"]

        # markdown-it refuses file: and javascript: destinations: plain text.
        for needle in ("[file](file:///etc/passwd)", "[js](javascript:alert(1))"):
            x, y, meta = find_text(lines, needle)
            assert meta == {}
            await pilot.click(widget, offset=(x + 1, y))
        assert app.opened == ["https://example.com/page"]

        # Citation markers render compactly as [N], linked.
        x, y, meta = find_text(lines, "[3]")
        assert meta == {LINK_META: "http://cite.example/3"}
        assert "cite.example" not in lines[y].text
        await pilot.click(widget, offset=(x + 1, y))
        assert app.opened[-1] == "http://cite.example/3"


async def test_resize_rewraps() -> None:
    doc = " ".join(["word"] * 60) + "\n"
    app = Host(doc)
    async with app.run_test(size=(80, 30)) as pilot:
        widget = app.query_one("#m0", StreamingMarkdown)
        await pilot.pause()
        wide = widget.rendered_lines()
        assert len(wide) == widget.size.height
        await pilot.resize_terminal(40, 30)
        await pilot.pause()
        narrow = widget.rendered_lines()
        assert len(narrow) > len(wide)
        assert all(line.cell_length <= widget.size.width for line in narrow)
        assert widget.size.height == len(narrow)


async def test_last_code_block_and_update() -> None:
    app = Host("no code here\n")
    async with app.run_test(size=HOST_SIZE) as pilot:
        widget = app.query_one("#m0", StreamingMarkdown)
        assert widget.last_code_block() is None
        widget.update("```py\nfirst\n```\n\n- item\n\n  ```sh\n  second line\n  ```\n")
        await pilot.pause()
        assert widget.last_code_block() == "second line\n"
        assert widget.is_finished
        assert widget.source.startswith("```py")
        assert "second line" in "\n".join(line.text for line in widget.rendered_lines())
        assert "no code" not in "\n".join(line.text for line in widget.rendered_lines())


async def test_control_characters_are_stripped_at_the_boundary() -> None:
    app = Host(streaming=True)
    async with app.run_test(size=HOST_SIZE):
        live = app.query_one("#live", StreamingMarkdown)
        live.append("\x1b]0;pwned\x07safe \x1b[2Jtext\x9b\n")
        live.finish()
        assert live.source == "safe text\n"


async def test_saved_messages_render_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[str] = []
    real = md_render.render_piece

    def counting(console: Console, source: str, kind: str, width: int, theme: str) -> list[Strip]:
        rendered.append(source)
        return real(console, source, kind, width, theme)

    monkeypatch.setattr(md_render, "render_piece", counting)
    doc = "".join(f"Paragraph {n} of a saved answer.\n\n" for n in range(10))
    app = Host(*[doc] * 100)
    async with app.run_test(size=HOST_SIZE) as pilot:
        await pilot.pause()
        # Only the messages on screen were rendered (10 pieces each, maybe at two
        # widths as the scrollbar appears), not all 100 (1,000 pieces).
        assert 0 < len(rendered) <= 60
        last = app.query_one("#m99", StreamingMarkdown)
        app.query_one("#log", VerticalScroll).scroll_end(animate=False)
        await pilot.pause()
        await pilot.pause()
        assert last.line_count == len(last.rendered_lines()) == 19
        assert len(rendered) <= 120


async def test_open_fence_is_not_rehighlighted_from_its_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sizes: list[int] = []
    real = md_render.render_code_lines

    def recording(
        console: Console, code: list[str], language: str, width: int, theme: str
    ) -> list[Strip]:
        sizes.append(len(code))
        return real(console, code, language, width, theme)

    monkeypatch.setattr(md_render, "render_code_lines", recording)
    app = Host(streaming=True)
    async with app.run_test(size=HOST_SIZE):
        live = app.query_one("#live", StreamingMarkdown)
        live.append("Code:\n\n```python\n")
        for n in range(200):
            live.append(f"x_{n} = {n}\n")
            live.flush()
        assert sizes and max(sizes) <= ms.FENCE_CHUNK + 1
        streamed = "\n".join(line.text for line in live.rendered_lines())
        assert "x_199 = 199" in streamed and "x_0 = 0" in streamed
        live.append("```\n")
        live.finish()
        text = [line.text.strip() for line in live.rendered_lines()]
        assert text[2] == "" and text[3] == "x_0 = 0" and text[-2] == "x_199 = 199"


def test_render_piece_is_plain_text_for_markup() -> None:
    console = Console(width=60)
    strips = render_piece(console, "[red]x[/red] **b**\n", "block", 60, "monokai")
    assert strips[0].text.rstrip() == "[red]x[/red] b"


async def test_code_theme_change_rerenders() -> None:
    app = Host(FENCE)
    async with app.run_test(size=HOST_SIZE) as pilot:
        widget = app.query_one("#m0", StreamingMarkdown)
        await pilot.pause()
        before = lines_of(widget.rendered_lines())
        widget.code_theme = "github-dark"
        after = lines_of(widget.rendered_lines())
        assert before != after
        assert [line.text for line in widget.rendered_lines()] == [
            "".join(segment.text for segment in line) for line in before
        ]


def test_random_chunking_matches_for_the_whole_corpus() -> None:
    doc = "".join(CORPUS) * 2
    rng = random.Random(7)
    for _ in range(20):
        cuts = sorted(rng.sample(range(len(doc)), 60))
        assert stream_pieces(doc, cuts, rng.randint(1, 4)) == split_document(doc)


async def test_flush_work_is_time_budgeted_and_completes_in_steps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ms, "FLUSH_BUDGET", 0.0)  # one piece per step
    doc = "".join(f"Paragraph {n}.\n\n" for n in range(8)) + "tail"
    app = Host(doc, streaming=True)
    async with app.run_test(size=HOST_SIZE) as pilot:
        live = app.query_one("#live", StreamingMarkdown)
        live.append(doc)
        live.flush()
        assert not live.is_rendered
        assert [line.text.strip() for line in live._lines] == ["Paragraph 0."]
        await wait_for(pilot, lambda: live.is_rendered, what="the background render")
        live.finish()
        reference = app.query_one("#m0", StreamingMarkdown)
        width = live.size.width
        assert lines_of(live.rendered_lines(width)) == lines_of(reference.rendered_lines(width))


async def test_code_theme_change_keeps_the_height_of_finished_messages() -> None:
    doc = "Intro paragraph.\n\n" + FENCE + "\n" + "x " * 300 + "\n"
    app = Host(doc)
    async with app.run_test(size=HOST_SIZE) as pilot:
        widget = app.query_one("#m0", StreamingMarkdown)
        await pilot.pause()
        height = widget.size.height
        widget.code_theme = "github-dark"
        assert widget.line_count == height  # known before the lazy re-render
        await pilot.pause()
        assert widget.size.height == height == len(widget.rendered_lines())


class ConversationHost(App[None]):
    def compose(self) -> ComposeResult:
        yield Conversation(id="conv")


async def test_offscreen_finished_reply_releases_its_lines_and_renders_the_same_back() -> None:
    from grok_tui.chat.session import Message, MessageStatus

    doc = "".join(CORPUS) * 2
    app = ConversationHost()
    async with app.run_test(size=HOST_SIZE) as pilot:
        conv = app.query_one(Conversation)
        reply = Message(role="assistant", text="", status=MessageStatus.STREAMING)
        view = await conv.add_message(reply)
        body = view.body
        assert isinstance(body, StreamingMarkdown)
        await pilot.pause()
        # Streamed in, as in a live session.
        for start in range(0, len(doc), 37):
            view.append_text(doc[start : start + 37])
            body.flush()
        reply.text = doc
        reply.status = MessageStatus.COMPLETE
        view.finish()
        await pilot.pause()
        conv.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        width = body.size.width
        before = lines_of(body.rendered_lines(width))
        height = body.size.height
        assert height == len(before) > 0
        assert body.holds_render_cache
        # Later turns push it far off screen; scrolling releases its lines.
        for n in range(8):
            await conv.add_message(Message(role="user", text=f"question {n}\n" * 20))
        await pilot.pause()
        conv.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        await pilot.pause()
        assert not body.holds_render_cache
        assert body._lines == [] and body._styled == {} and body._pieces == []
        assert body.source == doc
        # Its height is kept (the layout does not move)...
        assert body.line_count == height
        assert body.size.height == height
        # ...and scrolled back into view it renders the same lines again.
        conv.scroll_to_widget(body, animate=False, top=True, immediate=True)
        await pilot.pause()
        await pilot.pause()
        assert body.holds_render_cache
        assert body.size.height == height
        assert lines_of(body.rendered_lines(width)) == before
        # A reply that is still streaming is never released.
        live = Message(role="assistant", text="", status=MessageStatus.STREAMING)
        live_view = await conv.add_message(live)
        live_view.append_text(doc)
        live_body = live_view.body
        assert isinstance(live_body, StreamingMarkdown)
        live_body.flush()
        assert not live_body.release_render_cache()
        assert live_body.source == doc


class PaddedHost(App[None]):
    """A streaming widget with a bottom border and padding (height-dependent lines)."""

    CSS = """
    StreamingMarkdown { border: round red; padding: 1 2 2 2; }
    """

    def __init__(self, doc: str = "") -> None:
        super().__init__()
        self.doc = doc

    def compose(self) -> ComposeResult:
        yield StreamingMarkdown(self.doc, id="m")


def painted(widget: StreamingMarkdown) -> list[Strip]:
    """The widget's lines as Textual paints them (its line cache included)."""
    return widget.render_lines(widget.outer_size.region)


async def test_painted_lines_after_growing_equal_a_fresh_paint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each flush grows the widget (a new code line, a new paragraph line); the
    # lines painted before the growth are reused, not the bottom border/padding.
    # (Growth in steps of one row, so that it grows on nearly every flush.)
    monkeypatch.setattr(ms, "GROWTH_STEP_SCREEN_SHARE", 0.0)
    doc = "Intro paragraph that is long enough to wrap " * 3 + "\n\n```python\n"
    doc += "".join(f"value_{n} = compute({n})\n" for n in range(12)) + "```\n\nThe end.\n"
    app = PaddedHost()
    async with app.run_test(size=(60, 60)) as pilot:
        live = app.query_one("#m", StreamingMarkdown)
        heights: list[int] = []
        for start in range(0, len(doc), 7):
            live.append(doc[start : start + 7])
            live.flush()
            await pilot.pause()
            cached = painted(live)  # paint at this height (fills Textual's line cache)
            live._styles_cache.clear()
            assert cached == painted(live), f"stale line at height {live.size.height}"
            heights.append(live.size.height)
        live.finish()
        await pilot.pause()
        streamed = painted(live)
    assert len(set(heights)) > 10  # it grew many times while painted
    fresh_app = PaddedHost(doc)
    async with fresh_app.run_test(size=(60, 60)) as pilot:
        await pilot.pause()
        fresh = painted(fresh_app.query_one("#m", StreamingMarkdown))
    assert streamed == fresh


async def test_a_flush_repaints_only_the_lines_that_changed() -> None:
    app = Host(streaming=True)
    async with app.run_test(size=HOST_SIZE) as pilot:
        live = app.query_one("#live", StreamingMarkdown)
        live.append("Code:\n\n```python\n" + "".join(f"x_{n} = {n}\n" for n in range(8)) + "y = ")
        live.flush()
        await pilot.pause()
        before = live.rendered_lines()
        regions: list[tuple[Region, ...]] = []
        real = live.refresh

        def recording(*args: Region, **kwargs: Any) -> StreamingMarkdown:
            regions.append(args)
            return real(*args, **kwargs)

        live.refresh = recording  # type: ignore[method-assign]
        live.append("1")  # changes the last code line only
        live.flush()
        after = live.rendered_lines()
        last = len(after) - 2  # the partial code line (above the padding line)
        assert regions == [(Region(0, last, live.size.width, 1),)]
        assert [a is b for a, b in zip(after, before)].count(False) == 1
        assert "y = 1" in after[last].text
        regions.clear()
        live.flush()  # nothing new: nothing to repaint
        assert regions == []


async def test_an_unchanged_open_piece_is_not_rendered_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rendered: list[str] = []
    real = md_render.render_piece

    def counting(console: Console, source: str, kind: str, width: int, theme: str) -> list[Strip]:
        rendered.append(source)
        return real(console, source, kind, width, theme)

    monkeypatch.setattr(md_render, "render_piece", counting)
    table = "| a | b |\n|---|---|\n| 1 | 2 |\n"
    app = Host(streaming=True)
    async with app.run_test(size=HOST_SIZE):
        live = app.query_one("#live", StreamingMarkdown)
        live.append(table + "\n")
        live.flush()
        for word in ["Next ", "para", "graph ", "grows"]:
            live.append(word)  # the table stays open (last piece of the complete lines)
            live.flush()
        live.finish()
        assert rendered.count(table) == 1
        assert rendered.count("Next paragraph grows") == 1  # the final render reused the last one
        live.update(table + "\nNext paragraph grows")
        reference = [list(line) for line in live.rendered_lines()]
        live.update("")
        live.append(table + "\nNext paragraph grows")
        live.finish()
        assert [list(line) for line in live.rendered_lines()] == reference


async def test_a_streaming_reply_grows_in_steps_and_ends_at_its_exact_height() -> None:
    """While streaming, the height is rounded up to steps of a third of the
    screen (new lines are painted into blank rows the widget already has, with
    no layout); the finished document takes exactly its rendered lines."""
    app = Host(streaming=True)  # 80x30: steps of 10 rows
    async with app.run_test(size=HOST_SIZE) as pilot:
        live = app.query_one("#live", StreamingMarkdown)
        log = app.query_one("#log", VerticalScroll)
        heights: set[int] = set()
        lines_seen: set[int] = set()
        for n in range(40):
            live.append(f"Line {n} of a reply that streams in.\n\n")
            live.flush()
            await pilot.pause()
            lines = live.line_count
            lines_seen.add(lines)
            assert live.size.height % 10 == 0 and live.size.height > lines
            assert live.render_line(lines).text.strip() == ""  # the blank rows below
            heights.add(live.size.height)
        assert len(heights) < len(lines_seen) // 4
        log.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        streamed_text = [live.render_line(y).text.rstrip() for y in range(live.line_count)]
        live.finish()
        await pilot.pause()
        assert live.size.height == live.line_count
        assert [live.render_line(y).text.rstrip() for y in range(live.line_count)] == streamed_text


class ViewHost(App[None]):
    def compose(self) -> ComposeResult:
        from grok_tui.chat.session import Message, MessageStatus
        from grok_tui.ui.widgets.message_view import MessageView

        message = Message(role="assistant", text="", status=MessageStatus.STREAMING)
        with VerticalScroll(id="log"):
            yield MessageView(message, index=0)


async def test_a_growing_message_view_keeps_its_painted_lines() -> None:
    """A message view grows with its streaming reply at each growth step: its
    painted lines above the bottom (border, background) are kept, only the
    new rows are rendered; a fresh paint gives the same lines."""
    from grok_tui.ui.widgets.message_view import MessageView

    app = ViewHost()
    async with app.run_test(size=HOST_SIZE) as pilot:
        app.query_one("#log", VerticalScroll).anchor()
        view = app.query_one(MessageView)
        styles_cache = view._styles_cache
        real = styles_cache.render_line
        rendered: list[int] = []

        def counting(*args: Any, **kwargs: Any) -> Strip:
            rendered.append(args[1])  # y
            return real(*args, **kwargs)

        styles_cache.render_line = counting  # type: ignore[method-assign]
        body = view.body
        assert isinstance(body, StreamingMarkdown)
        steps = 0
        n = 0
        while steps < 3:
            height = view.size.height
            rendered.clear()
            view.append_text(f"Line {n} of a reply that streams in.\n\n")
            n += 1
            body.flush()
            await pilot.pause()
            if view.size.height != height and height > HOST_SIZE[1]:
                steps += 1
                # The rows the view grew by are new on screen (it follows the
                # end); the rest were painted before the step.
                grown = view.size.height - height
                assert len(set(rendered)) <= grown + 2, (len(set(rendered)), grown)
        kept = dict(styles_cache._cache)
        styles_cache.clear()
        view.render_lines(view.size.region)
        fresh = styles_cache._cache
        assert all(fresh[y] == strip for y, strip in kept.items() if y in fresh)


def test_warm_up_loads_the_lexers_a_reply_would_compile_in_its_stream() -> None:
    """`warm_up` (run in a thread after start-up) loads the common lexers: the
    first code block of a reply finds its lexer ready."""
    md_render._lexer.cache_clear()
    md_render.warm_up("monokai")
    loaded = md_render._lexer.cache_info()
    assert loaded.currsize >= len(md_render.WARM_LANGUAGES)
    for language in ("python", "bash", "json", "rust"):
        md_render.render_code_lines(Console(), ["x = 1"], language, 40, "monokai")
    after = md_render._lexer.cache_info()
    assert after.misses == loaded.misses and after.hits == loaded.hits + 4


class ConversationOnlyHost(App[None]):
    def compose(self) -> ComposeResult:
        yield Conversation(id="conv")


async def test_a_growth_step_of_a_streaming_reply_is_one_layout() -> None:
    """Textual asks for a second layout (and a whole repaint of the resized
    widgets) after the layout that resized them; the conversation, the
    message view and the reply store their new size without it."""
    from textual.screen import Screen

    from grok_tui.chat.session import Message, MessageStatus

    app = ConversationOnlyHost()
    async with app.run_test(size=HOST_SIZE) as pilot:
        conversation = app.query_one(Conversation)
        message = Message(role="assistant", text="", status=MessageStatus.STREAMING)
        view = await conversation.add_message(message)
        conversation.follow()
        await pilot.pause()
        body = view.body
        assert isinstance(body, StreamingMarkdown)
        layouts = 0
        original = Screen._refresh_layout

        def counting(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
            nonlocal layouts
            layouts += 1
            original(self, *args, **kwargs)

        app.screen._refresh_layout = counting.__get__(app.screen)  # type: ignore[method-assign]
        steps = 0
        n = 0
        while steps < 3:
            height = body.size.height
            scrolling = conversation.show_vertical_scrollbar  # appearing needs its layout
            layouts = 0
            view.append_text(f"Line {n} of a reply that streams in.\n\n")
            n += 1
            body.flush()
            await pilot.pause()
            await pilot.pause()
            if body.size.height != height and scrolling:
                steps += 1
                assert layouts == 1, f"{layouts} layouts for one growth step"
        assert conversation.scroll_y == conversation.max_scroll_y  # still following
