"""Deleting a session from the browser (F8), with the documents it uploaded
(no Textual: the screen passes in how to ask and shows the outcome).

`delete_session` runs the whole flow: when there is a file server and the
session uploaded files no other session uses, it asks (`ask`: the screen
pushes `delete_dialog.DeleteSessionScreen`); then it moves the session to the
trash (`before_delete` first: the chat stops saving its own session), then
deletes the files on the server if the answer said so. A session without such
files moves to the trash at once. The `DeletionOutcome` says what happened in
one sentence for the user, and separately what became of the files (the chat
shows that as a notification when its own session went).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from grok_tui.sanitize import one_line
from grok_tui.store import SessionRepository, SessionSummary
from grok_tui.ui.screens.session_browser.model import STORE_ERRORS
from grok_tui.ui.screens.session_browser.server_files import (
    FileDeletionPlan,
    FileServer,
    delete_server_files,
    kept_sentence,
    session_file_plan,
)


@dataclass(frozen=True, slots=True)
class DeleteAnswer:
    """Move the session to the trash; `delete_files`: its files on the server too."""

    delete_files: bool


#: Asks whether to delete the session (None: cancelled), given its files' plan
#: and the server.
AskDelete = Callable[[SessionSummary, FileDeletionPlan, FileServer], Awaitable[DeleteAnswer | None]]


@dataclass(frozen=True, slots=True)
class DeletionOutcome:
    """What `delete_session` did.

    `deleted`: the session went to the trash. `message`: the sentence for the
    browser's message line (with `files_said`). `error`: the message reports a
    failure (the session's delete, or of some file). `files_said`: what became
    of its uploaded files ("" when it had none)."""

    deleted: bool
    message: str
    error: bool = False
    files_said: str = ""


async def delete_session(
    store: SessionRepository,
    summary: SessionSummary,
    *,
    server: FileServer | None,
    ask: AskDelete,
    before_delete: Callable[[], None] | None = None,
) -> DeletionOutcome:
    """Move `summary`'s session to the trash, asking first about its uploaded
    files when `server` can delete them (see the module docstring)."""
    plan: FileDeletionPlan | None = None
    if server is not None and summary.damaged is None:
        try:
            plan = await asyncio.to_thread(session_file_plan, store, summary.id)
        except STORE_ERRORS:
            plan = None  # the delete below says what is wrong, if anything
    delete_files = False
    if server is not None and plan is not None and plan.deletable:
        answer = await ask(summary, plan, server)
        if answer is None:
            return DeletionOutcome(False, "Nothing was deleted.")
        delete_files = answer.delete_files
    if before_delete is not None:
        before_delete()
    try:
        await asyncio.to_thread(store.delete, summary.id)
    except STORE_ERRORS as exc:
        return DeletionOutcome(False, f"Could not delete: {exc}", error=True)
    moved = (
        f"Moved “{one_line(summary.title, 80)}” to the trash "
        "(F9 shows the trash, F8 there restores)."
    )
    files_said, failed = "", False
    if server is not None and plan is not None and plan.files:
        if delete_files:
            report = await delete_server_files(server.client, plan.deletable)
            files_said, failed = report.sentence(server.where), not report.ok
        elif plan.deletable:
            files_said = f"Its uploaded files stay on {server.where}."
        files_said = " ".join(t for t in (files_said, kept_sentence(plan)) if t)
    return DeletionOutcome(True, f"{moved} {files_said}".strip(), failed, files_said)
