"""The empty conversation's welcome: what this is and the five keys that matter.

Keys are read from the bindings in force (`keymap.effective_keys` over the
app's keymap), so a remapped key shows as remapped. In the demo the fifth key
is the one that enters an API key; otherwise the session browser.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import RenderResult
from textual.content import Content
from textual.widget import Widget

from grok_tui.config.keymap import effective_keys
from grok_tui.ui.stylesheets import stylesheet


def _first_key(bindings: Mapping[str, str], binding_id: str) -> str:
    from grok_tui.config.keymap import keys_label

    keys = bindings.get(binding_id, "")
    return keys_label(keys).split(" / ")[0] if keys else "(unbound)"


def _newline_key(bindings: Mapping[str, str]) -> str:
    """The new-line key every terminal can send (Shift+Enter needs the Kitty protocol)."""
    from grok_tui.config.keymap import key_label

    keys = [k for k in bindings.get("chat.newline", "").split(",") if k.strip()]
    plain = [k for k in keys if k.strip() != "shift+enter"]
    return key_label((plain or keys or ["ctrl+j"])[0])


def welcome_rows(bindings: Mapping[str, str], *, demo: bool) -> list[tuple[str, str]]:
    """(key label, what it does) for the welcome, in order."""
    rows = [
        (
            _first_key(bindings, "chat.send"),
            f"send your message ({_newline_key(bindings)}: new line)",
        ),
        (_first_key(bindings, "app.help"), "help: every key and how things work"),
        (_first_key(bindings, "app.command_palette"), "commands: model, theme, export, …"),
        (_first_key(bindings, "pane.toggle_search"), "web and X search on or off, with filters"),
    ]
    if demo:
        rows.append((_first_key(bindings, "chat.api_key"), "enter an xAI API key to talk to Grok"))
    else:
        rows.append((_first_key(bindings, "sessions.browser"), "saved chats: open, search, export"))
    return rows


def welcome_content(bindings: Mapping[str, str], *, demo: bool) -> Content:
    rows = welcome_rows(bindings, demo=demo)
    width = max(len(key) for key, _ in rows)
    title = "grok-tui: chat with Grok" + (" (demo: offline, canned replies)" if demo else "")
    lines = [Content.assemble((title, "bold")), Content("")]
    lines += [Content.assemble((key.rjust(width), "bold"), "  ", what) for key, what in rows]
    return Content("\n").join(lines)


class Welcome(Widget):
    """Shown in the conversation while it has no messages."""

    DEFAULT_CSS = stylesheet(__file__)

    def render(self) -> RenderResult:
        keymap = getattr(self.app, "_keymap", {}) or {}
        backend = getattr(self.app, "backend", None)
        demo = bool(getattr(backend, "demo", False))
        return welcome_content(effective_keys(dict(keymap)), demo=demo)
