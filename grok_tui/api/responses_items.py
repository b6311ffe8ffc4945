"""Readers of the JSON pieces of a `/v1/responses` stream that are not tool
calls: annotations (citations), message parts and reasoning items.

Pure functions of one JSON object each (no state, no I/O); the stateful
`decode_responses.ResponsesDecoder` calls them. Every field is checked for its
type: a field of another JSON type counts as absent, never as a crash.
"""

from __future__ import annotations

import json
from typing import Any

from grok_tui.api.events import CitationAdded

#: The URL given to a citation of a collection's document (it has a file id, no URL).
FILE_CITATION_SCHEME = "collections://files/"


def str_id(value: Any) -> str | None:
    """An item id as a set key: ids of any other JSON type count as absent."""
    return value if isinstance(value, str) else None


def json_array(value: Any) -> list[Any]:
    """A JSON array field, or nothing when the server sent another type."""
    return value if isinstance(value, list) else []


def str_or_none(value: Any) -> str | None:
    """A non-empty string field, or None."""
    return value if isinstance(value, str) and value else None


def int_or_none(value: Any) -> int | None:
    """An integer field (not a boolean), or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def compact_json(value: Any) -> str:
    """`value` as JSON text without spaces (tool arguments as the UI shows them)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def citation_from(annotation: dict[str, Any]) -> CitationAdded | None:
    """The citation an annotation makes (a `url_citation`, or a collection
    document's `file_citation`), or None when it names no source."""
    url = annotation.get("url")
    title = annotation.get("title")
    if (not isinstance(url, str) or not url) and isinstance(annotation.get("file_id"), str):
        # A document of a collection (`file_citation`): no URL, a file id and name.
        url = f"{FILE_CITATION_SCHEME}{annotation['file_id']}"
        title = annotation.get("filename") or title
    if not isinstance(url, str) or not url:
        return None
    return CitationAdded(
        url=url,
        title=title if isinstance(title, str) and title else None,
        start_index=int_or_none(annotation.get("start_index")),
        end_index=int_or_none(annotation.get("end_index")),
    )


def part_text(part: dict[str, Any]) -> str | None:
    """The text of a message content part (`output_text`'s `text`, a
    `refusal`'s `refusal`), or None when it has none."""
    return str_or_none(part.get("text") if part.get("type") != "refusal" else part.get("refusal"))


def reasoning_summary_text(item: dict[str, Any]) -> str:
    """The joined summary texts of a finished reasoning item."""
    return "".join(
        s.get("text", "")
        for s in json_array(item.get("summary"))
        if isinstance(s, dict) and isinstance(s.get("text"), str)
    )


def reasoning_replay(item: dict[str, Any], blob: str) -> dict[str, Any]:
    """A reasoning item with encrypted content as it is sent back later:
    `{type, id, summary, encrypted_content}`."""
    replay: dict[str, Any] = {"type": "reasoning", "id": item.get("id")}
    summary = item.get("summary")
    replay["summary"] = summary if isinstance(summary, list) else []
    replay["encrypted_content"] = blob
    return replay


def flatten_error(payload: dict[str, Any]) -> dict[str, Any]:
    """A nested `{"error":{...}}` or flat `{"code","error"}` frame as an `error` event."""
    err = payload.get("error")
    if isinstance(err, dict):
        return {
            "type": "error",
            "code": err.get("code") or err.get("type"),
            "message": err.get("message"),
        }
    return {"type": "error", "code": payload.get("code"), "message": err}
