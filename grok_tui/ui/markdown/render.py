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
from typing import ClassVar

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import CodeBlock, Heading, ListElement, ListItem, Markdown
from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from textual.strip import Strip

from grok_tui.ui.markdown.blocks import parser, split_fence

LINK_META = "md_link"


@lru_cache(maxsize=64)
def _lexer(name: str) -> Lexer | None:
    if not name:
        return None
    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return None


def _syntax(code: str, language: str, theme: str, padding: int | tuple[int, int]) -> Syntax:
    lexer = _lexer(language.lower())
    return Syntax(code, lexer if lexer is not None else "text", theme=theme, word_wrap=True, padding=padding)


@lru_cache(maxsize=16)
def code_background(theme: str) -> Style:
    """The background style of the code theme (for the padding lines of code blocks)."""
    return Syntax.get_theme(theme).get_background_style()


class _LeftHeading(Heading):
    LEVEL_ALIGN: ClassVar[dict[str, str]] = {f"h{level}": "left" for level in range(1, 7)}  # type: ignore[assignment]


class _Code(CodeBlock):
    """Code block nested in a list or quote: same look as a top-level fence."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        code = str(self.text).rstrip("\n")
        yield _syntax(code, self.lexer_name, self.theme, 1)


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
        replaced = style.clear_meta_and_links() + Style(underline=True) + Style.from_meta({LINK_META: link})
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
                Segment(text, _unlink(style), control) if style is not None and style._link else Segment(text, style, control)
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
    if width <= 0 or not code_lines:
        return []
    syntax = _syntax("\n".join(code_lines), language, code_theme, (0, 1))
    lines = console.render_lines(syntax, _options(console, width), pad=True)
    return _to_strips(lines, width, trim=False)


def render_fence(console: Console, source: str, width: int, code_theme: str) -> list[Strip]:
    """A top-level fence piece: padding line, highlighted code, padding line."""
    opener, code = split_fence(source)
    blank = blank_code_line(width, code_theme)
    return [blank, *render_code_lines(console, code, opener.language, width, code_theme), blank]


def render_piece(console: Console, source: str, kind: str, width: int, code_theme: str) -> list[Strip]:
    if width <= 0:
        return []
    if kind == "fence":
        return render_fence(console, source, width, code_theme)
    return render_markdown(console, source, width, code_theme)
