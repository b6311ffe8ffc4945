"""Where widget and screen styles come from: one rule for the whole UI.

Every widget or screen with styles keeps them in a `.tcss` file beside its
module, named after the module (`status_bar.py` -> `status_bar.tcss`), or after
its package when a package shares one stylesheet (`tool_log/tool_log.tcss`).
The class loads it as its `DEFAULT_CSS`::

    DEFAULT_CSS = stylesheet(__file__)

so the rules stay *default* styles (the lowest precedence: the app's CSS and a
user's theme override them), are scoped to the widget that loads them, and
travel with the widget (a module with several styled classes keeps all their
rules in its one file; each rule names its class, and scoping keeps it there).
Two files are not per widget: `ui/app.tcss` (app-wide rules) and
`ui/screens/chat/chat.tcss` (the chat screen's layout, in the app's `CSS_PATH`
because Textual does not load the default screen's own `CSS_PATH`).
Colours come from theme variables only (`$primary`, `$tool-done`, ...), never
literals. `tests/ui/test_stylesheets.py` holds the code to this rule.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def stylesheet(module_file: str, name: str | None = None) -> str:
    """The text of the `.tcss` file beside `module_file`: `name` in the same
    folder, else the module's own stem with `.tcss`."""
    folder = Path(module_file).parent
    path = folder / name if name else Path(module_file).with_suffix(".tcss")
    return path.read_text(encoding="utf-8")
