"""The grok-tui Textual app: backend, store, themes, key map, command palette.

`GrokApp` holds what outlives one chat (the API backend, the session store,
the settings, the prompt history) and shows `ChatScreen`. Everything can be
injected, so tests build it with a client over the fake backend and a store
in a temp folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.screen import Screen
from textual.signal import Signal

from grok_tui.backend import Backend
from grok_tui.chat.pricing import ModelCatalog
from grok_tui.chat.session import Session
from grok_tui.store.prompt_history import PromptHistoryFile
from grok_tui.store.prompt_history import default_path as prompt_history_path
from grok_tui.store.repository import SessionRepository
from grok_tui.ui import textual_fixes
from grok_tui.ui.bindings import bindings_for, consumed_key_warnings
from grok_tui.ui.commands import TableCommands
from grok_tui.ui.gc_policy import AFTER_REPLY_SECONDS, GcPolicy, tune_allocator
from grok_tui.ui.gc_policy import TICK_SECONDS as GC_TICK_SECONDS
from grok_tui.ui.model_list_loader import ModelList
from grok_tui.ui.screens.chat import ChatScreen
from grok_tui.ui.screens.presets import PresetCommands, PresetStore
from grok_tui.ui.theme_manager import ThemeCommands, ThemeManager
from grok_tui.ui.widgets.prompt_input import PromptHistoryWalker

textual_fixes.apply()  # known Textual bugs worked around (see the module)

if TYPE_CHECKING:
    from grok_tui.api.client import XAIClient
    from grok_tui.config import Settings


#: (title, help, chat-screen action) for the command palette.
CHAT_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("New chat", "Start a new conversation", "new_chat"),
    ("Regenerate last reply", "Send the same history again for a new answer", "regenerate"),
    (
        "Edit last message",
        "Take your last message back into the prompt to edit and resend",
        "edit_last",
    ),
    ("Stop reply", "Stop the streaming reply (Esc)", "cancel"),
    ("Copy message", "Copy the highlighted message, or the last reply", "copy_message"),
    (
        "Copy last code block",
        "Copy the last code block of the highlighted message or last reply",
        "copy_code",
    ),
    ("Choose model", "Pick the model from the API's model list", "pick_model"),
    ("Edit system prompt", "Set the system prompt of this chat", "system_prompt"),
    ("Attach image", "Attach a PNG/JPEG file or an image URL to the next message", "attach"),
    ("Clear attachments", "Remove the images attached to the next message", "clear_attachments"),
    ("Enter API key", "Use an xAI API key (for this session or saved)", "api_key"),
    ("Toggle tool log", "Show or hide the tool-call and reasoning log", "toggle_tool_log"),
    (
        "Search settings",
        "Open the search settings pane and focus it (again: close it)",
        "search_settings",
    ),
    ("Wider side pane", "Make the side pane wider", "grow_pane"),
    ("Narrower side pane", "Make the side pane narrower", "shrink_pane"),
    ("Sessions", "Browse saved sessions", "sessions"),
)


class ChatCommands(TableCommands):
    """The chat actions in the command palette."""

    def _commands(self) -> Iterable[tuple[str, str, Callable[[], Any]]]:
        screen = self.screen
        if not isinstance(screen, ChatScreen):
            return
        for title, help_text, action in CHAT_COMMANDS:
            yield title, help_text, partial(screen.run_action, action)
        yield (
            "Prompt history: clear",
            "Forget the prompts you sent (Up recalls them), on disk too",
            lambda: screen.prompt.clear_history(),
        )


class ChatPresetCommands(PresetCommands):
    """Search presets for the chat screen: a preset applies even before the
    search pane was first opened (the form is created for it, hidden)."""

    def _form(self) -> Any:
        screen = self.screen
        if isinstance(screen, ChatScreen):
            return screen.search_form_now()
        return super()._form()


class GrokApp(App[None]):
    """The full-screen chat client."""

    CSS_PATH = ["app.tcss", "screens/chat/chat.tcss"]
    TITLE = "grok-tui"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("app")
    COMMANDS = App.COMMANDS | {ChatCommands, ChatPresetCommands, ThemeCommands}
    ENABLE_COMMAND_PALETTE = True
    #: Set by `run_app`, which turns automatic garbage collection off for
    #: start-up: the app turns it back on after its first frame.
    enable_gc_after_first_frame = False

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        backend: Backend | None = None,
        client: XAIClient | None = None,
        store: SessionRepository | None = None,
        session: Session | None = None,
        history: PromptHistoryWalker | None = None,
        warnings: Iterable[str] = (),
    ) -> None:
        super().__init__()
        if settings is None:
            from grok_tui.config import Settings as _Settings

            settings = _Settings()
        self.settings = settings
        if backend is None:
            if client is not None:
                backend = Backend(client=client, demo=False, tool_config=settings.tools)
            else:
                from grok_tui.backend import backend_from_settings

                backend = backend_from_settings(settings)
        self.backend = backend
        #: Published with the new backend when it changes (an API key entered):
        #: the chat screen subscribes (banner, status bar) instead of being called.
        self.backend_changed: Signal[Backend] = Signal(self, "backend-changed")
        #: Published when the server's model list filled `model_catalog`: a
        #: reply that ended before it arrived is priced then (the chat screen).
        self.prices_changed: Signal[ModelCatalog] = Signal(self, "prices-changed")
        self.store = store
        self.model = session.model if session is not None else settings.model
        self._initial_session = session
        self.history = history if history is not None else PromptHistoryWalker()
        #: Keys entered with use_api_key (masked out of the prompt history file).
        self._entered_keys: list[str] = []
        #: The sent prompts on disk (None: settings.history_size is 0).
        self.prompt_history_file = self._open_prompt_history()
        self.startup_warnings = list(warnings)
        #: The server's model list once fetched (prices, input modalities).
        self.model_catalog = ModelCatalog()
        #: Fetches it once in the background after the first frame (`on_mount`).
        self.model_list = ModelList(self, self.model_catalog)
        self._old_clients: list[Any] = []
        #: Named search presets (PresetCommands reads it); edits settings.presets in place.
        self.preset_store = PresetStore(
            self.settings.presets, config_path=self.settings.config_path
        )
        #: Theme selection, the previewing picker, saving the choice, code styles, reloads.
        self.theme_manager = ThemeManager(self, config_path=self.settings.config_path)
        # The theme in place before the first CSS parse (see `preselect`).
        self.theme_manager.preselect(self.settings.theme)

    def _open_prompt_history(self) -> PromptHistoryFile | None:
        size = self.settings.history_size
        if size <= 0:
            return None
        return PromptHistoryFile(prompt_history_path(), limit=size, secrets=self.api_keys)

    def api_keys(self) -> list[str]:
        """Every API key this run knows, and the MCP tokens of config.toml (to
        mask them out of what is written)."""
        tokens = self.backend.tool_config.secrets() if hasattr(self, "backend") else []
        return [k for k in (self.settings.key_value(), *self._entered_keys, *tokens) if k]

    # -- screens ----------------------------------------------------------------

    def new_session(self) -> Session:
        return Session(model=self.model, search=self.settings.search.model_copy(deep=True))

    @property
    def initial_session(self) -> Session | None:
        """The session the app opens with (None: a new chat)."""
        return self._initial_session

    @property
    def chat_session_id(self) -> str | None:
        return self._initial_session.id if self._initial_session is not None else None

    def get_default_screen(self) -> ChatScreen:
        session = self._initial_session or self.new_session()
        return ChatScreen(session, history=self.history)

    @property
    def chat(self) -> ChatScreen:
        for screen in self.screen_stack:
            if isinstance(screen, ChatScreen):
                return screen
        raise LookupError("no chat screen")

    def on_mount(self) -> None:
        # Full garbage collections wait until no reply streams (see gc_policy).
        self.gc_policy = GcPolicy(self._is_streaming)
        self.call_after_refresh(self._after_first_frame)
        self.backend_changed.subscribe(self, lambda _backend: self.model_list.start())
        self.theme_manager.install(self.settings.theme)  # notifies its own warnings
        if self.settings.keys:
            self.set_keymap(self.settings.keys)
        for text in [*self.startup_warnings, *consumed_key_warnings(self.settings.keys or {})]:
            self.notify(text, severity="warning", markup=False, timeout=8)
        degraded = self.store.degraded if self.store is not None else None  # index in memory
        if degraded:
            self.notify(degraded, severity="warning", markup=False, timeout=8)  # one_line-clean

    def _after_first_frame(self) -> None:
        if self.enable_gc_after_first_frame:  # `run_app` turned it off for start-up
            gc.enable()
        self.theme_manager.register_rest()  # the themes not in use (see preselect)
        self._start_gc_policy()
        self._warm_up_backend()

    def _start_gc_policy(self) -> None:
        # What the first reply needs and the first frame did not (imported
        # lazily for start-up time): load it now, before it is frozen.
        from grok_tui.ui.markdown.blocks import parser
        from grok_tui.ui.theme_files import code_theme_of
        from grok_tui.ui.widgets.markdown_stream import _render

        render = _render()
        parser()
        tune_allocator()  # before the threads below and the writer's (see gc_policy)
        # Lexers and code styles load in a thread: their first use in a reply
        # was a freeze of 0.1-0.4 s (bench_terminal, longest freeze).
        threading.Thread(
            target=render.warm_up, args=(code_theme_of(self),), name="warm-up", daemon=True
        ).start()
        self.set_interval(GC_TICK_SECONDS, self._gc_tick, name="gc-policy")

    def _warm_up_backend(self) -> None:
        """Build the API client (httpx, TLS context; the fake in the demo) in a
        thread once the first frame is up, so the first request does not pay
        for it and start-up does not either."""
        backend = self.backend

        def build() -> None:
            backend.client  # noqa: B018 - built on first access
            # Prices before the picker: the model list, once the client exists.
            with contextlib.suppress(RuntimeError):  # the app closed meanwhile
                self.call_from_thread(self.model_list.start)

        self.run_worker(build, thread=True, group="warm-up", exit_on_error=False)

    def _gc_tick(self) -> None:
        # The policy starts (a full collection, then gc.freeze) at the first
        # tick with no reply streaming, not in the middle of the first reply.
        policy = self.gc_policy
        if policy.active:
            policy.tick()
        elif not self._is_streaming():
            policy.start()

    def reply_ended(self) -> None:
        """A reply ended (the chat screen): give the memory it freed back soon
        (see `gc_policy`), not at the next one-second tick, or never when it
        streamed between two ticks."""
        policy = getattr(self, "gc_policy", None)
        if policy is not None and policy.active:
            policy.reply_ended()
            self.set_timer(AFTER_REPLY_SECONDS, self._gc_tick, name="gc-after-reply")

    def _is_streaming(self) -> bool:
        try:
            return self.chat.is_streaming
        except LookupError:
            return False

    # -- backend ------------------------------------------------------------------

    def remember_model(self, model: str) -> None:
        self.model = model

    def api_key_in_use(self) -> tuple[str | None, str]:
        """(the key the backend uses, where it came from); (None, "") in demo."""
        if self.backend.demo:
            return None, ""
        if self._entered_keys:
            return self._entered_keys[-1], "entered in this run"
        source = {
            "env": "from XAI_API_KEY",
            ".env": "from ./.env",
            "config": "from config.toml",
        }.get(self.settings.api_key_source or "", "")
        return self.settings.key_value(), source

    def use_api_key(self, key: str, *, save: bool = False) -> None:
        """Switch to the real API with `key` (kept for this run; saved to the
        config file, mode 0600, when `save`)."""
        from grok_tui.backend import real_backend
        from grok_tui.config import DEFAULT_BASE_URL, mask_key

        key = key.strip()
        if not key:
            return
        self._entered_keys.append(key)
        base_url = self.settings.base_url or DEFAULT_BASE_URL
        old = self.backend
        self.backend = real_backend(
            key, base_url=base_url, api=self.settings.api, settings=self.settings
        )
        if old.built_client is not None:
            self._old_clients.append(old.built_client)
        self.backend_changed.publish(self.backend)
        if save:
            self.run_worker(self._save_key(key), group="config", exit_on_error=False)
        else:
            self.notify(f"Using API key {mask_key(key)} for this session.", markup=False)

    async def _save_key(self, key: str) -> None:
        from grok_tui.config import ConfigError, mask_key, save_api_key

        try:
            await asyncio.to_thread(save_api_key, key)
        except (ConfigError, OSError) as exc:
            self.notify(f"Could not save the key: {exc}", severity="error", markup=False)
            return
        self.notify(f"Saved API key {mask_key(key)} to the config file (mode 0600).", markup=False)

    # -- app actions ---------------------------------------------------------------

    def action_help(self) -> None:
        from grok_tui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Stop a streaming reply (kept as stopped), save the chat, then exit."""
        try:
            chat = self.chat
        except LookupError:
            self.exit()
            return
        await chat.shutdown()
        self.exit()

    def action_pick_theme(self) -> None:
        self.theme_manager.pick()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's commands without its "Theme": the palette has one theme
        command, ours ("Theme: choose…", which previews and saves)."""
        for command in super().get_system_commands(screen):
            if command.title != "Theme":
                yield command

    def search_themes(self) -> None:
        """Textual's own "Theme" command opens our previewing picker too."""
        self.theme_manager.pick()

    async def on_unmount(self) -> None:
        policy = getattr(self, "gc_policy", None)
        if policy is not None:
            policy.stop()
        for client in [*self._old_clients, self.backend.built_client]:
            if client is None:  # never built: nothing was sent
                continue
            try:
                await client.aclose()
            except Exception:
                pass
