"""Tool-call arguments: a one-line summary and a pretty view of their JSON.

The one home of `summarize_arguments`, shared by the tool log and `grok-tui
ask`'s stderr lines. Pure functions on plain values (no Textual); everything
returned is cleaned with `strip_control`, so callers still render it as
`Content`/`Text`, never as markup.
"""

from __future__ import annotations

import json
import re
from typing import Any

from grok_tui.sanitize import one_line, strip_control


def parse_arguments(text: str | None) -> dict[str, Any] | None:
    """The arguments JSON as a dict, or None when it is empty, partial or not an
    object (arguments stream in and may be cut anywhere)."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


_PARTIAL_STRING = re.compile(
    r'"(query|url|image_url|video_url|post_id|code|user|handle|q|question|prompt)"'
    r'\s*:\s*"((?:[^"\\]|\\.)*)'
)

#: Which argument keys summarize which tool, in order of preference.
_SUMMARY_KEYS: dict[str, tuple[str, ...]] = {
    "web_search": ("query", "q"),
    "web_search_with_snippets": ("query", "q"),
    "browse_page": ("url",),
    "open_page": ("url",),
    "x_keyword_search": ("query",),
    "x_semantic_search": ("query",),
    "x_user_search": ("query", "user", "handle", "username"),
    "x_thread_fetch": ("post_id", "url", "id", "tweet_id"),
    "view_image": ("image_url", "url"),
    "view_x_video": ("video_url", "url"),
    "code_execution": ("code",),
    "code_interpreter": ("code",),
    "file_search": ("queries", "query"),
    "collections_search": ("queries", "query"),
}


#: An MCP tool (named `server/tool`, as shown) is summarized by the first of these.
_MCP_KEYS = ("query", "queries", "q", "question", "prompt", "url")


def _clean(value: Any) -> Any:
    """`value` (parsed JSON) with control characters stripped from every string,
    so re-dumped JSON shows text, not `\\u001b` escapes of terminal sequences."""
    if isinstance(value, str):
        return strip_control(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {strip_control(str(k)): _clean(v) for k, v in value.items()}
    return value


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def summarize_arguments(name: str, arguments: str | None, limit: int = 120) -> str:
    """A short, single-line, cleaned summary of a tool call's arguments.

    web_search -> the query; browse_page -> the URL; x_*_search -> the query;
    x_user_search -> the user query/handle; x_thread_fetch -> the post id;
    view_image / view_x_video -> the URL; code execution -> the first line of
    code; collections search -> its queries joined by ` | `; an MCP tool
    (`server/tool`) -> its query, question, prompt or URL; anything else -> the compact JSON. Partial JSON (while streaming)
    yields what can be read so far; invalid JSON yields the raw text.
    """
    keys = _SUMMARY_KEYS.get(name)
    if keys is None and name.startswith("code"):
        keys = ("code",)
    if keys is None and "/" in name:
        keys = _MCP_KEYS
    args = parse_arguments(arguments)
    if args is not None:
        if keys:
            for key in keys:
                value = args.get(key)
                if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                    return one_line(" | ".join(value), limit)
                if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    text = str(value)
                    if key == "code":
                        text = _first_line(text)
                    return one_line(text, limit)
        if not args:
            return ""
        compact = json.dumps(_clean(args), ensure_ascii=False, separators=(",", ":"))
        return one_line(compact, limit)
    if not arguments:
        return ""
    # Partial or invalid JSON: try to pull a known string field out of it.
    if keys:
        for m in _PARTIAL_STRING.finditer(arguments):
            if m.group(1) in keys:
                raw = m.group(2)
                try:
                    text = json.loads(f'"{raw}"')
                except ValueError:
                    text = raw
                if m.group(1) == "code":
                    text = _first_line(text)
                return one_line(text, limit)
    return one_line(arguments, limit)


def pretty_arguments(arguments: str | None) -> str:
    """The full arguments for the expanded view: pretty JSON when it parses,
    else the raw text; cleaned of control characters either way."""
    if not arguments:
        return ""
    try:
        value = json.loads(arguments)
    except (ValueError, RecursionError):
        return strip_control(arguments)
    return strip_control(json.dumps(_clean(value), ensure_ascii=False, indent=2))
