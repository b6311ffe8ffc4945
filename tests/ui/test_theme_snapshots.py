"""Every shipped theme on the real chat screen: a reply with a code block, a
search turn (tool log rows and sources), the search settings pane (F3) and the
help screen (F1) render with no CSS error and show their text.

Assertions instead of `snap_compare` snapshots (every theme, a live turn);
the exact screenshots of the main screens, in one dark and one light theme
with frozen clocks, are in tests/snapshots/.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

import pytest
from textual.color import Color

from grok_tui.chat.session import Message, MessageStatus, Session
from grok_tui.config import Settings
from grok_tui.config.theme_names import shipped_themes_dir
from grok_tui.ui.screens.help import HelpScreen
from grok_tui.ui.theme_files import load_themes
from grok_tui.ui.widgets.markdown_stream import StreamingMarkdown
from tests.waiting import wait_for

SHIPPED = sorted(p.stem for p in shipped_themes_dir().glob("*.toml"))
CODE_REPLY = (
    "Here is the function:\n\n"
    "```python\n"
    "def greet(name: str) -> str:\n"
    '    return f"hello {name}"\n'
    "```\n\n"
    "Call it with a name."
)

#: Set GROK_TUI_THEME_SHOTS=/some/folder to keep an SVG per theme and step.
SHOTS = os.environ.get("GROK_TUI_THEME_SHOTS")


def _session() -> Session:
    session = Session()
    session.search.web.enabled = True
    session.search.x.enabled = True
    session.messages.append(Message(role="user", text="show me a function"))
    session.messages.append(
        Message(role="assistant", text=CODE_REPLY, status=MessageStatus.COMPLETE)
    )
    return session


def screen_text(svg: str) -> str:
    """The visible text of an exported screenshot (SVG), one string."""
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(texts)).replace("\xa0", " ")


#: Widgets that draw text with component-class styles (Content), where
#: Textual's "auto" colors do not see the widget's background.
COMPONENT_TEXT_WIDGETS = ("#tool-log", "StatusBar")
#: Backgrounds and decorations, not text on the widget's own background.
NOT_TEXT = {"tool-log--cursor", "status-bar--demo", "status-bar--separator"}
MIN_CONTRAST = 3.0  # WCAG's floor for secondary text


def _luminance(color: Color) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(fg: Color, bg: Color) -> float:
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def low_contrast_components(app: Any) -> list[str]:
    """Component-class text colors under MIN_CONTRAST on their widget's background."""
    bad: list[str] = []
    for selector in COMPONENT_TEXT_WIDGETS:
        widget = app.chat.query_one(selector)
        background = widget.styles.background
        for component in sorted(widget.COMPONENT_CLASSES - NOT_TEXT):
            style = widget.get_visual_style(component, partial=True)
            fg = style.foreground
            if fg is None or fg.a == 0:  # no color of its own: the widget's text color
                fg = widget.styles.color
            fg = background + fg  # alpha blends over the background
            ratio = contrast(fg, background)
            if ratio < MIN_CONTRAST:
                bad.append(f"{component} {fg.hex} on {background.hex}: {ratio:.2f}:1")
    return bad


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_shipped_theme_is_checked() -> None:
    themes, warnings = load_themes(None)
    assert warnings == []
    assert set(SHIPPED) == set(themes) and len(SHIPPED) >= 8


@pytest.mark.parametrize("name", SHIPPED)
async def test_theme_renders_the_chat_screen(name: str, make_app: Any) -> None:
    app = make_app(settings=Settings(theme=name), session=_session())
    shots: list[tuple[str, str]] = []

    def shot(step: str) -> str:
        svg = app.export_screenshot(title=f"{name} {step}")
        shots.append((step, svg))
        return screen_text(svg)

    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.pause()
        assert app.theme == name
        chat = app.chat
        chat.prompt.set_text("scenario:search what is new at xAI")
        chat.prompt.focus()
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: not chat.is_streaming and len(chat.session.messages) == 4,
            what="the search reply",
        )
        reply = chat.session.messages[-1]
        assert reply.status == MessageStatus.COMPLETE and reply.tool_calls
        await pilot.pause()
        text = shot("chat")
        code_theme = load_themes(None)[0][name].code_theme
        bodies = list(chat.query(StreamingMarkdown))
        assert bodies and {b.code_theme for b in bodies} == {code_theme}
        bad = low_contrast_components(app)
        assert not bad, "\n".join(bad)
        # Whitespace-only runs are not exported as text: compare without spaces.
        assert "defgreet(name:str)->str:" in squeeze(text)
        assert "Sources" in text
        assert reply.tool_calls[0].name in text
        await pilot.press("f3")
        await wait_for(
            pilot,
            lambda: chat.search_form is not None and chat.query_one("#search-pane").display,
            what="the search pane",
        )
        await pilot.pause()
        text = shot("search")
        assert "Web" in text
        app.action_help()
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        await pilot.pause()
        text = shot("help")
        assert "Ctrl+Q" in text or "ctrl+q" in text.lower()
    if SHOTS:
        folder = Path(SHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        for step, svg in shots:
            (folder / f"{name}-{step}.svg").write_text(svg, encoding="utf-8")


async def test_live_switching_through_every_theme_on_the_chat_screen(
    backend: Any, store: Any, tmp_path: Path
) -> None:
    """The real app wired with ThemeManager as its docstring says: every shipped
    theme applied live restyles the chat (code blocks follow, readable status
    text); F5 opens the picker, Esc restores; the final choice is saved."""
    import grok_tui.ui.app as app_module
    from grok_tui.ui.app import GrokApp
    from grok_tui.ui.theme_manager import ThemeCommands, ThemeManager, ThemePicker

    config_path = tmp_path / "config.toml"

    class Wired(GrokApp):
        CSS_PATH = [Path(app_module.__file__).parent / p for p in GrokApp.CSS_PATH]
        COMMANDS = GrokApp.COMMANDS | {ThemeCommands}

        def __init__(self, **kw: Any) -> None:
            super().__init__(**kw)
            self.theme_manager = ThemeManager(self, config_path=config_path)

        def on_mount(self) -> None:
            self.theme_manager.install(self.settings.theme)

        def action_pick_theme(self) -> None:
            self.theme_manager.pick()

    app = Wired(
        settings=Settings(theme="grok-dark"), backend=backend, store=store, session=_session()
    )
    code_themes = {n: t.code_theme for n, t in load_themes(None)[0].items()}
    async with app.run_test(size=(120, 40)) as pilot:
        chat = app.chat
        chat.prompt.set_text("scenario:search what is new at xAI")
        chat.prompt.focus()
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: not chat.is_streaming and len(chat.session.messages) == 4,
            what="the search reply",
        )
        manager = app.theme_manager
        for name in [*SHIPPED[::-1], "grok-dark"]:
            manager.choose(name)
            await wait_for(
                pilot,
                lambda: (
                    {b.code_theme for b in chat.query(StreamingMarkdown)} == {code_themes[name]}
                ),
                what=f"code blocks in {name}'s style",
            )
            assert app.theme == name
            bad = low_contrast_components(app)
            assert not bad, f"{name}: " + "\n".join(bad)
            assert "defgreet(name:str)->str:" in squeeze(screen_text(app.export_screenshot()))
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, ThemePicker), what="the picker")
        await pilot.pause()
        await pilot.press("down")
        await wait_for(pilot, lambda: app.theme != "grok-dark", what="a preview")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.theme == "grok-dark", what="Esc to restore")
        await manager.flush()
    assert "grok-dark" in config_path.read_text()
