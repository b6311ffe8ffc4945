"""The settings model and its defaults: what a setting is, not where it comes from.

Adding a setting: a field here (with its default), a `Scalar` line in
`scalars.SCALARS` (or a loader in `tables.TABLES` for a table), and a
commented line in `template.CONFIG_TEMPLATE`. See the package docstring.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from grok_tui.api.endpoint import DEFAULT_BASE_URL, mask_key
from grok_tui.chat.search import SearchSettings
from grok_tui.chat.tools import ToolConfig
from grok_tui.config.sources import DEFAULT, Source

DEFAULT_MODEL = "grok-4.3"
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

#: Where the API key was found (`Settings.api_key_source`).
KeySource = Literal["env", ".env", "config"]

__all__ = ["DEFAULT_BASE_URL", "Settings", "TimeoutSettings"]


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
    #: Let xAI keep responses for 30 days (`store: true`); off by default.
    store_responses: bool = False
    #: "client": resend the history each turn; "server": chain by
    #: previous_response_id (needs store_responses).
    conversation: Literal["client", "server"] = "client"
    search: SearchSettings = Field(default_factory=SearchSettings)
    presets: dict[str, SearchSettings] = Field(default_factory=dict)
    #: `[[mcp]]` servers and `[collections]` names (grok_tui.chat.tools).
    tools: ToolConfig = Field(default_factory=ToolConfig)
    #: Binding id -> Textual key string ("ctrl+s" or "f2,ctrl+t"); only valid ids.
    keys: dict[str, str] = Field(default_factory=dict)
    #: Setting name (dotted: "timeouts.read", "search.web.domains", "keys.chat.send")
    #: -> where its value came from. A name missing here took its default.
    sources: dict[str, Source] = Field(default_factory=dict)
    config_path: Path | None = None

    @property
    def masked_key(self) -> str:
        return mask_key(self.api_key)

    def key_value(self) -> str | None:
        """The plain API key for the HTTP client (never display this)."""
        return self.api_key.get_secret_value() if self.api_key is not None else None

    def source_of(self, name: str) -> Source:
        """Where setting `name` came from (`DEFAULT` when nothing set it)."""
        return self.sources.get(name, DEFAULT)


def default_of(name: str) -> Any:
    """The built-in default of a dotted setting name ("model", "timeouts.read")."""
    model: type[BaseModel] = Settings
    *tables, leaf = name.split(".")
    for table in tables:
        annotation = model.model_fields[table].annotation
        assert isinstance(annotation, type) and issubclass(annotation, BaseModel), name
        model = annotation
    return model.model_fields[leaf].get_default(call_default_factory=True)
