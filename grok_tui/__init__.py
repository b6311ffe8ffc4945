"""grok-tui: a full-screen terminal client for xAI's Grok API."""

__version__ = "0.1.0"
