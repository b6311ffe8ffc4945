"""A command-palette provider over a table of (title, help, callback) rows.

Every palette provider of grok-tui lists a small table of commands; this base
class does the discovery and fuzzy search once. Titles may hold user text
(preset names, theme names), so they are never parsed as markup: Textual's
`Matcher.highlight` and a plain-string `DiscoveryHit` would parse it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

CommandRow = tuple[str, str, Callable[[], Any]]


def highlight_match(matcher: Any, text: str) -> Content:
    """`text` as inert Content with the fuzzy-matched characters styled."""
    content = Content(text)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    style = matcher.match_style
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(style, offset, offset + 1)
    return content


class TableCommands(Provider):
    """Subclasses yield their rows from `_commands()`: (title, help, callback)."""

    def _commands(self) -> Iterable[CommandRow]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(Content(title), callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score, highlight_match(matcher, title), callback, text=title, help=help_text
                )
