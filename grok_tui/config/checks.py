"""How one scalar setting's raw value is checked and cleaned.

A `Check` reads a value from the config file (typed TOML: `true`, `3.5`) and
from text (an environment variable or a command-line flag). Each function
returns the cleaned value or raises `Bad`, whose text says what is allowed;
the loader turns that into a `ConfigProblem` and falls back.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from grok_tui.config.schema import API_CHOICES, MAX_HISTORY_SIZE

T = TypeVar("T")


class Bad(ValueError):
    """A refused value; `str(self)` is what is allowed, in words."""


class CheckContext(Protocol):
    """What a check may ask of the load in progress."""

    def theme_names(self) -> set[str]: ...


Reader = Callable[[Any, CheckContext], T]


@dataclass(frozen=True, slots=True)
class Check(Generic[T]):
    """Reads one setting: `from_file` takes a TOML value, `from_text` a string."""

    from_file: Reader[T]
    from_text: Reader[T]

    @classmethod
    def same(cls, read: Reader[T]) -> Check[T]:
        """One reader for both (it takes text and typed values alike)."""
        return cls(read, read)


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _string(value: Any, _: CheckContext) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Bad("a non-empty string")
    return value.strip()


def _url(value: Any, _: CheckContext) -> str:
    if not isinstance(value, str) or not re.match(r"^https?://[^\s/]+", value.strip()):
        raise Bad("an http:// or https:// URL such as https://api.x.ai/v1")
    return value.strip().rstrip("/")


def _api(value: Any, _: CheckContext) -> str:
    if value not in API_CHOICES:
        raise Bad(" or ".join(API_CHOICES))
    return str(value)


def _theme(value: Any, context: CheckContext) -> str:
    known = context.theme_names()
    if not isinstance(value, str) or value.strip() not in known:
        raise Bad("one of " + ", ".join(sorted(known)))
    return value.strip()


def _bool_value(value: Any, _: CheckContext) -> bool:
    if not isinstance(value, bool):  # in the file a boolean must be a TOML boolean
        raise Bad("true or false")
    return value


def _bool_text(value: Any, _: CheckContext) -> bool:
    lowered = str(value).strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise Bad("true or false")


def _positive_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Bad("a positive number")
    if not math.isfinite(value) or value <= 0:
        raise Bad("a positive number")
    return float(value)


def _positive_value(value: Any, _: CheckContext) -> float:
    return _positive_number(value)


def _positive_text(value: Any, _: CheckContext) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        raise Bad("a positive number") from None
    return _positive_number(number)


def _seconds(value: Any, _: CheckContext) -> float:
    if isinstance(value, str):  # timeouts take "30" in the file too
        try:
            value = float(value.strip())
        except ValueError:
            raise Bad("a positive number of seconds") from None
    return _positive_number(value)


def _history_size(value: Any, _: CheckContext) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_HISTORY_SIZE:
        raise Bad(f"a whole number from 0 (keep none) to {MAX_HISTORY_SIZE}")
    return value


def _conversation(value: Any, _: CheckContext) -> str:
    if value not in ("client", "server"):
        raise Bad('"client" or "server"')
    return str(value)


STRING: Check[str] = Check.same(_string)
URL: Check[str] = Check.same(_url)
API: Check[str] = Check.same(_api)
THEME: Check[str] = Check.same(_theme)
BOOL: Check[bool] = Check(_bool_value, _bool_text)
POSITIVE: Check[float] = Check(_positive_value, _positive_text)
SECONDS: Check[float] = Check.same(_seconds)
HISTORY_SIZE: Check[int] = Check.same(_history_size)
CONVERSATION: Check[str] = Check.same(_conversation)
