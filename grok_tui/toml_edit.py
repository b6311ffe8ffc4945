"""Editing TOML text in place while keeping its comments and layout.

`tomllib` only reads; `grok_tui.config.save_setting` needs to change one value
of a hand-written, commented `config.toml`. `TomlDocument` holds the file as
lines with just enough structure (table headers, key lines, multi-line values)
to replace, insert or delete a value; `toml_value` writes one value.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel


def toml_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _toml_string(name)


def _toml_string(text: str) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_value(value: Any) -> str:
    """One TOML value (inline tables for dicts)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        items = [f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items() if v is not None]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    if isinstance(value, BaseModel):
        return toml_value(value.model_dump(mode="json", exclude_none=True))
    raise TypeError(f"cannot write a {type(value).__name__} to TOML")


_HEADER_RE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")


def split_dotted(text: str) -> tuple[str, ...]:
    """`presets."my news".web` -> ("presets", "my news", "web")."""
    parts: list[str] = []
    i = 0
    buf = ""
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            end = i + 1
            while end < len(text) and text[end] != ch:
                # Basic strings escape with a backslash; literal strings don't.
                end += 2 if (ch == '"' and text[end] == "\\") else 1
            end = min(end, len(text))
            inner = text[i + 1 : end]
            if ch == '"':
                try:
                    buf += json.loads(f'"{inner}"')
                except ValueError:
                    buf += inner
            else:
                buf += inner
            i = end + 1
            continue
        if ch == ".":
            parts.append(buf.strip())
            buf = ""
        else:
            buf += ch
        i += 1
    parts.append(buf.strip())
    return tuple(parts)


def _value_end(lines: list[str], start: int, col: int) -> tuple[int, str]:
    """Line index where the value starting at lines[start][col:] ends, and that line's comment."""
    depth = 0
    i, j = start, col
    while i < len(lines):
        line = lines[i]
        while j < len(line):
            ch = line[j]
            if ch in "\"'":
                triple = line[j : j + 3] == ch * 3
                if triple:
                    # Multi-line string: find the closing triple quote.
                    k = line.find(ch * 3, j + 3)
                    while k == -1:
                        i += 1
                        if i >= len(lines):
                            return len(lines) - 1, ""
                        line = lines[i]
                        k = line.find(ch * 3)
                        if k != -1:
                            j = k + 3
                            break
                    else:
                        j = k + 3
                    continue
                k = j + 1
                while k < len(line) and line[k] != ch:
                    k += 2 if ch == '"' and line[k] == "\\" else 1
                j = k + 1
                continue
            if ch in "[{":
                depth += 1
            elif ch in "]}":
                depth -= 1
            elif ch == "#":
                if depth <= 0:
                    return i, line[j:].rstrip("\n")
                break  # comment inside a multi-line array: rest of the line
            j += 1
        if depth <= 0:
            return i, ""
        i, j = i + 1, 0
    return len(lines) - 1, ""


_KEY_LINE_RE = re.compile(
    r"""^(?P<indent>\s*)(?P<key>(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')
        (?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*=\s*""",
    re.VERBOSE,
)


