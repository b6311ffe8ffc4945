"""The API key dialog says only what is true (where a key *would* be saved,
the key in use and where it came from) and its checkbox shows in every theme."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Checkbox, Static

from grok_tui.backend import demo_backend
from grok_tui.config import Settings
from grok_tui.ui.app import GrokApp
from grok_tui.ui.screens.api_key import ApiKeyScreen
from tests.ui.conftest import wait_for


def _text(screen: ApiKeyScreen, selector: str) -> str:
    content = screen.query_one(selector, Static).content
    return getattr(content, "plain", str(content))


async def test_dialog_tells_the_truth_about_saving_and_the_key_in_use(tmp_path: Path) -> None:
    settings = Settings(demo=True, demo_reason="no API key")
    app = GrokApp(settings=settings, backend=demo_backend(reason="no API key"))
    async with app.run_test(size=(120, 40)) as pilot:
        app.chat.action_api_key()
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ApiKeyScreen) and bool(app.screen.query("#where")),
            what="the dialog",
        )
        dialog = app.screen
        assert isinstance(dialog, ApiKeyScreen)
        assert _text(dialog, "#current") == "Current key: none"
        where = _text(dialog, "#where")
        assert where.startswith("Not saved") and "Saved to" not in where
        dialog.query_one("#save", Checkbox).value = True
        await pilot.pause()
        assert "will be saved to" in _text(dialog, "#where")
        dialog.query_one("#save", Checkbox).value = False
        dialog.query_one("#key").value = "xai-" + "k" * 40  # type: ignore[attr-defined]
        dialog.submit()
        await wait_for(pilot, lambda: not app.backend.demo, what="the real backend")
        assert not (tmp_path / "config" / "config.toml").exists()
        app.chat.action_api_key()
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ApiKeyScreen) and bool(app.screen.query("#where")),
            what="the dialog",
        )
        current = _text(app.screen, "#current")  # type: ignore[arg-type]
        assert current.startswith("Current key: xai-") and "entered in this run" in current
        assert "k" * 10 not in current


def _distance(a: object, b: object) -> int:
    ra, ga, ba = a.rgb  # type: ignore[attr-defined]
    rb, gb, bb = b.rgb  # type: ignore[attr-defined]
    return abs(ra - rb) + abs(ga - gb) + abs(ba - bb)


@pytest.mark.parametrize(
    "theme", ["grok-dark", "grok-light", "nord", "solarized-light", "high-contrast"]
)
async def test_unchecked_box_is_visible(theme: str) -> None:
    app = GrokApp(settings=Settings(demo=True, theme=theme), backend=demo_backend())
    async with app.run_test(size=(120, 40)) as pilot:
        app.chat.action_api_key()
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ApiKeyScreen) and bool(app.screen.query("#where")),
            what="the dialog",
        )
        assert app.theme == theme
        box = app.screen.query_one("#save", Checkbox)
        button = box.get_visual_style("toggle--button")
        dialog_bg = app.screen.query_one("#dialog").styles.background
        assert button.background is not None
        assert _distance(button.background, dialog_bg) >= 60, (theme, button.background, dialog_bg)
