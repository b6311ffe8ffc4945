"""ThemeManager: start-up selection, the picker's preview / Enter / Esc, saving,
code highlighting that follows the theme, reloading edited theme files."""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.command import CommandList, CommandPalette
from textual.widgets import Static

from grok_tui.config import ConfigError, save_setting
from grok_tui.ui.theme_files import DEFAULT_THEME, load_themes, theme_variable_defaults
from grok_tui.ui.theme_manager import ThemeCommands, ThemeManager, ThemePicker
from grok_tui.ui.widgets.markdown_stream import StreamingMarkdown
from tests.waiting import wait_for

CODE_DOC = "Some code:\n\n```python\ndef f(x: int) -> int:\n    return x + 1\n```\n"
MINE = (
    'primary = "#ff0000"\nbackground = "#101010"\nforeground = "#eeeeee"\ncode_theme = "monokai"\n'
)


class Host(App[None]):
    """A probe coloured with `$primary` and a Markdown document with a code fence."""

    CSS = "#probe { background: $primary; color: $tool-done; }"
    COMMANDS: ClassVar = App.COMMANDS | {ThemeCommands}

    def __init__(
        self,
        select: str | None,
        user_dir: Path,
        config_path: Path,
        saver: Callable[..., None] = save_setting,
    ) -> None:
        super().__init__()
        self.manager = ThemeManager(self, user_dir=user_dir, config_path=config_path, saver=saver)
        self.select = select
        self.install_warnings: list[str] = []

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return theme_variable_defaults()

    def compose(self) -> ComposeResult:
        yield Static("probe", id="probe")
        yield StreamingMarkdown(CODE_DOC, code_theme="monokai", id="md")

    def on_mount(self) -> None:
        self.install_warnings = self.manager.install(self.select)

    @property
    def md(self) -> StreamingMarkdown:
        return self.query_one("#md", StreamingMarkdown)

    @property
    def probe_background(self) -> Color:
        return self.query_one("#probe").styles.background


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    d = tmp_path / "themes"
    d.mkdir()
    return d


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "config.toml"


def near(color: Color | str, expected: str) -> bool:
    """Equal up to the color system's rounding (a unit or two per channel)."""
    a = Color.parse(color) if isinstance(color, str) else color
    b = Color.parse(expected)
    return max(abs(a.r - b.r), abs(a.g - b.g), abs(a.b - b.b)) <= 2


def saved_theme(path: Path) -> str | None:
    if not path.exists():
        return None
    return tomllib.loads(path.read_text(encoding="utf-8")).get("theme")


async def open_picker(pilot: Any, app: Host) -> ThemePicker:
    app.manager.pick()
    await wait_for(pilot, lambda: isinstance(app.screen, ThemePicker), what="the picker")
    picker = app.screen
    assert isinstance(picker, ThemePicker)
    await wait_for(
        pilot, lambda: picker.query_one(CommandList).option_count > 5, what="the theme list"
    )
    await pilot.pause()
    return picker


def highlighted_name(picker: ThemePicker) -> str | None:
    cl = picker.query_one(CommandList)
    if cl.highlighted is None:
        return None
    return cl.get_option_at_index(cl.highlighted).hit.text  # type: ignore[attr-defined]


def code_theme_of_file(name: str) -> str:
    themes, _ = load_themes(None)
    return themes[name].code_theme


# -- start-up ------------------------------------------------------------------------


