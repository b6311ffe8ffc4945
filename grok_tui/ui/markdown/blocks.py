"""Splitting Markdown source into independently renderable pieces, incrementally.

A *piece* is a top-level block (paragraph, heading, fence, table, quote, rule)
or one top-level list item. Pieces are rendered independently and cached, so
a growing document only re-parses its open tail. Parsing a piece on its own
gives the same result as parsing it in its document, because a piece always
starts at a top-level block boundary (reference definitions, whose effect
crosses blocks, are disabled and shown as text).

`BlockStream` turns appended text into *final* pieces (they cannot change any
more) plus a small open tail: every piece but the last one of the complete
lines is final; a closed fence, a heading and a rule are final at once. A long
open code fence is scanned incrementally for its closing line instead of being
re-parsed on every flush.

This module has no Textual dependency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}(?=[^`]*$)|~{3,})(.*)$")
_FENCE_CLOSE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*$")


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The shared block parser: CommonMark + tables + strikethrough, no HTML, no references.

    markdown-it is imported here, on first use: the first frame of a new chat
    does not need it (start-up time, bench/bench_terminal.py)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})
    md.enable(["table", "strikethrough"])
    md.disable(["reference"])
    return md


@dataclass(frozen=True, slots=True)
class FenceOpener:
    indent: int
    char: str
    length: int
    info: str

    @property
    def language(self) -> str:
        words = self.info.strip().split()
        return words[0] if words else ""


def fence_opener(line: str) -> FenceOpener | None:
    """The fence opened by `line` (without its newline), or None."""
    match = _FENCE_OPEN.match(line)
    if match is None:
        return None
    marks = match.group(2)
    return FenceOpener(len(match.group(1)), marks[0], len(marks), match.group(3))


def closes_fence(line: str, opener: FenceOpener) -> bool:
    """Whether `line` (without its newline) closes the fence `opener` opened."""
    match = _FENCE_CLOSE.match(line)
    if match is None:
        return False
    marks = match.group(1)
    return marks[0] == opener.char and len(marks) >= opener.length


def dedent_code_line(line: str, indent: int) -> str:
    """Remove up to `indent` leading spaces (CommonMark fence content rule)."""
    if indent == 0 or not line.startswith(" "):
        return line
    stripped = 0
    while stripped < indent and stripped < len(line) and line[stripped] == " ":
        stripped += 1
    return line[stripped:]


def split_fence(text: str) -> tuple[FenceOpener, list[str]]:
    """The opener and the code lines of a top-level fence piece."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    opener = fence_opener(lines[0])
    assert opener is not None, "not a fence piece"
    body = lines[1:]
    if body and closes_fence(body[-1], opener):
        body.pop()
    return opener, [dedent_code_line(line, opener.indent) for line in body]


@dataclass(frozen=True, slots=True)
class Span:
    """A piece as a range of lines [start, end) (trailing blank lines excluded)."""

    start: int
    end: int
    kind: str  # "list" | "fence" | "heading" | "hr" | "table" | "block"
    closed: bool  # nothing appended later can change it


_KINDS = {
    "fence": "fence",
    "heading_open": "heading",
    "hr": "hr",
    "table_open": "table",
}


def split_spans(lines: list[str]) -> list[Span]:
    """The pieces of the document made of `lines` (each with its newline, maybe not the last)."""
    tokens = parser().parse("".join(lines))
    spans: list[Span] = []
    in_list = False
    for token in tokens:
        if token.level == 0:
            if token.type in ("bullet_list_open", "ordered_list_open"):
                in_list = True
                continue
            if token.type in ("bullet_list_close", "ordered_list_close"):
                in_list = False
                continue
            if token.nesting < 0 or token.map is None:
                continue
            kind = _KINDS.get(token.type, "block")
        elif in_list and token.level == 1 and token.type == "list_item_open" and token.map:
            kind = "list"
        else:
            continue
        start, end = token.map
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        closed = kind in ("heading", "hr")
        if kind == "fence" and end - start >= 2:
            opener = fence_opener(lines[start].rstrip("\n"))
            closed = opener is not None and closes_fence(lines[end - 1].rstrip("\n"), opener)
        spans.append(Span(start, end, kind, closed))
    return spans


@dataclass(slots=True)
class Piece:
    """A final or provisional piece of the document."""

    text: str
    kind: str
    gap: bool  # blank line(s) between the previous piece and this one in the source


