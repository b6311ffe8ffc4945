"""Key bindings: the default table, validation of `[keys]`, remapping through App.set_keymap."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.keys import Keys, _normalize_key_list
from textual.widgets import Static, TextArea

from grok_tui.config.keymap import (
    DEFAULT_BINDINGS,
    check_key,
    effective_keys,
    keymap_from_config,
    normalize_keys,
)
from grok_tui.ui.bindings import binding, bindings_for

#: Keys the prompt (TextArea) binds itself; our defaults must not take them.
TEXTAREA_KEYS = {
    key for b in TextArea.BINDINGS if isinstance(b, Binding) for key in b.key.split(",")
}


def test_ids_are_stable_and_consistent() -> None:
    for bid, spec in DEFAULT_BINDINGS.items():
        assert spec.id == bid
        assert bid.count(".") >= 1 and bid == bid.lower()
        assert spec.scope in ("app", "chat", "prompt", "conversation")
        assert check_key(spec.keys.split(",")[0]) is None
        for key in spec.keys.split(","):
            assert check_key(key) is None, (bid, key)


def test_defaults_have_no_clashes_and_validate() -> None:
    keymap, warnings = keymap_from_config({bid: s.keys for bid, s in DEFAULT_BINDINGS.items()})
    assert warnings == []
    assert keymap == {bid: normalize_keys(s.keys) for bid, s in DEFAULT_BINDINGS.items()}


def test_defaults_work_without_kitty_protocol() -> None:
    """Shift+Enter and Ctrl+Shift+letter exist only with the Kitty protocol."""
    for bid, spec in DEFAULT_BINDINGS.items():
        keys = spec.keys.split(",")
        legacy = [k for k in keys if not (k.startswith("ctrl+shift+") or k in {"shift+enter"})]
        assert legacy, f"{bid} has no binding that legacy terminals can send"


_LEGACY_SPECIAL = {
    "enter": "\r",
    "escape": "\x1b",
    "question_mark": "?",
    "f1": "\x1bOP",
    "f2": "\x1bOQ",
    "f3": "\x1bOR",
    "f4": "\x1bOS",
    "f5": "\x1b[15~",
    "alt+right": "\x1b[1;3C",
    "alt+left": "\x1b[1;3D",
    "pageup": "\x1b[5~",
    "pagedown": "\x1b[6~",
    "ctrl+home": "\x1b[1;5H",
    "ctrl+end": "\x1b[1;5F",
    "left": "\x1b[D",
    "right": "\x1b[C",
    "delete": "\x1b[3~",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


def _legacy_bytes(key: str) -> str | None:
    """What a terminal without the Kitty protocol sends for `key` (None: it cannot)."""
    if key in _LEGACY_SPECIAL:
        return _LEGACY_SPECIAL[key]
    mods, _, name = key.rpartition("+")
    if mods == "ctrl" and len(name) == 1 and name.isalpha():
        return chr(ord(name) - 96)
    if mods == "alt" and len(name) == 1 and name.isalpha():
        return "\x1b" + name
    if not mods and len(name) == 1 and name.isalpha():
        return name
    return None


def test_every_binding_has_a_key_legacy_terminals_send() -> None:
    """Feed the bytes a plain xterm sends through Textual's parser: the key comes back."""
    from textual._xterm_parser import XTermParser

    for bid, spec in DEFAULT_BINDINGS.items():
        working = []
        for key in spec.keys.split(","):
            data = _legacy_bytes(key)
            if data is None:
                continue
            parser = XTermParser()
            events = [*parser.feed(data), *parser.feed("")]
            if [getattr(e, "key", None) for e in events] == [key]:
                working.append(key)
        assert working, f"{bid} ({spec.keys}) cannot be typed in a legacy terminal"


#: Bindings on a prompt editing key that act only in a state where the key
#: has nothing to do in the prompt, and hand the key on otherwise (SkipAction),
#: so it keeps its meaning: Ctrl+C cancels an upload (the prompt is read-only
#: then) and copies at any other time
#: (tests/ui/test_upload_progress_ui.py::test_ctrl_c_copies_when_no_upload_runs,
#: tests/ui/test_selection.py::test_app_drag_and_ctrl_c_copies_reply_text).
ONLY_WHILE = {"chat.cancel_upload": {"ctrl+c"}}


def test_defaults_leave_the_prompt_editing_keys_alone() -> None:
    for bid, spec in DEFAULT_BINDINGS.items():
        # The conversation's keys act only while it has the focus, not the prompt.
        if spec.scope in ("prompt", "conversation"):
            continue
        taken = set(spec.keys.split(",")) & TEXTAREA_KEYS - ONLY_WHILE.get(bid, set())
        assert not taken, f"{bid} takes {taken} from the prompt"


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("ctrl+S", "ctrl+s"),
        ("?", "question_mark"),
        ("f2, ctrl+t", "f2,ctrl+t"),
        ("alt+=", "alt+equals_sign"),
        ("alt+-", "alt+minus"),
        ("Escape", "escape"),
        ("shift+Enter", "shift+enter"),
        ("A", "A"),
    ],
)
def test_normalize_keys_matches_textual(raw: str, normalized: str) -> None:
    assert normalize_keys(raw) == normalized
    # Textual's own normalization (set_keymap) agrees on plain keys; it leaves "alt+-"
    # as is, which never matches the "alt+minus" its parser reports, so we normalize first.
    if raw == raw.lower() and "+" not in raw:
        assert _normalize_key_list(raw) == normalized


