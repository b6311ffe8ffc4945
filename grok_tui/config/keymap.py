"""Every key binding of grok-tui, with a stable id the user can remap.

`DEFAULT_BINDINGS` is the table: binding id -> default keys, the action the
binding runs, where it lives (`scope`), a description and whether the footer
shows it. `grok_tui.ui.bindings` turns them into Textual `Binding`s for the widgets'
`BINDINGS`; the app applies the user's `[keys]` table with
`App.set_keymap(settings.keys)`, which Textual matches by binding id.

Choice of defaults: they work in terminals without the Kitty keyboard
protocol (Ctrl+Shift+letter and Shift+Enter only exist there, so they are never
the only binding), and they do not take keys the prompt (`TextArea`) already
uses: Ctrl+A/E/K/U/W/D/Y/Z/X/C/V, Ctrl+Left/Right and F6/F7 keep their editing
meaning (`consumed_key_warnings` reports a `[keys]` remap onto one of them).
The exception is PageUp/PageDown, priority bindings of the prompt that
scroll the conversation. Alt+letter is sent as ESC+letter by every xterm-like
terminal (on macOS enable "Use Option as Meta key"); Textual reads it as a
printable key, and `textual_fixes` keeps text widgets from typing it, so it
reaches these bindings from the prompt and every input.

This module is part of the configuration and never imports Textual:
`keymap_from_config` runs while settings load, before the app starts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Scope = Literal["app", "chat", "prompt", "conversation"]


@dataclass(frozen=True)
class BindingSpec:
    id: str
    keys: str
    action: str
    scope: Scope
    description: str
    show: bool = True
    priority: bool = False


def _spec(
    id: str,
    keys: str,
    action: str,
    scope: Scope,
    description: str,
    *,
    show: bool = True,
    priority: bool = False,
) -> BindingSpec:
    return BindingSpec(id, keys, action, scope, description, show, priority)


#: The app's bindings. Scopes: "app" (GrokApp.BINDINGS), "chat" (the chat
#: screen), "prompt" (the prompt TextArea: these must beat its own handling),
#: "conversation" (the conversation while it has focus: they act on the
#: highlighted message).
DEFAULT_BINDINGS: dict[str, BindingSpec] = {
    s.id: s
    for s in (
        _spec("app.quit", "ctrl+q", "quit", "app", "Quit", priority=True),
        _spec("app.help", "f1,question_mark", "help", "app", "Help"),
        _spec("app.command_palette", "ctrl+p", "command_palette", "app", "Commands", priority=True),
        _spec("app.theme", "f5", "pick_theme", "app", "Theme", show=False),
        _spec("chat.send", "enter", "send", "prompt", "Send", priority=True),
        _spec(
            "chat.newline",
            "shift+enter,ctrl+j",
            "newline",
            "prompt",
            "Newline",
            show=False,
            priority=True,
        ),
        _spec("chat.cancel", "escape", "cancel", "chat", "Stop"),
        # Cancels only while documents upload; otherwise the action copies
        # (the screen's selection, else the key goes on to the prompt's copy).
        _spec(
            "chat.cancel_upload",
            "ctrl+c",
            "cancel_upload",
            "chat",
            "Cancel an upload (otherwise: copy)",
            show=False,
            priority=True,
        ),
        _spec("chat.new", "ctrl+n", "new_chat", "chat", "New chat"),
        _spec("chat.regenerate", "ctrl+r", "regenerate", "chat", "Regenerate", show=False),
        _spec("chat.edit_last", "ctrl+l,alt+e", "edit_last", "chat", "Edit last", show=False),
        _spec("chat.copy_message", "alt+y", "copy_message", "chat", "Copy reply", show=False),
        _spec("chat.copy_code", "alt+c,ctrl+shift+y", "copy_code", "chat", "Copy code", show=False),
        _spec("chat.model", "ctrl+o", "pick_model", "chat", "Model"),
        _spec("chat.system_prompt", "ctrl+s", "system_prompt", "chat", "System prompt", show=False),
        _spec("chat.attach", "ctrl+t,alt+a", "attach", "chat", "Attach", show=False),
        _spec(
            "chat.clear_attachments",
            "alt+x",
            "clear_attachments",
            "chat",
            "Clear attachments",
            show=False,
        ),
        _spec("chat.api_key", "alt+k", "api_key", "chat", "API key", show=False),
        _spec(
            "chat.toggle_reasoning",
            "alt+r",
            "toggle_reasoning",
            "chat",
            "Show/hide the reasoning of a reply",
            show=False,
        ),
        # The prompt's own PageUp/PageDown only move its cursor (it is rarely
        # taller than a few lines): in a chat they scroll the conversation.
        _spec(
            "chat.page_up",
            "pageup",
            "screen.scroll_conversation('page_up')",
            "prompt",
            "Conversation: page up",
            show=False,
            priority=True,
        ),
        _spec(
            "chat.page_down",
            "pagedown",
            "screen.scroll_conversation('page_down')",
            "prompt",
            "Conversation: page down (at the end: follow)",
            show=False,
            priority=True,
        ),
        _spec(
            "chat.scroll_top",
            "ctrl+home",
            "scroll_conversation('top')",
            "chat",
            "Conversation: first message",
            show=False,
        ),
        _spec(
            "chat.follow",
            "ctrl+end",
            "scroll_conversation('bottom')",
            "chat",
            "Conversation: end, follow the reply",
            show=False,
        ),
        # Versions and branches. Alt+punctuation is not readable (Textual
        # reports ESC , as a plain comma and ESC [ starts an escape sequence),
        # so from the prompt they are Alt+letters.
        _spec(
            "chat.previous_version",
            "alt+p",
            "step_last_reply(-1)",
            "chat",
            "Last reply: previous version",
            show=False,
        ),
        _spec(
            "chat.next_version",
            "alt+n",
            "step_last_reply(1)",
            "chat",
            "Last reply: next version",
            show=False,
        ),
        _spec(
            "branch.previous",
            "left,left_square_bracket",
            "screen.step_branch(-1)",
            "conversation",
            "Highlighted message: previous version or branch",
            show=False,
        ),
        _spec(
            "branch.next",
            "right,right_square_bracket",
            "screen.step_branch(1)",
            "conversation",
            "Highlighted message: next version or branch",
            show=False,
        ),
        _spec(
            "branch.edit",
            "e",
            "screen.edit_highlighted",
            "conversation",
            "Edit the highlighted message of yours (sending forks there)",
            show=False,
        ),
        _spec(
            "branch.delete",
            "d,delete",
            "screen.delete_highlighted",
            "conversation",
            "Delete the highlighted version or branch (asks first)",
            show=False,
        ),
        _spec("pane.toggle_tool_log", "f2", "toggle_tool_log", "chat", "Tool log"),
        _spec("pane.toggle_search", "f3", "toggle_search", "chat", "Search"),
        # Not alt+=/alt+-: Textual reads ESC = and ESC - as macOS Option characters.
        _spec("pane.grow", "alt+right", "grow_pane", "chat", "Wider pane", show=False),
        _spec("pane.shrink", "alt+left", "shrink_pane", "chat", "Narrower pane", show=False),
        _spec("sessions.browser", "f4,ctrl+b", "sessions", "chat", "Sessions"),
    )
}

_MODIFIERS = ("ctrl", "alt", "shift", "super", "meta", "hyper")
_NAMED_KEYS = frozenset(
    {
        "escape",
        "enter",
        "return",
        "tab",
        "space",
        "backspace",
        "delete",
        "insert",
        "home",
        "end",
        "pageup",
        "pagedown",
        "up",
        "down",
        "left",
        "right",
        # Textual's short names for some characters.
        "slash",
        "backslash",
        "at",
        "minus",
        "plus",
        "underscore",
        "left_square_bracket",
        "right_square_bracket",
    }
    | {f"f{n}" for n in range(1, 25)}
)
_NAME_RE = re.compile(r"^[a-z0-9_]+$")


def _valid_key_name(name: str) -> bool:
    if len(name) == 1:
        return name.isprintable() and not name.isspace()
    if name in _NAMED_KEYS:
        return True
    if not _NAME_RE.match(name):
        return False
    try:
        unicodedata.lookup(name.replace("_", " "))
    except KeyError:
        # "hyphen_minus" style names: try the dashed variant.
        try:
            unicodedata.lookup(name.replace("_", "-"))
        except KeyError:
            return False
    return True


def check_key(key: str) -> str | None:
    """None when `key` ("ctrl+s", "f2", "question_mark", "?") is a key Textual can bind; else why not."""
    text = key.strip()
    if not text:
        return "an empty key"
    if text == "+":
        return None
    parts = text.split("+")
    *mods, name = parts
    for mod in mods:
        if mod.lower() not in _MODIFIERS:
            return f"unknown modifier {mod!r} (use {', '.join(_MODIFIERS)})"
    if not name:
        return "an empty key name after '+'"
    if len(name) != 1:
        name = name.lower()
    if not _valid_key_name(name):
        return f"unknown key name {name!r}"
    return None


def normalize_keys(keys: str) -> str:
    """ "ctrl+S, ?" -> "ctrl+s,question_mark" (Textual's long form, without importing it)."""
    out: list[str] = []
    for raw in keys.split(","):
        key = raw.strip()
        if not key:
            continue
        *mods, name = key.split("+") if key != "+" else ["+"]
        mods = [m.lower() for m in mods]
        if len(name) == 1:
            if mods and name.isalpha():
                name = name.lower()
            elif not name.isalnum():
                uname = unicodedata.name(name, name).lower().replace("-", "_").replace(" ", "_")
                name = {
                    "solidus": "slash",
                    "reverse_solidus": "backslash",
                    "commercial_at": "at",
                    "hyphen_minus": "minus",
                    "plus_sign": "plus",
                    "low_line": "underscore",
                }.get(uname, uname)
        else:
            name = name.lower()
        out.append("+".join([*mods, name]))
    return ",".join(dict.fromkeys(out))


def keymap_from_config(keys: Mapping[str, object]) -> tuple[dict[str, str], list[str]]:
    """Validate a `[keys]` table: known ids and valid key strings (or lists of them).

    Returns the keymap for `App.set_keymap` (only the valid entries,
    normalized) and one warning per problem; a bad entry keeps its default.
    """
    keymap: dict[str, str] = {}
    warnings: list[str] = []
    for binding_id, value in keys.items():
        if binding_id not in DEFAULT_BINDINGS:
            close = [b for b in DEFAULT_BINDINGS if b.split(".")[-1] == binding_id.split(".")[-1]]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            warnings.append(f"keys: unknown binding id {binding_id!r}{hint}; ignored")
            continue
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if not isinstance(value, str):
            warnings.append(
                f"keys.{binding_id} = {value!r} is not allowed (expected a key string such as "
                f'"ctrl+s" or "f2,ctrl+t"); keeping {DEFAULT_BINDINGS[binding_id].keys!r}'
            )
            continue
        parts = [p for p in value.split(",")] if value.strip() != "," else [","]
        problems = [f"{p.strip()!r}: {why}" for p in parts if (why := check_key(p)) is not None]
        if problems:
            warnings.append(
                f"keys.{binding_id} = {value!r} is not allowed ({'; '.join(problems)}); "
                f"keeping {DEFAULT_BINDINGS[binding_id].keys!r}"
            )
            continue
        keymap[binding_id] = normalize_keys(value)
    warnings.extend(_clashes(keymap))
    return keymap, warnings


def _clashes(keymap: Mapping[str, str]) -> list[str]:
    """Two bindings of the same scope on one key: only one of them would run."""
    effective = {bid: keymap.get(bid, spec.keys) for bid, spec in DEFAULT_BINDINGS.items()}
    owner: dict[tuple[str, str], str] = {}
    out: list[str] = []
    for bid, keystr in effective.items():
        scope = DEFAULT_BINDINGS[bid].scope
        for key in normalize_keys(keystr).split(","):
            other = owner.get((scope, key))
            if other is not None and (bid in keymap or other in keymap):
                out.append(f"keys: {key!r} is bound to both {other!r} and {bid!r}")
            owner.setdefault((scope, key), bid)
    return out


def effective_keys(keymap: Mapping[str, str] | None = None) -> dict[str, str]:
    """Binding id -> keys in force (defaults overlaid with `keymap`), for help screens."""
    keymap = keymap or {}
    return {bid: keymap.get(bid, spec.keys) for bid, spec in DEFAULT_BINDINGS.items()}


#: How keys are shown to people (help, footer hints, the welcome).
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
    "left_square_bracket": "[",
    "right_square_bracket": "]",
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
        # A plain letter is typed as is ("e"); with a modifier, shown as Alt+E.
        name = last if not mods and last.isalpha() else last.upper()
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
