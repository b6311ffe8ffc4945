"""Every default key binding, sent the way a terminal sends it, from where the
focus really is (the prompt, right after start), in the real `grok-tui` in tmux.

`tmux send-keys M-k` writes ESC k, `C-l` writes 0x0c, `F3` writes ESC O R:
the bytes go through Textual's own terminal parser, which `Pilot.press`
bypasses (an Alt+letter from the prompt typed its letter before the fix in
`grok_tui.ui.textual_fixes`). Burst tests send text and a control key in ONE
`send-keys` call, so they arrive in one terminal read.

Each test shares one app instance across several bindings; every step asserts
on the screen. `test_every_default_binding_is_covered` keeps the list of
covered binding ids in step with `keymap.DEFAULT_BINDINGS`.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from grok_tui.config.keymap import DEFAULT_BINDINGS
from tests.e2e.tmux_harness import Tmux, app_env, grok_command, skip_reason, tmux_server

pytestmark = pytest.mark.e2e

if skip_reason() is not None:
    pytest.skip(skip_reason() or "", allow_module_level=True)

PLACEHOLDER = "Ask Grok"

#: Binding id -> the test that sends it from the prompt (see each test).
COVERED = {
    "app.quit": "test_dialog_keys_from_the_prompt",
    "app.help": "test_dialog_keys_from_the_prompt",
    "app.command_palette": "test_dialog_keys_from_the_prompt",
    "app.theme": "test_dialog_keys_from_the_prompt",
    "chat.model": "test_dialog_keys_from_the_prompt",
    "chat.system_prompt": "test_dialog_keys_from_the_prompt",
    "chat.attach": "test_dialog_keys_from_the_prompt",
    "chat.clear_attachments": "test_dialog_keys_from_the_prompt",
    "chat.api_key": "test_dialog_keys_from_the_prompt",
    "sessions.browser": "test_dialog_keys_from_the_prompt",
    "chat.send": "test_chat_keys_from_the_prompt",
    "chat.newline": "test_chat_keys_from_the_prompt",
    "chat.cancel": "test_chat_keys_from_the_prompt",
    "chat.new": "test_chat_keys_from_the_prompt",
    "chat.regenerate": "test_chat_keys_from_the_prompt",
    "chat.edit_last": "test_chat_keys_from_the_prompt",
    "chat.copy_message": "test_chat_keys_from_the_prompt",
    "chat.copy_code": "test_chat_keys_from_the_prompt",
    "chat.toggle_reasoning": "test_chat_keys_from_the_prompt",
    "chat.page_up": "test_chat_keys_from_the_prompt",
    "chat.page_down": "test_chat_keys_from_the_prompt",
    "chat.scroll_top": "test_chat_keys_from_the_prompt",
    "chat.follow": "test_chat_keys_from_the_prompt",
    "pane.toggle_tool_log": "test_pane_keys_from_the_prompt",
    "pane.toggle_search": "test_pane_keys_from_the_prompt",
    "pane.grow": "test_pane_keys_from_the_prompt",
    "pane.shrink": "test_pane_keys_from_the_prompt",
    # Sent while a document uploads (the key copies otherwise).
    "chat.cancel_upload": "tests/e2e/test_upload_tmux.py::test_upload_progress_and_cancel_keys",
    # Versions and branches: tests/e2e/test_branches_tmux.py.
    "chat.previous_version": "test_branches_tmux.test_done_when_scenario",
    "chat.next_version": "test_branches_tmux.test_done_when_scenario",
    "branch.previous": "test_branches_tmux.test_done_when_scenario",
    "branch.next": "test_branches_tmux.test_delete_a_version_in_a_terminal",
    "branch.edit": "test_branches_tmux.test_done_when_scenario",
    "branch.delete": "test_branches_tmux.test_delete_a_version_in_a_terminal",
}


def test_every_default_binding_is_covered() -> None:
    assert set(COVERED) == set(DEFAULT_BINDINGS)


def _png(path: Path) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"\x00\xff\x00\x00"  # one red pixel
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return path


class KeysApp:
    """grok-tui --demo in one tmux session, started in `tmp`."""

    def __init__(self, tmux: Tmux, tmp: Path, size: tuple[int, int] = (160, 48)) -> None:
        self.tmux = tmux
        self.tmp = tmp
        self.width, self.height = size

    def start(self) -> str:
        self.tmux.start(
            grok_command("--demo"),
            env=app_env(self.tmp, GROK_TUI_DEMO_RATE="3000"),
            width=self.width,
            height=self.height,
            cwd=self.tmp,
        )
        return self.wait(lambda s: "DEMO" in s and PLACEHOLDER in s, "the app to start")

    def wait(self, predicate: object, what: str, timeout: float = 20.0) -> str:
        return self.tmux.wait(predicate, what, timeout=timeout)  # type: ignore[arg-type]

    def send(self, *keys: str) -> None:
        """Keys (tmux names) and text in ONE send-keys call: one terminal read."""
        self.tmux.send(*keys)

    def prompt(self) -> str:
        """The text inside the prompt box (its lines joined with newlines)."""
        return prompt_text(self.tmux.screen())

    def status(self) -> str:
        lines = [line for line in self.tmux.screen().splitlines() if "DEMO" in line and "│" in line]
        return lines[-1] if lines else ""

    def prompt_is_empty(self, what: str) -> None:
        self.wait(lambda s: PLACEHOLDER in s, what)

    def typing_reaches_the_prompt(self, what: str) -> None:
        """Typing lands in the prompt (the focus is there); then clear it."""
        self.send("zq")
        self.wait(lambda s: prompt_text(s).strip() == "zq", f"typed text in the prompt {what}")
        self.send("C-u")
        self.prompt_is_empty(f"the prompt cleared {what}")

    def turn(self, text: str, what: str, timeout: float = 30.0) -> str:
        before = self.status()
        self.send(text, "Enter")
        return self.wait(
            lambda s: "│ idle │" in _status(s) and _status(s) != before, what, timeout=timeout
        )

    def quit(self) -> None:
        self.send("C-q")
        assert self.tmux.wait_exit(), "Ctrl+Q did not quit:\n" + self.tmux.screen()


def _status(screen: str) -> str:
    lines = [line for line in screen.splitlines() if "DEMO" in line and "│" in line]
    return lines[-1] if lines else ""


def prompt_text(screen: str) -> str:
    """The prompt box is the last ╭…╮ / ╰…╯ box above the status bar."""
    lines = screen.splitlines()
    bottoms = [i for i, line in enumerate(lines) if line.startswith("╰")]
    if not bottoms:
        return ""
    bottom = bottoms[-1]
    top = max(i for i in range(bottom) if lines[i].startswith("╭"))
    inner = [re.sub(r"^│ ?|\s*│.*$", "", line) for line in lines[top + 1 : bottom]]
    text = "\n".join(line.rstrip() for line in inner)
    return "" if PLACEHOLDER in text else text


def _prompt_width(screen: str) -> int:
    """Width of the prompt box (the side pane takes the rest)."""
    lines = [line for line in screen.splitlines() if line.startswith("╰")]
    return len(lines[-1].split("╯")[0]) + 1 if lines else 0


@pytest.fixture
def app(tmp_path: Path) -> Iterator[KeysApp]:
    with tmux_server("grok-keys") as tmux:
        yield KeysApp(tmux, tmp_path)


def test_dialog_keys_from_the_prompt(app: KeysApp) -> None:
    screen = app.start()
    assert "Alt+K" in screen

    # F1: help with every binding's id; ? in the prompt is just a character.
    app.send("F1")
    screen = app.wait(lambda s: "Keys and help" in s, "the help screen")
    assert "chat.api_key" in screen and "app.quit" in screen
    app.send("Escape")
    app.wait(lambda s: "Keys and help" not in s, "help to close")
    app.send("?")
    app.wait(lambda s: prompt_text(s) == "?", "? typed into the prompt")
    app.send("C-u")
    app.prompt_is_empty("after Ctrl+U")

    # Ctrl+P: the command palette; F5: the theme picker; Ctrl+O: the model picker.
    for key, shown in (
        ("C-p", "Search for commands"),
        ("F5", "dracula"),
        ("C-o", "Choose a model"),
    ):
        app.send(key)
        app.wait(lambda s, shown=shown: shown in s, f"{key} to open {shown!r}")
        app.send("Escape")
        app.wait(lambda s, shown=shown: shown not in s, f"{shown!r} to close")
        app.typing_reaches_the_prompt(f"after {key}, Esc")

    # Alt+K: the API key dialog (it typed "k" into the prompt before the fix).
    app.send("M-k")
    app.wait(lambda s: "Current key" in s, "the API key dialog")
    app.send("Escape")
    app.wait(lambda s: "Current key" not in s, "the API key dialog to close")
    app.prompt_is_empty("after Alt+K (no 'k' typed)")

    # Ctrl+S: the system prompt editor. Text and Ctrl+S in one read: all of
    # the text is saved (it lost its last characters before the fix).
    app.send("C-s")
    app.wait(lambda s: "System prompt" in s and "Ctrl+S saves" in s, "the editor")
    app.send("Answer briefly, please.", "C-s")
    app.wait(lambda s: "System prompt set" in s, "the editor to save")
    app.send("C-s")
    screen = app.wait(lambda s: "Ctrl+S saves" in s, "the editor again")
    assert "Answer briefly, please." in screen, screen
    app.send("Escape")
    app.wait(lambda s: "Ctrl+S saves" not in s, "the editor to close")

    # Ctrl+T and Alt+A: the attach dialog; Alt+X clears the attachment.
    app.send("C-t")
    app.wait(lambda s: "Attach an image" in s, "the attach dialog (Ctrl+T)")
    app.send("Escape")
    app.wait(lambda s: "Attach an image" not in s, "the attach dialog to close")
    image = _png(app.tmp / "dot.png")
    app.send("M-a")
    app.wait(lambda s: "Attach an image" in s, "the attach dialog (Alt+A)")
    app.send(str(image), "Enter")
    app.wait(lambda s: "(Alt+X clears)" in s and "dot.png" in s, "the attachment chip")
    app.prompt_is_empty("after Alt+A (no 'a' typed)")
    app.send("M-x")
    app.wait(
        lambda s: "(Alt+X clears)" not in s and "Removed 1 attachment" in s,
        "Alt+X to clear the attachment",
    )
    app.prompt_is_empty("after Alt+X (no 'x' typed)")

    # F4 and Ctrl+B: the session browser; Esc back to the prompt.
    for key in ("F4", "C-b"):
        app.send(key)
        app.wait(lambda s: "sorted by" in s, f"the session browser ({key})")
        app.send("Escape")
        app.wait(lambda s: "sorted by" not in s, "the browser to close")
        app.typing_reaches_the_prompt(f"after {key}, Esc")

    app.quit()


def test_chat_keys_from_the_prompt(app: KeysApp) -> None:
    app.start()
    # Text, Ctrl+J and Enter in one read: one two-line message is sent.
    before = app.status()
    app.send("first line", "C-j", "second line", "Enter")
    screen = app.wait(lambda s: "│ idle │" in _status(s) and _status(s) != before, "the reply")
    assert "first line" in screen and "second line" in screen
    assert prompt_text(screen) == ""

    # Text, Ctrl+U and more text in one read: only the text after Ctrl+U stays.
    app.send("lost words", "C-u", "kept")
    app.wait(lambda s: prompt_text(s) == "kept", "Ctrl+U in order with the text")
    app.send("C-u")
    app.prompt_is_empty("after Ctrl+U")

    # Alt+Y copies the last reply; Alt+C its last code block (or says it has none).
    app.send("M-y")
    app.wait(lambda s: "Copied the message" in s, "Alt+Y")
    app.send("M-c")
    app.wait(lambda s: "Copied the code block" in s or "has no code block" in s, "Alt+C")
    app.prompt_is_empty("after Alt+Y, Alt+C (no letters typed)")

    # Ctrl+R regenerates the last reply.
    before = app.status()
    app.send("C-r")
    app.wait(lambda s: "│ idle │" in _status(s) and _status(s) != before, "Ctrl+R's new reply")

    # Ctrl+L and Alt+E take the last message back into the prompt; Enter resends it.
    for key in ("C-l", "M-e"):
        app.send(key)
        app.wait(lambda s: prompt_text(s) == "first line\nsecond line", f"{key}: last message")
        app.send("Enter")
        # The same demo reply comes back (same totals): the prompt is emptied
        # by the send, in the frame that shows "sending"; then idle again.
        app.wait(
            lambda s: (
                prompt_text(s) == ""
                and "│ idle │" in _status(s)
                and _conversation(s).count("first line") == 1
                and "Hi! I'm" in s
            ),
            f"the resent message after {key}",
        )

    # Alt+R shows the reasoning of the last reply (a reasoning trace first).
    app.turn("think step by step", "the reasoning reply")
    app.wait(lambda s: "▸ Reasoning" in s, "the folded reasoning line")
    app.send("M-r")
    app.wait(lambda s: "▾ Reasoning" in s, "Alt+R to unfold the reasoning")
    app.prompt_is_empty("after Alt+R (no 'r' typed)")

    # A long reply: PageUp/PageDown scroll the conversation from the prompt,
    # Ctrl+Home goes to the top, Ctrl+End back to the end.
    app.turn("write a long markdown essay", "the essay", timeout=60)
    bottom = app.tmux.screen()
    app.send("PageUp")
    up = app.wait(lambda s: _conversation(s) != _conversation(bottom), "PageUp to scroll")
    app.send("PageDown")
    app.wait(lambda s: _conversation(s) == _conversation(bottom), "PageDown back to the end")
    app.send("C-Home")
    app.wait(
        lambda s: "first line" in "\n".join(_conversation(s).splitlines()[:6]),
        "Ctrl+Home to the first message",
    )
    app.send("C-End")
    app.wait(lambda s: _conversation(s) == _conversation(bottom), "Ctrl+End to the end")
    assert up != bottom

    # Esc stops a streaming reply; the partial text is kept.
    app.send("write a long markdown essay", "Enter")
    app.wait(lambda s: "streaming" in _status(s), "the essay to stream", timeout=20)
    app.send("Escape")
    app.wait(lambda s: "Stopped" in s, "Esc to stop the reply")

    # In the session browser, Alt+C duplicates the chat (it typed "c" into the
    # filter before the fix, which then matched nothing).
    app.send("F4")
    app.wait(lambda s: "sorted by" in s, "the session browser")
    app.send("M-c")
    app.wait(lambda s: "Duplicated as" in s, "Alt+C in the browser")
    app.send("Escape")
    app.wait(lambda s: "sorted by" not in s, "the browser to close")

    # Ctrl+N: a new chat.
    app.send("C-n")
    app.wait(lambda s: "New chat." in s and "first line" not in s, "Ctrl+N")
    app.quit()


def _conversation(screen: str) -> str:
    """The conversation column (left of the side pane), without the status rows."""
    lines = screen.splitlines()
    bottoms = [i for i, line in enumerate(lines) if line.startswith("╰")]
    end = max(i for i in range(bottoms[-1]) if lines[i].startswith("╭")) if bottoms else len(lines)
    return "\n".join(line.split("▏")[0].rstrip() for line in lines[1:end])


def test_pane_keys_from_the_prompt(app: KeysApp) -> None:
    screen = app.start()
    wide = _prompt_width(screen)
    # F2 hides and shows the tool log (the prompt gets the width).
    app.send("F2")
    app.wait(lambda s: _prompt_width(s) > wide, "F2 to hide the tool log")
    app.send("F2")
    app.wait(lambda s: _prompt_width(s) == wide, "F2 to show the tool log")
    # Alt+Right widens the side pane, Alt+Left narrows it back.
    app.send("M-Right")
    app.wait(lambda s: _prompt_width(s) == wide - 4, "Alt+Right to widen the pane")
    app.send("M-Left")
    app.wait(lambda s: _prompt_width(s) == wide, "Alt+Left to narrow the pane")
    app.prompt_is_empty("after the pane keys")

    # F3 opens the search form with the focus in it; Esc closes it and typing
    # goes to the prompt (it went nowhere before).
    app.send("F3")
    app.wait(lambda s: "Web search" in s and "X search" in s, "the search form")
    app.send("Escape")
    # ("X search" alone is not the form: the empty chat's welcome names it too.)
    app.wait(lambda s: "Web search" not in s, "Esc to close the search form")
    app.typing_reaches_the_prompt("after F3, Esc")

    # A date field: X search on (Tab, Space), Tab to the from-date field.
    app.send("F3")
    app.wait(lambda s: "Web search" in s, "the search form again")
    app.send("Tab", "Space")
    app.wait(lambda s: "search off" not in _status(s), "X search on")
    app.send("Tab", "Tab", "Tab")
    app.send("2025-01-01")
    app.wait(lambda s: "2025-01-01" in s, "the typed date")
    # Ctrl+U then a date in one read: the field holds the new date.
    app.send("C-u", "2026-02-03")
    screen = app.wait(lambda s: "2026-02-03" in s, "the new date after Ctrl+U")
    assert "2025-01-01" not in screen
    app.send("Escape")
    app.wait(lambda s: "Posts dated" not in s, "Esc to close the form")
    app.typing_reaches_the_prompt("after the form")
    app.quit()
