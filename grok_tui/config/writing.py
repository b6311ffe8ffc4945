"""Writing `config.toml`: the first-run file, and one setting at a time.

Reads go through `tomllib` (fast, every start-up); a write re-reads the file
with tomlkit, the style-preserving TOML library, so the user's comments, order
and quoting survive. tomlkit is imported only here, inside the functions that
write, so start-up never pays for it. Every write is atomic (a temporary file
in the same folder, fsync, rename) and a file holding an API key or an MCP
token is 0600.
"""

from __future__ import annotations

import copy
import os
import stat
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr

from grok_tui import paths
from grok_tui.chat.tools import has_file_tokens
from grok_tui.config.template import CONFIG_TEMPLATE

#: The first line of a file rewritten from data (an edit in place was not possible).
REWRITTEN_HEADER = "# grok-tui configuration (rewritten by grok-tui; comments were lost).\n"


class ConfigError(Exception):
    """Writing the config file failed; the message says why, in words."""


# ---------------------------------------------------------------------------
# Files


def _temporary_copy(folder: Path, text: str, mode: int) -> str:
    """A synced temporary file in `folder` holding `text` with `mode`; its path.

    mkstemp creates it 0600, so a key is never readable by others, even briefly.
    """
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if mode != 0o600:
            os.chmod(tmp, mode)
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def atomic_write(path: Path, text: str, *, mode: int) -> None:
    """Replace `path` with `text` all at once (readers see the old or the new file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary_copy(path.parent, text, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise


def _create_exclusively(path: Path, text: str) -> None:
    """Write a new file at `path`, whole, and never over a file that exists,
    even one created a moment ago by another grok-tui starting at once."""
    tmp = _temporary_copy(path.parent, text, 0o644)
    try:
        try:
            os.link(tmp, path)  # fails if `path` exists: nothing is replaced
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
            try:
                with os.fdopen(os.open(path, flags, 0o644), "w", encoding="utf-8") as fh:
                    fh.write(text)
            except FileExistsError:
                pass
    finally:
        _unlink(tmp)


def ensure_config_file(path: Path | None = None) -> Path:
    """Create the commented config file if it is missing; return its path.

    An existing file is never touched (one `stat` when it exists). Raises
    `OSError` when the folder or the file cannot be created.
    """
    target = path if path is not None else paths.config_file()
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        _create_exclusively(target, CONFIG_TEMPLATE)
    return target


# ---------------------------------------------------------------------------
# Values


def split_setting_key(key: str | Sequence[str]) -> tuple[str, ...]:
    """A dotted setting name as a path; binding ids and preset names keep their dots."""
    if not isinstance(key, str):
        return tuple(key)
    head, _, rest = key.partition(".")
    if head == "keys" and rest:
        return ("keys", rest)  # binding ids contain dots: "keys.chat.send"
    if head == "presets" and rest:
        name, _, more = rest.partition(".")
        return ("presets", name, *(more.split(".") if more else ()))
    return tuple(key.split("."))


def plain_value(value: Any) -> Any:
    """What TOML will hold: models and mappings as tables (None fields left
    out), tuples as arrays, a `SecretStr` as its text."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, Mapping):
        return {str(k): plain_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [plain_value(v) for v in value]
    return value


def with_change(data: Mapping[str, Any], parts: tuple[str, ...], value: Any) -> dict[str, Any]:
    """A copy of `data` with `value` at `parts` (None: removed)."""
    out = copy.deepcopy(dict(data))
    node = out
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            if value is None:
                return out
            child = {}
            node[part] = child
        node = child
    if value is None:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = value
    return out


# ---------------------------------------------------------------------------
# save_setting


def save_setting(key: str | Sequence[str], value: Any, *, path: Path | None = None) -> None:
    """Set (or with `value=None` delete) one setting in config.toml, keeping comments.

    `key` is dotted ("theme", "timeouts.read", "search.web.enabled",
    "presets.news", "keys.chat.send": everything after "keys." is the binding
    id) or a tuple path. Mappings and pydantic models (a preset) are written as
    tables. A setting still commented out in the file (`# theme = ...`, as the
    first-run file has them) is uncommented in place. The write is atomic; a
    file holding an API key or an MCP token stays 0600. Raises ConfigError when the file cannot
    be read, parsed or written.
    """
    import tomllib

    from grok_tui.config.toml_edit import edit_text

    target = path if path is not None else paths.config_file()
    parts = split_setting_key(key)
    if not parts or not all(parts):
        raise ConfigError(f"{key!r} is not a setting name")
    plain = plain_value(value)
    exists = target.exists()
    try:
        text = target.read_text(encoding="utf-8") if exists else CONFIG_TEMPLATE
    except OSError as exc:
        raise ConfigError(f"cannot read {target}: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{target} has a TOML syntax error ({exc}); fix it first") from exc
    expected = with_change(data, parts, plain)
    new_text = edit_text(text, parts, plain, expected)
    if new_text is None:
        # No edit in place gave the intended document (an unusual layout, such
        # as dotted keys spanning tables): rewrite it from the data.
        import tomlkit

        new_text = REWRITTEN_HEADER + tomlkit.dumps(expected)
    if exists and new_text == text:
        return
    if "api_key" in expected or has_file_tokens(expected):
        mode = 0o600
    elif exists:
        mode = stat.S_IMODE(target.stat().st_mode)
    else:
        mode = 0o644
    try:
        atomic_write(target, new_text, mode=mode)
    except OSError as exc:
        raise ConfigError(f"cannot write {target}: {exc}") from exc


def save_api_key(key: str, *, path: Path | None = None) -> None:
    """Store the API key in config.toml (mode 0600). Raises ConfigError."""
    cleaned = key.strip()
    if not cleaned:
        raise ConfigError("the API key is empty")
    target = path if path is not None else paths.config_file()
    save_setting("api_key", cleaned, path=target)
    if os.name == "posix":
        try:
            os.chmod(target, 0o600)
        except OSError as exc:
            raise ConfigError(f"cannot make {target} private: {exc}") from exc
