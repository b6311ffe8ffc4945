"""The server-side tools beyond search: code execution, remote MCP servers,
collections search. Their per-session switches, their definitions in
`config.toml`, and the one set of rules that validates both (no Textual, no I/O
except reading a token file's environment variable at request time).

Per session (`ToolSettings`, saved with the session and in presets as
`search.tools`): whether code execution is on, which MCP servers are on (by
label, never a URL or a token), which collections are searched and how many
results. Old session files have no `tools` and load with everything off.

Per user (`ToolConfig`, from `config.toml`):

```toml
[[mcp]]
label = "deepwiki"                       # 1-64 letters, digits, - or _; unique
url = "https://mcp.deepwiki.com/mcp"     # http(s) only
description = "Wiki of GitHub repos"     # optional
allowed_tools = ["read_wiki_structure"]  # optional; MCP tool names
token_env = "DEEPWIKI_TOKEN"             # the token in an env variable, or
# token = "..."                          # in this file (kept at 0600)

[collections]
"collection_80100614-..." = "Product docs"   # optional display names
```

A token is a `SecretStr`: it is only read out when the request is built
(`McpServer.authorization()`), so `repr`, dumps and logs never show it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from grok_tui.chat.setting_error import SettingError

MAX_COLLECTIONS = 10
MAX_COLLECTION_RESULTS = 50
MAX_MCP_SERVERS = 32

_LABEL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_TOOL_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
_COLLECTION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
_ENV_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
_HEADER_RE = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$")


def normalize_label(raw: str) -> str:
    """An MCP server label as typed in config or on the command line."""
    text = raw.strip()
    if not _LABEL_RE.match(text):
        raise SettingError(
            f"{text[:70]!r} is not a server label (1-64 letters, digits, '-' or '_')"
        )
    return text


def normalize_tool_name(raw: str) -> str:
    text = raw.strip()
    if not _TOOL_NAME_RE.match(text):
        raise SettingError(
            f"{text[:70]!r} is not an MCP tool name (letters, digits, '_', '-' or '.')"
        )
    return text


def normalize_collection_id(raw: str) -> tuple[str, str | None]:
    """A collection id as the API takes it, and a note of what changed."""
    text = raw.strip()
    if not text:
        raise SettingError("a collection id cannot be empty")
    if not _COLLECTION_RE.match(text):
        raise SettingError(f"{text[:70]!r} is not a collection id (like collection_80100614-...)")
    return text, None


def check_url(raw: str) -> str:
    """An http(s) URL with a host, or SettingError."""
    text = raw.strip()
    m = re.match(r"^(https?)://([^/?#\s]+)([^\s]*)$", text, re.I)
    if not m or not re.match(r"^[A-Za-z0-9.\-\[\]:@%_~]+$", m.group(2)):
        raise SettingError(f"{text[:80]!r} is not an http(s) URL like https://mcp.example.com/mcp")
    if "@" in m.group(2):
        raise SettingError("put the MCP token in token or token_env, not in the URL")
    return text


class ToolSettings(BaseModel):
    """The per-session switches of the tools beyond search."""

    model_config = ConfigDict(extra="ignore")

    code_execution: bool = False
    #: Labels of the `[[mcp]]` servers switched on for this session.
    mcp: list[str] = Field(default_factory=list)
    #: Collection ids searched (the `vector_store_ids` of `file_search`).
    collections: list[str] = Field(default_factory=list)
    #: `max_num_results` of the collections search; None: the server's default.
    collection_results: int | None = None

    @field_validator("mcp")
    @classmethod
    def _check_labels(cls, value: list[str]) -> list[str]:
        out: list[str] = []
        for raw in value:
            label = normalize_label(raw)
            if label not in out:
                out.append(label)
        return out

    @field_validator("collections")
    @classmethod
    def _check_collections(cls, value: list[str]) -> list[str]:
        out: list[str] = []
        for raw in value:
            cid = normalize_collection_id(raw)[0]
            if cid not in out:
                out.append(cid)
        if len(out) > MAX_COLLECTIONS:
            raise SettingError(
                f"at most {MAX_COLLECTIONS} collections are allowed by the API ({len(out)} given)"
            )
        return out

    @field_validator("collection_results")
    @classmethod
    def _check_results(cls, value: int | None) -> int | None:
        if value is None:
            return None
        if not 1 <= value <= MAX_COLLECTION_RESULTS:
            raise SettingError(
                f"results per search must be between 1 and {MAX_COLLECTION_RESULTS} (got {value})"
            )
        return value

    @property
    def any_enabled(self) -> bool:
        return self.code_execution or bool(self.mcp) or bool(self.collections)


class McpServer(BaseModel):
    """One `[[mcp]]` table of config.toml."""

    model_config = ConfigDict(extra="forbid")

    label: str
    url: str
    description: str = ""
    allowed_tools: list[str] = Field(default_factory=list)
    token_env: str | None = None
    token: SecretStr | None = None
    headers: dict[str, str] = Field(default_factory=dict)

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        return normalize_label(value)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_url(value)

    @field_validator("allowed_tools")
    @classmethod
    def _tools(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(normalize_tool_name(v) for v in value))

    @field_validator("token_env")
    @classmethod
    def _env(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not _ENV_RE.match(value.strip()):
            raise SettingError(f"{value[:70]!r} is not an environment variable name")
        return value.strip()

    @field_validator("headers")
    @classmethod
    def _headers(cls, value: dict[str, str]) -> dict[str, str]:
        for name, text in value.items():
            if not _HEADER_RE.match(name) or name.lower() == "authorization":
                raise SettingError(
                    f"{name[:40]!r} is not a header name allowed here (the token goes in token)"
                )
            if any(ord(c) < 32 or ord(c) == 127 for c in text):
                raise SettingError(f"the value of header {name!r} has control characters")
        return value

    def token_value(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The token in force: `token_env`'s variable first, then `token`."""
        env = os.environ if environ is None else environ
        if self.token_env:
            value = env.get(self.token_env, "").strip()
            if value:
                return value
        if self.token is not None:
            value = self.token.get_secret_value().strip()
            return value or None
        return None

    def authorization(self, environ: Mapping[str, str] | None = None) -> str | None:
        """The `authorization` field of the request (`Bearer <token>`), or None."""
        token = self.token_value(environ)
        if token is None:
            return None
        return token if token.lower().startswith("bearer ") else f"Bearer {token}"

    def token_problem(self, environ: Mapping[str, str] | None = None) -> str | None:
        """Why a configured token is missing (for the pane), or None."""
        if self.token_env and self.token_value(environ) is None:
            return f"the environment variable {self.token_env} is not set"
        return None