async def test_install_selects_the_flag_theme_without_saving(
    user_dir: Path, config_path: Path
) -> None:
    app = Host("dracula", user_dir, config_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "dracula"
        assert app.install_warnings == []
        assert app.md.code_theme == code_theme_of_file("dracula") == "dracula"
        assert app.manager.current_code_theme == "dracula"
        assert near(app.probe_background, "#bd93f9")
        await app.manager.flush()
    assert not config_path.exists()  # starting with a theme is not a choice to save


async def test_unknown_theme_falls_back_with_a_warning(user_dir: Path, config_path: Path) -> None:
    app = Host("no-such-theme", user_dir, config_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        assert len(app.install_warnings) == 1
        assert "'no-such-theme' is not available" in app.install_warnings[0]
        assert DEFAULT_THEME in app.install_warnings[0]
        shown = [n.message for n in app._notifications]
        assert any("no-such-theme" in m for m in shown)
        await app.manager.flush()
    assert not config_path.exists()  # the fallback is not saved over the user's setting


async def test_textual_builtin_themes_get_grok_variables(user_dir: Path, config_path: Path) -> None:
    app = Host("textual-light", user_dir, config_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "textual-light"
        assert "tool-done" in app.current_theme.variables
        assert app.md.code_theme == "default"  # light built-in: a light code style


class PreselectHost(Host):
    """A Host that chooses its theme before it runs, as `GrokApp` does."""

    def __init__(self, select: str | None, user_dir: Path, config_path: Path) -> None:
        super().__init__(select, user_dir, config_path)
        self.manager.preselect(select)
        self.css_refreshes = 0
        refresh_css = self.refresh_css

        def counting(*args: Any, **kwargs: Any) -> None:
            self.css_refreshes += 1
            refresh_css(*args, **kwargs)

        self.refresh_css = counting  # type: ignore[method-assign]


async def test_preselect_styles_the_first_frame_without_a_second_css_pass(
    user_dir: Path, config_path: Path
) -> None:
    # Switching the theme once the screen is up re-parses every stylesheet and
    # re-styles every widget; chosen before the app runs, nothing is redone.
    app = PreselectHost("solarized-light", user_dir, config_path)
    assert app.theme == "solarized-light"
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.css_refreshes == 0
        assert app.theme == "solarized-light"
        assert app.has_class("-light-mode", "-theme-solarized-light")
        assert not app.has_class("-dark-mode")
        assert near(app.probe_background, "#268bd2")
        assert app.md.code_theme == code_theme_of_file("solarized-light")
        assert app.install_warnings == []
        # Later changes still go the usual way (a re-parse, saved).
        app.theme = "dracula"
        await wait_for(pilot, lambda: near(app.probe_background, "#bd93f9"), what="dracula")
        assert app.css_refreshes == 1
        await app.manager.flush()
    assert 'theme = "dracula"' in config_path.read_text()


async def test_preselect_of_an_unknown_theme_falls_back_and_install_warns(
    user_dir: Path, config_path: Path
) -> None:
    app = PreselectHost("no-such-theme", user_dir, config_path)
    assert app.theme == DEFAULT_THEME
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME and app.css_refreshes == 0
        assert len(app.install_warnings) == 1
        assert "'no-such-theme' is not available" in app.install_warnings[0]
        await app.manager.flush()
    assert not config_path.exists()


async def test_preselect_reads_only_the_theme_in_use_and_the_rest_later(
    user_dir: Path, config_path: Path
) -> None:
    (user_dir / "broken.toml").write_text("primary = \n", encoding="utf-8")
    app = PreselectHost("solarized-light", user_dir, config_path)
    assert "solarized-light" in app.available_themes
    # Shipped files not in use are not read yet (dracula is Textual's own so far).
    assert "grok-dark" not in app.available_themes
    assert "high-contrast" not in app.available_themes
    assert "tool-done" not in app.available_themes["dracula"].variables
    assert "tool-done" not in app.available_themes["textual-dark"].variables
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.install_warnings == []
        assert not any("broken" in n.message for n in app._notifications)
        app.manager.register_rest()  # GrokApp: after its first frame
        assert {"grok-dark", "high-contrast"} <= set(app.available_themes)
        assert "tool-done" in app.available_themes["dracula"].variables
        assert "tool-done" in app.available_themes["textual-dark"].variables
        await wait_for(
            pilot,
            lambda: any("broken.toml" in n.message for n in app._notifications),
            what="the broken file's warning",
        )
        assert app.theme == "solarized-light" and app.css_refreshes == 0
        app.manager.register_rest()  # once only
        assert sum("broken.toml" in n.message for n in app._notifications) == 1


async def test_preselect_of_a_broken_user_file_in_use_reads_every_file_and_warns(
    user_dir: Path, config_path: Path
) -> None:
    (user_dir / "dracula.toml").write_text("primary = \n", encoding="utf-8")
    app = PreselectHost("dracula", user_dir, config_path)
    assert {"grok-dark", "high-contrast"} <= set(app.available_themes)  # all read at once
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "dracula"  # the shipped one
        assert near(app.probe_background, "#bd93f9")
        assert len(app.install_warnings) == 1 and "dracula.toml" in app.install_warnings[0]


async def test_the_app_registers_the_other_themes_after_its_first_frame() -> None:
    from grok_tui.backend import demo_backend
    from grok_tui.config import Settings
    from grok_tui.ui.app import GrokApp

    app = GrokApp(settings=Settings(theme="nord"), backend=demo_backend(), store=None)
    assert "high-contrast" not in app.available_themes
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "high-contrast" in app.available_themes, what="every theme")
        assert app.theme == "nord"
        assert app.theme_manager.theme_list() == sorted(app.available_themes)


async def test_the_app_chooses_its_theme_before_it_runs(tmp_path: Path) -> None:
    from grok_tui.backend import demo_backend
    from grok_tui.config import Settings
    from grok_tui.ui.app import GrokApp

    app = GrokApp(settings=Settings(theme="grok-light"), backend=demo_backend(), store=None)
    assert app.theme == "grok-light" and app.has_class("-light-mode")


# -- picker: preview, Enter, Esc -------------------------------------------------------


async def test_picker_starts_on_the_current_theme(user_dir: Path, config_path: Path) -> None:
    app = Host("nord", user_dir, config_path)
    async with app.run_test() as pilot:
        picker = await open_picker(pilot, app)
        assert highlighted_name(picker) == "nord"
        assert app.theme == "nord"  # opening previews nothing else
        assert app.manager.previewing


async def test_picker_previews_and_enter_saves(user_dir: Path, config_path: Path) -> None:
    app = Host(DEFAULT_THEME, user_dir, config_path)
    async with app.run_test() as pilot:
        picker = await open_picker(pilot, app)
        names = sorted(app.available_themes)
        after = names[names.index(DEFAULT_THEME) + 1]
        assert after == "grok-light"
        await pilot.press("down")
        await wait_for(pilot, lambda: app.theme == after, what="the preview")
        # The preview restyles code blocks too, and is not saved.
        assert app.md.code_theme == code_theme_of_file(after) == "xcode"
        await app.manager.flush()
        assert not config_path.exists()
        assert highlighted_name(picker) == after
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: not isinstance(app.screen, CommandPalette), what="the picker to close"
        )
        assert not app.manager.previewing
        assert app.theme == after
        await app.manager.flush()
        assert saved_theme(config_path) == after
        assert app.manager.saved_theme == after
        assert app.md.code_theme == "xcode"


async def test_picker_escape_restores_and_saves_nothing(user_dir: Path, config_path: Path) -> None:
    app = Host(DEFAULT_THEME, user_dir, config_path)
    async with app.run_test() as pilot:
        await open_picker(pilot, app)
        await pilot.press("down", "down")
        await wait_for(pilot, lambda: app.theme != DEFAULT_THEME, what="a preview")
        assert app.md.code_theme != code_theme_of_file(DEFAULT_THEME)
        await pilot.press("escape")
        await wait_for(
            pilot, lambda: not isinstance(app.screen, CommandPalette), what="the picker to close"
        )
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        assert app.md.code_theme == code_theme_of_file(DEFAULT_THEME) == "github-dark"
        await app.manager.flush()
        await pilot.pause()
        await app.manager.flush()
    assert not config_path.exists()


async def test_picker_search_previews_best_match_and_enter_keeps_it(
    user_dir: Path, config_path: Path
) -> None:
    config_path.parent.mkdir(parents=True)
    config_path.write_text('# my settings\ntheme = "grok-dark"\nmodel = "grok-4"\n')
    app = Host(DEFAULT_THEME, user_dir, config_path)
    async with app.run_test() as pilot:
        await open_picker(pilot, app)
        await pilot.press(*"gruvbox-d")
        await wait_for(pilot, lambda: app.theme == "gruvbox-dark", what="the search preview")
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: not isinstance(app.screen, CommandPalette), what="the picker to close"
        )
        await app.manager.flush()
    text = config_path.read_text()
    assert saved_theme(config_path) == "gruvbox-dark"
    assert "# my settings" in text and 'model = "grok-4"' in text


