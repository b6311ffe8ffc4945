"""Search over every branch of a session, and saying where a hit is.

The index searches one text per session (`body`): the chosen path's message
texts, then every off-path message's text (other versions and branches),
joined by newlines. Beside it, the index keeps where each off-path message's
text is in that body (`spans`: message id, start, stop), so a hit can say
which branch holds it: `locate_hit` reports the off-path message when some
query word is found neither in the title nor on the chosen path but in that
message (the session then opens on its branch), and None when the chosen
path holds the whole match.

Matching follows the index's (FTS5 prefix) match as far as plain text can:
a word counts where a word of the text starts with it, ignoring case. Where
the two disagree (a match only through diacritics or token rules), the hit
is taken to be on the chosen path: never a branch switch that finds nothing.

No Textual, no I/O.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from grok_tui.sanitize import fix_surrogates

Span = tuple[str, int, int]


def searched_text(
    path: Sequence[dict[str, Any]], off_path: Sequence[dict[str, Any]]
) -> tuple[str, tuple[Span, ...]]:
    """The body the index searches (path texts, then off-path texts, one per
    line; surrogates resolved) and where each off-path message's text is in it."""
    texts = [fix_surrogates(str(m.get("text") or "")) for m in path]
    spans: list[Span] = []
    offset = sum(len(t) for t in texts) + len(texts)  # each text and its newline
    for m in off_path:
        text = fix_surrogates(str(m.get("text") or ""))
        texts.append(text)
        spans.append((str(m.get("id") or ""), offset, offset + len(text)))
        offset += len(text) + 1
    return "\n".join(texts), tuple(spans)


def leaf_count(path: Sequence[dict[str, Any]], off_path: Sequence[dict[str, Any]]) -> int:
    """`tree.branch_count` of a session document: its leaves (the path is
    chained by position, whatever its `parent_id`s say, as validation does)."""
    parents = {str(m.get("id")) for m in path[:-1]}
    parents.update(str(m["parent_id"]) for m in off_path if m.get("parent_id") is not None)
    return sum(1 for m in [*path, *off_path] if str(m.get("id")) not in parents)


def encode_spans(spans: Iterable[Span]) -> str:
    return json.dumps([list(s) for s in spans], separators=(",", ":"))


def decode_spans(text: str) -> tuple[Span, ...]:
    """Spans from the index; nothing for a damaged value (it is only a cache)."""
    try:
        data = json.loads(text)
        return tuple((str(m), int(a), int(b)) for m, a, b in data)
    except (ValueError, TypeError):
        return ()


def _word(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(word), re.IGNORECASE)


def locate_hit(
    title: str, body: str, spans: Sequence[Span], words: Sequence[str]
) -> tuple[str, str] | None:
    """(off-path message id, its text) when the hit needs a
    message off the chosen path (see the module docstring); None otherwise."""
    if not spans or not words:
        return None
    path_end = min(start for _id, start, _stop in spans)
    on_path = f"{title}\n{body[: max(0, path_end - 1)]}"
    patterns = [_word(w) for w in words]
    missing = [p for p in patterns if not p.search(on_path)]
    if not missing:
        return None
    best: tuple[int, str, str] | None = None
    for message_id, start, stop in spans:
        text = body[start:stop]
        found = sum(1 for p in missing if p.search(text))
        if found and (best is None or found > best[0]):
            best = (found, message_id, text)
    return None if best is None else (best[1], best[2])
