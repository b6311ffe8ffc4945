"""Rendering Markdown pieces to Textual `Strip`s with Rich.

Pieces are parsed with the shared parser from `blocks` and rendered through
`rich.markdown.Markdown` (left-aligned headings, no raw HTML) or, for
top-level fences, straight through `rich.syntax.Syntax`. The source is never
interpreted as Rich/Textual markup. Links lose their terminal hyperlink and get
a `md_link` meta value instead, which the widget checks before opening
anything; no `@click` action is ever produced.

Mouse selection support (see "selection" below): code lines and code padding
lines are tagged by `Strip` subclass, `selection_text` gives the text a line
copies, `with_offsets` adds the `offset` meta Textual hit-tests, and
`highlight_selection` paints a selected range.
"""

from __future__ import annotations

from functools import lru_cache
from pickle import dumps as _dumps
from pickle import loads as _loads
from typing import Any, ClassVar

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import CodeBlock, Heading, ListElement, ListItem, Markdown
from rich.segment import Segment
from rich.style import Style
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
    console: Console,
    code_lines: list[str],
    language: str,
    width: int,
    code_theme: str,
    wraps: list[tuple[bool, str]] | None = None,
) -> list[list[Segment]]:
    """Highlighted code lines, each padded to `width` with one cell of margin each side.

    Lines longer than the width are wrapped. Pygments runs once over all lines.
    With `wraps`, one pair per returned row is appended to it: whether the row
    continues the previous one (a wrapped source line), and the whitespace the
    wrap dropped at the row's end.
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
            if wraps is not None:
                wraps.append((False, ""))
            return
        text = Text(end="", no_wrap=False, overflow="fold")
        for part, style in parts:
            text.append(part, style)
        rows = list(text.wrap(console, inner, overflow="fold"))
        source = text.plain
        position = 0
        for index, wrapped in enumerate(rows):
            plain = wrapped.plain
            wrapped.rstrip_end(inner)
            segments = list(wrapped.render(console, end=""))
            length = sum(segment.cell_length for segment in segments)
            if wraps is not None:
                # Whitespace the wrap dropped at the break (copied, not shown).
                position += len(plain)
                gap = position
                following = rows[index + 1].plain if index + 1 < len(rows) else None
                while (
                    gap < len(source)
                    and source[gap] in " \t"
                    and (following is None or not source.startswith(following, gap))
                ):
                    gap += 1
                wraps.append((index > 0, plain[len(wrapped) :] + source[position:gap]))
                position = gap
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


# ------------------------------------------------------------- selection
#
# Textual's mouse selection hit-tests `offset` style meta: (character index in
# the line's text, line index). The rendered lines are tagged by class so the
# widget knows which cells are decoration: a top-level code line starts with a
# one-cell margin, the padding lines above and below a code block hold no text.


class CodeStrip(Strip):
    """A line of a top-level code block; its first segment is the one-cell margin,
    its last the padding. `hidden`: the whitespace a wrap dropped after the row."""

    __slots__ = ("hidden",)
    hidden: str  # set only on rows a wrap dropped whitespace after


class CodeContinuation(CodeStrip):
    """A code line wrapped from the line above (copied without a line break)."""

    __slots__ = ()


class PaddingStrip(Strip):
    """A decoration-only line (padding of a code block): selecting it copies nothing."""

    __slots__ = ()


def selection_text(strip: Strip) -> str | None:
    """The text a selection copies from a rendered line (`offset` x indexes it);
    None for decoration-only lines. Trailing padding is dropped."""
    if isinstance(strip, PaddingStrip):
        return None
    segments = strip._segments
    if isinstance(strip, CodeStrip):
        # Margin and the padding to the width are decoration; code is copied as is.
        text = "".join([segment.text for segment in segments[1:-1] if not segment.control])
        return text + getattr(strip, "hidden", "")
    return "".join([segment.text for segment in segments if not segment.control]).rstrip()


def decoration_cells(strip: Strip) -> int:
    """Cells before the line's selectable text (the margin of a code line)."""
    if isinstance(strip, CodeStrip) and strip._segments:
        return strip._segments[0].cell_length
    return 0