class ToolConfig(BaseModel):
    """The tools defined in config.toml: MCP servers and collection names."""

    model_config = ConfigDict(extra="forbid")

    mcp_servers: list[McpServer] = Field(default_factory=list)
    #: Collection id -> display name.
    collection_names: dict[str, str] = Field(default_factory=dict)

    def server(self, label: str) -> McpServer | None:
        for server in self.mcp_servers:
            if server.label == label:
                return server
        return None

    @property
    def labels(self) -> list[str]:
        return [s.label for s in self.mcp_servers]

    def secrets(self, environ: Mapping[str, str] | None = None) -> list[str]:
        """Every token value in force (for leak checks and masking)."""
        out: list[str] = []
        for server in self.mcp_servers:
            token = server.token_value(environ)
            if token:
                out.append(token)
        return out


#: The MCP server the offline demo offers when config.toml defines none (the
#: demo's fake answers for it; nothing is contacted).
DEMO_MCP_SERVER = McpServer(
    label="demo-wiki",
    url="https://mcp.deepwiki.com/mcp",
    description="Offline demo server (answered by the demo backend)",
    allowed_tools=["read_wiki_contents"],
)


def _errors(exc: ValidationError) -> str:
    item = exc.errors()[0]
    err = (item.get("ctx") or {}).get("error")
    field = ".".join(str(p) for p in item["loc"])
    msg = str(err) if isinstance(err, SettingError) else item.get("msg", "invalid value")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return f"{field}: {msg}" if field else msg


