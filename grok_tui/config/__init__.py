"""Settings: `config.toml`, environment variables and command-line flags.

Precedence, highest first: command-line flags > environment variables >
`config.toml` > built-in defaults. A bad value anywhere is recorded as a
`ConfigProblem` (its `str()` names the key, the value and what is allowed)
and that key falls back to the next source; nothing here ever raises while
*loading* settings. `Settings.sources` says where every value came from.

Environment variables (`ENV_VARS`):

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
key (or an `[[mcp]]` token) is kept at mode 0600. The key is a `SecretStr`
and only ever shown through `mask_key`.

Modules: `schema` (the `Settings` model and defaults), `sources` (typed
provenance `Source` and problems `ConfigProblem`; reading the file and
`.env`), `checks` (one scalar's value), `scalars` (`SCALARS`: every
single-valued setting with its variable and flag), `tables` (`[search]`,
`[presets.*]`, `[keys]`, and `tools`: the `[[mcp]]` servers and
`[collections]` names), `context` (one load in progress), `loading`
(`load_settings`: one small step per source), `template` (the first-run
file), `writing` and `toml_edit` (comment-keeping writes with tomlkit,
imported only when something is written), `describing` (`grok-tui config`).

Adding a setting:

1. a field with its default on `Settings` in `schema.py`;
2. for a single value, one line in `scalars.SCALARS`, e.g.
   ``Scalar("store_responses", checks.BOOL, env="GROK_TUI_STORE_RESPONSES")``
   (`env` and `flag` are optional; a flag must also be added to
   `cli.build_parser`; the check reads the file's TOML value and the
   variable's or flag's text; `grok-tui config` then lists the setting with
   its source, and a test wants it in the template); for a table, a loader
   ``def load_tools(raw, ctx) -> ToolConfig`` registered in `tables.TABLES`
   (it records problems with `ctx.problem(...)` and provenance in
   `ctx.sources`; a field read from several top-level names lists them in
   `tables.TABLE_FILE_KEYS`), and rows in `describing.describe_settings`;
3. a commented line with the default in `template.CONFIG_TEMPLATE`
   (a test checks every scalar is there), and README's configuration section.

This package never imports Textual nor `grok_tui.ui` (an import-linter
contract in pyproject.toml checks it). The binding table (`keymap.py`) and the
theme names (`theme_names.py`) live here; `ui.keymap` and `ui.themes` build
Textual objects from them. Both are imported lazily, only when `[keys]` or a
theme is given (and by `grok-tui config` for the bindings).
"""

from __future__ import annotations

from grok_tui.api.endpoint import DEFAULT_BASE_URL, mask_key
from grok_tui.config.describing import describe_settings, run_config_command
from grok_tui.config.loading import load_settings
from grok_tui.config.scalars import ENV_VARS, FLAGS, SCALARS, Scalar
from grok_tui.config.schema import (
    API_CHOICES,
    DEFAULT_API,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_DEMO_RATE,
    DEFAULT_HISTORY_SIZE,
    DEFAULT_MODEL,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_SHOW_TOOL_LOG,
    DEFAULT_THEME,
    DEFAULT_WRITE_TIMEOUT,
    MAX_HISTORY_SIZE,
    KeySource,
    Settings,
    TimeoutSettings,
)
from grok_tui.config.sources import (
    ConfigProblem,
    ProblemKind,
    Source,
    SourceKind,
    config_path_for,
    parse_dotenv,
)
from grok_tui.config.tables import TABLES
from grok_tui.config.template import CONFIG_TEMPLATE
from grok_tui.config.writing import (
    ConfigError,
    ensure_config_file,
    save_api_key,
    save_setting,
)

__all__ = [
    "API_CHOICES",
    "CONFIG_TEMPLATE",
    "DEFAULT_API",
    "DEFAULT_BASE_URL",
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_DEMO_RATE",
    "DEFAULT_HISTORY_SIZE",
    "DEFAULT_MODEL",
    "DEFAULT_READ_TIMEOUT",
    "DEFAULT_SHOW_TOOL_LOG",
    "DEFAULT_THEME",
    "DEFAULT_WRITE_TIMEOUT",
    "ENV_VARS",
    "FLAGS",
    "MAX_HISTORY_SIZE",
    "SCALARS",
    "TABLES",
    "ConfigError",
    "ConfigProblem",
    "KeySource",
    "ProblemKind",
    "Scalar",
    "Settings",
    "Source",
    "SourceKind",
    "TimeoutSettings",
    "config_path_for",
    "describe_settings",
    "ensure_config_file",
    "load_settings",
    "mask_key",
    "parse_dotenv",
    "run_config_command",
    "save_api_key",
    "save_setting",
]
