"""The help screen: every key binding as currently mapped, plus usage notes.

`HelpScreen(bindings=None)` is a `ModalScreen[None]` (F1 / `?`; Esc or q
closes it).

- `bindings`: binding id -> keys in force (as `keymap.effective_keys(keymap)`
  returns). None reads the app's keymap (`App.set_keymap`, which is how the
  user's `[keys]` table is applied), so remapped keys show.
- Rows are grouped by scope (Anywhere / Chat / Prompt) in the order of
  `keymap.DEFAULT_BINDINGS`; several keys of one binding are joined with " / ".
- Notes below cover the multiline prompt keys, the tool log and search panes,
  and the demo backend, naming the keys in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from grok_tui.sanitize import one_line
from grok_tui.ui.keymap import DEFAULT_BINDINGS, effective_keys, normalize_keys

GROUP_TITLES = {"app": "Anywhere", "chat": "Chat", "prompt": "Prompt"}

_KEY_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "space": "Space",
    "backspace": "Backspace",
    "delete": "Del",
    "question_mark": "?",
    "equals_sign": "=",
    "minus": "-",
    "plus": "+",
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "insert": "Ins",
}


def key_label(key: str) -> str:
    """`ctrl+shift+y` -> `Ctrl+Shift+Y`, `f1` -> `F1`, `question_mark` -> `?`."""
    *mods, last = key.strip().split("+")
    if last in _KEY_NAMES:
        name = _KEY_NAMES[last]
    elif len(last) == 1:
        name = last.upper()
    elif last[:1] == "f" and last[1:].isdigit():
        name = last.upper()
    else:
        name = last.replace("_", " ").capitalize()
    return "+".join([*(m.capitalize() for m in mods), name])


def keys_label(keys: str) -> str:
    """All keys of a binding: `f4,ctrl+b` -> `F4 / Ctrl+B`."""
    try:
        normalized = normalize_keys(keys)
    except Exception:
        normalized = keys
    return " / ".join(key_label(k) for k in normalized.split(",") if k.strip())


def help_rows(bindings: Mapping[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Group title -> [(keys label, description)] in the table's order."""
    groups: dict[str, list[tuple[str, str]]] = {title: [] for title in GROUP_TITLES.values()}
    for bid, spec in DEFAULT_BINDINGS.items():
        keys = bindings.get(bid, spec.keys)
        label = keys_label(keys) if keys else "(unbound)"
        groups[GROUP_TITLES.get(spec.scope, spec.scope)].append((label, spec.description))
    return {title: rows for title, rows in groups.items() if rows}


def usage_notes(bindings: Mapping[str, str]) -> list[str]:
    def keys(bid: str) -> str:
        spec = DEFAULT_BINDINGS.get(bid)
        return keys_label(bindings.get(bid, spec.keys if spec else "")) if spec else "?"

    return [
        f"Prompt: {keys('chat.send')} sends; {keys('chat.newline')} inserts a new line "
        "(Shift+Enter only in terminals that report it, e.g. with the Kitty keyboard protocol).",
        "Prompt history: Up on the first line recalls what you sent, also in earlier runs; "
        "with text typed, only prompts starting with it (Down returns to your text). "
        "history_size in config.toml (0: none kept on disk); palette: Prompt history: clear.",
        f"{keys('chat.cancel')} stops a reply; the text so far is kept.",
        "Drag the mouse over messages to select text (double-click: a whole reply), "
        "Ctrl+C copies it (via the terminal, OSC 52); Shift+drag gives most "
        "terminals' own selection.",
        f"Tool log ({keys('pane.toggle_tool_log')}): one row per search or tool call; "
        "Up/Down select a row, Enter expands it to the full arguments and sources, "
        "the highlighted code with each phase's time and its output, an MCP call's "
        "output or error, a collection search's results.",
        f"Tools pane ({keys('pane.toggle_search')}): turn web and X search on, "
        "narrow them by domains, handles and dates; switch code execution on; tick "
        "the MCP servers of config.toml; add collection ids (at most 10). The status "
        "bar names every tool that is on.",
        "MCP servers go in config.toml: [[mcp]] with label, url, optional "
        "description and allowed_tools, and token_env = \"VAR\" (or token = \"...\", "
        "the file then kept private). Tokens are never shown or saved. "
        "[collections] \"collection_id\" = \"name\" names your collections.",
        "Attach (Ctrl+T) takes images and documents (PDF, text, Markdown, source; "
        "48 MiB): documents are uploaded when you send and stay linked to the session.",
        "Demo backend: `grok-tui --demo` (or no API key) answers from a built-in fake "
        "server, marked DEMO in the status bar; no key or network needed.",
        "Keys can be remapped in config.toml under [keys] (binding id = \"keys\").",
    ]


class HelpScreen(ModalScreen[None]):
    """Key bindings in force and usage notes (see the module docstring)."""

    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text(encoding="utf-8")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
    ]

    def __init__(self, bindings: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self._given = bindings

    def keys_in_force(self) -> dict[str, str]:
        if self._given is not None:
            return effective_keys(dict(self._given))
        keymap = getattr(self.app, "_keymap", {}) or {}
        return effective_keys(dict(keymap))

    def compose(self) -> ComposeResult:
        bindings = self.keys_in_force()
        rows = help_rows(bindings)
        width = max((len(label) for group in rows.values() for label, _ in group), default=0)
        with Vertical(id="dialog"):
            yield Static(Content("Keys and help"), id="title")
            with VerticalScroll(id="body"):
                for title, group in rows.items():
                    yield Static(Content(title), classes="group")
                    lines = [
                        Content.assemble((one_line(label).ljust(width), "bold"), "   ", one_line(desc))
                        for label, desc in group
                    ]
                    yield Static(Content("\n").join(lines), classes="keys")
                yield Static(
                    Content("\n").join(Content(f"• {note}") for note in usage_notes(bindings)),
                    id="notes",
                )
            yield Static(Content("Esc or q closes"), id="hint")

    def action_close(self) -> None:
        self.dismiss(None)
