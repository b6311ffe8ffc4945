"""Themes: TOML files mapped onto Textual's `Theme`, plus grok-tui's own variables.

Shipped themes live in the top-level `themes/` folder of the source tree,
installed as `grok_tui/themes/`; users add files to `paths.user_themes_dir()`.
A theme's name is its file stem; a user theme with the name of a shipped one
replaces it. A broken file is reported in one line and skipped.

File format (see docs/themes.md)::

    dark = true                 # optional, default true
    primary = "#7aa2f7"         # required
    background = "#0b0b0c"      # required
    foreground = "#e6e6e6"      # required
    secondary = "..."           # optional Textual colors: secondary, accent,
                                # surface, panel, boost, warning, error, success
    code_theme = "monokai"      # optional Pygments style for code blocks

    [variables]                 # optional; grok-tui's and Textual's CSS variables
    tool-done = "#9ece6a"

Every grok-tui variable (`GROK_VARIABLES`) gets a value derived from the
theme's colors unless the file sets it, so a minimal theme works.

Textual is imported only inside the functions, and the shipped folder is found
without importing anything heavy, so `grok-tui config` stays fast.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grok_tui.config.theme_names import DEFAULT_THEME, shipped_themes_dir

if TYPE_CHECKING:
    from textual.app import App
    from textual.theme import Theme

#: grok-tui's own CSS variables (beyond Textual's), each set by every theme.
GROK_VARIABLES: tuple[str, ...] = (
    "user-message-color",
    "user-message-background",
    "assistant-message-color",
    "assistant-message-background",
    "tool-started",
    "tool-running",
    "tool-done",
    "tool-failed",
    "citation-link",
    "reasoning-color",
)

REQUIRED_COLORS: tuple[str, ...] = ("primary", "background", "foreground")
OPTIONAL_COLORS: tuple[str, ...] = (
    "secondary",
    "accent",
    "surface",
    "panel",
    "boost",
    "warning",
    "error",
    "success",
)
_KNOWN_KEYS = {
    *REQUIRED_COLORS,
    *OPTIONAL_COLORS,
    "dark",
    "code_theme",
    "variables",
    "name",
    "description",
}

_FALLBACK = {"warning": "#ffa62b", "error": "#ba3c5b", "success": "#4EBF71"}
#: What a theme file's name (its stem, the theme's name) may be.
THEME_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class GrokTheme:
    name: str
    textual_theme: Theme
    code_theme: str
    path: Path | None = None
    user: bool = False

    @property
    def dark(self) -> bool:
        return self.textual_theme.dark


class ThemeError(ValueError):
    """Why a theme file cannot be used, in one sentence."""


def _pygments_style_exists(name: str) -> bool:
    try:
        from pygments.styles import STYLE_MAP
    except ImportError:  # pragma: no cover - older Pygments
        STYLE_MAP = {}  # noqa: N806
    if name in STYLE_MAP:
        return True
    from pygments.styles import get_all_styles

    return name in set(get_all_styles())


def _color(value: Any, key: str) -> str:
    from textual.color import Color, ColorParseError

    if not isinstance(value, str) or not value.strip():
        raise ThemeError(f'{key} must be a color string such as "#1e1e2e", got {value!r}')
    try:
        Color.parse(value.strip())
    except (ColorParseError, ValueError):
        raise ThemeError(f"{key} = {value!r} is not a color") from None
    return value.strip()


_ALPHA_RE = re.compile(r"^(?P<color>.+?)(?:\s+(?P<alpha>\d+(?:\.\d+)?)%)?$")


def _variable_value(name: str, value: Any) -> str:
    """Check a `[variables]` value: a color (optionally "COLOR 30%") or, for
    `*-style` variables, text-style words. A bad value would break the CSS
    at the moment the theme is switched to, so it is refused here."""
    if not isinstance(value, str) or not value.strip():
        raise ThemeError(f"variables.{name} must be a non-empty string, got {value!r}")
    text = value.strip()
    if name == "code-theme":
        raise ThemeError('set the code style with code_theme = "...", not in [variables]')
    if name.endswith("-style"):
        from textual.css.constants import VALID_STYLE_FLAGS

        bad = [w for w in text.split() if w not in VALID_STYLE_FLAGS]
        if bad:
            raise ThemeError(f"variables.{name} = {value!r}: {bad[0]!r} is not a text style")
        return text
    m = _ALPHA_RE.match(text)
    assert m is not None
    alpha = m.group("alpha")
    if alpha is not None and float(alpha) > 100:
        raise ThemeError(f"variables.{name} = {value!r}: the percentage must be 0-100")
    _color(m.group("color"), f"variables.{name}")
    return text


def _blend(a: str, b: str, factor: float) -> str:
    from textual.color import Color

    return Color.parse(a).blend(Color.parse(b), factor).hex


def derived_variables(colors: dict[str, str], dark: bool) -> dict[str, str]:
    """Values for every grok-tui variable from a theme's colors."""
    bg = colors.get("background") or ("#121212" if dark else "#efefef")
    fg = colors.get("foreground") or ("#e0e0e0" if dark else "#1f1f1f")
    primary = colors["primary"]
    success = colors.get("success") or _FALLBACK["success"]
    warning = colors.get("warning") or _FALLBACK["warning"]
    error = colors.get("error") or _FALLBACK["error"]
    accent = colors.get("accent") or primary
    secondary = colors.get("secondary") or primary
    return {
        "user-message-color": fg,
        "user-message-background": _blend(bg, primary, 0.14),
        "assistant-message-color": fg,
        "assistant-message-background": bg,
        "tool-started": secondary,
        "tool-running": warning,
        "tool-done": success,
        "tool-failed": error,
        "citation-link": accent,
        "reasoning-color": _blend(fg, bg, 0.45),
        # Textual derives these from a translucent foreground, which resolves
        # to near-background colors in widgets that style text through
        # component classes (tool log, status bar) on light themes: make
        # them concrete, readable colors.
        "text-muted": _blend(fg, bg, 0.35),
        "text-disabled": _blend(fg, bg, 0.55),
    }


