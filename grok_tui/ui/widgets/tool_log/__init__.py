"""The tool-call / reasoning log (see `widget` for the public API).

- `rows`: what rows a turn has (plain data, no Textual), from a saved
  `Message` or grown from live events.
- `lazy_turns`: `LazyTurns`, the line map and which old turns are still lazy
  (plain data, no Textual).
- `text`: a row as display `Content` (cleaned strings, never markup).
- `widget`: `ToolLog`, the line-API widget (painting, expansion, cursor).
"""

from grok_tui.ui.widgets.tool_log.rows import MIN_REASONING_SECONDS, has_reasoning
from grok_tui.ui.widgets.tool_log.text import retry_text
from grok_tui.ui.widgets.tool_log.widget import ToolLog

__all__ = ["MIN_REASONING_SECONDS", "ToolLog", "has_reasoning", "retry_text"]