@dataclass(slots=True)
class OpenFence:
    """The open code fence at the start of the tail, scanned incrementally."""

    opener: FenceOpener
    gap: bool
    start: int  # offset of the opener line in the tail
    scan: int  # offset in the tail up to which lines were checked for the closing fence
    code: list[str] = field(default_factory=list)  # complete code lines (dedented)


def needs_separator(prev_kind: str | None, kind: str, gap: bool) -> bool:
    """Whether a blank line is rendered between two pieces."""
    if prev_kind is None:
        return False
    return gap or not (prev_kind == "list" and kind == "list")


class BlockStream:
    """Turns appended Markdown text into final pieces and a small open tail."""

    def __init__(self) -> None:
        self._consumed: list[str] = []
        self._tail = ""
        self.fence: OpenFence | None = None

    @property
    def source(self) -> str:
        return "".join(self._consumed) + self._tail

    @property
    def tail(self) -> str:
        return self._tail

    @property
    def partial(self) -> str:
        """The last, incomplete line of the tail."""
        return self._tail[self._tail.rfind("\n") + 1 :]

    def feed(self, text: str) -> None:
        self._tail += text

    def _cut(self, offset: int) -> None:
        if offset:
            self._consumed.append(self._tail[:offset])
            self._tail = self._tail[offset:]

    def advance(self, final: bool = False) -> list[Piece]:
        """Pieces that became final (all of them when `final`)."""
        done: list[Piece] = []
        while True:
            tail = self._tail
            complete_len = len(tail) if final else tail.rfind("\n") + 1
            if complete_len == 0:
                break
            fence = self.fence
            if fence is not None:
                close_end = self._scan_fence(fence, complete_len)
                if close_end is None:
                    if not final:
                        break
                    close_end = complete_len
                text = tail[fence.start : close_end]
                if final:  # an unclosed fence ends at its last non-blank line, as in split_spans
                    lines = text.splitlines(keepends=True)
                    while len(lines) > 1 and not lines[-1].strip():
                        lines.pop()
                    text = "".join(lines)
                done.append(Piece(text, "fence", fence.gap))
                self.fence = None
                self._cut(close_end)
                continue
            lines = tail[:complete_len].splitlines(keepends=True)
            spans = split_spans(lines)
            if not spans:
                if final:
                    self._cut(complete_len)
                break
            n_final = len(spans) if final or spans[-1].closed else len(spans) - 1
            prev_end = 0
            for span in spans[:n_final]:
                text = "".join(lines[span.start : span.end])
                done.append(Piece(text, span.kind, span.start > prev_end))
                prev_end = span.end
            offset = sum(len(line) for line in lines[:prev_end])
            last = spans[-1]
            if n_final < len(spans) and last.kind == "fence":
                opener = fence_opener(lines[last.start].rstrip("\n"))
                if opener is not None:
                    start = sum(len(line) for line in lines[prev_end : last.start])
                    code = [
                        dedent_code_line(line.rstrip("\n"), opener.indent)
                        for line in lines[last.start + 1 :]
                    ]
                    self.fence = OpenFence(
                        opener, last.start > prev_end, start, complete_len - offset, code
                    )
            self._cut(offset)
            break
        return done

    def _scan_fence(self, fence: OpenFence, complete_len: int) -> int | None:
        """End offset of the closing fence line if it arrived, else None (code lines collected)."""
        tail = self._tail
        pos = fence.scan
        while pos < complete_len:
            newline = tail.find("\n", pos, complete_len)
            end = newline + 1 if newline != -1 else complete_len
            line = tail[pos:end].rstrip("\n")
            if closes_fence(line, fence.opener):
                return end
            fence.code.append(dedent_code_line(line, fence.opener.indent))
            pos = end
        fence.scan = pos
        return None

    def provisional(self) -> list[Piece]:
        """The open tail (complete lines and the partial line) as pieces, for display.

        Not used while a fence is open (see `fence`).
        """
        tail = self._tail
        if not tail.strip():
            return []
        lines = tail.splitlines(keepends=True)
        pieces: list[Piece] = []
        prev_end = 0
        for span in split_spans(lines):
            text = "".join(lines[span.start : span.end])
            pieces.append(Piece(text, span.kind, span.start > prev_end))
            prev_end = span.end
        return pieces


def split_document(text: str) -> list[Piece]:
    """All pieces of a complete document."""
    stream = BlockStream()
    stream.feed(text)
    return stream.advance(final=True)


def last_fenced_code(text: str) -> str | None:
    """The content of the last fenced code block in `text` (nested ones too), or None."""
    content: str | None = None
    for token in parser().parse(text):
        if token.type == "fence":
            content = token.content
    return content
