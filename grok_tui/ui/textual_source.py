"""The self-checks of the Textual fixes (`textual_fixes` and the fixes in
their own modules): a fix is applied only while the Textual function it
replaces reads as the one we know."""

from __future__ import annotations

from typing import Any


def source_of(function: Any) -> str:
    """`function`'s source, or "" (no source: a C function, a frozen build)."""
    import inspect  # here: only the fixes need it, once

    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return ""


def source_has(function: Any, *markers: str) -> bool:
    """Whether `function`'s source holds every marker."""
    source = source_of(function)
    return bool(source) and all(marker in source for marker in markers)
