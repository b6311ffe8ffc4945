"""File sizes for people: one function, used everywhere a size is shown.

No Textual: the chat layer (attachment refusals) and the UI (attach dialog,
attachment chips) both use it.
"""

from __future__ import annotations

_UNITS = ("KiB", "MiB", "GiB", "TiB")


def format_size(size: int) -> str:
    """`73` -> `73 bytes`, `1536` -> `1.5 KiB`, `250_000` -> `244 KiB`,
    `3_500_000` -> `3.3 MiB`. Exact bytes under 1 KiB; above, one decimal
    under 100 of the unit, whole numbers from 100."""
    if size < 1024:
        return "1 byte" if size == 1 else f"{max(size, 0)} bytes"
    value = float(size)
    for unit in _UNITS:
        value /= 1024
        shown = f"{value:.1f}" if value < 99.95 else f"{value:.0f}"
        if float(shown) < 1024 or unit == _UNITS[-1]:
            return f"{shown} {unit}"
    raise AssertionError("unreachable")