async def test_theme_changed_elsewhere_is_saved_latest_wins(
    user_dir: Path, config_path: Path
) -> None:
    calls: list[tuple[str, str]] = []
    entered = threading.Event()
    gate = threading.Event()

    def slow_saver(key: str, value: str, *, path: Path | None = None) -> None:
        assert threading.current_thread() is not threading.main_thread()
        entered.set()
        gate.wait(30)
        calls.append((key, value))
        save_setting(key, value, path=path)

    app = Host(DEFAULT_THEME, user_dir, config_path, saver=slow_saver)
    async with app.run_test() as pilot:
        app.theme = "nord"
        await wait_for(
            pilot,
            lambda: app.md.code_theme == code_theme_of_file("nord"),
            what="the code theme to follow",
        )
        await wait_for(pilot, entered.is_set, what="the first write to start")
        # While "nord" is being written (the event loop is not blocked):
        app.theme = "dracula"
        await pilot.pause()
        app.theme = "gruvbox-dark"
        await pilot.pause()
        assert app.md.code_theme == "gruvbox-dark"
        gate.set()
        await app.manager.flush()
    # Writes never overlap and the last one is the latest choice; "dracula" is skipped.
    assert calls == [("theme", "nord"), ("theme", "gruvbox-dark")]
    assert saved_theme(config_path) == "gruvbox-dark"


