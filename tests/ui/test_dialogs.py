"""The chat screen's dialogs: model picker, text editor, API key, attach, help.

Each runs in a tiny host app; the tests press keys and check what the dialog
returns, and that bad input is refused with a message."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static, TextArea

from grok_tui.api.errors import AuthenticationError
from grok_tui.api.model_list import ModelInfo
from grok_tui.config.keymap import key_label, keys_label
from grok_tui.ui.screens.api_key import ApiKeyScreen, check_api_key
from grok_tui.ui.screens.attach import AttachScreen, complete_path
from grok_tui.ui.screens.help import HelpScreen
from grok_tui.ui.screens.model_picker import ModelPickerScreen
from grok_tui.ui.screens.text_editor import TextEditorScreen
from grok_tui.ui.theme_files import theme_variable_defaults

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
INJECT = "[@click=app.quit]x[/]"
SECRET = "xai-abcdefghijklmnopqrstuvwxyz0123456789"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROK_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("GROK_TUI_DATA_DIR", str(tmp_path / "data"))


_UNSET: Any = object()


class Host(App[None]):
    """Pushes one dialog and records what it dismisses with."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.dialog = screen
        self.result: Any = _UNSET
        self.done = asyncio.Event()

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return theme_variable_defaults()

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self._record)

    def _record(self, value: Any) -> None:
        self.result = value
        self.done.set()


MODELS = [
    ModelInfo("grok-4.3", ("grok-4.3-latest",), 1.25, 0.2, 2.5),
    ModelInfo(
        "grok-4.20-0309-reasoning", ("grok-4.20", "grok-4.20-reasoning-latest"), 2.0, 0.2, 6.0
    ),
    ModelInfo("grok-3-mini", (), 0.3, 0.075, 0.5),
    ModelInfo(f"evil{INJECT}", (), None, None, None),
]


def option_texts(screen: ModelPickerScreen) -> list[str]:
    ol = screen.query_one("#models", OptionList)
    return [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)]


# -- model picker ---------------------------------------------------------------


async def test_model_picker_lists_prices_and_filters() -> None:
    screen = ModelPickerScreen(MODELS, current="grok-4.3")
    app = Host(screen)
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        rows = option_texts(screen)
        assert len(rows) == 4
        assert rows[0].startswith("● grok-4.3")
        assert "$1.25 / $0.20 / $2.50" in rows[0] and "grok-4.3-latest" in rows[0]
        assert "$0.30 / $0.075 / $0.50" in rows[2]
        assert INJECT in rows[3]  # literal, not markup
        await pilot.press(*"4.20")
        rows = option_texts(screen)
        assert len(rows) == 1 and "grok-4.20-0309-reasoning" in rows[0]
        await pilot.press("enter")
        await app.done.wait()
    assert app.result == "grok-4.20-0309-reasoning"


async def test_model_picker_arrows_alias_and_escape() -> None:
    screen = ModelPickerScreen(MODELS, current="grok-4.3")
    app = Host(screen)
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.press("down", "down", "enter")
        await app.done.wait()
    assert app.result == "grok-3-mini"

    screen = ModelPickerScreen(MODELS, current="grok-4.3")
    app = Host(screen)
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.press(*"grok-4.20", "enter")  # an exact alias picks its model
        await app.done.wait()
    assert app.result == "grok-4.20-0309-reasoning"

    app = Host(ModelPickerScreen(MODELS, current="grok-4.3"))
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.press("escape")
        await app.done.wait()
    assert app.result is None


