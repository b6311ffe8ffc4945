"""The command palette has one theme command: ours (previews and saves)."""

from __future__ import annotations

from typing import Any

from tests.waiting import palette_hits, palette_searching, wait_for


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
            lambda: any("choose" in p for p in palette_hits(app)) and not palette_searching(app),
            what="the palette's search for 'theme' to end",
        )
        prompts = palette_hits(app)
        choose = [p for p in prompts if "choose" in p]
        assert len(choose) == 1, prompts
        assert not [p for p in prompts if p.strip() == "Theme"], prompts
