"""The chat screen package (`ChatScreen` in screen.py; its parts beside it)."""

from grok_tui.ui.screens.chat.screen import ChatScreen
from grok_tui.ui.widgets.side_pane import NARROW_WIDTH

__all__ = ["NARROW_WIDTH", "ChatScreen"]
