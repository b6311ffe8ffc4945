"""Theme names a setting may use, known without reading the theme files or
importing Textual (the config checks `theme = ...` with them; `ui.themes`
loads the files)."""

from __future__ import annotations

from pathlib import Path

from grok_tui.config.schema import DEFAULT_THEME

#: Textual's built-in theme names (textual 8.2.8); a test keeps this list honest.
TEXTUAL_BUILTIN_THEMES: tuple[str, ...] = (
    "textual-dark",
    "textual-light",
    "nord",
    "gruvbox",
    "catppuccin-mocha",
    "dracula",
    "tokyo-night",
    "monokai",
    "flexoki",
    "catppuccin-latte",
    "catppuccin-frappe",
    "catppuccin-macchiato",
    "solarized-light",
    "solarized-dark",
    "rose-pine",
    "rose-pine-moon",
    "rose-pine-dawn",
    "atom-one-dark",
    "atom-one-light",
    "ansi-dark",
    "ansi-light",
)


def shipped_themes_dir() -> Path:
    """The shipped themes: `grok_tui/themes` when installed, `<repo>/themes` from a checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    installed = package_dir / "themes"
    if installed.is_dir():
        return installed
    return package_dir.parent / "themes"


def _stems(folder: Path | None) -> list[str]:
    if folder is None:
        return []
    try:
        return sorted(p.stem for p in folder.glob("*.toml") if p.is_file())
    except OSError:
        return []


def theme_names(user_dir: Path | None = None) -> list[str]:
    """Every theme name a setting may use, without reading the files or importing Textual."""
    names = set(_stems(shipped_themes_dir())) | set(_stems(user_dir)) | set(TEXTUAL_BUILTIN_THEMES)
    names.add(DEFAULT_THEME)
    return sorted(names)
