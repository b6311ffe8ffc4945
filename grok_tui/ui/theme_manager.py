"""The live side of themes: start-up selection, a picker with preview, saving
the choice, code highlighting that follows the theme, reloading theme files.

`ThemeManager(app, *, user_dir=None, config_path=None, saver=save_setting)`

- `preselect(select)`: in `__init__`, before the app runs: registers the
  themes and makes `select` current without a theme change, so the first CSS
  parse uses it (a change after mount re-parses and re-styles everything).
- `install(select) -> list[str]`: registers every theme (shipped files, user
  files, Textual's built-ins with grok-tui's variables), switches to `select`
  (the `--theme` flag / config value; unknown -> `grok-dark` with a warning
  notice) and subscribes to `app.theme_changed_signal`. Warnings are shown as
  notifications (markup off) and returned.
- Every theme change re-styles the fenced code of every `StreamingMarkdown` on
  the screen stack (`code_theme = <the theme's code_theme>`);
  `current_code_theme` is the style new message views should start with.
- A theme change is saved to config.toml (`saver("theme", name,
  path=config_path)`, in a thread, writes serialized, latest wins) unless it
  is a preview in the picker. Start-up and fallbacks are never saved.
- `pick()`: opens `ThemePicker`, a command palette over the themes that
  starts on the current theme and previews the highlighted one. Enter keeps
  (and saves) it; Esc or a click outside restores the theme it started with
  and saves nothing. Textual 8.2.8's own `search_themes()` has no preview.
- `reload() -> list[str]` (async): re-reads the shipped and user theme files
  in a thread, re-registers them (a deleted file's theme disappears; a
  deleted override of a Textual built-in brings the built-in back), and
  re-applies the current theme so edits show at once (if its file is gone:
  `grok-dark`, with a warning, not saved). Broken files are reported one line
  each. `start_reload()` runs it as a worker (for key bindings / commands).
- `ThemeCommands`: a command-palette provider with "Theme: choose…" and
  "Theme: reload theme files".
- `ThemeManager.of(app)`: the manager installed on `app` (or None).

Wiring into `GrokApp` (ui/app.py)::

    from grok_tui.ui.theme_manager import ThemeCommands, ThemeManager

    COMMANDS = App.COMMANDS | {ChatCommands, ThemeCommands}

    # __init__, after super().__init__():
    self.theme_manager = ThemeManager(self)
    self.theme_manager.preselect(self.settings.theme)  # before the first CSS parse

    # on_mount, replacing register_themes(...) (install notifies its warnings):
    self.theme_manager.install(self.settings.theme)

    def action_pick_theme(self) -> None:
        self.theme_manager.pick()

    def search_themes(self) -> None:  # Textual's "Theme" system command
        self.theme_manager.pick()

Message views already start with `themes.code_theme_of(app)`, which is what
`current_code_theme` returns.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from textual import on
from textual.app import App
from textual.command import (
    Command,
    CommandInput,
    CommandList,
    CommandPalette,
    DiscoveryHit,
    Hit,
    Hits,
    Provider,
)
from textual.markup import escape
from textual.theme import BUILTIN_THEMES
from textual.widgets import OptionList
from textual.worker import Worker

from grok_tui.config import save_setting
from grok_tui.config.theme_names import shipped_themes_dir
from grok_tui.sanitize import strip_control
from grok_tui.ui.commands import TableCommands
from grok_tui.ui.theme_files import (
    DEFAULT_THEME,
    THEME_NAME_RE,
    GrokTheme,
    _with_grok_variables,
    code_theme_of,
    load_theme_file,
    load_themes,
)
from grok_tui.ui.widgets.markdown_stream import StreamingMarkdown

Saver = Callable[..., None]

_MANAGERS: weakref.WeakKeyDictionary[App[Any], ThemeManager] = weakref.WeakKeyDictionary()


class ThemeManager:
    """Registers, selects, previews, saves and reloads the app's themes."""

    def __init__(
        self,
        app: App[Any],
        *,
        user_dir: Path | None = None,
        config_path: Path | None = None,
        saver: Saver = save_setting,
    ) -> None:
        self.app = app
        self._user_dir = user_dir
        self._config_path = config_path
        self._saver = saver
        self._themes: dict[str, GrokTheme] = {}
        self._installed = False
        #: (select, warnings) of `preselect`, for `install` to finish.
        self._preselected: tuple[str | None, list[str]] | None = None
        #: `preselect` registered only the theme in use (see `register_rest`).
        self._rest_pending = False
        # Saving: `_wanted` is what config.toml should say, `_written` what it says.
        self._wanted: str | None = None
        self._written: str | None = None
        self._save_worker: Worker[None] | None = None
        # Preview in the picker.
        self._preview_origin: str | None = None
        self._preview_target: str | None = None
        self._preview_scheduled = False
        _MANAGERS[app] = self

    @classmethod
    def of(cls, app: App[Any]) -> ThemeManager | None:
        return _MANAGERS.get(app)

    # -- state ------------------------------------------------------------------

    @property
    def user_dir(self) -> Path:
        if self._user_dir is not None:
            return self._user_dir
        from grok_tui import paths

        return paths.user_themes_dir()

    @property
    def themes(self) -> dict[str, GrokTheme]:
        """The themes loaded from files (shipped and user), by name."""
        return dict(self._themes)

    @property
    def current_code_theme(self) -> str:
        """The Pygments style of the current theme (for new `StreamingMarkdown`s)."""
        return code_theme_of(self.app)

    @property
    def previewing(self) -> bool:
        """True while the picker is open (theme changes are previews, not saved)."""
        return self._preview_origin is not None

    @property
    def saved_theme(self) -> str | None:
        """The theme config.toml says (as far as this manager knows)."""
        return self._written

    # -- start-up -----------------------------------------------------------------

    def preselect(self, select: str | None) -> None:
        """Before the app runs: register the theme `select` names and make it
        current without a theme change, so the first CSS parse already uses
        its colours.

        Setting `app.theme` once the screen is up (what `install` does) makes
        Textual re-parse every stylesheet and re-style and repaint every widget:
        a second start-up's worth of CSS work before the first frame. Only the
        theme in use is read now; the other files and Textual's built-ins are
        registered by `register_rest` after the first frame (the picker, the
        theme list and `choose` call it first too). An unknown name or an
        unreadable file reads every file now, as `install` would, for its
        fallback and warnings. `install` (in `on_mount`) then finds the theme
        in place and changes nothing.
        """
        app = self.app
        wanted = select or DEFAULT_THEME
        one = self._load_one(wanted)
        warnings: list[str] = []
        if isinstance(one, GrokTheme):
            app.register_theme(one.textual_theme)
            self._themes = {wanted: one}
            self._rest_pending = True
        elif one is None and wanted in app.available_themes:  # a Textual built-in
            app.register_theme(_with_grok_variables(app.available_themes[wanted]))
            self._rest_pending = True
        else:
            themes, warnings = load_themes(self.user_dir)
            self._register(themes)
            if wanted not in app.available_themes:
                wanted = DEFAULT_THEME  # install() warns
        self._preselected = (select, warnings)
        refresh_filter = getattr(app, "_refresh_truecolor_filter", None)
        if wanted not in app.available_themes or refresh_filter is None:
            return  # install() switches the usual way
        # What App._watch_theme does, minus the re-parse it schedules.
        app.set_reactive(App.theme, wanted)
        theme = app.current_theme
        classes = {name: False for name in app.classes if name.startswith("-theme-")}
        classes[f"-theme-{theme.name}"] = True
        classes["-dark-mode"] = theme.dark
        classes["-light-mode"] = not theme.dark
        app.update_classes(classes, update=False)
        refresh_filter(app.ansi_theme)
        app.stylesheet.set_variables(app.get_css_variables())  # nothing parsed yet

    def _load_one(self, name: str) -> GrokTheme | None | Exception:
        """The theme file `name` (the user's replaces a shipped one), None when
        there is none, or the exception a file raised (then all are read)."""
        if not THEME_NAME_RE.match(name):
            return None
        for folder, user in ((self.user_dir, True), (shipped_themes_dir(), False)):
            path = folder / f"{name}.toml"
            try:
                if not path.is_file():
                    continue
                return load_theme_file(path, user=user)
            except Exception as exc:  # ThemeError, OSError: load_themes reports it
                return exc
        return None

    def register_rest(self) -> None:
        """Register the themes `preselect` left for later (every file, Textual's
        built-ins with grok-tui's variables) and show the warnings of files
        that cannot be used. Does nothing the second time."""
        if not self._rest_pending:
            return
        self._rest_pending = False
        themes, warnings = load_themes(self.user_dir)
        self._register(themes)
        self._notify_warnings(warnings)

    def install(self, select: str | None, *, notify: bool = True) -> list[str]:
        """Register every theme, switch to `select` and follow theme changes."""
        app = self.app
        preselected, self._preselected = self._preselected, None
        if preselected is not None and preselected[0] == select:
            warnings = list(preselected[1])
        else:
            themes, warnings = load_themes(self.user_dir)
            self._register(themes)
        wanted = select or DEFAULT_THEME
        if wanted in app.available_themes:
            app.theme = wanted
        else:
            warnings.append(f"theme {wanted!r} is not available; using {DEFAULT_THEME}")
            if DEFAULT_THEME in app.available_themes:
                app.theme = DEFAULT_THEME
        # What the app starts with is never written back.
        self._wanted = self._written = app.theme
        if not self._installed:
            app.theme_changed_signal.subscribe(app, self._on_theme_changed)
            self._installed = True
        self._apply_code_theme()
        if notify:
            self._notify_warnings(warnings)
        return warnings

    def _register(self, themes: dict[str, GrokTheme]) -> None:
        app = self.app
        for name in list(app.available_themes):
            if name not in themes and name not in self._themes:
                # Textual's own themes get grok-tui's variables.
                app.register_theme(_with_grok_variables(app.available_themes[name]))
        for name in set(self._themes) - set(themes):
            if name in BUILTIN_THEMES:
                app.register_theme(_with_grok_variables(BUILTIN_THEMES[name]))
            else:
                app.unregister_theme(name)
        for theme in themes.values():
            app.register_theme(theme.textual_theme)
        self._themes = dict(themes)

    def _notify_warnings(self, warnings: Iterable[str]) -> None:
        for text in warnings:
            self.app.notify(strip_control(text), severity="warning", markup=False, timeout=8)

    # -- following theme changes ---------------------------------------------------

    def _on_theme_changed(self, _theme: Any) -> None:
        # Delivered after the change (call_next); `app.theme` is the truth by then,
        # so a late signal from a preview never saves the previewed theme.
        self._apply_code_theme()
        if not self.previewing:
            self._request_save(self.app.theme)

    def _apply_code_theme(self) -> None:
        code_theme = self.current_code_theme
        for screen in self.app.screen_stack:
            for widget in screen.query(StreamingMarkdown):
                widget.code_theme = code_theme

    # -- saving ----------------------------------------------------------------------

    def _request_save(self, name: str) -> None:
        if name == self._wanted:
            return
        self._wanted = name
        if self._save_worker is None or self._save_worker.is_finished:
            self._save_worker = self.app.run_worker(
                self._save_loop(), name="save theme", group="theme-save", exit_on_error=False
            )

    async def _save_loop(self) -> None:
        while self._wanted is not None and self._wanted != self._written:
            name = self._wanted
            try:
                await asyncio.to_thread(self._saver, "theme", name, path=self._config_path)
            except Exception as exc:  # ConfigError, OSError, ...
                self._wanted = self._written
                self.app.notify(
                    strip_control(f"Could not save the theme: {exc}"),
                    severity="error",
                    markup=False,
                    timeout=8,
                )
                return
            self._written = name

    async def flush(self) -> None:
        """Wait until the last requested save is written (or has failed)."""
        while self._save_worker is not None and not self._save_worker.is_finished:
            try:
                await self._save_worker.wait()
            except Exception:
                pass

    # -- picker ------------------------------------------------------------------------

    def pick(self) -> None:
        """Open the theme picker (preview while moving, Enter keeps, Esc restores)."""
        self.register_rest()
        if self.previewing:
            return
        self.app.push_screen(ThemePicker(self))

    def _begin_preview(self) -> None:
        self._preview_origin = self.app.theme

    def _preview(self, name: str) -> None:
        """Show `name` now-ish: several highlights before the next refresh coalesce."""
        if not self.previewing:
            return
        self._preview_target = name
        if not self._preview_scheduled:
            self._preview_scheduled = True
            self.app.call_after_refresh(self._apply_preview)

    def _apply_preview(self) -> None:
        self._preview_scheduled = False
        name, self._preview_target = self._preview_target, None
        if self.previewing and name is not None and name in self.app.available_themes:
            self.app.theme = name

    def _end_preview(self, chosen: str | None) -> None:
        """Close the preview: keep and save `chosen`, or restore the original (None)."""
        origin = self._preview_origin
        if origin is None:
            return
        self._preview_origin = None
        self._preview_target = None
        final = chosen if chosen in self.app.available_themes else origin
        if final not in self.app.available_themes:
            final = DEFAULT_THEME
        if self.app.theme != final:
            self.app.theme = final
        if chosen is not None:
            self._request_save(final)

    def choose(self, name: str) -> None:
        """Switch to `name` and save it (no-op for an unknown name)."""
        self.register_rest()
        if self.previewing:
            self._end_preview(name)
            return
        if name in self.app.available_themes:
            self.app.theme = name
            self._request_save(name)

    # -- reload --------------------------------------------------------------------------

    async def reload(self, *, notify: bool = True) -> list[str]:
        """Re-read the theme files, re-register them and re-apply the current theme."""
        themes, warnings = await asyncio.to_thread(load_themes, self.user_dir)
        self._rest_pending = False  # everything is registered below
        app = self.app
        if self.previewing:
            self._end_preview(None)
        current = app.theme
        self._register(themes)
        if current in app.available_themes:
            app.mutate_reactive(App.theme)  # re-applies CSS variables, signals the change
        else:
            warnings.append(f"theme {current!r} is no longer available; using {DEFAULT_THEME}")
            self._wanted = DEFAULT_THEME  # a fallback is not a choice: not saved
            app.theme = DEFAULT_THEME
        self._apply_code_theme()
        if notify:
            self._notify_warnings(warnings)
            count = len(themes)
            self.app.notify(
                f"Reloaded {count} theme file{'s' if count != 1 else ''}"
                + (
                    f" ({len(warnings)} warning{'s' if len(warnings) != 1 else ''})."
                    if warnings
                    else "."
                ),
                markup=False,
            )
        return warnings

    def start_reload(self) -> None:
        """`reload()` as a worker (for commands and key bindings)."""
        self.app.run_worker(
            self.reload(),
            name="reload themes",
            group="theme-reload",
            exclusive=True,
            exit_on_error=False,
        )

    # -- listing ---------------------------------------------------------------------------

    def describe(self, name: str) -> str:
        """One line about a theme for the picker: dark/light, code style, origin."""
        theme = self.app.get_theme(name)
        if theme is None:
            return ""
        parts = ["dark" if theme.dark else "light"]
        code = theme.variables.get("code-theme")
        if code:
            parts.append(f"code: {code}")
        file_theme = self._themes.get(name)
        if file_theme is None:
            parts.append("Textual built-in")
        elif file_theme.user:
            parts.append("user file")
        return " · ".join(parts)

    def theme_list(self) -> list[str]:
        self.register_rest()
        return sorted(self.app.available_themes)


