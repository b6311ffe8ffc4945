"""One load of the settings in progress: the raw sources, and what was found.

Loaders (`scalars.load_scalar`, the table loaders in `tables.TABLES`) read
from a `LoadContext`, record problems with `ctx.problem(...)` and provenance
in `ctx.sources`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grok_tui.config.schema import DEFAULT_THEME
from grok_tui.config.sources import NO_VALUE, ConfigProblem, ProblemKind, Source

if TYPE_CHECKING:
    import argparse


@dataclass
class LoadContext:
    """One load in progress: the raw sources, and what was found on the way."""

    path: Path
    environ: Mapping[str, str]
    args: argparse.Namespace | None
    cwd: Path
    file: dict[str, Any] = field(default_factory=dict)
    problems: list[ConfigProblem] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    _themes: set[str] | None = None

    @property
    def file_source(self) -> Source:
        return Source.file(self.path)

    def problem(
        self,
        kind: ProblemKind,
        key: str | None,
        reason: str,
        value: Any = NO_VALUE,
        outcome: str = "",
        *,
        source: Source | None = None,
    ) -> None:
        """Record one problem; the source is the config file unless said."""
        self.problems.append(
            ConfigProblem(kind, source or self.file_source, key, reason, value, outcome)
        )

    def keep_private(self, secret: str) -> None:
        """The config file holds `secret` ("an API key", "an MCP token"): it is
        made 0600 if others could read it (said once, as a problem)."""
        if os.name != "posix":
            return
        try:
            mode = stat.S_IMODE(self.path.stat().st_mode)
            if not mode & 0o077:
                return
            os.chmod(self.path, 0o600)
            why = f"was readable by others (mode {mode:o}); its permissions are now 0600"
        except OSError as exc:
            why = f"its permissions could not be fixed: {exc}"
        if secret == "an API key":
            self.problem(ProblemKind.KEY_FILE_MODE, None, why)
        else:
            self.problem(ProblemKind.NOTE, None, f"holds {secret} and {why}")

    def theme_names(self) -> set[str]:
        """Shipped and user themes, listed once and only when a theme is asked for."""
        if self._themes is None:
            from grok_tui.config.theme_names import theme_names

            try:
                self._themes = set(theme_names(self.path.parent / "themes"))
            except Exception as exc:  # a theme folder problem must not stop the app
                self.problem(
                    ProblemKind.NOTE,
                    None,
                    f"could not list the themes: {exc}",
                    source=Source.derived("themes"),
                )
                self._themes = {DEFAULT_THEME}
        return self._themes
