"""Rendering Markdown pieces to Textual `Strip`s with Rich.

Pieces are parsed with the shared parser from `blocks` and rendered through
`rich.markdown.Markdown` (left-aligned headings, no raw HTML) or, for
top-level fences, straight through `rich.syntax.Syntax`. The source is never
interpreted as Rich/Textual markup. Links lose their terminal hyperlink and get
a `md_link` meta value instead, which the widget checks before opening
anything; no `@click` action is ever produced.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, ClassVar

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import CodeBlock, Heading, ListElement, ListItem, Markdown
from rich.segment import Segment
from rich.style import Style
from rich.cells import cell_len
from rich.syntax import Syntax, SyntaxTheme
from rich.text import Text
from textual.strip import Strip

from grok_tui.ui.markdown.blocks import parser, split_fence

LINK_META = "md_link"
TAB_SIZE = 4


@lru_cache(maxsize=64)
def _lexer(name: str) -> Lexer:
    options = {"stripnl": False, "ensurenl": True, "tabsize": TAB_SIZE}
    if name:
        try:
            return get_lexer_by_name(name, **options)
        except ClassNotFound:
            pass
    return get_lexer_by_name("text", **options)


@lru_cache(maxsize=16)
def _syntax_theme(theme: str) -> SyntaxTheme:
    return Syntax.get_theme(theme)


@lru_cache(maxsize=16)
def code_background(theme: str) -> Style:
    """The background style of the code theme (for the padding lines of code blocks)."""
    return _syntax_theme(theme).get_background_style()


_token_styles: dict[tuple[str, Any], Style] = {}


def _token_style(theme: str, token_type: Any) -> Style:
    key = (theme, token_type)
    style = _token_styles.get(key)
    if style is None:
        style = code_background(theme) + _syntax_theme(theme).get_style_for_token(token_type)
        _token_styles[key] = style
    return style


def code_lines_segments(
    console: Console, code_lines: list[str], language: str, width: int, code_theme: str
) -> list[list[Segment]]:
    """Highlighted code lines, each padded to `width` with one cell of margin each side.

    Lines longer than the width are wrapped. Pygments runs once over all lines.
    """
    if width <= 2 or not code_lines:
        return []
    background = code_background(code_theme)
    inner = width - 2
    margin = Segment(" ", background)
    code = "\n".join(code_lines).expandtabs(TAB_SIZE) + "\n"
    out: list[list[Segment]] = []
    line: list[tuple[str, Style]] = []

    def emit(parts: list[tuple[str, Style]]) -> None:
        length = sum(cell_len(text) for text, _ in parts)
        if length <= inner:
            row = [margin, *(Segment(text, style) for text, style in parts)]
            row.append(Segment(" " * (inner - length + 1), background))
            out.append(row)
            return
        text = Text(end="", no_wrap=False, overflow="fold")
        for part, style in parts:
            text.append(part, style)
        for wrapped in text.wrap(console, inner, overflow="fold"):
            wrapped.rstrip_end(inner)
            segments = list(wrapped.render(console, end=""))
            length = sum(segment.cell_length for segment in segments)
            out.append([margin, *segments, Segment(" " * (inner - length + 1), background)])

    for token_type, value in _lexer(language.lower()).get_tokens(code):
        style = _token_style(code_theme, token_type)
        if "\n" not in value:
            if value:
                line.append((value, style))
            continue
        pieces = value.split("\n")
        for piece in pieces[:-1]:
            if piece:
                line.append((piece, style))
            emit(line)
            line = []
        if pieces[-1]:
            line.append((pieces[-1], style))
    if line:
        emit(line)
    return out


class _LeftHeading(Heading):
    LEVEL_ALIGN: ClassVar[dict[str, str]] = {  # type: ignore[assignment]
        f"h{level}": "left" for level in range(1, 7)
    }


class _Code(CodeBlock):
    """Code block nested in a list or quote: same look as a top-level fence."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        code = str(self.text).rstrip("\n")
        width = options.max_width
        background = code_background(self.theme)
        blank = [Segment(" " * width, background)]
        new_line = Segment.line()
        rows = code_lines_segments(console, code.split("\n"), self.lexer_name, width, self.theme)
        for row in [blank, *rows, blank]:
            yield from row
            yield new_line


