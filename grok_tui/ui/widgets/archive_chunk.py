"""`ArchiveChunk`: a cheap placeholder for older messages of the conversation.

`Conversation` (widgets/conversation.py) mounts only its newest messages as
full `MessageView`s; the older ones sit in these placeholders, one per
`CHUNK_SIZE` messages (or a coarse one after a repaint from a fork), with a
height estimated from the text (`estimate_rows`) and painted as plain,
control-stripped text (never markup) until the conversation expands them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.content import Content
from textual.geometry import Size
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

from grok_tui.chat.session import Message
from grok_tui.sanitize import strip_control
from grok_tui.ui.stylesheets import stylesheet
from grok_tui.ui.widgets.height_cache import size_updated_once

#: The "‹ n/m ›" of a message (None: the only one); the chat screen's `position_of`.
PositionOf = Callable[[Message], tuple[int, int] | None]


def estimate_rows(message: Message, width: int) -> int:
    """Rough rendered height of a message at `width` cells (header, text, margin)."""
    width = max(20, width)
    rows = 2  # header + bottom margin
    for line in message.text.split("\n"):
        rows += max(1, -(-len(line) // width))
    if message.role == "assistant" and message.usage is not None:
        rows += 1
    if message.citations:
        rows += 1 + len({c.number for c in message.citations})
    return rows


class ArchiveChunk(Widget):
    """A placeholder for some older messages (`conversation.CHUNK_SIZE`), shown as plain text.

    Its height is estimated (no text layout at mount time); it paints the
    plain text of its messages line by line, clipped, until it is expanded.
    """

    DEFAULT_CSS = stylesheet(__file__)

    def __init__(
        self,
        start: int,
        messages: Sequence[Message],
        width: int,
        position_of: PositionOf | None = None,
    ) -> None:
        super().__init__()
        self.start = start
        self.messages = list(messages)
        self._width = width
        self._position_of = position_of
        self._rows = sum(estimate_rows(m, width - 2) for m in self.messages)
        self._lines: list[str] | None = None

    def cut(self, count: int) -> None:
        """Keep only the first `count` messages of the chunk."""
        self.messages = self.messages[:count]
        self._rows = sum(estimate_rows(m, self._width - 2) for m in self.messages)
        self._lines = None
        self.refresh(layout=True)

    @property
    def stop(self) -> int:
        return self.start + len(self.messages)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """Its size, set by a full layout, asks for no second one (see
        `height_cache.size_updated_once`)."""
        return size_updated_once(
            self, size, virtual_size, container_size, layout, super()._size_updated
        )

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._rows

    def _plain_lines(self) -> list[str]:
        if self._lines is None:
            lines: list[str] = []
            for m in self.messages:
                header = "You" if m.role == "user" else f"Grok · {m.model or ''}"
                lines.append(header + self._position_label(m))
                lines.extend(strip_control(m.text).replace("\t", "    ").split("\n"))
                lines.append("")
            self._lines = lines
        return self._lines

    def _position_label(self, message: Message) -> str:
        """The "‹ n/m ›" of the message's header, as its view shows it."""
        position = self._position_of(message) if self._position_of is not None else None
        if position is None or position[1] <= 1:
            return ""
        kind = "branch" if message.role == "user" else "version"
        return f"  ‹ {position[0]}/{position[1]} › {kind}"

    def refresh_positions(self) -> None:
        """Paint the positions again (after a delete changed them)."""
        self._lines = None
        self.refresh()

    def render_line(self, y: int) -> Strip:
        lines = self._plain_lines()
        width = self.content_size.width
        if y >= len(lines) or width <= 0:
            return Strip.blank(width, self.rich_style)
        text = Content(lines[y]).truncate(width)
        segments = list(text.render_segments(self.visual_style))
        strip = Strip(segments, text.cell_length).adjust_cell_length(width, self.rich_style)
        return strip.apply_offsets(0, y)  # mouse selection finds its text

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected part of the plain text (what is painted)."""
        return selection.extract("\n".join(self._plain_lines())), "\n"
