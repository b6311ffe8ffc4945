"""One change to a TOML document's text, keeping everything else as written.

tomlkit does the edit (it keeps comments, order, quoting and the trailing
comment on a changed line). One thing it cannot know is the first-run file's
convention: every setting is there commented out (`# theme = "grok-dark"`), so
the first write of a setting uncomments its line in place, where the user
expects it, instead of adding a second line at the end of the table. Every
result is checked against the intended data; `None` means no edit in place
gave it (the caller then rewrites the file from data).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any

import tomlkit
from tomlkit.container import Container, OutOfOrderTableProxy
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import InlineTable, Table

_Node = Container | Table | InlineTable | OutOfOrderTableProxy


def edit_text(
    text: str, parts: tuple[str, ...], value: Any, expected: Mapping[str, Any]
) -> str | None:
    """`text` with `value` at `parts` (None deletes), or None when no edit in
    place yields exactly `expected` (the file's data with the change)."""
    candidates = [text]
    if value is not None and not isinstance(value, Mapping):
        uncommented = _uncomment(text, parts)
        if uncommented is not None:
            candidates.insert(0, uncommented)
    for candidate in candidates:
        try:
            doc = tomlkit.parse(candidate)
            _apply(doc, parts, value)
            out = tomlkit.dumps(doc)
            if tomllib.loads(out) == expected:
                return out
        except (TOMLKitError, tomllib.TOMLDecodeError, TypeError, ValueError, KeyError):
            continue
    return None


def _apply(doc: tomlkit.TOMLDocument, parts: tuple[str, ...], value: Any) -> None:
    node: _Node = doc
    *tables, name = parts
    for depth, part in enumerate(tables):
        if part not in node:
            if value is None:
                return  # nothing to delete
            # Parents are "super tables" (no `[presets]` header of their own);
            # the table that holds a plain value gets its header.
            innermost = depth == len(tables) - 1 and not isinstance(value, Mapping)
            node[part] = tomlkit.table(is_super_table=not innermost)
        child = node[part]
        if not isinstance(child, (Container, Table, InlineTable, OutOfOrderTableProxy)):
            raise TypeError(f"{part} is not a table")
        node = child
    if value is None:
        if name in node:
            del node[name]
    else:
        node[name] = value


def _table_path(header: str) -> tuple[str, ...] | None:
    """`[a."b c".d]` -> ("a", "b c", "d"); None for `[[array]]` or what does not parse."""
    try:
        data: Any = tomllib.loads(header + "\n")
    except tomllib.TOMLDecodeError:
        return None
    path: list[str] = []
    while isinstance(data, dict) and len(data) == 1:
        ((key, data),) = data.items()
        path.append(key)
    return tuple(path) if isinstance(data, dict) and not data else None


def _assigned_key(line: str) -> str | None:
    """The key of `key = value` (one plain key, not a dotted or table value)."""
    try:
        data = tomllib.loads(line + "\n")
    except tomllib.TOMLDecodeError:
        return None
    if len(data) != 1:
        return None
    ((key, value),) = data.items()
    return None if isinstance(value, dict) else key


def _uncomment(text: str, parts: tuple[str, ...]) -> str | None:
    """`text` with the first `# name = ...` line of table `parts[:-1]` uncommented."""
    *table, name = parts
    lines = text.splitlines(keepends=True)
    section: tuple[str, ...] | None = ()
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("["):
            section = _table_path(stripped)
            continue
        if section != tuple(table) or not stripped.startswith("#"):
            continue
        body = stripped.lstrip("#").strip()
        if body and _assigned_key(body) == name:
            indent = line[: len(line) - len(line.lstrip())]
            lines[index] = indent + line.lstrip().lstrip("#").lstrip(" \t")
            return "".join(lines)
    return None