class _Item(ListItem):
    def render_number(
        self, console: Console, options: ConsoleOptions, number: int, last_number: int
    ) -> RenderResult:
        numeral_text = f"{number}. "
        number_width = max(len(numeral_text), 4)
        render_options = options.update(width=options.max_width - number_width)
        lines = console.render_lines(self.elements, render_options, style=self.style)
        number_style = console.get_style("markdown.item.number", default="none")
        new_line = Segment("\n")
        padding = Segment(" " * number_width, number_style)
        numeral = Segment(numeral_text.rjust(number_width), number_style)
        for index, line in enumerate(lines):
            yield numeral if index == 0 else padding
            yield from line
            yield new_line


class _Document(Markdown):
    """rich Markdown over tokens from our parser (no HTML, no reference definitions)."""

    elements: ClassVar = {  # type: ignore[misc]
        **Markdown.elements,
        "heading_open": _LeftHeading,
        "fence": _Code,
        "code_block": _Code,
        "list_item_open": _Item,
        "bullet_list_open": ListElement,
        "ordered_list_open": ListElement,
    }

    def __init__(self, source: str, code_theme: str) -> None:
        self.markup = source
        self.parsed = parser().parse(source)
        self.code_theme = code_theme
        self.justify = None
        self.style = "none"
        self.hyperlinks = True
        self.inline_code_lexer = None
        self.inline_code_theme = code_theme


def _options(console: Console, width: int) -> ConsoleOptions:
    return console.options.update(width=width, height=None, highlight=False, markup=False)


def _is_blank(line: list[Segment]) -> bool:
    for text, style, control in line:
        if control or text.strip() or (style is not None and style.bgcolor is not None):
            return False
    return True


_link_styles: dict[Style, Style] = {}


def _unlink(style: Style) -> Style:
    """The style with its hyperlink replaced by inert `md_link` meta."""
    replaced = _link_styles.get(style)
    if replaced is None:
        link = style.link
        inert = style.clear_meta_and_links() + Style(underline=True)
        replaced = inert + Style.from_meta({LINK_META: link})
        if len(_link_styles) > 4096:
            _link_styles.clear()
        _link_styles[style] = replaced
    return replaced


def _to_strips(lines: list[list[Segment]], width: int, trim: bool = True) -> list[Strip]:
    if trim:
        while lines and _is_blank(lines[-1]):
            lines.pop()
        start = 0
        while start < len(lines) and _is_blank(lines[start]):
            start += 1
        lines = lines[start:]
    strips: list[Strip] = []
    for line in lines:
        if any(style is not None and style._link for _, style, _ in line):
            line = [
                Segment(text, _unlink(style), control)
                if style is not None and style._link
                else Segment(text, style, control)
                for text, style, control in line
            ]
        strips.append(Strip(line, width))
    return strips


def render_markdown(console: Console, source: str, width: int, code_theme: str) -> list[Strip]:
    """`source` (one or more blocks) rendered at `width` cells, outer blank lines trimmed."""
    if width <= 0:
        return []
    lines = console.render_lines(_Document(source, code_theme), _options(console, width), pad=True)
    return _to_strips(lines, width)


def blank_code_line(width: int, code_theme: str) -> Strip:
    return Strip([Segment(" " * width, code_background(code_theme))], width)


def render_code_lines(
    console: Console, code_lines: list[str], language: str, width: int, code_theme: str
) -> list[Strip]:
    """Highlighted code lines (no padding lines above/below)."""
    rows = code_lines_segments(console, code_lines, language, width, code_theme)
    return [Strip(row, width) for row in rows]


def render_fence(console: Console, source: str, width: int, code_theme: str) -> list[Strip]:
    """A top-level fence piece: padding line, highlighted code, padding line."""
    opener, code = split_fence(source)
    blank = blank_code_line(width, code_theme)
    return [blank, *render_code_lines(console, code, opener.language, width, code_theme), blank]


def render_piece(
    console: Console, source: str, kind: str, width: int, code_theme: str
) -> list[Strip]:
    """One piece (see `blocks`) rendered at `width` cells."""
    if width <= 0:
        return []
    if kind == "fence":
        return render_fence(console, source, width, code_theme)
    return render_markdown(console, source, width, code_theme)
