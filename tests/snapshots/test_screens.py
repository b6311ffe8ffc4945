"""Snapshot tests of the main screens (pytest-textual-snapshot).

Each screen (the chat with a finished search turn and its tool log, the
search pane showing a validation error, the session browser, help) at
80x24 and 160x50, in a dark and a light theme: 16 SVGs under
`__snapshots__/test_screens/`. The states are built in `screen_states`
with fixed data and frozen clocks, so a shot differs only when the UI does.

After an intended UI change: `./scripts/test tests/snapshots --snapshot-update`,
then look at the changed SVGs (README, "Snapshot tests"). A failure writes
an HTML report with both images side by side (its path is printed).

`snap_compare` tests are plain functions: the fixture runs the app itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.snapshots.screen_states import SCREENS, SIZES, THEMES, frozen_environment, make_app


@pytest.fixture(autouse=True)
def _frozen(tmp_path: Path) -> Iterator[None]:
    with frozen_environment(tmp_path):
        yield


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(
    screen: str, theme: str, size: tuple[int, int], snap_compare: Callable[..., bool]
) -> None:
    """`screen` (see `screen_states.SCREENS`) in `theme` at `size`. A UI change
    that is intended: `./scripts/test tests/snapshots --snapshot-update`, then
    look at the new SVGs before committing them."""
    app = make_app(theme)
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])