# ---------------------------------------------------------------------------
# Command palette


def _theme_of_option(option: object) -> str | None:
    if isinstance(option, Command):
        return option.hit.text
    return None


class _ThemeListProvider(Provider):
    """The themes, for `ThemePicker`."""

    def _entries(self) -> Iterator[tuple[str, str, Callable[[], None]]]:
        manager = ThemeManager.of(self.app)
        if manager is None:
            return
        origin = manager._preview_origin
        for name in manager.theme_list():
            help_text = manager.describe(name)
            if name == origin:
                help_text = f"current · {help_text}"
            yield name, help_text, partial(manager.choose, name)

    async def discover(self) -> Hits:
        for name, help_text, callback in self._entries():
            yield DiscoveryHit(name, callback, text=name, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), callback, text=name, help=escape(help_text)
                )


class ThemePicker(CommandPalette):
    """A command palette over the themes that previews the highlighted one."""

    def __init__(self, manager: ThemeManager) -> None:
        super().__init__(
            providers=[_ThemeListProvider],
            placeholder="Search for themes… (Enter keeps, Esc restores)",
        )
        self._manager = manager
        self._chosen: str | None = None
        self._ended = False
        manager._begin_preview()

    def _refresh_command_list(
        self, command_list: CommandList, commands: list[Command], clear_current: bool
    ) -> None:
        # While searching, the best match is highlighted (and previewed). With no
        # search text the list starts on the theme shown now, not on the first.
        if self.query_one(CommandInput).value.strip():
            super()._refresh_command_list(command_list, commands, clear_current)
            return
        with self.prevent(OptionList.OptionHighlighted):
            super()._refresh_command_list(command_list, commands, clear_current)
        shown = self.app.theme
        for index in range(command_list.option_count):
            if _theme_of_option(command_list.get_option_at_index(index)) == shown:
                if command_list.highlighted != index:
                    command_list.highlighted = index
                break

    @on(OptionList.OptionHighlighted)
    def _preview_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        name = _theme_of_option(event.option)
        if name is not None:
            self._manager._preview(name)

    @on(OptionList.OptionSelected)
    def _remember_choice(self, event: OptionList.OptionSelected) -> None:
        name = _theme_of_option(event.option)
        if name is not None:
            self._chosen = name

    def _finish(self) -> None:
        if not self._ended:
            self._ended = True
            self._manager._end_preview(self._chosen)

    def dismiss(self, result: Any = None) -> Any:
        self._finish()
        return super().dismiss(result)

    def on_unmount(self) -> None:
        self._finish()


class ThemeCommands(TableCommands):
    """ "Theme: choose…" and "Theme: reload theme files" in the command palette."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], None]]]:
        manager = ThemeManager.of(self.app)
        if manager is None:
            return
        yield (
            "Theme: choose…",
            "Preview themes while moving through the list; Enter keeps one, Esc restores",
            manager.pick,
        )
        yield (
            "Theme: reload theme files",
            "Re-read the shipped and user theme files and apply the changes",
            manager.start_reload,
        )