async def test_a_failed_save_is_reported_not_raised(user_dir: Path, config_path: Path) -> None:
    attempts: list[str] = []

    def broken_saver(key: str, value: str, *, path: Path | None = None) -> None:
        attempts.append(value)
        raise ConfigError(f"cannot write {path}: disk full")

    app = Host(DEFAULT_THEME, user_dir, config_path, saver=broken_saver)
    async with app.run_test() as pilot:
        app.manager.choose("nord")
        await app.manager.flush()
        await wait_for(
            pilot,
            lambda: any("Could not save the theme" in n.message for n in app._notifications),
            what="the error",
        )
        assert app.theme == "nord"
        assert app.manager.saved_theme == DEFAULT_THEME
        # Choosing again tries again.
        app.manager.choose("dracula")
        await app.manager.flush()
        assert attempts == ["nord", "dracula"]


# -- reload -------------------------------------------------------------------------------


async def test_reload_applies_an_edited_user_theme(user_dir: Path, config_path: Path) -> None:
    (user_dir / "mine.toml").write_text(MINE)
    app = Host("mine", user_dir, config_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "mine"
        assert near(app.get_css_variables()["primary"], "#ff0000")
        assert near(app.probe_background, "#ff0000")
        assert app.md.code_theme == "monokai"
        (user_dir / "mine.toml").write_text(
            MINE.replace("#ff0000", "#00ff00").replace('"monokai"', '"dracula"')
            + '\n[variables]\ntool-done = "#123456"\n'
        )
        warnings = await app.manager.reload(notify=False)
        assert warnings == []
        await pilot.pause()
        assert app.theme == "mine"
        assert near(app.get_css_variables()["primary"], "#00ff00")
        assert near(app.probe_background, "#00ff00")
        assert near(app.query_one("#probe").styles.color, "#123456")
        assert app.md.code_theme == "dracula"
        await app.manager.flush()
    assert not config_path.exists()  # re-applying is not a new choice


async def test_reload_reports_a_broken_file_and_keeps_going(
    user_dir: Path, config_path: Path
) -> None:
    (user_dir / "mine.toml").write_text(MINE)
    app = Host("mine", user_dir, config_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        (user_dir / "broken.toml").write_text('primary = "#ff0000"\nbackground = [\n')
        (user_dir / "mine.toml").write_text(MINE.replace("#ff0000", "#0000ff"))
        warnings = await app.manager.reload()
        assert len(warnings) == 1
        assert "broken.toml" in warnings[0] and "skipped" in warnings[0]
        assert "\n" not in warnings[0]
        await pilot.pause()
        assert app.theme == "mine"
        assert near(app.probe_background, "#0000ff")
        assert "broken" not in app.available_themes
        messages = [n.message for n in app._notifications]
        assert any("broken.toml" in m for m in messages)
        assert any(m.startswith("Reloaded ") for m in messages)


async def test_reload_when_the_current_theme_file_is_gone(
    user_dir: Path, config_path: Path
) -> None:
    (user_dir / "mine.toml").write_text(MINE)
    (user_dir / "nord.toml").write_text(MINE.replace("#ff0000", "#abcdef"))  # overrides nord
    app = Host("mine", user_dir, config_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.get_theme("nord").primary.lower() == "#abcdef"  # type: ignore[union-attr]
        (user_dir / "mine.toml").unlink()
        (user_dir / "nord.toml").unlink()
        warnings = await app.manager.reload(notify=False)
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        assert any("'mine' is no longer available" in w for w in warnings)
        assert "mine" not in app.available_themes
        # The shipped nord is back (not the deleted user override).
        assert app.get_theme("nord").primary.lower() != "#abcdef"  # type: ignore[union-attr]
        await app.manager.flush()
    assert not config_path.exists()


# -- command palette -------------------------------------------------------------------------


async def test_palette_commands_reload_and_choose(user_dir: Path, config_path: Path) -> None:
    (user_dir / "mine.toml").write_text(MINE)
    app = Host("mine", user_dir, config_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        (user_dir / "mine.toml").write_text(MINE.replace("#ff0000", "#00ff00"))
        app.action_command_palette()
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
        await pilot.press(*"reload theme")
        await wait_for(
            pilot, lambda: app.screen.query_one(CommandList).option_count > 0, what="matches"
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: near(app.probe_background, "#00ff00"), what="the reload")
        app.action_command_palette()
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
        await pilot.press(*"theme choose")
        await wait_for(
            pilot, lambda: app.screen.query_one(CommandList).option_count > 0, what="matches"
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ThemePicker), what="the picker")
