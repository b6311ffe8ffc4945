"""The help screen: every key binding as currently mapped, plus usage notes.

`HelpScreen(bindings=None)` is a `ModalScreen[None]` (F1 / `?`; Esc or q
closes it).

- `bindings`: binding id -> keys in force (as `keymap.effective_keys(keymap)`
  returns). None reads the app's keymap (`App.set_keymap`, which is how the
  user's `[keys]` table is applied), so remapped keys show.
- Rows are grouped by scope (Anywhere / Chat / Prompt / Conversation) in the order of
  `keymap.DEFAULT_BINDINGS`: keys (several joined with " / "), the binding's
  id (the name to use under `[keys]` in config.toml) and what it does.
- Notes below cover the multiline prompt keys, the tool log and search panes,
  and the demo backend, naming the keys in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from grok_tui.config.keymap import DEFAULT_BINDINGS, effective_keys, keys_label
from grok_tui.sanitize import one_line
from grok_tui.ui.stylesheets import stylesheet

GROUP_TITLES = {
    "app": "Anywhere",
    "chat": "Chat",
    "prompt": "Prompt",
    "conversation": "Conversation (Shift+Tab from the prompt gives it the focus)",
}


def help_rows(bindings: Mapping[str, str]) -> dict[str, list[tuple[str, str, str]]]:
    """Group title -> [(keys label, description, binding id)] in the table's order."""
    groups: dict[str, list[tuple[str, str, str]]] = {title: [] for title in GROUP_TITLES.values()}
    for bid, spec in DEFAULT_BINDINGS.items():
        keys = bindings.get(bid, spec.keys)
        label = keys_label(keys) if keys else "(unbound)"
        groups[GROUP_TITLES.get(spec.scope, spec.scope)].append((label, spec.description, bid))
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
        f"{keys('chat.cancel')} stops a reply; the text so far is kept. Otherwise it brings "
        "the focus back to the prompt from any pane (conversation, tool log, search form).",
        f"{keys('chat.edit_last')} loads your last message into the prompt to edit it; "
        f"nothing changes until {keys('chat.send')} sends the edit as a new branch (the "
        "original message and its reply are kept in the session); "
        f"{keys('chat.cancel')} cancels and gives back what you had typed.",
        f"Versions: {keys('chat.regenerate')} adds one beside the old reply (‹ 2/2 ›); "
        f"{keys('chat.previous_version')} / {keys('chat.next_version')} step the last reply's "
        f"versions. In the conversation, {keys('branch.previous')} / "
        f"{keys('branch.next')} step the highlighted reply's versions or the "
        f"highlighted message's branches, {keys('branch.edit')} edits a message of yours "
        f"(sending forks there), {keys('branch.delete')} deletes a version or branch "
        "(asks first). What is shown is what the next request sends.",
        f"{keys('chat.page_up')} / {keys('chat.page_down')} scroll the conversation from the "
        f"prompt; {keys('chat.scroll_top')} goes to its top, {keys('chat.follow')} to its end "
        "and follows the streaming reply again.",
        "Shift+Tab moves the focus to the conversation: Up/Down (or k/j) highlight a message, "
        "Home/End the first/last (End follows the streaming reply again), r shows or hides "
        f"its reasoning (also {keys('chat.toggle_reasoning')} from the prompt); copy keys act "
        "on the highlighted message.",
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
        "bar names every tool that is on. A setting the model or API refuses is greyed "
        "out or noted, never sent silently.",
        "MCP servers go in config.toml: [[mcp]] with label, url, optional "
        'description and allowed_tools, and token_env = "VAR" (or token = "...", '
        "the file then kept private). Tokens are never shown or saved. "
        '[collections] "collection_id" = "name" names your collections.',
        f"Attach ({keys('chat.attach')}) takes images and documents (PDF, text, Markdown, "
        "source; 48 MiB): documents are uploaded when you send (a bar shows the bytes sent; "
        "Esc or Ctrl+C cancels, nothing is sent) and stay linked to the session. Deleting "
        "the session (F8 in the browser) offers to delete them on the server too. A "
        "document the server no longer has (deleted, expired) is uploaded again from the "
        "copy kept with the session when a turn needs it; with no copy left, attach it "
        "again.",
        "Privacy: requests say store: false unless store_responses = true in config.toml; "
        "a cost marked ≈ is estimated from the model's prices (the server sent none).",
        "Demo backend: `grok-tui --demo` (or no API key) answers from a built-in fake "
        "server, marked DEMO in the status bar; no key or network needed. With web or X "
        "search on, every demo reply is a searched one (tool log rows, cited sources).",
        'Keys can be remapped in config.toml under [keys] (binding id = "keys", the ids '
        "in the middle column); a key the prompt or an input takes for itself is "
        "reported at start.",
    ]


class HelpScreen(ModalScreen[None]):
    """Key bindings in force and usage notes (see the module docstring)."""

    DEFAULT_CSS = stylesheet(__file__)

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
        width = max((len(label) for group in rows.values() for label, _, _ in group), default=0)
        id_width = max((len(bid) for group in rows.values() for _, _, bid in group), default=0)
        with Vertical(id="dialog"):
            yield Static(Content("Keys and help"), id="title")
            with VerticalScroll(id="body"):
                for title, group in rows.items():
                    yield Static(Content(title), classes="group")
                    lines = [
                        Content.assemble(
                            (one_line(label).ljust(width), "bold"),
                            "  ",
                            (bid.ljust(id_width), "dim"),
                            "  ",
                            one_line(desc),
                        )
                        for label, desc, bid in group
                    ]
                    yield Static(Content("\n").join(lines), classes="keys")
                yield Static(
                    Content("\n").join(Content(f"• {note}") for note in usage_notes(bindings)),
                    id="notes",
                )
            yield Static(Content("Esc or q closes"), id="hint")

    def action_close(self) -> None:
        self.dismiss(None)