@pytest.mark.parametrize(
    "key",
    [
        "ctrl+s",
        "f12",
        "escape",
        "question_mark",
        "?",
        "alt+equals_sign",
        "ctrl+shift+y",
        "pagedown",
        "space",
        "full_stop",
        "a",
        "super+c",
    ],
)
def test_check_key_accepts_textual_keys(key: str) -> None:
    assert check_key(key) is None


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("", "empty"),
        ("ctrl+", "empty"),
        ("cmd+s", "unknown modifier 'cmd'"),
        ("ctrl+nonsense", "unknown key name 'nonsense'"),
        ("f99", "unknown key name 'f99'"),
        ("ctrl s", "unknown key name"),
    ],
)
def test_check_key_rejects(key: str, why: str) -> None:
    problem = check_key(key)
    assert problem is not None and why in problem


def test_named_keys_cover_textual_keys() -> None:
    # "ctrl-at" is a legacy alias spelled with a dash; Textual reports ctrl+at.
    specials = {k.value for k in Keys if not k.value.startswith("<") and k.value != "ctrl-at"}
    for key in specials:
        assert check_key(key) is None, key


def test_keymap_from_config_warnings() -> None:
    keymap, warnings = keymap_from_config(
        {
            "chat.new": "ctrl+g",
            "new": "ctrl+n",
            "pane.toggle_search": ["f7", "?"],
            "app.help": "hyper+bogus",
            "chat.model": 5,
        }
    )
    assert keymap == {"chat.new": "ctrl+g", "pane.toggle_search": "f7,question_mark"}
    assert len(warnings) == 3
    assert "'new'" in warnings[0] and "chat.new" in warnings[0]  # did-you-mean
    assert "app.help" in warnings[1] and "'f1,question_mark'" in warnings[1]
    assert "chat.model" in warnings[2]


def test_keymap_clash_is_reported() -> None:
    keymap, warnings = keymap_from_config({"chat.new": "f2"})
    assert keymap == {"chat.new": "f2"}
    assert len(warnings) == 1 and "pane.toggle_tool_log" in warnings[0]
    # Swapping two keys is not a clash.
    _, warnings = keymap_from_config({"chat.new": "f2", "pane.toggle_tool_log": "ctrl+n"})
    assert warnings == []


def test_binding_objects() -> None:
    b = binding("pane.toggle_tool_log")
    assert (b.key, b.action, b.id, b.show) == (
        "f2",
        "toggle_tool_log",
        "pane.toggle_tool_log",
        True,
    )
    assert binding("app.quit").priority is True
    assert binding("chat.new", action="screen.fresh").action == "screen.fresh"
    scoped = bindings_for("prompt")
    assert {b.id for b in scoped} == {"chat.send", "chat.newline", "chat.page_up", "chat.page_down"}
    assert all(b.priority for b in scoped)  # they beat the TextArea's own keys
    assert effective_keys({"chat.new": "ctrl+g"})["chat.new"] == "ctrl+g"
    assert effective_keys()["chat.new"] == "ctrl+n"


class KeyApp(App[None]):
    BINDINGS = bindings_for("app")

    def __init__(self) -> None:
        super().__init__()
        self.ran: list[str] = []

    def compose(self) -> ComposeResult:
        yield ChatArea()

    def action_help(self) -> None:
        self.ran.append("help")

    def action_pick_theme(self) -> None:
        self.ran.append("theme")


class ChatArea(Static, can_focus=True):
    BINDINGS = bindings_for("chat")

    def action_toggle_tool_log(self) -> None:
        self.app.ran.append("tool_log")  # type: ignore[attr-defined]

    def action_new_chat(self) -> None:
        self.app.ran.append("new_chat")  # type: ignore[attr-defined]


async def test_default_keys_run_their_actions() -> None:
    app = KeyApp()
    async with app.run_test() as pilot:
        app.query_one(ChatArea).focus()
        await pilot.press("f2", "ctrl+n", "f1", "f5", "question_mark")
        assert app.ran == ["tool_log", "new_chat", "help", "theme", "help"]


async def test_remapped_key_runs_and_old_key_does_not() -> None:
    keymap, warnings = keymap_from_config(
        {"pane.toggle_tool_log": "f9", "app.help": "ctrl+g", "chat.new": ["alt+j"]}
    )
    assert warnings == []
    app = KeyApp()
    async with app.run_test() as pilot:
        app.set_keymap(keymap)
        app.query_one(ChatArea).focus()
        await pilot.press("f2", "f1", "question_mark", "ctrl+n")
        assert app.ran == []
        await pilot.press("f9", "ctrl+g", "alt+j")
        assert app.ran == ["tool_log", "help", "new_chat"]


def test_a_remap_onto_a_key_a_text_widget_takes_is_reported() -> None:
    from grok_tui.ui.bindings import consumed_key_warnings

    warnings = consumed_key_warnings(
        {
            "chat.api_key": "f6",
            "chat.new": "ctrl+g",
            "app.help": "f1,question_mark",
            "chat.send": "ctrl+e",
            "chat.model": "ctrl+u",
        }
    )
    assert len(warnings) == 3, warnings
    api, help_, model = warnings
    assert "chat.api_key" in api and "'f6'" in api and "TextArea" in api and "Input" not in api
    assert "app.help" in help_ and "question_mark" in help_  # a character: typed, not a key
    assert "chat.model" in model and "TextArea" in model and "Input" in model
    # Defaults are never reported; priority bindings (chat.send) run first anyway.
    assert (
        consumed_key_warnings(
            {bid: s.keys for bid, s in DEFAULT_BINDINGS.items() if bid != "app.help"}
        )
        == []
    )
