"""`grok-tui` without a subcommand: load settings, build the backend, run the app."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from typing import TYPE_CHECKING

from grok_tui.exit_codes import EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from grok_tui.chat.session import Session
    from grok_tui.store import SessionStore
    from grok_tui.ui.app import GrokApp


class StartError(Exception):
    """The app cannot start as asked (the message says why, for stderr)."""


def _create_config_file(warnings: list[str]) -> None:
    """The commented config.toml on the first run (README promises it).

    Costs one `stat` once the file exists; an existing file is never touched.
    A folder that cannot be written (read-only, full) does not stop the app:
    one warning, and the settings come from flags, the environment and defaults.
    """
    from grok_tui.config import config_path_for, ensure_config_file

    path = config_path_for(os.environ)
    try:
        ensure_config_file(path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        warnings.append(f"cannot create {path} ({reason}); running without a config file")


def _open_store(warnings: list[str]) -> SessionStore | None:
    """The session store in the data folder, or None (the app still runs, unsaved)."""
    from grok_tui import paths
    from grok_tui.store import SessionStore

    try:
        return SessionStore(paths.data_dir())
    except Exception as exc:  # an unwritable data folder must not stop the chat
        warnings.append(f"sessions are not saved: {exc}")
        return None


def _open_session(
    args: argparse.Namespace, store: SessionStore | None, warnings: list[str]
) -> Session | None:
    """The session `--session ID` or `--continue` asks for, or None for a new chat."""
    session_id = getattr(args, "session", None)
    if not session_id and not getattr(args, "continue_last", False):
        return None
    if store is None:
        raise StartError("cannot open a saved session: the session store is not available")
    try:
        if session_id:
            return store.load(store.resolve_id(session_id))
        recent = store.most_recent()
        if recent is None:
            warnings.append("--continue: there is no saved session yet; starting a new one")
            return None
        return store.load(recent.id)
    except Exception as exc:
        what = f"session {session_id}" if session_id else "the most recent session"
        raise StartError(f"cannot open {what}: {exc}") from None


def build_app(args: argparse.Namespace) -> GrokApp:
    """The app for these command-line arguments (raises StartError)."""
    from grok_tui.backend import backend_from_settings
    from grok_tui.config import load_settings
    from grok_tui.ui.app import GrokApp
    from grok_tui.ui.widgets.prompt_input import PromptHistoryWalker

    warnings: list[str] = []
    _create_config_file(warnings)
    settings, problems = load_settings(args)
    warnings.extend(str(problem) for problem in problems)
    store = _open_store(warnings)
    session = _open_session(args, store, warnings)
    return GrokApp(
        settings=settings,
        backend=backend_from_settings(settings),
        store=store,
        session=session,
        history=PromptHistoryWalker(),
        warnings=warnings,
    )


def run_app(args: argparse.Namespace) -> int:
    # Start-up (imports, the first layout) allocates a great deal and frees
    # little: cyclic collections then only walk a growing heap (about 0.1 s
    # before the first frame). The app turns them back on once its first frame
    # is painted (`GrokApp.enable_gc_after_first_frame`).
    gc.disable()
    try:
        app = build_app(args)
    except StartError as exc:
        gc.enable()
        print(f"grok-tui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BaseException:
        gc.enable()
        raise
    app.enable_gc_after_first_frame = True
    try:
        app.run()
    finally:
        gc.enable()
    return EXIT_OK
