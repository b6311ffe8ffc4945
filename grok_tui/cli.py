"""The `grok-tui` command line: the TUI, `ask`, `sessions` and `config`.

Heavy modules (Textual, httpx) are imported only by the subcommand that needs
them, so `--help` and `--version` answer at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from grok_tui import __version__
from grok_tui.api.endpoint import DEFAULT_BASE_URL
from grok_tui.exit_codes import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED


def _add_connection_flags(parser: argparse.ArgumentParser, *, sub: bool = False) -> None:
    # On a subcommand the defaults are SUPPRESS, so `grok-tui --model X ask ...`
    # keeps X instead of the subparser overwriting it with None.
    extra: dict[str, Any] = {"default": argparse.SUPPRESS} if sub else {}
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help=f"API root including /v1, as the OpenAI SDK takes it (default {DEFAULT_BASE_URL})",
        **extra,
    )
    parser.add_argument(
        "--model", metavar="NAME", help="model to use (default from config)", **extra
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use the offline demo backend (no key, no network)",
        **extra,
    )
    parser.add_argument(
        "--api",
        choices=("responses", "chat"),
        **extra,
        help="wire API: responses (default; search tools) or chat (OpenAI-compatible completions)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grok-tui",
        description=(
            "A keyboard-first terminal client for xAI's Grok API. Without a subcommand it "
            "opens the full-screen chat. The API key comes from XAI_API_KEY (or a .env file "
            "in the working folder, or the config file); without one the app starts on the "
            "offline demo backend."
        ),
        epilog=(
            "Environment: XAI_API_KEY, GROK_TUI_CONFIG_DIR, GROK_TUI_DATA_DIR, "
            "GROK_TUI_* settings (see `grok-tui config`)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"grok-tui {__version__}")
    _add_connection_flags(parser)
    parser.add_argument("--theme", metavar="NAME", help="theme name (a file stem in themes/)")
    parser.add_argument(
        "--continue",
        dest="continue_last",
        action="store_true",
        help="reopen the most recent session",
    )
    parser.add_argument("--session", metavar="ID", help="open the session with this id")

    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = sub.add_parser(
        "ask",
        help="ask one question headlessly; the answer goes to stdout",
        description=(
            "Stream one answer to stdout; tool calls, reasoning progress and a final "
            "usage/cost line go to stderr. Exit codes: 0 success, 1 API error, "
            "2 usage error (including invalid filters), 130 interrupted."
        ),
    )
    ask.add_argument("prompt", help='the question; "-" reads it from standard input')
    _add_connection_flags(ask, sub=True)
    ask.add_argument("--system", metavar="TEXT", help="system prompt")
    ask.add_argument(
        "--image",
        metavar="PATH_OR_URL",
        action="append",
        default=[],
        help="attach a PNG/JPEG file or an image URL (repeatable)",
    )
    ask.add_argument("--web-search", action="store_true", help="enable the web_search tool")
    ask.add_argument("--x-search", action="store_true", help="enable the x_search tool")
    ask.add_argument(
        "--allow-domain",
        metavar="DOMAIN",
        action="append",
        default=[],
        help="web search only these domains (max 5; implies --web-search)",
    )
    ask.add_argument(
        "--exclude-domain",
        metavar="DOMAIN",
        action="append",
        default=[],
        help="web search never these domains (max 5; implies --web-search)",
    )
    ask.add_argument(
        "--allow-handle",
        metavar="HANDLE",
        action="append",
        default=[],
        help="X search only these handles (max 10; implies --x-search)",
    )
    ask.add_argument(
        "--exclude-handle",
        metavar="HANDLE",
        action="append",
        default=[],
        help="X search never these handles (max 10; implies --x-search)",
    )
    ask.add_argument(
        "--from-date", metavar="YYYY-MM-DD", help="X search from this date (implies --x-search)"
    )
    ask.add_argument(
        "--to-date", metavar="YYYY-MM-DD", help="X search up to this date (implies --x-search)"
    )
    ask.add_argument(
        "--image-understanding",
        action="store_true",
        help="let the search tools look at images",
    )
    ask.add_argument(
        "--video-understanding",
        action="store_true",
        help="let X search look at videos (implies --x-search)",
    )
    ask.add_argument(
        "--reasoning-effort",
        metavar="LEVEL",
        help="none, low, medium, high or xhigh (where the model takes it)",
    )
    ask.add_argument("--max-turns", type=int, metavar="N", help="maximum agentic tool turns")
    ask.add_argument(
        "--file",
        metavar="PATH",
        action="append",
        default=[],
        help="attach a document (PDF, text, Markdown, source; repeatable), uploaded "
        "through the Files API (progress on stderr when it is a terminal)",
    )
    ask.add_argument(
        "--code-execution",
        action="store_true",
        help="let the model run Python on xAI's servers (code_interpreter tool)",
    )
    ask.add_argument(
        "--mcp",
        metavar="LABEL",
        action="append",
        default=[],
        help="use the remote MCP server of this label from config.toml [[mcp]] (repeatable)",
    )
    ask.add_argument(
        "--collection",
        metavar="ID",
        action="append",
        default=[],
        help="search this collection (file_search tool; repeatable, at most 10)",
    )
    ask.add_argument(
        "--collection-results",
        type=int,
        metavar="N",
        help="results per collections search (1-50; default: the server's)",
    )
    ask.add_argument("--json", action="store_true", help="print newline-delimited JSON events")
    ask.add_argument(
        "--schema",
        metavar="FILE",
        help="structured output: a JSON schema file the answer must follow",
    )

    sessions = sub.add_parser("sessions", help="list or export saved sessions")
    sessions_sub = sessions.add_subparsers(dest="sessions_command", metavar="ACTION")
    sessions_sub.required = True
    ls = sessions_sub.add_parser("list", help="list sessions, newest first")
    ls.add_argument("--limit", type=int, default=50, help="how many to list (default 50)")
    ls.add_argument("--search", metavar="TEXT", help="only sessions matching TEXT")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ex = sessions_sub.add_parser("export", help="export one session")
    ex.add_argument("session_id", metavar="ID")
    ex.add_argument("--format", choices=("md", "json"), default="md")
    ex.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")

    sub.add_parser("config", help="print where the config file is and the settings in force")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "ask":
            from grok_tui.ask import run_ask

            return run_ask(args)
        if args.command == "sessions":
            from grok_tui.store.cli import run_sessions

            return run_sessions(args)
        if args.command == "config":
            from grok_tui.config import run_config_command

            return run_config_command(args)
        from grok_tui.ui.run import run_app

        return run_app(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return _stdout_closed()


def _stdout_closed() -> int:
    """The reader of stdout went away (`grok-tui ask ... | head`): stop
    quietly, as Unix tools do. Standard output is pointed at /dev/null so the
    interpreter's final flush does not report the broken pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor (tests, embedding)
        pass
    return EXIT_BROKEN_PIPE