def with_offsets(line: Strip, y: int, source: Strip) -> Strip:
    """`line` (`source` with widget styles) with the `offset` meta selection needs.

    Like `Strip.apply_offsets`, but decoration segments of `source` (see
    `decoration_cells`) map to the start of the text. Done once per cached line.
    """
    # Runs of one style are merged first (a third fewer segments to tag and
    # paint); a code line's margin and padding stay segments of their own.
    parts = line._segments
    if isinstance(source, PaddingStrip):
        skip = len(parts)
    elif isinstance(source, CodeStrip) and len(parts) > 2:
        skip = 1
        parts = [parts[0], *Segment.simplify(parts[1:-1]), parts[-1]]
    else:
        skip = 0
        parts = list(Segment.simplify(parts))
    segments: list[Segment] = []
    append = segments.append
    x = 0
    for index, (text, style, control) in enumerate(parts):
        append(Segment(text, _offset_style(style, x, y), control))
        if index >= skip:
            x += len(text)
    return Strip(segments, line.cell_length)


_new_style = Style.__new__


def _offset_style(style: Style | None, x: int, y: int) -> Style:
    """`style + Style.from_meta({"offset": (x, y)})`, about 4x faster.

    Built directly: no throwaway meta style, no entry in Rich's `Style._add`
    cache (a unique style per cell run would evict its useful entries), and
    the ANSI codes the style already computed are kept (meta does not change
    them). Checked against Rich's own result in tests/ui/test_selection.py.
    """
    if style is None or style._null:
        return Style.from_meta({"offset": (x, y)})
    new = _new_style(Style)
    new._ansi = style._ansi
    new._style_definition = None
    new._color = style._color
    new._bgcolor = style._bgcolor
    new._attributes = style._attributes
    new._set_attributes = style._set_attributes
    new._link = style._link
    new._link_id = style._link_id
    new._null = False
    new._hash = None
    meta = _loads(style._meta) if style._meta else {}
    meta["offset"] = (x, y)
    new._meta = _dumps(meta)
    return new


def highlight_selection(line: Strip, source: Strip, start: int, end: int, style: Style) -> Strip:
    """`line` with the characters `start`..`end` (-1: to the end) of `source`'s
    selection text painted in `style` (over the existing style)."""
    text = selection_text(source)
    if not text:
        return line
    length = len(text)
    end = length if end < 0 or end > length else end
    start = max(0, min(start, length))
    if start >= end:
        return line
    prefix = decoration_cells(source)
    left = prefix + cell_len(text[:start])
    right = left + cell_len(text[start:end])
    total = line.cell_length
    right = min(right, total)
    if left >= right:
        return line
    middle = line.crop(left, right)
    selected = Strip(Segment.apply_style(middle._segments, post_style=style), right - left)
    return Strip.join([line.crop(0, left), selected, line.crop(right, total)])


def blank_code_line(width: int, code_theme: str) -> Strip:
    return PaddingStrip([Segment(" " * width, code_background(code_theme))], width)


def render_code_lines(
    console: Console, code_lines: list[str], language: str, width: int, code_theme: str
) -> list[Strip]:
    """Highlighted code lines (no padding lines above/below)."""
    wraps: list[tuple[bool, str]] = []
    rows = code_lines_segments(console, code_lines, language, width, code_theme, wraps)
    strips: list[Strip] = []
    for row, (continued, hidden) in zip(rows, wraps):
        strip = CodeContinuation(row, width) if continued else CodeStrip(row, width)
        if hidden:
            strip.hidden = hidden
        strips.append(strip)
    return strips


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


#: Languages whose lexers `warm_up` loads before the first reply needs them.
WARM_LANGUAGES = (
    "python",
    "bash",
    "javascript",
    "typescript",
    "json",
    "rust",
    "go",
    "c",
    "cpp",
    "java",
    "yaml",
    "toml",
    "html",
    "css",
    "sql",
    "diff",
)
_WARM_MARKDOWN = "# Title\n\nSome **bold** `code` and a [link](https://x.ai).\n\n- item\n\n> quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"


def warm_up(code_theme: str) -> None:
    """Do once what the first reply would otherwise do in the middle of its
    stream: load and compile the lexers of common languages (a lexer's first
    use compiles its regular expressions: 0.1 s for Python or CSS on this kind
    of machine, more under load, a visible freeze), the code theme's token
    styles and Rich's Markdown elements. Meant for a worker thread after
    start-up: it is many short steps in Python, so the UI thread keeps the GIL
    most of the time and is never held up for long."""
    console = Console(width=80, color_system="truecolor", force_terminal=True)
    for language in WARM_LANGUAGES:
        code_lines_segments(console, ["x = 1  # warm"], language, 40, code_theme)
    render_markdown(console, _WARM_MARKDOWN, 40, code_theme)
