"""Search presets: the store over config.toml, the name prompt, the palette commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Static

from grok_tui import paths
from grok_tui.chat.search import SearchSettings
from grok_tui.config import load_settings, save_setting
from grok_tui.ui.screens.presets import PresetCommands, PresetError, PresetNameScreen, PresetStore
from grok_tui.ui.widgets.search_form import SearchForm
from tests.ui.conftest import palette_search

NEWS = SearchSettings.model_validate(
    {
        "x": {
            "enabled": True,
            "handles": ["xai"],
            "from_date": "2025-11-01",
            "video_understanding": True,
        },
        "max_turns": 4,
    }
)
DOCS = SearchSettings.model_validate(
    {"web": {"enabled": True, "domains": ["docs.x.ai"], "image_understanding": True}}
)


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cfg = tmp_path / "config"
    monkeypatch.setenv("GROK_TUI_CONFIG_DIR", str(cfg))
    monkeypatch.setenv("GROK_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("XAI_API_KEY", raising=False)
    return cfg


def reload_presets() -> dict[str, SearchSettings]:
    settings, warnings = load_settings(environ={"GROK_TUI_CONFIG_DIR": str(paths.config_dir())})
    assert warnings == []
    return settings.presets


# ---- the store -------------------------------------------------------------------------


def test_save_list_get_delete_persist_to_the_config_file() -> None:
    store = PresetStore()
    assert store.save("news from @xai", NEWS) == "news from @xai"
    store.save("docs only", DOCS)
    assert store.names() == ["docs only", "news from @xai"]
    assert store.get("news from @xai") == NEWS
    assert reload_presets() == {"news from @xai": NEWS, "docs only": DOCS}

    assert store.delete("news from @xai") == "news from @xai"
    assert store.names() == ["docs only"]
    assert reload_presets() == {"docs only": DOCS}
    with pytest.raises(KeyError):
        store.get("news from @xai")
    with pytest.raises(KeyError):
        store.delete("news from @xai")


def test_a_name_with_dots_and_brackets_round_trips() -> None:
    store = PresetStore()
    name = "x.ai [docs] 'v2'"
    store.save(name, DOCS)
    assert reload_presets() == {name: DOCS}
    store.delete(name)
    assert reload_presets() == {}


def test_the_store_works_on_the_settings_dict_in_place() -> None:
    save_setting(("presets", "docs only"), DOCS)
    settings, _ = load_settings(environ={"GROK_TUI_CONFIG_DIR": str(paths.config_dir())})
    store = PresetStore(settings.presets)
    assert store.names() == ["docs only"]
    store.save("news", NEWS)
    assert settings.presets == {"docs only": DOCS, "news": NEWS}


def test_same_name_but_case_replaces_and_lookup_ignores_case() -> None:
    store = PresetStore()
    store.save("Docs", DOCS)
    store.save("docs", NEWS)
    assert store.names() == ["docs"]
    assert store.get("DOCS") == NEWS
    assert "dOcS" in store
    assert reload_presets() == {"docs": NEWS}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("   ", "needs a name"),
        ("x" * 41, "at most 40"),
        ('say "hi"', "double quotes"),
        ("a\\b", "backslashes"),
    ],
)
def test_bad_names_are_refused(raw: str, reason: str) -> None:
    store = PresetStore()
    with pytest.raises(PresetError, match=reason):
        store.save(raw, DOCS)
    assert store.names() == []
    assert not paths.config_file().exists()


def test_control_characters_are_removed_from_names() -> None:
    store = PresetStore()
    assert store.save("\x1b[31mred\x1b[0m  news", NEWS) == "red news"


def test_a_failed_write_changes_nothing(config_dir: Path) -> None:
    config_dir.mkdir(parents=True)
    paths.config_file().write_text("this is = = not toml\n", encoding="utf-8")
    store = PresetStore()
    with pytest.raises(PresetError, match="TOML"):
        store.save("docs", DOCS)
    assert store.names() == []


def test_a_saver_can_be_injected() -> None:
    calls: list[tuple[tuple[str, ...], object]] = []
    store = PresetStore(saver=lambda key, value: calls.append((key, value)))
    store.save("docs", DOCS)
    store.delete("docs")
    assert calls == [(("presets", "docs"), DOCS), (("presets", "docs"), None)]
    assert not paths.config_file().exists()


# ---- in the app ------------------------------------------------------------------------------


class Host(App[None]):
    COMMANDS = {PresetCommands}

    def __init__(self, store: PresetStore) -> None:
        super().__init__()
        self.preset_store = store
        self.changes: list[SearchSettings] = []

    def compose(self) -> ComposeResult:
        yield SearchForm()

    def on_search_form_changed(self, event: SearchForm.Changed) -> None:
        self.changes.append(event.settings)


async def run_command(app: Host, pilot: Pilot[None], query: str, expect: str | None = None) -> None:
    """Open the palette, type `query`, wait for its hits (the first one
    containing `expect`, default `query`), run the first one."""
    await palette_search(pilot, app, query, expect)
    await pilot.press("enter")
    await pilot.pause()


async def test_apply_a_preset_from_the_command_palette() -> None:
    store = PresetStore()
    store.save("news from @xai", NEWS)
    app = Host(store)
    async with app.run_test() as pilot:
        await run_command(app, pilot, "Search preset: news")
        form = app.query_one(SearchForm)
        assert form.settings == NEWS
        assert app.changes == [NEWS]
        assert form.query_one("#x-from", Input).value == "2025-11-01"


async def test_save_the_current_settings_under_a_name() -> None:
    store = PresetStore()
    app = Host(store)
    async with app.run_test() as pilot:
        form = app.query_one(SearchForm)
        form.set_settings(DOCS)
        await pilot.pause()
        await run_command(app, pilot, "save settings as a preset")
        assert isinstance(app.screen, PresetNameScreen)
        await pilot.press(*"docs only", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, PresetNameScreen)
        assert store.names() == ["docs only"]
        assert reload_presets() == {"docs only": DOCS}


async def test_name_prompt_refuses_an_empty_name_and_escape_cancels() -> None:
    store = PresetStore()
    store.save("docs", DOCS)
    results: list[str | None] = []
    app = Host(store)
    async with app.run_test() as pilot:
        app.push_screen(PresetNameScreen(store.names()), results.append)
        await pilot.pause()
        screen = app.screen
        await pilot.press("space", "enter")
        await pilot.pause()
        assert app.screen is screen
        message = screen.query_one(".preset-name--message", Static)
        assert "needs a name" in str(message.render())
        await pilot.press("backspace", *"DOCS")
        await pilot.pause()
        assert "replaces the preset docs" in str(message.render())
        await pilot.press("escape")
        await pilot.pause()
        assert results == [None]


async def test_delete_a_preset_from_the_command_palette() -> None:
    store = PresetStore()
    store.save("docs only", DOCS)
    store.save("news", NEWS)
    app = Host(store)
    async with app.run_test() as pilot:
        await run_command(app, pilot, "Delete search preset: docs only")
        assert store.names() == ["news"]
        assert reload_presets() == {"news": NEWS}


async def test_palette_shows_preset_names_as_plain_text() -> None:
    store = PresetStore()
    store.save("[@click=app.quit]boom[/]", DOCS)
    app = Host(store)
    async with app.run_test() as pilot:
        await run_command(app, pilot, "Search preset: boom", expect="boom")
        await pilot.pause()
        assert app.is_running
        assert app.query_one(SearchForm).settings == DOCS
