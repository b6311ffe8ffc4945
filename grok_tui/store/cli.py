"""`grok-tui sessions list|export` (the parser is in `grok_tui/cli.py`)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from grok_tui import paths
from grok_tui.exit_codes import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from grok_tui.sanitize import one_line
from grok_tui.store.errors import DamagedSessionError, SessionNotFound
from grok_tui.store.repository import SessionSummary
from grok_tui.store.store import SessionStore


def _when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).astimezone().strftime("%Y-%m-%d %H:%M")


def _summary_json(s: SessionSummary) -> dict[str, object]:
    return {
        "id": s.id,
        "title": s.title,
        "model": s.model,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "message_count": s.message_count,
        "first_line": s.first_line,
        "snippet": s.snippet or None,
        "damaged": s.damaged,
        "path": str(s.path),
        "cost_usd": s.cost_usd,
        "cost_estimated": s.cost_estimated,
        "tokens": s.tokens,
        "branch_count": s.branch_count,
        "hit_message_id": s.hit_message_id,
    }


def _list(store: SessionStore, args: argparse.Namespace) -> int:
    limit = args.limit if args.limit is None or args.limit > 0 else None
    rows = store.list_sessions(query=args.search, limit=limit)
    if args.json:
        print(json.dumps([_summary_json(s) for s in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print(
            "no sessions" + (f" matching {one_line(args.search, 80)!r}" if args.search else ""),
            file=sys.stderr,
        )
        return EXIT_OK
    for s in rows:
        if s.damaged:
            line = f"{_when(s.updated_at)}  {s.id}  DAMAGED: {one_line(s.damaged, 120)}"
        else:
            title = one_line(s.title or s.first_line or "(untitled)", 70)
            branches = f"  ({s.branch_count} branches)" if s.branch_count > 1 else ""
            line = f"{_when(s.updated_at)}  {s.id}  {s.message_count:>4} msgs  {title}{branches}"
        print(line)
        if s.snippet:
            where = "on another branch: " if s.hit_message_id else ""
            print(f"    {where}{one_line(s.snippet, 110)}")
    return EXIT_OK


def _export(store: SessionStore, args: argparse.Namespace) -> int:
    try:
        sid = store.resolve_id(args.session_id)
        text = store.export_json(sid) if args.format == "json" else store.export_markdown(sid)
    except SessionNotFound as exc:
        print(
            f"grok-tui: {one_line(str(exc), 200)} (see `grok-tui sessions list`)", file=sys.stderr
        )
        return EXIT_USAGE
    except DamagedSessionError as exc:
        print(f"grok-tui: session {args.session_id} cannot be read: {exc.reason}", file=sys.stderr)
        return EXIT_FAILURE
    if args.output:
        out = Path(args.output).expanduser()
        try:
            out.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        except OSError as exc:
            print(f"grok-tui: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_FAILURE
        print(f"exported to {out}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


def run_sessions(args: argparse.Namespace) -> int:
    store = SessionStore(paths.data_dir())
    try:
        if args.sessions_command == "list":
            return _list(store, args)
        if args.sessions_command == "export":
            return _export(store, args)
        print(f"grok-tui: unknown sessions action {args.sessions_command!r}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        store.close()
