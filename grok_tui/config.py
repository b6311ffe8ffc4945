"""Settings: `config.toml`, environment variables and command-line flags.

Precedence, highest first: command-line flags > environment variables >
`config.toml` > built-in defaults. A bad value anywhere produces a warning that
names the key, the value and what is allowed, and that key falls back to the
next source; nothing here ever raises while *loading* settings.

Environment variables (documented in `ENV_VARS`):

=========================  ===============================================
``XAI_API_KEY``            the API key (also read from ``./.env``)
``GROK_TUI_MODEL``         default model
``GROK_TUI_BASE_URL``      API root including ``/v1``
``GROK_TUI_API``           ``responses`` or ``chat``
``GROK_TUI_THEME``         theme name
``GROK_TUI_CONNECT_TIMEOUT`` / ``GROK_TUI_READ_TIMEOUT`` / ``GROK_TUI_WRITE_TIMEOUT``
                           seconds (positive numbers)
``GROK_TUI_SHOW_TOOL_LOG`` ``1``/``0``, ``true``/``false``, ``yes``/``no``, ``on``/``off``
``GROK_TUI_DEMO_RATE``     demo backend speed in tokens per second
``GROK_TUI_CONFIG_DIR``    folder of ``config.toml`` and user ``themes/``
``GROK_TUI_DATA_DIR``      folder of sessions and logs
=========================  ===============================================

The API key is looked up in ``XAI_API_KEY``, then in a ``.env`` file in the
working folder, then in ``config.toml``'s ``api_key``. A config file holding a
key is kept at mode 0600. The key is a `SecretStr` and only ever shown through
`mask_key`.

This module never imports Textual.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import sys
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from grok_tui import paths
from grok_tui.chat.search import SearchSettings, validation_messages
from grok_tui.chat.tools import ToolConfig, describe_tools, has_file_tokens, tool_config_from
from grok_tui.toml_edit import TomlDocument, toml_key, toml_value

if TYPE_CHECKING:
    import argparse

DEFAULT_MODEL = "grok-4.3"
DEFAULT_BASE_URL = "https://api.x.ai/v1"
DEFAULT_API: Literal["responses"] = "responses"
DEFAULT_THEME = "grok-dark"
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 3600.0
DEFAULT_WRITE_TIMEOUT = 30.0
DEFAULT_SHOW_TOOL_LOG = True
DEFAULT_DEMO_RATE = 80.0
DEFAULT_HISTORY_SIZE = 1000
MAX_HISTORY_SIZE = 100_000
API_CHOICES = ("responses", "chat")

KeySource = Literal["env", ".env", "config"]

#: Environment variables that set a setting: variable -> setting name.
ENV_VARS: dict[str, str] = {
    "GROK_TUI_MODEL": "model",
    "GROK_TUI_BASE_URL": "base_url",
    "GROK_TUI_API": "api",
    "GROK_TUI_THEME": "theme",
    "GROK_TUI_CONNECT_TIMEOUT": "timeouts.connect",
    "GROK_TUI_READ_TIMEOUT": "timeouts.read",
    "GROK_TUI_WRITE_TIMEOUT": "timeouts.write",
    "GROK_TUI_SHOW_TOOL_LOG": "show_tool_log",
    "GROK_TUI_DEMO_RATE": "demo_rate",
}

#: Command-line flags that set a setting: argparse dest -> (setting name, flag).
FLAGS: dict[str, tuple[str, str]] = {
    "model": ("model", "--model"),
    "base_url": ("base_url", "--base-url"),
    "api": ("api", "--api"),
    "theme": ("theme", "--theme"),
}


class ConfigError(Exception):
    """Writing the config file failed; the message says why, in words."""


class TimeoutSettings(BaseModel):
    """Seconds; `read` is long because reasoning models think before answering."""

    model_config = ConfigDict(extra="forbid")

    connect: float = DEFAULT_CONNECT_TIMEOUT
    read: float = DEFAULT_READ_TIMEOUT
    write: float = DEFAULT_WRITE_TIMEOUT


class Settings(BaseModel):
    """Every setting in force. `repr()` and `str()` never show the API key."""

    model_config = ConfigDict(extra="forbid")

    api_key: SecretStr | None = None
    api_key_source: KeySource | None = None
    base_url: str = DEFAULT_BASE_URL
    api: Literal["responses", "chat"] = DEFAULT_API
    model: str = DEFAULT_MODEL
    theme: str = DEFAULT_THEME
    timeouts: TimeoutSettings = Field(default_factory=TimeoutSettings)
    show_tool_log: bool = DEFAULT_SHOW_TOOL_LOG
    #: True when forced by --demo, or when there is no key and the default API root is used.
    demo: bool = False
    #: Why demo is on: "--demo", "no API key", or None.
    demo_reason: str | None = None
    #: Demo backend speed, tokens per second.
    demo_rate: float = DEFAULT_DEMO_RATE
    #: Sent prompts kept on disk for Up-arrow recall across runs; 0 = none kept.
    history_size: int = DEFAULT_HISTORY_SIZE
    search: SearchSettings = Field(default_factory=SearchSettings)
    presets: dict[str, SearchSettings] = Field(default_factory=dict)
    #: `[[mcp]]` servers and `[collections]` names (grok_tui.chat.tools).
    tools: ToolConfig = Field(default_factory=ToolConfig)
    #: Binding id -> Textual key string ("ctrl+s" or "f2,ctrl+t"); only valid ids.
    keys: dict[str, str] = Field(default_factory=dict)
    #: Setting name -> where it came from: "flag --model", "env GROK_TUI_MODEL", "file", "default".
    sources: dict[str, str] = Field(default_factory=dict)
    config_path: Path | None = None

    @property
    def masked_key(self) -> str:
        return mask_key(self.api_key)

    def key_value(self) -> str | None:
        """The plain API key for the HTTP client (never display this)."""
        return self.api_key.get_secret_value() if self.api_key is not None else None


# ---------------------------------------------------------------------------
# Masking


def mask_key(key: str | SecretStr | None) -> str:
    """`xai-…b14o`: the public prefix and never more than the last 4 characters."""
    if key is None:
        return "not set"
    text = key.get_secret_value() if isinstance(key, SecretStr) else key
    text = text.strip()
    if not text:
        return "not set"
    prefix = "xai-" if text.startswith("xai-") else ""
    body = text[len(prefix) :]
    if len(body) < 12:
        # Too short to show any of it without giving most of it away.
        return f"{prefix}…"
    return f"{prefix}…{body[-4:]}"


# ---------------------------------------------------------------------------
# .env files


def parse_dotenv(text: str) -> dict[str, str]:
    """KEY=VALUE lines: `export ` prefix, single/double quotes, `#` comments."""
    out: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            continue
        value = value.strip()
        if value[:1] in ("'", '"'):
            quote = value[0]
            end = value.find(quote, 1)
            if end == -1:
                value = value[1:]
            else:
                value = value[1:end]
            if quote == '"':
                value = (
                    value.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")
                )
        else:
            hash_at = re.search(r"\s#", value)
            if hash_at:
                value = value[: hash_at.start()]
            value = value.strip()
        out[name] = value
    return out


def _read_dotenv(cwd: Path) -> dict[str, str]:
    path = cwd / ".env"
    try:
        return parse_dotenv(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return {}


# ---------------------------------------------------------------------------
# Value checking: each returns the cleaned value or raises _Bad(allowed)


class _Bad(ValueError):
    """`str(self)` is what is allowed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _check_str(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad("a non-empty string")
    return value.strip()


def _check_url(value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"^https?://[^\s/]+", value.strip()):
        raise _Bad("an http:// or https:// URL such as https://api.x.ai/v1")
    return value.strip().rstrip("/")


def _check_api(value: Any) -> str:
    if value not in API_CHOICES:
        raise _Bad(" or ".join(API_CHOICES))
    return str(value)


def _check_positive(value: Any) -> float:
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise _Bad("a positive number of seconds") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Bad("a positive number")
    if not math.isfinite(value) or value <= 0:
        raise _Bad("a positive number")
    return float(value)


def _check_history_size(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_HISTORY_SIZE:
        raise _Bad(f"a whole number from 0 (keep none) to {MAX_HISTORY_SIZE}")
    return value


def _check_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    raise _Bad("true or false")


def _check_theme(value: Any, known: set[str]) -> str:
    if not isinstance(value, str) or value.strip() not in known:
        raise _Bad("one of " + ", ".join(sorted(known)))
    return value.strip()


def _fmt(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# ---------------------------------------------------------------------------
# Loading


def _config_path_for(environ: Mapping[str, str]) -> Path:
    override = environ.get("GROK_TUI_CONFIG_DIR")
    if override:
        return Path(override).expanduser() / "config.toml"
    return paths.config_file()


def _known_theme_names(config_path: Path) -> set[str]:
    from grok_tui.ui.themes import theme_names

    return set(theme_names(config_path.parent / "themes"))


def _read_file(path: Path, warnings: list[str]) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        warnings.append(f"{path}: cannot read the config file ({exc}); using the default settings")
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        warnings.append(
            f"{path}: TOML syntax error: {exc}; using the default settings for everything"
        )
        return {}


def _fix_permissions(path: Path, warnings: list[str]) -> None:
    if os.name != "posix":
        return
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, 0o600)
            warnings.append(
                f"{path} holds an API key and was readable by others (mode {mode:o}); "
                "its permissions are now 0600"
            )
    except OSError as exc:
        warnings.append(f"{path} holds an API key and its permissions could not be fixed: {exc}")


_TOP_KEYS = {
    "api_key", "model", "base_url", "api", "theme", "show_tool_log", "demo_rate", "history_size",
    "timeouts", "search", "presets", "keys", "mcp", "collections",
}


def _search_from(
    table: Any, where: str, warnings: list[str]
) -> SearchSettings:
    """SearchSettings from a TOML table; each bad field warns and takes its default."""
    if not isinstance(table, dict):
        warnings.append(f"{where} must be a table, got {_fmt(table)}; using the defaults")
        return SearchSettings()
    data: dict[str, Any] = json.loads(json.dumps(table, default=str))
    for sub in ("web", "x"):
        if sub in data and not isinstance(data[sub], dict):
            warnings.append(
                f"{where}.{sub} must be a table, got {_fmt(data[sub])}; using the defaults"
            )
            del data[sub]
    known = set(SearchSettings.model_fields)
    for name in list(data):
        if name not in known:
            warnings.append(f"{where}.{name}: unknown setting, ignored")
            del data[name]
    for sub, model in (("web", "WebSearchSettings"), ("x", "XSearchSettings")):
        fields = set(SearchSettings.model_fields[sub].annotation.model_fields)  # type: ignore[union-attr]
        for name in list(data.get(sub, {})):
            if name not in fields:
                warnings.append(f"{where}.{sub}.{name}: unknown setting, ignored")
                del data[sub][name]
    # Dates written as TOML dates arrive as datetime.date: json default=str made them ISO text.
    for _ in range(12):
        try:
            return SearchSettings.model_validate(data)
        except ValidationError as exc:
            messages = validation_messages(exc)
            for path, message in messages.items():
                parts = path.split(".")
                if parts == ["x"]:  # the date-range check is on the x model itself
                    x = data.get("x", {})
                    value = (x.get("from_date"), x.get("to_date"))
                    x.pop("from_date", None)
                    x.pop("to_date", None)
                    warnings.append(
                        f"{where}.x.from_date/to_date = {_fmt(value)}: {message}; "
                        "using no date range"
                    )
                    continue
                node: Any = data
                for part in parts[:-1]:
                    node = node.get(part, {}) if isinstance(node, dict) else {}
                value = node.get(parts[-1]) if isinstance(node, dict) else None
                if isinstance(node, dict):
                    node.pop(parts[-1], None)
                if parts == ["settings"] or not isinstance(node, dict):
                    warnings.append(f"{where}: {message}; using the defaults")
                    return SearchSettings()
                warnings.append(f"{where}.{path} = {_fmt(value)}: {message}; using the default")
    warnings.append(f"{where}: could not be read; using the defaults")
    return SearchSettings()


def load_settings(
    args: argparse.Namespace | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    *,
    config_path: Path | None = None,
) -> tuple[Settings, list[str]]:
    """The settings in force and the warnings met on the way. Never raises.

    `environ` defaults to `os.environ` and `cwd` (where `.env` is read) to the
    current folder. The config file is `config_path`, else
    `$GROK_TUI_CONFIG_DIR/config.toml` from `environ`, else the platform's one;
    it is read but not created (see `ensure_config_file`).
    """
    env: Mapping[str, str] = os.environ if environ is None else environ
    warnings: list[str] = []
    path = config_path if config_path is not None else _config_path_for(env)
    file = _read_file(path, warnings)
    for name in file:
        if name not in _TOP_KEYS:
            warnings.append(f"{path}: unknown setting {name!r} ignored")

    values: dict[str, Any] = {}
    sources: dict[str, str] = {}

    try:
        themes = _known_theme_names(path)
    except Exception as exc:  # a theme folder problem must not stop the app
        warnings.append(f"could not list the themes: {exc}")
        themes = {DEFAULT_THEME}

    def check_theme(v: Any) -> str:
        return _check_theme(v, themes)

    file_timeouts = file.get("timeouts", {})
    if not isinstance(file_timeouts, dict):
        warnings.append(
            f"{path}: timeouts must be a table, got {_fmt(file_timeouts)}; using the defaults"
        )
        file_timeouts = {}
    for name in file_timeouts:
        if name not in TimeoutSettings.model_fields:
            warnings.append(f"{path}: unknown setting 'timeouts.{name}' ignored")

    scalar_specs: list[tuple[str, Any, Any]] = [
        ("model", _check_str, DEFAULT_MODEL),
        ("base_url", _check_url, DEFAULT_BASE_URL),
        ("api", _check_api, DEFAULT_API),
        ("theme", check_theme, DEFAULT_THEME),
        ("show_tool_log", _check_bool, DEFAULT_SHOW_TOOL_LOG),
        ("demo_rate", _check_positive, DEFAULT_DEMO_RATE),
        ("history_size", _check_history_size, DEFAULT_HISTORY_SIZE),
        ("timeouts.connect", _check_positive, DEFAULT_CONNECT_TIMEOUT),
        ("timeouts.read", _check_positive, DEFAULT_READ_TIMEOUT),
        ("timeouts.write", _check_positive, DEFAULT_WRITE_TIMEOUT),
    ]
    env_for = {setting: var for var, setting in ENV_VARS.items()}
    flag_for = {setting: (dest, flag) for dest, (setting, flag) in FLAGS.items()}
    for name, check, default in scalar_specs:
        candidates: list[tuple[str, str, Any]] = []
        if name in flag_for and args is not None:
            dest, flag = flag_for[name]
            flag_value = getattr(args, dest, None)
            if flag_value is not None:
                candidates.append((f"flag {flag}", flag, flag_value))
        if name in env_for:
            var = env_for[name]
            env_value = env.get(var)
            if env_value is not None and env_value.strip() != "":
                candidates.append((f"env {var}", var, env_value))
        if name.startswith("timeouts."):
            sub = name.split(".", 1)[1]
            if sub in file_timeouts:
                candidates.append(("file", f"{path}: {name}", file_timeouts[sub]))
        elif name in file:
            if name == "show_tool_log" and not isinstance(file[name], bool):
                # In the file a boolean must be a TOML boolean.
                warnings.append(
                    f"{path}: {name} = {_fmt(file[name])} is not allowed "
                    f"(expected true or false); using the default {_fmt(default)}"
                )
            elif name in ("demo_rate",) and isinstance(file[name], str):
                warnings.append(
                    f"{path}: {name} = {_fmt(file[name])} is not allowed "
                    f"(expected a positive number); using the default {_fmt(default)}"
                )
            else:
                candidates.append(("file", f"{path}: {name}", file[name]))
        chosen: tuple[str, Any] | None = None
        for source, label, raw in candidates:
            try:
                chosen = (source, check(raw))
                break
            except _Bad as bad:
                fallback = "the next source" if source != "file" else f"the default {_fmt(default)}"
                warnings.append(
                    f"{label} = {_fmt(raw)} is not allowed (expected {bad}); using {fallback}"
                )
        if chosen is None:
            chosen = ("default", default)
        sources[name], values[name] = chosen

    # API key: env, then .env, then the file.
    api_key: str | None = None
    key_source: KeySource | None = None
    env_key = (env.get("XAI_API_KEY") or "").strip()
    if env_key:
        api_key, key_source = env_key, "env"
    else:
        dotenv_key = (_read_dotenv(cwd if cwd is not None else Path.cwd()).get("XAI_API_KEY") or "").strip()
        if dotenv_key:
            api_key, key_source = dotenv_key, ".env"
    file_key = file.get("api_key")
    if file_key is not None:
        if isinstance(file_key, str) and file_key.strip():
            _fix_permissions(path, warnings)
            if api_key is None:
                api_key, key_source = file_key.strip(), "config"
        elif isinstance(file_key, str):
            pass  # api_key = "" means none
        else:
            warnings.append(
                f"{path}: api_key must be a string (got a {type(file_key).__name__}); ignored"
            )
    sources["api_key"] = {
        "env": "env XAI_API_KEY", ".env": ".env XAI_API_KEY", "config": "file", None: "not set"
    }[key_source]

    # Search defaults and presets.
    search = SearchSettings()
    if "search" in file:
        search = _search_from(file["search"], f"{path}: search", warnings)
        raw_search = file["search"] if isinstance(file["search"], dict) else {}
        for field_path, _value in _flatten_keys(raw_search):
            sources[f"search.{field_path}"] = "file"
    presets: dict[str, SearchSettings] = {}
    raw_presets = file.get("presets", {})
    if not isinstance(raw_presets, dict):
        warnings.append(f"{path}: presets must be a table of tables; ignored")
        raw_presets = {}
    for preset_name, table in raw_presets.items():
        presets[preset_name] = _search_from(table, f"{path}: presets.{preset_name}", warnings)
    sources["presets"] = "file" if presets else "default"

    # Tools beyond search: MCP servers (tokens keep the file at 0600), collections.
    tools = tool_config_from(file, str(path), warnings)
    if has_file_tokens(file):
        _fix_permissions(path, warnings)

    # Key bindings.
    keys: dict[str, str] = {}
    raw_keys = file.get("keys", {})
    if not isinstance(raw_keys, dict):
        warnings.append(f"{path}: keys must be a table of binding id = \"key\"; ignored")
        raw_keys = {}
    flat_keys: dict[str, str] = {}
    for binding_id, keystr in _flatten_keys(raw_keys):
        if isinstance(keystr, list) and all(isinstance(k, str) for k in keystr):
            keystr = ",".join(keystr)
        if not isinstance(keystr, str):
            warnings.append(
                f"{path}: keys.{binding_id} = {_fmt(keystr)} is not allowed "
                "(expected a key string like \"ctrl+s\" or a list of them); using the default"
            )
            continue
        flat_keys[binding_id] = keystr
    if flat_keys:
        from grok_tui.ui.keymap import keymap_from_config

        keys, key_warnings = keymap_from_config(flat_keys)
        warnings.extend(f"{path}: {w}" for w in key_warnings)
    sources["keys"] = "file" if keys else "default"

    demo_flag = bool(getattr(args, "demo", False)) if args is not None else False
    demo_reason: str | None = None
    if demo_flag:
        demo_reason = "--demo"
        sources["demo"] = "flag --demo"
    elif api_key is None and values["base_url"] == DEFAULT_BASE_URL:
        demo_reason = "no API key"
        sources["demo"] = "no API key"
    else:
        sources["demo"] = "default"

    settings = Settings(
        api_key=SecretStr(api_key) if api_key is not None else None,
        api_key_source=key_source,
        base_url=values["base_url"],
        api=values["api"],
        model=values["model"],
        theme=values["theme"],
        timeouts=TimeoutSettings(
            connect=values["timeouts.connect"],
            read=values["timeouts.read"],
            write=values["timeouts.write"],
        ),
        show_tool_log=values["show_tool_log"],
        demo=demo_reason is not None,
        demo_reason=demo_reason,
        demo_rate=values["demo_rate"],
        history_size=values["history_size"],
        search=search,
        presets=presets,
        tools=tools,
        keys=keys,
        sources=sources,
        config_path=path,
    )
    return settings, warnings


def _flatten_keys(table: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """`[keys]` entries; `chat.send = "x"` (a dotted TOML key) arrives nested: flatten it."""
    out: list[tuple[str, Any]] = []
    for name, value in table.items():
        full = f"{prefix}{name}"
        if isinstance(value, dict):
            out.extend(_flatten_keys(value, full + "."))
        else:
            out.append((full, value))
    return out


# ---------------------------------------------------------------------------
# The file on disk

CONFIG_TEMPLATE = f"""\
# grok-tui configuration.
#
# Every setting below is commented out and shows its default. Remove the "#"
# to change one. Precedence: command-line flags > environment variables
# (GROK_TUI_MODEL, GROK_TUI_BASE_URL, GROK_TUI_API, GROK_TUI_THEME,
# GROK_TUI_CONNECT_TIMEOUT, GROK_TUI_READ_TIMEOUT, GROK_TUI_WRITE_TIMEOUT,
# GROK_TUI_SHOW_TOOL_LOG, GROK_TUI_DEMO_RATE) > this file > defaults.
# `grok-tui config` prints every setting in force and where it came from.

# The API key. Prefer the XAI_API_KEY environment variable (or a .env file in
# the working folder). If you store it here, this file is kept at mode 0600.
# api_key = "xai-..."

# model = "{DEFAULT_MODEL}"

# API root including /v1 (any OpenAI-compatible server works with api = "chat").
# base_url = "{DEFAULT_BASE_URL}"

# "responses" (server-side web and X search) or "chat" (OpenAI-compatible).
# api = "{DEFAULT_API}"

# A theme name: a file stem from the shipped themes or from the themes/ folder
# next to this file (see docs/themes.md).
# theme = "{DEFAULT_THEME}"

# Show the tool-call log pane (F2 toggles it).
# show_tool_log = {str(DEFAULT_SHOW_TOOL_LOG).lower()}

# Speed of the offline demo backend, tokens per second.
# demo_rate = {DEFAULT_DEMO_RATE}

# Sent prompts remembered across runs for Up-arrow recall (prompt_history.jsonl
# in the data folder, mode 0600); 0 keeps none on disk.
# history_size = {DEFAULT_HISTORY_SIZE}

[timeouts]
# Seconds. Reasoning models can think for minutes before the first token.
# connect = {DEFAULT_CONNECT_TIMEOUT}
# read = {DEFAULT_READ_TIMEOUT}
# write = {DEFAULT_WRITE_TIMEOUT}

# Search settings new chats start with (Responses API tools).
[search]
# reasoning_effort = "low"      # none, low, medium, high, xhigh (where the model takes it)
# max_turns = 5                 # 1-100 agentic tool turns

[search.web]
# enabled = false
# domain_mode = "allowed"       # "allowed" or "excluded"
# domains = []                  # at most 5 bare host names, e.g. ["arxiv.org"]
# image_understanding = false
# image_search = false

[search.x]
# enabled = false
# handle_mode = "allowed"       # "allowed" or "excluded"
# handles = []                  # at most 10 X handles, e.g. ["xai"]
# from_date = "2025-01-01"      # YYYY-MM-DD
# to_date = "2025-12-31"
# image_understanding = false
# video_understanding = false

# Named search presets, same fields as [search]. For example:
# [presets.news]
# web = {{ enabled = true, domains = ["reuters.com", "apnews.com"] }}
# x = {{ enabled = true }}

# Key bindings: binding id = "key" or "key1,key2" (Textual key names such as
# "ctrl+s", "f2", "alt+a", "escape"). Binding ids are listed in the help
# screen (F1). For example:
[keys]
# "chat.new" = "ctrl+n"
# "pane.toggle_tool_log" = "f2"
"""


def ensure_config_file(path: Path | None = None) -> Path:
    """Create the commented config file if it is missing; return its path."""
    target = path if path is not None else paths.config_file()
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(target, CONFIG_TEMPLATE, mode=0o644)
    return target


def _atomic_write(path: Path, text: str, *, mode: int) -> None:
    import tempfile  # not needed at start-up

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates the file 0600, so a key is never readable by others, even briefly.
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if mode != 0o600:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# ---------------------------------------------------------------------------
# Editing the file while keeping its comments (grok_tui/toml_edit.py)


def _split_setting_key(key: str | Sequence[str]) -> tuple[str, ...]:
    if not isinstance(key, str):
        return tuple(key)
    head, _, rest = key.partition(".")
    if head == "keys" and rest:
        return ("keys", rest)  # binding ids contain dots: "keys.chat.send"
    if head == "presets" and rest:
        name, _, more = rest.partition(".")
        return ("presets", name, *(more.split(".") if more else ()))
    return tuple(key.split("."))


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    return value


def _lookup(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = data
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def save_setting(
    key: str | Sequence[str], value: Any, *, path: Path | None = None
) -> None:
    """Set (or with `value=None` delete) one setting in config.toml, keeping comments.

    `key` is dotted ("theme", "timeouts.read", "search.web.enabled",
    "presets.news", "keys.chat.send": everything after "keys." is the binding
    id) or a tuple path. Mappings and pydantic models (a preset) are written as
    tables. The write is atomic; a file holding an API key stays 0600.
    Raises ConfigError when the file cannot be read, parsed or written.
    """
    target = path if path is not None else paths.config_file()
    parts = _split_setting_key(key)
    if not parts or not all(parts):
        raise ConfigError(f"{key!r} is not a setting name")
    plain = _plain(value)
    try:
        text = target.read_text(encoding="utf-8") if target.exists() else CONFIG_TEMPLATE
    except OSError as exc:
        raise ConfigError(f"cannot read {target}: {exc}") from exc
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{target} has a TOML syntax error ({exc}); fix it first") from exc

    doc = TomlDocument(text)
    table, name = parts[:-1], parts[-1]
    if plain is None:
        doc.delete_key(table, name)
        doc.delete_tables(parts)
    elif isinstance(plain, Mapping):
        doc.delete_key(table, name)
        doc.set_table(parts, plain)
    else:
        doc.delete_tables(parts)
        doc.set_key(table, name, plain)
    new_text = doc.text()

    try:
        parsed = tomllib.loads(new_text)
        ok = _lookup(parsed, parts) == _normalized(plain)
    except tomllib.TOMLDecodeError:
        ok = False
    if not ok:
        # The in-place edit did not give the intended document (an unusual
        # layout, such as dotted keys spanning tables): rewrite from data.
        data = tomllib.loads(text)
        node = data
        for part in table:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        if plain is None:
            node.pop(name, None)
        else:
            node[name] = plain
        new_text = "# grok-tui configuration (rewritten by grok-tui; comments were lost).\n" + _dump(data)
    new_data = tomllib.loads(new_text)
    holds_key = "api_key" in new_data or has_file_tokens(new_data)
    mode = 0o600
    if not holds_key and target.exists():
        mode = stat.S_IMODE(target.stat().st_mode)
    elif not holds_key:
        mode = 0o644
    try:
        _atomic_write(target, new_text, mode=mode)
    except OSError as exc:
        raise ConfigError(f"cannot write {target}: {exc}") from exc


def _normalized(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _normalized(v) for k, v in value.items() if v is not None}
    if isinstance(value, tuple):
        return [_normalized(v) for v in value]
    if isinstance(value, list):
        return [_normalized(v) for v in value]
    return value


def _dump(data: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> str:
    lines: list[str] = []
    tables: list[tuple[str, Mapping[str, Any]]] = []
    for k, v in data.items():
        if isinstance(v, Mapping):
            tables.append((k, v))
        else:
            lines.append(f"{toml_key(k)} = {toml_value(v)}")
    out = "\n".join(lines) + ("\n" if lines else "")
    for k, v in tables:
        path = (*prefix, k)
        out += "\n[" + ".".join(toml_key(p) for p in path) + "]\n" + _dump(v, path)
    return out


def save_api_key(key: str, *, path: Path | None = None) -> None:
    """Store the API key in config.toml (mode 0600). Raises ConfigError."""
    cleaned = key.strip()
    if not cleaned:
        raise ConfigError("the API key is empty")
    target = path if path is not None else paths.config_file()
    save_setting("api_key", cleaned, path=target)
    if os.name == "posix":
        os.chmod(target, 0o600)


# ---------------------------------------------------------------------------
# `grok-tui config`


def describe_settings(settings: Settings) -> list[tuple[str, str, str]]:
    """(name, shown value, source) rows; the key is masked."""
    s = settings.sources
    rows: list[tuple[str, str, str]] = [
        ("api_key", settings.masked_key, s.get("api_key", "not set")),
        ("model", settings.model, s.get("model", "default")),
        ("base_url", settings.base_url, s.get("base_url", "default")),
        ("api", settings.api, s.get("api", "default")),
        ("theme", settings.theme, s.get("theme", "default")),
        ("show_tool_log", str(settings.show_tool_log).lower(), s.get("show_tool_log", "default")),
        ("demo", str(settings.demo).lower() + (f" ({settings.demo_reason})" if settings.demo_reason else ""), s.get("demo", "default")),
        ("demo_rate", f"{settings.demo_rate:g} tokens/s", s.get("demo_rate", "default")),
        ("history_size", f"{settings.history_size} prompts" if settings.history_size else "0 (off)",
         s.get("history_size", "default")),
    ]
    for name in ("connect", "read", "write"):
        rows.append(
            (f"timeouts.{name}", f"{getattr(settings.timeouts, name):g} s", s.get(f"timeouts.{name}", "default"))
        )
    search = settings.search.model_dump(mode="json")
    for sub in ("web", "x"):
        for field, val in search[sub].items():
            rows.append((f"search.{sub}.{field}", json.dumps(val), _search_source(s, f"{sub}.{field}")))
    for field in ("reasoning_effort", "max_turns"):
        val = search[field]
        shown = "default" if val is None else json.dumps(val)
        rows.append((f"search.{field}", shown, _search_source(s, field)))
    rows.extend(describe_tools(settings.search.tools, settings.tools, s))
    if settings.presets:
        rows.append(("presets", ", ".join(sorted(settings.presets)), "file"))
    else:
        rows.append(("presets", "(none)", "default"))
    for binding_id, keystr in sorted(settings.keys.items()):
        rows.append((f"keys.{binding_id}", keystr, "file"))
    if not settings.keys:
        rows.append(("keys", "(defaults)", "default"))
    return rows


def _search_source(sources: Mapping[str, str], field: str) -> str:
    # A bad value that fell back still shows "default": the value in force is the default.
    return sources.get(f"search.{field}", "default")


def run_config_command(args: argparse.Namespace | None = None) -> int:
    """`grok-tui config`: paths and every setting in force with its source."""
    from grok_tui.sanitize import strip_control

    path = paths.config_file()
    created = not path.exists()
    try:
        ensure_config_file(path)
    except OSError as exc:
        print(f"warning: cannot create {path}: {exc}", file=sys.stderr)
    settings, warnings = load_settings(args, config_path=path)
    print(f"config file:   {path}{' (created)' if created else ''}")
    print(f"user themes:   {paths.user_themes_dir()}")
    print(f"data folder:   {paths.data_dir()}")
    print()
    rows = describe_settings(settings)
    width = max(len(r[0]) for r in rows)
    vwidth = min(40, max(len(r[1]) for r in rows))
    for name, shown, source in rows:
        print(f"{name:<{width}}  {strip_control(shown):<{vwidth}}  ({source})")
    key = settings.key_value()
    for warning in warnings:
        text = strip_control(warning)
        if key:
            text = text.replace(key, mask_key(key))
        print(f"warning: {text}", file=sys.stderr)
    return 0
