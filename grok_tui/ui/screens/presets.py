"""Named search presets ("news from @xai", "docs only"): storage and commands.

* `PresetStore` lists, gets, saves and deletes presets. It works on the
  `Settings.presets` dict it is given (mutated in place, so the app's settings
  stay current) and persists each change to `config.toml` through
  `grok_tui.config.save_setting(("presets", name), ...)` (a tuple key, so a name
  may contain dots).
* `PresetCommands` is a command-palette `Provider`: apply a preset, save the
  current search settings as a preset (asks for a name with `PresetNameScreen`),
  delete a preset. It acts on the `SearchForm` of the current screen and reads
  the store from `app.preset_store` (or builds one from the config file).

Preset names are user text: shown through `Content`/`Text` only, never markup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from grok_tui.chat.search import SearchSettings
from grok_tui.sanitize import strip_control
from grok_tui.ui.commands import TableCommands
from grok_tui.ui.stylesheets import stylesheet

MAX_NAME_LENGTH = 40


class PresetError(ValueError):
    """A preset name cannot be used, or the preset could not be written; says why."""


def clean_name(raw: str) -> str:
    """The preset name as stored: control characters removed, spaces collapsed.

    Raises PresetError when nothing is left or the name is too long.
    """
    name = " ".join(strip_control(raw).split())
    if not name:
        raise PresetError("a preset needs a name")
    if '"' in name or "\\" in name:
        # config.save_setting cannot yet find a table whose quoted name holds
        # an escaped character again (reported); keep names it can handle.
        raise PresetError("a preset name cannot contain double quotes or backslashes")
    if len(name) > MAX_NAME_LENGTH:
        raise PresetError(f"a preset name can have at most {MAX_NAME_LENGTH} characters")
    return name


Saver = Callable[[tuple[str, ...], Any], None]


def _config_saver(config_path: Path | None) -> Saver:
    def save(key: tuple[str, ...], value: Any) -> None:
        from grok_tui.config import ConfigError, save_setting

        try:
            save_setting(key, value, path=config_path)
        except ConfigError as exc:
            raise PresetError(str(exc)) from exc

    return save


class PresetStore:
    """Named `SearchSettings`, persisted in config.toml under `[presets."NAME"]`."""

    def __init__(
        self,
        presets: MutableMapping[str, SearchSettings] | None = None,
        *,
        config_path: Path | None = None,
        saver: Saver | None = None,
    ) -> None:
        """`presets` is used in place (pass `settings.presets`); `config_path`
        defaults to the config file of `grok_tui.paths`; `saver` replaces the
        config writer (it gets a key path and a value, None to delete)."""
        self._presets: MutableMapping[str, SearchSettings] = presets if presets is not None else {}
        self._save = saver or _config_saver(config_path)

    @classmethod
    def from_config(cls, config_path: Path | None = None) -> PresetStore:
        """A store over the presets of the config file as it is now."""
        from grok_tui.config import load_settings

        settings, _warnings = load_settings()
        return cls(settings.presets, config_path=config_path)

    def names(self) -> list[str]:
        """Preset names, sorted without regard to case."""
        return sorted(self._presets, key=lambda n: (n.casefold(), n))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._find(name) is not None

    def __len__(self) -> int:
        return len(self._presets)

    def get(self, name: str) -> SearchSettings:
        """A copy of the preset's settings; KeyError when there is none."""
        key = self._find(name)
        if key is None:
            raise KeyError(name)
        return self._presets[key].model_copy(deep=True)

    def save(self, name: str, settings: SearchSettings) -> str:
        """Save (or replace) a preset; returns the name as stored.

        A name equal to an existing one but for case replaces it. Raises
        PresetError for a bad name or when the config file cannot be written
        (nothing changes then).
        """
        clean = clean_name(name)
        value = SearchSettings.model_validate(settings.model_dump())
        old = self._find(clean)
        if old is not None and old != clean:
            self._save(("presets", old), None)
            del self._presets[old]
        self._save(("presets", clean), value)
        self._presets[clean] = value
        return clean

    def delete(self, name: str) -> str:
        """Delete a preset; returns its name. KeyError when there is none."""
        key = self._find(name)
        if key is None:
            raise KeyError(name)
        self._save(("presets", key), None)
        del self._presets[key]
        return key

    def _find(self, name: str) -> str | None:
        if name in self._presets:
            return name
        folded = " ".join(name.split()).casefold()
        for key in self._presets:
            if key.casefold() == folded:
                return key
        return None


