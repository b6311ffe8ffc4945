"""How a session looks in the browser: table cells, the detail, the heading
and the key hints. No widgets here; every function returns `Text`/`Content`.

Titles, first lines, snippets, models, reasons and paths come from disk and
are untrusted: they go through `one_line` (controls and escape sequences
removed, one line, cut) and into `Text(...)` / `Content(...)` as plain
strings, never parsed as markup. The table cells are Rich `Text` (what the
`DataTable` renders without a conversion); the rest is Textual `Content`.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.content import Content

from grok_tui.chat.formatting import format_cost, format_tokens, format_when
from grok_tui.sanitize import one_line
from grok_tui.store import SessionSummary
from grok_tui.ui.screens.session_browser.model import (
    Mode,
    SessionRows,
    SortKey,
    empty_text,
    heading_text,
    query_words,
    sort_label,
)

#: (key, label) of the table's columns, left to right.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("title", "Title"),
    ("model", "Model"),
    ("when", "Activity"),
    ("count", "Msgs"),
    ("cost", "Cost"),
    ("line", "First line"),
)

SESSION_KEYS: tuple[tuple[str, str], ...] = (
    ("Enter", "open"),
    ("Esc", "back"),
    ("F2", "rename"),
    ("F8", "delete"),
    ("Alt+C", "duplicate"),
    ("F6", "export"),
    ("F7", "import"),
    ("F3", "sort"),
    ("F9", "trash"),
    ("↑↓/PgUp/PgDn", "move"),
    ("Ctrl+P", "commands"),
)
TRASH_KEYS: tuple[tuple[str, str], ...] = (
    ("F8", "restore"),
    ("Alt+E", "empty trash"),
    ("F9/Esc", "back to sessions"),
    ("F3", "sort"),
    ("↑↓/PgUp/PgDn", "move"),
    ("Ctrl+P", "commands"),
)


def column_widths(total: int) -> dict[str, int]:
    """Column widths (without the table's 1-cell padding each side) for a
    table `total` cells wide: fixed model/time/count/cost columns, the title
    gets ~40% of what is left, the first line the rest. The cost column fits
    `≈$0.0163` and `≈$12.34` (wider ones, from $1,000, end in `…`)."""
    padding = 2 * len(COLUMNS)
    model = 12 if total >= 100 else 9
    when = 11
    count = 4
    cost = 9 if total >= 100 else 8
    rest = max(20, total - padding - model - when - count - cost - 1)
    title = max(12, min(60, int(rest * 0.42)))
    line = max(8, rest - title)
    return {
        "title": title,
        "model": model,
        "when": when,
        "count": count,
        "cost": cost,
        "line": line,
    }


def cost_text(s: SessionSummary) -> str:
    """What every reply of the session cost, as the status bar writes a
    cost (`$0.0123`, `≈$0.12` when part of it is estimated, `–` unknown)."""
    return format_cost(s.cost_usd, estimated=s.cost_estimated)


#: What a search hit's row and detail say when the match is only on a branch
#: other than the chosen one (opening it shows that branch).
ON_ANOTHER_BRANCH = "on another branch"


def branch_label(s: SessionSummary) -> str:
    """ "3 branches" for a session with alternatives, else ""."""
    return f"{s.branch_count} branches" if s.branch_count > 1 else ""


def line_label(mode: Mode, words: list[str]) -> str:
    """The last column's header: the match snippet while filtering sessions."""
    return "Match" if words and mode == "sessions" else "First line"


def _word_pattern(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")", re.IGNORECASE)


def highlight(text: str, words: list[str], base: str = "", mark: str = "bold reverse") -> Text:
    """`text` as a plain `Text` with every word starting with one of `words` marked."""
    out = Text(text, style=base, no_wrap=True, overflow="ellipsis")
    if words:
        out.highlight_regex(_word_pattern(words), style=mark)
    return out


def focus_snippet(snippet: str, words: list[str], width: int) -> str:
    """`snippet` cut at the front so its first match shows in `width` cells."""
    if not words or width <= 8:
        return snippet
    m = _word_pattern(words).search(snippet)
    if m is None or m.end() <= width - 2:
        return snippet
    start = max(0, m.start() - width // 4)
    return "…" + snippet[start:].lstrip("…")


def row_cells(
    s: SessionSummary, words: list[str], *, current: bool, line_width: int
) -> tuple[Text, ...]:
    """The cells of a row (`COLUMNS` order). `current`: the session open
    in the chat (marked ●); `line_width`: the last column's width, to bring
    the first match of a snippet into view."""
    if s.damaged is not None:
        title = Text(
            "⚠ " + one_line(s.title, 200), style="bold red", no_wrap=True, overflow="ellipsis"
        )
        line = Text(
            f"damaged: {one_line(s.damaged, 300)}", style="red", no_wrap=True, overflow="ellipsis"
        )
    else:
        label = ("● " if current else "") + (one_line(s.title, 200) or "Untitled")
        title = highlight(label, words, base="bold" if current else "")
        snippet = one_line(s.snippet, 300) if words else ""
        if snippet:
            lead = ""
            if s.hit_message_id:  # shorter in a narrow column, so the match shows
                lead = "other branch: " if line_width < 40 else ON_ANOTHER_BRANCH + ": "
            snippet = focus_snippet(snippet, words, line_width - len(lead))
            line = highlight(snippet, words, base="italic")
        else:
            lead = f"{branch_label(s)} · " if branch_label(s) else ""
            line = highlight(one_line(s.first_line, 300), words, base="dim")
        if lead:
            line = Text.assemble((lead, "bold"), line, no_wrap=True, overflow="ellipsis")
    return (
        title,
        Text(one_line(s.model, 100), style="dim", no_wrap=True, overflow="ellipsis"),
        Text(format_when(s.updated_at), no_wrap=True),
        Text(str(s.message_count), justify="right", no_wrap=True),
        Text(
            "" if s.damaged is not None else cost_text(s),
            style="dim" if s.cost_usd is None else "",
            justify="right",
            no_wrap=True,
            overflow="ellipsis",
        ),
        line,
    )


def detail_content(s: SessionSummary | None, mode: Mode, query: str) -> Content:
    """The three lines under the table about the highlighted session."""
    if s is None:
        return Content(empty_text(mode, query))
    if s.damaged is not None:
        return Content.assemble(
            ("Damaged file: ", "bold $text-error"),
            one_line(str(s.path), 300),
            "\n",
            (one_line(s.damaged, 400), "$text-error"),
            "\n",
            ("It cannot be opened and is left as it is.", "$text-muted"),
        )
    created = format_when(s.created_at)
    spent = (
        f"cost {cost_text(s)}" + (f" ({format_tokens(s.tokens)} tokens)" if s.tokens else "")
        if s.cost_usd is not None or s.tokens
        else "no cost reported"
    )
    branches = f" · {branch_label(s)}" if branch_label(s) else ""
    meta = (
        f"{one_line(s.model, 80)} · {s.message_count} message"
        f"{'s' if s.message_count != 1 else ''}{branches} · {spent} · created {created} · "
        f"last activity {format_when(s.updated_at)} · id {s.id}"
    )
    words = query_words(query)
    hit = bool(words and s.snippet)
    line = one_line(s.snippet, 400) if hit else one_line(s.first_line, 400)
    where: tuple[str, str] | str = ""
    if hit and s.hit_message_id:
        where = ("Found " + ON_ANOTHER_BRANCH + " (Enter opens it there): ", "bold")
    return Content.assemble(
        (one_line(s.title, 200) or "Untitled", "bold"),
        "\n",
        (meta, "$text-muted"),
        "\n",
        where,
        line,
    )


def heading_content(rows: SessionRows, mode: Mode, query: str, sort: SortKey) -> Content:
    return Content.assemble(
        (heading_text(rows, mode, query), "bold"),
        (f" · sorted by {sort_label(sort)}", "$text-muted"),
    )


def keys_content(mode: Mode) -> Content:
    """The key hints (no-break spaces keep a key and its meaning on one line,
    so they wrap in whole hints and all stay visible at 80 columns)."""
    keys = TRASH_KEYS if mode == "trash" else SESSION_KEYS
    parts: list[str | tuple[str, str]] = []
    for i, (key, what) in enumerate(keys):
        if i:
            parts.append("   ")
        parts.append((key.replace(" ", "\u00a0"), "bold $text-accent"))
        parts.append("\u00a0" + what.replace(" ", "\u00a0"))
    return Content.assemble(*parts)


def message_content(text: str) -> Content:
    """A status message (may quote titles and paths): one clean line."""
    return Content(one_line(text, 600))