def theme_from_data(
    name: str, data: dict[str, Any], *, path: Path | None = None, user: bool = False
) -> GrokTheme:
    """A GrokTheme from a parsed theme file; raises ThemeError with the reason."""
    from textual.theme import Theme

    missing = [k for k in REQUIRED_COLORS if k not in data]
    if missing:
        raise ThemeError(f"missing required color {', '.join(missing)}")
    colors: dict[str, str] = {}
    for key in (*REQUIRED_COLORS, *OPTIONAL_COLORS):
        if key in data:
            colors[key] = _color(data[key], key)
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeError(f"dark must be true or false, got {dark!r}")
    code_theme = data.get("code_theme", "monokai" if dark else "default")
    if not isinstance(code_theme, str) or not _pygments_style_exists(code_theme):
        raise ThemeError(f"code_theme = {code_theme!r} is not a Pygments style")
    raw_vars = data.get("variables", {})
    if not isinstance(raw_vars, dict):
        raise ThemeError('[variables] must be a table of name = "value"')
    variables = derived_variables(colors, dark)
    for var, value in raw_vars.items():
        variables[str(var)] = _variable_value(str(var), value)
    variables["code-theme"] = code_theme
    textual_theme = Theme(
        name=name,
        primary=colors["primary"],
        secondary=colors.get("secondary"),
        warning=colors.get("warning"),
        error=colors.get("error"),
        success=colors.get("success"),
        accent=colors.get("accent"),
        foreground=colors.get("foreground"),
        background=colors.get("background"),
        surface=colors.get("surface"),
        panel=colors.get("panel"),
        boost=colors.get("boost"),
        dark=dark,
        variables=variables,
    )
    return GrokTheme(
        name=name, textual_theme=textual_theme, code_theme=code_theme, path=path, user=user
    )


def load_theme_file(path: Path, *, user: bool = False) -> GrokTheme:
    name = path.stem
    if not THEME_NAME_RE.match(name):
        raise ThemeError("the file name must be letters, digits, '-', '_' or '.'")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError(f"cannot read it ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ThemeError(f"TOML syntax error: {exc}") from None
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise ThemeError(f"unknown key {unknown[0]!r}")
    return theme_from_data(name, data, path=path, user=user)


def load_themes(user_dir: Path | None = None) -> tuple[dict[str, GrokTheme], list[str]]:
    """Shipped themes, then the user's (same name replaces); warnings for skipped files."""
    themes: dict[str, GrokTheme] = {}
    warnings: list[str] = []
    folders: list[tuple[Path, bool]] = [(shipped_themes_dir(), False)]
    if user_dir is not None:
        folders.append((user_dir, True))
    for folder, user in folders:
        try:
            files = sorted(p for p in folder.glob("*.toml") if p.is_file())
        except OSError as exc:
            warnings.append(f"theme folder {folder}: cannot list it ({exc})")
            continue
        for path in files:
            try:
                themes[path.stem] = load_theme_file(path, user=user)
            except ThemeError as exc:
                warnings.append(f"theme {path}: {exc}; skipped")
            except Exception as exc:  # never fail start-up because of a theme
                warnings.append(f"theme {path}: {type(exc).__name__}: {exc}; skipped")
    return themes, warnings


def theme_variable_defaults() -> dict[str, str]:
    """Fallbacks for `App.get_theme_variable_defaults` (grok-dark-like values)."""
    defaults = derived_variables(
        {"primary": "#7aa2f7", "background": "#0b0b0c", "foreground": "#e6e6e6"}, True
    )
    defaults["code-theme"] = "monokai"
    return defaults


def _with_grok_variables(theme: Theme) -> Theme:
    """A Textual built-in theme with grok-tui's variables derived from its colors."""
    import dataclasses

    if all(v in theme.variables for v in GROK_VARIABLES):
        return theme
    colors = {
        k: getattr(theme, k)
        for k in ("primary", *OPTIONAL_COLORS, "background", "foreground")
        if getattr(theme, k) is not None
    }
    try:
        derived = derived_variables(colors, theme.dark)
    except Exception:
        return theme  # e.g. ANSI themes with colors Color cannot blend
    variables = {**derived, "code-theme": "monokai" if theme.dark else "default", **theme.variables}
    return dataclasses.replace(theme, variables=variables)


def register_themes(
    app: App[Any], user_dir: Path | None = None, *, select: str | None = None
) -> list[str]:
    """Register every theme on `app`; with `select`, also switch to it (falling back to grok-dark).

    `user_dir` defaults to `paths.user_themes_dir()`. Textual's built-in themes
    get grok-tui's variables too, so they stay usable. Returns warnings.
    """
    from grok_tui import paths

    themes, warnings = load_themes(paths.user_themes_dir() if user_dir is None else user_dir)
    for name in list(app.available_themes):
        if name not in themes:
            app.register_theme(_with_grok_variables(app.available_themes[name]))
    for theme in themes.values():
        app.register_theme(theme.textual_theme)
    if select is not None:
        if select in app.available_themes:
            app.theme = select
        else:
            warnings.append(f"theme {select!r} is not available; using {DEFAULT_THEME}")
            if DEFAULT_THEME in app.available_themes:
                app.theme = DEFAULT_THEME
    return warnings


def code_theme_of(app: App[Any]) -> str:
    """The Pygments style of the app's current theme."""
    theme = app.current_theme
    return theme.variables.get("code-theme", "monokai" if theme.dark else "default")