# ---- the name prompt ---------------------------------------------------------------


class PresetNameScreen(ModalScreen[str | None]):
    """Asks for a preset name; dismisses with the cleaned name, or None on Esc."""

    DEFAULT_CSS = stylesheet(__file__)

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, existing: list[str] | None = None, *, initial: str = "") -> None:
        super().__init__()
        self._existing = {n.casefold(): n for n in (existing or [])}
        self._initial = initial

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Save search settings as a preset", classes="preset-name--title")
            yield Input(
                self._initial,
                placeholder="name, e.g. docs only",
                max_length=MAX_NAME_LENGTH,
                id="preset-name",
            )
            yield Static("Enter saves, Esc cancels", classes="preset-name--message", markup=False)

    def _message(self, text: str, *, error: bool = False) -> None:
        label = self.query_one(".preset-name--message", Static)
        label.update(Content(text))
        label.set_class(error, "-error")

    @on(Input.Changed, "#preset-name")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        name = " ".join(strip_control(event.value).split())
        existing = self._existing.get(name.casefold())
        if existing:
            self._message(f"replaces the preset {existing}")
        else:
            self._message("Enter saves, Esc cancels")

    @on(Input.Submitted, "#preset-name")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            name = clean_name(event.value)
        except PresetError as exc:
            self._message(str(exc), error=True)
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)


# ---- command palette -----------------------------------------------------------------


class PresetCommands(TableCommands):
    """Command-palette commands: apply, save and delete search presets."""

    SAVE_TEXT = "Search: save settings as a preset…"
    APPLY_PREFIX = "Search preset: "
    DELETE_PREFIX = "Delete search preset: "

    def _store(self) -> PresetStore:
        store = getattr(self.app, "preset_store", None)
        if isinstance(store, PresetStore):
            return store
        store = PresetStore.from_config()
        try:
            self.app.preset_store = store  # type: ignore[attr-defined]
        except AttributeError:
            pass
        return store

    def _form(self) -> Any:
        from grok_tui.ui.widgets.search_form import SearchForm

        forms = self.screen.query(SearchForm)
        return forms.first() if forms else None

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        names = self._store().names()
        return [
            (self.SAVE_TEXT, "Name the current search settings to reuse them", self._save),
            *(
                (
                    self.APPLY_PREFIX + name,
                    "Use these search settings in this session",
                    lambda n=name: self.apply(n),
                )
                for name in names
            ),
            *(
                (
                    self.DELETE_PREFIX + name,
                    "Remove this preset from the config file",
                    lambda n=name: self.delete(n),
                )
                for name in names
            ),
        ]

    # The actions (also callable directly, e.g. from tests or key bindings).

    def apply(self, name: str) -> None:
        form = self._form()
        if form is None:
            self.app.notify("Open a chat to use a search preset.", severity="warning")
            return
        try:
            settings = self._store().get(name)
        except KeyError:
            self.app.notify(f"There is no preset {name}.", severity="error", markup=False)
            return
        form.set_settings(settings, post=True)
        self.app.notify(f"Search preset {name} applied.", markup=False)

    async def delete(self, name: str) -> None:
        try:
            # config.toml is written in a thread: no file I/O on the event loop.
            removed = await asyncio.to_thread(self._store().delete, name)
        except KeyError:
            self.app.notify(f"There is no preset {name}.", severity="error", markup=False)
            return
        except PresetError as exc:
            self.app.notify(f"Could not delete the preset: {exc}", severity="error", markup=False)
            return
        self.app.notify(f"Search preset {removed} deleted.", markup=False)

    def _save(self) -> None:
        form = self._form()
        if form is None:
            self.app.notify("Open a chat to save its search settings.", severity="warning")
            return
        store = self._store()
        settings = form.settings
        had_errors = form.has_errors

        async def done(name: str | None) -> None:
            if name is None:
                return
            try:
                stored = await asyncio.to_thread(store.save, name, settings)
            except PresetError as exc:
                self.app.notify(f"Could not save the preset: {exc}", severity="error", markup=False)
                return
            note = " (the last valid settings; some fields still show errors)" if had_errors else ""
            self.app.notify(f"Search preset {stored} saved{note}.", markup=False)

        self.app.push_screen(PresetNameScreen(store.names()), done)
