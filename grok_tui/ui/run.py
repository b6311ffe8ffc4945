"""`grok-tui` without a subcommand: load settings, build the backend, run the app."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def _open_store(warnings: list[str]) -> Any:
    """The session store in the data folder, or None (the app still runs, unsaved)."""
    from grok_tui import paths

    try:
        from grok_tui.store import SessionStore
    except ImportError:
        warnings.append("sessions are not saved: the session store is not available")
        return None
    try:
        return SessionStore(paths.data_dir())
    except Exception as exc:  # an unwritable data folder must not stop the chat
        warnings.append(f"sessions are not saved: {exc}")
        return None


def run_app(args: argparse.Namespace) -> int:
    from grok_tui.config import load_settings
    from grok_tui.ui.backend import backend_from_settings

    settings, warnings = load_settings(args)
    store = _open_store(warnings)
    session = None
    session_id = getattr(args, "session", None)
    if session_id or getattr(args, "continue_last", False):
        if store is None:
            print("grok-tui: cannot open a saved session: no session store", file=sys.stderr)
            return 2
        try:
            if session_id:
                session = store.load(session_id)
            else:
                recent = store.most_recent()
                if recent is None:
                    warnings.append("--continue: there is no saved session yet; starting a new one")
                else:
                    session = store.load(recent.id) if hasattr(recent, "id") else recent
        except Exception as exc:
            print(f"grok-tui: cannot open session {session_id or ''}: {exc}".replace("  ", " "),
                  file=sys.stderr)
            return 2

    from grok_tui.ui.app import GrokApp
    from grok_tui.ui.widgets.prompt_input import PromptHistory

    backend = backend_from_settings(settings)
    app = GrokApp(
        settings=settings,
        backend=backend,
        store=store,
        session=session,
        history=PromptHistory(),
        warnings=warnings,
    )
    app.run()
    return 0
