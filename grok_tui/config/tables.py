"""Table settings: `[search]`, `[presets.NAME]`, `[keys]` and the tools
(`[[mcp]]` servers, `[collections]` names), one loader each.

`TABLES` maps a `Settings` field to its loader, which gets the raw TOML value
(None when the file has none) and the load in progress. A field read from
several top-level names of the file (`tools`: `mcp` and `collections`) lists
them in `TABLE_FILE_KEYS`; its loader gets a dict of those present. A search
table is read field by field: a bad field is reported and takes its default,
the good fields beside it are kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from grok_tui.chat.search import SearchSettings, validation_messages
from grok_tui.chat.tools import ToolConfig, has_file_tokens, tool_config_from
from grok_tui.config.context import LoadContext
from grok_tui.config.sources import NO_VALUE, ConfigProblem, ProblemKind, Source

#: Sub-tables of a search table and their models.
_SUB_TABLES = ("web", "x", "tools")


def _sub_model(sub: str) -> type[BaseModel]:
    annotation = SearchSettings.model_fields[sub].annotation
    assert isinstance(annotation, type) and issubclass(annotation, BaseModel)
    return annotation


def search_from_table(
    table: Any, key: str, source: Source, problems: list[ConfigProblem]
) -> tuple[SearchSettings, list[str]]:
    """The settings of one table (`key` is "search" or "presets.NAME") and the
    dotted field paths inside it that were taken from the file."""

    def problem(kind: ProblemKind, where: str, reason: str, value: Any, outcome: str) -> None:
        problems.append(ConfigProblem(kind, source, where, reason, value, outcome))

    if not isinstance(table, dict):
        problem(ProblemKind.WRONG_TYPE, key, "a table", table, "using the defaults")
        return SearchSettings(), []
    # Dates written as TOML dates arrive as datetime.date: default=str makes them ISO text.
    data: dict[str, Any] = json.loads(json.dumps(table, default=str))
    for sub in _SUB_TABLES:
        if sub in data and not isinstance(data[sub], dict):
            problem(
                ProblemKind.WRONG_TYPE,
                f"{key}.{sub}",
                "a table",
                data.pop(sub),
                "using the defaults",
            )
    for name in list(data):
        if name not in SearchSettings.model_fields:
            del data[name]
            problems.append(ConfigProblem(ProblemKind.UNKNOWN, source, f"{key}.{name}", ""))
    for sub in _SUB_TABLES:
        fields = _sub_model(sub).model_fields
        for name in list(data.get(sub, {})):
            if name not in fields:
                del data[sub][name]
                problems.append(
                    ConfigProblem(ProblemKind.UNKNOWN, source, f"{key}.{sub}.{name}", "")
                )
    for _ in range(12):  # each round drops the fields the validator refused
        try:
            settings = SearchSettings.model_validate(data)
        except ValidationError as exc:
            if not _drop_refused(data, exc, key, problem):
                return SearchSettings(), []
            continue
        return settings, _field_paths(data)
    problem(ProblemKind.NOTE, key, "could not be read", NO_VALUE, "using the defaults")
    return SearchSettings(), []


def _drop_refused(data: dict[str, Any], exc: ValidationError, key: str, problem: Any) -> bool:
    """Remove each refused field from `data` (reporting it); False: give up on the table."""
    for path, message in validation_messages(exc).items():
        parts = path.split(".")
        if parts == ["x"]:  # the date-range check is on the x model itself
            x = data.get("x", {})
            value = (x.pop("from_date", None), x.pop("to_date", None))
            problem(
                ProblemKind.INVALID,
                f"{key}.x.from_date/to_date",
                message,
                value,
                "using no date range",
            )
            continue
        node: Any = data
        for part in parts[:-1]:
            node = node.get(part, {}) if isinstance(node, dict) else {}
        if parts == ["settings"] or not isinstance(node, dict):
            problem(ProblemKind.NOTE, key, message, NO_VALUE, "using the defaults")
            return False
        value = node.pop(parts[-1], None)
        problem(ProblemKind.INVALID, f"{key}.{path}", message, value, "using the default")
    return True


def _field_paths(data: dict[str, Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for name, value in data.items():
        if isinstance(value, dict):
            out.extend(_field_paths(value, f"{prefix}{name}."))
        else:
            out.append(f"{prefix}{name}")
    return out


def load_search(raw: Any, ctx: LoadContext) -> SearchSettings:
    """`[search]`: the search settings new chats start with."""
    if raw is None:
        return SearchSettings()
    settings, fields = search_from_table(raw, "search", ctx.file_source, ctx.problems)
    for name in fields:
        ctx.sources[f"search.{name}"] = ctx.file_source
    return settings


def load_presets(raw: Any, ctx: LoadContext) -> dict[str, SearchSettings]:
    """`[presets.NAME]`: named search settings."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        ctx.problem(ProblemKind.WRONG_TYPE, "presets", "a table of tables", outcome="ignored")
        return {}
    presets: dict[str, SearchSettings] = {}
    for name, table in raw.items():
        presets[name], _ = search_from_table(
            table, f"presets.{name}", ctx.file_source, ctx.problems
        )
        ctx.sources[f"presets.{name}"] = ctx.file_source
    return presets


