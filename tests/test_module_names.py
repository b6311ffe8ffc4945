"""Module names say what a module is, once: no two modules of the package share
a file name unless the pair is listed here with the reason the shared name is
right (a package's conventional entry points, or a domain and its view).

Before this rule the package had three `request.py`, two `models.py` and two
`keymap.py` meaning different things, which made every import a guess.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "grok_tui"

#: File names every package may have once.
CONVENTIONAL = {"__init__.py", "__main__.py"}

#: Shared names that are right, with why.
ALLOWED: dict[str, tuple[set[str], str]] = {
    "screen.py": (
        {"ui/screens/chat/screen.py", "ui/screens/session_browser/screen.py"},
        "each screen package's Screen class",
    ),
    "dialogs.py": (
        {"ui/screens/chat/dialogs.py", "ui/screens/session_browser/dialogs.py"},
        "each screen package's dialog openers",
    ),
    "commands.py": (
        {"ui/commands.py", "ui/screens/session_browser/commands.py"},
        "the palette provider base and the browser's palette commands",
    ),
    "errors.py": ({"api/errors.py", "store/errors.py"}, "each layer's own error types"),
    "cli.py": ({"cli.py", "store/cli.py"}, "the parser and the `sessions` subcommand it runs"),
    "wire.py": (
        {"api/wire.py", "fake/wire.py"},
        "the client's and the fake's wire code, which must never share a module",
    ),
    "files.py": (
        {"store/files.py", "ui/screens/session_browser/files.py"},
        "session files on disk and the browser's export/import files",
    ),
    "conversation.py": (
        {"chat/conversation.py", "ui/widgets/conversation.py"},
        "the conversation's domain operations and the widget that shows it",
    ),
}


def modules_by_name() -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        if "__pycache__" in path.parts:
            continue
        found[path.name].add(path.relative_to(PACKAGE).as_posix())
    return found


def test_no_two_modules_share_a_name_without_a_reason() -> None:
    clashes = {
        name: paths
        for name, paths in modules_by_name().items()
        if len(paths) > 1 and name not in CONVENTIONAL
    }
    unexplained = {
        name: sorted(paths)
        for name, paths in clashes.items()
        if name not in ALLOWED or paths != ALLOWED[name][0]
    }
    assert not unexplained, (
        "modules sharing a name (rename one, or list the pair in ALLOWED with the reason): "
        f"{unexplained}"
    )


def test_the_allowed_pairs_still_exist() -> None:
    found = modules_by_name()
    stale = {name for name, (paths, _) in ALLOWED.items() if found.get(name) != paths}
    assert not stale, f"ALLOWED lists pairs that are gone or changed: {sorted(stale)}"
