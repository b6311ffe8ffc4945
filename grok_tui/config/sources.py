"""Where a setting came from, and what was wrong with one: typed records.

`Source` is a value's provenance: a command-line flag, an environment
variable, the `.env` file, the config file or the built-in default.
`Settings.sources` maps every setting name to one, and `grok-tui config` prints
them. `ConfigProblem` is one thing wrong with one value (or with the whole
file): the setting it is about, the value, why it was refused, where it came
from and what was done instead. `str()` of either is the sentence the user
reads. This module also reads the raw sources themselves: the TOML file (with
`tomllib`: fast, and a write re-reads it with tomlkit) and `.env` files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from grok_tui import paths


class SourceKind(StrEnum):
    FLAG = "flag"
    ENV = "env"
    DOTENV = ".env"
    FILE = "file"
    DEFAULT = "default"
    #: Nothing set it and it has no default (the API key).
    UNSET = "not set"
    #: Worked out from other settings (demo mode without a key); `name` says why.
    DERIVED = "derived"


@dataclass(frozen=True, slots=True)
class Source:
    """Where one value came from. `name` is the flag (`--model`), the variable
    (`GROK_TUI_MODEL`), the config file's path, or why (for `DERIVED`)."""

    kind: SourceKind
    name: str = ""

    @classmethod
    def flag(cls, flag: str) -> Source:
        return cls(SourceKind.FLAG, flag)

    @classmethod
    def env(cls, variable: str) -> Source:
        return cls(SourceKind.ENV, variable)

    @classmethod
    def dotenv(cls, variable: str) -> Source:
        return cls(SourceKind.DOTENV, variable)

    @classmethod
    def file(cls, path: Path) -> Source:
        return cls(SourceKind.FILE, str(path))

    @classmethod
    def derived(cls, why: str) -> Source:
        return cls(SourceKind.DERIVED, why)

    def __str__(self) -> str:
        match self.kind:
            case SourceKind.FLAG | SourceKind.ENV | SourceKind.DOTENV:
                return f"{self.kind.value} {self.name}"
            case SourceKind.DERIVED:
                return self.name
            case _:
                return self.kind.value  # "file", "default", "not set"


DEFAULT = Source(SourceKind.DEFAULT)
UNSET = Source(SourceKind.UNSET)


class ProblemKind(StrEnum):
    """The shape of the sentence a problem reads as."""

    #: `<subject> = <value> is not allowed (expected <reason>); <outcome>`
    NOT_ALLOWED = "not allowed"
    #: `<subject> = <value>: <reason>; <outcome>` (a validator's own words)
    INVALID = "invalid"
    #: `<file>: unknown setting '<key>' ignored`
    UNKNOWN = "unknown"
    #: `<subject> must be <reason>[, got <value>]; <outcome>`
    WRONG_TYPE = "wrong type"
    #: `<subject>: <reason>[; <outcome>]` (the file as a whole, or a note)
    NOTE = "note"
    #: `<file> holds an API key and <reason>`
    KEY_FILE_MODE = "key file mode"


class _NoValue:
    def __repr__(self) -> str:
        return "NO_VALUE"


#: `ConfigProblem.value` when the problem is not about one value.
NO_VALUE: Any = _NoValue()


def shown_value(value: object) -> str:
    """A value as a problem quotes it: its repr, at most 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One thing wrong with one setting (`key`, dotted) or with the file (`key` None).

    Loading never raises: it records one of these and falls back (`outcome`
    says to what). `str()` is the sentence shown to the user.
    """

    kind: ProblemKind
    source: Source
    key: str | None
    reason: str
    value: Any = NO_VALUE
    outcome: str = ""

    @property
    def subject(self) -> str:
        """Where the value was, as the user wrote it: `file: key`, the variable, the flag."""
        match self.source.kind:
            case SourceKind.FILE:
                return f"{self.source.name}: {self.key}" if self.key else self.source.name
            case SourceKind.ENV | SourceKind.FLAG:
                return self.source.name
            case SourceKind.DOTENV:
                return f".env {self.source.name}"
            case _:
                return self.key or ""

    def __str__(self) -> str:
        value = shown_value(self.value)
        tail = f"; {self.outcome}" if self.outcome else ""
        match self.kind:
            case ProblemKind.NOT_ALLOWED:
                return f"{self.subject} = {value} is not allowed (expected {self.reason}){tail}"
            case ProblemKind.INVALID:
                return f"{self.subject} = {value}: {self.reason}{tail}"
            case ProblemKind.UNKNOWN:
                return f"{self.source.name}: unknown setting {self.key!r} ignored"
            case ProblemKind.WRONG_TYPE:
                got = f", got {value}" if self.value is not NO_VALUE else ""
                return f"{self.subject} must be {self.reason}{got}{tail}"
            case ProblemKind.KEY_FILE_MODE:
                return f"{self.source.name} holds an API key and {self.reason}"
            case _:
                subject = self.subject
                return f"{subject}: {self.reason}{tail}" if subject else f"{self.reason}{tail}"


# ---------------------------------------------------------------------------
# The config file


def config_path_for(environ: Mapping[str, str]) -> Path:
    """`$GROK_TUI_CONFIG_DIR/config.toml` from `environ`, else the platform's one."""
    override = environ.get("GROK_TUI_CONFIG_DIR")
    if override:
        return Path(override).expanduser() / "config.toml"
    return paths.config_file()


def read_config_file(path: Path, problems: list[ConfigProblem]) -> dict[str, Any]:
    """The file's TOML as data; a missing file is empty, a broken one is empty
    plus a problem (every setting then takes its default)."""
    import tomllib

    source = Source.file(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):  # no file there (yet)
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(
            ConfigProblem(
                ProblemKind.NOTE,
                source,
                None,
                f"cannot read the config file ({exc})",
                outcome="using the default settings",
            )
        )
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(
            ConfigProblem(
                ProblemKind.NOTE,
                source,
                None,
                f"TOML syntax error: {exc}",
                outcome="using the default settings for everything",
            )
        )
        return {}


# ---------------------------------------------------------------------------
# .env files

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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
        if not sep or not _NAME.fullmatch(name):
            continue
        out[name] = _dotenv_value(value.strip())
    return out


def _dotenv_value(value: str) -> str:
    if value[:1] in ("'", '"'):
        quote = value[0]
        end = value.find(quote, 1)
        value = value[1:] if end == -1 else value[1:end]
        if quote == '"':
            value = value.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")
        return value
    hash_at = re.search(r"\s#", value)
    if hash_at:
        value = value[: hash_at.start()]
    return value.strip()


def read_dotenv(cwd: Path) -> dict[str, str]:
    """`cwd/.env` parsed, or nothing when it cannot be read."""
    try:
        return parse_dotenv((cwd / ".env").read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return {}
