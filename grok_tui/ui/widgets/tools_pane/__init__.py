"""The tools pane's sections beyond search (code execution, MCP servers,
collections). The search form (`search_form.SearchForm`) hosts them, so one
settings object, one `Changed` message, presets and session saving cover
every tool."""

from grok_tui.ui.widgets.tools_pane.section import ToolsSection

__all__ = ["ToolsSection"]
