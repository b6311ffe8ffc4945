"""The UI's one CSS rule (`grok_tui/ui/stylesheets.py`): styles live in `.tcss`
files beside their modules, loaded with `stylesheet(__file__)`; no inline CSS
strings, no stylesheet nobody loads, no literal colours (theme variables only),
and every file parses."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from textual.css.stylesheet import Stylesheet
from textual.theme import BUILTIN_THEMES

from grok_tui.ui.theme_files import theme_variable_defaults

UI = Path(__file__).resolve().parents[2] / "grok_tui" / "ui"
#: Files loaded through the app's CSS_PATH rather than by a widget.
APP_STYLESHEETS = {"app.tcss", "screens/chat/chat.tcss"}
LITERAL_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgb|rgba|hsl|hsla)\(")


def ui_modules() -> list[Path]:
    return [p for p in UI.rglob("*.py") if "__pycache__" not in p.parts]


def css_assignments(path: Path) -> list[tuple[str, ast.expr, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if isinstance(stmt, ast.Assign | ast.AnnAssign):
                    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                    for target in targets:
                        if isinstance(target, ast.Name) and target.id in ("DEFAULT_CSS", "CSS"):
                            assert stmt.value is not None
                            found.append((f"{node.name}.{target.id}", stmt.value, stmt.lineno))
    return found


def loaded_files(path: Path) -> set[str]:
    """The stylesheets a module loads with `stylesheet(__file__[, name])`."""
    names: set[str] = set()
    for _, value, _ in css_assignments(path):
        if isinstance(value, ast.Call) and getattr(value.func, "id", None) == "stylesheet":
            if len(value.args) > 1 and isinstance(value.args[1], ast.Constant):
                name = str(value.args[1].value)
            else:
                name = path.with_suffix(".tcss").name
            names.add((path.parent / name).relative_to(UI).as_posix())
    return names


def test_styles_are_loaded_from_tcss_files_only() -> None:
    wrong = []
    for path in ui_modules():
        for where, value, line in css_assignments(path):
            is_call = (
                isinstance(value, ast.Call) and getattr(value.func, "id", None) == "stylesheet"
            )
            if not is_call:
                wrong.append(f"{path.relative_to(UI)}:{line} {where}")
    assert not wrong, f"inline CSS (move it to a .tcss file, load it with stylesheet()): {wrong}"


def test_every_stylesheet_is_loaded_by_its_module_or_the_app() -> None:
    loaded = set(APP_STYLESHEETS)
    for path in ui_modules():
        loaded |= loaded_files(path)
    present = {p.relative_to(UI).as_posix() for p in UI.rglob("*.tcss")}
    assert present - loaded == set(), f"stylesheets nobody loads: {sorted(present - loaded)}"
    assert loaded - present == set(), f"stylesheets loaded but missing: {sorted(loaded - present)}"


def test_stylesheets_use_theme_variables_not_literal_colours() -> None:
    literal = []
    for path in UI.rglob("*.tcss"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("/*")[0]
            if LITERAL_COLOUR.search(code):
                literal.append(f"{path.relative_to(UI)}:{number}: {line.strip()}")
    assert not literal, f"literal colours (use a theme variable): {literal}"


def test_every_stylesheet_parses() -> None:
    variables = {
        **BUILTIN_THEMES["textual-dark"].to_color_system().generate(),
        **theme_variable_defaults(),
    }
    for path in UI.rglob("*.tcss"):
        sheet = Stylesheet(variables=variables)
        sheet.add_source(path.read_text(encoding="utf-8"), read_from=(str(path), ""))
        sheet.parse()
