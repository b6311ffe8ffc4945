"""One message of the conversation: its chrome around the text.

A user message shows its text (plain, never markup) and attachment chips. An
assistant reply shows a header (model, state), the reasoning line (collapsed by
default: the summary when the model gave one, else "thought for N s"), the
answer as streaming Markdown, the numbered sources, and a footer with usage
and cost, or why the reply stopped or failed (with the retry key).

Every piece of text here is untrusted and is shown through `Content` objects
built from `strip_control`-ed strings, never parsed as markup.

Per-delta work is O(1): `append_text` forwards to `StreamingMarkdown.append`;
everything else (header, reasoning, sources, usage) is refreshed at most ten
times a second through `refresh_meta()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.message import Message as TMessage
from textual.selection import Selection
from textual.style import Style
from textual.widget import Widget
from textual.widgets import Static

from grok_tui.byte_size import format_size
from grok_tui.chat.formatting import format_cost, format_duration
from grok_tui.chat.session import Attachment, Citation, Message, MessageStatus, Usage
from grok_tui.sanitize import is_safe_link, one_line, strip_control
from grok_tui.ui.stylesheets import stylesheet
from grok_tui.ui.widgets.height_cache import size_updated_keeping_lines, size_updated_once

if TYPE_CHECKING:
    from grok_tui.api.errors import XAIError

META_INTERVAL = 0.1


def plain(text: str) -> Content:
    """Untrusted text as inert `Content` (no markup, no control characters)."""
    return Content(strip_control(text))


def error_of(message: Message) -> XAIError | None:
    """The typed error of a failed reply (rebuilt from what was persisted)."""
    if message.error is None:
        return None
    from grok_tui.api.errors import error_from_dict

    return error_from_dict(message.error.model_dump())


def error_sentence(message: Message) -> str:
    err = error_of(message)
    if err is None:
        return "The reply failed."
    return one_line(err.user_message(), limit=400)


def error_detail(message: Message) -> str:
    """The server's whole message when it says more than the first sentence
    shown by `error_sentence` ("" when it adds nothing)."""
    err = error_of(message)
    if err is None:
        return ""
    detail = one_line(err.detail(), limit=600)
    if not detail or detail.rstrip(". ") in err.summary():
        return ""
    return detail


def fmt_int(n: int) -> str:
    return f"{n:,}"


def usage_line(usage: Usage | None) -> str:
    """`in 1,234 (cached 1,000) · out 456 · reasoning 789 · web_search×2 · $0.0123`."""
    if usage is None:
        return ""
    parts = [f"in {fmt_int(usage.input_tokens)}"]
    if usage.cached_input_tokens:
        parts[0] += f" (cached {fmt_int(usage.cached_input_tokens)})"
    parts.append(f"out {fmt_int(usage.output_tokens)}")
    if usage.reasoning_tokens:
        parts.append(f"reasoning {fmt_int(usage.reasoning_tokens)}")
    tools = ", ".join(
        f"{one_line(name, 40)}×{count}"
        for name, count in sorted(usage.server_side_tool_calls.items())
    )
    if tools:
        parts.append(f"tools {tools}")
    elif usage.num_server_side_tools_used:
        parts.append(f"tools ×{usage.num_server_side_tools_used}")
    if usage.cost_usd is not None:
        parts.append(format_cost(usage.cost_usd, estimated=usage.cost_estimated))
    return " · ".join(parts)


def notes_text(message: Message) -> str:
    """What the request of this reply left out or changed, one `Note:` line each."""
    return "\n".join(f"Note: {one_line(note, 300)}" for note in message.notes)


#: Shorter reasoning than this, with no text and no tokens, was no reasoning.
MIN_REASONING_SECONDS = 0.1


def reasoning_line(message: Message, *, expanded: bool, live_seconds: float | None = None) -> str:
    """The one-line reasoning summary of a reply, or "" when there was no thinking.

    A reply had reasoning when it has reasoning text, reasoning tokens in its
    usage, or took at least 0.1 s to think; a model with hidden reasoning that
    answers a plain prompt at once gets no "thought for 0.0 s" line. While the
    model is thinking, the live time is always shown.
    """
    thinking = message.status == MessageStatus.STREAMING and message.reasoning_seconds is None
    seconds = message.reasoning_seconds if message.reasoning_seconds is not None else live_seconds
    tokens = message.usage.reasoning_tokens if message.usage else 0
    bits: list[str] = []
    if seconds is not None and (thinking or seconds >= MIN_REASONING_SECONDS):
        bits.append(f"{'thinking' if thinking else 'thought'} for {format_duration(seconds)}")
    if tokens:
        bits.append(f"{fmt_int(tokens)} reasoning tokens")
    if message.reasoning:
        arrow = "▾" if expanded else "▸"
        detail = f" ({', '.join(bits)})" if bits else ""
        return f"{arrow} Reasoning{detail}"
    if not bits:
        return ""
    text = ", ".join(bits)
    return text[0].upper() + text[1:]


def sources_content(citations: Iterable[Citation]) -> Content:
    """Numbered sources, one a line; http(s) URLs are terminal hyperlinks."""
    seen: dict[int, Citation] = {}
    for c in citations:
        seen.setdefault(c.number, c)
    if not seen:
        return Content("")
    parts: list[Content | str | tuple[str, Style | str]] = [("Sources", "bold")]
    for number in sorted(seen):
        c = seen[number]
        url = one_line(c.url, 300)
        title = one_line(c.title, 120) if c.title else ""
        if title.strip("[]() ").isdigit():
            title = ""  # servers send the citation number as its title
        parts.append(f"\n[{number}] ")
        if title:
            parts.append(f"{title} — ")
        if is_safe_link(url):
            parts.append((url, Style(underline=True, link=url)))
        else:
            parts.append(url)
    return Content.assemble(*parts)


def attachment_chip(att: Attachment) -> str:
    name = one_line(att.name or att.url or att.path or "image", 60)
    size = ""
    if att.size_bytes is not None:
        size = f" {format_size(att.size_bytes)}"
    return f"{'📄' if att.kind == 'document' else '🖼'} {name}{size}"


def _make_body(text: str, *, streaming: bool, code_theme: str) -> Widget:
    """The answer widget: `StreamingMarkdown` (lazily rendered, linear streaming)."""
    from grok_tui.ui.widgets.markdown_stream import StreamingMarkdown

    widget = StreamingMarkdown(text, code_theme=code_theme, classes="msg-body")
    if not streaming:
        widget.finish()
    return widget


class MessageView(Vertical):
    """The view of one `Message` (user or assistant)."""

    DEFAULT_CSS = stylesheet(__file__)

    class ToggleReasoning(TMessage):
        def __init__(self, view: MessageView) -> None:
            super().__init__()
            self.view = view

    def __init__(
        self, message: Message, *, index: int, position: tuple[int, int] | None = None
    ) -> None:
        role_class = "-user" if message.role == "user" else "-assistant"
        super().__init__(classes=role_class)
        self.message = message
        self.index = index
        #: `(n, m)`: this reply is version n of m, or this message of yours is
        #: branch n of m (shown "‹ n/m ›" in the header); None when it is the only one.
        self.position = position if position is not None and position[1] > 1 else None
        self.reasoning_expanded = False
        self.live_reasoning_seconds: float | None = None
        self._meta_timer_pending = False
        self._body: Widget | None = None
        self._shown_reasoning_len = -1

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """The view grows with its streaming reply: its painted lines (the
        left border, the background) above the bottom are kept (see `height_cache`)."""
        return size_updated_keeping_lines(
            self, size, virtual_size, container_size, layout, super()._size_updated
        )

    # -- compose -----------------------------------------------------------

    def compose(self) -> ComposeResult:
        msg = self.message
        yield _Leaf(self._header(), classes="msg-header", markup=False)
        if msg.role == "assistant":
            yield _ReasoningLine("", classes="msg-reasoning-line", markup=False)
            yield _Part("", classes="msg-reasoning", markup=False)
            self._body = _make_body(
                msg.text,
                streaming=msg.status == MessageStatus.STREAMING,
                code_theme=_code_theme(self),
            )
            yield self._body
            yield _Part("", classes="msg-sources", markup=False)
            yield _Part("", classes="msg-footer", markup=False)
        else:
            if msg.attachments:
                yield _Leaf(
                    plain("   ".join(attachment_chip(a) for a in msg.attachments)),
                    classes="msg-attachments",
                    markup=False,
                )
            self._body = _Leaf(plain(msg.text), classes="msg-body msg-user-text", markup=False)
            yield self._body

    def on_mount(self) -> None:
        # `is_mounted` only turns True after the Mount handlers ran.
        self._render_meta()

    # -- public API --------------------------------------------------------

    @property
    def body(self) -> Widget | None:
        return self._body

    def append_text(self, text: str) -> None:
        """Stream a piece of the answer into the body (O(1))."""
        body = self._body
        if body is not None and text:
            body.append(text)  # type: ignore[attr-defined]

    def refresh_meta(self) -> None:
        """Schedule a refresh of header, reasoning, sources and footer (coalesced)."""
        if self._meta_timer_pending or not self.is_mounted:
            return
        self._meta_timer_pending = True
        self.set_timer(META_INTERVAL, self._flush_meta)

    def finish(self) -> None:
        """The reply ended (any status): finish the body and refresh everything now."""
        body = self._body
        if body is not None and self.message.role == "assistant":
            if body.source != self.message.text:  # type: ignore[attr-defined]
                body.update(self.message.text)  # type: ignore[attr-defined]  # masked since
            else:
                body.finish()  # type: ignore[attr-defined]
        self._apply_meta()

    def toggle_reasoning(self) -> bool:
        """Expand or collapse the reasoning text; False when there is none."""
        if not self.message.reasoning:
            return False
        self.reasoning_expanded = not self.reasoning_expanded
        self._apply_meta()
        return True

    def set_position(self, position: tuple[int, int] | None) -> None:
        """Show "‹ n/m ›" (None or m = 1: nothing)."""
        position = position if position is not None and position[1] > 1 else None
        if position != self.position:
            self.position = position
            if self.is_mounted:
                self.query_one(".msg-header", Static).update(self._header())

    def can_show(self, message: Message) -> bool:
        """Whether `show(message)` can reuse this view: the same children
        (role, attachment chips) and nothing streaming in either."""
        shape = _shape(message)
        return self.is_mounted and shape is not None and shape == _shape(self.message)

    def show(self, message: Message, *, index: int, position: tuple[int, int] | None) -> None:
        """Show another finished message in this view (same `can_show` shape):
        text, header, reasoning, sources and footer replaced, its own state
        (reasoning expanded, highlight) reset. A branch switch swaps the
        messages of the views on screen instead of removing and mounting them."""
        self.message = message
        self.index = index
        self.position = position if position is not None and position[1] > 1 else None
        self.reasoning_expanded = False
        self.live_reasoning_seconds = None
        self._shown_reasoning_len = -1
        self.remove_class("-highlight")
        body = self._body
        if message.role == "assistant":
            body.update(message.text)  # type: ignore[union-attr]
        else:
            if message.attachments:
                chips = "   ".join(attachment_chip(a) for a in message.attachments)
                self.query_one(".msg-attachments", Static).update(plain(chips))
            body.update(plain(message.text))  # type: ignore[union-attr]
        self._render_meta()

    def park(self) -> bool:
        """Hide this view for a later `show` (kept by a repaint instead of
        removed): no index, no highlight, its text dropped. False (nothing
        done) when it cannot be reused."""
        if _shape(self.message) is None or not self.is_mounted:
            return False
        self.display = False
        self.index = -1
        self.remove_class("-highlight")
        body = self._body
        if body is not None:
            body.update("")  # type: ignore[attr-defined]
        return True

    def source_text(self) -> str:
        """The message as the user would copy it (Markdown source for replies)."""
        return self.message.text

    def last_code_block(self) -> str | None:
        body = self._body
        if body is not None and hasattr(body, "last_code_block"):
            return body.last_code_block()  # type: ignore[no-any-return]
        return None

    # -- rendering ---------------------------------------------------------

    def _flush_meta(self) -> None:
        self._meta_timer_pending = False
        self._apply_meta()

    def _header(self) -> Content:
        msg = self.message
        branch: list[Content | str | tuple[str, Style | str]] = []
        if self.position is not None:
            n, m = self.position
            kind = "branch" if msg.role == "user" else "version"
            branch = ["  ", (f"‹ {n}/{m} ›", "bold"), (f" {kind}", "dim")]
        if msg.role == "user":
            return Content.assemble(("You", "bold"), *branch)
        model = one_line(msg.model or "", 60)
        parts: list[Content | str | tuple[str, Style | str]] = [("Grok", "bold")]
        if model:
            parts.append(f" · {model}")
        status = msg.status
        if status == MessageStatus.STREAMING:
            parts.append(("  ● streaming", "italic"))
        elif status == MessageStatus.STOPPED:
            parts.append(("  ■ stopped", "italic"))
        elif status == MessageStatus.FAILED:
            parts.append(("  ✖ failed", "bold"))
        return Content.assemble(*parts, *branch)

    def _apply_meta(self) -> None:
        if not self.is_mounted:
            return
        self._render_meta()

    def _render_meta(self) -> None:
        msg = self.message
        self.set_class(msg.status == MessageStatus.STREAMING, "-streaming")
        self.set_class(msg.status == MessageStatus.FAILED, "-failed")
        self.set_class(msg.status == MessageStatus.STOPPED, "-stopped")
        self.query_one(".msg-header", Static).update(self._header())
        if msg.role != "assistant":
            return
        line = reasoning_line(
            msg, expanded=self.reasoning_expanded, live_seconds=self.live_reasoning_seconds
        )
        rl = self.query_one(_ReasoningLine)
        rl.display = bool(line)
        rl.set_class(bool(msg.reasoning), "-expandable")
        rl.update(Content(line))
        rbody = self.query_one(".msg-reasoning", Static)
        show_reasoning = self.reasoning_expanded and bool(msg.reasoning)
        rbody.display = show_reasoning
        if show_reasoning and len(msg.reasoning) != self._shown_reasoning_len:
            self._shown_reasoning_len = len(msg.reasoning)
            rbody.update(plain(msg.reasoning))
        sources = self.query_one(".msg-sources", Static)
        sources.display = bool(msg.citations)
        if msg.citations:
            sources.update(sources_content(msg.citations))
        footer = self.query_one(".msg-footer", Static)
        content = self._footer()
        footer.display = bool(content.plain)
        footer.update(content)

    def _footer(self) -> Content:
        content = self._status_footer()
        notes = notes_text(self.message)
        if not notes:
            return content
        parts: list[Content | str | tuple[str, Style | str]] = [(notes, "italic")]
        if content.plain:
            parts += ["\n", content]
        return Content.assemble(*parts)

    def _status_footer(self) -> Content:
        msg = self.message
        usage = usage_line(msg.usage)
        if msg.status == MessageStatus.FAILED:
            parts: list[Content | str | tuple[str, Style | str]] = [
                ("✖ ", "bold"),
                (error_sentence(msg), "bold"),
                ("  (Ctrl+R retry)", "italic"),
            ]
            detail = error_detail(msg)
            if detail:
                parts.append(("\n" + detail, "dim"))
            if usage:
                parts.append(f"\n{usage}")
            return Content.assemble(*parts)
        if msg.status == MessageStatus.STOPPED:
            text = "■ Stopped — the partial reply is kept. (Ctrl+R regenerate)"
            return Content(f"{text}\n{usage}" if usage else text)
        return Content(usage)


def _shape(message: Message) -> tuple[str, bool] | None:
    """What decides a view's children (None: a streaming reply, never reused)."""
    if message.status == MessageStatus.STREAMING:
        return None
    return message.role, bool(message.attachments) and message.role == "user"


def _code_theme(widget: Widget) -> str:
    from grok_tui.ui.theme_files import code_theme_of

    try:
        return code_theme_of(widget.app)
    except Exception:
        return "monokai"


class _Leaf(Static):
    """A line or paragraph of a message view. Its size, set by a full layout,
    asks for no second one (see `height_cache.size_updated_once`): a switch
    of version that changes the footer's or the text's height lays the
    screen out once."""

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return size_updated_once(
            self, size, virtual_size, container_size, layout, super()._size_updated
        )


class _Part(_Leaf):
    """A part of a message that may be hidden: copied by a selection only while
    shown (a triple click selects the whole message, hidden parts included)."""

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        if not self.display:
            return None
        return super().get_selection(selection)


class _ReasoningLine(_Part):
    """The clickable "▸ Reasoning (thought for 3 s)" line."""

    def on_click(self) -> None:
        view = next((a for a in self.ancestors if isinstance(a, MessageView)), None)
        if view is not None:
            view.toggle_reasoning()
