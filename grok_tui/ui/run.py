"""`grok-tui` without a subcommand: load settings, build the backend, run the app."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grok_tui.chat.models import Session
    from grok_tui.store import SessionStore
    from grok_tui.ui.app import GrokApp


class StartError(Exception):
    """The app cannot start as asked (the message says why, for stderr)."""


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
    from grok_tui.config import load_settings
    from grok_tui.ui.app import GrokApp
    from grok_tui.ui.backend import backend_from_settings
    from grok_tui.ui.widgets.prompt_input import PromptHistory

    settings, warnings = load_settings(args)
    store = _open_store(warnings)
    session = _open_session(args, store, warnings)
    return GrokApp(
        settings=settings,
        backend=backend_from_settings(settings),
        store=store,
        session=session,
        history=PromptHistory(),
        warnings=warnings,
    )


def run_app(args: argparse.Namespace) -> int:
    try:
        app = build_app(args)
    except StartError as exc:
        print(f"grok-tui: {exc}", file=sys.stderr)
        return 2
    app.run()
    return 0
