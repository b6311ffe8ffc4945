"""The chat screen package (`ChatScreen` in screen.py; its parts beside it)."""

from grok_tui.ui.screens.chat.base import NARROW_WIDTH, Unsent
from grok_tui.ui.screens.chat.screen import ChatScreen

__all__ = ["NARROW_WIDTH", "ChatScreen", "Unsent"]
