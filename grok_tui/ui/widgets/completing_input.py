"""An `Input` whose Tab accepts its suggester's completion.

Textual's `Input` shows a suggester's completion as ghost text and accepts it
only with Right/End at the end of the line; the suggestion is computed in the
background, so a Tab pressed right after typing found nothing to accept, and
Enter then used only what was typed. `CompletingInput` asks the suggester
itself when Tab is pressed, and an Enter that arrives while that completion
is still being computed (keys sent in one burst) waits for it, so it submits
the completed path.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input


class CompletingInput(Input):
    """Tab completes the value with the suggester's suggestion (if any)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not a priority binding: a priority binding runs as soon as the app
        # reads the key, before the characters typed just before it (one
        # burst) have reached the input, and found nothing to complete.
        Binding("tab", "complete", "Complete", show=False),
    ]

    _completion: asyncio.Task[None] | None = None

    async def action_complete(self) -> None:
        if self.suggester is None:
            self.screen.focus_next()  # Tab's usual meaning where nothing completes
            return
        task = asyncio.create_task(self._complete(self.value))
        self._completion = task
        await task

    async def _complete(self, value: str) -> None:
        if not value or self.suggester is None:
            return
        completion = await self.suggester.get_suggestion(value)
        if completion and completion != value and self.value == value:
            self.value = completion
        self.cursor_position = len(self.value)

    async def action_submit(self) -> None:
        task = self._completion
        if task is not None and not task.done():
            await asyncio.shield(task)
        await super().action_submit()
