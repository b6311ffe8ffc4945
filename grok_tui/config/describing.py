"""`grok-tui config`: the files, and every setting in force with where it came from."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from grok_tui import paths
from grok_tui.api.endpoint import redact_key
from grok_tui.config.loading import load_settings
from grok_tui.config.scalars import SCALARS
from grok_tui.config.schema import Settings
from grok_tui.config.sources import DEFAULT
from grok_tui.config.writing import ensure_config_file

if TYPE_CHECKING:
    import argparse

#: One row of `grok-tui config`: (setting name, value as shown, where it came from).
Row = tuple[str, str, str]


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _attribute(settings: Settings, name: str) -> Any:
    node: Any = settings
    for part in name.split("."):
        node = getattr(node, part)
    return node


def _search_rows(settings: Settings) -> list[Row]:
    rows: list[Row] = []
    search = settings.search.model_dump(mode="json")
    for sub in ("web", "x"):
        for name, value in search[sub].items():
            key = f"search.{sub}.{name}"
            rows.append((key, json.dumps(value), str(settings.source_of(key))))
    for name in ("reasoning_effort", "max_turns"):
        value = search[name]
        key = f"search.{name}"
        shown = "default" if value is None else json.dumps(value)
        rows.append((key, shown, str(settings.source_of(key))))
    return rows


def _tool_rows(settings: Settings) -> list[Row]:
    """The tool defaults of new chats, the `[[mcp]]` servers (where each token
    comes from, never the token) and the collection names."""
    from grok_tui.chat.tools import describe_tools

    sources = {name: str(source) for name, source in settings.sources.items()}
    return describe_tools(settings.search.tools, settings.tools, sources)


def _preset_rows(settings: Settings) -> list[Row]:
    if not settings.presets:
        return [("presets", "(none)", str(DEFAULT))]
    rows: list[Row] = []
    for name, preset in sorted(settings.presets.items()):
        changed = preset.model_dump(mode="json", exclude_defaults=True)
        shown = json.dumps(changed, separators=(",", ":")) if changed else "(defaults)"
        rows.append((f"presets.{name}", shown, str(settings.source_of(f"presets.{name}"))))
    return rows


def _key_rows(settings: Settings) -> list[Row]:
    # Lazily, and from ui/ for now (Textual-free at import; it moves out of ui/ later).
    from grok_tui.config.keymap import effective_keys

    return [
        (f"keys.{binding_id}", keys, str(settings.source_of(f"keys.{binding_id}")))
        for binding_id, keys in effective_keys(settings.keys).items()
    ]


def describe_settings(settings: Settings) -> list[Row]:
    """Every setting in force as (name, shown value, source) rows; the key is masked."""
    rows: list[Row] = [("api_key", settings.masked_key, str(settings.source_of("api_key")))]
    for scalar in SCALARS:
        value = _attribute(settings, scalar.name)
        shown = scalar.shown(value) if scalar.shown is not None else _shown(value)
        rows.append((scalar.name, shown, str(settings.source_of(scalar.name))))
    demo = _shown(settings.demo) + (f" ({settings.demo_reason})" if settings.demo_reason else "")
    rows.append(("demo", demo, str(settings.source_of("demo"))))
    return [
        *rows,
        *_search_rows(settings),
        *_tool_rows(settings),
        *_preset_rows(settings),
        *_key_rows(settings),
    ]


def run_config_command(args: argparse.Namespace | None = None) -> int:
    """`grok-tui config`: paths and every setting in force with its source."""
    from grok_tui.sanitize import strip_control

    path = paths.config_file()
    created = not path.exists()
    try:
        ensure_config_file(path)
    except OSError as exc:
        created = False
        print(f"warning: cannot create {path}: {exc}", file=sys.stderr)
    settings, problems = load_settings(args, config_path=path)
    print(f"config file:   {path}{' (created)' if created else ''}")
    print(f"user themes:   {paths.user_themes_dir()}")
    print(f"data folder:   {paths.data_dir()}")
    print()
    rows = describe_settings(settings)
    width = max(len(name) for name, _, _ in rows)
    value_width = min(40, max(len(shown) for _, shown, _ in rows))
    for name, shown, source in rows:
        print(f"{strip_control(name):<{width}}  {strip_control(shown):<{value_width}}  ({source})")
    key = settings.key_value()
    for problem in problems:
        print(f"warning: {redact_key(strip_control(str(problem)), key)}", file=sys.stderr)
    return 0
