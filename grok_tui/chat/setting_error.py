"""The error of a setting the user typed (shared by the search and tool rules)."""

from __future__ import annotations


class SettingError(ValueError):
    """A value the user typed cannot be used; the message says why, in words."""