async def test_model_picker_loader_states_and_manual_entry() -> None:
    gate = asyncio.Event()

    async def slow_loader() -> list[ModelInfo]:
        await gate.wait()
        return MODELS[:2]

    screen = ModelPickerScreen(slow_loader, current="grok-4.3")
    app = Host(screen)
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        assert screen.loading_models
        assert option_texts(screen) == []
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.loading_models and len(option_texts(screen)) == 2

    async def failing_loader() -> list[ModelInfo]:
        raise AuthenticationError("Incorrect API key provided", status=401)

    screen = ModelPickerScreen(failing_loader, current="grok-4.3")
    app = Host(screen)
    async with app.run_test(size=(110, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.error is not None and "Incorrect API key" in screen.error
        await pilot.press(*"my model", "enter")  # spaces are refused
        await pilot.pause()
        assert app.result is _UNSET
        screen.query_one("#filter", Input).value = ""
        await pilot.press(*"grok-9-custom", "enter")
        await app.done.wait()
    assert app.result == "grok-9-custom"


# -- text editor ------------------------------------------------------------------


async def test_text_editor_saves_with_ctrl_s() -> None:
    screen = TextEditorScreen("System prompt", "You are terse.")
    app = Host(screen)
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.press("enter", *"Cite [sources].")
        await pilot.press("ctrl+s")
        await app.done.wait()
    assert app.result == "You are terse.\nCite [sources]."


async def test_text_editor_escape_cancels_and_text_is_plain() -> None:
    screen = TextEditorScreen(f"Title {INJECT}", f"keep {INJECT}\x1b[2J")
    app = Host(screen)
    async with app.run_test(size=(90, 30)) as pilot:
        assert screen.query_one(TextArea).text == f"keep {INJECT}"
        await pilot.press(*"more")
        await pilot.press("escape")
        await app.done.wait()
    assert app.result is None


# -- API key -----------------------------------------------------------------------


def test_check_api_key() -> None:
    assert check_api_key("  xai-abc\n") == ("xai-abc", None)
    assert check_api_key("   ")[1] == "Enter an API key (it starts with xai-)."
    assert check_api_key("xai-ab cd")[1] == "An API key has no spaces; check what was pasted."
    assert check_api_key("xai-ab\x1bcd")[0] is None


async def test_api_key_returns_key_and_save_flag(tmp_path: Path) -> None:
    screen = ApiKeyScreen(current_key=SECRET)
    app = Host(screen)
    async with app.run_test(size=(90, 30)) as pilot:
        texts = " ".join(str(w.visual) for w in screen.query(Static))
        assert "…6789" in texts and SECRET not in texts
        assert str(tmp_path / "config" / "config.toml") in texts
        await pilot.press(*"xai-s3cr3t")
        key_input = screen.query_one("#key", Input)
        assert key_input.password and key_input.value == "xai-s3cr3t"
        assert "s3cr3t" not in app.export_screenshot()  # masked on screen
        await pilot.click("#save")
        await pilot.click("#key")
        await pilot.press("enter")
        await app.done.wait()
    assert app.result == ("xai-s3cr3t", True)


async def test_api_key_refuses_empty_and_spaces() -> None:
    screen = ApiKeyScreen()
    app = Host(screen)
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.press("enter")
        assert screen.error.startswith("Enter an API key")
        await pilot.press(*"xai-ab cd", "enter")
        await pilot.pause()
        assert "no spaces" in screen.error and "xai-ab" not in screen.error
        assert app.result is _UNSET
        await pilot.press("escape")
        await app.done.wait()
    assert app.result is None


async def test_api_key_without_saving() -> None:
    screen = ApiKeyScreen()
    app = Host(screen)
    async with app.run_test(size=(90, 30)) as pilot:
        await pilot.press(*"xai-key123", "enter")
        await app.done.wait()
    assert app.result == ("xai-key123", False)


# -- attach -----------------------------------------------------------------------


def test_complete_path(tmp_path: Path) -> None:
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "cat.png").write_bytes(PNG)
    (tmp_path / "pics" / "notes.txt").write_text("x")
    (tmp_path / ".hidden").mkdir()
    assert complete_path("pi", tmp_path) == "pics/"
    assert complete_path("pics/c", tmp_path) == "pics/cat.png"
    (tmp_path / "pics" / "blob.bin").write_bytes(b"\x00")
    assert complete_path("pics/n", tmp_path) == "pics/notes.txt"  # a document
    assert complete_path("pics/b", tmp_path) is None  # neither an image nor a document
    assert complete_path(f"{tmp_path}/pics/", tmp_path) == f"{tmp_path}/pics/cat.png"
    assert complete_path("", tmp_path) is None
    assert complete_path(".h", tmp_path) == ".hidden/"
    assert complete_path("nope/x", tmp_path) is None
    assert complete_path("https://x.ai/a", tmp_path) is None


async def test_attach_completes_validates_and_returns_path(tmp_path: Path) -> None:
    (tmp_path / "pics").mkdir()
    cat = tmp_path / "pics" / "cat.png"
    cat.write_bytes(PNG)
    (tmp_path / "pics" / "fake.jpg").write_text("not really")
    screen = AttachScreen(start_dir=tmp_path)
    app = Host(screen)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.press(*"pics/f")
        await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        assert screen.query_one("#path", Input).value == "pics/fake.jpg"
        ok, message = screen.check
        assert not ok and "PNG" in message and "JPEG" in message
        await pilot.press("enter")
        await pilot.pause()
        assert app.result is _UNSET  # refused, still open
        screen.query_one("#path", Input).value = "pics/missing.pn"
        await pilot.press("g", "enter")
        await pilot.pause()
        assert app.result is _UNSET and screen.check[0] is False and screen.check[1]
        screen.query_one("#path", Input).value = ""
        await pilot.press(*"pics/c", "tab", "enter")
        await app.done.wait()
    assert app.result == str(cat)


async def test_attach_urls() -> None:
    screen = AttachScreen()
    app = Host(screen)
    async with app.run_test(size=(100, 20)) as pilot:
        screen.query_one("#path", Input).value = "ftp://x.ai/a.png"
        await pilot.press("enter")
        await pilot.pause()
        assert app.result is _UNSET and "http" in screen.check[1]
        screen.query_one("#path", Input).value = "https://x.ai/a.p"
        await pilot.press("n", "g", "enter")
        await app.done.wait()
    assert app.result == "https://x.ai/a.png"


# -- help -------------------------------------------------------------------------


def test_key_labels() -> None:
    assert key_label("ctrl+shift+y") == "Ctrl+Shift+Y"
    assert key_label("f1") == "F1"
    assert key_label("question_mark") == "?"
    assert key_label("alt+equals_sign") == "Alt+="
    assert keys_label("f4,ctrl+b") == "F4 / Ctrl+B"


async def test_help_shows_remapped_keys_and_closes() -> None:
    screen = HelpScreen({"chat.model": "f6", "app.quit": "ctrl+q,alt+q"})
    app = Host(screen)
    async with app.run_test(size=(100, 50)) as pilot:
        text = "\n".join(str(w.visual) for w in screen.query(Static))
        assert "Anywhere" in text and "Chat" in text and "Prompt" in text
        assert "F6" in text and "Ctrl+O" not in text  # remapped model picker
        assert "Ctrl+Q / Alt+Q" in text
        assert "Shift+Enter / Ctrl+J" in text and "Demo backend" in text
        await pilot.press("q")
        await app.done.wait()


async def test_help_reads_the_app_keymap() -> None:
    screen = HelpScreen()
    app = Host(screen)
    app.set_keymap({"sessions.browser": "f9"})
    async with app.run_test(size=(100, 50)) as pilot:
        text = "\n".join(str(w.visual) for w in screen.query(Static))
        assert "F9" in text and "Sessions" in text
        await pilot.press("escape")
        await app.done.wait()


def test_refusal_sentences_are_never_cut(tmp_path: Path) -> None:
    """A very long refused URL: the input is shortened inside the sentence,
    the sentence itself is whole (the dialog wraps it)."""
    from grok_tui.ui.screens.attach import describe_input

    url = "ftp://example.com/" + "a" * 400 + ".png"
    ok, message = describe_input(url, tmp_path)
    assert not ok
    assert message.endswith("only http:// and https:// image links can be attached"), message
    assert "…" in message and len(message) < 300


def test_attach_dialog_shows_small_sizes_in_bytes(tmp_path: Path) -> None:
    from grok_tui.chat.attachments import attachment_from_input
    from grok_tui.ui.screens.attach import describe_input
    from grok_tui.ui.widgets.message_view import attachment_chip

    png = (
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
        )
        + b"\0" * 7
    )
    (tmp_path / "tiny.png").write_bytes(png)
    ok, message = describe_input("tiny.png", tmp_path)
    assert ok and message == "PNG image, 73 bytes: tiny.png"
    assert attachment_chip(attachment_from_input(str(tmp_path / "tiny.png"))).endswith(
        "tiny.png 73 bytes"
    )
