"""Incremental Markdown splitting and rendering for the streaming message widget."""
