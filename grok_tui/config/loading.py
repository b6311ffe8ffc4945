"""Reading the settings in force: one small function per source, never raising.

Precedence, highest first: command-line flags > environment variables >
`config.toml` > built-in defaults (the API key: `XAI_API_KEY` > `./.env` >
the file). A bad value is recorded as a `ConfigProblem` and that setting
falls back to the next source. Scalars are declared in `scalars.SCALARS`,
tables (`[search]`, `[presets.*]`, `[keys]`, `[[mcp]]` with `[collections]`)
have a loader each in `tables.TABLES`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from grok_tui.api.endpoint import DEFAULT_BASE_URL
from grok_tui.config.context import LoadContext
from grok_tui.config.scalars import SCALARS, load_scalar
from grok_tui.config.schema import KeySource, Settings
from grok_tui.config.sources import (
    UNSET,
    ConfigProblem,
    ProblemKind,
    Source,
    config_path_for,
    read_config_file,
    read_dotenv,
)
from grok_tui.config.tables import TABLES, raw_table, table_file_keys

if TYPE_CHECKING:
    import argparse


def _check_file_shape(ctx: LoadContext) -> None:
    """Unknown top-level names, and scalar tables (`[timeouts]`) that are not tables."""
    tables = {s.name.split(".")[0] for s in SCALARS if "." in s.name}
    known = {s.name.split(".")[0] for s in SCALARS} | table_file_keys() | {"api_key"}
    for name in list(ctx.file):
        if name not in known:
            ctx.problem(ProblemKind.UNKNOWN, name, "")
        elif name in tables:
            table = ctx.file[name]
            if not isinstance(table, dict):
                ctx.problem(ProblemKind.WRONG_TYPE, name, "a table", table, "using the defaults")
                ctx.file[name] = {}
                continue
            fields = {s.name.split(".", 1)[1] for s in SCALARS if s.name.startswith(name + ".")}
            for sub in table:
                if sub not in fields:
                    ctx.problem(ProblemKind.UNKNOWN, f"{name}.{sub}", "")


# ---------------------------------------------------------------------------
# The API key


def load_api_key(ctx: LoadContext) -> tuple[str | None, KeySource | None]:
    """The key and where it was: `XAI_API_KEY`, then `./.env`, then the file."""
    key: str | None = None
    where: KeySource | None = None
    env_key = (ctx.environ.get("XAI_API_KEY") or "").strip()
    if env_key:
        key, where = env_key, "env"
    else:
        dotenv_key = (read_dotenv(ctx.cwd).get("XAI_API_KEY") or "").strip()
        if dotenv_key:
            key, where = dotenv_key, ".env"
    file_key = ctx.file.get("api_key")
    if isinstance(file_key, str) and file_key.strip():
        ctx.keep_private("an API key")
        if key is None:
            key, where = file_key.strip(), "config"
    elif file_key is not None and not isinstance(file_key, str):  # api_key = "" means none
        ctx.problem(
            ProblemKind.WRONG_TYPE,
            "api_key",
            f"a string (got a {type(file_key).__name__})",
            outcome="ignored",
        )
    ctx.sources["api_key"] = {
        "env": Source.env("XAI_API_KEY"),
        ".env": Source.dotenv("XAI_API_KEY"),
        "config": ctx.file_source,
        None: UNSET,
    }[where]
    return key, where


# ---------------------------------------------------------------------------
# Everything


def _demo_reason(ctx: LoadContext, api_key: str | None, base_url: str) -> str | None:
    if ctx.args is not None and getattr(ctx.args, "demo", False):
        ctx.sources["demo"] = Source.flag("--demo")
        return "--demo"
    if api_key is None and base_url == DEFAULT_BASE_URL:
        ctx.sources["demo"] = Source.derived("no API key")
        return "no API key"
    return None


def _put(data: dict[str, Any], name: str, value: Any) -> None:
    *tables, leaf = name.split(".")
    for table in tables:
        data = data.setdefault(table, {})
    data[leaf] = value


def load_settings(
    args: argparse.Namespace | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    *,
    config_path: Path | None = None,
) -> tuple[Settings, list[ConfigProblem]]:
    """The settings in force and the problems met on the way. Never raises.

    `environ` defaults to `os.environ` and `cwd` (where `.env` is read) to the
    current folder. The config file is `config_path`, else
    `$GROK_TUI_CONFIG_DIR/config.toml` from `environ`, else the platform's one;
    it is read but not created (see `ensure_config_file`).
    """
    env: Mapping[str, str] = os.environ if environ is None else environ
    path = config_path if config_path is not None else config_path_for(env)
    ctx = LoadContext(path=path, environ=env, args=args, cwd=cwd or Path.cwd())
    ctx.file = read_config_file(path, ctx.problems)
    _check_file_shape(ctx)
    data: dict[str, Any] = {}
    for scalar in SCALARS:
        _put(data, scalar.name, load_scalar(scalar, ctx))
    api_key, key_source = load_api_key(ctx)
    for name, load_table in TABLES.items():
        data[name] = load_table(raw_table(name, ctx.file), ctx)
    demo_reason = _demo_reason(ctx, api_key, data["base_url"])
    data.update(
        api_key=SecretStr(api_key) if api_key is not None else None,
        api_key_source=key_source,
        demo=demo_reason is not None,
        demo_reason=demo_reason,
        sources=ctx.sources,
        config_path=path,
    )
    return Settings.model_validate(data), ctx.problems