def tool_config_from(file: Mapping[str, Any], where: str, warnings: list[str]) -> ToolConfig:
    """`ToolConfig` from the parsed config.toml (`[[mcp]]`, `[collections]`).

    A bad server is left out with a warning naming the field and why; a
    repeated label keeps the first. Never raises.
    """
    servers: list[McpServer] = []
    raw = file.get("mcp", [])
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        warnings.append(f"{where}: mcp must be [[mcp]] tables; ignored")
        raw = []
    for n, table in enumerate(raw, start=1):
        if not isinstance(table, dict):
            warnings.append(f"{where}: mcp #{n} must be a table; ignored")
            continue
        try:
            server = McpServer.model_validate(table)
        except ValidationError as exc:
            label = table.get("label") if isinstance(table.get("label"), str) else f"#{n}"
            warnings.append(f"{where}: mcp {label}: {_errors(exc)}; server ignored")
            continue
        if any(s.label == server.label for s in servers):
            warnings.append(f"{where}: mcp {server.label}: the label is used twice; ignored")
            continue
        if len(servers) >= MAX_MCP_SERVERS:
            warnings.append(f"{where}: more than {MAX_MCP_SERVERS} mcp servers; the rest ignored")
            break
        servers.append(server)
    names: dict[str, str] = {}
    raw_names = file.get("collections", {})
    if not isinstance(raw_names, dict):
        warnings.append(f'{where}: collections must be a table of id = "name"; ignored')
        raw_names = {}
    for cid, name in raw_names.items():
        try:
            key = normalize_collection_id(str(cid))[0]
        except SettingError as exc:
            warnings.append(f"{where}: collections: {exc}; ignored")
            continue
        if not isinstance(name, str):
            warnings.append(f"{where}: collections.{key} must be a name in quotes; ignored")
            continue
        names[key] = " ".join(name.split())[:80]
    return ToolConfig(mcp_servers=servers, collection_names=names)


def has_file_tokens(file: Mapping[str, Any]) -> bool:
    """Whether the parsed config holds an MCP token (the file must stay 0600)."""
    raw = file.get("mcp", [])
    tables = [raw] if isinstance(raw, dict) else raw if isinstance(raw, list) else []
    return any(isinstance(t, dict) and t.get("token") for t in tables)


def check_session_tools(settings: ToolSettings, config: ToolConfig | None) -> list[str]:
    """Problems of a session's tools against the config: MCP labels that are
    not defined (they are not sent), tokens whose variable is unset."""
    problems: list[str] = []
    for label in settings.mcp:
        server = config.server(label) if config is not None else None
        if server is None:
            problems.append(f"MCP server {label} is not defined in config.toml; not sent")
            continue
        why = server.token_problem()
        if why:
            problems.append(f"MCP server {label}: {why}; sent without a token")
    return problems


def describe_tools(
    defaults: ToolSettings, config: ToolConfig, sources: Mapping[str, str]
) -> list[tuple[str, str, str]]:
    """(name, shown value, source) rows for `grok-tui config`: the tool defaults
    of new sessions and the `[[mcp]]` servers. Tokens are never shown, only
    where they come from and whether they are set."""
    import json

    rows: list[tuple[str, str, str]] = []
    for name, value in defaults.model_dump(mode="json").items():
        shown = "default" if value is None else json.dumps(value)
        rows.append((f"search.tools.{name}", shown, sources.get(f"search.tools.{name}", "default")))
    for server in config.mcp_servers:
        if server.token_env:
            token = f"env {server.token_env} ({'set' if server.token_value() else 'not set'})"
        elif server.token is not None:
            token = "in the file (hidden)"
        else:
            token = "none"
        tools = f" · tools: {', '.join(server.allowed_tools)}" if server.allowed_tools else ""
        rows.append((f"mcp.{server.label}", f"{server.url}{tools} · token: {token}", "file"))
    if not config.mcp_servers:
        rows.append(("mcp", "(none)", "default"))
    for cid, name in config.collection_names.items():
        rows.append((f"collections.{cid}", json.dumps(name), "file"))
    return rows
