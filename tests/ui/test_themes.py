"""Themes: shipped files load, every variable resolves in CSS, user themes, broken files."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.widgets import Label

from grok_tui.config.theme_names import (
    DEFAULT_THEME,
    TEXTUAL_BUILTIN_THEMES,
    shipped_themes_dir,
    theme_names,
)
from grok_tui.ui.theme_files import (
    GROK_VARIABLES,
    GrokTheme,
    load_themes,
    register_themes,
    theme_variable_defaults,
)

REQUIRED_SHIPPED = {
    "grok-dark",
    "grok-light",
    "high-contrast",
    "dracula",
    "nord",
    "gruvbox-dark",
    "solarized-light",
    "catppuccin-mocha",
}

MINIMAL = 'primary = "#ff8800"\nbackground = "#101010"\nforeground = "#eeeeee"\n'


def _css_name(var: str) -> str:
    return "v-" + var


class ThemeProbe(App[None]):
    """One Label per grok-tui variable, coloured with it."""

    CSS = (
        "\n".join(f"#{_css_name(v)} {{ color: ${v}; }}" for v in GROK_VARIABLES)
        + "\nLabel { background: $user-message-background; }\n"
    )

    def __init__(self, user_dir: Path) -> None:
        super().__init__()
        self.user_dir = user_dir
        self.theme_warnings: list[str] = []

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return theme_variable_defaults()

    def compose(self) -> ComposeResult:
        for v in GROK_VARIABLES:
            yield Label(v, id=_css_name(v))

    def on_mount(self) -> None:
        self.theme_warnings = register_themes(self, self.user_dir, select=DEFAULT_THEME)


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "themes"
    folder.mkdir()
    return folder


def test_shipped_themes_all_load() -> None:
    themes, warnings = load_themes(None)
    assert warnings == []
    assert REQUIRED_SHIPPED <= set(themes)
    assert len(themes) >= 6
    for name, theme in themes.items():
        assert isinstance(theme, GrokTheme)
        assert theme.textual_theme.name == name
        assert set(GROK_VARIABLES) <= set(theme.textual_theme.variables)
        assert theme.textual_theme.variables["code-theme"] == theme.code_theme
        assert not theme.user
    assert themes["grok-light"].dark is False and themes["solarized-light"].dark is False
    assert themes["grok-dark"].dark is True


def test_shipped_folder_is_the_top_level_themes_folder() -> None:
    folder = shipped_themes_dir()
    assert (folder / "grok-dark.toml").is_file()


def test_builtin_theme_list_matches_textual() -> None:
    from textual.theme import BUILTIN_THEMES

    assert set(TEXTUAL_BUILTIN_THEMES) == set(BUILTIN_THEMES)


async def test_every_theme_resolves_every_variable(user_dir: Path) -> None:
    (user_dir / "minimal.toml").write_text(MINIMAL)
    app = ThemeProbe(user_dir)
    themes, _ = load_themes(user_dir)
    async with app.run_test() as pilot:
        assert app.theme_warnings == []
        assert app.theme == DEFAULT_THEME
        names = sorted(app.available_themes)
        assert set(themes) <= set(names)
        for name in names:
            app.theme = name
            await pilot.pause()
            assert app.current_theme.name == name
            variables = app.theme_variables
            for var in GROK_VARIABLES:
                label = app.query_one(f"#{_css_name(var)}", Label)
                assert var in variables, (name, var)
                if name in themes:
                    expected = Color.parse(themes[name].textual_theme.variables[var])
                    assert label.styles.color.rgb == expected.rgb, (name, var)
        assert app.is_running


def test_minimal_user_theme_gets_every_variable(user_dir: Path) -> None:
    (user_dir / "minimal.toml").write_text(MINIMAL)
    themes, warnings = load_themes(user_dir)
    assert warnings == []
    theme = themes["minimal"]
    assert theme.user and theme.dark
    variables = theme.textual_theme.variables
    assert variables["user-message-color"] == "#eeeeee"
    assert variables["tool-failed"] == "#ba3c5b"  # Textual's error default
    assert variables["citation-link"] == "#ff8800"  # accent defaults to primary
    assert theme.code_theme == "monokai"


def test_user_theme_overrides_shipped(user_dir: Path) -> None:
    (user_dir / "nord.toml").write_text(MINIMAL + 'code_theme = "zenburn"\n')
    themes, warnings = load_themes(user_dir)
    assert warnings == []
    assert themes["nord"].user and themes["nord"].code_theme == "zenburn"
    assert themes["nord"].textual_theme.primary == "#ff8800"
    assert "nord" in theme_names(user_dir)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('primary = "#fff"\nbackground = ', "TOML syntax error"),
        ('primary = "#ff8800"\nforeground = "#eeeeee"\n', "missing required color background"),
        (MINIMAL.replace("#ff8800", "#ff88zz"), "primary = '#ff88zz' is not a color"),
        (MINIMAL + 'code_theme = "no-such-style"\n', "not a Pygments style"),
        (MINIMAL + "dark = 1\n", "dark must be true or false"),
        (MINIMAL + '[variables]\ntool-done = "sparkly"\n', "variables.tool-done"),
        (MINIMAL + '[variables]\nfooter-key-foreground = "#123456 150%"\n', "0-100"),
        (MINIMAL + '[variables]\nbutton-focus-text-style = "wobbly"\n', "not a text style"),
        (MINIMAL + 'secondry = "#fff"\n', "unknown key 'secondry'"),
    ],
)
def test_broken_user_theme_is_reported_and_skipped(user_dir: Path, text: str, reason: str) -> None:
    (user_dir / "broken.toml").write_text(text)
    (user_dir / "fine.toml").write_text(MINIMAL)
    themes, warnings = load_themes(user_dir)
    assert "broken" not in themes and "fine" in themes
    assert len(warnings) == 1
    assert str(user_dir / "broken.toml") in warnings[0] and reason in warnings[0]
    assert "\n" not in warnings[0]


def test_missing_user_folder_is_fine(tmp_path: Path) -> None:
    themes, warnings = load_themes(tmp_path / "nope")
    assert warnings == [] and DEFAULT_THEME in themes


async def test_register_themes_falls_back_for_unknown_selection(user_dir: Path) -> None:
    class Plain(App[None]):
        def get_theme_variable_defaults(self) -> dict[str, str]:
            return theme_variable_defaults()

    app = Plain()
    async with app.run_test():
        warnings = register_themes(app, user_dir, select="vanished")
        assert app.theme == DEFAULT_THEME
        assert len(warnings) == 1 and "vanished" in warnings[0]
        # Textual's own themes gained grok-tui's variables.
        assert set(GROK_VARIABLES) <= set(app.available_themes["textual-light"].variables)


async def test_broken_theme_never_stops_the_app(user_dir: Path) -> None:
    (user_dir / "grok-dark.toml").write_text("this is not toml")
    app = ThemeProbe(user_dir)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME  # the shipped one, since the override is broken
        assert len(app.theme_warnings) == 1 and "grok-dark.toml" in app.theme_warnings[0]


def test_config_accepts_user_theme_names(tmp_path: Path) -> None:
    from grok_tui.config import load_settings

    cdir = tmp_path / "cfg"
    (cdir / "themes").mkdir(parents=True)
    (cdir / "themes" / "mine.toml").write_text(MINIMAL)
    (cdir / "config.toml").write_text('theme = "mine"\n')
    settings, warnings = load_settings(
        None, environ={"GROK_TUI_CONFIG_DIR": str(cdir)}, cwd=tmp_path
    )
    assert warnings == [] and settings.theme == "mine"


def test_themes_are_package_data() -> None:
    """`grok_tui/themes` (a link to the top-level folder) is what a wheel installs."""
    from importlib.resources import files

    shipped = {p.name for p in files("grok_tui").joinpath("themes").iterdir()}
    assert {f"{name}.toml" for name in REQUIRED_SHIPPED} <= shipped


def test_docs_example_theme_loads(user_dir: Path) -> None:
    import re

    doc = (Path(__file__).resolve().parents[2] / "docs" / "themes.md").read_text()
    blocks = re.findall(r"```toml\n(.*?)```", doc, re.S)
    assert len(blocks) == 2
    for i, block in enumerate(blocks):
        (user_dir / f"doc{i}.toml").write_text(block)
    themes, warnings = load_themes(user_dir)
    assert warnings == []
    full = themes["doc0"].textual_theme
    assert full.variables["button-focus-text-style"] == "bold reverse"
    assert themes["doc0"].code_theme == "github-dark"
