"""Cleaning untrusted text (model output, tool arguments, URLs, titles, file names).

Terminal escape sequences must never reach the terminal: ESC and the other C0
and C1 control characters (except tab and newline) are removed where text
enters the app, and again where text from disk is shown. Markup is a separate
concern: the UI renders untrusted text through `Content`/`Text` objects, never
as Textual or Rich markup.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls except \t (0x09) and \n (0x0a), DEL, and C1 controls (0x80-0x9f).
# Whole ANSI/OSC sequences are removed first so their printable tails
# ("]0;title", "[2J") do not stay behind as garbage.
_ANSI_SEQUENCE = re.compile(
    r"""
    \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?   # OSC ... BEL or ST (or unterminated)
    | \x1b[P^_X][^\x1b]*(?:\x1b\\)?       # DCS / PM / APC / SOS ... ST
    | \x1b\[[0-?]*[ -/]*[@-~]             # CSI
    | \x9b[0-?]*[ -/]*[@-~]               # 8-bit CSI
    | \x1b[@-Z\\-_]                       # other two-byte escapes
    """,
    re.VERBOSE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_QUICK_CHECK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def fix_surrogates(text: str) -> str:
    """`text` with surrogate code points resolved: a high+low pair becomes the
    character it encodes, a lone one becomes U+FFFD.

    Lone surrogates come from JSON `\\ud800` escapes (a server that split an
    emoji's UTF-16 pair) and from `surrogateescape`-decoded bytes (file names);
    they cannot be encoded as UTF-8, so writing them to the terminal or to a
    session file would fail."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def fix_surrogates_deep(value: Any) -> Any:
    """Parsed JSON `value` with `fix_surrogates` applied to every string and
    key, in place where it can (iterative: the value may be nested as deep as
    the JSON parser allows)."""
    if isinstance(value, str):
        return fix_surrogates(value)
    root = [value]
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for k in list(node):
                v = node[k]
                fixed_key = fix_surrogates(k)
                if isinstance(v, str):
                    v = fix_surrogates(v)
                elif isinstance(v, (dict, list)):
                    stack.append(v)
                if fixed_key != k:
                    del node[k]
                node[fixed_key] = v
        elif isinstance(node, list):
            for i, v in enumerate(node):
                if isinstance(v, str):
                    node[i] = fix_surrogates(v)
                elif isinstance(v, (dict, list)):
                    stack.append(v)
    return root[0]


def strip_control(text: str) -> str:
    """`text` without terminal escape sequences and control characters.

    Tab and newline are kept; a CR of a CRLF pair is dropped (CR alone too).
    Lone surrogates become U+FFFD (see `fix_surrogates`).
    Fast path: text without any control character is returned as is.
    """
    if not _QUICK_CHECK.search(text):
        return text
    text = fix_surrogates(text)
    text = _ANSI_SEQUENCE.sub("", text)
    return _CONTROL.sub("", text)


def one_line(text: str, limit: int = 200) -> str:
    """A cleaned single-line version of `text`, cut to `limit` characters."""
    flat = " ".join(strip_control(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# Inside a link: controls, whitespace, lone surrogates, and the invisible
# format characters (zero-width, bidi overrides) that disguise where it goes.
_LINK_BAD = re.compile(
    "[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f"
    "\u3000\ufeff\ud800-\udfff]"
)


def is_safe_link(url: str) -> bool:
    """Only http and https links to a host may be opened. Surrounding spaces
    and newlines are tolerated; any other control or invisible character (a
    leading ESC, an embedded newline, a bidi override) refuses the link."""
    url = url.strip(" \t\r\n")
    if _LINK_BAD.search(url):
        return False
    scheme, sep, rest = url.partition("://")
    return bool(sep) and scheme.lower() in ("http", "https") and rest[:1] not in ("", "/", "\\")