class TomlDocument:
    """A TOML document as lines, with just enough structure to edit values in place."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)
        if self.lines and not self.lines[-1].endswith("\n"):
            self.lines[-1] += "\n"

    def text(self) -> str:
        return "".join(self.lines)

    def sections(self) -> list[tuple[tuple[str, ...], int, int]]:
        """(table path, first body line, end line exclusive); the root table has path ()."""
        out: list[tuple[tuple[str, ...], int, int]] = []
        current: tuple[str, ...] = ()
        start = 0
        i = 0
        while i < len(self.lines):
            line = self.lines[i]
            m = _HEADER_RE.match(line)
            if m and not line.lstrip().startswith("[["):
                out.append((current, start, i))
                current = split_dotted(m.group(1))
                start = i + 1
            elif _KEY_LINE_RE.match(line):
                m2 = _KEY_LINE_RE.match(line)
                assert m2 is not None
                end, _ = _value_end(self.lines, i, m2.end())
                i = end
            i += 1
        out.append((current, start, len(self.lines)))
        return out

    def find_key(self, table: tuple[str, ...], key: str) -> tuple[int, int, int, str] | None:
        """(first line, last line, value column, trailing comment) of `key` in `table`."""
        for path, start, end in self.sections():
            if path != table:
                continue
            i = start
            while i < end:
                m = _KEY_LINE_RE.match(self.lines[i])
                if m:
                    last, comment = _value_end(self.lines, i, m.end())
                    if split_dotted(m.group("key")) == (key,):
                        return i, last, m.end(), comment
                    i = last
                i += 1
        return None

    def set_key(self, table: tuple[str, ...], key: str, value: Any) -> None:
        rendered = f"{toml_key(key)} = {toml_value(value)}"
        found = self.find_key(table, key)
        if found is not None:
            first, last, _col, comment = found
            indent = re.match(r"\s*", self.lines[first]).group(0)  # type: ignore[union-attr]
            tail = f"  {comment.strip()}" if comment else ""
            self.lines[first : last + 1] = [f"{indent}{rendered}{tail}\n"]
            return
        section = next(((s, e) for p, s, e in self.sections() if p == table), None)
        if section is None:
            if self.lines and self.lines[-1].strip():
                self.lines.append("\n")
            header = ".".join(toml_key(p) for p in table)
            self.lines.extend([f"[{header}]\n", f"{rendered}\n"])
            return
        start, end = section
        # Replace a commented-out example of the same key ("# theme = ...").
        commented = re.compile(r"^\s*#\s*" + re.escape(toml_key(key)) + r"\s*=")
        for i in range(start, end):
            if commented.match(self.lines[i]):
                self.lines[i] = f"{rendered}\n"
                return
        # Otherwise after the last key line of the section.
        insert_at = start
        i = start
        while i < end:
            m = _KEY_LINE_RE.match(self.lines[i])
            if m:
                last, _ = _value_end(self.lines, i, m.end())
                insert_at = last + 1
                i = last
            i += 1
        if insert_at == start:
            # No keys yet: after the leading comment block of the section.
            insert_at = start
            while insert_at < end and self.lines[insert_at].lstrip().startswith("#"):
                insert_at += 1
            if table == () and insert_at >= end:
                insert_at = end
        self.lines.insert(insert_at, f"{rendered}\n")

    def delete_key(self, table: tuple[str, ...], key: str) -> None:
        found = self.find_key(table, key)
        if found is not None:
            first, last, _col, _comment = found
            del self.lines[first : last + 1]

    def delete_tables(self, prefix: tuple[str, ...]) -> None:
        """Remove `[prefix]` and every `[prefix.*]` table, headers included."""
        while True:
            for path, start, end in self.sections():
                if path and path[: len(prefix)] == prefix:
                    # Keep comments directly above the next header (they belong to it).
                    stop = end
                    while stop > start and (
                        self.lines[stop - 1].lstrip().startswith("#")
                        or not self.lines[stop - 1].strip()
                    ):
                        stop -= 1
                    if stop < end and end < len(self.lines):
                        stop = max(stop, start)
                    else:
                        stop = end
                    del self.lines[start - 1 : stop]
                    break
            else:
                return

    def set_table(self, table: tuple[str, ...], value: Mapping[str, Any]) -> None:
        """Write `value` as `[table]` (nested mappings as sub-tables) at the end."""
        self.delete_tables(table)
        while self.lines and not self.lines[-1].strip():
            self.lines.pop()
        if self.lines:
            self.lines.append("\n")
        self._append_table(table, value)

    def _append_table(self, table: tuple[str, ...], value: Mapping[str, Any]) -> None:
        header = ".".join(toml_key(p) for p in table)
        self.lines.append(f"[{header}]\n")
        subtables = []
        for k, v in value.items():
            if v is None:
                continue
            if isinstance(v, Mapping):
                subtables.append((k, v))
            else:
                self.lines.append(f"{toml_key(str(k))} = {toml_value(v)}\n")
        for k, v in subtables:
            self._append_table((*table, str(k)), v)
