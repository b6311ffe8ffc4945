"""Export and import files: default names, what the user typed, checks, and
the writes (no Textual; the screen runs the writes in a thread).

An export is two files with one stem: `<stem>.md` (Markdown) and
`<stem>.json` (the JSON copy `import` reads back). Neither ever overwrites a
file; a half-written pair is removed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol

from grok_tui.chat.formatting import format_date
from grok_tui.store import SessionSummary

#: Largest JSON file `import` reads.
MAX_IMPORT_BYTES = 64 * 1024 * 1024

EXPORT_SUFFIXES: tuple[str, ...] = (".md", ".json")


class Exporter(Protocol):
    """What `write_export` needs of a `SessionStore`."""

    def export_markdown(self, session_id: str) -> str: ...

    def export_json(self, session_id: str) -> str: ...


def default_export_stem(summary: SessionSummary, folder: Path) -> Path:
    """`folder/grok-<title words>-<date>` (no suffix), unique for .md and .json."""
    slug = re.sub(r"[^\w]+", "-", summary.title.lower(), flags=re.UNICODE).strip("-_")[:48]
    slug = slug.strip("-_") or "session"
    day = format_date(summary.updated_at, missing="undated")
    stem = folder / f"grok-{slug}-{day}"
    n = 2
    candidate = stem
    while candidate.with_suffix(".md").exists() or candidate.with_suffix(".json").exists():
        candidate = stem.with_name(f"{stem.name}-{n}")
        n += 1
    return candidate


def export_folder() -> Path:
    """The current folder when it is writable, else the home folder."""
    cwd = Path.cwd()
    return cwd if os.access(cwd, os.W_OK) else Path.home()


def user_path(text: str, base: Path) -> Path:
    """What the user typed as a path: `~` expanded, relative to `base`."""
    path = Path(os.path.expanduser(text.strip()))
    return path if path.is_absolute() else base / path


def export_stem(text: str, base: Path) -> Path:
    """The file stem the user means: `~` expanded, relative to `base`,
    without a trailing .md/.json."""
    path = user_path(text, base)
    if path.suffix.lower() in EXPORT_SUFFIXES:
        path = path.with_suffix("")
    return path


def check_export_target(text: str, base: Path) -> str | None:
    """Why the export cannot be written there, or None."""
    if not text.strip():
        return "Type a file name."
    stem = export_stem(text, base)
    if not stem.name:
        return "Type a file name, not only a folder."
    if not stem.parent.is_dir():
        return f"There is no folder {stem.parent}."
    for suffix in EXPORT_SUFFIXES:
        if stem.with_suffix(suffix).exists():
            return f"{stem.with_suffix(suffix)} already exists: choose another name."
    return None


def check_import_source(text: str, base: Path) -> str | None:
    """Why `text` is not a file `import` can read, or None."""
    if not text.strip():
        return "Type the path of a JSON export."
    path = user_path(text, base)
    if not path.exists():
        return f"There is no file {path}."
    if not path.is_file():
        return f"{path} is not a file."
    if path.stat().st_size > MAX_IMPORT_BYTES:
        return f"{path} is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MiB."
    return None


def write_new(path: Path, text: str) -> None:
    """Write `text` to a file that must not exist yet (never overwrites)."""
    with path.open("x", encoding="utf-8") as fh:
        fh.write(text)


def write_export(store: Exporter, session_id: str, stem: Path) -> tuple[Path, Path]:
    """Write `<stem>.md` and `<stem>.json`; both or neither. Blocking."""
    md_path, json_path = stem.with_suffix(".md"), stem.with_suffix(".json")
    markdown = store.export_markdown(session_id)
    data = store.export_json(session_id)
    write_new(md_path, markdown)
    try:
        write_new(json_path, data)
    except BaseException:
        md_path.unlink(missing_ok=True)
        raise
    return md_path, json_path