def _flatten(table: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """`chat.send = "x"` (a dotted TOML key) arrives nested: flatten it."""
    for name, value in table.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value


def load_keys(raw: Any, ctx: LoadContext) -> dict[str, str]:
    """`[keys]`: binding id = "key" (or a list of keys); only valid entries kept."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        ctx.problem(
            ProblemKind.WRONG_TYPE, "keys", 'a table of binding id = "key"', outcome="ignored"
        )
        return {}
    wanted: dict[str, str] = {}
    for binding_id, keys in _flatten(raw):
        if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            keys = ",".join(keys)
        if not isinstance(keys, str):
            ctx.problem(
                ProblemKind.NOT_ALLOWED,
                f"keys.{binding_id}",
                'a key string like "ctrl+s" or a list of them',
                keys,
                "using the default",
            )
            continue
        wanted[binding_id] = keys
    if not wanted:
        return {}
    # Lazily, and from ui/ for now: keymap.py is Textual-free at import and
    # moves out of ui/ in a later step of the restructuring.
    from grok_tui.config.keymap import keymap_from_config

    keymap, warnings = keymap_from_config(wanted)
    for warning in warnings:
        ctx.problem(ProblemKind.NOTE, None, warning)
    for binding_id in keymap:
        ctx.sources[f"keys.{binding_id}"] = ctx.file_source
    return keymap


def load_tools(raw: Any, ctx: LoadContext) -> ToolConfig:
    """`[[mcp]]` servers and `[collections]` names (`raw`: {"mcp": ...,
    "collections": ...} as present). A bad server or name is reported and left
    out; a file holding an MCP token is kept at 0600."""
    if raw is None:
        return ToolConfig()
    where = str(ctx.path)
    warnings: list[str] = []
    config = tool_config_from(raw, where, warnings)
    for warning in warnings:
        ctx.problem(ProblemKind.NOTE, None, warning.removeprefix(f"{where}: "))
    if has_file_tokens(raw):
        ctx.keep_private("an MCP token")
    for server in config.mcp_servers:
        ctx.sources[f"mcp.{server.label}"] = ctx.file_source
    for cid in config.collection_names:
        ctx.sources[f"collections.{cid}"] = ctx.file_source
    return config


#: Table settings: `Settings` field -> loader of the raw TOML value (None when absent).
TABLES: dict[str, Callable[[Any, LoadContext], Any]] = {
    "search": load_search,
    "presets": load_presets,
    "keys": load_keys,
    "tools": load_tools,
}

#: The top-level names of the file a table field is read from, when not its own name.
TABLE_FILE_KEYS: dict[str, tuple[str, ...]] = {"tools": ("mcp", "collections")}


def table_file_keys() -> set[str]:
    """Every top-level name of the file the table loaders read."""
    names: set[str] = set()
    for name in TABLES:
        names.update(TABLE_FILE_KEYS.get(name, (name,)))
    return names


def raw_table(name: str, file: Mapping[str, Any]) -> Any:
    """What the loader of table field `name` gets from the parsed file."""
    keys = TABLE_FILE_KEYS.get(name)
    if keys is None:
        return file.get(name)
    present = {key: file[key] for key in keys if key in file}
    return present or None
