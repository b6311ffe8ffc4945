"""Where xAI's API is, and how its key may be shown.

The one home of `DEFAULT_BASE_URL` and `mask_key`, shared by the client, the
settings, the command line and the prompt-history file. Deliberately light (no
httpx, no pydantic): `grok-tui --help` and the settings loader import it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

#: The API root, including `/v1`, as the OpenAI SDK takes it.
DEFAULT_BASE_URL = "https://api.x.ai/v1"

#: xAI keys start with this public prefix; showing it reveals nothing.
KEY_PREFIX = "xai-"
#: A key body shorter than this shows none of its characters.
_MIN_BODY_SHOWN = 12


class SecretLike(Protocol):
    """pydantic's `SecretStr`, without importing pydantic here."""

    def get_secret_value(self) -> str: ...


def mask_key(key: str | SecretLike | None) -> str:
    """`xai-…b14o`: the public prefix and never more than the last 4 characters.

    A key too short to show any of it without giving most of it away shows only
    its prefix (`xai-…`); no key, or a blank one, is `not set`.
    """
    if key is None:
        return "not set"
    text = key if isinstance(key, str) else key.get_secret_value()
    text = text.strip()
    if not text:
        return "not set"
    prefix = KEY_PREFIX if text.startswith(KEY_PREFIX) else ""
    body = text[len(prefix) :]
    if len(body) < _MIN_BODY_SHOWN:
        return f"{prefix}…"
    return f"{prefix}…{body[-4:]}"


def redact_key(text: str, key: str | None) -> str:
    """`text` with every occurrence of `key` replaced by its mask."""
    if not key or key not in text:
        return text
    return text.replace(key, mask_key(key))


#: A secret shorter than this is not masked (it would mangle ordinary words).
MIN_SECRET_LENGTH = 8


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret (of at least `MIN_SECRET_LENGTH` characters)
    replaced by its mask; longest first, so a key containing another is whole.
    The one masking rule of prompts, saved messages and the prompt history."""
    for secret in sorted({s.strip() for s in secrets if s}, key=len, reverse=True):
        if len(secret) >= MIN_SECRET_LENGTH and secret in text:
            text = text.replace(secret, mask_key(secret))
    return text
