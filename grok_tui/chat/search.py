"""Search settings of a session and the one set of rules that validates them.

The search form, `grok-tui ask` and the request builder all go through these
models, so each limit is written once:

* web search: at most 5 domains, *either* allowed *or* excluded; bare host names.
* X search: at most 10 handles, *either* allowed *or* excluded; valid X handles
  (1-15 letters, digits or underscores; a leading `@` is dropped); ISO dates
  `YYYY-MM-DD` with from-date not after to-date.

Normalizing helpers return the cleaned value plus an optional note ("removed
https://"), so the form can show what it changed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from grok_tui.chat.setting_error import SettingError as SettingError
from grok_tui.chat.tools import ToolSettings

MAX_DOMAINS = 5
MAX_HANDLES = 10
REASONING_EFFORTS = ("none", "low", "medium", "high", "xhigh")

_HANDLE_RE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalize_domain(raw: str) -> tuple[str, str | None]:
    """A bare host name from what the user typed, and a note of what changed.

    `https://www.x.ai/docs` becomes `x.ai`: the scheme, path, port and a
    trailing dot are removed, the name is lower-cased, and subdomains are
    dropped down to the registrable domain (xAI's rule: "domains without
    protocol specification or subdomains"; the Public Suffix List decides where
    the domain starts). Raises SettingError when what is left is not a domain.
    """
    text = raw.strip()
    if not text:
        raise SettingError("a domain cannot be empty")
    notes: list[str] = []
    lowered = text.lower()
    if lowered != text:
        notes.append("lower-cased")
    m = re.match(r"^[a-z][a-z0-9+.-]*://", lowered)
    if m:
        notes.append(f"removed {m.group(0)}")
        lowered = lowered[m.end() :]
    for sep in ("/", "?", "#"):
        if sep in lowered:
            lowered, _, _rest = lowered.partition(sep)
            notes.append("removed the path")
            break
    if "@" in lowered:
        raise SettingError(f"{raw.strip()!r} is not a domain (it contains '@')")
    if ":" in lowered:
        lowered = lowered.split(":", 1)[0]
        notes.append("removed the port")
    lowered = lowered.rstrip(".")
    if " " in lowered or "\t" in lowered:
        raise SettingError(f"{raw.strip()!r} is not a domain (it contains spaces)")
    if not lowered.isascii() and " " not in lowered:
        try:
            lowered = lowered.encode("idna").decode("ascii")
        except UnicodeError:
            raise SettingError(f"{raw.strip()!r} is not a domain name like example.com") from None
        notes.append("encoded the international name")
    labels = lowered.split(".")
    if len(labels) < 2 or not all(_LABEL_RE.match(label) for label in labels):
        raise SettingError(f"{raw.strip()!r} is not a domain name like example.com")
    if labels[-1].isdigit():
        raise SettingError(f"{raw.strip()!r} is an IP address, not a domain name")
    registrable = _public_suffixes().privatesuffix(lowered)
    if registrable is None:
        raise SettingError(f"{lowered!r} is a public suffix, not a domain name like example.com")
    if registrable != lowered:
        # xAI takes "domains without protocol specification or subdomains"
        # (xai-sdk tools.web_search); the domain covers its subdomains.
        notes.append(f"sent as {registrable} (xAI filters take the domain without subdomains)")
        lowered = registrable
    return lowered, ("; ".join(dict.fromkeys(notes)) or None)


_PSL: Any = None


def _public_suffixes() -> Any:
    """The Public Suffix List (bundled with `publicsuffixlist`, no network):
    `news.bbc.co.uk` -> `bbc.co.uk`, while `user.github.io` stays whole (it is
    a registrable domain of its own, and `github.io` would widen the filter)."""
    global _PSL
    if _PSL is None:
        from publicsuffixlist import PublicSuffixList

        _PSL = PublicSuffixList()
    return _PSL


def normalize_handle(raw: str) -> tuple[str, str | None]:
    """An X handle without `@`, and a note of what changed."""
    text = raw.strip()
    note = None
    if text.startswith("@"):
        text = text[1:]
        note = "removed the leading @"
    m = re.match(r"^(?:https?://)?(?:www\.)?(?:x|twitter)\.com/([^/?#]+)", text, re.I)
    if m:
        text = m.group(1)
        note = "took the handle from the profile URL"
    if not text:
        raise SettingError("a handle cannot be empty")
    if not _HANDLE_RE.match(text):
        raise SettingError(
            f"{raw.strip()!r} is not a valid X handle (1-15 letters, digits or underscores)"
        )
    return text, note


def parse_date(raw: str) -> dt.date:
    """A date from `YYYY-MM-DD`, or SettingError."""
    text = raw.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise SettingError(f"{raw.strip()!r} is not a date in the form YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SettingError(f"{text} is not a real calendar date") from None


def _dedupe(values: list[str]) -> list[str]:
    out: list[str] = []
    keys: set[str] = set()
    for v in values:
        k = v.lower()
        if k not in keys:
            keys.add(k)
            out.append(v)
    return out


def _from_api_lists(
    data: Any, allowed: str, excluded: str, mode: str, items: str, what: str
) -> Any:
    """Accept the API's spelling (`allowed_domains` / `excluded_domains`, ...) as input.

    The API refuses both lists at once, and so do we: one rule, whoever asks
    (the `ask` command's flags, a hand-written config file).
    """
    if not isinstance(data, dict) or (allowed not in data and excluded not in data):
        return data
    data = dict(data)
    allow = data.pop(allowed, None) or []
    exclude = data.pop(excluded, None) or []
    if allow and exclude:
        raise SettingError(f"{what} can be either allowed or excluded, not both at once")
    if allow or exclude:
        data[mode] = "allowed" if allow else "excluded"
        data[items] = list(allow or exclude)
    return data


class WebSearchSettings(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=False)

    enabled: bool = False
    domain_mode: Literal["allowed", "excluded"] = "allowed"
    domains: list[str] = Field(default_factory=list)
    image_understanding: bool = False
    image_search: bool = False

    @model_validator(mode="before")
    @classmethod
    def _api_lists(cls, data: Any) -> Any:
        return _from_api_lists(
            data, "allowed_domains", "excluded_domains", "domain_mode", "domains", "domains"
        )

    @field_validator("domains")
    @classmethod
    def _check_domains(cls, value: list[str]) -> list[str]:
        cleaned = _dedupe([normalize_domain(d)[0] for d in value])
        if len(cleaned) > MAX_DOMAINS:
            raise SettingError(
                f"at most {MAX_DOMAINS} domains are allowed by the API ({len(cleaned)} given)"
            )
        return cleaned


class XSearchSettings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    enabled: bool = False
    handle_mode: Literal["allowed", "excluded"] = "allowed"
    handles: list[str] = Field(default_factory=list)
    from_date: str | None = None
    to_date: str | None = None
    image_understanding: bool = False
    video_understanding: bool = False

    @model_validator(mode="before")
    @classmethod
    def _api_lists(cls, data: Any) -> Any:
        return _from_api_lists(
            data, "allowed_x_handles", "excluded_x_handles", "handle_mode", "handles", "handles"
        )

    @field_validator("handles")
    @classmethod
    def _check_handles(cls, value: list[str]) -> list[str]:
        cleaned = _dedupe([normalize_handle(h)[0] for h in value])
        if len(cleaned) > MAX_HANDLES:
            raise SettingError(
                f"at most {MAX_HANDLES} handles are allowed by the API ({len(cleaned)} given)"
            )
        return cleaned

    @field_validator("from_date", "to_date")
    @classmethod
    def _check_date(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return parse_date(value).isoformat()

    @model_validator(mode="after")
    def _check_range(self) -> XSearchSettings:
        if self.from_date and self.to_date and self.from_date > self.to_date:
            raise SettingError(
                f"the from-date {self.from_date} is after the to-date {self.to_date}"
            )
        return self


class SearchSettings(BaseModel):
    """Everything that shapes the agentic part of a request."""

    model_config = ConfigDict(extra="ignore")

    web: WebSearchSettings = Field(default_factory=WebSearchSettings)
    x: XSearchSettings = Field(default_factory=XSearchSettings)
    reasoning_effort: str | None = None  # None: the model's default
    max_turns: int | None = None  # None: the server's default
    #: Code execution, MCP servers, collections (additive: older files have none).
    tools: ToolSettings = Field(default_factory=ToolSettings)

    @field_validator("reasoning_effort")
    @classmethod
    def _check_effort(cls, value: str | None) -> str | None:
        if value is None or value == "" or value == "default":
            return None
        if value not in REASONING_EFFORTS:
            raise SettingError(
                f"reasoning effort must be one of {', '.join(REASONING_EFFORTS)} (got {value!r})"
            )
        return value

    @field_validator("max_turns")
    @classmethod
    def _check_turns(cls, value: int | None) -> int | None:
        if value is None:
            return None
        if not 1 <= value <= 100:
            raise SettingError(f"max turns must be between 1 and 100 (got {value})")
        return value

    @property
    def any_enabled(self) -> bool:
        return self.web.enabled or self.x.enabled or self.tools.any_enabled


def validation_messages(error: ValidationError) -> dict[str, str]:
    """Field path ("web.domains", "x.from_date", ...) -> one sentence, from a ValidationError."""
    out: dict[str, str] = {}
    for item in error.errors():
        path = ".".join(str(p) for p in item["loc"] if not isinstance(p, int))
        msg = item.get("msg", "invalid value")
        ctx_err = (item.get("ctx") or {}).get("error")
        if isinstance(ctx_err, SettingError):
            msg = str(ctx_err)
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        out.setdefault(path or "settings", msg)
    return out


def reasoning_efforts_for(model: str) -> tuple[str, ...] | None:
    """The reasoning efforts `model` takes: () when it refuses the field, None when unknown.

    From xai-wire.md §7: grok-4 (0709) and grok-4-1-fast reject `reasoning_effort`;
    non-reasoning models have no reasoning; grok-3-mini takes low/high; grok-4.3
    none..high; grok-4.6 adds xhigh; on grok-4.20-multi-agent the effort picks the
    agent count (low/medium/high/xhigh).
    """
    name = model.strip().lower()
    if "non-reasoning" in name:
        return ()
    if name in ("grok-4", "grok-4-latest") or name.startswith(("grok-4-0709", "grok-4-1-fast")):
        return ()
    if name.startswith("grok-3-mini"):
        return ("low", "high")
    if name.startswith("grok-4.3"):
        return ("none", "low", "medium", "high")
    if name.startswith("grok-4.6"):
        return REASONING_EFFORTS
    if name.startswith("grok-4.20-multi-agent"):
        return ("low", "medium", "high", "xhigh")
    return None
