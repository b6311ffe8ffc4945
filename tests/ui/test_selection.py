"""Mouse selection and copy in replies (`StreamingMarkdown`) and user messages.

Real mouse events through Pilot: Textual hit-tests the `offset` meta of the
painted lines, the widget returns the rendered text of the selected range.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from rich.style import Style
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Offset
from textual.selection import Selection
from textual.widgets import Static

from grok_tui.ui.markdown.render import LINK_META, CodeStrip, PaddingStrip
from grok_tui.ui.widgets.markdown_stream import StreamingMarkdown
from tests.ui.conftest import wait_for

DOC = (
    "First paragraph with **bold** text.\n"
    "\n"
    "```python\n"
    "def f(x):\n"
    "    return x + 1\n"
    "```\n"
    "\n"
    "After the code.\n"
)

WIDTH = 60

#: Set GROK_TUI_SELECTION_SHOTS=/some/folder to keep an SVG of a selection in the app.
SHOTS = os.environ.get("GROK_TUI_SELECTION_SHOTS")


class Host(App[None]):
    CSS = "StreamingMarkdown { width: 60; }"

    def __init__(self, *docs: str, streaming: bool = False) -> None:
        super().__init__()
        self.docs = docs
        self.streaming = streaming
        self.copied: list[str] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="log"):
            yield Static("You said [bold]this[/]", id="user", markup=False)
            for index, doc in enumerate(self.docs):
                yield StreamingMarkdown(doc, id=f"m{index}")
            if self.streaming:
                yield StreamingMarkdown(id="live")

    def copy_to_clipboard(self, text: str) -> None:
        self.copied.append(text)
        super().copy_to_clipboard(text)


def row_of(widget: StreamingMarkdown, text: str) -> int:
    """The line index of the first rendered line containing `text`."""
    for y, strip in enumerate(widget.rendered_lines()):
        if text in strip.text:
            return y
    raise AssertionError(f"{text!r} not rendered")


def col_of(widget: StreamingMarkdown, y: int, text: str) -> int:
    return widget.rendered_lines()[y].text.index(text)


async def drag(pilot: Any, widget: Any, start: tuple[int, int], end: tuple[int, int]) -> None:
    await pilot.mouse_down(widget, offset=start)
    await pilot.hover(widget, offset=end)
    await pilot.mouse_up(widget, offset=end)
    await pilot.pause()


async def test_drag_over_paragraph_selects_rendered_text() -> None:
    app = Host(DOC)
    async with app.run_test(size=(80, 24)) as pilot:
        md = app.query_one("#m0", StreamingMarkdown)
        await pilot.pause()
        y = row_of(md, "First paragraph")
        x = col_of(md, y, "paragraph")
        # From the "p" of "paragraph" to the "d" of "bold" (inclusive).
        end = col_of(md, y, "bold") + 3
        await drag(pilot, md, (x, y), (end, y))
        assert app.screen.get_selected_text() == "paragraph with bold"


async def test_selection_across_paragraph_and_code_excludes_decoration() -> None:
    app = Host(DOC)
    async with app.run_test(size=(80, 24)) as pilot:
        md = app.query_one("#m0", StreamingMarkdown)
        await pilot.pause()
        top = row_of(md, "First paragraph")
        code_end = row_of(md, "return x + 1")
        # Down to the end of the code line, over the code block's margin and padding.
        await drag(pilot, md, (0, top), (WIDTH - 1, code_end))
        assert app.screen.get_selected_text() == (
            "First paragraph with bold text.\n\ndef f(x):\n    return x + 1"
        )


async def test_code_line_selection_excludes_margin_and_padding() -> None:
    app = Host(DOC)
    async with app.run_test(size=(80, 24)) as pilot:
        md = app.query_one("#m0", StreamingMarkdown)
        await pilot.pause()
        y = row_of(md, "return x + 1")
        lines = md.rendered_lines()
        assert isinstance(lines[y], CodeStrip)
        assert isinstance(lines[y - 2], PaddingStrip)
        # From the margin cell (decoration) to the last cell of the line (padding).
        await drag(pilot, md, (0, y), (WIDTH - 1, y))
        assert app.screen.get_selected_text() == "    return x + 1"
        # Starting on the padding line above the code copies no blank line.
        await drag(pilot, md, (5, y - 2), (WIDTH - 1, y - 1))
        assert app.screen.get_selected_text() == "def f(x):"


async def test_selection_is_highlighted_with_the_screen_selection_style() -> None:
    app = Host(DOC)
    async with app.run_test(size=(80, 24)) as pilot:
        md = app.query_one("#m0", StreamingMarkdown)
        await pilot.pause()
        y = row_of(md, "First paragraph")
        x = col_of(md, y, "paragraph")
        selection_bg = app.screen.get_component_rich_style("screen--selection").bgcolor
        assert selection_bg is not None

        def background_at(cell: int) -> Any:
            strip = md.render_line(y)
            position = 0
            for segment in strip:
                if position <= cell < position + segment.cell_length:
                    return segment.style.bgcolor if segment.style else None
                position += segment.cell_length
            raise AssertionError("cell outside the line")

        assert background_at(x) != selection_bg
        await drag(pilot, md, (x, y), (x + 8, y))
        await pilot.pause()
        assert background_at(x) == selection_bg
        assert background_at(x + 8) == selection_bg
        assert background_at(x + 9) != selection_bg
        assert background_at(x - 1) != selection_bg
        # A click elsewhere clears the selection and the highlight.
        await pilot.click(md, offset=(2, row_of(md, "After the code")))
        await pilot.pause()
        assert app.screen.get_selected_text() is None
        assert background_at(x) != selection_bg


async def test_copy_key_puts_selected_text_on_the_clipboard() -> None:
    app = Host(DOC)
    async with app.run_test(size=(80, 24)) as pilot:
        md = app.query_one("#m0", StreamingMarkdown)
        await pilot.pause()
        y = row_of(md, "def f(x):")
        await drag(pilot, md, (0, y), (WIDTH - 1, y + 1))
        await pilot.press("ctrl+c")
        assert app.copied == ["def f(x):\n    return x + 1"]
        assert app.clipboard == "def f(x):\n    return x + 1"


async def test_double_click_selects_the_whole_reply() -> None:
    app = Host(DOC)
    async with app.run_test(size=(80, 24)) as pilot:
        md = app.query_one("#m0", StreamingMarkdown)
        await pilot.pause()
        await pilot.click(md, offset=(3, row_of(md, "After the code")), times=2)
        await pilot.pause()
        assert app.screen.get_selected_text() == (
            "First paragraph with bold text.\n\ndef f(x):\n    return x + 1\n\nAfter the code."
        )


async def test_selection_spans_user_message_and_reply() -> None:
    app = Host(DOC)
    async with app.run_test(size=(80, 24)) as pilot:
        md = app.query_one("#m0", StreamingMarkdown)
        user = app.query_one("#user", Static)
        await pilot.pause()
        y = row_of(md, "First paragraph")
        await pilot.mouse_down(user, offset=(4, 0))
        # Across widgets Textual's end offset is exclusive: stop after "First".
        end = (col_of(md, y, "First") + 5, y)
        await pilot.hover(md, offset=end)
        await pilot.mouse_up(md, offset=end)
        await pilot.pause()
        # The user text is shown literally (not markup) and copied literally.
        assert app.screen.get_selected_text() == "said [bold]this[/]\nFirst"


async def test_markup_in_reply_is_copied_literally() -> None:
    doc = "Literal [bold red]x[/] and [@click=app.quit]y[/]\n"
    app = Host(doc)
    async with app.run_test(size=(80, 24)) as pilot:
        md = app.query_one("#m0", StreamingMarkdown)
        await pilot.pause()
        md.screen.selections = {md: Selection(None, None)}
        assert app.screen.get_selected_text() == doc.strip()


async def test_streaming_reply_can_be_selected_while_it_grows() -> None:
    app = Host(streaming=True)
    async with app.run_test(size=(80, 24)) as pilot:
        md = app.query_one("#live", StreamingMarkdown)
        md.append("Streaming first line.\n\n```\ncode one\n")
        md.flush()
        await pilot.pause()
        y = row_of(md, "Streaming first")
        code_y = row_of(md, "code one")
        await drag(pilot, md, (0, y), (WIDTH - 1, code_y))
        assert app.screen.get_selected_text() == "Streaming first line.\n\ncode one"
        for index in range(30):
            md.append(f"code {index}\n")
            md.flush()
            await pilot.pause()
            assert app.screen.get_selected_text() == "Streaming first line.\n\ncode one"
        md.append("```\n\nDone.\n")
        md.finish()
        await pilot.pause()
        assert app.screen.get_selected_text() == "Streaming first line.\n\ncode one"
        await drag(pilot, md, (0, y), (WIDTH - 1, row_of(md, "code 0")))
        assert app.screen.get_selected_text() == "Streaming first line.\n\ncode one\ncode 0"


async def test_released_reply_is_selected_after_rendering_again() -> None:
    app = Host(DOC)
    async with app.run_test(size=(80, 24)) as pilot:
        md = app.query_one("#m0", StreamingMarkdown)
        await pilot.pause()
        assert md.release_render_cache()
        assert not md.holds_render_cache
        # Selected while released: the text is rendered again for the copy.
        md.screen.selections = {md: Selection(Offset(0, 0), Offset(5, 0))}
        assert app.screen.get_selected_text() == "First"
        md.release_render_cache()
        app.screen.clear_selection()
        await pilot.pause()
        # Painted again, then selected with the mouse.
        y = row_of(md, "return x + 1")
        await drag(pilot, md, (0, y), (WIDTH - 1, y))
        assert app.screen.get_selected_text() == "    return x + 1"


async def test_wrapped_code_line_is_copied_as_one_line() -> None:
    long_line = "x = [" + ", ".join(str(n) for n in range(40)) + "]"
    doc = f"```python\n{long_line}\nshort = 1\n```\n"
    app = Host(doc)
    async with app.run_test(size=(80, 24)) as pilot:
        md = app.query_one("#m0", StreamingMarkdown)
        await pilot.pause()
        first = row_of(md, "x = [")
        last = row_of(md, "short = 1")
        assert last - first >= 3  # the long line wraps over several rows
        await drag(pilot, md, (0, first), (WIDTH - 1, last))
        assert app.screen.get_selected_text() == f"{long_line}\nshort = 1"


async def test_click_at_the_end_of_a_drag_over_a_link_does_not_open_it() -> None:
    doc = "See [the docs](https://x.ai/docs) here.\n"
    opened: list[str] = []

    class LinkHost(Host):
        def open_url(self, url: str, *, new_tab: bool = True) -> None:
            opened.append(url)

    app = LinkHost(doc)
    async with app.run_test(size=(80, 24)) as pilot:
        md = app.query_one("#m0", StreamingMarkdown)
        await pilot.pause()
        link_x = col_of(md, 0, "the docs")
        await drag(pilot, md, (0, 0), (link_x + 2, 0))
        assert app.screen.get_selected_text() == "See the"
        # A real terminal sends a Click when the drag ends on the same widget
        # (Pilot's drag does not): with the selection shown it must not open the link.
        link_style = next(
            segment.style
            for segment in md.render_line(0)
            if segment.style and LINK_META in segment.style.meta
        )

        class FakeClick:
            style = link_style
            stopped = False

            def stop(self) -> None:
                self.stopped = True

        md.on_click(FakeClick())  # type: ignore[arg-type]
        assert opened == []
        # A plain click still opens it.
        await pilot.click(md, offset=(link_x + 2, 0))
        await wait_for(pilot, lambda: opened == ["https://x.ai/docs"], what="link opened")


def test_offsets_keep_link_meta() -> None:
    from rich.segment import Segment
    from textual.strip import Strip

    from grok_tui.ui.markdown.render import with_offsets

    strip = Strip([Segment("ab", Style.from_meta({LINK_META: "https://x.ai"})), Segment("cd")], 4)
    out = with_offsets(strip, 7, strip)
    metas = [segment.style.meta for segment in out if segment.style]
    assert metas == [{LINK_META: "https://x.ai", "offset": (0, 7)}, {"offset": (2, 7)}]


# ------------------------------------------------------------ in the real app


def _session() -> Any:
    from grok_tui.chat.session import Message, Session, Usage

    return Session(
        messages=[
            Message(role="user", text="show me [b]f[/b]"),
            Message(
                role="assistant",
                text=DOC,
                model="grok-4.3",
                usage=Usage(input_tokens=10, output_tokens=20),
            ),
        ]
    )


async def test_app_drag_and_ctrl_c_copies_reply_text(make_app: Any) -> None:
    from grok_tui.ui.widgets.message_view import MessageView

    app = make_app(session=_session())
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        chat = app.chat
        chat.prompt.focus()
        views = list(chat.conversation.query(MessageView))
        reply = views[-1]
        body = reply.body
        assert isinstance(body, StreamingMarkdown)
        await wait_for(pilot, lambda: body.holds_render_cache, what="the reply painted")
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        y = row_of(body, "def f(x):")
        await drag(pilot, body, (0, y), (body.size.width - 1, y + 1))
        assert app.screen.get_selected_text() == "def f(x):\n    return x + 1"
        if SHOTS:
            await pilot.pause()
            folder = Path(SHOTS)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "selection.svg").write_text(app.export_screenshot(), encoding="utf-8")
        await pilot.press("ctrl+c")
        # The focused widget runs its bindings (textual_fixes): await the copy.
        await wait_for(pilot, lambda: bool(copied), what="the copy")
        assert copied == ["def f(x):\n    return x + 1"]
        assert app.is_running
        # Esc clears the selection (and still means "stop" when nothing is selected).
        await pilot.press("escape")
        assert app.screen.get_selected_text() is None
        # Ctrl+C with nothing selected copies nothing and does not quit.
        await pilot.press("ctrl+c")
        # The focused widget runs its bindings (textual_fixes): await the copy.
        await wait_for(pilot, lambda: bool(copied), what="the copy")
        assert copied == ["def f(x):\n    return x + 1"]
        assert app.is_running


async def test_app_user_message_text_is_selectable(make_app: Any) -> None:
    from grok_tui.ui.widgets.message_view import MessageView

    app = make_app(session=_session())
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        user_view = list(app.chat.conversation.query(MessageView))[0]
        text = user_view.query_one(".msg-user-text", Static)
        await drag(pilot, text, (0, 0), (15, 0))
        # Shown and copied literally: the brackets are not markup.
        assert app.screen.get_selected_text() == "show me [b]f[/b]"


async def _select_in_streaming_reply(pilot: Any, app: Any, fake: Any) -> None:
    chat = app.chat
    fake.queue_scenarios(["stall"])
    chat.prompt.set_text("tell me something")
    chat.prompt.focus()
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: chat.streaming_message is not None and chat.streaming_message.text != "",
        what="the first text",
    )
    view = chat.conversation.view_for(chat.streaming_message)
    assert view is not None
    body = view.body
    assert isinstance(body, StreamingMarkdown)
    body.flush()
    await wait_for(
        pilot,
        lambda: bool(body.rendered_lines()) and body.size.width > 0,
        what="the partial reply painted",
    )
    first = body.rendered_lines()[0].text.rstrip()
    await drag(pilot, body, (0, 0), (body.size.width - 1, 0))
    assert app.screen.get_selected_text() == first
    assert chat.is_streaming


async def test_app_escape_stops_a_reply_while_text_is_selected(make_app: Any, fake: Any) -> None:
    from grok_tui.chat.session import MessageStatus

    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await _select_in_streaming_reply(pilot, app, fake)
        app.chat.prompt.focus()
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.chat.is_streaming, what="the reply to stop")
        assert app.chat.session.messages[-1].status == MessageStatus.STOPPED
        assert app.screen.get_selected_text() is None


async def test_app_escape_stops_a_reply_after_selecting_with_conversation_focused(
    make_app: Any, fake: Any
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await _select_in_streaming_reply(pilot, app, fake)
        assert app.focused is app.chat.conversation
        await pilot.press("escape")  # one Esc stops it, whatever has focus
        await wait_for(
            pilot, lambda: not app.chat.is_streaming, steps=1000, what="the reply to stop"
        )
        await pilot.press("escape")  # the next leaves the conversation
        assert app.focused is app.chat.prompt


def test_fast_offset_style_equals_rich_addition() -> None:
    from rich.color import Color

    from grok_tui.ui.markdown.render import _offset_style

    styles: list[Style | None] = [
        None,
        Style(),
        Style(color="red", bgcolor="#101010", bold=True, italic=True),
        Style(underline=True) + Style.from_meta({LINK_META: "https://x.ai"}),
        Style(color=Color.parse("#ff0000"), dim=True, strike=True),
    ]
    for style in styles:
        expected = (
            (style + Style.from_meta({"offset": (3, 9)}))
            if style
            else (Style.from_meta({"offset": (3, 9)}))
        )
        got = _offset_style(style, 3, 9)
        assert got == expected
        assert got.meta == expected.meta
        assert got.render("x", color_system="truecolor") == expected.render(
            "x", color_system="truecolor"
        )


def test_help_notes_name_mouse_selection_and_copy_key() -> None:
    from grok_tui.config.keymap import effective_keys
    from grok_tui.ui.screens.help import usage_notes

    notes = [note for note in usage_notes(effective_keys({})) if "Drag" in note]
    assert len(notes) == 1 and "select text" in notes[0] and "Ctrl+C copies" in notes[0]


async def test_app_triple_click_copies_the_shown_parts_of_a_message(make_app: Any) -> None:
    from grok_tui.ui.widgets.message_view import MessageView

    app = make_app(session=_session())
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        body = list(app.chat.conversation.query(MessageView))[-1].body
        assert isinstance(body, StreamingMarkdown)
        await wait_for(pilot, lambda: body.holds_render_cache, what="the reply painted")
        await pilot.click(body, offset=(3, row_of(body, "After the code")), times=3)
        await pilot.pause()
        # Header, answer, footer; the hidden reasoning and sources add no blank lines.
        assert app.screen.get_selected_text() == (
            "Grok · grok-4.3\nFirst paragraph with bold text.\n\ndef f(x):\n"
            "    return x + 1\n\nAfter the code.\nin 10 · out 20"
        )
