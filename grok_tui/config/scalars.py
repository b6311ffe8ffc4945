"""Single-valued settings: declared once in `SCALARS`, read by `load_scalar`.

Each `Scalar` names the setting, how its value is checked, and the
environment variable and command-line flag that may set it; the default is
the `Settings` field's. Flags beat variables beat the file; a refused value
is a problem and the next source is tried.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from grok_tui.config import checks
from grok_tui.config.checks import Bad, Check, Reader
from grok_tui.config.context import LoadContext
from grok_tui.config.schema import default_of
from grok_tui.config.sources import ProblemKind, Source, shown_value


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _tokens_per_second(value: float) -> str:
    return f"{value:g} tokens/s"


def _prompts(value: int) -> str:
    return f"{value} prompts" if value else "0 (off)"


@dataclass(frozen=True, slots=True)
class Scalar:
    """One single-valued setting: its dotted name, how it is checked, and the
    environment variable and command-line flag that may set it."""

    name: str
    check: Check[Any]
    env: str | None = None
    flag: str | None = None
    #: How `grok-tui config` shows the value (None: plain).
    shown: Callable[[Any], str] | None = None

    @property
    def dest(self) -> str:
        """The argparse attribute of `flag`."""
        return (self.flag or "").lstrip("-").replace("-", "_")


#: Every scalar setting, in the order `grok-tui config` lists them. The default
#: is the `Settings` field's.
SCALARS: tuple[Scalar, ...] = (
    Scalar("model", checks.STRING, env="GROK_TUI_MODEL", flag="--model"),
    Scalar("base_url", checks.URL, env="GROK_TUI_BASE_URL", flag="--base-url"),
    Scalar("api", checks.API, env="GROK_TUI_API", flag="--api"),
    Scalar("theme", checks.THEME, env="GROK_TUI_THEME", flag="--theme"),
    Scalar("show_tool_log", checks.BOOL, env="GROK_TUI_SHOW_TOOL_LOG"),
    Scalar("demo_rate", checks.POSITIVE, env="GROK_TUI_DEMO_RATE", shown=_tokens_per_second),
    Scalar("history_size", checks.HISTORY_SIZE, shown=_prompts),
    Scalar("store_responses", checks.BOOL),
    Scalar("conversation", checks.CONVERSATION),
    Scalar("timeouts.connect", checks.SECONDS, env="GROK_TUI_CONNECT_TIMEOUT", shown=_seconds),
    Scalar("timeouts.read", checks.SECONDS, env="GROK_TUI_READ_TIMEOUT", shown=_seconds),
    Scalar("timeouts.write", checks.SECONDS, env="GROK_TUI_WRITE_TIMEOUT", shown=_seconds),
)

#: Environment variables that set a setting: variable -> setting name.
ENV_VARS: dict[str, str] = {s.env: s.name for s in SCALARS if s.env}
#: Command-line flags that set a setting: argparse dest -> (setting name, flag).
FLAGS: dict[str, tuple[str, str]] = {s.dest: (s.name, s.flag) for s in SCALARS if s.flag}


def _lookup(data: Mapping[str, Any], name: str) -> tuple[bool, Any]:
    node: Any = data
    for part in name.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _candidates(scalar: Scalar, ctx: LoadContext) -> Iterator[tuple[Source, Any, Reader[Any]]]:
    """(where, raw value, reader) for each source that sets `scalar`, best first."""
    if scalar.flag and ctx.args is not None:
        value = getattr(ctx.args, scalar.dest, None)
        if value is not None:
            yield Source.flag(scalar.flag), value, scalar.check.from_text
    if scalar.env:
        value = ctx.environ.get(scalar.env)
        if value is not None and value.strip() != "":
            yield Source.env(scalar.env), value, scalar.check.from_text
    found, value = _lookup(ctx.file, scalar.name)
    if found:
        yield ctx.file_source, value, scalar.check.from_file


def load_scalar(scalar: Scalar, ctx: LoadContext) -> Any:
    """The value in force for `scalar`; each refused value on the way is a problem."""
    default = default_of(scalar.name)
    for source, raw, read in _candidates(scalar, ctx):
        try:
            value = read(raw, ctx)
        except Bad as bad:
            outcome = (
                f"using the default {shown_value(default)}"
                if source == ctx.file_source
                else "using the next source"
            )
            ctx.problem(ProblemKind.NOT_ALLOWED, scalar.name, str(bad), raw, outcome, source=source)
            continue
        ctx.sources[scalar.name] = source
        return value
    return default
