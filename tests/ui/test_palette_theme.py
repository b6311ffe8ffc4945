"""The command palette has one theme command: ours (previews and saves)."""

from __future__ import annotations

from typing import Any

from textual.command import CommandList

from tests.ui.conftest import wait_for


def _prompts(app: Any) -> list[str]:
    option_list = app.screen.query_one(CommandList)
    return [str(getattr(o.prompt, "plain", o.prompt)) for o in option_list.options]


async def test_palette_lists_one_theme_command(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Theme" not in titles and "Quit" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"theme")
        await wait_for(
            pilot,
            lambda: bool(app.screen.query(CommandList)) and len(_prompts(app)) >= 2,
            what="palette hits",
        )
        await pilot.pause(0.3)
        prompts = [p.splitlines()[0] for p in _prompts(app)]
        choose = [p for p in prompts if "choose" in p]
        assert len(choose) == 1, prompts
        assert not [p for p in prompts if p.strip() == "Theme"], prompts
